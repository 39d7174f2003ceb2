"""Small writes to the embedded store read only the rows they touch, and a process that
holds the whole graph keeps it across its own small writes instead of reading it again."""

from __future__ import annotations

import pytest

from dutygraph import load
from dutygraph.analysis.disputes import decide, open_dispute, set_status
from dutygraph.errors import NotFound
from dutygraph.fixtures import DEMO_PATH
from dutygraph.store import EmbeddedStore

DAY = "2025-01-05"


class Counting(EmbeddedStore):
    """The real store, counting how often it reads the whole graph from the file."""

    loads = 0

    def _load(self, conn):  # type: ignore[no-untyped-def]
        self.loads += 1
        return super()._load(conn)


@pytest.fixture
def path(demo_db):
    return demo_db


def test_opening_a_dispute_reads_only_the_rows_it_touches(path):
    store = Counting(path)
    d = open_dispute(store, ["JJ-SCJ", "锦江区卫生健康局"], "I-FOOD", "锦江区", DAY, by="alice")
    assert store.loads == 0
    assert (d.id, d.parties, d.region) == ("DSP-0001", ("JJ-SCJ", "JJ-WJJ"), "510104")
    again = open_dispute(store, ["JJ-SCJ", "WH-SCJ"], "I-FOOD", "510107", DAY, by="bob")
    moved = set_status(store, again.id, "coordinating", DAY, by="bob")
    assert store.loads == 0 and again.id == "DSP-0002"
    fresh = EmbeddedStore(path).graph()
    assert fresh.disputes == {d.id: d, again.id: moved}
    assert [e["op"] for e in fresh_history(path)][-3:] == [
        "dispute.open",
        "dispute.open",
        "dispute.status",
    ]


def fresh_history(path):
    return EmbeddedStore(path).history()


def test_a_bad_dispute_read_from_rows_is_refused_as_before_and_writes_nothing(path):
    store = Counting(path)
    with pytest.raises(NotFound, match="NO-SUCH-DEPT"):
        open_dispute(store, ["JJ-SCJ", "NO-SUCH-DEPT"], "I-FOOD", "510104", DAY, by="a")
    assert store.loads == 0 and EmbeddedStore(path).graph().disputes == {}
    assert [e["op"] for e in fresh_history(path)] == ["import"]


def test_a_held_graph_takes_a_dispute_without_reading_the_store_again(path):
    store = Counting(path)
    before = store.graph()
    d = open_dispute(store, ["JJ-SCJ", "JJ-WJJ"], "I-FOOD", "510104", DAY, by="alice")
    after = store.graph()
    assert store.loads == 1
    assert d.id not in before.disputes  # the snapshot read before the write is unchanged
    fresh = EmbeddedStore(path).graph()
    assert after.disputes == fresh.disputes and after.counts() == fresh.counts()
    assert after.duty_list() == fresh.duty_list()


def test_a_decision_that_changes_duties_is_read_again_and_answers_as_a_fresh_open(path):
    from dutygraph.analysis.resolve import who_leads

    store = Counting(path)
    d = open_dispute(store, ["JJ-SCJ", "JJ-WJJ"], "I-FOOD", "510104", DAY, by="alice")
    store.graph()
    decided = decide(
        store, d.id, "JJ-WJJ", [], "2025-02-01", "锦江区人民政府", "理由", "规则", by="b"
    )
    assert decided.decision["opened"]
    after = store.graph()
    assert store.loads == 2  # duties changed: the held graph was dropped and read again
    fresh = EmbeddedStore(path).graph()
    assert after.bases.keys() == fresh.bases.keys() and after.disputes == fresh.disputes
    assert who_leads(after, "I-FOOD", "510104", "2025-03-01").departments() == ["JJ-WJJ"]
    assert who_leads(fresh, "I-FOOD", "510104", "2025-03-01").departments() == ["JJ-WJJ"]


def test_another_process_write_is_seen_while_this_process_keeps_connections(tmp_path):
    """A store object keeps its write connection open; another object's opening check
    must not drop that connection's locks (closing any handle on the file drops them
    all), or the other process, closing what it takes for the last connection,
    checkpoints the WAL away under this process's connections, which then read the
    old state (they did: 31 duties after the other process had written 131)."""
    import subprocess
    import sys

    from .bundles import big_bundle

    path = tmp_path / "s.db"
    keeper = EmbeddedStore(path)
    load(keeper, [DEMO_PATH])  # keeps its write connection
    assert EmbeddedStore(path).graph().counts()["duty"] == 31  # a second object opens it
    bundle = big_bundle(tmp_path / "b", counties=10, items=10)
    cmd = [sys.executable, "-m", "dutygraph", "load", str(bundle), "--store", str(path)]
    subprocess.run(cmd, check=True, capture_output=True)
    assert EmbeddedStore(path).graph().counts()["duty"] == 131
    assert keeper.graph().counts()["duty"] == 131
    assert [e["op"] for e in keeper.history()] == ["import", "import"]
    keeper.close()
