"""A strict, bounded XLSX reader: every cell that holds a value, and nothing unbounded.

openpyxl's read-only mode trusts a sheet's ``<dimension>`` tag (a tag that
understates the sheet drops the rows outside it, silently); its full mode
builds a cell object for every cell of every merged range (``A10:XFD1048576``
is seventeen billion); neither bounds the size of what it inflates. This
reader parses the sheet XML itself, streaming, and:

- checks the workbook's members before opening anything: their uncompressed
  size in all (``max_xlsx_bytes``) and each member's compression ratio
  (``max_xlsx_ratio``, for members over 1 MiB): a zip bomb is refused unread;
- reads every ``<row>`` whatever the ``<dimension>`` tag says, and checks that
  the rows it hands out are the rows holding a value;
- refuses a cell past ``max_columns``, a sheet past ``max_rows`` or
  ``max_sheet_cells`` (last row × last column holding a value), merged ranges
  covering more than ``max_merged_cells`` and cells longer than
  ``max_cell_chars``, each with the sheet and cell;
- marks a formula cell saved without its value (:class:`Formula`) instead of
  reading it as empty;
- refuses XML with a document type declaration (entity expansion) and turns
  malformed XML into a located :class:`~dutygraph.errors.LoadError` (exit 2).

Cell values are as openpyxl gives them: ``str``, ``int``, ``float``, ``bool``,
``datetime`` (numbers in a date format), :class:`Formula`; empty cells are
``None``.

>>> import io, openpyxl
>>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "duties"
>>> ws.append(["id", "n"]); ws.append(["D1", 3]); ws["C2"] = "=B2*2"
>>> buf = io.BytesIO(); wb.save(buf)
>>> sheet = read_workbook(buf, "demo.xlsx")[0]
>>> sheet.title, sheet.rows
('duties', [(1, ['id', 'n']), (2, ['D1', 3, Formula(text='=B2*2')])])
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import ParseError, XMLPullParser

from ..config import MiB, Settings, current
from ..errors import LoadError

__all__ = ["Formula", "XlsxSheet", "column_letter", "read_workbook", "sheet_names"]

_REL_WORKSHEET = "/worksheet"
_REL_STRINGS = "/sharedStrings"
_REL_STYLES = "/styles"
_CHUNK = 1 << 16
#: members smaller than this are not held to the compression ratio (tiny files compress oddly)
_RATIO_FLOOR = MiB
#: number formats Excel reserves for dates in the Chinese, Japanese and Korean locales
_CJK_DATE_FORMATS = set(range(27, 37)) | set(range(50, 59))
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula cell saved without its computed value (openpyxl writes these; Excel computes)."""

    text: str


@dataclass
class XlsxSheet:
    """One worksheet: its non-blank rows (1-based number, cells by column) and merged ranges."""

    title: str
    #: ``(row number, cells)``, cells from column A, ``None`` for an empty cell
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    #: merged ranges as ``(min_row, min_col, max_row, max_col)``, 1-based, inclusive
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: the widest row's length
    width: int = 0


def column_letter(index: int) -> str:
    """The column's letters, for 1-based ``index``.

    >>> column_letter(1), column_letter(28), column_letter(16384)
    ('A', 'AB', 'XFD')
    """
    out = ""
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _unescape(text: str) -> str:
    """OOXML's ``_xHHHH_`` escapes (a control character written into a string)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


class _Book:
    """The zip archive, checked, and the XML parts read from it."""

    def __init__(self, source: str | IO[bytes] | Any, label: str, limits: Settings) -> None:
        self.label = label
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise LoadError(
                f"{label}: 不是可读的 XLSX 工作簿 (not a readable XLSX workbook: {exc}); "
                "an .xls or password-protected workbook: save it as .xlsx without a password"
            ) from exc
        self._check_sizes()
        self.names = set(self.zip.namelist())

    def _check_sizes(self) -> None:
        total = 0
        for info in self.zip.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > self.limits.max_xlsx_ratio:
                raise LoadError(
                    f"{self.label}: 工作簿成员 {info.filename} 压缩比 {ratio:.0f}:1 过高 "
                    f"(member inflates {info.compress_size:,} → {info.file_size:,} bytes, over "
                    f"the limit max_xlsx_ratio = {self.limits.max_xlsx_ratio}); "
                    "this is not a workbook Excel writes — re-save it from Excel, or raise "
                    "the setting if you trust the file"
                )
        if total > self.limits.max_xlsx_bytes:
            raise LoadError(
                f"{self.label}: 工作簿解压后 {total:,} 字节，超过上限 max_xlsx_bytes = "
                f"{self.limits.max_xlsx_bytes:,} (the workbook is too large uncompressed); "
                "split it, give the tables as CSV files, or raise the setting"
            )

    def part(self, name: str) -> IO[bytes]:
        try:
            return self.zip.open(name)
        except KeyError:
            raise LoadError(
                f"{self.label}: 工作簿缺少 {name} (the workbook has no {name}); re-save it from Excel"
            ) from None
        except (zipfile.BadZipFile, NotImplementedError, OSError, RuntimeError) as exc:
            raise LoadError(
                f"{self.label}: {name} 无法解压 (cannot be unpacked: {exc}); re-save it from Excel"
            ) from exc

    def parse(self, name: str, events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Any]]:
        """``(event, element)`` pairs of part ``name``, streamed; hostile or bad XML refused."""
        parser: Any = XMLPullParser(events=events)  # type: ignore[arg-type]
        try:
            with self.part(name) as fh:
                first = True
                while chunk := fh.read(_CHUNK):
                    if first:
                        _check_prologue(chunk, f"{self.label}: {name}")
                        first = False
                    parser.feed(chunk)
                    yield from parser.read_events()
            parser.close()
            yield from parser.read_events()
        except ParseError as exc:
            line, column = exc.position
            raise LoadError(
                f"{self.label}: {name} 不是格式正确的 XML (malformed XML at line {line}, "
                f"column {column}: {exc}); re-save the workbook from Excel"
            ) from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a CRC error, a truncated member
            raise LoadError(
                f"{self.label}: {name} 已损坏 (damaged: {exc}); re-save the workbook from Excel"
            ) from exc

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, target part name) of ``part``."""
        folder, base = posixpath.split(part)
        name = posixpath.join(folder, "_rels", base + ".rels")
        out: dict[str, tuple[str, str]] = {}
        if name not in self.names:
            return out
        for _, el in self.parse(name):
            if _local(el.tag) == "Relationship" and el.get("TargetMode") != "External":
                target = el.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                out[el.get("Id", "")] = (el.get("Type", ""), path)
        return out


def _check_prologue(chunk: bytes, where: str) -> None:
    """Refuse a document type declaration (the door to entity expansion) before parsing."""
    text = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:2] in (b"\xff\xfe", b"\xfe\xff") or (text and text[:1] != b"<"):
        raise LoadError(f"{where}: 不是 UTF-8 XML (not UTF-8 XML); re-save the workbook from Excel")
    head = chunk[:_CHUNK].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise LoadError(
            f"{where}: XML 含文档类型声明 (a DOCTYPE/ENTITY declaration), which a workbook never "
            "has; refused (entity expansion); re-save the workbook from Excel"
        )


def _text_of(el: Any) -> str:
    """The text of a string item (``<si>``/``<is>``): its ``<t>``s, not phonetic runs."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = _local(child.tag)
            if tag == "t":
                parts.append(child.text or "")
            elif tag == "r":
                walk(child)

    walk(el)
    return _unescape("".join(parts))


def _shared_strings(book: _Book, name: str | None) -> list[str]:
    if not name or name not in book.names:
        return []
    out: list[str] = []
    limit = book.limits.max_cell_chars
    for _, el in book.parse(name):
        if _local(el.tag) == "si":
            text = _text_of(el)
            if len(text) > limit:
                text = text[: limit + 1]  # kept one over: the cell that uses it is refused
            out.append(text)
            el.clear()
    return out


def _date_styles(book: _Book, name: str | None) -> list[bool]:
    """For each cell style (``s`` attribute), whether its number format is a date."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    if not name or name not in book.names:
        return []
    custom: dict[int, str] = {}
    styles: list[bool] = []
    in_xfs = False
    for event, el in book.parse(name, ("start", "end")):
        tag = _local(el.tag)
        if tag == "cellXfs":
            in_xfs = event == "start"
        elif event == "end" and tag == "numFmt":
            try:
                custom[int(el.get("numFmtId", "-1"))] = el.get("formatCode", "")
            except ValueError:
                continue
        elif event == "end" and tag == "xf" and in_xfs:
            try:
                fid = int(el.get("numFmtId", "0"))
            except ValueError:
                fid = 0
            code = custom.get(fid, BUILTIN_FORMATS.get(fid, ""))
            styles.append(fid in _CJK_DATE_FORMATS or bool(code and is_date_format(code)))
    return styles


def _workbook(book: _Book) -> tuple[list[tuple[str, str]], str | None, str | None, bool]:
    """The worksheets ``(title, part)`` in tab order, the strings and styles parts, date1904."""
    main = "xl/workbook.xml"
    for _, el in book.parse("_rels/.rels") if "_rels/.rels" in book.names else ():
        if _local(el.tag) == "Relationship" and el.get("Type", "").endswith("/officeDocument"):
            main = el.get("Target", main).lstrip("/")
    rels = book.rels(main)
    sheets: list[tuple[str, str]] = []
    date1904 = False
    for _, el in book.parse(main):
        tag = _local(el.tag)
        if tag == "workbookPr":
            date1904 = el.get("date1904", "0").lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            if rid not in rels:
                raise LoadError(
                    f"{book.label}: 工作表 {el.get('name', '')!r} 在 {main} 中没有对应的部件 "
                    f"(sheet {el.get('name', '')!r} points at no part: the workbook is damaged); "
                    "re-save it from Excel"
                )
            kind, part = rels[rid]
            if kind.endswith(_REL_WORKSHEET):
                sheets.append((el.get("name", ""), part))
    named = {part for _, part in sheets}
    unnamed = sorted(p for k, p in rels.values() if k.endswith(_REL_WORKSHEET) and p not in named)
    if unnamed:  # a worksheet the sheet list lost: its rows would be skipped without a word
        raise LoadError(
            f"{book.label}: {main} 没有列出工作表 {', '.join(unnamed)} (the workbook holds "
            f"{len(named) + len(unnamed)} worksheets but its sheet list names {len(named)}: "
            "the file is damaged); re-save it from Excel"
        )
    strings = next((p for k, p in rels.values() if k.endswith(_REL_STRINGS)), None)
    styles = next((p for k, p in rels.values() if k.endswith(_REL_STYLES)), None)
    return sheets, strings, styles, date1904


def sheet_names(source: str | IO[bytes] | Any, label: str | None = None) -> list[str]:
    """The worksheets' titles, in tab order, reading no cell (the zip checks apply)."""
    label = label or str(source)
    book = _Book(source, label, current())
    return [title for title, _ in _workbook(book)[0]]


def read_workbook(
    source: str | IO[bytes] | Any, label: str | None = None, limits: Settings | None = None
) -> list[XlsxSheet]:
    """Every worksheet of the workbook at ``source`` (a path or a binary file), checked."""
    label = label or str(source)
    limits = limits or current()
    book = _Book(source, label, limits)
    try:
        sheets, strings_part, styles_part, date1904 = _workbook(book)
        strings = _shared_strings(book, strings_part)
        dates = _date_styles(book, styles_part)
        return [_read_sheet(book, title, part, strings, dates, date1904) for title, part in sheets]
    finally:
        book.zip.close()


class _SheetReader:
    """The state of one sheet's parse: the row being read, the extent, the limits."""

    def __init__(
        self, book: _Book, title: str, strings: list[str], dates: list[bool], date1904: bool
    ) -> None:
        self.where = f"{book.label}, 工作表 {title} (sheet {title})"
        self.limits = book.limits
        self.strings = strings
        self.dates = dates
        self.date1904 = date1904
        self.sheet = XlsxSheet(title)
        self.row_number = 0
        self.column = 0
        self.rows_with_values = 0

    def fail(self, cell: str, message: str, fix: str) -> LoadError:
        return LoadError(f"{self.where}, 单元格 {cell} (cell {cell}): {message}; {fix}")

    def position(self, ref: str | None) -> tuple[int, int]:
        if ref:
            m = _REF.match(ref.upper())
            if not m:
                raise self.fail(
                    ref, f"单元格引用 {ref!r} 无效 (not a cell reference)", "re-save from Excel"
                )
            return int(m.group(2)), _column_index(m.group(1))
        return self.row_number, self.column + 1

    def value(self, el: Any, ref: str) -> Any:
        kind = el.get("t", "n")
        v = f = None
        inline = None
        for child in el:
            tag = _local(child.tag)
            if tag == "v":
                v = child.text
            elif tag == "f":
                f = child.text or ""
            elif tag == "is":
                inline = _text_of(child)
        if kind == "inlineStr":
            return inline
        if f is not None and (v is None or (v == "" and kind != "str")):
            return Formula("=" + f)
        if v is None:
            return None
        if kind == "s":
            try:
                return self.strings[int(v)]
            except (ValueError, IndexError):
                raise self.fail(
                    ref, f"共享字符串 {v!r} 不存在 (no shared string {v})", "re-save from Excel"
                ) from None
        if kind in ("str", "e"):
            return _unescape(v)
        if kind == "b":
            return v.strip() in ("1", "true")
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(v.strip().rstrip("Z"))
            except ValueError:
                return v
        try:
            number: int | float = float(v) if any(c in v for c in ".eE") else int(v)
        except ValueError:
            raise self.fail(ref, f"{v!r} 不是数字 (not a number)", "re-save from Excel") from None
        style = el.get("s")
        if style and style.isdigit() and int(style) < len(self.dates) and self.dates[int(style)]:
            from openpyxl.utils.datetime import MAC_EPOCH, from_excel

            try:
                return from_excel(number, MAC_EPOCH) if self.date1904 else from_excel(number)
            except (ValueError, OverflowError):
                return number
        return number

    def read_row(self, el: Any) -> None:
        r = el.get("r")
        self.row_number = int(r) if r and r.isdigit() else self.row_number + 1
        self.column = 0
        cells: dict[int, Any] = {}
        for c in el:
            if _local(c.tag) != "c":
                continue
            row, col = self.position(c.get("r"))
            self.column = col
            if row != self.row_number:
                raise self.fail(
                    c.get("r", "?"),
                    f"单元格位于第 {self.row_number} 行的 <row> 内 (a cell of another row)",
                    "re-save from Excel",
                )
            ref = f"{column_letter(col)}{row}"
            value = self.value(c, ref)
            if value is None or value == "":
                continue
            if col > self.limits.max_columns:
                raise self.fail(
                    ref,
                    f"超出列数上限 max_columns = {self.limits.max_columns} (a value past the column limit)",
                    "delete what is in the far columns (Excel: select them, Delete), or raise the setting",
                )
            if isinstance(value, str) and len(value) > self.limits.max_cell_chars:
                raise self.fail(
                    ref,
                    f"单元格超过 {self.limits.max_cell_chars:,} 个字符 (cell longer than max_cell_chars)",
                    "shorten the text, or raise the setting max_cell_chars",
                )
            cells[col] = value
        if not cells:
            return
        self.rows_with_values += 1
        if self.rows_with_values > self.limits.max_rows:
            raise LoadError(
                f"{self.where}: 超过 {self.limits.max_rows:,} 行 (more rows than max_rows); "
                "split the sheet, or raise the setting"
            )
        width = max(cells)
        if width * self.row_number > self.limits.max_sheet_cells:
            ref = f"{column_letter(width)}{self.row_number}"
            raise self.fail(
                ref,
                f"工作表范围 {column_letter(width)}×{self.row_number:,} 超过 "
                f"max_sheet_cells = {self.limits.max_sheet_cells:,} (the sheet's extent is too large)",
                "delete stray values far below or right of the table, or raise the setting",
            )
        values: list[Any] = [None] * width
        for col, value in cells.items():
            values[col - 1] = value
        self.sheet.width = max(self.sheet.width, width)
        self.sheet.rows.append((self.row_number, values))

    def merge(self, ref: str) -> None:
        parts = ref.upper().split(":")
        try:
            (r1, c1), (r2, c2) = (self.position(p) for p in (parts[0], parts[-1]))
        except LoadError:
            raise self.fail(
                ref, f"合并区域 {ref!r} 无效 (not a range)", "re-save from Excel"
            ) from None
        r1, r2 = sorted((r1, r2))
        c1, c2 = sorted((c1, c2))
        self.sheet.merged.append((r1, c1, r2, c2))
        area = sum((b - a + 1) * (d - c + 1) for a, c, b, d in self.sheet.merged)
        if area > self.limits.max_merged_cells:
            raise self.fail(
                ref,
                f"合并单元格共覆盖 {area:,} 个单元格，超过 max_merged_cells = "
                f"{self.limits.max_merged_cells:,} (merged ranges cover too many cells)",
                "unmerge the range (Excel: Merge & Center off), or raise the setting",
            )


def _read_sheet(
    book: _Book, title: str, part: str, strings: list[str], dates: list[bool], date1904: bool
) -> XlsxSheet:
    reader = _SheetReader(book, title, strings, dates, date1904)
    for _, el in book.parse(part):
        tag = _local(el.tag)
        if tag == "row":
            reader.read_row(el)
            el.clear()
        elif tag == "mergeCell":
            reader.merge(el.get("ref", ""))
    rows = reader.sheet.rows
    numbers = [n for n, _ in rows]
    if len(set(numbers)) != len(numbers):
        raise LoadError(
            f"{reader.where}: 行号重复 (a row number appears twice); re-save from Excel"
        )
    if numbers != sorted(numbers):
        rows.sort(key=lambda r: r[0])
    # every row holding a value is handed out, whatever the sheet's <dimension> tag says
    assert len(rows) == reader.rows_with_values
    return reader.sheet
