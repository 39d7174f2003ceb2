"""The embedded store opens and checks one connection for a one-shot write (its reads and
its write on it), lends it to a reader only while no write is under way, and a reader
closed gives it back: its queries after that are refused, as on a closed connection."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from dutygraph import load
from dutygraph.errors import StoreUnavailable
from dutygraph.model import Region
from dutygraph.store import EmbeddedStore
from dutygraph.store.base import ChangeSet

from .published_lists import power_list_xlsx
from .test_versions import _v2_rows


class Connections:
    """Every connection the store opens to its file, and every statement on them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: list[sqlite3.Connection] = []
        self.statements: list[str] = []
        real = sqlite3.connect

        def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
            conn = real(*args, **kwargs)
            conn.set_trace_callback(self.statements.append)
            self.opened.append(conn)
            return conn

        monkeypatch.setattr(sqlite3, "connect", connect)


def _checks(statements: list[str]) -> list[str]:
    # SQLite traces a pragma function's own statement too, as "-- PRAGMA ...": not counted
    return [s for s in statements if "user_version" in s and not s.startswith("--")]


def test_a_one_shot_list_version_opens_and_checks_one_connection(demo_db, tmp_path, monkeypatch):
    """A fresh store object importing a list version: the names read, the check, the plan
    and the write on one connection, the file's header and version asked once."""
    load(EmbeddedStore(demo_db), [power_list_xlsx(tmp_path / "v1.xlsx")])
    v2 = power_list_xlsx(
        tmp_path / "v2.xlsx", _v2_rows(), note="备注：本清单自2025年1月1日起施行。"
    )
    seen = Connections(monkeypatch)
    store = EmbeddedStore(demo_db)
    report = load(store, [v2])
    assert report.lists and report.changed, report.as_dict()
    assert len(seen.opened) == 1, "a one-shot import opened more than one connection"
    checks = _checks(seen.statements)
    assert len(checks) == 1, checks
    assert sum(s.startswith("BEGIN IMMEDIATE") for s in seen.statements) == 1
    assert any("FROM names" in s for s in seen.statements)  # the reader's, on that connection
    # the next write on the same object: no connection opened, no check again
    load(store, [v2])
    assert len(seen.opened) == 1 and len(_checks(seen.statements)) == 1
    store.close()


def test_a_closed_reader_gives_its_connection_back_and_refuses_queries(demo_db):
    store = EmbeddedStore(demo_db)
    reader = store.reader()
    assert reader.regions["510104"].name == "锦江区"
    reader.close()
    with pytest.raises(StoreUnavailable, match="closed"):
        reader.departments["JJ-SCJ"]
    with pytest.raises(StoreUnavailable, match="closed"):
        reader.whole()  # type: ignore[attr-defined]
    again = store.reader()  # the connection given back, lent again
    assert again.departments["JJ-SCJ"].id == "JJ-SCJ"
    again.close()
    store.close()


def test_a_reader_ending_after_the_store_closed_closes_its_connection(demo_db, monkeypatch):
    """close() releases every connection: one lent to a reader still open is closed when the
    reader ends, not kept again (a server closing its store on shutdown holds no file open)."""
    seen = Connections(monkeypatch)
    store = EmbeddedStore(demo_db)
    reader = store.reader()
    assert reader.regions["510104"].name == "锦江区"
    store.close()
    reader.close()
    assert not store._kept, store._kept
    with pytest.raises(sqlite3.ProgrammingError):
        seen.opened[0].execute("SELECT 1")  # closed, not lent again
    again = store.reader()  # the store opens again when asked
    assert again.departments["JJ-SCJ"].id == "JJ-SCJ"
    again.close()
    store.close()


def test_a_reader_open_during_a_write_keeps_its_state_and_the_write_commits(demo_db):
    """A reader holding the lent connection does not stop a write on the same object (it
    gets a connection of its own) and sees the state it began with; a reader opened while
    another thread writes gets a connection of its own, not the writer's."""
    store = EmbeddedStore(demo_db)
    reader = store.reader()
    assert "999999" not in reader.regions

    def plan(g):  # type: ignore[no-untyped-def]
        return ChangeSet([Region("999999", "测试区", "county", "000000")], {"op": "test"})

    store.write(plan)
    assert "999999" not in reader.regions  # its own read transaction: the old state
    reader.close()
    fresh = store.reader()
    assert fresh.regions["999999"].name == "测试区"
    fresh.close()

    started, go_on = threading.Event(), threading.Event()
    seen: list[object] = []

    def slow(g):  # type: ignore[no-untyped-def]
        started.set()
        go_on.wait(10)
        return ChangeSet([Region("999998", "测试二区", "county", "000000")], {"op": "test"})

    writer = threading.Thread(target=lambda: store.write(slow))
    writer.start()
    assert started.wait(10)
    during = store.reader()  # the write holds the kept connection: a new one, old state
    seen.append("999998" in during.regions)
    during.close()
    go_on.set()
    writer.join(10)
    assert seen == [False]
    assert "999998" in EmbeddedStore(demo_db).reader().regions
    assert EmbeddedStore(demo_db).check(full=True) == []
    store.close()
