"""The graph a what-if compares on, read from a store: :func:`whatif_graph`.

A store that answers in its database (the Neo4j store) reads, for a what-if over
a region, that region's subtree and the regions above it
(:func:`~dutygraph.reader.scope_graph`), never the whole graph. With no region a
what-if compares every region's answers before and after, which needs the whole
graph in memory: that is read only while the store is small (at most
:data:`WHOLE_LIMIT` duties, counted on the server in one query); a bigger store
is refused with a :class:`~dutygraph.errors.UsageError` that says to pass a
region. Any other store gives its snapshot.
"""

from __future__ import annotations

from typing import Any

from ...errors import UsageError
from ...graph import DutyGraph
from ...reader import answers_in_store, scope_graph

__all__ = ["WHOLE_LIMIT", "whatif_graph"]

#: the most duties a what-if with no region reads into memory from a store that answers in
#: its database (a prefecture holds ~15,000; a province ten times that)
WHOLE_LIMIT = 50_000


def whatif_graph(
    store: Any, region: str | None, scenario: Any, analysis: str = "whatif"
) -> DutyGraph:
    """What :func:`~dutygraph.analysis.whatif.what_if` over ``region`` (``None``:
    everywhere) of ``scenario`` compares on, read from ``store`` (see the module docstring).

    Raises
    ------
    UsageError
        No region, on a store that answers in its database and holds more than
        :data:`WHOLE_LIMIT` duties.
    """
    if not answers_in_store(store):
        return store.graph()  # type: ignore[no-any-return]
    reader = store.reader()
    if region:
        return scope_graph(reader, region, analysis, scenario)
    duties = int(reader.count("duty"))
    if duties > WHOLE_LIMIT:
        raise UsageError(
            f"{analysis} 不加 --region 时要把整个图谱读入内存逐地区比较，而存储 {store.url} 有 "
            f"{duties:,} 条职责，超过上限 {WHOLE_LIMIT:,} 条：请加 --region 地区（只读该地区子树"
            f"及其上级） ({analysis} without --region compares every region on the whole graph "
            f"in memory; the store at {store.url} holds {duties:,} duties, over the "
            f"{WHOLE_LIMIT:,} read whole: pass --region REGION to read only that region's "
            "subtree and the regions above it)"
        )
    return store.graph()  # type: ignore[no-any-return]
