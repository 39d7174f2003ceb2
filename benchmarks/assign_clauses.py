"""Latency of ``assign`` with the statutes' competence clauses and without, in one run.

    python benchmarks/assign_clauses.py [--out results/assign_clauses_s13.txt]

Every case of the tuning sets and the settled set is asked twice in turn, warm: with the
clauses (the shipped method) and without them (``match.CLAUSE_ACTS`` off, ``assign.W_CLAUSE``
0: the method before session 13), each with its words new (the stand-ins' cache cleared).
The two configurations alternate case by case, so a busy machine slows both alike. Also
printed: what the clauses add to the stored indexes, and how many acts the statute index reads.
"""

from __future__ import annotations

import argparse
import marshal
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
AS_OF = "2025-06-01"

from bench_out import emit  # noqa: E402

from dutygraph.analysis import assign, assign_law, match, near  # noqa: E402
from dutygraph.analysis.assign import assign_business_form  # noqa: E402
from dutygraph.analysis.assign_eval import FIT_SETS, read_eval_cases  # noqa: E402
from dutygraph.fixtures import catalogue_graph  # noqa: E402


def configure(on: bool) -> None:
    match.CLAUSE_ACTS = on
    assign.W_CLAUSE = assign.W_ACT if on else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    g = catalogue_graph()
    cases = [c for n in (*FIT_SETS, "assign_eval.csv") for c in read_eval_cases(DATA / n)]
    ixs = {}
    for on in (True, False):
        configure(on)
        ixs[on] = match.indexes(g, AS_OF)
        assign_business_form(g, "预热", "预热一下", as_of=AS_OF)
    lat: dict[bool, list[float]] = {True: [], False: []}
    for c in cases:
        for on in (True, False):
            configure(on)
            near.composed.cache_clear()
            t = time.perf_counter()
            assign_business_form(g, c.name, c.description, c.behaviors, as_of=AS_OF)
            lat[on].append(time.perf_counter() - t)
    configure(True)
    lines = [f"{len(cases)} cases, each asked with and without the clauses in turn (warm)"]
    for on, label in ((True, "with the clauses (shipped)"), (False, "without (baseline)")):
        xs = lat[on]
        lines.append(
            f"  {label:<28} median {statistics.median(xs) * 1e3:.2f} ms, "
            f"p90 {sorted(xs)[int(0.9 * len(xs))] * 1e3:.2f} ms, max {max(xs) * 1e3:.2f} ms"
        )
    ratio = statistics.median(lat[True]) / statistics.median(lat[False])
    lines.append(f"  ratio of the medians {ratio:.2f}")
    ix = ixs[True]
    assert ix.clauses is not None
    size = len(marshal.dumps(match._state(ix)))
    size_off = len(marshal.dumps(match._state(ixs[False])))
    lines.append(
        f"stored indexes {size / 1e6:.2f} MB with the clauses, {size_off / 1e6:.2f} MB without; "
        f"the clause index holds {len(ix.clauses.rows)} of {len(assign_law.load())} shipped clauses "
        f"({assign_law.PATH.stat().st_size} bytes shipped)"
    )
    lines.append(
        f"acts the statute index reads: {len(ix.statutes.statutes)} with the clauses, "
        f"{len(ixs[False].statutes.statutes)} without"
    )
    emit(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
