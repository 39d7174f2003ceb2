"""Every store's reader answers like its snapshot, without the snapshot.

On the Neo4j store (a FalkorDB Bolt server here, a real Neo4j with
``NEO4J_URI``) ``reader()`` is a :class:`~dutygraph.store.neo4j_reader.Neo4jReader`
that answers in saved Cypher queries; on the embedded store it is the
snapshot. Either way the answers — who leads, who assists, the look-ups, the
regional scans — must equal the Python analyses over ``store.graph()``, and
while the reader answers, ``graph()`` must not be called.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dutygraph import Ambiguous, NotFound, load, who_assists, who_leads
from dutygraph.analysis.conflicts import duplicate_inspections, find_conflicts
from dutygraph.analysis.gaps import find_gaps
from dutygraph.fixtures import DEMO_PATH
from dutygraph.store import Store

from .conftest import ACCEPTANCE, need

DATES = ("2021-01-01", "2025-06-01", "2026-01-01")


@contextmanager
def no_snapshot(store: Store) -> Iterator[None]:
    """Fail the test if anything asks ``store`` for its whole graph meanwhile."""
    if type(store).__name__ == "EmbeddedStore":  # its reader is the snapshot
        yield
        return

    def refuse() -> None:
        raise AssertionError("graph() was called while answering")

    store.graph = refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        del store.graph  # type: ignore[attr-defined]


def _same_answers(store: Store, path: Path) -> int:
    load(store, [path])
    if hasattr(store, "_cache"):  # the writer's cached snapshot keeps file order; read afresh
        store._cache = None
    g = store.graph()
    r = store.reader()
    asked = 0
    with no_snapshot(store):
        for item in g.items:
            for code in g.regions:
                for as_of in DATES:
                    for fn in (who_leads, who_assists):
                        assert fn(r, item, code, as_of) == fn(g, item, code, as_of), (item, code)
                        asked += 1
        for code, reg in g.regions.items():
            assert r.region_path(code) == g.region_path(code)
            assert r.subtree(code) == g.subtree(code)
            assert r.region_children(code) == g.region_children(code)
            assert r.departments_in(code) == g.departments_in(code)
            assert r.find("region", reg.name) == g.find("region", reg.name)
            for as_of in DATES:
                for scan in (find_gaps, find_conflicts, duplicate_inspections):
                    assert scan(r, code, as_of) == scan(g, code, as_of), (scan, code)
        for as_of in DATES:  # national: region by region on Bolt, the same list in order
            for scan in (find_gaps, find_conflicts, duplicate_inspections):
                assert scan(r, None, as_of) == scan(g, None, as_of), scan
        for item in g.items:
            assert r.item_path(item) == g.item_path(item)
            assert r.duties_on(item) == g.duties_on(item)
        for dep in g.departments.values():
            assert r.duties_of(dep.id) == g.duties_of(dep.id)
            assert r.find("department", dep.name) == g.find("department", dep.name)
            for line in dep.systems:
                assert r.departments_of_line(dep.region, line) == g.departments_of_line(
                    dep.region, line
                )
                assert r.counterparts(dep.region, line, "2025-06-01") == g.counterparts(
                    dep.region, line, "2025-06-01"
                )
        for basis in g.bases:
            assert r.duties_resting_on(basis) == g.duties_resting_on(basis)
        for key in ("no-such-thing", "市场监督"):
            with pytest.raises(NotFound) as want:
                g.find("department", key)
            with pytest.raises(NotFound) as got:
                r.find("department", key)
            assert str(got.value) == str(want.value)
    return asked


def test_the_reader_answers_like_the_snapshot_on_the_demo(store: Store) -> None:
    assert _same_answers(store, DEMO_PATH) > 500


def test_the_reader_answers_like_the_snapshot_on_the_acceptance_scenario(store: Store) -> None:
    need(ACCEPTANCE.is_dir(), f"{ACCEPTANCE} is missing (the shared acceptance scenario)")
    assert _same_answers(store, ACCEPTANCE) > 100


def test_an_ambiguous_name_lists_the_same_candidates(store: Store) -> None:
    from dutygraph.model import Region
    from dutygraph.store import ChangeSet

    twins = [Region("000000", "全国", "national"), Region("110000", "朝阳", "province"),
             Region("220000", "朝阳", "province")]  # fmt: skip
    store.write(lambda g: ChangeSet(twins, {"op": "test"}))
    g, r = store.graph(), store.reader()
    with pytest.raises(Ambiguous) as want:
        g.find("region", "朝阳")
    with no_snapshot(store), pytest.raises(Ambiguous) as got:
        r.find("region", "朝阳")
    assert str(got.value) == str(want.value)


def _bolt(store: Store) -> None:
    if "cypher" not in store.capabilities:
        pytest.skip(
            "counts the Neo4j reader's round trips (the SQLite reader's laziness: test_embedded_store.py)"
        )


def test_a_lead_reads_a_bounded_number_of_records(store: Store) -> None:
    """Who leads reads the nearest duties and a few departments, whatever the graph's size."""
    _bolt(store)
    load(store, [DEMO_PATH])
    small = store.reader()
    answer = who_leads(small, "I-FOOD", "510104", "2025-06-01")
    need_small = small.records  # type: ignore[attr-defined]
    need(ACCEPTANCE.is_dir(), f"{ACCEPTANCE} is missing (the shared acceptance scenario)")
    load(store, [ACCEPTANCE])  # a second province: more duties, the same question
    big = store.reader()
    with no_snapshot(store):
        assert who_leads(big, "I-FOOD", "510104", "2025-06-01") == answer
    total = sum(store.graph().counts().values())
    assert big.records == need_small < 40 < total  # type: ignore[attr-defined]
    assert big.queries <= 12  # type: ignore[attr-defined]


def test_a_regional_gap_scan_reads_only_that_subtree_and_the_path_above(store: Store) -> None:
    _bolt(store)
    load(store, [DEMO_PATH])
    store._cache = None  # type: ignore[attr-defined]  # read afresh, in id order
    g = store.graph()
    # a county with duties recorded outside its subtree and the path above it
    county = next(
        c
        for c, reg in g.regions.items()
        if reg.level == "county"
        and any(d.region not in {*g.subtree(c), *g.region_path(c)} for d in g.duty_list())
    )
    r = store.reader()
    with no_snapshot(store):
        gaps = find_gaps(r, county, "2025-06-01")
    assert gaps == find_gaps(g, county, "2025-06-01")
    read = r.regional_graph(county)  # type: ignore[attr-defined]
    allowed = set(g.subtree(county)) | set(g.region_path(county))
    assert {d.region for d in read.duty_list()} <= allowed
    assert set(read.regions) <= allowed
    others = [d for d in g.duty_list() if d.region not in allowed]
    assert others and read.counts()["duty"] < g.counts()["duty"]


@pytest.mark.parametrize("most", [1, 4, None])
def test_a_national_scan_reads_one_piece_at_a_time(store: Store, most: int | None) -> None:
    """With no region, the scans read a piece at a time — a small subtree whole, a larger
    one as its root alone and its children's subtrees (``most``: every region alone, a few
    regions, the default) — never the nation's records at once, and the same findings in
    the snapshot's order."""
    _bolt(store)
    need(ACCEPTANCE.is_dir(), f"{ACCEPTANCE} is missing (the shared acceptance scenario)")
    load(store, [DEMO_PATH])
    load(store, [ACCEPTANCE])  # a second province
    store._cache = None  # type: ignore[attr-defined]  # read afresh, in id order
    g = store.graph()
    r = store.reader()
    if most is not None:
        r.piece_regions = most  # type: ignore[attr-defined]
    pieces: list[int] = []
    whole = type(r).regional_graph  # type: ignore[attr-defined]

    def counted(self: object, *args: object, **kwargs: object) -> object:
        got = whole(self, *args, **kwargs)
        pieces.append(got.counts()["duty"])
        return got

    r.regional_graph = counted.__get__(r)  # type: ignore[attr-defined]
    with no_snapshot(store):
        for as_of in DATES:
            for scan in (find_gaps, find_conflicts, duplicate_inspections):
                assert scan(r, None, as_of) == scan(g, None, as_of), (scan, as_of)
    assert find_gaps(g, None, "2025-06-01") and find_conflicts(g, None, "2025-06-01")
    if most is not None:  # (the default keeps these few regions in one piece)
        assert max(pieces) < g.counts()["duty"]
    if most == 1:  # every region alone, for each of the 9 scans
        assert len(pieces) == 9 * len(g.regions)


def test_the_stamp_is_the_write_sequence(store: Store) -> None:
    _bolt(store)
    assert store.stamp() == ("", 0)
    load(store, [DEMO_PATH])
    first = store.stamp()
    load(store, [DEMO_PATH])  # nothing new: no write committed
    assert store.stamp() == first
    assert first is not None and first[1] == 1  # type: ignore[index]


def test_the_cli_answers_on_bolt_without_the_snapshot(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """lead, assist, gaps, conflicts and inspections (with a region and without) through the real CLI:
    every answer the same as on the snapshot, and ``graph()`` never called meanwhile."""
    _bolt(store)
    import json

    from dutygraph.cli.main import main
    from dutygraph.store.neo4j import Neo4jStore

    load(store, [DEMO_PATH])
    store._cache = None  # type: ignore[attr-defined]  # read afresh, in id order
    monkeypatch.setenv("DUTYGRAPH_STORE", store.url)
    questions = [
        ["lead", "I-FOOD", "510104", "--as-of", "2025-06-01", "--json"],
        ["assist", "I-FOOD", "510104", "--as-of", "2025-06-01", "--json"],
        ["gaps", "--region", "510100", "--as-of", "2025-06-01", "--json"],
        ["conflicts", "--region", "510000", "--as-of", "2025-06-01", "--json"],
        ["inspections", "--region", "510000", "--json"],
        ["gaps", "--as-of", "2025-06-01", "--json"],
        ["conflicts", "--as-of", "2025-06-01", "--json"],
        ["inspections", "--as-of", "2025-06-01", "--json"],
        ["gaps", "--as-of", "2025-06-01"],
    ]

    def refuse(self: Neo4jStore) -> None:
        raise AssertionError("graph() was called while answering")

    monkeypatch.setattr(Neo4jStore, "reader", lambda self: self.graph())
    # the answers through the snapshot first (reader() handing out graph()), then without it
    snapshot = []
    for argv in questions:
        assert main(argv) == 0
        out = capsys.readouterr().out
        snapshot.append(json.loads(out) if "--json" in argv else out)
    monkeypatch.undo()
    monkeypatch.setenv("DUTYGRAPH_STORE", store.url)
    monkeypatch.setattr(Neo4jStore, "graph", refuse)
    for argv, want in zip(questions, snapshot, strict=True):
        assert main(argv) == 0, argv
        out = capsys.readouterr().out
        assert (json.loads(out) if "--json" in argv else out) == want, argv
    assert all(snapshot[2:])  # the scans found something to compare
