"""Check data against the published shapes (``ontology/shapes.ttl``) with pySHACL.

Whatever the input — the store's graph, a bundle or published list read into a
batch, or an RDF file — it is turned into RDF by the exporter
(:mod:`dutygraph.io.rdf`), or taken as it is for an RDF file, and validated.
Each result is reported with the place it points at: the focus node, the
record it stands for, and the file and row the record was read from.

Severity: a shape's ``sh:Warning`` is a warning (the data conforms, but look);
pySHACL reads ``sh:severity`` only from shapes, so a severity declared on a
``sh:SPARQLConstraint`` itself (as ``dgsh:OneLead`` does) is applied here.

>>> from dutygraph.fixtures import demo_graph
>>> report = validate_graph(demo_graph())
>>> report.conforms, sorted({v.severity for v in report.results})
(True, ['warning'])
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import LoadError
from .graph import DutyGraph
from .io.bundle import Batch
from .model import Origin

__all__ = [
    "STANDARDS",
    "Report",
    "Result",
    "shapes_path",
    "validate_batch",
    "validate_graph",
    "validate_path",
]

_SH = "http://www.w3.org/ns/shacl#"


_STANDARDS_DIR = Path(__file__).resolve().parent / "data" / "standards"
#: the official shapes shipped with dutygraph, by the name ``--shapes`` also takes
#: (``data/standards/README.md`` says where they come from)
STANDARDS: dict[str, Path] = {
    "cpsv-ap": _STANDARDS_DIR / "cpsv-ap-3.2.0-SHACL.ttl",
    "cpov-ap": _STANDARDS_DIR / "cpov-ap-2.1.2-SHACL.ttl",
}


def shapes_path(name: str | None = None) -> Path:
    """dutygraph's shapes ``ontology/shapes.ttl`` (or ``$DUTYGRAPH_SHAPES``), or a standard's.

    >>> shapes_path().name, shapes_path("cpsv-ap").name
    ('shapes.ttl', 'cpsv-ap-3.2.0-SHACL.ttl')
    """
    if name:
        return STANDARDS[name]
    env = os.environ.get("DUTYGRAPH_SHAPES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "ontology" / "shapes.ttl"


@dataclass(frozen=True)
class Result:
    """One SHACL result, with the record and the input row it points at."""

    severity: str  # "violation", "warning" or "info"
    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    record: tuple[str, str] | None = None  # (kind, id)
    origin: Origin | None = None

    @property
    def place(self) -> str:
        where = f"{self.record[0]} {self.record[1]}" if self.record else f"<{self.focus}>"
        return f"{where} ({self.origin})" if self.origin else where

    def __str__(self) -> str:
        prop = f" [{self.path}]" if self.path else ""
        return f"{self.severity}: {self.place}{prop}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "focus": self.focus,
            "record": {"kind": self.record[0], "id": self.record[1]} if self.record else None,
            "origin": str(self.origin) if self.origin else None,
            "path": self.path,
            "value": self.value,
            "shape": self.shape,
            "message": self.message,
        }


@dataclass
class Report:
    """The results of one validation; ``conforms`` unless a result is a violation."""

    source: str
    results: list[Result] = field(default_factory=list)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": sum(r.severity == "warning" for r in self.results),
            "results": [r.as_dict() for r in self.results],
        }


def _load_shapes(shapes: str | os.PathLike[str] | None) -> Any:
    import rdflib

    if isinstance(shapes, str) and shapes in STANDARDS:
        path = STANDARDS[shapes]
    else:
        path = Path(shapes) if shapes else shapes_path()
    if not path.is_file():
        raise LoadError(f"{path}: no SHACL shapes file; pass --shapes FILE")
    try:
        return rdflib.Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds; the file is the user's to fix
        raise LoadError(f"{path}: not valid Turtle: {exc}") from None


def _run(
    data: Any,
    source: str,
    shapes: str | os.PathLike[str] | None,
    places: dict[str, tuple[tuple[str, str], Origin | None]],
) -> Report:
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    from .io.rdf import _short, record_of_iri

    shapes_graph = _load_shapes(shapes)
    _, results_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph, inference="none", allow_warnings=True
    )
    report = Report(source)
    for res in results_graph.subjects(rdflib.RDF.type, SH.ValidationResult):

        def one(pred: Any, res: Any = res) -> Any:
            return results_graph.value(res, pred)

        constraint = one(SH.sourceConstraint)
        severity = one(SH.resultSeverity)
        declared = shapes_graph.value(constraint, SH.severity) if constraint else None
        severity = declared or severity
        focus = str(one(SH.focusNode))
        message = _message(list(results_graph.objects(res, SH.resultMessage)))
        path = one(SH.resultPath)
        value = one(SH.value)
        shape = one(SH.sourceShape)
        record, origin = places.get(focus, (record_of_iri(focus), None))
        if origin is None:
            origin = _origin_in(data, rdflib.URIRef(focus))
        report.results.append(
            Result(
                severity=str(severity).rsplit("#", 1)[-1].lower(),
                focus=focus,
                message=message,
                path=_short(str(path)) if isinstance(path, rdflib.URIRef) else None,
                value=str(value) if value is not None and str(value) != focus else None,
                shape=_short(str(shape)) if isinstance(shape, rdflib.URIRef) else None,
                record=record,
                origin=origin,
            )
        )
    order = {"violation": 0, "warning": 1, "info": 2}
    report.results.sort(key=lambda r: (order.get(r.severity, 3), r.focus, r.message))
    # one line per node, property and message: a shape whose constraints (say, datatype
    # and pattern) share one sh:message would otherwise say the same thing twice
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for r in report.results:
        key = (r.severity, r.focus, r.path, r.message, r.value)
        if key not in seen:
            seen.add(key)
            unique.append(r)
    report.results = unique
    return report


def _message(messages: list[Any]) -> str:
    """A result's message, Chinese first with the English beside it, as every text a person reads.

    >>> import rdflib
    >>> _message([rdflib.Literal("one", lang="en"), rdflib.Literal("一个", lang="zh")])
    '一个 (one)'
    >>> _message([rdflib.Literal("only English")]), _message([])
    ('only English', '不符合约束 (does not conform)')
    """
    by_lang: dict[str, str] = {}
    for m in messages:
        by_lang.setdefault(getattr(m, "language", None) or "", str(m))
    zh = by_lang.get("zh")
    en = by_lang.get("en") or by_lang.get("")
    if zh and en:
        return f"{zh} ({en})"
    return zh or en or (next(iter(by_lang.values()), None) or "不符合约束 (does not conform)")


def _origin_in(data: Any, node: Any) -> Origin | None:
    """The ``dg:origin`` a node carries in the data, when the record could not be read."""
    from .vocab import DG

    o = data.value(node, DG.origin)
    file = data.value(o, DG.file) if o is not None else None
    if file is None:
        return None
    row = data.value(o, DG.row)
    sheet = data.value(o, DG.sheet)
    return Origin(str(file), int(row) if row is not None else None, str(sheet) if sheet else None)


def validate_graph(
    g: Any, shapes: str | os.PathLike[str] | None = None, source: str = "graph"
) -> Report:
    """Validate a whole graph: export it to RDF and run the shapes over it.

    ``g`` is a graph, or a store's reader that streams (the Neo4j store's: its records
    read page by page, twice — pySHACL holds the RDF of them all, the reader does not).
    """
    from .io.rdf import node_iri, select_records, to_rdflib

    places = {node_iri(r.label, r.id): ((r.label, r.id), r.origin) for r in select_records(g)}
    return _run(to_rdflib(g), source, shapes, places)


def validate_batch(
    batch: Batch,
    base: DutyGraph | None = None,
    shapes: str | os.PathLike[str] | None = None,
) -> Report:
    """Validate what an import would hold: ``base`` (e.g. the store's graph) plus ``batch``.

    The rows' origins (file, sheet, row of the input) are what results point at.
    """
    records = list(base.records()) if base is not None else []
    rows = batch.all_rows()
    records.extend(row.record for row in rows)
    g = DutyGraph(records)
    report = validate_graph(g, shapes, ", ".join(batch.sources) or "batch")
    by_place = {(row.record.label, row.record.id): row.origin for row in rows}
    report.results = [
        Result(**{**r.__dict__, "origin": by_place.get(r.record, r.origin)}) if r.record else r
        for r in report.results
    ]
    return report


def validate_path(
    path: str | os.PathLike[str], shapes: str | os.PathLike[str] | None = None
) -> Report:
    """Validate a file: an RDF file as it is; a bundle or published list through the exporter.

    An RDF file is also read as dutygraph records, so unknown ``dg:`` terms and
    values of the wrong type are reported (as violations) beside the SHACL results.
    """
    from .io import read_input
    from .io.rdf import RDF_SUFFIXES, read_rdf

    p = Path(path)
    if p.suffix.lower() not in RDF_SUFFIXES:
        report = validate_batch(read_input(p), shapes=shapes)
        report.source = str(p)
        return report
    from .io.rdf import node_iri, rdflib_graph_of

    batch = read_rdf(p)  # raises LoadError, naming the line, on a syntax error
    data = rdflib_graph_of(p)
    places: dict[str, tuple[tuple[str, str], Origin | None]] = {}
    for row in batch.rows:
        rec = row.record
        places[node_iri(rec.label, rec.id)] = ((rec.label, rec.id), row.origin)
    report = _run(data, str(p), shapes, places)
    for prob in batch.problems:
        report.results.insert(
            0,
            Result(
                {"error": "violation", "note": "info"}.get(prob.severity, "warning"),
                focus="",
                message=str(prob),
                path=prob.column,
            ),
        )
    return report
