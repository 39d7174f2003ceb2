"""Which records an export holds: the whole graph, a region subtree, an item subtree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...graph import DutyGraph
from ...model import RECORD_TYPES
from .mapping import MAPPING

_REFS: dict[str, tuple[tuple[str, str], ...]] = {
    kind: tuple((f.name, f.target) for f in spec if f.codec == "ref")
    for kind, (_, _, spec) in MAPPING.items()
}


def select_records(
    g: DutyGraph, region: str | None = None, item: str | None = None
) -> Iterator[Any]:
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
        yield from g.records()
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
    chosen["duty"] = {
        k
        for k, d in g.duties.items()
        if (regions is None or d.region in regions) and (items is None or d.item in items)
    }
    chosen["region_group"] = {
        k for k, grp in g.region_groups.items() if set(grp.members) <= chosen["region"]
    }
    chosen["dispute"] = {
        k
        for k, d in g.disputes.items()
        if d.region in chosen["region"] and (items is None or d.subject in items)
    }
    # close over references: whatever is chosen, what it refers to comes along
    todo = [(kind, key) for kind, keys in chosen.items() for key in keys]
    while todo:
        kind, key = todo.pop()
        rec = g.table(kind).get(key)
        if rec is None:
            continue
        for fieldname, target in _REFS[kind]:
            value = getattr(rec, fieldname)
            for ref in value if isinstance(value, tuple) else (value,):
                if ref and ref not in chosen[target] and ref in g.table(target):
                    chosen[target].add(ref)
                    todo.append((target, ref))
    for cls in RECORD_TYPES:
        table = g.table(cls.label)
        for key, rec in table.items():
            if key in chosen[cls.label]:
                yield rec
