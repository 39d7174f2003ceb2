"""Read tabular input — CSV files and XLSX sheets — into :class:`Table` objects.

A table is a header and rows of strings, each row with the place it came from
(file, sheet, 1-based row number as a spreadsheet shows it), so that every
later error can point at its cell. Reading errors (missing file, a file that
is not UTF-8 CSV or not a workbook) become :class:`~dutygraph.errors.LoadError`.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LoadError

__all__ = ["Table", "read_csv", "read_table_file", "read_xlsx", "table_frame"]


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

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(row_number, {column: value})`` for every non-blank row."""
        width = len(self.header)
        for number, cells in self.rows:
            if self.raw:
                cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            padded = cells + [""] * (width - len(cells))
            yield number, dict(zip(self.header, padded[:width], strict=True))


def _clean(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        text = value.isoformat()  # dates from Excel cells
        return text[:10] if len(text) >= 10 and text[10:] in ("", "T00:00:00") else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_csv(path: Path, name: str | None = None, *, stream: bool = False) -> Table:
    """Read a UTF-8 CSV file (a BOM is accepted) with its header row.

    With ``stream``, the rows are parsed as they are read (once), and their
    cells are left as read (``raw``): a province's duty table never exists as
    half a million lists at once, and only the cells used are stripped.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        raw.decode("utf-8-sig")  # checked whole, up front: the rows are decoded as they are read
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8 CSV "
            "(Excel: 'CSV UTF-8 (Comma delimited)')"
        ) from exc
    # a text stream over the bytes, not one string of the whole file: a province's duty
    # table is 35 MB of bytes but up to 140 MB as a str, twice over in a StringIO
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=""))
    try:
        header = [_clean(h) for h in next(reader)]
    except StopIteration:
        raise LoadError(f"{path}: the file is empty; a header row is required") from None
    table = Table(name or path.stem, str(path), header)
    if stream:
        table.rows, table.raw = enumerate(reader, start=2), True
        table.data = raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw
    else:
        table.rows = [(n, [c.strip() for c in cells]) for n, cells in enumerate(reader, start=2)]
    return table


def table_frame(table: Table) -> tuple[Any, Sequence[int]]:
    """The cells of ``table`` as a polars DataFrame of strings, and each row's number.

    Columns are in header order, named by position (``table.header[i]`` is
    column ``i``); cells are as read, empty ones null. A streamed CSV file is
    parsed by polars, several times faster than the ``csv`` module; a file
    polars cannot parse the way the ``csv`` module does (odd quoting) and
    every other table go through the rows. Consumes a streamed table's rows.
    """
    import polars as pl  # imported here: only large tables pay for it

    width = len(table.header)
    if table.data is not None:
        try:
            frame = pl.read_csv(
                io.BytesIO(table.data), infer_schema=False, truncate_ragged_lines=True
            )
        except pl.exceptions.PolarsError:
            frame = None  # the csv module reads it below, and says where it is wrong
        if frame is not None and frame.width == width:
            return frame, range(2, frame.height + 2)
    rows = list(table.rows)
    numbers = [n for n, _ in rows]
    cells = [c if len(c) >= width else [*c, *[""] * (width - len(c))] for _, c in rows]
    columns = list(zip(*cells, strict=False)) if cells else [() for _ in range(width)]
    frame = pl.DataFrame(
        {f"column_{i}": list(col[: len(cells)]) for i, col in enumerate(columns[:width])},
        schema={f"column_{i}": pl.String for i in range(width)},
    )
    return frame, numbers


def read_xlsx(path: Path) -> list[Table]:
    """Read every sheet of a workbook; each sheet's first non-blank row is its header."""
    import openpyxl  # imported here: only workbook users pay for it

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    tables = []
    try:
        for ws in wb.worksheets:
            rows = [
                (n, [_clean(c) for c in cells])
                for n, cells in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
            rows = [(n, cells) for n, cells in rows if any(cells)]
            if not rows:
                continue
            _, header = rows[0]
            name = ws.title[:-4] if ws.title.lower().endswith(".csv") else ws.title
            tables.append(Table(name, str(path), header, rows[1:], sheet=ws.title))
    finally:
        wb.close()
    return tables


def read_table_file(path: Path) -> list[Table]:
    """One CSV file as one table, or one workbook as one table per sheet."""
    if not path.exists():
        raise LoadError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return [read_csv(path)]
    raise LoadError(
        f"{path}: unknown file type {suffix!r}; give a .csv file, an .xlsx workbook or a folder"
    )
