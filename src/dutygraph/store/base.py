"""The store contract: what every backend must do, and what it says it can do.

A store keeps the records of the graph and an append-only history (imports,
decisions). It does three things:

* :meth:`Store.graph` — a consistent snapshot to read (a :class:`DutyGraph`);
* :meth:`Store.write` — run a *plan* (a function of the current snapshot that
  returns a :class:`ChangeSet`) and apply its changes; with the
  ``transactions`` capability this is all-or-nothing and serialised against
  other writers;
* :meth:`Store.history` — the log of what was written, oldest first;
* :meth:`Store.reader` — what to answer questions with (a
  :class:`~dutygraph.reader.GraphReader`): the snapshot itself, or a reader
  that fetches only what an answer walks (and may compute answers itself, see
  :mod:`dutygraph.reader`). Commands and requests that answer a question use
  it; ``graph()`` is for work that needs everything (export, a whole import).

Stores declare ``capabilities``; an operation that needs one the store lacks
raises :class:`~dutygraph.errors.UnsupportedOperation` naming it, never a
silent fallback (:func:`require`).

Capabilities:

``transactions``
    a write is all-or-nothing: a crash or an error mid-write leaves the store
    as it was, and readers never see half of a write.
``durable``
    committed writes survive the process.
``snapshots``
    :meth:`Store.graph` is a consistent in-memory snapshot, cheap to query.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

from ..columns import DutyColumns
from ..errors import UnsupportedOperation
from ..graph import DutyGraph
from ..reader import GraphReader

__all__ = ["CAPABILITIES", "ChangeSet", "Store", "reads_rows", "require"]

CAPABILITIES = frozenset({"transactions", "durable", "snapshots"})


@dataclass
class ChangeSet:
    """Records to write (each replaces the record of the same kind and id) and a log entry.

    A bundle import brings its duties as columns (``duties``), written after
    ``records``; :meth:`all_records` gives both as records.
    """

    records: list[Any] = field(default_factory=list)
    log: dict[str, Any] = field(default_factory=dict)
    duties: DutyColumns = field(default_factory=DutyColumns)

    def __bool__(self) -> bool:
        return bool(self.records) or bool(self.duties)

    def all_records(self) -> list[Any]:
        """Every record to write, the duties of ``duties`` built one by one."""
        return [*self.records, *self.duties]


Plan = TypeVar("Plan", bound=Callable[..., ChangeSet])


def reads_rows(plan: Plan) -> Plan:
    """Mark ``plan`` as reading only the reader contract (:class:`GraphReader`).

    A store may then hand it a reader that fetches only the rows the plan asks
    for (the embedded store: indexed queries in the write's own transaction)
    instead of the whole graph; a store that does not know the mark passes the
    whole graph, which is a reader too. Plans that need more of the graph
    (``by_identity``, ``duty_index``: a whole import) stay unmarked.

    >>> @reads_rows
    ... def plan(g): return ChangeSet()
    >>> plan.reads_rows
    True
    """
    plan.reads_rows = True  # type: ignore[attr-defined]
    return plan


@runtime_checkable
class Store(Protocol):
    """The small contract every backend meets (see the module docstring)."""

    url: str
    capabilities: frozenset[str]

    def graph(self) -> DutyGraph:
        """A consistent snapshot of the whole graph."""
        ...

    def write(self, plan: Callable[[DutyGraph], ChangeSet]) -> ChangeSet:
        """Apply what ``plan(current_graph)`` returns; returns that change set."""
        ...

    def history(self) -> list[dict[str, Any]]:
        """Log entries of every write, oldest first."""
        ...

    def reader(self) -> GraphReader:
        """What to answer questions with: one consistent view, read as the answer needs."""
        ...

    def stamp(self) -> Hashable | None:
        """A cheap token that changes with every committed write, by any process.

        A long-lived process (``serve``) compares it to know whether its snapshot is
        stale, without reading the store. ``None``: this store cannot tell cheaply.
        """
        ...

    def close(self) -> None: ...


def require(store: Store, capabilities: Iterable[str], operation: str) -> None:
    """Raise :class:`UnsupportedOperation` unless ``store`` has every capability.

    >>> class S:
    ...     url = "bolt://x"; capabilities = frozenset({"durable"})
    >>> require(S(), ["transactions"], "import all-or-nothing")
    Traceback (most recent call last):
    ...
    dutygraph.errors.UnsupportedOperation: bolt://x cannot import all-or-nothing: it lacks transactions
    """
    missing = sorted(set(capabilities) - store.capabilities)
    if missing:
        raise UnsupportedOperation(operation, store.url, f"it lacks {', '.join(missing)}")
