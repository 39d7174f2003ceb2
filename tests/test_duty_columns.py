"""Duty tables read as columns: the same duties and problems as row by row, with their places."""

from __future__ import annotations

import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from dutygraph import columns, load, who_leads
from dutygraph.columns import DutyColumns
from dutygraph.fixtures import DEMO_PATH
from dutygraph.io.bundle import _Cells, _duty, read_bundle
from dutygraph.io.tables import read_csv
from dutygraph.model import Duty, Origin
from dutygraph.store import EmbeddedStore
from dutygraph.store.pickled import MAGIC, PickledStore

from .bundles import append_rows, copy_demo

HEADER = "department,item,region,role,bases,valid_from,valid_to,source,line,备注\n"

#: rows a clerk's export really holds: padding, Chinese role words, 12-digit codes, a blank
#: line, a short row, a cell over two lines, repeats, and bad cells
MESSY = (
    "\ufeff"
    + HEADER
    + " JJ-SCJ ,I-FOOD,510104000000,牵头,B-FSL-6；B-FSL-35,2024-01-01,,list A,,核对过\n"
    'JJ-SCJ,I-GAS,510104,配合,B-GAS-5,,,"list B\nsecond line",,\n'
    "\n"
    "JJ-SCJ,I-OIL,510104,lead\n"
    "JJ-SCJ,I-OIL,510104,boss,B-OIL,,,x,,\n"
    "JJ-SCJ,I-OIL,5101,lead,B-OIL,2025/01/01,,x,,\n"
    ",,,,,,,,,\n"
    "JJ-SCJ,I-GAS,510104,assist,B-GAS-5,2025-01-01,2024-01-01,x,,\n"
    " JJ-SCJ ,I-FOOD,510104000000,牵头,B-FSL-6；B-FSL-35,2024-01-01,,list A,,核对过\n"
)


def _messy_bundle(tmp_path: Path) -> Path:
    bundle = copy_demo(tmp_path / "messy")
    (bundle / "duties.csv").write_text(MESSY, encoding="utf-8")
    return bundle


def _row_by_row(path: Path) -> tuple[list[tuple], list[tuple]]:
    """The duties and problems of the generic parser, one row at a time (the reference)."""
    table = read_csv(path)
    problems: list = []
    duties = []
    for number, values in table.records():
        cells = _Cells(table, number, values, problems)
        kwargs = _duty(cells)
        if cells.ok:
            duties.append((number, tuple(kwargs.values())))
    return duties, [(p.row, p.column, p.code) for p in problems]


def test_columns_read_the_same_duties_and_problems_as_the_row_parser(tmp_path):
    bundle = _messy_bundle(tmp_path)
    batch = read_bundle(bundle)
    got = [
        (
            d.origin.row,
            (
                d.department,
                d.item,
                d.region,
                d.role,
                d.bases,
                d.valid_from,
                d.valid_to,
                d.source,
                d.line,
            ),
        )
        for d in batch.duties
    ]
    duties, problems = _row_by_row(bundle / "duties.csv")
    assert got == duties
    duty_problems = [(p.row, p.column, p.code) for p in batch.problems if p.file == "duties.csv"]
    assert duty_problems == problems
    # the places a clerk would look at: rows count records (a cell over two lines is one row)
    assert duty_problems == [
        (6, "role", "unknown-role"),
        (7, "valid_from", "bad-date"),  # the parser reads the dates first
        (7, "region", "bad-region-code"),
        (9, "valid_to", "reversed-dates"),
    ]
    first = next(iter(batch.duties))
    assert first.department == "JJ-SCJ" and first.region == "510104" and first.role == "lead"
    assert first.attrs == {"备注": "核对过"}
    assert first.origin == Origin("duties.csv", 2)


@pytest.mark.parametrize("polars_from", [0, columns.POLARS_FROM], ids=["polars", "set"])
def test_a_repeated_duty_row_is_a_warning_and_goes_in_once(
    tmp_path, store, monkeypatch, polars_from
):
    monkeypatch.setattr(columns, "POLARS_FROM", polars_from)
    bundle = _messy_bundle(tmp_path)
    lines = MESSY.splitlines(keepends=True)
    good = [lines[0], lines[1], lines[2], lines[3], lines[10]]  # rows 2, 3 (two lines), 4
    (bundle / "duties.csv").write_text("".join(good), encoding="utf-8")
    report = load(store, [bundle])
    repeats = [p for p in report.problems if p.code == "duplicate-row"]
    assert [(p.row, p.message) for p in repeats] == [
        (4, "与 duties.csv, row 2 重复 (repeats duties.csv, row 2)")
    ]
    assert report.added["duty"] == 2
    assert who_leads(store.graph(), "I-FOOD", "510104", "2025-01-01").departments() == ["JJ-SCJ"]


@pytest.mark.parametrize("polars_from", [0, columns.POLARS_FROM], ids=["polars", "set"])
def test_duties_are_the_same_duty_by_key_alone(monkeypatch, polars_from):
    monkeypatch.setattr(columns, "POLARS_FROM", polars_from)
    lead = Duty("D1", "I1", "510000", "lead", ("B1",), valid_from="2024-01-01")
    others = [
        replace(lead, role="assist"),
        replace(lead, valid_from=None),
        replace(lead, line="市场监管"),
        replace(lead, region="510100"),
    ]
    assert DutyColumns.from_records([lead, *others]).unique()
    # another basis, source or end date is the same duty said again; no line is line ""
    for again in (replace(lead, bases=("B2",), source="x"), replace(lead, valid_to="2025-01-01")):
        assert not DutyColumns.from_records([lead, *others, again]).unique()
    assert not DutyColumns.from_records([lead, replace(lead, line="")]).unique()


def test_keys_whose_hashes_agree_are_compared_in_full(monkeypatch):
    """Above POLARS_FROM the keys' hashes are counted; two equal hashes (a collision, not
    a repeated key) send the keys to the full comparison, which finds them distinct."""
    monkeypatch.setattr(columns, "POLARS_FROM", 0)
    monkeypatch.setattr(columns, "hash", lambda key: 7, raising=False)  # every hash agrees
    lead = Duty("D1", "I1", "510000", "lead", ("B1",))
    assert DutyColumns.from_records([lead, replace(lead, role="assist")]).unique()
    assert not DutyColumns.from_records([lead, replace(lead, bases=("B2",))]).unique()


def test_reimporting_a_changed_bundle_counts_added_changed_and_unchanged(tmp_path, embedded_store):
    load(embedded_store, [DEMO_PATH])
    bundle = copy_demo(tmp_path / "v2")
    path = bundle / "duties.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    at = header.index("source")
    row = lines[1].rstrip("\n").split(",")
    row[at] = "list of 2025"
    lines[1] = ",".join(row) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    append_rows(
        path, ["WH-WJJ", "I-MEDBEAUTY", "510107", "lead", "B-MEDBEAUTY", "2024-01-01", "", "x", ""]
    )
    report = load(embedded_store, [bundle])
    assert report.added == {"duty": 1}
    assert report.changed == {"duty": 1}
    assert report.unchanged["duty"] == 30
    sources = {d.source for d in embedded_store.graph().duty_list()}
    assert "list of 2025" in sources and embedded_store.graph().counts()["duty"] == 32


def test_a_store_written_in_format_2_still_opens(tmp_path, embedded_store):
    load(embedded_store, [DEMO_PATH])
    pickled = PickledStore(tmp_path / "pickled.db")
    load(pickled, [DEMO_PATH])
    state = pickle.loads(pickled.path.read_bytes()[len(MAGIC) :])
    assert state["version"] == 3
    duty = state["tables"]["duty"]
    origins = duty.pop("origins")
    duty["columns"][-1] = list(zip(*origins, strict=True))  # format 2: one column of tuples
    state["version"] = 2
    old = tmp_path / "old.db"
    old.write_bytes(MAGIC + pickle.dumps(state))
    g = EmbeddedStore(old).graph()
    assert g.counts() == embedded_store.graph().counts()
    assert sorted(d.origin for d in g.duty_list()) == sorted(
        d.origin for d in embedded_store.graph().duty_list()
    )


def test_a_workbook_duty_sheet_reads_like_its_csv(tmp_path):
    import openpyxl

    bundle = _messy_bundle(tmp_path)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for f in sorted(bundle.glob("*.csv")):
        table = read_csv(f)
        sheet = book.create_sheet(f.stem)
        sheet.append(table.header)
        for _, cells in table.rows:
            sheet.append(cells)
    book.save(tmp_path / "messy.xlsx")
    shutil.rmtree(bundle)
    batch = read_bundle(tmp_path / "messy.xlsx")
    duties = sorted((d.department, d.item, d.role, d.source) for d in batch.duties)
    assert duties == [
        ("JJ-SCJ", "I-FOOD", "lead", "list A"),
        ("JJ-SCJ", "I-FOOD", "lead", "list A"),
        ("JJ-SCJ", "I-GAS", "assist", "list B\nsecond line"),
        ("JJ-SCJ", "I-OIL", "lead", None),
    ]
    codes = [p.code for p in batch.problems if p.sheet == "duties"]
    assert codes == ["unknown-role", "bad-date", "bad-region-code", "reversed-dates"]
