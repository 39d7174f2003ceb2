"""Reading a published list's file: its cells, its header rows, its title and note rows.

Files are read strictly and bounded, as bundles are (:mod:`dutygraph.io.tables`,
:mod:`dutygraph.io.xlsx`): CSV as UTF-8 unless ``encoding`` names GB18030,
every row of a workbook whatever its ``<dimension>`` tag says, merged ranges
expanded only over the cells that hold the sheet's data (their area capped by
``max_merged_cells``); a cell with a control character or a formula saved
without its value is a problem of that cell, and its row is not read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...config import current
from ...errors import LoadError, Problem
from ..mapping import Mapping, assign_columns, header_key
from ..tables import _CsvRows, cell_problem, control_character, decode
from ..xlsx import Formula, column_letter, read_workbook

# -- reading cells ------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if not unicodedata.is_normalized("NFKC", text):  # most cells are: no copy made
        text = unicodedata.normalize("NFKC", text)
    if "\r" not in text and "\n" not in text:
        return text.strip()  # one line: what the line-by-line strip below gives
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in text.split("\n")).strip()


Sheet = tuple[str | None, list[tuple[int, list[str]]]]


def _checked(
    label: str, sheet: str | None, number: int, values: list[Any], problems: list[Problem]
) -> list[str]:
    """A row's cells as text; a row holding a bad cell is reported and read as blank."""
    if _plain(values):
        return [_cell(v) for v in values]
    bad = False
    for i, value in enumerate(values):
        if isinstance(value, Formula | str) and (
            p := cell_problem(label, sheet, number, column_letter(i + 1), value)
        ):
            problems.append(p)
            bad = True
    return [""] * len(values) if bad else [_cell(v) for v in values]


def _plain(values: list[Any]) -> bool:
    """No cell is a formula or holds a control character: one search over the row's text
    (joined by tabs, which no check flags; a CR is left to the cell-by-cell check)."""
    if any(isinstance(v, Formula) for v in values):
        return False
    joined = "\t".join(v for v in values if isinstance(v, str))
    return "\r" not in joined and control_character(joined) is None


def _read_csv(path: Path, encoding: str | None, problems: list[Problem]) -> list[Sheet]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    reader = _CsvRows(decode(raw, str(path), encoding), str(path), current())
    rows = [
        (n, _checked(path.name, None, n, cells, problems))
        for n, cells in enumerate(reader, start=1)
    ]
    return [(None, rows)]


def _read_xlsx(path: Path, problems: list[Problem]) -> list[Sheet]:
    limits = current()
    sheets: list[Sheet] = []
    for ws in read_workbook(path, str(path), limits):
        last = ws.rows[-1][0] if ws.rows else 0
        width = ws.width
        grid: dict[int, list[str]] = {
            n: _checked(path.name, ws.title, n, [*cells, *[None] * (width - len(cells))], problems)
            for n, cells in ws.rows
        }
        # a merged range gives its top-left value to every cell it covers, within the
        # rows and columns that hold data (a range past them covers nothing that is read)
        for r1, c1, r2, c2 in ws.merged:
            value = grid.get(r1, [])[c1 - 1] if c1 - 1 < len(grid.get(r1, [])) else ""
            if not value:
                continue
            for r in range(r1, min(r2, last) + 1):
                row = grid.setdefault(r, [""] * width)
                for c in range(c1 - 1, min(c2, width)):
                    row[c] = value
        sheets.append((ws.title, [(n, grid.get(n, [""] * width)) for n in range(1, last + 1)]))
    return sheets


def _read_sheets(
    path: Path, encoding: str | None = None, problems: list[Problem] | None = None
) -> list[Sheet]:
    """The sheets of a list's file; cells refused (with their place) are added to ``problems``."""
    problems = [] if problems is None else problems
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, problems)
    if suffix in (".csv", ".txt"):
        return _read_csv(path, encoding, problems)
    raise LoadError(f"{path}: unknown file type {suffix!r}; a published list is .xlsx or .csv")


# -- finding the header -------------------------------------------------------------------


#: id(mapping) -> (the mapping, its synonyms): Mapping.synonyms() normalises every header
#: name of the mapping each time; a list's header search asks it per row, mapping and cell
_SYNONYMS: dict[int, tuple[Mapping, set[str]]] = {}


def _synonyms(m: Mapping) -> set[str]:
    hit = _SYNONYMS.get(id(m))
    if hit is None or hit[0] is not m:
        if len(_SYNONYMS) > 256:
            _SYNONYMS.clear()
        hit = _SYNONYMS[id(m)] = (m, m.synonyms())
    return hit[1]


def _is_subheader(cells: list[str], m: Mapping) -> bool:
    keys = [header_key(c) for c in cells if c]
    known = _synonyms(m)
    return bool(keys) and all(k in known for k in keys)


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
    known = _synonyms(m)
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
