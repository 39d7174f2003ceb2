"""The reference catalogue checked against the law (issue #14 item 5).

Every duty of ``data/catalogue/duties.csv`` names its legal bases (``bases.csv``:
a title and an article). :func:`check_catalogue` looks each basis up in the law
corpus — the act by its normalised title, the version in force on the duty's
start date, the article by number — and asks whether the article's text
grounds the department's role:

* a **competence clause** of the article (:func:`~.competence.extract_by_rules`, the rule reader) puts a
  department of one of the department's lines (``Department.systems``) in
  charge, or
* the article **names the department's line** (a department phrase of that
  line, old names included: 工商行政管理部门 for market regulation), or names
  the department itself.

A duty is ``grounded`` when at least one of its bases does; the row then says
which article verified it. It is ``unchecked`` when none of its bases is a text
of the corpus (policy documents, department rules the corpus lacks): nothing
to check it against. It **fails** (a located row of the report) when it cites
a text of the corpus that does not ground it — an article the version lacks,
no article at all, an article that does not name the line, a version no longer
in force while the duty is left open — or when its department did not exist
yet on its start date (国家消防救援局 before 2023-01-06: its predecessor's row
covers that time). A failing row says which article of the cited act would
ground the role, where one does (``suggestion``).

>>> report = check_catalogue()
>>> s = report.summary()
>>> s["duties"] == s["grounded"] + s["generic"] + s["unchecked"] + s["failing"]
True
>>> row = next(r for r in report.rows if r.department == "N-SAMR" and r.item == "I-FOOD")
>>> row.verdict, row.article_label
('grounded', '《中华人民共和国食品安全法》第五条')
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ...fixtures import CATALOGUE_PATH
from .competence import extract_by_rules, line_for, reform_lines
from .parse import Article, Corpus, Version, packaged_corpus

__all__ = ["CheckReport", "CheckRow", "check_catalogue", "ground"]

#: basis kinds that are texts of the law corpus (the rest are policy documents)
LAW_KINDS = {"law", "administrative-regulation", "department-rule"}

_TODAY = dt.date.today().isoformat()
_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|"
    "海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
#: a document of a province or city: 江苏省体育局…, 上海市…, a title ending （江苏）
_LOCAL_DOCUMENT = re.compile(
    rf"(?:{_PROVINCES})(?:省|市|自治区|维吾尔|壮族|回族)|（(?:{_PROVINCES})）"
)
_VERDICT_ZH = {
    "grounded": "有法定依据",
    "generic": "仅有概括授权",
    "unchecked": "无法核对",
    "failing": "未通过",
}
#: 国务院有关部门在各自职责范围内负责…: the law grounds assisting departments only in general terms
_GENERIC_CLAUSE = re.compile(
    r"(?:其他)?有关(?:主管)?部门[^。；]{0,30}?(?:在各自(?:的)?职责范围内|按照(?:各自的)?职责(?:分工)?|依照[^。；]{0,20}?(?:职责|规定))"
)


@dataclass(slots=True)
class CheckRow:
    """The verdict on one duty (one row of ``duties.csv``, ``row`` counted with the header as 1)."""

    row: int
    department: str
    department_name: str
    item: str
    item_name: str
    role: str
    valid_from: str
    bases: tuple[str, ...]
    verdict: str = "failing"
    basis: str = ""  # the basis id that verified it
    article_label: str = ""  # 《title》第X条
    reasons: list[str] = field(default_factory=list)
    #: for a failing row: (basis id, article label) of an article of a cited act that grounds the role
    suggestion: tuple[str, str] | None = None
    checked: bool = False  # at least one basis is a text of the corpus
    generic_basis: str = ""  # a cited article that grounds only 有关部门 (for an assisting role)

    @property
    def department_label(self) -> str:
        return f"{self.department_name} ({self.department})"

    @property
    def item_label(self) -> str:
        return f"{self.item_name} ({self.item})"

    @property
    def verdict_zh(self) -> str:
        return _VERDICT_ZH.get(self.verdict, self.verdict)

    @property
    def detail(self) -> str:
        return "；".join(self.reasons)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": "duties.csv",
            "row": self.row,
            "department": self.department,
            "item": self.item,
            "role": self.role,
            "valid_from": self.valid_from,
            "bases": list(self.bases),
            "verdict": self.verdict,
            "basis": self.basis or None,
            "article": self.article_label or None,
            "reasons": self.reasons,
            "suggestion": {"basis": self.suggestion[0], "article": self.suggestion[1]}
            if self.suggestion
            else None,
        }


@dataclass(slots=True)
class CheckReport:
    rows: list[CheckRow]

    @property
    def failing(self) -> list[CheckRow]:
        """Rows whose cited law does not ground them (or that cannot be right: a department not yet set up)."""
        return [r for r in self.rows if r.verdict == "failing"]

    @property
    def generic(self) -> list[CheckRow]:
        """Assisting rows whose cited article grounds them only as 有关部门 (other departments within their duties)."""
        return [r for r in self.rows if r.verdict == "generic"]

    @property
    def unchecked(self) -> list[CheckRow]:
        """Rows none of whose bases is a text of the corpus (policy documents, rules the corpus lacks)."""
        return [r for r in self.rows if r.verdict == "unchecked"]

    def summary(self) -> dict[str, int]:
        return {
            "duties": len(self.rows),
            "grounded": sum(1 for r in self.rows if r.verdict == "grounded"),
            "generic": len(self.generic),
            "unchecked": len(self.unchecked),
            "failing": len(self.failing),
        }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _title(title: str) -> list[str]:
    """The titles to look an act up by: as written, without a document number, without （试行）."""
    out = [title]
    bare = re.sub(r"（[^（）]*〔[^）]*号）$", "", title)
    out.append(bare)
    out.append(re.sub(r"（试行）|（暂行）", "", bare))
    return list(dict.fromkeys(out))


def _line_phrases(lines: set[str]) -> list[str]:
    """The name phrases (old ones too) that stand for the lines, longest first."""
    return sorted({m.phrase for m, _ in reform_lines() if m.line in lines}, key=len, reverse=True)


def ground(article: Article, version: Version, lines: set[str], names: list[str]) -> str | None:
    """How ``article`` grounds a department of ``lines`` (called ``names``), or ``None``.

    ``'competence'``: a competence clause of the article names a department of
    one of the lines; ``'names the line'``: the text names a department of the
    line (or the department itself) without such a clause.
    """
    probe = Version(
        act=version.act,
        title=version.title,
        level=version.level,
        files=version.files,
        publish=version.publish,
        valid_from=version.valid_from,
        articles=(article,),
    )
    if any(c.line in lines for c in extract_by_rules(probe)):
        return "competence"
    text = article.text
    if any(n and n in text for n in names):
        return "names the department"
    for phrase in _line_phrases(lines):
        for m in re.finditer(re.escape(phrase), text):
            # a department phrase: the line's name, then (an enumeration of other lines and) the kind of body
            tail = re.match(
                r"[^。；，：]{0,24}?(?:部门|机构|机关|总局|管理局|部(?!分))", text[m.end() :]
            )
            if tail is None or not re.fullmatch(
                r"(?:(?:行政|主管|执法|监督管理|管理)*|(?:、[^、。；，：]{1,10})*(?:等|和[^、。；，：]{1,10})?(?:有关)?(?:行政|主管)*)",
                tail.group()[: -len(_ending(tail.group()))],
            ):
                continue
            window = text[max(0, m.start() - 2) : m.end() + len(tail.group())]
            if tail.group().startswith(("、", "和", "等")):
                # one name of an enumeration (农业农村、自然资源…等部门): the name with its ending
                window = text[max(0, m.start() - 2) : m.end()] + _ending(tail.group())
            mapping = line_for(window)
            if mapping is None or mapping.line in lines:
                return "names the line"
    return None


def _ending(text: str) -> str:
    for e in ("部门", "机构", "机关", "总局", "管理局", "部"):
        if text.endswith(e):
            return e
    return ""


def check_catalogue(path: Path | str = CATALOGUE_PATH, corpus: Corpus | None = None) -> CheckReport:
    """Check every duty of the catalogue bundle at ``path`` against ``corpus`` (default: the packaged one)."""
    path = Path(path)
    corpus = corpus or packaged_corpus()
    departments = {r["id"]: r for r in _read(path / "departments.csv")}
    items = {r["id"]: r for r in _read(path / "items.csv")}
    bases = {r["id"]: r for r in _read(path / "bases.csv")}
    rows = []
    for n, d in enumerate(_read(path / "duties.csv"), start=2):
        dep = departments.get(d["department"], {})
        row = CheckRow(
            row=n,
            department=d["department"],
            department_name=dep.get("name", d["department"]),
            item=d["item"],
            item_name=items.get(d["item"], {}).get("name", d["item"]),
            role=d["role"],
            valid_from=d["valid_from"],
            bases=tuple(b for b in d["bases"].split(";") if b),
        )
        _check(row, d, dep, bases, corpus)
        if (
            row.verdict != "grounded"
            and not row.checked
            and not row.suggestion
            and not _structural(row)
        ):
            row.verdict = "unchecked"
        if row.verdict == "failing" and row.suggestion is None and row.generic_basis:
            row.verdict = "generic"
        rows.append(row)
    return CheckReport(rows)


def _structural(row: CheckRow) -> bool:
    """A failure that no text can mend: the department did not exist, a basis id is unknown."""
    return any(
        "才设立" in r
        or "不在 bases.csv" in r
        or "不在 departments.csv" in r
        or "地方性法规" in r
        or "地方文件" in r
        for r in row.reasons
    )


def _check(
    row: CheckRow,
    duty: dict[str, str],
    dep: dict[str, str],
    bases: dict[str, dict[str, str]],
    corpus: Corpus,
) -> None:
    start = duty["valid_from"] or "2024-01-01"
    if not dep:
        row.reasons.append(f"部门 {row.department} 不在 departments.csv")
        return
    if dep.get("valid_from") and start < dep["valid_from"]:
        row.reasons.append(
            f"{row.department_name}（{row.department}）{dep['valid_from']} 才设立，早于此的时段应由其前身承担"
            f"（the department did not exist on {start}）"
        )
        return
    lines = {s for s in dep.get("systems", "").split(";") if s}
    names = [dep.get("name", ""), *[a for a in dep.get("aliases", "").split(";") if a]]
    for bid in row.bases:
        b = bases.get(bid)
        if b is None:
            row.reasons.append(f"{bid}：不在 bases.csv")
            continue
        if b["kind"] in ("local-regulation", "local-rule") and duty.get("region") == "000000":
            row.reasons.append(
                f"{bid}：全国职责不能以地方性法规、规章为依据（《{b['title']}》; a national duty on a local rule）"
            )
            continue
        if (
            b["kind"] not in LAW_KINDS
            and duty.get("region") == "000000"
            and _LOCAL_DOCUMENT.search(f"{b['title']} {b.get('issuer', '')}")
        ):
            row.reasons.append(
                f"{bid}：全国职责不能以地方文件为依据（《{b['title']}》，{b.get('issuer', '')}；"
                "a national duty on a province's or city's document）"
            )
            continue
        if b["kind"] not in LAW_KINDS:
            continue  # a policy document: not a text of the corpus, neither grounds nor fails
        act = next((a for t in _title(b["title"]) if (a := corpus.find(t)) is not None), None)
        if act is None:
            row.reasons.append(f"{bid}：法律文本库中没有《{b['title']}》（act not in the corpus）")
            continue
        version = act.version_at(start)
        note = ""
        if version is None and act.versions and (act.versions[0].valid_from or "") > start:
            # the corpus holds only later texts (most acts: the current one): check against the earliest
            version = act.versions[0]
            note = f"（文本库无 {start} 施行的文本，以 {version.valid_from} 起施行的文本核对）"
        if version is None:
            row.reasons.append(
                f"{bid}：《{act.title}》在 {start} 已失效（no version in force on {start}）"
            )
            continue
        if not duty.get("valid_to") and version.valid_to and act.version_at(_TODAY) is None:
            row.reasons.append(
                f"{bid}：《{act.title}》已于 {version.valid_to} 失效，职责未写结束日期（expired rule, the duty left open）"
            )
            continue
        row.checked = True
        if not b["article"]:
            row.reasons.append(f"{bid}：未写条文（no article cited）")
            _suggest(row, bid, act.title, version, lines, names)
            continue
        art = version.article(b["article"])
        if art is None and len(version.articles) < 5:
            row.checked = False
            row.reasons.append(
                f"{bid}：文本库中《{act.title}》的文本不完整（{len(version.articles)} 条；the corpus text is incomplete）"
            )
            continue
        if art is None:
            row.reasons.append(f"{bid}：《{act.title}》没有{b['article']}（no such article）")
            _suggest(row, bid, act.title, version, lines, names)
            continue
        how = ground(art, version, lines, names)
        if how is None and _GENERIC_CLAUSE.search(art.text) and not row.generic_basis:
            row.generic_basis = f"《{act.title}》{art.label}"
            row.reasons.append(
                f"{row.generic_basis}只规定“有关部门在各自职责范围内”负责（grounds other departments only in general）"
            )
        if how is None:
            _suggest(row, bid, act.title, version, lines, names)
            row.reasons.append(
                f"{bid}：《{act.title}》{art.label}未规定{row.department_name}所属条线的职责（the article does not name the department's line）"
            )
            continue
        row.verdict = "grounded"
        row.suggestion = None
        row.basis = bid
        row.article_label = f"《{act.title}》{art.label}"
        row.reasons = [
            f"{row.article_label}：{'法定职责条款' if how == 'competence' else '条文写明该条线'}{note}"
        ]
        return
    if not row.reasons:
        row.reasons.append(
            "依据均为政策文件，不在法律文本库中，无法用条文核对（only policy documents: nothing to check against）"
        )


def _suggest(
    row: CheckRow, bid: str, title: str, version: Version, lines: set[str], names: list[str]
) -> None:
    """The first article of ``version`` that grounds the role (a competence clause first), as a suggestion."""
    if row.suggestion is not None:
        return
    for wanted in ("competence", None):
        for art in version.articles:
            how = ground(art, version, lines, names)
            if how is not None and (wanted is None or how == wanted):
                row.suggestion = (bid, f"《{title}》{art.label}")
                row.reasons.append(f"建议改为{art.label}（suggest {art.label}）")
                return
