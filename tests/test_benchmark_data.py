"""The benchmark generator keeps its promises: the planted gaps and conflicts are there and found.

The speed figures mean something only if the synthetic data has the shape it
claims (benchmarks/generate.py); this holds it to ``expected.json`` at the
prefecture size, the one ``benchmarks/run.py --quick`` measures.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from dutygraph import find_conflicts, find_gaps, load
from dutygraph.store import EmbeddedStore

from .generated import generate

AS_OF = "2025-06-01"


@pytest.fixture(scope="module")
def prefecture(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, EmbeddedStore]:
    folder = tmp_path_factory.mktemp("bench")
    expected = generate("prefecture", folder / "prefecture")
    assert json.loads((folder / "prefecture" / "expected.json").read_text("utf-8")) == expected
    store = EmbeddedStore(folder / "prefecture.db")
    report = load(store, [folder / "prefecture"])
    assert report.added["duty"] == expected["duties"]
    return expected, store


def test_planted_conflicts_are_found_with_the_disagreeing_source(prefecture):
    expected, store = prefecture
    conflicts = find_conflicts(store.graph(), as_of=AS_OF)
    planted = {tuple(p) for p in expected["planted_conflicts"]}
    by_kind = Counter(c.kind for c in conflicts)
    assert {(c.item, c.region) for c in conflicts if c.kind == "MULTIPLE_LEADS"} == planted
    assert by_kind["SOURCE_DISAGREEMENT"] == len(planted)


def test_planted_gaps_are_found_where_they_were_planted(prefecture):
    expected, store = prefecture
    g = store.graph()
    gaps = Counter((gap.kind, gap.region) for gap in find_gaps(g, as_of=AS_OF))
    line = expected["planted_gap_line"]
    line_items = sum(1 for i in range(expected["items"]) if f"L{i % 40:02d}" == line)
    for code in expected["planted_no_counterpart_governments"]:
        assert gaps[("NO_COUNTERPART", code)] == line_items
    for code, successor in expected["abolished"].items():
        assert (gaps[("LEAD_ABOLISHED", code)] > 0) == (successor is None)
    assert set(gaps) == {
        ("NO_COUNTERPART", c) for c in expected["planted_no_counterpart_governments"]
    } | {("LEAD_ABOLISHED", c) for c, s in expected["abolished"].items() if s is None}
