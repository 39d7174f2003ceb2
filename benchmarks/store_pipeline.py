"""A measured prototype (not the importer's path): a new store's import as a pipeline over two
processes, so the duty file's parse and the rows' binding run on a second core.

    python benchmarks/store_pipeline.py BUNDLE OUT.db [--compare STORE.db] [--workers W] [--slices N] [--ahead K]

- **Worker** (a child process, this script with ``--worker``): reads the bundle as the
  importer does (``read_input`` with ``stream_duties``; the duty file a slice at a time,
  polars), resolves the citations and checks the batch against an empty graph
  (``resolve_citations``, ``check_batch``), then takes the duty slices through the
  importer's own ``_Stream`` (each slice checked by ``duty_checks``, the keys hashed and
  compared at the end). Every ``--slices`` parsed slices (default 7, ~200,000 duties) it writes them with
  ``executemany`` (``schema.duty_insert``: the import's statements and constant columns)
  into a small temporary SQLite file (the duty table of the store's schema, no index,
  ``journal_mode=OFF``, ``synchronous=OFF``) and tells the writer its name. At most
  ``--ahead`` files (default 2) wait for the writer (it blocks on the writer's reply).
  ``--workers 2``: two such processes, the groups of slices dealt round-robin (each reads
  the bundle and checks the batch itself, parses the file's first slice for its header, and
  numbers its rows' ``origin_row`` from line counts); the key index's uniqueness across
  workers is left to the index build (each worker compares only its own keys).
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


def _my_chunks(stream: Any, per_file: int, me: int, workers: int) -> tuple[list[int | None], int]:
    """Give worker ``me`` of ``workers`` its groups of ``per_file`` consecutive slices of the
    duty file (group g to worker g % workers): the stream's slice bounds and checksums cut
    down to them, the file's first slice put before them when group 0 is not among them (the
    parse takes the first slice it is given as the one with the header; a header-only slice
    would make the next one's first row the header). The group of each slice the stream
    will now give (``None``: that first slice, its rows dropped) and the groups' count."""
    bounds, sums = stream._bounds, stream._sums
    groups = [
        list(range(lo, min(lo + per_file, len(bounds)))) for lo in range(0, len(bounds), per_file)
    ]
    mine = [g for g in range(len(groups)) if g % workers == me]
    if workers == 1:
        return [g for g in mine for _ in groups[g]], len(groups)
    order: list[int | None] = []
    new_bounds, new_sums = [], []
    if mine and mine[0] != 0:  # the first slice (the header and its rows) read, its rows dropped
        new_bounds.append(bounds[0])
        new_sums.append(sums[0])
        order.append(None)
    for g in mine:
        for i in groups[g]:
            new_bounds.append(bounds[i])
            new_sums.append(sums[i])
            order.append(g)
    stream._bounds, stream._sums = new_bounds, new_sums
    _renumber(stream, bounds, [i for g in mine for i in groups[g]], bool(mine and mine[0] != 0))
    return order, len(groups)


def _renumber(stream: Any, bounds: list[tuple[int, int]], mine: list[int], first: bool) -> None:
    """Give the rows of the slices this worker parses their file row numbers (the parse
    numbers a stream's rows from its own start): each slice's records counted by its line
    ends (right for a file with no line end inside a quoted cell, as the generated bundles;
    the importer's path would count them while it holds the bytes)."""
    from dutygraph.io import bundle as bundle_io

    if stream._data is not None:
        data = stream._data
    else:
        with open(stream.table.file, "rb") as f:
            f.seek(stream._at)
            data = f.read()
    recs = []
    for a, b in bounds:
        n = data.count(b"\n", a, b) + (0 if data[a:b].endswith(b"\n") or a == b else 1)
        recs.append(n - (1 if a == 0 else 0))  # the first slice's header
    data = b""
    starts = [2]
    for n in recs:
        starts.append(starts[-1] + n)
    given, at_given = [], 2
    for i in ([0] if first else []) + mine:
        given.append((at_given, starts[i]))
        at_given += recs[i]
    orig = bundle_io.frame_slices

    def shifted(table: Any, chunks: Any) -> Any:
        for at, (frame, numbers) in enumerate(orig(table, chunks)):
            have, want = given[at]
            d = want - have
            if isinstance(numbers, range):
                numbers = range(numbers.start + d, numbers.stop + d)
            else:
                numbers = [k + d for k in numbers]
            yield frame, numbers

    bundle_io.frame_slices = shifted


def worker(bundle: str, tmpdir: str, per_file: int, ahead: int, me: int, workers: int) -> None:
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
        rec_path = "-"
        if me == 0:
            rec_path = os.path.join(tmpdir, "records.pkl")
            with open(rec_path, "wb") as f:
                pickle.dump([r.record for r in rows], f, protocol=pickle.HIGHEST_PROTOCOL)
        lines = len(rows) + len(stream)
        order, n_groups = _my_chunks(stream, per_file, me, workers)
        print(
            f"records {rec_path} {lines} {n_groups} {time.perf_counter() - t0:.2f}",
            file=out,
            flush=True,
        )
        report = importer.ImportReport(sources=[bundle])
        duties = importer._Stream(stream, duty_checks(rows, graph), report)
        waiting = 0
        conn: sqlite3.Connection | None = None
        group: int | None = None
        in_file = 0

        def close_file() -> None:
            nonlocal conn, waiting, in_file
            assert conn is not None
            conn.execute("COMMIT")
            conn.close()
            conn = None
            path = os.path.join(tmpdir, f"slice{group:05d}.db")
            print(
                f"file {path} {group} {in_file} {time.perf_counter() - t0:.2f}",
                file=out,
                flush=True,
            )
            waiting, in_file = waiting + 1, 0

        for at, part in enumerate(duties.slices()):
            g = order[at]
            if g is None:  # the file's first slice, read by a worker without group 0: dropped
                continue
            if g != group and conn is not None:
                close_file()
            if conn is None:
                while waiting >= ahead:  # the writer's reply: one file taken
                    back.readline()
                    waiting -= 1
                group = g
                conn = sqlite3.connect(
                    os.path.join(tmpdir, f"slice{g:05d}.db"), isolation_level=None
                )
                conn.execute("PRAGMA journal_mode=OFF")
                conn.execute("PRAGMA synchronous=OFF")
                conn.execute("BEGIN")
                conn.execute(DUTY.create_sql())
            sql, bound = schema.duty_insert(part)
            conn.executemany(sql, bound)
            in_file += len(part)
            part = bound = None  # type: ignore[assignment]
        if conn is not None:
            close_file()
    cpu, peak = _usage()
    print(
        f"done {report.read.get('duty', 0)} {cpu:.2f} {peak:.0f} {time.perf_counter() - t0:.2f}",
        file=out,
        flush=True,
    )
    back.read()  # the writer's last replies, until it closes the pipe


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
    ap.add_argument("--slices", type=int, default=7, help="parsed slices (~30k duties) a file")
    ap.add_argument("--ahead", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--tmpdir", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker is not None:
        worker(a.bundle, a.tmpdir, a.slices, a.ahead, a.worker, a.workers)
        return
    from dutygraph.store.base import ChangeSet
    from dutygraph.store.sqlite.writes import by_label, write_records

    out = Path(a.out)
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(f"{out}{suffix}"):
            os.unlink(f"{out}{suffix}")
    tmpdir = tempfile.mkdtemp(prefix="pipe21.", dir=out.parent)
    print(
        f"# {a.bundle} -> {out}; {a.workers} worker(s), {a.slices} slices a file, ahead {a.ahead}; "
        f"load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    t0 = time.perf_counter()
    args = [sys.executable, __file__, a.bundle, str(out), "--tmpdir", tmpdir]
    args += ["--slices", str(a.slices), "--ahead", str(a.ahead), "--workers", str(a.workers)]
    kids = [
        subprocess.Popen(
            [*args, "--worker", str(i)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for i in range(a.workers)
    ]
    steps: dict[str, float] = {}

    def step(name: str, seconds: float) -> None:
        steps[name] = steps.get(name, 0.0) + seconds

    def read(i: int) -> list[str]:
        out = kids[i].stdout
        assert out is not None
        return out.readline().split()

    hidden = bulk.hidden_path(out)
    conn = sqlite3.connect(hidden, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    schema.make(conn)
    indexes = bulk.index_sql(conn, ["duty", "duty_basis"])
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    heads = [read(i) for i in range(a.workers)]
    assert all(h and h[0] == "records" for h in heads), heads
    line = heads[0]
    n_groups = int(line[3])
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
    for g in range(n_groups):
        t = time.perf_counter()
        line = read(g % a.workers)
        waited += time.perf_counter() - t
        assert line and line[0] == "file" and int(line[2]) == g, (g, line)
        t = time.perf_counter()
        conn.execute("ATTACH ? AS tmp", (line[1],))
        conn.execute("BEGIN")
        conn.execute(f"INSERT INTO main.duty ({COLS}) SELECT {COLS} FROM tmp.duty ORDER BY n")
        conn.execute("COMMIT")
        conn.execute("DETACH tmp")
        os.unlink(line[1])
        step("duty INSERT … SELECT from the slice files", time.perf_counter() - t)
        back = kids[g % a.workers].stdin
        assert back is not None
        back.write("next\n")
        back.flush()
    dones = [read(i) for i in range(a.workers)]
    for kid in kids:
        assert kid.stdin is not None
        kid.stdin.close()
        kid.wait()
    assert all(k.returncode == 0 for k in kids), [k.returncode for k in kids]
    assert all(d and d[0] == "done" for d in dones), dones
    t_rows = time.perf_counter() - t0
    cpu_rows, _ = _usage()
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
    w_cpu = sum(float(d[2]) for d in dones)
    print(f"{wall:8.2f}  wall, whole pipeline (all processes; start to link)")
    print(
        f"{t_rows:8.2f}  wall until the last slice copied (workers done at "
        f"{', '.join(d[4] for d in dones)} s of their own)"
    )
    for i, d in enumerate(dones):
        print(
            f"{float(d[2]):8.2f}  worker {i} CPU (read, parse, checks, binding into slice files), "
            f"peak RSS {float(d[3]):.0f} MB, {int(d[1]):,} duties"
        )
    print(
        f"{cpu:8.2f}  writer CPU (copies of {n_groups} files, duty_basis, indexes), peak RSS {peak:.0f} MB"
    )
    print(f"{w_cpu + cpu:8.2f}  CPU, all processes")
    tail = cpu - cpu_rows
    phase = w_cpu + cpu_rows
    worst = max([cpu_rows] + [float(d[2]) for d in dones])
    print(
        f"{max(phase / 2, worst) + tail:8.2f}  model: wall on two idle cores = max(rows phase CPU "
        f"{phase:.2f} / 2, busiest process {worst:.2f}) + the writer's tail CPU {tail:.2f} "
        "(duty_basis, indexes, commit: one core, after the last row)"
    )
    print(
        f"{wait_first:8.2f}  writer waited for the workers' first message; {waited:.2f} s for slice files after"
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
