"""whoLeads over HTTP (uvicorn on 127.0.0.1) vs the in-process call, on the same data in one run.

    python benchmarks/api_http.py [--requests 400] [--clients 1,4,8]

Prints latency (p50, p99) of one client's sequential requests, throughput
with several concurrent clients (threads, one keep-alive connection each),
and the in-process ``who_leads`` + ``resolution_dict`` on the same store, so
the ratio is the cost of HTTP + GraphQL. Loopback only; the demo data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.servers import serve_asgi

from dutygraph.analysis.resolve import who_leads
from dutygraph.api.app import create_app
from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.serialize import resolution_dict
from dutygraph.store import EmbeddedStore

QUERY = """query($item: String!, $region: String!, $asOf: Date) {
  whoLeads(item: $item, region: $region, asOf: $asOf) {
    answers { department { key name } inherited via evidence { source bases { title inForce } } } } }"""
CASES = [("I-FOOD", "510104"), ("I-SCRIPT", "510781"), ("I-ECIG", "510104"), ("I-GAS", "510107")]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--clients", default="1,4,8")
    args = ap.parse_args()
    clients = [min(int(c), 32) for c in args.clients.split(",")]  # bounded
    store = EmbeddedStore(Path(tempfile.mkdtemp()) / "bench.db")
    load(store, [DEMO_PATH])
    print(f"whoLeads, demo data, {os.cpu_count()} cores, Python {sys.version.split()[0]}")

    g = store.graph()
    times = []
    for i in range(args.requests):
        item, region = CASES[i % len(CASES)]
        t = time.perf_counter()
        resolution_dict(g, who_leads(g, item, region, "2025-06-01"))
        times.append(time.perf_counter() - t)
    inproc = statistics.median(times)
    print(
        f"in-process who_leads+resolution_dict: p50 {inproc * 1e6:.0f} µs, p99 {pct(times, 99) * 1e6:.0f} µs"
    )

    with serve_asgi(create_app(store)) as url:
        with httpx.Client(base_url=url, timeout=30) as c:
            for _ in range(20):  # warm up
                c.post(
                    "/graphql",
                    json={"query": QUERY, "variables": {"item": "I-FOOD", "region": "510104"}},
                )
            lat = []
            for i in range(args.requests):
                item, region = CASES[i % len(CASES)]
                t = time.perf_counter()
                r = c.post(
                    "/graphql",
                    json={
                        "query": QUERY,
                        "variables": {"item": item, "region": region, "asOf": "2025-06-01"},
                    },
                )
                lat.append(time.perf_counter() - t)
                assert "errors" not in r.json(), r.text
        p50, p99 = pct(lat, 50), pct(lat, 99)
        print(
            f"HTTP, 1 client:  p50 {p50 * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms  ({p50 / inproc:.0f}x in-process p50)"
        )
        for n in clients:
            per = max(1, args.requests // n)
            errors: list[str] = []

            def worker(per: int = per, errors: list[str] = errors) -> None:
                with httpx.Client(base_url=url, timeout=30) as c:
                    for i in range(per):
                        item, region = CASES[i % len(CASES)]
                        r = c.post(
                            "/graphql",
                            json={"query": QUERY, "variables": {"item": item, "region": region}},
                        )
                        if r.status_code != 200 or "errors" in r.json():
                            errors.append(r.text[:200])

            threads = [threading.Thread(target=worker) for _ in range(n)]
            t = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            dt = time.perf_counter() - t
            print(
                f"HTTP, {n} concurrent clients: {n * per / dt:.0f} requests/s ({n * per} requests, {len(errors)} errors)"
            )
    print("(one uvicorn worker; the server and the clients share the same cores)")


if __name__ == "__main__":
    main()
