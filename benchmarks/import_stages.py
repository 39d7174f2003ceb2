"""Where one bundle import's time and memory go, stage by stage.

    python benchmarks/import_stages.py BUNDLE [STORE.db [--setting max_rows 20000000]]

(what follows the store goes before ``load`` on the command line: a national bundle's
12.6M rows need a higher ``max_rows``)

Runs ``dutygraph load BUNDLE --store STORE.db`` (a new store; default a temporary one) in
this process, through the CLI, and prints

- before and after each whole stage — reading the input (the other tables whole; a big
  duty table only its bytes' slice bounds, crc and citation pairs: the duties are
  streamed), parsing a whole table (polars), resolving citations, checking, planning,
  the bulk write — the process's peak RSS so far (``ru_maxrss``), its RSS now and the
  seconds since start. A stage whose "after" peak is above its "before" one raised the
  import's peak. Polars' allocator keeps what it frees: RSS held counts that too;
- then the seconds by stage of the write. The streamed duties are parsed, converted and
  checked inside the ``executemany`` that inserts them (a generator feeds it), so the
  generators are timed apart, each exclusive of the one it pulls from: the file's slices
  read, parsed (polars) and converted (``DutyStream.slices``); checked and hashed
  (``importer._Stream.slices``); encoded as row tuples (``writes._slices``); and what is
  left of that ``executemany`` is SQLite inserting. Every other SQL statement is timed
  by itself (index builds, ``duty_basis`` made from the duties, ``COMMIT``: the WAL's
  fsync and checkpoint when written in place); ``build_aside``'s fsync and link are the
  rest of its time. The rest of the process (start, imports, the other tables, the
  report) is the remainder.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

T0 = time.perf_counter()
SECONDS: dict[str, float] = {}


def rss(tag: str) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open("/proc/self/statm") as f:
        now = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    print(
        f"{tag}: peak {peak:.0f} MB, now {now:.0f} MB, {time.perf_counter() - T0:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def _add(key: str, seconds: float) -> None:
    SECONDS[key] = SECONDS.get(key, 0.0) + seconds


def _traced(module: Any, name: str) -> None:
    orig: Callable[..., Any] = getattr(module, name)

    def traced(*args: Any, **kwargs: Any) -> Any:
        rss(f"before {name}")
        t = time.perf_counter()
        try:
            return orig(*args, **kwargs)
        finally:
            _add(f"call {name}", time.perf_counter() - t)
            rss(f"after {name}")

    setattr(module, name, traced)


_INNER: list[float] = [0.0]  # seconds the generator being timed spent in the one it pulls


def _timed_generator(owner: Any, name: str, key: str) -> None:
    """Time each step of the generator ``owner.name`` makes, less the time spent in a
    timed generator it pulls from (exclusive seconds under ``key``)."""
    orig: Callable[..., Iterator[Any]] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
        it = orig(*args, **kwargs)
        while True:
            outer, _INNER[0] = _INNER[0], 0.0
            t = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                spent = time.perf_counter() - t
                _add(key, spent - _INNER[0])
                _INNER[0] = outer + spent
            yield item

    setattr(owner, name, timed)


class _Timed(sqlite3.Connection):
    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        t = time.perf_counter()
        try:
            return super().execute(sql, *args)
        finally:
            _add("sql " + " ".join(sql.split())[:70], time.perf_counter() - t)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:  # type: ignore[override]
        t, _INNER[0] = time.perf_counter(), 0.0
        try:
            return super().executemany(sql, rows)
        finally:
            key = "sql many " + " ".join(sql.split())[:65]
            _add(key, time.perf_counter() - t - _INNER[0])
            _INNER[0] = 0.0


def main() -> None:
    bundle = sys.argv[1]
    store = sys.argv[2] if len(sys.argv) > 2 else os.path.join(tempfile.mkdtemp(), "s.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(store + suffix):
            os.unlink(store + suffix)
    rss("start")
    connect = sqlite3.connect

    def timed_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        kwargs.setdefault("factory", _Timed)
        return connect(*args, **kwargs)

    sqlite3.connect = timed_connect  # type: ignore[assignment]
    from dutygraph import importer
    from dutygraph.cli.main import main as cli
    from dutygraph.io import bundle as bundle_io
    from dutygraph.io.laws import cite
    from dutygraph.store.sqlite import bulk, writes

    for module, name in (
        (importer, "read_input"),
        (bundle_io, "table_frame"),
        (cite, "resolve_citations"),
        (importer, "check_batch"),
        (importer, "_plan"),
        (bulk, "write_bulk"),
        (bulk, "build_aside"),
    ):
        if hasattr(module, name):
            _traced(module, name)
    _timed_generator(bundle_io.DutyStream, "slices", "duties: slices read, parsed, converted")
    _timed_generator(importer._Stream, "slices", "duties: checked, keys hashed")
    _timed_generator(writes, "_slices", "duties: encoded as row tuples")
    rss("imports")
    cli([*sys.argv[3:], "load", bundle, "--store", store])  # e.g. --setting max_rows N
    rss("end")
    total = time.perf_counter() - T0
    print(f"\nseconds by stage (whole process {total:.1f} s)", file=sys.stderr)
    for key, seconds in sorted(SECONDS.items(), key=lambda kv: -kv[1]):
        if seconds >= 0.05:
            print(f"{seconds:8.2f}  {key}", file=sys.stderr)


if __name__ == "__main__":
    main()
