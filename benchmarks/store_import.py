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
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import time
from pathlib import Path


def parse(bundle: Path) -> int:
    """Every row of every CSV of ``bundle``, parsed and dropped: how many."""
    n = 0
    for f in sorted(bundle.glob("*.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            for _ in csv.reader(fh):
                n += 1
    return n


def load_same(store: Path, peer: Path) -> dict[str, int]:
    """``store``'s tables and rows into a new ``peer``, one transaction: rows per table."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{peer}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    schema = src.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    virtual = [n for t, n, s in schema if t == "table" and s.upper().startswith("CREATE VIRTUAL")]
    shadow = {n for t, n, _ in schema if any(n.startswith(v + "_") for v in virtual)}
    conn = sqlite3.connect(peer, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("BEGIN IMMEDIATE")
    tables = []
    for kind, name, sql in schema:
        if kind == "table" and name not in shadow:
            conn.execute(sql)
            if name not in virtual:
                tables.append(name)
    counts = {}
    for name in tables:
        cols = [r[1] for r in src.execute(f'PRAGMA table_info("{name}")')]
        insert = f'INSERT INTO "{name}" VALUES ({", ".join("?" * len(cols))})'
        before = conn.total_changes
        conn.executemany(insert, src.execute(f'SELECT * FROM "{name}"'))
        counts[name] = conn.total_changes - before
    for kind, _name, sql in schema:
        if kind in ("index", "trigger", "view"):
            conn.execute(sql)
    conn.execute("COMMIT")
    conn.close()
    src.close()
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bundle", type=Path)
    ap.add_argument("store", type=Path)
    ap.add_argument("peer", type=Path)
    args = ap.parse_args()
    t = time.perf_counter()
    rows = parse(args.bundle)
    t1 = time.perf_counter()
    counts = load_same(args.store, args.peer)
    t2 = time.perf_counter()
    print(
        f"SQLite peer: csv parse {rows:,} rows {t1 - t:.2f} s; same tables loaded "
        f"{sum(counts.values()):,} rows {t2 - t1:.2f} s; total {t2 - t:.2f} s"
    )
    print("rows:", ", ".join(f"{k} {v:,}" for k, v in counts.items() if v))


if __name__ == "__main__":
    main()
