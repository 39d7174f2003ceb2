"""Export as a Cypher script that recreates the graph in any Neo4j (``--format cypher``).

``cypher-shell -f graph.cypher`` (or the Neo4j Browser) runs the script as it
is. It writes the same data model as the Neo4j store
(:mod:`dutygraph.store.neo4j`): one node per record keyed by ``id``, the
relationships of the graph model (``HOLDS``, ``ON``, ``IN``, ``RESTS_ON``,
``OF``, ``SUCCEEDED_BY``, the ``PARENT`` trees), and a ``StoreMeta`` node, so
``--store bolt://…`` reads the result straight away.

Nodes go in as parameterised batches, the very statement the store writes
with — a ``:param rows => [...]`` command (one line: the batch's rows as a
literal list of maps) and then ``UNWIND $rows AS r MERGE (n:Label {id: r.id})
SET n += r`` — so the server plans each statement once, whatever the rows, and
running the script twice changes nothing. What differs by server comes from
its :class:`~dutygraph.store.neo4j_dialect.Dialect` (``--dialect``): on Neo4j
the constraints and indexes first, and the dates turned native in the
statement (``SET n.valid_from = date(r.valid_from)``: the parameters stay plain
literals); on FalkorDB no DDL (its store creates plain indexes itself), ISO
dates, and batches under its ~4 KB Bolt message.

Every string is a single-quoted literal with ``\\``, ``'`` and control
characters escaped; property names are the record fields, never input text.

>>> import io
>>> from dutygraph.fixtures import demo_graph
>>> buf = io.StringIO()
>>> write_cypher(demo_graph(), buf)
136
>>> print(buf.getvalue().splitlines()[0])
// dutygraph export: 136 records for neo4j; run with: cypher-shell -f FILE
>>> literal("it's a \\\\ path\\n")
"'it\\\\'s a \\\\\\\\ path\\\\n'"
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import IO, Any

from ..errors import UsageError
from ..graph import DutyGraph
from ..store.neo4j import _INDEXES, LABELS, RELATIONSHIPS, encode
from ..store.neo4j_dialect import DATE_FIELDS, DIALECTS, NEO4J, Dialect
from .source import Source, source, streamed

__all__ = ["literal", "statements", "write_cypher"]

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def literal(value: Any) -> str:
    """``value`` (None, bool, int, float, str or a list of them) as a Cypher literal.

    >>> literal(None), literal(True), literal(["a", 3])
    ('null', 'true', "['a', 3]")
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in _ESCAPES:
                out.append(_ESCAPES[ch])
            elif ord(ch) < 0x20 or ch in "\u2028\u2029":
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return "'" + "".join(out) + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as a Cypher literal")


def _map(row: dict[str, Any]) -> str:
    """A row as a literal map, its ``None`` fields left out (``SET +=`` would remove them)."""
    cells = (f"{k}: {literal(v)}" for k, v in row.items() if v is not None)
    return "{" + ", ".join(cells) + "}"


def _upsert(node: str, label: str, dialect: Dialect) -> str:
    """The batch statement for one kind of record: the store's, dates made native where the
    dialect stores them so."""
    query = f"UNWIND $rows AS r MERGE (n:{node} {{id: r.id}}) SET n += r"
    if dialect.native_dates:
        from ..store.neo4j import _KINDS

        dates = [f for f in _KINDS[label] if f in DATE_FIELDS]
        if dates:
            query += " SET " + ", ".join(f"n.{f} = date(r.{f})" for f in dates)
    return query


def _relationships() -> Iterable[str]:
    """Set-based statements joining the nodes as the store does (:data:`RELATIONSHIPS`)."""
    for label, field, rel, target, inward in RELATIONSHIPS:
        node = LABELS[label]
        many = field in ("bases",)
        to = "x" if many else f"n.{field}"
        match = f"MATCH (n:{node}) WHERE n.{field} IS NOT NULL\n"
        if many:
            match += f"UNWIND n.{field} AS x\n"
        merge = "MERGE (t)-[:HOLDS {role: n.role}]->(n)" if inward else f"MERGE (n)-[:{rel}]->(t)"
        yield f"{match}MATCH (t:{target} {{id: {to}}}) {merge}"


def statements(
    g: DutyGraph | Source,
    *,
    batch: int | None = None,
    ddl: bool = True,
    region: str | None = None,
    item: str | None = None,
    dialect: Dialect = NEO4J,
) -> Iterable[str]:
    """The script's commands and statements, without a statement's terminating ``;``.

    Each batch of nodes is two: ``:param rows => [...]`` (one line) and the
    ``UNWIND $rows`` statement. ``ddl`` adds the dialect's constraints and
    indexes (Neo4j 5 syntax; none for FalkorDB, whose store creates plain
    indexes itself); ``batch`` caps the rows of a batch (default the
    dialect's; a limited dialect also cuts by bytes); ``region`` and ``item``
    keep only the duties in that region's subtree or on that item (every other
    record is written whole). ``g`` is a graph or a streaming
    :class:`~dutygraph.io.source.Source` (a Bolt store's reader): records are
    read one kind at a time and a batch is written as soon as it is full.
    """
    src = source(g)
    if ddl:
        yield from dialect.ddl([*LABELS.values(), "Log", "StoreMeta"], _INDEXES)
    keep = set(src.subtree(region)) if region else None
    for label, node in LABELS.items():
        query = _upsert(node, label, dialect)
        rows = (
            _map(encode(rec))  # dates ISO: the statement makes them native
            for rec in src.rows(label, item=item if label == "duty" else None)
            if label != "duty" or keep is None or rec.region in keep
        )
        cut = dialect.batches(
            rows, f"RETURN {query}", size=lambda r: len(r.encode()) + 2, where="the Cypher export"
        )
        for part in cut if batch is None else _chunks(rows, batch):
            yield ":param rows => [" + ", ".join(part) + "]"
            yield query
    yield ":param rows => []"  # cypher-shell sends every parameter with every statement
    yield from _relationships()
    yield (
        "MERGE (m:StoreMeta {id: 'store'}) "
        f"SET m.epoch = coalesce(m.epoch, {literal(uuid.uuid4().hex)}), "
        "m.seq = coalesce(m.seq, 0) + 1, m.locked = false"
    )


def _chunks(rows: Iterable[str], n: int) -> Iterable[list[str]]:
    part: list[str] = []
    for row in rows:
        part.append(row)
        if len(part) == n:
            yield part
            part = []
    if part:
        yield part


def write_cypher(
    g: DutyGraph | Source,
    out: IO[str],
    format: str = "cypher",
    region: str | None = None,
    item: str | None = None,
    dialect: str | None = None,
    **_: Any,
) -> int:
    """Write the script for ``g`` (a graph, or a streaming source) to ``out``; returns the
    number of records written.

    ``dialect``: the server the script is for, ``neo4j`` (the default) or ``falkordb``.
    From a streaming source the records are counted on the server for the first line,
    then read one kind at a time, a page at a time (memory: one page and one batch).
    """
    chosen = DIALECTS.get(dialect or "neo4j")
    if chosen is None:
        raise UsageError(
            f"--dialect {dialect}: 没有这种服务器 (no such server); use one of {', '.join(DIALECTS)}"
        )
    src = source(g)

    def write() -> int:
        keep = set(src.subtree(region)) if region else None
        n = sum(src.count(label) for label in LABELS if label != "duty")
        n += src.count("duty", item=item, regions=keep)
        out.write(
            f"// dutygraph export: {n} records for {chosen.name}; run with: cypher-shell -f FILE\n"
        )
        for stmt in statements(src, region=region, item=item, dialect=chosen):
            out.write(stmt + ("\n" if stmt.startswith(":") else ";\n"))
        return n

    return streamed(src, write)
