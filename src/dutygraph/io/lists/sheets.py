"""Reading a published list's file: its cells, its header rows, its title and note rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ...errors import LoadError
from ..mapping import Mapping, assign_columns, header_key

# -- reading cells ------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in text.split("\n")).strip()


Sheet = tuple[str | None, list[tuple[int, list[str]]]]


def _read_csv(path: Path) -> list[Sheet]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise LoadError(f"{path}: neither UTF-8 nor GB18030; save it as UTF-8 CSV")
    reader = csv.reader(io.StringIO(text, newline=""))
    return [(None, [(n, [_cell(c) for c in cells]) for n, cells in enumerate(reader, start=1)])]


def _read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl  # imported here: only workbook users pay for it

    try:  # not read_only: merged cells are needed
        wb = openpyxl.load_workbook(path, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    sheets: list[Sheet] = []
    for ws in wb.worksheets:
        grid = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:
            value = grid[rng.min_row - 1][rng.min_col - 1]
            for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                row = grid[r]
                for c in range(rng.min_col - 1, min(rng.max_col, len(row))):
                    row[c] = value
        sheets.append((ws.title, list(enumerate(grid, start=1))))
    wb.close()
    return sheets


def _read_sheets(path: Path) -> list[Sheet]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise LoadError(f"{path}: unknown file type {suffix!r}; a published list is .xlsx or .csv")


# -- finding the header -------------------------------------------------------------------


def _is_subheader(cells: list[str], m: Mapping) -> bool:
    keys = [header_key(c) for c in cells if c]
    return bool(keys) and all(k in m.synonyms() for k in keys)


def _spread(top: list[str], sub: list[str]) -> list[str]:
    """A CSV top header row with its merged cells spread right over the sub-header cells."""
    out = list(top)
    for c in range(1, len(out)):
        if not out[c] and c < len(sub) and sub[c]:
            out[c] = out[c - 1]
    return out


@dataclass
class _Layout:
    mapping: Mapping
    header_at: int  # index into the sheet's rows
    header_rows: list[list[str]]
    columns: dict[str, int]


def _layout_at(rows: list[tuple[int, list[str]]], i: int, m: Mapping) -> _Layout | None:
    top = rows[i][1]
    known = m.synonyms()
    if not any(header_key(c) in known for c in top if c):
        return None  # a title row above a header row is not a header
    header_rows = [top]
    if i + 1 < len(rows) and _is_subheader(rows[i + 1][1], m):
        header_rows = [_spread(top, rows[i + 1][1]), rows[i + 1][1]]
    cols = assign_columns(m, header_rows)
    if not m.detect or not all(f in cols for f in m.detect):
        return None
    return _Layout(m, i, header_rows, cols)


def _find_layout(
    rows: list[tuple[int, list[str]]], candidates: Iterable[Mapping]
) -> _Layout | None:
    candidates = list(candidates)
    for i in range(min(len(rows), 20)):
        found = [lay for m in candidates if (lay := _layout_at(rows, i, m))]
        if found:
            title = " ".join(c for _, cells in rows[:i] for c in cells)

            def score(lay: _Layout, title: str = title) -> tuple[int, int]:
                words = sum(w in title for w in lay.mapping.title_words)
                return (len(lay.columns), words)

            return max(found, key=score)
    return None


# -- title and note rows ------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_NOTE = re.compile(r"^(备注|注|附注|说明|填表说明)\s*[:：\d]")
_BODY = re.compile(r"^.{2,40}(?:人民政府|委员会|办公室|局|委|厅|办|部|中心|政府)$")


def _dates(texts: Iterable[str]) -> list[tuple[bool, str]]:
    out = []
    for t in texts:
        for m in _DATE.finditer(t):
            try:
                d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                continue
            tail = t[m.end() : m.end() + 8]
            out.append((bool(re.search(r"施行|生效|起|执行|实施", tail)), d))
    return out


def _title_owner(title: str, m: Mapping) -> str | None:
    head = title
    for w in (*m.title_words, "清单"):
        if w in head:
            head = head[: head.index(w)]
    head = re.sub(r"\d{4}\s*年(度|版)?", "", head.strip())
    return head if _BODY.match(head) else None


def _list_title_core(title: str) -> str:
    t = re.sub(r"\(.*?\)|【.*?】|\d{4}\s*年(度|版)?|第?\d+版", "", title)
    return re.sub(r"[\s#]+", "", t)


def _single(cells: list[str]) -> str | None:
    vals = {c for c in cells if c}
    return next(iter(vals)) if len(vals) == 1 else None
