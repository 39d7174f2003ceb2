"""What the statutes' bodies put each department in charge of: the competence clauses, as data.

Issue #15's 领域归口 read from every article of every act in force, not only its head: the
competence clauses (``X部门负责/主管/监督管理 Y``) the law helper's rule reader
(:func:`dutygraph.io.laws.competence.extract_by_rules`) finds anywhere in an act, each with
the line (条线) X stands for today and its matter Y (``公证工作``, ``政府采购活动``, ``电网
企业的…``). Y is the vocabulary a business form's words should meet: a form whose words
are a clause's matter points to the department the clause names, and the answer quotes the
clause (:class:`dutygraph.analysis.match.ClauseIndex`, :mod:`dutygraph.analysis.assign`).

Reading the ~980 acts in force takes ~6 s CPU, so the clauses are read once and shipped
(``data/assign/clauses.tsv``, first line the sha256 of the corpus archive they were read
from, like :mod:`dutygraph.analysis.near`'s table): ``python -m dutygraph.analysis.assign_law``
rebuilds it, byte for byte. A table read from another corpus is not used (:func:`load`
returns nothing) and a test says it is stale. The clauses are those of the versions in force
on :data:`AS_OF`; the line is mapped to a department of the graph when the indexes are built.

>>> rows = load()
>>> next((r.article, r.line, r.matter) for r in rows if r.act == "中华人民共和国公证法")
('第五条', 'justice', '公证机构、公证员和公证协会')
>>> matter_core("全国的公证工作"), matter_core("本行政区域内草原监督管理工作")
('公证', '草原')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

__all__ = [
    "AS_OF",
    "MAX_TEXT",
    "PATH",
    "ClauseRow",
    "build",
    "load",
    "matter_core",
    "read_table",
    "write",
    "write_table",
]

PATH = Path(str(files("dutygraph") / "data" / "assign" / "clauses.tsv"))
AS_OF = "2025-06-01"  # the clauses of the versions in force then (the evaluation's date)
MAX_TEXT = 240  # characters of the clause's paragraph kept, for the quote


@dataclass(frozen=True, slots=True)
class ClauseRow:
    """One competence clause of the corpus: ``act`` ``article`` puts ``line`` (as the text
    writes it: ``department``, at ``level``) in charge of ``matter``; ``text`` the paragraph."""

    act: str
    article: str
    level: str
    line: str
    department: str
    matter: str
    text: str


def build() -> list[ClauseRow]:
    """The clauses of every act in force on :data:`AS_OF` that name a line (not 有关部门),
    in the corpus's order, each (act, article, line, matter) once (~6 s CPU)."""
    from ..io.laws.competence import extract_by_rules, in_force
    from ..io.laws.parse import packaged_corpus

    out: list[ClauseRow] = []
    seen: set[tuple[str, str, str, str]] = set()
    for v in in_force(packaged_corpus(), AS_OF):
        for c in extract_by_rules(v):
            matter = _clean(c.matter)
            if not c.line or c.generic or not matter:
                continue
            key = (c.title, c.article, c.line, matter)
            if key in seen:
                continue
            seen.add(key)
            text = _clean(c.text)
            text = text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
            out.append(ClauseRow(c.title, c.article, c.level, c.line, c.department, matter, text))
    return out


def _clean(s: str) -> str:
    return re.sub(r"[\t\n\r]+", " ", s).strip()


def write(rows: list[ClauseRow], path: Path = PATH) -> None:
    """``rows`` as the shipped table: the corpus digest line, then one tab-separated row each."""
    write_table(
        path, [(r.act, r.article, r.level, r.line, r.department, r.matter, r.text) for r in rows]
    )


@lru_cache(maxsize=1)
def load() -> tuple[ClauseRow, ...]:
    """The shipped clauses; empty when the table is missing or read from another corpus."""
    return tuple(ClauseRow(*f) for f in read_table(PATH) if len(f) == 7)


def write_table(path: Path, rows: Iterable[Sequence[str]]) -> None:
    """A table read from the packaged corpus, shipped: the corpus digest line, then one
    tab-separated row each (the clauses here, :mod:`dutygraph.analysis.enforce`'s sentences)."""
    from .near import corpus_digest

    lines = [f"# corpus sha256 {corpus_digest()}", *("\t".join(r) for r in rows)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_table(path: Path) -> list[list[str]]:
    """The rows (their fields) of a table :func:`write_table` wrote; none when it is missing or
    was read from another corpus than the packaged one."""
    from .near import corpus_digest

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    if not lines or lines[0].removeprefix("# corpus sha256 ") != corpus_digest():
        return []
    return [line.split("\t") for line in lines[1:]]


_FRAME_HEAD = re.compile(r"^(?:全国|本行政区域|本辖区|辖区)?(?:内)?(?:的)?(?:有关)?")
_FRAME_TAIL = re.compile(
    r"(?:的)?(?:具体|统一|组织|实施|进行|有关|相关|综合|日常|行业|行政|活动|事务|事项|业务|工作|"
    r"管理|监督|监管|检查|指导|协调|服务|执法|审批|登记|职责|保障)+$"
)


def matter_core(matter: str) -> str:
    """A clause's matter without its frame (全国的…, 本行政区域内…, …监督管理工作): what the
    clause is about. A word of a text that is most of it is the clause's matter itself."""
    core = _FRAME_TAIL.sub("", _FRAME_HEAD.sub("", matter.strip()))
    return core or matter


if __name__ == "__main__":  # python -m dutygraph.analysis.assign_law
    got = build()
    write(got)
    print(f"{len(got)} competence clauses -> {PATH} ({PATH.stat().st_size} bytes)")
