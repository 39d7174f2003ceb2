"""A ranker over the candidates' signals against the hand weights, leave one set out (issue #15).

    python benchmarks/assign_rank.py [--out results/assign_rank_s16.txt] [--ridge R ...] [--fit]

Every case of the tuning sets (:data:`~dutygraph.analysis.assign_eval.FIT_SETS`) and of the
settled set is asked once, in the hand order (:data:`dutygraph.analysis.rank.ENABLED` off),
keeping each candidate's signals (``Candidate.signals``). Then, for each tuning set, the ranker
(:func:`dutygraph.analysis.rank.fit`) is fitted on the other sets' cases only, the confidence
refitted on those sets' cases as the ranker orders them, and the set left out is ranked and
scored with both fits (:func:`~dutygraph.analysis.assign_eval.score`, as
``benchmarks/assign_loso.py`` does): what the ranker does on wording it never saw. The hand order
is scored the same way in the same run (its figures are ``assign_loso.py``'s). The settled set is
ranked by the ranker fitted on all thirteen sets.

``--fit`` writes the ranker fitted on all the tuning sets (the first ``--ridge``) to
``src/dutygraph/data/assign/ranker.json`` and prints the confidence refitted with it
(``confidence.COEFFICIENTS``).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"

from assign_loso import AS_OF, judged, row, samples  # noqa: E402
from bench_out import emit  # noqa: E402

from dutygraph.analysis import assign_eval, rank  # noqa: E402
from dutygraph.analysis.assign_eval import FIT_SETS, EvalCase, read_eval_cases, score  # noqa: E402
from dutygraph.analysis.confidence import features, fit  # noqa: E402
from dutygraph.fixtures import catalogue_graph  # noqa: E402

Asked = list[tuple[EvalCase, bool]]


def ask(g: Any, cases: list[EvalCase]) -> Asked:
    """Each case asked in the hand order (its own precedent left out), its candidates' ids and
    signals kept; with whether its abstention is forced (no candidate, a known open question)."""
    out = []
    for c in cases:
        a = assign_eval.ask(g, c, AS_OF)
        c.hand = [x.department.id for x in a.candidates]  # type: ignore[attr-defined]
        c.signals = [x.signals for x in a.candidates]  # type: ignore[attr-defined]
        forced = not a.candidates or any("business_form" in x for x in a.conflicts)
        out.append((c, forced))
    return out


def ranked(asked: Asked, w: dict[str, float] | None) -> Asked:
    """The cases' candidates put in the order of ``w`` (None: the hand order), with the
    evidence the confidence reads, as ``assign_business_form`` gives them."""
    for c, _ in asked:
        got = rank.order(c.signals, w)  # type: ignore[attr-defined]
        c.got = [c.hand[k] for k, _ in got]  # type: ignore[attr-defined]
        raw = [s for _, s in got[:2]] + [0.0, 0.0]
        e, m = features(raw[0], raw[1])
        c.evidence = (round(e, 4), round(m, 4))
    return asked


def training(asked: Asked) -> list[tuple[list[dict[str, float]], list[bool]]]:
    out = []
    for c, _ in asked:
        if c.disputed:
            continue
        ok = {c.expected_lead, *c.alternatives}
        out.append((c.signals, [d in ok for d in c.hand]))  # type: ignore[attr-defined]
    return out


def loso(sets: dict[str, Asked], ridge: float | None) -> tuple[list[str], list[EvalCase], dict]:
    """Leave one set out: ranker (``ridge`` None: the hand order) and confidence fitted on the
    other sets; the rows, the left-out cases scored, and each set's figures."""
    lines, done, per = [], [], {}
    for name, asked in sets.items():
        others = [x for n, a in sets.items() if n != name for x in a]
        w = None if ridge is None else rank.fit(training(others), ridge)
        k = fit(samples(ranked(others, w)))
        r = judged(ranked(asked, w), k)
        per[name] = {key: r[key] for key in ("top1", "top3", "wrong_rate", "abstained")}
        done.extend(copy.copy(c) for c, _ in asked)  # as scored now: a later fold reorders it
        lines.append(row(f"  left out: {name.removeprefix('assign_eval_')}", r))
    return lines, done, per


def at_wrong(done: list[EvalCase], target: float) -> tuple[float, float]:
    """``(named and right, threshold)`` at the lowest abstention threshold on the LOSO confidence
    that keeps wrong leads at or under ``target`` (a share of the scored cases): the methods
    compared at the same wrong rate, whatever threshold each would need."""
    scored = [c for c in done if not c.disputed and c.got]
    n = max(len([c for c in done if not c.disputed]), 1)
    best = (0.0, 1.0)
    for t in sorted({c.confidence for c in scored if c.confidence > 0}):
        named = [c for c in scored if c.confidence >= t]
        if sum(c.rank != 1 for c in named) / n <= target:
            return sum(c.rank == 1 for c in named) / n, t
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--ridge", type=float, action="append", default=[])
    ap.add_argument("--fit", action="store_true", help="write data/assign/ranker.json")
    args = ap.parse_args(argv)
    ridges = args.ridge or [0.01]
    rank.ENABLED = False
    g = catalogue_graph()
    sets = {name: ask(g, read_eval_cases(DATA / name)) for name in FIT_SETS}
    settled = ask(g, read_eval_cases(DATA / "assign_eval.csv"))
    pooled = [x for a in sets.values() for x in a]
    head = f"{'set':<34} {'n':>4} {'top-1':>6} {'top-3':>6} {'wrong':>6} {'abst':>6} {'ECE':>6}"
    lines = [f"features: {', '.join(rank.FEATURES)}", "", "hand weights (held16's method)", head]
    hand_lines, hand_done, hand_per = loso(sets, None)
    k = fit(samples(ranked(pooled, None)))
    lines.append(row(f"settled (confidence {k})", judged(ranked(settled, None), k)))
    lines += hand_lines
    hand = score(hand_done)
    lines.append(row("leave-one-set-out, pooled", hand))
    lines.append(f"  named and right {hand['right']:.1%}, answered {hand['answered']:.1%}")
    targets = (0.05, hand["wrong_rate"], 0.10)
    lines.append(
        "  at the same wrong rate (threshold swept on the LOSO confidence): "
        + "; ".join(f"wrong ≤ {t:.1%}: right {at_wrong(hand_done, t)[0]:.1%}" for t in targets)
    )
    for ridge in ridges:
        w = rank.fit(training(pooled), ridge)
        k = fit(samples(ranked(pooled, w)))
        lines += ["", f"ranker, ridge {ridge} (fitted leave one set out)", head]
        lines.append(row("settled (fit on all 13)", judged(ranked(settled, w), k)))
        lines.append(row("tuning sets pooled (fit on all 13)", judged(ranked(pooled, w), k)))
        r_lines, r_done, r_per = loso(sets, ridge)
        lines += r_lines
        r = score(r_done)
        lines.append(row("leave-one-set-out, pooled", r))
        worst = min(r_per, key=lambda n: r_per[n]["top1"] - hand_per[n]["top1"])
        lines.append(
            f"  top-1 {r['top1'] - hand['top1']:+.1%} pooled; worst set {worst} "
            f"{r_per[worst]['top1'] - hand_per[worst]['top1']:+.1%}; wrong {r['wrong_rate']:.1%}"
            f" (hand {hand['wrong_rate']:.1%}); named and right {r['right']:.1%} (hand"
            f" {hand['right']:.1%}); confidence fitted on all 13 with it: {k}"
        )
        lines.append(
            "  at the same wrong rate (threshold swept on the LOSO confidence): "
            + "; ".join(f"wrong ≤ {t:.1%}: right {at_wrong(r_done, t)[0]:.1%}" for t in targets)
        )
    if args.fit:
        ridge = ridges[0]
        w = rank.fit(training(pooled), ridge)
        rank.RANKER.parent.mkdir(parents=True, exist_ok=True)
        rank.RANKER.write_text(
            json.dumps(
                {"fitted_on": list(FIT_SETS), "ridge": ridge, "weights": w},
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        k = fit(samples(ranked(pooled, w)))
        lines += ["", f"wrote {rank.RANKER.name} (ridge {ridge}); confidence.COEFFICIENTS = {k}"]
    emit(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
