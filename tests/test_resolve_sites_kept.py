"""A long-lived graph keeps a bounded number of (item, region) lists, and answers the same past it.

``DutySites`` makes a pair's row list when it is first asked for and keeps it; a server
asking random pairs kept every one. It keeps :data:`dutygraph.columns.SITES_KEPT` lists
and then starts again: the cap holds, and the lists, and the graph's answers, are those
of a graph that keeps everything.
"""

from __future__ import annotations

import random

import pytest

from dutygraph import DutyGraph
from dutygraph import columns as columns_mod
from dutygraph.analysis.resolve import resolve
from dutygraph.columns import DutyColumns, DutySites, LeadRows
from dutygraph.model import Department, Duty, Item, Region

ITEMS = [Item("I0", "根")] + [Item(f"I{k}", f"项{k}", f"I{(k - 1) // 2}") for k in range(1, 15)]
REGIONS = [Region("R0", "国", "national")] + [
    Region(f"R{k}", f"地{k}", "province", f"R{(k - 1) // 3}") for k in range(1, 13)
]
DEPTS = [Department(f"D{k}", f"局{k}", f"R{k % 13}", ("L1",)) for k in range(13)]


def random_columns(seed, n, roles, *, ended=False):
    """``n`` random duties over the trees above (each key once), as columns: open-ended, or
    with ``ended`` some closed before or after the asked days."""
    rnd = random.Random(seed)
    duties = [
        Duty(
            f"D{rnd.randrange(13)}",
            f"I{rnd.randrange(15)}",
            f"R{rnd.randrange(13)}",
            rnd.choice(roles),
            valid_from=rnd.choice([None, "2020-01-01", "2026-01-01"]),
            valid_to=rnd.choice([None, "2025-01-01", "2027-01-01"]) if ended else None,
            line=rnd.choice([None, "L1"]),
        )
        for _ in range(n)
    ]
    return DutyColumns.from_records(list({d.key: d for d in duties}.values()))


def stored_graph(seed):
    cols = random_columns(seed, 120, ["lead", "assist"])
    return DutyGraph([*REGIONS, *ITEMS, *DEPTS], duty_columns=cols)


def test_the_cap_holds_and_the_lists_are_those_kept_without_it(monkeypatch):
    items = [f"I{k % 9}" for k in range(200)]
    regions = [f"R{k % 11}" for k in range(200)]
    want = dict(DutySites.of(items, regions))  # every list, kept
    monkeypatch.setattr(columns_mod, "SITES_KEPT", 5)
    sites = DutySites.of(items, regions)
    rnd = random.Random(3)
    keys = [*want, ("I0", "R-NONE"), ("I-NONE", "R0")]
    sizes = []
    for _ in range(500):
        key = rnd.choice(keys)
        assert sites.get(key) == want.get(key)
        sizes.append(len(sites._hits))
    assert max(sizes) == 5 and 1 in sizes[1:]  # filled, started again


@pytest.mark.parametrize("seed", range(4))
def test_answers_past_the_cap_are_those_of_a_graph_keeping_every_list(monkeypatch, seed):
    asks = [
        (f"I{k % 15}", f"R{k % 13}", role, day)
        for k in range(15 * 13)
        for role in ("lead", "assist")
        for day in ("2025-06-01", "2026-06-01")
    ]
    random.Random(seed).shuffle(asks)
    plain = stored_graph(seed)
    want = [resolve(plain, *q) for q in asks]
    monkeypatch.setattr(columns_mod, "SITES_KEPT", 3)
    g = stored_graph(seed)
    for q, w in zip(asks * 2, want * 2, strict=True):  # twice: lists made again, and built
        got = resolve(g, *q)
        assert [(a.department.id, a.via, a.inherited, a.duties) for a in got.answers] == [
            (a.department.id, a.via, a.inherited, a.duties) for a in w.answers
        ]
        assert (got.duties, got.path, got.item_path) == (w.duties, w.path, w.item_path)
        assert len(g._duties_at._hits) <= 3
        if q[3] == "2026-06-01":  # duties_at builds a pair's duties into its list
            assert g.duties_at(q[0], q[1]) == plain.duties_at(q[0], q[1])


def kept_leads_graph(seed, *, ended):
    """A stored graph whose sites index holds the store's kept lead rows (as a snapshot
    reads them back), and the same graph without them."""
    cols = random_columns(seed, 150, ["lead", "lead", "assist"], ended=ended)
    sites = DutySites.of(cols.column("item"), cols.column("region"))
    sites.leads = LeadRows.from_kept(LeadRows.of(cols, sites).kept(), len(cols), len(sites))
    records = [*REGIONS, *ITEMS, *DEPTS]
    return (
        DutyGraph(records, duty_columns=cols, duty_sites=sites),
        DutyGraph(records, duty_columns=DutyColumns.from_records(cols.records(range(len(cols))))),
    )


@pytest.mark.parametrize("ended", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_lead_rows_kept_answer_as_the_role_column_filtered(seed, ended):
    g, plain = kept_leads_graph(seed, ended=ended)
    assert g.duty_sites_index().leads is not None and plain.duty_sites_index().leads is None
    for k in range(15 * 13):
        item, region = f"I{k % 15}", f"R{k % 13}"
        for day in ("2019-01-01", "2024-06-01", "2026-06-01", "2028-01-01"):
            for role in ("lead", "assist"):
                want = plain.active_rows_at(item, region, role, day)
                assert g.active_rows_at(item, region, role, day) == want
                assert g.active_duties_at(item, region, role, day) == [plain._duty(k) for k in want]
                a, b = resolve(g, item, region, role, day), resolve(plain, item, region, role, day)
                assert (a.duties, a.path, a.departments()) == (b.duties, b.path, b.departments())
        g.duties_at(item, region)  # the pair's list built: the lead rows still answer
        assert g.active_rows_at(item, region, "lead", "2026-06-01") == plain.active_rows_at(
            item, region, "lead", "2026-06-01"
        )
