"""The what-if's shortcuts (#21, speed) give what the slow way gives, on every kind of change.

A what-if does not rebuild the changed graph nor rescan it: the copy is the
graph's duty index patched where the scenario changed it
(:meth:`DutyGraph.patched`), and only the (item, region) pairs and sites the
scenario can reach are compared, with the gap scan's memoised look-ups. These
tests hold each shortcut to the slow way: the patched copy to a graph rebuilt from
its records, the departments-only look-ups to a full resolution of every pair,
and the diff to a whole before/after comparison (every pair resolved, the whole
gap, conflict and inspection scans on both graphs) — for each action a scenario
can take, on a graph of records and on a store's graph of columns.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dutygraph.analysis.gaps import _Scanner
from dutygraph.analysis.resolve import resolve
from dutygraph.analysis.whatif import apply_scenario, what_if
from dutygraph.columns import DutyColumns
from dutygraph.errors import DutyGraphError
from dutygraph.fixtures import DEMO_PATH, SCENARIOS_PATH, demo_graph, finance_graph
from dutygraph.graph import DutyGraph
from dutygraph.importer import load
from dutygraph.io.scenario import read_scenario
from dutygraph.store import EmbeddedStore

#: one scenario per action (and the shipped examples): what each does is in its note
SCENARIOS = {
    "abolish-no-successor": """
[[change]]
date = 2026-01-01
action = "abolish"
department = "JJ-SCJ"
note = "锦江区市场监管局撤销且无承接：LEAD_ABOLISHED"
""",
    "abolish-prefecture-with-successor": """
[[change]]
date = 2026-01-01
action = "abolish"
department = "CD-ZJJ"
target = "CD-WGL"
""",
    "merge-into-new": """
[[change]]
date = 2026-01-01
action = "merge"
department = "WH-WJJ;WH-YJJ"
target = "WH-ZH"
name = "武侯区卫生健康和应急管理局"
""",
    "rename-province": """
[[change]]
date = 2026-01-01
action = "rename"
department = "SC-SCJ"
target = "SC-SCJ2"
name = "四川省市场监督管理局（新）"
""",
    "set-vertical": """
[[change]]
date = 2026-01-01
action = "set-vertical"
line = "market-regulation"
vertical = "是"
region = "510100"
""",
    "transfer-all": """
[[change]]
date = 2026-01-01
action = "transfer"
department = "JJ-ZJJ"
target = "JJ-YJJ"

[[change]]
date = 2026-01-01
action = "transfer"
department = "SC-SCJ"
target = "SC-WJW"
""",
    "repeal-basis": """
[[change]]
date = 2026-01-01
action = "repeal"
basis = "B-FSL-6"
""",
    "create-fills-a-gap": """
[[change]]
date = 2026-01-01
action = "create"
department = "WH-ZJJ"
name = "武侯区住房和城乡建设局"
region = "510107"
lines = "housing"
note = "武侯区有了住建条线：NO_COUNTERPART 消失"
""",
    "create-and-move": """
[[change]]
date = 2026-01-01
action = "create"
department = "JJ-NEW"
name = "锦江区市场综合执法局"
region = "510104"

[[change]]
date = 2026-01-01
action = "move-line"
line = "market-regulation"
department = "JJ-SCJ"
target = "JJ-NEW"
""",
}
SHIPPED = {
    p.stem: p
    for p in (
        SCENARIOS_PATH / "jinjiang-enforcement-2026.toml",
        SCENARIOS_PATH / "finance-reform-2023.toml",
        SCENARIOS_PATH / "gas-regulation-repeal-2026.csv",
    )
}
NAMES = [*SCENARIOS, *SHIPPED]


def _scenario(name: str, tmp_path: Path):
    if name in SHIPPED:
        return read_scenario(SHIPPED[name])
    p = tmp_path / f"{name}.toml"
    p.write_text(f'title = "{name}"\n' + SCENARIOS[name], "utf-8")
    return read_scenario(p)


@pytest.fixture(scope="module")
def stored_graph(tmp_path_factory) -> DutyGraph:
    """The demo as a store gives it: duties kept as columns, built when asked for."""
    store = EmbeddedStore(tmp_path_factory.mktemp("store") / "demo.db")
    load(store, [DEMO_PATH])
    g = store.graph()
    store.close()
    return g


def _graph(name: str, kind: str, stored: DutyGraph) -> DutyGraph:
    if name != "finance-reform-2023":
        return stored if kind == "stored" else demo_graph()
    g = finance_graph()
    if kind == "records":
        return g
    others = [r for r in g.records() if r.label != "duty"]
    return DutyGraph(others, duty_columns=DutyColumns.from_records(g.duty_list()))


def _found(g: DutyGraph, name: str) -> str:
    try:
        return g.find("department", name).id
    except DutyGraphError as exc:  # a name two departments bear: both named
        return str(exc)


def _row(d):
    return (d.key, d.valid_to, d.bases, d.source, d.attrs, d.origin)


def _index(g: DutyGraph) -> dict:
    return {key: [_row(d) for d in g.duties_at(*key)] for key in g.duty_sites()}


@pytest.mark.parametrize("kind", ["records", "stored"])
@pytest.mark.parametrize("name", NAMES)
def test_the_patched_copy_is_the_graph_a_rebuild_makes(name, kind, stored_graph, tmp_path):
    g = _graph(name, kind, stored_graph)
    before = _index(g)
    changed = apply_scenario(g, _scenario(name, tmp_path)).graph
    rebuilt = DutyGraph(list(changed.records()))
    assert _index(changed) == _index(rebuilt)  # every (item, region), its duties in order
    assert [_row(d) for d in changed.duty_list()] == [_row(d) for d in rebuilt.duty_list()]
    for code in g.regions:
        for dep in rebuilt.departments_in(code):
            for line in dep.systems:
                assert changed.departments_of_line(code, line) == rebuilt.departments_of_line(
                    code, line
                )
    for dep in rebuilt.departments.values():
        for name in (dep.name, *dep.aliases):
            assert _found(changed, name) == _found(rebuilt, name)
    assert _index(g) == before  # the graph given is left as it was


def test_a_copy_of_a_graph_already_read_is_patched_too(stored_graph, tmp_path):
    """A long-lived graph (the server's) has built some duties into objects already."""
    g = DutyGraph(list(stored_graph.records()))  # every bucket holds duty objects
    for key in list(g.duty_sites())[:5]:
        g.duties_at(*key)
    changed = apply_scenario(g, _scenario("create-and-move", tmp_path)).graph
    assert _index(changed) == _index(DutyGraph(list(changed.records())))


@pytest.mark.parametrize("name", NAMES)
def test_departments_only_look_ups_answer_as_resolve_does(name, stored_graph, tmp_path):
    g = _graph(name, "stored", stored_graph)
    s = _scenario(name, tmp_path)
    changed = apply_scenario(g, s).graph
    for graph in (g, changed):
        scan = _Scanner(graph, s.date)
        for code, region in graph.regions.items():
            for item in graph.items.values():
                if item.applies_at(region.level):
                    want = resolve(graph, item.id, code, "lead", s.date).departments()
                    assert scan.departments(item.id, code) == want, (item.id, code)


@pytest.mark.parametrize("kind", ["records", "stored"])
@pytest.mark.parametrize("name", NAMES)
def test_the_diff_equals_a_whole_before_and_after_comparison(name, kind, stored_graph, tmp_path):
    g = _graph(name, kind, stored_graph)
    s = _scenario(name, tmp_path)
    fast, slow = what_if(g, s), what_if(g, s, exhaustive=True)
    assert fast.counts() == slow.counts()
    assert [(c.role, c.item, c.region, c.before, c.after, c.why) for c in fast.leads] == [
        (c.role, c.item, c.region, c.before, c.after, c.why) for c in slow.leads
    ]
    assert fast.gaps_new == slow.gaps_new and fast.gaps_resolved == slow.gaps_resolved
    assert fast.conflicts_new == slow.conflicts_new
    assert fast.conflicts_resolved == slow.conflicts_resolved
    assert fast.inspections == slow.inspections


def test_the_scenarios_here_change_something_of_each_kind(stored_graph, tmp_path):
    """The comparison above is not of empty diffs: between them the scenarios move leads,
    open and close gaps of every what-if kind, and make and end conflicts and inspections."""
    seen: dict[str, int] = {}
    kinds: set[str] = set()
    for name in NAMES:
        g = _graph(name, "stored", stored_graph)
        w = what_if(g, _scenario(name, tmp_path))
        for k, v in w.counts().items():
            seen[k] = seen.get(k, 0) + v
        kinds.update(gap.kind for gap in w.gaps_new)
    assert {k for k, v in seen.items() if v == 0} <= {"disputes"}, seen
    assert {"LEAD_ABOLISHED", "NO_COUNTERPART", "NO_LEGAL_BASIS"} <= kinds
