"""Fuzzing every reader (issue #22): damaged inputs get exit 0 with every row read, or exit 2 with a place.

Each test starts from a real, valid input (the demo bundle as CSV files and as an
XLSX workbook, a published power list as CSV and XLSX, the demo graph as Turtle)
and lets hypothesis damage it the ways files get damaged: characters inserted
(quotes, separators, line breaks, NUL, terminal escapes, BOMs, formulas),
slices deleted, lines doubled, files cut short, cells overwritten or set past the
header, bytes of an XLSX member flipped, whole files re-encoded. Every damaged
input goes through the real ``dutygraph load`` entry point (in process, for
speed) into a real SQLite store holding the demo, and the run must end in one of
two ways only:

- exit 0, and for a bundle, every data row of every table was read (counted
  independently with Python's strict ``csv`` module, or openpyxl on the
  workbook), so nothing was dropped silently;
- exit 2, with a message naming the file (or sheet) and no traceback, and the
  store byte-identical to before.

Never exit 1 (an internal error), never a changed store on refusal. The runs are
derandomised so CI sees the same examples every time; ``DUTYGRAPH_FUZZ_EXAMPLES``
raises the count for a longer local hunt (e.g. 500).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from dutygraph.cli.main import main
from dutygraph.fixtures import DEMO_PATH

from .bundles import to_workbook
from .published_lists import power_list_csv, power_list_xlsx

EXAMPLES = int(os.environ.get("DUTYGRAPH_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: what damage inserts: the characters that break CSV, XML and terminals, and some text
HOSTILE = st.sampled_from(
    ['"', ",", "\n", "\r", "\r\n", "\x00", "\x1b[2J", "\t", "\ufeff", "=HYPERLINK(\"x\")",
     "中", "锦江区", "I-FOOD", " ", ";", "\x85", "\u2028", "'", "\\", "0", "2025-13-45"]
)  # fmt: skip
TEXT = st.lists(HOSTILE, min_size=1, max_size=4).map("".join)
TABLES = sorted(p.name for p in DEMO_PATH.glob("*.csv"))
#: the kind each bundle table's rows are counted under in ``load --json``'s "read"
#: how a published list is loaded (the region and date it holds for)
LIST_ARGS = ("--region", "510104", "--effective", "2024-03-01")
KIND = {
    "bases.csv": "basis",
    "behaviors.csv": "behavior",
    "business_forms.csv": "business_form",
    "departments.csv": "department",
    "duties.csv": "duty",
    "items.csv": "item",
    "region_groups.csv": "region_group",
    "regions.csv": "region",
}


def _kind(table: str) -> str:
    return KIND[table]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the demo, made once; each example works on a copy."""
    path = tmp_path_factory.mktemp("fuzz") / "demo.db"
    code, _, err = _run("load", str(DEMO_PATH), "--store", str(path))
    assert code == 0, err
    return path


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _fresh(tmp_path: Path) -> Path:
    """An empty folder for one example (hypothesis runs many in one test's tmp_path)."""
    work = tmp_path / "ex"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    return work


def _store_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))}


def _load(
    source: Path, demo_store: Path, work: Path, *args: str
) -> tuple[int, dict[str, Any], str]:
    """``dutygraph load SOURCE --json`` into a fresh copy of the demo store; checks the two endings."""
    return _command("load", source, demo_store, work, *args)


def _command(
    command: str, source: Path, demo_store: Path, work: Path, *args: str, writes: bool = True
) -> tuple[int, dict[str, Any], str]:
    """``dutygraph COMMAND SOURCE --json`` on a fresh copy of the demo store: exit 0 or 2, no
    traceback, and the store byte-identical after a refusal (always, if it never ``writes``)."""
    store = work / "store.db"
    for old in work.glob("store.db*"):
        old.unlink()
    shutil.copy(demo_store, store)
    before = _store_bytes(store)
    code, out, err = _run(command, str(source), "--store", str(store), "--json", *args)
    assert code in (0, 2), f"exit {code}: {err}"
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2 or not writes:
        assert _store_bytes(store) == before, f"{command} changed the store: {err}"
    if code == 2:
        return code, {}, err
    return code, json.loads(out), err


def _csv_rows(data: bytes) -> int | None:
    """Data rows of a CSV table as Python's strict csv module reads them (None: it cannot)."""
    try:
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error):
        return None
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


def _says_where(err: str, *places: str) -> None:
    assert any(p in err for p in places), (places, err)


# -- damage -----------------------------------------------------------------------------


#: one act of damage: what, where (a fraction of the length, in millionths), and its material
DAMAGE = st.tuples(
    st.sampled_from(["insert", "delete", "double", "cut", "encode", "big"]),
    st.integers(0, 999_999),
    TEXT,
    st.integers(1, 40),
    st.sampled_from([70_000, 140_000]),
    st.sampled_from(["utf-16", "gb18030"]),
)


def damaged_bytes(data: bytes) -> st.SearchStrategy[bytes]:
    """One or two kinds of damage done to a text file's bytes.

    Every example draws the same shape (a list of :data:`DAMAGE` tuples), whatever the
    damage: draws that depend on earlier ones made hypothesis report the runs as flaky.
    """
    return st.lists(DAMAGE, min_size=1, max_size=2).map(lambda acts: _damage(data, acts))


def _damage(data: bytes, acts: list[tuple[str, int, str, int, int, str]]) -> bytes:
    text = data.decode("utf-8")
    for how, where, material, span, size, encoding in acts:
        at = where * len(text) // 1_000_000
        if how == "insert":
            text = text[:at] + material + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + span :]
        elif how == "double":
            lines = text.split("\n")
            n = where * len(lines) // 1_000_000
            text = "\n".join(lines[: n + 1] + lines[n:])
        elif how == "cut":
            text = text[:at]
        elif how == "big":
            text = text[:at] + "长" * size + text[at:]
        else:
            return text.encode(encoding)
    return text.encode("utf-8")


@given(data=st.data())
@FUZZ
def test_a_damaged_bundle_table_is_read_whole_or_refused_with_its_place(
    data: st.DataObject, demo_store: Path, tmp_path: Path
) -> None:
    table = data.draw(st.sampled_from(TABLES), label="table")
    work = _fresh(tmp_path)
    bundle = work / "bundle"
    shutil.copytree(DEMO_PATH, bundle)
    damaged = data.draw(damaged_bytes((DEMO_PATH / table).read_bytes()), label="bytes")
    (bundle / table).write_bytes(damaged)
    code, report, err = _load(bundle, demo_store, work)
    if code == 2:
        _says_where(err, table, "bundle")
        return
    rows = _csv_rows(damaged)
    assert rows is not None, f"exit 0 on a table Python's strict csv module refuses: {table}"
    assert report["read"].get(_kind(table), 0) == rows, (table, report["read"], rows)


@st.composite
def cell_damage(
    draw: st.DrawFn, sheets: dict[str, tuple[int, int]]
) -> list[tuple[str, int, int, Any]]:
    """Cells to overwrite: (sheet, row, column, value), some past the data or the header."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        sheet = draw(st.sampled_from(sorted(sheets)))
        rows, cols = sheets[sheet]
        value = draw(
            st.one_of(
                TEXT,
                st.integers(-(10**12), 10**12),
                st.floats(allow_nan=True, allow_infinity=True),
                st.none(),
                st.just("=1+1"),
                st.just("x" * 140_000),
            )
        )
        out.append((sheet, draw(st.integers(1, rows + 2)), draw(st.integers(1, cols + 2)), value))
    return out


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return to_workbook(DEMO_PATH, tmp_path_factory.mktemp("wb") / "demo.xlsx")


def _xlsx_rows(path: Path) -> dict[str, int]:
    """Data rows per sheet (rows under the header holding a value), read whole by openpyxl."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    counts = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        counts[ws.title] = sum(
            1 for r in rows[1:] if any(v is not None and str(v).strip() for v in r)
        )
    return counts


@given(data=st.data())
@FUZZ
def test_a_damaged_bundle_workbook_is_read_whole_or_refused_with_its_place(
    data: st.DataObject, demo_store: Path, demo_workbook: Path, tmp_path: Path
) -> None:
    import openpyxl

    work = _fresh(tmp_path)
    path = work / "bundle.xlsx"
    wb = openpyxl.load_workbook(demo_workbook)
    sheets = {ws.title: (ws.max_row, ws.max_column) for ws in wb.worksheets}
    for sheet, row, col, value in data.draw(cell_damage(sheets), label="cells"):
        # openpyxl refuses to write some values (a NUL, say): no such workbook can exist
        with contextlib.suppress(ValueError, TypeError, IllegalCharacterError):
            wb[sheet].cell(row, col).value = value
    wb.save(path)
    code, report, err = _load(path, demo_store, work)
    if code == 2:
        _says_where(err, "bundle.xlsx")
        return
    counts = _xlsx_rows(path)
    for sheet, rows in counts.items():
        assert report["read"].get(_kind(sheet + ".csv"), 0) == rows, (sheet, report["read"])


@given(data=st.data())
@FUZZ
def test_a_workbook_with_damaged_xml_is_refused_with_its_place_or_read_whole(
    data: st.DataObject, demo_store: Path, demo_workbook: Path, tmp_path: Path
) -> None:
    work = _fresh(tmp_path)
    path = work / "bundle.xlsx"
    with zipfile.ZipFile(demo_workbook) as src:
        members = {i.filename: src.read(i.filename) for i in src.infolist()}
    name = data.draw(st.sampled_from(sorted(members)), label="member")
    body = bytearray(members[name])
    how = data.draw(st.sampled_from(["flip", "cut", "insert"]), label="how")
    at = data.draw(st.integers(0, max(len(body) - 1, 0)), label="at")
    if how == "flip" and body:
        body[at] ^= data.draw(st.integers(1, 255), label="bits")
    elif how == "cut":
        del body[at:]
    else:
        body[at:at] = data.draw(TEXT, label="text").encode("utf-8")
    members[name] = bytes(body)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for member, content in members.items():
            dst.writestr(member, content)
    code, report, err = _load(path, demo_store, work)
    if code == 2:
        _says_where(err, "bundle.xlsx")
        return
    # Damage to the XML leaves the cells' text where it was or breaks the part; a row read
    # differently from the undamaged workbook would be a row lost (or made up) in silence.
    counts = _xlsx_rows(demo_workbook)
    for sheet, rows in counts.items():
        assert report["read"].get(_kind(sheet + ".csv"), 0) == rows, (sheet, report["read"])


@given(data=st.data())
@FUZZ
def test_a_damaged_power_list_is_imported_or_refused_with_its_place(
    data: st.DataObject, demo_store: Path, tmp_path: Path
) -> None:
    work = _fresh(tmp_path)
    as_xlsx = data.draw(st.booleans(), label="xlsx")
    if as_xlsx:
        import openpyxl

        path = power_list_xlsx(work / "权责清单.xlsx")
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        sheets = {ws.title: (ws.max_row, ws.max_column)}
        for _, row, col, value in data.draw(cell_damage(sheets), label="cells"):
            # openpyxl refuses the value, or the cell is inside a merged range
            with contextlib.suppress(ValueError, TypeError, AttributeError, IllegalCharacterError):
                ws.cell(row, col).value = value
        wb.save(path)
    else:
        path = power_list_csv(work / "权责清单.csv")
        path.write_bytes(data.draw(damaged_bytes(path.read_bytes()), label="bytes"))
    code, _, err = _load(path, demo_store, work, *LIST_ARGS)
    if code == 2:
        _says_where(err, path.name)


@pytest.fixture(scope="module")
def demo_turtle(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("ttl") / "demo.ttl"
    code, _, err = _run(
        "export", "--format", "ttl", "--store", str(_demo_db(path.parent)), "-o", str(path)
    )
    assert code == 0, err
    return path.read_bytes()


def _demo_db(folder: Path) -> Path:
    db = folder / "export.db"
    code, _, err = _run("load", str(DEMO_PATH), "--store", str(db))
    assert code == 0, err
    return db


@given(data=st.data())
@FUZZ
def test_damaged_turtle_is_imported_or_refused_with_its_place(
    data: st.DataObject, demo_store: Path, demo_turtle: bytes, tmp_path: Path
) -> None:
    work = _fresh(tmp_path)
    path = work / "graph.ttl"
    path.write_bytes(data.draw(damaged_bytes(demo_turtle), label="bytes"))
    code, _, err = _load(path, demo_store, work)
    if code == 2:
        _says_where(err, "graph.ttl")


@pytest.mark.parametrize(
    "scenario", ["jinjiang-enforcement-2026.toml", "gas-regulation-repeal-2026.csv"]
)
@given(data=st.data())
@FUZZ
def test_a_damaged_scenario_is_compared_or_refused_with_its_place(
    scenario: str, data: st.DataObject, demo_store: Path, tmp_path: Path
) -> None:
    """A what-if never writes: whatever the scenario file holds, the store stays as it was."""
    from dutygraph.fixtures import SCENARIOS_PATH

    work = _fresh(tmp_path)
    path = work / scenario
    path.write_bytes(
        data.draw(damaged_bytes((SCENARIOS_PATH / scenario).read_bytes()), label="bytes")
    )
    code, _, err = _command("whatif", path, demo_store, work, writes=False)
    if code == 2:
        _says_where(err, scenario)
