"""Published lists imported into a Bolt store match their names through the store's reader
(by name, in Cypher), never ``graph()``, with the answers of the matcher over every department
and the same records written as the embedded store writes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("neo4j", reason="the Neo4j store needs the neo4j extra")

from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.io.departments import DepartmentMatcher
from dutygraph.store import EmbeddedStore
from dutygraph.store.neo4j import Neo4jStore

from .conftest import _server_store
from .published_lists import joint_list_xlsx, power_list_csv, write_csv
from .test_list_names_store import EXTRA, _answer, _probes, _read

pytestmark = pytest.mark.neo4j


def _refuse(self: Neo4jStore) -> None:
    raise AssertionError("graph() was called while importing")


def _bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    shutil.copytree(DEMO_PATH, bundle)
    with open(bundle / "departments.csv", "a", encoding="utf-8") as fh:
        fh.write("\n".join(EXTRA) + "\n")
    return bundle


def _lists(tmp_path: Path) -> list[tuple[Path, dict[str, Any]]]:
    key = [["序号", "监管事项", "牵头部门", "配合部门"]]
    key += [["1", "某事项", "商务局", "市场监管局"], ["2", "食品安全监督管理", "城管委", ""]]
    key += [["3", "某事项", "锦江区城市管理局", "锦江区新设局"]]
    owner = [["事项名称", "实施主体", "实施依据"], ["对某行为的处罚", "", "《某某条例》第三条"]]
    owner += [["食品安全监督管理", "城管委", "《中华人民共和国食品安全法》第一百一十条"]]
    return [
        (power_list_csv(tmp_path / "power.csv"), {}),
        (joint_list_xlsx(tmp_path / "joint.xlsx"), {}),
        (write_csv(tmp_path / "key.csv", key), {"region": "510104"}),
        (write_csv(tmp_path / "o.csv", owner), {"department": "WH-SCJ"}),
    ]


def test_the_bolt_reader_matches_names_as_the_whole_matcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _server_store("bolt")
    load(store, [_bundle(tmp_path)])
    store._cache = None  # type: ignore[attr-defined]
    probes = _probes(store)  # type: ignore[arg-type]
    g = store.graph()
    want_lists = [_read(path, g, **opts) for path, opts in _lists(tmp_path)]
    monkeypatch.setattr(Neo4jStore, "graph", _refuse)
    reader = store.reader()
    whole = DepartmentMatcher(g)
    lazy = DepartmentMatcher.of(reader)
    assert type(lazy) is not DepartmentMatcher  # the one that reads by name
    for name in probes:
        for region in (None, "510104", "510107", "510700"):
            assert _answer(lazy, name, region) == _answer(whole, name, region), (name, region)
    # a name reads only the departments it can be (a core name with no region: all of them)
    small = store.reader()
    m = DepartmentMatcher.of(small)
    assert m.match("锦江区市场监管局").id == "JJ-SCJ"  # an alias: by name, in Cypher

    def cached() -> list[Any]:  # the departments read (a miss by id is kept as None)
        return [d for d in small.departments._cache.values() if d is not None]  # type: ignore[attr-defined]

    assert [d.id for d in cached()] == ["JJ-SCJ"]
    assert m.match("卫生健康部门", region="510107").id == "WH-WJJ"  # 武侯区's departments
    assert {d.region for d in cached()} == {"510104", "510107"}
    assert len(cached()) < len(g.departments) / 3
    for (path, opts), want in zip(_lists(tmp_path), want_lists, strict=True):
        assert _read(path, store.reader(), **opts) == want, path.name


def _summary(report: Any) -> Any:
    problems = [str(p) for p in report.problems]
    return report.added, report.changed, report.lists, problems


def test_a_list_import_into_bolt_writes_what_the_snapshot_path_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four lists and the first again: the reports and the records written through the
    reader (graph() refused) are those of the same imports over the whole graph; the four
    lists' reports are the embedded store's too."""
    bundle = _bundle(tmp_path)
    lists = _lists(tmp_path)
    sequence = [*lists, lists[0]]

    def run(through_reader: bool) -> tuple[list[Any], list[Any]]:
        bolt = _server_store("bolt")
        load(bolt, [bundle])
        with monkeypatch.context() as m:
            if through_reader:
                m.setattr(Neo4jStore, "graph", _refuse)
            else:  # the old path: names matched over the whole graph
                m.setattr(Neo4jStore, "row_reader", False)
            reports = [_summary(load(bolt, [p], skip_invalid=True, **o)) for p, o in sequence]
        bolt._cache = None  # type: ignore[attr-defined]
        return reports, sorted((r.label, r.id, r) for r in bolt.graph().records())

    got, want = run(True), run(False)
    assert got[0] == want[0]
    assert got[1] == want[1]
    emb = EmbeddedStore(tmp_path / "e.db")
    load(emb, [bundle])
    assert [_summary(load(emb, [p], skip_invalid=True, **o)) for p, o in lists] == got[0][:4]
    assert sum(len(r[0]) for r in got[0]) > 4  # the lists added records


def test_a_big_list_import_into_bolt_reads_by_key_not_the_whole_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lists over the import threshold (lowered to 0 rows by ``small_import``): on Bolt the
    plan reads through the reader inside the write (the whole-graph read refused), a bounded
    number of records, and writes what the old whole-graph path writes; the reports are the
    embedded store's (which reads its whole graph for them)."""
    bundle = _bundle(tmp_path)
    with open(bundle / "items.csv", "a", encoding="utf-8") as fh:  # 1,200 records no list reaches
        fh.writelines(f"I-PAD-{i},填充事项{i},,食品,行政检查,,,county,\n" for i in range(600))
    with open(bundle / "duties.csv", "a", encoding="utf-8") as fh:
        fh.writelines(
            f"JJ-SCJ,I-PAD-{i},510104,lead,B-FSL-6,2020-01-01,,pad,\n" for i in range(600)
        )
    lists = _lists(tmp_path)
    sequence = [*lists, lists[0]]

    def refuse(*args: Any) -> None:
        raise AssertionError("the whole graph was read inside the write")

    def run(by_key: bool) -> tuple[list[Any], list[Any], list[int], int]:
        bolt = _server_store("bolt")
        load(bolt, [bundle])
        bolt._cache = None  # type: ignore[attr-defined]
        size = len(list(bolt.graph().records()))
        bolt._cache = None  # type: ignore[attr-defined]
        reports, reads = [], []
        with monkeypatch.context() as m:
            if by_key:
                m.setattr(Neo4jStore, "graph", _refuse)
                m.setattr(Neo4jStore, "_read_records", refuse)
            else:  # the old path: the whole graph read inside the write
                m.setattr(Neo4jStore, "row_reader", False)
                m.setattr(Neo4jStore, "reads_by_key", False)
            for p, o in sequence:
                before = bolt.records_read  # type: ignore[attr-defined]
                got = load(bolt, [p], skip_invalid=True, small_import=0, **o)
                reports.append(_summary(got))
                reads.append(bolt.records_read - before)  # type: ignore[attr-defined]
                bolt._cache = None  # type: ignore[attr-defined]
        return reports, sorted((r.label, r.id, r) for r in bolt.graph().records()), reads, size

    got, want = run(True), run(False)
    assert got[0] == want[0]
    assert got[1] == want[1]
    size = got[3]
    assert all(n < size / 5 for n in got[2]), (got[2], size)  # bounded, not the graph
    assert all(n >= size for n in want[2]), (want[2], size)  # the old path read it all
    emb = EmbeddedStore(tmp_path / "e.db")
    load(emb, [bundle])
    reports = [_summary(load(emb, [p], skip_invalid=True, small_import=0, **o)) for p, o in lists]
    assert reports == got[0][:4]
    assert sum(len(r[0]) for r in got[0]) > 4  # the lists added records


def test_a_list_import_into_bolt_looks_names_up_a_batch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list's item and department names are looked up a query a batch of names, not a
    query or two a row: 400 rows (half the store's items, half new; four department
    names) make far fewer round trips than rows, and report what the whole-graph path
    reports."""
    bundle = _bundle(tmp_path)
    with open(bundle / "items.csv", "a", encoding="utf-8") as fh:
        fh.writelines(f"I-PAD-{i},填充事项{i},,食品,行政检查,,,county,\n" for i in range(200))
    rows = [["序号", "监管事项", "牵头部门", "配合部门"]]
    deps = ["市场监管局", "商务局", "锦江区城市管理局", "锦江区新设局"]
    rows += [
        [str(i), f"填充事项{i}" if i < 200 else f"新事项{i}", deps[i % 4], deps[(i + 1) % 4]]
        for i in range(400)
    ]
    path = write_csv(tmp_path / "big.csv", rows)

    def run(by_key: bool) -> tuple[Any, int]:
        bolt = _server_store("bolt")
        load(bolt, [bundle])
        bolt._cache = None  # type: ignore[attr-defined]
        with monkeypatch.context() as m:
            if by_key:
                m.setattr(Neo4jStore, "graph", _refuse)
            else:
                m.setattr(Neo4jStore, "row_reader", False)
                m.setattr(Neo4jStore, "reads_by_key", False)
            before = bolt.queries_run  # type: ignore[attr-defined]
            report = load(bolt, [path], dry_run=True, skip_invalid=True, region="510104")
            return _summary(report), bolt.queries_run - before  # type: ignore[attr-defined]

    (got, queries), (want, _) = run(True), run(False)
    assert got == want
    assert got[0]["item"] == 200 and got[0]["duty"] > 400  # half new; leads and assists
    assert queries < 400 / 4, queries  # was 1,030 (each name asked for on its own)
