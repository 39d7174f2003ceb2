"""A scratch experiment at the SQL level: how fast the duty rows go in under each schema.

    python benchmarks/store_schema_slim.py STORE.db [--rounds N]

``STORE.db`` is a store made by today's code (e.g. ``dutygraph load /tmp/r4 --store
STORE.db``, region4: 1.63M duties). Its duty rows are read into memory once (as the
bulk write hands them to ``executemany``); then each variant makes a NEW file with
the build-aside pragmas (``journal_mode=OFF``, ``synchronous=OFF``, the bulk write's
page cache, ``temp_store=FILE``), inserts the rows, fills ``duty_basis`` from
``json_each`` and makes the indexes, in one transaction, and prints its seconds
(insert / basis / indexes / total) and the file's size beside today's schema, same run.

Variants:

- ``today``: ``duty(id TEXT PRIMARY KEY, …)`` upserted on ``id``, indexes (item,
  region, role), (department), (source) after the rows; ``duty_basis(basis TEXT, duty
  TEXT)`` with two indexes.
- ``a``: ``duty(n INTEGER PRIMARY KEY, id GENERATED …VIRTUAL, …)``, a UNIQUE index on
  (item, region, role, department, line, valid_from) kept during the insert (upsert on
  it); department and source indexes after. ``duty_basis`` as today but holding n.
- ``a_after``: as ``a`` but the UNIQUE index made after the rows (plain INSERT).
- ``ab``: ``a`` + ``duty_basis(basis, duty INTEGER, PRIMARY KEY (basis, duty)) WITHOUT
  ROWID`` + an index by duty.
- ``ab_after``: ``a_after`` + the same duty_basis.
- ``abc``: ``ab`` with the rows sorted by (item, region) first (if the bundle is not).
- ``ab_p8k`` / ``ab_p16k``: ``ab`` with page_size 8192 / 16384.
- ``ab_cache2x``: ``ab`` with twice the page cache.
- ``a_after_p8k``: ``a_after`` with page_size 8192.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sqlite3
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from dutygraph.store.sqlite.bulk import cache_kib

COLS = (
    "department", "item", "region", "role", "bases", "valid_from", "valid_to", "source",
    "line", "attrs", "origin_file", "origin_row", "origin_sheet", "origin_version",
)  # fmt: skip
KEY = ("item", "region", "role", "department", "ifnull(line, '')", "ifnull(valid_from, '')")
ID = (
    "department || '|' || item || '|' || region || '|' || role || '|' || ifnull(line, '') "
    "|| '|' || ifnull(valid_from, '')"
)


def q(name: str) -> str:
    return '"' + name + '"'


def run(
    name: str, rows: list[tuple[Any, ...]], folder: str, opts: dict[str, Any]
) -> dict[str, Any]:
    path = os.path.join(folder, f"{name}.db")
    for s in ("", "-wal", "-shm"):
        if os.path.exists(path + s):
            os.unlink(path + s)
    conn = sqlite3.connect(path, isolation_level=None)
    if opts.get("page"):
        conn.execute(f"PRAGMA page_size={opts['page']}")
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute(f"PRAGMA cache_size=-{cache_kib(len(rows)) * opts.get('cache', 1)}")
    conn.execute("PRAGMA temp_store=FILE")
    slim = opts["slim"]
    c0 = time.process_time()
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    cols = ", ".join(map(q, COLS))
    if slim:
        conn.execute(
            f"CREATE TABLE duty (n INTEGER PRIMARY KEY, id TEXT GENERATED ALWAYS AS ({ID}) VIRTUAL, {cols})"
        )
    else:
        conn.execute(f"CREATE TABLE duty (id PRIMARY KEY, {cols})")
    if opts.get("wr"):
        conn.execute(
            "CREATE TABLE duty_basis (basis TEXT, duty INTEGER, PRIMARY KEY (basis, duty)) WITHOUT ROWID"
        )
    else:
        conn.execute("CREATE TABLE duty_basis (basis TEXT, duty)")
    unique = f"CREATE UNIQUE INDEX duty_key ON duty ({', '.join(KEY)})"
    if slim and not opts.get("after"):
        conn.execute(unique)
    marks = ", ".join("?" for _ in COLS)
    if slim:
        sets = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in COLS[4:] if c != "line")
        if opts.get("after"):
            sql = f"INSERT INTO duty ({cols}) VALUES ({marks})"
        else:
            sql = (f"INSERT INTO duty ({cols}) VALUES ({marks}) ON CONFLICT({', '.join(KEY)}) "
                   f"DO UPDATE SET {sets}")  # fmt: skip
        body = rows
        if opts.get("sort"):
            body = sorted(rows, key=lambda r: (r[1], r[2]))
        conn.executemany(sql, (r[1:] for r in body))
    else:
        sets = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in COLS)
        conn.executemany(
            f"INSERT INTO duty (id, {cols}) VALUES (?, {marks}) ON CONFLICT(id) DO UPDATE SET {sets}",
            rows,
        )
    t1 = time.perf_counter()
    ref = "d.n" if slim else "d.id"
    verb = "INSERT OR IGNORE" if opts.get("wr") else "INSERT"
    conn.execute(
        f"{verb} INTO duty_basis (basis, duty) SELECT b.value, {ref} FROM duty AS d, "
        "json_each(d.bases) AS b ORDER BY d.rowid"
    )
    t2 = time.perf_counter()
    idx = []
    if slim and opts.get("after"):
        idx.append(unique)
    if not slim:
        idx.append("CREATE INDEX duty_by_item_region_role ON duty (item, region, role)")
    idx += [
        "CREATE INDEX duty_by_department ON duty (department)",
        "CREATE INDEX duty_by_source ON duty (source)",
    ]
    if opts.get("wr"):
        idx.append("CREATE INDEX duty_basis_by_duty ON duty_basis (duty)")
    else:
        idx += [
            "CREATE INDEX duty_basis_by_basis ON duty_basis (basis)",
            "CREATE INDEX duty_basis_by_duty ON duty_basis (duty)",
        ]
    for s in idx:
        conn.execute(s)
    t3 = time.perf_counter()
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    t4 = time.perf_counter()
    cpu = time.process_time() - c0
    size = os.path.getsize(path)
    return {
        "insert": t1 - t0,
        "basis": t2 - t1,
        "indexes": t3 - t2,
        "total": t4 - t0,
        "cpu": cpu,
        "size": size,
    }


VARIANTS: dict[str, dict[str, Any]] = {
    "today": {"slim": False},
    "a": {"slim": True},
    "a_after": {"slim": True, "after": True},
    "ab": {"slim": True, "wr": True},
    "ab_after": {"slim": True, "wr": True, "after": True},
    "abc": {"slim": True, "wr": True, "sort": True},
    "ab_p8k": {"slim": True, "wr": True, "page": 8192},
    "ab_p16k": {"slim": True, "wr": True, "page": 16384},
    "ab_cache2x": {"slim": True, "wr": True, "cache": 2},
    "a_after_p8k": {"slim": True, "after": True, "page": 8192},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--dir", default=None)
    args = ap.parse_args()
    src = sqlite3.connect(args.store)
    rows = src.execute(f"SELECT id, {', '.join(map(q, COLS))} FROM duty ORDER BY rowid").fetchall()
    src.close()
    keys = [(r[2], r[3]) for r in rows]
    in_order = all(a <= b for a, b in itertools.pairwise(keys))
    print(
        f"{len(rows):,} duty rows from {args.store}; sorted by (item, region) already: {in_order}"
    )
    print(f"load: {os.getloadavg()}")
    folder = args.dir or tempfile.mkdtemp(prefix="slim16-")
    names = args.only or list(VARIANTS)
    best: dict[str, dict[str, Any]] = {}
    for r in range(args.rounds):
        for name in names:
            got = run(name, rows, folder, VARIANTS[name])
            print(
                f"round {r + 1} {name:11s} insert {got['insert']:6.2f} s  basis {got['basis']:5.2f} s"
                f"  indexes {got['indexes']:5.2f} s  total {got['total']:6.2f} s"
                f"  cpu {got['cpu']:6.2f} s"
                f"  file {got['size'] / 2**20:6.0f} MB",
                flush=True,
            )
            if name not in best or got["total"] < best[name]["total"]:
                best[name] = {**got, "cpu": min(got["cpu"], best.get(name, got)["cpu"])}
            else:
                best[name]["cpu"] = min(got["cpu"], best[name]["cpu"])
            os.unlink(os.path.join(folder, f"{name}.db"))
    base = best.get("today")
    print("\nbest of rounds, wall and CPU apart (ratio to today's schema, same run):")
    for name, got in best.items():
        ratio = (
            f"{got['total'] / base['total']:.2f}x wall, {got['cpu'] / base['cpu']:.2f}x CPU, "
            f"{got['size'] / base['size']:.2f}x size"
            if base
            else ""
        )
        print(
            f"  {name:11s} {got['total']:6.2f} s wall  {got['cpu']:6.2f} s CPU"
            f"  {got['size'] / 2**20:6.0f} MB  {ratio}"
        )
    print(f"load: {os.getloadavg()}")


if __name__ == "__main__":
    main()
