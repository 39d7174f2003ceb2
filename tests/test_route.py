"""Clue routing (线索分办): a complaint to its items, then to lead and assisting departments."""

from __future__ import annotations

from dutygraph import demo_graph
from dutygraph.analysis.route import route_clue
from dutygraph.fixtures import catalogue_graph


def test_a_food_complaint_goes_to_the_district_market_regulator_with_its_basis():
    r = route_clue(
        demo_graph(), "小区门口超市卖过期的预包装食品，吃了拉肚子", "锦江区", "2025-06-01"
    )
    assert r.items[0]["id"] == "I-FOOD-SALE"
    assert [c.department.id for c in r.leads] == ["JJ-SCJ"]
    why = r.leads[0].reasons[0]
    assert "预包装食品" in why  # the words that matched
    # the demo's district duty rests on the repealed 食品卫生法: said, not hidden
    assert "无有效依据" in why and "食品卫生法" in why
    assert "NO_LEGAL_BASIS" in [f["kind"] for f in r.findings]
    # the item's assist duty resolves to the district health bureau
    assert "JJ-WJJ" in {c.department.id for c in r.assists}


def test_the_region_decides_which_departments_answer():
    text = "健身房老板卷款跑路，健身会员卡里的钱退不回来"
    jj = route_clue(demo_graph(), text, "510104", "2025-06-01")
    jy = route_clue(demo_graph(), text, "510781", "2025-06-01")
    assert jj.items[0]["id"] == jy.items[0]["id"] == "I-PREPAID-GYM"
    assert jj.leads[0].department.id == "JJ-WTL"
    assert all(c.department.region == "510781" for c in jy.leads)


def test_a_second_matter_in_the_clue_brings_its_lead_as_assistant():
    r = route_clue(demo_graph(), "加油站旁边的液化气站用过期气瓶", "510104", "2025-10-01")
    items = [i["id"] for i in r.items]
    assert items[0] in {"I-GAS", "I-SPECEQ"} and len(items) >= 2
    lead_ids = {c.department.id for c in r.leads}
    assert lead_ids and not lead_ids & {c.department.id for c in r.assists}
    assert any("同样涉及" in why for c in r.assists for why in c.reasons)


def test_reasons_are_chinese_first_and_english_when_asked():
    text = "小区门口超市卖过期的预包装食品，吃了拉肚子"
    zh = route_clue(demo_graph(), text, "锦江区", "2025-06-01")
    en = route_clue(demo_graph(), text, "锦江区", "2025-06-01", lang="en")
    # the same answer, in two languages, with the ids beside the names in both
    assert [c.department.id for c in zh.leads] == [c.department.id for c in en.leads]
    assert (
        zh.leads[0].reasons[0].startswith("在 锦江区 (510104) 牵头 食品销售监督检查 (I-FOOD-SALE)")
    )
    assert (
        en.leads[0].reasons[0].startswith("leads 食品销售监督检查 (I-FOOD-SALE) in 锦江区 (510104)")
    )
    assert "none in force" in en.leads[0].reasons[0]
    no_basis = {f["kind"]: f["detail"] for f in zh.findings}["NO_LEGAL_BASIS"]
    assert "没有有效的法律依据" in no_basis and "锦江区市场监督管理局 (JJ-SCJ)" in no_basis
    assert "rests on no basis" in {f["kind"]: f["detail"] for f in en.findings}["NO_LEGAL_BASIS"]


def test_two_leads_are_flagged_for_coordination():
    # 四川省 names two leads for 医疗美容 (the demo's planted MULTIPLE_LEADS)
    r = route_clue(demo_graph(), "医美机构给我注射的玻尿酸是假的", "510104", "2025-06-01")
    assert len(r.leads) == 2
    assert "MULTIPLE_LEADS" in [f["kind"] for f in r.findings]


def test_nothing_matched_is_said_not_guessed():
    r = route_clue(demo_graph(), "楼上邻居半夜弹钢琴", "510104", "2025-06-01")
    assert not r.matched and r.leads == [] and r.assists == []
    assert r.findings[0]["kind"] == "NO_MATCH"


def test_routing_on_the_catalogue():
    g = catalogue_graph()
    r = route_clue(g, "网约车司机绕路多收费，平台不处理", as_of="2025-06-01")
    assert r.items[0]["id"] == "I-RIDEHAIL"
    assert r.leads[0].department.id == "N-MOT"
    assert "第四条" in r.leads[0].reasons[0]  # 网约车办法 第四条, in force
    assert not [f for f in r.findings if f["kind"] == "NO_LEGAL_BASIS"]
    r = route_clue(g, "小区里有人私自收集废旧电动车电池在楼道充电", as_of="2025-06-01")
    assert r.matched


def test_cli_route_json_and_table(cli):
    cli("demo")
    out = cli("route", "超市卖过期食品", "--region", "锦江区", "--as-of", "2025-06-01", "--json")
    assert out["matched"] and out["leads"][0]["department"]["id"] == "JJ-SCJ"
    assert out["leads"][0]["reasons"]
    text = cli("route", "楼上邻居半夜弹钢琴", "--region", "510104").stdout
    assert text.startswith("未能分派 (not routed)")
    text = cli("route", "楼上邻居半夜弹钢琴", "--region", "510104", "--lang", "en").stdout
    assert text.startswith("not routed")
    bad = cli("route", "超市", "--region", "火星", check=False)
    assert bad.returncode == 2 and "火星" in bad.stderr
