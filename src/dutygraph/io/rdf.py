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

from .. import vocab
from ..errors import LoadError, Problem, UsageError
from ..graph import DutyGraph, record_id
from ..model import RECORD_TYPES, Origin, canonical_region_code
from ..vocab import DG, field_property
from .bundle import Batch, Row

__all__ = [
    "FORMATS",
    "ID_BASE",
    "RDF_SUFFIXES",
    "node_iri",
    "rdflib_graph_of",
    "read_rdf",
    "record_of_iri",
    "select_records",
    "to_rdflib",
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

_DG = vocab.NAMESPACE
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


#: an object is an IRI (``str``) or a :class:`Lit`
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
    """How one record field is written as triples, and read back.

    The predicate is dutygraph's property for the field (its name in
    lowerCamelCase, :func:`dutygraph.vocab.field_property`); ``also`` are the
    standard properties it specialises, written beside it for consumers that
    know only those (and ignored on reading).
    """

    name: str
    codec: str  # text, label, date, bool, json, ref, enum
    target: str = ""  # ref: the kind referred to; enum: the name of the value map
    required: bool = False
    also: tuple[str, ...] = ()

    @property
    def predicate(self) -> str:
        return str(field_property(self.name))


_SKOS = _P["skos"]
_DCT = _P["dct"]
_CV = _P["cv"]
_ELI = _P["eli"]
_NAME = _Field("name", "label", required=True, also=(_SKOS + "prefLabel",))
_IDF = _Field("id", "text", required=True)
_FROM = _Field("valid_from", "date")
_TO = _Field("valid_to", "date")

#: kind -> (dutygraph class, standard classes, fields). The id field comes first.
MAPPING: dict[str, tuple[str, tuple[str, ...], tuple[_Field, ...]]] = {
    "region": (
        str(DG.Region),
        (_SKOS + "Concept", _DCT + "Location"),
        (
            _Field("code", "text", required=True, also=(_SKOS + "notation",)),
            _NAME,
            _Field("level", "enum", "level", required=True),
            _Field("parent", "ref", "region", also=(_SKOS + "broader",)),
        ),
    ),
    "region_group": (
        str(DG.RegionGroup),
        (_SKOS + "Collection", _DCT + "Location"),
        (_IDF, _NAME, _Field("members", "ref", "region", also=(_SKOS + "member",))),
    ),
    "department": (
        str(DG.Department),
        (_CV + "PublicOrganisation", _P["org"] + "Organization"),
        (
            _IDF,
            _NAME,
            _Field("region", "ref", "region", required=True, also=(_DCT + "spatial",)),
            _Field("systems", "text"),
            _Field("superior", "ref", "department", also=(_P["org"] + "subOrganizationOf",)),
            _Field("vertical", "bool"),
            _Field("aliases", "label", also=(_SKOS + "altLabel",)),
            _FROM,
            _TO,
            _Field("successor", "ref", "department", also=(_DCT + "isReplacedBy",)),
        ),
    ),
    "item": (
        str(DG.Item),
        (_P["cpsv"] + "PublicService",),
        (
            _IDF,
            _NAME,
            _Field("parent", "ref", "item", also=(_SKOS + "broader",)),
            _Field("domain", "text"),
            _Field("power_type", "enum", "power_type"),
            _Field("objects", "text"),
            _Field("keywords", "text"),
            _Field("levels", "enum", "level"),
            _Field("key_item", "bool"),
        ),
    ),
    "basis": (
        str(DG.LegalBasis),
        (_ELI + "LegalResource",),  # + eli:LegalResourceSubdivision when it names an article
        (
            _IDF,
            _Field("title", "label", required=True, also=(_ELI + "title",)),
            _Field("kind", "enum", "basis_kind", required=True),
            _Field("issuer", "label"),
            _Field("article", "label"),
            _Field("valid_from", "date", also=(_ELI + "first_date_entry_in_force",)),
            _Field("valid_to", "date", also=(_ELI + "date_no_longer_in_force",)),
        ),
    ),
    "duty": (
        str(DG.Duty),
        (_CV + "Participation",),
        (
            _Field("department", "ref", "department", True, (_CV + "hasParticipant",)),
            _Field("item", "ref", "item", required=True),
            _Field("region", "ref", "region", required=True, also=(_DCT + "spatial",)),
            _Field("role", "enum", "role", required=True, also=(_CV + "role",)),
            _Field("bases", "ref", "basis", also=(_CV + "hasLegalResource",)),
            _FROM,
            _TO,
            _Field("source", "text"),
            _Field("line", "text"),
        ),
    ),
    "behavior": (
        str(DG.Behavior),
        (),
        (_IDF, _NAME, _Field("items", "ref", "item"), _Field("keywords", "text")),
    ),
    "business_form": (
        str(DG.BusinessForm),
        (),
        (
            _IDF,
            _NAME,
            _Field("description", "label", also=(_DCT + "description",)),
            _Field("behaviors", "ref", "behavior"),
            _Field("lead", "ref", "department"),
            _Field("assist", "ref", "department"),
            _Field("settled_on", "date"),
            _Field("basis", "ref", "basis"),
        ),
    ),
    "dispute": (
        str(DG.Dispute),
        (),
        (
            _IDF,
            _Field("parties", "ref", "department"),
            _Field("subject", "text", required=True),
            _Field("region", "ref", "region", required=True, also=(_DCT + "spatial",)),
            _Field("raised_on", "date", required=True),
            _Field("status", "text"),
            _Field("claims", "json"),
            _Field("decision", "json"),
        ),
    ),
}

_ATTRS = str(DG.attribute)
_ORIGIN = str(DG.origin)
_ORIGIN_CLASS = str(DG.Origin)
_DERIVED = _P["prov"] + "wasDerivedFrom"
_ENTITY = _P["prov"] + "Entity"
_ORIGIN_FIELDS = tuple(
    (name, str(field_property(name))) for name in ("file", "sheet", "row", "version")
)
_COMPETENT = _CV + "hasCompetentAuthority"
_PARTICIPATION = _CV + "hasParticipation"
_ELI_SUBDIVISION = _ELI + "LegalResourceSubdivision"
_CLASS_KIND = {cls: kind for kind, (cls, _, _) in MAPPING.items()}
#: enum name -> {model value: concept IRI}
_ENUMS: dict[str, dict[str, str]] = {
    "role": {k: str(v) for k, v in vocab.ROLES.items()},
    "level": {k: str(v) for k, v in vocab.LEVELS.items()},
    "basis_kind": {k: str(v) for k, v in vocab.BASIS_KINDS.items()},
    "power_type": {k: str(v) for k, v in vocab.POWER_TYPES.items()},
}
_ENUM_VALUES = {name: {v: k for k, v in m.items()} for name, m in _ENUMS.items()}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


# -- records -> triples ----------------------------------------------------------


def _encode(f: _Field, value: Any) -> Any:
    if f.codec == "text":
        return Lit(value)
    if f.codec == "label":
        return Lit(value, None, LANG) if _CJK.search(value) else Lit(value)
    if f.codec == "date":
        return Lit(value, XSD_DATE)
    if f.codec == "bool":
        return Lit("true" if value else "false", XSD_BOOLEAN)
    if f.codec == "json":
        return Lit(json.dumps(value, ensure_ascii=False, sort_keys=True), RDF_JSON)
    if f.codec == "ref":
        return node_iri(f.target, value)
    if f.codec == "enum":
        return _ENUMS[f.target][value]
    raise AssertionError(f.codec)


def _origin_pairs(o: Origin) -> Pairs:
    pairs: Pairs = [(TYPE, _ORIGIN_CLASS), (TYPE, _ENTITY)]
    for name, pred in _ORIGIN_FIELDS:
        value = getattr(o, name)
        if value is not None:
            pairs.append((pred, Lit(str(value), XSD_INTEGER) if name == "row" else Lit(value)))
    return pairs


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
    if kind == "basis" and rec.article:
        types.append(_ELI_SUBDIVISION)
    pairs: Pairs = [(TYPE, t) for t in types]
    for f in spec:
        value = getattr(rec, f.name)
        if value is None or value == () or value == {} or (f.codec == "bool" and not value):
            continue
        objects = (
            [_encode(f, v) for v in value] if isinstance(value, tuple) else [_encode(f, value)]
        )
        for predicate in (f.predicate, *f.also):
            pairs.extend((predicate, o) for o in objects)
    if rec.attrs:
        attrs = json.dumps(rec.attrs, ensure_ascii=False, sort_keys=True)
        pairs.append((_ATTRS, Lit(attrs, RDF_JSON)))
    blocks = [(subject, pairs)]
    if rec.origin is not None:
        origin = ID_BASE + "origin/" + subject[len(ID_BASE) :]
        pairs.append((_ORIGIN, origin))
        pairs.append((_DERIVED, origin))
        blocks.append((origin, _origin_pairs(rec.origin)))
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


def _ttl_object(obj: Any) -> str:
    if isinstance(obj, Lit):
        text = _quote(obj.value)
        if obj.lang:
            return f"{text}@{obj.lang}"
        if obj.datatype == XSD_INTEGER:
            return obj.value
        if obj.datatype and obj.datatype != XSD_STRING:
            return f"{text}^^{_ttl_iri(obj.datatype)}"
        return text
    return f"<{obj}>" if obj.startswith(ID_BASE) else _ttl_iri(obj)


def _write_ttl_block(out: IO[str], subject: str, pairs: Pairs) -> int:
    lines: list[str] = []
    last = None
    for p, o in pairs:
        obj = _ttl_object(o)
        if p == last:
            lines[-1] += f", {obj}"
        else:
            lines.append(f"{_ttl_iri(p)} {obj}")
            last = p
    out.write(f"<{subject}>\n    " + " ;\n    ".join(lines) + " .\n\n")
    return len(pairs)


def _write_nt_block(out: IO[str], subject: str, pairs: Pairs) -> int:
    s = f"<{subject}>"
    out.write(
        "".join(
            f"{s} <{p}> {_nt_literal(o) if isinstance(o, Lit) else f'<{o}>'} .\n" for p, o in pairs
        )
    )
    return len(pairs)


def _blocks(g: DutyGraph, region: str | None, item: str | None) -> Iterator[tuple[str, Pairs]]:
    for rec in select_records(g, region, item):
        yield from record_nodes(rec)


def to_rdflib(g: DutyGraph, region: str | None = None, item: str | None = None) -> Any:
    """The export as an ``rdflib.Graph`` (for SHACL and tests; holds it all in memory)."""
    return _rdflib_graph(_blocks(g, region, item))


def rdflib_graph_of(path: str | os.PathLike[str]) -> Any:
    """An RDF file as an ``rdflib.Graph``, parsed by pyoxigraph (fast; clear syntax errors)."""
    import pyoxigraph as ox
    import rdflib

    p = Path(path)
    fmt = RDF_SUFFIXES.get(p.suffix.lower(), "ttl")
    _parse(p, fmt)  # a syntax error becomes a LoadError naming the line
    nt = ox.serialize(
        ox.parse(path=p, format=getattr(ox.RdfFormat, _PARSE_FORMATS[fmt])),
        format=ox.RdfFormat.N_TRIPLES,
    )
    return rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")


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

    for subject, pairs in blocks:
        s = rdflib.URIRef(subject)
        for p, o in pairs:
            graph.add((s, rdflib.URIRef(p), term(o)))
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
        for subject, pairs in blocks:
            n += _write_nt_block(stream, subject, pairs)
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


#: every term of dutygraph's namespace (what ontology/dutygraph.ttl defines)
_DG_TERMS = frozenset(vocab.NAMESPACE + t for t in DG.__annotations__)
#: kind -> the dutygraph properties a record of that kind may carry
_ALLOWED = {
    kind: frozenset({f.predicate for f in spec} | {_ATTRS, _ORIGIN})
    for kind, (_, _, spec) in MAPPING.items()
}


def _check_terms(
    reader: _Reader, node: Any, pairs: list[tuple[str, Any]], kind: str | None
) -> None:
    """Report dutygraph terms that the ontology lacks, or that do not fit the node's kind."""
    for pred, obj in pairs:
        if pred.startswith(_DG):
            if pred not in _DG_TERMS:
                reader.problem(
                    node,
                    _short(pred),
                    f"unknown property {_short(pred)}",
                    "use a property of ontology/dutygraph.ttl (see its rdfs:comment per term)",
                    "unknown-term",
                )
            elif kind is not None and pred not in _ALLOWED[kind]:
                reader.problem(
                    node,
                    _short(pred),
                    f"{_short(pred)} is not a property of a {kind}",
                    "remove it, or type the node with the class it belongs to",
                    "wrong-type",
                )
        value = getattr(obj, "value", None)
        if (
            isinstance(value, str)
            and value.startswith(_DG)
            and value not in _DG_TERMS
            and type(obj).__name__ == "NamedNode"
        ):
            reader.problem(
                node,
                _short(pred),
                f"unknown term {_short(value)}",
                "use a term of ontology/dutygraph.ttl",
                "unknown-term",
            )


def read_rdf(path: str | os.PathLike[str], format: str | None = None) -> Batch:
    """Read an RDF file written in dutygraph's vocabulary back into records.

    Nodes typed with a record class (``dg:Duty``, ``dg:Department``...)
    become records; references follow the IRIs. Each record's ``dg:origin``
    becomes its ``origin`` again (the row it was first read from), while
    problems point at the line of the RDF file (N-Triples, Turtle) and the
    node. The standard terms written beside dutygraph's own, and statements
    in other vocabularies, are left aside; a term of dutygraph's namespace
    that the ontology lacks, or one that does not fit the node's class, is
    an error, as is a value of the wrong type. Problems are collected in the
    batch (the importer then imports nothing).

    Raises
    ------
    LoadError
        The file cannot be read, or is not valid RDF of that format (names the line).

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
    batch = Batch(sources=[str(p)])

    import pyoxigraph as ox

    # which node is which record
    kinds: dict[Any, str] = {}
    for node, pairs in nodes.items():
        for pred, obj in pairs:
            kind = _CLASS_KIND.get(obj.value) if pred == TYPE else None
            if kind is None:
                continue
            if node in kinds and kinds[node] != kind:
                reader.problem(
                    node,
                    "rdf:type",
                    f"typed both {_short(MAPPING[kinds[node]][0])} and {_short(obj.value)}",
                    "a node is one kind of record; keep one class",
                    "wrong-type",
                )
            kinds[node] = kind
    ids: dict[Any, str] = {}
    for node, kind in kinds.items():
        if kind == "duty":
            continue
        key = MAPPING[kind][2][0].predicate
        values = [o for p_, o in nodes[node] if p_ == key]
        if len(values) == 1 and isinstance(values[0], ox.Literal):
            ids[node] = values[0].value
    for node, pairs in nodes.items():
        kind = kinds.get(node)
        _check_terms(reader, node, pairs, kind)
        if kind is not None:
            rec = _record(reader, nodes, kinds, ids, node, kind)
            if rec is not None:
                batch.rows.append(Row(rec, Origin(reader.label, reader.line(node))))
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
    by_pred: dict[str, list[Any]] = {}
    for pred, obj in nodes[node]:
        by_pred.setdefault(pred, []).append(obj)
    kwargs: dict[str, Any] = {}
    before = len(reader.problems)
    for f in spec:
        values = by_pred.get(f.predicate, [])
        decoded = [_decode(reader, kinds, ids, node, f, obj, ox) for obj in values]
        decoded = [v for v in decoded if v is not None]
        if f.name in _TUPLE_FIELDS[kind]:
            kwargs[f.name] = tuple(dict.fromkeys(decoded))
        elif len({_hashable(v) for v in decoded}) > 1:
            reader.problem(
                node,
                _short(f.predicate),
                f"{len(decoded)} values for {_short(f.predicate)}; a {kind} has one {f.name}",
                "keep one of them",
                "too-many-values",
            )
        elif decoded:
            kwargs[f.name] = decoded[0]
        elif f.required and not values:
            reader.problem(
                node,
                _short(f.predicate),
                f"a {kind} needs {_short(f.predicate)} (its {f.name})",
                f"add the {f.name}",
                "missing",
            )
    for obj in by_pred.get(_ATTRS, []):
        attrs = _json(reader, node, _ATTRS, obj, ox)
        if isinstance(attrs, dict):
            kwargs["attrs"] = {str(k): str(v) for k, v in attrs.items()}
    for obj in by_pred.get(_ORIGIN, []):
        origin = _origin(nodes, obj, ox)
        if origin is not None:
            kwargs["origin"] = origin
            break
    if len(reader.problems) > before:
        return None
    if kind == "region":
        kwargs["code"] = canonical_region_code(kwargs["code"])
    return _CLASSES[kind](**kwargs)


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
            value = _ENUM_VALUES[f.target].get(obj.value)
            if value is None:
                bad(
                    f"{_show(obj)} is not a {f.name.replace('_', ' ')}",
                    "use one of " + ", ".join(_short(v) for v in _ENUMS[f.target].values()),
                )
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
