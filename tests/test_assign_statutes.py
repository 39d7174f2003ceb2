"""Which statute's scope places a business form (issue #15, session 14: kind 4, "a wrong
statute's scope wins").

The statute index (:class:`dutygraph.analysis.match.StatuteIndex`) places a text under an act
in force whose head (its first 40 articles) holds the text's words. Three rules keep an
incidental pair of words from doing so, each shown on the tuning sets' own cases: customers
are silent there as for a competence clause (:data:`~dutygraph.analysis.match.STATUTE_SILENT`);
one of the shared words must be said at least twice in the head or be the title's matter
(:data:`~dutygraph.analysis.match.MATTER_TF`); an act placed by a clause of its body needs
three words (:data:`~dutygraph.analysis.match.CLAUSE_ACT_WORDS`). A customer ends with its
clause (:data:`dutygraph.analysis.segment.CUSTOMER_CLAUSE`).
"""

from __future__ import annotations

import pytest

from dutygraph.analysis import match, segment
from dutygraph.analysis.assign import assign_business_form
from dutygraph.analysis.segment import Word
from dutygraph.fixtures import catalogue_graph

AS_OF = "2025-06-01"


@pytest.fixture(scope="module")
def ix() -> match.Indexes:
    return match.indexes(catalogue_graph(), AS_OF)


def _acts(ix: match.Indexes, *words: Word) -> set[str]:
    return {h.statute.act for h in ix.statutes.search(list(words))}


def test_the_character_index_finds_what_a_scan_of_the_heads_finds(ix: match.Indexes) -> None:
    texts = [st.text for st in ix.statutes.statutes]
    for w in ("晚上", "户口", "无人驾驶航空器", "公安机关", "麻将馆", "不存在的词语", "法"):
        scan = {k: t.count(w) for k, t in enumerate(texts) if w in t}
        assert ix.statutes._find(w) == scan, w


def test_a_customer_places_no_text_under_a_statute(ix: match.Indexes, monkeypatch) -> None:
    # forms 车险比价App: 帮车主比较各家车险报价 — 报价 is said of the customer, and with 成交 it
    # placed the text under 政府采购法 (审计署 first, the lead third)
    quote = Word("报价", 0, "customer", 0.6)
    deal = Word("成交", 0, "activity", 1.0)
    assert "中华人民共和国政府采购法" not in _acts(ix, quote, deal)
    monkeypatch.setattr(match, "CLAUSE_ACT_WORDS", 2)  # 政府采购法 is placed by a clause too
    assert "中华人民共和国政府采购法" not in _acts(ix, quote, deal)
    monkeypatch.setattr(match, "STATUTE_SILENT", frozenset({"channel", "place", "near"}))
    assert "中华人民共和国政府采购法" in _acts(ix, quote, deal)
    monkeypatch.undo()
    a = assign_business_form(
        catalogue_graph(), "车险比价App", "在App上帮车主比较各家车险报价，成交后拿佣金", as_of=AS_OF
    )
    assert a.candidates[0].department.id == "N-NFRA"
    assert not any("政府采购法" in r for c in a.candidates for r in c.reasons)


def test_two_words_said_once_in_a_long_head_place_nothing(ix: match.Indexes, monkeypatch) -> None:
    # forms 古城私人向导 (在社交软件上接单，带外地来的人逛古城): 软件 and 外地 are each said once
    # in the 40 head articles of 税收征收管理法 — incidental to its matter; so are 晚上 and 早上 in
    # 公安机关适用继续盘问规定 (forms6 每天干到晚上十点还说是自愿的)
    soft, away = Word("软件", 0, "activity", 1.0), Word("外地", 0, "activity", 1.0)
    night, morning = Word("晚上", 0, "activity", 1.0), Word("早上", 0, "activity", 1.0)
    assert "中华人民共和国税收征收管理法" not in _acts(ix, soft, away)
    assert "公安机关适用继续盘问规定" not in _acts(ix, night, morning)
    monkeypatch.setattr(match, "MATTER_TF", 1)
    assert "中华人民共和国税收征收管理法" in _acts(ix, soft, away)
    monkeypatch.setattr(match, "CLAUSE_ACT_WORDS", 2)  # that one is placed by a clause too
    assert "公安机关适用继续盘问规定" in _acts(ix, night, morning)
    monkeypatch.undo()
    # a word the head says often still places it (户口 in 户口登记条例, forms7), and so does
    # the title's matter alone
    assert "中华人民共和国户口登记条例" in _acts(
        ix, Word("户口", 0, "activity", 1.0), Word("报名", 0, "activity", 1.0)
    )
    assert "彩票管理条例" in _acts(ix, Word("彩票", 0, "activity", 1.0))


def test_an_act_placed_by_a_clause_of_its_body_needs_three_words(
    ix: match.Indexes, monkeypatch
) -> None:
    # forms3 签自愿放弃五险的声明: 放弃 + 声明 placed it under 商标法实施条例, an act whose head
    # names no national department (placed by its 第八十四条); the lead came second
    placed = next(st for st in ix.statutes.statutes if st.act == "中华人民共和国商标法实施条例")
    assert placed.competence is not None
    assert placed.competence.basis == match.PLACED_BY_CLAUSE
    words = [Word("放弃", 0, "activity", 1.5), Word("声明", 0, "activity", 1.0)]
    assert placed.act not in _acts(ix, *words)
    monkeypatch.setattr(match, "CLAUSE_ACT_WORDS", 2)
    assert placed.act in _acts(ix, *words)
    monkeypatch.undo()
    a = assign_business_form(
        catalogue_graph(),
        "签自愿放弃五险的声明",
        "小厂招人时让员工签一张自愿不交五险的声明，每月多发两百块",
        as_of=AS_OF,
    )
    assert a.candidates[0].department.id == "N-MOHRSS"


def test_a_customer_ends_with_its_clause(ix: match.Indexes, monkeypatch) -> None:
    # forms4 厂里拉根线把电转卖隔壁: 卖给隔壁几家小厂，每度比电网贵三毛 — 电网, past the comma,
    # is no customer of the business (it voted at a customer's weight, or not at all)
    seg = ix.seg
    text = "老板拉根线把电转卖给几家小厂，每度比电网贵三毛"
    assert {w.text: w.role for w in seg._words(text)}["电网"] == "activity"
    assert {w.text: w.role for w in seg._words("为猫狗提供疫苗接种")}["猫狗"] == "customer"
    monkeypatch.setattr(segment, "CUSTOMER_CLAUSE", False)
    assert {w.text: w.role for w in seg._words(text)}["电网"] == "customer"


def test_rare_words_said_once_place_nothing_however_many(ix: match.Indexes, monkeypatch) -> None:
    # forms6 每天干到晚上十点还说是自愿的: 早上 and 晚上 are each in one act's head
    # (公安机关适用继续盘问规定), said once there. Session 14's _placed tried the RARE_ACTS
    # fallback only below the word count, so one of them placed the act and both did not;
    # MATTER_TF now guards every placement by words and RARE_ACTS only lowers the count
    act = "公安机关适用继续盘问规定"
    morning, evening = Word("早上", 0, "activity", 1.0), Word("晚上", 0, "activity", 1.5)
    monkeypatch.setattr(match, "RARE_ACTS", 3)
    assert act not in _acts(ix, evening)
    assert act not in _acts(ix, morning, evening)
    # a rare word said twice in a head places its act alone (进厂: 生猪屠宰管理条例, twice)
    assert "生猪屠宰管理条例" in _acts(ix, Word("进厂", 0, "activity", 1.0))
    monkeypatch.setattr(match, "MATTER_TF", 1)  # off: any rare word places, as before
    assert act in _acts(ix, evening) and act in _acts(ix, morning, evening)
    monkeypatch.setattr(match, "RARE_ACTS", 0)  # shipped: two words, one said twice
    monkeypatch.setattr(match, "MATTER_TF", 2)
    assert act not in _acts(ix, morning, evening)
