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


_DISPUTE_LOOP = """
import sys
from dutygraph.analysis.disputes import decide, open_dispute
from dutygraph.store import EmbeddedStore
store = EmbeddedStore(sys.argv[1])
print("ready", flush=True)
n = 0
while True:  # open a dispute, decide every third (that one also closes and opens duties)
    d = open_dispute(store, ["JJ-SCJ", "JJ-WJJ"], f"case {sys.argv[2]}-{n}", "510104", "2025-01-05",
                     kind="enforcement", case={"place": "510104"}, by="loop")
    if n % 3 == 0:
        decide(store, d.id, "JJ-SCJ", [], "2025-01-06", "锦江区人民政府", "r", "rule", by="loop")
    n += 1
"""


@pytest.mark.slow
def test_sigkill_amid_dispute_writes_leaves_every_write_whole_or_absent(path):
    """A process writing disputes as fast as it can (each write reading only its rows, on a
    kept connection) killed at random moments: the store is sound, and what it holds is
    exactly the writes its log holds — each dispute with its log entry, each decision
    with its basis — never half of one."""
    import random
    import signal
    import subprocess
    import sys
    import time

    rng = random.Random(16)
    for run in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", _DISPUTE_LOOP, str(path), str(run)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        with proc.stdout:
            assert proc.stdout.readline() == "ready\n"
            time.sleep(rng.uniform(0.3, 1.2))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        store = EmbeddedStore(path)
        assert store.check(full=True) == []
        g = store.graph()
        log = store.history()
        opened = [e["dispute"] for e in log if e["op"] == "dispute.open"]
        decided = [e["dispute"] for e in log if e["op"] == "dispute.decide"]
        assert sorted(g.disputes) == sorted(opened)
        assert sorted(d.id for d in g.disputes.values() if d.status == "decided") == sorted(decided)
        assert {b for b in g.bases if b.startswith("DEC-")} == {f"DEC-{d}" for d in decided}
        store.close()
    assert opened, "no write committed before the kills"
