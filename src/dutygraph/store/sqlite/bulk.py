"""A big write into empty tables: the rows first, their indexes after, in one transaction.

Writing a national bundle's 12.6 million duties into tables that already carry
their indexes, through SQLite's default 2 MB page cache, took minutes: every row
updated six B-trees at random places. :func:`write_bulk` writes the same rows
with the same statements, inside the caller's transaction (so it is still all
or nothing: after an error, a crash, a SIGKILL or a power cut SQLite's journal
gives the old state back, indexes included), but

- the secondary indexes of every table the write fills from empty are dropped
  before its rows go in and made again after them (one sort each instead of
  millions of random inserts; an index's content is fixed by its table's, so
  the store ends as the row-by-row path leaves it: :func:`index_sql` are the
  same statements);
- a large page cache (:func:`cache_kib`) holds the pages for the length of the
  write, and the indexes' sorts spill to temporary files (``temp_store=FILE``: in
  memory a province's sorts raised the import's peak by ~30 MB, no faster), then
  the connection's own settings are put back;
- the duties go to ``executemany`` a slice at a time, not as one list of rows
  (at national that list alone was ~3 GB), and a ``duty_basis`` table filled from
  empty is made by one ``INSERT … SELECT`` over the duties' stored ``bases``
  (``json_each``, in duty order, each duty's bases in their order: the rows the
  row-by-row path writes);
- the names of a kind whose ``names`` table was empty are not deleted first
  (there are none to delete; without its index each delete would scan the table).

Why one transaction in the store's file rather than a new file renamed over it:
other processes may hold the store open (a server, a reader); renaming would
leave them on the old inode, and a store that exists already (created empty by
another write) keeps its file. The WAL grows to the size of the rows written and
is folded into the file at the commit's checkpoint.

Tables that already hold rows keep their indexes and today's statements: a big
write into a store that has data is written as before, only with the bigger cache.

A big write that makes a NEW store (no file at the path yet) is built aside
(:func:`build_aside`): the same schema and the same :func:`write_bulk` into a
hidden file beside it, with no journal and no fsync while it is written
(``journal_mode=OFF``, ``synchronous=OFF``: the rows are written once, not to the
WAL and again at the checkpoint), then the file is switched to WAL, fsynced and
linked to the path (``os.link``: it fails if a store appeared there meanwhile)
and the hidden name removed. All or nothing is kept by the link: before it there
is no store at the path, after it the whole one; a crash while building leaves
only the hidden file (``.NAME.HOST.PID.TID.new``), never a half store. No other
process can hold a file that does not exist yet, so the rename objection above
does not apply. A build sweeps the hidden files of crashed builds beside it first
(:func:`sweep_builds`: those of this host whose process is gone).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from ..._gc import gc_paused
from ..base import ChangeSet
from . import schema
from .schema import TABLES
from .writes import NAMED, _table, apply_changes, by_label

__all__ = [
    "BULK_AT_LEAST",
    "build_aside",
    "cache_kib",
    "hidden_path",
    "index_sql",
    "sweep_builds",
    "wanted",
    "write_bulk",
]

#: a write of at least this many records (together) takes the bulk path
BULK_AT_LEAST = 20_000
#: the page cache of a bulk write: about this many bytes a record, within the bounds below
_CACHE_PER_RECORD = 32
_CACHE_MIN_KIB = 16 * 1024
_CACHE_MAX_KIB = 1024 * 1024


def wanted(changes: ChangeSet) -> bool:
    """Whether ``changes`` is big enough for :func:`write_bulk` (and brings its duties as
    columns: a list version's duty records are written as today)."""
    size = len(changes.records) + len(changes.duties)
    return size >= BULK_AT_LEAST and not any(r.label == "duty" for r in changes.records)


def cache_kib(size: int) -> int:
    """The page cache (KiB) of a bulk write of ``size`` records.

    >>> cache_kib(1_000), cache_kib(2_000_000), cache_kib(12_600_000)
    (16384, 62500, 393750)
    """
    return max(_CACHE_MIN_KIB, min(_CACHE_MAX_KIB, size * _CACHE_PER_RECORD // 1024))


def _empty(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is None


def index_sql(conn: sqlite3.Connection, tables: list[str]) -> list[tuple[str, str]]:
    """(name, ``CREATE INDEX`` statement) of the secondary indexes of ``tables``, in the
    order they were made (the automatic primary-key indexes are not among them)."""
    if not tables:
        return []
    marks = ", ".join("?" for _ in tables)
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY rowid",
        tables,
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def write_bulk(conn: sqlite3.Connection, changes: ChangeSet) -> None:
    """Write ``changes`` as :func:`~.writes.apply_changes` does, into the open transaction:
    the same rows in the same tables, indexes made after the rows of the tables it fills
    from empty."""
    groups, _ = by_label(changes)
    for recs in groups.values():
        _table(conn, recs[0])  # a kind this schema was not written with: its table first
    filled = [TABLES[label].label for label in groups]
    if changes.duties:
        filled += ["duty", "duty_basis"]
    if any(label in NAMED for label in groups):
        filled.append("names")
    empty = [t for t in dict.fromkeys(filled) if _empty(conn, t)]
    size = len(changes.records) + len(changes.duties)
    old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    old_temp = conn.execute("PRAGMA temp_store").fetchone()[0]
    conn.execute(f"PRAGMA cache_size=-{cache_kib(size)}")
    conn.execute("PRAGMA temp_store=FILE")
    try:
        indexes = index_sql(conn, empty)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        apply_changes(conn, changes, empty=empty)
        for _, sql in indexes:
            conn.execute(sql)
    finally:
        conn.execute(f"PRAGMA cache_size={old_cache}")
        conn.execute(f"PRAGMA temp_store={old_temp}")


def _fsync(path: str | Path, *, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: the files a build makes beside its hidden store
_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _host() -> str:
    return socket.gethostname().replace(os.sep, "_") or "localhost"


def hidden_path(path: Path) -> Path:
    """Where this process and thread build the new store ``path``:
    ``.NAME.HOST.PID.TID.new`` beside it."""
    return path.with_name(f".{path.name}.{_host()}.{os.getpid()}.{threading.get_ident()}.new")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or not ours to signal: alive
        return True
    return True


def sweep_builds(path: Path) -> list[str]:
    """Remove the hidden files of builds of ``path`` that crashed (:func:`hidden_path`:
    of this host, their process gone); the names removed. A build of another host, of a
    live process (this one's other threads among them) or named otherwise is left alone.
    Best effort: a folder that cannot be listed or a file that cannot be removed is left."""
    pattern = re.compile(
        rf"\.{re.escape(path.name)}\.(?P<host>.+)\.(?P<pid>\d+)\.\d+\.new"
        rf"(?:{'|'.join(re.escape(s) for s in _SUFFIXES if s)})?"
    )
    host, me = _host(), os.getpid()
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    gone = []
    for name in sorted(names):
        m = pattern.fullmatch(name)
        if m is None or m["host"] != host or int(m["pid"]) == me or _alive(int(m["pid"])):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path.parent / name)
            gone.append(name)
    return gone


def build_aside(
    path: Path, changes: ChangeSet, finish: Callable[[sqlite3.Connection], None]
) -> bool:
    """Make the new store ``path`` holding ``changes`` (then ``finish(conn)``: the log
    entry and the write counter, in the same transaction), built in a hidden file beside
    it and linked into place when whole and on disk (see the module's docstring).
    ``False``: a file appeared at ``path`` meanwhile, or the file system makes no hard
    links; nothing was written at ``path`` (write as usual: the duties are read again).
    Any error removes the hidden file and is raised: no store is made."""
    sweep_builds(path)
    tmp = hidden_path(path)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)  # a crashed build of this process id and thread before
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("BEGIN")
            schema.make(conn)
            with gc_paused():
                write_bulk(conn, changes)
            finish(conn)
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode=WAL")  # as every store: readers never block
        finally:
            conn.close()
        _fsync(tmp)
        try:
            os.link(tmp, path)
        except OSError:  # a store appeared there meanwhile, or no hard links on this disk
            return False
        _fsync(path.parent, directory=True)
        return True
    finally:
        for suffix in _SUFFIXES:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{tmp}{suffix}")
