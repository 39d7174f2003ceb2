"""What an export says in the standard vocabularies alone, for consumers that know nothing of dutygraph.

The official CPSV-AP 3.2.0 and CPOV-AP 2.1.2 shapes read an export as a
harvester does: no inference, no ontology. So beside dutygraph's own terms an
export states, for itself:

* on every item, department and duty the properties those profiles require:
  ``dct:identifier``, ``dct:title``\\@zh (items, departments) and a generated
  ``dct:description``\\@zh (items, duties), e.g. ``四川省市场监督管理局 牵头
  食品安全监督管理（510000）``;
* the concept schemes its values come from (roles, levels, basis kinds, power
  types from ``ontology/dutygraph.ttl``; the departments' lines as a scheme of
  their own, used through ``org:classification``);
* ``cv:hasCompetentAuthority`` as of one date: an item is a
  ``cpsv:PublicService`` with the departments that
  lead it nationally (following abolished departments to their successors,
  and an item without a lead of its own to the item above it); where a region
  records leads that differ, a public service of its own for (item, region),
  ``cv:relatedService`` of the item, with that region's leads. Abolished
  departments are never named, and no authority twice. An item that nobody
  leads at that date (a gap: ``dutygraph gaps`` lists it) is not written as a
  public service, since CPSV-AP requires one competent authority.

* on every legal basis the import resolved to the law corpus, its links to the
  corpus's ELI resources (:func:`basis_links`): ``eli:related_to`` the act, the
  version and the cited articles, ``eli:is_part_of`` the act. The resources
  themselves are in ``export --format eli``.

None of this is read back (:func:`~dutygraph.io.rdf.read_rdf` reads
dutygraph's terms): it follows from the records and the date.

>>> from dutygraph.fixtures import demo_graph
>>> g = demo_graph()
>>> [o.value for p, o in standard_pairs(g, g.duties_at("I-FOOD", "510000")[0]) if p.endswith("description")]
['四川省市场监督管理局 牵头 食品安全监督管理（510000）']
>>> [(s.rsplit("/", 2)[-2:], [o.rsplit("/", 1)[-1] for p, o in pairs if p.endswith("Authority")])
...  for s, pairs in authority_blocks(g, ["I-FOOD"], list(g.regions), "2025-01-01")
...  if _COMPETENT in dict(pairs)]
[(['item', 'I-FOOD'], ['N-SAMR']), (['I-FOOD', '510000'], ['SC-SCJ'])]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ...graph import DutyGraph, record_id
from ...model import LegalBasis
from ..citations import parse_provisions
from ..laws.parse import article_key
from .mapping import _COMPETENT, _DCT, _ENUMS, _SKOS
from .select import records_of
from .terms import (
    _P,
    LANG,
    LINE_BASE,
    LINE_SCHEME,
    SERVICE_BASE,
    TYPE,
    Lit,
    Pairs,
    node_iri,
)

#: the published ontology, shipped in the package (a link to ``ontology/`` in a checkout)
ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology" / "dutygraph.ttl"

_IDENTIFIER = _DCT + "identifier"
_TITLE = _DCT + "title"
_DESCRIPTION = _DCT + "description"
_SPATIAL = _DCT + "spatial"
_CLASSIFICATION = _P["org"] + "classification"
_RELATED = _P["cv"] + "relatedService"
_SERVICE = _P["cpsv"] + "PublicService"
_CONCEPT = _SKOS + "Concept"
_ELI_NS = _P["eli"]
_SCHEME = _SKOS + "ConceptScheme"
_KEEP = {
    TYPE,
    _SKOS + "prefLabel",
    _SKOS + "notation",
    _SKOS + "inScheme",
    _SKOS + "topConceptOf",
    _SKOS + "hasTopConcept",
}


def _zh(text: str) -> Lit:
    return Lit(text, None, LANG)


@cache
def _ontology_concepts() -> tuple[tuple[tuple[str, Pairs], ...], dict[str, str]]:
    """The concept blocks of the enum schemes, and each concept's Chinese label."""
    import pyoxigraph as ox

    nodes: dict[str, Pairs] = {}
    for quad in ox.parse(path=ONTOLOGY, format=ox.RdfFormat.TURTLE):
        if isinstance(quad.subject, ox.NamedNode) and quad.predicate.value in _KEEP:
            o = quad.object
            if isinstance(o, ox.Literal):
                lang = o.language
                obj: Any = Lit(o.value, None, lang) if lang else Lit(o.value)
            else:
                obj = o.value
            nodes.setdefault(quad.subject.value, []).append((quad.predicate.value, obj))
    wanted = {iri for values in _ENUMS.values() for iri in values.values()}
    schemes = {o for iri in wanted for p, o in nodes.get(iri, ()) if p == _SKOS + "inScheme"}
    blocks = tuple((iri, nodes[iri]) for iri in nodes if iri in wanted or iri in schemes)
    labels = {
        iri: o.value
        for iri, pairs in blocks
        for p, o in pairs
        if p == _SKOS + "prefLabel" and isinstance(o, Lit) and o.lang == LANG
    }
    return blocks, labels


def line_name(line: str) -> str | None:
    """The Chinese name of a line (条线): ``市场监管`` for ``market-regulation``; None if unknown.

    >>> line_name("market-regulation"), line_name("forestry-grassland"), line_name("x")
    ('市场监管', '林业和草原', None)
    """
    from ...explain import LINE_ZH

    return LINE_ZH.get(line)


def line_iri(line: str) -> str:
    """The concept of a line (条线), e.g. ``market-regulation``."""
    return LINE_BASE + quote(line, safe="")


def concept_blocks(lines: Iterable[str]) -> Iterator[tuple[str, Pairs]]:
    """The concept schemes an export's values come from, and the scheme of its ``lines``."""
    blocks, _ = _ontology_concepts()
    yield from blocks
    lines = sorted(set(lines))
    if not lines:
        return
    yield (
        LINE_SCHEME,
        [(TYPE, _SCHEME), (_SKOS + "prefLabel", _zh("条线"))]
        + [(_SKOS + "hasTopConcept", line_iri(x)) for x in lines],
    )
    for x in lines:
        # the Chinese name; a line nobody has named yet keeps its id, in no language
        name = line_name(x)
        yield (
            line_iri(x),
            [
                (TYPE, _CONCEPT),
                (_SKOS + "prefLabel", _zh(name) if name else Lit(x)),
                (_SKOS + "notation", Lit(x)),
                (_SKOS + "inScheme", LINE_SCHEME),
                (_SKOS + "topConceptOf", LINE_SCHEME),
            ],
        )


def _name(g: DutyGraph, kind: str, key: str) -> str:
    rec = g.table(kind).get(key)
    return rec.name if rec is not None else key


def item_description(g: DutyGraph, item: Any) -> str:
    """``监管事项 食品安全监督管理（I-FOOD），行政检查，监管对象：食品生产经营者``."""
    text = f"监管事项 {item.name}（{item.id}）"
    if item.power_type:
        text += f"，{item.power_type}"
    if item.objects:
        text += f"，监管对象：{item.objects}"
    return text


def basis_links(g: Any, basis: LegalBasis) -> Pairs:
    """The links from ``basis`` to the ELI resources of ``g``'s law it resolved to.

    ``eli:related_to`` the act, the version the import read it against
    (``dg:lawVersion``) and each article it cites in that version, and
    ``eli:is_part_of`` the act when it cites articles (a basis naming an article is
    a subdivision of the act). Empty for a basis the import did not resolve to the
    corpus. The main export and the ELI export (:mod:`~dutygraph.io.rdf.eli`, which
    writes the resources themselves) both write them.

    >>> from dutygraph.fixtures import demo_graph
    >>> g = demo_graph()
    >>> [o.rsplit("/", 2)[-2] for _, o in basis_links(g, g.bases["B-FSL-6"])]
    ['law', 'law-version', 'article', 'law']
    """
    version = basis.law_version
    law = basis.law
    book = g.lawbook()
    if not version or law is None or law not in book.laws or version not in book.versions:
        return []
    related = _ELI_NS + "related_to"
    pairs: Pairs = [(related, node_iri("law", law)), (related, node_iri("law_version", version))]
    cited = [c for c in parse_provisions(basis.title, basis.article) if c.article is not None]
    for c in cited:
        assert c.article is not None
        article = book.article(version, article_key(c.article, c.suffix))
        link = (related, node_iri("article", article.id)) if article is not None else None
        if link is not None and link not in pairs:
            pairs.append(link)
    if cited:
        pairs.append((_ELI_NS + "is_part_of", node_iri("law", law)))
    return pairs


def standard_pairs(g: DutyGraph, rec: Any) -> Pairs:
    """The standard statements about a record's own node: what the profiles require,
    and a legal basis's links to the law corpus's ELI resources (:func:`basis_links`)."""
    kind = rec.label
    if kind == "basis":
        return basis_links(g, rec)
    if kind == "duty":
        role = _ontology_concepts()[1].get(_ENUMS["role"][rec.role], rec.role)
        department = _name(g, "department", rec.department)
        item = _name(g, "item", rec.item)
        return [
            (_IDENTIFIER, Lit(record_id(rec))),
            (_DESCRIPTION, _zh(f"{department} {role} {item}（{rec.region}）")),
        ]
    if kind == "item":
        return [
            (_IDENTIFIER, Lit(rec.id)),
            (_TITLE, _zh(rec.name)),
            (_DESCRIPTION, _zh(item_description(g, rec))),
        ]
    if kind == "department":
        # CPOV-AP allows one skos:altLabel per language: the first alias (dg:aliases has all)
        alt = [(_SKOS + "altLabel", _zh(rec.aliases[0]))] if rec.aliases else []
        return [(_IDENTIFIER, Lit(rec.id)), (_TITLE, _zh(rec.name)), *alt] + [
            (_CLASSIFICATION, line_iri(x)) for x in rec.systems
        ]
    return []


def _leads(g: DutyGraph, item: str, region: str, as_of: str) -> list[str]:
    from ...analysis.resolve import resolve

    return sorted(resolve(g, item, region, "lead", as_of).departments())


def _lead_table(
    g: Any, items: list[str], roots: list[str], recorded: dict[str, list[str]], as_of: str
) -> dict[tuple[str, str], list[str]]:
    """Who leads each (item, region) :func:`authority_blocks` asks about, from a streaming
    reader: region by region, each on that region's own graph (the region, the path above,
    their departments and duties: ``regional_graph(code, below=False)``, what an answer at
    the region reads), read and let go — a few queries a region, not one per question."""
    wanted: dict[str, list[str]] = {root: list(items) for root in roots}
    for key in items:
        for region in recorded.get(key, ()):
            if region not in roots:
                wanted.setdefault(region, []).append(key)
    out: dict[tuple[str, str], list[str]] = {}
    for region, keys in wanted.items():
        piece = g.regional_graph(region, below=False, keep=False)
        for key in keys:
            out[key, region] = _leads(piece, key, region, as_of)
    return out


def authority_blocks(
    g: DutyGraph, items: Iterable[str], regions: Iterable[str], as_of: str
) -> Iterator[tuple[str, Pairs]]:
    """``cv:hasCompetentAuthority`` of the ``items`` as of ``as_of``, per region where it differs.

    An item's own authorities are its leads at the root region (the national
    government); an item led only locally takes the leads of the highest
    regions that record one. Each of the ``regions`` that records active lead
    duties for the item, with leads that differ from the item's, gets a public
    service ``<id/service/ITEM/REGION>`` of its own.
    """
    chosen = set(regions)
    items = list(items)
    roots = [c for c in g.regions if c in chosen and g.regions[c].parent not in g.regions]
    recorded: dict[str, list[str]] = {}
    for duty in records_of(g, "duty"):  # (a streaming reader's pages, kept nowhere)
        if duty.role == "lead" and duty.region in chosen and duty.active(as_of):
            places = recorded.setdefault(duty.item, [])
            if duty.region not in places:
                places.append(duty.region)
    table = None if isinstance(g, DutyGraph) else _lead_table(g, items, roots, recorded, as_of)

    def leads_of(key: str, region: str) -> list[str]:
        return _leads(g, key, region, as_of) if table is None else table[key, region]

    for key in items:
        item = g.items[key]
        own = sorted({d for root in roots for d in leads_of(key, root)})
        local: list[tuple[str, list[str]]] = []
        for region in sorted(recorded.get(key, ()), key=lambda c: (len(g.region_path(c)), c)):
            if region in roots:
                continue
            leads = leads_of(key, region)
            if leads and set(leads) != set(own):
                local.append((region, leads))
        if not own and local:
            top = len(g.region_path(local[0][0]))
            own = sorted({d for r, leads in local if len(g.region_path(r)) == top for d in leads})
        subject = node_iri("item", key)
        if own:
            yield (
                subject,
                [(TYPE, _SERVICE)] + [(_COMPETENT, node_iri("department", d)) for d in own],
            )
        for region, leads in local:
            service = SERVICE_BASE + quote(key, safe="") + "/" + quote(region, safe="")
            place = _name(g, "region", region)
            names = "、".join(f"{_name(g, 'department', d)}（{d}）" for d in leads)
            pairs: Pairs = [
                (TYPE, _SERVICE),
                (_IDENTIFIER, Lit(f"{key}@{region}")),
                (_TITLE, _zh(f"{item.name}（{place}）")),
                (_DESCRIPTION, _zh(f"{place}（{region}）{item.name}（{key}）由 {names} 牵头")),
                (_SPATIAL, node_iri("region", region)),
                (_RELATED, subject),
            ]
            pairs.extend((_COMPETENT, node_iri("department", d)) for d in leads)
            yield service, pairs
            yield subject, [(_RELATED, service)]
