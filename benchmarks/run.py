"""Benchmarks: every figure beside a baseline measured on the same data, in the same run.

    pip install -e '.[all,bench]'            # the baselines need pyoxigraph and polars
    python benchmarks/run.py --quick          # prefecture size, under a minute
    python benchmarks/run.py --size province  # the committed results
    python benchmarks/run.py --growth         # county, prefecture, province: how cost grows

Figures and their baselines:

* import (duties/s)       vs the stdlib ``csv`` parse of the same files (rows/s), and a
                          polars parse of them (the floor of the columnar import)
* open a stored graph (s) vs a plain unpickle of the same file (no graph built)
* who-leads p50/p99 (µs)  vs the same question as SPARQL over pyoxigraph holding the same data
                          (each question asked first after opening; then again, warm)
* gaps + conflicts scan   vs a polars group-by over the raw duty table
* assign (ms)             vs a who-leads (the floor any answer pays)
* peak RSS (MB)           vs the size of the duty CSV it came from

Machines here are shared and noisy: read the ratios, not the absolute times.
Results go to ``benchmarks/results/<size>.json`` and a readable ``.txt``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import multiprocessing
import pickle
import platform
import random
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from dutygraph._gc import gc_paused  # noqa: E402
from dutygraph.analysis.assign import assign_business_form  # noqa: E402
from dutygraph.analysis.conflicts import find_conflicts  # noqa: E402
from dutygraph.analysis.gaps import find_gaps  # noqa: E402
from dutygraph.analysis.resolve import resolve  # noqa: E402
from dutygraph.importer import load  # noqa: E402
from dutygraph.store import ChangeSet, EmbeddedStore  # noqa: E402
from dutygraph.store.pickled import MAGIC, PickledStore  # noqa: E402

AS_OF = "2025-06-01"


def timed(fn: Any, *args: Any, **kw: Any) -> tuple[float, Any]:
    gc.collect()
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def who_leads_latencies(g: Any, sample: list[tuple[str, str]]) -> list[float]:
    """Seconds each (item, region) of ``sample`` takes to resolve its lead, in order."""
    out = []
    for item, region in sample:
        t = time.perf_counter()
        resolve(g, item, region, "lead", AS_OF)
        out.append(time.perf_counter() - t)
    return out


def csv_baseline(bundle: Path) -> tuple[float, int]:
    rows = 0
    t = time.perf_counter()
    for f in sorted(bundle.glob("*.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            for _ in csv.reader(fh):
                rows += 1
    return time.perf_counter() - t, rows


def sparql_baseline(g: Any, sample: list[tuple[str, str]]) -> list[float] | None:
    try:
        import pyoxigraph as ox
    except ImportError:
        return None
    ns = "https://w3id.org/dutygraph#"
    store = ox.Store()
    n = ox.NamedNode
    quads = []
    P = {
        k: n(ns + k)
        for k in ("department", "item", "region", "role", "validFrom", "validTo", "parent")
    }
    for code, r in g.regions.items():
        if r.parent:
            quads.append(ox.Quad(n(ns + "r" + code), P["parent"], n(ns + "r" + r.parent)))
    for k, d in enumerate(g.duties.values()):
        s = n(f"{ns}d{k}")
        quads += [
            ox.Quad(s, P["department"], n(ns + "D" + d.department)),
            ox.Quad(s, P["item"], n(ns + "i" + d.item)),
            ox.Quad(s, P["region"], n(ns + "r" + d.region)),
            ox.Quad(s, P["role"], ox.Literal(d.role)),
            ox.Quad(s, P["validFrom"], ox.Literal(d.valid_from or "0000-00-00")),
        ]
    store.bulk_extend(quads)
    query = f"""PREFIX dg: <{ns}>
SELECT ?dep WHERE {{ ?d dg:item ?i ; dg:region ?r ; dg:role "lead" ; dg:department ?dep ;
  dg:validFrom ?f . FILTER(?f <= "{AS_OF}") }}"""
    times = []
    for item, region in sample:
        t = time.perf_counter()
        # the same walk as dutygraph's: nearest region first, item tree at each
        for reg in g.region_path(region):
            hit = False
            for it in g.item_path(item):
                bound = {"i": n(ns + "i" + it), "r": n(ns + "r" + reg)}
                q = query.replace("?i ", f"<{bound['i'].value}> ").replace(
                    "?r ", f"<{bound['r'].value}> "
                )
                if list(store.query(q)):
                    hit = True
                    break
            if hit:
                break
        times.append(time.perf_counter() - t)
    return times


def polars_parse_baseline(bundle: Path) -> tuple[float, int]:
    import polars as pl

    rows = 0
    t = time.perf_counter()
    for f in sorted(bundle.glob("*.csv")):
        rows += pl.read_csv(f, infer_schema=False, truncate_ragged_lines=True).height + 1
    return time.perf_counter() - t, rows


def polars_baseline(bundle: Path) -> float | None:
    try:
        import polars as pl
    except ImportError:
        return None
    t = time.perf_counter()
    df = pl.read_csv(bundle / "duties.csv", infer_schema_length=0)
    leads = df.filter((pl.col("role") == "lead") & (pl.col("valid_from") <= AS_OF))
    _multi = (
        leads.group_by(["item", "region"])
        .agg(pl.col("department").n_unique().alias("n"))
        .filter(pl.col("n") > 1)
    )
    return time.perf_counter() - t


def run_size(size: str, workdir: Path, lookups: int = 2000) -> dict[str, Any]:
    bundle = workdir / size
    if not (bundle / "expected.json").exists():
        generate(size, bundle)
    expected = json.loads((bundle / "expected.json").read_text("utf-8"))
    out: dict[str, Any] = {
        "size": size,
        "duties": expected["duties"],
        "governments": expected["governments"],
    }

    csv_s, csv_rows = csv_baseline(bundle)
    pl_s, pl_rows = polars_parse_baseline(bundle)
    store_path = workdir / f"{size}.db"
    store_path.unlink(missing_ok=True)
    imp_s, _ = timed(load, EmbeddedStore(store_path), [bundle])
    out["import_s"] = imp_s
    out["import_duties_per_s"] = expected["duties"] / imp_s
    out["csv_rows_per_s"] = csv_rows / csv_s
    out["import_vs_csv"] = out["import_duties_per_s"] / out["csv_rows_per_s"]
    out["polars_rows_per_s"] = pl_rows / pl_s
    out["import_vs_polars"] = out["import_duties_per_s"] / out["polars_rows_per_s"]

    # the baseline first, so its copy of the file is gone before the graph is held
    pickled = store_path.with_name("pickled.db")  # the old format's file of the same graph
    PickledStore(pickled).write(
        lambda g: ChangeSet(list(EmbeddedStore(store_path).graph().records()))
    )
    data = pickled.read_bytes()[len(MAGIC) :]
    with gc_paused():
        out["unpickle_s"], _ = timed(pickle.loads, data)
    del data, _
    open_s, g = timed(lambda: EmbeddedStore(store_path).graph())
    out["open_s"] = open_s
    out["store_mb"] = store_path.stat().st_size / 1e6
    out["open_vs_unpickle"] = open_s / out["unpickle_s"]

    rng = random.Random(7)
    regions = list(g.regions)
    items = list(g.items)
    sample = [(rng.choice(items), rng.choice(regions)) for _ in range(lookups)]
    lat = sorted(who_leads_latencies(g, sample))
    out["who_leads_p50_us"] = statistics.median(lat) * 1e6
    out["who_leads_p99_us"] = lat[int(len(lat) * 0.99)] * 1e6
    # the same questions again: the first time builds each answer's duties from the
    # columns (and finds them out of the CPU cache); the target is held to the first time
    out["who_leads_warm_p50_us"] = statistics.median(who_leads_latencies(g, sample)) * 1e6

    scan_s, (gaps, conflicts) = timed(
        lambda: (find_gaps(g, as_of=AS_OF), find_conflicts(g, as_of=AS_OF))
    )
    out["scan_s"] = scan_s
    out["gaps"] = len(gaps)
    out["conflicts"] = len(conflicts)
    planted = {tuple(p) for p in expected["planted_conflicts"]}
    found = {(c.item, c.region) for c in conflicts if c.kind == "MULTIPLE_LEADS"}
    out["planted_conflicts_found"] = f"{len(planted & found)}/{len(planted)}"

    region = regions[-1]
    assign_lat = []
    for name in ("事项12 关键词12", "对象5 领域L03", "关键词7 对象7"):
        t = time.perf_counter()
        assign_business_form(g, name, name, region=region, as_of=AS_OF)
        assign_lat.append(time.perf_counter() - t)
    out["assign_ms"] = statistics.median(assign_lat) * 1e3
    out["assign_vs_who_leads"] = out["assign_ms"] * 1e3 / out["who_leads_p50_us"]
    # dutygraph's own peak, before the baselines (pyoxigraph, polars) load the data again
    out["peak_rss_mb"] = rss_mb()
    out["duties_csv_mb"] = (bundle / "duties.csv").stat().st_size / 1e6
    out["rss_vs_csv"] = out["peak_rss_mb"] / out["duties_csv_mb"]

    if (
        size == "national"
    ):  # by hand, once: the SPARQL store and the group-by would hold 12M rows again
        return out
    sp = sparql_baseline(g, sample[: min(300, lookups)])
    if sp:
        sp.sort()
        out["sparql_p50_us"] = statistics.median(sp) * 1e6
        out["who_leads_vs_sparql"] = out["sparql_p50_us"] / out["who_leads_p50_us"]
    pol = polars_baseline(bundle)
    if pol:
        out["polars_groupby_s"] = pol
        out["scan_vs_polars"] = scan_s / pol
    return out


TARGETS = {
    "import_duties_per_s": (">=", 200_000),
    "open_s": ("<=", 1.5),
    "who_leads_p50_us": ("<=", 20),
    "who_leads_vs_sparql": (">=", 25),
    "scan_s": ("<=", 1.0),
    "assign_ms": ("<=", 20),
    "peak_rss_mb": ("<=", 500),
}


def summary(r: dict[str, Any]) -> str:
    lines = [f"## {r['size']}: {r['governments']} governments, {r['duties']:,} duties"]
    fmt = [
        ("import", f"{r['import_duties_per_s']:,.0f} duties/s ({r['import_s']:.2f} s); "
                   f"stdlib csv parse {r['csv_rows_per_s']:,.0f} rows/s, ratio {r['import_vs_csv']:.2f}"
                   + (f"; polars parse {r['polars_rows_per_s']:,.0f} rows/s, ratio {r['import_vs_polars']:.2f}"
                      if "polars_rows_per_s" in r else "")),
        ("open", f"{r['open_s']:.2f} s ({r['store_mb']:.0f} MB file)"
         + (f"; plain unpickle of the file {r['unpickle_s']:.2f} s, ratio {r['open_vs_unpickle']:.1f}"
            if "unpickle_s" in r else "")),
        ("who-leads", f"p50 {r['who_leads_p50_us']:.1f} µs, p99 {r['who_leads_p99_us']:.1f} µs"
         + (f" (asked again: p50 {r['who_leads_warm_p50_us']:.1f} µs)" if "who_leads_warm_p50_us" in r else "")
         + (f"; SPARQL/pyoxigraph p50 {r['sparql_p50_us']:.0f} µs → {r['who_leads_vs_sparql']:.0f}× faster"
            if "sparql_p50_us" in r else "")),
        ("scan", f"gaps + conflicts {r['scan_s']:.2f} s ({r['gaps']:,} gaps, {r['conflicts']} conflicts, "
                 f"planted found {r['planted_conflicts_found']})"
         + (f"; polars group-by {r['polars_groupby_s']:.2f} s → ratio {r['scan_vs_polars']:.1f}"
            if "polars_groupby_s" in r else "")),
        ("assign", f"{r['assign_ms']:.1f} ms"
         + (f" = {r['assign_vs_who_leads']:.0f} who-leads" if "assign_vs_who_leads" in r else "")),
        ("peak RSS", f"{r['peak_rss_mb']:.0f} MB"
         + (f"; {r['rss_vs_csv']:.1f}× the {r['duties_csv_mb']:.0f} MB duty CSV" if "rss_vs_csv" in r else "")),
    ]  # fmt: skip
    lines += [f"- {k}: {v}" for k, v in fmt]
    if r["size"] == "province":
        for key, (op, target) in TARGETS.items():
            if key in r:
                ok = r[key] >= target if op == ">=" else r[key] <= target
                lines.append(
                    f"- target {key} {op} {target}: {'met' if ok else 'NOT met'} ({r[key]:,.1f})"
                )
    return "\n".join(lines)


def growth(results: list[dict[str, Any]]) -> str:
    """How cost grows: each size against the smallest (linear means the per-duty ratio stays near 1)."""
    lines = [
        "",
        "",
        "## growth (each size against the smallest: times the duties, the time, the time per duty)",
    ]
    base = results[0]
    for r in results[1:]:
        k = r["duties"] / base["duties"]
        parts = [f"{r['size']}: {k:.0f}× the duties"]
        for name, key in (("import", "import_s"), ("scan", "scan_s")):
            t = r[key] / base[key]
            parts.append(f"{name} {t:.0f}× ({t / k:.2f}× per duty)")
        parts.append(f"who-leads p50 {r['who_leads_p50_us'] / base['who_leads_p50_us']:.1f}×")
        lines.append("- " + "; ".join(parts))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="dutygraph benchmarks")
    ap.add_argument("--quick", action="store_true", help="prefecture size only (under a minute)")
    ap.add_argument("--size", choices=["county", "prefecture", "province", "national"])
    ap.add_argument("--growth", action="store_true", help="county, prefecture and province")
    ap.add_argument(
        "--data", type=Path, default=HERE / "data", help="where generated bundles are kept"
    )
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args()
    sizes = ["prefecture"] if args.quick else (["county", "prefecture", "province"] if args.growth
                                               else [args.size or "province"])  # fmt: skip
    args.data.mkdir(parents=True, exist_ok=True)
    results = []
    for size in sizes:
        # each size in a fresh process: peak RSS is that size's own, not what the
        # smaller sizes and their baselines left behind in this one
        with ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            r = pool.submit(run_size, size, args.data).result()
        r["machine"] = f"{platform.machine()} {platform.python_version()}"
        results.append(r)
        print(summary(r), flush=True)
    growth_text = growth(results) if len(results) > 1 else ""
    if growth_text:
        print(growth_text)
    if not args.no_save:
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        name = "quick" if args.quick else ("growth" if args.growth else sizes[0])
        (out / f"{name}.json").write_text(
            json.dumps(results, indent=1, ensure_ascii=False), "utf-8"
        )
        (out / f"{name}.txt").write_text(
            "\n\n".join(summary(r) for r in results) + growth_text + "\n", "utf-8"
        )


if __name__ == "__main__":
    main()
