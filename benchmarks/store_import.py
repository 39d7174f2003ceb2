"""SQLite loading the same tables as a bundle import: the import's same-run baseline.

    /usr/bin/time -v python benchmarks/store_import.py BUNDLE STORE.db PEER.db

Run it beside ``/usr/bin/time -v dutygraph load BUNDLE --store STORE.db`` (the measured
import; the national figures in ``benchmarks/results/national_store.txt`` were taken so,
by hand). In this one process, with no dutygraph code: every CSV of ``BUNDLE`` parsed by
the standard library's ``csv`` (the rows a loader must read), then ``PEER.db`` made with
``STORE.db``'s own schema (its ``CREATE`` statements, the indexes after the rows, as a bulk
loader would), WAL, ``synchronous=FULL``, and every row of every ordinary table of
``STORE.db`` inserted by ``executemany`` in one transaction — the same tables, the same
rows, the same indexes. It prints the parse and load times and the rows; peak RSS comes
from ``/usr/bin/time -v``. This is a floor: no checks, no resolution of names, no history.

    python benchmarks/store_import.py BUNDLE STORE.db PEER.db --compare [--old-src DIR]
        [--rounds N] [--max-rows N] [--out FILE]

runs the comparison itself, each side in its own child process (wall time and peak RSS
from ``os.wait4``; the 1-minute load average beside each), ``--rounds`` times interleaved:
``dutygraph load BUNDLE`` into a new ``STORE.db`` with this code; with ``--old-src`` the
same with another checkout's ``src`` first on ``PYTHONPATH`` (e.g. ``git archive main src``)
into ``STORE.db.old``; then this script's peer from ``STORE.db``. It prints each round and
the ratios to the peer. Each round runs the peer twice: as above, and ``--aside`` (what
dutygraph does for a big import making a new store, ``bulk.build_aside``): built in
``PEER.db.new`` with ``journal_mode=OFF``, ``synchronous=OFF``, switched to WAL, fsynced
and renamed to ``PEER.db`` — the same pragmas as the measured build — and ``--aside
--bulk-cache``, also with the page cache and ``temp_store=FILE`` the bulk write sets
(without it the peer's index builds sort in SQLite's default 2 MB cache). With ``--old-src``
a third peer, ``--aside`` again, copies the schema and rows of ``STORE.db.old`` (the
store ``--old-src`` wrote: its schema, e.g. main's 4 beside this code's 5).
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench_common import child_env
from bench_out import emit


def parse(bundle: Path) -> int:
    """Every row of every CSV of ``bundle``, parsed and dropped: how many."""
    n = 0
    for f in sorted(bundle.glob("*.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            for _ in csv.reader(fh):
                n += 1
    return n


def bulk_cache_kib(rows: int) -> int:
    """The page cache (KiB) dutygraph's bulk write gives itself for ``rows`` records
    (``dutygraph.store.sqlite.bulk.cache_kib``, written out: this peer runs no dutygraph code)."""
    return max(16 * 1024, min(1024 * 1024, rows * 32 // 1024))


def load_same(store: Path, peer: Path, aside: bool = False, cache: bool = False) -> dict[str, int]:
    """``store``'s tables and rows into a new ``peer``, one transaction: rows per table
    (``aside``: built in ``PEER.new`` with no journal and no fsync, then fsynced and
    renamed, as dutygraph builds a new store; ``cache``: with the page cache and
    ``temp_store=FILE`` dutygraph's bulk write sets, :func:`bulk_cache_kib` of the rows)."""
    final = peer
    if aside:
        peer = Path(f"{peer}.new")
    for p in (final, peer):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    schema = src.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    virtual = [n for t, n, s in schema if t == "table" and s.upper().startswith("CREATE VIRTUAL")]
    shadow = {n for t, n, _ in schema if any(n.startswith(v + "_") for v in virtual)}
    conn = sqlite3.connect(peer, isolation_level=None)
    conn.execute(f"PRAGMA journal_mode={'OFF' if aside else 'WAL'}")
    conn.execute(f"PRAGMA synchronous={'OFF' if aside else 'FULL'}")
    if cache:
        rows = sum(
            src.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]
            for t, n, s in schema
            if t == "table" and n not in shadow and not s.upper().startswith("CREATE VIRTUAL")
        )
        conn.execute(f"PRAGMA cache_size=-{bulk_cache_kib(rows)}")
        conn.execute("PRAGMA temp_store=FILE")
    conn.execute("BEGIN IMMEDIATE")
    tables = []
    for kind, name, sql in schema:
        if kind == "table" and name not in shadow:
            conn.execute(sql)
            if name not in virtual:
                tables.append(name)
    counts = {}
    for name in tables:
        # the stored columns (a generated one, schema 5's duty id, is not among them)
        cols = ", ".join(f'"{r[1]}"' for r in src.execute(f'PRAGMA table_info("{name}")'))
        marks = ", ".join("?" * len(cols.split(", ")))
        insert = f'INSERT INTO "{name}" ({cols}) VALUES ({marks})'
        before = conn.total_changes
        conn.executemany(insert, src.execute(f'SELECT {cols} FROM "{name}"'))
        counts[name] = conn.total_changes - before
    for kind, _name, sql in schema:
        if kind in ("index", "trigger", "view"):
            conn.execute(sql)
    conn.execute("COMMIT")
    if aside:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    src.close()
    if aside:
        fd = os.open(peer, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        os.rename(peer, final)
        fd = os.open(final.parent, os.O_RDONLY | os.O_DIRECTORY)
        os.fsync(fd)
        os.close(fd)
    return counts


def _measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """Run ``cmd``: (wall s, peak RSS MB, load before, exit code, its last output line)."""
    load = os.getloadavg()[0]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    out = proc.stdout.read().decode("utf-8", "replace").strip().splitlines()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    last = next((line for line in out if line.startswith("SQLite peer")), out[-1] if out else "")
    return wall, usage.ru_maxrss / 1024, load, proc.returncode, last


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".graph-cache"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def compare(args: argparse.Namespace) -> None:
    """``dutygraph load`` (this code, and ``--old-src``'s) beside the peer, interleaved."""
    py = sys.executable
    load = [py, "-m", "dutygraph", "--setting", "max_rows", str(args.max_rows), "load"]
    sides: list[tuple[str, list[str], Path, dict[str, str]]] = [
        ("dutygraph load (this code)", [*load, str(args.bundle), "--store"], args.store, {})
    ]
    if args.old_src is not None:
        old = Path(f"{args.store}.old")
        sides.append(
            (
                "dutygraph load (--old-src)",
                [*load, str(args.bundle), "--store"],
                old,
                {"PYTHONPATH": str(args.old_src)},
            )
        )
    subprocess.run([py, "-m", "dutygraph", "--help"], env=child_env(), capture_output=True)
    lines = [f"bundle {args.bundle}; {os.cpu_count()} cores; python {sys.version.split()[0]}"]
    figures: dict[str, list[float]] = {}
    for r in range(1, args.rounds + 1):
        for name, cmd, db, extra in sides:
            _remove(db)
            wall, rss, la, code, _ = _measured([*cmd, str(db)], child_env(**extra))
            lines.append(
                f"round {r}: {name}: {wall:.1f} s, peak {rss:,.0f} MB, load {la:.1f}"
                f"{'' if code == 0 else f', EXIT {code}'}"
            )
            figures.setdefault(name, []).append(wall)
            print(lines[-1], flush=True)
        peers = [
            ("SQLite peer", args.store, []),
            ("SQLite peer --aside", args.store, ["--aside"]),
            ("SQLite peer --aside --bulk-cache", args.store, ["--aside", "--bulk-cache"]),
        ]
        if args.old_src is not None:  # the same pragmas on the schema --old-src wrote
            peers.append(("SQLite peer --aside, --old-src's schema", old, ["--aside"]))
        for peer_name, schema_of, flag in peers:
            peer_cmd = [py, __file__, str(args.bundle), str(schema_of), str(args.peer), *flag]
            wall, rss, la, code, last = _measured(peer_cmd, child_env())
            lines.append(
                f"round {r}: {peer_name}: {wall:.1f} s, peak {rss:,.0f} MB, load {la:.1f} ({last})"
            )
            figures.setdefault(peer_name, []).append(wall)
            print(lines[-1], flush=True)
    peer = min(figures["SQLite peer"])
    aside = min(figures["SQLite peer --aside"])
    for name, walls in figures.items():
        lines.append(
            f"best {name}: {min(walls):.1f} s = {min(walls) / peer:.2f}x the peer's best, "
            f"{min(walls) / aside:.2f}x the --aside peer's best"
        )
        print(lines[-1])
    emit(lines, args.out, echo=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bundle", type=Path)
    ap.add_argument("store", type=Path)
    ap.add_argument("peer", type=Path)
    ap.add_argument("--compare", action="store_true", help="measure dutygraph load beside it")
    ap.add_argument("--old-src", type=Path, help="another checkout's src, for --compare")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--max-rows", type=int, default=20_000_000)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--aside", action="store_true", help="the peer built aside (no journal)")
    ap.add_argument(
        "--bulk-cache", action="store_true", help="the page cache of dutygraph's bulk write"
    )
    args = ap.parse_args()
    if args.compare:
        compare(args)
        return
    t = time.perf_counter()
    rows = parse(args.bundle)
    t1 = time.perf_counter()
    counts = load_same(args.store, args.peer, aside=args.aside, cache=args.bulk_cache)
    t2 = time.perf_counter()
    print(
        f"SQLite peer: csv parse {rows:,} rows {t1 - t:.2f} s; same tables loaded "
        f"{sum(counts.values()):,} rows {t2 - t1:.2f} s; total {t2 - t:.2f} s"
    )
    print("rows:", ", ".join(f"{k} {v:,}" for k, v in counts.items() if v))


if __name__ == "__main__":
    main()
