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

from .._gc import gc_paused
from ..graph import DutyGraph
from ..model import Duty, Item, today
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
    tree. What makes an answer bad is then cached where it is shared: whether
    a duty list has a basis in force and which lines it needs (per list — an
    inherited list serves a whole subtree), whether a region has a counterpart
    of a line (per region and line). Only the pairs flagged are resolved in
    full (with evidence) by :func:`~dutygraph.analysis.resolve.resolve`, so the
    rules live in one place; a test holds the two to the same answers.
    """

    def __init__(self, g: DutyGraph, as_of: str) -> None:
        self.g = g
        self.as_of = as_of
        basis_ok: dict[tuple[str, ...], bool] = {}
        self.leads = g.active_leads(as_of)
        self._basis_ok = basis_ok
        self.nearest: dict[tuple[str, str], tuple[str, list[Duty]] | None] = {}
        self._alive: dict[str, bool] = {}
        self._counterpart: dict[tuple[str, str], bool] = {}
        self._vertical: dict[tuple[str, str, str], bool] = {}
        self._list_ok: dict[int, bool] = {}
        self._needs: dict[int, tuple[tuple[str, bool], ...]] = {}

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

    def _bases_in_force(self, duties: list[Duty]) -> bool:
        ok = self._list_ok.get(id(duties))
        if ok is None:
            cache = self._basis_ok
            ok = False
            for d in duties:
                b = cache.get(d.bases)
                if b is None:
                    b = cache[d.bases] = has_basis_in_force(self.g, [d], self.as_of)
                if b:
                    ok = True
                    break
            self._list_ok[id(duties)] = ok
        return ok

    def _all_alive(self, duties: list[Duty]) -> bool:
        alive = self._alive
        for d in duties:
            ok = alive.get(d.department)
            if ok is None:
                ok = alive[d.department] = self.g.current(d.department, self.as_of)[0] is not None
            if not ok:
                return False
        return True

    def _lines(self, duties: list[Duty]) -> tuple[tuple[str, bool], ...]:
        needs = self._needs.get(id(duties))
        if needs is None:
            out = []
            for d in duties:
                upstream = self.g.departments.get(d.department)
                if upstream is not None:
                    for line in (d.line,) if d.line else upstream.systems:
                        out.append((line, upstream.vertical))
            needs = self._needs[id(duties)] = tuple(out)
        return needs

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

    def judge(self, region: str, found: tuple[str, list[Duty]] | None) -> bool:
        """Whether the answer resting on ``found`` is bad in ``region``."""
        if found is None:
            return True
        source, duties = found
        ok = self._list_ok.get(id(duties))
        if ok is None:
            ok = self._bases_in_force(duties)
        if not ok:
            return True
        if source == region:
            return not self._all_alive(duties)
        for line, vertical in self._lines(duties):
            if vertical:
                if not self._covered(region, source, line):
                    return True
            elif not self._has_counterpart(region, line):
                return True
        return False

    def bad(self, item: str, region: str) -> bool:
        """Whether (item, region) has a gap (cheap; :func:`gaps_of` says which)."""
        return self.judge(region, self.find(item, region))

    def bad_pairs(self, codes: list[str], items: list[Item]) -> Iterator[tuple[str, str]]:
        """The bad (item, region) pairs among ``codes`` (parents first) and ``items``."""
        g, leads, nearest = self.g, self.leads, self.nearest
        paths = [(item.id, g.item_path(item.id), item) for item in items]
        for code in codes:
            region = g.regions[code]
            parent = region.parent if region.parent in g.regions else None
            level = region.level
            judge = self.judge
            for item_id, path, item in paths:
                found = None
                for it in path:
                    duties = leads.get((it, code))
                    if duties:
                        found = (code, duties)
                        break
                else:
                    if parent is not None:
                        found = nearest.get((item_id, parent), _UNSEEN)
                        if found is _UNSEEN:
                            found = self.find(item_id, parent)
                nearest[(item_id, code)] = found
                if (not item.levels or level in item.levels) and judge(code, found):
                    yield item_id, code


_UNSEEN: Any = object()


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
    out = []
    with gc_paused():
        scanner = _Scanner(g, as_of)
        for item, code in scanner.bad_pairs(scope(g, region), list(g.items.values())):
            for gap in gaps_of(g, resolve(g, item, code, "lead", as_of)):
                if wanted is None or gap.kind in wanted:
                    out.append(gap)
    return out
