"""Small writes into a province-sized embedded store vs SQLite's bare commit, one run.

    python benchmarks/store_writes.py [--size province] [--workdir /tmp/dutygraph-bench] [--repeat 5]

On a copy of the generated bundle's store (benchmarks/bench_common.py), each figure the
median of ``--repeat``:

* ``dispute open, fresh store object``: ``open_dispute`` on a new ``EmbeddedStore`` (a
  one-shot command's write: no graph held; the plan reads only its rows);
* ``dispute open, graph held``: the same in a process that holds the whole graph
  (``serve``, a notebook), and the ``graph()`` it asks for after the write (the change
  applied to the held graph, not read again);
* ``10-row bundle, fresh store object``: ``load`` of a bundle folder of ten new duty rows
  into the province on a new ``EmbeddedStore`` (the import's checks read only the rows
  they ask for: the items, regions, departments, bases and stored duties of those keys);
  ``10-row bundle, graph held``: the same into a store holding the whole graph (its checks
  run over it; the duty change is then applied to the held graph,
  ``DutyGraph.with_changes``), and the ``graph()`` asked for after it;
  ``10-row bundle, whole graph read``: the same with the small-import path switched off
  (``importer.SMALL_IMPORT = 0``), as it was before: the whole graph read inside the
  write; and, of the fresh figure, the time ``read_input`` takes to read the bundle's file
  (the same folder again, same run);
* ``list version``: a new version of a five-row published power list of a county
  department (CSV, its own effective date; one row's basis changed, so one duty is closed
  and one opened), after a first version imported untimed: on a fresh store object (the
  names matched through the store's reader, the list's open duties read by their source,
  the checks reading only their rows; and, of it, reading the list file with its names
  matched), in a process holding the whole graph (and its ``graph()`` after), and as before (the whole graph read to match names and inside the
  write: ``SMALL_IMPORT = 0``, ``row_reader`` off);
* ``CLI dispute open --json``: the command, a fresh process, stdout to a file (with its
  bytecode written, as an installed package has it: ``bench_common.child_env``);

beside SQLite doing a bare write in the same run: one row inserted and committed
(``BEGIN IMMEDIATE`` … ``COMMIT``, WAL, ``synchronous=FULL``, the fsync included) on a
connection already open, a fresh Python process that connects, inserts and commits, and
(``SQLite 10 rows``, the 10-row bundle's baseline) ten duty rows and their bases inserted
into the province store's own tables in one such transaction.
The machine is shared and noisy: read the ratios. Results go to
``benchmarks/results/store_writes.txt``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import itertools
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import child_env, machine, store_for  # noqa: E402

from dutygraph import importer  # noqa: E402
from dutygraph.analysis.disputes import open_dispute  # noqa: E402
from dutygraph.io import read_input  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402
from dutygraph.store.sqlite import snapshot  # noqa: E402

DAY = "2025-01-05"

_PEER = (
    "import sqlite3,sys;c=sqlite3.connect(sys.argv[1],isolation_level=None);"
    "c.execute('PRAGMA journal_mode=WAL');c.execute('PRAGMA synchronous=FULL');"
    "c.execute('CREATE TABLE IF NOT EXISTS t (a, b, c)');"
    "c.execute('BEGIN IMMEDIATE');c.execute('INSERT INTO t VALUES (?,?,?)',('x','y','z'));"
    "c.execute('COMMIT')"
)


def parties(path: Path, n: int) -> tuple[str, str, list[str], str]:
    """Two departments of one county and ``n`` items of the store: disputes to open."""
    conn = sqlite3.connect(path)
    region, a, b = conn.execute(
        "SELECT d1.region, d1.id, d2.id FROM department d1 JOIN department d2"
        " ON d1.region = d2.region AND d1.id < d2.id WHERE length(d1.region) = 6"
        " AND d1.region NOT LIKE '%00' LIMIT 1"
    ).fetchone()
    items = [r[0] for r in conn.execute("SELECT id FROM item LIMIT ?", (n,))]
    conn.close()
    return a, b, items, region


def duty_row(path: Path) -> list[str]:
    """A stored county duty's department, item, region, role and first basis."""
    conn = sqlite3.connect(path)
    dep, item, region, role, bases = conn.execute(
        "SELECT department, item, region, role, bases FROM duty"
        " WHERE length(region) = 6 AND region NOT LIKE '%00' AND bases != '[]' LIMIT 1"
    ).fetchone()
    conn.close()
    return [dep, item, region, role, json.loads(bases)[0]]


def ten_row_bundles(
    workdir: Path, row: list[str], n: int, *, year: int = 2400, name: str = "ten-row"
) -> Iterator[Path]:
    """Bundle folders of ten new duties each (the stored duty ``row`` with new start dates,
    from ``year`` on), in ``workdir / name``."""
    import csv

    day = datetime.date(year, 1, 1)
    for b in itertools.count():
        folder = workdir / name / str(b)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        with open(folder / "duties.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["department", "item", "region", "role", "bases", "valid_from", "line"])
            for _ in range(10):
                w.writerow([*row, day.isoformat(), ""])
                day += datetime.timedelta(days=1)
        yield folder


_LIST_HEAD = [
    [
        "序号",
        "事项名称",
        "",
        "职权类型",
        "实施依据",
        "实施主体",
        "承办机构",
        "行使层级",
        "责任事项",
        "备注",
    ],
    ["", "主项", "子项", "", "", "", "", "", "", ""],
]
_CITES = ("《中华人民共和国食品安全法》第一百一十条", "《中华人民共和国食品安全法》第一百一十四条")


def list_versions(workdir: Path, department: str) -> Iterator[tuple[Path, str]]:
    """Versions of a five-row power list of ``department`` (CSV), each with its effective
    date and the first row's basis alternating: (file, effective date)."""
    import csv

    day = datetime.date(2400, 1, 1)
    for v in itertools.count():
        path = workdir / "lists" / f"v{v}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = [
            [str(k + 1), f"基准测试事项{k}", "", "行政检查", _CITES[v % 2 if k == 0 else 0]]
            + [""] * 5
            for k in range(5)
        ]
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([[f"{department}权责清单"], *_LIST_HEAD, *rows])
        yield path, (day + datetime.timedelta(days=v)).isoformat()


def sqlite_ten_rows(path: Path, tag: str) -> tuple[sqlite3.Connection, Callable[[], float]]:
    """SQLite doing the 10-row import's own work: ten duty rows (copies of a stored one,
    new ids) and their bases inserted into the store's tables (and their indexes), one
    transaction (``BEGIN IMMEDIATE`` … ``COMMIT``, ``synchronous=FULL``) on a connection
    kept open: the connection, and a function doing one such write, returning its seconds."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    cols = [r[1] for r in conn.execute("PRAGMA table_info(duty)")]
    like = conn.execute(f"SELECT {', '.join(cols)} FROM duty LIMIT 1").fetchone()
    insert = f"INSERT INTO duty ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    numbered = cols[0] == "n"  # schema 5: rows numbered, the id generated from the key
    done = itertools.count()

    def write() -> float:
        r = next(done)
        if numbered:  # a new key (its department), its number given by SQLite
            rows = [(None, f"{tag}-{r}-{k}", *like[2:]) for k in range(10)]
        else:
            rows = [(f"{tag}|{r}|{k}", *like[1:]) for k in range(10)]
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(insert, rows)
        if numbered:
            conn.executemany(
                "INSERT INTO duty_basis (basis, duty) SELECT 'B', n FROM duty WHERE department = ?",
                [(row[1],) for row in rows],
            )
        else:
            conn.executemany(
                "INSERT INTO duty_basis (basis, duty) VALUES (?, ?)",
                [("B", row[0]) for row in rows],
            )
        conn.execute("COMMIT")
        return time.perf_counter() - t

    return conn, write


@contextlib.contextmanager
def linking(keep: bool) -> Iterator[None]:
    """Writes keep their change set beside the store (``keep``, as shipped) or do not."""
    kept = snapshot.write_link
    if not keep:
        snapshot.write_link = lambda *a, **k: None  # type: ignore[assignment]
    try:
        yield
    finally:
        snapshot.write_link = kept  # type: ignore[assignment]


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000 if times else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="province")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dutygraph-bench"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--fresh-only",
        action="store_true",
        help="only the one-shot writes (no graph held, no whole-graph read): national size",
    )
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = store_for(args.size, args.workdir)
    path = args.workdir / f"{args.size}-writes.db"
    shutil.copyfile(source, path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    n = args.repeat
    a, b, items, region = parties(path, 4 * n + 1)
    subjects = iter(items)

    def one(store: EmbeddedStore) -> float:
        item = next(subjects)
        t = time.perf_counter()
        open_dispute(store, [a, b], item, region, DAY, by="bench")
        return time.perf_counter() - t

    # interleaved with the same write keeping no change set beside the store (the link a
    # later process applies instead of reading the tables): the link's extra cost
    fresh: list[float] = []
    unlinked: list[float] = []
    for k in range(n):
        for keep in (True, False) if k % 2 == 0 else (False, True):
            with linking(keep):
                (fresh if keep else unlinked).append(one(EmbeddedStore(path)))

    held = EmbeddedStore(path)
    held_w: list[float] = []
    held_g: list[float] = []
    if args.fresh_only:  # the whole graph never read: its duties counted by SQL
        conn = sqlite3.connect(path)
        (duties,) = conn.execute("SELECT count(*) FROM duty").fetchone()
        conn.close()
        open_s = float("nan")
    else:
        t = time.perf_counter()
        duties = held.graph().counts()["duty"]
        open_s = time.perf_counter() - t
    for _ in range(0 if args.fresh_only else n):
        held_w.append(one(held))
        t = time.perf_counter()
        g = held.graph()
        held_g.append(time.perf_counter() - t)
    if not args.fresh_only:
        assert len(g.disputes) == 3 * n, len(g.disputes)

    bundles = ten_row_bundles(args.workdir, duty_row(path), n)

    def ten(store: EmbeddedStore) -> float:
        folder = next(bundles)
        t = time.perf_counter()
        report = importer.load(store, [folder])
        took = time.perf_counter() - t
        assert report.added == {"duty": 10}, report.added
        return took

    ten_fresh: list[float] = []
    ten_unlinked: list[float] = []
    for k in range(n):
        for keep in (True, False) if k % 2 == 0 else (False, True):
            with linking(keep):
                (ten_fresh if keep else ten_unlinked).append(ten(EmbeddedStore(path)))
    reading = []  # of which: reading the bundle's file (the same folder, read again)
    for _ in range(n):
        t = time.perf_counter()
        read_input(args.workdir / "ten-row" / "0")
        reading.append(time.perf_counter() - t)
    ten_held: list[float] = []
    ten_held_g: list[float] = []
    for _ in range(0 if args.fresh_only else n):
        held.graph()  # the whole graph held and current before each
        ten_held.append(ten(held))
        t = time.perf_counter()
        g = held.graph()
        ten_held_g.append(time.perf_counter() - t)
    if not args.fresh_only:
        assert g.counts()["duty"] == duties + 10 * 3 * n, g.counts()["duty"]
    small, importer.SMALL_IMPORT = importer.SMALL_IMPORT, 0
    ten_whole = [ten(EmbeddedStore(path)) for _ in range(0 if args.fresh_only else min(n, 2))]
    importer.SMALL_IMPORT = small

    versions = list_versions(args.workdir, a)

    def version(store: EmbeddedStore) -> float:
        file, effective = next(versions)
        t = time.perf_counter()
        report = importer.load(store, [file], department=a, effective=effective)
        took = time.perf_counter() - t
        (diff,) = report.lists
        assert len(diff["changed"]) == 1 and not diff["added"], diff
        return took

    first, effective = next(versions)
    importer.load(EmbeddedStore(path), [first], department=a, effective=effective)
    list_fresh = [version(EmbeddedStore(path)) for _ in range(n)]
    list_reading = []  # of which: reading the list, its names matched through the reader
    for _ in range(n):
        reader = EmbeddedStore(path).reader()
        t = time.perf_counter()
        read_input(first, graph=reader, department=a, effective=effective)
        list_reading.append(time.perf_counter() - t)
        reader.close()  # type: ignore[attr-defined]
    list_held: list[float] = []
    list_held_g: list[float] = []
    for _ in range(0 if args.fresh_only else n):
        held.graph()
        list_held.append(version(held))
        t = time.perf_counter()
        held.graph()
        list_held_g.append(time.perf_counter() - t)
    small, importer.SMALL_IMPORT = importer.SMALL_IMPORT, 0
    old_store = EmbeddedStore(path)
    old_store.row_reader = False  # type: ignore[misc]  # the names matched over graph()
    list_whole = [version(old_store) for _ in range(0 if args.fresh_only else min(n, 2))]
    importer.SMALL_IMPORT = small

    cli = []
    env = child_env(DUTYGRAPH_STORE=str(path))
    cmd = [sys.executable, "-m", "dutygraph", "dispute", "open", "--party", a, "--party", b]
    cmd += ["--region", region, "--raised-on", DAY, "--by", "bench", "--json", "--subject"]
    with open(args.workdir / "dispute.json", "wb") as out:
        subprocess.run([*cmd, next(subjects)], stdout=out, check=True, env=env)  # bytecode
        for item in subjects:
            t = time.perf_counter()
            subprocess.run([*cmd, item], stdout=out, check=True, env=env)
            cli.append(time.perf_counter() - t)

    peer_db = args.workdir / "bare-commit.db"
    peer_db.unlink(missing_ok=True)
    conn = sqlite3.connect(peer_db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (a, b, c)")
    bare = []
    for _ in range(max(n, 20)):
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?, ?, ?)", ("x", "y", "z"))
        conn.execute("COMMIT")
        bare.append(time.perf_counter() - t)
    conn.close()
    peer = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", _PEER, str(peer_db)], check=True, env=env)
        peer.append(time.perf_counter() - t)

    conn, ten_rows = sqlite_ten_rows(path, "sqlite-bench")
    same = [ten_rows() for _ in range(max(n, 20))]
    conn.close()

    b_ms, p_ms, s_ms = median_ms(bare), median_ms(peer), median_ms(same)
    ten_rest = median_ms(ten_fresh) - median_ms(reading)
    rows = [
        ("dispute open, fresh store object", median_ms(fresh), b_ms, "bare commit"),
        ("  the same, no link kept", median_ms(unlinked), b_ms, "bare commit"),
        ("  link kept / none", median_ms(fresh), median_ms(unlinked), "same run"),
        ("dispute open, graph held", median_ms(held_w), b_ms, "bare commit"),
        ("  graph() after it", median_ms(held_g), median_ms([open_s]), "reading it whole"),
        ("10-row bundle, fresh store object", median_ms(ten_fresh), b_ms, "bare commit"),
        ("  the same", median_ms(ten_fresh), s_ms, "SQLite 10 rows"),
        ("  the same, no link kept", median_ms(ten_unlinked), s_ms, "SQLite 10 rows"),
        ("  link kept / none", median_ms(ten_fresh), median_ms(ten_unlinked), "same run"),
        ("  of which reading its file", median_ms(reading), s_ms, "SQLite 10 rows"),
        ("  the rest: check, plan, write", ten_rest, s_ms, "SQLite 10 rows"),
        ("10-row bundle, graph held", median_ms(ten_held), s_ms, "SQLite 10 rows"),
        ("  graph() after it", median_ms(ten_held_g), median_ms([open_s]), "reading it whole"),
        ("10-row bundle, whole graph read", median_ms(ten_whole), s_ms, "SQLite 10 rows"),
        ("list version, fresh store object", median_ms(list_fresh), b_ms, "bare commit"),
        ("  the same", median_ms(list_fresh), s_ms, "SQLite 10 rows"),
        ("  of which reading the list", median_ms(list_reading), s_ms, "SQLite 10 rows"),
        (
            "  the rest: check, plan, write",
            median_ms(list_fresh) - median_ms(list_reading),
            s_ms,
            "SQLite 10 rows",
        ),
        ("list version, graph held", median_ms(list_held), s_ms, "SQLite 10 rows"),
        ("  graph() after it", median_ms(list_held_g), median_ms([open_s]), "reading it whole"),
        ("list version, whole graph read", median_ms(list_whole), s_ms, "SQLite 10 rows"),
        ("CLI dispute open --json", median_ms(cli), p_ms, "peer process"),
    ]
    lines = [
        f"store_writes: size {args.size}, {duties:,} duties, median of {n}, {machine()}",
        f"SQLite bare commit (open connection, WAL, synchronous=FULL): {b_ms:.2f} ms; "
        f"a fresh process connecting, inserting, committing: {p_ms:.1f} ms; "
        f"ten duty rows and their bases into the province's tables (SQLite 10 rows): "
        f"{s_ms:.2f} ms",
        f"reading the whole graph in this run: {open_s:.2f} s"
        if open_s == open_s
        else "the whole graph not read (--fresh-only)",
        "",
        f"{'figure':<34} {'ms':>9}  {'baseline ms':>12}  ratio",
    ]
    for name, ms, base, what in rows:
        if ms != ms:  # not measured (--fresh-only)
            continue
        lines.append(f"{name:<34} {ms:>9.2f}  {base:>12.2f}  {ms / base:>6.2f}x ({what})")
    text = "\n".join(lines) + "\n"
    print(text)
    suffix = "" if args.size == "province" else "-" + args.size
    (HERE / "results" / f"store_writes{suffix}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
