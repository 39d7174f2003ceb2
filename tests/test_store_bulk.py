"""The bulk write (:mod:`dutygraph.store.sqlite.bulk`): the same store as row by row, and
crash safe.

A big import into empty tables drops their secondary indexes, writes the rows and
makes the indexes again, all in the write's one transaction. Here the same inputs
are written both ways — the demo and a generated prefecture (~19,000 duties), into
a new store and into one that already holds records — and the two files must hold
the same rows in the same order, the same indexes and answer the same. Then a child
process writing the bulk path is SIGKILLed with the indexes dropped and the rows
written (before the commit), at random moments, and its files are copied at random
moments (a power cut): every store opens, passes ``integrity_check`` and is the old
state or the new one, its indexes included.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dutygraph import load
from dutygraph.fixtures import DEMO_PATH
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import bulk

from .generated import generate
from .test_crash_store import _freeze_and_copy, _kill, copy_store, fingerprint


def _indexes(path: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()
    conn.close()
    return [tuple(r) for r in rows]


def _state(path: Path) -> tuple[object, object]:
    """Every table's rows in order (hashed), the log without times, and every index."""
    return fingerprint(path), _indexes(path)


@pytest.fixture(scope="module")
def prefecture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bulk") / "prefecture"
    generate("prefecture", folder)
    return folder


def _load_both(monkeypatch, tmp_path: Path, inputs: list[list[Path]]) -> tuple[Path, Path]:
    """The same imports, one after another, into a store written row by row and into one
    written by the bulk path (every write of at least one record); the two files."""
    paths = {}
    calls = []
    real = bulk.write_bulk

    def counted(conn, changes):
        calls.append(len(changes.duties))
        real(conn, changes)

    monkeypatch.setattr(bulk, "write_bulk", counted)
    for way, at_least in (("rows", 10**12), ("bulk", 1)):
        monkeypatch.setattr(bulk, "BULK_AT_LEAST", at_least)
        path = tmp_path / f"{way}.db"
        store = EmbeddedStore(path)
        for batch in inputs:
            load(store, batch)
        store.close()
        paths[way] = path
    assert len(calls) == len(inputs), "the bulk path was not taken for every import"
    return paths["rows"], paths["bulk"]


def _same_store(rows: Path, bulked: Path) -> None:
    assert EmbeddedStore(bulked).check(full=True) == []
    assert _state(bulked) == _state(rows)
    a, b = EmbeddedStore(rows).graph(), EmbeddedStore(bulked).graph()
    assert len(b.duty_columns()) == len(a.duty_columns()) > 0
    assert b.duty_columns().columns == a.duty_columns().columns
    ra, rb = EmbeddedStore(rows).reader(), EmbeddedStore(bulked).reader()
    pairs = sorted({(d.item, d.region) for d in a.duty_columns()})
    for item, region in random.Random(16).sample(pairs, min(40, len(pairs))):
        assert [d.key for d in rb.duties_at(item, region)] == [
            d.key for d in ra.duties_at(item, region)
        ]


def test_the_demo_written_in_bulk_is_the_store_written_row_by_row(monkeypatch, tmp_path):
    rows, bulked = _load_both(monkeypatch, tmp_path, [[DEMO_PATH]])
    _same_store(rows, bulked)


@pytest.mark.slow
def test_a_generated_prefecture_in_bulk_is_the_store_written_row_by_row(
    monkeypatch, tmp_path, prefecture
):
    rows, bulked = _load_both(monkeypatch, tmp_path, [[prefecture]])
    _same_store(rows, bulked)


@pytest.mark.slow
def test_bulk_into_a_store_holding_records_keeps_their_indexes_and_writes_the_same(
    monkeypatch, tmp_path, prefecture
):
    """The demo first, then the prefecture: the tables that hold rows keep their indexes
    (the duties go in row by row, with the bigger cache), and the store is the same."""
    rows, bulked = _load_both(monkeypatch, tmp_path, [[DEMO_PATH], [prefecture]])
    _same_store(rows, bulked)


def test_the_bulk_path_is_taken_by_big_imports_only():
    from dutygraph.columns import DutyColumns
    from dutygraph.model import Region
    from dutygraph.store.base import ChangeSet

    regions = [Region(f"{k:06d}", f"区{k}", "county") for k in range(bulk.BULK_AT_LEAST)]
    assert bulk.wanted(ChangeSet(regions))
    assert not bulk.wanted(ChangeSet(regions[:-1]))
    assert not bulk.wanted(ChangeSet(regions[:-1], duties=DutyColumns()))


_CHILD = """
import sys, time
from dutygraph import load
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import bulk, writes
bulk.BULK_AT_LEAST = 1
if sys.argv[3] == "pause":  # indexes dropped, every row written, nothing committed
    written = writes._write_new_duties
    def _write_new_duties(conn, duties):
        written(conn, duties)
        print("written", flush=True)
        time.sleep(600)
    writes._write_new_duties = _write_new_duties
print("ready", flush=True)
load(EmbeddedStore(sys.argv[1]), [sys.argv[2]])
print("done", flush=True)
"""


def _child(path: Path, bundle: Path, mode: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), str(bundle), mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    return proc


@pytest.fixture(scope="module")
def crash_states(tmp_path_factory, prefecture):
    """A store holding only the prefecture's regions (its other tables empty: the bulk
    path drops their indexes, keeps the names'), the bundle, and the states before and
    after the bulk import of the whole prefecture."""
    folder = tmp_path_factory.mktemp("bulk-crash")
    regions = folder / "regions-only"
    regions.mkdir()
    (regions / "regions.csv").write_bytes((prefecture / "regions.csv").read_bytes())
    before = folder / "before.db"
    load(EmbeddedStore(before), [regions])
    after = folder / "after.db"
    copy_store(before, after)
    proc = _child(after, prefecture, "run")
    assert proc.wait(timeout=600) == 0
    proc.stdout.close()  # type: ignore[union-attr]
    old, new = _state(before), _state(after)
    assert old != new
    assert old[1] == new[1], "the bulk import left the indexes otherwise than it found them"
    return before, prefecture, old, new


@pytest.mark.slow
def test_sigkill_amid_a_bulk_import_leaves_the_old_or_the_new_store(crash_states, tmp_path):
    before, bundle, old, new = crash_states
    path = tmp_path / "paused.db"
    copy_store(before, path)
    proc = _child(path, bundle, "pause")
    assert proc.stdout is not None
    assert proc.stdout.readline() == "written\n"
    assert _kill(proc)
    assert EmbeddedStore(path).check(full=True) == []
    assert _state(path) == old, "a bulk write killed before its commit left a trace"
    rng = random.Random("bulk-crash")
    for attempt in range(3):
        path = tmp_path / f"random-{attempt}.db"
        copy_store(before, path)
        proc = _child(path, bundle, "run")
        time.sleep(rng.uniform(0.2, 3.0))
        _kill(proc)
        assert EmbeddedStore(path).check(full=True) == []
        assert _state(path) in (old, new), f"attempt {attempt}: the store is half-written"


@pytest.mark.slow
def test_a_power_cut_amid_a_bulk_import_opens_as_the_old_or_the_new_store(crash_states, tmp_path):
    before, bundle, old, new = crash_states
    path = tmp_path / "live.db"
    copy_store(before, path)
    proc = _child(path, bundle, "run")
    copies = _freeze_and_copy(proc, path, tmp_path, random.Random(1606), (0.1, 0.5))
    assert proc.wait() == 0
    proc.stdout.close()  # type: ignore[union-attr]
    copies.append((tmp_path / "cut-end.db", copy_store(path, tmp_path / "cut-end.db")))
    seen = []
    for copy, wal in copies:
        assert EmbeddedStore(copy).check(full=True) == [], copy
        got = _state(copy)
        assert got in (old, new), f"{copy.name} (-wal {wal:,} bytes) is half-written"
        seen.append(got == new)
    assert seen[-1], "the store after the write does not hold it"
    assert len(copies) >= 3


def test_a_big_import_making_a_new_store_is_built_aside_and_is_the_same_store(
    monkeypatch, tmp_path
):
    """Into a new path the bulk write builds the store in a hidden file and links it into
    place; into a store that exists (made by a small write first) it writes in place. The
    two files hold the same rows, indexes and answers; no hidden file is left; the built
    store is in WAL mode as every store."""
    aside = []
    real = bulk.build_aside

    def counted(path, changes, finish):
        aside.append(path.name)
        return real(path, changes, finish)

    monkeypatch.setattr(bulk, "build_aside", counted)
    monkeypatch.setattr(bulk, "BULK_AT_LEAST", 1)
    built = tmp_path / "built.db"
    load(EmbeddedStore(built), [DEMO_PATH])
    assert aside == ["built.db"]
    in_place = tmp_path / "in-place.db"
    store = EmbeddedStore(in_place)
    assert store._kept_connection("write", create=True) is not None  # the file, empty
    store.close()
    load(EmbeddedStore(in_place), [DEMO_PATH])
    assert aside == ["built.db"], "a store that exists was built aside"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".new")] == []
    with sqlite3.connect(built) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    _same_store(in_place, built)


def test_a_failed_build_aside_leaves_no_store_and_no_hidden_file(monkeypatch, tmp_path):
    monkeypatch.setattr(bulk, "BULK_AT_LEAST", 1)

    def broken(conn, changes):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(bulk, "write_bulk", broken)
    with pytest.raises(RuntimeError, match="disk gone"):
        load(EmbeddedStore(tmp_path / "new.db"), [DEMO_PATH])
    assert list(tmp_path.iterdir()) == []


def test_a_build_sweeps_the_hidden_files_of_crashed_builds_of_this_host(monkeypatch, tmp_path):
    """A crashed build's hidden file (``.NAME.HOST.PID.TID.new`` and its journal files) is
    removed by the next build of that store on this host when its process is gone; a
    live process's, another host's, another store's and an old-style name are kept."""
    monkeypatch.setattr(bulk, "BULK_AT_LEAST", 1)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    host = bulk._host()
    swept = [f".s.db.{host}.{dead.pid}.7.new", f".s.db.{host}.{dead.pid}.7.new-wal"]
    kept = [
        f".s.db.{host}.{live.pid}.7.new",  # a build under way
        f".s.db.elsewhere.{dead.pid}.7.new",  # another host's: its pid means nothing here
        f".t.db.{host}.{dead.pid}.7.new",  # another store's
        f".s.db.{dead.pid}.7.new",  # named as before: whose it was is not known
    ]
    try:
        for name in swept + kept:
            (tmp_path / name).write_bytes(b"half a store")
        assert bulk.hidden_path(tmp_path / "s.db").name.startswith(f".s.db.{host}.")
        load(EmbeddedStore(tmp_path / "s.db"), [DEMO_PATH])
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == sorted(kept)
        assert bulk.sweep_builds(tmp_path / "s.db") == []
    finally:
        live.kill()
        live.wait()
    assert bulk.sweep_builds(tmp_path / "s.db") == [f".s.db.{host}.{live.pid}.7.new"]


@pytest.mark.slow
def test_sigkill_or_a_power_cut_amid_building_a_new_store_leaves_none_or_the_whole(
    crash_states, tmp_path
):
    """A bulk import into a new path, killed after its rows are written (before the link)
    or at random moments, leaves no store at the path or the whole one; copies of the
    path taken at random moments of a build are absent or whole."""
    _, bundle, _, _ = crash_states
    whole = tmp_path / "whole.db"
    proc = _child(whole, bundle, "run")
    assert proc.wait(timeout=600) == 0
    proc.stdout.close()  # type: ignore[union-attr]
    new = _state(whole)
    path = tmp_path / "paused.db"
    proc = _child(path, bundle, "pause")
    assert proc.stdout is not None
    assert proc.stdout.readline() == "written\n"
    assert _kill(proc)
    assert not path.exists(), "a build killed before its link left a store"
    rng = random.Random("aside-crash")
    for attempt in range(3):
        path = tmp_path / f"random-{attempt}.db"
        proc = _child(path, bundle, "run")
        time.sleep(rng.uniform(0.2, 3.0))
        _kill(proc)
        if path.exists():
            assert EmbeddedStore(path).check(full=True) == []
            assert _state(path) == new, f"attempt {attempt}: the store is half-written"
    path = tmp_path / "live.db"
    proc = _child(path, bundle, "run")
    seen = []
    while proc.poll() is None:
        time.sleep(rng.uniform(0.05, 0.3))
        if path.exists():
            copy = tmp_path / f"cut-{len(seen)}.db"
            copy_store(path, copy)
            seen.append(copy)
    proc.stdout.close()  # type: ignore[union-attr]
    for copy in seen:
        assert EmbeddedStore(copy).check(full=True) == [], copy
        assert _state(copy) == new, f"{copy.name} is half-written"


def test_a_sqlite_error_while_building_aside_is_the_store_error(monkeypatch, tmp_path):
    from dutygraph.errors import StoreUnavailable

    monkeypatch.setattr(bulk, "BULK_AT_LEAST", 1)

    def full(conn, changes):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(bulk, "write_bulk", full)
    with pytest.raises(StoreUnavailable, match="disk is full"):
        load(EmbeddedStore(tmp_path / "new.db"), [DEMO_PATH])
    assert list(tmp_path.iterdir()) == []


def _duties(n: int, **same: object) -> list:
    from dutygraph.model import Duty, Origin

    base = {"origin": Origin("duties.csv", 2, None, None), "source": "list#1", "attrs": {}}
    return [
        Duty(f"D{i}", f"I{i % 3}", "510000", "lead", (f"B{i}",), **{**base, **same})  # type: ignore[arg-type]
        for i in range(n)
    ]


@pytest.mark.parametrize(
    "records",
    [
        _duties(5),  # origin file/sheet/version, source and attrs one value throughout
        _duties(1),  # every column one value: one is bound still
        _duties(4, source="O'Brien 的清单"),  # a quote in a literal
        _duties(3, source="a\x00b"),  # a NUL: bound, not written in the statement
        _duties(3, source="\ud800"),  # a lone surrogate: bound (the bind fails as before)
        _duties(3, attrs={"k": "v"}),  # attrs not empty: bound
        _duties(2) + _duties(2, source=None, attrs={"k": "v"}),  # values that differ
    ],
)
def test_the_bulk_insert_writes_a_constant_column_once_and_stores_the_same_rows(records):
    from dutygraph.columns import DutyColumns
    from dutygraph.store.sqlite import schema

    duties = DutyColumns.from_records(records)
    stored = []
    for insert in (
        lambda c: c.executemany(schema.TABLES["duty"].insert_sql(), schema.duty_rows(duties)),
        lambda c: c.executemany(*schema.duty_insert(duties)),
    ):
        conn = sqlite3.connect(":memory:")
        schema.make(conn)
        try:
            insert(conn)
        except (UnicodeEncodeError, sqlite3.Error) as e:
            stored.append(type(e))
        else:
            stored.append(
                conn.execute("SELECT *, typeof(origin_file) FROM duty ORDER BY n").fetchall()
            )
        conn.close()
    assert stored[0] == stored[1]
    sql, _ = schema.duty_insert(duties)
    assert sql.count("?") >= 1 and "'duties.csv'" in sql  # one file: its name written once
    if len({d.source for d in records}) > 1 or "\x00" in (records[0].source or ""):
        assert "list#1" not in sql and "\x00" not in sql
