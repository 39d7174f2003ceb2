"""What only the embedded store promises: one SQLite file, transactions, crash safety,
serialised writers, safe opening, the upgrade from the old pickled format."""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from dutygraph import StoreCorrupt, StoreUnavailable, load
from dutygraph.fixtures import DEMO_PATH
from dutygraph.model import Region
from dutygraph.store import EmbeddedStore, open_store
from dutygraph.store.base import ChangeSet
from dutygraph.store.pickled import MAGIC, PickledStore
from dutygraph.store.sqlite import schema

from .bundles import big_bundle


def test_store_is_chosen_by_flag_or_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYGRAPH_STORE", str(tmp_path / "env.db"))
    assert open_store().url == str(tmp_path / "env.db")
    assert open_store(tmp_path / "flag.db").url == str(tmp_path / "flag.db")
    monkeypatch.delenv("DUTYGRAPH_STORE")
    assert open_store().url == "dutygraph.db"


def test_committed_import_survives_the_process(tmp_path):
    path = tmp_path / "s.db"
    load(EmbeddedStore(path), [DEMO_PATH])
    fresh = EmbeddedStore(path)
    assert fresh.graph().counts()["duty"] == 31
    assert [e["op"] for e in fresh.history()] == ["import"]


def test_history_is_append_only(tmp_path, embedded_store):
    load(embedded_store, [DEMO_PATH])
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "regions.csv").write_text(
        "code,name,level,parent\n510108,成华区,county,510100\n", "utf-8"
    )
    load(embedded_store, [extra])
    log = embedded_store.history()
    assert [e["added"] for e in log] == [log[0]["added"], {"region": 1}]


def test_not_a_store_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("hello", "utf-8")
    with pytest.raises(StoreCorrupt, match="not a dutygraph store"):
        EmbeddedStore(junk).graph()
    with pytest.raises(StoreUnavailable, match="does not exist"):
        EmbeddedStore(tmp_path / "no" / "such" / "dir.db")


def test_opening_a_store_never_runs_code_from_it(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    path = tmp_path / "evil.db"
    path.write_bytes(MAGIC + pickle.dumps({"version": 3, "tables": {}, "log": [Evil()]}))
    with pytest.raises(StoreCorrupt, match=r"refers to (posix|os)\.system"):
        EmbeddedStore(path).graph()
    assert not (tmp_path / "pwned").exists()


def _import_process(store, bundle, stderr=subprocess.DEVNULL):
    return subprocess.Popen(
        [sys.executable, "-m", "dutygraph", "load", str(bundle), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


def _state(path):
    """(duties, history length) as a fresh process would read them."""
    store = EmbeddedStore(path)
    return store.graph().counts()["duty"], len(store.history())


@pytest.mark.slow
def test_sigkill_in_the_middle_of_an_import_leaves_the_store_as_before(tmp_path):
    store = tmp_path / "s.db"
    load(EmbeddedStore(store), [DEMO_PATH])
    bundle = big_bundle(tmp_path / "big", counties=150, items=100)  # 15,000 duties
    wal = store.with_name(store.name + "-wal")
    killed_while_writing = 0
    for attempt, delay in enumerate((None, 0.6, 1.5, 3.0)):
        proc = _import_process(store, bundle)
        if delay is None:  # kill it while its transaction is being written (the WAL growing)
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                if wal.exists() and wal.stat().st_size > 256_000:
                    killed_while_writing += 1
                    break
                time.sleep(0.0005)
        else:
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.returncode != -signal.SIGKILL:
            continue  # the import finished first: fine, but it says nothing about a crash
        # before its commit: the old state (always so for the kill mid-transaction); after
        # it (the process killed on its way out): the new one, whole
        allowed = {(31, 1)} if delay is None else {(31, 1), (31 + 15_000, 2)}
        assert _state(store) in allowed, f"attempt {attempt}: the store is half-written"
        assert EmbeddedStore(store).check(full=True) == []
    assert killed_while_writing == 1, "no kill landed while the transaction was being written"
    # the next write works and is whole
    load(EmbeddedStore(store), [bundle])
    assert _state(store) == (31 + 15_000, 2)


def test_a_failing_plan_midway_leaves_nothing_and_the_file_sound(tmp_path):
    store = EmbeddedStore(tmp_path / "s.db")
    load(store, [DEMO_PATH])

    def plan(g):
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C while it ran

    with pytest.raises(KeyboardInterrupt):
        store.write(plan)
    assert _state(store.path) == (31, 1) and store.check() == []


_HOLD_THE_WRITE_LOCK = """
import sys, time
from dutygraph.store import EmbeddedStore
from dutygraph.store.base import ChangeSet
from dutygraph.model import Region
def plan(g):
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    return ChangeSet([Region("000001", "甲", "national")], {"op": "slow"})
EmbeddedStore(sys.argv[1]).write(plan)
"""


def _hold(path, seconds):
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_THE_WRITE_LOCK, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def test_a_second_writer_waits_for_the_first_then_writes(tmp_path):
    path = tmp_path / "s.db"
    load(EmbeddedStore(path), [DEMO_PATH])
    proc = _hold(path, 1.0)
    seen = []
    EmbeddedStore(path, timeout=30).write(
        lambda g: (
            seen.append("000001" in g.regions)
            or ChangeSet([Region("000002", "乙", "national")], {"op": "second"})
        )
    )
    proc.communicate()
    assert proc.returncode == 0
    assert seen == [True]  # it waited, and planned on the first writer's state
    assert [e["op"] for e in EmbeddedStore(path).history()] == ["import", "slow", "second"]


def test_a_writer_that_cannot_wait_longer_gets_a_clear_error(tmp_path):
    path = tmp_path / "s.db"
    load(EmbeddedStore(path), [DEMO_PATH])
    proc = _hold(path, 2.0)
    with pytest.raises(StoreUnavailable, match="另一个进程正在写入存储"):
        EmbeddedStore(path, timeout=0.2).write(
            lambda g: ChangeSet([Region("000002", "乙", "national")], {"op": "second"})
        )
    # readers are not blocked meanwhile
    assert EmbeddedStore(path).reader().find("region", "锦江区").code == "510104"
    proc.communicate()
    assert proc.returncode == 0
    assert [e["op"] for e in EmbeddedStore(path).history()] == ["import", "slow"]


def test_an_old_pickled_store_is_upgraded_on_first_open_with_nothing_lost(tmp_path):
    path = tmp_path / "old.db"
    old = PickledStore(path)
    load(old, [DEMO_PATH])
    old.write(lambda g: ChangeSet([Region("510108", "成华区", "county", "510100")], {"op": "x"}))
    want, want_log = old.graph(), old.history()
    store = EmbeddedStore(path)
    got = store.graph()
    assert path.read_bytes().startswith(b"SQLite format 3")
    assert got.counts() == want.counts()
    for rec in want.records():
        assert got.table(rec.label)[rec.id] == rec
    assert store.history() == want_log
    assert (tmp_path / "old.db.v3.pickle").read_bytes().startswith(MAGIC)  # the old file kept
    # and the store is written in the new format from now on
    load(store, [DEMO_PATH])
    assert [e["op"] for e in store.history()] == ["import", "x"]


def test_a_store_from_a_newer_dutygraph_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "new.db"
    load(EmbeddedStore(path), [DEMO_PATH])
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(StoreUnavailable, match=r"比本版 dutygraph 支持的 .* 更新"):
        EmbeddedStore(path).graph()
    assert path.read_bytes() == before


def test_a_sqlite_file_that_is_not_a_store_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreCorrupt, match="不是 dutygraph 存储"):
        EmbeddedStore(path).graph()


def test_the_file_browses_as_tables_of_records(tmp_path):
    path = tmp_path / "s.db"
    load(EmbeddedStore(path), [DEMO_PATH])
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        row = conn.execute("SELECT name, parent FROM region WHERE id = '510104'").fetchone()
        leads = conn.execute(
            "SELECT department FROM duty WHERE item = 'I-FOOD' AND region = '000000' AND role = 'lead'"
        ).fetchall()
    assert {"region", "department", "item", "basis", "duty", "history"} <= tables
    assert row == ("锦江区", "510100") and leads == [("N-SAMR",)]


def test_the_reader_reads_only_what_an_answer_walks(tmp_path):
    from dutygraph.analysis.resolve import who_leads

    path = tmp_path / "s.db"
    load(EmbeddedStore(path), [DEMO_PATH])
    r = EmbeddedStore(path).reader()
    assert who_leads(r, "I-FOOD", "510104", "2025-06-01").departments() == ["JJ-SCJ"]
    assert len(r.items.cache) < len(r.items) and len(r.departments.cache) < len(r.departments)


@pytest.mark.slow
def test_readers_see_the_old_or_the_new_state_never_half(tmp_path):
    store = tmp_path / "s.db"
    load(EmbeddedStore(store), [DEMO_PATH])
    bundle = big_bundle(tmp_path / "big", counties=100, items=100)
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(EmbeddedStore(store).graph().counts()["duty"])

    reader = threading.Thread(target=read)
    reader.start()
    proc = _import_process(store, bundle, stderr=subprocess.PIPE)
    _, err = proc.communicate(timeout=120)
    time.sleep(0.2)
    stop.set()
    reader.join()
    assert proc.returncode == 0, err.decode()
    assert seen <= {31, 31 + 10_000} and 31 + 10_000 in seen


@pytest.mark.parametrize(
    "command",
    [("gaps",), ("conflicts",), ("lead", "I-FOOD", "510104"), ("show", "JJ-SCJ")],
    ids=["gaps", "conflicts", "lead", "show"],
)
def test_a_damaged_page_met_by_any_answer_is_a_store_error_not_a_bug(command, tmp_path, cli):
    """Bytes of a department's name overwritten in the file (a bad sector, a bad copy): the
    lazy reader meets them deep inside an answer, which ends as exit 3 naming the file."""
    cli("load", str(DEMO_PATH))
    data = bytearray(cli.store_path.read_bytes())
    name = "锦江区市场监督管理局".encode()
    at = data.find(name)
    assert at > 0
    data[at : at + 6] = b"\xff" * 6  # no longer UTF-8
    cli.store_path.write_bytes(bytes(data))
    proc = cli(*command, check=False)
    assert proc.returncode in (0, 3), proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    if proc.returncode == 3:
        assert str(cli.store_path) in proc.stderr and "损坏" in proc.stderr


def test_check_says_whether_the_store_file_is_sound(tmp_path, cli):
    cli("load", str(DEMO_PATH))
    proc = cli("check")
    assert "存储完好" in proc.stdout
    data = bytearray(cli.store_path.read_bytes())
    page = 4096
    data[4 * page : 4 * page + 8] = b"\x00" + b"\xff" * 7  # a b-tree page's header destroyed
    cli.store_path.write_bytes(bytes(data))
    for args in ((), ("--full",)):
        proc = cli("check", *args, check=False)
        assert proc.returncode == 3, proc.stderr
        assert "损坏" in proc.stderr and str(cli.store_path) in proc.stderr
