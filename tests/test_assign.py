"""Assigning a new business form on the demo data: behaviours, 领域归口, 业务相近, gaps."""

from __future__ import annotations

from dutygraph import assign_business_form, demo_graph


def test_behaviour_keywords_lead_to_the_item_and_its_lead():
    a = assign_business_form(
        demo_graph(),
        "直播带货",
        "主播通过网络直播间销售预包装食品",
        region="510104",
        as_of="2025-01-01",
    )
    assert a.candidates[0].department.id == "JJ-SCJ"
    assert a.items[0]["id"] == "I-FOOD-SALE"
    assert any("预包装食品" in r for r in a.candidates[0].reasons)


def test_precedent_and_domain_reasons_are_given():
    a = assign_business_form(
        demo_graph(),
        "沉浸式剧场",
        "角色扮演推理的线下娱乐经营场所",
        region="510781",
        as_of="2025-01-01",
    )
    top = a.candidates[0]
    assert top.department.id == "JY-ZHZF"
    assert any(r.startswith("业务相近") for r in top.reasons)
    precedent = a.precedents[0]
    assert precedent["id"] == "BF-SCRIPT"
    # what a reader of the answer sees of the precedent: who was settled, on what, and why alike
    assert set(precedent) == {
        "id",
        "name",
        "lead",
        "settled_on",
        "basis",
        "similarity",
        "shared_behaviors",
    }
    assert precedent["shared_behaviors"] == ["BH-VENUE"]  # 剧本杀 too runs a venue


def test_leave_one_out_removes_the_precedent():
    a = assign_business_form(
        demo_graph(), "剧本杀", "角色扮演推理剧本", exclude=["BF-SCRIPT"], as_of="2025-01-01"
    )
    assert all(p["id"] != "BF-SCRIPT" for p in a.precedents)
    assert a.candidates[0].department.id == "N-MCT"  # still found through the behaviour


def test_a_form_that_matches_nothing_reports_the_gap_instead_of_guessing():
    a = assign_business_form(
        demo_graph(),
        "宠物殡葬",
        "为宠物提供遗体火化和殡葬纪念服务",
        region="510104",
        as_of="2025-01-01",
    )
    assert a.candidates == []
    assert [g["kind"] for g in a.gaps] == ["UNCOVERED_BEHAVIOR"]


def test_explicit_behaviours_count_and_unknown_ones_are_gaps():
    a = assign_business_form(
        demo_graph(),
        "新型健身",
        behaviors=["BH-FITNESS", "提供宠物寄养"],
        region="510104",
        as_of="2025-01-01",
    )
    assert a.candidates[0].department.id == "JJ-WTL"
    assert any(g["behavior"] == "提供宠物寄养" for g in a.gaps)


def test_assists_come_from_the_other_items_and_assist_duties():
    a = assign_business_form(
        demo_graph(), "健身预付", "健身房发行会员卡预收费", region="510104", as_of="2025-01-01"
    )
    assert a.candidates[0].department.id == "JJ-WTL"
    assert "JJ-JXJ" in {c.department.id for c in a.assists}
