"""Leave-one-set-out figures of competence extraction (issue #14 item 4), old method vs new.

    python benchmarks/competence_loso.py [--out results/competence_loso.txt] [--fit] [--misses]

The thirteen hand-read samples (tests/data/competence_{sample,dev,fresh,fresh2,fresh3,fresh4,fresh5,fresh6,fresh7,fresh8,fresh9,fresh10,fresh11}.csv;
a set's adjudicated sample, competence_{name}_adjudicated.csv, where it has one: fresh8's since session 14, fresh10's since 15, fresh11's since 16)
are all tuning sets (fresh4 was held out in session 8, a tuning set since session 10; fresh5 held
out in session 10, a tuning set since session 11; fresh6 held out in session 11, a tuning set since
session 12; fresh7 held out in session 12, a tuning set since session 13; fresh8 held out in session 13,
a tuning set since session 13b; fresh9 held out in session 13, a tuning set since session 14; fresh10 held out in session 14, a tuning set since session 15; fresh11 held out in session 15, a tuning set since session 16; the held-out sample of the day is never one of them). For each of them in turn, the score of
:mod:`dutygraph.io.laws.reading` is fitted on the other twelve and that one is
scored with it: precision, recall and coverage of the held-out fold. Beside
it, on the same fold, the rule reader of sessions 5–7
(:func:`~dutygraph.io.laws.competence.extract_by_rules`) — which was tuned on
sample, dev, fresh and fresh2, so only its fresh3–fresh7 figures are held out.

``--misses`` lists, for the first variant, each fold's false clauses (with their held-out score and
whether the one-per-text floor kept them) and the texts left without a clause: what to read
next, every sample being a tuning one. ``--fit`` fits the score on all thirteen sets and writes
``src/dutygraph/data/laws/competence_weights.json`` (the shipped weights).
The figures are deterministic (no timing).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SETS = (
    "sample",
    "dev",
    "fresh",
    "fresh2",
    "fresh3",
    "fresh4",
    "fresh5",
    "fresh6",
    "fresh7",
    "fresh8",
    "fresh9",
    "fresh10",
    "fresh11",
)
RESULT = HERE / "results" / "competence_loso.txt"
WEIGHTS = ROOT / "src" / "dutygraph" / "data" / "laws" / "competence_weights.json"

sys.path.insert(0, str(HERE))
from competence_eval import _key, read_sample  # noqa: E402

from dutygraph.analysis.confidence import _solve  # noqa: E402  (Gaussian elimination, any size)
from dutygraph.io.laws import packaged_corpus  # noqa: E402
from dutygraph.io.laws.competence import extract_by_rules, in_force  # noqa: E402
from dutygraph.io.laws.reading import feature_names, read, score  # noqa: E402

Row = tuple[str, tuple[str, str, str], dict[str, float], bool]  # version, key, inputs, label


def sample_file(name: str) -> Path:
    """The hand reading of one set: its adjudicated sample (``competence_{name}_adjudicated.csv``, two blind
    readings settled under the rules, fresh8's since session 14) where there is one, else the reading."""
    adjudicated = ROOT / "tests" / "data" / f"competence_{name}_adjudicated.csv"
    return (
        adjudicated if adjudicated.exists() else ROOT / "tests" / "data" / f"competence_{name}.csv"
    )


def rows_of(name: str, by_id: dict) -> tuple[list[Row], dict[str, set], dict[str, set]]:
    """Candidate rows of one sample (labelled by the hand reading), the gold keys and the rules' keys."""
    gold_raw, _ = read_sample(sample_file(name))
    gold = {v: {(k[1], k[2], k[3]) for k in ks} for v, ks in gold_raw.items()}
    rows: list[Row] = []
    rules: dict[str, set] = {}
    for vid in gold:
        version = by_id[vid]
        rules[vid] = {(c.article, c.level, _key(c.department)) for c in extract_by_rules(version)}
        for key, f, clause in read(version, with_rules=True):
            k = (key[0], key[1], _key(clause.department))
            rows.append((vid, k, f, k in gold[vid]))
    return rows, gold, rules


def fit(rows: list[Row], l2: float = 1.0, iterations: int = 30) -> dict[str, float]:
    """Logistic regression by Newton's method with an L2 penalty (the bias unpenalised)."""
    names = [*feature_names(), "fact:rules-only"]
    index = {n: i for i, n in enumerate(names)}
    n = len(names)
    w = [0.0] * n
    xs = [[(index[k], v) for k, v in f.items() if k in index] for _, _, f, _ in rows]
    ys = [1.0 if y else 0.0 for *_, y in rows]
    for _ in range(iterations):
        grad = [l2 * w[i] if names[i] != "bias" else 0.0 for i in range(n)]
        hess = [[0.0] * n for _ in range(n)]
        for i in range(n):
            if names[i] != "bias":
                hess[i][i] += l2
        for x, y in zip(xs, ys, strict=True):
            z = sum(w[i] * v for i, v in x)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = p - y
            h = p * (1 - p)
            for i, v in x:
                grad[i] += g * v
                for j, u in x:
                    hess[i][j] += h * v * u
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return {names[i]: round(w[i], 4) for i in range(n) if abs(w[i]) > 1e-9}


def threshold(rows: list[Row], w: dict[str, float]) -> float:
    """The keep threshold that maximises F0.5 (precision counted twice) on the fitted rows."""
    scored = sorted(((score(f, w), y) for *_, f, y in rows), reverse=True)
    total = sum(1 for _, y in scored if y)
    best, best_t, tp = -1.0, 0.5, 0
    for i, (s, y) in enumerate(scored, 1):
        tp += y
        p, r = tp / i, tp / total if total else 0.0
        f = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
        if f > best:
            best, best_t = f, s
    return best_t


def keep(rows: list[Row], w: dict[str, float], t: float, floor: float) -> dict[str, set]:
    """The keys kept: score ≥ ``t``; in a text where none is, its best candidate if ≥ ``floor``."""
    found: dict[str, set] = {}
    best: dict[str, tuple[float, tuple]] = {}
    for vid, k, f, _ in rows:
        s = score(f, w)
        found.setdefault(vid, set())
        if s >= t:
            found[vid].add(k)
        if s > best.get(vid, (-1.0, ()))[0]:
            best[vid] = (s, k)
    for vid, (s, k) in best.items():
        if not found[vid] and s >= floor:
            found[vid].add(k)
    return found


def choose_floor(rows: list[Row], w: dict[str, float], t: float, gold: dict[str, set]) -> float:
    """The fallback floor that maximises precision² × coverage on the fitted rows (precision counted
    twice, as the threshold's F0.5 does: a false clause misleads, a text left without one does not)."""
    best, best_floor = -1.0, t
    for floor in [t * i / 20 for i in range(20, 0, -1)]:
        kept = keep(rows, w, t, floor)
        f = figures({v: kept.get(v, set()) for v in gold}, gold)
        p = f["tp"] / f["found"] if f["found"] else 0.0
        c = f["covered"] / f["texts"] if f["texts"] else 0.0
        if p * p * c > best + 1e-9:
            best, best_floor = p * p * c, floor
    return best_floor


def figures(found: dict[str, set], gold: dict[str, set]) -> dict[str, float | int]:
    tp = sum(len(found[v] & gold[v]) for v in gold)
    nf = sum(len(found[v]) for v in gold)
    ng = sum(len(gold[v]) for v in gold)
    texts = [v for v in gold if gold[v]]
    cov = sum(1 for v in texts if found[v])
    return {
        "tp": tp,
        "found": nf,
        "written": ng,
        "texts": len(texts),
        "covered": cov,
        "false_texts": sum(1 for v in gold if not gold[v] and found[v]),
    }


def line(name: str, f: dict) -> str:
    p = f["tp"] / f["found"] if f["found"] else 0.0
    r = f["tp"] / f["written"] if f["written"] else 0.0
    c = f["covered"] / f["texts"] if f["texts"] else 0.0
    return (
        f"| {name} | {f['covered']}/{f['texts']} = {c:.1%} | {f['tp']}/{f['found']} = {p:.1%} "
        f"| {f['tp']}/{f['written']} = {r:.1%} | {f['false_texts']} |"
    )


def _misses(
    held: str,
    rows: list[Row],
    w: dict[str, float],
    t: float,
    found: dict[str, set],
    gold: dict[str, set],
    by_id: dict,
) -> list[str]:
    """One line per false clause kept in a held-out fold, and per text with a clause left without one."""
    scored = {(vid, k): score(f, w) for vid, k, f, _ in rows}
    out = []
    for vid in gold:
        title = by_id[vid].title
        for k in sorted(found[vid] - gold[vid]):
            s = scored[(vid, k)]
            out.append(f"{held} + {title} {' '.join(k)} {s:.2f}{' (floor)' if s < t else ''}")
        if gold[vid] and not found[vid]:
            out.append(f"{held} - {title} " + "; ".join(" ".join(k) for k in sorted(gold[vid])))
    return out


VARIANTS = {
    "general": "the general reading's candidates only, the rules not consulted (the shipped weights; the shipped "
    "decision is the score's where it is sure, the rule reader's where it is unsure: competence_readers.py)",
    "union": "the general reading's and the rules' candidates, the rules' finding an input",
    "blind-union": "both readers' candidates, the score not told which reader found them",
}


def variant(rows: list[Row], name: str) -> list[Row]:
    """The rows as one variant of the method sees them."""
    if name == "union":
        return rows
    out = []
    for vid, k, f, y in rows:
        if name == "general" and "fact:rules-only" in f:
            continue
        out.append((vid, k, {n: v for n, v in f.items() if n != "rules"}, y))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=RESULT)
    ap.add_argument(
        "--variant",
        choices=sorted(VARIANTS),
        action="append",
        help="the variants to compare (default: all; the first is the one --fit writes)",
    )
    ap.add_argument(
        "--fit", action="store_true", help="fit on all the sets and write the shipped weights"
    )
    ap.add_argument(
        "--misses",
        action="store_true",
        help="list each fold's false clauses and uncovered texts (first variant)",
    )
    args = ap.parse_args(argv)
    corpus = packaged_corpus()
    by_id = {v.id: v for v in in_force(corpus)}
    raw = {name: rows_of(name, by_id) for name in SETS}
    variants = args.variant or ["general", "union", "blind-union"]
    out = [
        "# competence extraction, leave-one-set-out — python benchmarks/competence_loso.py",
        "# new: the subject + predicate reading (dutygraph.io.laws.reading), scored by a logistic model fitted",
        "#      on the other sets (threshold: best F0.5 on those; a text with none kept keeps its best",
        "#      candidate above a floor chosen on those for precision^2 x coverage); variants below",
        "# old: extract_by_rules (tuned on sample/dev/fresh/fresh2 by hand: only its fresh3–fresh7 rows are held out)",
        "",
        "| held-out fold / method | coverage | precision (strict) | recall (strict) | texts without a clause given one |",
        "| --- | --- | --- | --- | --- |",
    ]
    misses: list[str] = []
    totals: dict[str, list[dict]] = {"old (rules)": [], **{f"new ({v})": [] for v in variants}}
    for held in SETS:
        rows0, gold, rules = raw[held]
        fo = figures(rules, gold)
        totals["old (rules)"].append(fo)
        out.append(line(f"{held} — old (rules)", fo))
        for var in variants:
            train = [r for name in SETS if name != held for r in variant(raw[name][0], var)]
            w = fit(train)
            t = threshold(train, w)
            train_gold = {v: g for name in SETS if name != held for v, g in raw[name][1].items()}
            floor = choose_floor(train, w, t, train_gold)
            found = {v: set() for v in gold}
            found.update(keep(variant(rows0, var), w, t, floor))
            if args.misses and var == variants[0]:
                misses += _misses(held, variant(rows0, var), w, t, found, gold, by_id)
            fn = figures(found, gold)
            totals[f"new ({var})"].append(fn)
            out.append(line(f"{held} — new ({var}, threshold {t:.2f}, floor {floor:.2f})", fn))
    for name, folds in totals.items():
        s = {k: sum(f[k] for f in folds) for k in folds[0]}
        out.append(line(f"ALL {len(SETS)} (sum of held-out folds) — {name}", s))
    out += ["", *(f"# {k}: {v}" for k, v in VARIANTS.items() if k in variants)]
    if misses:
        out += [
            "",
            f"## each held-out fold's false clauses (+) and uncovered texts (-), {variants[0]}",
        ]
        out += misses
    text = "\n".join(out) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    if args.fit:
        train = [r for name in SETS for r in variant(raw[name][0], variants[0])]
        w = fit(train)
        t = threshold(train, w)
        floor = choose_floor(train, w, t, {v: g for n in SETS for v, g in raw[n][1].items()})
        WEIGHTS.write_text(
            json.dumps(
                {
                    "fitted_on": [sample_file(n).name for n in SETS],
                    "threshold": round(t, 4),
                    "floor": round(floor, 4),
                    "variant": variants[0],
                    "weights": w,
                },
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"weights written to {WEIGHTS} (threshold {t:.3f})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
