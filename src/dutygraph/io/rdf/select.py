"""Which records an export holds: the whole graph, a region subtree, an item subtree.

From a graph in memory, or from a store's reader that streams
(:meth:`~dutygraph.store.neo4j_reader.Neo4jReader.rows`, page by page in id
order): the duties — the bulk of any graph — are then read page by page and
never held, the other kinds (regions, departments, items, bases…: what the
duties' statements name) kept by the reader for the look-ups that follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ...graph import DutyGraph
from ...model import RECORD_TYPES
from .mapping import MAPPING

_REFS: dict[str, tuple[tuple[str, str], ...]] = {
    kind: tuple((f.name, f.target) for f in spec if f.codec == "ref")
    for kind, (_, _, spec) in MAPPING.items()
}


def records_of(g: Any, label: str) -> Iterable[Any]:
    """Every record of one kind in ``g``'s table order: a graph's table, or a streaming
    reader's pages (duties kept nowhere; other kinds kept by the reader for look-ups)."""
    if isinstance(g, DutyGraph):
        return g.table(label).values()
    return g.rows(label, keep=label != "duty")  # type: ignore[no-any-return]


def select_records(g: Any, region: str | None = None, item: str | None = None) -> Iterator[Any]:
    """The records to export, kinds in load order.

    With ``region``, the regions of its subtree and its path up to the root,
    their departments and the duties recorded there (so inherited answers can
    still be worked out from the subset); with ``item``, the item's subtree
    and its ancestors and their duties. Either way, every record a selected
    record refers to comes along (a department's superior, a duty's bases...),
    so a subset imports on its own.

    >>> from dutygraph.fixtures import demo_graph
    >>> recs = list(select_records(demo_graph(), region="510107"))
    >>> sorted({r.region for r in recs if r.label == "duty"})
    ['000000', '510000', '510100']
    """
    if region is None and item is None:
        for cls in RECORD_TYPES:
            yield from records_of(g, cls.label)
        return
    regions: set[str] | None = None
    items: set[str] | None = None
    if region is not None:
        code = g.find("region", region).code
        regions = set(g.subtree(code)) | set(g.region_path(code))
    if item is not None:
        key = g.find("item", item).id
        tree = [key]
        for it in tree:  # grows while iterating: the item subtree
            tree.extend(i for i, rec in g.items.items() if rec.parent == it and i not in tree)
        items = set(tree) | set(g.item_path(key))
    chosen: dict[str, set[str]] = {kind: set() for kind in MAPPING}
    chosen["region"] = set(g.regions) if regions is None else regions & set(g.regions)
    chosen["department"] = {
        d for d, dep in g.departments.items() if regions is None or dep.region in regions
    }
    chosen["item"] = set(g.items) if items is None else items & set(g.items)
    # the duties: one pass (streamed from a reader), their references taken on the way
    chosen["duty"] = set()
    cited: set[tuple[str, str]] = set()
    for d in records_of(g, "duty"):
        if (regions is None or d.region in regions) and (items is None or d.item in items):
            chosen["duty"].add(d.id)
            cited.update(_refs("duty", d))
    chosen["region_group"] = {
        k for k, grp in g.region_groups.items() if set(grp.members) <= chosen["region"]
    }
    chosen["dispute"] = {
        k
        for k, d in g.disputes.items()
        if d.region in chosen["region"] and (items is None or d.subject in items)
    }
    # close over references: whatever is chosen, what it refers to comes along
    todo = [(kind, key) for kind, keys in chosen.items() if kind != "duty" for key in keys]
    todo.extend(sorted(cited))  # (the duties' references: a duty itself is read once)
    seen: set[tuple[str, str]] = set()
    while todo:
        kind, key = todo.pop()
        if (kind, key) in seen:
            continue
        seen.add((kind, key))
        rec = g.table(kind).get(key)
        if rec is None:
            continue
        chosen[kind].add(key)
        todo.extend(_refs(kind, rec))
    for cls in RECORD_TYPES:
        for rec in records_of(g, cls.label):
            if rec.id in chosen[cls.label]:
                yield rec


def _refs(kind: str, rec: Any) -> Iterator[tuple[str, str]]:
    """``(kind, key)`` of every record ``rec`` refers to."""
    for fieldname, target in _REFS[kind]:
        value = getattr(rec, fieldname)
        for ref in value if isinstance(value, tuple) else (value,):
            if ref:
                yield target, ref
