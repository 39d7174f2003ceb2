"""The whole graph's columns kept beside the store file: the same graph, at once, and never
a stale, damaged or hostile one."""

from __future__ import annotations

import pickle

import pytest

from dutygraph.analysis.disputes import open_dispute
from dutygraph.analysis.gaps import find_gaps
from dutygraph.serialize import gap_dict
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import snapshot


def same(a, b):
    assert a.counts() == b.counts()
    assert list(a.records()) == list(b.records())
    assert a.duty_columns().columns == b.duty_columns().columns


@pytest.fixture
def path(demo_db):
    return demo_db


class FromTables(EmbeddedStore):
    """The real store reading the tables every time (the columns beside it removed first)."""

    def _load(self, conn):  # type: ignore[no-untyped-def]
        snapshot.path_of(self.path).unlink(missing_ok=True)
        return super()._load(conn)


def test_the_kept_columns_give_the_graph_the_tables_give(path):
    kept = snapshot.path_of(path)
    assert not kept.exists()
    first = EmbeddedStore(path).graph()  # read from the tables, the columns kept
    assert kept.exists()
    again = EmbeddedStore(path).graph()  # read from them
    same(first, again)
    same(again, FromTables(path).graph())
    assert [gap_dict(again, g) for g in find_gaps(again, as_of="2025-06-01")] == [
        gap_dict(first, g) for g in find_gaps(first, as_of="2025-06-01")
    ]


def test_columns_of_an_older_state_are_never_used(path):
    EmbeddedStore(path).graph()
    old = snapshot.path_of(path).read_bytes()
    d = open_dispute(
        EmbeddedStore(path), ["JJ-SCJ", "JJ-WJJ"], "I-FOOD", "510104", "2025-01-05", by="a"
    )
    assert d.id in EmbeddedStore(path).graph().disputes
    snapshot.path_of(path).write_bytes(old)  # put the older state's columns back
    assert d.id in EmbeddedStore(path).graph().disputes


@pytest.mark.parametrize("damage", ["junk", "truncated", "empty"])
def test_damaged_columns_are_ignored_and_written_again(path, damage):
    truth = FromTables(path).graph()
    EmbeddedStore(path).graph()
    kept = snapshot.path_of(path)
    data = kept.read_bytes()
    kept.write_bytes(
        {"junk": b"\x00garbage" * 50, "truncated": data[: len(data) // 2], "empty": b""}[damage]
    )
    same(EmbeddedStore(path).graph(), truth)
    assert kept.read_bytes() == data  # written again, whole


class _Hostile:
    def __reduce__(self):  # what a planted file would carry: a call run on unpickling
        import os

        return (os.mkdir, (str(_Hostile.marker),))


def test_columns_file_that_would_run_code_is_refused_and_the_tables_read(path, tmp_path):
    truth = FromTables(path).graph()
    _Hostile.marker = tmp_path / "ran"
    kept = snapshot.path_of(path)
    kept.write_bytes(snapshot._MAGIC + pickle.dumps({"version": 1, "state": [], "x": _Hostile()}))
    same(EmbeddedStore(path).graph(), truth)
    assert not _Hostile.marker.exists()
