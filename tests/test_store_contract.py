"""The store contract (store/base.py), on every backend: what each store says it can do, and does.

Every test here takes ``store`` or ``demo_store``, so it runs on the embedded
store, on the Neo4j store over a FalkorDB Bolt server, and on a real Neo4j
when ``NEO4J_URI`` is set.
"""

from __future__ import annotations

import itertools

import pytest

from dutygraph import UnsupportedOperation, ValidationFailed, load
from dutygraph.analysis.conflicts import find_conflicts
from dutygraph.analysis.resolve import _nearest_duties
from dutygraph.fixtures import DEMO_PATH
from dutygraph.model import Duty, Region
from dutygraph.store import CAPABILITIES, ChangeSet, Store, require

from .conftest import ACCEPTANCE, need

DATES = ("2021-01-01", "2023-07-01", "2025-01-01", "2025-06-01", "2026-01-01")


def test_store_states_its_capabilities(store: Store) -> None:
    assert isinstance(store, Store)
    assert store.capabilities <= CAPABILITIES | {"cypher"}
    assert "durable" in store.capabilities
    if type(store).__name__ == "EmbeddedStore":
        assert store.capabilities == {"transactions", "durable", "snapshots"}
    elif getattr(store, "limited", False):  # FalkorDB: no transactions, says so
        assert "transactions" not in store.capabilities
        assert "snapshots" not in store.capabilities
    else:  # a real Neo4j
        assert {"transactions", "snapshots", "cypher"} <= store.capabilities


def test_a_missing_capability_is_an_error_that_says_which(store: Store) -> None:
    if "transactions" in store.capabilities:
        require(store, ["transactions"], "import all-or-nothing")  # no error
    else:
        with pytest.raises(UnsupportedOperation, match="lacks transactions") as err:
            require(store, ["transactions"], "import all-or-nothing")
        assert err.value.store == store.url


def test_an_empty_store_reads_as_an_empty_graph(store: Store) -> None:
    assert sum(store.graph().counts().values()) == 0
    assert store.history() == []


def test_import_is_idempotent_and_logged_once(store: Store) -> None:
    first = load(store, [DEMO_PATH])
    counts = store.graph().counts()
    assert counts["duty"] == first.added["duty"] > 0
    second = load(store, [DEMO_PATH])
    assert second.added == {} and second.changed == {}
    assert store.graph().counts() == counts
    log = store.history()
    assert [e["op"] for e in log] == ["import"]
    assert log[0]["added"] == first.added and log[0]["at"]


def test_records_read_back_exactly(demo_store: Store) -> None:
    from dutygraph.fixtures import demo_graph

    got, want = demo_store.graph(), demo_graph()
    assert got.counts() == want.counts()
    for rec in want.records():
        back = got.table(rec.label)[rec.id if rec.label != "region" else rec.code]
        assert back == rec
        assert back.attrs == rec.attrs and back.origin == rec.origin


def test_write_runs_the_plan_on_the_current_graph(store: Store) -> None:
    seen: list[int] = []

    def add(code: str, name: str):
        def plan(g):
            seen.append(len(g.regions))
            return ChangeSet(
                [Region(code, name, "province", "000000")], {"op": "add", "code": code}
            )

        return plan

    store.write(lambda g: ChangeSet([Region("000000", "全国", "national")], {"op": "root"}))
    store.write(add("510000", "四川省"))
    store.write(add("500000", "重庆市"))
    assert seen == [1, 2]
    g = store.graph()
    assert g.region_path("500000") == ("500000", "000000")
    # a record with the same id replaces the old one
    changes = store.write(add("510000", "四川"))
    assert store.graph().regions["510000"].name == "四川"
    assert changes.log == {"op": "add", "code": "510000"}
    assert [e["op"] for e in store.history()] == ["root", "add", "add", "add"]


def test_a_re_parented_region_moves_in_the_tree(store: Store) -> None:
    root = Region("000000", "全国", "national")
    store.write(lambda g: ChangeSet([root, Region("510000", "四川省", "province", "000000")]))
    store.write(lambda g: ChangeSet([Region("510100", "成都市", "prefecture", "000000")]))
    store.write(lambda g: ChangeSet([Region("510100", "成都市", "prefecture", "510000")]))
    assert store.graph().region_path("510100") == ("510100", "510000", "000000")


def test_an_empty_plan_writes_nothing(demo_store: Store) -> None:
    before = demo_store.history()
    out = demo_store.write(lambda g: ChangeSet())
    assert not out
    assert demo_store.history() == before


def test_a_failed_plan_writes_nothing(demo_store: Store) -> None:
    before = demo_store.graph().counts()

    def plan(g):
        raise ValidationFailed([])

    with pytest.raises(ValidationFailed):
        demo_store.write(plan)
    assert demo_store.graph().counts() == before
    assert len(demo_store.history()) == 1


def test_a_write_that_fails_midway_is_all_or_nothing_where_declared(store: Store) -> None:
    """With ``transactions``, a write that fails after some records went in leaves nothing.

    A store without transactions (FalkorDB) cannot promise that: it must say
    so, and refuse an operation that requires it.
    """
    if "transactions" not in store.capabilities:
        with pytest.raises(UnsupportedOperation):
            require(store, ["transactions"], "import all-or-nothing")
        return
    load(store, [DEMO_PATH])
    before = store.graph().counts()
    # 600 regions, then a duty no store can encode (a function in a field): the
    # regions' batches go in first, then the write fails
    regions = [Region(f"9{i:05d}", f"R{i}", "county", "000000") for i in range(600)]
    bad = Duty("X", "I", "000000", "lead", bases=(lambda: 0,))  # type: ignore[arg-type]
    with pytest.raises(Exception):  # noqa: B017 - the encoder's own error, whichever it is
        store.write(lambda g: ChangeSet([*regions, bad], {"op": "broken"}))
    assert store.graph().counts() == before
    assert [e["op"] for e in store.history()] == ["import"]


# -- answers computed in the database (the "cypher" capability) ---------------------


def _pairs(g):
    return itertools.product(sorted(g.items), sorted(g.regions))


def _check_nearest(store, g) -> int:
    n = 0
    for (item, region), role, as_of in itertools.product(_pairs(g), ("lead", "assist"), DATES):
        duties, rpath, ipath = _nearest_duties(g, item, region, role, as_of)
        got = store.nearest_duties(item, region, role, as_of)
        if duties:
            assert sorted(d.id for d in got.duties) == sorted(d.id for d in duties), (item, region)
            assert (got.region_path, got.item_path) == (rpath, ipath)
            n += 1
        else:
            assert got.duties == []
    return n


def _check_multiple_leads(store, g) -> int:
    n = 0
    for region, as_of in itertools.product([None, *sorted(g.regions)], DATES):
        want = [
            (c.item, c.region, c.departments)
            for c in find_conflicts(g, region, as_of, kinds=["MULTIPLE_LEADS"])
        ]
        got = [(i, r, deps) for i, r, deps, _ in store.multiple_leads(region, as_of)]
        assert sorted(got) == sorted(want), (region, as_of)
        n += len(want)
    return n


def test_cypher_answers_equal_the_embedded_answers_on_the_demo(demo_store: Store) -> None:
    if "cypher" not in demo_store.capabilities:
        with pytest.raises(UnsupportedOperation, match="lacks cypher"):
            require(demo_store, ["cypher"], "answer in the database")
        return
    g = demo_store.graph()
    assert _check_nearest(demo_store, g) > 100
    assert _check_multiple_leads(demo_store, g) > 0


def test_cypher_answers_equal_the_embedded_answers_on_the_acceptance_scenario(
    store: Store,
) -> None:
    need(ACCEPTANCE.is_dir(), f"{ACCEPTANCE} is missing (the shared acceptance scenario)")
    if "cypher" not in store.capabilities:  # the embedded store answers in Python
        with pytest.raises(UnsupportedOperation, match="lacks cypher"):
            require(store, ["cypher"], "answer in the database")
        return
    load(store, [ACCEPTANCE])
    g = store.graph()
    assert _check_nearest(store, g) > 50
    _check_multiple_leads(store, g)


def test_the_stamp_changes_with_every_committed_write(store: Store) -> None:
    before = store.stamp()
    if before is None and type(store).__name__ != "EmbeddedStore":
        return  # a server store that cannot tell cheaply says so with None
    store.write(lambda g: ChangeSet([Region("000000", "全国", "national")], {"op": "test"}))
    after = store.stamp()
    assert after is not None and after != before
    store.write(lambda g: ChangeSet())  # an empty plan commits nothing
    assert store.stamp() == after


def test_the_reader_answers_like_the_snapshot(demo_store: Store) -> None:
    from dutygraph import who_leads

    for as_of in DATES:
        assert (
            who_leads(demo_store.reader(), "I-FOOD", "510104", as_of).departments()
            == who_leads(demo_store.graph(), "I-FOOD", "510104", as_of).departments()
        )
