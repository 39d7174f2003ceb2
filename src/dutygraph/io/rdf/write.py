"""Records into triples, written as N-Triples, Turtle or JSON-LD (or an rdflib graph)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ...errors import UsageError
from ...graph import DutyGraph, record_id
from ...model import Origin, today
from ..source import streamed
from .mapping import (
    _ATTRS,
    _CJK,
    _DERIVED,
    _ELI_SUBDIVISION,
    _ENTITY,
    _ENUMS,
    _ORIGIN,
    _ORIGIN_CLASS,
    _ORIGIN_FIELDS,
    _PARTICIPATION,
    MAPPING,
    _Field,
)
from .org import organisation_blocks
from .select import select_records
from .standard import authority_blocks, concept_blocks, standard_pairs
from .terms import (
    _PREFIX_ORDER,
    FORMATS,
    ID_BASE,
    LANG,
    PREFIXES,
    TYPE,
    XSD_BOOLEAN,
    XSD_INTEGER,
    XSD_STRING,
    Lit,
    Pairs,
    date_literal,
    node_iri,
)


def _json_text(value: Any) -> Lit:
    """A JSON cell as its text, ``xsd:string`` (``rdf:JSON`` is outside the OWL 2 datatype map)."""
    return Lit(json.dumps(value, ensure_ascii=False, sort_keys=True))


def _encode(f: _Field, value: Any) -> Any:
    if f.codec == "text":
        return Lit(value)
    if f.codec == "label":
        return Lit(value, None, LANG) if _CJK.search(value) else Lit(value)
    if f.codec == "date":
        return date_literal(value)
    if f.codec == "bool":
        return Lit("true" if value else "false", XSD_BOOLEAN)
    if f.codec == "json":
        return _json_text(value)
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
    ``item cv:hasParticipation duty``. (What the standard profiles require
    beside, and ``cv:hasCompetentAuthority``, come from
    :mod:`~dutygraph.io.rdf.standard`: they need the graph and a date.)
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
        pairs.append((_ATTRS, _json_text(rec.attrs)))
    blocks = [(subject, pairs)]
    if rec.origin is not None:
        origin = ID_BASE + "origin/" + subject[len(ID_BASE) :]
        pairs.append((_ORIGIN, origin))
        pairs.append((_DERIVED, origin))
        blocks.append((origin, _origin_pairs(rec.origin)))
    if kind == "duty":
        item = node_iri("item", rec.item)
        blocks.append((item, [(_PARTICIPATION, subject)]))
    return blocks


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


def _blocks(
    g: Any, region: str | None, item: str | None, as_of: str | None
) -> Iterator[tuple[str, Pairs]]:
    items: list[str] = []
    regions: list[str] = []
    lines: set[str] = set()
    departments: list[str] = []
    for rec in select_records(g, region, item):
        blocks = record_nodes(rec)
        blocks[0][1].extend(standard_pairs(g, rec))
        if rec.label == "item":
            items.append(rec.id)
        elif rec.label == "region":
            regions.append(rec.code)
        elif rec.label == "department":
            lines.update(rec.systems)
            departments.append(rec.id)
        yield from blocks
    yield from concept_blocks(lines)
    yield from organisation_blocks(g, regions, departments)
    yield from authority_blocks(g, items, regions, as_of or today())


def to_rdflib(
    g: Any, region: str | None = None, item: str | None = None, as_of: str | None = None
) -> Any:
    """The export as an ``rdflib.Graph`` (for SHACL and tests; holds it all in memory)."""
    return _rdflib_graph(_blocks(g, region, item, as_of))


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
    g: Any,
    out: IO[str] | str | os.PathLike[str],
    format: str = "ttl",
    region: str | None = None,
    item: str | None = None,
    as_of: str | None = None,
) -> int:
    """Write the graph (or a ``region`` / ``item`` subset) as RDF; returns the triple count.

    Parameters
    ----------
    g : DutyGraph, or a store's reader that streams (``rows``: page by page, the
        Neo4j store's; it must not be written meanwhile)
    out : text stream or path
    format : ``"ttl"``, ``"nt"`` or ``"jsonld"``
    region, item : id, code or exact name, optional
        Export only that region's subtree (with its path up) or that item's
        subtree (with its ancestors); see :func:`select_records`.
    as_of : ``YYYY-MM-DD``, optional (default: today)
        The date ``cv:hasCompetentAuthority`` holds at
        (see :mod:`~dutygraph.io.rdf.standard`).

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
            return write_rdf(g, fh, format, region, item, as_of)
    stream: IO[str] = out  # type: ignore[assignment]
    if isinstance(g, DutyGraph):
        return write_blocks(stream, _blocks(g, region, item, as_of), format)
    return streamed(g, lambda: write_blocks(stream, _blocks(g, region, item, as_of), format))


def write_blocks(stream: IO[str], blocks: Iterable[tuple[str, Pairs]], format: str) -> int:
    """Nodes (subject, its pairs) written as ``format`` (ttl, nt, jsonld); the triple count."""
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
