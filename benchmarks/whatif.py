"""What-if at province size: a reform touching one line in every county, beside a full re-import.

    python benchmarks/whatif.py --size province     # the committed results
    python benchmarks/whatif.py --size prefecture   # under a minute

One bundle (benchmarks/generate.py) is imported into the SQLite store. The scenario
sets up a new comprehensive enforcement body in every county and moves line L03
(with its duties) onto it: two changes per county. In a fresh process (as a
one-shot ``dutygraph whatif`` runs):

* ``whatif``: the store's graph read (``store.graph()``), then
  :func:`dutygraph.analysis.whatif.what_if` — apply to a copy in memory, compare
  every answer — and the JSON diff with evidence (``whatif_dict``);
* ``reimport``: what one does without it — the changed data (the copy, written
  out as a bundle) imported whole into a fresh store, read back, and the gaps and
  conflicts scanned — which still gives no diff.

Each figure is the median of ``--runs`` fresh processes; memory is the peak RSS
(VmHWM) beside the RSS with the graph loaded (target: what-if ≤ 10 s, ≤ 2× the
loaded graph's memory). The machine is shared and noisy: read the ratios.
Results go to ``benchmarks/results/whatif.txt``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from dutygraph.importer import load  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402

LINE = "L03"

_CHILD = r"""
import json, sys, time
def rss():
    for l in open("/proc/self/status"):
        if l.startswith("VmRSS:"):
            return int(l.split()[1]) / 1024
def hwm():
    for l in open("/proc/self/status"):
        if l.startswith("VmHWM:"):
            return int(l.split()[1]) / 1024
how, path, scenario, work = sys.argv[1:]
from dutygraph.analysis.whatif import what_if
from dutygraph.analysis.whatif.report import whatif_dict
from dutygraph.analysis.gaps import find_gaps
from dutygraph.analysis.conflicts import find_conflicts
from dutygraph.importer import load
from dutygraph.io.scenario import read_scenario
from dutygraph.store import EmbeddedStore
r0 = rss()
t0 = time.perf_counter()
out = {}
if how == "whatif":
    g = EmbeddedStore(path).graph()
    t1 = time.perf_counter()
    out["graph_mb"] = rss() - r0
    c1 = time.process_time()
    w = what_if(g, read_scenario(scenario))
    t2 = time.perf_counter()
    out["whatif_cpu_s"] = time.process_time() - c1
    out["whatif_peak_mb"] = hwm() - r0
    text = json.dumps(whatif_dict(w), ensure_ascii=False, default=str)
    t3 = time.perf_counter()
    out.update(load_s=t1 - t0, whatif_s=t2 - t1, json_s=t3 - t2, total_s=t3 - t0,
               counts=w.counts(), json_mb=len(text.encode()) / 1e6)
else:
    store = EmbeddedStore(work)
    load(store, [path])
    g = store.graph()
    t1 = time.perf_counter()
    out["graph_mb"] = rss() - r0
    gaps = find_gaps(g, None, "2026-01-01")
    conflicts = find_conflicts(g, None, "2026-01-01")
    t2 = time.perf_counter()
    out.update(load_s=t1 - t0, scan_s=t2 - t1, total_s=t2 - t0,
               counts={"gaps": len(gaps), "conflicts": len(conflicts)})
out["peak_mb"] = hwm() - r0
print(json.dumps(out))
"""


def child(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


def write_scenario(g, path: Path) -> int:
    counties = [c for c, r in g.regions.items() if r.level == "county"]
    rows = []
    for code in counties:
        source = f"D{code}-{LINE}"
        if source not in g.departments:
            continue
        rows.append(
            ["2026-01-01", "create", f"D{code}-ZHZF", f"地区{code}综合行政执法局", code, "", "", ""]
        )
        rows.append(["2026-01-01", "move-line", source, "", "", LINE, f"D{code}-ZHZF", ""])
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "action", "department", "name", "region", "line", "target", "note"])
        w.writerows(rows)
    return len(rows)


def write_bundle(g, dest: Path) -> None:
    """The graph ``g`` as a bundle folder (what the re-import reads)."""
    from dutygraph.columns import COLUMNS

    dest.mkdir(parents=True)

    def join(v):
        if isinstance(v, tuple):
            return ";".join(v)
        if isinstance(v, bool):
            return "yes" if v else ""
        return "" if v is None else v

    tables = {
        "regions": ("code", "name", "level", "parent"),
        "departments": ("id", "name", "region", "systems", "superior", "vertical", "aliases",
                        "valid_from", "valid_to", "successor"),
        "items": ("id", "name", "parent", "domain", "power_type", "objects", "keywords", "levels",
                  "key_item"),
        "bases": ("id", "title", "kind", "issuer", "article", "valid_from", "valid_to"),
    }  # fmt: skip
    for table, fields in tables.items():
        with (dest / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(fields)
            for rec in g.table(table.rstrip("s") if table != "bases" else "basis").values():
                w.writerow([join(getattr(rec, f)) for f in fields])
    cols = g.duty_columns()
    fields = ("department", "item", "region", "role", "bases", "valid_from", "valid_to", "source",
              "line")  # fmt: skip
    at = [COLUMNS.index(f) for f in fields]
    with (dest / "duties.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(fields)
        for k in range(len(cols)):
            w.writerow([join(cols.columns[i][k]) for i in at])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="prefecture")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dg-whatif-bench-"))
    bundle = tmp / "bundle"
    generate(args.size, bundle)
    db = tmp / "s.db"
    load(EmbeddedStore(db), [bundle])
    g = EmbeddedStore(db).graph()
    duties = g.counts()["duty"]
    scenario = tmp / "scenario.csv"
    n_changes = write_scenario(g, scenario)
    from dutygraph.analysis.whatif import apply_scenario
    from dutygraph.io.scenario import read_scenario

    changed = tmp / "changed"
    write_bundle(apply_scenario(g, read_scenario(scenario)).graph, changed)
    del g
    runs = {
        "whatif": [child("whatif", str(db), str(scenario), "") for _ in range(args.runs)],
        "reimport": [
            child("reimport", str(changed), "", str(tmp / f"r{n}.db")) for n in range(args.runs)
        ],
    }

    def med(how: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[how])

    w, r = "whatif", "reimport"
    counts = runs[w][0]["counts"]
    lines = [
        f"whatif: size {args.size}, {duties:,} duties, a scenario of {n_changes} changes "
        f"(a new enforcement body and line {LINE} moved onto it, in every county); "
        f"median of {args.runs} fresh processes",
        f"machine: {platform.machine()}, Python {platform.python_version()}, 2 shared cores, "
        f"{'quiet' if os.getloadavg()[0] < 1.5 else 'busy'} (load average "
        f"{os.getloadavg()[0]:.1f} at the end: read the ratios and the CPU time)",
        f"diff: {json.dumps(counts)}; JSON {runs[w][0]['json_mb']:.1f} MB",
        "",
        f"whatif    read graph {med(w, 'load_s'):6.2f} s  what_if {med(w, 'whatif_s'):6.2f} s  "
        f"(CPU {med(w, 'whatif_cpu_s'):5.2f} s)  json {med(w, 'json_s'):5.2f} s  "
        f"total {med(w, 'total_s'):6.2f} s",
        f"reimport  import+read {med(r, 'load_s'):6.2f} s  gaps+conflicts {med(r, 'scan_s'):5.2f} s"
        f"  total {med(r, 'total_s'):6.2f} s (and no diff)",
        f"ratio     what_if / re-import total: {med(w, 'whatif_s') / med(r, 'total_s'):.3f}; "
        f"whatif total / re-import total: {med(w, 'total_s') / med(r, 'total_s'):.3f}",
        "",
        f"memory    graph loaded {med(w, 'graph_mb'):6.0f} MB, what-if peak "
        f"{med(w, 'whatif_peak_mb'):6.0f} MB -> {med(w, 'whatif_peak_mb') / med(w, 'graph_mb'):.2f}x"
        f" the loaded graph (target <= 2x); with the JSON diff {med(w, 'peak_mb'):6.0f} MB -> "
        f"{med(w, 'peak_mb') / med(w, 'graph_mb'):.2f}x",
        f"          re-import peak {med(r, 'peak_mb'):6.0f} MB",
        f"target what_if_s <= 10: {'met' if med(w, 'whatif_s') <= 10 else 'NOT met'} "
        f"({med(w, 'whatif_s'):.2f})",
        "target what-if peak <= 2x graph: "
        f"{'met' if med(w, 'whatif_peak_mb') <= 2 * med(w, 'graph_mb') else 'NOT met'}"
        f" ({med(w, 'whatif_peak_mb') / med(w, 'graph_mb'):.2f}x)",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = HERE / "results" / f"whatif{'' if args.size == 'province' else '-' + args.size}.txt"
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
