"""The bundle loader: CSV folders and workbooks, every problem listed with its place, all or nothing."""

from __future__ import annotations

import pytest

from dutygraph import ValidationFailed, load, who_leads
from dutygraph.fixtures import DEMO_PATH

from .bundles import append_rows, copy_demo, to_workbook


def test_demo_bundle_loads_with_a_report(store):
    report = load(store, [DEMO_PATH])
    assert report.added["duty"] == 31 and report.added["region"] == 9
    assert not [p for p in report.problems if p.severity == "error"]
    with open(DEMO_PATH / "departments.csv", encoding="utf-8") as fh:
        assert store.graph().counts()["department"] == len(fh.readlines()) - 1


def test_importing_twice_changes_nothing(embedded_store):
    load(embedded_store, [DEMO_PATH])
    before = embedded_store.path.read_bytes()
    again = load(embedded_store, [DEMO_PATH])
    assert again.added == {} and again.changed == {}
    assert again.unchanged["duty"] == 31
    assert embedded_store.path.read_bytes() == before


def test_workbook_bundle_equals_csv_bundle(tmp_path, store):
    book = to_workbook(DEMO_PATH, tmp_path / "demo.xlsx")
    load(store, [book])
    g = store.graph()
    assert g.counts()["duty"] == 31
    assert who_leads(g, "I-ECIG", "510104", "2025-01-01").departments() == ["CD-YC"]
    duty = next(iter(g.duties.values()))
    assert duty.origin.file == "demo.xlsx" and duty.origin.sheet == "duties"


def test_every_problem_is_listed_with_its_place_and_nothing_is_imported(tmp_path, embedded_store):
    load(embedded_store, [DEMO_PATH])
    before = embedded_store.path.read_bytes()
    bad = copy_demo(tmp_path / "bad")
    append_rows(
        bad / "duties.csv",
        ["N-NOBODY", "I-FOOD", "510104", "lead", "B-FSL-6", "", "", "x", ""],  # row 33
        ["JJ-SCJ", "I-FOOD", "510104", "boss", "B-FSL-6", "", "", "x", ""],  # row 34
        ["JJ-SCJ", "I-GAS", "510104", "lead", "B-GAS-5", "2025-01-01", "2024-01-01", "x", ""],
        ["JJ-SCJ", "I-OIL", "510104", "lead", "B-OIL", "2025/01/01", "", "x", ""],
    )
    append_rows(
        bad / "items.csv",
        ["I-FOOD", "重复的事项", "", "", "", "", "", "", ""],
        ["I-X", "某事项", "", "", "", "", "", "city", ""],
    )
    append_rows(
        bad / "regions.csv",
        ["5101", "坏代码", "county", "510100"],
        ["510199", "环甲", "county", "510198"],
        ["510198", "环乙", "county", "510199"],
    )
    with pytest.raises(ValidationFailed) as exc:
        load(embedded_store, [bad])
    problems = {
        (p.file, p.row, p.column, p.code) for p in exc.value.problems if p.severity == "error"
    }
    expected = {
        ("duties.csv", 33, "department", "unknown-department"),
        ("duties.csv", 34, "role", "unknown-role"),
        ("duties.csv", 35, "valid_to", "reversed-dates"),
        ("duties.csv", 36, "valid_from", "bad-date"),
        ("items.csv", 17, "id", "duplicate-id"),
        ("items.csv", 18, "levels", "unknown-level"),
        ("regions.csv", 11, "code", "bad-region-code"),
        ("regions.csv", 12, "parent", "cycle"),
        ("regions.csv", 13, "parent", "cycle"),
    }
    assert expected <= problems, expected - problems
    message = str(exc.value)
    assert "duties.csv, row 34, column role: unknown role 'boss'" in message
    assert "use one of lead, assist, territorial" in message
    assert embedded_store.path.read_bytes() == before


def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(tmp_path, store):
    bad = copy_demo(tmp_path / "bad")
    append_rows(
        bad / "duties.csv", ["N-NOBODY", "I-FOOD", "510104", "lead", "B-FSL-6", "", "", "x", ""]
    )
    append_rows(bad / "departments.csv", ["X-1", "某局", "999999", "x", "", "", "", "", "", ""])
    append_rows(bad / "duties.csv", ["X-1", "I-FOOD", "510104", "lead", "B-FSL-6", "", "", "x", ""])
    report = load(store, [bad], skip_invalid=True)
    assert report.skipped_rows == 3  # the dangling department, and the duty that needed it
    assert store.graph().counts()["duty"] == 31
    codes = {p.code for p in report.problems if p.severity == "error"}
    assert codes == {"unknown-department", "unknown-region"}


def test_a_bundle_may_refer_to_what_the_store_already_holds(tmp_path, store):
    load(store, [DEMO_PATH])
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "duties.csv").write_text(
        "department,item,region,role,bases,valid_from\nWH-WJJ,I-MEDBEAUTY,510107,lead,B-MEDBEAUTY,2024-01-01\n",
        encoding="utf-8",
    )
    assert load(store, [extra]).added == {"duty": 1}
    assert who_leads(store.graph(), "I-MEDBEAUTY", "510107", "2025-01-01").departments() == [
        "WH-WJJ"
    ]


def test_warnings_do_not_stop_an_import(tmp_path, store):
    extra = copy_demo(tmp_path / "warn")
    append_rows(
        extra / "duties.csv", ["WH-WJJ", "I-MEDBEAUTY", "510107", "lead", "", "", "", "x", ""]
    )
    report = load(store, [extra])
    assert [p.code for p in report.warnings] == ["no-basis"]
    assert report.added["duty"] == 32
