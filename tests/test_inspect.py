"""Joint inspection (综合查一次): one plan per supervised object, agreeing with the duplicate scan."""

from __future__ import annotations

import pytest

from dutygraph import NotFound, demo_graph, duplicate_inspections
from dutygraph.analysis.inspect import plan_inspection
from dutygraph.fixtures import catalogue_graph


def test_the_petrol_station_plan_merges_four_departments_with_their_bases():
    p = plan_inspection(demo_graph(), "加油站", "锦江区", "2025-10-01")
    assert p.joint
    assert [e["department"].id for e in p.participants] == ["JJ-JXJ", "JJ-SCJ", "JJ-YJJ", "JJ-ZJJ"]
    assert sorted(i["id"] for i in p.items) == ["I-GAS", "I-HAZCHEM", "I-OIL", "I-SPECEQ"]
    spec = next(i for i in p.items if i["id"] == "I-SPECEQ")
    assert spec["departments"] == ["JJ-SCJ"]
    assert any(
        b["title"] == "中华人民共和国特种设备安全法" and b["article"] == "第五条"
        for b in spec["bases"]
    )
    # each leads one item and three of the four are key items: the lead is the department
    # whose item exists for petrol stations alone (成品油流通: objects = 加油站)
    assert p.lead is not None and p.lead.id == "JJ-JXJ"
    assert "最具针对性" in p.lead_reasons[0] and "(JJ-JXJ)" in p.lead_reasons[0]
    en = plan_inspection(demo_graph(), "加油站", "锦江区", "2025-10-01", lang="en")
    assert en.lead == p.lead and "most specific" in en.lead_reasons[0]


def test_the_plan_agrees_with_the_duplicate_inspection_scan_everywhere():
    for g, date in (
        (demo_graph(), "2025-10-01"),
        (demo_graph(), "2025-06-01"),
        (catalogue_graph(), "2025-06-01"),
    ):
        found = duplicate_inspections(g, None, date)
        assert found
        for x in found:
            p = plan_inspection(g, x.object, x.region, date)
            assert [e["department"].id for e in p.participants] == x.departments
            assert [i["id"] for i in p.items] == x.items


def test_a_department_leading_more_items_leads_the_plan():
    # on the catalogue, 医疗机构 are inspected by the health line (医疗机构执业) and the
    # drug regulator (药品使用); each leads one item: the key item 药品 decides
    p = plan_inspection(catalogue_graph(), "医疗机构", "000000", "2025-06-01")
    assert {e["department"].id for e in p.participants} == {"N-NHC", "N-NMPA"}
    assert p.lead is not None and p.lead.id == "N-NMPA"
    assert "重点事项" in p.lead_reasons[0]


def test_a_partial_name_matches_the_catalogue_objects():
    p = plan_inspection(demo_graph(), "燃气", "510104", "2025-10-01")
    assert p.objects == ["燃气经营企业"]
    assert not p.joint and "唯一" in p.lead_reasons[0]


def test_an_unknown_object_is_an_error_that_says_so():
    with pytest.raises(NotFound, match="火箭发射场"):
        plan_inspection(demo_graph(), "火箭发射场", "510104", "2025-06-01")


def test_cli_inspect(cli):
    cli("demo")
    out = cli("inspect", "加油站", "--region", "510104", "--as-of", "2025-10-01", "--json")
    assert out["lead"]["id"] == "JJ-JXJ" and out["joint"]
    assert len(out["participants"]) == 4 and all(i["bases"] for i in out["items"])
    text = cli("inspect", "加油站", "--region", "510104", "--as-of", "2025-10-01").stdout
    assert "牵头：锦江区经济科技和信息化局 (JJ-JXJ)" in text and "综合查一次" in text
    en = cli("inspect", "加油站", "--region", "510104", "--as-of", "2025-10-01", "--lang", "en")
    assert "lead: 锦江区经济科技和信息化局" in en.stdout
    bad = cli("inspect", "火箭发射场", "--region", "510104", check=False)
    assert bad.returncode == 2 and "火箭发射场" in bad.stderr
