"""Writes on the Neo4j store read only what their plan touches, and build the graph model.

An import on the Bolt store does not read the graph: its plan says which
records it reads (:func:`dutygraph.validation.touched`) and the store reads
those by key inside the write's transaction — so the records a one-duty
import reads do not grow with the graph. The records are counted at the
driver (a driver that counts what every result hands back), not by the
store's own counters. The checks still see the store: a reference to nothing
and a cycle through the stored region tree are refused with nothing written.
The dispute writes (plans marked ``reads_rows``) read through a reader whose
queries run in the write's transaction: a decision too reads the same few
records however big the graph.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from dutygraph import ValidationFailed, load
from dutygraph.fixtures import DEMO_PATH

from .conftest import ACCEPTANCE, _server_driver, need

pytest.importorskip("neo4j", reason="the Neo4j store needs the neo4j extra")
from dutygraph.store.neo4j import RELATIONSHIPS, Neo4jStore

pytestmark = pytest.mark.neo4j


class Tally:
    queries = 0
    records = 0


class _Result:
    def __init__(self, result: Any, tally: Tally) -> None:
        self._result, self._tally = result, tally

    def data(self) -> list[dict[str, Any]]:
        rows = self._result.data()
        self._tally.records += len(rows)
        return rows  # type: ignore[no-any-return]

    def single(self) -> Any:
        rec = self._result.single()
        self._tally.records += rec is not None
        return rec

    def consume(self) -> Any:
        return self._result.consume()

    def __iter__(self) -> Any:
        for rec in self._result:
            self._tally.records += 1
            yield rec


class _Tx:
    def __init__(self, tx: Any, tally: Tally) -> None:
        self._tx, self._tally = tx, tally

    def run(self, query: str, parameters: Any = None, **kw: Any) -> _Result:
        self._tally.queries += 1
        return _Result(self._tx.run(query, parameters, **kw), self._tally)


class _Session:
    def __init__(self, session: Any, tally: Tally) -> None:
        self._s, self._tally = session, tally

    def __enter__(self) -> _Session:
        self._s.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._s.__exit__(*exc)

    def execute_read(self, work: Any) -> Any:
        return self._s.execute_read(lambda tx: work(_Tx(tx, self._tally)))

    def execute_write(self, work: Any) -> Any:
        return self._s.execute_write(lambda tx: work(_Tx(tx, self._tally)))

    def run(self, query: str, parameters: Any = None, **kw: Any) -> _Result:
        return _Tx(self._s, self._tally).run(query, parameters, **kw)


class CountingDriver:
    """The real driver, counting the queries run and the records every result hands back."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self.tally = Tally()

    def session(self, **kw: Any) -> _Session:
        return _Session(self._driver.session(**kw), self.tally)

    def verify_connectivity(self) -> None:
        self._driver.verify_connectivity()

    def get_server_info(self) -> Any:
        return self._driver.get_server_info()

    def close(self) -> None:  # the shared driver stays open
        pass


@pytest.fixture
def counted() -> tuple[Neo4jStore, CountingDriver]:
    url, driver = _server_driver("bolt")
    counting = CountingDriver(driver)
    store = Neo4jStore(url, driver=counting)
    store.clear()
    return store, counting


@pytest.fixture
def demo(counted: tuple[Neo4jStore, CountingDriver]) -> Neo4jStore:
    """The demo loaded, and no snapshot in memory (as a fresh process)."""
    store, _ = counted
    load(store, [DEMO_PATH])
    store._cache = None
    return store


def _one_duty(tmp_path: Path, name: str, start: str, department: str = "N-SAMR") -> Path:
    """A bundle of one duty (on the demo's item, region and basis) starting on ``start``."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "duties.csv").write_text(
        "department,item,region,role,bases,valid_from,valid_to,source,line\n"
        f"{department},I-FOOD,000000,lead,B-FSL-6,{start},,test,\n",
        encoding="utf-8",
    )
    return folder


def _records_read(counting: CountingDriver, store: Neo4jStore, path: Path) -> int:
    store._cache = None  # as a fresh process would: no snapshot in memory
    before = counting.tally.records
    report = load(store, [path])
    assert report.added == {"duty": 1}
    return counting.tally.records - before


def test_a_one_duty_import_reads_the_same_few_records_however_big_the_graph(
    counted: tuple[Neo4jStore, CountingDriver], tmp_path: Path
) -> None:
    store, counting = counted
    load(store, [DEMO_PATH])
    small = _records_read(counting, store, _one_duty(tmp_path, "a", "2030-01-01"))
    need(ACCEPTANCE.is_dir(), f"{ACCEPTANCE} is missing (the shared acceptance scenario)")
    load(store, [ACCEPTANCE])  # a second province: many more records
    big = _records_read(counting, store, _one_duty(tmp_path, "b", "2031-01-01"))
    total = sum(store.graph().counts().values())
    # the lock node, the department, the item, the region, the basis (and the law probe)
    assert big == small <= 8 < 40 < total, (small, big, total)


def test_a_plan_that_does_not_say_what_it_reads_reads_the_whole_graph(
    counted: tuple[Neo4jStore, CountingDriver],
) -> None:
    """A plan that neither names its records nor reads through the reader (what-if's apply)
    keeps the snapshot path; it is counted too."""
    from dutygraph.store import ChangeSet

    store, counting = counted
    load(store, [DEMO_PATH])
    store._cache = None  # the snapshot the import left in memory would be used instead
    before = counting.tally.records
    store.write(lambda g: ChangeSet())
    assert counting.tally.records - before > sum(store.graph().counts().values())


def test_an_unknown_reference_is_found_by_key_and_nothing_is_written(
    demo: Neo4jStore, tmp_path: Path
) -> None:
    store = demo
    seq = store.stamp()
    with pytest.raises(ValidationFailed) as err:
        load(store, [_one_duty(tmp_path, "x", "2030-01-01", department="NO-SUCH")])
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert p.code == "unknown-department" and p.column == "department" and p.row == 2
    assert p.file.endswith("duties.csv")
    assert store.stamp() == seq


def test_a_cycle_through_the_stored_tree_is_found(demo: Neo4jStore, tmp_path: Path) -> None:
    """Re-parenting the province under its own county: the chain is read up from the county."""
    store = demo
    folder = tmp_path / "cycle"
    folder.mkdir()
    (folder / "regions.csv").write_text(
        "code,name,level,parent\n510000,四川省,province,510104\n", encoding="utf-8"
    )
    with pytest.raises(ValidationFailed) as err:
        load(store, [folder])
    codes = {p.code for p in err.value.problems if p.severity == "error"}
    assert codes == {"cycle"}
    assert "510104" in str(err.value) and "510000" in str(err.value)
    assert store.graph().regions["510000"].parent == "000000"


def _edges(store: Neo4jStore) -> set[tuple[str, str, str, str | None]]:
    rows = store._run(
        "MATCH (a)-[e]->(b) RETURN a.id AS a, type(e) AS t, b.id AS b, e.role AS role", _read=True
    )
    return {(r["a"], r["t"], r["b"], r["role"]) for r in rows}


def _expected(store: Neo4jStore) -> set[tuple[str, str, str, str | None]]:
    g = store.graph()
    out = set()
    for label, field, rel, _, inward in RELATIONSHIPS:
        for rec in g.table(label).values():
            value = getattr(rec, field)
            for to in value if isinstance(value, tuple) else (value,) if value else ():
                if inward:
                    out.add((to, rel, rec.id, rec.role))
                else:
                    out.add((rec.id, rel, to, None))
    return out


def test_the_graph_model_relationships_follow_the_records(
    counted: tuple[Neo4jStore, CountingDriver], tmp_path: Path
) -> None:
    """HOLDS {role}, ON, IN, RESTS_ON, OF, SUCCEEDED_BY and PARENT, and kept right on change."""
    store, _ = counted
    load(store, [DEMO_PATH])
    assert _edges(store) == _expected(store)
    kinds = {t for _, t, _, _ in _edges(store)}
    assert kinds == {"HOLDS", "ON", "IN", "RESTS_ON", "OF", "SUCCEEDED_BY", "PARENT"}
    # a Neo4j user's walk: who leads food safety, by relationships alone
    rows = store._run(
        "MATCH (d:Department)-[:HOLDS {role: 'lead'}]->(:Duty)-[:ON]->(:Item {id: 'I-FOOD'}) "
        "RETURN DISTINCT d.id AS d ORDER BY d",
        _read=True,
    )
    g = store.graph()
    want = sorted({d.department for d in g.duties_on("I-FOOD") if d.role == "lead"})
    assert [r["d"] for r in rows] == want
    # change the bases of every demo duty and the parent of a region: the edges follow
    changed = tmp_path / "changed"
    shutil.copytree(DEMO_PATH, changed)
    with (changed / "duties.csv").open(encoding="utf-8", newline="") as fh:
        duties = list(csv.DictReader(fh))
    with (changed / "duties.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(duties[0]))
        out.writeheader()
        out.writerows({**d, "bases": "B-FSL-6"} for d in duties)
    store._cache = None
    load(store, [changed])
    assert _edges(store) == _expected(store)
    assert {b for a, t, b, _ in _edges(store) if t == "RESTS_ON"} == {"B-FSL-6"}


def _without_times(value: Any) -> Any:
    """``value`` with every ``at`` (a write's clock time) left out."""
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k != "at"}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def test_the_dispute_commands_read_by_key_and_answer_like_the_embedded_store(
    counted: tuple[Neo4jStore, CountingDriver],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """open, list, route, coordinate, decide and show through the real CLI: on Bolt with
    ``graph()`` refused (the writes' plans read through a reader in the write's
    transaction, the answers through the store's reader), the same JSON and text as on
    the embedded store; a decision reads a bounded number of records at the driver."""
    import json

    from dutygraph.cli.main import main

    store, _ = counted
    day = "2025-01-10"
    did = "DSP-0001"
    commands = [
        ["dispute", "open", "--party", "SC-WJW", "--party", "四川省市场监督管理局",
         "--subject", "I-MEDBEAUTY", "--region", "四川省", "--raised-on", day,
         "--claim", "SC-WJW=医疗美容属医疗服务", "--by", "alice", "--json"],
        ["dispute", "list", "--status", "open", "--json"],
        ["dispute", "route", did, "--as-of", day, "--json"],
        ["dispute", "coordinate", did, "--on", "2025-01-15", "--by", "bob", "--json"],
        ["dispute", "decide", did, "--lead", "SC-WJW", "--assist", "SC-SCJ", "--on",
         "2025-05-01", "--decider", "四川省人民政府", "--reasoning", "医疗美容属医疗服务",
         "--rule", "部门职责分工协调办法 第六条", "--by", "carol", "--json"],
        ["dispute", "show", did, "--json"],
        ["dispute", "show", did],
        ["lead", "I-MEDBEAUTY", "510000", "--as-of", "2025-05-01", "--json"],
        ["conflicts", "--as-of", "2025-05-01", "--json"],
    ]  # fmt: skip

    def answers(url: str) -> list[Any]:
        monkeypatch.setenv("DUTYGRAPH_STORE", url)
        out = []
        for argv in commands:
            assert main(argv) == 0, argv
            text = capsys.readouterr().out
            stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}"  # a write's clock time
            out.append(
                _without_times(json.loads(text)) if "--json" in argv else re.sub(stamp, "", text)
            )
        return out

    embedded = tmp_path / "e.db"
    monkeypatch.setenv("DUTYGRAPH_STORE", str(embedded))
    assert main(["load", str(DEMO_PATH)]) == 0
    capsys.readouterr()
    want = answers(str(embedded))

    load(store, [DEMO_PATH])
    store._cache = None  # type: ignore[attr-defined]

    def refuse(self: Neo4jStore) -> None:
        raise AssertionError("graph() was called")

    monkeypatch.setattr(Neo4jStore, "graph", refuse)
    got = answers(store.url)
    monkeypatch.undo()
    for argv, a, b in zip(commands, got, want, strict=True):
        assert a == b, argv


def test_a_dispute_decision_reads_the_same_few_records_however_big_the_graph(
    counted: tuple[Neo4jStore, CountingDriver],
) -> None:
    """Opening and deciding a dispute read what their plans ask for, by key, in the write's
    transaction: the records read at the driver do not grow with a second province."""
    from dutygraph.analysis.disputes import decide, open_dispute

    store, counting = counted

    def cost() -> int:
        store._cache = None  # as a fresh process would: no snapshot in memory
        before = counting.tally.records
        d = open_dispute(
            store, ["SC-WJW", "SC-SCJ"], "I-MEDBEAUTY", "510000", "2025-01-10", by="alice"
        )
        decide(store, d.id, "SC-WJW", [], "2025-05-01", "四川省人民政府", "医疗美容属医疗服务",
               "部门职责分工协调办法 第六条", by="carol")  # fmt: skip
        return counting.tally.records - before

    load(store, [DEMO_PATH])
    small = cost()
    need(ACCEPTANCE.is_dir(), f"{ACCEPTANCE} is missing (the shared acceptance scenario)")
    load(store, [ACCEPTANCE])
    store.clear()  # the same demo disputes again, beside a second province
    load(store, [DEMO_PATH])
    load(store, [ACCEPTANCE])
    big = cost()
    total = sum(store.graph().counts().values())
    assert big == small <= 20 < total, (small, big, total)
