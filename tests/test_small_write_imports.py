"""A small write needs neither polars nor networkx, and reads and checks as before.

The duty table of a small bundle is read without polars (tests/test_bundle_small.py
shows it reads the same); the trees' cycle check asks networkx only when the links
met do come back on themselves (``validation._has_cycle``), so the answer and every
cycle message are networkx's as before, and a write without a cycle never imports it
(0.2 s of a one-shot command). A published list's row is checked for control
characters in one search over its text, and a cell already in NFKC on one line is not
normalised again: each row and cell reads as it did cell by cell.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from dutygraph.errors import Problem
from dutygraph.io.lists import sheets
from dutygraph.io.tables import cell_problem
from dutygraph.io.xlsx import Formula, column_letter
from dutygraph.validation import _has_cycle

from .test_fuzz import FUZZ, TEXT

NODES = st.sampled_from(list("abcdefgh"))


@given(links=st.dictionaries(NODES, NODES, max_size=8))
@FUZZ
def test_a_cycle_is_found_exactly_when_networkx_finds_one(links: dict[str, str]) -> None:
    cycles = list(nx.simple_cycles(nx.DiGraph(list(links.items()))))
    assert _has_cycle(links) == bool(cycles)


def test_loading_the_demo_into_a_new_store_imports_neither_polars_nor_networkx(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "from dutygraph import importer\n"
        "from dutygraph.fixtures import DEMO_PATH\n"
        "from dutygraph.store import EmbeddedStore\n"
        f"report = importer.load(EmbeddedStore({str(tmp_path / 's.db')!r}), [DEMO_PATH])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'polars', 'networkx'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def _cell_before(value: object) -> str:
    """A list cell as text, as io/lists/sheets._cell read every cell before its fast path."""
    if (
        value is None
        or isinstance(value, dt.date)
        or (isinstance(value, float) and value.is_integer())
    ):
        return sheets._cell(value)  # the branches ahead of the fast path, unchanged
    text = unicodedata.normalize("NFKC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _checked_before(values: list[Any]) -> tuple[list[str], list[Problem]]:
    """A list row's cells and problems as sheets._checked gave them, cell by cell."""
    problems = []
    for i, value in enumerate(values):
        if isinstance(value, Formula | str) and (
            p := cell_problem("l.csv", "s", 7, column_letter(i + 1), value)
        ):
            problems.append(p)
    return ([""] * len(values) if problems else [_cell_before(v) for v in values]), problems


LIST_CELL = st.one_of(
    TEXT,
    st.text(max_size=6),
    st.sampled_from(
        ["Ｎ－１", "ｆｕｌｌ　ｗｉｄｔｈ", " a \r\n b ", "市场监管局", "x\r", "\u2028"]
    ),
    st.builds(Formula, st.sampled_from(["=A1", '=HYPERLINK("x")'])),
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
)


@given(values=st.lists(LIST_CELL, max_size=8))
@FUZZ
def test_a_list_row_reads_as_it_did_cell_by_cell(values: list[Any]) -> None:
    problems: list[Problem] = []
    got = sheets._checked("l.csv", "s", 7, values, problems)
    assert (got, problems) == _checked_before(values)
    assert [sheets._cell(v) for v in values] == [_cell_before(v) for v in values]
