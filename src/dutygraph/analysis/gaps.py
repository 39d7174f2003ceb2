"""Gaps (事有人管): where no lead resolves, or resolves badly.

For every item that applies at a region's level (an item with no ``levels``
applies at every level) and every region in scope, the lead is resolved
(:mod:`dutygraph.analysis.resolve`) and a gap is reported when:

``NO_LEAD``
    no lead duty for the item or its ancestors anywhere on the region path;
``NO_COUNTERPART``
    the lead is inherited, but R has no department of its line;
``LEAD_ABOLISHED``
    the lead's department (or R's department of the line) is abolished with
    no successor;
``NO_LEGAL_BASIS``
    the duties the answer rests on have no legal basis in force.

``UNCOVERED_BEHAVIOR`` — a behaviour of a business form that matches no item —
comes from :mod:`dutygraph.analysis.assign`.

>>> from dutygraph.fixtures import demo_graph
>>> for gap in find_gaps(demo_graph(), region="510107", as_of="2025-01-01"):
...     print(gap.item, gap.kind)
I-PREPAID LEAD_ABOLISHED
I-PREPAID-EDU LEAD_ABOLISHED
I-SELFBUILT NO_COUNTERPART
I-GAS NO_COUNTERPART
I-OIL NO_LEAD
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..graph import DutyGraph
from ..model import today
from .resolve import Resolution, has_basis_in_force, resolve

__all__ = ["GAP_KINDS", "Gap", "find_gaps", "lead_resolutions"]

GAP_KINDS = ("NO_LEAD", "NO_COUNTERPART", "LEAD_ABOLISHED", "NO_LEGAL_BASIS", "UNCOVERED_BEHAVIOR")


@dataclass
class Gap:
    """One gap: an item, a region, a kind, and why."""

    item: str
    region: str
    kind: str
    detail: str
    resolution: Resolution | None = field(default=None, repr=False)
    extra: dict[str, Any] = field(default_factory=dict)


def scope(g: DutyGraph, region: str | None) -> list[str]:
    """The regions a scan covers: ``region`` and its subtree, or every region."""
    if region is None:
        roots = [c for c, r in g.regions.items() if not r.parent or r.parent not in g.regions]
        return [code for root in roots for code in g.subtree(root)]
    return g.subtree(g.find("region", region).code)


def lead_resolutions(
    g: DutyGraph, region: str | None = None, as_of: str | None = None
) -> Iterator[Resolution]:
    """Resolve the lead of every item applying at every region in scope."""
    as_of = as_of or today()
    for code in scope(g, region):
        level = g.regions[code].level
        for item in g.items.values():
            if item.applies_at(level):
                yield resolve(g, item.id, code, "lead", as_of)


def gaps_of(g: DutyGraph, res: Resolution) -> list[Gap]:
    """The gaps one resolution shows (empty when it answers well)."""
    out: list[Gap] = []
    item, region = res.item.id, res.region.code
    seen: set[str] = set()
    for f in res.findings:
        if f.kind in GAP_KINDS and f.kind not in seen:
            seen.add(f.kind)
            extra = {"line": f.line} if f.line else {}
            if f.department:
                extra["abolished"] = f.department
            out.append(Gap(item, region, f.kind, f.detail, res, extra))
    if res.duties and not has_basis_in_force(g, res.duties, res.as_of):
        out.append(
            Gap(
                item,
                region,
                "NO_LEGAL_BASIS",
                "no basis of the duties used is in force on " + res.as_of,
                res,
            )
        )
    return out


def find_gaps(
    g: DutyGraph,
    region: str | None = None,
    as_of: str | None = None,
    kinds: Iterable[str] | None = None,
) -> list[Gap]:
    """Every gap in ``region``'s subtree (or everywhere), as of a date.

    Parameters
    ----------
    g : DutyGraph
    region : code or name, optional
    as_of : ISO date, optional (default today)
    kinds : gap kinds to keep, optional (default all)
    """
    wanted = set(kinds) if kinds else None
    out = []
    for res in lead_resolutions(g, region, as_of):
        for gap in gaps_of(g, res):
            if wanted is None or gap.kind in wanted:
                out.append(gap)
    return out
