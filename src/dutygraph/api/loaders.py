"""Batched reads for one GraphQL request: one snapshot, one accessor, DataLoaders over it.

Every request reads one snapshot of the store (``store.graph()`` once). Node
links (a duty's department, a department's region, an answer's evidence...)
are not read one by one: each kind of read goes through a
:class:`~strawberry.dataloader.DataLoader` that collects the keys a query
asks for at one level and makes **one** call to :class:`GraphAccess` for all
of them. A query listing 50 items with their duties and departments so makes a
handful of accessor calls, not hundreds (the N+1 problem). A store whose reads
are remote (Neo4j) replaces :class:`GraphAccess` by one that sends each batch
as one query; the schema does not change.

>>> import asyncio
>>> from dutygraph.fixtures import demo_graph
>>> async def demo():
...     loaders = Loaders(GraphAccess(demo_graph()))
...     deps = await asyncio.gather(loaders.department.load("JJ-SCJ"), loaders.department.load("CD-YC"))
...     return [d.name for d in deps], loaders.access.calls
>>> asyncio.run(demo())
(['锦江区市场监督管理局', '成都市烟草专卖局'], 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from ..graph import DutyGraph
from ..model import Department, Dispute, Duty, Item, LegalBasis, Region

__all__ = ["GraphAccess", "Loaders"]


class GraphAccess:
    """The reads the API makes of one snapshot, each for many keys at once.

    Every public method is one round trip to the data: it takes a list of
    keys and returns one result per key, in order (``None`` for a key that
    is not there). ``calls`` counts them, so tests and benchmarks can see
    how many reads a query made.

    Parameters
    ----------
    graph : DutyGraph
        The snapshot this request reads.
    """

    def __init__(self, graph: DutyGraph) -> None:
        self.graph = graph
        self.calls = 0

    def _call(self, kind: str, keys: Sequence[Any]) -> None:
        self.calls += 1

    def items(self, ids: Sequence[str]) -> list[Item | None]:
        self._call("items", ids)
        return [self.graph.items.get(i) for i in ids]

    def regions(self, codes: Sequence[str]) -> list[Region | None]:
        self._call("regions", codes)
        return [self.graph.regions.get(c) for c in codes]

    def departments(self, ids: Sequence[str]) -> list[Department | None]:
        self._call("departments", ids)
        return [self.graph.departments.get(i) for i in ids]

    def bases(self, ids: Sequence[str]) -> list[LegalBasis | None]:
        self._call("bases", ids)
        return [self.graph.bases.get(i) for i in ids]

    def disputes(self, ids: Sequence[str]) -> list[Dispute | None]:
        self._call("disputes", ids)
        return [self.graph.disputes.get(i) for i in ids]

    def duties_on(self, item_ids: Sequence[str]) -> list[list[Duty]]:
        """The duties on each item, in every region."""
        self._call("duties_on", item_ids)
        return [list(self.graph.duties_on(i)) for i in item_ids]

    def duties_of(self, dept_ids: Sequence[str]) -> list[list[Duty]]:
        """The duties each department holds."""
        self._call("duties_of", dept_ids)
        return [list(self.graph.duties_of(d)) for d in dept_ids]

    def item_children(self, item_ids: Sequence[str]) -> list[list[Item]]:
        self._call("item_children", item_ids)
        wanted = set(item_ids)
        out: dict[str, list[Item]] = {i: [] for i in item_ids}
        for it in self.graph.items.values():
            if it.parent in wanted:
                out[it.parent].append(it)
        return [out[i] for i in item_ids]

    def region_children(self, codes: Sequence[str]) -> list[list[Region]]:
        self._call("region_children", codes)
        return [[self.graph.regions[c] for c in self.graph.region_children(code)] for code in codes]

    def departments_in(self, codes: Sequence[str]) -> list[list[Department]]:
        """The departments of each region's government (active or not)."""
        self._call("departments_in", codes)
        return [list(self.graph.departments_in(c)) for c in codes]


def _loader(fn: Any) -> DataLoader[str, Any]:
    async def load(keys: list[str]) -> list[Any]:
        return fn(keys)  # type: ignore[no-any-return]

    return DataLoader(load_fn=load)


class Loaders:
    """One DataLoader per kind of read, for one request (they cache for its length).

    Parameters
    ----------
    access : GraphAccess
        The accessor every batch goes through.
    """

    def __init__(self, access: GraphAccess) -> None:
        self.access = access
        self.item = _loader(access.items)
        self.region = _loader(access.regions)
        self.department = _loader(access.departments)
        self.basis = _loader(access.bases)
        self.dispute = _loader(access.disputes)
        self.duties_on = _loader(access.duties_on)
        self.duties_of = _loader(access.duties_of)
        self.item_children = _loader(access.item_children)
        self.region_children = _loader(access.region_children)
        self.departments_in = _loader(access.departments_in)
