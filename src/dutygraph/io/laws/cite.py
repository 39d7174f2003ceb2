"""Every citation resolved against the law corpus, at import (SPEC §6).

Each :class:`~dutygraph.model.LegalBasis` an import brings — a bundle's
``bases.csv`` row, a provision a power list or key-item list cites, a
catalogue basis, an RDF node — is resolved to the act of its title, the
version in force on the start date of the duties citing it (the earliest;
the basis's own ``valid_from`` when it has one), and the article/款/项 it
names. What the import finds is written on the basis: ``law_version`` and
the time ``[law_from, law_to)`` the cited article is in force by the corpus
(:func:`dutygraph.analysis.provisions.provision_lifetime`, which follows the
article through later versions by its text). The gap scan's in-force rule
then follows the law's history with the interval logic it has.

A citation the corpus contradicts is a **located warning** (an error with
``strict``): the file, sheet, row and column of the basis (or of the duty),
what is wrong, and the nearest match —

* ``law-unknown``: a law or administrative regulation the corpus does not
  hold (the nearest titles; the corpus holds few rules and no local
  legislation, so those are not reported, nor a basis the input itself
  closes before today — a repealed law the corpus may lack);
* ``law-no-article``: an article, 款 or 项 the version does not have (its
  last article, or the versions that have it);
* ``law-not-in-force``: the act not yet, or no longer, in force on the
  duty's start date (the act's dates);
* ``law-earliest-text`` (severity ``note``, whatever ``strict``): the duty's start
  date is before the earliest text the corpus holds of an act adopted by then (a
  file holds the text as amended): the basis is read against that text, and is in
  force from the act's adoption as usual — no gap opens for that window.

A corpus import re-resolves the bases already in the store that rest on the
acts it changes, so loading a newer corpus whose new version drops an article
closes the bases citing it (and the duties on them become ``NO_LEGAL_BASIS``
gaps from that version's date).

>>> from dutygraph.fixtures import DEMO_PATH
>>> from dutygraph.graph import DutyGraph
>>> from dutygraph.io.bundle import read_bundle
>>> batch = read_bundle(DEMO_PATH)
>>> resolve_citations(batch, DutyGraph())
>>> b = next(r.record for r in batch.rows if r.record.id == "B-FSL-6")
>>> b.law_version.endswith("@2021-04-29"), b.law_from, b.law_to
(True, '2009-02-28', None)
>>> sorted({(p.code, p.severity) for p in batch.problems})  # 食品卫生法 is closed by the bundle
[('law-earliest-text', 'note')]
>>> print(batch.problems[0].message.split(" (")[0])
《中华人民共和国食品安全法》2015-10-01（职责起始日）：该日期施行的文本未收录，按最早收录文本（2021-04-29）引用
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from ...analysis.provisions import (
    before_earliest_text,
    citations_of,
    earliest_text_note,
    provision_lifetime,
)
from ...errors import Problem
from ...graph import DutyGraph
from ...lawbook import LawBook
from ...model import LAW_KINDS, LawArticle, LawVersion, LegalBasis, Origin, active, today
from ..bundle import Batch, Row, StreamFallback
from ..citations import Citation, chinese_numeral

__all__ = ["CITATION_CODES", "resolve_citations"]

#: the problem codes of this module (``--strict`` makes them errors)
CITATION_CODES = ("law-unknown", "law-no-article", "law-not-in-force")
#: the codes of notes (severity ``note``, with ``strict`` too): how a basis was read
_NOTES = ("law-earliest-text",)
#: kinds of basis the corpus holds all of (national laws and administrative regulations)
_COVERED = ("law", "administrative-regulation")


def resolve_citations(batch: Batch, graph: DutyGraph, *, strict: bool = False) -> None:
    """Resolve the bases of ``batch`` (see the module docstring); add what is wrong to its
    problems. ``graph`` is the store's current state."""
    severity = "error" if strict else "warning"
    laws = [r.record for r in batch.rows if r.record.label in LAW_KINDS]
    book = _book(graph, laws) if laws else graph.lawbook()
    starts = _earliest_starts(batch)
    resolved: dict[str, LegalBasis] = {}
    seen_unknown: set[str] = set()
    for i, row in enumerate(batch.rows):
        rec = row.record
        if rec.label != "basis":
            continue
        stored = graph.bases.get(rec.id)
        anchor = rec.valid_from or starts.get(rec.id) or _anchor_of(stored) or today()
        new, problems = _resolve(book, rec, anchor, seen_unknown)
        for column, message, fix, code in problems:
            level = "note" if code in _NOTES else severity
            batch.problems.append(_problem(row.origin, column, message, fix, code, level))
        if new != rec:
            batch.rows[i] = Row(new, row.origin)
        resolved[new.id] = new
    if laws:  # a corpus import: the stored bases on the acts it changes, again
        acts = {r.id for r in laws if r.label == "law"}
        citing = getattr(graph, "bases_citing", None)  # a store's reader: by query
        for b in citing(acts) if citing is not None else graph.bases.values():
            if b.id in resolved or not b.law_version or b.law not in acts:
                continue
            new, _ = _resolve(book, b, _anchor_of(b) or b.valid_from or today(), set())
            if new != b:
                batch.rows.append(Row(new, b.origin or Origin("(store)")))
            resolved[new.id] = new
    _check_duty_dates(batch, resolved, graph, severity)


def _book(graph: DutyGraph, laws: list[Any]) -> LawBook:
    """The law as it will be after this import: the batch's law records over the store's."""
    own_laws = dict(graph.table("law"))
    own_versions = dict(graph.table("law_version"))
    arts: dict[str, list[LawArticle]] = {}
    for r in laws:
        if r.label == "law":
            own_laws[r.id] = r
        elif r.label == "law_version":
            own_versions[r.id] = r
        else:
            arts.setdefault(r.law, []).append(r)
    stored = graph.table("article")

    def articles_of_law(law: str) -> list[LawArticle]:
        mine = arts.get(law)
        if mine is None:
            return stored.group(law) if hasattr(stored, "group") else []
        return mine

    return LawBook(own_laws, own_versions, articles_of_law)


def _anchor_of(basis: LegalBasis | None) -> str | None:
    """The date a stored basis was read on: its version's effective date."""
    if basis is None or not basis.law_version:
        return None
    return basis.law_version.partition("@")[2] or None


def _earliest_starts(batch: Batch) -> dict[str, str]:
    """Per basis id, the earliest start date of the batch's duties citing it."""
    out: dict[str, str] = {}
    pairs: set[tuple[tuple[str, ...], str]] = set()
    for row in batch.rows:
        rec = row.record
        if rec.label == "duty" and rec.valid_from:
            pairs.add((rec.bases, rec.valid_from))
    if batch.duties:
        cols = batch.duties
        pairs.update(
            (b, s)
            for b, s in set(zip(cols.column("bases"), cols.column("valid_from"), strict=True))
            if s
        )
    if batch.stream is not None:  # a duty table read later, a slice at a time
        pairs.update((b, s) for b, s in batch.stream.pairs() if s)
    for bases, start in pairs:
        for b in bases:
            if b not in out or start < out[b]:
                out[b] = start
    return out


Found = tuple[str, str, str, str]  # column, message, fix, code


def _resolve(
    book: LawBook, basis: LegalBasis, anchor: str, seen_unknown: set[str]
) -> tuple[LegalBasis, list[Found]]:
    """``basis`` with what the corpus says of it, and what is wrong (see the module docstring)."""
    problems: list[Found] = []
    law = book.law(basis.title)
    listed = basis.id.startswith("LB-")  # made from a list's citation cell
    if law is None:
        ended = basis.valid_to is not None and basis.valid_to <= today()
        if basis.kind in _COVERED and not ended and basis.title not in seen_unknown:
            seen_unknown.add(basis.title)
            close = book.suggest(basis.title)
            near = f"；最接近的：{'、'.join(f'《{t}》' for t in close)}" if close else ""
            problems.append(
                (
                    "bases" if listed else "title",
                    f"法律文本库中没有《{basis.title}》{near} (the law corpus has no such act)",
                    "核对法名；已废止或尚未收录的法律可先以 dutygraph load 导入其文本",
                    "law-unknown",
                )
            )
        return dataclasses.replace(basis, law_version=None, law_from=None, law_to=None), problems
    if listed:  # a list's citation: the act's title and kind as the corpus has them
        basis = dataclasses.replace(basis, title=law.title, kind=law.kind)
    versions = book.versions_of(law.id)
    if not versions:
        return dataclasses.replace(basis, law_version=None, law_from=None, law_to=None), problems
    version = _version_on(book, law.id, versions, anchor)
    if before_earliest_text(law, versions, anchor):
        problems.append(
            (
                "bases" if listed else "valid_from",
                f"《{law.title}》{anchor}（职责起始日）：{earliest_text_note(version.valid_from or '')}"
                " (the corpus holds no text in force on that date; its earliest is cited)",
                "如需当日施行的文本，可以 dutygraph load 导入该版本",
                "law-earliest-text",
            )
        )
    if law.valid_from and anchor < law.valid_from:
        problems.append(
            (
                "bases" if listed else "valid_from",
                f"《{law.title}》{law.valid_from} 才通过，{anchor}（职责起始日）尚未施行 "
                "(the act is not yet in force on the duty's start date)",
                "核对职责或依据的起始日期，或引用当时有效的法律",
                "law-not-in-force",
            )
        )
    end = law.valid_to
    if end and anchor >= end:
        problems.append(
            (
                "bases" if listed else "valid_from",
                f"《{law.title}》已于 {end} 失效，{anchor}（职责起始日）不在施行期 "
                "(the act is no longer in force on the duty's start date)",
                "引用替代它的现行法律" + (f"（{law.repealed_by}）" if law.repealed_by else ""),
                "law-not-in-force",
            )
        )
    starts: list[str | None] = []
    ends: list[str | None] = []
    for c in citations_of(basis):
        if c.article is None:
            f, t, _ = provision_lifetime(book, law, None)
        else:
            article = book.article(version.id, c.key.split(".")[0])
            if article is None:
                problems.append(_no_article(book, law.title, versions, version, c, listed))
                continue
            if c.paragraph is not None and article.paragraph(c.paragraph) is None:
                problems.append(
                    (
                        "bases" if listed else "article",
                        f"《{law.title}》{version.valid_from} 版{article.name}只有 "
                        f"{len(article.paragraphs)} 款，没有{c.label} (no such paragraph)",
                        "核对款号",
                        "law-no-article",
                    )
                )
            elif c.item is not None and article.item(c.paragraph or 1, c.item) is None:
                problems.append(
                    (
                        "bases" if listed else "article",
                        f"《{law.title}》{version.valid_from} 版{article.name}"
                        f"没有{c.label}所指的项 (no such item)",
                        "核对项号",
                        "law-no-article",
                    )
                )
            f, t, _ = provision_lifetime(book, law, article)
        starts.append(f)
        ends.append(t)
    if starts:  # in force while any provision it cites is
        law_from = None if None in starts else min(s for s in starts if s)
        law_to = None if None in ends else max(e for e in ends if e)
    else:  # it cites no article the version has: the act's life (the warning says why)
        law_from, law_to, _ = provision_lifetime(book, law, None)
    new = dataclasses.replace(basis, law_version=version.id, law_from=law_from, law_to=law_to)
    return new, problems


def _version_on(book: LawBook, law: str, versions: list[LawVersion], anchor: str) -> LawVersion:
    """The version in force on ``anchor``; before the corpus's oldest text, that text; after
    the act's end, its last one."""
    v = book.version_at(law, anchor)
    if v is not None:
        return v
    if versions[0].valid_from and anchor < versions[0].valid_from:
        return versions[0]
    return versions[-1]


def _no_article(
    book: LawBook,
    title: str,
    versions: list[LawVersion],
    version: LawVersion,
    c: Citation,
    listed: bool,
) -> Found:
    key = c.key.split(".")[0]
    name = article_label(c.article or 0, c.suffix)
    others = [v.valid_from for v in versions if v is not version and book.article(v.id, key)]
    arts = book.articles_of(version.id)
    near = ""
    if others:
        near = f"；{'、'.join(str(d) for d in others)} 版有{name}"
    elif arts:
        last = arts[-1]
        near = f"；该版本共 {len(arts)} 条，最后一条是{last.name}"
        if (c.article or 0) > last.number and not ends_in_force_clause(last):
            near += "，且不是施行条款：文本库中这一版本的文本可能不完整 (the corpus's text may be cut short)"
    return (
        "bases" if listed else "article",
        f"《{title}》{version.valid_from} 版没有{name}{near} (the version has no such article)",
        "核对条号" + ("，或注明所引的版本" if others else ""),
        "law-no-article",
    )


def _problem(at: Origin, column: str, message: str, fix: str, code: str, severity: str) -> Problem:
    return Problem(at.file, at.row, column, message, fix, at.sheet, severity=severity, code=code)


def _check_duty_dates(
    batch: Batch, resolved: dict[str, LegalBasis], graph: DutyGraph, severity: str
) -> None:
    """A duty starting when a basis it cites is not (yet, or any longer) in force by the
    corpus: one warning per basis, start date and file, at the first such row."""
    found: dict[tuple[str, str, str, str | None], list[Origin]] = {}

    def bad(bid: str, start: str) -> bool:
        b = resolved.get(bid) or graph.bases.get(bid)
        return (
            b is not None and b.law_version is not None and not active(b.law_from, b.law_to, start)
        )

    def visit(bases: Iterable[str], start: str | None, origin: Origin | None) -> None:
        if not start or origin is None:
            return
        for bid in bases:
            if bad(bid, start):
                found.setdefault((bid, start, origin.file, origin.sheet), []).append(origin)

    for row in batch.rows:
        if row.record.label == "duty":
            visit(row.record.bases, row.record.valid_from, row.origin)
    if batch.duties:
        cols = batch.duties
        distinct = set(zip(cols.column("bases"), cols.column("valid_from"), strict=True))
        wrong = {pair for pair in distinct if pair[1] and any(bad(b, pair[1]) for b in pair[0])}
        if wrong:
            for k, pair in enumerate(
                zip(cols.column("bases"), cols.column("valid_from"), strict=True)
            ):
                if pair in wrong:
                    visit(pair[0], pair[1], cols.origin(k))
    if batch.stream is not None and any(
        s and any(bad(b, s) for b in bases) for bases, s in batch.stream.pairs()
    ):
        raise StreamFallback(batch.stream.table.file)  # warned at rows read whole, in order
    for (bid, start, _, _), origins in found.items():
        b = resolved.get(bid) or graph.bases[bid]
        more = f"（另有 {len(origins) - 1} 行）" if len(origins) > 1 else ""
        span = f"{b.law_from or '…'} 至 {b.law_to or '…'}"
        what = f"《{b.title}》{b.article or ''}"
        batch.problems.append(
            _problem(
                origins[0],
                "bases",
                f"职责起始日 {start} 时，依据 {bid} {what}不在施行期（{span}）{more} "
                "(the basis is not in force on the duty's start date)",
                "核对职责的起始日期，或改引当时施行的依据",
                "law-not-in-force",
                severity,
            )
        )


#: the words of a text's last article when it is whole: the commencement (本法自…起施行),
#: the repeal of what it replaces, or the date it takes effect
_CLOSING = re.compile("施行|生效|废止|执行")


def ends_in_force_clause(article: LawArticle) -> bool:
    """Whether ``article`` reads as a text's last one (施行/生效/废止…). A version whose last
    article does not is probably cut short in the corpus: an article cited past its end is
    then the corpus's gap, not the citation's mistake.

    >>> def last(text):
    ...     return LawArticle("L@1#9", "L", "L@1", "9", "第九条", 9, paragraphs=(text,))
    >>> ends_in_force_clause(last("本法自2021年3月1日起施行。"))
    True
    >>> ends_in_force_clause(last("国务院有关部门应当依法监督检查。"))
    False
    """
    return bool(_CLOSING.search(article.text))


def article_label(number: int, suffix: int = 0) -> str:
    """``第一百一十条`` (``第十七条之一`` with a suffix)."""
    return f"第{chinese_numeral(number)}条" + (f"之{chinese_numeral(suffix)}" if suffix else "")
