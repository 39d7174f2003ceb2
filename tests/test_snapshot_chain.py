"""The change sets a write keeps beside the store: a later process opens the columns of an
older state and applies them, getting the graph the tables give; any broken link falls
back to the tables."""

from __future__ import annotations

import csv
import pickle
from typing import ClassVar

import pytest

from dutygraph import load
from dutygraph.analysis.disputes import decide, open_dispute
from dutygraph.fixtures import CATALOGUE_PATH, DEMO_PATH
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import snapshot

from .published_lists import power_list_xlsx
from .test_versions import _v2_rows


def same(a, b):
    assert a.counts() == b.counts()
    assert list(a.records()) == list(b.records())
    assert a.duty_columns().columns == b.duty_columns().columns
    pairs = {(d.item, d.region) for d in b.records() if d.label == "duty"}
    for item, region in sorted(pairs):  # the duty sites: each pair's rows
        assert [a.duty_columns().record(k) for k in a.rows_at(item, region)] == [
            b.duty_columns().record(k) for k in b.rows_at(item, region)
        ], (item, region)


class FromTables(EmbeddedStore):
    """The real store reading the tables (neither the columns nor the links used or kept)."""

    def _load(self, conn):  # type: ignore[no-untyped-def]
        read, chained, write = snapshot.read, snapshot.read_chained, snapshot.write
        snapshot.read = lambda *a, **k: None
        snapshot.read_chained = lambda *a, **k: None
        snapshot.write = lambda *a, **k: None
        try:
            return super()._load(conn)
        finally:
            snapshot.read, snapshot.read_chained, snapshot.write = read, chained, write


class Counting(EmbeddedStore):
    """Counts how the graph was opened: 'kept', 'chain' or 'tables'."""

    how: ClassVar[list[str]] = []

    def _load(self, conn):  # type: ignore[no-untyped-def]
        read, chained = snapshot.read, snapshot.read_chained
        seen: list[str] = []

        def r(*a, **k):
            got = read(*a, **k)
            if got is not None:
                seen.append("kept")
            return got

        def c(*a, **k):
            got = chained(*a, **k)
            if got is not None:
                seen.append("chain")
            return got

        snapshot.read, snapshot.read_chained = r, c
        try:
            graph = super()._load(conn)
        finally:
            snapshot.read, snapshot.read_chained = read, chained
        Counting.how.append(seen[-1] if seen else "tables")
        return graph


def opened(path):
    Counting.how = []
    graph = Counting(path).graph()
    return graph, Counting.how[-1]


def ten_rows(folder, graph, start=2400):
    duty = next(d for d in graph.duty_list() if d.bases)
    folder.mkdir()
    with open(folder / "duties.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["department", "item", "region", "role", "bases", "valid_from", "line"])
        for k in range(10):
            w.writerow(
                [duty.department, duty.item, duty.region, duty.role, duty.bases[0],
                 f"{start + k}-01-01", ""]
            )  # fmt: skip
    return folder


def _dispute(path, tmp_path, n=0, by="t"):
    item = "I-FOOD" if n == 0 else sorted(set(FromTables(path).graph().items) - {"I-FOOD"})[n - 1]
    open_dispute(EmbeddedStore(path), ["JJ-SCJ", "JJ-WJJ"], item, "510104", "2025-01-05", by=by)


def _decision(path, tmp_path):
    _dispute(path, tmp_path)
    d = next(iter(EmbeddedStore(path).graph().disputes))
    decide(
        EmbeddedStore(path), d, "JJ-WJJ", [], "2025-02-01", "锦江区人民政府", "理由", "规则", by="t"
    )


def _bundle(path, tmp_path):
    load(EmbeddedStore(path), [ten_rows(tmp_path / "ten", FromTables(path).graph())])


def _list_version(path, tmp_path):
    load(EmbeddedStore(path), [power_list_xlsx(tmp_path / "v1.xlsx")])
    v2 = power_list_xlsx(
        tmp_path / "v2.xlsx", _v2_rows(), note="备注：本清单自2025年1月1日起施行。"
    )
    load(EmbeddedStore(path), [v2])


def _catalogue(path, tmp_path):
    load(EmbeddedStore(path), [CATALOGUE_PATH])


WRITES = {
    "dispute": _dispute,
    "decision": _decision,
    "bundle": _bundle,
    "list-version": _list_version,
    "catalogue": _catalogue,
}


@pytest.mark.parametrize("kind", list(WRITES))
def test_the_graph_through_the_chain_is_the_graph_of_the_tables(kind, demo_db, tmp_path):
    EmbeddedStore(demo_db).graph()  # the columns kept for the demo's state
    WRITES[kind](demo_db, tmp_path)
    graph, how = opened(demo_db)
    if how == "tables":  # a change with_changes cannot take (the trees): read whole
        assert kind == "catalogue", kind
    else:
        assert how == "chain", how
    same(graph, FromTables(demo_db).graph())


def test_links_are_labelled_and_swept(demo_db, tmp_path):
    EmbeddedStore(demo_db).graph()
    for n in range(3):
        _dispute(demo_db, tmp_path, n)
    links = sorted(demo_db.parent.glob(f".{demo_db.name}.graph-link-*"))
    assert len(links) == 3
    # each link names the state before and after it: they chain
    got = [snapshot.read_aside(p, snapshot._LINK_MAGIC) for p in links]
    assert [g["after"] for g in got[:-1]] == [g["before"] for g in got[1:]]
    graph, how = opened(demo_db)
    assert how == "chain" and len(graph.disputes) == 3
    # past the bound the tables are read, the columns kept again and the links swept
    for n in range(3, 3 + snapshot.LINKS):
        _dispute(demo_db, tmp_path, n)
    graph, how = opened(demo_db)
    assert how == "tables" and len(graph.disputes) == 3 + snapshot.LINKS
    assert len(list(demo_db.parent.glob(f".{demo_db.name}.graph-link-*"))) == 0
    assert opened(demo_db)[1] == "kept"


@pytest.mark.parametrize("damage", ["missing", "junk", "foreign-state", "code"])
def test_a_broken_link_falls_back_to_the_tables(damage, demo_db, tmp_path):
    EmbeddedStore(demo_db).graph()
    _dispute(demo_db, tmp_path)
    _dispute(demo_db, tmp_path, 1)
    first = min(demo_db.parent.glob(f".{demo_db.name}.graph-link-*"))
    if damage == "missing":
        first.unlink()
    elif damage == "junk":
        first.write_bytes(first.read_bytes()[:40])
    elif damage == "foreign-state":
        link = snapshot.read_aside(first, snapshot._LINK_MAGIC)
        link["before"] = [*link["before"][:-1], "another entry"]
        first.write_bytes(snapshot._LINK_MAGIC + pickle.dumps(link))
    else:  # a pickle that would run code is refused
        first.write_bytes(snapshot._LINK_MAGIC + pickle.dumps(print))
    graph, how = opened(demo_db)
    assert how == "tables"
    same(graph, FromTables(demo_db).graph())
    assert len(graph.disputes) == 2


def test_a_link_of_another_store_at_the_same_path_is_not_used(demo_db, tmp_path):
    EmbeddedStore(demo_db).graph()
    _dispute(demo_db, tmp_path)
    kept = {p.name: p.read_bytes() for p in demo_db.parent.glob(f".{demo_db.name}.*")}
    for p in demo_db.parent.glob(f"{demo_db.name}*"):
        p.unlink()
    load(EmbeddedStore(demo_db), [DEMO_PATH])  # another store, the same path
    # (its log entry differs: a store made again within the same second with the same
    # entries is not told apart, by the columns file nor the links — the state label's limit)
    _dispute(demo_db, tmp_path, 1, by="another")
    for name, data in kept.items():  # the old store's columns and links put back
        (demo_db.parent / name).write_bytes(data)
    graph, how = opened(demo_db)
    assert how == "tables"
    same(graph, FromTables(demo_db).graph())


def test_a_write_that_fails_to_keep_its_link_still_commits(demo_db, tmp_path, monkeypatch):
    EmbeddedStore(demo_db).graph()

    def broken(*a, **k):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(snapshot, "write_link", broken)
    _dispute(demo_db, tmp_path)
    graph, how = opened(demo_db)
    assert how == "tables" and len(graph.disputes) == 1


def test_a_chain_of_mixed_writes_gives_the_graph_of_the_tables(demo_db, tmp_path):
    EmbeddedStore(demo_db).graph()
    _bundle(demo_db, tmp_path)
    _dispute(demo_db, tmp_path)
    folder = ten_rows(tmp_path / "again", FromTables(demo_db).graph())  # the same keys again
    rows = (folder / "duties.csv").read_text("utf-8").splitlines()
    rows = [rows[0] + ",valid_to"] + [
        r + ("," + "2500-01-01" if k == 2 else ",") for k, r in enumerate(rows[1:])
    ]
    (folder / "duties.csv").write_text("\n".join(rows) + "\n", "utf-8")  # one closed
    load(EmbeddedStore(demo_db), [folder])
    _dispute(demo_db, tmp_path, 1)
    graph, how = opened(demo_db)
    assert how == "chain"
    assert sum(d.valid_to == "2500-01-01" for d in graph.duty_list()) == 1
    same(graph, FromTables(demo_db).graph())
