"""Root ``duties`` with ``where``, keyset pages and ``dutyCounts``: GraphQL vs plain Python, one run.

    python benchmarks/api_lists.py [--size prefecture] [--repeat 5] [--workdir DIR]

On a generated bundle (benchmarks/generate.py), in process (no HTTP), it
times each GraphQL operation (median of ``--repeat`` runs, on one snapshot
after a warm-up) and the same answer computed by a plain Python pass over
the graph, checks both give the same count, and prints the ratio: what the
filter framework, the sort and the keyset cursor cost over the bare loop.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import AS_OF, machine, store_for

from dutygraph.api.context import make_context
from dutygraph.api.schema import build_schema
from dutygraph.store import EmbeddedStore


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    fn()  # warm-up
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="prefecture")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dg-bench")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    store = EmbeddedStore(store_for(args.size, args.workdir))
    g = store.graph()
    schema = build_schema()
    ctx = make_context(store, graph=g)

    def ask(query: str, variables: dict[str, Any] | None = None) -> Any:
        r = asyncio.run(schema.execute(query, variable_values=variables, context_value=ctx))
        assert not r.errors, r.errors
        return r.data

    print(f"{args.size}: {len(g.duties)} duties, {len(g.bases)} bases; {machine()}")
    print(f"median of {args.repeat} runs, one snapshot, in process")

    def lapsed() -> list[str]:
        return sorted(
            d.id
            for d in g.duties.values()
            if any(not g.bases[b].in_force(AS_OF) for b in d.bases if b in g.bases)
        )

    rows = []
    q = """query($after: String, $asOf: Date) { duties(first: 50, after: $after, asOf: $asOf) {
      totalCount pageInfo { endCursor } nodes { key } } }"""
    t_first, first = timed(lambda: ask(q, {"asOf": AS_OF}), args.repeat)
    t_plain, keys = timed(lambda: sorted(g.duties)[:50], args.repeat)
    assert [n["key"] for n in first["duties"]["nodes"]] == keys
    rows.append(("duties(first: 50), by key", t_first, t_plain, "sorted(g.duties)[:50]"))
    cursor = first["duties"]["pageInfo"]["endCursor"]
    t_next, nxt = timed(lambda: ask(q, {"after": cursor, "asOf": AS_OF}), args.repeat)
    assert [n["key"] for n in nxt["duties"]["nodes"]] == sorted(g.duties)[50:100]
    rows.append(("the next page (keyset after)", t_next, t_plain, "sorted(g.duties)[:50]"))

    qw = """query($asOf: Date) { duties(where: {basis: {inForce: false}}, asOf: $asOf, first: 50) {
      totalCount nodes { key } } }"""
    t_where, where = timed(lambda: ask(qw, {"asOf": AS_OF}), args.repeat)
    t_loop, want = timed(lapsed, args.repeat)
    assert where["duties"]["totalCount"] == len(want)
    rows.append((f"where basis inForce false ({len(want)})", t_where, t_loop, "a loop over duties"))

    qc = "{ dutyCounts(by: [DEPARTMENT, ROLE]) { department { key } role count } }"
    t_count, counts = timed(lambda: ask(qc), args.repeat)
    t_counter, counter = timed(
        lambda: Counter((d.department, d.role) for d in g.duties.values()), args.repeat
    )
    assert len(counts["dutyCounts"]) == len(counter)
    rows.append((f"dutyCounts by department, role ({len(counter)})", t_count, t_counter, "Counter"))

    for name, t, base, what in rows:
        print(f"{name:44s} {t * 1000:8.1f} ms   {what}: {base * 1000:7.2f} ms   ({t / base:5.1f}x)")


if __name__ == "__main__":
    main()
