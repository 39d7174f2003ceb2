"""SQLite's own floor for an import's duty tables: the same rows and schema, nothing else.

    python benchmarks/store_floor.py SRC.db [OUT.db] [--select] [--variant V ...]

``SRC.db`` is a store an import made (e.g. ``python benchmarks/import_stages.py
/tmp/nat16-r4 SRC.db``). Its duty rows are read back first (not timed): as Python
tuples held in memory, each column of one value throughout a 100k slice written as a
literal and the rest bound, as the import's bulk insert does (``schema.duty_insert``);
with ``--select`` not read at all but copied inside SQLite (``INSERT … SELECT`` from
the attached source: no Python, no binding — the floor below the floor, and the way
to measure a national store without holding 12.6M rows in memory). Then into a new
file with the fastest settings (``journal_mode=OFF``, ``synchronous=OFF``,
``locking_mode=EXCLUSIVE``, the bulk write's page cache, one transaction) each step is
timed alone: the duty INSERT, each of its index builds, ``duty_basis`` filled from the
duties' ``bases`` and its indexes, the COMMIT. The store's schema (``schema.base_ddl``)
makes the tables; its indexes are dropped first and made again in the import's order.

Variants (each alone; to see what a lever could take off the floor):

- ``keyorder``: the rows inserted in the key's order (``n`` follows the key), so the
  key index's sort is fed presorted rows;
- ``nobasis``: duty_basis holds only the duties with more than one basis, and an index on
  ``duty(bases)`` finds the others (a one-basis duty's ``bases`` is ``["B"]``);
- ``basispk``: duty_basis as one B-tree (``WITHOUT ROWID``, primary key (basis, duty)),
  no other index on it;
- ``threads``: ``PRAGMA threads=2`` for the index sorts;
- ``memtemp``: ``temp_store=MEMORY``.

Prints seconds per step, the sum, CPU seconds of the process, and the file's size.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from dutygraph.store.sqlite import bulk, schema

_SLICE = 100_000
DUTY = schema.TABLES["duty"]
COLS = DUTY.columns[1:]  # the stored columns, as the import's INSERT names them


def _lit(v: Any) -> str | None:
    if v is None:
        return "NULL"
    if isinstance(v, str) and "\x00" not in v:
        return "'" + v.replace("'", "''") + "'"
    return None


def read_slices(src: str, order: str) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """The source's duty rows as (INSERT, bound rows) a 100k slice at a time (not timed)."""
    conn = sqlite3.connect(src)
    memo: dict[Any, Any] = {}
    out = []
    cur = conn.execute(f"SELECT {', '.join(map(schema._q, COLS))} FROM duty ORDER BY {order}")
    while rows := cur.fetchmany(_SLICE):
        cols = list(zip(*rows, strict=True))
        marks, bound = [], []
        for col in cols:
            lit = _lit(col[0]) if col.count(col[0]) == len(col) else None
            if lit is None:
                marks.append("?")
                bound.append([memo.setdefault(v, v) for v in col])
            else:
                marks.append(lit)
        sql = f"INSERT INTO duty ({', '.join(map(schema._q, COLS))}) VALUES ({', '.join(marks)})"
        out.append((sql, list(zip(*bound, strict=True))))
    conn.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--select", action="store_true")
    ap.add_argument("--variant", action="append", default=[])
    a = ap.parse_args()
    v = set(a.variant)
    out = a.out or os.path.join(tempfile.mkdtemp(), "floor.db")
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(out + suffix):
            os.unlink(out + suffix)
    order = f"{', '.join(schema.KEY_SQL)}" if "keyorder" in v else "n"
    t = time.perf_counter()
    slices = None if a.select else read_slices(a.src, order)
    n_rows = sum(len(r) for _, r in slices) if slices else None
    print(
        f"# read back {'(none: --select)' if a.select else n_rows} rows in {time.perf_counter() - t:.1f} s (not timed)"
    )
    conn = sqlite3.connect(out, isolation_level=None)
    for p in ("journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE"):
        conn.execute(f"PRAGMA {p}")
    conn.execute("ATTACH ? AS src", (a.src,))
    size = conn.execute("SELECT count(*) FROM src.duty").fetchone()[0]
    conn.execute(f"PRAGMA cache_size=-{bulk.cache_kib(size)}")
    conn.execute(f"PRAGMA temp_store={'MEMORY' if 'memtemp' in v else 'FILE'}")
    if "threads" in v:
        conn.execute("PRAGMA threads=2")
    conn.execute("BEGIN")
    for stmt in schema.base_ddl():
        if stmt.startswith("CREATE TABLE"):
            if "basispk" in v and "duty_basis" in stmt:
                stmt = "CREATE TABLE duty_basis (basis TEXT, duty INTEGER, PRIMARY KEY (basis, duty)) WITHOUT ROWID"
            conn.execute(stmt)
    steps: list[tuple[str, str]] = []
    if a.select:
        cols = ", ".join(map(schema._q, COLS))
        steps.append(
            (
                "duty INSERT … SELECT",
                f"INSERT INTO main.duty ({cols}) SELECT {cols} FROM src.duty ORDER BY {order}",
            )
        )
    else:
        steps.append(("duty INSERT (executemany, tuples)", ""))
    for name, sql in [(s.split('"')[1] if '"' in s else s.split()[5], s) for s in DUTY.index_ddl()]:
        steps.append((f"index {name}", sql))
    if "nobasis" in v:
        steps.append(
            (
                "duty_basis fill (>1 basis)",
                f"{schema.BASES_OF_DUTIES} WHERE json_array_length(d.bases) > 1 ORDER BY d.n",
            )
        )
        steps.append(("index duty_by_bases", "CREATE INDEX duty_by_bases ON duty (bases)"))
    else:
        steps.append(("duty_basis fill", f"{schema.BASES_OF_DUTIES} ORDER BY d.n"))
    if "basispk" not in v:
        steps.append(
            ("index duty_basis_by_basis", "CREATE INDEX duty_basis_by_basis ON duty_basis (basis)")
        )
        steps.append(
            ("index duty_basis_by_duty", "CREATE INDEX duty_basis_by_duty ON duty_basis (duty)")
        )
    steps.append(("COMMIT", "COMMIT"))
    total = 0.0
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"# {size:,} duties, variants {sorted(v) or 'none'}, {'--select' if a.select else 'tuples'}; load {os.getloadavg()[0]:.2f}"
    )
    for label, sql in steps:
        t = time.perf_counter()
        if sql:
            conn.execute(sql)
        else:
            assert slices is not None
            for ins, rows in slices:
                conn.executemany(ins, rows)
        dt = time.perf_counter() - t
        total += dt
        print(f"{dt:8.2f}  {label}", flush=True)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    conn.close()
    print(f"{total:8.2f}  sum of the steps ({cpu:.2f} s CPU); file {os.path.getsize(out):,} bytes")


if __name__ == "__main__":
    main()
