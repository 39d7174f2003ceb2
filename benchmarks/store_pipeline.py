"""A measured prototype (not the importer's path): a new store's import as a pipeline over two
processes, so the duty file's parse and the rows' binding run on a second core.

    python benchmarks/store_pipeline.py BUNDLE OUT.db [--compare STORE.db] [--rows N] [--ahead K]

- **Worker** (a child process, this script with ``--worker``): reads the bundle as the
  importer does (``read_input`` with ``stream_duties``; the duty file a slice at a time,
  polars), resolves the citations and checks the batch against an empty graph
  (``resolve_citations``, ``check_batch``), then takes the duty slices through the
  importer's own ``_Stream`` (each slice checked by ``duty_checks``, the keys hashed and
  compared at the end). Every ``--rows`` duties (default 200,000) it writes them with
  ``executemany`` (``schema.duty_insert``: the import's statements and constant columns)
  into a small temporary SQLite file (the duty table of the store's schema, no index,
  ``journal_mode=OFF``, ``synchronous=OFF``) and tells the writer its name. At most
  ``--ahead`` files (default 2) wait for the writer (it blocks on the writer's reply).
- **Writer** (this process, the store's one connection): builds the new store as
  ``bulk.build_aside`` does — a hidden file beside OUT.db, ``journal_mode=OFF``,
  ``synchronous=OFF``, ``schema.make``, the bulk cache (``bulk.cache_kib``),
  ``temp_store=FILE``, the duty and duty_basis indexes dropped (``bulk.index_sql``) — writes
  the other records (``writes.write_records``, sent by the worker), then for each temporary
  file ``ATTACH``, ``INSERT INTO duty (…) SELECT … FROM tmp.duty ORDER BY n`` (no binding:
  the floor's copy), ``DETACH``, deletes it; after the last, ``duty_basis`` from the duties'
  bases (``schema.BASES_OF_DUTIES``), the indexes made again, ``COMMIT``, WAL, fsync, link.

SQLite refuses ``DETACH`` inside a transaction (``database tmp is locked``), so each file
is copied in its own transaction. The new store's file is built with no journal either way
(as ``build_aside``): its all-or-nothing is the link at the end, not the transaction —
before the link there is no store at OUT.db; the temporary files are scratch.

Not done here (the prototype measures the duty tables): the history log entry and write
counter, the StreamFallback retry. ``--compare STORE.db``: after the run (untimed) the
duty rows of OUT.db and of STORE.db (``dutygraph load`` of the same bundle) are compared
— row count and a SHA-256 of every row in ``n`` order — and so are ``duty_basis`` and the
other tables' row counts.

Prints wall seconds, each process's CPU seconds (user + sys) and peak RSS, and the
writer's steps.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from dutygraph.store.sqlite import bulk, schema

DUTY = schema.TABLES["duty"]
COLS = ", ".join(map(schema._q, DUTY.columns[1:]))  # the stored columns (id is generated)


def _usage() -> tuple[float, float]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024


# --------------------------------------------------------------------------- worker


def worker(bundle: str, tmpdir: str, rows_per_file: int, ahead: int) -> None:
    from dutygraph import importer
    from dutygraph._gc import gc_paused
    from dutygraph.graph import DutyGraph
    from dutygraph.io import read_input
    from dutygraph.io.laws.cite import resolve_citations
    from dutygraph.validation import check_batch, duty_checks

    out, back = sys.stdout, sys.stdin
    t0 = time.perf_counter()
    with gc_paused():
        batch = read_input(bundle, stream_duties=importer.STREAM_FROM)
        stream = batch.stream
        assert stream is not None, "the duty table is not streamed (too small a bundle?)"
        graph = DutyGraph()
        resolve_citations(batch, graph, strict=False)
        rows, _ = check_batch(batch, graph, skip_invalid=False)
        assert not batch.errors, batch.errors[:3]
        records = [r.record for r in rows]
        rec_path = os.path.join(tmpdir, "records.pkl")
        with open(rec_path, "wb") as f:
            pickle.dump(records, f, protocol=pickle.HIGHEST_PROTOCOL)
        print(
            f"records {rec_path} {len(records) + len(stream)} {time.perf_counter() - t0:.2f}",
            file=out,
            flush=True,
        )
        report = importer.ImportReport(sources=[bundle])
        duties = importer._Stream(stream, duty_checks(rows, graph), report)
        k, waiting = 0, 0
        conn: sqlite3.Connection | None = None
        in_file = 0
        path = ""

        def close_file() -> None:
            nonlocal conn, k, waiting, in_file
            assert conn is not None
            conn.execute("COMMIT")
            conn.close()
            conn = None
            print(f"file {path} {in_file} {time.perf_counter() - t0:.2f}", file=out, flush=True)
            k, waiting, in_file = k + 1, waiting + 1, 0

        for part in duties.slices():
            if conn is None:
                while waiting >= ahead:  # the writer's reply: one file taken
                    back.readline()
                    waiting -= 1
                path = os.path.join(tmpdir, f"slice{k:04d}.db")
                conn = sqlite3.connect(path, isolation_level=None)
                conn.execute("PRAGMA journal_mode=OFF")
                conn.execute("PRAGMA synchronous=OFF")
                conn.execute("BEGIN")
                conn.execute(DUTY.create_sql())
            sql, bound = schema.duty_insert(part)
            conn.executemany(sql, bound)
            in_file += len(part)
            part = bound = None  # type: ignore[assignment]
            if in_file >= rows_per_file:
                close_file()
        if conn is not None:
            close_file()
    cpu, peak = _usage()
    print(
        f"done {report.read.get('duty', 0)} {cpu:.2f} {peak:.0f} {time.perf_counter() - t0:.2f}",
        file=out,
        flush=True,
    )


# --------------------------------------------------------------------------- writer


def digest(db: str) -> dict[str, Any]:
    """Row count and SHA-256 of the duty rows (``n`` order) and duty_basis; other tables' counts."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out: dict[str, Any] = {}
    for name, sql in (
        ("duty", f"SELECT n, {COLS} FROM duty ORDER BY n"),
        ("duty_basis", "SELECT basis, duty FROM duty_basis ORDER BY rowid"),
    ):
        h, n = hashlib.sha256(), 0
        cur = conn.execute(sql)
        while rows := cur.fetchmany(100_000):
            h.update(repr(rows).encode())
            n += len(rows)
        out[name] = (n, h.hexdigest()[:16])
    for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        if t not in ("duty", "duty_basis", "history", "meta"):
            out[t] = conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
    idx = conn.execute(
        "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name)"
    )
    out["indexes"] = idx.fetchone()[0]
    conn.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("bundle")
    ap.add_argument("out")
    ap.add_argument("--compare")
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--ahead", type=int, default=2)
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--tmpdir")
    a = ap.parse_args()
    if a.worker:
        worker(a.bundle, a.tmpdir, a.rows, a.ahead)
        return
    from dutygraph.store.base import ChangeSet
    from dutygraph.store.sqlite.writes import by_label, write_records

    out = Path(a.out)
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(f"{out}{suffix}"):
            os.unlink(f"{out}{suffix}")
    tmpdir = tempfile.mkdtemp(prefix="pipe21.", dir=out.parent)
    print(
        f"# {a.bundle} -> {out}; rows a file {a.rows:,}, ahead {a.ahead}; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            __file__,
            a.bundle,
            str(out),
            "--worker",
            "--tmpdir",
            tmpdir,
            "--rows",
            str(a.rows),
            "--ahead",
            str(a.ahead),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    steps: dict[str, float] = {}

    def step(name: str, seconds: float) -> None:
        steps[name] = steps.get(name, 0.0) + seconds

    hidden = bulk.hidden_path(out)
    conn = sqlite3.connect(hidden, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    schema.make(conn)
    indexes = bulk.index_sql(conn, ["duty", "duty_basis"])
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    line = child.stdout.readline().split()
    assert line and line[0] == "records", line
    t = time.perf_counter()
    wait_first = t - t0
    with open(line[1], "rb") as f:
        records = pickle.load(f)
    os.unlink(line[1])
    # the bulk cache as build_aside sizes it: the records and the duty file's lines
    conn.execute(f"PRAGMA cache_size=-{bulk.cache_kib(int(line[2]))}")
    conn.execute("PRAGMA temp_store=FILE")
    for recs in by_label(ChangeSet(records))[0].values():
        write_records(conn, recs, clear_names=False)
    conn.execute("COMMIT")
    step("other records (write_records)", time.perf_counter() - t)
    waited = 0.0
    n_files = 0
    while True:
        t = time.perf_counter()
        line = child.stdout.readline().split()
        waited += time.perf_counter() - t
        if not line or line[0] == "done":
            break
        assert line[0] == "file", line
        t = time.perf_counter()
        conn.execute("ATTACH ? AS tmp", (line[1],))
        conn.execute("BEGIN")
        conn.execute(f"INSERT INTO main.duty ({COLS}) SELECT {COLS} FROM tmp.duty ORDER BY n")
        conn.execute("COMMIT")
        conn.execute("DETACH tmp")
        os.unlink(line[1])
        step("duty INSERT … SELECT from the slice files", time.perf_counter() - t)
        n_files += 1
        child.stdin.write("next\n")
        child.stdin.flush()
    done = line
    child.stdin.close()
    child.wait()
    assert child.returncode == 0 and done and done[0] == "done", (child.returncode, done)
    t_rows = time.perf_counter() - t0
    conn.execute("BEGIN")
    t = time.perf_counter()
    conn.execute(f"{schema.BASES_OF_DUTIES} ORDER BY d.n")
    step("duty_basis fill", time.perf_counter() - t)
    for name, sql in indexes:
        t = time.perf_counter()
        conn.execute(sql)
        step(f"index {name}", time.perf_counter() - t)
    t = time.perf_counter()
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    bulk._fsync(hidden)
    os.link(hidden, out)
    os.unlink(hidden)
    bulk._fsync(out.parent, directory=True)
    step("COMMIT, WAL, fsync, link", time.perf_counter() - t)
    wall = time.perf_counter() - t0
    os.rmdir(tmpdir)
    cpu, peak = _usage()
    w_n, w_cpu, w_peak, w_wall = done[1], float(done[2]), float(done[3]), float(done[4])
    print(f"{wall:8.2f}  wall, whole pipeline (both processes; start to link)")
    print(
        f"{t_rows:8.2f}  wall until the last slice copied (worker done at {w_wall:.2f} s of its own)"
    )
    print(
        f"{w_cpu:8.2f}  worker CPU (read, parse, checks, binding into {n_files} slice files), peak RSS {w_peak:.0f} MB, {int(w_n):,} duties"
    )
    print(f"{cpu:8.2f}  writer CPU (copies, duty_basis, indexes), peak RSS {peak:.0f} MB")
    print(f"{w_cpu + cpu:8.2f}  CPU, both")
    print(
        f"{wait_first:8.2f}  writer waited for the worker's first message; {waited:.2f} s for slice files after"
    )
    for name, seconds in steps.items():
        print(f"{seconds:8.2f}  writer: {name}")
    print(f"# file {os.path.getsize(out):,} bytes; load {os.getloadavg()[0]:.2f}", flush=True)
    if a.compare:
        mine, theirs = digest(str(out)), digest(a.compare)
        print(f"# pipeline  {mine}")
        print(f"# load      {theirs}")
        print(
            f"# duty rows equal: {mine['duty'] == theirs['duty']}; duty_basis equal: "
            f"{mine['duty_basis'] == theirs['duty_basis']}; everything compared equal: {mine == theirs}"
        )


if __name__ == "__main__":
    main()
