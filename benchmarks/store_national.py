"""The in-process national figures of issue #16, one process, each beside SQLite in the same run.

    python benchmarks/store_national.py STORE.db [--pairs 2000] [--repeat 3]

On an embedded store already made (``dutygraph load`` of ``generate.py national``, by
hand: see ``benchmarks/results/national_store.txt``), in one long-lived process:

* the whole graph read from the tables (``EmbeddedStore.graph()``), its time and the
  process's peak RSS after it (VmHWM);
* who-leads on random (item, region) pairs: the graph first ask vs the SQLite peer
  (``sqlite_peer.py``, the same SPEC §3 resolution in SQL), p50/p99, checked to give the
  same departments (the target: p50 ≤ 0.25× the peer's). The store file is read through
  once before the peer is timed (:func:`warm`): a long-lived SQLite process answers from
  the OS page cache, and right after a whole-graph read of 12 GB the cache had lost the
  file (the peer's p50 was then 516 µs, not ~70). The read comes after the whole graph is
  built and before any question is timed; ``--rounds N`` asks N sets of new pairs, the graph
  then the peer each time (the box is shared: one round's p50 moved 17–28 µs between runs);
* ``find_gaps`` + ``find_conflicts`` over the whole graph vs SQLite's multiple-leads
  ``GROUP BY`` on the same file (``bench_common.GROUP_BY``), medians of ``--repeat``, each
  repeat a new date (the target: ≤ 8 s);
* with ``--asks N`` (e.g. 1,000,000), memory as a server lives: N who-leads on random pairs,
  as ``serve`` gets them, the process's RSS (VmRSS) printed every tenth of the way — it
  must level off (the site cache is capped, ``columns.SITES_KEPT``), not grow with N.

The machine is shared: the load is printed with every figure; read the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import AS_OF, GROUP_BY, machine, pct  # noqa: E402
from lead_memo import timed  # noqa: E402
from sqlite_peer import SqlitePeer, random_pairs  # noqa: E402

from dutygraph.analysis.conflicts import find_conflicts  # noqa: E402
from dutygraph.analysis.gaps import find_gaps  # noqa: E402
from dutygraph.analysis.resolve import who_leads  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402


def hwm_mb() -> float:
    """This process's peak RSS so far, MB."""
    with open("/proc/self/status") as fh:
        line = next(x for x in fh if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def rss_mb() -> float:
    """This process's resident set now, MB."""
    with open("/proc/self/status") as fh:
        line = next(x for x in fh if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def asks(g: object, store: Path, n: int) -> None:
    """``n`` who-leads on random pairs, the RSS every tenth of the way (does it level off?)."""
    pairs = random_pairs(store, min(n, 200_000), seed=101)
    step = max(n // 10, 1)
    start = rss_mb()
    print(f"asks: {n:,} who-leads on random pairs; RSS before {start:.0f} MB", flush=True)
    t = time.perf_counter()
    for k in range(n):
        item, region = pairs[k % len(pairs)]  # 200k distinct pairs, then asked again
        who_leads(g, item, region, AS_OF)  # type: ignore[arg-type]
        if (k + 1) % step == 0:
            print(
                f"  after {k + 1:>9,}: RSS {rss_mb():.0f} MB ({rss_mb() - start:+.0f} MB), "
                f"{(time.perf_counter() - t) / (k + 1) * 1e6:.1f} us/ask, load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


def warm(path: Path) -> float:
    """Read ``path`` through once (into the OS page cache); the seconds it took."""
    t = time.perf_counter()
    with open(path, "rb") as fh:
        while fh.read(1 << 24):
            pass
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=1, help="who-leads rounds, new pairs each")
    ap.add_argument("--asks", type=int, default=0, help="then N random asks, RSS as a server lives")
    args = ap.parse_args()
    print(f"store_national: {args.store} ({args.store.stat().st_size / 1e6:.0f} MB), {machine()}")
    t = time.perf_counter()
    g = EmbeddedStore(args.store).graph()
    print(
        f"graph(): {time.perf_counter() - t:.1f} s, {len(g.duty_columns()):,} duties, "
        f"peak RSS {hwm_mb():.0f} MB, load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    peer = SqlitePeer(args.store)
    print(f"store file read through before the peer: {warm(args.store):.1f} s", flush=True)
    ratios = []
    for k in range(args.rounds):  # each round new pairs: every ask a first ask
        pairs = random_pairs(args.store, args.pairs, seed=23 + k)
        first, answers = timed(lambda i, r: who_leads(g, i, r, AS_OF), pairs)
        sql, sql_answers = timed(lambda i, r: peer.who_leads(i, r, AS_OF), pairs)
        same = sum(
            sorted(a.departments()) == sorted(b) for a, b in zip(answers, sql_answers, strict=True)
        )
        p_g, p_s = pct(first, 50) * 1e6, pct(sql, 50) * 1e6
        ratios.append(p_g / p_s)
        print(
            f"who-leads, {len(pairs)} random pairs (seed {23 + k}): graph p50 {p_g:.1f} us p99 "
            f"{pct(first, 99) * 1e6:.1f} us | SQLite peer p50 {p_s:.1f} us p99 "
            f"{pct(sql, 99) * 1e6:.1f} us | ratio {p_g / p_s:.3f} (target <= 0.25) | same "
            f"departments on {same} of {len(pairs)} | load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    if len(ratios) > 1:
        print(f"who-leads ratio, median of {len(ratios)} rounds: {statistics.median(ratios):.3f}")
    if args.asks:
        asks(g, args.store, args.asks)
    conn = sqlite3.connect(args.store)
    runs = []
    for k in range(args.repeat):
        day = (dt.date(2025, 6, 1) + dt.timedelta(days=k)).isoformat()
        t = time.perf_counter()
        gaps = find_gaps(g, None, day)
        t1 = time.perf_counter()
        conflicts = find_conflicts(g, None, day)
        t2 = time.perf_counter()
        sites = conn.execute(GROUP_BY, (day, day)).fetchall()
        t3 = time.perf_counter()
        runs.append((t1 - t, t2 - t1, t3 - t2, len(gaps), len(conflicts), len(sites)))
        print(
            f"  scan {day}: gaps {t1 - t:.2f} s ({len(gaps)}), conflicts {t2 - t1:.2f} s "
            f"({len(conflicts)}), GROUP BY {t3 - t2:.2f} s ({len(sites)} sites), load "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )
    if not runs:
        return
    gs, cs, bs = (statistics.median(r[k] for r in runs) for k in range(3))
    totals = [r[0] + r[1] for r in runs]
    print(
        f"gaps + conflicts: first {totals[0]:.2f} s, median {statistics.median(totals):.2f} s "
        f"(target <= 8 s; medians of the parts {gs:.2f} + {cs:.2f}) | "
        f"SQLite multiple-leads GROUP BY {bs:.2f} s | ratio {(gs + cs) / bs:.2f} | "
        f"peak RSS {hwm_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
