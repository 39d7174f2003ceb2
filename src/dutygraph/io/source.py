"""What a streaming export reads: a graph in memory, or a store's reader page by page.

The bulk exports (``--format cypher`` and ``--format neo4j-admin``) write one
kind of record at a time, in the table's order, and need little else: the ids
of the kinds that relationships point to, how many records of a kind, a
region's subtree, a region by name.
:func:`source` gives them that from a :class:`~dutygraph.graph.DutyGraph` (its
tables as they are) or from a reader that streams
(:meth:`~dutygraph.store.neo4j_reader.Neo4jReader.rows`: pages by key, in id
order — the order the Bolt store's snapshot has too, so both paths write the
same bytes). A streamed export checks at its end that no write committed while
it read (:func:`streamed`: the stamp taken, the export written, the stamp
checked by :func:`unchanged`), and fails rather than leave a mixed file.

>>> from dutygraph.fixtures import demo_graph
>>> src = source(demo_graph())
>>> [r.id for r in src.rows("duty", item="I-ECIG")][:1]
['N-STMA|I-ECIG|000000|lead||2022-05-01']
>>> unchanged(src, src.stamp())
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from ..errors import StoreUnavailable
from ..graph import DutyGraph

__all__ = ["GraphSource", "Source", "source", "streamed", "unchanged"]


class Source(Protocol):
    """The few reads a streaming export makes."""

    def rows(self, label: str, *, item: str | None = None) -> Iterable[Any]: ...
    def ids(self, label: str) -> set[str]: ...
    def count(
        self, label: str, *, item: str | None = None, regions: set[str] | None = None
    ) -> int: ...
    def subtree(self, code: str) -> list[str]: ...
    def find(self, label: str, key: str) -> Any: ...
    def stamp(self) -> Any: ...


class GraphSource:
    """A :class:`~dutygraph.graph.DutyGraph` as a :class:`Source` (its tables' order)."""

    def __init__(self, g: DutyGraph) -> None:
        self.graph = g

    def rows(self, label: str, *, item: str | None = None) -> Iterator[Any]:
        for rec in self.graph.table(label).values():
            if not item or rec.item == item:
                yield rec

    def ids(self, label: str) -> set[str]:
        return set(self.graph.table(label))

    def count(self, label: str, *, item: str | None = None, regions: set[str] | None = None) -> int:
        return sum(1 for r in self.rows(label, item=item) if regions is None or r.region in regions)

    def subtree(self, code: str) -> list[str]:
        return self.graph.subtree(code)

    def find(self, label: str, key: str) -> Any:
        return self.graph.find(label, key)

    def stamp(self) -> Any:
        return None


def source(g: Any) -> Source:
    """``g`` as a :class:`Source`: a graph wrapped, a streaming reader as it is."""
    if isinstance(g, DutyGraph):
        return GraphSource(g)
    if not callable(getattr(g, "rows", None)):
        raise TypeError(f"{type(g).__name__} cannot be streamed: it has no rows(label)")
    return g  # type: ignore[no-any-return]


def unchanged(src: Source, stamp: Any) -> None:
    """Raise if ``src``'s store was written since ``stamp`` was taken (the export is mixed)."""
    now = src.stamp()
    if now != stamp:
        raise StoreUnavailable(
            "导出期间图谱被写入，输出前后不一致，请重新导出 (the graph was written while it was "
            f"being exported, write stamp {stamp} → {now}: run the export again)"
        )


def streamed(src: Any, write: Callable[[], int]) -> int:
    """``write()`` reading ``src`` (a :class:`Source`, or a store's reader that streams):
    the store's write stamp taken before and checked after, so that an export fails
    (:func:`unchanged`) if a write committed meanwhile (the output would mix two states).
    A graph in memory has no stamp: nothing to check."""
    stamp = src.stamp()
    n = write()
    unchanged(src, stamp)
    return n
