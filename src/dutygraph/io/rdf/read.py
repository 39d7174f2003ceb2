"""RDF files back into records, with every problem named by line and node."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, cast

from ... import vocab
from ...errors import LoadError, Problem
from ...model import Origin, canonical_region_code
from ...vocab import DG
from ..bundle import REGION_CODE_FIX, Batch, Row, is_region_code
from .mapping import (
    _ATTRS,
    _CLASS_KIND,
    _CLASSES,
    _ENUM_VALUES,
    _ENUMS,
    _ORIGIN,
    _ORIGIN_FIELDS,
    _TUPLE_FIELDS,
    MAPPING,
    _Field,
)
from .terms import (
    _DG,
    _SEGMENT,
    FORMATS,
    ID_BASE,
    RDF_SUFFIXES,
    TYPE,
    _short,
    day_of,
    record_of_iri,
)

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
        if "remote context" in msg or "LoadDocumentCallback" in msg:
            raise LoadError(
                f"{path}: JSON-LD 引用了远程 @context (a remote @context), which dutygraph never "
                "fetches; put the context in the file (dutygraph export --format jsonld writes it "
                "inline)"
            ) from None
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


def rdflib_graph_of(path: str | os.PathLike[str]) -> Any:
    """An RDF file as an ``rdflib.Graph``, parsed by pyoxigraph (fast; clear syntax errors)."""
    import pyoxigraph as ox
    import rdflib

    p = Path(path)
    fmt = RDF_SUFFIXES.get(p.suffix.lower(), "ttl")
    _parse(p, fmt)  # a syntax error becomes a LoadError naming the line
    # without an ``output`` pyoxigraph returns the bytes; its stub says ``bytes | None``
    # for both cases (no overload on ``output``)
    nt = cast(
        bytes,
        ox.serialize(
            ox.parse(path=p, format=getattr(ox.RdfFormat, _PARSE_FORMATS[fmt])),
            format=ox.RdfFormat.N_TRIPLES,
        ),
    )
    return rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")


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
    >>> from dutygraph.io.rdf import write_rdf
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
    if kind == "region" and not is_region_code(kwargs.get("code") or ""):
        reader.problem(  # the bundle reader's own check: the same codes pass both
            node,
            "dg:code",
            f"{kwargs.get('code')!r} is not a region code",
            REGION_CODE_FIX,
            "bad-region-code",
        )
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
            node,
            _short(pred),
            "expects a JSON literal",
            "write the JSON text as a literal",
            "wrong-type",
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
        day = day_of(value, obj.datatype.value if obj.datatype else None)
        if day is None:
            bad(
                f"{value!r} is not a date (the start of a day in Beijing)",
                'write "YYYY-MM-DDT00:00:00+08:00"^^xsd:dateTime (or "YYYY-MM-DD"^^xsd:date)',
            )
        return day
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
