"""Conflicts and duplicate inspection, reported once where the duties are recorded."""

from __future__ import annotations

from dutygraph import duplicate_inspections, find_conflicts


def found(store, as_of, region=None):
    return {(c.item, c.region, c.kind): c for c in find_conflicts(store.graph(), region, as_of)}


def test_multiple_leads_reported_once_where_recorded(demo_store):
    got = found(demo_store, "2025-01-01")
    assert ("I-MEDBEAUTY", "510000", "MULTIPLE_LEADS") in got
    assert got[("I-MEDBEAUTY", "510000", "MULTIPLE_LEADS")].departments == ["SC-SCJ", "SC-WJW"]
    # not again in the regions that inherit them
    assert not any(i == "I-MEDBEAUTY" and r != "510000" for i, r, _ in got)


def test_one_source_naming_two_leads_is_not_a_source_disagreement(demo_store):
    got = found(demo_store, "2025-01-01")
    assert ("I-MEDBEAUTY", "510000", "SOURCE_DISAGREEMENT") not in got


def test_source_disagreement_between_three_determinations_and_power_list(demo_store):
    c = found(demo_store, "2025-01-01")[("I-SELFBUILT", "510100", "SOURCE_DISAGREEMENT")]
    assert c.extra["sources"] == {
        "cd-3d-housing": ["CD-ZJJ"],
        "cd-power-list-emergency": ["CD-YJJ"],
    }


def test_conflicts_follow_the_date(demo_store):
    before = found(demo_store, "2023-01-01")
    assert not any(i in ("I-SELFBUILT", "I-MEDBEAUTY") for i, _, _ in before)


def test_region_filter(demo_store):
    assert {r for _, r, _ in found(demo_store, "2025-01-01", region="510100")} == {"510100"}


def test_duplicate_inspection_of_a_shared_object(demo_store):
    (x,) = duplicate_inspections(demo_store.graph(), "510104", "2025-10-01")
    assert x.object == "加油站"
    # 特种设备 (market), 燃气 (housing), 成品油 (commerce, via the successor), 危化品 (emergency)
    assert x.departments == ["JJ-JXJ", "JJ-SCJ", "JJ-YJJ", "JJ-ZJJ"]
    # before the 成品油 duty starts, one department fewer
    (y,) = duplicate_inspections(demo_store.graph(), "510104", "2025-01-01")
    assert "JJ-JXJ" not in y.departments
