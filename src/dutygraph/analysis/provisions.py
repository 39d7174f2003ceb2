"""What a legal basis rests on in the law, as of a date (SPEC §6).

A :class:`~dutygraph.model.LegalBasis` names an act and, often, provisions
(``第一百一十条第一款第（四）项``). The import resolves it against the law corpus
(:mod:`dutygraph.io.laws.cite`): ``law_version`` is the version it was read
against — the one in force on the duty's start date. Here, for a basis and a
date: which article of which version carries it then. The version is the one
in force on the date; the article is the one the citation named, followed from
the version it was read against by its **text**, since a new version may
renumber articles (``第一百零九条`` may become ``第一百一十条``). Where the new
version has no article close enough to it, the provision is gone: the basis
is out of force from that version on (the import closes ``law_to`` there, so
the gap scan's ``NO_LEGAL_BASIS`` follows the law's history).

>>> from dutygraph.fixtures import demo_graph
>>> g = demo_graph()
>>> p = provisions_at(g.lawbook(), g.bases["B-FSL-6"], "2025-06-01")[0]
>>> p.article.name, p.version.valid_from, p.quote()[0][:16]
('第六条', '2021-04-29', '县级以上地方人民政府对本行政区域')
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..io.citations import Citation, parse_provisions
from ..lawbook import LawBook
from ..model import Law, LawArticle, LawVersion, LegalBasis

__all__ = [
    "EXCERPT",
    "SAME",
    "Provision",
    "basis_text",
    "before_earliest_text",
    "citations_of",
    "duties_on_law",
    "earliest_text_note",
    "evidence",
    "follow",
    "law_evidence",
    "provision_lifetime",
    "provisions_at",
    "quote",
    "similarity",
    "version_for",
]

#: how much of an article evidence quotes when no 款/项 is cited (the rest on request)
EXCERPT = 120
#: the text similarity from which an article of another version is the same article
SAME = 0.6


def citations_of(basis: LegalBasis) -> list[Citation]:
    """The provisions ``basis`` cites (one whole-law citation when it names no article)."""
    return parse_provisions(basis.title, basis.article)


def similarity(a: str, b: str) -> float:
    """How alike two article texts are, 0..1 (``difflib``'s ratio on the characters).

    >>> similarity("食品药品监督管理部门负责", "食品安全监督管理部门负责") > SAME
    True
    """
    if a == b:
        return 1.0
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < SAME or m.quick_ratio() < SAME:
        return m.quick_ratio() * 0.5  # not close: an upper bound, halved (never taken as same)
    return m.ratio()


def follow(book: LawBook, article: LawArticle, version: str) -> tuple[LawArticle | None, float]:
    """The article of ``version`` that is ``article`` (of another version of the act): the
    one with the same key if its text is close enough, else the closest text; ``None`` when
    no article is at least :data:`SAME` alike. Returns it and the similarity.

    >>> book = LawBook({}, {}, lambda law: [])
    >>> follow(book, LawArticle("A@1#3", "A", "A@1", "3", "第三条", 3), "A@2")
    (None, 0.0)
    """
    if article.version == version:
        return article, 1.0
    memo: dict[tuple[str, str], tuple[LawArticle | None, float]] = book.__dict__.setdefault(
        "_follow", {}
    )
    hit = memo.get((article.id, version))
    if hit is not None:
        return hit
    text = article.text
    same_key = book.article(version, article.key)
    best: tuple[LawArticle | None, float] = (None, 0.0)
    if same_key is not None:
        score = similarity(text, same_key.text)
        if score >= SAME:
            best = (same_key, score)
    if best[0] is None or best[1] < 1.0:
        for other in book.articles_of(version):
            if other is same_key:
                continue
            score = similarity(text, other.text)
            if score > best[1]:
                best = (other, score)
                if score == 1.0:
                    break
    if best[1] < SAME:
        best = (None, best[1])
    memo[(article.id, version)] = best
    return best


@dataclass(frozen=True)
class Provision:
    """One cited provision as of a date: the version in force, the article carrying it.

    ``cited`` is the article as the citation named it (in the version it was read
    against); ``article`` the same article in ``version`` (``None``: gone from it, or
    not found at all); ``similarity`` how alike their texts are.
    """

    citation: Citation
    law: Law
    version: LawVersion | None
    article: LawArticle | None
    cited: LawArticle | None
    similarity: float = 1.0
    in_force: bool = True

    @property
    def moved(self) -> bool:
        """The article carrying it has another number than the one cited."""
        return (
            self.cited is not None
            and self.article is not None
            and (self.cited.key != self.article.key)
        )

    @property
    def version_changed(self) -> bool:
        """The version in force is not the one the citation was read against."""
        return (
            self.cited is not None
            and self.version is not None
            and (self.cited.version != self.version.id)
        )

    def quote(self, limit: int = EXCERPT) -> tuple[str, bool]:
        """The text to show and whether it was cut (see :func:`quote`)."""
        if self.article is None:
            return "", False
        return quote(self.article, self.citation if not self.moved else None, limit)


def quote(
    article: LawArticle, citation: Citation | None = None, limit: int = EXCERPT
) -> tuple[str, bool]:
    """The text evidence shows: the 款/项 cited, or the article's first ``limit`` characters.

    Returns the text and whether it was cut (the whole article is on request).

    >>> a = LawArticle("A@1#2", "A", "A@1", "2", "第二条", 2,
    ...                paragraphs=("本法所称示例：\\n（一）甲；\\n（二）乙。", "前款不适用于丙。"))
    >>> quote(a, Citation("A", 2, 1, 2))
    ('本法所称示例：\\n（二）乙。', False)
    >>> quote(a, Citation("A", 2, 2))
    ('前款不适用于丙。', False)
    >>> quote(a, limit=5)
    ('本法所称示…', True)
    """
    if citation is not None and citation.paragraph is not None:
        para = article.paragraph(citation.paragraph)
        if para is not None:
            if citation.item is None:
                return para, False
            item = article.item(citation.paragraph, citation.item)
            if item is not None:
                return para.split("\n", 1)[0] + "\n" + item, False
    elif citation is not None and citation.item is not None:  # 第X条第（Y）项: the first 款's
        item = article.item(1, citation.item)
        if item is not None:
            return article.paragraphs[0].split("\n", 1)[0] + "\n" + item, False
    text = article.text
    if len(text) <= limit:
        return text, False
    return text[:limit] + "…", True


def earliest_text_note(valid_from: str) -> str:
    """The note on a provision read, for a date before the corpus's earliest text of an act
    already adopted then, from that text (the text in force on the date is not held).

    >>> earliest_text_note("2019-03-02")
    '该日期施行的文本未收录，按最早收录文本（2019-03-02）引用'
    """
    return f"该日期施行的文本未收录，按最早收录文本（{valid_from}）引用"


def before_earliest_text(law: Law, versions: list[LawVersion], as_of: str) -> bool:
    """Whether ``as_of`` falls before the corpus's earliest text of ``law`` while the act
    was already adopted (its history's first date): the earliest text is read then."""
    first = versions[0].valid_from if versions else None
    return bool(first and as_of < first and (law.valid_from is None or law.valid_from <= as_of))


def version_for(book: LawBook, law: Law, as_of: str) -> tuple[LawVersion | None, bool]:
    """The version to read on ``as_of`` and whether the act is in force then: the version in
    force; before the corpus's first text (the act already adopted), that text; after the
    act's end, its last text.

    >>> from dutygraph.lawbook import packaged_lawbook
    >>> book = packaged_lawbook()
    >>> v, in_force = version_for(book, book.law("食品安全法"), "2025-06-01")
    >>> v.valid_from, in_force
    ('2021-04-29', True)
    """
    versions = book.versions_of(law.id)
    if not versions:
        return None, False
    v = book.version_at(law.id, as_of)
    if v is not None:
        return v, law.in_force(as_of) and not _expired_by(book, law, as_of)
    if versions[0].valid_from and as_of < versions[0].valid_from:
        return versions[0], law.valid_from is None or law.valid_from <= as_of
    return versions[-1], False


def _expired_by(book: LawBook, law: Law, as_of: str) -> bool:
    """An act the corpus marks expired without a date: out of force from the corpus's date."""
    if law.attrs.get("expired") != "yes" or law.valid_to:
        return False
    horizon = book.horizon
    return horizon is not None and as_of >= horizon


def provisions_at(book: LawBook, basis: LegalBasis, as_of: str) -> list[Provision]:
    """The provisions ``basis`` cites, each as carried on ``as_of`` (empty: the basis did
    not resolve to the corpus)."""
    if not basis.law_version:
        return []
    law = book.law(basis.law or "")
    if law is None:
        return []
    version, act_in_force = version_for(book, law, as_of)
    out = []
    for c in citations_of(basis):
        if c.article is None:
            out.append(Provision(c, law, version, None, None, 1.0, act_in_force))
            continue
        cited = book.article(basis.law_version, c.key.split(".")[0])
        if version is None or cited is None:
            out.append(Provision(c, law, version, None, cited, 0.0, False))
            continue
        article, score = follow(book, cited, version.id)
        out.append(
            Provision(c, law, version, article, cited, score, act_in_force and article is not None)
        )
    return out


def provision_lifetime(
    book: LawBook, law: Law, cited: LawArticle | None
) -> tuple[str | None, str | None, LawVersion | None]:
    """When a cited article is in force by the corpus: ``(from, to, version it is gone from)``.

    From the act's adoption if the article is in its oldest text (else from the first
    version that has it), until the first later version without it, or the act's end
    (repeal; for an act the corpus marks expired without a date, the corpus's date).
    ``cited`` ``None``: the whole act.
    """
    versions = book.versions_of(law.id)
    end = law.valid_to
    if end is None and law.attrs.get("expired") == "yes":
        end = book.horizon
    if cited is None or not versions:
        return law.valid_from, end, None
    at = next((i for i, v in enumerate(versions) if v.id == cited.version), None)
    if at is None:
        return law.valid_from, end, None
    start_at = at
    article: LawArticle | None = cited
    for i in range(at - 1, -1, -1):  # back while the older versions have it
        assert article is not None
        older, _ = follow(book, article, versions[i].id)
        if older is None:
            break
        article, start_at = older, i
    start = law.valid_from if start_at == 0 else versions[start_at].valid_from
    article = cited
    for v in versions[at + 1 :]:
        assert article is not None
        newer, _ = follow(book, article, v.id)
        if newer is None:
            return start, v.valid_from, v
        article = newer
    return start, end, None


def evidence(book: LawBook, basis: LegalBasis, as_of: str, limit: int = EXCERPT) -> dict[str, Any]:
    """What the law says for ``basis`` on ``as_of``, as evidence (the JSON of SPEC §5 adds
    these fields to each basis): the act, the version in force, each provision's article
    with its text (the 款/项 cited, or the first ``limit`` characters), and a note in
    Chinese when the version changed, the article moved or is gone, or the act expired.
    Empty for a basis that did not resolve to the corpus. Kept per book, basis and date
    (an answer cites the same few bases many times): do not change what it returns.

    >>> from dutygraph.fixtures import demo_graph
    >>> g = demo_graph()
    >>> e = evidence(g.lawbook(), g.bases["B-FSL-35"], "2025-06-01")
    >>> e["law"]["title"], e["provisions"][0]["article"]["name"], e["provisions"][0]["truncated"]
    ('中华人民共和国食品安全法', '第三十五条', True)
    """
    memo: dict[tuple[Any, ...], dict[str, Any]] = book.__dict__.setdefault("_evidence", {})
    key = (basis.id, basis.title, basis.article, basis.law_version, as_of, limit)
    got = memo.get(key)
    if got is None:
        got = memo[key] = _evidence(book, basis, as_of, limit)
    return got


def law_evidence(g: Any, basis: LegalBasis, as_of: str) -> dict[str, Any]:
    """:func:`evidence` for ``basis`` read from ``g``'s law (a reader or graph); empty, with
    no law read, for a basis the import did not resolve to the corpus."""
    if not basis.law_version:
        return {}
    return evidence(g.lawbook(), basis, as_of)


def _evidence(book: LawBook, basis: LegalBasis, as_of: str, limit: int) -> dict[str, Any]:
    found = provisions_at(book, basis, as_of)
    if not found:
        return {}
    law = found[0].law
    version = found[0].version
    provisions = []
    notes: list[str] = []
    for p in found:
        text, cut = p.quote(limit)
        entry: dict[str, Any] = {
            "label": p.citation.label or None,
            "article": None
            if p.article is None
            else {"id": p.article.id, "key": p.article.key, "name": p.article.name},
            "text": text,
            "truncated": cut,
            "length": len(p.article.text) if p.article is not None else 0,
            "in_force": p.in_force,
        }
        if p.cited is not None and p.version_changed:
            entry["cited"] = {"id": p.cited.id, "name": p.cited.name, "version": p.cited.version}
            entry["similarity"] = round(p.similarity, 2)
        note = _note(p, basis, as_of)
        if note:
            entry["note"] = note
            notes.append(note)
        provisions.append(entry)
    return {
        "law": {"id": law.id, "title": law.title, "kind": law.kind, "level": law.level},
        "version": None
        if version is None
        else {
            "id": version.id,
            "valid_from": version.valid_from,
            "valid_to": version.valid_to,
            "cited": version.id == basis.law_version,
        },
        "provisions": provisions,
        "text": "\n".join(p["text"] for p in provisions if p["text"]),
        "note": "；".join(dict.fromkeys(notes)) or None,
    }


def basis_text(b: Mapping[str, Any], *, quote: bool = True) -> str:
    """One basis of the evidence (a dict of :func:`~dutygraph.analysis.resolve.basis_evidence`)
    as a person reads it: 《title》 and the provisions cited, each with its text (``quote``),
    the version when it is not the one cited, the note, and 已失效 when out of force.

    >>> from dutygraph.fixtures import demo_graph
    >>> from dutygraph.analysis.resolve import basis_evidence
    >>> g = demo_graph()
    >>> print(basis_text(basis_evidence(g, "B-FSL-6", "2025-06-01"))[:40])
    《中华人民共和国食品安全法》第六条：县级以上地方人民政府对本行政区域的食品安全监
    >>> basis_text(basis_evidence(g, "B-FSL-6", "2025-06-01"), quote=False)
    '《中华人民共和国食品安全法》第六条'
    >>> basis_text({"id": "B-X", "title": "某市清单", "in_force": False})
    '《某市清单》（已失效）'
    """
    law = b.get("law") or {}
    title = law.get("title") or b.get("title") or b.get("id") or ""
    out = f"《{title}》"
    provisions = b.get("provisions") or []
    cited = [p for p in provisions if p.get("label")]
    if not cited:
        out += b.get("article") or ""
    parts = []
    for p in cited:
        art = p.get("article") or {}
        label = p["label"]
        if art.get("name") and not label.startswith(art["name"]):
            label += f"（现{art['name']}）"
        text = " ".join(p.get("text", "").split("\n")) if quote else ""
        parts.append(label + (f"：{text}" if text else ""))
    out += "；".join(parts)
    version = b.get("version") or {}
    if provisions and version and not version.get("cited") and version.get("valid_from"):
        out += f"（{version['valid_from']} 起施行的版本）"
    if b.get("note"):
        out += f"（{b['note']}）"
    if not b.get("in_force", True):
        out += "（已失效）"
    return out


def _note(p: Provision, basis: LegalBasis, as_of: str) -> str | None:
    law, v = p.law, p.version
    if v is None:
        return "文本库中没有该法的文本"
    if not law.in_force(as_of) or (v.valid_to and as_of >= v.valid_to and p.article is not None):
        when = law.valid_to or v.valid_to
        return f"《{law.title}》已于 {when} 失效" if when else f"《{law.title}》已失效"
    if law.attrs.get("expired") == "yes" and not p.in_force:
        return f"《{law.title}》已失效（文本库未载明失效日期）"
    if v.valid_from and as_of < v.valid_from:
        return earliest_text_note(v.valid_from)
    if p.citation.article is not None and p.cited is None:
        return f"{v.valid_from} 版没有{p.citation.label}"
    if p.article is None and p.cited is not None:
        return f"{v.valid_from} 起施行的新版已无此条（原{p.cited.name}）：依据不再有效"
    if p.moved and p.cited is not None and p.article is not None:
        return (
            f"依据已由 {p.cited.version.partition('@')[2]} 版{p.cited.name}变为 "
            f"{v.valid_from} 版{p.article.name}（文本相似度 {p.similarity:.2f}）"
        )
    if p.version_changed and p.cited is not None:
        same = "内容相同" if p.similarity == 1.0 else f"文本相似度 {p.similarity:.2f}"
        return (
            f"依据已由 {p.cited.version.partition('@')[2]} 版变为 {v.valid_from} 版"
            f"（{p.article.name if p.article else p.cited.name}，{same}）"
        )
    return None


def duties_on_law(
    g: Any, law: Law, article: LawArticle | None = None, as_of: str | None = None
) -> list[tuple[LegalBasis, Any]]:
    """The (basis, duty) pairs of the duties resting on ``law`` — on ``article`` only, if
    given: the bases whose provision is carried, on ``as_of`` (default: the article's
    version's start), by that article, so a basis citing the old number of a renumbered
    article counts. Bases in store order, each one's duties as the reader gives them.

    >>> from dutygraph.fixtures import demo_graph
    >>> g = demo_graph()
    >>> law = g.law("食品安全法")
    >>> sorted({d.department for _, d in duties_on_law(g, law)})[:3]
    ['N-NHC', 'N-SAMR', 'SC-SCJ']
    >>> art = g.article(law.id, "第六条")
    >>> sorted({b.id for b, _ in duties_on_law(g, law, art)})
    ['B-FSL-6']
    """
    book = g.lawbook()
    version = book.versions.get(article.version) if article is not None else None
    when = as_of or (version.valid_from if version is not None else None)
    out: list[tuple[LegalBasis, Any]] = []
    for b in g.bases.values():
        if b.law != law.id:
            continue
        if article is not None:
            found = provisions_at(book, b, when or "9999-12-31")
            if not any(p.article is not None and p.article.id == article.id for p in found):
                continue
        out.extend((b, d) for d in g.duties_resting_on(b.id))
    return out
