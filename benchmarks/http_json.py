"""who-leads over HTTP at province size: ``dutygraph serve`` vs a Starlette + SQLite peer, one run.

    python benchmarks/http_json.py [--workdir /tmp/dutygraph-bench] [--requests 2000] [--clients 1,4]
        [--rounds 4] [--client-threads]

Both servers run as processes of their own on 127.0.0.1 (uvicorn, one worker,
TCP_NODELAY) over the same store file; the clients are threads of this process,
one keep-alive connection each, asking the same random (item, region) pairs:

* ``serve`` ready: from starting the process to the first answer of ``/api/lead``
  (answered from the store's tables while the whole graph is read), and to the
  first answer from the whole graph;
* latency (one client: p50, p99) and throughput (several clients) of
  ``GET /api/lead`` (the CLI's full JSON with evidence), of the saved GraphQL
  operation ``/graphql/saved/01-who-leads``, of ``POST /graphql`` with the same
  text, and of the peer's ``GET /peer/lead`` (SQL resolution; lead ids only);
  questions never asked before (``first``) and the same ones again (``again``:
  the memoised answers);
* the SQLite peer checked equal to ``who_leads`` on the pairs first;
* the server's own CPU time per request over each several-client run (user + system
  time of the server process, all its threads, from ``/proc``): a counter the other
  engineers' load hardly moves, unlike the wall-clock figures.

Fair both ways: the same uvicorn settings for both (one worker, ``http="auto"`` —
h11 unless httptools is installed —, TCP_NODELAY, log level warning), the same
client (httpx, one keep-alive connection per client thread), the same random pairs.
Warm-up rule: each server is measured once it answers from its final state
(``serve``: the whole graph in memory, ``x-dutygraph-reader: graph``) and its
process has gone quiet (under 20 ms of CPU in half a second: ``serve`` forks and
warms its analysis processes after the whole graph is read); no question asked
in a figure was asked of that server before, except in ``again``. The ways take
turns (``--rounds``, each round in another order) and each figure sums its
rounds, so a burst of the other engineers' load falls on each way alike.

The machine is shared (8 engineers on 2 cores): read the ratios, not the times.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import AS_OF, child_env, pct, store_for  # noqa: E402
from sqlite_peer import check, random_pairs  # noqa: E402

from dutygraph.api.saved import default_queries_dir, load_saved  # noqa: E402


def start(cmd: list[str], pattern: str) -> tuple[subprocess.Popen[str], str, float]:
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=child_env())
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(pattern, line)
    if not m:
        proc.kill()
        raise RuntimeError(f"no URL in {line!r}")
    return proc, m.group(1), t


Ask = Any  # (client, item, region) -> response
#: the pair each throughput client asks before the clock (set to one asked at start)
WARM = ("", "")


def asks(base: str) -> dict[str, Ask]:
    (text,) = [q.query for q in load_saved(default_queries_dir()) if q.name == "01-who-leads"]

    def api(c: httpx.Client, item: str, region: str) -> httpx.Response:
        return c.get(f"{base}/api/lead", params={"item": item, "region": region, "asOf": AS_OF})

    def saved(c: httpx.Client, item: str, region: str) -> httpx.Response:
        return c.get(
            f"{base}/graphql/saved/01-who-leads",
            params={"item": item, "region": region, "asOf": AS_OF},
        )

    def graphql(c: httpx.Client, item: str, region: str) -> httpx.Response:
        v = {"item": item, "region": region, "asOf": AS_OF}
        return c.post(f"{base}/graphql", json={"query": text, "variables": v})

    return {"/api/lead": api, "/graphql/saved": saved, "POST /graphql": graphql}


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(pid: int, *, quiet: float = 0.02, window: float = 0.5, limit: float = 60.0) -> float:
    """Wait until process ``pid`` uses under ``quiet`` s of CPU in ``window`` s; the seconds waited."""
    t = time.perf_counter()
    while time.perf_counter() - t < limit:
        c = cpu_s(pid)
        time.sleep(window)
        if cpu_s(pid) - c < quiet:
            break
    return time.perf_counter() - t


def latency(ask: Ask, pairs: list[tuple[str, str]]) -> list[float]:
    out = []
    with httpx.Client(timeout=60) as c:
        for item, region in pairs:
            t = time.perf_counter()
            r = ask(c, item, region)
            out.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text[:300]
    return out


def throughput(
    ask: Ask, pairs: list[tuple[str, str]], clients: int, pid: int, processes: bool = True
) -> tuple[float, float]:
    """Requests a second with ``clients`` clients, and the server's CPU µs a request.

    Each client is a process of its own (forked, started before the clock) unless
    ``processes`` is false (threads of this process, as before session 11: four httpx
    clients on one interpreter lock are themselves the bottleneck at ~1,500 req/s).
    """
    share = [pairs[k::clients] for k in range(clients)]
    ctx = mp.get_context("fork")
    go = ctx.Event() if processes else threading.Event()
    failed: Any = ctx.Queue() if processes else queue.SimpleQueue()

    def run(mine: list[tuple[str, str]]) -> None:
        bad = []
        with httpx.Client(timeout=60) as c:
            ask(c, *WARM)  # the connection opened before the clock, on a pair asked at start
            go.wait()
            for item, region in mine:
                r = ask(c, item, region)
                if r.status_code != 200:
                    bad.append(r.text[:200])
        failed.put(bad)

    kind = ctx.Process if processes else threading.Thread
    workers = [kind(target=run, args=(s,)) for s in share]
    for w in workers:
        w.start()
    time.sleep(0.3)  # every client connected and waiting
    c = cpu_s(pid)
    t = time.perf_counter()
    go.set()
    errors = [e for _ in workers for e in failed.get()]
    took = time.perf_counter() - t
    cpu = cpu_s(pid) - c
    for w in workers:
        w.join()
    assert not errors, errors[:3]
    return len(pairs) / took, cpu / len(pairs) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="province")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dutygraph-bench"))
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--clients", default="1,4")
    ap.add_argument("--out", type=Path, help="write the figures as JSON here too")
    ap.add_argument("--rounds", type=int, default=4, help="turns the ways take (default 4)")
    ap.add_argument(
        "--client-threads",
        action="store_true",
        help="several clients as threads of this process (before session 11), not processes",
    )
    ap.add_argument(
        "--ready-only", action="store_true", help="only the start-up figures (serve and peer)"
    )
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = store_for(args.size, args.workdir)
    clients = [min(int(c), 16) for c in args.clients.split(",")]
    n = args.requests
    pairs = random_pairs(path, n, seed=5)
    res: dict[str, Any] = {"size": args.size, "load_average": os.getloadavg()[0]}
    print(
        f"who-leads over HTTP, {args.size}, {os.cpu_count()} cores (shared machine, load "
        f"{res['load_average']:.1f}), Python {platform.python_version()}, {n} requests a figure, "
        f"several clients as {'threads' if args.client_threads else 'processes'}"
    )
    same, differ = check(path, pairs[:n], AS_OF)
    res["peer_equal"] = [same, n]
    print(f"SQLite peer gives who_leads' departments on {same} of {n} random pairs {differ[:2]}")
    assert same == n

    ours, base, t0 = start(
        [sys.executable, "-m", "dutygraph", "serve", "--port", "0", "--store", str(path)],
        r"(http://\S+)/graphql",
    )
    peer = None
    try:
        with httpx.Client(timeout=120) as c:
            item, region = pairs[-1]
            global WARM
            WARM = (item, region)
            r = c.get(f"{base}/api/lead", params={"item": item, "region": region, "asOf": AS_OF})
            ready = time.perf_counter() - t0
            assert r.status_code == 200
            k = 0
            while r.headers.get("x-dutygraph-reader") != "graph":
                time.sleep(0.05)
                item, region = pairs[-2 - k % 50]
                k += 1
                r = c.get(
                    f"{base}/api/lead", params={"item": item, "region": region, "asOf": AS_OF}
                )
            whole = time.perf_counter() - t0
        res["ready_s"], res["whole_graph_s"] = ready, whole
        print(
            f"serve: first answer {ready:.2f} s after start (from the tables), from the whole graph {whole:.2f} s"
        )
        if not args.ready_only:
            res["serve_settled_s"] = time.perf_counter() - t0 + settle(ours.pid)
            print(f"serve: quiet (warm-up done) {res['serve_settled_s']:.2f} s after start")

        peer, peer_base, p0 = start(
            [sys.executable, str(HERE / "sqlite_peer.py"), str(path), "--serve"],
            r"(http://\S+)/peer/lead",
        )
        with httpx.Client(timeout=60) as c:
            c.get(f"{peer_base}/peer/lead", params={"item": "I0000", "region": "110000"})
        res["peer_ready_s"] = time.perf_counter() - p0
        print(f"peer: first answer {res['peer_ready_s']:.2f} s after start")
        if args.ready_only:
            return
        settle(peer.pid)
        pids = {"peer /peer/lead": peer.pid}

        def peer_ask(c: httpx.Client, item: str, region: str) -> httpx.Response:
            return c.get(
                f"{peer_base}/peer/lead", params={"item": item, "region": region, "asOf": AS_OF}
            )

        ways = {"peer /peer/lead": peer_ask, **asks(base)}
        fresh = iter(random_pairs(path, (n // 2 + n * len(clients)) * len(ways), seed=11))

        def take(k: int) -> list[tuple[str, str]]:
            return [next(fresh) for _ in range(k)]

        # the ways take turns, in rounds (each round in another order), so that the other
        # engineers' load falls on each alike; each figure sums its rounds
        names = list(ways)
        got: dict[str, dict[str, Any]] = {k: {"lat": [], "again": []} for k in names}
        for r in range(args.rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                ask, g = ways[name], got[name]
                asked = take(n // 2 // args.rounds)
                g["lat"] += latency(ask, asked)
                g["again"] += latency(ask, asked)
                pid = pids.get(name, ours.pid)
                for cl in clients:
                    mine = take(n // args.rounds)
                    procs = not args.client_threads
                    for which in ("", "again_"):
                        rps, cpu_us = throughput(ask, mine, cl, pid, procs)
                        t, c, k = g.get(f"{which}{cl}", (0.0, 0.0, 0))
                        g[f"{which}{cl}"] = (
                            t + len(mine) / rps,
                            c + cpu_us * len(mine),
                            k + len(mine),
                        )
        for name in names:
            g = got[name]
            fig: dict[str, Any] = {
                "p50_ms": pct(g["lat"], 50) * 1e3,
                "p99_ms": pct(g["lat"], 99) * 1e3,
                "again_p50_ms": pct(g["again"], 50) * 1e3,
            }
            for cl in clients:
                for which in ("", "again_"):
                    t, c, k = g[f"{which}{cl}"]
                    fig[f"{which}rps_{cl}"], fig[f"{which}cpu_us_{cl}"] = k / t, c / k
            res[name] = fig
            print(
                f"{name:16} p50 {fig['p50_ms']:.2f} ms (p99 {fig['p99_ms']:.2f}), again p50 "
                f"{fig['again_p50_ms']:.2f} ms; "
                + ", ".join(
                    f"{cl} client(s) {fig[f'rps_{cl}']:.0f} req/s (again {fig[f'again_rps_{cl}']:.0f})"
                    for cl in clients
                )
                + f"; server CPU {fig[f'cpu_us_{clients[-1]}']:.0f} µs/request at {clients[-1]} "
                f"clients (again {fig[f'again_cpu_us_{clients[-1]}']:.0f})"
            )
        peer_fig = res["peer /peer/lead"]
        for name in asks(base):
            fig = res[name]
            print(
                f"  {name} vs peer: p50 {fig['p50_ms'] / peer_fig['p50_ms']:.2f}x, "
                + ", ".join(
                    f"{cl} clients {fig[f'rps_{cl}'] / peer_fig[f'rps_{cl}']:.2f}x throughput"
                    for cl in clients
                )
                + f", server CPU a request {fig[f'cpu_us_{clients[-1]}'] / peer_fig[f'cpu_us_{clients[-1]}']:.2f}x"
            )
        print(
            "(every figure on random questions not asked before on that server; 'again': the "
            "same questions once more, which dutygraph answers from its memo and the peer "
            "resolves again)"
        )
    finally:
        for proc in (ours, peer):
            if proc is not None:
                proc.terminate()
                proc.wait(10)
    if args.out:
        args.out.write_text(json.dumps(res, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
