"""What-if on a Bolt store over a region reads that region's subtree and the regions above it,
never ``graph()``, and answers as the whole snapshot does; with no region the server says so.

Every demo scenario, over a county, a prefecture and a province: ``dutygraph whatif
--region R --json`` (the real CLI) with ``Neo4jStore.graph`` refused prints what
:func:`what_if` gives on the store's snapshot; so does the GraphQL ``whatIf`` on the
server's context (the store's reader).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("neo4j", reason="the Neo4j store needs the neo4j extra")

from dutygraph import load
from dutygraph.analysis.whatif import what_if
from dutygraph.analysis.whatif.report import whatif_dict
from dutygraph.fixtures import DEMO_PATH, FINANCE_2022_PATH, SCENARIOS_PATH
from dutygraph.io.scenario import read_scenario
from dutygraph.store.neo4j import Neo4jStore

from .conftest import _server_store

pytestmark = pytest.mark.neo4j

SCENARIOS = sorted(p for p in SCENARIOS_PATH.iterdir() if p.suffix in (".toml", ".csv"))
#: the bundle each scenario is written against (the finance reform: its own 2022 data)
BUNDLES = {"finance-reform-2023.toml": FINANCE_2022_PATH}
REGIONS = ["510104", "510100", "510000", "510781"]


def _refuse(self: Neo4jStore) -> None:
    raise AssertionError("graph() was called while answering")


def test_whatif_over_a_region_reads_the_region_and_answers_as_the_snapshot(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dutygraph.cli.main import main

    assert len(SCENARIOS) >= 3
    changed = 0
    for p in SCENARIOS:
        store = _server_store("bolt")
        load(store, [BUNDLES.get(p.name, DEMO_PATH)])
        store._cache = None  # type: ignore[attr-defined]  # the writer's cache keeps file order
        g = store.graph()
        want = {
            r: json.loads(json.dumps(whatif_dict(what_if(g, read_scenario(p), r)))) for r in REGIONS
        }
        changed += sum(w["counts"]["leads"] > 0 for w in want.values())
        with monkeypatch.context() as m:
            m.setattr(Neo4jStore, "graph", _refuse)
            m.setenv("DUTYGRAPH_STORE", store.url)
            for r in REGIONS:
                capsys.readouterr()
                assert main(["whatif", str(p), "--region", r, "--json"]) == 0
                got = json.loads(capsys.readouterr().out)
                assert got == want[r], (p.name, r)
    assert changed >= 6  # the scenarios change answers in most of the regions


def test_the_api_whatif_on_bolt_reads_a_region_or_goes_piece_by_piece(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("strawberry", reason="the API needs the api extra")
    from dutygraph.api.context import make_context
    from dutygraph.api.schema import build_schema

    from .test_whatif_api import QUERY, _jinjiang_input

    store = _server_store("bolt")
    load(store, [DEMO_PATH])
    store._cache = None  # type: ignore[attr-defined]
    g = store.graph()
    schema = build_schema()

    def ask(graph: Any, region: str | None) -> Any:
        ctx = make_context(store, graph=graph)
        variables = {"s": _jinjiang_input(), "region": region}
        return asyncio.run(schema.execute(QUERY, variable_values=variables, context_value=ctx))

    want = ask(g, "510100")
    monkeypatch.setattr(Neo4jStore, "graph", _refuse)
    got = ask(store.reader(), "510100")
    assert want.errors is None and got.errors is None, got.errors
    assert got.data == want.data and got.data["whatIf"]["counts"]["leads"] > 0
    national = ask(store.reader(), None)  # no region: region by region, as the whole graph
    assert national.errors is None and national.data == ask(g, None).data
    assert national.data["whatIf"]["counts"]["leads"] > 0


_UNCHANGED = "存储未改动 (the store was not changed; --apply writes the scenario)\n"


def _canonical(x: Any) -> Any:
    """``x`` with every list sorted (two stores list their items in different orders)."""
    if isinstance(x, dict):
        return {k: _canonical(v) for k, v in x.items()}
    if isinstance(x, list):
        return sorted((_canonical(v) for v in x), key=lambda v: json.dumps(v, sort_keys=True))
    return x


@pytest.mark.parametrize("piece_regions", [1, 4])
def test_a_national_whatif_on_bolt_goes_piece_by_piece_and_answers_as_the_whole_graph(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    piece_regions: int,
) -> None:
    """``dutygraph whatif`` with no ``--region`` on a Bolt store (``graph()`` refused):
    every demo scenario compared one piece of the region tree at a time (a region alone,
    or a subtree of at most ``piece_regions`` regions, with the regions above it), the
    reports merged — the JSON, the tables printed and the workbook are those of
    :func:`what_if` on the embedded store's whole graph of the same bundle (several
    provinces and prefectures), each (item, region) change once, the counts and summaries
    those of the whole. No piece holds all the duties (the client's bound)."""
    from dutygraph.analysis.whatif import pieces
    from dutygraph.analysis.whatif.report import sheets
    from dutygraph.cli.main import main
    from dutygraph.cli.whatif import _print
    from dutygraph.store import EmbeddedStore

    seen: list[tuple[int, int]] = []
    real = pieces.what_if_by_pieces

    def spy(*args: Any, **kwargs: Any) -> Any:
        got = real(*args, **kwargs)
        seen.append((got.pieces, got.largest))
        return got

    monkeypatch.setattr("dutygraph.store.neo4j_reader.PIECE_REGIONS", piece_regions)
    monkeypatch.setattr("dutygraph.analysis.whatif.scope.what_if_by_pieces", spy)
    changed = 0
    for p in SCENARIOS:
        bundle = BUNDLES.get(p.name, DEMO_PATH)
        embedded = EmbeddedStore(str(tmp_path / f"{p.stem}.db"))
        load(embedded, [bundle])
        g = embedded.graph()
        w = what_if(g, read_scenario(p))
        want = json.loads(json.dumps(whatif_dict(w)))
        changed += want["counts"]["leads"] > 0
        store = _server_store("bolt")
        load(store, [bundle])
        store._cache = None  # type: ignore[attr-defined]
        whole = store.graph()  # the same records, in id order (the embedded: file order)
        exact = json.loads(json.dumps(whatif_dict(what_if(whole, read_scenario(p)))))
        seen.clear()
        assert _canonical(exact) == _canonical(want), p.name
        with monkeypatch.context() as m:
            m.setattr(Neo4jStore, "graph", _refuse)
            m.setenv("DUTYGRAPH_STORE", store.url)
            capsys.readouterr()
            assert main(["whatif", str(p), "--json"]) == 0, p.name
            got = json.loads(capsys.readouterr().out)
            assert got == exact, p.name
            keys = [(x["item"]["id"], x["region"]["code"], x["role"]) for x in got["leads"]]
            assert len(keys) == len(set(keys))
            out = tmp_path / f"{p.stem}.xlsx"
            assert main(["whatif", str(p), "-o", str(out)]) == 0
            printed = capsys.readouterr().out
        capsys.readouterr()
        _print(what_if(whole, read_scenario(p)))
        assert printed == capsys.readouterr().out + _UNCHANGED, p.name
        assert out.stat().st_size > 0
        merged = pieces.what_if_by_pieces(store.reader(), read_scenario(p))
        assert sheets(merged) == sheets(what_if(whole, read_scenario(p))), p.name
        if bundle == DEMO_PATH:  # many pieces (the demo's duties are mostly national: every
            # piece holds them, as the path above it; the bound is checked on a bigger bundle)
            assert seen and all(n > 1 for n, _ in seen), seen
        seen.clear()
    assert changed >= 2


def test_a_national_whatif_on_bolt_holds_one_piece_at_a_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On a province of 30 counties (tests/bundles.py), a scenario repealing the basis every
    duty rests on and moving a county's duty to another county's department: the report
    by pieces is the whole graph's, and no piece's graph holds more than a county's duties
    and those above it (counted in the pieces' graphs, as read at the driver)."""
    from dutygraph.analysis.whatif import pieces

    from .bundles import big_bundle

    monkeypatch.setattr("dutygraph.store.neo4j_reader.PIECE_REGIONS", 4)
    bundle = big_bundle(tmp_path / "big", counties=30, items=10)
    scenario = tmp_path / "s.csv"
    scenario.write_text(
        "date,action,department,target,item,basis\n"
        "2026-01-01,transfer,D3,D4,I1,\n"
        "2026-02-01,repeal,,,,B1\n",
        encoding="utf-8",
    )
    store = _server_store("bolt")
    load(store, [bundle])
    store._cache = None  # type: ignore[attr-defined]
    whole = store.graph()
    s = read_scenario(scenario)
    want = json.loads(json.dumps(whatif_dict(what_if(whole, s))))
    assert want["counts"]["gaps_new"] >= 300 and want["counts"]["leads"] == 1
    monkeypatch.setattr(Neo4jStore, "graph", _refuse)
    got = pieces.what_if_by_pieces(store.reader(), s)
    assert json.loads(json.dumps(got.data)) == want
    assert got.pieces == 33 and got.largest <= 10 < len(whole.duties) // 10


def test_a_national_whatif_on_bolt_refuses_an_invalid_scenario_as_the_whole_graph(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A scenario the whole graph refuses (a transfer with no duty to move, an unknown
    department) is refused by pieces with the same located problems (checked once on the
    records the scenario touches)."""
    from dutygraph.cli.main import main

    scenario = tmp_path / "bad.csv"
    scenario.write_text(
        "date,action,department,target,item\n"
        "2026-01-01,transfer,JJ-SCJ,JJ-ZHZF,I-NO-SUCH\n"
        "2026-01-01,abolish,NO-SUCH-DEPT,,\n",
        encoding="utf-8",
    )
    store = _server_store("bolt")
    load(store, [DEMO_PATH])
    g = store.graph()
    store._cache = None  # type: ignore[attr-defined]
    from dutygraph.errors import ScenarioInvalid

    with pytest.raises(ScenarioInvalid) as whole:
        what_if(g, read_scenario(scenario))
    monkeypatch.setattr(Neo4jStore, "graph", _refuse)
    monkeypatch.setenv("DUTYGRAPH_STORE", store.url)
    capsys.readouterr()
    assert main(["whatif", str(scenario), "--json"]) != 0
    err = capsys.readouterr().err
    for problem in whole.value.problems:
        assert problem.message in err


#: a scenario of every kind --apply can write: a transfer, a rename, an abolition with a
#: successor, a merge into a new department, a replaced basis and a repealed act
_APPLY_ALL = (
    "date,action,department,target,name,item,region,basis,title,article\n"
    "2026-01-01,transfer,CD-ZJJ,CD-YJJ,,I-SELFBUILT,510100,,,\n"
    "2026-02-01,rename,JJ-SCJ,JJ-SCJ2,锦江区市场监管局,,,,,\n"
    "2026-03-01,abolish,JJ-YJJ,JJ-ZJJ,,,,,,\n"
    "2026-04-01,merge,SC-WJW;SC-SCJ,SC-NEW,四川省卫生与市场监管局,,,,,\n"
    "2026-05-01,replace,,,,,,B-FHL,新食品安全条例,\n"
    "2026-07-01,repeal,,,,,,城镇燃气管理条例,,\n"
)


def test_apply_on_bolt_reads_only_what_the_scenario_touches_and_stores_as_the_embedded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``whatif --apply`` on a Bolt store, with ``graph()`` and the whole-graph read inside
    the write refused, and with no region: the plan reads the records the scenario touches
    by key in the transaction; the store then holds what the embedded store holds after the
    same --apply (every record, by kind and id), and the log says the same."""
    from dutygraph.cli.main import main
    from dutygraph.graph import record_id
    from dutygraph.store import EmbeddedStore

    scenarios = [
        (tmp_path / "all.csv", DEMO_PATH),
        (SCENARIOS_PATH / "gas-regulation-repeal-2026.csv", DEMO_PATH),
        (SCENARIOS_PATH / "finance-reform-2023.toml", FINANCE_2022_PATH),
    ]
    scenarios[0][0].write_text(_APPLY_ALL, encoding="utf-8")

    def records(graph: Any) -> dict[tuple[str, str], Any]:
        return {(r.label, record_id(r)): r for r in graph.records()}

    def refuse_read(self: Neo4jStore, tx: Any) -> None:
        raise AssertionError("the whole graph was read inside the write")

    for n, (p, bundle) in enumerate(scenarios):
        embedded = EmbeddedStore(str(tmp_path / f"e{n}.db"))
        load(embedded, [bundle])
        store = _server_store("bolt")
        load(store, [bundle])
        store._cache = None  # type: ignore[attr-defined]
        with monkeypatch.context() as m:
            m.setenv("DUTYGRAPH_STORE", embedded.url)
            capsys.readouterr()
            assert main(["whatif", str(p), "--apply", "--json"]) == 0, p.name
            want = json.loads(capsys.readouterr().out)
        with monkeypatch.context() as m:
            m.setattr(Neo4jStore, "graph", _refuse)
            m.setattr(Neo4jStore, "_read_records", refuse_read)
            m.setenv("DUTYGRAPH_STORE", store.url)
            assert main(["whatif", str(p), "--apply", "--json"]) == 0, p.name
            got = json.loads(capsys.readouterr().out)
        assert got["applied"] == want["applied"] and got["applied"]["written"], p.name
        store._cache = None  # type: ignore[attr-defined]
        assert records(store.graph()) == records(embedded.graph()), p.name
        assert store.history()[-1]["written"] == embedded.history()[-1]["written"]
    # a change of an existing department's lines is refused on the records read by key, as
    # on the whole graph (the departments named as the embedded store names them)
    store = _server_store("bolt")
    load(store, [DEMO_PATH])
    store._cache = None  # type: ignore[attr-defined]
    with monkeypatch.context() as m:
        m.setattr(Neo4jStore, "graph", _refuse)
        m.setattr(Neo4jStore, "_read_records", refuse_read)
        m.setenv("DUTYGRAPH_STORE", store.url)
        capsys.readouterr()
        jinjiang = SCENARIOS_PATH / "jinjiang-enforcement-2026.toml"
        assert main(["whatif", str(jinjiang), "--apply", "--json"]) == 2
        err = capsys.readouterr().err
    assert "条线不分版本" in err and "JJ-WTL、JJ-ZJJ、JJ-YJJ、JJ-JXJ、JJ-SWJ" in err, err
