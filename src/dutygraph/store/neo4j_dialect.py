"""Which Bolt server the Neo4j store talks to, and all that this changes: :class:`Dialect`.

This module is the only place that knows the server. The store, the reader
and the exports ask their :class:`Dialect` for what differs:

============================  ==================================  =================================
                              Neo4j (:data:`NEO4J`)               FalkorDB (:data:`FALKORDB`)
============================  ==================================  =================================
capabilities                  transactions, durable, snapshots,   durable, cypher (no transactions:
                              cypher                              a failed write keeps its batches)
dates (``valid_from``…)       native ``date`` values              ISO ``YYYY-MM-DD`` strings (its
                                                                  ``date()`` crashes the server)
DDL                           named uniqueness constraints,       plain ``CREATE INDEX`` per
                              indexes, a composite (item,         property, created when missing
                              region) index on ``:Duty``
batches                       500 rows                            under its ~4 KB Bolt message
============================  ==================================  =================================

Dates compare the same either way: ISO strings order as the dates do, and on
Neo4j the ``as_of`` parameter of every query is sent as a ``date`` too
(:meth:`Dialect.params`). A date text that is not ``YYYY-MM-DD`` stays a string.

>>> NEO4J.value("valid_from", "2024-01-31")
datetime.date(2024, 1, 31)
>>> FALKORDB.value("valid_from", "2024-01-31")
'2024-01-31'
>>> plain({"valid_from": NEO4J.value("valid_from", "2024-01-31")})
{'valid_from': '2024-01-31'}
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j.time

from ..errors import UnsupportedOperation

T = TypeVar("T")

__all__ = ["DATE_FIELDS", "DIALECTS", "FALKORDB", "NEO4J", "Dialect", "detect", "plain"]

#: record fields holding a date (every one is ``YYYY-MM-DD`` text in the model)
DATE_FIELDS = frozenset({"valid_from", "valid_to", "law_from", "law_to"})
#: query parameters holding a date
_DATE_PARAMS = frozenset({"as_of"})


@dataclass(frozen=True)
class Dialect:
    """What one kind of Bolt server needs (see the module docstring)."""

    name: str
    #: no transactions, small messages, plain indexes, string dates
    limited: bool
    capabilities: frozenset[str]
    native_dates: bool
    #: rows per batch (a limited server also cuts batches by bytes: ``message_bytes``)
    batch_rows: int
    message_bytes: int | None

    def value(self, name: str, v: Any) -> Any:
        """A record field's value as this server stores it (a date natively where it can)."""
        if self.native_dates and name in DATE_FIELDS and isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)  # the driver sends it as a Bolt date
            except ValueError:
                return v
        return v

    def params(self, params: dict[str, Any]) -> dict[str, Any]:
        """Query parameters as this server compares them (``as_of`` a date on Neo4j)."""
        if not self.native_dates:
            return params
        return {
            k: self.value("valid_from", v) if k in _DATE_PARAMS else v for k, v in params.items()
        }

    def batches(
        self,
        rows: Iterable[T],
        query: str,
        *,
        size: Callable[[T], int] | None = None,
        where: str = "the Bolt server",
    ) -> Iterator[list[T]]:
        """``rows`` in batches for ``query``: ``batch_rows`` at most, and on a limited server
        each batch with the query under ``message_bytes`` (``size`` measures a row: by
        default its JSON's bytes). A row too large for one message raises
        :class:`~dutygraph.errors.UnsupportedOperation`, naming ``where``.

        >>> [len(b) for b in FALKORDB.batches(["x" * 1000] * 7, "UNWIND $rows AS r")]
        [3, 3, 1]
        """
        if self.message_bytes is None:  # any iterable: a batch is taken as it fills
            it = iter(rows)
            while part := list(itertools.islice(it, self.batch_rows)):
                yield part
            return
        measure = size or (
            lambda row: len(json.dumps(row, ensure_ascii=False, default=str).encode())
        )
        budget = self.message_bytes - len(query.encode())
        batch: list[T] = []
        used = 0
        for row in rows:
            n = measure(row) + 8
            if n > budget:
                what = row.get("id") if isinstance(row, dict) else row
                raise UnsupportedOperation(
                    f"write the {what!r} record ({n} bytes)",
                    where,
                    f"the {self.name} server accepts Bolt messages of about 4 KB only; "
                    "use a Neo4j server for records this large",
                )
            if batch and (used + n > budget or len(batch) >= self.batch_rows):
                yield batch
                batch, used = [], 0
            batch.append(row)
            used += n
        if batch:
            yield batch

    def ddl(self, labels: list[str], indexes: list[tuple[str, str]]) -> Iterator[str]:
        """The statements creating the constraints and indexes (Neo4j 5 syntax).

        A limited server gets plain indexes only, which the store creates
        itself when they are missing (:meth:`plain_indexes`).
        """
        if self.limited:
            return
        for node in labels:
            yield (
                f"CREATE CONSTRAINT dutygraph_{node.lower()}_id IF NOT EXISTS "
                f"FOR (n:{node}) REQUIRE n.id IS UNIQUE"
            )
        for node, prop in indexes:
            yield (
                f"CREATE INDEX dutygraph_{node.lower()}_{prop} IF NOT EXISTS "
                f"FOR (n:{node}) ON (n.{prop})"
            )
        # the who-leads step looks duties up by (item, region): one composite index
        yield (
            "CREATE INDEX dutygraph_duty_item_region IF NOT EXISTS "
            "FOR (n:Duty) ON (n.item, n.region)"
        )

    def plain_indexes(
        self, labels: list[str], indexes: list[tuple[str, str]], have: set[tuple[str, str]]
    ) -> Iterator[str]:
        """On a limited server: ``CREATE INDEX`` for each (label, property) it lacks."""
        for node, prop in [(n, "id") for n in labels] + indexes:
            if (node, prop) not in have:
                yield f"CREATE INDEX FOR (n:{node}) ON (n.{prop})"


NEO4J = Dialect(
    "neo4j",
    limited=False,
    capabilities=frozenset({"transactions", "durable", "snapshots", "cypher"}),
    native_dates=True,
    batch_rows=500,
    message_bytes=None,
)
#: FalkorDB drops the connection (and crashes) on a Bolt message over ~4 KB
FALKORDB = Dialect(
    "falkordb",
    limited=True,
    capabilities=frozenset({"durable", "cypher"}),
    native_dates=False,
    batch_rows=500,
    message_bytes=3200,
)

#: the dialects by name (``export --format cypher --dialect NAME``)
DIALECTS = {d.name: d for d in (NEO4J, FALKORDB)}


def plain(props: dict[str, Any]) -> dict[str, Any]:
    """Node properties with the server's dates back as ISO text (what the model holds)."""
    for k, v in props.items():
        if isinstance(v, neo4j.time.Date):
            props[k] = v.iso_format()
        elif isinstance(v, dt.date):
            props[k] = v.isoformat()
    return props


def detect(agent: str, components: list[dict[str, Any]] | None) -> tuple[str, Dialect]:
    """The server's name and dialect, from its agent string and ``dbms.components()``.

    ``components`` is ``None`` when the server has no such procedure.

    >>> detect("Neo4j/5.13.0", None)[1].name
    'falkordb'
    >>> name, dialect = detect("Neo4j/5.20.0", [{"name": "Neo4j Kernel", "versions": ["5.20.0"]}])
    >>> name, dialect.name
    ('Neo4j 5.20.0', 'neo4j')
    """
    if not agent.startswith("Neo4j/"):
        return agent, FALKORDB
    if components is None:  # FalkorDB says it is Neo4j/5.13.0 but has no dbms.components()
        return f"FalkorDB (as {agent})", FALKORDB
    if components and components[0]["name"] == "Neo4j Kernel":
        return f"Neo4j {components[0]['versions'][0]}", NEO4J
    return agent, FALKORDB
