"""Jurisdiction disputes (SPEC §2, §3): lifecycle, statutory route, decisions as duties, bad input."""

from __future__ import annotations

import pytest

from dutygraph.analysis.conflicts import find_conflicts
from dutygraph.analysis.disputes import (
    decide,
    dispute_from_conflict,
    dispute_history,
    evidence,
    open_dispute,
    route,
    set_status,
    withdraw,
)
from dutygraph.analysis.resolve import who_leads
from dutygraph.errors import ConflictingUpdate, NotFound, UsageError
from dutygraph.fixtures import DEMO_PATH, demo_graph
from dutygraph.importer import load
from dutygraph.model import Dispute
from dutygraph.store import EmbeddedStore

DAY = "2025-01-10"


def _route(parties, kind="enforcement", region="510104", subject="I-FOOD", **attrs):
    d = Dispute("DSP-T", tuple(parties), subject, region, DAY, attrs={"kind": kind, **attrs})
    return route(demo_graph(), d, DAY)


def _lead_evidence(g, item, region, day):
    res = who_leads(g, item, region, day)
    return {a.department.id: sorted(b for x in a.duties for b in x.bases) for a in res.answers}


# -- the whole lifecycle --------------------------------------------------------------


def test_lifecycle_from_conflict_to_decision(demo_store):
    before = _lead_evidence(demo_store.graph(), "I-SELFBUILT", "510100", "2025-02-28")
    assert before == {"CD-ZJJ": ["B-CD-3D"], "CD-YJJ": ["B-CD-PL"]}

    d = dispute_from_conflict(demo_store, "经营性自建房安全监管", "成都市", DAY, by="alice")
    assert (d.status, d.subject, d.region, d.raised_on) == ("open", "I-SELFBUILT", "510100", DAY)
    assert set(d.parties) == {"CD-ZJJ", "CD-YJJ"}
    assert "cd-3d-housing" in d.claims["CD-ZJJ"] and "B-CD-PL" in d.claims["CD-YJJ"]
    g = demo_store.graph()
    pending = find_conflicts(g, "510100", DAY, ["OPEN_DISPUTE"])
    assert [(c.item, c.region, c.extra["dispute"]) for c in pending] == [
        ("I-SELFBUILT", "510100", d.id)
    ]

    ev = evidence(g, d.id, DAY)
    zjj = next(p for p in ev["parties"] if p["department"]["id"] == "CD-ZJJ")
    (duty,) = zjj["duties"]
    assert (
        duty["bases"][0]["kind"] == "three-determinations" and duty["source"] == "cd-3d-housing#4"
    )
    assert duty["valid_from"] == "2022-05-24" and duty["active"] and zjj["resolved"]["lead"]

    set_status(demo_store, d.id, "coordinating", "2025-01-20", by="bob")
    assert demo_store.graph().disputes[d.id].status == "coordinating"
    assert find_conflicts(demo_store.graph(), "510100", DAY, ["OPEN_DISPUTE"])  # still pending

    done = decide(
        demo_store,
        d.id,
        "CD-ZJJ",
        ["CD-YJJ"],
        "2025-03-01",
        "中共成都市委机构编制委员会办公室",
        "经营性自建房安全由住建部门牵头，应急管理部门配合",
        "部门职责分工协调办法 第六条",
        by="carol",
    )
    dec = done.decision
    assert done.status == "decided" and dec["lead"] == "CD-ZJJ" and dec["assists"] == ["CD-YJJ"]
    assert (dec["decider"], dec["decided_on"], dec["by"]) == (
        "中共成都市委机构编制委员会办公室",
        "2025-03-01",
        "carol",
    )
    assert dec["reasoning"] and dec["rule"] == "部门职责分工协调办法 第六条"

    g = demo_store.graph()
    basis = g.bases[f"DEC-{d.id}"]
    assert (basis.kind, basis.valid_from) == ("decision", "2025-03-01")
    # who leads: unchanged the day before the decision, changed on it, with the decision as evidence
    assert _lead_evidence(g, "I-SELFBUILT", "510100", "2025-02-28") == before
    after = _lead_evidence(g, "I-SELFBUILT", "510100", "2025-03-01")
    assert list(after) == ["CD-ZJJ"] and basis.id in after["CD-ZJJ"]
    # the two leads of the day before, in key order on every store
    assert who_leads(g, "I-SELFBUILT", "510104", "2025-02-28").departments() == [
        "JJ-YJJ",
        "JJ-ZJJ",
    ]
    assert who_leads(g, "I-SELFBUILT", "510104", "2025-03-01").departments() == ["JJ-ZJJ"]
    # nothing deleted: the losing lead duty is closed, not gone
    closed = g.duties["CD-YJJ|I-SELFBUILT|510100|lead||2023-06-01"]
    assert closed.valid_to == "2025-03-01" and closed.bases == ("B-CD-PL",)
    assist = g.duties["CD-YJJ|I-SELFBUILT|510100|assist||2025-03-01"]
    assert assist.bases == (basis.id,)
    assert not find_conflicts(g, "510100", "2025-03-01", ["OPEN_DISPUTE", "MULTIPLE_LEADS"])

    log = dispute_history(demo_store, d.id)
    assert [(e["op"], e["by"]) for e in log] == [
        ("dispute.open", "alice"),
        ("dispute.status", "bob"),
        ("dispute.decide", "carol"),
    ]
    assert all(e["at"] for e in log)
    assert demo_store.history()[0]["op"] != "dispute.open"  # the import stays first: append-only


def test_lifecycle_through_the_cli(cli):
    cli("load", str(DEMO_PATH))
    opened = cli(
        "dispute", "open", "--party", "SC-WJW", "--party", "四川省市场监督管理局",
        "--subject", "I-MEDBEAUTY", "--region", "四川省", "--raised-on", DAY,
        "--claim", "SC-WJW=医疗美容属医疗服务", "--by", "alice", "--json",
    )  # fmt: skip
    did = opened["id"]
    assert opened["status"] == "open" and opened["parties"] == ["SC-WJW", "SC-SCJ"]
    assert [d["id"] for d in cli("dispute", "list", "--status", "open", "--json")] == [did]
    conflicts = cli("conflicts", "--kind", "OPEN_DISPUTE", "--as-of", DAY, "--json")
    assert [(c["item"], c["dispute"]) for c in conflicts] == [("I-MEDBEAUTY", did)]

    r = cli("dispute", "route", did, "--as-of", DAY, "--json")
    assert r["common_superior"]["name"] == "四川省人民政府"
    assert r["coordinator"]["department"]["id"] == "SC-BB"

    cli("dispute", "coordinate", did, "--on", "2025-01-15", "--by", "bob")
    before = cli("lead", "I-MEDBEAUTY", "510000", "--as-of", "2025-04-30", "--json")
    assert {a["department"]["id"] for a in before["answers"]} == {"SC-WJW", "SC-SCJ"}
    decided = cli(
        "dispute", "decide", did, "--lead", "SC-WJW", "--assist", "SC-SCJ", "--on", "2025-05-01",
        "--decider", "四川省人民政府", "--reasoning", "医疗美容属医疗服务", "--rule",
        "部门职责分工协调办法 第六条", "--by", "carol", "--json",
    )  # fmt: skip
    assert decided["status"] == "decided" and decided["decision"]["lead"] == "SC-WJW"

    def leads(answer):
        return {
            a["department"]["id"]: sorted(b["id"] for e in a["evidence"] for b in e["bases"])
            for a in answer["answers"]
        }

    again = cli("lead", "I-MEDBEAUTY", "510000", "--as-of", "2025-04-30", "--json")
    assert leads(again) == leads(before) == {"SC-WJW": ["B-SC-LIST"], "SC-SCJ": ["B-SC-LIST"]}
    closed = next(a for a in again["answers"] if a["department"]["id"] == "SC-SCJ")
    assert closed["evidence"][0]["valid_to"] == "2025-05-01"  # the row now says when it closed
    after = cli("lead", "I-MEDBEAUTY", "510000", "--as-of", "2025-05-01", "--json")
    (answer,) = after["answers"]
    assert answer["department"]["id"] == "SC-WJW"
    bases = [b for e in answer["evidence"] for b in e["bases"]]
    assert {"id": f"DEC-{did}", "kind": "decision"}.items() <= next(
        b for b in bases if b["kind"] == "decision"
    ).items()

    shown = cli("dispute", "show", did, "--json")
    assert [e["op"] for e in shown["history"]] == [
        "dispute.open",
        "dispute.status",
        "dispute.decide",
    ]
    assert shown["history"][-1]["by"] == "carol"
    text = cli("dispute", "show", did).stdout
    assert "四川省人民政府" in text and "历史 (history)：" in text and "carol" in text
    assert "法定路径" in text and "作出决定 (dispute.decide)" in text
    text = cli("dispute", "show", did, "--lang", "en").stdout
    assert "四川省人民政府" in text and "history:" in text and "carol" in text


def test_from_conflict_through_the_cli_and_withdraw(cli):
    cli("load", str(DEMO_PATH))
    d = cli("dispute", "from-conflict", "I-SELFBUILT", "510100", "--as-of", DAY, "--json")
    out = cli("dispute", "withdraw", d["id"], "--on", "2025-02-01", "--by", "dora", "--json")
    assert out["status"] == "withdrawn"
    assert not cli("conflicts", "--kind", "OPEN_DISPUTE", "--as-of", "2025-02-02", "--json")


# -- the statutory route, by topology ----------------------------------------------------


def test_route_two_departments_of_one_government():
    r = _route(["JJ-SCJ", "JJ-WJJ"])
    assert r["common_superior"] == {
        "kind": "government",
        "region": "510104",
        "name": "锦江区人民政府",
    }
    assert r["coordinator"]["department"]["id"] == "JJ-SFJ"
    assert [s["step"] for s in r["steps"]] == [
        "place",
        "level",
        "first_filing",
        "negotiation",
        "designation",
    ]
    assert "第二十五条" in r["steps"][-1]["rule"]
    duty = _route(["JJ-SCJ", "JJ-WJJ"], kind="duty")
    assert duty["coordinator"]["department"]["id"] == "JJ-BB"
    assert [s["step"] for s in duty["steps"]][-2:] == ["coordination", "decision"]


def test_route_two_levels_of_one_line():
    r = _route(["CD-SCJ", "JJ-SCJ"])
    assert r["common_superior"]["name"] == "成都市人民政府"
    assert r["coordinator"]["department"]["id"] == "CD-SFJ"
    assert any("market-regulation" in n for n in r["notes"])


def test_route_two_counties_of_different_prefectures():
    r = _route(["JJ-SCJ", "JY-SCJ"], place="510104", filed="JJ-SCJ=2025-01-05;JY-SCJ=2025-01-03")
    assert r["common_superior"]["region"] == "510000"
    assert r["coordinator"]["department"]["id"] == "SC-SFT"
    place, _level, first = r["steps"][:3]
    assert place["eligible"] == ["JJ-SCJ"] and "JY-SCJ" in place["excluded"]
    assert first["filed"] == {"JJ-SCJ": "2025-01-05"}  # an earlier filing without jurisdiction
    assert r["outcome"] == {"settled_by": "place and level", "department": "JJ-SCJ"}


def test_route_first_filing_decides_between_two_with_jurisdiction():
    r = _route(["SC-SCJ", "JJ-SCJ"], filed="SC-SCJ=2025-01-04;JJ-SCJ=2025-01-02")
    assert r["steps"][0]["eligible"] == ["SC-SCJ", "JJ-SCJ"]
    assert r["steps"][2]["first"] == ["JJ-SCJ"]
    assert r["outcome"] == {"settled_by": "first filing", "department": "JJ-SCJ"}
    tie = _route(["SC-SCJ", "JJ-SCJ"], filed="SC-SCJ=2025-01-02;JJ-SCJ=2025-01-02")
    assert tie["outcome"]["department"] is None and tie["steps"][2]["first"] == ["JJ-SCJ", "SC-SCJ"]


def test_route_two_provinces_goes_to_the_national_level():
    r = _route(["SC-SCJ", "CQ-SCJ"], region="510000")
    assert r["common_superior"] == {"kind": "government", "region": "000000", "name": "国务院"}
    assert r["coordinator"]["department"]["id"] == "N-MOJ"
    assert _route(["SC-SCJ", "CQ-SCJ"], kind="duty")["coordinator"]["department"]["id"] == "N-ZYBB"


def test_route_vertical_line_against_a_local_department():
    r = _route(["CD-YC", "JJ-SCJ"], subject="I-ECIG")
    # the tobacco bureau answers up its line (SC-YC → N-STMA), not to the 成都 government
    assert r["common_superior"]["name"] == "国务院"
    local = r["local_coordination"]
    assert local["government"] == "成都市人民政府"
    assert local["coordinator"]["department"]["id"] == "CD-SFJ"


def test_route_two_levels_of_a_vertical_line():
    r = _route(["SC-YC", "CD-YC"], subject="I-ECIG")
    assert r["common_superior"] == {
        "kind": "department",
        "id": "N-STMA",
        "name": "国家烟草专卖局",
        "region": "000000",
    }
    assert any("SC-YC is itself a superior" in n for n in r["notes"])


def test_route_names_the_role_where_no_coordinator_is_recorded():
    r = _route(["JY-SCJ", "JY-ZHZF"], region="510781")
    c = r["coordinator"]
    assert c["department"] is None and c["name"] == "江油市司法局" and "note" in c


def test_interim_rule_keeps_current_duties():
    r = _route(["CD-ZJJ", "CD-YJJ"], kind="duty", region="510100", subject="I-SELFBUILT")
    assert r["interim"]["current_leads"] == ["CD-YJJ", "CD-ZJJ"]  # in key order, every store
    assert "keeps the duties" in r["interim"]["rule"]


# -- subjects other than an item ---------------------------------------------------------


def test_enforcement_case_is_designated_without_changing_duties(demo_store):
    d = open_dispute(
        demo_store,
        ["JJ-SCJ", "WH-SCJ"],
        "网店销售过期食品案",
        "510104",
        DAY,
        kind="enforcement",
        case={"place": "510107", "filed": {"JJ-SCJ": "2025-01-02", "WH-SCJ": "2025-01-04"}},
        by="alice",
    )
    g = demo_store.graph()
    (c,) = find_conflicts(g, None, DAY, ["OPEN_DISPUTE"])
    assert (c.item, c.extra["subject_kind"]) == ("网店销售过期食品案", "case")
    r = route(g, d, DAY)
    assert r["steps"][0]["eligible"] == ["WH-SCJ"]  # the place is 武侯区
    duties = dict(g.duties)
    decide(
        demo_store,
        d.id,
        "WH-SCJ",
        [],
        "2025-01-12",
        "成都市人民政府",
        "违法行为发生地",
        "第二十二条",
        by="b",
    )
    after = demo_store.graph()
    assert {k: v for k, v in after.duties.items()} == duties
    assert after.disputes[d.id].decision["lead"] == "WH-SCJ"


def test_business_form_decision_settles_a_precedent(demo_store):
    d = open_dispute(demo_store, ["N-GAS", "N-SAMR"], "BF-GYM-PREPAID", "000000", DAY, by="a")
    ev = evidence(demo_store.graph(), d, DAY)
    assert ev["subject"]["items"] == ["I-PREPAID-GYM", "I-PREPAID"]
    decide(demo_store, d.id, "N-SAMR", ["N-GAS"], "2025-02-01", "国务院", "r", "rule", by="a")
    form = demo_store.graph().business_forms["BF-GYM-PREPAID"]
    assert (form.lead, form.assist, form.settled_on, form.basis) == (
        "N-SAMR",
        ("N-GAS",),
        "2025-02-01",
        f"DEC-{d.id}",
    )


def test_evidence_finds_resembling_precedents():
    d = Dispute("DSP-T", ("JJ-WTL", "JJ-SCJ"), "I-SCRIPT", "510104", DAY)
    ev = evidence(demo_graph(), d, DAY)
    assert ev["precedents"][0]["id"] == "BF-SCRIPT" and ev["precedents"][0]["lead"] == "N-MCT"


# -- bad input changes nothing ------------------------------------------------------------


@pytest.fixture
def disputed(tmp_path):
    store = EmbeddedStore(tmp_path / "d.db")
    load(store, [DEMO_PATH])
    d = dispute_from_conflict(store, "I-SELFBUILT", "510100", DAY, by="alice")
    return store, d.id


def _unchanged(store, call, error):
    before = store.path.read_bytes()
    with pytest.raises(error) as info:
        call()
    assert store.path.read_bytes() == before
    return str(info.value)


def test_bad_input_is_refused_and_changes_nothing(disputed):
    store, did = disputed
    common = ("成都市人民政府", "reasoning", "rule")
    msg = _unchanged(
        store,
        lambda: decide(store, did, "CD-ZJJ", [], "2025-01-09", *common, by="x"),
        ConflictingUpdate,
    )
    assert "before dispute" in msg and DAY in msg
    msg = _unchanged(
        store,
        lambda: open_dispute(
            store, ["CD-ZJJ", "成都市不存在局"], "I-SELFBUILT", "510100", DAY, by="x"
        ),
        NotFound,
    )
    assert "must be a department" in msg
    msg = _unchanged(
        store, lambda: decide(store, did, "CD-SCJ", [], "2025-03-01", *common, by="x"), UsageError
    )
    assert "not a party" in msg and "--allow-non-party" in msg
    _unchanged(
        store,
        lambda: decide(store, "DSP-9999", "CD-ZJJ", [], "2025-03-01", *common, by="x"),
        NotFound,
    )
    _unchanged(store, lambda: set_status(store, did, "decided", by="x"), UsageError)
    _unchanged(
        store,
        lambda: dispute_from_conflict(store, "I-SELFBUILT", "510100", DAY, by="x"),
        ConflictingUpdate,
    )  # already pending
    _unchanged(
        store, lambda: dispute_from_conflict(store, "I-FOOD", "510104", DAY, by="x"), NotFound
    )

    withdraw(store, did, "2025-01-11", by="alice")
    msg = _unchanged(
        store,
        lambda: decide(store, did, "CD-ZJJ", [], "2025-03-01", *common, by="x"),
        ConflictingUpdate,
    )
    assert "withdrawn" in msg
    _unchanged(store, lambda: withdraw(store, did, "2025-01-12", by="x"), ConflictingUpdate)


def test_a_non_party_may_be_designated_with_the_flag(disputed):
    store, did = disputed
    d = decide(
        store, did, "CD-SCJ", [], "2025-03-01", "成都市人民政府", "r", "第二十五条", by="x",
        allow_non_party=True,
    )  # fmt: skip
    assert d.decision["non_party"] is True
    g = store.graph()
    assert who_leads(g, "I-SELFBUILT", "510100", "2025-03-01").departments() == ["CD-SCJ"]
    assert len(who_leads(g, "I-SELFBUILT", "510100", "2025-02-28").departments()) == 2


def test_cli_bad_input_exit_code_and_store_unchanged(cli):
    cli("load", str(DEMO_PATH))
    d = cli("dispute", "from-conflict", "I-SELFBUILT", "510100", "--as-of", DAY, "--json")
    cli("dispute", "withdraw", d["id"], "--on", "2025-01-11")
    before = cli.store_path.read_bytes()
    proc = cli(
        "dispute", "decide", d["id"], "--lead", "CD-ZJJ", "--on", "2025-03-01", "--decider", "x",
        "--reasoning", "y", "--rule", "z", check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and "withdrawn" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli(
        "dispute", "open", "--party", "JJ-SCJ", "--party", "NOPE", "--subject", "I-FOOD",
        "--region", "510104", check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and "NOPE" in proc.stderr
    assert cli.store_path.read_bytes() == before
