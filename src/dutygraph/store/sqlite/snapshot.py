"""The whole graph's columns kept beside the store file, to read it whole at once.

Reading every table of a province back from SQLite into the in-memory graph
takes seconds (half a million duty rows fetched as tuples, then decoded); the
same columns unpickled take a fraction of it. So after the embedded store
reads the graph whole (:meth:`~dutygraph.store.embedded.EmbeddedStore.graph`),
it writes its columns to ``.STORE.graph-cache`` beside it (``.dutygraph.db.graph-cache``:
a hidden file, not one of the store's own), labelled with
the state they are of: the store file's inode and its write counter. The next
process that asks for the whole graph of that same state reads this file
instead of the tables; any write bumps the counter, so a file of an older state
is never used (and is replaced by the next whole read).

The columns are not kept while a write reads the graph (an import's plan): its
commit makes them stale at once. The file is a cache, never the record: it is written to a temporary file and
renamed into place, and a file that is missing, damaged, of another state or of
another format is ignored (the tables are read). It holds plain values only and
is read with the old store's restricted unpickler
(:class:`~dutygraph.store.pickled._SafeUnpickler`): opening it never runs code.
The law corpus's articles are not in it (they stay in the tables, read an act at
a time).

A small write keeps its change set beside the store too, after its commit
(:func:`write_link`: ``.STORE.graph-link-N`` for write N), labelled with the states
before and after it. A process whose columns file is of an older state follows the
links back from the current state to it (:func:`read_chained`) and applies them
instead of reading the tables; a link missing, damaged, of another state or past
:data:`LINKS` sends it to the tables, whose whole read keeps the columns again and
sweeps the links up to that state.

A duty column of few distinct values (items, regions, departments, roles, dates,
lines, the origin's file) is kept as those values and each row's number among
them (:func:`_encoded`): read back, its rows share one object per value. A
province's columns then unpickle in half the time and half the memory — half a
million copies of the same few thousand strings were most of both.

With the duty sites, the file keeps the lead duties' rows by site and by the values of
the few columns a gap scan asks about (:class:`~dutygraph.columns.LeadRows`), so a fresh
process's first scan reads them instead of passing over every row. It is an entry of
the same format that older code ignores; a file without it is read as before.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import tempfile
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...columns import DutyColumns, DutySites, LeadRows
from ...model import EMPTY_ATTRS
from ..pickled import _columns, _duty_columns, _duty_table, _records, _SafeUnpickler

__all__ = [
    "LINKS",
    "SUFFIX",
    "link_path",
    "path_of",
    "read",
    "read_aside",
    "read_chained",
    "read_links",
    "write",
    "write_aside",
    "write_link",
]

#: the duties' row numbers by (item, region) (:meth:`~dutygraph.graph.DutyGraph.duty_sites_index`)
Sites = DutySites | None

SUFFIX = ".graph-cache"
_MAGIC = b"DUTYGRAPH-COLUMNS\n"
_VERSION = 2
#: a column is kept as its distinct values and row numbers when it has fewer distinct
#: values than this share of its rows
_SHARED = 0.25
#: how many rows, spread over a column, judge whether it is mostly distinct (a column of
#: up to a quarter as many distinct values is always kept shared)
_SAMPLE = 65536


#: the columns :func:`read` found of another state, by store, handed to the
#: :func:`read_chained` that follows it (which takes it: nothing is held after the open)
_stale: dict[Path, Any] = {}


def path_of(store: Path) -> Path:
    """Where the columns of ``store`` are kept."""
    return store.with_name(f".{store.name}{SUFFIX}")


def read(store: Path, state: tuple[Any, ...]) -> tuple[list[Any], DutyColumns | None, Sites] | None:
    """The records, duty columns and duty sites (:class:`~dutygraph.columns.DutySites`;
    ``None``: not kept) kept for ``state``, or ``None`` (no such file, another state,
    damaged: read the tables)."""
    kept = read_aside(path_of(store), _MAGIC)
    if not isinstance(kept, dict) or kept.get("version") != _VERSION:
        return None
    if tuple(kept.get("state", ())) == state:
        return _unpacked(kept)
    _stale[store] = kept  # for the read_chained that follows: the file unpickled once, not twice
    return None


def _unpacked(kept: dict[str, Any]) -> tuple[list[Any], DutyColumns | None, Sites] | None:
    try:
        records = [rec for label, table in kept["tables"] for rec in _records(label, table)]
        duties = _duty_columns(_decoded(kept["duty"])) if kept["duty"] is not None else None
        held = kept.get("sites")
        sites = DutySites.from_kept(held, len(duties)) if held and duties is not None else None
    except Exception:  # a damaged or foreign file is only a cache missed
        return None
    leads = kept.get("leads")  # absent from a file of older code: the scans find them
    if sites is not None and duties is not None and leads is not None:
        sites.leads = LeadRows.from_kept(leads, len(duties), len(sites._ends))
    return records, duties, sites


def write(
    store: Path,
    state: tuple[Any, ...],
    records: list[Any],
    duties: DutyColumns | None,
    sites: Sites = None,
    *,
    counter: int | None = None,
) -> None:
    """Keep ``records`` and ``duties`` (the whole graph of ``state``) beside ``store``, and
    ``sites``, the duties' rows by (item, region) (:meth:`DutyGraph.duty_sites_index`);
    ``counter``, the write counter of ``state``: the links of that write and before are
    swept (:func:`write_link`: they lead to this state or an older one).

    Best effort: a folder that cannot be written is left alone (the next whole read
    reads the tables again)."""
    kept = {
        "version": _VERSION,
        "state": list(state),
        "tables": _tables(records),
        "duty": _encoded(_duty_table(duties)) if duties is not None else None,
        "sites": sites.kept() if sites is not None and duties is not None else None,
        # the lead rows by site and by a few columns' values, for a fresh process's first
        # scan; an entry older code ignores (it reads the file as before)
        "leads": LeadRows.of(duties, sites).kept()
        if sites is not None and duties is not None
        else None,
    }

    def fill(fh: Any) -> None:
        fh.write(_MAGIC)
        pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
        # no memo: the columns' values are distinct objects (each row's own string, as
        # SQLite gives them), so remembering each one only costs: 3.7 s -> 0.33 s for
        # a province's duty columns, and a smaller file
        pickler.fast = True
        pickler.dump(kept)

    write_aside(path_of(store), fill)
    if counter is not None:
        _sweep(store, counter)


def _tables(records: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    by_label: dict[str, list[Any]] = {}
    for rec in records:
        by_label.setdefault(rec.label, []).append(rec)
    return [(label, _columns(recs, label)) for label, recs in by_label.items()]


# -- links: the change sets written since the kept columns' state --------------------

_LINK = ".graph-link-"
_LINK_MAGIC = b"DUTYGRAPH-LINK\n"
#: at most this many links are followed from the kept columns to the current state (a
#: longer chain: the tables are read and the columns kept again); a write sweeps the
#: link this many writes older than its own (never followed again)
LINKS = 8
#: one link's change: (records, the duties as columns or ``None``), as
#: :meth:`~dutygraph.graph.DutyGraph.with_changes` takes them
Change = tuple[list[Any], DutyColumns | None]


def link_path(store: Path, counter: int) -> Path:
    """Where the change set that made write ``counter`` of ``store`` is kept."""
    return store.with_name(f".{store.name}{_LINK}{counter}")


def write_link(
    store: Path,
    counter: int,
    before: tuple[Any, ...],
    after: tuple[Any, ...],
    records: list[Any],
    duties: DutyColumns | None,
) -> None:
    """Keep beside ``store`` the change set (``records``, ``duties``) that took it from
    state ``before`` to ``after`` (write ``counter``; the states as the columns file labels
    them), and sweep the link :data:`LINKS` writes older. Called after the write committed,
    with the states read and made under its write lock: a link is of the states it names,
    or missing (a crash before it is written; a folder that cannot be written)."""
    plain = [r for r in records if r.label != "duty"]
    duty_records = [r for r in records if r.label == "duty"]
    kept = {
        "version": _VERSION,
        "before": list(before),
        "after": list(after),
        "tables": _tables(plain),
        "duty_records": _duty_table(DutyColumns.from_records(duty_records))
        if duty_records
        else None,
        "duties": _duty_table(duties) if duties else None,
    }

    def fill(fh: Any) -> None:
        fh.write(_LINK_MAGIC)
        pickle.dump(kept, fh, protocol=pickle.HIGHEST_PROTOCOL)

    write_aside(link_path(store, counter), fill)
    with contextlib.suppress(OSError):
        link_path(store, counter - LINKS).unlink(missing_ok=True)


def read_chained(
    store: Path, state: tuple[Any, ...], counter: int
) -> tuple[list[Any], DutyColumns | None, Sites, list[Change]] | None:
    """The columns kept for an older state than ``state`` (write ``counter``) and the
    changes that lead from it to ``state``, oldest first (:func:`read_links`). ``None``:
    no columns, a link missing, damaged, foreign or out of that chain, or more than
    :data:`LINKS` of them (read the tables)."""
    kept = _stale.pop(store, None) or read_aside(path_of(store), _MAGIC)
    if not isinstance(kept, dict) or kept.get("version") != _VERSION:
        return None
    try:
        origin = tuple(kept["state"])
    except Exception:  # a damaged or foreign file is only a cache missed
        return None
    links = read_links(store, origin, state, counter)
    if links is None:
        return None
    got = _unpacked(kept)
    if got is None:
        return None
    return (*got, links)


def read_links(
    store: Path, origin: tuple[Any, ...], state: tuple[Any, ...], counter: int
) -> list[Change] | None:
    """The change sets kept beside ``store`` that lead from state ``origin`` to ``state``
    (write ``counter``), oldest first: each link's ``after`` is the next one's ``before``,
    the first's ``before`` ``origin``, the last's ``after`` ``state``; ``[]`` when
    ``origin`` is ``state``. ``None``: a link missing, damaged, foreign or out of that
    chain, or more than :data:`LINKS` of them."""
    if origin == state:
        return []
    links: list[Change] = []
    want = state
    try:
        for back in range(LINKS):
            link = read_aside(link_path(store, counter - back), _LINK_MAGIC)
            if not isinstance(link, dict) or link.get("version") != _VERSION:
                return None
            if tuple(link["after"]) != want:
                return None
            recs = [rec for label, table in link["tables"] for rec in _records(label, table)]
            if link["duty_records"] is not None:
                recs.extend(_duty_columns(link["duty_records"]))
            duties = _duty_columns(link["duties"]) if link["duties"] is not None else None
            links.append((recs, duties))
            want = tuple(link["before"])
            if want == origin:
                break
        else:
            return None
    except Exception:  # a damaged or foreign file is only a cache missed
        return None
    return links[::-1]


def _sweep(store: Path, counter: int) -> None:
    """Remove the links of writes up to ``counter`` (the kept columns' state or older)."""
    prefix = f".{store.name}{_LINK}"
    try:
        names = os.listdir(store.parent)
    except OSError:
        return
    for name in names:
        number = name[len(prefix) :] if name.startswith(prefix) else ""
        if number.isdigit() and int(number) <= counter:
            with contextlib.suppress(OSError):
                os.unlink(store.parent / name)


def read_aside(source: Path, magic: bytes) -> Any:
    """What a file :func:`write_aside` wrote holds after its ``magic`` line, read with the
    restricted unpickler (plain values only: reading never runs code); ``None`` when the
    file is missing, of another kind or damaged (a cache missed)."""
    try:
        with open(source, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if not data.startswith(magic):
        return None
    try:
        return _SafeUnpickler(io.BytesIO(memoryview(data)[len(magic) :])).load()
    except Exception:  # a damaged or foreign file is only a cache missed
        return None


def write_aside(target: Path, fill: Callable[[Any], None]) -> None:
    """Write ``target`` whole or not at all: ``fill`` writes a temporary file beside it,
    renamed over it once written (a crash leaves the old file, or none). Best effort: a
    folder that cannot be written is left alone."""
    try:  # mkstemp: created exclusively (O_EXCL), under a name nobody can plant a link at
        fd, name = tempfile.mkstemp(prefix=f"{target.name}.tmp-", dir=target.parent)
    except OSError:
        return
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _encoded(table: dict[str, Any]) -> dict[str, Any]:
    """``table`` (:func:`~dutygraph.store.pickled._duty_table`) with each column of few
    distinct values as ``(values, row numbers as bytes)``; the others as they are."""
    return {**table, "columns": _encode(table["columns"]), "origins": _encode(table["origins"])}


def _decoded(table: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`_encoded`."""
    return {**table, "columns": _decode(table["columns"]), "origins": _decode(table["origins"])}


def _encode(columns: list[Any]) -> list[Any]:
    out: list[Any] = []
    for col in columns:
        if not col:  # None (the origins' place), or no rows
            out.append(col)
            continue
        attrs = col[0].__class__ is dict
        if attrs and not any(col):  # attrs, every one empty (the common case)
            out.append(([EMPTY_ATTRS], "B", bytes(len(col))))
            continue
        sample = col[:: max(1, len(col) // _SAMPLE)]
        try:
            if not attrs and hash(col[0]) is not None and col.count(col[0]) == len(col):
                out.append(([col[0]], "B", bytes(len(col))))  # one value in every row
                continue
            if len(set(map(_dict_key, sample) if attrs else sample)) >= _SHARED * len(sample):
                out.append(col)  # mostly distinct (judged on a sample: both ways read back equal)
                continue
            # the distinct values in the order met, then each row's number among them: the
            # loops in C (a Python loop over a province's rows took a second a write)
            keys = list(map(_dict_key, col)) if attrs else col
            number: dict[Any, Any] = dict.fromkeys(keys)
        except TypeError:  # a value that cannot be hashed
            out.append(col)
            continue
        if len(number) >= _SHARED * len(col):
            out.append(col)
            continue
        for k, key in enumerate(number):
            number[key] = k
        code = "B" if len(number) <= 0xFF else "H" if len(number) <= 0xFFFF else "I"
        rows = array(code, map(number.__getitem__, keys))
        if attrs:  # one of the equal attrs for all; the empty one as the tables' reader has it
            one = dict(zip(keys, col, strict=True))
            values = [one[key] or EMPTY_ATTRS for key in number]
        else:
            values = list(number)
        out.append((values, code, rows.tobytes()))
    return out


def _dict_key(value: Any) -> Any:
    return tuple(value.items()) if value.__class__ is dict else value


def _decode(columns: list[Any]) -> list[Any]:
    out: list[Any] = []
    for col in columns:
        if col.__class__ is tuple:
            values, code, raw = col
            rows = array(code)
            rows.frombytes(raw)
            out.append(
                [values[0]] * len(rows) if len(values) == 1 else list(map(values.__getitem__, rows))
            )
        else:
            out.append(col)
    return out
