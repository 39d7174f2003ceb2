"""The enforcement and obligation articles as a candidate source of ``assign`` (issue #15, session 16).

The corpus's sentences that name who punishes, approves, receives the application of or
inspects a behaviour (:mod:`dutygraph.analysis.enforce`) are read once and shipped; their
behaviour spans are indexed (:class:`dutygraph.analysis.match.EnforceIndex`) and vote, by the
best sentence per department, for the department they name — quoted in the answer.
"""

from __future__ import annotations

import pytest

from dutygraph.analysis import assign, enforce, match
from dutygraph.analysis.assign import assign_business_form
from dutygraph.fixtures import catalogue_graph
from dutygraph.io.laws.parse import parse_text

AS_OF = "2025-06-01"

LAW = (
    "# 示例管理条例\n\n2020年1月1日 施行\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n"
    "第一条 从事示例放映活动，应当向县级以上人民政府电影主管部门申请许可。\n\n"
    "第二条 下列放映活动，无需向电影主管部门提出申请：\n\n（一）家庭内的放映；\n\n（二）学校的教学放映。\n\n"
    "第三条 电影院应当为观众安排专职引导员。\n\n"
    "第四条 违反本条例规定，电影院有下列行为之一的，由县级以上人民政府电影主管部门责令改正，处一万元罚款：\n\n"
    "（一）擅自改建、拆除放映设施；\n\n（二）在放映时间内播放广告。\n\n"
    "违反本条例第三条规定的，由电影主管部门责令改正。\n"
)


def test_the_reader_takes_the_behaviour_of_each_kind_of_sentence() -> None:
    v, problems = parse_text(LAW)
    assert not problems
    rows = list(enforce._rows(v))
    got = {(r.article, r.paragraph, r.kind, r.line, r.span) for r in rows}
    # an obligation to apply: the part before 向X申请
    assert ("第一条", 1, "report", "film", "从事示例放映活动") in got
    # 有下列行为之一的: each item, with the subject before it
    assert ("第四条", 1, "penalty", "film", "电影院，擅自改建、拆除放映设施") in got
    assert ("第四条", 1, "penalty", "film", "电影院，在放映时间内播放广告") in got
    # 违反本条例第三条规定: the cited article's text is the behaviour
    assert ("第四条", 2, "penalty", "film", "电影院应当为观众安排专职引导员") in got
    # 无需向…申请 waives the obligation: no row
    assert not [r for r in rows if r.article == "第二条"]
    # the quote runs up to the paragraph the sentence is in
    second = next(r for r in rows if r.article == "第四条" and r.paragraph == 2)
    assert second.text.endswith("由电影主管部门责令改正。")


def test_the_shipped_table_is_what_the_reader_reads_today() -> None:
    from dutygraph.analysis.near import corpus_digest

    first = enforce.PATH.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == f"# corpus sha256 {corpus_digest()}"
    assert len(enforce.load()) > 8000
    assert tuple(enforce.build()) == enforce.load(), (
        "data/assign/enforce.tsv 与执法条款读取器今天读出的不一致：请运行 python -m dutygraph.analysis.enforce"
        " (the shipped enforcement sentences differ from what the reader reads: rebuild them)"
    )


@pytest.fixture(scope="module")
def g():
    return catalogue_graph()


def test_a_case_whose_enforcement_article_names_the_lead_gets_it_with_the_article_quoted(g) -> None:
    a = assign_business_form(
        g, "出境游领队外包", "旅行社把出境旅游团的领队工作外包给没有领队资格的人", as_of=AS_OF
    )
    assert a.candidates[0].department.id == "N-MCT"
    reason = next(r for r in a.candidates[0].reasons if r.startswith("执法条款（法律）"))
    # the example: 组团社应当为旅游团队安排专职领队 (第十条), cited by 第二十七条
    assert "《中国公民出国旅游管理办法》第二十七条" in reason and "专职领队" in reason
    assert any(
        q.startswith("《中国公民出国旅游管理办法》第二十七条：") for q in a.candidates[0].articles
    )


def test_without_the_enforcement_articles_no_reason_quotes_them(g, monkeypatch) -> None:
    for module, attr, value in assign.ablations()["no enforcement articles"]:
        monkeypatch.setattr(module, attr, value)
    a = assign_business_form(
        g, "出境游领队外包", "旅行社把出境旅游团的领队工作外包给没有领队资格的人", as_of=AS_OF
    )
    assert not any(r.startswith("执法条款") for c in a.candidates for r in c.reasons)


def test_a_long_list_of_duties_does_not_outvote_a_short_sentence_about_the_behaviour(g) -> None:
    ix = match.indexes(g, AS_OF)
    assert ix.enforce is not None
    words = ix.read("擅自拆除电影院的放映设施")
    best = ix.enforce.search(words, ix.statutes)[0]
    assert best.department == "N-CFA" and "电影院" in best.span
