"""What only the embedded store promises: one file, atomic writes, crash safety, safe opening."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import time

import pytest

from dutygraph import StoreCorrupt, StoreUnavailable, load
from dutygraph.fixtures import DEMO_PATH
from dutygraph.store import EmbeddedStore, open_store
from dutygraph.store.embedded import MAGIC

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
    path.write_bytes(MAGIC + pickle.dumps({"version": 1, "tables": {}, "log": [Evil()]}))
    with pytest.raises(StoreCorrupt, match=r"refers to (posix|os)\.system"):
        EmbeddedStore(path).graph()
    assert not (tmp_path / "pwned").exists()


def _import_process(store, bundle, stderr=subprocess.DEVNULL):
    return subprocess.Popen(
        [sys.executable, "-m", "dutygraph", "load", str(bundle), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


@pytest.mark.slow
def test_sigkill_in_the_middle_of_an_import_leaves_the_store_as_before(tmp_path):
    store = tmp_path / "s.db"
    load(EmbeddedStore(store), [DEMO_PATH])
    before = store.read_bytes()
    bundle = big_bundle(tmp_path / "big", counties=150, items=100)  # 15,000 duties
    killed_while_writing = 0
    for attempt in range(3):
        proc = _import_process(store, bundle)
        tmp = store.with_name(f"{store.name}.tmp-{proc.pid}")
        deadline = time.monotonic() + 60
        while not tmp.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        if tmp.exists():
            killed_while_writing += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, f"attempt {attempt}: the import finished first"
        assert store.read_bytes() == before, f"attempt {attempt}: the store changed"
        assert EmbeddedStore(store).graph().counts()["duty"] == 31
    assert killed_while_writing >= 1, "no kill landed while the new state was being written"
    # the next write sweeps the stray temporary file and works
    load(EmbeddedStore(store), [bundle])
    assert EmbeddedStore(store).graph().counts()["duty"] == 31 + 15_000
    assert not list(tmp_path.glob("s.db.tmp-*"))


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
