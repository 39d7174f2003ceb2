"""RDF export and import on dutygraph's published ontology (``ontology/dutygraph.ttl``).

Every record becomes one node with a stable IRI,
``https://w3id.org/dutygraph/id/<kind>/<id>`` (the id percent-encoded), typed
with dutygraph's class and the standard class it specialises, and described
with dutygraph's terms plus the standard ones:

* a department is an ``org:Organization`` and a ``cv:PublicOrganisation``,
  ``dct:spatial`` its government's region;
* an item is a ``cpsv:PublicService``; each lead duty also says
  ``item cv:hasCompetentAuthority department``;
* a duty is a qualified ``cv:Participation``: ``cv:role``, ``dct:spatial``,
  its validity and ``cv:hasLegalResource`` → a legal basis, which is an
  ``eli:LegalResource`` (``eli:LegalResourceSubdivision`` when it names an
  article) with ``eli:first_date_entry_in_force`` / ``eli:date_no_longer_in_force``;
* regions form a ``skos:broader`` tree;
* the file, sheet and row a record was read from is a ``prov:Entity`` the
  record ``prov:wasDerivedFrom``.

N-Triples and Turtle are written node by node from the graph in memory, never
building a second copy of it; JSON-LD builds an rdflib graph first (the JSON
document needs it). :func:`read_rdf` reads the same vocabulary back into a
:class:`~dutygraph.io.bundle.Batch`, so export → import → export gives an
isomorphic graph.

>>> import io
>>> from dutygraph.fixtures import demo_graph
>>> out = io.StringIO()
>>> write_rdf(demo_graph(), out, format="nt", item="I-ECIG") > 0
True
>>> node_iri("department", "N-SAMR")
'https://w3id.org/dutygraph/id/department/N-SAMR'
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any, NamedTuple
from urllib.parse import quote, unquote

from ..errors import LoadError, Problem, UsageError
from ..graph import DutyGraph, record_id
from ..model import (
    BASIS_KINDS,
    LEVELS,
    RECORD_TYPES,
    ROLES,
    Origin,
    canonical_region_code,
)

try:  # TEMP until vocab.py lands
    from ..vocab import DG
except ImportError:
    DG = "https://w3id.org/dutygraph/ontology#"  # type: ignore[assignment]
from .bundle import Batch, Row

__all__ = [
    "FORMATS",
    "ID_BASE",
    "RDF_SUFFIXES",
    "node_iri",
    "read_rdf",
    "record_of_iri",
    "select_records",
    "write_rdf",
]

#: where every node of the data lives
ID_BASE = "https://w3id.org/dutygraph/id/"

#: export formats: name -> (media type, file suffix)
FORMATS = {
    "ttl": ("text/turtle", ".ttl"),
    "nt": ("application/n-triples", ".nt"),
    "jsonld": ("application/ld+json", ".jsonld"),
}
#: file suffixes :func:`read_rdf` reads, and their format
RDF_SUFFIXES = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".json-ld": "jsonld"}

_DG = str(DG)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {
    "dg": _DG,
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "cpsv": "http://purl.org/vocab/cpsv#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": RDF,
    "xsd": XSD,
}
_P = PREFIXES
TYPE = RDF + "type"
XSD_STRING = XSD + "string"
XSD_DATE = XSD + "date"
XSD_BOOLEAN = XSD + "boolean"
XSD_INTEGER = XSD + "integer"
RDF_JSON = RDF + "JSON"
RDF_LANGSTRING = RDF + "langString"
LANG = "zh"

# kind (record label) -> path segment of its IRIs
_SEGMENT = {
    "region": "region",
    "region_group": "region-group",
    "department": "department",
    "item": "item",
    "basis": "basis",
    "duty": "duty",
    "behavior": "behavior",
    "business_form": "business-form",
    "dispute": "dispute",
}
_KIND_OF_SEGMENT = {v: k for k, v in _SEGMENT.items()}
_CLASSES = {cls.label: cls for cls in RECORD_TYPES}
#: kind -> the fields that hold several values (tuples)
_TUPLE_FIELDS = {
    cls.label: {f.name for f in fields(cls) if str(f.type).startswith("tuple")}
    for cls in RECORD_TYPES
}


# -- terms ---------------------------------------------------------------------


class Lit(NamedTuple):
    """A literal: lexical value, datatype IRI (``None``: a language string)."""

    value: str
    datatype: str | None = XSD_STRING
    lang: str | None = None


class Blank(NamedTuple):
    """A blank node described inline: its predicate-object pairs."""

    pairs: tuple[tuple[str, Any], ...]


#: an object is an IRI (``str``), a :class:`Lit` or a :class:`Blank`
Pairs = list[tuple[str, Any]]


def node_iri(kind: str, key: str) -> str:
    """The IRI of the record of ``kind`` (a record label) with id ``key``."""
    return ID_BASE + _SEGMENT[kind] + "/" + quote(key, safe="")


def record_of_iri(iri: str) -> tuple[str, str] | None:
    """``(kind, id)`` for an IRI made by :func:`node_iri`, else ``None``.

    >>> record_of_iri("https://w3id.org/dutygraph/id/duty/N-SAMR%7CI-FOOD%7C000000%7Clead%7C%7C")
    ('duty', 'N-SAMR|I-FOOD|000000|lead||')
    """
    if not iri.startswith(ID_BASE):
        return None
    segment, _, rest = iri[len(ID_BASE) :].partition("/")
    kind = _KIND_OF_SEGMENT.get(segment)
    if kind is None or not rest or "/" in rest:
        return None
    return kind, unquote(rest)


# -- the mapping: record fields <-> predicates -----------------------------------


@dataclass(frozen=True, slots=True)
class _Field:
    """How one record field is written as triples, and read back."""

    name: str
    predicate: str
    codec: str  # text, label, date, bool, json, ref, enum
    target: str = ""  # ref: the kind referred to; enum: the IRI prefix of the values
    required: bool = False


def _dg(term: str) -> str:
    return _DG + term


_ID = _P["dct"] + "identifier"
_LABEL = _P["skos"] + "prefLabel"
_ALT = _P["skos"] + "altLabel"
_SPATIAL = _P["dct"] + "spatial"

#: kind -> (dutygraph class, standard classes, fields). The id field comes first.
MAPPING: dict[str, tuple[str, tuple[str, ...], tuple[_Field, ...]]] = {
    "region": (
        _dg("Region"),
        (_P["skos"] + "Concept", _P["dct"] + "Location"),
        (
            _Field("code", _P["skos"] + "notation", "text", required=True),
            _Field("name", _LABEL, "label", required=True),
            _Field("level", _dg("level"), "enum", _dg("level/"), required=True),
            _Field("parent", _P["skos"] + "broader", "ref", "region"),
        ),
    ),
    "region_group": (
        _dg("RegionGroup"),
        (_P["skos"] + "Collection",),
        (
            _Field("id", _ID, "text", required=True),
            _Field("name", _LABEL, "label", required=True),
            _Field("members", _P["skos"] + "member", "ref", "region"),
        ),
    ),
    "department": (
        _dg("Department"),
        (_P["cv"] + "PublicOrganisation", _P["org"] + "Organization"),
        (
            _Field("id", _ID, "text", required=True),
            _Field("name", _LABEL, "label", required=True),
            _Field("region", _SPATIAL, "ref", "region", required=True),
            _Field("systems", _dg("line"), "text"),
            _Field("superior", _dg("superior"), "ref", "department"),
            _Field("vertical", _dg("vertical"), "bool"),
            _Field("aliases", _ALT, "label"),
            _Field("valid_from", _dg("validFrom"), "date"),
            _Field("valid_to", _dg("validTo"), "date"),
            _Field("successor", _P["dct"] + "isReplacedBy", "ref", "department"),
        ),
    ),
    "item": (
        _dg("Item"),
        (_P["cpsv"] + "PublicService",),
        (
            _Field("id", _ID, "text", required=True),
            _Field("name", _LABEL, "label", required=True),
            _Field("parent", _P["dct"] + "isPartOf", "ref", "item"),
            _Field("domain", _dg("domain"), "text"),
            _Field("power_type", _dg("powerType"), "text"),
            _Field("objects", _dg("supervisedObject"), "text"),
            _Field("keywords", _dg("keyword"), "text"),
            _Field("levels", _dg("level"), "enum", _dg("level/")),
            _Field("key_item", _dg("keyItem"), "bool"),
        ),
    ),
    "basis": (
        _dg("LegalBasis"),
        (),  # eli:LegalResource or eli:LegalResourceSubdivision, by article
        (
            _Field("id", _ID, "text", required=True),
            _Field("title", _P["eli"] + "title", "label", required=True),
            _Field("kind", _dg("basisKind"), "enum", _dg("basis-kind/"), required=True),
            _Field("issuer", _dg("issuer"), "label"),
            _Field("article", _dg("article"), "label"),
            _Field("valid_from", _P["eli"] + "first_date_entry_in_force", "date"),
            _Field("valid_to", _P["eli"] + "date_no_longer_in_force", "date"),
        ),
    ),
    "duty": (
        _dg("Duty"),
        (_P["cv"] + "Participation",),
        (
            _Field("department", _P["cv"] + "hasParticipant", "ref", "department", True),
            _Field("item", _dg("item"), "ref", "item", required=True),
            _Field("region", _SPATIAL, "ref", "region", required=True),
            _Field("role", _P["cv"] + "role", "enum", _dg("role/"), required=True),
            _Field("bases", _P["cv"] + "hasLegalResource", "ref", "basis"),
            _Field("valid_from", _dg("validFrom"), "date"),
            _Field("valid_to", _dg("validTo"), "date"),
            _Field("source", _P["dct"] + "source", "text"),
            _Field("line", _dg("line"), "text"),
        ),
    ),
    "behavior": (
        _dg("Behavior"),
        (),
        (
            _Field("id", _ID, "text", required=True),
            _Field("name", _LABEL, "label", required=True),
            _Field("items", _dg("triggers"), "ref", "item"),
            _Field("keywords", _dg("keyword"), "text"),
        ),
    ),
    "business_form": (
        _dg("BusinessForm"),
        (),
        (
            _Field("id", _ID, "text", required=True),
            _Field("name", _LABEL, "label", required=True),
            _Field("description", _P["dct"] + "description", "label"),
            _Field("behaviors", _dg("behavior"), "ref", "behavior"),
            _Field("lead", _dg("settledLead"), "ref", "department"),
            _Field("assist", _dg("settledAssist"), "ref", "department"),
            _Field("settled_on", _dg("settledOn"), "date"),
            _Field("basis", _dg("settledBasis"), "ref", "basis"),
        ),
    ),
    "dispute": (
        _dg("Dispute"),
        (),
        (
            _Field("id", _ID, "text", required=True),
            _Field("parties", _dg("party"), "ref", "department"),
            _Field("subject", _dg("subject"), "text", required=True),
            _Field("region", _SPATIAL, "ref", "region", required=True),
            _Field("raised_on", _dg("raisedOn"), "date", required=True),
            _Field("status", _dg("status"), "text"),
            _Field("claims", _dg("claims"), "json"),
            _Field("decision", _dg("decision"), "json"),
        ),
    ),
}

_ATTRS = _dg("attributes")
_DERIVED = _P["prov"] + "wasDerivedFrom"
_ENTITY = _P["prov"] + "Entity"
_ORIGIN_FIELDS = (
    ("file", _dg("sourceFile")),
    ("sheet", _dg("sourceSheet")),
    ("row", _dg("sourceRow")),
    ("version", _dg("sourceVersion")),
)
_COMPETENT = _P["cv"] + "hasCompetentAuthority"
_PARTICIPATION = _P["cv"] + "hasParticipation"
_ELI_RESOURCE = _P["eli"] + "LegalResource"
_ELI_SUBDIVISION = _P["eli"] + "LegalResourceSubdivision"
_CLASS_KIND = {cls: kind for kind, (cls, _, _) in MAPPING.items()}
_ENUMS = {
    _dg("level/"): LEVELS,
    _dg("basis-kind/"): BASIS_KINDS,
    _dg("role/"): ROLES,
}


# -- records -> triples ----------------------------------------------------------


def _encode(f: _Field, value: Any) -> Any:
    if f.codec == "text":
        return Lit(value)
    if f.codec == "label":
        return Lit(value, None, LANG)
    if f.codec == "date":
        return Lit(value, XSD_DATE)
    if f.codec == "bool":
        return Lit("true" if value else "false", XSD_BOOLEAN)
    if f.codec == "json":
        return Lit(json.dumps(value, ensure_ascii=False, sort_keys=True), RDF_JSON)
    if f.codec == "ref":
        return node_iri(f.target, value)
    if f.codec == "enum":
        return f.target + value
    raise AssertionError(f.codec)


def _origin_node(o: Origin) -> Blank:
    pairs: list[tuple[str, Any]] = [(TYPE, _ENTITY)]
    for name, pred in _ORIGIN_FIELDS:
        value = getattr(o, name)
        if value is not None:
            pairs.append((pred, Lit(str(value), XSD_INTEGER) if name == "row" else Lit(value)))
    return Blank(tuple(pairs))


def record_nodes(rec: Any) -> list[tuple[str, Pairs]]:
    """The node of one record, and the statements about other nodes it implies.

    The first block is the record's own node; a duty adds
    ``item cv:hasParticipation duty`` and, when it leads,
    ``item cv:hasCompetentAuthority department``.
    """
    kind = rec.label
    cls, standard, spec = MAPPING[kind]
    subject = node_iri(kind, record_id(rec))
    types = [cls, *standard]
    if kind == "basis":
        types.append(_ELI_SUBDIVISION if rec.article else _ELI_RESOURCE)
    pairs: Pairs = [(TYPE, t) for t in types]
    for f in spec:
        value = getattr(rec, f.name)
        if value is None or value == () or value == {} or (f.codec == "bool" and not value):
            continue
        if isinstance(value, tuple):
            pairs.extend((f.predicate, _encode(f, v)) for v in value)
        else:
            pairs.append((f.predicate, _encode(f, value)))
    if rec.attrs:
        pairs.append((_ATTRS, Lit(json.dumps(rec.attrs, ensure_ascii=False), RDF_JSON)))
    if rec.origin is not None:
        pairs.append((_DERIVED, _origin_node(rec.origin)))
    blocks = [(subject, pairs)]
    if kind == "duty":
        item = node_iri("item", rec.item)
        extra: Pairs = [(_PARTICIPATION, subject)]
        if rec.role == "lead":
            extra.append((_COMPETENT, node_iri("department", rec.department)))
        blocks.append((item, extra))
    return blocks


# -- which records: the whole graph, a region subtree, an item subtree ---------------

_REFS: dict[str, tuple[tuple[str, str], ...]] = {
    kind: tuple((f.name, f.target) for f in spec if f.codec == "ref")
    for kind, (_, _, spec) in MAPPING.items()
}


def select_records(
    g: DutyGraph, region: str | None = None, item: str | None = None
) -> Iterator[Any]:
    """The records to export, kinds in load order.

    With ``region``, the regions of its subtree and its path up to the root,
    their departments and the duties recorded there (so inherited answers can
    still be worked out from the subset); with ``item``, the item's subtree
    and its ancestors and their duties. Either way, every record a selected
    record refers to comes along (a department's superior, a duty's bases...),
    so a subset imports on its own.

    >>> from dutygraph.fixtures import demo_graph
    >>> recs = list(select_records(demo_graph(), region="510107"))
    >>> sorted({r.region for r in recs if r.label == "duty"})
    ['000000', '510000', '510100']
    """
    if region is None and item is None:
        yield from g.records()
        return
    regions: set[str] | None = None
    items: set[str] | None = None
    if region is not None:
        code = g.find("region", region).code
        regions = set(g.subtree(code)) | set(g.region_path(code))
    if item is not None:
        key = g.find("item", item).id
        tree = [key]
        for it in tree:  # grows while iterating: the item subtree
            tree.extend(i for i, rec in g.items.items() if rec.parent == it and i not in tree)
        items = set(tree) | set(g.item_path(key))
    chosen: dict[str, set[str]] = {kind: set() for kind in MAPPING}
    chosen["region"] = set(g.regions) if regions is None else regions & set(g.regions)
    chosen["department"] = {
        d for d, dep in g.departments.items() if regions is None or dep.region in regions
    }
    chosen["item"] = set(g.items) if items is None else items & set(g.items)
    chosen["duty"] = {
        k
        for k, d in g.duties.items()
        if (regions is None or d.region in regions) and (items is None or d.item in items)
    }
    chosen["region_group"] = {
        k for k, grp in g.region_groups.items() if set(grp.members) <= chosen["region"]
    }
    chosen["dispute"] = {
        k
        for k, d in g.disputes.items()
        if d.region in chosen["region"] and (items is None or d.subject in items)
    }
    # close over references: whatever is chosen, what it refers to comes along
    todo = [(kind, key) for kind, keys in chosen.items() for key in keys]
    while todo:
        kind, key = todo.pop()
        rec = g.table(kind).get(key)
        if rec is None:
            continue
        for fieldname, target in _REFS[kind]:
            value = getattr(rec, fieldname)
            for ref in value if isinstance(value, tuple) else (value,):
                if ref and ref not in chosen[target] and ref in g.table(target):
                    chosen[target].add(ref)
                    todo.append((target, ref))
    for cls in RECORD_TYPES:
        table = g.table(cls.label)
        for key, rec in table.items():
            if key in chosen[cls.label]:
                yield rec


# -- writers -------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def _quote(value: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, value) + '"'


def _nt_literal(lit: Lit) -> str:
    text = _quote(lit.value)
    if lit.lang:
        return f"{text}@{lit.lang}"
    if lit.datatype and lit.datatype != XSD_STRING:
        return f"{text}^^<{lit.datatype}>"
    return text


_SAFE_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _ttl_iri(iri: str) -> str:
    if iri == TYPE:
        return "a"
    for prefix, ns in _PREFIX_ORDER:
        if iri.startswith(ns) and _SAFE_LOCAL.match(iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _ttl_object(obj: Any, indent: str) -> str:
    if isinstance(obj, Lit):
        text = _quote(obj.value)
        if obj.lang:
            return f"{text}@{obj.lang}"
        if obj.datatype and obj.datatype != XSD_STRING:
            return f"{text}^^{_ttl_iri(obj.datatype)}"
        return text
    if isinstance(obj, Blank):
        inner = indent + "    "
        body = f" ;\n{inner}".join(f"{_ttl_iri(p)} {_ttl_object(o, inner)}" for p, o in obj.pairs)
        return f"[\n{inner}{body}\n{indent}]"
    return (
        _ttl_iri(obj) if obj == TYPE else f"<{obj}>" if obj.startswith(ID_BASE) else _ttl_iri(obj)
    )


def _write_ttl_block(out: IO[str], subject: str, pairs: Pairs) -> int:
    lines: list[str] = []
    last = None
    for p, o in pairs:
        obj = _ttl_object(o, "    ")
        if p == last:
            lines[-1] += f", {obj}"
        else:
            lines.append(f"{_ttl_iri(p)} {obj}")
            last = p
    out.write(f"<{subject}>\n    " + " ;\n    ".join(lines) + " .\n\n")
    return _count(pairs)


def _count(pairs: Iterable[tuple[str, Any]]) -> int:
    return sum(1 + (_count(o.pairs) if isinstance(o, Blank) else 0) for _, o in pairs)


class _NTWriter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.blanks = 0

    def block(self, subject: str, pairs: Pairs) -> int:
        return self._write(f"<{subject}>", pairs)

    def _write(self, s: str, pairs: Iterable[tuple[str, Any]]) -> int:
        n = 0
        lines = []
        for p, o in pairs:
            if isinstance(o, Lit):
                obj = _nt_literal(o)
            elif isinstance(o, Blank):
                self.blanks += 1
                obj = f"_:b{self.blanks}"
                n += self._write(obj, o.pairs)
            else:
                obj = f"<{o}>"
            lines.append(f"{s} <{p}> {obj} .\n")
        self.out.write("".join(lines))
        return n + len(lines)


def _blocks(g: DutyGraph, region: str | None, item: str | None) -> Iterator[tuple[str, Pairs]]:
    for rec in select_records(g, region, item):
        yield from record_nodes(rec)


def _rdflib_graph(blocks: Iterable[tuple[str, Pairs]]) -> Any:
    import rdflib

    graph = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)

    def term(obj: Any) -> Any:
        if isinstance(obj, Lit):
            if obj.lang:
                return rdflib.Literal(obj.value, lang=obj.lang)
            return rdflib.Literal(obj.value, datatype=rdflib.URIRef(obj.datatype or XSD_STRING))
        return rdflib.URIRef(obj)

    def add(s: Any, pairs: Iterable[tuple[str, Any]]) -> None:
        for p, o in pairs:
            if isinstance(o, Blank):
                b = rdflib.BNode()
                graph.add((s, rdflib.URIRef(p), b))
                add(b, o.pairs)
            else:
                graph.add((s, rdflib.URIRef(p), term(o)))

    for subject, pairs in blocks:
        add(rdflib.URIRef(subject), pairs)
    return graph


def write_rdf(
    g: DutyGraph,
    out: IO[str] | str | os.PathLike[str],
    format: str = "ttl",
    region: str | None = None,
    item: str | None = None,
) -> int:
    """Write the graph (or a ``region`` / ``item`` subset) as RDF; returns the triple count.

    Parameters
    ----------
    g : DutyGraph
    out : text stream or path
    format : ``"ttl"``, ``"nt"`` or ``"jsonld"``
    region, item : id, code or exact name, optional
        Export only that region's subtree (with its path up) or that item's
        subtree (with its ancestors); see :func:`select_records`.

    >>> import io
    >>> from dutygraph.fixtures import demo_graph
    >>> buf = io.StringIO()
    >>> n = write_rdf(demo_graph(), buf, "ttl", region="510781")
    >>> "<https://w3id.org/dutygraph/id/department/JY-ZHZF>" in buf.getvalue()
    True
    """
    if format not in FORMATS:
        raise UsageError(f"unknown RDF format {format!r}; use one of {', '.join(FORMATS)}")
    if not hasattr(out, "write"):
        with open(out, "w", encoding="utf-8") as fh:  # type: ignore[arg-type]
            return write_rdf(g, fh, format, region, item)
    stream: IO[str] = out  # type: ignore[assignment]
    blocks = _blocks(g, region, item)
    if format == "jsonld":
        graph = _rdflib_graph(blocks)
        context = {k: v for k, v in PREFIXES.items() if k != "rdf"}
        stream.write(graph.serialize(format="json-ld", context=context, indent=1))
        stream.write("\n")
        return len(graph)
    n = 0
    if format == "nt":
        writer = _NTWriter(stream)
        for subject, pairs in blocks:
            n += writer.block(subject, pairs)
        return n
    for prefix, ns in PREFIXES.items():
        stream.write(f"@prefix {prefix}: <{ns}> .\n")
    stream.write("\n")
    for subject, pairs in blocks:
        n += _write_ttl_block(stream, subject, pairs)
    return n


# -- reading -------------------------------------------------------------------------

_PARSE_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD"}


def _parse(path: Path, fmt: str) -> dict[Any, list[tuple[str, Any]]]:
    """Subject -> [(predicate IRI, object term)] in document order (pyoxigraph terms)."""
    import pyoxigraph as ox

    nodes: dict[Any, list[tuple[str, Any]]] = {}
    try:
        for quad in ox.parse(path=path, format=getattr(ox.RdfFormat, _PARSE_FORMATS[fmt])):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                raise LoadError(
                    f"{path}: named graphs are not part of dutygraph's RDF; "
                    f"put every triple in the default graph ({quad.graph_name})"
                )
            s = quad.subject
            nodes.setdefault(s, []).append((quad.predicate.value, quad.object))
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        msg = str(exc.msg if hasattr(exc, "msg") else exc)
        raise LoadError(
            f"{path}: {where}not valid {FORMATS[fmt][0]}: {msg}; fix the syntax there"
        ) from None
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return nodes


def _subject_lines(path: Path, fmt: str) -> dict[str, int]:
    """The line where each IRI first appears as a subject (N-Triples and Turtle)."""
    if fmt == "jsonld":
        return {}
    out: dict[str, int] = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if line.startswith("<"):
                iri = line[1 : line.find(">")]
                out.setdefault(iri, number)
    return out


class _Reader:
    def __init__(self, path: Path, fmt: str) -> None:
        self.path = path
        self.fmt = fmt
        self.label = path.name
        self.problems: list[Problem] = []
        self._lines: dict[str, int] | None = None

    def line(self, node: Any) -> int | None:
        if self._lines is None:
            self._lines = _subject_lines(self.path, self.fmt)
        return self._lines.get(getattr(node, "value", ""))

    def problem(self, node: Any, column: str | None, message: str, fix: str, code: str) -> None:
        self.problems.append(
            Problem(
                self.label, self.line(node), column, f"{_show(node)}: {message}", fix, code=code
            )
        )


def _show(term: Any) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _short(iri: str) -> str:
    for prefix, ns in _PREFIX_ORDER:
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _known_dg_terms() -> set[str]:
    terms = {c for c, _, _ in MAPPING.values()}
    terms.update(f.predicate for _, _, fs in MAPPING.values() for f in fs)
    terms.update(p for _, p in _ORIGIN_FIELDS)
    terms.add(_ATTRS)
    for prefix, values in _ENUMS.items():
        terms.update(prefix + v for v in values)
    return {t for t in terms if t.startswith(_DG)}


def read_rdf(path: str | os.PathLike[str], format: str | None = None) -> Batch:
    """Read an RDF file written in dutygraph's vocabulary back into records.

    Nodes typed with a dutygraph class (``dg:Duty``, ``dg:Department``...)
    become records; references follow the IRIs. The provenance
    (``prov:wasDerivedFrom``) becomes each record's ``origin`` again, and a
    problem points at the line (N-Triples, Turtle) and the node. Statements in
    other vocabularies that dutygraph does not read — the standard terms it
    writes beside its own, or a publisher's extras — are left aside; a term of
    dutygraph's own namespace that it does not know is an error.

    Raises
    ------
    LoadError
        The file cannot be read or is not valid RDF of that format; names the line.

    >>> import io, os, tempfile
    >>> from dutygraph.fixtures import demo_graph
    >>> path = os.path.join(tempfile.mkdtemp(), "demo.ttl")
    >>> _ = write_rdf(demo_graph(), path, "ttl")
    >>> batch = read_rdf(path)
    >>> batch.problems, batch.counts()["duty"]
    ([], 31)
    """
    p = Path(path)
    fmt = format or RDF_SUFFIXES.get(p.suffix.lower())
    if fmt not in FORMATS:
        raise LoadError(
            f"{p}: not an RDF file dutygraph reads; use one of {', '.join(RDF_SUFFIXES)}"
        )
    if not p.is_file():
        raise LoadError(f"{p}: no such file")
    nodes = _parse(p, fmt)
    reader = _Reader(p, fmt)
    known = _known_dg_terms()
    batch = Batch(sources=[str(p)])

    import pyoxigraph as ox

    # which node is which record
    kinds: dict[Any, str] = {}
    for node, pairs in nodes.items():
        for pred, obj in pairs:
            if pred != TYPE or not isinstance(obj, ox.NamedNode):
                continue
            if obj.value.startswith(_DG) and obj.value not in known:
                reader.problem(
                    node,
                    "rdf:type",
                    f"unknown class {_short(obj.value)}",
                    "use a class of ontology/dutygraph.ttl",
                    "unknown-term",
                )
            kind = _CLASS_KIND.get(obj.value)
            if kind is None:
                continue
            if node in kinds and kinds[node] != kind:
                reader.problem(
                    node,
                    "rdf:type",
                    f"typed both {MAPPING[kinds[node]][0]} and {obj.value}",
                    "a node is one kind of record",
                    "wrong-type",
                )
            kinds[node] = kind

    ids: dict[Any, str] = {}
    for node, kind in kinds.items():
        key_field = MAPPING[kind][2][0]
        if kind == "duty":
            continue
        values = [o for p_, o in nodes[node] if p_ == key_field.predicate]
        if len(values) == 1 and isinstance(values[0], ox.Literal):
            ids[node] = values[0].value
        elif not values and isinstance(node, ox.NamedNode):
            hit = record_of_iri(node.value)
            if hit and hit[0] == kind:
                ids[node] = hit[1]
    for node, pairs in nodes.items():
        for pred, obj in pairs:
            if pred.startswith(_DG) and pred not in known:
                reader.problem(
                    node,
                    _short(pred),
                    f"unknown property {_short(pred)}",
                    "use a property of ontology/dutygraph.ttl",
                    "unknown-term",
                )
            elif (
                isinstance(obj, ox.NamedNode)
                and obj.value.startswith(_DG)
                and obj.value not in known
            ):
                reader.problem(
                    node,
                    _short(pred),
                    f"unknown term {_short(obj.value)}",
                    "use a term of ontology/dutygraph.ttl",
                    "unknown-term",
                )
        kind = kinds.get(node)
        if kind is not None:
            rec = _record(reader, nodes, kinds, ids, node, kind)
            if rec is not None:
                line = reader.line(node)
                batch.rows.append(Row(rec, Origin(reader.label, line)))
    batch.problems.extend(reader.problems)
    return batch


def _record(
    reader: _Reader,
    nodes: dict[Any, list[tuple[str, Any]]],
    kinds: dict[Any, str],
    ids: dict[Any, str],
    node: Any,
    kind: str,
) -> Any:
    import pyoxigraph as ox

    _, _, spec = MAPPING[kind]
    cls = _CLASSES[kind]
    by_pred: dict[str, list[Any]] = {}
    for pred, obj in nodes[node]:
        by_pred.setdefault(pred, []).append(obj)
    kwargs: dict[str, Any] = {}
    before = len(reader.problems)
    multi = _TUPLE_FIELDS[kind]
    for f in spec:
        values = by_pred.get(f.predicate, [])
        decoded = []
        for obj in values:
            value = _decode(reader, nodes, kinds, ids, node, f, obj, ox)
            if value is not None:
                decoded.append(value)
        if f.name in multi:
            kwargs[f.name] = tuple(dict.fromkeys(decoded))
            continue
        if len(set(map(_hashable, decoded))) > 1:
            reader.problem(
                node,
                _short(f.predicate),
                f"{len(decoded)} values for {_short(f.predicate)}; a {kind} has one {f.name}",
                "keep one of them",
                "too-many-values",
            )
            continue
        if decoded:
            kwargs[f.name] = decoded[0]
        elif f.required and len(values) == 0:
            reader.problem(
                node,
                _short(f.predicate),
                f"a {kind} needs {_short(f.predicate)} ({f.name})",
                f"add the {f.name}",
                "missing",
            )
        elif f.codec == "bool":
            kwargs[f.name] = False
    for obj in by_pred.get(_ATTRS, []):
        attrs = _json(reader, node, _ATTRS, obj, ox)
        if isinstance(attrs, dict):
            kwargs["attrs"] = {str(k): str(v) for k, v in attrs.items()}
    origins = by_pred.get(_DERIVED, [])
    for obj in origins:
        origin = _origin(nodes, obj, ox)
        if origin is not None:
            kwargs["origin"] = origin
            break
    if len(reader.problems) > before:
        return None
    if kind == "region":
        kwargs["code"] = canonical_region_code(kwargs["code"])
    try:
        return cls(**kwargs)
    except TypeError as exc:  # a field the mapping does not cover: a bug, said plainly
        raise LoadError(f"{reader.path}: cannot build a {kind} from {_show(node)}: {exc}") from None


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def _json(reader: _Reader, node: Any, pred: str, obj: Any, ox: Any) -> Any:
    if not isinstance(obj, ox.Literal):
        reader.problem(
            node, _short(pred), "expects a JSON literal", "write it as rdf:JSON", "wrong-type"
        )
        return None
    try:
        return json.loads(obj.value)
    except ValueError:
        reader.problem(
            node, _short(pred), f"{obj.value[:40]!r} is not JSON", "write valid JSON", "wrong-type"
        )
        return None


def _origin(nodes: dict[Any, list[tuple[str, Any]]], obj: Any, ox: Any) -> Origin | None:
    pairs = nodes.get(obj)
    if not pairs:
        return None
    values: dict[str, Any] = {}
    for name, pred in _ORIGIN_FIELDS:
        for p, o in pairs:
            if p == pred and isinstance(o, ox.Literal):
                values[name] = o.value
    if "file" not in values:
        return None
    if "row" in values:
        try:
            values["row"] = int(values["row"])
        except ValueError:
            values.pop("row")
    return Origin(**values)


def _decode(
    reader: _Reader,
    nodes: dict[Any, list[tuple[str, Any]]],
    kinds: dict[Any, str],
    ids: dict[Any, str],
    node: Any,
    f: _Field,
    obj: Any,
    ox: Any,
) -> Any:
    col = _short(f.predicate)

    def bad(message: str, fix: str) -> None:
        reader.problem(node, col, message, fix, "wrong-type")

    if f.codec in ("ref", "enum"):
        if not isinstance(obj, ox.NamedNode):
            bad(
                f"{col} must point at a node, not {obj}",
                f"give the IRI of the {f.target or 'value'}",
            )
            return None
        if f.codec == "enum":
            allowed = _ENUMS[f.target]
            value = obj.value[len(f.target) :] if obj.value.startswith(f.target) else None
            if value not in allowed:
                if obj.value.startswith(_DG):
                    return None  # reported as an unknown term already
                bad(
                    f"{_show(obj)} is not a {f.name}",
                    "use one of " + ", ".join(_short(f.target + v) for v in allowed),
                )
                return None
            return value
        target_kind = kinds.get(obj)
        if target_kind is not None:
            if target_kind != f.target:
                bad(
                    f"{col} points at a {target_kind} {_show(obj)}, not a {f.target}",
                    f"point it at a {f.target}",
                )
                return None
            key = ids.get(obj)
            return canonical_region_code(key) if key and f.target == "region" else key
        hit = record_of_iri(obj.value)
        if hit is None or hit[0] != f.target:
            bad(
                f"{col} points at {_show(obj)}, which is not a {f.target}",
                f"describe it as a {MAPPING[f.target][0]} or use {ID_BASE}{_SEGMENT[f.target]}/<id>",
            )
            return None
        return canonical_region_code(hit[1]) if f.target == "region" else hit[1]
    if not isinstance(obj, ox.Literal):
        bad(f"{col} must be a literal, not {_show(obj)}", f"write the {f.name} as a literal")
        return None
    value = obj.value
    if f.codec in ("text", "label"):
        return value
    if f.codec == "date":
        from .bundle import parse_date

        try:
            return parse_date(value)
        except ValueError:
            bad(f"{value!r} is not a date", "write xsd:date YYYY-MM-DD")
            return None
    if f.codec == "bool":
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        bad(f"{value!r} is not a boolean", "write true or false")
        return None
    if f.codec == "json":
        return _json(reader, node, f.predicate, obj, ox)
    raise AssertionError(f.codec)
