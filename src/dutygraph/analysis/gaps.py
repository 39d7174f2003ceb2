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

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from itertools import compress
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from .._gc import gc_paused
from ..columns import LeadRows
from ..graph import DutyGraph, walk_down
from ..model import Duty, Item, today
from ..reader import GraphReader, dispatchable, in_key_order, whole_graph
from .resolve import Resolution, answers_for, has_basis_in_force, resolve

__all__ = ["GAP_KINDS", "Gap", "find_gaps", "gaps_at", "lead_resolutions"]

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


GroupedRows = list[tuple[tuple[str, str | None], list[int]]]  # ((department, line), rows)


class _DutyTable:
    """The duty table as columns, for the scan's filtering passes (built once per graph).

    A store's graph keeps its duties as columns and builds a duty object only
    when one is asked for; a graph built from records has the objects, and
    the columns are taken from them. Only the columns the scan filters on are
    kept.
    """

    def __init__(self, g: DutyGraph) -> None:
        cols = g.duty_columns()  # a store's own columns, or made from the duty objects
        by_name = {name: cols.column(name) for name in _DUTY_FIELDS[:9]}
        self.item: list[str] = by_name["item"]
        self.region: list[str] = by_name["region"]
        self.department: list[str] = by_name["department"]
        self.role: list[str] = by_name["role"]
        self.bases: list[tuple[str, ...]] = by_name["bases"]
        self.start: list[str | None] = by_name["valid_from"]
        self.end: list[str | None] = by_name["valid_to"]
        self.line: list[str | None] = by_name["line"]
        # the lead rows a store kept with its columns (a fresh process's first scan reads
        # them instead of passing over every row), else None
        sites = g.duty_sites_index()
        self._kept: LeadRows | None = None
        self._site_leads: Callable[[tuple[str, str]], list[int] | None] | None = None
        if sites is not None and sites.leads is not None and cols is g.duty_columns():
            self._kept, self._site_leads = sites.leads, sites.lead_rows
        self._distinct: dict[str, set[Any]] = {}
        self._index: dict[str, dict[Any, list[int]]] = {}
        self._groups: dict[str, GroupedRows] = {}
        self._windows: dict[tuple[str, str], tuple[list[Any], str, str | None] | None] = {}

    def distinct(self, column: str) -> set[Any]:
        """The values found in ``column`` (any role, any date)."""
        out = self._distinct.get(column)
        if out is None:
            kept = self._kept.distinct(column) if self._kept is not None else None
            out = self._distinct[column] = set(getattr(self, column)) if kept is None else kept
        return out

    def lead_index(self, column: str, values: Iterable[Any]) -> dict[Any, list[int]]:
        """The lead duties (any date) whose ``column`` is one of ``values``, by value, each
        value's rows in row order. Kept per graph and value: the values not asked about
        before are found in one C-speed pass over the column, so a later scan, asking about
        the same few values (bad bases, dead departments, the regions above), reads only
        their rows."""
        index = self._index.setdefault(column, {})
        todo = {v for v in values if v not in index}
        kept = self._kept.of_values(column, todo) if todo and self._kept is not None else None
        if kept is not None:
            index.update(kept)
        elif todo:
            col, role = getattr(self, column), self.role
            found: dict[Any, list[int]] = {v: [] for v in todo}
            for k in compress(range(len(col)), map(todo.__contains__, col)):
                if role[k] == "lead":
                    found[col[k]].append(k)
            index.update(found)  # whole lists only: another thread's scan may read them
        return index

    def active(self, rows: list[int], as_of: str) -> list[int]:
        """Those of ``rows`` in force at ``as_of``."""
        start, end = self.start, self.end
        return [
            k
            for k in rows
            if ((f := start[k]) is None or f <= as_of) and ((t := end[k]) is None or as_of < t)
        ]

    def lead_window(
        self, g: DutyGraph, key: tuple[str, str]
    ) -> tuple[list[Any], str, str | None] | None:
        """The lead duties recorded at ``key`` (item, region), any date, as entries (row
        numbers, or duties: :meth:`DutyGraph.rows_at`), with the dates between which every
        one is in force: the latest start (``""``: none) and the earliest end (``None``:
        none). ``None``: no lead recorded there. Kept per graph: a later scan at a date in
        that window reads no row."""
        got = self._windows.get(key, _UNSEEN)
        if got is _UNSEEN and self._site_leads is not None:
            kept = self._site_leads(key)
            if kept is not None:
                got = None
                if len(kept) == 1:
                    k = kept[0]
                    got = (kept, self.start[k] or "", self.end[k])
                elif kept:
                    got = self._window(
                        kept, [self.start[k] for k in kept], [self.end[k] for k in kept]
                    )
                self._windows[key] = got
                return got
        if got is _UNSEEN:
            bucket = g.rows_at(*key)
            rows: list[Any]
            if len(bucket) == 1 and bucket[0].__class__ is int:  # most places: one duty
                k = bucket[0]
                got = ([k], self.start[k] or "", self.end[k]) if self.role[k] == "lead" else None
                self._windows[key] = got
                return got
            if bucket and bucket[0].__class__ is int:
                role, start, end = self.role, self.start, self.end
                rows = [k for k in bucket if role[k] == "lead"]
                starts, ends = [start[k] for k in rows], [end[k] for k in rows]
            else:
                rows = [d for d in bucket if d.role == "lead"]
                starts, ends = [d.valid_from for d in rows], [d.valid_to for d in rows]
            got = self._window(rows, starts, ends) if rows else None
            self._windows[key] = got
        return got  # type: ignore[return-value]

    @staticmethod
    def _window(
        rows: list[Any], starts: list[str | None], ends: list[str | None]
    ) -> tuple[list[Any], str, str | None]:
        """``rows`` with the latest of ``starts`` (``""``: none) and the earliest of ``ends``."""
        latest = max((f for f in starts if f is not None), default="")
        earliest = min((t for t in ends if t is not None), default=None)
        return (rows, latest, earliest)

    def lead_groups(self, regions: Iterable[str]) -> Iterator[tuple[str, GroupedRows]]:
        """The lead duties (any date) recorded at each of ``regions``, by (department, line)
        (kept per graph for the regions asked about: a scan asks about the few above the
        others)."""
        regions = list(regions)
        index = None
        for region in regions:
            groups = self._groups.get(region)
            if groups is None:
                if index is None:
                    index = self.lead_index("region", regions)
                by: dict[tuple[str, str | None], list[int]] = {}
                department, line = self.department, self.line
                for k in index[region]:
                    key = (department[k], line[k])
                    rows = by.get(key)
                    if rows is None:
                        by[key] = [k]
                    else:
                        rows.append(k)
                groups = self._groups[region] = list(by.items())
            yield region, groups

    def lead_rows(self, column: str, values: Iterable[Any], as_of: str) -> list[int]:
        """The lead duties active at ``as_of`` whose ``column`` is one of ``values`` (by value,
        then row order)."""
        values = list(values)
        index = self.lead_index(column, values)
        return [k for v in values for k in self.active(index[v], as_of)]


_DUTY_FIELDS = [f.name for f in fields(Duty)]
_UNSEEN = object()
K = TypeVar("K")
V = TypeVar("V")
_Found = tuple[str, str, list[Any]]  # source region, item on the path, lead entries there
_TABLES: WeakKeyDictionary[DutyGraph, _DutyTable] = WeakKeyDictionary()


def _duty_table(g: DutyGraph) -> _DutyTable:
    table = _TABLES.get(g)
    if table is None:
        table = _TABLES[g] = _DutyTable(g)
    return table


class _Memo(dict[K, V]):
    """A dict that works out a missing value with ``compute`` and keeps it."""

    def __init__(self, compute: Callable[[K], V]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: K) -> V:
        value = self[key] = self.compute(key)
        return value


class _Scanner:
    """Finds the (item, region) pairs that resolve badly, without visiting every pair.

    Two questions, kept apart. *Is a pair bad?* The nearest lead duties of
    (I, R) are those of R itself, else those of (I, parent of R): one memoised
    step per pair (:meth:`find`); what makes an answer on them bad is cached
    where it is shared — whether a duty list has a basis in force and which
    lines it needs, whether a region has a counterpart of a line
    (:meth:`judge`). *Which pairs can be bad?* A pair answers badly only if
    (1) no lead is found on its path, (2) the duties found rest on no basis in
    force, (3) they are the region's own and a department of theirs is
    abolished with no successor, or (4) they are inherited and the region
    lacks a department of a line they need. :meth:`candidates` lists the pairs
    open to each cause from the few duties, departments and regions that show
    it, so a province's 400,000 pairs come down to a few thousand, each judged
    by the rules above. Only the pairs judged bad are resolved in full (with
    evidence) by :func:`~dutygraph.analysis.resolve.resolve`, so the rules
    live in one place; tests hold the three to the same answers.
    """

    def __init__(self, g: DutyGraph, as_of: str) -> None:
        self.g = g
        self.as_of = as_of
        self.table = _duty_table(g)
        self.nearest: dict[tuple[str, str], _Found | None] = {}
        self._sites: _Memo[tuple[str, str], list[Any] | None] = _Memo(self._site)
        # memoised by value, read at C speed (``__getitem__``; a new value is worked out once)
        self._basis_ok: _Memo[tuple[str, ...], bool] = _Memo(self._basis_in_force)
        self._alive: _Memo[str, bool] = _Memo(self._department_alive)
        self._counterpart: dict[tuple[str, str], bool] = {}
        self._vertical: dict[tuple[str, str, str], bool] = {}
        self._needs: dict[int, tuple[tuple[str, bool], ...]] = {}
        self._row_needs: dict[tuple[str, str | None], tuple[tuple[str, bool], ...]] = {}
        self._below: dict[str, list[str]] | None = None
        self._below_of: dict[str, list[str]] = {}
        self._departments: dict[tuple[str, str], list[str]] = {}
        self._answered: dict[tuple[str, str, tuple[tuple[str, str], ...]], list[str]] = {}

    def departments(self, item: str, region: str) -> list[str]:
        """Who leads ``item`` in ``region``, departments only: what
        :func:`~dutygraph.analysis.resolve.resolve` answers, from the memoised nearest
        duties (:meth:`find`) and the resolution's own rules
        (:func:`~dutygraph.analysis.resolve.answers_for`) — which read the duties'
        departments and lines alone, so the answer is kept by region, source region and
        those (a county answers the same for every item its prefecture holds under a line)."""
        key = (item, region)
        out = self._departments.get(key)
        if out is None:
            found = self.find(item, region)
            if found is None:
                out = []
            else:
                source, at_item, entries = found
                deps, lines = self._fields(entries, "department", "line")
                # what answers_for reads, in key order (department, then line)
                pairs = zip(deps, [ln or "" for ln in lines], strict=True)
                sign = (region, source, tuple(sorted(pairs)))
                out = self._answered.get(sign)
                if out is None:
                    duties = in_key_order(
                        self.g.active_duties_at(at_item, source, "lead", self.as_of)
                    )
                    rpath = self.g.region_path(region)
                    path = rpath[: rpath.index(source) + 1]
                    answers = answers_for(self.g, duties, path, self.as_of, [])
                    out = self._answered[sign] = [a.department.id for a in answers]
            self._departments[key] = out
        return out

    # -- is a pair bad? ----------------------------------------------------------
    # The judge reads the lead duties as *entries*: row numbers in the graph's duty
    # columns on a stored graph (no Duty is built), the duty objects on a graph of
    # records (:meth:`DutyGraph.active_rows_at`); :meth:`_fields` reads either.

    def _fields(self, entries: list[Any], *names: str) -> list[list[Any]]:
        """The fields ``names`` of ``entries`` (row numbers or duties), one list per name."""
        if entries[0].__class__ is int:
            table = self.table
            return [[col[k] for k in entries] for col in (getattr(table, n) for n in names)]
        return [[getattr(d, n) for d in entries] for n in names]

    def _site(self, key: tuple[str, str]) -> list[Any] | None:
        got = self.table.lead_window(self.g, key)
        if got is None:
            return None
        rows, latest, earliest = got
        as_of = self.as_of
        if latest <= as_of and (earliest is None or as_of < earliest):
            return rows  # every one in force (the common case: no row read)
        return self.g.active_rows_at(key[0], key[1], "lead", as_of) or None

    def leads_at(self, item: str, region: str) -> list[Any] | None:
        """The lead duties recorded for ``item`` at ``region`` and active, as entries
        (``None``: none)."""
        return self._sites[(item, region)]

    def find(self, item: str, region: str) -> _Found | None:
        """The region where (item, region)'s nearest lead duties are recorded, the item
        (on ``item``'s path) they are recorded for, and those duties as entries."""
        key = (item, region)
        found = self.nearest.get(key, _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
        sites = self._sites
        for it in self.g.item_path(item):
            entries = sites[(it, region)]
            if entries:
                found = (region, it, entries)
                break
        else:
            regions = self.g.regions
            parent = regions[region].parent
            found = self.find(item, parent) if parent and parent in regions else None
        self.nearest[key] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def _basis_in_force(self, bases: tuple[str, ...]) -> bool:
        g, as_of = self.g, self.as_of
        return any((b := g.bases.get(bid)) is not None and b.in_force(as_of) for bid in bases)

    def _department_alive(self, department: str) -> bool:
        return self.g.current(department, self.as_of)[0] is not None

    def _tuple_ok(self, bases: tuple[str, ...]) -> bool:
        return self._basis_ok[bases]

    def _is_alive(self, department: str) -> bool:
        return self._alive[department]

    def _bases_in_force(self, entries: list[Any]) -> bool:
        """Whether any of ``entries`` rests on a basis in force (row numbers: read in C)."""
        if entries[0].__class__ is int:
            return any(map(self._basis_ok.__getitem__, map(self.table.bases.__getitem__, entries)))
        return any(self._basis_ok[d.bases] for d in entries)

    def _all_alive(self, entries: list[Any]) -> bool:
        if entries[0].__class__ is int:
            departments = map(self.table.department.__getitem__, entries)
            return all(map(self._alive.__getitem__, departments))
        return all(self._alive[d.department] for d in entries)

    def _needs_of(self, department: str, line: str | None) -> tuple[tuple[str, bool], ...]:
        """The (line, vertical) a duty of ``department`` (under ``line``) needs in an inheriting region."""
        key = (department, line)
        needs = self._row_needs.get(key)
        if needs is None:
            upstream = self.g.departments.get(department)
            if upstream is None:
                needs = ()
            else:
                lines = (line,) if line else upstream.systems
                needs = tuple((ln, upstream.vertical) for ln in lines)
            self._row_needs[key] = needs
        return needs

    def _lines(self, entries: list[Any]) -> tuple[tuple[str, bool], ...]:
        needs = self._needs.get(id(entries))
        if needs is None:
            departments, lines = self._fields(entries, "department", "line")
            needs = self._needs[id(entries)] = tuple(
                need
                for dep, ln in zip(departments, lines, strict=True)
                for need in self._needs_of(dep, ln)
            )
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

    def judge(self, region: str, found: _Found | None) -> bool:
        """Whether the answer resting on ``found`` (:meth:`find`) is bad in ``region``."""
        if found is None:
            return True
        source, _, entries = found
        if not self._bases_in_force(entries):
            return True
        if source == region:
            return not self._all_alive(entries)
        for line, vertical in self._lines(entries):
            if vertical:
                if not self._covered(region, source, line):
                    return True
            elif not self._has_counterpart(region, line):
                return True
        return False

    def bad(self, item: str, region: str) -> bool:
        """Whether (item, region) has a gap (cheap; :func:`gaps_of` says which)."""
        return self.judge(region, self.find(item, region))

    # -- which pairs can be bad? -------------------------------------------------

    def _item_below(self, item: str) -> list[str]:
        """``item`` and the items under it: those whose item path passes through it."""
        if self._below is None:
            children: dict[str, list[str]] = {}
            items = self.g.items
            for i, it in items.items():
                if it.parent in items:
                    children.setdefault(it.parent, []).append(i)
            self._below = children
        out = self._below_of.get(item)
        if out is not None:
            return out
        out = self._below_of[item] = walk_down(item, self._below.get)
        return out

    def _inheriting(
        self, item: str, at_item: str, code: str, in_scope: set[str]
    ) -> Iterator[tuple[str, str]]:
        """The pairs (``item``, R) in scope whose nearest lead duties are those of
        ``at_item`` at ``code`` (``item`` under ``at_item``): walking down from ``code``,
        a region where a lead is recorded for an item on ``item``'s path answers from
        its own duties, and so does its subtree — that walk stops there."""
        path, sites, children = self.g.item_path(item), self._sites, self.g.region_children
        stack = [code]
        while stack:
            reg = stack.pop()
            own = next((it for it in path if sites[(it, reg)]), None)
            if own is not None and (reg != code or own != at_item):
                continue
            if reg in in_scope:
                yield (item, reg)
            stack.extend(children(reg))

    def _missing_lines(self) -> dict[str, set[str]]:
        """For every region, the lines (of any duty or department) it has no active department of."""
        g = self.g
        table = _duty_table(g)
        lines = {ln for ln in table.distinct("line") if ln}
        for dep in g.departments.values():
            lines.update(dep.systems)
        out = {}
        for code in g.regions:
            present: set[str] = set()
            for dep in g.departments_in(code):
                if self._is_alive(dep.id):
                    present.update(dep.systems)
            out[code] = lines - present
        return out

    def candidates(self, codes: list[str], items: list[Item]) -> set[tuple[str, str]]:
        """A superset of the bad (item, region) pairs among ``codes`` and ``items``."""
        g, as_of = self.g, self.as_of
        in_scope = set(codes)
        wanted = {item.id for item in items}
        out: set[tuple[str, str]] = set()
        table = self.table

        def add_below(item: str, regions: Iterable[str]) -> None:
            for i in self._item_below(item):
                if i in wanted:
                    out.update((i, code) for code in regions)

        # (1) no lead anywhere on the path: walk down from the roots while none is found
        roots = [c for c, r in g.regions.items() if not r.parent or r.parent not in g.regions]
        leads_at = self.leads_at
        for item in items:
            path = g.item_path(item.id)
            stack = list(roots)
            while stack:
                code = stack.pop()
                if any(leads_at(it, code) for it in path):
                    continue
                if code in in_scope:
                    out.add((item.id, code))
                stack.extend(g.region_children(code))

        # (2) duties resting on no basis in force, and every pair that may inherit them
        bad_bases = {b for b in table.distinct("bases") if not self._tuple_ok(b)}
        if bad_bases:
            sites = {
                (table.item[k], table.region[k]) for k in table.lead_rows("bases", bad_bases, as_of)
            }
            for item_id, code in sites:
                duties = leads_at(item_id, code)
                if duties and not self._bases_in_force(duties):
                    for i in self._item_below(item_id):
                        if i in wanted:
                            out.update(self._inheriting(i, item_id, code, in_scope))

        # (3) a region's own lead duties held by an abolished department with no successor
        dead = {d for d in table.distinct("department") if not self._is_alive(d)}
        if dead:
            for k in table.lead_rows("department", dead, as_of):
                if table.region[k] in in_scope:
                    add_below(table.item[k], (table.region[k],))

        # (4) inherited duties needing a line the region has no department of (for a
        # vertical line, neither has its parent: the parent is on every inherited path)
        missing = self._missing_lines()
        problems: dict[str, set[tuple[str, bool]]] = {}
        for code in codes:
            miss = missing[code]
            parent = g.regions[code].parent
            if miss and parent and parent in g.regions:
                found = {(ln, False) for ln in miss}
                found.update((ln, True) for ln in miss & missing[parent])
                problems[code] = found
        if problems:
            # the lead duties recorded above a region lacking a line, by the lines they
            # need there (their own line, else their department's): the few regions above
            # (a province's and its prefectures') read by (department, line) — one look-up
            # of what a group needs, the dates of its rows only if it needs a short line
            short = {ln for needs in problems.values() for ln, _ in needs}
            above = {s for code in problems for s in g.region_path(code)[1:]}
            needed: dict[tuple[str, tuple[str, bool]], set[str]] = {}
            item_of = table.item.__getitem__
            for source, groups in table.lead_groups(above):
                for (dep, ln), rows in groups:
                    wants = [need for need in self._needs_of(dep, ln) if need[0] in short]
                    if wants and (active := table.active(rows, as_of)):
                        held = set(map(item_of, active))
                        for need in wants:
                            needed.setdefault((source, need), set()).update(held)
            for code, needs in problems.items():
                for source in g.region_path(code)[1:]:
                    for need in needs:
                        for item_id in needed.get((source, need), ()):
                            add_below(item_id, (code,))
        return out

    def bad_pairs(self, codes: list[str], items: list[Item]) -> list[tuple[str, str]]:
        """The bad (item, region) pairs among ``codes`` and ``items``, in that order."""
        g = self.g
        region_rank = {code: n for n, code in enumerate(codes)}
        item_rank = {item.id: n for n, item in enumerate(items)}
        bad = [
            (item_id, code)
            for item_id, code in self.candidates(codes, items)
            if g.items[item_id].applies_at(g.regions[code].level)
            and self.judge(code, self.find(item_id, code))
        ]
        bad.sort(key=lambda pair: (region_rank[pair[1]], item_rank[pair[0]]))
        return bad

    def build(self, pairs: list[tuple[str, str]]) -> None:
        """Build at once the nearest lead duties of ``pairs`` (on a stored graph: row
        numbers until now), which their resolutions hold (:meth:`DutyGraph.build_duties`)."""
        find = self.find
        self.g.build_duties(
            [
                e
                for pair in pairs
                if (found := find(*pair)) is not None
                for e in found[2]
                if e.__class__ is int
            ]
        )


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


@dispatchable
def find_gaps(
    g: GraphReader,
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
    g = whole_graph(g, "find_gaps")
    as_of = as_of or today()
    wanted = set(kinds) if kinds else None
    out = []
    with gc_paused():
        scanner = _Scanner(g, as_of)
        pairs = scanner.bad_pairs(scope(g, region), list(g.items.values()))
        scanner.build(pairs)
        for item, code in pairs:
            for gap in gaps_of(g, resolve(g, item, code, "lead", as_of)):
                if wanted is None or gap.kind in wanted:
                    out.append(gap)
    return out


def gaps_at(
    g: GraphReader,
    sites: Iterable[tuple[str, str]],
    as_of: str,
    kinds: Iterable[str] | None = None,
) -> list[Gap]:
    """The gaps at ``sites`` ((item, region) pairs, in the order given), as
    :func:`find_gaps` finds them there: each item applying at its region's level resolved
    (:func:`~dutygraph.analysis.resolve.resolve`) and its gaps kept (``kinds``: only
    those). It reads only what those resolutions read: on a store's reader, the rows by key
    (a scan's answer brought up to date after a small write, :mod:`dutygraph.cli.scan_patch`).

    >>> from dutygraph.fixtures import demo_graph
    >>> [(x.item, x.kind) for x in gaps_at(demo_graph(), [("I-OIL", "510107")], "2025-01-01")]
    [('I-OIL', 'NO_LEAD')]
    """
    wanted = set(kinds) if kinds else None
    items, regions = g.items, g.regions
    out = []
    for item, code in sites:
        if item not in items or code not in regions:
            continue
        if not items[item].applies_at(regions[code].level):
            continue
        for gap in gaps_of(g, resolve(g, item, code, "lead", as_of)):  # type: ignore[arg-type]
            if wanted is None or gap.kind in wanted:
                out.append(gap)
    return out
