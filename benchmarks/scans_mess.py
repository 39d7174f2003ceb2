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
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import GROUP_BY  # noqa: E402
from generate import generate  # noqa: E402
from mess import make_mess  # noqa: E402

from dutygraph.analysis.conflicts import find_conflicts  # noqa: E402
from dutygraph.analysis.gaps import find_gaps  # noqa: E402
from dutygraph.importer import load  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dutygraph-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
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
        day = (dt.date(2025, 6, 1) + dt.timedelta(days=k)).isoformat()
        t = time.perf_counter()
        gaps = find_gaps(g, None, day)
        t1 = time.perf_counter()
        conflicts = find_conflicts(g, None, day)
        t2 = time.perf_counter()
        sites = conn.execute(GROUP_BY, (day, day)).fetchall()
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
    if args.out:
        args.out.write_text(json.dumps(res, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
