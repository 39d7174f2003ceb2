"""A small duty table is read without polars, and reads exactly as through polars.

``io.tables.small_rows`` reads a streamed CSV file of a few rows with the strict
row reader; ``io.bundle._read_duties`` then converts its cells one by one. Each
test reads the same real files twice through :func:`read_bundle`, once with the
small path (the default for these sizes) and once with ``SMALL_ROWS`` below
every file (polars, as every file was read before), and compares everything a
caller sees: the records and their origins, every problem (place, message, fix,
code, order) and the error raised, word for word.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dutygraph.errors import LoadError
from dutygraph.fixtures import DEMO_PATH
from dutygraph.io import tables
from dutygraph.io.bundle import read_bundle

from .bad_inputs import CASES, Case
from .test_fuzz import FUZZ, TEXT, damaged_bytes

HEADER = "department,item,region,role,bases,valid_from,valid_to,source,line"


def _seen(path: Path) -> tuple[Any, ...]:
    """What a caller of read_bundle sees: the error, or every record and problem."""
    try:
        batch = read_bundle(path)
    except LoadError as exc:
        return ("refused", str(exc))
    duties = [(astuple(d), d.origin) for d in batch.duties]
    rows = [(r.record, r.origin) for r in batch.rows]
    problems = [astuple(p) for p in batch.problems]
    return ("read", duties, rows, problems, batch.sources)


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    small = _seen(path)
    with monkeypatch.context() as m:
        m.setattr(tables, "SMALL_ROWS", -1)  # no file is small: polars reads every one
        frame = _seen(path)
    return small, frame


def _bundle(tmp: Path, duties: str | bytes) -> Path:
    folder = tmp / "bundle"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(DEMO_PATH, folder)
    data = duties.encode("utf-8") if isinstance(duties, str) else duties
    (folder / "duties.csv").write_bytes(data)
    return folder


def test_the_demo_bundle_is_read_without_importing_polars() -> None:
    code = (
        "import sys\n"
        "from dutygraph.fixtures import DEMO_PATH\n"
        "from dutygraph.io.bundle import read_bundle\n"
        "batch = read_bundle(DEMO_PATH)\n"
        "print(len(batch.duties), 'polars' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["31", "False"]


def test_the_small_path_is_taken_only_for_small_streamed_files(tmp_path: Path) -> None:
    small = tables.read_csv(DEMO_PATH / "duties.csv", stream=True)
    assert tables.small_rows(small) is not None
    body = "\n".join(f"D{i},I-FOOD,000000,lead,,,,," for i in range(tables.SMALL_ROWS + 1))
    big = tmp_path / "duties.csv"
    big.write_text(HEADER + "\n" + body + "\n", "utf-8")
    assert tables.small_rows(tables.read_csv(big, stream=True)) is None
    assert tables.small_rows(tables.read_csv(DEMO_PATH / "duties.csv")) is None  # not streamed


BUNDLE_CASES = [c for c in CASES if c.name.startswith("csv-")]


@pytest.mark.parametrize("case", BUNDLE_CASES, ids=lambda c: c.name)
def test_every_bad_csv_input_reads_the_same_both_ways(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = case.build(tmp_path)
    if path.is_file() and path.suffix.lower() != ".csv":
        pytest.skip("not a CSV bundle")
    small, frame = _both(path, monkeypatch)
    assert small == frame


#: duty tables that reach each check of the duty reader: bad cells, reversed dates, blank
#: rows, short and long rows, control characters, values under an empty header, quotes
DUTY_TABLES = {
    "bad-cells": HEADER + "\nN-SAMR,I-FOOD,12345,boss,,2020-13-01,,,\n,,,,,,,,\n"
    "N-SAMR,,510104,lead,,,,,\nN-SAMR,I-FOOD,510104,主办,B-1;B-2,2020-01-01,2019-01-01,,\n",
    "blank-and-short": HEADER + "\n\nN-SAMR,I-FOOD,000000,lead\n \n N-SAMR , I-FOOD ,000000,"
    "assist,,,,,\n",
    "trailing-commas": HEADER + "\nN-SAMR,I-FOOD,000000,lead,,,,,,,\nN-NHC,I-FOOD,000000,"
    "assist,,,,,\n",
    "long-row-with-control": HEADER + "\nN-SAMR,I-FOOD,000000,lead,,,,\x1b[2J,,,\n"
    "N-NHC,I-FOOD,000000,assist,,,,,\n",
    "control": HEADER + "\nN-SAMR\x07,I-FOOD,000000,lead,,,,,\nN-NHC,I-FOOD\r,000000,"
    "assist,,,,,\nN-NHC,I-FOOD,000000,assist,,,,,x\r\n",
    "empty-header-name": HEADER.replace(",source,", ",,")
    + "\nN-SAMR,I-FOOD,000000,lead,,,,x,\nN-NHC,I-FOOD,000000,assist,,,,\x1b,\n"
    "N-NHC,I-FOOD,000000,lead,,,, ,\n",
    "quotes": HEADER + '\n"N-SAMR","I-FOOD","000000","lead","a,b",,,"line\nbreak",\n'
    'N-NHC,I-"FOOD",000000,assist,,,,,\n"N-NHC"x,I-FOOD,000000,assist,,,,,\n',
    "unclosed-quote": HEADER + '\nN-SAMR,"I-FOOD,000000,lead,,,,,\n',
    "extras": HEADER + ",note,\nN-SAMR,I-FOOD,000000,lead,,,,,, 备注 ,\n"
    "N-NHC,I-FOOD,000000,assist,,,,,,,x\n",
    "crlf": HEADER + "\r\nN-SAMR,I-FOOD,000000,lead,,,,,\r\n",
    "header-only": HEADER + "\n",
}


@pytest.mark.parametrize("name", sorted(DUTY_TABLES))
def test_each_duty_check_reads_the_same_both_ways(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, frame = _both(_bundle(tmp_path, DUTY_TABLES[name]), monkeypatch)
    assert small == frame


def test_an_over_long_cell_is_refused_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dutygraph.config import current

    long = "长" * (current().max_cell_chars + 1)
    small, frame = _both(
        _bundle(tmp_path, HEADER + f"\nN-SAMR,I-FOOD,000000,lead,,,,{long},\n"), monkeypatch
    )
    assert small == frame
    assert small[0] == "refused" and "max_cell_chars" in small[1]


@given(data=st.data())
@FUZZ
def test_a_damaged_duty_table_reads_the_same_both_ways(
    data: st.DataObject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = data.draw(damaged_bytes((DEMO_PATH / "duties.csv").read_bytes()), label="bytes")
    if data.draw(st.booleans(), label="a column of extras"):
        damaged = damaged.replace(b"\n", ("," + data.draw(TEXT) + "\n").encode(), 1)
    small, frame = _both(_bundle(tmp_path, damaged), monkeypatch)
    assert small == frame


#: a cell: a valid value of some duty column, or hostile text
CELL = st.one_of(
    st.sampled_from(["N-SAMR", "I-FOOD", "000000", "510104", "lead", "主办", "assist", "B-1;B-2"]),
    st.sampled_from(["2020-01-01", "2019-12-31", "", " ", "x", "national-catalogue"]),
    TEXT,
)


@given(
    rows=st.lists(st.lists(CELL, min_size=0, max_size=11), min_size=0, max_size=6),
    quote=st.booleans(),
    extra=st.sampled_from(["", ",note", ",", ",,x"]),
)
@FUZZ
def test_a_small_table_of_hostile_cells_reads_the_same_both_ways(
    rows: list[list[str]],
    quote: bool,
    extra: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = io.StringIO()
    if quote:  # as a spreadsheet writes it: cells with commas, quotes or line breaks quoted
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow((HEADER + extra).split(","))
        writer.writerows(rows)
    else:  # as a hand-made file: cells joined as they are
        out.write(HEADER + extra + "\n" + "".join(",".join(r) + "\n" for r in rows))
    small, frame = _both(_bundle(tmp_path, out.getvalue()), monkeypatch)
    assert small == frame
