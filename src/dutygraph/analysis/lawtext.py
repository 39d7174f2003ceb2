"""The law's own text as evidence for an assignment: cited articles, scope and definitions.

A catalogue duty rests on legal bases (``《食品安全法》第五条``); the law corpus
(:func:`dutygraph.io.laws.parse.packaged_corpus`) holds their text. For an
item this module gathers

* the **cited articles** of the bases its national duties rest on (the
  competence clause: who is competent), and
* the **scope and definition articles** of those acts (适用范围 ``在中华人民共和国境内从事…``,
  ``本法所称…是指…``): what activity the statute covers — the 领域归口 of
  国办发〔2023〕1号 read from the statute itself.

A description that falls in a statute's scope points to the items resting on
it, and the answer quotes both articles. Bases the corpus does not hold
(most department rules, normative documents) give no text: the answer says
only their title and article.

>>> from dutygraph.fixtures import catalogue_graph
>>> law = item_law(catalogue_graph(), "I-FOOD-SALE", "2025-06-01")
>>> law[0].label, law[0].act, law[0].kind
('第五条', '中华人民共和国食品安全法', 'competence')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ..io.laws.parse import Corpus, Version, packaged_corpus
from ..reader import GraphReader

__all__ = [
    "LawArticle",
    "Statute",
    "basis_article",
    "item_law",
    "law_words",
    "line_department",
    "statutes",
]

_DEFINES = re.compile(r"本(?:法|条例|办法|规定|细则)所称|是指")
_SCOPE = re.compile(r"适用本(?:法|条例|办法|规定)|(?:在|从事)[^。]{0,40}(?:活动|经营)")
MAX_SCOPE = 3  # scope/definition articles kept per act
MAX_TEXT = 240  # characters of an article quoted in a reason


@dataclass(frozen=True, slots=True)
class LawArticle:
    """An article of the corpus: its act, label, text, and why it is cited."""

    act: str
    label: str
    text: str
    kind: str  # "competence" (the basis's cited article) or "scope" (适用范围 / 本法所称)
    basis: str = ""  # the basis id it comes from

    def quote(self) -> str:
        """``《act》label：text`` (the text cut at :data:`MAX_TEXT` characters)."""
        text = self.text.replace("\n", "")
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT] + "…"
        return f"《{self.act}》{self.label}：{text}"


@lru_cache(maxsize=1)
def _corpus() -> Corpus:
    return packaged_corpus()


@lru_cache(maxsize=8192)
def _version(title: str, as_of: str) -> Version | None:
    act = _corpus().find(re.sub(r"（[^）]*）$", "", title))
    if act is None:
        return None
    return act.version_at(as_of) or act.versions[-1]


def basis_article(g: GraphReader, basis_id: str, as_of: str) -> LawArticle | None:
    """The cited article of basis ``basis_id`` from the corpus (its first article cited)."""
    b = g.bases.get(basis_id)
    if b is None or not b.article:
        return None
    v = _version(b.title, as_of)
    m = re.match(r"第[零一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?", b.article)
    art = v.article(m.group(0)) if v is not None and m else None
    if art is None or v is None:
        return None
    return LawArticle(v.title, art.label, art.text, "competence", basis_id)


def _scope(v: Version) -> list[LawArticle]:
    out = []
    for art in v.articles[:40]:
        text = art.text
        if _DEFINES.search(text) or (art.number <= 3 and _SCOPE.search(text)):
            out.append(LawArticle(v.title, art.label, text, "scope"))
        if len(out) >= MAX_SCOPE:
            break
    return out


def item_law(g: GraphReader, item: str, as_of: str) -> list[LawArticle]:
    """The cited (competence) articles of ``item``'s national duties, then its acts' scope
    and definition articles; empty where the corpus holds none of its bases."""
    root = g.region_path(next(iter(g.regions)))[-1] if g.regions else ""
    out: list[LawArticle] = []
    acts: list[Version] = []
    for d in g.duties_at(item, root):
        for bid in d.bases:
            art = basis_article(g, bid, as_of)
            if art is not None and art not in out:
                out.append(art)
            b = g.bases.get(bid)
            v = _version(b.title, as_of) if b is not None else None
            if v is not None and all(v is not a for a in acts):
                acts.append(v)
    for v in acts:
        out.extend(a for a in _scope(v) if a not in out)
    return out


def law_words(g: GraphReader) -> list[str]:
    """Defined terms of the acts the catalogue cites (``本法所称X，是指``): dictionary words."""
    words: list[str] = []
    seen: set[str] = set()
    for b in g.bases.values():
        v = _version(b.title, "9999-12-31")
        if v is None or v.act in seen:
            continue
        seen.add(v.act)
        for a in _scope(v):
            for m in re.finditer(r"所称([\u4e00-\u9fff]{2,12}?)(?:，|,)?是指", a.text):
                words.append(m.group(1))
    return words


# -- every act in force: its scope and the department it makes competent ----------------

HEAD_ARTICLES = 40  # an act's first articles: purpose, scope, definitions, competence, duties
MAX_COMPETENCE = 15  # the competence clause is looked for in the first articles
#: the levels of a competence clause that name the State Council's department, best first
NATIONAL_LEVELS = ("national", "all")


@dataclass(frozen=True, slots=True)
class Statute:
    """An act in force, read for 领域归口: its head text, competence article and department."""

    act: str
    head: tuple[LawArticle, ...]  # purpose, scope and definition articles
    competence: LawArticle | None  # the article naming the competent department
    department: str | None  # that department's id in the graph (None: not in the graph)

    @property
    def text(self) -> str:
        return "\n".join(a.text for a in self.head)


@lru_cache(maxsize=4)
def _raw_statutes(as_of: str) -> list[tuple[str, tuple[LawArticle, ...], list[tuple[str, str]]]]:
    """Per act in force: its title, head articles and the lines its competence clauses
    (:func:`dutygraph.io.laws.competence.extract_by_rules`, read from the first
    :data:`MAX_COMPETENCE` articles) put in charge at national level, as ``(line,
    article label)``, the State Council's level first — the graph-free part, cached per
    date."""
    from ..io.laws.competence import extract_by_rules as extract  # the rule reader (law4)

    out = []
    for act in _corpus().acts.values():
        v = act.version_at(as_of)
        if v is None or not v.articles:
            continue
        head = tuple(
            LawArticle(v.title, a.label, a.text, "scope")
            for a in v.articles[:40]
            if a.number <= HEAD_ARTICLES or _DEFINES.search(a.text)
        )
        clauses = [
            c
            for c in extract(replace(v, articles=_competent(v.articles[:MAX_COMPETENCE])))
            if c.line and c.level in NATIONAL_LEVELS
        ]
        clauses.sort(key=lambda c: NATIONAL_LEVELS.index(c.level))  # stable: text order kept
        named = [(c.line or "", c.article) for c in clauses] or _charged(
            v.articles[:MAX_COMPETENCE]
        )
        out.append((v.title, head, named))
    return out


_CHARGE_WORDS = re.compile(r"负责|主管|监督管理|管理工作|统一管理")


def _competent(articles: tuple[Any, ...]) -> tuple[Any, ...]:
    """The articles that can hold a competence clause (a word of charge in them): the
    others need not be read by the clause parser."""
    return tuple(a for a in articles if _CHARGE_WORDS.search(a.text))


_CHARGED = re.compile(
    r"国务院([\u4e00-\u9fff]{2,12}?(?:主管部门|管理部门|行政部门|部门|机构))[^。；]{0,30}?负责"
)


def _charged(articles: tuple[Any, ...]) -> list[tuple[str, str]]:
    """Where the clause parser finds no national clause: ``国务院X部门…负责…``, X's line by the
    law helper's :func:`~dutygraph.io.laws.competence.line_for`. Written for 外汇管理条例 第二条,
    which the parser reads now; still the only national line of 24 acts in force on 2025-06-01
    (城市绿化条例 第七条, 教育督导条例 第四条, 农村集体经济组织法 第十条 …), so it stays."""
    from ..io.laws.competence import line_for

    out = []
    for a in articles:
        for m in _CHARGED.finditer(a.text):
            got = line_for(m.group(1))
            if got is not None and got.line:
                out.append((got.line, a.label))
    return out


def line_department(g: GraphReader, line: str, as_of: str) -> str | None:
    """The national department of the graph that leads ``line`` (条线) at ``as_of``: one
    in force whose first line it is, else one that has it among its lines.

    >>> from dutygraph.fixtures import catalogue_graph
    >>> g = catalogue_graph()
    >>> line_department(g, "foreign-exchange", "2025-06-01"), line_department(g, "culture-tourism", "2025-06-01")
    ('N-SAFE', 'N-MCT')
    """
    root = g.region_path(next(iter(g.regions)))[-1] if g.regions else ""
    best: tuple[int, str] | None = None
    for d in g.departments.values():
        if d.region != root or line not in d.systems or not d.active(as_of):
            continue
        key = (d.systems.index(line), d.id)
        if best is None or key < best:
            best = key
    return best[1] if best else None


def statutes(g: GraphReader, as_of: str) -> list[Statute]:
    """Every act of the packaged corpus in force at ``as_of``, with its head articles
    (the first :data:`HEAD_ARTICLES`, and definitions among the first 40) and the
    national department its first competence clause names (the law helper's
    :func:`~dutygraph.io.laws.competence.extract_by_rules`: ``国务院X主管部门负责全国的…``, old
    names mapped to today's lines), where the graph has a department for that line."""
    out = []
    lines: dict[str, str | None] = {}
    for title, head, named in _raw_statutes(as_of):
        competence = None
        dept = None
        for line, label in named:
            if line not in lines:
                lines[line] = line_department(g, line, as_of)
            did = lines[line]
            if did is None:
                continue
            v = _version(title, as_of)
            art = v.article(label) if v is not None else None
            if art is not None:
                competence = LawArticle(title, art.label, art.text, "competence")
                dept = did
            break
        out.append(Statute(title, head, competence, dept))
    return out
