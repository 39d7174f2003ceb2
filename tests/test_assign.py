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


#: the catalogue has no item for fossils: the statute alone names the department
FOSSIL = ("古生物化石交易", "收购和倒卖恐龙化石、古生物化石标本")
ARTICLE = "《古生物化石保护条例》第五条：国务院自然资源主管部门主管全国古生物化石保护工作"


def test_the_cli_shows_the_confidence_and_the_article_behind_the_top_candidate(cli):
    from dutygraph.fixtures import CATALOGUE_PATH

    cli("load", str(CATALOGUE_PATH))
    args = ("assign", "--name", FOSSIL[0], "--description", FOSSIL[1], "--as-of", "2025-06-01")
    answer = cli(*args, "--json")
    assert {"confidence", "abstained"} <= set(answer)
    top = answer["candidates"][0]
    assert top["department"]["id"] == "N-MNR"
    assert any(a.startswith(ARTICLE) for a in top["articles"])
    table = cli(*args).stdout
    assert "置信度" in table
    assert f"法条 (article): {ARTICLE}" in table


def test_the_explorer_answers_with_the_article_text_over_http(tmp_path):
    import httpx

    from dutygraph.fixtures import CATALOGUE_PATH
    from dutygraph.importer import load
    from dutygraph.store import EmbeddedStore

    from .conftest import need
    from .servers import importable, serve_asgi

    for module in ("strawberry", "starlette", "uvicorn"):
        need(importable(module), f"{module} is not installed (the api extra)")
    from dutygraph.api.app import create_app

    store = EmbeddedStore(tmp_path / "catalogue.db")
    load(store, [CATALOGUE_PATH])
    with serve_asgi(create_app(store)) as url:
        params = {"name": FOSSIL[0], "description": FOSSIL[1], "as_of": "2025-06-01"}
        got = httpx.get(f"{url}/explorer/assign", params=params, timeout=120).json()
        again = httpx.get(f"{url}/explorer/assign", params=params, timeout=120).json()
    a = got["answer"]
    assert a["candidates"][0]["department"]["id"] == "N-MNR"
    assert any(q.startswith(ARTICLE) for q in a["candidates"][0]["articles"])
    assert isinstance(a["confidence"], float) and isinstance(a["abstained"], bool)
    assert again == got  # a fresh reader per request answers the same (indexes by content)


def test_one_character_nouns_are_read_and_meet_the_terms_holding_them():
    # 为猫狗…: two one-character nouns, whom the business serves; dropping them (as a
    # pair-of-characters reading of 猫狗 would not) loses what the business is about
    from dutygraph.analysis import match
    from dutygraph.analysis.segment import Segmenter

    got = [(w.text, w.role) for w in Segmenter().words("为猫狗提供疫苗接种")]
    assert ("猫", "customer") in got and ("狗", "customer") in got
    # a character of a document's term is a term at its share: 刀 in 刀具 counts half of
    # 刀具; a word of the text is never split into characters (交易 must not meet 易制毒)
    terms = dict(match._terms(Segmenter(), "刀具", doc=True))
    assert terms["刀具"] == 1.0 and terms["刀"] == 0.5
    assert "易" not in dict(match._terms(Segmenter(), "交易"))


def test_route_and_guide_share_the_assignment_matcher():
    # one matcher, built once per snapshot: the clue's reasons are the matcher's
    from dutygraph.analysis import match
    from dutygraph.analysis.guide import build_guide
    from dutygraph.analysis.route import route_clue

    g = demo_graph()
    r = route_clue(g, "小区门口超市卖过期的预包装食品", "510104", "2025-06-01")
    assert r.items[0]["id"] == "I-FOOD-SALE"
    assert r.items[0]["reasons"][0].startswith("描述中的词 ")
    guide = build_guide(g, "剧本杀", "510104", "2025-06-01")
    assert any(i["reasons"][0].startswith("描述中的词 ") for i in guide.items)
    assert match.indexes(g, "2025-06-01") is match.indexes(g, "2025-01-01")  # same year


def test_statutes_name_their_department_through_the_law_helpers_competence_clauses():
    # 外汇管理条例 names 国务院外汇管理部门: io.laws.competence reads the clause and its line
    # (foreign-exchange), and the graph's department in force on that line answers
    from dutygraph.analysis.lawtext import line_department, statutes
    from dutygraph.fixtures import catalogue_graph

    g = catalogue_graph()
    by_act = {s.act: s for s in statutes(g, "2025-06-01")}
    fx = by_act["中华人民共和国外汇管理条例"]
    assert fx.department == "N-SAFE" and fx.competence is not None
    assert "外汇管理" in fx.competence.text
    # a line whose department was abolished answers with the one in force
    assert line_department(g, "market-regulation", "2025-06-01") == "N-SAMR"
    assert sum(s.department is not None for s in by_act.values()) >= 300


def test_the_word_indexes_are_stored_and_read_back_instead_of_rebuilt(tmp_path, monkeypatch):
    # first use builds the indexes (law corpus, statutes, segmentation: seconds) and keeps
    # them in the cache folder; a later process reads them back: the same answers
    from dutygraph.analysis import match
    from dutygraph.fixtures import catalogue_graph

    monkeypatch.setenv("DUTYGRAPH_CACHE", str(tmp_path))
    monkeypatch.setattr(match, "_cache", {})
    g = catalogue_graph()
    ask = ("上门给狗打针", "有人开车挨家挨户给狗打狂犬针，一针八十块")

    def answer(a):
        return [(c.department.id, c.score, c.reasons) for c in a.candidates], a.confidence

    built = answer(assign_business_form(g, *ask, as_of="2025-06-01"))
    kept = list(tmp_path.glob("assign-indexes-*.marshal"))
    assert len(kept) == 1
    monkeypatch.setattr(match, "_cache", {})  # as in a new process

    def no_build(*a, **k):
        raise AssertionError("rebuilt although stored")

    with monkeypatch.context() as m:
        m.setattr(match, "_build", no_build)
        assert answer(assign_business_form(g, *ask, as_of="2025-06-01")) == built
    # a damaged file is ignored and written again; another graph gets its own file
    kept[0].write_bytes(b"\x00not marshal")
    monkeypatch.setattr(match, "_cache", {})
    assert answer(assign_business_form(g, *ask, as_of="2025-06-01")) == built
    import marshal

    assert marshal.loads(kept[0].read_bytes())["format"] == match._STORE_FORMAT
    assign_business_form(demo_graph(), *ask, as_of="2025-06-01")
    assert len(list(tmp_path.glob("assign-indexes-*.marshal"))) == 2
    # with no cache folder nothing is written
    monkeypatch.setenv("DUTYGRAPH_CACHE", "off")
    assert match.stored_path("x", "2025-06-01") is None


def test_an_answer_does_not_depend_on_what_the_process_asked_before():
    # the segmenter's dictionary is the graph's own vocabulary: asking about the catalogue
    # first used to add its phrases to the one shared dictionary, and 密室逃脱 on the demo then
    # lost its candidate (the explorer showed none while a fresh process showed 文化和旅游部)
    from dutygraph.fixtures import catalogue_graph, demo_graph

    def fresh_demo():  # a new graph object: its word indexes are built (or read) anew
        return demo_graph.__wrapped__()

    def ask(g):
        a = assign_business_form(g, "密室逃脱", "", [], None, "2025-06-01")
        return [(c.department.id, c.score) for c in a.candidates], a.confidence

    before = ask(fresh_demo())
    assign_business_form(catalogue_graph(), "剧本杀馆", "玩家扮演角色", [], None, "2025-06-01")
    assert ask(fresh_demo()) == before
    assert before[0] and before[0][0][0] == "N-MCT"
