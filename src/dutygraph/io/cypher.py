"""Export as a Cypher script that recreates the graph in any Neo4j (``--format cypher``).

The script holds literal statements only — no parameters — so ``cypher-shell
-f graph.cypher`` (or the Neo4j Browser) runs it as it is. It writes the same
data model as the Neo4j store (:mod:`dutygraph.store.neo4j`): one node per
record keyed by ``id``, the relationships of the graph model (``HOLDS``,
``ON``, ``IN``, ``RESTS_ON``, ``OF``, ``SUCCEEDED_BY``, the ``PARENT`` trees),
native dates (``date('…')``), and a ``StoreMeta`` node, so ``--store bolt://…`` reads the result
straight away. Nodes go in with ``UNWIND [...] AS r MERGE (n:Label {id: r.id})
SET n += r`` batches, so running the script twice changes nothing.

Every string is a single-quoted literal with ``\\``, ``'`` and control
characters escaped; property names are the record fields, never input text.

>>> import io
>>> from dutygraph.fixtures import demo_graph
>>> buf = io.StringIO()
>>> write_cypher(demo_graph(), buf)
136
>>> print(buf.getvalue().splitlines()[0])
// dutygraph export: 136 records; run with: cypher-shell -f FILE
>>> literal("it's a \\\\ path\\n")
"'it\\\\'s a \\\\\\\\ path\\\\n'"
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import IO, Any

from ..graph import DutyGraph
from ..model import Duty
from ..store.neo4j import _INDEXES, LABELS, RELATIONSHIPS, encode
from ..store.neo4j_dialect import NEO4J, Dialect

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


def _value(name: str, v: Any, dialect: Dialect) -> str:
    """A property as a literal: a date as ``date('…')`` where the dialect stores dates."""
    v = dialect.value(name, v)
    return f"date('{v.isoformat()}')" if isinstance(v, dt.date) else literal(v)


def _map(row: dict[str, Any], dialect: Dialect) -> str:
    cells = (f"{k}: {_value(k, v, dialect)}" for k, v in row.items() if v is not None)
    return "{" + ", ".join(cells) + "}"


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
    g: DutyGraph,
    *,
    batch: int = 500,
    ddl: bool = True,
    region: str | None = None,
    item: str | None = None,
    dialect: Dialect = NEO4J,
) -> Iterable[str]:
    """The script's statements, without their terminating ``;``.

    ``ddl`` adds the dialect's constraints and indexes (Neo4j 5 syntax; none
    for FalkorDB, whose store creates plain indexes itself); dates are
    ``date('…')`` on Neo4j, ISO strings for FalkorDB (``dialect``);
    ``region`` and ``item`` keep only the duties in that region's subtree or
    on that item (every other record is written whole).
    """
    if ddl:
        yield from dialect.ddl([*LABELS.values(), "Log", "StoreMeta"], _INDEXES)
    keep = set(g.subtree(region)) if region else None
    for label, node in LABELS.items():
        rows = []
        for rec in g.table(label).values():
            if label == "duty" and (
                (keep is not None and rec.region not in keep) or (item and rec.item != item)
            ):
                continue
            rows.append(_map(encode(rec), dialect))
        for i in range(0, len(rows), batch):
            chunk = ",\n  ".join(rows[i : i + batch])
            yield f"UNWIND [\n  {chunk}\n] AS r\nMERGE (n:{node} {{id: r.id}}) SET n += r"
    yield from _relationships()
    yield (
        "MERGE (m:StoreMeta {id: 'store'}) "
        f"SET m.epoch = coalesce(m.epoch, {literal(uuid.uuid4().hex)}), "
        "m.seq = coalesce(m.seq, 0) + 1, m.locked = false"
    )


def write_cypher(
    g: DutyGraph,
    out: IO[str],
    format: str = "cypher",
    region: str | None = None,
    item: str | None = None,
    **_: Any,
) -> int:
    """Write the script for ``g`` to ``out``; returns the number of records written."""
    keep = set(g.subtree(region)) if region else None
    n = sum(
        1
        for rec in g.records()
        if not isinstance(rec, Duty)
        or ((keep is None or rec.region in keep) and (not item or rec.item == item))
    )
    out.write(f"// dutygraph export: {n} records; run with: cypher-shell -f FILE\n")
    for stmt in statements(g, region=region, item=item):
        out.write(stmt + ";\n")
    return n
