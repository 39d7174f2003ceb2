"""The embedded store: a SQLite database file (WAL), one transaction per write.

The records are kept in one table per kind (:mod:`dutygraph.store.sqlite.schema`),
so the file opens in ``sqlite3``, datasette or any BI tool. A write
(:meth:`EmbeddedStore.write`) takes SQLite's write lock (``BEGIN IMMEDIATE``; a
second writer waits up to ``timeout`` seconds, then gets a clear error), runs
the plan on the current graph, writes its changes, the log entry and a bumped
write counter, and commits: all of it or — after an error, a crash, a SIGKILL
or a power cut — none of it (SQLite's journal; ``synchronous=FULL``). Readers
never wait for a writer and see the old or the new state.

A plan marked :func:`~dutygraph.store.base.reads_rows` (a dispute opened, moved,
decided; a small import) reads through a reader on the write's own transaction — only
the rows it asks for — and a process that holds the whole graph applies a small
change to it (:meth:`~dutygraph.graph.DutyGraph.with_changes`: disputes, bases,
departments, duties) when it next asks for it, instead of reading it again. The
write connection stays open between writes (closed with the store or the process).

:meth:`EmbeddedStore.reader` answers a question from the tables as it walks
(:class:`~dutygraph.store.sqlite.reader.SqliteReader`, indexed queries); only
:meth:`EmbeddedStore.graph` reads everything, for the work that needs it — from the
columns kept beside the file for that state when there are some
(:mod:`dutygraph.store.sqlite.snapshot`), or from those of an older state and the
change sets each small write keeps beside the file after its commit (the links from
that state to this one, applied with ``with_changes``). A
store in the old pickled format (:mod:`dutygraph.store.pickled`) is upgraded on
first open (:mod:`dutygraph.store.sqlite.upgrade`), the old file kept beside it.

>>> import tempfile, os
>>> from dutygraph.model import Region
>>> from dutygraph.store.base import ChangeSet
>>> path = os.path.join(tempfile.mkdtemp(), "doc.db")
>>> s = EmbeddedStore(path)
>>> _ = s.write(lambda g: ChangeSet([Region("000000", "全国", "national")], {"op": "doc"}))
>>> EmbeddedStore(path).reader().regions["000000"].name
'全国'
>>> [e["op"] for e in s.history()]
['doc']
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .._gc import gc_paused, keep
from ..columns import DutyColumns
from ..errors import StoreCorrupt, StoreUnavailable
from ..graph import _GROUP_OF, DutyGraph
from ..lawbook import GroupedTable
from ..model import RECORD_TYPES
from ..reader import GraphReader
from .base import ChangeSet
from .sqlite import answers, bulk, schema, snapshot
from .sqlite.guard import Guarded
from .sqlite.reader import SqliteReader
from .sqlite.writes import apply_changes

__all__ = ["EmbeddedStore"]

_SQLITE_HEADER = b"SQLite format 3\x00"
#: the kinds a graph keeps apart, grouped by a field (the law corpus's articles, by act)
_LAZY = {cls.label: cls.lazy for cls in RECORD_TYPES if cls.lazy is not None}
#: writes of at most this many records (together) are applied to the graph a process holds
#: (:meth:`DutyGraph.with_changes`); a bigger one drops it, to be read again when asked for
PATCH_AT_MOST = 20_000


def _lazy_table(conn: sqlite3.Connection, table: schema.Table) -> GroupedTable:
    """A lazy kind's rows, grouped and left undecoded until a group is first read (the
    52,000 articles of a national corpus are read as rows, made records an act at a time)."""
    field = _LAZY[table.label]
    groups: dict[str, list[Any]] = {}
    n = 0
    for row in conn.execute(table.select_sql().replace("SELECT ", f'SELECT "{field}", ', 1)):
        groups.setdefault(row[0], []).append(row[1:])
        n += 1
    return GroupedTable(groups, _GROUP_OF[table.label], decode=table.decode, count=n)


def _close_all(kept: dict[str, tuple[Any, sqlite3.Connection]]) -> None:
    for _, conn in kept.values():
        with contextlib.suppress(sqlite3.Error):
            conn.close()
    kept.clear()


class EmbeddedStore:
    """The default store: one SQLite file on disk; the graph in memory when asked for.

    Parameters
    ----------
    path : str or Path
        The store file; created on the first write. Its folder must exist.
    timeout : float
        Seconds a write waits for another process's write to finish before it
        gives up with :class:`~dutygraph.errors.StoreUnavailable`.
    """

    capabilities = frozenset({"transactions", "durable", "snapshots"})
    #: :meth:`reader` reads the tables as asked, each table iterable whole: an import reads
    #: a published list's names and a law corpus's stored acts through it, not the graph
    row_reader = True

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.url = str(self.path)
        self.timeout = timeout
        # the whole graph this process holds: (state, graph, the change sets written since,
        # applied to it when it is next asked for)
        self._cache: tuple[Any, DutyGraph, tuple[ChangeSet, ...]] | None = None
        self._checked: tuple[int, int] | None = None
        # connections kept open ("stamp": reading the write counter; "write"), each with
        # the (inode, device) of the file it opened, and a lock for each
        self._kept: dict[str, tuple[tuple[int, int], sqlite3.Connection]] = {}
        self._locks = {"stamp": threading.Lock(), "write": threading.Lock()}
        self._locks["cache"] = threading.Lock()  # the held graph replaced (_keep_if, _after_write)
        self._writing = False  # a write is under way in this object (its whole graph is not kept)
        self._writer = 0  # the thread making it
        self._closes = 0  # how many times close() ran: a connection lent before is not kept
        # closed when the store is dropped or the process exits: closing the last connection
        # folds the WAL into the file and removes the -wal and -shm files
        weakref.finalize(self, _close_all, self._kept)
        if self.path.is_dir():
            raise StoreUnavailable(f"{self.path} is a folder; give a file path for the store")
        if not self.path.parent.exists():
            raise StoreUnavailable(f"{self.path}: the folder {self.path.parent} does not exist")

    # -- opening ----------------------------------------------------------------

    def _connect(self, *, create: bool = False) -> sqlite3.Connection | None:
        """A new connection to the store, checked (``None``: there is no store yet and
        ``create`` is false). The file is checked on the connection itself, once per file
        this object opens (:meth:`_check`): the connection is the one then used."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            if not create:
                return None
            st = None
        try:
            conn = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.DatabaseError as exc:
            raise self._error(exc, "open") from exc
        try:
            unchecked = st is None or self._checked != (st.st_ino, st.st_dev)
            if unchecked and not self._check(conn, create=create):
                conn.close()  # not SQLite: an old pickled store, upgraded: open it again
                return self._connect(create=create)
            conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise self._error(exc, "open") from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def _check(self, conn: sqlite3.Connection, *, create: bool) -> bool:
        """Refuse what is not a store of this version, bring an older schema's tables up to
        this one (and a new file's, with ``create``), all on ``conn``, in one query when
        the file is current; ``False``: the file is not SQLite and was an old pickled store,
        now upgraded (open it again)."""
        # SQLite reads the header itself: opening the file with open() and closing it
        # would drop every POSIX lock this process holds on it (those of a connection
        # kept open by this or another store object), and another process could then
        # take the file for the last reader and checkpoint the WAL under ours
        try:
            app, version, tables = conn.execute(
                "SELECT (SELECT application_id FROM pragma_application_id),"
                " (SELECT user_version FROM pragma_user_version),"
                " (SELECT count(*) FROM sqlite_master)"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            if "not a database" not in str(exc):
                raise
            conn.close()
            self._not_sqlite()  # raises, or upgrades an old pickled store
            self._checked = None
            return False
        if app != schema.APPLICATION_ID and tables:
            raise StoreCorrupt(
                f"{self.path} 是 SQLite 数据库，但不是 dutygraph 存储 "
                "(a SQLite database, but not a dutygraph store)"
            )
        if version > schema.SCHEMA_VERSION:
            raise StoreUnavailable(
                f"{self.path}：存储格式版本 {version} 比本版 dutygraph 支持的 "
                f"{schema.SCHEMA_VERSION} 更新，请升级 dutygraph 后再打开；本程序不会改动它 "
                f"(store schema {version} is newer than this dutygraph reads: upgrade dutygraph)"
            )
        if version < schema.SCHEMA_VERSION and (version > 0 or create):
            # an older schema: add what it lacks (a new file: every table)
            try:
                self._initialise(conn)
            except sqlite3.Error as exc:
                raise self._error(exc, "write") from exc
            version = schema.SCHEMA_VERSION
        if version == schema.SCHEMA_VERSION:  # an empty file is checked again at each open
            st = os.stat(self.path)
            self._checked = (st.st_ino, st.st_dev)
        return True

    def _not_sqlite(self) -> None:
        """A file SQLite does not read (so no SQLite lock of ours is on it): upgrade an old
        pickled store, refuse anything else."""
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(len(_SQLITE_HEADER))
        except OSError as exc:
            raise StoreUnavailable(
                f"{self.path}：无法读取存储 (cannot read the store: {exc.strerror})"
            ) from exc
        from .pickled import MAGIC

        if not head.startswith(MAGIC):
            raise StoreCorrupt(
                f"{self.path} 不是 dutygraph 存储；请让 --store 指向新文件或已有存储 "
                "(not a dutygraph store; point --store at a new file or a store)"
            )
        from .sqlite.upgrade import upgrade

        upgrade(self.path)

    def _initialise(self, conn: sqlite3.Connection) -> None:
        """Create the tables of a new store, or bring an older schema's up to this one."""
        if conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION:
            return
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION:
                conn.execute("ROLLBACK")  # another process did it while this one waited
                return
            schema.make(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _error(self, exc: sqlite3.Error, doing: str) -> Exception:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreUnavailable(
                f"{self.path}：另一个进程正在写入存储，等待 {self.timeout:g} 秒后仍未结束；"
                f"请稍后再试 (another process is writing the store; {doing} gave up "
                f"after {self.timeout:g} s)"
            )
        if isinstance(exc, sqlite3.DatabaseError) and (
            "malformed" in text or "not a database" in text or "corrupt" in text or "decode" in text
        ):
            return StoreCorrupt(
                f"{self.path}：存储文件已损坏；请从备份恢复，或把数据重新导入新的存储 "
                f"(the store file is damaged: {text}; restore it from a backup or load the "
                "data again into a new store)"
            )
        verb = {"open": "打开", "read": "读取", "write": "写入"}.get(doing, doing)
        return StoreUnavailable(f"{self.path}：无法{verb}存储 (cannot {doing} the store: {text})")

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection | None]:
        """A connection inside one read transaction (one consistent state), or ``None``."""
        closes = self._closes
        got = self._lend()
        if got is None:
            yield None
            return
        ident, conn = got
        try:
            conn.execute("BEGIN")
            yield conn
        except sqlite3.Error as exc:
            conn.close()  # a connection that failed is not kept
            raise self._error(exc, "read") from exc
        finally:
            self._give_back(ident, conn, closes)

    def _lend(self) -> tuple[tuple[int, int], sqlite3.Connection] | None:
        """A connection to read with: the one kept for writing when no write is under way
        (so a one-shot command opens and checks one connection, and its write finds the
        pages its reads brought in), else a new one; ``None``: there is no store. Given
        back with :meth:`_give_back`."""
        lock = self._locks["write"]
        if lock.acquire(blocking=False):
            try:
                if self._kept_connection("write") is not None:
                    return self._kept.pop("write")
            finally:
                lock.release()
        conn = self._connect()
        if conn is None:
            return None
        st = os.stat(self.path)
        return (st.st_ino, st.st_dev), conn

    def _give_back(self, ident: tuple[int, int], conn: sqlite3.Connection, closes: int) -> None:
        """End a lent connection's read transaction and keep it for the next write or read
        (when no other is kept meanwhile and the store was not closed since it was lent:
        ``closes`` is :attr:`_closes` then), else close it."""
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:  # closed, or failed: not kept
            with contextlib.suppress(sqlite3.Error):
                conn.close()
            return
        lock = self._locks["write"]
        if lock.acquire(blocking=False):
            try:
                if "write" not in self._kept and closes == self._closes:
                    self._kept["write"] = (ident, conn)
                    return
            finally:
                lock.release()
        conn.close()

    # -- reading ----------------------------------------------------------------

    def _counter(self, conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = 'writes'").fetchone()
        return int(row[0]) if row else 0

    def _graph_in(self, conn: sqlite3.Connection | None) -> DutyGraph:
        """The whole graph as ``conn``'s transaction sees it (cached by write counter)."""
        if conn is None:
            return DutyGraph()
        key = (self._checked, self._counter(conn))
        cached = self._cache
        if (
            cached is not None
            and cached[0] == (key[0], key[1] - 1)
            and self._writing
            and self._writer != (threading.get_ident())
        ):
            # a write of this object has committed (one past the held graph) and is about to
            # keep its change set beside it (_after_write): wait for it rather than read
            # whole. Only then: a reader whose snapshot is not the next one would wait a
            # whole write for nothing (WAL readers never wait for writers)
            with self._locks["write"]:
                cached = self._cache
        if cached is not None and cached[0] == key:
            held = self._caught_up(cached)
            if held is not None:
                return held
        with gc_paused():
            graph = self._load(conn)
            keep()  # no later collection walks the graph's million objects
        self._keep_if(cached, (key, graph, ()))
        return graph

    def _keep_if(self, seen: Any, new: Any) -> None:
        """Hold ``new`` as the whole graph unless a write replaced ``seen`` meanwhile (the
        write's cache, with its change set pending, is the newer state: putting an older
        one back made the next read a whole read — a second graph in memory for seconds)."""
        with self._locks["cache"]:
            if self._cache is seen:
                self._cache = new

    def _caught_up(self, cached: tuple[Any, DutyGraph, tuple[ChangeSet, ...]]) -> DutyGraph | None:
        """The held graph with the change sets written since applied
        (:meth:`DutyGraph.with_changes`), or ``None`` if one touches what it cannot take
        (the trees, the law: read the graph again)."""
        key, graph, pending = cached
        if not pending:
            return graph
        got: DutyGraph | None = graph
        with gc_paused():  # the columns copied: no collection walking the graph meanwhile
            for changes in pending:
                got = graph.with_changes(changes.records, changes.duties)
                if got is None:
                    break
                graph = got
            keep()
        self._keep_if(cached, (key, got, ()) if got is not None else None)
        return got

    def _state(self, conn: sqlite3.Connection) -> tuple[Any, ...]:
        """Which state ``conn``'s transaction sees, for the columns kept beside the file: the
        file (inode, device), its write counter and its last log entry (a store deleted and
        made again may get the same inode and counter, not the same entry)."""
        last = conn.execute("SELECT seq, entry FROM history ORDER BY seq DESC LIMIT 1").fetchone()
        return (*(self._checked or ()), self._counter(conn), *(last or ()))

    def _load(self, conn: sqlite3.Connection) -> DutyGraph:
        """The whole graph: from the columns kept beside the file for this state
        (:mod:`.sqlite.snapshot`), or from those of an older state and the change sets
        written since (:meth:`_chained`), else read from every table (and those columns
        kept, the links before them swept)."""
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        lazy = {
            label: _lazy_table(conn, table)
            for label, table in schema.TABLES.items()
            if label in _LAZY and label in present
        }
        state = self._state(conn) if "history" in present else None
        kept = snapshot.read(self.path, state) if state is not None else None
        if kept is not None:
            return DutyGraph(kept[0], duty_columns=kept[1], lazy=lazy, duty_sites=kept[2])
        if state is not None:
            chained = self._chained(state, self._counter(conn), lazy)
            if chained is not None:
                return chained
        records: list[Any] = []
        columns: DutyColumns | None = None
        for label, table in schema.TABLES.items():
            if label not in present or label in _LAZY:
                continue
            rows = conn.execute(table.select_sql()).fetchall()
            if label == "duty":
                if rows:
                    columns = DutyColumns.wrap(table.decode_columns(rows))
            else:
                records.extend(table.decode(rows))
        graph = DutyGraph(records, duty_columns=columns, lazy=lazy)
        if state is not None and not self._writing:  # a write's graph is stale at its commit
            snapshot.write(
                self.path,
                state,
                records,
                columns,
                graph.duty_sites_index(),
                counter=self._counter(conn),
            )
        return graph

    def _chained(
        self, state: tuple[Any, ...], counter: int, lazy: dict[str, GroupedTable]
    ) -> DutyGraph | None:
        """The graph of ``state`` from the columns kept for an older state and the change
        sets kept since (:func:`.sqlite.snapshot.read_chained`) applied in order
        (:meth:`DutyGraph.with_changes`); ``None``: no such chain, one longer than
        :data:`~.sqlite.snapshot.LINKS` links or :data:`PATCH_AT_MOST` records, or a change
        that touches what ``with_changes`` cannot take (read the tables)."""
        got = snapshot.read_chained(self.path, state, counter)
        if got is None:
            return None
        records, columns, sites, links = got
        if sum(len(recs) + len(duties or ()) for recs, duties in links) > PATCH_AT_MOST:
            return None
        graph = DutyGraph(records, duty_columns=columns, lazy=lazy, duty_sites=sites)
        # the links as one change, in order (each duty's as records after its link's other
        # records, as the write wrote them): with_changes lets a later record of a kind and
        # id, or a later duty of a key, replace an earlier one, which is what applying them
        # one by one gives — and the duty index is remade once, not once a link
        changes = [rec for recs, duties in links for rec in (*recs, *(duties or ()))]
        return graph.with_changes(changes)

    def graph(self) -> DutyGraph:
        with self._read() as conn:
            return self._graph_in(conn)

    def stamp(self) -> tuple[int, int] | None:
        """(inode, write counter): changes with every committed write, by any process.

        Cheap enough to ask on every request (tens of microseconds): one ``stat``
        and one indexed read on a connection kept open for it (opening one
        costs milliseconds); a new file at the path opens a new one.
        """
        with self._locks["stamp"]:
            got = self._kept_connection("stamp")
            if got is None:
                return None
            ino, conn = got
            try:
                return (ino, self._counter(conn))
            except sqlite3.Error as exc:
                raise self._error(exc, "read") from exc

    def _kept_connection(
        self, which: str, *, create: bool = False
    ) -> tuple[int, sqlite3.Connection] | None:
        """(inode, connection) kept open for ``which`` (under its lock), opened again when
        the file at the path is another one; ``None``: there is no store (and no ``create``).

        Opening a connection costs milliseconds, and closing the last one checkpoints
        the WAL into the file (another fsync): a long-lived process keeps them."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if not create:
                return None
            st = None
        held = self._kept.get(which)
        if held is None or st is None or held[0] != (st.st_ino, st.st_dev):
            self._drop(which)
            conn = self._connect(create=create)
            if conn is None:
                return None
            st = os.stat(self.path)
            held = self._kept[which] = ((st.st_ino, st.st_dev), conn)
        return held[0][0], held[1]

    def _drop(self, which: str) -> None:
        held = self._kept.pop(which, None)
        if held is not None:
            held[1].close()

    def reader(self) -> GraphReader:
        """A reader that queries the tables as an answer walks them, in one read transaction
        (its :meth:`~.sqlite.reader.SqliteReader.close` ends it and gives the connection back)."""
        closes = self._closes
        got = self._lend()
        if got is None:
            return DutyGraph()
        ident, conn = got
        try:
            conn.execute("BEGIN")
            self._counter(conn)  # the transaction's snapshot starts with its first read
        except sqlite3.Error as exc:
            conn.close()
            raise self._error(exc, "read") from exc
        guarded = Guarded(
            conn,
            lambda exc: self._error(exc, "read"),
            close=lambda: self._give_back(ident, conn, closes),
        )

        def whole() -> DutyGraph:
            try:
                return self._graph_in(guarded.connection)
            except sqlite3.Error as exc:
                raise self._error(exc, "read") from exc

        def kept(
            key: str, compute: Callable[[], answers.Computed], patch: answers.Patch | None = None
        ) -> bytes:
            """A scan's answer kept beside the file for this transaction's state
            (:mod:`.answers`); one of an older state brought up to it by ``patch`` through
            the change sets kept since (:func:`.sqlite.snapshot.read_links`)."""
            conn = guarded.connection
            try:
                logged = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'history'")
                state = self._state(conn) if logged.fetchone() else None
                counter = self._counter(conn)
            except sqlite3.Error as exc:
                raise self._error(exc, "read") from exc
            if not state:
                got = compute()
                return got if isinstance(got, bytes) else got[0]

            def links(origin: tuple[Any, ...]) -> list[Any] | None:
                return snapshot.read_links(self.path, origin, state, counter)

            return answers.kept(self.path, state, key, compute, patch=patch, links=links)

        return SqliteReader(guarded, whole=whole, kept=kept)

    def history(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            if conn is None:
                return []
            rows = conn.execute("SELECT entry FROM history ORDER BY seq").fetchall()
        return [json.loads(r[0]) for r in rows]

    def check(self, *, full: bool = False) -> list[str]:
        """SQLite's ``quick_check`` (``full``: ``integrity_check``): ``[]`` when the file is sound."""
        with self._read() as conn:
            if conn is None:
                return []
            pragma = "integrity_check" if full else "quick_check"
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}")]
        return [] if rows == ["ok"] else rows

    # -- writing ----------------------------------------------------------------

    def write(self, plan: Callable[[DutyGraph], ChangeSet]) -> ChangeSet:
        first: ChangeSet | None = None
        if not self.path.exists():
            # no store yet: a plan that fails or changes nothing must not create the file
            first = plan(DutyGraph())
            if not first:
                return first
        with self._locks["write"]:  # one write at a time on the kept connection
            # a big import making the store: built aside, linked into place when whole
            if first is not None and bulk.wanted(first) and not self.path.exists():
                try:
                    built = bulk.build_aside(self.path, first, lambda c: self._log(c, first))
                except sqlite3.Error as exc:
                    raise self._error(exc, "write") from exc
                if built:
                    self._after_write(0, first)
                    return first
            return self._write(plan, first)

    @staticmethod
    def _log(conn: sqlite3.Connection, changes: ChangeSet) -> None:
        """The write's history entry and the write counter, in its transaction."""
        entry = {"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **changes.log}
        conn.execute(
            "INSERT INTO history (at, op, entry) VALUES (?, ?, ?)",
            (entry["at"], str(entry.get("op", "")), json.dumps(entry, ensure_ascii=False)),
        )
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'writes'")

    def _write(self, plan: Callable[[DutyGraph], ChangeSet], first: ChangeSet | None) -> ChangeSet:
        self._writing, self._writer = True, threading.get_ident()
        try:
            return self._write_locked(plan, first)
        finally:
            self._writing = False

    def _write_locked(
        self, plan: Callable[[DutyGraph], ChangeSet], first: ChangeSet | None
    ) -> ChangeSet:
        got = self._kept_connection("write", create=True)
        assert got is not None
        conn = got[1]
        prior: tuple[Any, ...] | None = None
        after: tuple[Any, ...] | None = None
        try:
            try:
                conn.execute("BEGIN IMMEDIATE")  # the write lock: other writers wait here
            except sqlite3.Error as exc:
                raise self._error(exc, "write") from exc
            try:
                before = self._counter(conn)
                if first is not None and before == 0:
                    changes = first  # planned on the empty graph, and still empty
                else:  # under the lock: what the plan sees is current
                    changes = plan(self._plan_view(conn, plan, before))
                if not changes:
                    conn.execute("ROLLBACK")
                    return changes
                with gc_paused():
                    if bulk.wanted(changes):  # a big import: indexes after the rows
                        bulk.write_bulk(conn, changes)
                    else:
                        apply_changes(conn, changes)
                small = len(changes.records) + len(changes.duties) <= PATCH_AT_MOST
                # the states written over and written, both read under the write lock (no
                # other write between), as any reader's _state will read them
                prior = self._state(conn) if small else None
                self._log(conn, changes)
                after = self._state(conn) if small else None
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._drop("write")  # a connection that failed is not kept
            raise self._error(exc, "write") from exc
        if prior is not None and after is not None:
            self._keep_link(before + 1, prior, after, changes)
        self._after_write(before, changes)
        return changes

    def _keep_link(
        self, counter: int, prior: tuple[Any, ...], after: tuple[Any, ...], changes: ChangeSet
    ) -> None:
        """Keep the committed change set beside the store, labelled with the states before
        and after it (:func:`.sqlite.snapshot.write_link`): a process that finds the columns
        of an older state applies the chain of them instead of reading the tables. Best
        effort: the write has committed; a link not kept is only a whole read later."""
        with contextlib.suppress(Exception):
            snapshot.write_link(
                self.path, counter, prior, after, changes.records, changes.duties or None
            )

    def _plan_view(self, conn: sqlite3.Connection, plan: Any, counter: int) -> Any:
        """What ``plan`` reads, inside the write's transaction: the graph this process
        holds if it is current, else — for a plan marked :func:`~.base.reads_rows` —
        a reader fetching only the rows the plan asks for, else the whole graph."""
        cached = self._cache
        current = cached is not None and cached[0] == (self._checked, counter) and not cached[2]
        if current or not getattr(plan, "reads_rows", False):
            return self._graph_in(conn)
        return SqliteReader(
            # the write's own connection: the plan's reader does not close it
            Guarded(conn, lambda exc: self._error(exc, "write"), close=lambda: None),
            whole=lambda: self._graph_in(conn),
        )

    def _after_write(self, before: int, changes: ChangeSet) -> None:
        """Keep the graph this process holds current: when it was the state written over,
        the change set is kept beside it and applied when the graph is next asked for
        (:meth:`_caught_up`; a small write returns at once, and the next small write
        reads its rows rather than wait for it); a big write, or one after another
        process's, drops it (read again when next asked for)."""
        with self._locks["cache"]:
            cached, self._cache = self._cache, None
            if cached is None or cached[0] != (self._checked, before):
                return
            pending = (*cached[2], changes)
            if sum(len(c.records) + len(c.duties) for c in pending) > PATCH_AT_MOST:
                return  # a big import: reading the tables again costs less than patching
            self._cache = ((self._checked, before + 1), cached[1], pending)

    def close(self) -> None:
        """Close the connections this object keeps and drop the graph it holds; a reader
        lent before closes its connection when it ends. The store opens again when next
        asked."""
        with self._locks["cache"]:
            self._cache = None
        self._closes += 1
        for which, lock in self._locks.items():
            with lock:
                self._drop(which)

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path)!r})"
