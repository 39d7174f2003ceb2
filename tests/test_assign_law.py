"""What the statutes' bodies put each department in charge of (issue #15, session 13).

The competence clauses of every act in force are read once and shipped
(:mod:`dutygraph.analysis.assign_law`); they give a department to the acts whose head names
none at national level (:data:`dutygraph.analysis.match.CLAUSE_ACTS`) and let a text's words
vote, through a clause of an act's body, for the department it names
(:class:`dutygraph.analysis.match.ClauseIndex`). The cases are the tuning sets' own.
"""

from __future__ import annotations

import pytest

from dutygraph.analysis import assign, assign_law, match
from dutygraph.analysis.assign import assign_business_form
from dutygraph.analysis.lawtext import statutes
from dutygraph.analysis.segment import Word
from dutygraph.fixtures import catalogue_graph

AS_OF = "2025-06-01"


@pytest.fixture(scope="module")
def ix() -> match.Indexes:
    return match.indexes(catalogue_graph(), AS_OF)


def test_the_shipped_clauses_are_read_from_the_packaged_corpus() -> None:
    from dutygraph.analysis.near import corpus_digest
    from dutygraph.io.laws.competence import extract_by_rules
    from dutygraph.io.laws.parse import packaged_corpus

    first = assign_law.PATH.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == f"# corpus sha256 {corpus_digest()}"
    rows = assign_law.load()
    assert len(rows) > 1500
    # the rows of one act are what the rule reader reads from it today (rebuild the table
    # with ``python -m dutygraph.analysis.assign_law`` when the reader changes)
    act = next(a for a in packaged_corpus().acts.values() if a.title == "中华人民共和国公证法")
    v = act.version_at(assign_law.AS_OF)
    assert v is not None
    read = [(c.article, c.line) for c in extract_by_rules(v) if c.line and not c.generic]
    shipped = [(r.article, r.line) for r in rows if r.act == v.title]
    assert shipped and set(shipped) == set(read)


def test_the_shipped_clauses_are_what_the_rule_reader_reads_today() -> None:
    # the whole table, not one act: a change to the competence reader (issue #14) that is not
    # followed by ``python -m dutygraph.analysis.assign_law`` fails here, not on a later refit
    assert tuple(assign_law.build()) == assign_law.load(), (
        "data/assign/clauses.tsv 与职责条款规则读取器今天读出的不一致：请运行 python -m dutygraph.analysis.assign_law"
        " (the shipped clauses differ from what the rule reader reads: rebuild them)"
    )


def test_an_act_whose_head_names_no_national_department_takes_its_first_clauses() -> None:
    # 公证法 第五条 says 司法行政部门 with no level: the statute index left the act out, so
    # 公证 placed nothing (forms3 不用本人到场的委托公证 was never given 司法部)
    g = catalogue_graph()
    acts = statutes(g, AS_OF)
    before = next(st for st in acts if st.act == "中华人民共和国公证法")
    assert before.department is None
    after = next(st for st in match._clause_departments(g, acts, AS_OF) if st.act == before.act)
    assert after.department == "N-MOJ"
    assert after.competence is not None and after.competence.label == "第五条"
    a = assign_business_form(
        g,
        "不用本人到场的委托公证",
        "中介收两千块，说跟公证处的人熟，卖房的委托书不用本人到场就能办下来",
        as_of=AS_OF,
    )
    moj = next(c for c in a.candidates if c.department.id == "N-MOJ")
    assert any(q.startswith("《中华人民共和国公证法》第五条") for q in moj.articles)


def test_an_unplaced_act_now_places_a_form_by_its_clause() -> None:
    # forms4: no candidate at all on main; 电力安全事故应急处置和调查处理条例 names 能源局 in a
    # clause its head does not hold at national level
    a = assign_business_form(
        catalogue_graph(),
        "厂里拉根线把电转卖隔壁",
        "厂里变压器容量大用不完，老板拉根线把电转卖给隔壁几家小厂，每度比电网贵三毛",
        as_of=AS_OF,
    )
    top = a.candidates[0]
    assert top.department.id == "N-NEA"
    reason = next(r for r in top.reasons if r.startswith("领域归口（法律）"))
    assert "变压器" in reason and "电网" in reason


def test_a_clause_of_an_acts_body_votes_for_the_department_it_names(monkeypatch) -> None:
    # forms 工地渣土车队: 固体废物污染环境防治法 第六十二条 (past the head the statute index reads)
    # makes 环境卫生主管部门 (住建) competent for 建筑垃圾
    g = catalogue_graph()
    name, text = "工地渣土车队", "给工地拉渣土和建筑垃圾去消纳场"
    a = assign_business_form(g, name, text, as_of=AS_OF)
    mohurd = next(c for c in a.candidates if c.department.id == "N-MOHURD")
    why = next(r for r in mohurd.reasons if r.startswith("职责条款（法律）"))
    assert "《中华人民共和国固体废物污染环境防治法》第六十二条" in why and "建筑垃圾" in why
    monkeypatch.setattr(assign, "W_CLAUSE", 0.0)  # the ablation: no clause votes
    a = assign_business_form(g, name, text, as_of=AS_OF)
    mohurd = next(c for c in a.candidates if c.department.id == "N-MOHURD")
    assert not any(r.startswith("职责条款（法律）") for r in mohurd.reasons)


def test_customers_and_the_statutes_stock_words_vote_for_no_clause(ix: match.Indexes) -> None:
    # forms5 商场里的亲子早教中心 (孩子→未成年人): whom a business serves is no matter it is in
    assert ix.clauses is not None
    kid = Word("未成年人", 0, "customer", 1.0, "孩子")
    assert ix.clauses.search([kid]) == []
    # nor, said as what the business does, a word in more than 5 % of the acts' heads: the
    # statutes' stock words say nothing of which clause
    said = Word("未成年人", 0, "activity", 1.0, "孩子")
    hits = ix.clauses.search([said])
    assert {h.act for h in hits} >= {"中华人民共和国预防未成年人犯罪法"}
    assert ix.clauses.search([said], ix.statutes) == []


def test_a_clause_matter_names_its_core() -> None:
    assert assign_law.matter_core("全国的彩票监督管理工作") == "彩票"
    assert assign_law.matter_core("本行政区域内的会计工作") == "会计"
