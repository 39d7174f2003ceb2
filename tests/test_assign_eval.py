"""Measured quality of ``assign`` on the reference catalogue: two evaluation sets.

Each case of ``tests/data/assign_eval.csv`` (written from public policy, with
its source) is asked with its own precedent removed; the settled lead must be
the top candidate in at least 85 % of them. That set speaks the catalogue's
own words, so it is easy.

``tests/data/assign_eval_heldout.csv`` describes new business forms the way a
clerk or a news report would, in other words, each with the lead expected
under current practice and its basis; cases whose lead is disputed in practice
are marked and left out of the score. ``tests/data/assign_eval_fresh.csv`` is
more of the same, written before any change and never used to choose one.
Their floors sit a little below the measured figures (and their ceilings on
wrong leads a little above), so a real regression fails.
``benchmarks/assign_eval.py`` prints the three sets side by side with the
cases missed.
"""

from __future__ import annotations

import pytest

from dutygraph.analysis.assign import (
    EvalCase,
    assign_business_form,
    evaluate,
    match_items,
    read_eval_cases,
)
from dutygraph.fixtures import catalogue_graph

from .conftest import ROOT

EVAL = ROOT / "tests" / "data" / "assign_eval.csv"
HELDOUT = ROOT / "tests" / "data" / "assign_eval_heldout.csv"
FRESH = ROOT / "tests" / "data" / "assign_eval_fresh.csv"
#: issue #15's sets, frozen before the method changed: FORMS the held-out test set, DEV for tuning
FORMS = ROOT / "tests" / "data" / "assign_eval_forms.csv"
DEV = ROOT / "tests" / "data" / "assign_eval_dev.csv"
#: session 7's set, frozen (with the then method's figure) before the method changed again:
#: a tuning set since session 8 (the third new forms set, written blind, is held out)
FORMS2 = ROOT / "tests" / "data" / "assign_eval_forms2.csv"
#: session 8's set, held out when first scored: a tuning set since session 10
FORMS3 = ROOT / "tests" / "data" / "assign_eval_forms3.csv"
#: session 10's set, held out when first scored (frozen in e9c3d13): a tuning set since session 11
FORMS4 = ROOT / "tests" / "data" / "assign_eval_forms4.csv"
#: session 12's forms5, written blind in two halves by two engineers other than the one tuning,
#: frozen in d0d918e and 892d45d before anything ran on them, scored once held out: a tuning set
#: since session 13
FORMS5 = ROOT / "tests" / "data" / "assign_eval_forms5.csv"
#: session 13's forms6, written blind in two halves by two engineers other than the one tuning
#: (frozen in 18322e5 and 1f80448 before anything ran on them), scored once after assign7 and
#: once after the thesaurus widening: a tuning set since session 14
FORMS6 = ROOT / "tests" / "data" / "assign_eval_forms6.csv"
#: session 13's forms7 (third round; frozen in 99d49c8 and e28f1dc), scored once held out: a
#: tuning set since session 14
FORMS7 = ROOT / "tests" / "data" / "assign_eval_forms7.csv"
#: session 14's forms8, written blind in two halves by two engineers other than the ones tuning
#: (frozen in 642e1dc and c7a3c2a before anything ran on them), scored once held out: a tuning
#: set since session 15
FORMS8 = ROOT / "tests" / "data" / "assign_eval_forms8.csv"
#: session 14's forms9a (35 forms, frozen in 86bfedf), scored once: a tuning set since session 15
FORMS9A = ROOT / "tests" / "data" / "assign_eval_forms9a.csv"
#: session 15's forms10, written blind in two halves (forms10a 2dbc9cb, forms10b e70f163, joined
#: unchanged) while the method changed, scored once held out after the merges: a tuning set since
#: session 16
FORMS10 = ROOT / "tests" / "data" / "assign_eval_forms10.csv"
#: the set held out now: forms11, written blind in session 15 for session 16 in two halves by two
#: engineers who never saw the method's work (forms11a 792fc7b, forms11b 99ccbd7, joined unchanged)
HELD_OUT = ROOT / "tests" / "data" / "assign_eval_forms11.csv"
#: words that name a department (or its line) outright: a citizen's wording does not
DEPARTMENT_WORDS = (
    "市场监管",
    "文旅",
    "文化和旅游",
    "公安局",
    "派出所",
    "卫健",
    "民政局",
    "人社",
    "交通局",
    "网信",
    "应急管理",
    "住建",
    "生态环境局",
    "农业农村",
    "药监",
)
AS_OF = "2025-06-01"
TARGET_TOP1, TARGET_TOP3 = 0.85, 0.95
#: measured (benchmarks/results/assign_eval.txt, session 10: words weighed by role and name,
#: acts by how often their heads say a word and by the matter their titles name; all are
#: tuning sets now): held-out 66 % / 86 % top-1 / top-3 and 5 wrong leads of 59; fresh
#: 53 % / 79 % and 1 wrong of 19; forms 61 % / 82 % and 3 wrong of 82, ECE 0.06; forms2
#: 80 % / 93 % and 3 wrong of 106, ECE 0.11 (session 7: 36 % / 61 % and 18 wrong, when it was
#: held out). The floors sit a little below, so that a regression fails.
HELDOUT_TOP1, HELDOUT_TOP3, HELDOUT_WRONG = 0.62, 0.82, 8
FRESH_TOP1, FRESH_TOP3, FRESH_WRONG = 0.47, 0.73, 2
#: session 13's wider everyday thesaurus (vocab8: 879 -> 2,158 rows, written without opening any
#: set) answers more: on forms 8 wrong of 82 (LOSO wrong 7.3 % -> 8.6 %, top-1 60.8 % -> 63.3 %)
FORMS_TOP1, FORMS_TOP3, FORMS_WRONG, FORMS_ECE = 0.57, 0.77, 8, 0.2
FORMS2_TOP1, FORMS2_TOP3, FORMS2_WRONG, FORMS2_ECE = 0.75, 0.89, 7, 0.2
#: the third new forms set (written by another engineer than the one tuning, session 8):
#: 47 % / 64 % and 15 wrong of 107 when first scored with the thesaurus, held out; a tuning set
#: since session 10: 55 % / 71 % and 13 wrong, ECE 0.06
FORMS3_TOP1, FORMS3_TOP3, FORMS3_WRONG, FORMS3_ECE = 0.51, 0.66, 16, 0.2
#: forms4 when held out: 43 % / 64 % and 13 wrong of 76 with the then method
#: (results/assign_eval_forms4_before.txt); a tuning set since session 11, with session 12's
#: method 46 % / 75 % and 8 wrong
FORMS4_TOP1, FORMS4_TOP3, FORMS4_WRONG = 0.42, 0.71, 11
#: forms10 held out: session 15's starting method (65105e7) 48.1 % / 64.6 % and 8 wrong of 79 (the
#: halves' first runs, results/assign_eval_forms10{a,b}_before.txt, joined), session 15's final
#: method 49.4 % / 64.6 % and 8 wrong, ECE 0.04 (results/assign_eval_forms10_start_vs_final.txt); a
#: tuning set since session 16: its floor just under; with the enforcement articles (assign10)
#: 53.2 % / 67.1 % and 8 wrong
FORMS10_TOP1, FORMS10_TOP3, FORMS10_WRONG = 0.51, 0.65, 9
#: the held-out set's floor: None until the set is scored once, after the session's merges (a floor
#: set before then would show whoever tunes the method the held-out figures). forms11, scored once
#: after session 16's merges: 58.2 % / 75.9 % and 11 wrong of 79, ECE 0.16, abstaining on 57 %
#: (results/assign_eval.txt); the session's starting method (held16, 37d1463) 58.2 % / 74.7 % and
#: 11 wrong (results/assign_eval_forms11_start.txt). A failing floor names figures only, never
#: its cases, so the set stays held out.
HELD_OUT_TOP1: float | None = 0.56
HELD_OUT_TOP3: float | None = 0.73
HELD_OUT_WRONG: int | None = 12
HELD_OUT_ECE, HELD_OUT_ABSTAINED = 0.2, 0.75
#: forms8 held out: session 13's method (b5713a2) 51.2 % / 73.8 % and 8 wrong of 80 (results/
#: assign_eval_forms8{a,b}_before.txt), session 14's 50.0 % / 76.2 % and 6 wrong; a tuning set
#: since session 15 (with the fit on twelve sets 50.0 % / 76.2 % and 6 wrong): its floor just under
FORMS8_TOP1, FORMS8_TOP3, FORMS8_WRONG = 0.48, 0.74, 8
#: forms9a once scored: session 14's method 51.4 % / 71.4 % and 4 wrong of 35; a tuning set since
#: session 15 (fit on twelve: 51.4 % / 71.4 % and 3 wrong); with the enforcement articles
#: (session 16) 57.1 % / 74.3 % and 3 wrong
FORMS9A_TOP1, FORMS9A_TOP3, FORMS9A_WRONG = 0.54, 0.71, 5
#: forms6 held out: session 12's method 40.0 % / 52.5 % and 5 wrong of 80 (results/
#: assign_eval_forms6{a,b}_before.txt), after assign7 42.5 % / 55.0 % and 6 wrong, with session
#: 13's final method 43.8 % / 58.8 % and 5 wrong; a tuning set since session 14 (with the fit on
#: ten sets 43.8 % / 58.8 % and 3 wrong): its floor just under, top-3 at its held-out floor
#: (assign8's statute rules: 45.0 % / 56.3 %, two forms6 cases fall out of the first three)
FORMS6_TOP1, FORMS6_TOP3, FORMS6_WRONG = 0.42, 0.55, 6
#: forms7 held out: the figures of the held-out floor above (57.0 % / 73.4 %, 8 wrong of 79); a
#: tuning set since session 14 (with the fit on ten sets 57.0 % / 73.4 % and 5 wrong); with the
#: enforcement articles (session 16) 60.8 % / 75.9 % and 6 wrong
FORMS7_TOP1, FORMS7_TOP3, FORMS7_WRONG = 0.58, 0.73, 8
#: forms5 when held out: the figures above; a tuning set since session 13
FORMS5_TOP1, FORMS5_TOP3, FORMS5_WRONG = 0.41, 0.65, 10


def eval_cases() -> list[EvalCase]:
    return read_eval_cases(EVAL)


@pytest.fixture(scope="module")
def result():
    return evaluate(catalogue_graph(), eval_cases(), as_of=AS_OF)


@pytest.fixture(scope="module")
def heldout():
    return evaluate(catalogue_graph(), read_eval_cases(HELDOUT), as_of=AS_OF)


@pytest.fixture(scope="module")
def forms():
    return evaluate(catalogue_graph(), read_eval_cases(FORMS), as_of=AS_OF)


@pytest.fixture(scope="module")
def forms2():
    return evaluate(catalogue_graph(), read_eval_cases(FORMS2), as_of=AS_OF)


@pytest.fixture(scope="module")
def forms3():
    return evaluate(catalogue_graph(), read_eval_cases(FORMS3), as_of=AS_OF)


@pytest.fixture(scope="module")
def forms4():
    return evaluate(catalogue_graph(), read_eval_cases(FORMS4), as_of=AS_OF)


@pytest.fixture(scope="module")
def forms5():
    return evaluate(catalogue_graph(), read_eval_cases(FORMS5), as_of=AS_OF)


@pytest.fixture(scope="module")
def forms6():
    return evaluate(catalogue_graph(), read_eval_cases(FORMS6), as_of=AS_OF)


@pytest.fixture(scope="module")
def forms7():
    return evaluate(catalogue_graph(), read_eval_cases(FORMS7), as_of=AS_OF)


@pytest.fixture(scope="module")
def forms8():
    return evaluate(catalogue_graph(), read_eval_cases(FORMS8), as_of=AS_OF)


@pytest.fixture(scope="module")
def forms9a():
    return evaluate(catalogue_graph(), read_eval_cases(FORMS9A), as_of=AS_OF)


@pytest.fixture(scope="module")
def forms10():
    return evaluate(catalogue_graph(), read_eval_cases(FORMS10), as_of=AS_OF)


@pytest.fixture(scope="module")
def held_out():
    if HELD_OUT_TOP1 is None:
        pytest.skip(
            "the held-out set is scored once, after the session's merges; its floor is set then"
        )
    return evaluate(catalogue_graph(), read_eval_cases(HELD_OUT), as_of=AS_OF)


@pytest.fixture(scope="module")
def fresh():
    return evaluate(catalogue_graph(), read_eval_cases(FRESH), as_of=AS_OF)


def test_the_heldout_set_is_new_wording_with_a_basis_for_every_lead(heldout, fresh):
    g = catalogue_graph()
    cases = heldout["cases"]
    scored = [c for c in cases if not c.disputed]
    assert len(scored) >= 40
    assert len(fresh["cases"]) >= 15
    names = [c.name for c in cases + fresh["cases"]]
    assert len(set(names)) == len(names)
    settled_names = {f.name for f in g.business_forms.values()}
    for c in cases + fresh["cases"]:
        assert c.expected_lead in g.departments, c.name
        assert c.source, f"{c.name}: no basis given"
        assert c.name not in settled_names, f"{c.name} is a settled form's own name"
        assert not c.behaviors, f"{c.name}: held-out cases give free text only"
        if c.disputed:
            assert c.source.startswith("disputed"), f"{c.name}: say why it is disputed"
    # the disputed cases are asked, but the headline does not count them
    assert heldout["disputed"] == [c for c in cases if c.disputed]
    assert heldout["top1"] == sum(c.rank == 1 for c in scored) / len(scored)
    assert not any(c.disputed for c in heldout["misses"])


def test_the_forms_sets_are_new_wording_over_many_departments():
    g = catalogue_graph()
    forms, dev, forms2 = read_eval_cases(FORMS), read_eval_cases(DEV), read_eval_cases(FORMS2)
    forms3, forms4 = read_eval_cases(FORMS3), read_eval_cases(FORMS4)
    forms5, forms6 = read_eval_cases(FORMS5), read_eval_cases(FORMS6)
    forms7, forms8 = read_eval_cases(FORMS7), read_eval_cases(FORMS8)
    forms10 = read_eval_cases(FORMS10)
    for held_out in (forms, forms2, forms3, forms4, forms5, forms6, forms7, forms8, forms10):
        scored = [c for c in held_out if not c.disputed]
        # at least 80 forms, each with its lead and rule or marked unsettled (issue #15)
        assert len(held_out) >= 80 and len(scored) >= 0.9 * len(held_out)
        assert len({c.expected_lead for c in scored}) >= 20
    earlier = {c.name for p in (EVAL, HELDOUT, FRESH) for c in read_eval_cases(p)}
    written = forms + dev + forms2 + forms3 + forms4 + forms5 + forms6 + forms7 + forms8 + forms10
    names = [c.name for c in written]
    assert len(set(names)) == len(names)
    assert not set(names) & earlier
    dept_names = [d.name for d in g.departments.values()]
    for c in written:
        assert c.expected_lead in g.departments, c.name
        assert all(a in g.departments and a != c.expected_lead for a in c.alternatives), c.name
        assert c.source, f"{c.name}: no rule given"
        assert not c.behaviors, f"{c.name}: free text only"
        text = c.name + c.description
        assert not any(n in text for n in dept_names + list(DEPARTMENT_WORDS)), c.name
        if c.disputed:
            assert "争议" in c.source or "无定论" in c.source, f"{c.name}: say why it is disputed"


@pytest.mark.parametrize(
    "which, top1, top3, wrong",
    [
        ("heldout", HELDOUT_TOP1, HELDOUT_TOP3, HELDOUT_WRONG),
        ("fresh", FRESH_TOP1, FRESH_TOP3, FRESH_WRONG),
        ("forms", FORMS_TOP1, FORMS_TOP3, FORMS_WRONG),
        ("forms2", FORMS2_TOP1, FORMS2_TOP3, FORMS2_WRONG),
        ("forms3", FORMS3_TOP1, FORMS3_TOP3, FORMS3_WRONG),
        ("forms4", FORMS4_TOP1, FORMS4_TOP3, FORMS4_WRONG),
        ("forms5", FORMS5_TOP1, FORMS5_TOP3, FORMS5_WRONG),
        ("forms6", FORMS6_TOP1, FORMS6_TOP3, FORMS6_WRONG),
        ("forms7", FORMS7_TOP1, FORMS7_TOP3, FORMS7_WRONG),
        ("forms8", FORMS8_TOP1, FORMS8_TOP3, FORMS8_WRONG),
        ("forms9a", FORMS9A_TOP1, FORMS9A_TOP3, FORMS9A_WRONG),
        ("forms10", FORMS10_TOP1, FORMS10_TOP3, FORMS10_WRONG),
    ],
)
def test_new_wording_accuracy_stays_above_its_floor(request, which, top1, top3, wrong):
    r = request.getfixturevalue(which)
    missed = "\n".join(f"{c.name}: want {c.expected_lead}, got {c.got[:3]}" for c in r["misses"])
    assert r["top1"] >= top1, missed
    assert r["top3"] >= top3, missed
    assert r["wrong"] <= wrong, missed


def test_the_held_out_set_stays_above_its_floor(held_out):
    # figures only in the message: the set's cases must not reach whoever tunes the method
    r = held_out
    assert HELD_OUT_TOP1 is not None and HELD_OUT_TOP3 is not None and HELD_OUT_WRONG is not None
    got = (r["top1"], r["top3"], r["wrong"], r["calibration"]["ece"])
    assert got[0] >= HELD_OUT_TOP1 and got[1] >= HELD_OUT_TOP3, got
    assert got[2] <= HELD_OUT_WRONG and got[3] <= HELD_OUT_ECE, got
    assert r["abstained"] <= HELD_OUT_ABSTAINED, r["abstained"]


def test_the_confidence_stays_calibrated_on_the_frozen_forms_set(forms, forms2, forms3):
    # fitted on the tuning sets: on each of them it must still mean something
    assert forms["calibration"]["ece"] <= FORMS_ECE
    assert forms["abstained"] <= 0.6  # abstaining on everything would be no answer either
    assert forms2["calibration"]["ece"] <= FORMS2_ECE
    assert forms2["abstained"] <= 0.7
    assert forms3["calibration"]["ece"] <= FORMS3_ECE
    assert forms3["abstained"] <= 0.7


def test_context_words_alone_name_no_lead():
    # where it is, how it is ordered and paid say nothing of what it does: a gap, not a guess
    a = assign_business_form(
        catalogue_graph(), "新开的店", "开在商场和小区里，顾客用App下单，按次收费", as_of=AS_OF
    )
    assert a.candidates == []
    assert [x["kind"] for x in a.gaps] == ["UNCOVERED_BEHAVIOR"]
    assert "too little to name a lead" in a.gaps[0]["detail"]
    assert a.items  # what little matched is still shown


def test_the_whole_word_outweighs_a_word_inside_it():
    # 网店 (a behaviour's word) sits inside 上网店 (a net cafe): the whole word wins, the
    # part counts only as much of it as it covers
    a = assign_business_form(
        catalogue_graph(), "通宵上网店", "学校附近的上网店，按小时计费", as_of=AS_OF
    )
    assert a.candidates[0].department.id == "N-MCT"
    score = {b["id"]: b["score"] for b in a.behaviors}
    assert score["BH-NETCAFE"] > 1.5 * score.get("BH-ONLINE-SHOP", 0.0)


def test_the_evaluation_set_is_big_enough_and_leaves_precedents_out(result):
    cases = result["cases"]
    assert len(cases) >= 25
    g = catalogue_graph()
    with_precedent = [c for c in cases if c.business_form]
    assert len(with_precedent) >= 15
    for c in with_precedent:
        assert c.business_form in g.business_forms, c.business_form
        assert c.business_form in c.excluded
        a = assign_business_form(
            g, c.name, c.description, c.behaviors, as_of=AS_OF, exclude=c.excluded
        )
        assert c.business_form not in {p["id"] for p in a.precedents}
        assert all(c.business_form not in r for x in a.candidates for r in x.reasons)


def test_top1_accuracy_meets_the_target_leave_one_out(result):
    missed = [f"{c.name}: want {c.expected_lead}, got {c.got[:3]}" for c in result["misses"]]
    assert result["top1"] >= TARGET_TOP1, "\n".join(missed)


def test_top3_accuracy(result):
    assert result["top3"] >= TARGET_TOP3


def test_precedents_matter_but_are_not_the_whole_answer():
    # without any precedent, the behaviours and the domain alone still place most cases
    g = catalogue_graph()
    cases = eval_cases()
    every_form = [f.id for f in g.business_forms.values()]
    hits = sum(
        (
            a := assign_business_form(
                g, c.name, c.description, c.behaviors, as_of=AS_OF, exclude=every_form
            )
        ).candidates[:1]
        and a.candidates[0].department.id == c.expected_lead
        for c in cases
    )
    assert hits / len(cases) >= 0.7


def test_a_form_that_matches_nothing_reports_the_gap_on_the_catalogue():
    # no lead is named: nothing at all matches, or too little (控制, a part of the object
    # 疾病预防控制机构, is all the catalogue shares with it) for a confident one
    from dutygraph.analysis.confidence import ABSTAIN_BELOW

    a = assign_business_form(
        catalogue_graph(), "脑机接口", "研发意念控制的脑机接口头环", as_of=AS_OF
    )
    assert a.abstained and a.confidence < ABSTAIN_BELOW
    assert [x["kind"] for x in a.gaps] == ["UNCOVERED_BEHAVIOR"]


def test_an_abolished_precedent_lead_answers_with_its_successor():
    # 网络借贷 was settled on 银监会 (2016); as of 2025 the answer is 金融监管总局
    a = assign_business_form(catalogue_graph(), "P2P网贷", "网络平台撮合个人之间借款", as_of=AS_OF)
    assert a.candidates[0].department.id == "N-NFRA"
    assert any(p["id"] == "BF-P2P" for p in a.precedents)


def test_reasons_name_the_three_grounds():
    a = assign_business_form(
        catalogue_graph(), "剧本杀馆", "玩家在包间里换装扮演角色、按剧本推理凶手", as_of=AS_OF
    )
    reasons = " ".join(a.candidates[0].reasons)
    assert a.candidates[0].department.id == "N-MCT"
    for ground in ("行为特征", "领域归口", "业务相近"):
        assert ground in reasons


def test_a_word_counts_once_for_an_item():
    # 包车 is a keyword of the behaviour 经营道路客运 and of its item: one word, one vote
    found, _ = match_items(catalogue_graph(), "旅游包车", "包车带游客去景区")
    road = next(m for m in found if m.item == "I-ROAD-TRANSPORT")
    assert any("包车" in r for r in road.reasons)
    assert not any(r.startswith("text names") and "包车" in r for r in road.reasons)


def test_the_confidence_is_fitted_on_the_tuning_sets_only():
    # refit on the tuning sets: the committed coefficients are what the method gives today
    # (refit with dutygraph.analysis.assign_eval.fit_confidence when the method changes)
    from dutygraph.analysis.assign_eval import FIT_SETS, fit_confidence
    from dutygraph.analysis.confidence import COEFFICIENTS

    # the held-out set is never fitted on; forms2 and forms3 are tuning sets now
    assert {"assign_eval_forms2.csv", "assign_eval_forms3.csv"} <= set(FIT_SETS)
    # forms5-forms8, forms9a and forms10 are spent (tuning sets since sessions 13, 14, 15 and 16);
    # the set held out now, forms11 (written blind in session 15), never is
    assert {f"assign_eval_forms{k}.csv" for k in (5, 6, 7, 8, "9a", 10)} <= set(FIT_SETS)
    assert not any(name.startswith("assign_eval_forms11") for name in FIT_SETS)
    assert HELD_OUT.name not in FIT_SETS
    assert len(FIT_SETS) == 13
    got = fit_confidence(catalogue_graph(), DEV.parent, AS_OF)
    assert got == pytest.approx(COEFFICIENTS, abs=1e-3)


def test_known_unsettled_and_misleading_forms_answer_sensibly():
    g = catalogue_graph()
    # the cases: an unattended mahjong room is never 民航 (无人值守 ≠ 无人驾驶)
    a = assign_business_form(
        g, "24小时麻将馆", "24小时无人值守的麻将棋牌室，顾客扫码开门按小时付费", as_of=AS_OF
    )
    assert "N-CAAC" not in [c.department.id for c in a.candidates]
    assert a.abstained or a.candidates[0].articles
    # 宠物殡葬 is on record as unsettled: an open question, never 民政 as the lead
    a = assign_business_form(g, "宠物殡葬", "给去世的猫狗火化，做骨灰盒", as_of=AS_OF)
    assert a.abstained and a.confidence == 0.0
    assert any(c.get("business_form") == "BF-PET-FUNERAL" for c in a.conflicts)


def test_a_statute_names_the_department_and_is_quoted():
    # 外汇管理条例: its scope holds the words, its 第二条 makes 外汇管理部门 competent
    a = assign_business_form(
        catalogue_graph(), "外币兑换点", "在口岸给旅客兑换外币现钞，买卖外汇", as_of=AS_OF
    )
    safe = next(c for c in a.candidates if c.department.id == "N-SAFE")
    assert any("《中华人民共和国外汇管理条例》第二条" in q for q in safe.articles)
    assert any(r.startswith("领域归口（法律）") for r in safe.reasons)
