"""First-answer latency and memory: the SQLite store's lazy reader vs a full load, same run.

    python benchmarks/store_latency.py --size province   # the committed results
    python benchmarks/store_latency.py --size prefecture  # under a minute

One bundle (benchmarks/generate.py) is imported into the SQLite store and into
the old pickled store (dutygraph.store.pickled). Then, each in a fresh process
(as a one-shot ``dutygraph lead`` runs), the same who-leads question is asked:

* ``sqlite-lazy``: ``EmbeddedStore.reader()`` — indexed queries, only what the answer walks;
* ``sqlite-full``: ``EmbeddedStore.graph()`` with no columns kept beside the store (the
  first whole read after a write) — every table read into the in-memory graph, and its
  columns then kept (:mod:`dutygraph.store.sqlite.snapshot`);
* ``sqlite-kept``: ``EmbeddedStore.graph()`` of the same state again: the kept columns read;
* ``pickle-full``: ``PickledStore.graph()`` — the old store, read whole.

Each figure is the median of the fresh processes' time from opening the store to
the answer, and their peak RSS (VmHWM: the interpreter and imports included). The
machine is shared and noisy: read the ratios. Results go to
``benchmarks/results/store_latency.txt``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import child_env  # noqa: E402
from generate import generate  # noqa: E402

from dutygraph.importer import load  # noqa: E402
from dutygraph.store import ChangeSet, EmbeddedStore  # noqa: E402
from dutygraph.store.pickled import PickledStore  # noqa: E402

AS_OF = "2025-06-01"
_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from dutygraph.analysis.resolve import who_leads
from dutygraph.store import EmbeddedStore
from dutygraph.store.pickled import PickledStore
t1 = time.perf_counter()
how, path, item, region, as_of = sys.argv[1:]
if how == "sqlite-full":  # from the tables: the columns kept beside it removed first
    from pathlib import Path
    from dutygraph.store.sqlite import snapshot
    snapshot.path_of(Path(path)).unlink(missing_ok=True)
    t1 = time.perf_counter()
if how == "sqlite-lazy":
    g = EmbeddedStore(path).reader()
elif how in ("sqlite-full", "sqlite-kept"):
    g = EmbeddedStore(path).graph()
else:
    g = PickledStore(path).graph()
answer = who_leads(g, item, region, as_of).departments()
t2 = time.perf_counter()
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))  # this exec's own peak
print(json.dumps({"answer": answer, "import_s": t1 - t0, "answer_s": t2 - t1,
                  "rss_mb": int(hwm.split()[1]) / 1024}))
"""


def child(how: str, path: Path, item: str, region: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, how, str(path), item, region, AS_OF],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
    )
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="prefecture")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dg-store-bench-"))
    bundle = tmp / "bundle"
    generate(args.size, bundle)
    sqlite_path, pickle_path = tmp / "s.db", tmp / "p.db"
    t = time.perf_counter()
    load(EmbeddedStore(sqlite_path), [bundle])
    sqlite_import = time.perf_counter() - t
    g = EmbeddedStore(sqlite_path).graph()
    duties = g.counts()["duty"]
    records = list(g.records())
    t = time.perf_counter()
    PickledStore(pickle_path).write(lambda _: ChangeSet(records))
    records.clear()
    pickle_write = time.perf_counter() - t
    # a county and one of its items with a recorded lead, as a user would ask
    (item, region) = next(
        (i, r)
        for (i, r), ds in g.duty_buckets()
        if len(r) == 6 and r.endswith("01") and any(d.role == "lead" for d in ds)
    )
    del g
    rows = {}
    answers = set()
    for how, path in (
        ("sqlite-lazy", sqlite_path),
        ("sqlite-full", sqlite_path),
        ("sqlite-kept", sqlite_path),
        ("pickle-full", pickle_path),
    ):
        runs = [child(how, path, item, region) for _ in range(args.runs)]
        answers.add(tuple(runs[0]["answer"]))
        rows[how] = {
            "answer_s": statistics.median(r["answer_s"] for r in runs),
            "rss_mb": statistics.median(r["rss_mb"] for r in runs),
        }
    assert len(answers) == 1, f"they disagree: {answers}"
    base = rows["pickle-full"]
    lines = [
        f"store_latency: size {args.size}, {duties:,} duties, {args.runs} fresh processes each, "
        f"question who_leads({item}, {region}, {AS_OF}) -> {sorted(answers)[0]}",
        f"machine: {platform.machine()}, Python {platform.python_version()}, shared by ~8 "
        "engineers (noisy: read the ratios)",
        f"files: sqlite {sqlite_path.stat().st_size / 1e6:.1f} MB (import {sqlite_import:.1f} s), "
        f"pickle {pickle_path.stat().st_size / 1e6:.1f} MB (write {pickle_write:.1f} s)",
        "",
        f"{'how':<12} {'open+answer':>12} {'vs pickle':>10} {'peak RSS':>10} {'vs pickle':>10}",
    ]
    for how, r in rows.items():
        lines.append(
            f"{how:<12} {r['answer_s'] * 1000:>9.1f} ms {r['answer_s'] / base['answer_s']:>9.3f}x "
            f"{r['rss_mb']:>7.0f} MB {r['rss_mb'] / base['rss_mb']:>9.2f}x"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    out = (
        HERE / "results" / f"store_latency{'' if args.size == 'province' else '-' + args.size}.txt"
    )
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
