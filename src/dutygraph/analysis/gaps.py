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
from ..model import Duty, today
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


class _Scanner:
    """Finds the (item, region) pairs that resolve badly, without resolving every pair in full.

    The nearest lead duties of (I, R) are those of R itself, else those of
    (I, parent of R): one memoised step per pair, top-down over the region
    tree. Counterpart look-ups, successor chains and basis checks are cached.
    Only the pairs that show a problem are then resolved in full (with
    evidence) by :func:`~dutygraph.analysis.resolve.resolve` — so the rules
    live in one place, and a test holds the two to the same answers.
    """

    def __init__(self, g: DutyGraph, as_of: str) -> None:
        self.g = g
        self.as_of = as_of
        self.leads: dict[tuple[str, str], list[Duty]] = {}
        for key, duties in g._duties_at.items():
            active = [d for d in duties if d.role == "lead" and d.active(as_of)]
            if active:
                self.leads[key] = active
        self.nearest: dict[tuple[str, str], tuple[str, list[Duty]] | None] = {}
        self._current: dict[str, bool] = {}
        self._counterpart: dict[tuple[str, str], bool] = {}
        self._vertical: dict[tuple[str, str, str], bool] = {}
        self._basis: dict[int, bool] = {}

    def find(self, item: str, region: str) -> tuple[str, list[Duty]] | None:
        key = (item, region)
        if key in self.nearest:
            return self.nearest[key]
        found: tuple[str, list[Duty]] | None = None
        for it in self.g.item_path(item):
            duties = self.leads.get((it, region))
            if duties:
                found = (region, duties)
                break
        else:
            parent = self.g.regions[region].parent
            if parent and parent in self.g.regions:
                found = self.find(item, parent)
        self.nearest[key] = found
        return found

    def _alive(self, dept: str) -> bool:
        ok = self._current.get(dept)
        if ok is None:
            ok = self._current[dept] = self.g.current(dept, self.as_of)[0] is not None
        return ok

    def _has_counterpart(self, region: str, line: str) -> bool:
        key = (region, line)
        ok = self._counterpart.get(key)
        if ok is None:
            ok = self._counterpart[key] = bool(self.g.counterparts(region, line, self.as_of))
        return ok

    def _covered(self, region: str, source: str, line: str) -> bool:
        key = (region, source, line)
        ok = self._vertical.get(key)
        if ok is None:
            ok = False
            for reg in self.g.region_path(region):
                if self._has_counterpart(reg, line):
                    ok = True
                    break
                if reg == source:
                    break
            self._vertical[key] = ok
        return ok

    def bad(self, item: str, region: str) -> bool:
        """Whether (item, region) has a gap (cheap; :func:`gaps_of` says which)."""
        found = self.find(item, region)
        if found is None:
            return True
        source, duties = found
        ok = self._basis.get(id(duties))
        if ok is None:
            ok = self._basis[id(duties)] = has_basis_in_force(self.g, duties, self.as_of)
        if not ok:
            return True
        if source == region:
            return not all(self._alive(d.department) for d in duties)
        departments = self.g.departments
        for d in duties:
            upstream = departments.get(d.department)
            if upstream is None:
                continue
            for line in (d.line,) if d.line else upstream.systems:
                if upstream.vertical:
                    if not self._covered(region, source, line):
                        return True
                elif not self._has_counterpart(region, line):
                    return True
        return False


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
    as_of = as_of or today()
    wanted = set(kinds) if kinds else None
    scanner = _Scanner(g, as_of)
    items = list(g.items.values())
    out = []
    for code in scope(g, region):
        level = g.regions[code].level
        for item in items:
            if item.applies_at(level) and scanner.bad(item.id, code):
                for gap in gaps_of(g, resolve(g, item.id, code, "lead", as_of)):
                    if wanted is None or gap.kind in wanted:
                        out.append(gap)
    return out
