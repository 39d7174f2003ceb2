"""Who leads and who assists: each rule of SPEC §3 on its own, on every store backend."""

from __future__ import annotations

import pytest

from dutygraph import Ambiguous, NotFound, who_assists, who_leads


def leads(store, item, region, as_of):
    return who_leads(store.graph(), item, region, as_of)


def test_explicit_lead_at_the_region(demo_store):
    res = leads(demo_store, "I-FOOD", "510000", "2025-06-01")
    assert res.departments() == ["SC-SCJ"]
    (answer,) = res.answers
    assert not answer.inherited and answer.via == "explicit"
    assert [d.source for d in answer.duties] == ["sc-key-items-2023#3"]


def test_region_tree_gives_the_counterpart_of_the_line(demo_store):
    res = leads(demo_store, "I-FOOD", "510104", "2025-06-01")
    assert res.departments() == ["JJ-SCJ"]
    assert res.answers[0].inherited and res.answers[0].via == "counterpart"
    assert res.path == ("510104", "510100", "510000")
    assert res.answers[0].lines == ["market-regulation"]


def test_a_duty_not_yet_valid_is_skipped_for_the_next_one_up(demo_store):
    # the province duty starts 2023-12-01; before, the national one answers
    res = leads(demo_store, "I-FOOD", "510104", "2023-01-01")
    assert res.departments() == ["JJ-SCJ"]
    assert res.source_region == "000000"


def test_child_item_duty_wins_over_parent(demo_store):
    res = leads(demo_store, "I-FOOD-SALE", "510104", "2025-06-01")
    assert res.departments() == ["JJ-SCJ"]
    assert res.item_path == ("I-FOOD-SALE",) and not res.inherited


def test_item_tree_is_walked_at_each_region_before_going_up(demo_store):
    # 餐饮 has no duty of its own anywhere: its parent's province duty answers
    res = leads(demo_store, "I-FOOD-CATER", "510781", "2025-06-01")
    assert res.departments() == ["JY-SCJ"]
    assert res.item_path == ("I-FOOD-CATER", "I-FOOD")
    assert res.source_region == "510000"


def test_child_item_with_its_own_national_lead(demo_store):
    res = leads(demo_store, "I-PREPAID-GYM", "510104", "2025-01-01")
    assert res.departments() == ["JJ-WTL"]  # sports line, carried by the merged body
    assert res.item_path == ("I-PREPAID-GYM",)


def test_merged_local_body_carries_the_line(demo_store):
    assert leads(demo_store, "I-SCRIPT", "510781", "2025-06-01").departments() == ["JY-ZHZF"]
    assert leads(demo_store, "I-GAS", "510781", "2025-06-01").departments() == ["JY-ZHZF"]


def test_duty_line_limits_the_lines_inherited(demo_store):
    # CD-WGL carries culture-tourism and radio-tv, but holds I-SCRIPT under culture-tourism
    res = leads(demo_store, "I-SCRIPT", "510104", "2025-06-01")
    assert res.departments() == ["JJ-WTL"]
    assert res.findings == []  # no NO_COUNTERPART for radio-tv


def test_vertical_line_answers_with_the_covering_department(demo_store):
    res = leads(demo_store, "I-ECIG", "510104", "2025-01-01")
    assert res.departments() == ["CD-YC"]
    assert res.answers[0].via == "vertical"
    assert leads(demo_store, "I-ECIG", "510104", "2021-01-01").departments() == []


def test_abolished_department_is_replaced_by_its_successor(demo_store):
    assert leads(demo_store, "I-PREPAID", "510104", "2023-06-01").departments() == ["JJ-SWJ"]
    after = leads(demo_store, "I-PREPAID", "510104", "2025-01-01")
    assert after.departments() == ["JJ-JXJ"]
    assert after.answers[0].replaced == ["JJ-SWJ"]


def test_abolished_department_without_successor_does_not_count(demo_store):
    assert leads(demo_store, "I-PREPAID", "510107", "2023-06-01").departments() == ["WH-SWJ"]
    res = leads(demo_store, "I-PREPAID", "510107", "2025-01-01")
    assert res.departments() == []
    assert [f.kind for f in res.findings] == ["LEAD_ABOLISHED"]


def test_no_counterpart(demo_store):
    res = leads(demo_store, "I-GAS", "510107", "2025-01-01")
    assert res.departments() == []
    assert [f.kind for f in res.findings] == ["NO_COUNTERPART"]


def test_every_lead_of_the_nearest_region_is_answered(demo_store):
    # every store lists them in key order (reader.in_key_order): lists, not sets
    assert leads(demo_store, "I-MEDBEAUTY", "510104", "2025-01-01").departments() == [
        "JJ-SCJ",
        "JJ-WJJ",
    ]
    assert leads(demo_store, "I-MEDBEAUTY", "510104", "2023-01-01").departments() == ["JJ-WJJ"]


def test_half_open_validity_intervals(demo_store):
    # CD-YJJ's lead starts 2023-06-01 (inclusive)
    assert leads(demo_store, "I-SELFBUILT", "510100", "2023-05-31").departments() == ["CD-ZJJ"]
    assert leads(demo_store, "I-SELFBUILT", "510100", "2023-06-01").departments() == [
        "CD-YJJ",
        "CD-ZJJ",
    ]
    # JJ-SWJ is abolished on 2024-03-01 (exclusive): the day before it still leads
    assert leads(demo_store, "I-PREPAID", "510104", "2024-02-29").departments() == ["JJ-SWJ"]
    assert leads(demo_store, "I-PREPAID", "510104", "2024-03-01").departments() == ["JJ-JXJ"]


def test_assists_are_resolved_on_their_own(demo_store):
    res = who_assists(demo_store.graph(), "I-SCRIPT", "510104", "2025-06-01")
    # public security has no counterpart in 锦江区
    # in the order of the duties they answer for, which every store lists by key
    assert res.departments() == ["JJ-YJJ", "JJ-ZJJ", "JJ-SCJ"]
    assert {f.line for f in res.findings} == {"public-security"}
    res = who_assists(demo_store.graph(), "I-FOOD", "510781", "2025-06-01")
    assert res.departments() == ["JY-WJJ"]


def test_names_and_codes_are_accepted(demo_store):
    g = demo_store.graph()
    by_name = who_leads(g, "食品安全监督管理", "锦江区", "2025-06-01")
    by_code = who_leads(g, "I-FOOD", "510104000000", "2025-06-01")
    assert by_name.departments() == by_code.departments() == ["JJ-SCJ"]
    assert by_code.region.code == "510104"


def test_unknown_and_ambiguous_names(demo_store):
    g = demo_store.graph()
    with pytest.raises(NotFound, match="no item"):
        who_leads(g, "不存在的事项", "510104")
    # 食品安全法 is the title of two bases (articles 6 and 35): a name that matches both
    with pytest.raises(Ambiguous) as exc:
        g.find("basis", "中华人民共和国食品安全法")
    assert {c for c, _ in exc.value.candidates} == {"B-FSL-6", "B-FSL-35"}
    assert "B-FSL-6" in str(exc.value) and "give the id" in str(exc.value)


def test_evidence_names_duties_bases_and_source_rows(demo_store):
    from dutygraph.serialize import resolution_dict

    g = demo_store.graph()
    out = resolution_dict(g, who_leads(g, "I-FOOD", "510104", "2025-06-01"))
    (answer,) = out["answers"]
    (duty,) = answer["evidence"]
    assert duty["department"] == "SC-SCJ" and duty["region"] == "510000"
    assert {b["id"] for b in duty["bases"]} == {"B-FSL-6", "B-SC-LIST"}
    assert all(b["in_force"] for b in duty["bases"])
    assert duty["origin"]["file"] == "duties.csv" and duty["origin"]["row"] == 25
    assert answer["path"]["regions"] == ["510104", "510100", "510000"]


def test_a_later_duty_with_the_same_key_replaces_the_earlier():
    """Regression: a snapshot built from records keeps one duty per key (the last)."""
    from dutygraph import DutyGraph, demo_graph
    from dutygraph.model import Duty

    g = demo_graph()
    old = next(d for d in g.duty_list() if d.department == "CD-YJJ")
    closed = Duty(
        old.department,
        old.item,
        old.region,
        old.role,
        old.bases,
        old.valid_from,
        "2024-01-01",
        old.source,
        old.line,
    )
    g2 = DutyGraph([*g.records(), closed])
    assert g2.counts()["duty"] == g.counts()["duty"]
    assert g2.duties_at("I-SELFBUILT", "510100").count(closed) == 1
    assert who_leads(g2, "I-SELFBUILT", "510100", "2025-01-01").departments() == ["CD-ZJJ"]
