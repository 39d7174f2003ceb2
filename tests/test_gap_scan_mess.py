"""The gap scan's column-wise judge answers as full resolution on the messy benchmark data.

``benchmarks/scans_mess.py`` measures the scan on ``generate.py``'s province made messy
by ``mess.py`` (expired bases, abolished departments with no successor, second leads
from another source). These tests build the same workload at prefecture size and hold
the scan — which judges a stored graph's duties by row number, reading the columns, and
builds duties only for the pairs it resolves in full — to the definition: resolve the
lead of every item at every region and keep the gaps each resolution shows. On the
store's graph (row numbers) and on a graph of the same records (duty objects), at dates
before the mess, between the bases' expiry and the abolitions, and after both.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from dutygraph import find_gaps, load
from dutygraph.analysis.gaps import _Scanner, gaps_of, lead_resolutions, scope
from dutygraph.analysis.resolve import _MEMO, resolve
from dutygraph.columns import DutyColumns
from dutygraph.graph import DutyGraph
from dutygraph.model import Duty
from dutygraph.serialize import gap_dict, resolution_dict
from dutygraph.store import EmbeddedStore

from .generated import generate, make_mess

#: before mess.py's expiry (2024-01-01), between it and the abolitions (2024-06-01), after
DATES = ["2023-06-01", "2024-03-01", "2025-06-01"]


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], DutyGraph]:
    folder = tmp_path_factory.mktemp("mess")
    generate("prefecture", folder / "clean")
    made = make_mess(folder / "clean", folder / "messy")
    store = EmbeddedStore(folder / "messy.db")
    load(store, [folder / "messy"])
    return made, store.graph()


def describe(g: DutyGraph, gap: Any) -> dict[str, Any]:
    out = gap_dict(g, gap)
    out["resolution"] = resolution_dict(g, gap.resolution)
    return out


def by_definition(g: DutyGraph, region: str | None, as_of: str) -> list[dict[str, Any]]:
    return [
        describe(g, gap) for res in lead_resolutions(g, region, as_of) for gap in gaps_of(g, res)
    ]


def test_the_workload_is_messy(messy):
    """Worth its keep only if the mess is there at this size and the scan meets it."""
    made, g = messy
    assert made["expired_bases"] > 0 and made["second_leads"] > 0
    assert made["abolished_departments"] > 0
    kinds = {gap.kind for gap in find_gaps(g, None, DATES[-1])}
    assert {"NO_LEGAL_BASIS", "LEAD_ABOLISHED"} <= kinds
    assert not {gap.kind for gap in find_gaps(g, None, DATES[0])} & {"LEAD_ABOLISHED"}


@pytest.mark.parametrize("as_of", DATES)
def test_the_scan_answers_as_full_resolution(messy, as_of):
    _, g = messy
    assert g.duty_columns() is g.duty_columns()  # a store's own columns: row numbers judged
    want = by_definition(g, None, as_of)
    _MEMO.pop(g, None)  # else the scan looks up these resolutions instead of making its own
    assert [describe(g, gap) for gap in find_gaps(g, None, as_of)] == want
    county = next(c for c, r in g.regions.items() if r.level == "county")
    assert [describe(g, gap) for gap in find_gaps(g, county, as_of)] == by_definition(
        g, county, as_of
    )


def test_the_judge_and_the_look_up_pair_by_pair(messy):
    """Every pair: bad exactly when its full resolution shows a gap; who leads as resolved."""
    _, g = messy
    as_of = DATES[-1]
    scanner = _Scanner(g, as_of)
    n_bad = 0
    for code in scope(g, None):
        level = g.regions[code].level
        for item in g.items.values():
            if item.applies_at(level):
                res = resolve(g, item.id, code, "lead", as_of)
                bad = bool(gaps_of(g, res))
                n_bad += bad
                assert scanner.bad(item.id, code) == bad, (item.id, code)
                assert scanner.departments(item.id, code) == res.departments(), (item.id, code)
    assert n_bad > 0


def test_a_graph_of_the_records_is_judged_alike(messy):
    """The same records as duty objects (no row numbers): the same gaps."""
    _, g = messy
    objects = DutyGraph(list(g.records()))
    site = next(k for k in g.duty_sites() if g.active_rows_at(*k, "lead", DATES[-1]))
    assert type(g.active_rows_at(*site, "lead", DATES[-1])[0]) is int
    assert type(objects.active_rows_at(*site, "lead", DATES[-1])[0]) is Duty
    for as_of in DATES:
        assert [describe(objects, x) for x in find_gaps(objects, None, as_of)] == [
            describe(g, x) for x in find_gaps(g, None, as_of)
        ]


def test_leads_in_force_part_of_the_time_on_one_graph(messy):
    """Leads that start or end between the dates, scanned on one graph at each date in turn
    (the scan keeps, per graph, each place's lead rows and the dates between which all are in
    force, and reads the rows again outside them): as full resolution, on columns (row
    numbers) and on duty objects."""
    _, g = messy
    records = list(g.records())
    duties = [r for r in records if isinstance(r, Duty)]
    others = [r for r in records if not isinstance(r, Duty)]
    bounds = [("2024-01-01", None), (None, "2024-06-01"), ("2023-01-01", "2025-01-01")]
    changed = {}
    for n, d in enumerate(d for d in duties if d.role == "lead"):
        if n % 5 == 0:
            start, end = bounds[n // 5 % 3]
            changed[id(d)] = replace(d, valid_from=start or d.valid_from, valid_to=end)
    timed = [changed.get(id(d), d) for d in duties]
    stored = DutyGraph(others, duty_columns=DutyColumns.from_records(timed))
    assert type(stored.rows_at(timed[0].item, timed[0].region)[0]) is int
    for graph, dates in ((stored, [*DATES, DATES[0]]), (DutyGraph(others + timed), DATES[1:])):
        for as_of in dates:
            want = by_definition(graph, None, as_of)
            _MEMO.pop(graph, None)
            assert [describe(graph, gap) for gap in find_gaps(graph, None, as_of)] == want
