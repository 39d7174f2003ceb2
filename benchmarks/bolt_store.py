"""Import rate and who-leads latency: the Neo4j store over Bolt next to the embedded store.

    python benchmarks/bolt_store.py [--size county|prefecture] [--url bolt://...]
    python benchmarks/bolt_store.py --rss county prefecture province [--url bolt://...]
    python benchmarks/bolt_store.py --export county prefecture [--url bolt://...]
    python benchmarks/bolt_store.py --export county prefecture --formats api nt ttl eli
    python benchmarks/bolt_store.py --imports county prefecture [--url bolt://...]
    python benchmarks/bolt_store.py --whatif prefecture province [--url bolt://...]

Both stores get the same synthetic bundle (benchmarks/generate.py). Without
``--url`` (or ``$DUTYGRAPH_TEST_BOLT_URL``) a FalkorDB server is started with
scripts/bolt-server for the run and stopped after. Prints one table; the
committed output is benchmarks/results/bolt_store.txt.

What is measured, per store:

* import: ``load()`` of the whole bundle into an empty store (records/s);
* cold read: ``graph()`` from a fresh store object (the whole graph into memory);
* who-leads in memory: ``who_leads`` on the snapshot (the same code on both);
* who-leads in the database: the saved query ``queries/who_leads.cypher``
  (one round trip) against the embedded store's in-memory explicit step;
* a bare ``RETURN 1`` round trip, which bounds every query on the server;
* first answer from a fresh store object (as one ``dutygraph lead`` or one API
  request after a write sees it): ``store.reader()`` then who-leads — on Bolt
  the :class:`~dutygraph.store.neo4j_reader.Neo4jReader` asks only for what the
  answer walks — against ``store.graph()`` (the whole graph copied into Python)
  then who-leads; and the same for a county's gap scan (the reader reads the
  county's subtree and the path above it) and a national one (no region: the
  reader goes region by region, each root alone then each child's subtree, a
  province at a time). The records the reader fetched are counted beside.

``--rss SIZE...`` measures the client, one size after another on the same
server in one run: the Bolt import (records/s, the graph model's relationships
included), then fresh processes that answer 50 who-leads — one through
``store.reader()`` (what ``dutygraph lead`` does), one through ``store.graph()``
(the old snapshot path; left out above prefecture: minutes and gigabytes) —
and report each one's peak RSS (``VmHWM``) and its time, with the ratio of
the reader's peak at each size to the first size's. A third process times a
county's gap scan through the reader and counts the records it fetched; two
more scan every gap with no region, through the reader (region by region) and
through ``store.graph()``, peak RSS and time.

``--export SIZE...`` measures the bulk exports' client, size after size on a
fresh server: fresh processes writing ``--format cypher`` and ``--format
neo4j-admin`` from the Bolt store, each two ways — streamed from
``store.reader()`` page by page (what ``dutygraph export`` does on Bolt) and
from ``store.graph()`` (the snapshot path) — with peak RSS (``VmHWM``), time
and the records fetched; the two ways' outputs are checked byte-equal (the
random store epoch aside), and the streamed peak at each size is compared with
the first size's.

``--imports SIZE...`` measures a published list of 6,000 rows (over SMALL_IMPORT)
and the sample law corpus imported into the Bolt store, each in fresh processes
two ways — planned by key through the reader inside the write (what ``load``
does on Bolt) and over the whole graph read in the write (the old path) — as dry
runs (the same reads and checks, nothing written), with peak RSS, time and the
records the server returned; the two ways' reports are checked equal.

``--whatif SIZE...`` measures ``dutygraph whatif`` with no region (a county's
merger of two departments into a new one, and a national basis repealed, so that
every region answers differently), in fresh processes: on the Bolt store region by
region (:func:`~dutygraph.analysis.whatif.pieces.what_if_by_pieces`, what the CLI
does), beside the embedded store's whole graph (``graph()`` then ``what_if``) and,
up to prefecture, the Bolt store's old whole-graph path; peak RSS, time, records
the server returned, pieces and the most duties one piece held. The reports are
checked equal (every list sorted: the stores list items in different orders).

FalkorDB is a test server, not a picture of Neo4j: it has no transactions, a
~4 KB message limit (so ~10-30 rows a batch) and its own round-trip cost.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from dutygraph.analysis.gaps import find_gaps  # noqa: E402
from dutygraph.analysis.resolve import _nearest_duties, who_leads  # noqa: E402
from dutygraph.importer import load  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402
from dutygraph.store.neo4j import Neo4jStore  # noqa: E402


def _timed(fn, n: int) -> tuple[float, float]:
    """Median and 95th percentile seconds of ``n`` calls."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def _ms(x: float) -> str:
    return f"{x * 1000:9.3f} ms"


def _pair(times: tuple[float, float]) -> str:
    return f"{_ms(times[0])} / {_ms(times[1])}"


def bench(size: str, url: str) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="dg-bench-"))
    bundle = tmp / size
    generate(size, bundle)
    out = [
        f"dutygraph bolt_store benchmark — size {size!r}, {time.strftime('%Y-%m-%d')}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores (shared, noisy)",
    ]
    embedded = EmbeddedStore(tmp / "bench.db")
    bolt = Neo4jStore(url, auth=("falkordb", ""))
    bolt.clear()
    out.append(f"Bolt server: {bolt.server} at {url}; capabilities {sorted(bolt.capabilities)}")
    rows: dict[str, dict[str, str]] = {}
    g = None
    for name, store in (("embedded", embedded), ("bolt", bolt)):
        t = time.perf_counter()
        report = load(store, [bundle])
        dt = time.perf_counter() - t
        n = sum(report.added.values())
        fresh = EmbeddedStore(tmp / "bench.db") if name == "embedded" else Neo4jStore(url)
        t = time.perf_counter()
        g = fresh.graph()
        cold = time.perf_counter() - t
        fresh.close()
        rows[name] = {
            "records": f"{n:,}",
            "import": f"{dt:8.2f} s",
            "rate": f"{n / dt:10,.0f} rec/s",
            "cold read": f"{cold:8.2f} s",
        }
    assert g is not None
    rng = random.Random(7)
    pairs = [(rng.choice(sorted(g.items)), rng.choice(sorted(g.regions))) for _ in range(200)]
    as_of = "2025-06-01"
    snap_e, snap_b = embedded.graph(), bolt.graph()
    it = iter(pairs * 10)
    rows["embedded"]["who-leads (memory)"] = _pair(
        _timed(lambda: who_leads(snap_e, *next(it), as_of), 400)
    )
    it = iter(pairs * 10)
    rows["bolt"]["who-leads (memory)"] = _pair(
        _timed(lambda: who_leads(snap_b, *next(it), as_of), 400)
    )
    it = iter(pairs * 10)
    rows["embedded"]["explicit step"] = _pair(
        _timed(lambda: _nearest_duties(snap_e, *next(it), "lead", as_of), 400)
    )
    it = iter(pairs * 10)
    rows["bolt"]["explicit step"] = (
        _pair(_timed(lambda: bolt.nearest_duties(*next(it), "lead", as_of), 200)) + "  (Cypher)"
    )
    rows["embedded"]["round trip"] = "-"
    rows["bolt"]["round trip"] = _pair(_timed(lambda: bolt._run("RETURN 1 AS x"), 200))
    # agreement check: the Cypher step gives the same duties as the embedded one
    for item, region in pairs[:100]:
        want = _nearest_duties(snap_e, item, region, "lead", as_of)[0]
        got = bolt.nearest_duties(item, region, "lead", as_of).duties
        assert sorted(d.id for d in want) == sorted(d.id for d in got), (item, region)
    first = _first_answers(embedded, url, pairs[:5], snap_e, as_of)
    bolt.close()
    embedded.close()
    keys = list(rows["embedded"])
    width = max(map(len, keys)) + 2
    out.append("")
    out.append(f"{'':{width}}{'embedded':>28}  {'bolt (FalkorDB)':>28}")
    for k in keys:
        out.append(f"{k:{width}}{rows['embedded'][k]:>28}  {rows['bolt'][k]:>28}")
    e_rate = float(rows["embedded"]["rate"].split()[0].replace(",", ""))
    b_rate = float(rows["bolt"]["rate"].split()[0].replace(",", ""))
    out.append("")
    out.append(
        f"import: the embedded store is {e_rate / b_rate:.1f}x the Bolt store's rate; "
        "latencies are median / p95; the explicit step on Bolt is one saved-query round trip."
    )
    out.append(
        "(checked: the Cypher explicit step returned the embedded store's duties for 100 pairs)"
    )
    out.append("")
    out.append(
        "first answer from a fresh store object (median of 5; reader = lazy, graph = whole copy):"
    )
    out.extend(first)
    return out


def _first_answers(embedded: EmbeddedStore, url: str, pairs, snap, as_of: str) -> list[str]:
    """Fresh store, one question: through reader() against through graph(), same run."""
    county = next(code for code, r in sorted(snap.regions.items()) if r.level == "county")
    lines = []
    for name, fresh in (
        ("embedded", lambda: EmbeddedStore(embedded.path)),
        ("bolt", lambda: Neo4jStore(url)),
    ):
        figures = {}
        for label, ask in (
            ("who-leads", lambda g, i: who_leads(g, *pairs[i], as_of).departments()),
            (f"gaps in {county}", lambda g, i: len(find_gaps(g, county, as_of))),
            ("gaps, national", lambda g, i: len(find_gaps(g, None, as_of))),
        ):
            for how in ("reader", "graph"):
                times, answers, fetched = [], [], []
                for i in range(5):
                    store = fresh()
                    t = time.perf_counter()
                    g = store.reader() if how == "reader" else store.graph()
                    answers.append(ask(g, i))
                    times.append(time.perf_counter() - t)
                    fetched.append(getattr(g, "records", None))
                    store.close()
                figures[(label, how)] = (statistics.median(times), answers, fetched)
            (r_t, r_a, r_f), (g_t, g_a, _) = figures[(label, "reader")], figures[(label, "graph")]
            assert r_a == g_a, (name, label, r_a, g_a)  # the same answers both ways
            got = f", {statistics.median(r_f):,.0f} records fetched" if r_f[0] is not None else ""
            lines.append(
                f"  {name:9} {label:18} reader {r_t * 1000:9.1f} ms{got:28}  graph {g_t * 1000:9.1f} ms"
                f"  -> reader {r_t / g_t:.3f}x the time"
            )
    lines.append("  (checked: the reader and the whole graph gave the same answers)")
    return lines


#: one fresh client process: open the store, answer, report its peak RSS — VmHWM, the
#: high-water mark of this process's own memory (ru_maxrss would carry the parent's
#: RSS at fork across the exec: the benchmark process's, not the client's)
_CHILD = r"""
import json, sys, time
from dutygraph.analysis.gaps import find_gaps
from dutygraph.analysis.resolve import who_leads
from dutygraph.store.neo4j import Neo4jStore
url, how, pairs, county = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
store = Neo4jStore(url, auth=("falkordb", ""))
t = time.perf_counter()
if how == "gaps":
    r = store.reader()
    answers = len(find_gaps(r, county, "2025-06-01"))
elif how in ("national", "national-graph"):  # every gap, no region: region by region / whole
    r = store.reader() if how == "national" else store.graph()
    answers = len(find_gaps(r, None, "2025-06-01"))
else:
    g = store.reader() if how == "reader" else store.graph()
    answers = [who_leads(g, i, c, "2025-06-01").departments() for i, c in pairs]
took = time.perf_counter() - t
with open("/proc/self/status") as fh:
    peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
print(json.dumps({"peak_kb": peak, "seconds": took, "records": store.records_read,
                  "answers": answers}, default=str))
"""


def _child(url: str, how: str, pairs: list[tuple[str, str]], county: str) -> dict:
    import json

    out = subprocess.run(
        [sys.executable, "-c", _CHILD, url, how, json.dumps(pairs), county],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def _csv_column(path: Path, column: str) -> list[str]:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return [row[column] for row in csv.DictReader(fh)]


def rss(sizes: list[str], given: str | None) -> list[str]:
    """The client's peak RSS answering who-leads, size after size (see the module docstring).

    Each size gets a fresh FalkorDB unless ``given`` names one: FalkorDB 4.16 breaks
    label scans on a graph cleared after a large one (the test server's bug, not the store's).
    """
    out = [
        f"dutygraph bolt_store --rss — sizes {' '.join(sizes)}, {time.strftime('%Y-%m-%d')}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores (shared, busy: load ~8)",
    ]
    out.append(f"Bolt server: FalkorDB, {'at ' + given if given else 'a fresh one per size'}")
    out.append("")
    out.append(
        f"{'size':11}{'records':>9}{'import':>10}{'rate':>14}"
        f"{'reader peak':>13}{'reader':>10}{'fetched':>9}"
        f"{'graph peak':>12}{'graph':>10}{'gaps(county)':>14}{'fetched':>9}"
        f"{'national: reader peak':>23}{'time':>9}{'graph peak':>12}{'time':>9}"
    )
    first = None
    ratios = []
    for size in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="dg-bench-"))
        bundle = tmp / size
        generate(size, bundle)
        regions = _csv_column(bundle / "regions.csv", "code")
        levels = _csv_column(bundle / "regions.csv", "level")
        items = _csv_column(bundle / "items.csv", "id")
        rng = random.Random(7)
        pairs = [(rng.choice(items), rng.choice(regions)) for _ in range(50)]
        county = next(c for c, lv in zip(regions, levels, strict=True) if lv == "county")
        with _server(given) as url:
            bolt = Neo4jStore(url, auth=("falkordb", ""))
            bolt.clear()
            t = time.perf_counter()
            report = load(bolt, [bundle])
            took = time.perf_counter() - t
            n = sum(report.added.values())
            reader = _child(url, "reader", pairs, county)
            gaps = _child(url, "gaps", pairs, county)
            graph = _child(url, "graph", pairs, county) if size != "province" else None
            national = _child(url, "national", pairs, county)
            national_g = (
                _child(url, "national-graph", pairs, county) if size != "province" else None
            )
            bolt.clear()
            bolt.close()
        if graph is not None:
            assert graph["answers"] == reader["answers"], size  # the same answers both ways
        if national_g is not None:
            assert national_g["answers"] == national["answers"], size
        first = first or reader["peak_kb"]
        ratios.append((size, reader["peak_kb"] / first))
        g_peak = f"{graph['peak_kb'] / 1024:9.0f} MB" if graph else f"{'-':>12}"
        g_time = f"{graph['seconds']:8.2f} s" if graph else f"{'-':>10}"
        out.append(
            f"{size:11}{n:>9,}{took:>8.0f} s{n / took:>9,.0f} rec/s"
            f"{reader['peak_kb'] / 1024:>10.0f} MB{reader['seconds']:>8.2f} s{reader['records']:>9,}"
            f"{g_peak}{g_time}{gaps['seconds']:>12.2f} s{gaps['records']:>9,}"
            f"{national['peak_kb'] / 1024:>20.0f} MB{national['seconds']:>7.1f} s"
            + (
                f"{national_g['peak_kb'] / 1024:>9.0f} MB{national_g['seconds']:>7.1f} s"
                if national_g
                else f"{'-':>12}{'-':>9}"
            )
        )
        print(out[-1], file=sys.stderr, flush=True)  # progress: a size takes minutes
        shutil.rmtree(tmp, ignore_errors=True)
    out.append("")
    out.append(
        "reader peak RSS relative to the first size: "
        + ", ".join(f"{size} {r:.2f}x" for size, r in ratios)
    )
    out.append(
        "(reader/graph: 50 who-leads in a fresh process, peak RSS and time for the 50; the "
        "graph path is left out at province size; checked: both gave the same answers)"
    )
    out.append(
        "(national: every gap with no region in a fresh process — the reader a piece at a time "
        "(Neo4jReader.national_pieces), against graph() then the scan; checked: the same count)"
    )
    return out


_EXPORT_CHILD = r"""
import json, sys, time
from dutygraph.io.cypher import write_cypher
from dutygraph.io.neo4j_admin import write_neo4j_admin
from dutygraph.store.neo4j import Neo4jStore
url, how, out, page = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = Neo4jStore(url, auth=("falkordb", ""))
t = time.perf_counter()
src = store.reader() if how.endswith("stream") else store.graph()
if how.endswith("stream"):
    src.page = page
fmt = how.rsplit("-", 1)[0]
if fmt == "cypher":
    with open(out, "w", encoding="utf-8") as fh:
        n = write_cypher(src, fh)
elif fmt == "admin":
    n = write_neo4j_admin(src, out)
elif fmt == "api":  # the GraphQL API: the saved operations, as a server answers them
    import asyncio
    from dutygraph.api.context import make_context
    from dutygraph.api.saved import default_queries_dir, load_saved
    from dutygraph.api.schema import build_schema
    schema, answers = build_schema(), {}
    for q in load_saved(default_queries_dir()):
        variables = dict(q.variables, **json.loads(sys.argv[5]).get(q.name, {}))
        ctx = make_context(store, graph=src)
        r = asyncio.run(schema.execute(q.query, variable_values=variables, context_value=ctx))
        answers[q.name] = [r.data, [e.message for e in r.errors or ()]]
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(answers, fh, ensure_ascii=False, sort_keys=True)
    n = len(answers)
else:  # the RDF and ELI exports
    from dutygraph.io.export import export
    with open(out, "w", encoding="utf-8") as fh:
        n = export(src, fmt, fh, as_of="2025-06-01")
took = time.perf_counter() - t
with open("/proc/self/status") as fh:
    peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
print(json.dumps({"peak_kb": peak, "seconds": took, "records": store.records_read, "n": n}))
"""


def _digest(path: Path) -> str:
    """The export's bytes (a file, or a folder's files by name), the random epoch blanked."""
    import hashlib
    import re

    h = hashlib.sha256()
    for p in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if p.is_file():
            h.update(str(p.relative_to(path) if path.is_dir() else "").encode())
            with p.open("rb") as fh:
                for line in fh:
                    h.update(re.sub(rb"""(['"])[0-9a-f]{32}\1""", b"E", line))
    return h.hexdigest()


#: what ``--export`` measures by default; ``--formats`` picks others (nt, ttl, jsonld, eli:
#: the RDF exports; api: the GraphQL saved operations, answered as a server does)
EXPORT_FORMATS = ("cypher", "admin")


def _api_variables(bundle: Path) -> dict[str, dict[str, str]]:
    """The saved operations' questions on a generated bundle: its first duty's item and
    county, its first county for the scans (the demo's names are not in it)."""
    duty = next(iter(_csv_rows(bundle / "duties.csv")))
    region = next(r["code"] for r in _csv_rows(bundle / "regions.csv") if r["level"] == "county")
    ask = {"item": duty["item"], "region": duty["region"], "asOf": "2025-06-01"}
    scan = {"region": region, "asOf": "2025-06-01"}
    return {
        "01-who-leads": ask,
        "02-who-assists": ask,
        "03-gaps-in-region": scan,
        "04-conflicts": scan,
        "06-item-with-duties": {"id": duty["item"], "asOf": "2025-06-01"},
        "07-joint-inspections": scan,
    }


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def export_rss(
    sizes: list[str], given: str | None, page: int = 5000, formats: Sequence[str] = EXPORT_FORMATS
) -> list[str]:
    """The bulk exports' client peak RSS, streamed vs snapshot (see the module docstring)."""
    import json

    out = [
        f"dutygraph bolt_store --export — sizes {' '.join(sizes)}, {time.strftime('%Y-%m-%d')}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores (shared, busy)",
        f"Bolt server: FalkorDB, {'at ' + given if given else 'a fresh one per size'}; "
        f"streamed pages of {page} records",
        "",
        f"{'size':11}{'records':>9}{'format':>13}{'stream peak':>13}{'time':>9}{'fetched':>10}"
        f"{'graph() peak':>14}{'time':>9}{'peak ratio':>12}",
    ]
    first: dict[str, float] = {}
    ratios: list[str] = []
    for size in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="dg-bench-"))
        bundle = tmp / size
        generate(size, bundle)
        with _server(given) as url:
            bolt = Neo4jStore(url, auth=("falkordb", ""))
            bolt.clear()
            n = sum(load(bolt, [bundle]).added.values())
            variables = json.dumps(_api_variables(bundle), ensure_ascii=False)
            for fmt in formats:
                suffix = "" if fmt == "admin" else "." + fmt
                got = {}
                for how in ("stream", "graph"):
                    dest = tmp / f"{fmt}-{how}{suffix}"
                    res = subprocess.run(
                        [sys.executable, "-c", _EXPORT_CHILD, url, f"{fmt}-{how}", str(dest),
                         str(page), variables],
                        capture_output=True, text=True, check=True,
                    ).stdout  # fmt: skip
                    got[how] = json.loads(res.strip().splitlines()[-1])
                    got[how]["digest"] = _digest(dest)
                s, g = got["stream"], got["graph"]
                if fmt != "jsonld":  # (rdflib's JSON-LD order varies from process to process)
                    assert s["digest"] == g["digest"] and s["n"] == g["n"], (size, fmt)
                first.setdefault(fmt, s["peak_kb"])
                ratios.append(f"{fmt} {size} {s['peak_kb'] / first[fmt]:.2f}x")
                out.append(
                    f"{size:11}{n:>9,}{fmt:>13}{s['peak_kb'] / 1024:>10.0f} MB{s['seconds']:>7.1f} s"
                    f"{s['records']:>10,}{g['peak_kb'] / 1024:>11.0f} MB{g['seconds']:>7.1f} s"
                    f"{s['peak_kb'] / g['peak_kb']:>11.2f}x"
                )
                print(out[-1], file=sys.stderr, flush=True)
            bolt.clear()
            bolt.close()
        shutil.rmtree(tmp, ignore_errors=True)
    out.append("")
    out.append("streamed peak RSS relative to the first size: " + ", ".join(ratios))
    out.append(
        "(each cell a fresh process; peak ratio = streamed / graph() at that size; checked: "
        "the two ways wrote the same bytes, the store's random epoch aside)"
    )
    return out


_IMPORT_CHILD = r"""
import json, sys, time
from dutygraph.importer import load
from dutygraph.store.neo4j import Neo4jStore
url, how, path, options = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
if how == "whole":  # the old path: names over graph(), the plan over the whole graph read
    Neo4jStore.row_reader = False
    Neo4jStore.reads_by_key = False
store = Neo4jStore(url, auth=("falkordb", ""))
t = time.perf_counter()
report = load(store, [path], dry_run=True, skip_invalid=True, **options)
took = time.perf_counter() - t
with open("/proc/self/status") as fh:
    peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
summary = [report.added, report.changed, report.unchanged, [str(p) for p in report.problems]]
print(json.dumps({"peak_kb": peak, "seconds": took, "records": store.records_read,
                  "summary": summary}, ensure_ascii=False))
"""


def _big_list(bundle: Path, dest: Path, rows: int) -> tuple[Path, dict[str, str]]:
    """A published list of ``rows`` rows (its items the bundle's, then new ones) for the
    bundle's first department: an import over SMALL_IMPORT."""
    import csv

    names = _csv_column(bundle / "items.csv", "name")
    dept = next(_csv_rows(bundle / "departments.csv"))
    with open(dest, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["事项名称", "实施主体", "实施依据"])
        for i in range(rows):
            w.writerow([names[i] if i < len(names) else f"新增检查事项{i}", dept["name"], ""])
    return dest, {"department": dept["id"]}


def import_rss(sizes: list[str], given: str | None, rows: int = 6000, rounds: int = 2) -> list[str]:
    """A big list import and a law-corpus import on Bolt, planned by key (the reader inside
    the write) against the old whole-graph read: fresh processes, ``dry_run`` (the plan's
    reads and checks, nothing written, so every run sees the same store), interleaved."""
    import json

    from dutygraph.io.laws import SAMPLE_CORPUS

    out = [
        f"dutygraph bolt_store --imports — sizes {' '.join(sizes)}, {time.strftime('%Y-%m-%d')}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores (shared, busy), "
        f"load {os.getloadavg()[0]:.1f}",
        f"Bolt server: FalkorDB, {'at ' + given if given else 'a fresh one per size'}; "
        f"a {rows:,}-row published list, the sample law corpus (packaged=False, small_import=0); "
        f"dry runs, {rounds} rounds interleaved, best of them",
        "",
        f"{'size':11}{'records':>9}{'import':>8}{'by key peak':>13}{'time':>9}{'fetched':>10}"
        f"{'whole peak':>12}{'time':>9}{'fetched':>10}{'peak ratio':>12}",
    ]
    for size in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="dg-bench-"))
        bundle = tmp / size
        generate(size, bundle)
        cases = {
            "list": _big_list(bundle, tmp / "list.csv", rows),
            "laws": (Path(SAMPLE_CORPUS), {"packaged": False, "small_import": 0}),
        }
        with _server(given) as url:
            bolt = Neo4jStore(url, auth=("falkordb", ""))
            bolt.clear()
            n = sum(load(bolt, [bundle]).added.values())
            for name, (path, options) in cases.items():
                best: dict[str, dict] = {}
                for _ in range(rounds):
                    for how in ("key", "whole"):
                        res = subprocess.run(
                            [sys.executable, "-c", _IMPORT_CHILD, url, how, str(path),
                             json.dumps(options)],
                            capture_output=True, text=True, check=True,
                        ).stdout  # fmt: skip
                        got = json.loads(res.strip().splitlines()[-1])
                        if how in best:
                            assert got["summary"] == best[how]["summary"], (size, name)
                        if how not in best or got["seconds"] < best[how]["seconds"]:
                            best[how] = got
                k, w = best["key"], best["whole"]
                assert k["summary"] == w["summary"], (size, name)  # the same report both ways
                out.append(
                    f"{size:11}{n:>9,}{name:>8}{k['peak_kb'] / 1024:>10.0f} MB"
                    f"{k['seconds']:>7.1f} s{k['records']:>10,}{w['peak_kb'] / 1024:>9.0f} MB"
                    f"{w['seconds']:>7.1f} s{w['records']:>10,}{k['peak_kb'] / w['peak_kb']:>11.2f}x"
                )
                print(out[-1], file=sys.stderr, flush=True)
            bolt.clear()
            bolt.close()
        shutil.rmtree(tmp, ignore_errors=True)
    out.append("")
    out.append(
        "(each cell a fresh process, the best of the rounds by time; peak ratio = by key / whole;"
        " fetched = records the server returned; checked: the two ways report the same)"
    )
    return out


_WHATIF_CHILD = r"""
import hashlib, json, sys, time
from dutygraph.analysis.whatif import what_if
from dutygraph.analysis.whatif.report import whatif_dict
from dutygraph.analysis.whatif.scope import whatif_of
from dutygraph.io.scenario import read_scenario
from dutygraph.store import EmbeddedStore
from dutygraph.store.neo4j import Neo4jStore
where, how, path, piece = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if piece:
    import dutygraph.store.neo4j_reader as nr
    nr.PIECE_REGIONS = piece
s = read_scenario(path)
t = time.perf_counter()
if how == "embedded":
    store = EmbeddedStore(where)
    got = what_if(store.graph(), s)
    data = whatif_dict(got)
else:
    store = Neo4jStore(where, auth=("falkordb", ""))
    w = store.graph() if how == "whole" else None
    got = what_if(w, s) if w is not None else whatif_of(store, None, s)
    data = whatif_dict(got)
took = time.perf_counter() - t
with open("/proc/self/status") as fh:
    peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
def canon(x):
    if isinstance(x, dict):
        return {k: canon(v) for k, v in x.items()}
    if isinstance(x, list):
        return sorted((canon(v) for v in x), key=lambda v: json.dumps(v, sort_keys=True))
    return x
digest = hashlib.sha256(json.dumps(canon(data), sort_keys=True).encode()).hexdigest()
print(json.dumps({"peak_kb": peak, "seconds": took, "records": getattr(store, "records_read", 0),
                  "pieces": getattr(got, "pieces", 0) if how == "pieces" else 0,
                  "largest": getattr(got, "largest", 0) if how == "pieces" else 0,
                  "counts": data["counts"], "digest": digest}))
"""

#: the what-if --whatif measures: a county's two departments merged into a new one, and a
#: national basis (the L03 line's) repealed, which every region's duties of that line rest on
_WHATIF_SCENARIO = (
    "date,action,department,target,name,basis\n"
    "2026-01-01,merge,D110101-L01;D110101-L02,D110101-ZH,地区110101综合局,\n"
    "2026-03-01,repeal,,,,B-L03\n"
)


def whatif_rss(sizes: list[str], given: str | None, pieces: list[int] | None = None) -> list[str]:
    """``whatif`` with no region: by pieces on Bolt against the embedded store's whole graph
    (and Bolt's old whole-graph path up to prefecture), fresh processes, the same data;
    ``pieces``: also by pieces of at most these many regions (``PIECE_REGIONS``)."""
    import json

    out = [
        f"dutygraph bolt_store --whatif — sizes {' '.join(sizes)}, {time.strftime('%Y-%m-%d')}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores (shared, busy), "
        f"load {os.getloadavg()[0]:.1f}",
        f"Bolt server: FalkorDB, {'at ' + given if given else 'a fresh one per size'}; "
        "scenario: a county merger into a new department + a national basis repealed",
        "",
        f"{'size':11}{'duties':>9}{'way':>12}{'peak':>9}{'time':>9}{'fetched':>10}"
        f"{'pieces':>8}{'largest':>9}{'leads':>8}{'gaps new':>10}",
    ]
    for size in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="dg-bench-"))
        bundle = tmp / size
        generate(size, bundle)
        scenario = tmp / "scenario.csv"
        scenario.write_text(_WHATIF_SCENARIO, encoding="utf-8")
        db = str(tmp / "embedded.db")
        duties = load(EmbeddedStore(db), [bundle]).added.get("duty", 0)
        with _server(given) as url:
            bolt = Neo4jStore(url, auth=("falkordb", ""))
            bolt.clear()
            t = time.perf_counter()
            load(bolt, [bundle])
            print(f"{size}: Bolt import {time.perf_counter() - t:.0f} s", file=sys.stderr)
            ways = [("embedded", db, 0), ("pieces", url, 0)]
            ways += [("pieces", url, n) for n in pieces or ()]
            if size in ("county", "prefecture"):
                ways.append(("whole", url, 0))
            got: dict[str, dict] = {}
            for how, where, piece in ways:
                res = subprocess.run(
                    [sys.executable, "-c", _WHATIF_CHILD, where, how, str(scenario), str(piece)],
                    capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
                r = got[f"{how}{piece or ''}"] = json.loads(res.strip().splitlines()[-1])
                label = {"embedded": "embedded", "pieces": "bolt pcs", "whole": "bolt all"}[how]
                label += f"/{piece}" if piece else ""
                out.append(
                    f"{size:11}{duties:>9,}{label:>12}{r['peak_kb'] / 1024:>6.0f} MB"
                    f"{r['seconds']:>7.1f} s{r['records']:>10,}{r['pieces']:>8}"
                    f"{r['largest']:>9,}{r['counts']['leads']:>8,}{r['counts']['gaps_new']:>10,}"
                )
                print(out[-1], file=sys.stderr, flush=True)
            assert len({r["digest"] for r in got.values()}) == 1, size  # the same report
            out.append(
                f"{'':11}{'':9}{'ratio':>12}"
                f"{got['pieces']['peak_kb'] / got['embedded']['peak_kb']:>8.2f}x"
                f"{got['pieces']['seconds'] / got['embedded']['seconds']:>8.2f}x"
                "   (bolt pieces / embedded whole)"
            )
            bolt.clear()
            bolt.close()
        shutil.rmtree(tmp, ignore_errors=True)
    out.append("")
    out.append(
        "(each a fresh process; peak = VmHWM; fetched = records the Bolt server returned;"
        " largest = the most duties one piece's graph held; checked: the three reports equal,"
        " every list sorted)"
    )
    return out


@contextlib.contextmanager
def _server(url: str | None) -> Iterator[str]:
    """``url``, or a FalkorDB started with scripts/bolt-server for the block and stopped after."""
    if url:
        yield url
        return
    state = Path(tempfile.mkdtemp(prefix="dg-bench-bolt-")) / "state.json"
    script = str(ROOT / "scripts" / "bolt-server")
    started = subprocess.run(
        [sys.executable, script, "start", "--state", str(state), "--watch", str(os.getpid())],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    try:
        yield started
    finally:
        subprocess.run([sys.executable, script, "stop", "--state", str(state)], check=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="county", choices=["county", "prefecture"])
    ap.add_argument("--url", default=os.environ.get("DUTYGRAPH_TEST_BOLT_URL"))
    ap.add_argument("--rss", nargs="+", choices=["county", "prefecture", "province"],
                    help="measure the client's peak RSS at these sizes instead")  # fmt: skip
    ap.add_argument(
        "--export",
        nargs="+",
        choices=["county", "prefecture", "province"],
        help="measure the bulk exports' client peak RSS at these sizes instead",
    )
    ap.add_argument("--formats", nargs="+", default=list(EXPORT_FORMATS),
                    choices=["cypher", "admin", "nt", "ttl", "jsonld", "eli", "api"],
                    help="--export: what to measure (api: the GraphQL saved operations)")  # fmt: skip
    ap.add_argument("--page", type=int, default=5000,
                    help="--export: the records a streamed page holds (Neo4jReader.page)")  # fmt: skip
    ap.add_argument("--imports", nargs="+", choices=["county", "prefecture", "province"],
                    help="measure a big list import and a law-corpus import instead")  # fmt: skip
    ap.add_argument("--whatif", nargs="+", choices=["county", "prefecture", "province"],
                    help="measure whatif with no region: by pieces on Bolt, beside embedded")  # fmt: skip
    ap.add_argument("--pieces", nargs="+", type=int, default=[],
                    help="--whatif: also by pieces of at most these many regions")  # fmt: skip
    args = ap.parse_args()
    if args.whatif:
        print("\n".join(whatif_rss(args.whatif, args.url, args.pieces)))
        return 0
    if args.imports:
        print("\n".join(import_rss(args.imports, args.url)))
        return 0
    if args.export:
        print("\n".join(export_rss(args.export, args.url, args.page, args.formats)))
        return 0
    if args.rss:
        print("\n".join(rss(args.rss, args.url)))
        return 0
    with _server(args.url) as url:
        print("\n".join(bench(args.size, url)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
