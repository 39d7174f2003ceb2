"""The enforcement and obligation articles of the corpus: who acts on which concrete behaviour.

Issue #15: the gold of a business form is, most often, an article that names the department
acting on a behaviour — 「…擅自改建、拆除电影院或者放映设施的，由县级以上地方人民政府电影行政部门
责令…」, 「设立旅行社，应当…向旅游主管部门申请」. Every paragraph (款) of every act in force on
:data:`AS_OF` is read, sentence by sentence, for four kinds of such sentences:

* ``penalty``: ``…的，由 X …(责令|处|给予|没收|吊销|取缔|查处|予以…)`` — the behaviour is the
  span before ``的，由`` (违反/未/擅自/不… …); ``有下列行为之一的`` takes each item (项) listed;
  ``违反本法第三十条规定`` takes the cited article's first paragraph;
* ``approval``: ``…经 X 批准/许可/审批`` — the behaviour is the sentence's part before ``经``;
* ``report``: ``…向 X 申请/报告/备案/申报`` — the sentence's part before ``向``;
* ``inspect``: ``X …对 Y (进行)? (监督)?检查/查验/抽查`` — Y.

X is mapped to today's line (条线) with the law helper's
:func:`dutygraph.io.laws.competence.line_for`; a body it does not map (原发证机关, 登记机关,
有关主管部门) is left blank and stands for its act's competent department when the index is
built (:func:`dutygraph.analysis.match.indexes`). The behaviour spans are the documents of
:class:`dutygraph.analysis.match.EnforceIndex`.

Reading the ~980 acts takes ~15 s CPU, so the rows are read once and shipped
(``data/assign/enforce.tsv``, first line the sha256 of the corpus archive, like
:mod:`dutygraph.analysis.assign_law`'s clauses): ``python -m dutygraph.analysis.enforce``
rebuilds it, byte for byte. A table read from another corpus is not used (:func:`load`
returns nothing).

>>> rows = load()
>>> r = next(r for r in rows if r.act == "中华人民共和国旅游法" and r.line == "culture-tourism")
>>> r.kind in KINDS, bool(r.span)
(True, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..io.citations import chinese_number

__all__ = ["AS_OF", "KINDS", "PATH", "EnforceRow", "build", "load", "sentences", "write"]

PATH = Path(str(files("dutygraph") / "data" / "assign" / "enforce.tsv"))
AS_OF = "2025-06-01"  # the versions in force then (the evaluation's date, as the clauses')
KINDS = ("penalty", "approval", "report", "inspect")
MAX_SPAN = 160  # characters of a behaviour span kept
MAX_TEXT = 240  # characters of the article kept, up to the cited paragraph, for the quote

#: the end of a public body's name (the law helper's reader knows more; these are the ones
#: an enforcement sentence names)
_BODY = r"(?:部门|机关|机构|海关|人民银行|委员会|管理局|总局|总署|分局)"
_DEPT = rf"(?P<dept>[^，。；：、]{{2,40}}?{_BODY})"
_PENALTY = re.compile(
    rf"(?P<span>[^。；]*?)的[，,]\s*由{_DEPT}"
    r"[^。；]{0,40}?(?:责令|处[^理分]|给予|没收|吊销|取缔|查处|予以|撤销|暂扣|收缴|查封|扣押)"
)
_APPROVAL = re.compile(
    rf"(?:须|必须|应当)?(?:依法)?(?:报)?经{_DEPT}[^，。；]{{0,12}}?(?:批准|许可|审批|核准|同意)"
)
_REPORT = re.compile(
    rf"(?:应当|须|必须)?(?:依法)?向{_DEPT}(?:提出|提交|报送)?[^，。；]{{0,8}}?(?:申请|报告|备案|申报)"
)
_INSPECT = re.compile(
    rf"{_DEPT}[^。；]{{0,12}}?(?:应当|可以|有权)?(?:依法)?(?:加强)?对(?P<span>[^。；]{{2,60}}?)"
    r"(?:进行|实施|开展)?(?:监督检查|检查|查验|抽查|抽样检验|巡查)"
)
#: a span that only says which article it breaks: 违反本法第三十条（第二款）规定 → that article's text
_CITED = re.compile(
    r"违反本(?:法|条例|办法|规定|细则)((?:第[零一二三四五六七八九十百千]+条(?:第[一二三四五六七八九十]+款)?[、和或者及]*)+)"
)
_ONE_CITED = re.compile(r"第([零一二三四五六七八九十百千]+)条(?:第([一二三四五六七八九十]+)款)?")
_LIST = re.compile(r"有下列(?:[^。；，]{0,10})?(?:行为|情形)之一")
_FRAME = re.compile(
    r"[（(][一二三四五六七八九十]+[）)]"
    r"|违反本(?:法|条例|办法|规定|细则)(?:第[^规]{1,30}?)?(?:的)?规定[，,]?"
    r"|违反本条(?:第[一二三四五六七八九十]+款)?(?:的)?规定[，,]?"
    r"|有下列(?:[^。；，]{0,10})?(?:行为|情形)之一"
)
#: the end of a sentence's part before 经/向 that waives the obligation
_WAIVED = re.compile(r"(?:无需|无须|不需|不需要|不必|免予|免于|可以不|不再)$")


@dataclass(frozen=True, slots=True)
class EnforceRow:
    """A sentence of ``act`` ``article`` (paragraph ``paragraph``, 1-based) by which the body
    ``department`` (today's ``line``; blank: unmapped) acts on the behaviour ``span``;
    ``text`` the article up to that paragraph, for the quote."""

    act: str
    article: str
    paragraph: int
    kind: str
    line: str
    department: str
    span: str
    text: str


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _span(s: str) -> str:
    """A behaviour span without its frame (违反本法规定，…; (一); 有下列行为之一) and cut."""
    s = _clean(_FRAME.sub("", _clean(s))).strip("，,：:、；;。 ")
    s = s.removesuffix("的").rstrip("，,、 ")
    return s[-MAX_SPAN:]


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (cut at 。 and ；), items (项) included."""
    return [s for s in re.split(r"[。；;\n]", text) if s.strip()]


def _cited(v: Any, span: str) -> str:
    """``违反本法第三十条规定``: the cited articles' (or paragraphs') text, else ``""``."""
    m = _CITED.search(span)
    if m is None:
        return ""
    out = []
    for a_num, p_num in _ONE_CITED.findall(m.group(1)):
        art = v.article(chinese_number(a_num))
        if art is None:
            continue
        if p_num:
            p = art.paragraph(chinese_number(p_num))
        else:
            p = art.paragraphs[0] if art.paragraphs else None
        if p is not None:
            out.append(p.text.rstrip("。；;：: "))
    return "，".join(out)


def _rows(v: Any) -> Iterator[EnforceRow]:
    from ..io.laws.competence import line_for

    for art in v.articles:
        head = ""
        for k, p in enumerate(art.paragraphs, 1):
            head = (head + "\n" + p.full_text) if head else p.full_text
            text = _quoted(head, p.full_text, k)
            for kind, dept, span in _found(v, art, p):
                span = _span(span)
                if len(span) < 2:
                    continue
                got = line_for(dept, span)
                line = got.line if got is not None and got.line else ""
                yield EnforceRow(v.title, art.label, k, kind, line, _clean(dept), span, text)


def _quoted(head: str, paragraph: str, k: int) -> str:
    """The article up to paragraph ``k`` (``head``); when that is longer than
    :data:`MAX_TEXT`, paragraph ``k`` itself after ``…`` (the cited 款 is always shown)."""
    text = _clean(head.replace("\n", ""))
    if len(text) > MAX_TEXT and k > 1:
        text = "…" + _clean(paragraph.replace("\n", ""))
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def _found(v: Any, art: Any, p: Any) -> Iterator[tuple[str, str, str]]:
    """(kind, department phrase, behaviour span) of each enforcement sentence of ``p``."""
    for s in sentences(p.text):
        for m in _PENALTY.finditer(s):
            span, dept = m.group("span"), m.group("dept")
            cited = _cited(v, span)
            if _LIST.search(span) and p.items:
                for item in p.items:  # the subject (旅行社有下列行为之一) before each item
                    yield "penalty", dept, span + "，" + item
            elif cited:
                yield "penalty", dept, cited + "，" + span
            else:
                yield "penalty", dept, span
        for kind, pattern in (("approval", _APPROVAL), ("report", _REPORT)):
            for m in pattern.finditer(s):
                before = s[: m.start()]
                if _WAIVED.search(before):
                    continue  # 无需向…申请, 不必经…批准: no obligation
                if len(before.strip("，, ")) >= 2:
                    yield kind, m.group("dept"), before
        for m in _INSPECT.finditer(s):
            yield "inspect", m.group("dept"), m.group("span")


def build() -> list[EnforceRow]:
    """The enforcement sentences of every act in force on :data:`AS_OF`, in the corpus's
    order, each (act, article, paragraph, kind, line, span) once (~15 s CPU)."""
    from ..io.laws.competence import in_force
    from ..io.laws.parse import packaged_corpus

    out: list[EnforceRow] = []
    seen: set[tuple[str, str, int, str, str, str]] = set()
    for v in in_force(packaged_corpus(), AS_OF):
        for r in _rows(v):
            key = (r.act, r.article, r.paragraph, r.kind, r.line, r.span)
            if key not in seen:
                seen.add(key)
                out.append(r)
    return out


def write(rows: list[EnforceRow], path: Path = PATH) -> None:
    """``rows`` as the shipped table (:func:`dutygraph.analysis.assign_law.write_table`); a
    text the row before has too is written once (blank: the one above)."""
    from .assign_law import write_table

    out = []
    before = None
    for r in rows:
        text = "" if r.text == before else r.text
        before = r.text
        out.append((r.act, r.article, str(r.paragraph), r.kind, r.line, r.department, r.span, text))
    write_table(path, out)


@lru_cache(maxsize=1)
def load() -> tuple[EnforceRow, ...]:
    """The shipped rows; empty when the table is missing or read from another corpus."""
    from .assign_law import read_table

    out = []
    text = ""
    for f in read_table(PATH):
        if len(f) == 8:
            text = f[7] or text
            out.append(EnforceRow(f[0], f[1], int(f[2]), f[3], f[4], f[5], f[6], text))
    return tuple(out)


if __name__ == "__main__":  # python -m dutygraph.analysis.enforce
    got = build()
    write(got)
    print(f"{len(got)} enforcement sentences -> {PATH} ({PATH.stat().st_size} bytes)")
