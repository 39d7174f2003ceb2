"""One-shot small writes at province, this code against another source tree, interleaved.

    python benchmarks/store_writes_ab.py --workdir DIR [--before SRC --before-store DB]
        [--rounds 3] [--repeat 15]

Each round runs one child process per source tree (this tree, and the ``--before`` tree's
``src`` first on ``PYTHONPATH`` with its own copy of ``--before-store``, a store of the
schema that code writes), alternately. A child copies its store afresh, imports a first
version of a five-row power list of a county department untimed, then ``--repeat``
times, interleaved write by write: a new version of that list (``importer.load`` on a new
``EmbeddedStore``: one duty closed, one opened), a 10-row bundle (the same), and SQLite
itself committing ten duty rows and their bases into the same store's tables
(``BEGIN IMMEDIATE`` … ``COMMIT`` on a connection kept open, ``synchronous=FULL``: the
target's "SQLite's commit of the same rows"). The write of one store object is what a
one-shot command does (a fresh ``EmbeddedStore``, nothing held); another connection is
kept open on the file throughout (as a serving process would, and as store_writes.py's
held store does), so each write appends to the WAL instead of making it anew.

Prints, per child, the medians (wall time; and the process's CPU time, which the load of
other processes on the shared machine disturbs less) and each write's ratio to the SQLite
commit taken beside it (the median of those ratios), the machine load before each.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(store: Path, workdir: Path, repeat: int) -> dict[str, object]:
    sys.path.insert(0, str(HERE))
    import store_writes as sw

    from dutygraph import importer
    from dutygraph.store import EmbeddedStore

    path = workdir / "ab.db"
    shutil.copyfile(store, path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    keeper = sqlite3.connect(path)  # another process's open connection: the WAL stays
    keeper.execute("SELECT count(*) FROM meta").fetchall()
    a, _, _, _ = sw.parties(path, 1)
    versions = sw.list_versions(workdir, a)
    first, effective = next(versions)
    importer.load(EmbeddedStore(path), [first], department=a, effective=effective)
    bundles = sw.ten_row_bundles(workdir, sw.duty_row(path), repeat)

    conn, sqlite_ten = sw.sqlite_ten_rows(path, "sqlite-ab")

    cpu: dict[str, list[float]] = {"list": [], "ten": []}

    def version() -> float:
        file, eff = next(versions)
        store = EmbeddedStore(path)
        c, t = time.process_time(), time.perf_counter()
        report = importer.load(store, [file], department=a, effective=eff)
        took = time.perf_counter() - t
        cpu["list"].append(time.process_time() - c)
        (diff,) = report.lists
        assert len(diff["changed"]) == 1 and not diff["added"], diff
        return took

    def ten() -> float:
        folder = next(bundles)
        store = EmbeddedStore(path)
        c, t = time.process_time(), time.perf_counter()
        report = importer.load(store, [folder])
        took = time.perf_counter() - t
        cpu["ten"].append(time.process_time() - c)
        assert report.added == {"duty": 10}, report.added
        return took

    out: dict[str, list[float]] = {"sqlite": [], "list": [], "ten": [], "list_x": [], "ten_x": []}
    version(), ten(), sqlite_ten()  # warm: modules, page cache
    cpu["list"].clear(), cpu["ten"].clear()
    for _ in range(repeat):
        base = sqlite_ten()
        lv = version()
        base2 = sqlite_ten()
        tv = ten()
        out["sqlite"] += [base, base2]
        out["list"].append(lv)
        out["ten"].append(tv)
        out["list_x"].append(lv / base)
        out["ten_x"].append(tv / base2)
    conn.close()
    keeper.close()
    out["list_cpu"], out["ten_cpu"] = cpu["list"], cpu["ten"]
    return {k: statistics.median(v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dutygraph-bench"))
    ap.add_argument("--store", type=Path, help="this code's store (default: the province's)")
    ap.add_argument("--before", type=Path, help="another source tree (its src/ is imported)")
    ap.add_argument("--before-store", type=Path, help="a store of the schema --before writes")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--child", nargs=2, metavar=("STORE", "WORKDIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]), args.repeat)))
        return
    sys.path.insert(0, str(HERE))
    from bench_common import machine, store_for

    store = args.store or store_for("province", args.workdir)
    trees = [("this", HERE.parent / "src", store)]
    if args.before is not None:
        trees.append(("before", args.before / "src", args.before_store or store))
    print(f"store_writes_ab: {machine()}")
    print(
        f"{'round':>5} {'code':<7} {'load':>5} {'SQLite 10 rows':>14} {'list version':>12} "
        f"{'ratio':>6} {'its CPU':>9} {'10-row bundle':>13} {'ratio':>6} {'its CPU':>9}"
    )
    for r in range(1, args.rounds + 1):
        for name, src, db in trees:
            work = args.workdir / f"ab-{name}"
            work.mkdir(parents=True, exist_ok=True)
            env = {**os.environ, "PYTHONPATH": str(src)}
            load = os.getloadavg()[0]
            got = json.loads(
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--repeat",
                        str(args.repeat),
                        "--child",
                        str(db),
                        str(work),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=env,
                ).stdout
            )
            print(
                f"{r:>5} {name:<7} {load:>5.1f} {got['sqlite'] * 1000:>11.2f} ms "
                f"{got['list'] * 1000:>9.2f} ms {got['list_x']:>5.1f}x "
                f"{got['list_cpu'] * 1000:>6.2f} ms "
                f"{got['ten'] * 1000:>10.2f} ms {got['ten_x']:>5.1f}x "
                f"{got['ten_cpu'] * 1000:>6.2f} ms",
                flush=True,
            )
    print(f"after: load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
