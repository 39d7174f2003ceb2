"""One published-list file into a :class:`~dutygraph.io.lists.records.ListBatch`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import LoadError, Problem
from ...graph import DutyGraph
from ..mapping import builtin_mappings, header_key, mapping
from .divisions import read_divisions
from .records import ListBatch, _Reader
from .sheets import _NOTE, _find_layout, _Layout, _read_sheets, _single
from .versions import ListVersion


def read_published_list(path: str | Path, **options: Any) -> ListBatch:
    """Read one published list (XLSX or CSV) into records, with every problem found.

    Parameters
    ----------
    path : the file
    **options
        ``format`` (a mapping name or ``.toml`` path; default: detected from
        the headers), ``graph`` (the store's current :class:`DutyGraph`, or a
        function returning it, to match departments and items),
        ``region`` and ``department`` (the list's government and owner when
        the file does not say), ``effective`` (YYYY-MM-DD), ``list`` (the
        list's id, default from the owner or title), ``progress`` (called
        with rows done and rows in all).

    Raises
    ------
    LoadError
        The file cannot be read, or no sheet has headers of a known format.
    """
    p = Path(path)
    graph = options.get("graph")
    if callable(graph):
        graph = graph()
    graph = graph if graph is not None else DutyGraph()
    fmt = options.get("format")
    candidates = [mapping(fmt)] if fmt else list(builtin_mappings())
    if options.get("mapping"):
        candidates = [mapping(str(options["mapping"]))]
    refused: list[Problem] = []  # cells the reader refused; their rows read as blank
    sheets = _read_sheets(p, options.get("encoding"), refused)
    progress: Callable[[int, int], None] | None = options.get("progress")
    total = sum(len(rows) for _, rows in sheets)
    done = 0
    out = ListBatch()
    out.problems.extend(refused)
    found_any = False
    for sheet, rows in sheets:
        layout = _find_layout(rows, candidates)
        if layout is None:
            if any(any(cells) for _, cells in rows):
                out.problems.append(
                    Problem(
                        p.name,
                        None,
                        None,
                        "no header of a known list format on this sheet; skipped",
                        "pass --format NAME if the headers are unusual",
                        sheet,
                        severity="warning",
                        code="unknown-sheet",
                    )
                )
            done += len(rows)
            continue
        found_any = True
        reader = _Reader(p, layout.mapping, graph, options)
        reader.sheet = sheet
        _read_sheet(reader, layout, rows, progress, done, total)
        done += len(rows)
        out.rows.extend(reader.batch.rows)
        out.problems.extend(reader.batch.problems)
        out.rows_read += reader.batch.rows_read
        out.sources.append(str(p) + (f"#{sheet}" if sheet else ""))
        if layout.mapping.kind == "duties":
            out.versions.append(
                ListVersion(
                    reader.list_id,
                    reader.version,
                    reader.effective,
                    layout.mapping.name,
                    reader.title,
                    p.name,
                    partial=any(pr.severity == "error" for pr in reader.batch.problems),
                )
            )
    if not found_any:
        names = ", ".join(m.name for m in candidates)
        raise LoadError(
            f"{p}: not a dutygraph bundle, and no sheet has the headers of a known list "
            f"format ({names}); pass --format NAME, or check the header row"
        )
    if progress:
        progress(total, total)
    return out


def _read_sheet(
    reader: _Reader,
    layout: _Layout,
    rows: list[tuple[int, list[str]]],
    progress: Callable[[int, int], None] | None,
    done: int,
    total: int,
) -> None:
    m = layout.mapping
    start = layout.header_at + len(layout.header_rows)
    title = "\n".join(dict.fromkeys(c for _, cells in rows[: layout.header_at] for c in cells if c))
    header_keys = [header_key(c) for c in layout.header_rows[0]]
    cols = layout.columns
    mapped = set(cols.values())
    extras = [
        (c, "/".join(dict.fromkeys(r[c] for r in layout.header_rows if c < len(r) and r[c])))
        for c in range(max(len(r) for r in layout.header_rows))
        if c not in mapped
    ]
    keep = {name: c for name, c in cols.items() if name in m.keep}
    data: list[tuple[int, dict[str, str], dict[str, str]]] = []
    notes: list[str] = []
    in_notes = False
    prev: dict[str, str] | None = None
    for number, cells in rows[start:]:
        if not any(cells):
            continue
        single = _single(cells)
        if single is not None and (in_notes or _NOTE.match(single)):
            in_notes = True
            notes.append(single)
            continue
        if [header_key(c) for c in cells] == header_keys:
            continue  # a header repeated on every printed page
        values = {f: cells[c] if c < len(cells) else "" for f, c in cols.items()}
        if prev is not None and (
            (not values.get("name") and values.get("sub_name"))
            or (values.get("name") and values.get("name") == prev.get("name"))
        ):
            for f in m.carry_down:
                if not values.get(f):
                    values[f] = prev.get(f, "")
        prev = values
        extra = {name: values[name] for name in keep if values.get(name)}
        extra.update({label: cells[c] for c, label in extras if c < len(cells) and cells[c]})
        data.append((number, values, extra))
    reader.setup(title, notes)
    reader.batch.rows_read = len(data)
    if m.kind == "regions":
        read_divisions(reader, data, set(m.pseudo), progress, done, total)
        return
    reader.look_up(data)
    for k, (number, values, extra) in enumerate(data):
        reader.duty_row(number, values, extra)
        if progress and k % 200 == 0:
            progress(done + k, total)
    reader.parent_duties()
