"""The difference a scenario makes: every answer of SPEC §3, before and after, on one date.

:func:`what_if` applies the scenario to a copy of the graph
(:func:`~dutygraph.analysis.whatif.apply.apply_scenario`) and asks both graphs the
same questions on the same date — the scenario's date unless told otherwise —
with the analyses themselves (:mod:`~dutygraph.analysis.resolve`,
:mod:`~dutygraph.analysis.gaps`, :mod:`~dutygraph.analysis.conflicts`): so the
difference is the scenario's alone, whatever else the store has on that date.

* **who leads, who assists**: the (item, region) pairs whose answer names other
  departments, from whom to whom, and the scenario's changes behind it. Only pairs
  the scenario can reach are resolved: the regions below every department, duty and
  basis it touches, the items with a duty of a touched department, line or basis
  (and the items under them); tests hold this to a resolution of every pair;
* **gaps** by kind and **conflicts**, new and resolved (the whole scan on both sides);
* **duplicate inspections** that appear, vanish or change departments;
* **disputes** pending whose parties are abolished (and who takes their place);
* **lists to revise**: the rows of imported lists (with their source rows) that name
  a department the scenario abolishes, a basis it closes, or a duty it moves.

>>> from dutygraph.fixtures import SCENARIOS_PATH, demo_graph
>>> from dutygraph.io.scenario import read_scenario
>>> w = what_if(demo_graph(), read_scenario(SCENARIOS_PATH / "jinjiang-enforcement-2026.toml"))
>>> w.as_of, [(c.item, c.before, c.after) for c in w.leads if c.role == "lead"][:2]
('2026-01-01', [('I-SCRIPT', ['JJ-WTL'], ['JJ-ZHZF']), ('I-PREPAID', ['JJ-JXJ'], ['JJ-ZHZF'])])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, TypeVar

from ..._gc import gc_paused
from ...errors import UsageError
from ...graph import DutyGraph
from ...io.scenario import Change, Scenario
from ...model import INSPECTION, Dispute, Duty
from ..conflicts import (
    PENDING,
    Conflict,
    conflicts_at,
    duplicate_inspections,
    find_conflicts,
    source_of,
)
from ..gaps import Gap, _Scanner, find_gaps, gaps_of, scope
from ..resolve import Resolution, resolve
from .apply import Applied, apply_scenario, rows_by_department

__all__ = [
    "DisputeChange",
    "InspectionChange",
    "LeadChange",
    "ListRow",
    "WhatIf",
    "affected",
    "what_if",
]


@dataclass
class LeadChange:
    """An (item, region) whose lead (or assist) answer names other departments after the change."""

    item: str
    region: str
    role: str
    before: list[str]
    after: list[str]
    why: list[Change]
    before_res: Resolution = field(repr=False)
    after_res: Resolution = field(repr=False)


@dataclass
class InspectionChange:
    """A joint-inspection candidate (region, object) that appears, vanishes or changes."""

    region: str
    object: str
    change: str  # "appears", "vanishes", "changes"
    before: list[str]
    after: list[str]
    items: list[str]


@dataclass
class DisputeChange:
    """A pending dispute one of whose parties is abolished: who takes its place (or nobody)."""

    dispute: Dispute
    party: str
    successor: str | None
    why: list[Change]


@dataclass
class ListRow:
    """A row of an imported list that must change: the duty as read, where, and what to change."""

    duty: Duty
    source: str
    change: str  # "department", "basis", "moved"
    detail: str
    why: list[Change]
    new: Duty | None = None


@dataclass
class WhatIf:
    """The difference of the answers of ``before`` and ``after`` on ``as_of`` (see the module)."""

    scenario: Scenario
    as_of: str
    region: str | None
    applied: Applied
    leads: list[LeadChange] = field(default_factory=list)
    gaps_new: list[Gap] = field(default_factory=list)
    gaps_resolved: list[Gap] = field(default_factory=list)
    conflicts_new: list[Conflict] = field(default_factory=list)
    conflicts_resolved: list[Conflict] = field(default_factory=list)
    inspections: list[InspectionChange] = field(default_factory=list)
    disputes: list[DisputeChange] = field(default_factory=list)
    lists: list[ListRow] = field(default_factory=list)

    @property
    def before(self) -> DutyGraph:
        return self.applied.before

    @property
    def after(self) -> DutyGraph:
        return self.applied.graph

    def counts(self) -> dict[str, int]:
        return {
            "leads": sum(c.role == "lead" for c in self.leads),
            "assists": sum(c.role == "assist" for c in self.leads),
            "gaps_new": len(self.gaps_new),
            "gaps_resolved": len(self.gaps_resolved),
            "conflicts_new": len(self.conflicts_new),
            "conflicts_resolved": len(self.conflicts_resolved),
            "inspections": len(self.inspections),
            "disputes": len(self.disputes),
            "lists": len(self.lists),
        }


def _valid_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"--as-of {value!r} 不是日期 (not a date); write YYYY-MM-DD") from None


def what_if(
    g: DutyGraph,
    scenario: Scenario,
    region: str | None = None,
    as_of: str | None = None,
    *,
    exhaustive: bool = False,
    within: set[str] | None = None,
) -> WhatIf:
    """What changes in every answer when ``scenario`` applies to ``g`` (never changed).

    Parameters
    ----------
    g : DutyGraph
        The graph as it is (a store's snapshot).
    scenario : Scenario
    region : code or name, optional
        Only this region and those below it (default: everywhere).
    as_of : ISO date, optional
        The date to compare on (default: the scenario's date, its last change's); the
        changes dated after it are checked but not applied (they are not in effect yet).
    exhaustive : bool
        Resolve every (item, region) pair instead of those the scenario can reach
        (slow on a province; the tests' check of :func:`affected`).
    within : set of region codes, optional
        Only these regions (``region`` unset): one piece of a what-if computed region by
        region (:mod:`~dutygraph.analysis.whatif.pieces`), on a graph that holds the piece
        and the regions above it. The scenario is then taken as checked already (on the
        records it touches): a change that finds nothing to change in the piece is left out
        there, not refused.

    Raises
    ------
    ScenarioInvalid
        A change of the scenario cannot apply to ``g`` (located problems).
    """
    with gc_paused():  # a province's answers are many small objects, none in a cycle
        return _what_if(g, scenario, region, as_of, exhaustive, within)


def _what_if(
    g: DutyGraph,
    scenario: Scenario,
    region: str | None,
    as_of: str | None,
    exhaustive: bool,
    within: set[str] | None = None,
) -> WhatIf:
    date = _valid_date(as_of) if as_of else scenario.date
    strict = within is None
    applied = apply_scenario(g, scenario, strict=strict)  # every change checked, whatever the date
    later = [c for c in scenario.changes if c.date > date]
    if later:  # a change not yet in effect changes nothing (and lines are unversioned)
        kept = [c for c in scenario.changes if c.date <= date]
        applied = apply_scenario(g, Scenario(scenario.title, kept, scenario.source), strict=strict)
    after = applied.graph
    in_scope = scope(g, region)
    if within is not None:
        in_scope = [c for c in in_scope if c in within]
    code = g.find("region", region).code if region else None
    out = WhatIf(scenario, date, code, applied)

    if exhaustive:
        regions, items = set(in_scope), {"lead": set(g.items), "assist": set(g.items)}
    else:
        regions, items = affected(applied)
    regions &= set(in_scope)
    ordered = [c for c in in_scope if c in regions]
    region_rank = {c: n for n, c in enumerate(ordered)}
    item_rank = {i: n for n, i in enumerate(g.items)}
    # who leads, departments only, memoised on each side (the gap scan's look-ups): a pair
    # is resolved in full, with its evidence, only where the two answers differ
    scans = _Scanner(g, date), _Scanner(after, date)
    for role in ("lead", "assist"):
        item_order = [i for i in g.items if i in items[role]]
        for reg in ordered:
            level = g.regions[reg].level
            for item in item_order:
                if not g.items[item].applies_at(level):
                    continue
                if (
                    role == "lead"
                    and not exhaustive
                    and scans[0].departments(item, reg) == scans[1].departments(item, reg)
                ):
                    continue
                a = resolve(g, item, reg, role, date)
                b = resolve(after, item, reg, role, date)
                if a.departments() != b.departments():
                    why = _why(applied, a, b)
                    out.leads.append(
                        LeadChange(item, reg, role, a.departments(), b.departments(), why, a, b)
                    )
    out.leads.sort(key=lambda c: (c.role != "lead", region_rank[c.region], item_rank[c.item]))

    if exhaustive:  # the reference: the whole scans on both sides
        gaps = find_gaps(g, code, date), find_gaps(after, code, date)
        conflicts = find_conflicts(g, code, date), find_conflicts(after, code, date)
        out.inspections = _all_inspections(g, after, set(ordered), date)
    else:  # the pairs and sites the scenario can reach (the rest answer the same)
        pairs = [(i, reg) for reg in ordered for i in g.items if i in items["lead"]]
        gaps = _gaps_among(g, scans[0], pairs), _gaps_among(after, scans[1], pairs)
        sites = _conflict_sites(applied, set(in_scope), date)
        conflicts = (
            [c for item, reg in sites for c in conflicts_at(g, item, reg, date)],
            [c for item, reg in sites for c in conflicts_at(after, item, reg, date)],
        )
        out.inspections = _inspections(out, scans, items["lead"])
    out.gaps_new, out.gaps_resolved = _new_and_gone(*gaps, _gap_key)
    out.conflicts_new, out.conflicts_resolved = _new_and_gone(*conflicts, _conflict_key)
    out.disputes = _disputes(applied, set(in_scope), date)
    out.lists = _lists(applied, set(in_scope), date)
    return out


def _gaps_among(g: DutyGraph, scan: _Scanner, pairs: list[tuple[str, str]]) -> list[Gap]:
    """The gaps :func:`~dutygraph.analysis.gaps.find_gaps` reports among ``pairs`` (in
    their order): the scan's judgement, then the bad pairs resolved in full."""
    out: list[Gap] = []
    for item, reg in pairs:
        if g.items[item].applies_at(g.regions[reg].level) and scan.bad(item, reg):
            out.extend(gaps_of(g, resolve(g, item, reg, "lead", scan.as_of)))
    return out


def _conflict_sites(applied: Applied, in_scope: set[str], date: str) -> list[tuple[str, str]]:
    """The (item, region) pairs where a conflict can appear or go, in the scan's order: those
    of a duty the scenario changes, and of every duty of a department that stands for
    another on ``date`` after it (abolished, merged, renamed) — a conflict is made by the
    duties recorded at its pair and the departments they stand for."""
    g, after = applied.before, applied.graph
    sites: dict[tuple[str, str], None] = {}
    for _, old, new, _ in applied.duties:
        for d in (old, new):
            if d is not None:
                sites[(d.item, d.region)] = None

    def stands_for(graph: DutyGraph, dep: str) -> str | None:
        cur, _ = graph.current(dep, date)
        return cur.id if cur is not None else None

    moved = [dep for dep in g.departments if stands_for(g, dep) != stands_for(after, dep)]
    if moved:
        cols = g.duty_columns()
        item_col, region_col = cols.column("item"), cols.column("region")
        by_dep = rows_by_department(g)
        for dep in moved:
            for k in by_dep.get(dep, ()):
                sites[(item_col[k], region_col[k])] = None
    order = {c: n for n, c in enumerate(scope(g, None))}
    return sorted((s for s in sites if s[1] in in_scope), key=lambda s: (order.get(s[1], 0), s[0]))


T = TypeVar("T")


def _new_and_gone(
    before: list[T], after: list[T], key: Callable[[T], tuple[Any, ...]]
) -> tuple[list[T], list[T]]:
    """What ``after`` finds that ``before`` does not, and what ``before`` finds that is gone."""
    was, now = {key(x) for x in before}, {key(x) for x in after}
    return [x for x in after if key(x) not in was], [x for x in before if key(x) not in now]


def _gap_key(gap: Gap) -> tuple[Any, ...]:
    return (gap.item, gap.region, gap.kind, gap.extra.get("line"))


def _conflict_key(c: Conflict) -> tuple[Any, ...]:
    return (c.item, c.region, c.kind, tuple(c.departments))


def _roots(codes: set[str], g: DutyGraph) -> list[str]:
    """The regions of ``codes`` whose parent is not in it (``codes`` is a union of subtrees)."""
    return [c for c in g.regions if c in codes and g.regions[c].parent not in codes]


def affected(applied: Applied) -> tuple[set[str], dict[str, set[str]]]:
    """The regions, and the items by role, whose answers the scenario can change (a superset).

    Regions: every region below a department the scenario touches, a duty it
    changes, or a duty resting on a basis it closes. Items, for a role: those with a
    duty of that role held by a touched department, by a department of a touched line,
    under a touched line, changed, or resting on a touched basis — and every item under
    them (who leads an item with no duty of its own is who leads its parent).
    """
    g, after = applied.before, applied.graph
    touched = set(applied.departments)
    lines = set(applied.lines)
    for dep_id in touched:
        for graph in (g, after):
            dep = graph.departments.get(dep_id)
            if dep is not None:
                lines.update(dep.systems)
    carriers = {
        d.id
        for graph in (g, after)
        for d in graph.departments.values()
        if lines.intersection(d.systems)
    }
    holders = touched | carriers
    bases = set(applied.bases)
    regions: set[str] = set()
    items: dict[str, set[str]] = {role: set() for role in ("lead", "assist", "territorial")}
    for dep_id in touched:
        dep = after.departments.get(dep_id) or g.departments.get(dep_id)
        if dep is not None:
            regions.add(dep.region)
    for _, old, new, _ in applied.duties:
        for d in (old, new):
            if d is not None:
                regions.add(d.region)
                items.setdefault(d.role, set()).add(d.item)
    cols = g.duty_columns()
    if cols:
        dept_col, item_col, line_col = (cols.column(n) for n in ("department", "item", "line"))
        role_col, region_col, bases_col = (cols.column(n) for n in ("role", "region", "bases"))
        hit = [
            dep in holders or (ln is not None and ln in lines)
            for dep, ln in zip(dept_col, line_col, strict=True)
        ]
        if bases:
            on = [not bases.isdisjoint(b) for b in bases_col]
            regions.update(compress(region_col, on))
            hit = [h or o for h, o in zip(hit, on, strict=True)]
        for item, role in compress(zip(item_col, role_col, strict=True), hit):
            items.setdefault(role, set()).add(item)
    below: dict[str, list[str]] = {}
    for i, it in g.items.items():
        if it.parent:
            below.setdefault(it.parent, []).append(i)
    for found in items.values():
        stack = list(found)
        while stack:
            for child in below.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        found &= set(g.items)
    codes: set[str] = set()
    for r in regions:
        if r in g.regions and r not in codes:
            codes.update(g.subtree(r))
    return codes, items


def _all_inspections(
    g: DutyGraph, after: DutyGraph, regions: set[str], date: str
) -> list[InspectionChange]:
    out: list[InspectionChange] = []
    for root in _roots(regions, g):
        a = {(x.region, x.object): x for x in duplicate_inspections(g, root, date)}
        b = {(x.region, x.object): x for x in duplicate_inspections(after, root, date)}
        for key in [*a, *(k for k in b if k not in a)]:
            xa, xb = a.get(key), b.get(key)
            before = xa.departments if xa else []
            now = xb.departments if xb else []
            if before == now:
                continue
            kind = "appears" if xa is None else "vanishes" if xb is None else "changes"
            items = (xb or xa).items  # type: ignore[union-attr]
            out.append(InspectionChange(key[0], key[1], kind, before, now, items))
    return out


def _inspections(
    w: WhatIf, scans: tuple[_Scanner, _Scanner], affected_items: set[str]
) -> list[InspectionChange]:
    """Duplicate inspections that appear, vanish or change, as
    :func:`~dutygraph.analysis.conflicts.duplicate_inspections` finds them — looked at only
    where an inspection item's lead changed, with who leads from the scans' memoised
    look-ups; an item the scenario cannot reach answers the same on both sides, so it is
    looked up once (the tests hold this to the scan on both graphs)."""
    g = w.before
    by_object: dict[str, list[str]] = {}
    for item in g.items.values():
        if item.power_type == INSPECTION:
            for obj in item.objects:
                by_object.setdefault(obj, []).append(item.id)
    touched: dict[str, dict[str, None]] = {}
    for c in w.leads:
        it = g.items[c.item]
        if c.role == "lead" and it.power_type == INSPECTION:
            for obj in it.objects:
                touched.setdefault(c.region, {})[obj] = None
    out: list[InspectionChange] = []
    order = {c: n for n, c in enumerate(scope(g, None))}
    before, after = scans
    for reg in sorted(touched, key=lambda c: order.get(c, 0)):
        level = g.regions[reg].level
        for obj in (o for o in by_object if o in touched[reg]):
            applying = [i for i in by_object[obj] if g.items[i].applies_at(level)]
            if len(applying) < 2:
                continue
            sides = []
            for scan in scans:
                depts: dict[str, None] = {}
                used: list[str] = []
                for i in applying:
                    answers = (
                        after if scan is after and i in affected_items else before
                    ).departments(i, reg)
                    if answers:
                        used.append(i)
                    depts.update(dict.fromkeys(answers))
                sides.append((sorted(depts) if len(depts) >= 2 else [], used))
            (was, used_a), (now, used_b) = sides
            if was == now:
                continue
            kind = "appears" if not was else "vanishes" if not now else "changes"
            out.append(InspectionChange(reg, obj, kind, was, now, used_b if now else used_a))
    return out


def _disputes(applied: Applied, in_scope: set[str], date: str) -> list[DisputeChange]:
    g, after = applied.before, applied.graph
    out: list[DisputeChange] = []
    for d in after.disputes.values():
        if d.status not in PENDING or d.region not in in_scope:
            continue
        for party in d.parties:
            was, _ = g.current(party, date)
            now, _ = after.current(party, date)
            if was is not None and (now is None or now.id != was.id):
                why = applied.touching(departments=[party, was.id])
                out.append(DisputeChange(d, party, now.id if now else None, why))
    return out


def _lists(applied: Applied, in_scope: set[str], date: str) -> list[ListRow]:
    """The rows of imported lists the scenario makes wrong, each once, in list order."""
    g, after = applied.before, applied.graph
    out: dict[tuple[str, ...], ListRow] = {}

    def live(d: Duty) -> bool:
        return d.region in in_scope and (d.valid_to is None or date < d.valid_to)

    opened = {_row_key(n): n for _, o, n, _ in applied.duties if o is None}
    for _, old, new, change in applied.duties:
        if old is not None and live(old):
            to = opened.get(_row_key(old), new)
            detail = (
                f"职责划转：{old.department} → {to.department}（自 {to.valid_from}）"
                if to.department != old.department
                else f"依据变更：{'、'.join(new.bases)}"
            )
            out[old.key] = ListRow(old, source_of(old), "moved", detail, [change], to)
    for dep_id in applied.departments:
        dep = after.departments.get(dep_id)
        was = g.departments.get(dep_id)
        if dep is None or was is None or dep.valid_to == was.valid_to:
            continue
        succ, _ = after.current(dep_id, date)
        cols = g.duty_columns()
        for duty in (cols.record(k) for k in rows_by_department(g).get(dep_id, ())):
            if live(duty) and duty.key not in out:
                detail = (
                    f"实施主体 {dep.name} ({dep_id}) 撤销，改为 {succ.name} ({succ.id})"
                    if succ is not None
                    else f"实施主体 {dep.name} ({dep_id}) 撤销且无承接部门：需重新确定"
                )
                out[duty.key] = ListRow(
                    duty, source_of(duty), "department", detail, applied.departments[dep_id]
                )
    for basis_id, changes in applied.bases.items():
        b = after.bases.get(basis_id)
        if b is None or b.valid_to is None:
            continue
        cols = g.duty_columns()
        bases_col = cols.column("bases") if cols else []
        resting = compress(range(len(bases_col)), (basis_id in b for b in bases_col))
        for duty in (cols.record(k) for k in resting):
            if live(duty) and duty.key not in out:
                rest = [x for x in after.duties_at(duty.item, duty.region) if x.key == duty.key]
                still = rest and any(
                    (bb := after.bases.get(x)) is not None and bb.in_force(date)
                    for x in rest[0].bases
                )
                detail = f"依据 {b.title}{b.article or ''} ({basis_id}) 自 {b.valid_to} 失效" + (
                    "" if still else "：该职责再无有效依据，需补充依据"
                )
                out[duty.key] = ListRow(duty, source_of(duty), "basis", detail, changes)
    rows = list(out.values())
    rows.sort(
        key=lambda r: (
            r.source,
            r.duty.origin.file if r.duty.origin else "",
            r.duty.origin.row or 0 if r.duty.origin else 0,
        )
    )
    return rows


def _row_key(d: Duty) -> tuple[Any, ...]:
    """A duty's list row: a duty moved to another department keeps its item, region, role
    and origin."""
    return (d.item, d.region, d.role, d.origin)


def _why(applied: Applied, a: Resolution, b: Resolution) -> list[Change]:
    """The scenario's changes behind a changed answer: those touching a department or basis
    it rests on, and — for a change of lines — one of the lines the answers went through."""
    duties = (*a.duties, *b.duties)
    found = applied.touching(
        departments=[*a.departments(), *b.departments(), *(d.department for d in duties)],
        bases=[x for d in duties for x in d.bases],
    )
    used = {ln for res in (a, b) for ans in res.answers for ln in ans.lines}
    used.update(d.line for d in duties if d.line)
    if not used:
        return found
    kept = [
        c
        for c in found
        if not (lines := {*c.many("lines"), *([c.get("line")] if c.get("line") else [])})
        or lines & used
    ]
    return kept or found
