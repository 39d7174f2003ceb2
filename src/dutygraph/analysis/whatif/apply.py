"""Applying a scenario to a copy of the graph, in memory (never to a store).

:func:`apply_scenario` checks every change of a :class:`~dutygraph.io.scenario.Scenario`
against the graph — and against the changes before it, taken in date order — and
returns the changed copy with what it touched. A change that cannot apply (an
unknown department, a merge into itself, a department named before it exists or
after it is gone, a repealed article the law lacks) is a located
:class:`~dutygraph.errors.Problem`; with any, :class:`~dutygraph.errors.ScenarioInvalid`
lists them all and nothing is returned.

What each action does on its date D (nothing is deleted: records are closed):

``create``
    a new department from D;
``abolish``
    the department is closed at D, with its successor when one is named (its
    duties then resolve to the successor, as any abolished department's do);
``merge``
    the departments are closed at D with the target as successor; a new target
    (``name`` given) is created with their lines; an existing one takes their lines;
``rename``
    a new department (the target id, the new name, the old one's lines,
    region and vertical flag) from D; the old one closed with it as successor;
``move-line``
    the line passes from one department to another, with the duties the first
    held under it (closed at D, reopened under the target from D);
``set-vertical``
    every department of the line (in ``region``'s subtree) becomes vertically
    managed, or local;
``repeal``
    the bases of the act (or of one article) close at D;
``replace``
    the bases close at D and the duties resting on them rest on the new basis too
    (an existing basis, or one made from ``title`` and ``article``);
``transfer``
    the duties of a department (on an item, in a region, of a role) are closed at
    D and reopened under the target.

Department records keep no history of their lines: a line moved onto or off a
department that existed before the scenario changes it for every date. The
comparison (:func:`dutygraph.analysis.whatif.what_if`) reads both graphs on one
date, so it is exact there; :attr:`Applied.unversioned` lists those departments.

>>> from dutygraph.fixtures import SCENARIOS_PATH, demo_graph
>>> from dutygraph.io.scenario import read_scenario
>>> s = read_scenario(SCENARIOS_PATH / "jinjiang-enforcement-2026.toml")
>>> a = apply_scenario(demo_graph(), s)
>>> a.graph.departments["JJ-ZHZF"].systems
('culture-tourism', 'sports', 'housing', 'emergency', 'commerce')
>>> a.graph.departments["JJ-WTL"].systems, a.unversioned
((), ['JJ-WTL', 'JJ-ZJJ', 'JJ-YJJ', 'JJ-JXJ', 'JJ-SWJ'])
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import compress
from typing import Any
from weakref import WeakKeyDictionary

from ...errors import Ambiguous, NotFound, Problem, ScenarioInvalid
from ...graph import DutyGraph
from ...io.scenario import Change, Scenario
from ...model import Department, Duty, LegalBasis

__all__ = ["ACTION_NAMES", "Applied", "apply_scenario", "describe", "rows_by_department"]

#: the Chinese name of each action, as reports show it
ACTION_NAMES = {
    "create": "设立",
    "abolish": "撤销",
    "merge": "合并",
    "rename": "更名",
    "move-line": "划转条线",
    "set-vertical": "垂直管理",
    "repeal": "废止",
    "replace": "替换依据",
    "transfer": "职责划转",
}


@dataclass
class Applied:
    """A scenario applied to a copy of a graph: the copy, and what changed in it."""

    scenario: Scenario
    before: DutyGraph
    graph: DutyGraph
    #: department id -> the changes that touched it (created, closed, lines, duties)
    departments: dict[str, list[Change]] = field(default_factory=dict)
    #: basis id -> the changes that closed or replaced it
    bases: dict[str, list[Change]] = field(default_factory=dict)
    #: lines moved or made vertical/local
    lines: dict[str, list[Change]] = field(default_factory=dict)
    #: duties changed: (row in the original's duty columns or None for a new one, the duty
    #: as it was or None, the duty as it is, the change)
    duties: list[tuple[int | None, Duty | None, Duty, Change]] = field(default_factory=list)
    #: departments created by the scenario
    created: list[str] = field(default_factory=list)
    #: departments that existed before the scenario and whose lines or flag it changes
    unversioned: list[str] = field(default_factory=list)
    _order: dict[int, int] = field(default_factory=dict, repr=False)

    def touching(
        self, departments: Iterable[str] = (), bases: Iterable[str] = (), lines: Iterable[str] = ()
    ) -> list[Change]:
        """The changes that touched any of these departments, bases or lines, in scenario order."""
        out: dict[int, Change] = {}
        for table, keys in (
            (self.departments, departments),
            (self.bases, bases),
            (self.lines, lines),
        ):
            for k in keys:
                for c in table.get(k, ()):
                    out[id(c)] = c
        if len(self._order) != len(self.scenario.changes):
            self._order = {id(c): n for n, c in enumerate(self.scenario.changes)}
        order = self._order
        return sorted(out.values(), key=lambda c: order[id(c)])


def describe(change: Change) -> str:
    """One line in Chinese saying what a change does (for a report's 'why').

    >>> from dutygraph.io.scenario import Change
    >>> describe(Change("move-line", "2026-01-01", {"line": "housing", "department": ("JJ-ZJJ",),
    ...     "target": "JJ-ZHZF"}, "s.toml", 4))
    '2026-01-01 划转条线 housing：JJ-ZJJ → JJ-ZHZF（s.toml 第 4 项）'
    """
    v = change.values
    deps = "、".join(change.many("department"))
    target = change.get("target") or ""
    what = {
        "create": f"{deps} {v.get('name', '')}",
        "abolish": f"{deps}" + (f" → {target}" if target else "（无承接部门）"),
        "merge": f"{deps} → {target}",
        "rename": f"{deps} → {target} {v.get('name', '')}",
        "move-line": f"{v.get('line', '')}：{deps} → {target}",
        "set-vertical": f"{v.get('line', '')} {'垂直管理' if change.flag('vertical') else '属地管理'}",
        "repeal": f"{v.get('basis', '')}{v.get('article', '')}",
        "replace": f"{v.get('basis', '')} → {target or (v.get('title', '') + v.get('article', ''))}",
        "transfer": f"{deps} → {target} {v.get('item', '')}",
    }[change.action]
    name = os.path.basename(change.file)  # Path(...).name, without its parsing cost
    where = f"{name} 第 {change.row} 项" if name.endswith(".toml") else f"{name} 第 {change.row} 行"
    return f"{change.date} {ACTION_NAMES[change.action]} {what.strip()}（{where}）"


_BY_DEPARTMENT: WeakKeyDictionary[DutyGraph, dict[str, list[int]]] = WeakKeyDictionary()


def rows_by_department(g: DutyGraph) -> dict[str, list[int]]:
    """Row numbers in ``g.duty_columns()`` by department (one pass, kept per graph): a
    scenario touching a line in every county asks for a few hundred departments' duties."""
    rows = _BY_DEPARTMENT.get(g)
    if rows is None:
        rows = {}
        for k, dep in enumerate(g.duty_columns().column("department")):
            hit = rows.get(dep)
            if hit is None:
                rows[dep] = [k]
            else:
                hit.append(k)
        _BY_DEPARTMENT[g] = rows
    return rows


def _day_before(date: str) -> str:
    return (dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()


class _State:
    """The graph's departments and bases as the scenario changes them, change by change."""

    def __init__(self, g: DutyGraph, scenario: Scenario) -> None:
        self.g = g
        self.deps: dict[str, Department] = dict(g.departments)
        self.bases: dict[str, LegalBasis] = dict(g.bases)
        self.applied = Applied(scenario, g, g)
        self.problems: list[Problem] = []
        # duty changes: original row -> (old, new); new duties by key
        self._rows: dict[int, tuple[Duty, Duty, Change]] = {}
        self._new: dict[tuple[str, ...], tuple[Duty, Change]] = {}
        self._described: dict[int, str] = {}

    # -- looking things up ----------------------------------------------------------

    def department(self, change: Change, column: str, value: str, date: str) -> Department | None:
        """The department ``value`` (id or exact name) as of the change, active on ``date``."""
        dep = self.deps.get(value)
        if dep is None:
            try:
                dep = self.deps.get(self.g.find("department", value).id)
            except Ambiguous as exc:
                self.problems.append(
                    change.problem(column, f"部门名称 {value!r} 不唯一 ({exc})", "填写部门 id")
                )
                return None
            except NotFound:
                dep = None
        if dep is None:
            self.problems.append(
                change.problem(
                    column,
                    f"未知部门 {value!r} (unknown department)",
                    "填写图中已有的部门 id（如 JJ-SCJ），或先用 设立/create 新设该部门",
                )
            )
            return None
        if dep.valid_from is not None and date < dep.valid_from:
            self.problems.append(
                change.problem(
                    column,
                    f"{dep.name} ({dep.id}) 自 {dep.valid_from} 起设立，{date} 尚不存在 "
                    "(the department does not exist yet on that date)",
                    f"把日期改为 {dep.valid_from} 或之后，或改用其他部门",
                )
            )
            return None
        if dep.valid_to is not None and dep.valid_to <= date:
            self.problems.append(
                change.problem(
                    column,
                    f"{dep.name} ({dep.id}) 已于 {dep.valid_to} 撤销 (already abolished)",
                    f"改用其承接部门 {dep.successor}" if dep.successor else "改用现存的部门",
                )
            )
            return None
        return dep

    def _rows_of(self, department: str) -> list[int]:
        return rows_by_department(self.g).get(department, [])

    def duties_of(self, department: str) -> list[tuple[int | None, Duty]]:
        """The duties ``department`` holds now (the scenario's changes so far included)."""
        cols = self.g.duty_columns()
        out: list[tuple[int | None, Duty]] = []
        for k in self._rows_of(department):
            changed = self._rows.get(k)
            d = changed[1] if changed is not None else cols.record(k)
            if d.department == department:
                out.append((k, d))
        for d, _ in self._new.values():
            if d.department == department:
                out.append((None, d))
        return out

    def resting_on(self, basis: str) -> list[tuple[int | None, Duty]]:
        cols = self.g.duty_columns()
        col = cols.column("bases")
        out: list[tuple[int | None, Duty]] = []
        for k in compress(range(len(col)), (basis in b for b in col)):
            changed = self._rows.get(k)
            out.append((k, changed[1] if changed is not None else cols.record(k)))
        out.extend((None, d) for d, _ in self._new.values() if basis in d.bases)
        return out

    # -- recording changes ----------------------------------------------------------

    def touch(self, table: dict[str, list[Change]], key: str, change: Change) -> None:
        hits = table.setdefault(key, [])
        if change not in hits:
            hits.append(change)

    def set_department(self, dep: Department, change: Change, *, lines: bool = False) -> None:
        self.deps[dep.id] = dep
        self.touch(self.applied.departments, dep.id, change)
        if lines and dep.id in self.g.departments and dep.id not in self.applied.unversioned:
            self.applied.unversioned.append(dep.id)

    def set_duty(self, row: int | None, old: Duty | None, new: Duty, change: Change) -> None:
        if row is not None:
            first = self._rows.get(row)
            self._rows[row] = (first[0] if first else old or new, new, change)
        else:
            if old is not None:
                self._new.pop(old.key, None)
            self._new[new.key] = (new, change)

    def move_duty(
        self, row: int | None, duty: Duty, to: Department, change: Change, line: str | None
    ) -> None:
        """Close ``duty`` at the change's date and open it under ``to`` from then."""
        date = change.date
        if duty.valid_to is not None and duty.valid_to <= date:
            return  # already over
        start = max(date, duty.valid_from or date)
        closed = replace(duty, valid_to=start)  # a duty starting later is closed before it starts
        self.set_duty(row, duty, closed, change)
        text = self._described.get(id(change))
        if text is None:
            text = self._described[id(change)] = describe(change)
        attrs = {**duty.attrs, "whatif": text}
        moved = replace(
            duty,
            department=to.id,
            region=duty.region,
            valid_from=start,
            line=line if line and len(to.systems) > 1 else duty.line,
            attrs=attrs,
        )
        self.set_duty(None, None, moved, change)
        self.touch(self.applied.departments, duty.department, change)
        self.touch(self.applied.departments, to.id, change)

    # -- the result -----------------------------------------------------------------

    def graph(self) -> DutyGraph:
        """The changed copy: the graph's duty columns and index, patched where the scenario
        changed them (:meth:`~dutygraph.graph.DutyGraph.patched`), never rebuilt."""
        changed = sorted(self._rows.items())
        out = self.g.patched(
            self.deps,
            self.bases,
            {k: new for k, (_, new, _) in changed},
            [d for d, _ in self._new.values()],
        )
        self.applied.duties = [
            *((k, old, new, c) for k, (old, new, c) in changed),
            *((None, None, d, c) for d, c in self._new.values()),
        ]
        return out


def apply_scenario(g: DutyGraph, scenario: Scenario, *, strict: bool = True) -> Applied:
    """``g`` with the scenario's changes made, in a new graph (``g`` is left as it was).

    Changes apply in date order (those of one date in the order written).
    ``strict=False``: a change that cannot apply is left out rather than refused — for a
    piece of the graph (a region and those above it) after the scenario was checked on the
    records it touches (:func:`~dutygraph.analysis.whatif.pieces.scenario_graph`): there
    a transfer may find no duty of its department, a line no department.

    Raises
    ------
    ScenarioInvalid
        A change cannot apply to this graph; every such problem is listed, located.
    """
    state = _State(g, scenario)
    order = sorted(range(len(scenario.changes)), key=lambda n: (scenario.changes[n].date, n))
    for n in order:
        change = scenario.changes[n]
        _APPLY[change.action](state, change)
        if not strict:  # left out here; the next change is judged on its own
            state.problems.clear()
    if state.problems:
        raise ScenarioInvalid(state.problems)
    graph = state.graph()
    state.applied.graph = graph
    return state.applied


# -- the actions ------------------------------------------------------------------------


def _one(state: _State, change: Change) -> str | None:
    deps = change.many("department")
    if len(deps) != 1:
        state.problems.append(
            change.problem(
                "department",
                f"{change.action} 只能针对一个部门，这里写了 {len(deps)} 个",
                "每个部门写一项变动",
            )
        )
        return None
    return deps[0]


def _new_department(
    state: _State, change: Change, dep_id: str, **fields_: Any
) -> Department | None:
    if dep_id in state.deps:
        old = state.deps[dep_id]
        state.problems.append(
            change.problem(
                "target" if change.action != "create" else "department",
                f"部门 id {dep_id} 已被 {old.name} 使用 (the id is taken)",
                "为新部门另取一个 id",
            )
        )
        return None
    region = fields_.get("region") or ""
    if region not in state.g.regions:
        try:
            region = state.g.find("region", region).code
        except NotFound:
            state.problems.append(
                change.problem(
                    "region", f"未知地区 {region!r} (unknown region)", "填写地区代码（如 510104）"
                )
            )
            return None
    fields_["region"] = region
    dep = Department(dep_id, valid_from=change.date, **fields_)
    state.set_department(dep, change)
    state.applied.created.append(dep_id)
    return dep


def _create(state: _State, change: Change) -> None:
    dep_id = _one(state, change)
    if dep_id is None:
        return
    superior = change.get("superior")
    if superior and state.department(change, "superior", superior, change.date) is None:
        return
    _new_department(
        state,
        change,
        dep_id,
        name=change.get("name") or dep_id,
        region=change.get("region"),
        systems=change.many("lines"),
        vertical=change.flag("vertical"),
        superior=superior,
    )
    for line in change.many("lines"):
        state.touch(state.applied.lines, line, change)


def _close(state: _State, dep: Department, successor: str | None, change: Change) -> None:
    state.set_department(replace(dep, valid_to=change.date, successor=successor), change)
    for line in dep.systems:
        state.touch(state.applied.lines, line, change)


def _abolish(state: _State, change: Change) -> None:
    dep_id = _one(state, change)
    if dep_id is None:
        return
    dep = state.department(change, "department", dep_id, change.date)
    target = change.get("target")
    succ = state.department(change, "target", target, change.date) if target else None
    if dep is None or (target and succ is None):
        return
    if succ is not None and succ.id == dep.id:
        state.problems.append(
            change.problem(
                "target",
                f"{dep.id} 不能由自己承接 (successor is itself)",
                "填写另一个承接部门，或留空",
            )
        )
        return
    _close(state, dep, succ.id if succ else None, change)


def _superior_now(state: _State, superior: str | None, date: str) -> str | None:
    """``superior`` as it stands on ``date`` in the changed graph (a successor for a closed one)."""
    seen: set[str] = set()
    while superior and superior in state.deps and superior not in seen:
        seen.add(superior)
        dep = state.deps[superior]
        if dep.valid_to is None or date < dep.valid_to or not dep.successor:
            return superior
        superior = dep.successor
    return superior


def _merge(state: _State, change: Change) -> None:
    target = change.get("target") or ""
    names = change.many("department")
    if target in names:
        state.problems.append(
            change.problem(
                "target",
                f"不能把 {target} 合并到它自己 (a merge into itself)",
                "target 填写承接的部门，department 填写被合并的部门",
            )
        )
        return
    sources = [state.department(change, "department", d, change.date) for d in names]
    if any(s is None for s in sources):
        return
    merged = [s for s in sources if s is not None]
    lines = tuple(dict.fromkeys(ln for s in merged for ln in s.systems))
    if target in state.deps or not change.get("name"):
        into = state.department(change, "target", target, change.date)
        if into is None:
            return
        if into.id in {s.id for s in merged}:
            state.problems.append(
                change.problem("target", f"不能把 {into.id} 合并到它自己", "target 填写另一个部门")
            )
            return
        extra = tuple(ln for ln in lines if ln not in into.systems)
        if extra:
            state.set_department(replace(into, systems=into.systems + extra), change, lines=True)
    else:
        regions = {s.region for s in merged}
        region = change.get("region") or (regions.pop() if len(regions) == 1 else "")
        superiors = {_superior_now(state, s.superior, change.date) for s in merged}
        new = _new_department(
            state,
            change,
            target,
            name=change.get("name"),
            region=region,
            systems=lines,
            vertical=any(s.vertical for s in merged),
            superior=change.get("superior") or (superiors.pop() if len(superiors) == 1 else None),
        )
        if new is None:
            return
        into = new
    for s in merged:
        _close(state, s, into.id, change)


def _rename(state: _State, change: Change) -> None:
    dep_id = _one(state, change)
    if dep_id is None:
        return
    dep = state.department(change, "department", dep_id, change.date)
    if dep is None:
        return
    target = change.get("target") or ""
    if target == dep.id:
        state.problems.append(
            change.problem(
                "target", f"更名需要新的部门 id，{target} 就是原部门", "为更名后的部门另取一个 id"
            )
        )
        return
    new = _new_department(
        state,
        change,
        target,
        name=change.get("name"),
        region=dep.region,
        systems=dep.systems,
        vertical=dep.vertical,
        aliases=(dep.name, *dep.aliases),
        superior=change.get("superior") or _superior_now(state, dep.superior, change.date),
    )
    if new is not None:
        _close(state, dep, new.id, change)


def _from_to(state: _State, change: Change) -> tuple[Department, Department] | None:
    """The one department a change moves something from, and its target (both active then)."""
    dep_id = _one(state, change)
    if dep_id is None:
        return None
    source = state.department(change, "department", dep_id, change.date)
    target = state.department(change, "target", change.get("target") or "", change.date)
    return (source, target) if source is not None and target is not None else None


def _move_line(state: _State, change: Change) -> None:
    line = change.get("line") or ""
    pair = _from_to(state, change)
    if pair is None:
        return
    source, target = pair
    if source.id == target.id:
        state.problems.append(
            change.problem(
                "target", f"条线不能从 {source.id} 划给它自己", "target 填写承接条线的部门"
            )
        )
        return
    if line not in source.systems:
        state.problems.append(
            change.problem(
                "line",
                f"{source.name} ({source.id}) 没有条线 {line!r} (the department has no such line)",
                f"它的条线：{'、'.join(source.systems) or '（无）'}",
            )
        )
        return
    only_line = source.systems == (line,)
    for row, duty in state.duties_of(source.id):
        if duty.line == line or (duty.line is None and only_line):
            state.move_duty(row, duty, target, change, line)
    state.set_department(
        replace(source, systems=tuple(s for s in source.systems if s != line)), change, lines=True
    )
    # a department abolished before, of the same line, whose successor is the source, would
    # still stand for the line through it (graph.counterparts follows successors): the line
    # leaves it too, so that the line's counterpart in the region is the target alone
    for old in state.g.departments_of_line(source.region, line):
        dep = state.deps[old.id]
        if (
            dep.id != source.id
            and line in dep.systems
            and dep.valid_to is not None
            and (
                dep.valid_to <= change.date
                and _superior_now(state, dep.id, change.date) == source.id
            )
        ):
            state.set_department(
                replace(dep, systems=tuple(s for s in dep.systems if s != line)), change, lines=True
            )
    target = state.deps[target.id]
    if line not in target.systems:
        state.set_department(replace(target, systems=(*target.systems, line)), change, lines=True)
    state.touch(state.applied.lines, line, change)


def _set_vertical(state: _State, change: Change) -> None:
    line = change.get("line") or ""
    vertical = change.flag("vertical")
    region = change.get("region")
    scope: set[str] | None = None
    if region:
        try:
            scope = set(state.g.subtree(state.g.find("region", region).code))
        except NotFound:
            state.problems.append(change.problem("region", f"未知地区 {region!r}", "填写地区代码"))
            return
    hits = [
        d for d in state.deps.values() if line in d.systems and (scope is None or d.region in scope)
    ]
    if not hits:
        state.problems.append(
            change.problem(
                "line",
                f"没有部门承担条线 {line!r} (no department has it)",
                "检查条线名称（如 market-regulation）",
            )
        )
        return
    for dep in hits:
        if dep.vertical != vertical:
            state.set_department(replace(dep, vertical=vertical), change, lines=True)
    state.touch(state.applied.lines, line, change)


def _bases_named(state: _State, change: Change) -> list[LegalBasis]:
    """The bases a repeal/replace names: a basis id, or every basis of an act title (an article)."""
    from ...io.laws.parse import act_id, packaged_corpus

    name = change.get("basis") or ""
    article = change.get("article")
    if name in state.bases:
        found = [state.bases[name]]
        if article and found[0].article and found[0].article != article:
            state.problems.append(
                change.problem(
                    "article",
                    f"依据 {name} 引用的是 {found[0].article}，不是 {article}",
                    "留空 article，或填写该依据引用的条",
                )
            )
            return []
        act = act_id(found[0].title)
    else:
        act = act_id(name)
        found = [b for b in state.bases.values() if act_id(b.title) == act]
    law = packaged_corpus().acts.get(act)
    if article:
        version = law.version_at(_day_before(change.date)) if law is not None else None
        if version is not None and version.article(article) is None:
            state.problems.append(
                change.problem(
                    "article",
                    f"《{law.title}》（{version.id}）没有 {article} (the law has no such article)",  # type: ignore[union-attr]
                    f"该版本共 {len(version.articles)} 条；检查条号",
                )
            )
            return []
        found = [b for b in found if b.article == article]
        if law is None and not found:
            state.problems.append(
                change.problem(
                    "basis",
                    f"图中和法律库中都没有 {name!r}{article} (unknown basis)",
                    "填写依据 id（如 B-GAS-5）或法律名称",
                )
            )
            return []
    if not found and law is None:
        state.problems.append(
            change.problem(
                "basis",
                f"图中和法律库中都没有依据 {name!r} (unknown basis or act)",
                "填写依据 id（如 B-GAS-5）或法律全称",
            )
        )
    for b in found:
        if b.valid_from is not None and change.date < b.valid_from:
            state.problems.append(
                change.problem(
                    "date",
                    f"依据 {b.id} 自 {b.valid_from} 起施行，不能在 {change.date} 废止",
                    f"把日期改为 {b.valid_from} 或之后",
                )
            )
            return []
    return [b for b in found if b.valid_to is None or change.date < b.valid_to]


def _repeal(state: _State, change: Change) -> None:
    for b in _bases_named(state, change):
        state.bases[b.id] = replace(b, valid_to=change.date)
        state.touch(state.applied.bases, b.id, change)


def _replace(state: _State, change: Change) -> None:
    old = _bases_named(state, change)
    if state.problems and not old:
        return
    target = change.get("target")
    if target:
        new = state.bases.get(target)
        if new is None:
            state.problems.append(
                change.problem(
                    "target",
                    f"未知依据 {target!r} (unknown basis)",
                    "填写图中已有的依据 id，或改填 title 与 article",
                )
            )
            return
    else:
        title = change.get("title") or ""
        article = change.get("article") or None
        kind = old[0].kind if old else "law"
        issuer = old[0].issuer if old else None
        from ...io.citations import basis_id

        new_id = basis_id(title) + (f"-{article}" if article else "") + f"@{change.date}"
        new = LegalBasis(new_id, title, kind, issuer, article, valid_from=change.date)
        state.bases[new.id] = new
    for b in old:
        state.bases[b.id] = replace(b, valid_to=change.date)
        state.touch(state.applied.bases, b.id, change)
        for row, duty in state.resting_on(b.id):
            if new.id not in duty.bases and (duty.valid_to is None or change.date < duty.valid_to):
                state.set_duty(row, duty, replace(duty, bases=(*duty.bases, new.id)), change)
    state.touch(state.applied.bases, new.id, change)


def _transfer(state: _State, change: Change) -> None:
    pair = _from_to(state, change)
    if pair is None:
        return
    source, target = pair
    item = change.get("item")
    if item and item not in state.g.items:
        try:
            item = state.g.find("item", item).id
        except NotFound:
            state.problems.append(
                change.problem(
                    "item",
                    f"未知事项 {item!r} (unknown item)",
                    "填写事项 id（如 I-FOOD）或准确名称",
                )
            )
            return
    region = change.get("region")
    if region and region not in state.g.regions:
        try:
            region = state.g.find("region", region).code
        except NotFound:
            state.problems.append(change.problem("region", f"未知地区 {region!r}", "填写地区代码"))
            return
    role = change.get("role")
    if role:
        from ...model import ROLE_WORDS

        role = ROLE_WORDS.get(role, role.lower())
    moved = 0
    for row, duty in state.duties_of(source.id):
        if (
            (item is None or duty.item == item)
            and (region is None or duty.region == region)
            and (role is None or duty.role == role)
            and (duty.valid_to is None or change.date < duty.valid_to)
        ):
            state.move_duty(row, duty, target, change, None)
            moved += 1
    if not moved:
        state.problems.append(
            change.problem(
                "item",
                f"{source.id} 在该日期没有可划转的职责 (no duty matches)",
                "检查 item、region、role 是否与该部门的职责一致",
            )
        )


_APPLY = {
    "create": _create,
    "abolish": _abolish,
    "merge": _merge,
    "rename": _rename,
    "move-line": _move_line,
    "set-vertical": _set_vertical,
    "repeal": _repeal,
    "replace": _replace,
    "transfer": _transfer,
}
