"""Read a dutygraph bundle (SPEC §4): a folder of CSV files or one XLSX workbook.

Each file (or sheet) named after a table — ``regions``, ``region_groups``,
``departments``, ``items``, ``bases``, ``duties``, ``behaviors``,
``business_forms`` — becomes records of that kind. Cells are checked one by
one and every problem is collected with its file, sheet, row and column;
cross-references are checked later, against the store, by
:mod:`dutygraph.validation`.

>>> from dutygraph.fixtures import DEMO_PATH
>>> batch = read_bundle(DEMO_PATH)
>>> batch.problems
[]
>>> sorted(batch.counts().items())[:3]
[('basis', 18), ('behavior', 10), ('business_form', 3)]
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..columns import COLUMNS, DutyColumns
from ..errors import LoadError, Problem
from ..model import (
    BASIS_KINDS,
    EMPTY_ATTRS,
    LEVEL_WORDS,
    LEVELS,
    POWER_TYPE_WORDS,
    POWER_TYPES,
    RECORD_TYPES,
    ROLE_WORDS,
    ROLES,
    Duty,
    Origin,
    canonical_region_code,
)
from .tables import (
    StreamFallback,
    Table,
    frame_slices,
    read_csv,
    read_table_file,
    slice_bounds,
    slice_frame,
    small_rows,
    table_frame,
)

__all__ = [
    "BUNDLE_TABLES",
    "REGION_CODE_FIX",
    "Batch",
    "DutyStream",
    "Row",
    "StreamFallback",
    "is_region_code",
    "parse_date",
    "read_bundle",
    "split_multi",
    "tables_to_batch",
]

#: table name -> record class, for every table a bundle may hold
BUNDLE_TABLES = {cls.table: cls for cls in RECORD_TYPES if cls.table != "disputes"}

_SPLIT = re.compile(r"[;；、]")
_REGION_CODE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")
_TRUE = {"yes", "y", "true", "1", "是", "√", "x"}
_FALSE = {"", "no", "n", "false", "0", "否"}


@dataclass(slots=True)
class Row:
    """One input row turned into a record, with where it came from."""

    record: Any
    origin: Origin


@dataclass
class Batch:
    """Records read from one or more inputs, with the problems found in their cells.

    Bundle duty tables are read as columns (``duties``); every other record,
    duties of published lists included, as a :class:`Row`. :meth:`records`
    and :meth:`all_rows` give both.
    """

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    duties: DutyColumns = field(default_factory=DutyColumns)
    #: a duty table left to be read a slice at a time by the write (``read_bundle(...,
    #: stream=...)``); its duties are in none of the counts and iterations below
    stream: DutyStream | None = None

    def extend(self, other: Batch) -> None:
        """Add ``other``'s records and problems. A batch with no duties yet takes
        ``other``'s duty columns themselves, not a copy (a province's are ~50 MB of
        lists): ``other`` gives them up, as an import's inputs do once added."""
        self.rows.extend(other.rows)
        self.problems.extend(other.problems)
        self.sources.extend(other.sources)
        if self.duties:
            self.duties.extend(other.duties)
        elif other.duties:
            self.duties = other.duties
        if other.stream is not None:
            assert self.stream is None, "one streamed duty table an import"
            self.stream = other.stream

    def counts(self) -> dict[str, int]:
        counts = Counter(r.record.label for r in self.rows)
        if self.duties:
            counts["duty"] += len(self.duties)
        return dict(counts)

    def records(self) -> Iterator[Any]:
        """Every record read: the rows', then the duties read as columns."""
        for row in self.rows:
            yield row.record
        yield from self.duties

    def all_rows(self) -> list[Row]:
        """Every record read as a :class:`Row` (duties read as columns built one by one)."""
        return [*self.rows, *(Row(d, d.origin) for d in self.duties)]  # type: ignore[arg-type]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


#: how to write a region code, for every reader that refuses one
REGION_CODE_FIX = (
    "region codes are GB/T 2260: 6 digits (or 12-digit statistical codes); "
    "the national root is 000000"
)


def is_region_code(value: str) -> bool:
    """Whether ``value`` is a region code as every reader takes it (bundles, RDF).

    >>> is_region_code("510104"), is_region_code("510104001"), is_region_code("abc")
    (True, True, False)
    """
    return bool(_REGION_CODE.match(value.strip()))


def split_multi(cell: str) -> tuple[str, ...]:
    """Split a multi-valued cell on ``;``, ``；`` or ``、``.

    >>> split_multi("N-MPS；N-MEM、 N-SAMR;")
    ('N-MPS', 'N-MEM', 'N-SAMR')
    """
    return tuple(p.strip() for p in _SPLIT.split(cell) if p.strip())


def parse_date(cell: str) -> str | None:
    """An ISO date, or ``None`` for an empty cell; raises ``ValueError`` otherwise.

    >>> parse_date("2024-03-01"), parse_date("")
    ('2024-03-01', None)
    """
    cell = cell.strip()
    if not cell:
        return None
    return dt.date.fromisoformat(cell[:10] if "T" in cell else cell).isoformat()


class _Cells:
    """Converts the cells of one row, recording a Problem for each bad one."""

    def __init__(self, table: Table, number: int, values: dict[str, str], out: list[Problem]):
        self.table = table
        self.number = number
        self.values = values
        self.out = out
        self.ok = True

    def problem(self, column: str | None, message: str, fix: str, code: str = "invalid") -> None:
        self.ok = False
        self.out.append(
            Problem(
                _label(self.table), self.number, column, message, fix, self.table.sheet, code=code
            )
        )

    def text(self, column: str, required: bool = False) -> str | None:
        value = self.values.get(column, "").strip()
        if not value:
            if required:
                self.problem(column, f"{column} is empty", f"give a {column}", code="missing")
            return None
        return value

    def multi(self, column: str) -> tuple[str, ...]:
        return split_multi(self.values.get(column, ""))

    def date(self, column: str) -> str | None:
        try:
            return parse_date(self.values.get(column, ""))
        except ValueError:
            self.problem(
                column,
                f"{self.values[column]!r} is not a date",
                "write dates as YYYY-MM-DD, or leave the cell empty for an open bound",
                code="bad-date",
            )
            return None

    def flag(self, column: str) -> bool:
        value = self.values.get(column, "").strip().lower()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.problem(column, f"{value!r} is not yes or no", "write yes, no or leave it empty")
        return False

    def choice(
        self, column: str, allowed: Iterable[str], words: dict[str, str], required: bool = True
    ) -> str | None:
        value = self.values.get(column, "").strip()
        if not value:
            if required:
                self.problem(column, f"{column} is empty", f"give one of {', '.join(allowed)}")
            return None
        low = value.lower()
        if low in allowed:
            return low
        if value in words:
            return words[value]
        self.problem(
            column,
            f"unknown {column} {value!r}",
            f"use one of {', '.join(allowed)} (or {', '.join(sorted(set(words)))})",
            code=f"unknown-{column.replace('_', '-')}",
        )
        return None

    def region_code(self, column: str, required: bool = True) -> str | None:
        value = self.values.get(column, "").strip()
        if not value:
            if required:
                self.problem(column, f"{column} is empty", "give a GB/T 2260 region code")
            return None
        if not is_region_code(value):
            self.problem(
                column, f"{value!r} is not a region code", REGION_CODE_FIX, code="bad-region-code"
            )
            return None
        return canonical_region_code(value)

    def interval(self) -> tuple[str | None, str | None]:
        start, end = self.date("valid_from"), self.date("valid_to")
        if start and end and end <= start:
            self.problem(
                "valid_to",
                f"valid_to {end} is not after valid_from {start}",
                "validity is [valid_from, valid_to): swap the dates or correct one",
                code="reversed-dates",
            )
        return start, end


def _label(table: Table) -> str:
    return Path(table.file).name


def _attrs(table: Table, values: dict[str, str], known: set[str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if k and k not in known and v} or EMPTY_ATTRS


def _region(c: _Cells) -> dict[str, Any]:
    parent = c.region_code("parent", required=False)
    return {
        "code": c.region_code("code"),
        "name": c.text("name", required=True),
        "level": c.choice("level", LEVELS, LEVEL_WORDS),
        "parent": parent,
    }


def _region_group(c: _Cells) -> dict[str, Any]:
    return {
        "id": c.text("id", required=True),
        "name": c.text("name", required=True),
        "members": tuple(canonical_region_code(m) for m in c.multi("members")),
    }


def _department(c: _Cells) -> dict[str, Any]:
    start, end = c.interval()
    return {
        "id": c.text("id", required=True),
        "name": c.text("name", required=True),
        "region": c.region_code("region"),
        "systems": c.multi("systems"),
        "superior": c.text("superior"),
        "vertical": c.flag("vertical"),
        "aliases": c.multi("aliases"),
        "valid_from": start,
        "valid_to": end,
        "successor": c.text("successor"),
    }


def _item(c: _Cells) -> dict[str, Any]:
    power = c.values.get("power_type", "").strip()
    power_type = POWER_TYPE_WORDS.get(power, power) or None
    if power_type and power_type not in POWER_TYPES:
        c.problem(
            "power_type",
            f"unknown power type {power!r}",
            "use one of " + "、".join(POWER_TYPES),
            code="unknown-power-type",
        )
    levels = []
    for word in c.multi("levels"):
        level = LEVEL_WORDS.get(word, word.lower())
        if level not in LEVELS:
            c.problem(
                "levels",
                f"unknown level {word!r}",
                f"use {', '.join(LEVELS)} or 国家, 省, 市, 县, 乡",
                code="unknown-level",
            )
        else:
            levels.append(level)
    return {
        "id": c.text("id", required=True),
        "name": c.text("name", required=True),
        "parent": c.text("parent"),
        "domain": c.text("domain"),
        "power_type": power_type,
        "objects": c.multi("objects"),
        "keywords": c.multi("keywords"),
        "levels": tuple(levels),
        "key_item": c.flag("key_item"),
    }


def _basis(c: _Cells) -> dict[str, Any]:
    start, end = c.interval()
    return {
        "id": c.text("id", required=True),
        "title": c.text("title", required=True),
        "kind": c.choice("kind", BASIS_KINDS, _BASIS_WORDS),
        "issuer": c.text("issuer"),
        "article": c.text("article"),
        "valid_from": start,
        "valid_to": end,
    }


_BASIS_WORDS = {
    "法律": "law",
    "行政法规": "administrative-regulation",
    "地方性法规": "local-regulation",
    "部门规章": "department-rule",
    "地方政府规章": "local-rule",
    "规范性文件": "normative-document",
    "三定规定": "three-determinations",
    "三定": "three-determinations",
    "权责清单": "power-list",
    "决定": "decision",
}


def _duty(c: _Cells) -> dict[str, Any]:
    start, end = c.interval()
    return {
        "department": c.text("department", required=True),
        "item": c.text("item", required=True),
        "region": c.region_code("region"),
        "role": c.choice("role", ROLES, ROLE_WORDS),
        "bases": c.multi("bases"),
        "valid_from": start,
        "valid_to": end,
        "source": c.text("source"),
        "line": c.text("line"),
    }


def _behavior(c: _Cells) -> dict[str, Any]:
    return {
        "id": c.text("id", required=True),
        "name": c.text("name", required=True),
        "items": c.multi("items"),
        "keywords": c.multi("keywords"),
    }


def _business_form(c: _Cells) -> dict[str, Any]:
    return {
        "id": c.text("id", required=True),
        "name": c.text("name", required=True),
        "description": c.text("description") or "",
        "behaviors": c.multi("behaviors"),
        "lead": c.text("lead"),
        "assist": c.multi("assist"),
        "settled_on": c.date("settled_on"),
        "basis": c.text("basis"),
    }


_PARSERS: dict[str, Callable[[_Cells], dict[str, Any]]] = {
    "regions": _region,
    "region_groups": _region_group,
    "departments": _department,
    "items": _item,
    "bases": _basis,
    "duties": _duty,
    "behaviors": _behavior,
    "business_forms": _business_form,
}

#: the columns a table must have
REQUIRED_COLUMNS = {
    "regions": ("code", "name", "level"),
    "region_groups": ("id", "name", "members"),
    "departments": ("id", "name", "region"),
    "items": ("id", "name"),
    "bases": ("id", "title", "kind"),
    "duties": ("department", "item", "region", "role"),
    "behaviors": ("id", "name"),
    "business_forms": ("id", "name"),
}


def _known_columns(cls: type) -> set[str]:
    return {f.name for f in fields(cls) if f.name not in ("attrs", "origin")}


def tables_to_batch(
    tables: Iterable[Table], version: str | None = None, *, stream: int | None = None
) -> Batch:
    """Turn bundle tables into records, collecting every cell problem.

    Tables whose name is not a bundle table are reported as warnings and skipped.
    ``stream``: a streamed CSV duty table of more than this many lines is not read
    but left to be read a slice at a time (:attr:`Batch.stream`, the first such only).
    """
    batch = Batch()
    for table in tables:
        cls: Any = BUNDLE_TABLES.get(table.name)
        if cls is None:
            batch.problems.append(
                Problem(
                    _label(table),
                    None,
                    None,
                    f"{table.name!r} is not a bundle table; skipped",
                    "name files or sheets after the tables: " + ", ".join(BUNDLE_TABLES),
                    table.sheet,
                    severity="warning",
                    code="unknown-table",
                )
            )
            continue
        missing = [c for c in REQUIRED_COLUMNS[table.name] if c not in table.header]
        if missing:
            batch.problems.append(
                Problem(
                    _label(table),
                    1,
                    ", ".join(missing),
                    f"missing column(s) {', '.join(missing)}",
                    f"the header of {table.name} must have: "
                    + ", ".join(sorted(_known_columns(cls))),
                    table.sheet,
                    code="missing-column",
                )
            )
            continue
        known = _known_columns(cls)
        label = _label(table)
        parse = _PARSERS[table.name]
        batch.sources.append(str(table.file) + (f"#{table.sheet}" if table.sheet else ""))
        if table.name == "duties" and _streams(table, stream) and batch.stream is None:
            batch.stream = DutyStream(table, known, version)
        elif table.name == "duties":
            _read_duties(table, known, version, batch)
        else:
            for number, values in table.records():
                cells = _Cells(table, number, values, batch.problems)
                kwargs = parse(cells)
                if not cells.ok:
                    continue
                origin = Origin(label, number, table.sheet, version)
                record = cls(**kwargs, attrs=_attrs(table, values, known), origin=origin)
                batch.rows.append(Row(record, origin))
        batch.problems.extend(table.problems)  # cells the reader refused (their rows not read)
    return batch


def _streams(table: Table, least: int | None) -> bool:
    return least is not None and table.data is not None and table.newlines() > least


def _text(raw: str) -> str | None:
    return raw.strip() or None  # as _Cells.text


def _required(raw: str) -> Any:
    return raw.strip() or _BAD  # as _Cells.text(required=True)


def _checked(name: str, check: Callable[[_Cells], Any]) -> Callable[[str], Any]:
    """One cell's value as ``check`` (a :class:`_Cells` method) gives it, or ``_BAD``."""
    probe = Table("duties", "", [])

    def convert(raw: str) -> Any:
        cells = _Cells(probe, 0, {name: raw}, [])
        value = check(cells)
        return value if cells.ok else _BAD

    return convert


_BAD = object()  # a cell that is not valid: its row goes to the generic parser

#: the duty table's columns in :data:`~dutygraph.columns.COLUMNS` order, each with the
#: conversion of one cell (the generic parser's own checks) and the value of an absent column
_DUTY_CELLS: tuple[tuple[str, Callable[[str], Any], Any], ...] = (
    ("department", _required, None),
    ("item", _required, None),
    ("region", _checked("region", lambda c: c.region_code("region")), None),
    ("role", _checked("role", lambda c: c.choice("role", ROLES, ROLE_WORDS)), None),
    ("bases", split_multi, ()),
    ("valid_from", _checked("valid_from", lambda c: c.date("valid_from")), None),
    ("valid_to", _checked("valid_to", lambda c: c.date("valid_to")), None),
    ("source", _text, None),
    ("line", _text, None),
)
assert tuple(name for name, _, _ in _DUTY_CELLS) == COLUMNS[:-5]  # then attrs, the origin


def _read_duties(table: Table, known: set[str], version: str | None, batch: Batch) -> None:
    """The duty table, which may hold half a million rows, read as columns.

    polars parses the file; each distinct cell value is converted and checked
    once, with the generic parser's own checks (a province's 4.5 million duty
    cells hold a few thousand distinct values, bar the source column), and
    the columns are mapped from the distinct values in C. A row holding a bad
    value goes through the generic parser, which reports its problems exactly
    as for every other table. A file of a few rows (:func:`~.tables.small_rows`)
    is read by the strict row reader instead, its cells converted one by one:
    the same rows, problems and errors, without polars' cost per column.
    """
    numbers: Sequence[int]
    small = small_rows(table)  # a few rows: the strict reader's lists, no polars
    if small is not None:
        numbers, rows = small
        frame = None
    else:
        frame, numbers = table_frame(table)
        # parsed: the file's bytes (a province's 34 MB), and the rows that would read them
        # again, not held through the conversion (a bad row is read back from the frame)
        table.data, table.rows = None, []
        rows = []
    duties, bad = _duty_columns(table, known, version, frame, rows, numbers)
    if bad:
        duties = duties.take(mask=[k not in bad for k in range(len(duties))])
    if batch.duties:
        batch.duties.extend(duties)
    else:  # the first duty table: its columns, not a copy of them
        batch.duties = duties
    label, sheet, header = _label(table), table.sheet, table.header
    for k in sorted(bad):  # report, in row order, as the generic path does
        values = _row_values(header, rows[k] if frame is None else frame.row(k))
        if not any(values.values()):
            continue  # a blank row
        c = _Cells(table, numbers[k], values, batch.problems)
        kwargs = _duty(c)
        if c.ok:  # never expected: the cell checks are the generic parser's own
            origin = Origin(label, numbers[k], sheet, version)
            rec = Duty(**kwargs, attrs=_attrs(table, values, known), origin=origin)
            batch.duties.extend(DutyColumns.from_records([rec]))


def _row_values(header: list[str], raw_row: Sequence[str | None]) -> dict[str, str]:
    """One row's cells by column (stripped; an empty one ``""``), as the generic parser reads."""
    cells = ["" if v is None else v for v in raw_row]
    return {h: c.strip() for h, c in zip(header, cells[: len(header)], strict=True)}


def _duty_columns(
    table: Table,
    known: set[str],
    version: str | None,
    frame: Any,
    rows: list[list[str]],
    numbers: Sequence[int],
) -> tuple[DutyColumns, set[int]]:
    """The duties of ``frame`` (a polars frame of the table's cells, or ``None``: then
    ``rows``, the strict reader's) as columns, bad rows included, and the bad rows."""
    n = len(rows) if frame is None else frame.height
    header = table.header
    at = {name: i for i, name in enumerate(header)}  # a repeated column: the last one, as dict()
    label, sheet = _label(table), table.sheet
    bad: set[int] = set()
    columns: list[list[Any]] = []
    for name, convert, absent in _DUTY_CELLS:
        if name not in at:
            columns.append([absent] * n)
            continue
        if frame is None:
            converted = [convert(r[at[name]]) for r in rows]
            bad.update(k for k, c in enumerate(converted) if c is _BAD)
            columns.append(converted)
            continue
        import polars as pl  # here: a small file (no frame) never needs it

        cells = frame.get_column(frame.columns[at[name]]).fill_null("")
        distinct = cells.unique(maintain_order=True)
        if distinct.len() * 2 > n:  # nearly every value differs: convert them one by one
            raw = cells.to_list()
            converted = list(map(convert, raw))
            wrong = (
                [v for v, c in zip(raw, converted, strict=True) if c is _BAD]
                if _BAD in converted
                else []
            )
        else:  # the distinct values made Python strings only here (not the source's 350k)
            values = distinct.to_list()
            table_of = list(map(convert, values))
            codes = cells.cast(pl.Enum(distinct)).to_physical().to_list()
            converted = list(map(table_of.__getitem__, codes))
            wrong = [v for v, c in zip(values, table_of, strict=True) if c is _BAD]
        if wrong:
            bad.update(cells.is_in(wrong).arg_true().to_list())
        columns.append(converted)
    starts, ends = columns[5], columns[6]
    reversed_ = {(s, e) for s, e in set(zip(starts, ends, strict=False)) if _reversed(s, e)}
    if reversed_:
        bad.update(k for k, pair in enumerate(zip(starts, ends, strict=False)) if pair in reversed_)
    extras = [(i, name) for i, name in enumerate(header) if name and name not in known]
    if extras:
        raw = [
            [r[i] for r in rows]
            if frame is None
            else frame.get_column(frame.columns[i]).fill_null("").to_list()
            for i, _ in extras
        ]
        names = [name for _, name in extras]
        columns.append(
            [
                {k: v for k, c in zip(names, cells, strict=True) if (v := c.strip())} or EMPTY_ATTRS
                for cells in zip(*raw, strict=True)
            ]
        )
    else:
        columns.append([EMPTY_ATTRS] * n)
    columns += [[label] * n, list(numbers), [sheet] * n, [version] * n]  # the origin's parts
    return DutyColumns.wrap(columns), bad


class DutyStream:
    """A bundle's duty table to be read a slice at a time, into the write that takes it.

    An import into a store with no duties (:func:`dutygraph.importer.load`) hands this
    to the store in place of the duty columns: :meth:`slices` parses a slice of the
    file (:func:`~.tables.frame_slices`), converts it as :func:`_read_duties` does,
    and gives its columns, so a province's half a million duties (~115 MB as columns)
    never exist at once. Anything the whole read would report — a bad cell, a row left
    out, a problem found while parsing — raises :class:`~.tables.StreamFallback`
    (the importer rolls back and reads the table whole, for the exact report); a
    blank row is left out silently, as the whole read leaves it.

    Made while the file's bytes are held (read once, by :func:`~.tables.read_csv`): the
    slices' bounds and checksums, and the (bases, start) pairs resolving the citations
    needs (:meth:`pairs`). A UTF-8 file's bytes are then let go, and each slice read
    from the file again, its checksum compared (a file changed since: the whole read).
    """

    def __init__(self, table: Table, known: set[str], version: str | None) -> None:
        data = table.data
        assert data is not None
        self.table, self.known, self.version = table, known, version
        #: the file's lines: at least its rows (decides the bulk path before any is read)
        self.lines = table.newlines()
        #: the duties given by :meth:`slices` so far
        self.read = 0
        self._bounds = slice_bounds(data)
        view = memoryview(data)
        self._sums = [zlib.crc32(view[a:b]) for a, b in self._bounds]
        self._pairs = self._read_pairs(data)
        path = Path(table.file)
        try:
            extra = path.stat().st_size - len(data)  # a BOM dropped: 3
        except OSError:
            extra = -1
        self._at: int | None = extra if extra in (0, 3) else None
        self._data: bytes | None = None if self._at is not None else data
        if self._at is not None:  # read again a slice at a time: the bytes not held
            table.data, table.rows = None, []

    def __len__(self) -> int:
        return self.lines

    def __bool__(self) -> bool:
        return True

    def _chunks(self) -> Iterator[bytes]:
        if self._data is not None:
            for a, b in self._bounds:
                yield self._data[a:b]
            return
        assert self._at is not None
        with open(self.table.file, "rb") as f:
            for (a, b), crc in zip(self._bounds, self._sums, strict=True):
                f.seek(self._at + a)
                chunk = f.read(b - a)
                if zlib.crc32(chunk) != crc:
                    raise StreamFallback(f"{self.table.file} changed")
                yield chunk

    def slices(self) -> Iterator[DutyColumns]:
        """The duties, a slice of the file at a time, in row order (read again from the
        start by each call: a new store built aside and not linked is written in place)."""
        table, header = self.table, self.table.header
        self.read = 0
        for frame, numbers in frame_slices(table, self._chunks()):
            if table.problems:
                raise StreamFallback(table.file)
            duties, bad = _duty_columns(table, self.known, self.version, frame, [], numbers)
            if bad:
                if any(any(_row_values(header, frame.row(k)).values()) for k in bad):
                    raise StreamFallback(table.file)  # a bad row: the whole read reports it
                duties = duties.take(mask=[k not in bad for k in range(len(duties))])
            self.read += len(duties)
            frame = None  # not held while the next slice is made
            yield duties
            duties = None  # type: ignore[assignment]

    def pairs(self) -> set[tuple[tuple[str, ...], str | None]]:
        """The distinct (bases, valid_from) of the table's rows, as converted (a start date
        that is not one left out): what resolving the citations asks of every duty. The
        rows a slice would refuse are among them (then the stream gives up, and this
        answer is not used)."""
        return self._pairs

    def _read_pairs(self, data: bytes) -> set[tuple[tuple[str, ...], str | None]]:
        at = {name: i for i, name in enumerate(self.table.header)}
        wanted = sorted((at[c], c) for c in ("bases", "valid_from") if c in at)
        if not wanted:
            return {((), None)}
        raw: set[tuple[str, ...]] = set()
        for k, (a, b) in enumerate(self._bounds):
            frame = slice_frame(self.table, data[a:b], k == 0, [i for i, _ in wanted])
            raw.update(frame.fill_null("").unique().rows())
        date = _DUTY_CELLS[5][1]
        out: set[tuple[tuple[str, ...], str | None]] = set()
        for cells in raw:
            got = dict(zip([c for _, c in wanted], cells, strict=True))
            start = date(got["valid_from"]) if "valid_from" in got else None
            if start is not _BAD:
                out.add((split_multi(got.get("bases", "")), start))
        return out


def _reversed(start: Any, end: Any) -> bool:
    return bool(start and end and start is not _BAD and end is not _BAD and end <= start)


def read_bundle(
    path: str | Path,
    version: str | None = None,
    encoding: str | None = None,
    *,
    stream: int | None = None,
) -> Batch:
    """Read a bundle folder of CSV files, one CSV file, or one XLSX workbook.

    CSV files are UTF-8 unless ``encoding`` says otherwise (``"gb18030"``).
    ``stream``: see :func:`tables_to_batch` (CSV files only).
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
        if not files:
            raise LoadError(f"{path}: no CSV files in this folder; a bundle holds regions.csv, ...")
        tables = [read_csv(f, stream=True, encoding=encoding) for f in files]
    else:
        tables = read_table_file(path, encoding)
    return tables_to_batch(tables, version, stream=stream)
