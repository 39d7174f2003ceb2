"""The embedded store: the whole graph in one file, written atomically.

The file holds a magic header and the records as plain tuples, pickled with a
restricted unpickler that refuses every global — opening a store never runs
code from the file. A write takes an exclusive lock (``PATH.lock``), reads the
current state, applies the plan's changes, writes the new state to a temporary
file in the same folder, ``fsync``\\ s it and renames it over the store (then
``fsync``\\ s the folder). A rename is atomic, so a reader opens either the old
file or the new one, and a process killed at any point — even with SIGKILL —
leaves the store exactly as before the write, plus perhaps a stray temporary
file that the next write removes.

The law corpus's articles (52,000, most of the file when a corpus is loaded)
are not unpickled when the store is opened: each act's articles are one
compressed blob, unpacked when one of them is first read, and written back
untouched by a write that does not change them (format 4).

>>> import tempfile, os
>>> from dutygraph.model import Region
>>> from dutygraph.store.base import ChangeSet
>>> path = os.path.join(tempfile.mkdtemp(), "doc.db")
>>> s = EmbeddedStore(path)
>>> _ = s.write(lambda g: ChangeSet([Region("000000", "全国", "national")], {"op": "doc"}))
>>> EmbeddedStore(path).graph().regions["000000"].name
'全国'
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import io
import os
import pickle
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from .._gc import gc_paused
from ..columns import DUTY_FIELDS, DutyColumns
from ..errors import StoreCorrupt, StoreUnavailable
from ..graph import DutyGraph, identity
from ..lawbook import GroupedTable
from ..model import RECORD_TYPES, Origin
from ..reader import GraphReader
from .base import ChangeSet

__all__ = ["EmbeddedStore"]

MAGIC = b"DUTYGRAPH-STORE\n"
FORMAT_VERSION = 4
#: older formats this version reads (2: duty origins as one column of tuples; 3: no
#: law corpus — its bases lack the fields the corpus gives them)
_READS = (2, 3, 4)
_CLASSES = {cls.label: cls for cls in RECORD_TYPES}
_FIELDS = {cls.label: [f.name for f in fields(cls)] for cls in RECORD_TYPES}
#: kinds kept apart, a group at a time (``lazy``): the law corpus's articles, by act
_LAZY = {cls.label: cls.lazy for cls in RECORD_TYPES if cls.lazy is not None}


class _SafeUnpickler(pickle.Unpickler):
    """Unpickles plain containers only; any class or function is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise StoreCorrupt(f"the store file refers to {module}.{name}; it is not a dutygraph store")


def _columns(records: list[Any], label: str) -> dict[str, Any]:
    """Records of one kind as columns of plain values (origins as plain tuples)."""
    names = _FIELDS[label]
    cols = {}
    for name in names:
        if name == "origin":
            cols[name] = [tuple(r.origin) if r.origin is not None else None for r in records]
        else:
            cols[name] = [getattr(r, name) for r in records]
    return {"fields": names, "columns": [cols[n] for n in names]}


def _duty_table(duties: DutyColumns) -> dict[str, Any]:
    """The duty columns as stored (format 3): the fields' columns, then the origins as
    four columns (file, row, sheet, version) — half a million origin tuples took longer
    to pickle and unpickle than every other column together."""
    fields_ = len(DUTY_FIELDS) - 1
    return {
        "fields": list(DUTY_FIELDS),
        "columns": [*duties.columns[:fields_], None],
        "origins": duties.columns[fields_:],
    }


def _duty_columns(table: dict[str, Any]) -> DutyColumns:
    """The inverse of :func:`_duty_table`; also reads format 2 (origins as tuples)."""
    if table["fields"] != list(DUTY_FIELDS):
        raise StoreCorrupt(f"the store's duty fields {table['fields']} are not {list(DUTY_FIELDS)}")
    *columns, origins = table["columns"]
    if "origins" in table:
        return DutyColumns.wrap([*columns, *table["origins"]])
    none = (None, None, None, None)  # format 2
    parts = zip(*(o or none for o in origins), strict=True) if origins else ([], [], [], [])
    return DutyColumns.wrap([*columns, *map(list, parts)])


def _records(label: str, table: dict[str, Any]) -> list[Any]:
    """The inverse of :func:`_columns` (a store written before a kind gained fields reads
    with their defaults)."""
    names = table["fields"]
    cls = _CLASSES[label]
    cols = list(table["columns"])
    at = names.index("origin") if "origin" in names else None
    if at is not None:
        make = functools.partial(tuple.__new__, Origin)  # C speed: no Python-level __new__
        cols[at] = [make(o) if o is not None else None for o in cols[at]]
    if names == _FIELDS[label]:
        return [cls(*values) for values in zip(*cols, strict=True)]
    if not set(names) <= set(_FIELDS[label]):
        raise StoreCorrupt(f"the store's {label} fields {names} are not {_FIELDS[label]}")
    return [cls(**dict(zip(names, values, strict=True))) for values in zip(*cols, strict=True)]


def _pack_group(records: list[Any], label: str) -> bytes:
    """One group of a lazy kind as stored: its columns, pickled and compressed."""
    return zlib.compress(pickle.dumps(_columns(records, label), pickle.HIGHEST_PROTOCOL), 1)


def _unpacker(label: str) -> Callable[[Any], list[Any]]:
    def unpack(raw: Any) -> list[Any]:
        if isinstance(raw, list):
            return raw
        table = _SafeUnpickler(io.BytesIO(zlib.decompress(raw))).load()
        return _records(label, table)

    return unpack


def _lazy_tables(state: dict[str, Any]) -> dict[str, GroupedTable]:
    """The lazy kinds of a store's state, each group unpacked when first read."""
    from ..graph import _GROUP_OF

    out = {}
    for label, stored in state.get("lazy", {}).items():
        if label in _LAZY:
            out[label] = GroupedTable(
                stored["groups"], _GROUP_OF[label], _unpacker(label), stored["count"]
            )
    return out


def _lazy_state(graph: DutyGraph, records: list[Any]) -> dict[str, Any]:
    """The lazy kinds to write: the groups ``records`` touch are merged and packed again,
    the others written back as they were read (not unpacked)."""
    out: dict[str, Any] = {}
    for label, field_ in _LAZY.items():
        table = graph.table(label)
        assert isinstance(table, GroupedTable)
        groups = dict(table.raw_groups())
        count = len(table)
        touched: dict[str, list[Any]] = {}
        for rec in records:
            if rec.label == label:
                touched.setdefault(getattr(rec, field_), []).append(rec)
        unpack = _unpacker(label)
        for key, new in touched.items():
            old = {r.id: r for r in unpack(groups[key])} if key in groups else {}
            count -= len(old)
            old.update((r.id, r) for r in new)
            count += len(old)
            groups[key] = list(old.values())
        for key, raw in groups.items():
            if isinstance(raw, list):
                groups[key] = _pack_group(raw, label)
        if groups:
            out[label] = {"count": count, "groups": groups}
    return out


class EmbeddedStore:
    """The default store: one file on disk, networkx and dictionaries in memory.

    Parameters
    ----------
    path : str or Path
        The store file; created on the first write. Its folder must exist.
    """

    capabilities = frozenset({"transactions", "durable", "snapshots"})

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.url = str(self.path)
        self._cache: tuple[tuple[int, int, int], DutyGraph, list[dict[str, Any]]] | None = None
        if self.path.is_dir():
            raise StoreUnavailable(f"{self.path} is a folder; give a file path for the store")
        if not self.path.parent.exists():
            raise StoreUnavailable(f"{self.path}: the folder {self.path.parent} does not exist")

    # -- reading ----------------------------------------------------------------

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _read_state(self) -> dict[str, Any]:
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return {"tables": {}, "log": []}
        except OSError as exc:
            raise StoreUnavailable(f"{self.path}: cannot read the store: {exc.strerror}") from exc
        if not data.startswith(MAGIC):
            raise StoreCorrupt(
                f"{self.path} is not a dutygraph store; point --store at a new file or a store"
            )
        try:
            state = _SafeUnpickler(io.BytesIO(data[len(MAGIC) :])).load()
        except StoreCorrupt:
            raise
        except Exception as exc:
            raise StoreCorrupt(f"{self.path}: the store file is damaged ({exc})") from exc
        if state.get("version") not in _READS:
            raise StoreCorrupt(
                f"{self.path}: store format {state.get('version')} is not {FORMAT_VERSION}; "
                "export it with the dutygraph that wrote it"
            )
        return state  # type: ignore[no-any-return]

    def _load(self) -> tuple[DutyGraph, list[dict[str, Any]]]:
        stamp = self._stamp()
        if self._cache is not None and stamp == self._cache[0]:
            return self._cache[1], self._cache[2]
        with gc_paused():
            return self._load_fresh(stamp)

    def _load_fresh(
        self, stamp: tuple[int, int, int] | None
    ) -> tuple[DutyGraph, list[dict[str, Any]]]:
        state = self._read_state()
        tables = state["tables"]
        records = [
            rec
            for label, table in tables.items()
            if label in _CLASSES and label != "duty"
            for rec in _records(label, table)
        ]
        duty_table = tables.get("duty")
        columns = None
        if duty_table is not None and duty_table["columns"][0]:
            columns = _duty_columns(duty_table)
        graph = DutyGraph(records, duty_columns=columns, lazy=_lazy_tables(state))
        if stamp is not None:
            self._cache = (stamp, graph, state["log"])
        return graph, state["log"]

    def graph(self) -> DutyGraph:
        return self._load()[0]

    def stamp(self) -> tuple[int, int, int] | None:
        """The store file's (inode, size, mtime): a write renames a new file into place."""
        return self._stamp()

    def reader(self) -> GraphReader:
        """The snapshot: every answer is computed over the whole graph in memory."""
        return self.graph()

    def history(self) -> list[dict[str, Any]]:
        return list(self._load()[1])

    # -- writing ----------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as exc:
            raise StoreUnavailable(f"{lock_path}: cannot lock the store: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def write(self, plan: Callable[[DutyGraph], ChangeSet]) -> ChangeSet:
        with self._locked(), gc_paused():
            self._sweep_temporaries()
            graph, log = self._load()  # under the lock, and re-read if another writer changed it
            changes = plan(graph)
            if not changes:
                return changes
            tables: dict[str, dict[Any, Any]] = {
                label: dict(graph.by_identity(label))
                for label in _CLASSES
                if label != "duty" and label not in _LAZY
            }
            duty_records = []
            for rec in changes.records:
                if rec.label == "duty":
                    duty_records.append(rec)
                elif rec.label not in _LAZY:
                    tables[rec.label][identity(rec)] = rec
            lazy = _lazy_state(graph, changes.records)
            duties = graph.duty_columns()
            index: dict[tuple[str, ...], int] | None = graph.duty_index()
            if duty_records:
                duties = duties.merged(DutyColumns.from_records(duty_records), index)
                index = None
            duties = duties.merged(changes.duties, index)
            entry = {"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **changes.log}
            new_state = {
                "version": FORMAT_VERSION,
                "tables": {
                    **{
                        label: _columns(list(t.values()), label) for label, t in tables.items() if t
                    },
                    **({"duty": _duty_table(duties)} if duties else {}),
                },
                **({"lazy": lazy} if lazy else {}),
                "log": [*log, entry],
            }
            self._write_atomic(new_state)
            self._cache = None
            return changes

    def _write_atomic(self, state: dict[str, Any]) -> None:
        tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        try:
            with open(tmp, "wb") as fh:
                fh.write(MAGIC)
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise StoreUnavailable(f"{self.path}: cannot write the store: {exc.strerror}") from exc

    def _sweep_temporaries(self) -> None:
        for stray in self.path.parent.glob(f"{self.path.name}.tmp-*"):
            with contextlib.suppress(OSError):
                stray.unlink()

    def close(self) -> None:
        self._cache = None

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path)!r})"
