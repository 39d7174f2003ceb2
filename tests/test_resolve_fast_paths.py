"""The short cuts of a first who-leads answer give what the plain walks give.

Each fast path (paths up the trees kept by their suffixes, a duty built from its columns
with the one-value columns not read, an active department answered at once, one duty of
R's own answered without the general loop, an id found as it is) against the plain
computation it stands for, on cases the demo does not hold: cycles, a parent missing,
ids with spaces, abolished departments passed, columns of one value and of many.
"""

from __future__ import annotations

import random

import pytest

from dutygraph import DutyGraph, demo_graph, who_leads
from dutygraph.analysis.resolve import answers_for, resolve
from dutygraph.columns import DutyColumns
from dutygraph.model import Department, Duty, Item, Origin, Region


def plain_path(table, key):
    """The walk region_path and item_path made before (the reference)."""
    out, seen = [key], {key}
    parent = table[key].parent if key in table else None
    while parent and parent in table and parent not in seen:
        out.append(parent)
        seen.add(parent)
        parent = table[parent].parent
    return tuple(out)


def forest():
    """Regions and items with a root, chains, a cycle, a parent that is not there."""
    regions = [Region("000000", "国", "national")]
    regions += [Region(f"1{k:05d}", f"省{k}", "province", "000000") for k in range(3)]
    regions += [Region(f"2{k:05d}", f"市{k}", "city", f"1{k % 3:05d}") for k in range(6)]
    regions += [Region(f"3{k:05d}", f"县{k}", "county", f"2{k % 6:05d}") for k in range(12)]
    regions += [
        Region("900001", "环甲", "city", "900002"),  # a cycle of two
        Region("900002", "环乙", "city", "900001"),
        Region("900003", "环下", "county", "900001"),  # below the cycle
        Region("900004", "孤", "county", "999999"),  # its parent is not there
    ]
    items = [Item("I0", "根")] + [Item(f"I{k}", f"项{k}", f"I{(k - 1) // 2}") for k in range(1, 15)]
    items += [Item("IC1", "环1", "IC2"), Item("IC2", "环2", "IC1"), Item("IX", "缺", "I-NONE")]
    return regions, items


@pytest.mark.parametrize("seed", range(8))
def test_paths_up_the_trees_are_the_plain_walks_in_any_order_of_asking(seed):
    regions, items = forest()
    g = DutyGraph([*regions, *items])
    codes = [r.code for r in regions] + ["555555"]  # one unknown
    ids = [i.id for i in items] + ["I-UNKNOWN"]
    rnd = random.Random(seed)
    asks = [("r", c) for c in codes] * 2 + [("i", i) for i in ids] * 2
    rnd.shuffle(asks)
    for kind, key in asks:
        if kind == "r":
            assert g.region_path(key) == plain_path(g.regions, key), key
        else:
            assert g.item_path(key) == plain_path(g.items, key), key


def columns_of(duties):
    return DutyColumns.from_records(duties)


def plain_record(cols, k):
    values = [col[k] for col in cols.columns]
    origin = Origin(*values[10:]) if values[10] is not None else None
    return Duty(*values[:10], origin)


def duties(n, *, ended=False, origins=True):
    rnd = random.Random(n)
    return [
        Duty(
            f"D{rnd.randrange(5)}",
            f"I{k % 7}",
            f"R{k % 3}",
            rnd.choice(["lead", "assist"]),
            ("B1",),
            rnd.choice([None, "2020-01-01"]),
            "2030-01-01" if ended and k % 2 else None,
            "list#1",
            rnd.choice([None, "L1"]),
            origin=Origin("duties.csv", k + 2) if origins else None,
        )
        for k in range(n)
    ]


@pytest.mark.parametrize("ended", [False, True])
@pytest.mark.parametrize("origins", [False, True])
def test_a_duty_from_its_columns_is_the_plain_build(ended, origins):
    given = duties(40, ended=ended, origins=origins)
    cols = columns_of(given)
    for k, d in enumerate(given):
        got = cols.record(k)
        assert got == plain_record(cols, k) == d
        assert got.origin == d.origin and got.attrs == d.attrs
        at = cols.record_at(k, d.item, d.region)  # item and region given, not read
        assert at == d and (at.origin, at.attrs, at.item, at.region) == (
            d.origin,
            d.attrs,
            d.item,
            d.region,
        )
    assert cols.open_ended() is (not ended)


def test_columns_appended_to_are_read_anew():
    cols = columns_of(duties(10))
    assert cols.open_ended() and cols.record(3).valid_to is None
    cols.extend(columns_of(duties(4, ended=True)))
    assert not cols.open_ended()
    assert cols.record(11).valid_to == "2030-01-01"
    assert cols.record(10) == plain_record(cols, 10)


def test_a_graph_with_ends_of_validity_answers_by_its_dates():
    # a stored graph (columns) whose duties end: the date check reads the end too
    early = Duty("A", "I1", "R1", "lead", valid_to="2024-01-01")
    late = Duty("B", "I1", "R1", "lead", valid_from="2024-01-01")
    deps = [Department("A", "甲", "R1"), Department("B", "乙", "R1")]
    g = DutyGraph(
        [Region("R1", "地", "province"), Item("I1", "项"), *deps],
        duty_columns=columns_of([early, late]),
    )
    assert [d.department for d in g.active_duties_at("I1", "R1", "lead", "2023-06-01")] == ["A"]
    assert [d.department for d in g.active_duties_at("I1", "R1", "lead", "2024-06-01")] == ["B"]


def chain_graph():
    """R's own duty held by an abolished department, through two successors."""
    deps = [
        Department("OLD", "旧局", "R1", ("L1",), valid_to="2024-01-01", successor="MID"),
        Department("MID", "中局", "R1", ("L1",), valid_to="2024-06-01", successor="NEW"),
        Department("NEW", "新局", "R1", ("L1",), valid_from="2024-06-01"),
        Department("GONE", "撤局", "R1", ("L1",), valid_to="2024-01-01"),
    ]
    return [Region("R1", "地", "province"), Item("I1", "项"), *deps]


@pytest.mark.parametrize(
    ("dept", "line", "as_of"),
    [
        ("OLD", None, "2025-01-01"),
        ("OLD", "L1", "2025-01-01"),
        ("OLD", None, "2023-01-01"),
        ("MID", "L1", "2024-03-01"),
        ("GONE", None, "2025-01-01"),
        ("NEW", None, "2024-01-01"),  # not yet established
    ],
)
def test_one_explicit_duty_is_answered_as_the_general_loop_answers(dept, line, as_of):
    g = DutyGraph(chain_graph())
    duty = Duty(dept, "I1", "R1", "lead", line=line)
    fast, fast_findings = answers_for(g, [duty], ("R1",), as_of, findings := []), findings
    # the general loop: the same duty twice (equal duties count once in an answer)
    slow, slow_findings = answers_for(g, [duty, duty], ("R1",), as_of, findings := []), findings
    assert [(a.department.id, a.via, a.duties, a.lines, a.replaced) for a in fast] == [
        (a.department.id, a.via, a.duties, a.lines, a.replaced) for a in slow
    ]
    assert fast_findings == slow_findings[: len(fast_findings)]
    assert not any(a.inherited for a in fast)


def test_ids_are_found_as_they_are_and_names_and_padding_as_before():
    g = demo_graph()
    assert g.find("item", "I-FOOD") is g.items["I-FOOD"]
    assert g.find("item", "  I-FOOD ") is g.items["I-FOOD"]
    assert g.find("region", "510104000000") is g.regions["510104"]
    assert g.find("region", "锦江区") is g.regions["510104"]
    assert who_leads(g, " I-FOOD", "锦江区", "2025-06-01").departments() == ["JJ-SCJ"]


def test_memo_of_a_reader_gone_is_let_go():
    import gc

    from dutygraph.analysis import resolve as module

    records = list(demo_graph().records())
    g = DutyGraph(records)
    first = resolve(g, "I-FOOD", "510104", "lead", "2025-06-01")
    assert resolve(g, "I-FOOD", "510104", "lead", "2025-06-01") is first
    h = DutyGraph(records)
    assert resolve(h, "I-FOOD", "510104", "lead", "2025-06-01") is not first
    assert resolve(g, "I-FOOD", "510104", "lead", "2025-06-01") is first  # g's own memo
    del g, h
    gc.collect()
    assert module._last is None


def test_asked_with_ids_is_kept_once_and_asked_otherwise_answers_the_same():
    from dutygraph.analysis import resolve as module

    g = DutyGraph(list(demo_graph().records()))
    asked = [
        ("I-FOOD", "510104"),
        ("I-FOOD", "锦江区"),
        (" I-FOOD", "510104"),
        ("I-FOOD", "510104000000"),
        ("食品安全监督管理", "锦江区"),
    ]
    by_ids = who_leads(g, "I-FOOD", "510104", "2025-06-01")
    memo = module._MEMO[g]
    assert list(memo) == [("I-FOOD", "510104", "lead", "2025-06-01")]  # one entry, resolve()'s
    assert resolve(g, "I-FOOD", "510104", "lead", "2025-06-01") is by_ids
    for item, region in asked:
        assert who_leads(g, item, region, "2025-06-01") is by_ids
        assert who_leads(g, item, region, "2025-06-01") is by_ids  # from the memo
    assert len(memo) == len(asked)  # the ids once, each other wording once
    for item, region in asked:  # a subclass takes find() every time: the same answers
        sub = type("Sub", (DutyGraph,), {})(list(demo_graph().records()))
        assert who_leads(sub, item, region, "2025-06-01").departments() == by_ids.departments()
    assert not hasattr(by_ids, "__dict__") and not hasattr(by_ids.answers[0], "__dict__")
