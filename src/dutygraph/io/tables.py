"""Read tabular input — CSV files and XLSX sheets — into :class:`Table` objects.

A table is a header and rows of strings, each row with the place it came from
(file, sheet, 1-based row number as a spreadsheet shows it), so that every
later error can point at its cell. Reading is strict and bounded (the limits
are settings, :mod:`dutygraph.config`):

- CSV is parsed as RFC 4180: a quote opened and never closed, a row with more
  cells than the header and a cell longer than ``max_cell_chars`` are
  :class:`~dutygraph.errors.LoadError` naming the file, row and column (a row
  with fewer cells reads the missing ones as empty);
- a file that is not UTF-8 is named for what it looks like (UTF-16, GBK/GB18030)
  with the way to fix it; ``encoding="gb18030"`` reads GB18030 (and so GBK);
- workbooks are read by :mod:`dutygraph.io.xlsx` (every row whatever the
  ``<dimension>`` tag says; zip bombs, huge extents and hostile XML refused);
  a formula saved without its value is a problem of its cell, not an empty cell;
- a cell holding a control character other than tab and line breaks (NUL, ESC
  of a terminal escape sequence...) is a problem of that cell: its row is not
  read (:attr:`Table.problems`).

Errors that stop the reading become :class:`~dutygraph.errors.LoadError`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings, current
from ..errors import LoadError, Problem, UsageError
from .xlsx import Formula, column_letter, read_workbook

__all__ = [
    "ENCODINGS",
    "SLICE_BYTES",
    "StreamFallback",
    "Table",
    "cell_problem",
    "check_header",
    "control_character",
    "decode",
    "decode_as",
    "frame_slices",
    "read_csv",
    "read_table_file",
    "read_xlsx",
    "slice_bounds",
    "slice_frame",
    "small_rows",
    "table_frame",
]

#: the encodings an input may be read in (``--encoding``); GB18030 reads GBK and GB2312 too
ENCODINGS = ("utf-8", "gb18030")

#: a control character a cell may not hold: C0 and C1 controls but tab, LF and CR before LF
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?:[^\n]|$)"
_CONTROL_RE = re.compile(_CONTROL)
#: the same for polars (Rust's regex has no look-ahead: a CR is checked with what follows)
_CONTROL_POLARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r[^\n]|\r$"
_NAMES = {0: "NUL", 0x1B: "ESC", 0x07: "BEL", 0x08: "BS", 0x0D: "CR", 0x7F: "DEL", 0x9B: "CSI"}


@dataclass
class Table:
    """Header and rows of one CSV file or one sheet; cells are stripped strings."""

    name: str
    file: str
    header: list[str]
    #: a list, or (for a streamed CSV file) an iterator that can be read once
    rows: Iterable[tuple[int, list[str]]] = field(default_factory=list)
    sheet: str | None = None
    #: cells are as read, not yet stripped (streamed CSV: the reader strips what it uses)
    raw: bool = False
    #: a streamed CSV file's bytes (UTF-8, no BOM), for :func:`table_frame`
    data: bytes | None = field(default=None, repr=False)
    #: problems of single cells found while reading (control characters, formulas
    #: saved without a value); their rows are not handed out. Complete once the rows are read.
    problems: list[Problem] = field(default_factory=list)
    limits: Settings | None = field(default=None, repr=False)
    #: the b"\n" in :attr:`data`, once counted (:meth:`newlines`)
    counted: int | None = field(default=None, repr=False, compare=False)

    def newlines(self) -> int:
        """How many b"\n" :attr:`data` holds, counted once (a national duty file's 850 MB
        took ~0.45 s a count, and four readers asked)."""
        if self.counted is None:
            self.counted = self.data.count(b"\n") if self.data is not None else 0
        return self.counted

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(row_number, {column: value})`` for every non-blank row without a bad cell."""
        width = len(self.header)
        for number, cells in self.rows:
            if self.raw:
                cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            if _bad_cells(self, number, cells) or _headerless(self, number, cells):
                continue
            padded = cells + [""] * (width - len(cells))
            yield number, dict(zip(self.header, padded[:width], strict=True))

    def column_name(self, index: int) -> str:
        """Header name of 0-based column ``index`` (its letter when unnamed)."""
        if index < len(self.header) and self.header[index]:
            return self.header[index]
        return column_letter(index + 1)


def control_character(text: str) -> str | None:
    """The first control character ``text`` holds that no cell may hold, described; or None.

    >>> control_character("锦江区\\x1b[31m"), control_character("a\\tb\\r\\nc")
    ('U+001B (ESC)', None)
    """
    m = _CONTROL_RE.search(text)
    if not m:
        return None
    code = ord(m.group()[0])
    name = _NAMES.get(code)
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def cell_problem(
    file: str, sheet: str | None, row: int, column: str, value: object
) -> Problem | None:
    """The problem of one cell value as read, if any (a control character, a lone formula)."""
    if isinstance(value, Formula):
        return Problem(
            file,
            row,
            column,
            f"公式 {value.text[:80]!r} 没有保存计算结果 (a formula saved without its value)",
            "open the workbook in Excel or WPS and save it (that stores the values), "
            "or paste the cells as values",
            sheet,
            code="formula-without-value",
        )
    if isinstance(value, str) and (what := control_character(value)):
        return Problem(
            file,
            row,
            column,
            f"单元格含控制字符 {what} (a control character)",
            "delete it: a cell may hold tab and line breaks, no other control character "
            "(a terminal escape sequence starts with ESC)",
            sheet,
            code="control-character",
        )
    return None


def _headerless(table: Table, number: int, cells: Sequence[Any]) -> bool:
    """Report a value in a column the header does not name (it would be lost); True if any."""
    header = table.header
    for i, value in enumerate(cells):
        if (i >= len(header) or not header[i]) and value not in (None, "") and str(value).strip():
            table.problems.append(_headerless_problem(table, number, i, value))
            return True
    return False


def _headerless_problem(table: Table, number: int, index: int, value: Any) -> Problem:
    letter = column_letter(index + 1)
    return Problem(
        Path(table.file).name,
        number,
        letter,
        f"第 {letter} 列没有表头，单元格 {str(value)[:40]!r} 会丢失 (a value in a column "
        "with no header would be lost)",
        "name the column in the header row, or delete the value",
        table.sheet,
        code="no-header",
    )


def check_header(where: str, header: Sequence[str]) -> None:
    """Refuse a header that names one column twice (one of the two would be lost).

    >>> check_header("items.csv", ["id", "name", "id"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dutygraph.errors.LoadError: items.csv: 表头中 'id' 出现两次 (columns A and C...
    """
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            continue
        if name in seen:
            raise LoadError(
                f"{where}: 表头中 {name!r} 出现两次 (columns {column_letter(seen[name] + 1)} "
                f"and {column_letter(i + 1)}: the values of one would be lost); rename or "
                "merge one of them"
            )
        seen[name] = i


def _bad_cells(table: Table, number: int, cells: Sequence[Any]) -> bool:
    found = False
    for i, value in enumerate(cells):
        if isinstance(value, Formula) or (isinstance(value, str) and _CONTROL_RE.search(value)):
            problem = cell_problem(
                Path(table.file).name, table.sheet, number, table.column_name(i), value
            )
            if problem:
                table.problems.append(problem)
                found = True
    return found


def _clean(value: object) -> Any:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value  # reported by its table (cell_problem), never read as a value
    if hasattr(value, "isoformat") and not isinstance(value, str):
        text = value.isoformat()  # dates from Excel cells
        return text[:10] if len(text) >= 10 and text[10:] in ("", "T00:00:00") else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- encodings ------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "UTF-16 BE"),
)


def _guess(raw: bytes) -> str | None:
    """What a file that is not UTF-8 looks like: a UTF-16/32 BOM, UTF-16 without one, GB18030."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return f"{name} (BOM)"
    sample = raw[:4096]
    if len(sample) >= 4 and sample.count(0) * 4 >= len(sample):
        return "UTF-16 (no BOM)"
    try:
        text = raw[:65536].decode("gb18030", errors="strict")
    except UnicodeDecodeError as exc:
        if exc.start < 65530:  # not a character cut at the sample's end
            return None
        text = raw[: exc.start].decode("gb18030")
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "GBK/GB18030"
    return None


def decode_as(encoding: str | None) -> str:
    """The encoding of :data:`ENCODINGS` that ``encoding`` names (default UTF-8).

    >>> decode_as(None), decode_as("GBK"), decode_as("utf8")
    ('utf-8', 'gb18030', 'utf-8')
    """
    enc = (encoding or "utf-8").lower().replace("_", "-")
    if enc in ("gbk", "gb2312", "cp936"):
        enc = "gb18030"  # a superset of both
    if enc in ("utf8", "utf-8-sig"):
        enc = "utf-8"
    if enc not in ENCODINGS:
        raise UsageError(
            f"不支持的编码 {encoding!r} (unknown encoding); use one of {', '.join(ENCODINGS)}"
        )
    return enc


def decode(raw: bytes, label: str, encoding: str | None = None) -> str:
    """``raw`` as text: UTF-8 (a BOM is accepted), or ``encoding``; else a named LoadError.

    >>> decode("名称".encode("gbk"), "x.csv")
    Traceback (most recent call last):
    ...
    dutygraph.errors.LoadError: x.csv: 不是 UTF-8 编码 (not UTF-8: byte 0, line 1); 看起来是 GBK/GB18030 (looks like GBK/GB18030) — pass --encoding gb18030, or save it as UTF-8 (Excel: 'CSV UTF-8 (Comma delimited)')
    >>> decode("名称".encode("gbk"), "x.csv", "gb18030")
    '名称'
    """
    enc = decode_as(encoding)
    try:
        if enc == "utf-8":
            return raw.decode("utf-8-sig")
        return raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        if enc != "utf-8":
            raise LoadError(
                f"{label}: 不是 {enc.upper()} 编码 (not {enc}: byte {exc.start}, line {line}); "
                "check the file's encoding, or save it as UTF-8"
            ) from exc
        guess = _guess(raw)
        looks = f"看起来是 {guess} (looks like {guess}) — " if guess else ""
        how = (
            "pass --encoding gb18030, or save it as UTF-8"
            if guess == "GBK/GB18030"
            else "save it as UTF-8"
        )
        raise LoadError(
            f"{label}: 不是 UTF-8 编码 (not UTF-8: byte {exc.start}, line {line}); "
            f"{looks}{how} (Excel: 'CSV UTF-8 (Comma delimited)')"
        ) from exc


# -- CSV ------------------------------------------------------------------------------------


class _Lines:
    """The lines of a text stream for ``csv.reader``, remembering where each record starts."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.line = 0  # lines read
        self.start = 1  # the line the record being read starts on
        self.first = ""  # and that line's text

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.line += 1
        if self.line == self.start:
            self.first = line
        return line

    def next_record(self) -> None:
        self.start = self.line + 1


def _open_quote(line: str) -> int | None:
    """The 0-based column whose quote ``line`` opens and never closes, if it does."""
    column, quoted, at_start, i = 0, False, True, 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == '"':
                if line[i + 1 : i + 2] == '"':
                    i += 1
                else:
                    quoted = False
        elif ch == '"' and at_start:
            quoted = True
        elif ch == ",":
            column += 1
            at_start = True
            i += 1
            continue
        at_start = False
        i += 1
    return column if quoted else None


class _CsvRows:
    """The records of a CSV text, parsed strictly, each error located; an iterator."""

    def __init__(self, text: str, label: str, limits: Settings) -> None:
        self.lines = _Lines(text)
        self.label = label
        self.limits = limits
        self.reader = csv.reader(self.lines, strict=True)
        csv.field_size_limit(limits.max_cell_chars)
        self.number = 0  # the record's number as a spreadsheet shows it (the header is 1)
        self.width: int | None = None
        self.header: list[str] = []

    def __iter__(self) -> _CsvRows:
        return self

    def __next__(self) -> list[str]:
        self.lines.next_record()
        self.number += 1
        try:
            cells = next(self.reader)
        except csv.Error as exc:
            raise self._located(exc) from None
        if self.width is not None and len(cells) > self.width:
            extra = [c for c in cells[self.width :] if c.strip()]
            if extra:  # empty cells past the header (a trailing comma) lose nothing
                raise LoadError(
                    f"{self.label}: 第 {self.number} 行 (row {self.number}, line "
                    f"{self.lines.start}) 有 {len(cells)} 个单元格，表头只有 {self.width} 个 "
                    f"(more cells than the header; column {column_letter(self.width + 1)} "
                    f"holds {extra[0][:40]!r}); 多余的单元格会丢失 (they would be "
                    "lost): quote a cell that holds a comma, or add the column to the header"
                )
        return cells

    def _located(self, exc: csv.Error) -> LoadError:
        where = f"{self.label}: 第 {self.number} 行 (row {self.number}, line {self.lines.start})"
        opened = _open_quote(self.lines.first)
        column = (
            f", 列 {self._column(opened)} (column {self._column(opened)})"
            if opened is not None
            else ""
        )
        text = str(exc)
        if "field larger than field limit" in text:
            if opened is not None:
                return LoadError(
                    f"{where}{column}: 引号未闭合 (a quote opened here is never closed: "
                    "every later row would be read into this cell); close the quote, or "
                    'double a quote that is part of the text ("")'
                )
            return LoadError(
                f"{where}: 单元格超过 {self.limits.max_cell_chars:,} 个字符 (a cell longer "
                "than max_cell_chars); shorten it, or raise the setting max_cell_chars"
            )
        if "unexpected end of data" in text or "EOF" in text:
            return LoadError(
                f"{where}{column}: 引号未闭合 (a quote opened here is never closed: every "
                "later row would be read into this cell); close the quote, or double a quote "
                'that is part of the text ("")'
            )
        if "expected after" in text:
            return LoadError(
                f"{where}: 引号后紧跟其他字符 (text right after a closing quote: {text}); "
                'quote the whole cell and double the quotes inside it ("")'
            )
        if "NUL" in text or "line contains NUL" in text:
            return LoadError(f"{where}: 含 NUL 字符 (a NUL character); delete it")
        return LoadError(f"{where}: 不是有效的 CSV (not valid CSV: {text})")

    def _column(self, index: int) -> str:
        name = self.header[index] if index < len(self.header) and self.header[index] else ""
        return name or column_letter(index + 1)


def read_csv(
    path: Path,
    name: str | None = None,
    *,
    stream: bool = False,
    encoding: str | None = None,
    limits: Settings | None = None,
) -> Table:
    """Read a CSV file (UTF-8, a BOM accepted; or ``encoding``) with its header row, strictly.

    With ``stream``, the rows are parsed as they are read (once), and their
    cells are left as read (``raw``): a province's duty table never exists as
    half a million lists at once, and only the cells used are stripped.
    """
    limits = limits or current()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    newlines = _refuse_early(raw, str(path), limits)  # before the text, lines, any frame
    # a streamed UTF-8 file keeps only its bytes: the header is read from the text's first
    # lines, and the rows (read only when polars refuses the file) from the bytes again
    lazy = stream and decode_as(encoding) == "utf-8"
    # checked whole, up front; an ASCII file is UTF-8 as it is, and streamed only its head
    # is made text (a national duty file's text was ~850 MB and 1-3 s, then dropped)
    whole = not (lazy and raw.isascii())
    text = decode(raw, str(path), encoding) if whole else _ascii_head(raw)
    rows = _HeadRows(text, str(path), limits) if lazy else _CsvRows(text, str(path), limits)
    try:
        header = [_clean(h) for h in next(rows)]
    except StopIteration:
        raise LoadError(f"{path}: the file is empty; a header row is required") from None
    if isinstance(rows, _HeadRows) and rows.partial:  # it may go on past them: read it whole
        rows = _CsvRows(text if whole else raw.decode("ascii"), str(path), limits)
        header = [_clean(h) for h in next(rows)]
        lazy = False
    rows.header, rows.width = header, len(header)
    check_header(str(path), header)
    bad = [(i, w) for i, h in enumerate(header) if (w := control_character(h))]
    if bad:
        i, what = bad[0]
        raise LoadError(
            f"{path}: 表头第 {i + 1} 列含控制字符 {what} (the header holds a control "
            "character); delete it"
        )
    if len(header) > limits.max_columns:
        raise LoadError(
            f"{path}: 表头有 {len(header):,} 列，超过 max_columns = {limits.max_columns:,} "
            "(too many columns); delete the empty columns, or raise the setting"
        )
    table = Table(name or path.stem, str(path), header, limits=limits)
    numbered = _limited(enumerate(rows, start=2), str(path), limits)
    if stream:
        data = raw if decode_as(encoding) == "utf-8" else text.encode("utf-8")
        table.data = data[3:] if data.startswith(codecs.BOM_UTF8) else data
        table.counted = newlines if data is raw else None  # a BOM holds no b"\n"
        table.rows = _rows_again(table.data, header, str(path), limits) if lazy else numbered
        table.raw = True
    else:
        table.rows = [(n, [c.strip() for c in cells]) for n, cells in numbered]
    return table


#: the characters of a streamed file its header is first looked for in (then to a line's end)
_HEAD_CHARS = 1 << 16


def _ascii_head(raw: bytes) -> str:
    """The text :class:`_HeadRows` reads of an ASCII file's bytes ``raw``: its first
    :data:`_HEAD_CHARS` characters and on to that line's end (or all of it)."""
    cut = raw.find(b"\n", _HEAD_CHARS)
    return (raw if cut < 0 else raw[: cut + 1]).decode("ascii")


class _HeadRows(_CsvRows):
    """A reader of the first lines of a text only (a copy of the whole text in the line
    reader costs four bytes a character); ``partial``: the record read may go on past
    them, or could not be read from them alone (read it from the whole text)."""

    def __init__(self, text: str, label: str, limits: Settings) -> None:
        cut = text.find("\n", _HEAD_CHARS)
        head = text if cut < 0 else text[: cut + 1]
        super().__init__(head, label, limits)
        self._lines_in_head = head.count("\n") if cut >= 0 else None
        self.partial = False

    def __next__(self) -> list[str]:
        try:
            cells = super().__next__()
        except LoadError:
            if self._lines_in_head is None:
                raise
            self.partial = True
            return []
        if self._lines_in_head is not None and self.lines.line >= self._lines_in_head:
            self.partial = True
        return cells


def _rows_again(
    data: bytes, header: list[str], label: str, limits: Settings
) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header of a UTF-8 file's ``data`` (without its BOM), numbered and
    checked as :func:`read_csv` reads them, read only when asked for."""
    rows = _CsvRows(data.decode("utf-8"), label, limits)
    next(rows)  # the header, read (and checked) already
    rows.header, rows.width = header, len(header)
    yield from _limited(enumerate(rows, start=2), label, limits)


def _limited(
    rows: Iterator[tuple[int, list[str]]], label: str, limits: Settings
) -> Iterator[tuple[int, list[str]]]:
    for number, cells in rows:
        if number > limits.max_rows + 1:
            raise _too_many_rows(label, limits)
        yield number, cells


def table_frame(table: Table) -> tuple[Any, Sequence[int]]:
    """The cells of ``table`` as a polars DataFrame of strings, and each row's number.

    Columns are in header order, named by position (``table.header[i]`` is
    column ``i``); cells are as read, empty ones null. A streamed CSV file is
    parsed by polars, several times faster than the ``csv`` module; a file
    polars refuses (a quote never closed, a row longer than the header, odd
    quoting) and every other table go through the strict row reader, which
    reads it the same way or says where it is wrong. The checks of the row
    reader hold for the frame too: no cell longer than ``max_cell_chars``, no
    more than ``max_rows`` rows; rows holding a control character are left
    out and reported in ``table.problems``. Consumes a streamed table's rows.
    """
    import polars as pl  # imported here: only large tables pay for it

    width = len(table.header)
    limits = table.limits or current()
    frame = None
    if table.data is not None:
        try:
            frame = pl.read_csv(
                io.BytesIO(table.data), infer_schema=False, truncate_ragged_lines=False
            )
        except pl.exceptions.PolarsError:
            frame = None  # the strict reader reads it below, and says where it is wrong
        if frame is not None and frame.width != width:
            frame = None
    if frame is not None:
        numbers: Sequence[int] = range(2, frame.height + 2)
        if frame.height > limits.max_rows:
            raise _too_many_rows(table.file, limits)
        _check_lengths(table, frame, numbers, limits)
        frame, numbers = _drop_headerless_rows(table, frame, numbers)
    else:
        rows = [
            (n, c)
            for n, c in table.rows
            if not _bad_cells(table, n, c) and not _headerless(table, n, c)
        ]
        numbers = [n for n, _ in rows]
        cells = [c if len(c) >= width else [*c, *[""] * (width - len(c))] for _, c in rows]
        columns = list(zip(*cells, strict=False)) if cells else [() for _ in range(width)]
        frame = pl.DataFrame(
            {f"column_{i}": list(col[: len(cells)]) for i, col in enumerate(columns[:width])},
            schema={f"column_{i}": pl.String for i in range(width)},
        )
    return _drop_control_rows(table, frame, numbers)


class StreamFallback(Exception):
    """A table read a slice at a time (:func:`frame_slices`) met what only the whole read
    reports exactly (a refused cell, a bad row, a duplicate key...): the importer rolls
    back and reads the input whole, as before, for the exact problems. Never leaves
    :func:`dutygraph.importer.load`."""


#: the bytes of a streamed CSV file :func:`frame_slices` parses at a time (~30,000 duty rows)
SLICE_BYTES = 2 << 20


def _record_end(data: bytes, start: int, at: int) -> int:
    """The offset after the first line end at or after ``at`` that ends a record begun at
    ``start`` (an even number of quotes since ``start``: in a text whose quotes all open or
    close a cell, an odd count is inside a quoted cell); the end of ``data`` if none."""
    end = data.find(b"\n", at)
    while end != -1 and data.count(b'"', start, end) % 2:
        end = data.find(b"\n", end + 1)
    return len(data) if end == -1 else end + 1


def slice_bounds(data: bytes, size: int | None = None) -> list[tuple[int, int]]:
    """Where :func:`frame_slices` cuts a streamed CSV file's bytes: (start, end) of slices
    of about ``size`` bytes (:data:`SLICE_BYTES`) that end at record ends, the first
    holding the header. Raises :class:`StreamFallback` for a text whose quotes do not
    all open or close a cell (polars reads such a text its own way: only whole)."""
    if b'"' in data and not _QUOTED_WELL.fullmatch(data):
        raise StreamFallback("a quote inside a cell")
    size = size or SLICE_BYTES
    out: list[tuple[int, int]] = []
    start, at = 0, _record_end(data, 0, 0) + size
    while True:
        end = _record_end(data, start, at)
        out.append((start, end))
        if end >= len(data):
            return out
        start, at = end, end + size


def slice_frame(table: Table, chunk: bytes, first: bool, columns: list[int] | None = None) -> Any:
    """One slice's cells as a polars frame of strings: the ``first`` (the header its first
    record) as :func:`table_frame` parses the file, the others as the header's width of
    columns; only ``columns`` (indexes) if given. Raises
    :class:`StreamFallback` where polars refuses it or its width is not the header's."""
    import polars as pl

    try:
        if first:
            frame = pl.read_csv(
                io.BytesIO(chunk), infer_schema=False, truncate_ragged_lines=False, columns=columns
            )
        else:
            frame = pl.read_csv(
                io.BytesIO(chunk),
                has_header=False,
                schema={f"column_{i}": pl.String for i in range(len(table.header))},
                truncate_ragged_lines=False,
                columns=columns,
            )
    except pl.exceptions.PolarsError:
        raise StreamFallback(table.file) from None
    if frame.width != (len(table.header) if columns is None else len(columns)):
        raise StreamFallback(table.file)
    return frame


def frame_slices(table: Table, chunks: Iterable[bytes]) -> Iterator[tuple[Any, Sequence[int]]]:
    """:func:`table_frame` of a streamed CSV file a slice at a time (``chunks``: its bytes
    cut by :func:`slice_bounds`), each with its rows' numbers: the whole file's frame (a
    province's duties ~90 MB) never exists. The same checks per slice: ``max_rows`` over
    the slices so far, cell lengths, values under an empty header name and control
    characters (rows left out, problems in ``table.problems``). Raises
    :class:`StreamFallback` where :func:`table_frame` would read another way — and
    whatever the checks raise, which need not be the whole read's first error.
    """
    limits = table.limits or current()
    base = 2
    for chunk in chunks:
        frame = slice_frame(table, chunk, base == 2)
        numbers: Sequence[int] = range(base, base + frame.height)
        base += frame.height
        if base - 2 > limits.max_rows:
            raise _too_many_rows(table.file, limits)
        _check_lengths(table, frame, numbers, limits)
        frame, numbers = _drop_headerless_rows(table, frame, numbers)
        yield _drop_control_rows(table, frame, numbers)


#: a streamed CSV file of at most this many lines is read without polars (:func:`small_rows`)
SMALL_ROWS = 200

#: :data:`_CONTROL_POLARS` as Python's ``re`` reads it (``$`` in Rust is the end of the text)
_CONTROL_POLARS_RE = re.compile(_CONTROL_POLARS.replace("$", r"\Z"))
_LONE_CR = re.compile(rb"\r(?!\n)")
#: a CSV text whose every quote opens a cell, closes it right before a comma or a line
#: end, or is doubled inside it: the csv module and polars read such a text alike
_QUOTED_WELL = re.compile(rb'(?:(?:"(?:[^"]|"")*"|[^",\r\n]*)(?:,|\r?\n|\Z))*')


def small_rows(table: Table) -> tuple[list[int], list[list[str]]] | None:
    """The rows :func:`table_frame` would give for a small streamed CSV file, read without polars.

    For ten rows, polars' start-up per column costs milliseconds where the strict
    row reader takes microseconds. Same rows (cells as read, ``""`` for empty,
    padded to the header's width), the same row numbers, the same problems in
    ``table.problems`` in the same order and the same errors as
    :func:`table_frame`: a row longer than the header (which polars refuses, so
    the strict reader reads the file there) gets the strict reader's checks,
    row by row; every other file polars' checks, in polars' order (cell lengths,
    then values under an empty header name, then control characters). None when
    the file is not small or not a streamed CSV file, or when the strict reader
    refuses it: then :func:`table_frame` reads it, as before (its strict reader
    raises the same error, or polars reads what the strict reader refuses).
    """
    data = table.data
    if data is None or table.newlines() > SMALL_ROWS or _LONE_CR.search(data):
        return None  # a lone CR ends a record to the csv module, not to polars: polars decides
    if b'"' in data and not _QUOTED_WELL.fullmatch(data):
        return None  # a quote inside a cell, or text after a closing one: polars reads its way
    try:
        read = list(table.rows)
    except LoadError as exc:
        table.rows = _raising(exc)
        return None
    width = len(table.header)
    if any(len(cells) > width for _, cells in read):  # polars refuses it: the strict reader's way
        kept = [
            (n, c) for n, c in read if not _bad_cells(table, n, c) and not _headerless(table, n, c)
        ]
        return [n for n, _ in kept], [[*c[:width], *[""] * (width - len(c))] for _, c in kept]
    limits = table.limits or current()
    rows = [(n, [*c, *[""] * (width - len(c))]) for n, c in read]
    for i in range(width):  # as _check_lengths: the first longest cell of the first column
        lengths = [len(c[i]) for _, c in rows]
        if lengths and max(lengths) > limits.max_cell_chars:
            n = rows[lengths.index(max(lengths))][0]
            raise _too_long(table, n, i, limits)
    if not all(table.header):  # as _drop_headerless_rows
        rows = [(n, c) for n, c in rows if not _headerless(table, n, c)]
    label = Path(table.file).name
    kept = []
    for n, cells in rows:  # as _drop_control_rows
        if not any(_CONTROL_POLARS_RE.search(c) for c in cells):
            kept.append((n, cells))
            continue
        for i, value in enumerate(cells):
            if value and (p := cell_problem(label, table.sheet, n, table.column_name(i), value)):
                table.problems.append(p)
    return [n for n, _ in kept], [c for _, c in kept]


def _raising(exc: Exception) -> Iterator[tuple[int, list[str]]]:
    raise exc
    yield  # a generator: raises when read, as the rows it stands for did


def _refuse_early(raw: bytes, label: str, limits: Settings) -> int:
    """Refuse a CSV file of more than ``max_rows`` rows from its bytes, before decoding them.

    Decoding, the line reader and polars' frame each cost a few times the file's
    size; counting b"\\n" costs next to nothing. When no quote can hold a
    newline and no NUL byte says the text is UTF-16, every b"\\n" ends a record
    (a blank line is a row to polars and to the strict reader alike), so a count
    over the limit refuses the file at once, with the readers' message.
    Otherwise the readers count, as before. The count of b"\n" (for :meth:`Table.newlines`).
    """
    newlines = raw.count(b"\n")
    lines = newlines + (0 if raw.endswith(b"\n") or not raw else 1)
    if lines - 1 <= limits.max_rows or b'"' in raw or b"\0" in raw:
        return newlines  # within the limit, or quoted cells / UTF-16: the readers count
    raise _too_many_rows(label, limits)


def _too_many_rows(label: str, limits: Settings) -> LoadError:
    return LoadError(
        f"{label}: 超过 {limits.max_rows:,} 行 (more rows than max_rows); "
        "split the file, or raise the setting"
    )


def _drop_headerless_rows(table: Table, frame: Any, numbers: Sequence[int]) -> tuple[Any, Any]:
    """Rows holding a value under an empty header name, reported and left out."""
    import polars as pl

    blank = [i for i, h in enumerate(table.header) if not h]
    if not blank or not frame.height:
        return frame, numbers
    names = [frame.columns[i] for i in blank]
    hits = frame.select(
        pl.any_horizontal(
            [pl.col(c).str.strip_chars().str.len_chars().fill_null(0) > 0 for c in names]
        )
    ).to_series()
    if not hits.any():
        return frame, numbers
    rows = hits.arg_true().to_list()
    for k in rows:
        i = next(i for i in blank if (frame.row(k)[i] or "").strip())
        table.problems.append(_headerless_problem(table, numbers[k], i, frame.row(k)[i]))
    keep = set(rows)
    mask = [k not in keep for k in range(frame.height)]
    return frame.filter(pl.Series(mask)), [n for k, n in enumerate(numbers) if mask[k]]


def _check_lengths(table: Table, frame: Any, numbers: Sequence[int], limits: Settings) -> None:
    import polars as pl

    if not frame.height:
        return
    longest = frame.select(pl.all().str.len_chars().max())
    for i, name in enumerate(frame.columns):
        if (longest[name][0] or 0) > limits.max_cell_chars:
            k = frame.get_column(name).str.len_chars().arg_max()
            raise _too_long(table, numbers[k], i, limits)


def _too_long(table: Table, number: int, index: int, limits: Settings) -> LoadError:
    return LoadError(
        f"{table.file}: 第 {number} 行 (row {number}), 列 {table.column_name(index)}: "
        f"单元格超过 {limits.max_cell_chars:,} 个字符 (a cell longer than "
        "max_cell_chars); shorten it, or raise the setting max_cell_chars"
    )


def _drop_control_rows(table: Table, frame: Any, numbers: Sequence[int]) -> tuple[Any, Any]:
    import polars as pl

    if not frame.height:
        return frame, numbers
    hits = frame.select(
        [pl.col(c).str.contains(_CONTROL_POLARS).fill_null(False) for c in frame.columns]
    )
    bad = hits.select(pl.any_horizontal(pl.all())).to_series()
    if not bad.any():
        return frame, numbers
    label = Path(table.file).name
    rows = bad.arg_true().to_list()
    for k in rows:
        for i, value in enumerate(frame.row(k)):
            if value is not None and (
                p := cell_problem(label, table.sheet, numbers[k], table.column_name(i), value)
            ):
                table.problems.append(p)
    keep = set(rows)
    mask = [k not in keep for k in range(frame.height)]
    return frame.filter(pl.Series(mask)), [n for k, n in enumerate(numbers) if mask[k]]


def read_xlsx(path: Path, limits: Settings | None = None) -> list[Table]:
    """Read every sheet of a workbook; each sheet's first non-blank row is its header."""
    limits = limits or current()
    tables = []
    for sheet in read_workbook(path, str(path), limits):
        rows = [(n, [_clean(c) for c in cells]) for n, cells in sheet.rows]
        rows = [(n, cells) for n, cells in rows if any(cells)]
        if not rows:
            continue
        number, header = rows[0]
        name = sheet.title[:-4] if sheet.title.lower().endswith(".csv") else sheet.title
        table = Table(name, str(path), [], rows[1:], sheet=sheet.title, limits=limits)
        if _bad_cells(table, number, header):
            raise LoadError(
                f"{path}, 工作表 {sheet.title} (sheet {sheet.title}): 表头有问题 (the header row "
                f"{number} is bad): " + "; ".join(str(p) for p in table.problems)
            )
        check_header(f"{path}, 工作表 {sheet.title} (sheet {sheet.title})", header)
        table.header = header
        tables.append(table)
    return tables


def read_table_file(path: Path, encoding: str | None = None) -> list[Table]:
    """One CSV file as one table, or one workbook as one table per sheet."""
    if not path.exists():
        raise LoadError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return [read_csv(path, encoding=encoding)]
    raise LoadError(
        f"{path}: unknown file type {suffix!r}; give a .csv file, an .xlsx workbook or a folder"
    )
