"""The enforcement articles as a candidate source (#15, session 16): the proposer alone, and
its cost in ``assign``.

    python benchmarks/assign_enforce.py [--out results/assign_enforce_s16.txt]

The enforcement and obligation sentences of the corpus (:mod:`dutygraph.analysis.enforce`:
``…的，由X部门责令…``, ``经X批准``, ``向X申请``, ``X对Y检查``) index their behaviour spans
(:class:`dutygraph.analysis.match.EnforceIndex`). Printed, over the tuning sets
(:data:`~dutygraph.analysis.assign_eval.FIT_SETS`; no held-out set is read), each case asked
with its own precedent left out:

* the table's size, and the index's build time (the table read, the spans segmented) in this run;
* **the proposer alone**: the departments of the best sentences (one per department, best
  first) for the text's words — lead first / in the first three, on every scored case and
  on the cases whose lead ``assign`` without the enforcement articles (``W_ENFORCE=0``,
  held16's method) proposes nowhere (kind 1: not among the candidates; kind 5: no candidate);
* **warm latency** of ``assign_business_form`` without and with the signal, the same cases in
  the same process, alternating, CPU time per call (median and 95th percentile).
"""

from __future__ import annotations

import argparse
import collections
import statistics
import time
from pathlib import Path

from bench_out import emit

from dutygraph.analysis import assign, match
from dutygraph.analysis.assign_eval import FIT_SETS, ask, read_eval_cases
from dutygraph.fixtures import catalogue_graph

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
AS_OF = "2025-06-01"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--rounds", type=int, default=3, help="latency rounds over the cases")
    args = ap.parse_args()
    g = catalogue_graph()
    ix = match.indexes(g, AS_OF)
    from dutygraph.analysis import enforce

    t0 = time.process_time()
    enforce.load.cache_clear()
    rows = enforce.load()
    built = match._enforce_index(g, ix.seg, AS_OF, ix.statutes)
    cost = time.process_time() - t0
    kinds = collections.Counter(r.kind for r in rows)
    lines = [
        f"enforcement table: {len(rows)} sentences ({', '.join(f'{k} {n}' for k, n in kinds.items())}),"
        f" {sum(not r.line for r in rows)} of them naming a body the line map does not know"
        f" (their act's department stands for it); indexed: {len(built.rows)} sentences,"
        f" {len(built.index.postings)} terms; read and indexed in {cost:.2f} s CPU (this run)",
    ]
    cases = [c for name in FIT_SETS for c in read_eval_cases(DATA / name) if not c.disputed]
    tally: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    saved = assign.W_ENFORCE
    for c in cases:
        assign.W_ENFORCE = 0.0
        a = ask(g, c, AS_OF)
        assign.W_ENFORCE = saved
        ok = {c.expected_lead, *c.alternatives}
        proposed = {x.department.id for x in a.candidates}
        groups = ["all"]
        if not ok & proposed:
            groups.append("kind 1" if a.candidates else "kind 5")
        words = match.query_words(ix, c.name, c.description)
        top = (
            [h.department for h in ix.enforce.search(words, ix.statutes)[:3]] if ix.enforce else []
        )
        for grp in groups:
            t = tally[grp]
            t["cases"] += 1
            t["proposes"] += bool(top)
            t["top-1"] += bool(top) and top[0] in ok
            t["top-3"] += bool(ok & set(top))
    lines.append(
        "the proposer alone (tuning sets, scored cases; kinds by assign with W_ENFORCE=0):"
    )
    for grp, t in tally.items():
        lines.append(f"  {grp}: " + ", ".join(f"{k} {v}" for k, v in t.items()))
    times: dict[float, list[float]] = {0.0: [], saved: []}
    for _ in range(args.rounds):
        for c in cases:
            for w in (0.0, saved):
                assign.W_ENFORCE = w
                t1 = time.process_time()
                ask(g, c, AS_OF)
                times[w].append(time.process_time() - t1)
    assign.W_ENFORCE = saved
    for w, ts in times.items():
        ts.sort()
        lines.append(
            f"warm assign, W_ENFORCE={w}: median {statistics.median(ts) * 1000:.2f} ms CPU,"
            f" p95 {ts[int(0.95 * len(ts))] * 1000:.2f} ms ({len(ts)} calls)"
        )
    a, b = statistics.median(times[saved]), statistics.median(times[0.0])
    lines.append(f"  ratio with/without: {a / b:.2f}x (median)")
    emit(lines, args.out)


if __name__ == "__main__":
    main()
