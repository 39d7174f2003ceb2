"""Gaps + conflicts on a realistically messy province vs SQLite's multiple-leads GROUP BY, one run.

    python benchmarks/scans_mess.py [--workdir /tmp/dutygraph-bench] [--repeat 3]

The province of ``generate.py`` made messy by ``mess.py`` (expired bases, abolished
leads with no successor, 1% second leads; counties inheriting through the region tree),
loaded into an embedded store. In process, on the whole graph (opened once, not timed):
``find_gaps`` and ``find_conflicts`` over the whole province; beside them SQLite's
``GROUP BY`` of the multiple-lead sites on the same store file — far less work (no gap,
no cause, no evidence), the floor the issue sets. Medians of ``--repeat``; each repeat
asks a new date (2025-06-01 plus k days) so no answer is reused from the last. The
machine is shared: read the ratio.

``--before SRC`` also times another source tree's scans (``SRC`` first on ``PYTHONPATH``:
``git archive REV src | tar -x -C /tmp/before``, then ``--before /tmp/before/src``): each
round runs a child process of that tree and one of this tree, in alternating order, each
opening the same store file and scanning the ``--repeat`` dates on its one graph (the
first scan of a graph is printed apart: it builds the per-graph column caches); the
children's answers are checked equal (a digest of every gap and conflict, with the
departments of each gap's resolution and the duties of each conflict).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import GROUP_BY, child_env  # noqa: E402
from generate import generate  # noqa: E402
from mess import make_mess  # noqa: E402

from dutygraph.analysis.conflicts import find_conflicts  # noqa: E402
from dutygraph.analysis.gaps import find_gaps  # noqa: E402
from dutygraph.importer import load  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402


def day(k: int) -> str:
    """The date of repeat ``k``: a new one each time, so no answer is reused."""
    return (dt.date(2025, 6, 1) + dt.timedelta(days=k)).isoformat()


def digest(gaps: list[Any], conflicts: list[Any]) -> str:
    """A fingerprint of the answers, to hold two source trees to the same ones."""
    h = hashlib.sha256()
    for x in gaps:
        deps = x.resolution.departments() if x.resolution is not None else None
        h.update(repr((x.item, x.region, x.kind, x.detail, sorted(x.extra.items()), deps)).encode())
    for c in conflicts:
        duties = [d.id for d in c.duties]
        h.update(repr((c.item, c.region, c.kind, c.departments, c.detail, duties)).encode())
    return h.hexdigest()


def child(path: Path, repeat: int) -> None:
    """One tree's scans in this process (``--child``): JSON on stdout."""
    import dutygraph

    g = EmbeddedStore(path).graph()
    runs = []
    for k in range(repeat):
        t = time.perf_counter()
        gaps = find_gaps(g, None, day(k))
        t1 = time.perf_counter()
        conflicts = find_conflicts(g, None, day(k))
        t2 = time.perf_counter()
        runs.append({"gaps_s": t1 - t, "conflicts_s": t2 - t1, "digest": digest(gaps, conflicts)})
    print(json.dumps({"source": str(Path(dutygraph.__file__).parent), "runs": runs}))


def before_and_now(path: Path, before: Path, repeat: int, rounds: int) -> dict[str, Any]:
    """The scans of the ``before`` tree against this one's, in alternating child processes."""
    now = HERE.parent / "src"
    out: dict[str, Any] = {"before": [], "now": [], "group_by": []}
    for r in range(rounds):
        for which in ("before", "now") if r % 2 == 0 else ("now", "before"):
            src = before if which == "before" else now
            cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(path)]
            cmd += ["--repeat", str(repeat)]
            env = child_env(PYTHONPATH=str(src))
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            got = json.loads(done.stdout.splitlines()[-1])
            assert Path(got["source"]).resolve() == (src / "dutygraph").resolve(), got["source"]
            out[which].append(got["runs"])
        conn = sqlite3.connect(path)  # the floor, in the same rounds
        for k in range(repeat):
            t = time.perf_counter()
            conn.execute(GROUP_BY, (day(k), day(k))).fetchall()
            out["group_by"].append(time.perf_counter() - t)
        conn.close()
    for which in ("before", "now"):
        first = [rs[0]["gaps_s"] + rs[0]["conflicts_s"] for rs in out[which]]
        later = [x["gaps_s"] + x["conflicts_s"] for rs in out[which] for x in rs[1:]]
        out[which + "_first_s"] = statistics.median(first)
        out[which + "_later_s"] = statistics.median(later) if later else None
    digests = {x["digest"] for which in ("before", "now") for rs in out[which] for x in rs}
    per_day = [{x["digest"] for w in ("before", "now") for x in [rs[k] for rs in out[w]]}
               for k in range(repeat)]  # fmt: skip
    out["group_by_s"] = statistics.median(out["group_by"])
    out["same_answers"] = all(len(d) == 1 for d in per_day)
    out["digests"] = sorted(digests)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dutygraph-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--before", type=Path, metavar="SRC", help="time this source tree's scans too")
    ap.add_argument("--rounds", type=int, default=3, help="child rounds with --before")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    bundle, messy = args.workdir / "province", args.workdir / "province-mess"
    if not (bundle / "expected.json").exists():
        generate("province", bundle)
    if not (messy / "mess.json").exists():
        make_mess(bundle, messy)
    path = args.workdir / "province-mess.db"
    if not path.exists():
        load(EmbeddedStore(path), [messy])
    made = json.loads((messy / "mess.json").read_text("utf-8"))
    g = EmbeddedStore(path).graph()
    conn = sqlite3.connect(path)
    res: dict[str, Any] = {"mess": made, "load_average": os.getloadavg()[0], "runs": []}
    print(
        f"scans, messy province ({len(g.duty_columns()):,} duties; {made}), {os.cpu_count()} "
        f"cores (shared machine, load {res['load_average']:.1f}), Python "
        f"{platform.python_version()}, median of {args.repeat}"
    )
    for k in range(args.repeat):
        t = time.perf_counter()
        gaps = find_gaps(g, None, day(k))
        t1 = time.perf_counter()
        conflicts = find_conflicts(g, None, day(k))
        t2 = time.perf_counter()
        sites = conn.execute(GROUP_BY, (day(k), day(k))).fetchall()
        t3 = time.perf_counter()
        res["runs"].append(
            {"gaps_s": t1 - t, "conflicts_s": t2 - t1, "group_by_s": t3 - t2,
             "gaps": len(gaps), "conflicts": len(conflicts), "sites": len(sites)}
        )  # fmt: skip
    med = {k: statistics.median(r[k] for r in res["runs"]) for k in res["runs"][0]}
    res["median"] = med
    kinds = Counter(x.kind for x in gaps) + Counter(c.kind for c in conflicts)
    print(f"found: {int(med['gaps'])} gaps, {int(med['conflicts'])} conflicts ({dict(kinds)})")
    scan = med["gaps_s"] + med["conflicts_s"]
    print(
        f"gaps {med['gaps_s']:.2f} s + conflicts {med['conflicts_s']:.2f} s = {scan:.2f} s | "
        f"SQLite multiple-leads GROUP BY {med['group_by_s']:.2f} s ({int(med['sites'])} sites) | "
        f"ratio {scan / med['group_by_s']:.2f}"
    )
    if args.before:
        ab = res["before_and_now"] = before_and_now(path, args.before, args.repeat, args.rounds)
        gb = ab["group_by_s"]
        print(f"  rounds of child processes: {args.rounds}; GROUP BY in those rounds {gb:.2f} s")
        for when in ("first", "later"):
            b, n = ab[f"before_{when}_s"], ab[f"now_{when}_s"]
            if b is not None and n is not None:
                print(
                    f"  {when} scan of a graph, gaps + conflicts: before ({args.before}) {b:.2f} s, "
                    f"now {n:.2f} s ({b / n:.2f}x faster); ratio to that GROUP BY: "
                    f"before {b / gb:.2f}, now {n / gb:.2f}"
                )
        print(f"  same answers before and now, every date: {ab['same_answers']}")
    if args.out:
        args.out.write_text(json.dumps(res, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
