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
from dataclasses import dataclass
from functools import lru_cache

from ..io.laws.parse import Corpus, Version, packaged_corpus
from ..reader import GraphReader

__all__ = [
    "LawArticle",
    "Statute",
    "authority_department",
    "basis_article",
    "item_law",
    "law_words",
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

_AUTHORITY = re.compile(
    r"(?:国务院|县级以上(?:地方)?(?:各级)?人民政府)([\u4e00-\u9fff、和]{2,16}?)(?:行政主管部门|主管部门|行政管理部门|管理部门|行政部门|部门|管理机构|主管机构|机构)"
)
_IN_CHARGE = re.compile(
    r"[^。；]{0,40}?(?:负责|主管|统一|实施监督管理|履行)"
    r"[^。；]{0,40}?(?:全国|本(?:法|条例|办法|规定)的实施|监督管理)"
)
_NAME_AFFIX = re.compile(r"^(?:中华人民共和国|国家)|(?:总局|委员会|办公室|部|局|署|总署)$")
HEAD_ARTICLES = 40  # an act's first articles: purpose, scope, definitions, competence, duties
MAX_COMPETENCE = 15  # the competence clause is looked for in the first articles


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


def _core(name: str) -> str:
    return re.sub(r"[和、与]", "", name)


def authority_department(g: GraphReader, phrase: str) -> str | None:
    """The national department that ``国务院…部门`` names: its core words (卫生健康,
    外汇管理, 出版) found in a department's name (or the name in them), the longest first.

    >>> from dutygraph.fixtures import catalogue_graph
    >>> g = catalogue_graph()
    >>> authority_department(g, "外汇管理"), authority_department(g, "文化和旅游")
    ('N-SAFE', 'N-MCT')
    """
    core = _core(phrase)
    if len(core) < 2 or core in {"有关", "其他", "相关"}:
        return None
    best: tuple[int, str] | None = None
    for d in g.departments.values():
        name = _core(_NAME_AFFIX.sub("", _NAME_AFFIX.sub("", d.name)))
        if len(name) < 2:
            continue
        if core in name or name in core:
            key = (min(len(core), len(name)), d.id)
            if best is None or key[0] > best[0]:
                best = key
    return best[1] if best else None


@lru_cache(maxsize=4)
def _raw_statutes(as_of: str) -> list[tuple[str, tuple[LawArticle, ...], list[tuple[str, int]]]]:
    """Per act in force: its title, head articles and the authorities its first articles
    put in charge (core words, article index) — the graph-free part, cached per date."""
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
        named = [
            (m.group(1), k)
            for k, a in enumerate(v.articles[:MAX_COMPETENCE])
            for m in _AUTHORITY.finditer(a.text)
            if _IN_CHARGE.match(a.text, m.end())  # named and put in charge (负责/主管 …)
        ]
        out.append((v.title, head, named))
    return out


def statutes(g: GraphReader, as_of: str) -> list[Statute]:
    """Every act of the packaged corpus in force at ``as_of``, with its head articles
    (the first :data:`HEAD_ARTICLES`, and definitions among the first 40) and the
    national department its competence clause names (``国务院X部门负责…``)."""
    root = g.region_path(next(iter(g.regions)))[-1] if g.regions else ""
    national = {d.id for d in g.departments.values() if d.region == root}
    out = []
    for title, head, named in _raw_statutes(as_of):
        competence = None
        dept = None
        for core, k in named:
            did = authority_department(g, core)
            if did in national:
                v = _version(title, as_of)
                art = v.articles[k] if v is not None else None
                if art is not None:
                    competence = LawArticle(title, art.label, art.text, "competence")
                    dept = did
                break
        out.append(Statute(title, head, competence, dept))
    return out
