"""Each lead candidate's score broken down by signal, and the ranker that may order them.

``Candidate.signals`` must say truly what the score is made of (the hand weights' sum), and
with no ranker shipped (``data/assign/ranker.json``: none, the LOSO gain measured in
``benchmarks/results/assign_rank_s16.txt`` was under the bar) the hand order stands.
"""

from __future__ import annotations

import json
import math

import pytest

from dutygraph.analysis import rank
from dutygraph.analysis.assign import assign_business_form
from dutygraph.fixtures import catalogue_graph

AS_OF = "2025-06-01"
#: forms worded as a clerk would, each drawing on other signals: items and a precedent, an act's
#: scope, the domain's lines
FORMS = (
    ("剧本杀馆", "玩家在包间里换装扮演角色、按剧本推理凶手"),
    ("外币兑换点", "在口岸给旅客兑换外币现钞，买卖外汇"),
    ("P2P网贷", "网络平台撮合个人之间借款"),
    ("宠物寄养", "替出差的主人照看猫狗，上门喂食遛狗"),
)


@pytest.fixture(autouse=True)
def _no_shipped_ranker(monkeypatch):
    monkeypatch.setattr(rank, "ENABLED", True)
    rank._shipped.cache_clear()
    yield
    rank._shipped.cache_clear()


@pytest.mark.parametrize("name, description", FORMS)
def test_the_signals_add_up_to_the_hand_score_and_order(name, description):
    a = assign_business_form(catalogue_graph(), name, description, as_of=AS_OF)
    assert a.candidates
    hands = [c.signals["hand"] for c in a.candidates]
    assert hands == sorted(hands, reverse=True)  # no ranker shipped: the hand order
    for c in a.candidates:
        s = c.signals
        # the breakdown is whole: a signal added to the score must be recorded in it
        assert sum(s.get(k, 0.0) for k in rank.PARTS) == pytest.approx(s["hand"])
        assert s["other"] == pytest.approx(0.0, abs=1e-9)
        assert c.score == pytest.approx(s["hand"] / hands[0], abs=1e-3)
        # the best vote is the best of the kinds it was drawn from
        assert s.get("best", 0.0) == pytest.approx(
            max([0.0] + [s[k] for k in ("item", "act", "clause") if k in s])
        )


def test_the_signals_name_the_act_and_the_item_behind_a_candidate():
    a = assign_business_form(
        catalogue_graph(), "外币兑换点", "在口岸给旅客兑换外币现钞，买卖外汇", as_of=AS_OF
    )
    safe = next(c for c in a.candidates if c.department.id == "N-SAFE")
    assert safe.signals["act"] > 0 and safe.signals["act_n"] >= 1
    assert any(r.startswith("领域归口（法律）") for r in safe.reasons)
    a = assign_business_form(
        catalogue_graph(), "剧本杀馆", "玩家在包间里换装扮演角色、按剧本推理凶手", as_of=AS_OF
    )
    top = a.candidates[0]
    assert top.department.id == "N-MCT" and top.signals["item_at"] == 0
    assert top.signals["precedent"] > 0  # 业务相近 counted, and named among its reasons
    assert any(r.startswith("业务相近") for r in top.reasons)


def test_a_shipped_ranker_orders_the_candidates_and_keeps_their_reasons(monkeypatch, tmp_path):
    g = catalogue_graph()
    name, description = "外币兑换点", "在口岸给旅客兑换外币现钞，买卖外汇"
    hand = assign_business_form(g, name, description, as_of=AS_OF)
    assert len(hand.candidates) >= 2
    # a ranker that prefers the hand weights' runner-up: it comes first, the top second
    path = tmp_path / "ranker.json"
    weights = {"hand_second": 3.0, "hand": 1.0}
    path.write_text(json.dumps({"fitted_on": [], "weights": weights}), encoding="utf-8")
    monkeypatch.setattr(rank, "RANKER", path)
    rank._shipped.cache_clear()
    got = assign_business_form(g, name, description, as_of=AS_OF)
    ids = [c.department.id for c in hand.candidates]
    assert [c.department.id for c in got.candidates] == [ids[1], ids[0], *ids[2:]]
    top = got.candidates[0]
    # the runner-up's share of the top is its softmax chance over the top's
    h0, h1 = (c.signals["hand"] for c in hand.candidates[:2])
    gap = 3.0 + (h1 - h0) / h0
    assert got.candidates[1].score == pytest.approx(math.exp(-gap), abs=1e-3)
    assert got.evidence[0] == pytest.approx(top.signals["hand"], abs=1e-3)
    assert top.score == 1.0 and all(c.score <= 1.0 for c in got.candidates)
    same = next(c for c in hand.candidates if c.department.id == top.department.id)
    assert top.reasons == same.reasons  # what carried it, unchanged
    monkeypatch.setattr(rank, "ENABLED", False)  # the ablation: the hand order again
    again = assign_business_form(g, name, description, as_of=AS_OF)
    assert [c.department.id for c in again.candidates] == [c.department.id for c in hand.candidates]
