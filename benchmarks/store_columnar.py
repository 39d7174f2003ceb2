"""A measured design (not the store's path): the duties' primary copy as a columnar file
beside the SQLite store, against today's import and against today's schema with the
secondary duty indexes deferred (#16: a national import in ≤ 60 s).

    python benchmarks/store_columnar.py run BUNDLE WORKDIR [--rounds 2] [--variants today,B,Bf,Bc,B2,C]
        [--reads [--write-rounds 5] [--open-mapped-only] [--item I --region R]] [--skip-imports]
    python benchmarks/store_columnar.py check TODAY.db B.db [--pairs 300]   # untimed: same duties, same answers
    python benchmarks/store_columnar.py import VARIANT BUNDLE OUT.db      # one import, this process
    python benchmarks/store_columnar.py lead VARIANT STORE ITEM REGION    # one-shot who-leads
    python benchmarks/store_columnar.py open VARIANT STORE                # serve's whole-graph open
    python benchmarks/store_columnar.py write VARIANT STORE               # a 10-duty small write

``run`` makes each import in a fresh process, the variants interleaved (today, B, B2, C,
then again: ``--rounds``), each process's wall (the parent's clock) and CPU and peak RSS
(``wait4``); then the reads and writes on the stores of the last round, again each in a
fresh process and interleaved. Every variant runs ``dutygraph load BUNDLE --store OUT.db``
through the CLI in its process (the same read, parse, citation resolution, checks and
plan; the same streamed duty slices, checked and their keys hashed by the importer's
``_Stream``); they differ only in what ``bulk.build_aside``'s ``write_bulk`` does with
the duties:

- **today**: ``write_bulk`` as shipped (duty rows, duty_basis, the five duty indexes);
- **B** (the duties' primary copy columnar): the slices are encoded as they come
  (strings dictionary-encoded per column, the source kept whole), then sorted by
  (item, region, role) and written as ``.npy`` files into a new generation folder
  ``.OUT.db.duties/g1-PID/`` (each file fsynced, then the folder); its secondary
  "indexes" are permutations in the same folder (by department, by source's list, by
  basis). SQLite gets every other record as today (``write_bulk`` without duties, the
  same transaction) and one ``meta`` row naming the generation, so a reader sees the old
  generation or the new, never a half one;
- **B2**: B, and SQLite also holds a small key index of the duties: ``duty_site``
  (item, region) → the generation's row range, WITHOUT ROWID, filled in sorted order;
- **Bf**: B with each slice's dictionary columns coded from the parsed polars frame the slice
  was converted from (``bundle._duty_columns``'s, its categorical codes), each code's value
  taken from the checked columns;
- **Bc**: B handed the parse's own codes: ``bundle._duty_columns`` made again from its source
  keeping, for each column it converts through its distinct values, the Enum codes and the
  converted values (the rows and their checks unchanged; :func:`_keeping_codes`);
- **C** (today's schema, secondary indexes deferred): the duty rows and ``duty_by_key``
  in the build (the import's commit and link: answers possible), then in a second
  transaction on the linked store duty_basis filled and duty_by_department,
  duty_by_source and duty_basis's two indexes made; the wall until answers and the total.

Crash safety of B (by construction, not tested here): a crash before the SQLite commit
leaves a generation folder no ``meta`` row names (swept by the next write, as
``bulk.sweep_builds`` sweeps hidden builds); after it the folder is whole (fsynced before
the commit). For a new store built aside the link is still the one commit point.

``lead``: who-leads in a fresh process (``EmbeddedStore.reader()``; B's duty look-ups
answered by a binary search over the memory-mapped ``site`` column, every other table
from SQLite; a tripwire counts any read of the duty table itself). ``open``: the whole
graph for ``serve`` (today: ``EmbeddedStore.graph()`` from the tables, then again from
its graph-cache in a second process; B: the columns mapped, and mapped plus decoded into
today's ``DutyColumns``). ``write``: ten duties changed (each one's ``valid_to`` set), in
one transaction: today's ``apply_changes`` upsert into the indexed duty table vs B's
insert into a ``duty_delta`` side table (the overlay a reader merges; folded into the
next generation by the next import); the transaction's wall including ``COMMIT``. ``check``: B's duties read back in
store order against today's rows, and who-leads / who-assists on random pairs on both.

Results: ``benchmarks/results/store_columnar_s16*.txt`` (national, region4, and the summary).
"""

from __future__ import annotations

import argparse
import ast
import bisect
import contextlib
import json
import mmap
import os
import resource
import sqlite3
import subprocess
import sys
import time
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

HERE = os.path.abspath(__file__)
T0 = time.perf_counter()
STEPS: dict[str, tuple[float, float]] = {}
#: Bc: the codes the parse made for the duty slice being converted, by column, and its rows
CODES: list[tuple[dict[str, tuple[Any, list[Any]]], range | list[int]]] = []
#: Bf: the parsed frame of the duty slice being converted (``bundle._duty_columns``'s)
FRAMES: list[Any] = []
#: the DutyColumns columns, by name (department, item, region, role, bases, valid_from,
#: valid_to, source, line, attrs, origin.file, origin.row, origin.sheet, origin.version)
DICT_COLS = ("department", "item", "region", "role", "bases", "valid_from", "valid_to", "line")
ORIGIN_DICT = ("origin.file", "origin.sheet", "origin.version")
ROLES = ("assist", "lead")  # role codes after sorting (the dictionary is sorted)


def _now() -> tuple[float, float]:
    """The wall clock and this process's CPU time (all its threads)."""
    return time.perf_counter(), time.process_time()


def _step(name: str, since: tuple[float, float], less: tuple[float, float] = (0.0, 0.0)) -> None:
    """Add the wall and CPU seconds from ``since`` to now (less ``less``) to step ``name``."""
    w, c = STEPS.get(name, (0.0, 0.0))
    STEPS[name] = (
        w + time.perf_counter() - since[0] - less[0],
        c + time.process_time() - since[1] - less[1],
    )


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fsync(path: str | Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- strings


def _write_strings(folder: Path, name: str, values: list[str]) -> None:
    """``values`` as UTF-8 bytes and int64 offsets (``NAME.bytes``, ``NAME.off.npy``)."""
    import numpy as np

    enc = [v.encode() for v in values]
    off = np.zeros(len(enc) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, enc), dtype=np.int64, count=len(enc)), out=off[1:])
    with open(folder / f"{name}.bytes", "wb") as f:
        f.write(b"".join(enc))
    np.save(folder / f"{name}.off.npy", off)


def mapped(path: Path) -> memoryview:
    """The data of an ``.npy`` file as a memoryview of its type over the mapped file
    (no numpy: a one-shot reader does not pay its import)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            return memoryview(b"")
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    major = mm[6]
    hlen = int.from_bytes(mm[8:10] if major == 1 else mm[8:12], "little")
    start = (10 if major == 1 else 12) + hlen
    header = ast.literal_eval(mm[start - hlen : start].decode("latin1"))
    code = _TYPECODES[header["descr"]]
    return memoryview(mm)[start:].cast(code)


_TYPECODES = {"<i2": "h", "<i4": "i", "<i8": "q", "|i1": "b", "|b1": "B"}


class Strings:
    """Mapped strings (:func:`_write_strings`): one decoded as asked, a sorted dictionary
    searched by bisection (only its probed entries decoded)."""

    def __init__(self, folder: Path, name: str) -> None:
        self.off = mapped(folder / f"{name}.off.npy")
        path = folder / f"{name}.bytes"
        if os.path.getsize(path):
            with open(path, "rb") as f:
                self.buf: Any = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        else:
            self.buf = b""
        self._memo: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.off) - 1

    def __getitem__(self, k: int) -> str:
        s = self._memo.get(k)
        if s is None:
            s = self._memo[k] = self.buf[self.off[k] : self.off[k + 1]].decode()
        return s

    def code(self, value: str) -> int | None:
        k = bisect.bisect_left(self, value)  # type: ignore[arg-type]
        return k if k < len(self) and self[k] == value else None


# --------------------------------------------------------------------------- B: the writer


class ColumnarWriter:
    """Duty slices encoded as they come, then sorted and written as one generation."""

    def __init__(self) -> None:
        from dutygraph.columns import COLUMNS

        self.names = COLUMNS
        self.dicts: dict[str, dict[Any, int]] = {c: {} for c in (*DICT_COLS, *ORIGIN_DICT)}
        self.codes: dict[str, array[int]] = {c: array("i") for c in self.dicts}
        self.rows = array("i")
        self.attrs: dict[str, int] = {"": 0}
        self.attr_codes = array("i")
        self.source: list[bytes] = []  # each slice's sources as UTF-8, in store order
        self.source_len = array("q")
        self.source_null = array("b")
        self.lists: dict[str, int] = {}  # a source's list (before "#"), for by_source_list
        self.list_codes = array("i")
        self.n = 0

    def add_frame(self, frame: Any, header: list[str], part: Any) -> None:
        """Variant Bf: the slice's dictionary columns and sources encoded from the parsed
        polars frame it was converted from (its categorical codes, made in Rust), each code's
        value taken from the converted column at its first row (so the values stored are
        the checked ones) and mapped to the writer's dictionary; the rest as :meth:`add`."""
        import numpy as np
        import polars as pl

        cols = dict(zip(self.names, part.columns, strict=True))
        names = {c: k for k, c in enumerate(header)}  # the frame's columns are the header's

        def coded(cells: Any, col: list[Any], d: dict[Any, int]) -> bytes:
            local = cells.cast(pl.Categorical).to_physical().to_numpy()
            uniq, first = np.unique(local, return_index=True)
            lut = np.zeros(int(uniq[-1]) + 1, dtype=np.int32)
            for c, k in zip(uniq.tolist(), first.tolist(), strict=True):
                lut[c] = d.setdefault(col[k], len(d))
            return lut[local].tobytes()  # type: ignore[no-any-return]

        for name in DICT_COLS:
            d = self.dicts[name]
            col = cols[name]
            if name not in names:  # not in the file: one value throughout
                code = d.setdefault(col[0], len(d))
                self.codes[name].extend(array("i", [code]) * len(col))
                continue
            cells = frame.get_column(frame.columns[names[name]]).fill_null("")
            self.codes[name].frombytes(coded(cells, col, d))
        src = frame.get_column(frame.columns[names["source"]])
        self.source_null.frombytes(src.is_null().cast(pl.Int8).to_numpy().tobytes())
        src = src.fill_null("")
        self.source.append(src.str.join("").item().encode())
        self.source_len.frombytes(src.str.len_bytes().cast(pl.Int64).to_numpy().tobytes())
        heads = src.str.split_exact("#", 1).struct.field("field_0").fill_null("")
        self.list_codes.frombytes(coded(heads, heads.to_list(), self.lists))
        self._rest(cols, skip=DICT_COLS)
        self.n += len(part)

    def add_codes(self, kept: dict[str, tuple[Any, list[Any]]], part: Any) -> None:
        """Variant Bc: the columns the parse coded (its Enum codes and each distinct value's
        conversion, :func:`_keeping_codes`) mapped through the writer's dictionaries (one
        look-up per distinct value), the rest as :meth:`add`."""
        import numpy as np

        cols = dict(zip(self.names, part.columns, strict=True))
        done = []
        for name, (codes, table_of) in kept.items():
            d = self.dicts[name]
            lut = np.fromiter(
                (d.setdefault(v, len(d)) for v in table_of), dtype=np.int32, count=len(table_of)
            )
            self.codes[name].frombytes(lut[codes].tobytes())
            done.append(name)
        self._rest(cols, skip=tuple(done))
        self._sources(cols)
        self.n += len(part)

    def add(self, part: Any) -> None:
        cols = dict(zip(self.names, part.columns, strict=True))
        self._rest(cols, skip=())
        self._sources(cols)
        self.n += len(part)

    def _sources(self, cols: dict[str, Any]) -> None:
        src = cols["source"]
        if None in src:
            self.source_null.extend(s is None for s in src)
            src = [s or "" for s in src]
        else:
            self.source_null.extend(bytes(len(src)))
        enc = [s.encode() for s in src]
        self.source.append(b"".join(enc))
        self.source_len.extend(map(len, enc))
        lists = self.lists
        heads = [s.partition("#")[0] for s in src]
        for h in set(heads).difference(lists):
            lists[h] = len(lists)
        self.list_codes.extend(map(lists.__getitem__, heads))

    def _rest(self, cols: dict[str, Any], skip: tuple[str, ...]) -> None:
        for name, d in self.dicts.items():
            if name in skip:
                continue
            col = cols[name]
            if col and col.count(col[0]) == len(col):  # one value throughout (origin's file, …)
                code = d.setdefault(col[0], len(d))
                self.codes[name].extend(array("i", [code]) * len(col))
                continue
            if name == "bases":  # tuples: each distinct object hashed once (by its id)
                local: dict[int, int] = {}
                for obj in {id(v): v for v in col}.values():
                    local[id(obj)] = d.setdefault(obj, len(d))
                self.codes[name].extend(map(local.__getitem__, map(id, col)))
                continue
            new = set(col).difference(d)
            for v in new:
                d[v] = len(d)
            self.codes[name].extend(map(d.__getitem__, col))
        self.rows.extend(cols["origin.row"])
        attrs = cols["attrs"]
        if any(attrs):
            for a in attrs:
                s = json.dumps(a, ensure_ascii=False, sort_keys=True) if a else ""
                self.attr_codes.append(self.attrs.setdefault(s, len(self.attrs)))
        else:
            self.attr_codes.extend(array("i", bytes(4 * len(attrs))))

    def finish(self, folder: Path, sites: bool) -> tuple[int, list[tuple[str, str, int, int]]]:
        """Sort, write the generation into ``folder`` (fsynced); its row count, and
        (with ``sites``) the (item, region, lo, hi) ranges for B2's key index."""
        import numpy as np

        t = _now()
        folder.mkdir(parents=True)
        sorted_codes: dict[str, np.ndarray] = {}
        dict_values: dict[str, list[Any]] = {}
        for name, d in self.dicts.items():
            vals = list(d)  # in code order
            order = sorted(range(len(vals)), key=lambda k: _sort_key(vals[k]))
            rank = np.empty(len(vals), dtype=np.int32)
            rank[order] = np.arange(len(vals), dtype=np.int32)
            codes = np.frombuffer(self.codes[name], dtype=np.int32)
            sorted_codes[name] = rank[codes]
            dict_values[name] = [vals[k] for k in order]
            self.codes[name] = array("i")
        n_reg = len(dict_values["region"])
        site = (
            sorted_codes["item"].astype(np.int64) * n_reg + sorted_codes["region"]
        ) * 4 + sorted_codes["role"]
        _step("B: dictionaries sorted, codes remapped", t)
        t = _now()
        perm = np.argsort(site, kind="stable").astype(np.int32)
        _step("B: sort by (item, region, role)", t)
        t = _now()
        np.save(folder / "site.npy", site[perm])
        np.save(folder / "n.npy", perm)  # each row's store order (first written)
        for name, codes in sorted_codes.items():
            small = np.int16 if len(dict_values[name]) < 2**15 else np.int32
            np.save(folder / f"{name}.npy", codes[perm].astype(small))
            _write_strings(folder, f"{name}.dict", [_dict_text(v) for v in dict_values[name]])
        np.save(folder / "origin.row.npy", np.frombuffer(self.rows, dtype=np.int32)[perm])
        attr_codes = np.frombuffer(self.attr_codes, dtype=np.int32)[perm]
        np.save(folder / "attrs.npy", attr_codes.astype(np.int16))
        _write_strings(folder, "attrs.dict", list(self.attrs))
        # the sources stay in store order (row k's is at n[k]: no strings moved)
        with open(folder / "source.bytes", "wb") as f:
            for blob in self.source:
                f.write(blob)
        self.source = []
        off = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(self.source_len, dtype=np.int64), out=off[1:])
        np.save(folder / "source.off.npy", off)
        np.save(folder / "source.null.npy", np.frombuffer(self.source_null, dtype=np.int8))
        _step("B: columns written", t)
        t = _now()
        # the secondary look-ups, as permutations of the sorted rows
        dept = sorted_codes["department"][perm]
        np.save(folder / "by_department.npy", np.argsort(dept, kind="stable").astype(np.int32))
        lists = self.lists
        order = sorted(range(len(lists)), key=list(lists).__getitem__)
        rank = np.empty(len(lists), dtype=np.int32)
        rank[order] = np.arange(len(lists), dtype=np.int32)
        prefix = rank[np.frombuffer(self.list_codes, dtype=np.int32)]  # store order
        row_of = np.empty(self.n, dtype=np.int32)  # store order -> sorted row
        row_of[perm] = np.arange(self.n, dtype=np.int32)
        by_list = np.argsort(prefix, kind="stable")
        np.save(folder / "by_source_list.npy", row_of[by_list])
        np.save(
            folder / "by_source_list.at.npy",
            np.searchsorted(prefix[by_list], np.arange(len(lists) + 1)),
        )
        _write_strings(folder, "source_list.dict", sorted(lists))
        _step("B: by department, by source's list", t)
        t = _now()
        bases = sorted_codes["bases"][perm]
        tuples = dict_values["bases"]
        basis_ids = sorted({b for tup in tuples for b in tup})
        at = {b: k for k, b in enumerate(basis_ids)}
        by_tuple = np.argsort(bases, kind="stable")
        bounds = np.searchsorted(bases[by_tuple], np.arange(len(tuples) + 1))
        groups: list[list[np.ndarray]] = [[] for _ in basis_ids]
        for c, tup in enumerate(tuples):
            rows = by_tuple[bounds[c] : bounds[c + 1]]
            for b in tup:
                groups[at[b]].append(rows)
        flat = [np.sort(np.concatenate(g)) if g else np.zeros(0, np.int64) for g in groups]
        off = np.zeros(len(flat) + 1, dtype=np.int64)
        np.cumsum([len(g) for g in flat], out=off[1:])
        np.save(folder / "by_basis.npy", np.concatenate(flat).astype(np.int32))
        np.save(folder / "by_basis.off.npy", off)
        _write_strings(folder, "basis.dict", basis_ids)
        _step("B: by basis", t)
        t = _now()
        meta = {"rows": self.n, "regions": n_reg, "format": 1}
        (folder / "meta.json").write_text(json.dumps(meta))
        for f in os.listdir(folder):
            _fsync(folder / f)
        _fsync(folder, directory=True)
        _fsync(folder.parent, directory=True)
        _step("B: fsync of the generation", t)
        ranges: list[tuple[str, str, int, int]] = []
        if sites:
            t = _now()
            s = site[perm] // 4
            starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
            ends = np.r_[starts[1:], len(s)]
            items, regions = dict_values["item"], dict_values["region"]
            keys = s[starts]
            ranges = list(
                zip(
                    [items[k] for k in (keys // n_reg).tolist()],
                    [regions[k] for k in (keys % n_reg).tolist()],
                    starts.tolist(),
                    ends.tolist(),
                    strict=True,
                )
            )
            _step("B2: site ranges made", t)
        return self.n, ranges


def _sort_key(v: Any) -> tuple[int, Any]:
    if v is None:
        return (0, "")
    if isinstance(v, tuple):
        return (1, json.dumps(list(v), ensure_ascii=False))
    return (1, str(v))


def _dict_text(v: Any) -> str:
    """A dictionary entry as stored text: ``None`` as ``\\x00``, a tuple as JSON."""
    if v is None:
        return "\x00"
    if isinstance(v, tuple):
        return json.dumps(list(v), ensure_ascii=False)
    return str(v)


def _keeping_codes() -> None:
    """Variant Bc: ``bundle._duty_columns`` made again from its own source with one change:
    where it converts a column through its distinct values (Enum codes, then each distinct
    value converted once), the codes (numpy) and the converted values are kept in
    :data:`CODES` as well as expanded into the list it returns (the rows and their checks
    unchanged). What a store writing codes would take from the parse at no further cost."""
    import inspect
    import textwrap

    from dutygraph.io import bundle as bundle_io

    src = textwrap.dedent(inspect.getsource(bundle_io._duty_columns))
    old = "            codes = cells.cast(pl.Enum(distinct)).to_physical().to_list()\n"
    assert src.count(old) == 1, "bundle._duty_columns changed: the Bc patch does not apply"
    src = src.replace(
        old,
        "            _np_codes = cells.cast(pl.Enum(distinct)).to_physical().to_numpy()\n"
        "            codes = _np_codes.tolist()\n"
        "            _kept[name] = (_np_codes, table_of)\n",
    )
    start = "    n = len(rows) if frame is None else frame.height\n"
    assert src.count(start) == 1
    src = src.replace(start, start + "    _kept: dict = {}\n")
    end = "    return DutyColumns.wrap(columns), bad\n"
    assert src.count(end) == 1
    src = src.replace(
        end, "    if frame is not None:\n        _CODES.append((_kept, numbers))\n" + end
    )
    space = dict(vars(bundle_io))
    space["_CODES"] = CODES
    exec(compile(src, bundle_io.__file__, "exec"), space)
    bundle_io._duty_columns = space["_duty_columns"]


def generations(store: Path) -> Path:
    return store.with_name(f".{store.name}.duties")


# --------------------------------------------------------------------------- imports


def run_import(variant: str, bundle: str, out: str) -> None:
    from dutygraph.cli.main import main as cli
    from dutygraph.store.base import ChangeSet
    from dutygraph.store.sqlite import bulk, schema, writes

    store = Path(out)
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{out}{suffix}")
    if generations(store).exists():
        subprocess.run(["rm", "-rf", str(generations(store))], check=True)
    orig_write_bulk = bulk.write_bulk
    orig_build_aside = bulk.build_aside
    marks: dict[str, float] = {}

    def traced_build_aside(path: Path, changes: Any, finish: Any) -> bool:
        marks["build_aside starts"] = time.perf_counter() - T0
        marks["cpu at build_aside"] = _cpu()
        try:
            return orig_build_aside(path, changes, finish)
        finally:
            marks["linked (answers possible)"] = time.perf_counter() - T0

    bulk.build_aside = traced_build_aside  # type: ignore[assignment]

    def columnar_write_bulk(conn: sqlite3.Connection, changes: Any) -> None:
        w = ColumnarWriter()
        t = _now()
        enc = [0.0, 0.0]
        for part in changes.duties.slices():
            e = _now()
            if variant == "Bc":
                kept = CODES.pop()
                assert not CODES and len(kept[1]) == len(part), "a row left out: not prototyped"
                w.add_codes(kept[0], part)
            elif variant == "Bf":
                frame, header = FRAMES.pop()
                assert not FRAMES and frame.height == len(part), "a row left out: not prototyped"
                w.add_frame(frame, header, part)
            else:
                w.add(part)
            enc[0] += time.perf_counter() - e[0]
            enc[1] += time.process_time() - e[1]
            part = None
        _step("duties: read, parsed, converted, checked (the stream)", t, (enc[0], enc[1]))
        STEPS["B: slices encoded (dictionary codes, sources as bytes)"] = (enc[0], enc[1])
        gen = f"g1-{os.getpid()}"
        n, ranges = w.finish(generations(store) / gen, sites=variant == "B2")
        w = None  # type: ignore[assignment]
        t = _now()
        rest = ChangeSet(records=changes.records, log=changes.log)
        orig_write_bulk(conn, rest)
        _step("SQLite: the other records (write_bulk without duties)", t)
        t = _now()
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('duties', ?)", (json.dumps([gen, n]),))
        if variant == "B2":
            conn.execute(
                "CREATE TABLE duty_site (item TEXT, region TEXT, lo INTEGER, hi INTEGER, "
                "PRIMARY KEY (item, region)) WITHOUT ROWID"
            )
            conn.executemany("INSERT INTO duty_site VALUES (?, ?, ?, ?)", ranges)
            _step("B2: duty_site written", t)
        marks["duties written"] = time.perf_counter() - T0

    deferred: list[tuple[str, str]] = []

    def deferring_write_bulk(conn: sqlite3.Connection, changes: Any) -> None:
        """write_bulk with duty_basis left empty and the duty indexes but the key's
        left out (made after the link, :func:`_deferred`)."""
        orig_index_sql = bulk.index_sql

        def kept_back(c: sqlite3.Connection, tables: list[str]) -> list[tuple[str, str]]:
            got = orig_index_sql(c, tables)
            later = {"duty_by_department", "duty_by_source", "duty_basis_by_basis"}
            later.add("duty_basis_by_duty")
            deferred.extend((n, s) for n, s in got if n in later)
            return got  # all dropped before the rows; the deferred ones not made again

        orig_new = writes._write_new_duties

        def rows_only(c: sqlite3.Connection, duties: Any) -> None:
            t = _now()
            for sql, rows in writes._slices(duties):
                c.executemany(sql, rows)
            _step("C: duty rows (stream + insert)", t)

        bulk.index_sql = kept_back  # type: ignore[assignment]
        writes._write_new_duties = rows_only  # type: ignore[assignment]
        real_execute = conn.execute
        try:
            # the deferred indexes are dropped with the others; their CREATE is skipped
            class Skipping:
                def __getattr__(self, name: str) -> Any:
                    return getattr(conn, name)

                def execute(self, sql: str, *args: Any) -> Any:
                    if any(sql == s for _, s in deferred):
                        return None
                    t = _now()
                    try:
                        return real_execute(sql, *args)
                    finally:
                        if sql.startswith("CREATE"):
                            words = sql.split()
                            name = (
                                words[words.index("EXISTS") + 1] if "EXISTS" in words else sql[:30]
                            )
                            _step("C: index in the build: " + name, t)

            orig_write_bulk(Skipping(), changes)  # type: ignore[arg-type]
        finally:
            bulk.index_sql = orig_index_sql
            writes._write_new_duties = orig_new

    if variant == "Bf":
        from dutygraph.io import bundle as bundle_io

        orig_duty_columns = bundle_io._duty_columns

        def keeping_frame(table: Any, known: Any, version: Any, frame: Any, *rest: Any) -> Any:
            if frame is not None:
                FRAMES.append((frame, list(table.header)))
            return orig_duty_columns(table, known, version, frame, *rest)

        bundle_io._duty_columns = keeping_frame
    if variant == "Bc":
        _keeping_codes()
    if variant in ("B", "B2", "Bf", "Bc"):
        bulk.write_bulk = columnar_write_bulk  # type: ignore[assignment]
    elif variant == "C":
        bulk.write_bulk = deferring_write_bulk  # type: ignore[assignment]
    elif variant != "today":
        raise SystemExit(f"no variant {variant}")
    cpu0 = _cpu()
    debug = ["--debug"] if os.environ.get("STORE22_DEBUG") else []
    rc = cli(["--setting", "max_rows", "20000000", *debug, "load", bundle, "--store", out])
    assert rc in (0, None), rc
    marks["cli done"] = time.perf_counter() - T0
    if variant == "C":
        t = _now()
        conn = sqlite3.connect(out, isolation_level=None)
        conn.execute(f"PRAGMA cache_size=-{bulk.cache_kib(13_000_000)}")
        conn.execute("PRAGMA temp_store=FILE")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"{schema.BASES_OF_DUTIES} ORDER BY d.n")
        _step("C after: duty_basis fill", t)
        for name, sql in deferred:
            s = _now()
            conn.execute(sql)
            _step(f"C after: index {name}", s)
        s = _now()
        conn.execute("COMMIT")
        conn.close()
        _step("C after: COMMIT (WAL) and checkpoint", s)
        marks["deferred indexes done"] = time.perf_counter() - T0
    marks["cpu"] = _cpu() - cpu0
    size = os.path.getsize(out)
    gdir = generations(store)
    if gdir.exists():
        size += sum(f.stat().st_size for f in gdir.rglob("*") if f.is_file())
    print(json.dumps({"marks": marks, "steps": STEPS, "bytes": size, "peak": _peak()}))


# --------------------------------------------------------------------------- B: the reader


class Generation:
    """One generation's columns, memory-mapped; rows decoded only when asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        meta = json.loads((folder / "meta.json").read_text())
        self.n_reg = meta["regions"]
        self.site = mapped(folder / "site.npy")
        self.cols = {
            c: mapped(folder / f"{c}.npy")
            for c in (*DICT_COLS, *ORIGIN_DICT, "origin.row", "attrs")
        }
        self.dicts = {c: Strings(folder, f"{c}.dict") for c in (*DICT_COLS, *ORIGIN_DICT, "attrs")}
        self._source: Strings | None = None
        self._n: memoryview | None = None
        self._null: memoryview | None = None
        self._decoded: dict[str, dict[int, Any]] = {c: {} for c in self.dicts}

    def __len__(self) -> int:
        return len(self.site)

    def cols_n(self) -> memoryview:
        """Each sorted row's number in store order (first written)."""
        if self._n is None:
            self._n = mapped(self.folder / "n.npy")
        return self._n

    def value(self, col: str, k: int) -> Any:
        code = self.cols[col][k]
        memo = self._decoded[col]
        if code in memo:
            return memo[code]
        s = self.dicts[col][code]
        if col == "attrs":
            v: Any = json.loads(s) if s else {}
        elif col == "bases":
            v = tuple(json.loads(s))
        else:
            v = None if s == "\x00" else s
        memo[code] = v
        return v

    def rows_at(self, item: str, region: str, role: str | None) -> range:
        """The sorted rows of (item, region[, role]): two bisections of the mapped site column."""
        i, r = self.dicts["item"].code(item), self.dicts["region"].code(region)
        if i is None or r is None:
            return range(0)
        base = (i * self.n_reg + r) * 4
        if role is None:
            lo, hi = base, base + 4
        else:
            code = self.dicts["role"].code(role)
            if code is None:
                return range(0)
            lo, hi = base + code, base + code + 1
        a = bisect.bisect_left(self.site, lo)  # type: ignore[arg-type]
        return range(a, bisect.bisect_left(self.site, hi, lo=a))  # type: ignore[arg-type]

    def duty(self, k: int) -> Any:
        from dutygraph.model import EMPTY_ATTRS, Duty, Origin

        if self._source is None:
            self._source = Strings(self.folder, "source")
        v = self.value
        file = v("origin.file", k)
        origin = (
            Origin(file, self.cols["origin.row"][k], v("origin.sheet", k), v("origin.version", k))
            if file is not None
            else None
        )
        attrs = v("attrs", k) or EMPTY_ATTRS
        at = self.cols_n()[k]
        if self._null is None:
            self._null = mapped(self.folder / "source.null.npy")
        source = None if self._null[at] else self._source[at]
        return Duty(
            v("department", k),
            v("item", k),
            v("region", k),
            v("role", k),
            v("bases", k),
            v("valid_from", k),
            v("valid_to", k),
            source,
            v("line", k),
            attrs,
            origin,
        )


def columnar_reader(store: Path) -> tuple[Any, dict[str, int]]:
    """``EmbeddedStore(store).reader()`` with its duty look-ups answered from the
    generation ``meta`` names (and ``duty_delta``'s rows laid over it), and a count of
    reads of the duty table itself (the tripwire)."""
    from dutygraph.store import EmbeddedStore

    es = EmbeddedStore(store)
    r = es.reader()
    row = r._conn.execute("SELECT value FROM meta WHERE key = 'duties'").fetchone()
    gen = Generation(generations(store) / json.loads(row[0])[0])
    has_delta = (
        r._conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'duty_delta'").fetchone()
        is not None
    )
    trips = {"duty table reads": 0}
    real_where = r._duties.where

    def tripwire(cond: str, params: Any) -> list[Any]:
        trips["duty table reads"] += 1
        return real_where(cond, params)

    r._duties.where = tripwire

    def at(item: str, region: str, role: str | None) -> list[Any]:
        out = [gen.duty(k) for k in gen.rows_at(item, region, role)]
        if has_delta:
            from dutygraph.store.sqlite.schema import TABLES

            t = TABLES["duty"]
            sql = f"SELECT {t._read_cols} FROM duty_delta WHERE item = ? AND region = ?"
            got = t.decode(r._conn.execute(sql, (item, region)).fetchall())
            over = {d.key: d for d in got if role is None or d.role == role}
            out = [over.pop(d.key, d) for d in out] + list(over.values())
        return out

    def active(item: str, region: str, role: str, as_of: str) -> list[Any]:
        return [
            d
            for d in at(item, region, role)
            if (d.valid_from is None or d.valid_from <= as_of)
            and (d.valid_to is None or as_of < d.valid_to)
        ]

    r.active_duties_at = active
    r.duties_at = lambda item, region: at(item, region, None)
    return r, trips


def run_lead(variant: str, store: str, item: str, region: str) -> None:
    from dutygraph.analysis.resolve import who_leads
    from dutygraph.store import EmbeddedStore

    t = time.perf_counter()
    trips: dict[str, int] = {}
    if variant in ("B", "B2"):
        r, trips = columnar_reader(Path(store))
    else:
        r = EmbeddedStore(store).reader()
    got = who_leads(r, item, region, "2025-06-01")
    depts = got.departments()
    wall = time.perf_counter() - t
    print(
        json.dumps(
            {
                "answer": depts,
                "seconds in process (open + who-leads)": wall,
                "since start": time.perf_counter() - T0,
                **trips,
                "peak": _peak(),
            },
            ensure_ascii=False,
        )
    )


def run_open(variant: str, store: str) -> None:
    t = time.perf_counter()
    out: dict[str, Any] = {}
    if variant == "today":
        from dutygraph.store import EmbeddedStore

        g = EmbeddedStore(store).graph()
        out["duties"] = len(g.duties)
    else:
        con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        gen_name = json.loads(
            con.execute("SELECT value FROM meta WHERE key='duties'").fetchone()[0]
        )[0]
        gen = Generation(generations(Path(store)) / gen_name)
        out["duties"] = len(gen.site)
        out["mapped"] = time.perf_counter() - t
        if variant == "B-decoded":  # today's in-memory columns made from the mapped ones
            from dutygraph.columns import DutyColumns

            cols = []
            for name in ("department", "item", "region", "role", "bases", "valid_from", "valid_to"):
                d = gen.dicts[name]
                table = [
                    None
                    if (s := d[k]) == "\x00"
                    else (tuple(json.loads(s)) if name == "bases" else s)
                    for k in range(len(d))
                ]
                cols.append([table[c] for c in gen.cols[name].tolist()])
            src = Strings(gen.folder, "source")
            blob = bytes(src.buf).decode() if len(src) else ""
            off = src.off.tolist()
            # the byte offsets are of UTF-8; generated sources are ASCII (checked)
            assert len(blob) == off[-1]
            cols.append([blob[off[k] : off[k + 1]] for k in gen.cols_n().tolist()])
            d = gen.dicts["line"]
            table = [None if (s := d[k]) == "\x00" else s for k in range(len(d))]
            cols.append([table[c] for c in gen.cols["line"].tolist()])
            cols.append([{}] * len(gen.site))
            for name in ("origin.file",):
                d = gen.dicts[name]
                table = [None if (s := d[k]) == "\x00" else s for k in range(len(d))]
                cols.append([table[c] for c in gen.cols[name].tolist()])
            cols.append(gen.cols["origin.row"].tolist())
            for name in ("origin.sheet", "origin.version"):
                d = gen.dicts[name]
                table = [None if (s := d[k]) == "\x00" else s for k in range(len(d))]
                cols.append([table[c] for c in gen.cols[name].tolist()])
            dc = DutyColumns.wrap(cols)
            out["duties"] = len(dc)
    out["seconds"] = time.perf_counter() - t
    out["peak"] = _peak()
    print(json.dumps(out))


def run_write(variant: str, store: str) -> None:
    """Ten duties changed (``valid_to`` set), one transaction, wall including COMMIT."""
    from dutygraph.columns import DutyColumns
    from dutygraph.store.sqlite import schema, writes

    con = sqlite3.connect(store, isolation_level=None)
    if variant == "today":
        t = schema.TABLES["duty"]
        rows = con.execute(
            f"SELECT {t._read_cols} FROM duty WHERE n IN (1000, 2000, 3000, 4000, 5000, "
            "6000, 7000, 8000, 9000, 10000)"
        ).fetchall()
        old = t.decode(rows)
    else:
        gen_name = json.loads(
            con.execute("SELECT value FROM meta WHERE key='duties'").fetchone()[0]
        )[0]
        gen = Generation(generations(Path(store)) / gen_name)
        old = [gen.duty(k) for k in range(1000, 10001, 1000)]
        con.execute(schema.TABLES["duty"].create_sql("duty_delta"))
        con.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS duty_delta_by_key ON duty_delta "
            f"({', '.join(schema.KEY_SQL)})"
        )
    import dataclasses

    new = [dataclasses.replace(d, valid_to="2026-12-31") for d in old]
    cols = DutyColumns.from_records(new)
    t0 = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    if variant == "today":
        writes.apply_changes(con, type("C", (), {"records": [], "duties": cols})())  # type: ignore[arg-type]
    else:
        upsert = schema.TABLES["duty"].upsert_sql().replace('INTO "duty" (', 'INTO "duty_delta" (')
        con.executemany(upsert, list(schema.duty_rows(cols)))
    con.execute("UPDATE meta SET value = value + 1 WHERE key = 'writes'")
    con.execute("COMMIT")
    wall = time.perf_counter() - t0
    con.close()
    print(json.dumps({"write seconds (BEGIN to COMMIT)": wall, "rows": len(new), "peak": _peak()}))


def run_check(today: str, columnar: str, pairs: int) -> None:
    """Untimed: B's duties equal today's, row for row in store order (B's ``n``), and
    who-leads and who-assists give the same departments on ``pairs`` random (item, region)."""
    import random

    from dutygraph.analysis.resolve import who_assists, who_leads
    from dutygraph.store import EmbeddedStore
    from dutygraph.store.sqlite.schema import TABLES

    t = TABLES["duty"]
    con = sqlite3.connect(f"file:{today}?mode=ro", uri=True)
    mine = t.decode(con.execute(t.select_sql(order="n")).fetchall())
    gen_name = json.loads(
        sqlite3.connect(columnar).execute("SELECT value FROM meta WHERE key='duties'").fetchone()[0]
    )[0]
    gen = Generation(generations(Path(columnar)) / gen_name)
    order = sorted(range(len(gen.site)), key=gen.cols_n().__getitem__)
    theirs = [gen.duty(k) for k in order]
    same = mine == theirs
    first = next((k for k, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b), None)
    items = [r[0] for r in con.execute("SELECT id FROM item")]
    regions = [r[0] for r in con.execute("SELECT id FROM region")]
    rng = random.Random(16)
    a = EmbeddedStore(today).reader()
    b, trips = columnar_reader(Path(columnar))
    differ = 0
    for _ in range(pairs):
        it, rg = rng.choice(items), rng.choice(regions)
        for ask in (who_leads, who_assists):
            if (
                ask(a, it, rg, "2025-06-01").departments()
                != ask(b, it, rg, "2025-06-01").departments()
            ):
                differ += 1
    print(
        json.dumps(
            {
                "duties": [len(mine), len(theirs)],
                "equal in store order": same,
                "first difference": first,
                "pairs asked": pairs,
                "answers differing": differ,
                **trips,
            }
        )
    )


# --------------------------------------------------------------------------- the driver


def child(args: list[str]) -> dict[str, Any]:
    import tempfile

    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        t = time.perf_counter()
        p = subprocess.Popen([sys.executable, HERE, *args], stdout=fo, stderr=fe, text=True)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{args} failed:\n{err[-3000:]}")
    got = json.loads(out.strip().splitlines()[-1])
    got["wall"] = wall
    got["cpu"] = ru.ru_utime + ru.ru_stime
    got["peak rss MB"] = ru.ru_maxrss / 1024
    return got


def _interleaved(rounds: int, cases: list[tuple[str, list[str]]], line: Any) -> None:
    """Each case in a fresh process, the cases interleaved, ``rounds`` times; one line each."""
    for rnd in range(rounds):
        for v, args in cases:
            print(f"round {rnd + 1} {line(v, child(args))}", flush=True)


def drive(a: argparse.Namespace) -> None:
    work = Path(a.workdir)
    work.mkdir(parents=True, exist_ok=True)
    variants = a.variants.split(",")
    print(f"# {a.bundle} -> {work}; variants {variants}, {a.rounds} round(s) interleaved")
    print(f"# start load {os.getloadavg()[0]:.2f}, {time.strftime('%H:%M:%S', time.gmtime())} UTC")
    results: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    if not a.skip_imports:
        for rnd in range(a.rounds):
            for v in variants:
                load = os.getloadavg()[0]
                got = child(["import", v, a.bundle, str(work / f"{v}.db")])
                got["load"] = load
                results[v].append(got)
                m = got["marks"]
                print(
                    f"round {rnd + 1} {v:6s} wall {got['wall']:7.2f} s  CPU {got['cpu']:7.2f} s  "
                    f"peak {got['peak rss MB']:6.0f} MB  answers possible at "
                    f"{m.get('linked (answers possible)', 0):7.2f} s  bytes {got['bytes']:,}  "
                    f"load {load:.2f}",
                    flush=True,
                )
        for v in variants:
            print(f"\n## {v}: steps (seconds, last round) and marks")
            last = results[v][-1]
            print("    wall     CPU  step")
            for k, (s, c) in sorted(last["steps"].items(), key=lambda kv: -kv[1][1]):
                print(f"{s:8.2f} {c:7.2f}  {k}")
            for k, s in last["marks"].items():
                print(f"{s:8.2f}  mark: {k}")
    if a.reads:
        print("\n## reads and writes (fresh processes, interleaved)")
        item, region = a.item, a.region
        both = [v for v in ("today", "B") if v in variants]

        def lead(v: str, got: dict[str, Any]) -> str:
            return (
                f"lead  {v:6s} process wall {got['wall']:.3f} s, CPU {got['cpu']:.3f} s, "
                f"peak {got['peak rss MB']:.0f} MB; in process "
                f"{got['seconds in process (open + who-leads)']:.3f} s; answer {got['answer']}; "
                f"duty table reads {got.get('duty table reads', '-')}"
            )

        def opened(v: str, got: dict[str, Any]) -> str:
            return (
                f"open  {v:9s} process wall {got['wall']:.2f} s, CPU {got['cpu']:.2f} s, "
                f"peak {got['peak rss MB']:.0f} MB; in process {got['seconds']:.2f} s; "
                f"{got['duties']:,} duties"
            )

        def wrote(v: str, got: dict[str, Any]) -> str:
            ms = got["write seconds (BEGIN to COMMIT)"] * 1000
            return f"write {v:6s} {ms:.1f} ms ({got['rows']} duties changed, BEGIN to COMMIT)"

        opens = [("today", "today"), ("B", "B"), ("B-decoded", "B")]
        opens = [(v, s) for v, s in (opens[1:2] if a.open_mapped_only else opens) if s in variants]
        _interleaved(
            a.rounds, [(v, ["lead", v, str(work / f"{v}.db"), item, region]) for v in both], lead
        )
        _interleaved(a.rounds, [(v, ["open", v, str(work / f"{s}.db")]) for v, s in opens], opened)
        _interleaved(
            a.write_rounds, [(v, ["write", v, str(work / f"{v}.db")]) for v in both], wrote
        )
    print(f"# end load {os.getloadavg()[0]:.2f}, {time.strftime('%H:%M:%S', time.gmtime())} UTC")


def main() -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "..", "src"))
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("bundle")
    r.add_argument("workdir")
    r.add_argument("--rounds", type=int, default=2)
    r.add_argument("--variants", default="today,B,B2,C")
    r.add_argument("--skip-imports", action="store_true")
    r.add_argument("--reads", action="store_true")
    r.add_argument("--write-rounds", type=int, default=5)
    r.add_argument(
        "--open-mapped-only",
        action="store_true",
        help="open only B's mapped columns (national: today's whole read takes GBs)",
    )
    r.add_argument("--item", default="I0100")
    r.add_argument("--region", default="110101")
    i = sub.add_parser("import")
    i.add_argument("variant")
    i.add_argument("bundle")
    i.add_argument("out")
    le = sub.add_parser("lead")
    le.add_argument("variant")
    le.add_argument("store")
    le.add_argument("item")
    le.add_argument("region")
    o = sub.add_parser("open")
    o.add_argument("variant")
    o.add_argument("store")
    c = sub.add_parser("check")
    c.add_argument("today")
    c.add_argument("columnar")
    c.add_argument("--pairs", type=int, default=300)
    w = sub.add_parser("write")
    w.add_argument("variant")
    w.add_argument("store")
    a = ap.parse_args()
    if a.cmd == "run":
        drive(a)
    elif a.cmd == "import":
        run_import(a.variant, a.bundle, a.out)
    elif a.cmd == "lead":
        run_lead(a.variant, a.store, a.item, a.region)
    elif a.cmd == "open":
        run_open(a.variant, a.store)
    elif a.cmd == "check":
        run_check(a.today, a.columnar, a.pairs)
    elif a.cmd == "write":
        run_write(a.variant, a.store)


if __name__ == "__main__":
    main()
