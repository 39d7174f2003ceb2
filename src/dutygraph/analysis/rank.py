"""The order of an assignment's lead candidates: the hand weights' sum, or a fitted ranker.

:func:`~dutygraph.analysis.assign.assign_business_form` scores a department by its
signals — its best-grounded item (catalogue words plus the statute articles,
``W_LAW``), its second and third (``W_SECOND``), an act whose scope the text falls in
(``W_ACT``), a competence clause (``W_CLAUSE``), the domain's lines (``W_DOMAIN``), the
precedents (``W_PRECEDENT``) — each with a weight fixed by hand. Each candidate keeps that
breakdown (``Candidate.signals``, filled by :func:`note`): what each signal added
(:data:`PARTS`: ``best``, ``second``, ``domain``, ``precedent``; their sum is the hand score,
``hand``, and ``other`` whatever a signal not recorded added) and
what lay under it (``item``, ``law``, ``act``, ``clause``: the best vote of each kind;
``item_at``, ``act_at``, ``clause_at``: where that vote stood among its kind, 0 the first;
``item_n``…: how many votes).

:func:`order` puts the candidates in the order of a linear score over :func:`features`
of those signals (each relative to the case's best hand score, so that the order does not
depend on how many words the text has): a softmax over a case's candidates, fitted
(:func:`fit`) to put the expected lead first, leave one set out over the tuning sets
(``benchmarks/assign_rank.py``). A candidate's score is then ``evidence × exp(z − z_top)``:
the top candidate keeps its own hand score as the evidence the confidence reads, and the
runner-up's share of the top is its softmax chance over the top's, so the confidence's
margin is ``1 − p₂/p₁``. With no weights (:func:`weights` is ``None``: no
``data/assign/ranker.json``) the hand order stands, unchanged.

None is shipped: on the thirteen tuning sets, leave one set out, the ranker took top-1 from
59.4 % (the hand weights, same run) to 60.2–60.9 % (ridge 0.01–1), under the two points asked
of it; its fit on all thirteen sets reaches only 60.5–60.9 % on them
(``benchmarks/results/assign_rank_s16.txt``): the signals, however weighed, hardly tell the
right department from the one another item's words carry.

>>> sigs = [{"hand": 4.0, "best": 4.0, "item": 4.0, "item_at": 0}, {"hand": 3.0, "act": 3.0}]
>>> [round(x, 3) for x in features(sigs)[1][:3]]
[0.75, 0.0, 0.0]
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["ENABLED", "FEATURES", "PARTS", "RANKER", "features", "fit", "note", "order", "weights"]

#: the fitted weights of :func:`order`, shipped as data (absent: the hand weights rank)
RANKER = Path(__file__).resolve().parent.parent / "data" / "assign" / "ranker.json"
#: False: the hand order even where a ranker is shipped (the ablation; how
#: ``benchmarks/assign_rank.py`` asks, to fit and compare on the same answers)
ENABLED = True

#: the signals whose sum is the hand score; ``other`` is what they leave out (0: a signal added
#: to the score since, not yet recorded here)
PARTS = ("best", "second", "enforce", "domain", "precedent")
#: the ranker's inputs, per candidate (see :func:`features`)
FEATURES = (
    "hand",  # the hand-weighted score, as a share of the case's best
    "best",  # its best vote (item, act or clause), likewise
    "second",  # what its second and third votes added
    "item",  # its best item's score (catalogue words and articles)
    "law",  # the statute articles' part of its items
    "act",  # an act's scope
    "clause",  # a competence clause
    "domain",  # the domain's lines
    "precedent",  # settled precedents
    "main",  # it leads the main (best) item
    "item_second",  # it leads the second item
    "no_item",  # it leads no item the text matched (an act, a clause or a precedent only)
    "first_act",  # the first act's scope names it
    "first_clause",  # the first clause names it
    "items",  # how many of the kept items it leads (at most 3)
    "hand_first",  # first by the hand weights
    "hand_second",  # second by the hand weights
    "log_item",  # log(1 + its best item's score): the absolute evidence, less than linearly
    "log_act",
    "log_precedent",
)


def note(signals: dict[str, float], name: str, value: float, at: int = 0) -> None:
    """Record one vote of signal ``name`` for a candidate: its best value, where that vote
    stood among its kind (``name_at``) and how many votes there were (``name_n``)."""
    if name not in signals or value > signals[name]:
        signals[name] = value
        signals[name + "_at"] = at
    signals[name + "_n"] = signals.get(name + "_n", 0) + 1


def features(signals: Sequence[dict[str, float]]) -> list[list[float]]:
    """The :data:`FEATURES` of a case's candidates, given in the hand order (best first)."""
    top = max((s.get("hand", 0.0) for s in signals), default=0.0) or 1.0
    out = []
    for k, s in enumerate(signals):

        def rel(name: str, s: dict[str, float] = s) -> float:
            return s.get(name, 0.0) / top

        out.append(
            [
                rel("hand"),
                rel("best"),
                rel("second"),
                rel("item"),
                rel("law"),
                rel("act"),
                rel("clause"),
                rel("domain"),
                rel("precedent"),
                float(s.get("item_at", -1) == 0),
                float(s.get("item_at", -1) == 1),
                float("item" not in s),
                float(s.get("act_at", -1) == 0),
                float(s.get("clause_at", -1) == 0),
                min(s.get("item_n", 0.0), 3.0),
                float(k == 0),
                float(k == 1),
                math.log1p(s.get("item", 0.0)),
                math.log1p(s.get("act", 0.0)),
                math.log1p(s.get("precedent", 0.0)),
            ]
        )
    return out


def weights() -> dict[str, float] | None:
    """The fitted weights of :data:`RANKER` (``None``: none shipped, or not :data:`ENABLED`:
    the hand order)."""
    return _shipped() if ENABLED else None


@functools.cache
def _shipped() -> dict[str, float] | None:
    if not RANKER.exists():
        return None
    return dict(json.loads(RANKER.read_text(encoding="utf-8"))["weights"])


def order(
    signals: Sequence[dict[str, float]], w: dict[str, float] | None
) -> list[tuple[int, float]]:
    """``(index, raw score)`` of a case's candidates (given in the hand order), best first, as
    :func:`~dutygraph.analysis.assign.assign_business_form` ranks them: with no weights the
    hand order and scores; with weights ``evidence × exp(z − z_top)`` (see the module)."""
    if w is None or not signals:
        return [(k, s.get("hand", 0.0)) for k, s in enumerate(signals)]
    vec = [w.get(f, 0.0) for f in FEATURES]
    z = [sum(a * b for a, b in zip(vec, x, strict=True)) for x in features(signals)]
    ranked = sorted(range(len(z)), key=lambda k: (-z[k], k))
    best = z[ranked[0]]
    evidence = signals[ranked[0]].get("hand", 0.0)
    return [(k, evidence * math.exp(z[k] - best)) for k in ranked]


def fit(
    cases: Sequence[tuple[Sequence[dict[str, float]], Sequence[bool]]],
    ridge: float = 1.0,
    iterations: int = 60,
) -> dict[str, float]:
    """A softmax over each case's candidates, fitted to put a right one first.

    ``cases`` are ``(signals of the candidates in the hand order, which are right)``; a case
    with no right candidate says nothing of the order and is skipped. The features are scaled
    to unit spread before a ridge of ``ridge`` (the weights returned are on the raw
    features). Newton's method on the mean log-likelihood.

    >>> good = {"hand": 2.0, "act": 2.0, "act_at": 0}
    >>> bad = {"hand": 3.0, "best": 3.0, "item": 3.0, "item_at": 0}
    >>> w = fit([([bad, good], [False, True])] * 5 + [([good, bad], [True, False])] * 5)
    >>> [k for k, _ in order([bad, good], w)]
    [1, 0]
    """
    import numpy as np

    xs: list[Any] = []
    ys: list[Any] = []
    for sigs, right in cases:
        if len(sigs) < 2 or not any(right) or all(right):
            continue
        xs.append(np.array(features(sigs), dtype=float))
        ys.append(np.array(right, dtype=bool))
    d = len(FEATURES)
    if not xs:
        return dict.fromkeys(FEATURES, 0.0)
    allx = np.vstack(xs)
    spread = allx.std(axis=0)
    spread[spread < 1e-9] = 1.0
    xs = [x / spread for x in xs]
    n = len(xs)
    w = np.zeros(d)
    for _ in range(iterations):
        grad = -ridge * w
        hess = ridge * np.eye(d)
        for x, y in zip(xs, ys, strict=True):
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            q = p * y
            q /= q.sum()  # the chance of each right candidate, among the right ones
            grad += (q - p) @ x / n
            mean = p @ x
            hess += ((x - mean).T * p) @ (x - mean) / n
        step = np.linalg.solve(hess, grad)
        w += step
        if np.abs(step).max() < 1e-9:
            break
    return {f: round(float(v), 6) for f, v in zip(FEATURES, w / spread, strict=True)}
