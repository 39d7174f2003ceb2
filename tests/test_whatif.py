"""What if (#21): the three worked examples give the diffs a reader expects, exactly.

Each scenario ships under ``data/demo/scenarios``; the expected changes below are
written out by hand from the demo data (who held which line before, who after).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from dutygraph.analysis.resolve import who_leads
from dutygraph.analysis.whatif import apply_scenario, what_if
from dutygraph.analysis.whatif.report import sheets, summary, whatif_dict
from dutygraph.fixtures import SCENARIOS_PATH, demo_graph, finance_graph
from dutygraph.graph import DutyGraph
from dutygraph.io.scenario import read_scenario
from dutygraph.model import Dispute

JINJIANG = SCENARIOS_PATH / "jinjiang-enforcement-2026.toml"
FINANCE = SCENARIOS_PATH / "finance-reform-2023.toml"
GAS = SCENARIOS_PATH / "gas-regulation-repeal-2026.csv"


def _leads(w):
    return [(c.role, c.item, c.region, c.before, c.after) for c in w.leads]


# -- (1) 锦江区 merges five enforcement lines into JJ-ZHZF ------------------------------------


def test_jinjiang_enforcement_merger_moves_exactly_the_five_lines():
    w = what_if(demo_graph(), read_scenario(JINJIANG))
    assert w.as_of == "2026-01-01"
    zh = ["JJ-ZHZF"]
    assert _leads(w) == [
        ("lead", "I-SCRIPT", "510104", ["JJ-WTL"], zh),  # culture-tourism (成都市文广旅局 leads)
        ("lead", "I-PREPAID", "510104", ["JJ-JXJ"], zh),  # commerce (商务部)
        ("lead", "I-PREPAID-EDU", "510104", ["JJ-JXJ"], zh),  # under I-PREPAID
        ("lead", "I-PREPAID-GYM", "510104", ["JJ-WTL"], zh),  # sports (体育总局)
        ("lead", "I-SELFBUILT", "510104", ["JJ-YJJ", "JJ-ZJJ"], zh),  # housing + emergency: one now
        ("lead", "I-GAS", "510104", ["JJ-ZJJ"], zh),
        ("lead", "I-OIL", "510104", ["JJ-JXJ"], zh),
        ("lead", "I-HAZCHEM", "510104", ["JJ-YJJ"], zh),
        ("assist", "I-SCRIPT", "510104", ["JJ-YJJ", "JJ-ZJJ", "JJ-SCJ"], ["JJ-ZHZF", "JJ-SCJ"]),
        ("assist", "I-SELFBUILT", "510104", ["JJ-YJJ"], zh),
        ("assist", "I-GAS", "510104", ["JJ-YJJ"], zh),
    ]
    # market regulation, health, tobacco untouched; no other county moves
    assert not w.gaps_new and not w.gaps_resolved
    assert not w.conflicts_new and not w.conflicts_resolved
    [insp] = w.inspections
    assert (insp.region, insp.object, insp.change) == ("510104", "加油站", "changes")
    assert insp.before == ["JJ-JXJ", "JJ-SCJ", "JJ-YJJ", "JJ-ZJJ"]
    assert insp.after == ["JJ-SCJ", "JJ-ZHZF"]  # four inspecting departments become two
    # the one 锦江 list row held under a moved line: the 属地 duty of JJ-ZJJ on 自建房
    [row] = w.lists
    assert (row.source, row.duty.department, row.duty.item, row.duty.role) == (
        "jj-power-list",
        "JJ-ZJJ",
        "I-SELFBUILT",
        "territorial",
    )
    assert row.duty.origin.row == 32 and row.new.department == "JJ-ZHZF"
    assert row.new.valid_from == "2026-01-01"


def test_why_names_the_line_that_moved():
    w = what_if(demo_graph(), read_scenario(JINJIANG))
    by = {(c.role, c.item): c for c in w.leads}
    why = [(c.action, c.get("line")) for c in by[("lead", "I-GAS")].why]
    assert why == [("create", None), ("move-line", "housing")]
    why = [(c.action, c.get("line")) for c in by[("lead", "I-SELFBUILT")].why]
    assert why == [("create", None), ("move-line", "housing"), ("move-line", "emergency")]


def test_the_day_before_the_scenario_nothing_changes():
    w = what_if(demo_graph(), read_scenario(JINJIANG), as_of="2025-12-31")
    assert not any(w.counts().values())
    assert w.applied.graph.departments["JJ-ZJJ"].systems == ("housing",)


def test_changes_not_yet_in_effect_are_checked_but_not_applied():
    # 2023-06-01: the national body exists, the local offices are still 银保监局
    w = what_if(finance_graph(), read_scenario(FINANCE), as_of="2023-06-01")
    assert {c.region for c in w.leads} == {
        "000000",
        "510000",
        "510100",
        "510700",
        "510104",
        "510781",
    }
    leads = {(c.item, c.region): (c.before, c.after) for c in w.leads if c.role == "lead"}
    assert leads[("I-BANKINS", "000000")] == (["N-CBIRC"], ["N-NFRA"])
    assert ("I-BANKINS", "510104") not in leads  # still 四川银保监局 until 2023-07-20
    # the consumer-protection duty moved to the new line: its local office is still the old one
    assert leads[("I-FINCONSUMER", "510104")] == (["SC-PBC"], ["SC-CBIRC"])
    assert w.lists[1].change == "moved" and len(w.lists) == 3


def test_the_graph_given_is_left_as_it_was():
    g = demo_graph()
    before = {d.id: (d.systems, d.valid_to) for d in g.departments.values()}
    duties = [(d.key, d.valid_to) for d in g.duty_list()]
    what_if(g, read_scenario(JINJIANG))
    assert {d.id: (d.systems, d.valid_to) for d in g.departments.values()} == before
    assert [(d.key, d.valid_to) for d in g.duty_list()] == duties
    assert "JJ-ZHZF" not in g.departments


def test_region_scope_keeps_only_that_subtree():
    w = what_if(demo_graph(), read_scenario(JINJIANG), region="510107")
    assert w.leads == [] and w.inspections == [] and w.lists == []


# -- (2) the 2023 financial-regulation reform -----------------------------------------------


def _finance_with_dispute() -> DutyGraph:
    g = finance_graph()
    dispute = Dispute(
        "DSP-FIN-1", ("SC-CBIRC", "SC-JRJ"), "I-LOCALFIN", "510000", "2023-03-01", "coordinating"
    )
    return DutyGraph([*g.records(), dispute])


def test_finance_reform_every_office_of_the_line_changes():
    w = what_if(_finance_with_dispute(), read_scenario(FINANCE))
    assert w.as_of == "2023-07-20"  # the day the local offices were renamed
    tree = ["000000", "510000", "510100", "510700", "510104", "510781"]
    nfra = {"000000": "N-NFRA", "510000": "SC-NFRA", "510100": "SC-NFRA", "510104": "SC-NFRA"}
    nfra |= {"510700": "MY-NFRA", "510781": "MY-NFRA"}
    cbirc = {"000000": "N-CBIRC", "510000": "SC-CBIRC", "510100": "SC-CBIRC"}
    cbirc |= {"510104": "SC-CBIRC", "510700": "MY-CBIRC", "510781": "MY-CBIRC"}
    pbc = {r: "SC-PBC" for r in tree} | {"000000": "N-PBC"}
    expected = []
    for r in tree:
        expected.append(("lead", "I-BANKINS", r, [cbirc[r]], [nfra[r]]))
        expected.append(("lead", "I-FINCONSUMER", r, [pbc[r]], [nfra[r]]))
    expected += [("assist", "I-FINCONSUMER", r, [cbirc[r]], [nfra[r]]) for r in tree]
    assert _leads(w) == expected
    # banks were inspected by two lines everywhere; after the reform by one
    assert [(x.region, x.object, x.change, x.before) for x in w.inspections] == [
        (r, "银行业金融机构", "vanishes", sorted([cbirc[r], pbc[r]])) for r in tree
    ]
    assert not w.gaps_new and not w.gaps_resolved  # I-LOCALFIN's gap in 绵阳 stays, unreported
    # the pending dispute's party SC-CBIRC is gone: SC-NFRA takes its place
    [d] = w.disputes
    assert (d.dispute.id, d.party, d.successor) == ("DSP-FIN-1", "SC-CBIRC", "SC-NFRA")
    # the list rows to revise, with their source rows
    assert [(r.source, r.duty.origin.row, r.change, r.duty.department) for r in w.lists] == [
        ("finance-catalogue-2022", 2, "department", "N-CBIRC"),
        ("finance-catalogue-2022", 3, "moved", "N-PBC"),
        ("finance-catalogue-2022", 4, "department", "N-CBIRC"),
    ]


def test_finance_reform_new_departments_are_vertical_under_the_new_head():
    a = apply_scenario(finance_graph(), read_scenario(FINANCE))
    deps = a.graph.departments
    assert (deps["N-NFRA"].vertical, deps["N-NFRA"].systems) == (True, ("financial-regulation",))
    assert deps["SC-NFRA"].superior == "N-NFRA" and deps["MY-NFRA"].superior == "SC-NFRA"
    assert deps["SC-CBIRC"].successor == "SC-NFRA" and deps["SC-CBIRC"].valid_to == "2023-07-20"
    assert a.unversioned == []  # only new departments take lines: --apply may write it
    # between the two dates the national body is new, the local offices still the old ones
    r = who_leads(a.graph, "I-BANKINS", "510104", "2023-06-01")
    assert r.departments() == ["SC-CBIRC"]


# -- (3) the repeal of 城镇燃气管理条例 ----------------------------------------------------------


def test_gas_regulation_repeal_leaves_gas_without_legal_basis_in_every_county():
    w = what_if(demo_graph(), read_scenario(GAS))
    assert w.as_of == "2026-07-01"
    assert w.leads == []  # the same departments lead; what they rest on is gone
    assert sorted((x.item, x.region, x.kind) for x in w.gaps_new) == [
        ("I-GAS", code, "NO_LEGAL_BASIS") for code in ("500103", "510104", "510107", "510781")
    ]
    assert w.gaps_resolved == []
    assert [(r.duty.department, r.duty.role, r.duty.origin.row, r.change) for r in w.lists] == [
        ("N-MOHURD", "lead", 21, "basis"),
        ("N-MEM", "assist", 22, "basis"),
    ]
    assert all("B-GAS-5" in r.detail for r in w.lists)


def test_gas_repeal_by_basis_id_and_article_is_the_same(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(
        '[[change]]\ndate = 2026-07-01\naction = "repeal"\nbasis = "B-GAS-5"\narticle = "第五条"\n',
        "utf-8",
    )
    a = what_if(demo_graph(), read_scenario(p))
    b = what_if(demo_graph(), read_scenario(GAS))
    assert [(x.item, x.region, x.kind) for x in a.gaps_new] == [
        (x.item, x.region, x.kind) for x in b.gaps_new
    ]


def test_replacing_the_basis_keeps_the_duty_in_force(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(
        '[[change]]\ndate = 2026-07-01\naction = "replace"\nbasis = "城镇燃气管理条例"\n'
        'title = "燃气管理法"\narticle = "第五条"\n',
        "utf-8",
    )
    w = what_if(demo_graph(), read_scenario(p))
    assert w.gaps_new == [] and w.leads == []
    assert [r.change for r in w.lists] == ["moved", "moved"]  # the rows now cite the new basis


# -- every pair, not only those the scenario can reach -----------------------------------------


@pytest.mark.parametrize("path", [JINJIANG, FINANCE, GAS], ids=lambda p: p.stem)
def test_pruned_pairs_give_the_same_changes_as_every_pair(path):
    g = finance_graph() if path == FINANCE else demo_graph()
    s = read_scenario(path)
    fast, slow = what_if(g, s), what_if(g, s, exhaustive=True)
    assert _leads(fast) == _leads(slow)
    assert fast.inspections == slow.inspections  # the restricted scan and the whole one


# -- the report -------------------------------------------------------------------------------


def test_json_carries_evidence_on_both_sides_and_names_beside_ids():
    w = what_if(demo_graph(), read_scenario(JINJIANG))
    out = whatif_dict(w)
    assert out["counts"]["leads"] == 8 and out["counts"]["assists"] == 3
    gas = next(x for x in out["leads"] if x["item"]["id"] == "I-GAS" and x["role"] == "lead")
    assert gas["before"] == [{"id": "JJ-ZJJ", "name": "锦江区住房和城乡建设局"}]
    assert gas["after"] == [{"id": "JJ-ZHZF", "name": "锦江区综合行政执法局"}]
    ev = gas["evidence"]
    assert ev["before"]["answers"][0]["evidence"][0]["department"] == "N-MOHURD"
    assert ev["after"]["answers"][0]["lines"] == ["housing"]
    assert any("housing" in why for why in gas["why"])
    assert out["unversioned"] == ["JJ-WTL", "JJ-ZJJ", "JJ-YJJ", "JJ-JXJ", "JJ-SWJ"]


def test_summary_by_region_and_department():
    s = summary(what_if(_finance_with_dispute(), read_scenario(FINANCE)))
    assert [
        (r["region"]["code"], r["leads"], r["assists"], r["inspections"]) for r in s["regions"]
    ][:2] == [("000000", 2, 1, 1), ("510000", 2, 1, 1)]
    assert s["regions"][1]["disputes"] == 1
    deps = {d["department"]["id"]: (d["gains"], d["loses"]) for d in s["departments"]}
    assert deps["SC-NFRA"] == (9, 0) and deps["SC-PBC"] == (0, 5) and deps["N-PBC"] == (0, 1)


def test_sheets_are_chinese_with_ids_beside_names():
    t = sheets(what_if(demo_graph(), read_scenario(GAS)))
    headers, rows = t["待修订清单"]
    assert headers[:4] == ["清单", "文件", "工作表", "行"]
    assert rows[0][4] == "住房和城乡建设部 (N-MOHURD)" and rows[0][3] == 21
    headers, rows = t["缺口"]
    assert rows[0][:2] == ["新增", "燃气经营安全监管 (I-GAS)"]


def test_a_later_duty_of_a_moved_line_is_closed_before_it_starts():
    g = demo_graph()
    later = replace(
        next(d for d in g.duty_list() if d.department == "JJ-ZJJ"), valid_from="2027-01-01"
    )
    g2 = DutyGraph([*g.records(), later])
    a = apply_scenario(g2, read_scenario(JINJIANG))
    [closed] = [d for d in a.graph.duties_of("JJ-ZJJ") if d.valid_from == "2027-01-01"]
    assert closed.valid_to == "2027-01-01"  # never in force
    [moved] = [d for d in a.graph.duties_of("JJ-ZHZF") if d.valid_from == "2027-01-01"]
    assert moved.item == later.item
