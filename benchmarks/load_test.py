"""A bounded load test of ``dutygraph serve`` (#22): 8 readers + 1 writer over loopback, while analyses run.

    python benchmarks/load_test.py [--sizes demo,province] [--seconds 30] [--writes 15]
                                   [--processes 2,0] [--before OLD/src]
                                   [--workdir /tmp/dutygraph-bench]
                                   [--out benchmarks/results/load_test.txt]

Each size runs once per ``--processes`` value (the server's ``analysis_processes``):
by default with the analyses in 2 worker processes, then on threads only (the
method before them), in the same run, so the two are compared on the same
machine load.

For each size the real server runs as a process of its own (``python -m
dutygraph serve`` on 127.0.0.1, a copy of the store, a coordinator token) and
this process drives it over HTTP, one keep-alive connection per client thread:

* **readers** (8): ``POST /graphql`` with the saved operation ``01-who-leads``
  (department, evidence, bases) on random (item, region) pairs, back to back;
* **analyses** (1): a 10,000-character ``routeClue``, the ``gaps`` scan and the
  ``conflicts`` scan, in turn, back to back — so the readers' figures are
  *while a long routeClue and scans run*;
* **writer** (1): ``writes`` ``openDispute`` mutations spread over the run, each
  on another item, so each write reloads the server's snapshot.

Reported: errors (any status other than 200, any GraphQL error, any client
error) per kind of client; lost writes (acknowledged by the server but missing
from the store file or from the server's answers after the run); whoLeads
p50/p99 idle (same run, before the load) and under load, and their ratio;
the analyses' times; the server's RSS after warming up (graph read, one round
of analyses), after the writes once the last is swapped in, and its peak; and
the server's and its worker processes' memory together (PSS: a page the
workers share with the server, copy-on-write, counted once).
Targets (issue #22): 0 errors, 0 lost writes, whoLeads p99 ≤ 50 ms under load,
RSS after ≤ 1.5 × before.

The clients are threads of one process and the machine is shared (several
engineers on 2 cores): the client's own time is inside every figure; read the
same-run ratios first.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import AS_OF, machine, pct, store_for  # noqa: E402
from sqlite_peer import random_pairs  # noqa: E402

from dutygraph.api.saved import default_queries_dir, load_saved  # noqa: E402
from dutygraph.fixtures import DEMO_PATH  # noqa: E402
from dutygraph.importer import load  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402

TOKEN = "load-test-coordinator-token"
ROUTE = "query($t: String!) { routeClue(text: $t) { json } }"
GAPS = "{ gaps(first: 20) { totalCount } }"
CONFLICTS = "{ conflicts(first: 20) { totalCount } }"
OPEN = """mutation($parties: [String!]!, $subject: String!, $region: String!) {
  openDispute(parties: $parties, subject: $subject, region: $region, raisedOn: "2025-06-01") { key }
}"""
DISPUTES = "{ disputes(first: 500) { totalCount nodes { key } } }"


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """The process's resident set (``VmRSS``) or its peak (``VmHWM``), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for {pid}")


def family_mb(pid: int) -> tuple[float, int]:
    """(MB, processes): the proportional set (PSS) of ``pid`` and its descendants together —
    the server, its zygote and worker processes, pages they share counted once between them."""
    pids, i = [pid], 0
    while i < len(pids):
        with contextlib.suppress(OSError):  # a process that ended meanwhile
            for task in Path(f"/proc/{pids[i]}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        i += 1
    total = 0
    for p in pids:
        with contextlib.suppress(OSError):  # a worker that ended meanwhile
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total / 1024, len(pids)


def clue_text(db: Path, chars: int = 10_000, seed: int = 3) -> str:
    """A long complaint made of the store's own item names and keywords, with filler: ``chars`` long."""
    conn = sqlite3.connect(db)
    words = [r[0] for r in conn.execute("SELECT name FROM item") if r[0]]
    conn.close()
    rnd = random.Random(seed)
    filler = ["，群众反映", "情况严重", "。请尽快处理", "，多次投诉无果", "，影响周边居民"]
    parts: list[str] = []
    size = 0
    while size < chars:
        part = rnd.choice(words) + rnd.choice(filler)
        parts.append(part)
        size += len(part)
    return "".join(parts)[:chars]


def write_plan(db: Path, n: int) -> list[dict[str, Any]]:
    """``n`` openDispute variables: two departments of one region, each time another item."""
    conn = sqlite3.connect(db)
    region, a, b = conn.execute(
        "SELECT d1.region, d1.id, d2.id FROM department d1 JOIN department d2 "
        "ON d1.region = d2.region AND d1.id < d2.id ORDER BY d1.rowid, d2.rowid LIMIT 1"
    ).fetchone()
    items = [r[0] for r in conn.execute("SELECT id FROM item ORDER BY rowid LIMIT ?", (n,))]
    conn.close()
    if len(items) < n:
        raise SystemExit(f"{db}: only {len(items)} items, {n} writes asked")
    return [{"parties": [a, b], "subject": item, "region": region} for item in items]


class Tally:
    """Latencies and errors of one kind of client (threads append; lists are thread-safe)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.errors: list[str] = []
        self.ends: list[float] = []  # when each answer came (perf_counter): the timeline

    def ask(self, c: httpx.Client, url: str, body: dict[str, Any], **kw: Any) -> Any:
        t = time.perf_counter()
        try:
            r = c.post(url, json=body, **kw)
        except httpx.HTTPError as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return None
        end = time.perf_counter()
        self.times.append(end - t)
        self.ends.append(end)
        if r.status_code != 200:
            self.errors.append(f"HTTP {r.status_code}: {r.text[:200]}")
            return None
        out = r.json()
        if out.get("errors"):
            self.errors.append(str(out["errors"])[:200])
            return None
        return out["data"]


def start_server(
    db: Path, processes: int, code: Path | None = None
) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "DUTYGRAPH_TOKENS": f"{TOKEN}:coordinator",
        "DUTYGRAPH_ANALYSIS_PROCESSES": str(processes),
    }
    if code is not None:  # the code before (a checkout's src/) serves instead of this one
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    cmd = [sys.executable, "-m", "dutygraph", "serve", "--port", "0", "--store", str(db)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"(http://\S+)/graphql", line)
    if not m:
        proc.kill()
        raise RuntimeError(f"the server did not start: {line!r}")
    return proc, m.group(1)


def run_size(
    size: str,
    db: Path,
    seconds: float,
    writes: int,
    readers: int,
    processes: int,
    code: Path | None = None,
) -> list[str]:
    (who_leads,) = [q.query for q in load_saved(default_queries_dir()) if q.name == "01-who-leads"]
    pairs = random_pairs(db, 4000, seed=11)
    text = clue_text(db)
    plan = write_plan(db, writes)
    proc, base = start_server(db, processes, code)
    url = f"{base}/graphql"
    lines: list[str] = []
    try:
        with httpx.Client(timeout=120) as c:
            t0 = time.perf_counter()
            while True:  # ready: the whole graph answers
                r = c.get(f"{base}/api/lead", params={"item": pairs[0][0], "region": pairs[0][1]})
                if r.headers.get("x-dutygraph-reader") == "graph":
                    break
                time.sleep(0.1)
            ready = time.perf_counter() - t0
            warm = Tally()
            for body in (
                {"query": ROUTE, "variables": {"t": text}},
                {"query": GAPS},
                {"query": CONFLICTS},
            ):
                warm.ask(c, url, body)
            assert not warm.errors, warm.errors
            before_writes = warm.ask(c, url, {"query": DISPUTES})["disputes"]["totalCount"]
            rss_before = rss_mb(proc.pid)
            family_before = family_mb(proc.pid)
            idle = Tally()
            for item, region in pairs[:300]:
                idle.ask(
                    c,
                    url,
                    {
                        "query": who_leads,
                        "variables": {"item": item, "region": region, "asOf": AS_OF},
                    },
                )
            assert not idle.errors, idle.errors[:3]

        stop = threading.Event()
        reads, heavy, written = Tally(), Tally(), Tally()
        heavy_kinds: dict[str, list[float]] = {"routeClue": [], "gaps": [], "conflicts": []}
        acknowledged: list[str] = []

        def reader(k: int) -> None:
            mine = pairs[300 + k :: readers]
            with httpx.Client(timeout=120) as c:
                i = 0
                while not stop.is_set():
                    item, region = mine[i % len(mine)]
                    i += 1
                    v = {"item": item, "region": region, "asOf": AS_OF}
                    reads.ask(c, url, {"query": who_leads, "variables": v})

        def analyses() -> None:
            if os.environ.get("LOAD_TEST_NO_ANALYSES"):  # diagnosis: the readers alone
                return
            bodies = [
                ("routeClue", {"query": ROUTE, "variables": {"t": text}}),
                ("gaps", {"query": GAPS}),
                ("conflicts", {"query": CONFLICTS}),
            ]
            with httpx.Client(timeout=120) as c:
                i = 0
                while not stop.is_set():
                    kind, body = bodies[i % 3]
                    i += 1
                    n = len(heavy.times)
                    heavy.ask(c, url, body)
                    if len(heavy.times) > n:
                        heavy_kinds[kind].append(heavy.times[-1])

        def writer() -> None:
            gap = seconds / (writes + 1)
            with httpx.Client(timeout=120) as c:
                for k, v in enumerate(plan, 1):
                    time.sleep(max(0.0, started + k * gap - time.perf_counter()))
                    out = written.ask(
                        c,
                        url,
                        {"query": OPEN, "variables": v},
                        headers={"Authorization": f"Bearer {TOKEN}"},
                    )
                    if out is not None:
                        acknowledged.append(out["openDispute"]["key"])

        threads = [threading.Thread(target=reader, args=(k,)) for k in range(readers)]
        threads += [threading.Thread(target=analyses), threading.Thread(target=writer)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(seconds)
        threads[-1].join(300)  # the writer makes every write it was asked for
        stop.set()
        for t in threads:
            t.join(300)
        took = time.perf_counter() - started
        timeline = os.environ.get("LOAD_TEST_TIMELINE")
        if timeline:  # diagnosis: when the slow answers came, beside the writes and analyses
            import json

            with open(timeline, "w") as f:
                json.dump(
                    {
                        "reads": list(
                            zip([e - started for e in reads.ends], reads.times, strict=True)
                        ),
                        "writes": [e - started for e in written.ends],
                        "heavy": list(
                            zip([e - started for e in heavy.ends], heavy.times, strict=True)
                        ),
                    },
                    f,
                )

        with httpx.Client(timeout=120) as c:  # every acknowledged write, in the server's answers
            served: set[str] = set()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                out = Tally().ask(c, url, {"query": DISPUTES})
                served = {d["key"] for d in out["disputes"]["nodes"]} if out else set()
                if set(acknowledged) <= served:
                    break
                time.sleep(0.2)
        time.sleep(1.0)
        rss_after = rss_mb(proc.pid)
        rss_peak = rss_mb(proc.pid, "VmHWM")
        family_after = family_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)
    stored = set(EmbeddedStore(db).graph().disputes)
    lost_store = sorted(set(acknowledged) - stored)
    lost_served = sorted(set(acknowledged) - served)
    errors = {"readers": reads.errors, "analyses": heavy.errors, "writer": written.errors}
    n_errors = sum(len(e) for e in errors.values())
    p50, p99 = pct(reads.times, 50) * 1e3, pct(reads.times, 99) * 1e3
    i50, i99 = pct(idle.times, 50) * 1e3, pct(idle.times, 99) * 1e3
    ratio = rss_after / rss_before
    family_ratio = family_after[0] / family_before[0]
    how = f"{processes} worker processes" if processes else "threads only"
    if code is not None:
        how += f", the code before ({code})"

    def ms(xs: list[float]) -> str:
        return (
            f"p50 {pct(xs, 50) * 1e3:,.0f} ms, max {max(xs) * 1e3:,.0f} ms ({len(xs)})"
            if xs
            else "none"
        )

    lines += [
        f"## {size}, analyses on {how} (analysis_processes={processes}): {db.name}, "
        f"{readers} readers + 1 writer + 1 analyses client, {took:.0f} s",
        f"- server ready (whole graph answering) {ready:.1f} s after start; writes asked {len(plan)}, "
        f"acknowledged {len(acknowledged)} (disputes before: {before_writes})",
        f"- errors: {n_errors} (readers {len(reads.errors)} of {len(reads.times) + len(reads.errors)}, "
        f"analyses {len(heavy.errors)}, writer {len(written.errors)})",
        *[f"  - {kind}: {e[0]}" for kind, e in errors.items() if e],
        f"- lost writes: {len(lost_store)} missing from the store file, {len(lost_served)} from "
        f"the server's answers after the run",
        f"- whoLeads (saved 01-who-leads, POST /graphql) under load: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"{len(reads.times) / took:,.0f} req/s; idle, same run: p50 {i50:.1f} ms, p99 {i99:.1f} ms "
        f"(p99 under load / idle {p99 / i99:.1f}x)",
        f"- analyses meanwhile: routeClue 10k chars {ms(heavy_kinds['routeClue'])}; gaps "
        f"{ms(heavy_kinds['gaps'])}; conflicts {ms(heavy_kinds['conflicts'])}",
        f"- server RSS: {rss_before:,.0f} MB warmed up, {rss_after:,.0f} MB after the "
        f"{len(acknowledged)} writes (ratio {ratio:.2f}), peak {rss_peak:,.0f} MB",
        f"- server and its workers together (PSS, shared pages counted once): "
        f"{family_before[0]:,.0f} MB in {family_before[1]} processes warmed up, "
        f"{family_after[0]:,.0f} MB in {family_after[1]} after the writes (ratio {family_ratio:.2f})",
    ]
    for name, ok, got in (
        ("errors == 0", n_errors == 0, n_errors),
        (
            "lost_writes == 0",
            not lost_store and not lost_served,
            len(lost_store) + len(lost_served),
        ),
        ("who_leads_p99_ms <= 50", p99 <= 50, f"{p99:.1f}"),
        ("rss_after / rss_before <= 1.5", ratio <= 1.5, f"{ratio:.2f}"),
        (
            "(server + workers) after / before <= 1.5",
            family_ratio <= 1.5,
            f"{family_ratio:.2f}",
        ),
    ):
        lines.append(f"- target {name}: {'met' if ok else 'NOT met'} ({got})")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="demo,province")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--writes", type=int, default=15)
    ap.add_argument("--readers", type=int, default=8)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dutygraph-bench"))
    ap.add_argument("--out", type=Path, help="write the report here too")
    ap.add_argument(
        "--processes",
        default="2,0",
        help="analysis_processes per run, comma-separated: 2 worker processes, then threads "
        "only (the old method), each size in the same run",
    )
    ap.add_argument(
        "--before",
        type=Path,
        help="a checkout's src/ of the code before: each run is made with it first, then "
        "with this code, one after the other (the same machine load)",
    )
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    report = [
        f"# load test of dutygraph serve — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"{machine()}; the clients, the server and any other work share its cores, so read "
        "the same-run ratios first",
        f"command: python benchmarks/load_test.py --sizes {args.sizes} --seconds {args.seconds:g} "
        f"--writes {args.writes} --readers {args.readers} --processes {args.processes}"
        + (f" --before {args.before}" if args.before else ""),
        "",
    ]
    print("\n".join(report), flush=True)
    for size in args.sizes.split(","):
        runs = [
            (int(n), code)
            for n in args.processes.split(",")
            for code in ([args.before, None] if args.before else [None])
        ]
        for processes, code in runs:
            with tempfile.TemporaryDirectory(prefix="dutygraph-load-") as tmp:
                db = Path(tmp) / f"{size}.db"
                if size == "demo":
                    load(EmbeddedStore(db), [DEMO_PATH])
                else:
                    shutil.copyfile(store_for(size, args.workdir), db)  # the writes go to a copy
                lines = run_size(size, db, args.seconds, args.writes, args.readers, processes, code)
            lines.insert(1, f"(machine now: {machine()})")
            print("\n".join(lines), flush=True)
            report += [*lines, ""]
    if args.out:
        args.out.write_text("\n".join(report), encoding="utf-8")


if __name__ == "__main__":
    main()
