"""The export formats: one registry, format name → writer, shared by the CLI and the API.

A writer is named ``"module:function"`` and imported only when its format is
used, so that a format's dependencies (rdflib, openpyxl...) cost nothing to the
others. A writer is called as ``function(graph, out, format=name, region=...,
item=...)`` and returns how many things (triples, rows...) it wrote; ``graph``
is a :class:`~dutygraph.graph.DutyGraph` or a store's reader that streams
(:mod:`dutygraph.io.source`: a store that ``streams_exports`` is read page by
page, never whole), and every writer takes both. To add a
format, add one :class:`Format` to :data:`FORMATS`; ``dutygraph export
--format NAME`` and ``--help`` pick it up.

>>> sorted(FORMATS)[:3]
['cypher', 'eli', 'jsonld']
>>> import io
>>> from dutygraph.fixtures import demo_graph
>>> buf = io.StringIO()
>>> export(demo_graph(), "nt", buf, item="I-ECIG") > 0
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from ..errors import UsageError
from ..graph import DutyGraph

__all__ = ["FORMATS", "Format", "export", "writer"]


@dataclass(frozen=True)
class Format:
    """One export format: its writer, file suffix, media type and whether it writes bytes."""

    writer: str  # "module:function"
    suffix: str
    media_type: str
    help: str
    binary: bool = False
    #: writes a folder (``out`` is its path), not a stream
    directory: bool = False


#: every export format, by the name ``--format`` takes
FORMATS: dict[str, Format] = {
    "ttl": Format(
        "dutygraph.io.rdf:write_rdf",
        ".ttl",
        "text/turtle",
        "RDF Turtle (dutygraph ontology)",
    ),
    "nt": Format(
        "dutygraph.io.rdf:write_rdf",
        ".nt",
        "application/n-triples",
        "RDF N-Triples",
    ),
    # (JSON-LD reads the store the same way; rdflib then holds the document's graph)
    "jsonld": Format(
        "dutygraph.io.rdf:write_rdf",
        ".jsonld",
        "application/ld+json",
        "RDF JSON-LD",
    ),
    "eli": Format(
        "dutygraph.io.rdf.eli:export_eli",
        ".ttl",
        "text/turtle",
        "the acts the graph cites, their versions and articles, as ELI (Turtle)",
    ),
    "cypher": Format(
        "dutygraph.io.cypher:write_cypher",
        ".cypher",
        "application/x-cypher-query",
        "a Cypher script that recreates the graph in any Neo4j",
    ),
    "neo4j-admin": Format(
        "dutygraph.io.neo4j_admin:write_neo4j_admin",
        "",
        "text/csv",
        "a folder of CSV files for neo4j-admin database import full, with its command and indexes",
        directory=True,
    ),
}


def writer(name: str) -> Callable[..., int]:
    """The writer function of format ``name`` (imported now)."""
    fmt = FORMATS.get(name)
    if fmt is None:
        raise UsageError(f"unknown export format {name!r}; use one of {', '.join(sorted(FORMATS))}")
    module, _, function = fmt.writer.partition(":")
    try:
        return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]
    except ImportError as exc:
        raise UsageError(
            f"export format {name!r} needs {exc.name}, which is not installed; "
            "install dutygraph[rdf] (or the extra that format names)"
        ) from None


def export(g: DutyGraph, name: str, out: IO[Any], **options: Any) -> int:
    """Write ``g`` in format ``name`` to ``out``; ``options`` are ``region``, ``item``, ``as_of``."""
    return writer(name)(g, out, format=name, **options)
