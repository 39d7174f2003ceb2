"""A bundle's duty table read, checked and written a slice at a time (importer._Stream).

Each case imports the same bundle twice, into new stores: streamed (the default for a
big duty table into an embedded store with no duties; slices made small here) and
whole (``stream_from=None``, the import as it was). The two must agree exactly: the
report, the problems (file, row, column, message, in order), the error raised, and
every table of the store; a failed import into a new path leaves no file.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from dutygraph.errors import LoadError, ValidationFailed
from dutygraph.importer import load
from dutygraph.io import bundle, tables
from dutygraph.store import EmbeddedStore

from .bundles import big_bundle

COUNTIES, ITEMS = 210, 100  # 21,000 duties: above the bulk write's size


@pytest.fixture
def slices(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Small slices (a few per file); the sizes of the slices the stream made."""
    monkeypatch.setattr(tables, "SLICE_BYTES", 120_000)
    made: list[int] = []
    orig = bundle.DutyStream.slices

    def counted(self: Any) -> Any:
        for part in orig(self):
            made.append(len(part))
            yield part

    monkeypatch.setattr(bundle.DutyStream, "slices", counted)
    return made


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}
        out["history"] = [r[2:] for r in conn.execute("SELECT rowid, at, op FROM history")]
        out["indexes"] = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' ORDER BY name"
        ).fetchall()
        return out
    finally:
        conn.close()


def _run(folder: Path, store_path: Path, **kw: Any) -> tuple[str, Any]:
    kw.setdefault("stream_from", 1)  # as low as it goes: the bulk write's size
    store = EmbeddedStore(store_path)
    try:
        report = load(store, [folder], **kw)
    except (ValidationFailed, LoadError) as exc:
        problems = [p.as_dict() for p in getattr(exc, "problems", [])]
        return type(exc).__name__, (str(exc), problems)
    finally:
        store.close()
    return "ok", report.as_dict()


def _both(folder: Path, tmp: Path) -> tuple[str, Any]:
    streamed = _run(folder, tmp / "streamed.db")
    whole = _run(folder, tmp / "whole.db", stream_from=None)
    assert streamed == whole
    made = (tmp / "streamed.db").exists()
    assert made == (tmp / "whole.db").exists()
    if made:
        assert _tables(tmp / "streamed.db") == _tables(tmp / "whole.db")
    return streamed


def _edit(folder: Path, edit: Any) -> Path:
    """Rewrite duties.csv's rows through ``edit(rows) -> rows`` (the header is rows[0])."""
    path = folder / "duties.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(edit(rows))
    return folder


def test_a_clean_bundle_streams_into_the_same_store(tmp_path: Path, slices: list[int]) -> None:
    folder = big_bundle(tmp_path / "b", COUNTIES, ITEMS)
    outcome, report = _both(folder, tmp_path)
    assert outcome == "ok"
    assert report["added"]["duty"] == report["read"]["duty"] == COUNTIES * ITEMS
    assert len(slices) > 3 and sum(slices) == COUNTIES * ITEMS  # it streamed, in slices


def test_a_second_import_of_it_changes_nothing(tmp_path: Path, slices: list[int]) -> None:
    folder = big_bundle(tmp_path / "b", COUNTIES, ITEMS)
    store = EmbeddedStore(tmp_path / "s.db")
    load(store, [folder], stream_from=1)
    made = len(slices)
    assert (
        made and load(store, [folder], stream_from=1).added == {}
    )  # a store with duties: compared whole
    assert len(slices) == made
    store.close()


def _set(row: int, column: str, value: str) -> Any:
    def edit(rows: list[list[str]]) -> list[list[str]]:
        rows[row][rows[0].index(column)] = value
        return rows

    return edit


def _insert(row: int, cells: list[str]) -> Any:
    def edit(rows: list[list[str]]) -> list[list[str]]:
        rows.insert(row, cells)
        return rows

    return edit


LATE = COUNTIES * ITEMS - 5  # a row in the last slice

CASES = {
    "bad role late": _set(LATE, "role", "boss"),
    "bad date early": _set(3, "valid_from", "2024-13-01"),
    "unknown department": _set(LATE, "department", "D-NONE"),
    "unknown item": _set(9000, "item", "I-NONE"),
    "unknown basis": _set(12000, "bases", "B1;B-NONE"),
    "no basis (a warning)": _set(LATE, "bases", ""),
    "same row twice (a warning)": lambda rows: [*rows, rows[7]],
    "same key, other basis": lambda rows: [*rows, [*rows[7][:4], "", *rows[7][5:]]],
    "blank rows": _insert(5000, ["", "", "", "", "", ""]),
    "control character": _set(LATE, "department", "D1\x1b[2J"),
    "row longer than the header": lambda rows: [*rows, [*rows[7], "extra"]],
    "a quoted cell with a comma": _set(LATE - 1, "bases", "B1,B1"),
    "no duty at all": lambda rows: rows[:1] + [[""] * 6 for _ in range(25_000)],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_problem_as_the_whole_import_reports_it(
    case: str, tmp_path: Path, slices: list[int]
) -> None:
    folder = _edit(big_bundle(tmp_path / "b", COUNTIES, ITEMS), CASES[case])
    _both(folder, tmp_path)
    assert slices or case == "bad date early"  # it streamed (up to the slice in error)


def test_a_failed_streamed_import_makes_no_store(tmp_path: Path, slices: list[int]) -> None:
    folder = _edit(big_bundle(tmp_path / "b", COUNTIES, ITEMS), _set(LATE, "role", "boss"))
    outcome, (_, problems) = _run(folder, tmp_path / "new.db")
    assert outcome == "ValidationFailed"
    assert [(p["file"], p["row"], p["column"]) for p in problems] == [
        ("duties.csv", LATE + 1, "role")
    ]
    assert slices  # it streamed up to the bad slice, then read whole
    assert not list(tmp_path.glob("new.db*"))


def test_a_file_changed_while_streaming_is_read_whole(
    tmp_path: Path, slices: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = big_bundle(tmp_path / "b", COUNTIES, ITEMS)
    orig = bundle.DutyStream._chunks

    def changing(self: Any) -> Any:
        for k, chunk in enumerate(orig(self)):
            if k == 0:
                _edit(folder, _set(LATE, "role", "boss"))
            yield chunk

    monkeypatch.setattr(bundle.DutyStream, "_chunks", changing)
    outcome, (_, problems) = _run(folder, tmp_path / "s.db")
    assert outcome == "ValidationFailed"  # the whole read of the file as it is now
    assert [p["column"] for p in problems] == ["role"]


def test_a_new_store_not_linked_into_place_is_written_in_place_the_same(
    tmp_path: Path, slices: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system without hard links: the store built aside is not linked, the streamed
    duties are read again and written in place; the same report and tables."""
    import os

    folder = big_bundle(tmp_path / "b", COUNTIES, ITEMS)
    whole = _run(folder, tmp_path / "whole.db", stream_from=None)

    def no_links(src: Any, dst: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert _run(folder, tmp_path / "streamed.db") == whole
    assert sum(slices) == 2 * COUNTIES * ITEMS  # built aside, then again in place
    assert _tables(tmp_path / "streamed.db") == _tables(tmp_path / "whole.db")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".new")] == []


@pytest.mark.parametrize("head", [2, 1 << 16])
@pytest.mark.parametrize("ascii_only", [True, False])
def test_an_ascii_file_streamed_is_read_as_its_whole_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head: int, ascii_only: bool
) -> None:
    """A streamed ASCII file is not made text whole (only its head): the same header and
    rows as the whole-text reader, a header going on past the head included."""
    monkeypatch.setattr(tables, "_HEAD_CHARS", head)
    name = "dept\nlong\nname" if ascii_only else "部门\n很长\n名称"
    path = tmp_path / "d.csv"
    path.write_text(f'"{name}",item\n' + "".join(f"D{k},I{k}\n" for k in range(50)), "utf-8")
    read = [tables.read_csv(path, stream=s) for s in (True, False)]
    got = [(t.header, [(n, [c.strip() for c in cells]) for n, cells in t.rows]) for t in read]
    assert got[0] == got[1]
    assert got[0][0][0] == name and got[0][1][-1] == (51, ["D49", "I49"])
