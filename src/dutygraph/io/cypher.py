"""Export as a Cypher script that recreates the graph in any Neo4j (``--format cypher``).

The script holds literal statements only — no parameters — so ``cypher-shell
-f graph.cypher`` (or the Neo4j Browser) runs it as it is. It writes the same
data model as the Neo4j store (:mod:`dutygraph.store.neo4j`): one node per
record keyed by ``id``, ``PARENT`` relationships for the region and item
trees, and a ``StoreMeta`` node, so ``--store bolt://…`` reads the result
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

import uuid
from collections.abc import Iterable
from typing import IO, Any

from ..graph import DutyGraph
from ..model import Duty
from ..store.neo4j import _INDEXES, LABELS, encode

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
    return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in row.items() if v is not None) + "}"


def statements(
    g: DutyGraph,
    *,
    batch: int = 500,
    ddl: bool = True,
    region: str | None = None,
    item: str | None = None,
) -> Iterable[str]:
    """The script's statements, without their terminating ``;``.

    ``ddl`` adds the uniqueness constraints and indexes (Neo4j 5 syntax);
    ``region`` and ``item`` keep only the duties in that region's subtree or
    on that item (every other record is written whole).
    """
    if ddl:
        for node in (*LABELS.values(), "Log", "StoreMeta"):
            yield (
                f"CREATE CONSTRAINT dutygraph_{node.lower()}_id IF NOT EXISTS "
                f"FOR (n:{node}) REQUIRE n.id IS UNIQUE"
            )
        for node, prop in _INDEXES:
            yield (
                f"CREATE INDEX dutygraph_{node.lower()}_{prop} IF NOT EXISTS "
                f"FOR (n:{node}) ON (n.{prop})"
            )
    keep = set(g.subtree(region)) if region else None
    for label, node in LABELS.items():
        rows = []
        for rec in g.table(label).values():
            if label == "duty" and (
                (keep is not None and rec.region not in keep) or (item and rec.item != item)
            ):
                continue
            rows.append(_map(encode(rec)))
        for i in range(0, len(rows), batch):
            chunk = ",\n  ".join(rows[i : i + batch])
            yield f"UNWIND [\n  {chunk}\n] AS r\nMERGE (n:{node} {{id: r.id}}) SET n += r"
    for node in ("Region", "Item"):
        yield (
            f"MATCH (n:{node}) WHERE n.parent IS NOT NULL AND NOT (n)-[:PARENT]->(:{node})\n"
            f"MATCH (p:{node} {{id: n.parent}}) MERGE (n)-[:PARENT]->(p)"
        )
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
