"""who-leads in process, asked first and asked again (the memo), vs SQLite doing it, one run.

    python benchmarks/lead_memo.py [--workdir /tmp/dutygraph-bench] [--pairs 2000]

On the generated province: random (item, region) pairs asked of the whole graph in
memory (first ask, then the same pairs again: a look-up in the snapshot's memo), of the
store's lazy reader (indexed queries, what ``serve`` answers with while it reads the
graph), and of the SQLite peer (``sqlite_peer.py``: the same resolution in SQL), which
is checked to give the same departments. p50 and p99 per question. The machine is
shared: read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import AS_OF, pct, store_for  # noqa: E402
from sqlite_peer import SqlitePeer, random_pairs  # noqa: E402

from dutygraph.analysis.resolve import who_leads  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402


def timed(fn: Any, pairs: list[tuple[str, str]]) -> tuple[list[float], list[Any]]:
    out, answers = [], []
    for item, region in pairs:
        t = time.perf_counter()
        a = fn(item, region)
        out.append(time.perf_counter() - t)
        answers.append(a)
    return out, answers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dutygraph-bench"))
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = store_for("province", args.workdir)
    pairs = random_pairs(path, args.pairs, seed=23)
    store = EmbeddedStore(path)
    g = store.graph()
    peer = SqlitePeer(path)
    reader = store.reader()
    figs: dict[str, Any] = {"load_average": os.getloadavg()[0], "pairs": len(pairs)}
    print(
        f"who-leads in process, province, {len(pairs)} random pairs, {os.cpu_count()} cores "
        f"(shared machine, load {figs['load_average']:.1f}), Python {platform.python_version()}"
    )
    first, answers = timed(lambda i, r: who_leads(g, i, r, AS_OF), pairs)
    again, again_answers = timed(lambda i, r: who_leads(g, i, r, AS_OF), pairs)
    assert all(a is b for a, b in zip(answers, again_answers, strict=True))
    lazy, lazy_answers = timed(lambda i, r: who_leads(reader, i, r, AS_OF), pairs)
    sql, sql_answers = timed(lambda i, r: peer.who_leads(i, r, AS_OF), pairs)
    same = sum(
        sorted(a.departments()) == sorted(b) == sorted(c.departments())
        for a, b, c in zip(answers, sql_answers, lazy_answers, strict=True)
    )
    for name, xs in (
        ("whole graph, first ask", first),
        ("whole graph, asked again (memo)", again),
        ("store's lazy reader, first ask", lazy),
        ("SQLite peer (SQL resolution)", sql),
    ):
        figs[name] = {"p50_us": pct(xs, 50) * 1e6, "p99_us": pct(xs, 99) * 1e6}
        print(f"{name:34} p50 {pct(xs, 50) * 1e6:8.1f} us  p99 {pct(xs, 99) * 1e6:8.1f} us")
    peer50 = figs["SQLite peer (SQL resolution)"]["p50_us"]
    print(
        f"ratios vs the SQLite peer's p50: first {pct(first, 50) * 1e6 / peer50:.3f}, again "
        f"{pct(again, 50) * 1e6 / peer50:.4f}, lazy reader {pct(lazy, 50) * 1e6 / peer50:.2f}; "
        f"same departments on {same} of {len(pairs)}"
    )
    figs["same"] = same
    if args.out:
        args.out.write_text(json.dumps(figs, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
