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


def test_the_api_whatif_on_bolt_needs_a_region_and_then_reads_only_it(
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
    national = ask(store.reader(), None)
    assert national.errors and national.errors[0].message.startswith(
        "whatIf 在此存储上需要给出地区"
    )
    assert national.errors[0].extensions["code"] == "BAD_INPUT"


def test_a_national_whatif_on_bolt_reads_the_whole_graph_only_while_the_store_is_small(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``dutygraph whatif`` with no ``--region`` compares every region on the whole graph:
    on a Bolt store holding more duties than ``WHOLE_LIMIT`` it is refused (graph() never
    called), the error naming the store, its duties and ``--region``; under the limit it
    answers as :func:`what_if` on the snapshot."""
    from dutygraph.analysis.whatif import scope
    from dutygraph.cli.main import main

    p = SCENARIOS_PATH / "jinjiang-enforcement-2026.toml"
    store = _server_store("bolt")
    load(store, [DEMO_PATH])
    store._cache = None  # type: ignore[attr-defined]
    g = store.graph()
    want = json.loads(json.dumps(whatif_dict(what_if(g, read_scenario(p)))))
    monkeypatch.setenv("DUTYGRAPH_STORE", store.url)
    capsys.readouterr()
    assert main(["whatif", str(p), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == want
    monkeypatch.setattr(scope, "WHOLE_LIMIT", len(g.duties) - 1)
    monkeypatch.setattr(Neo4jStore, "graph", _refuse)
    assert main(["whatif", str(p), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dutygraph: error: whatif 不加 --region 时"), err
    assert store.url in err and f"{len(g.duties):,} 条职责" in err and "--region REGION" in err
    assert main(["whatif", str(p), "--region", "510104", "--json"]) == 0  # a region: read
