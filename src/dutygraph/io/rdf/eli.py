"""The law corpus as linked data on the European Legislation Identifier ontology (ELI).

* each act is one ``eli:LegalResource`` (and ``dg:Law``): ``dct:title`` and
  ``eli:title`` (Chinese), ``eli:type_document`` (dutygraph's concept of its kind:
  ``dg:law``, ``dg:administrativeRegulation``…), ``dg:lawLevel`` its level as the
  corpus names it (位阶, Chinese text: 宪法 and 法律 share the kind ``dg:law``),
  ``eli:first_date_entry_in_force``,
  ``eli:date_no_longer_in_force`` when repealed, ``eli:is_realized_by`` its versions;
* each version is one ``eli:LegalExpression`` (and ``dg:LawVersion``):
  ``eli:realizes`` the act, ``eli:title``, ``eli:date_publication``,
  ``eli:first_date_entry_in_force``, ``eli:date_no_longer_in_force``;
* each article is an ``eli:LegalResourceSubdivision`` (and ``dg:LawArticle``):
  ``eli:is_part_of`` the act, ``dg:inVersion`` the version it is read from,
  ``eli:number`` its key (``110``, ``17-1``), ``eli:title`` its label
  (第一百一十条), ``dg:chapter`` and ``dg:paragraphs`` (款, items one a line).

ELI's ``date_no_longer_in_force`` is the last day in force; dutygraph's ends are
exclusive, so it is the day before ``valid_to``. Legal bases
(:mod:`~dutygraph.io.rdf.mapping`) name the version they were read against
with ``dg:lawVersion`` (its id); :func:`~dutygraph.io.rdf.standard.basis_links`
links each basis that resolved to the corpus to the ELI resources themselves —
``eli:related_to`` the act, the version and each article it cites (in that
version), and ``eli:is_part_of`` the act when it cites articles (a basis naming an
article is a subdivision of the act). The main export writes those links on every
basis; the ELI export writes them for the bases of the graph that cite the acts it
writes, beside the acts, versions and articles they point at.

>>> import io
>>> from dutygraph.lawbook import packaged_lawbook
>>> from dutygraph.graph import DutyGraph
>>> buf = io.StringIO()
>>> write_eli(DutyGraph(), buf, laws=["农产品质量安全法"]) > 0
True
>>> "eli:date_no_longer_in_force \\"2022-12-31\\"^^xsd:date" in buf.getvalue()
True
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ... import vocab
from ...errors import UsageError
from ...model import Law, LawArticle, LawVersion
from ...vocab import DG, field_property
from ..source import streamed
from .standard import basis_links
from .terms import FORMATS, LANG, PREFIXES, TYPE, XSD_DATE, Lit, Pairs, node_iri
from .write import write_blocks

__all__ = ["basis_links", "eli_blocks", "export_eli", "last_day", "write_eli"]

_ELI = PREFIXES["eli"]
_DCT = PREFIXES["dct"]


def last_day(end: str | None) -> str | None:
    """ELI's last day in force for dutygraph's exclusive end date.

    >>> last_day("2023-01-01"), last_day(None)
    ('2022-12-31', None)
    """
    if not end:
        return None
    return (dt.date.fromisoformat(end) - dt.timedelta(days=1)).isoformat()


def _date(pairs: Pairs, predicate: str, value: str | None) -> None:
    if value:
        pairs.append((predicate, Lit(value, XSD_DATE)))


def _text(value: str) -> Lit:
    return Lit(value, None, LANG)


def _law(law: Law, versions: list[LawVersion]) -> tuple[str, Pairs]:
    pairs: Pairs = [
        (TYPE, _ELI + "LegalResource"),
        (TYPE, str(DG.Law)),
        (_DCT + "title", _text(law.title)),
        (_ELI + "title", _text(law.title)),
        (_ELI + "type_document", str(vocab.BASIS_KINDS.get(law.kind, DG.law))),
        (str(field_property("id")), Lit(law.id)),
    ]
    if law.level:  # 位阶 as text: dg:level is a region's level, a concept
        pairs.append((str(DG.lawLevel), _text(law.level)))
    _date(pairs, _ELI + "first_date_entry_in_force", law.valid_from)
    _date(pairs, _ELI + "date_no_longer_in_force", last_day(law.valid_to))
    pairs.extend((_ELI + "is_realized_by", node_iri("law_version", v.id)) for v in versions)
    return node_iri("law", law.id), pairs


def _version(v: LawVersion) -> tuple[str, Pairs]:
    pairs: Pairs = [
        (TYPE, _ELI + "LegalExpression"),
        (TYPE, str(DG.LawVersion)),
        (_ELI + "realizes", node_iri("law", v.law)),
        (_ELI + "title", _text(v.title)),
    ]
    _date(pairs, _ELI + "date_publication", v.publish)
    _date(pairs, _ELI + "first_date_entry_in_force", v.valid_from)
    _date(pairs, _ELI + "date_no_longer_in_force", last_day(v.valid_to))
    return node_iri("law_version", v.id), pairs


def _article(a: LawArticle) -> tuple[str, Pairs]:
    pairs: Pairs = [
        (TYPE, _ELI + "LegalResourceSubdivision"),
        (TYPE, str(DG.LawArticle)),
        (_ELI + "is_part_of", node_iri("law", a.law)),
        # not dg:lawVersion (a basis's version id, as text)
        (str(DG.inVersion), node_iri("law_version", a.version)),
        (_ELI + "number", Lit(a.key)),
        (_ELI + "title", _text(a.name)),
    ]
    pairs.extend((str(field_property("chapter")), _text(c)) for c in a.chapter)
    pairs.extend((str(field_property("paragraphs")), _text(p)) for p in a.paragraphs)
    return node_iri("article", a.id), pairs


def eli_blocks(g: Any, laws: Iterable[str] | None = None) -> Iterator[tuple[str, Pairs]]:
    """The nodes of the acts ``laws`` (ids or titles; default: the acts the graph's bases
    cite), their versions and articles, from ``g``'s law (a graph or a reader); then the
    links of the graph's bases that cite those acts (:func:`basis_links`)."""
    book = g.lawbook()
    if laws is None:
        ids = list(dict.fromkeys(b.law for b in g.bases.values() if b.law))
    else:
        ids = [g.law(x).id for x in laws]
    for law_id in ids:
        law = book.laws[law_id]
        versions = book.versions_of(law_id)
        yield _law(law, versions)
        for v in versions:
            yield _version(v)
            for a in book.articles_of(v.id):
                yield _article(a)
    wanted = set(ids)
    for b in g.bases.values():
        if b.law in wanted:
            links = basis_links(g, b)
            if links:
                yield node_iri("basis", b.id), [(TYPE, str(DG.LegalBasis)), *links]


def write_eli(
    g: Any,
    out: IO[str] | str | os.PathLike[str],
    format: str = "ttl",
    laws: Iterable[str] | None = None,
) -> int:
    """Write the acts (see :func:`eli_blocks`) as ELI in ``format``; returns the triple count."""
    if format not in FORMATS:
        raise UsageError(f"unknown RDF format {format!r}; use one of {', '.join(FORMATS)}")
    if not hasattr(out, "write"):
        with open(out, "w", encoding="utf-8") as fh:  # type: ignore[arg-type]
            return write_eli(g, fh, format, laws)
    stream: IO[str] = out  # type: ignore[assignment]
    if callable(getattr(g, "rows", None)):  # a store's reader that streams
        return streamed(g, lambda: write_blocks(stream, eli_blocks(g, laws), format))
    return write_blocks(stream, eli_blocks(g, laws), format)


def export_eli(
    g: Any,
    out: IO[str],
    format: str = "eli",
    region: str | None = None,
    item: str | None = None,
    as_of: str | None = None,
) -> int:
    """``dutygraph export --format eli``: the acts the graph (or the ``region`` / ``item``
    subset's bases) cites, as ELI Turtle."""
    laws = None
    if region or item:
        from .select import select_records

        bases = [r for r in select_records(g, region, item) if r.label == "basis"]
        laws = list(dict.fromkeys(b.law for b in bases if b.law))
    return write_eli(g, out, "ttl", laws)
