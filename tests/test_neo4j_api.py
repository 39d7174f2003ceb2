"""The GraphQL API and ``/api/*`` on a Bolt store answer through the store's reader, never ``graph()``.

A server on the Neo4j store (``create_app`` over a real HTTP socket, the Bolt
test server behind it) must start and answer every root field of the schema
with ``Neo4jStore.graph`` made to fail, and give the same data as the same
schema over the store's snapshot (``graph()``, read before it was refused):
the saved operations of ``queries/``, the browse fields (item, region,
department, duty and basis lists, nodes by global id), the counts, the
analyses (route, inspect, guide, assign), the law corpus and what-if.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
pytest.importorskip("neo4j", reason="the Neo4j store needs the neo4j extra")
import httpx

from dutygraph import load
from dutygraph.api.app import create_app
from dutygraph.api.context import make_context
from dutygraph.api.nodes import global_id
from dutygraph.api.saved import load_saved
from dutygraph.api.schema import build_schema
from dutygraph.fixtures import DEMO_PATH
from dutygraph.questions import answer
from dutygraph.store.neo4j import Neo4jStore
from dutygraph.store.neo4j_reader import Neo4jReader

from .conftest import ROOT, _server_store
from .servers import serve_asgi

pytestmark = pytest.mark.neo4j

SCHEMA = build_schema()
SAVED = load_saved(ROOT / "queries")

#: one operation per root field (beside the saved ones), on the demo data
QUERIES: dict[str, str] = {
    "item": '{ item(id: "食品安全监督管理") { key name children { key } parent { key }'
    " duties(first: 5) { totalCount nodes { role department { key region { code } } } } } }",
    "items": '{ items(search: "食品", first: 4) { totalCount nodes { key name domain } } }',
    "itemsParent": '{ items(parent: "I-FOOD") { nodes { key } } }',
    "department": '{ department(id: "JJ-SCJ") { key name systems vertical active successor { key } superior { key } region { code parent { code } }'
    " duties(first: 3) { totalCount nodes { item { key } role bases { key title } } } } }",
    "departments": '{ departments(region: "510104", first: 10) { totalCount nodes { key name } } }',
    "departmentsLine": '{ departments(line: "market", includeInactive: true) { nodes { key } } }',
    "region": '{ region(code: "锦江区") { code name level parent { code } path { code }'
    " children { code } departments { key } } }",
    "regions": '{ regions(within: "510100") { totalCount nodes { code name level } } }',
    "regionsLevel": "{ regions(level: COUNTY, first: 3) { nodes { code } pageInfo { hasNextPage } } }",
    "duties": "{ duties(where: {role: {eq: LEAD}}, first: 7) { totalCount nodes { key item { key } } } }",
    "bases": "{ bases(first: 5) { totalCount nodes { key title article kind } } }",
    "disputes": "{ disputes { totalCount nodes { key status } } }",
    "nodes": "{ nodes(ids: ["
    + ", ".join(
        f'"{global_id(t, k)}"'
        for t, k in (("Department", "JJ-SCJ"), ("Item", "I-FOOD"), ("Region", "510104"))
    )
    + "]) { id ... on Department { key name } ... on Item { key } } }",
    "gapCounts": '{ gapCounts(asOf: "2025-01-01") { kind count } }',
    "gapCountsRegion": '{ gapCounts(region: "510100", asOf: "2025-01-01", by: [REGION]) { count } }',
    "conflictCounts": '{ conflictCounts(asOf: "2025-01-01", by: [KIND]) { kind count } }',
    "dutyCounts": "{ dutyCounts(by: [ROLE]) { role count } }",
    "gapsNational": '{ gaps(asOf: "2025-01-01") { totalCount nodes { kind item { key } region { code } } } }',
    "conflictsNational": '{ conflicts(asOf: "2025-01-01") { totalCount nodes { kind item { key } } } }',
    "inspectionsNational": '{ inspections(asOf: "2025-10-01") { totalCount nodes { object } } }',
    "analyses": '{ routeClue(text: "超市销售过期的预包装食品", region: "510104", asOf: "2025-10-01") { json }'
    ' inspectObject(object: "加油站", region: "510104", asOf: "2025-10-01") { json }'
    ' industryGuide(industry: "加油站", region: "510104", asOf: "2025-10-01") { json } }',
    "laws": "{ laws(first: 3) { totalCount nodes { title } } }",
    "law": '{ law(title: "中华人民共和国食品安全法") { title } }',
}


@pytest.fixture
def bolt_demo() -> Iterator[tuple[Neo4jStore, Any]]:
    store = _server_store("bolt")
    load(store, [DEMO_PATH])
    store._cache = None  # type: ignore[attr-defined]  # the writer's cache keeps file order
    yield store, store.graph()  # type: ignore[misc]


def _refuse(self: Neo4jStore) -> None:
    raise AssertionError("graph() was called while answering")


def _on(context: Any, query: str, variables: dict[str, Any] | None = None) -> Any:
    async def run() -> Any:
        return await SCHEMA.execute(query, variable_values=variables, context_value=context)

    return asyncio.run(run())


def test_every_root_field_answers_through_the_reader_as_the_snapshot_does(
    bolt_demo: tuple[Neo4jStore, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, g = bolt_demo
    monkeypatch.setattr(Neo4jStore, "graph", _refuse)
    ops = [(q.name, q.query, q.variables) for q in SAVED]
    ops += [(name, q, None) for name, q in QUERIES.items()]
    differ = []
    for name, query, variables in ops:
        want = _on(make_context(store, graph=g), query, variables)
        ctx = make_context(store)  # the store answers in its database: its reader
        assert isinstance(ctx.graph, Neo4jReader)
        got = _on(ctx, query, variables)
        assert want.errors is None, (name, want.errors)
        if got.errors or got.data != want.data:
            differ.append((name, got.errors or got.data, want.data))
    assert not differ, differ


def test_a_server_on_the_bolt_store_starts_and_answers_without_graph(
    bolt_demo: tuple[Neo4jStore, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``create_app`` over real HTTP: GraphQL, the saved operations, ``/api/*``, a write and
    the read after it, all with ``graph()`` refused; the same data as the snapshot's."""
    from .test_api_http import TOKENS
    from .test_api_json import AS_OF, QUESTIONS
    from .test_server_limits import DISPUTES, OPEN

    store, g = bolt_demo
    want = {q.name: _on(make_context(store, graph=g), q.query, q.variables).data for q in SAVED}
    monkeypatch.setattr(Neo4jStore, "graph", _refuse)
    app = create_app(store, tokens=TOKENS)
    with serve_asgi(app) as url:
        for q in SAVED:
            r = httpx.post(
                f"{url}/graphql", json={"query": q.query, "variables": q.variables}, timeout=60
            )
            assert r.status_code == 200 and r.json() == {"data": want[q.name]}, (q.name, r.text)
            r = httpx.post(
                f"{url}/graphql/saved/{q.name}", json={"variables": q.variables}, timeout=60
            )
            assert r.status_code == 200 and r.json() == {"data": want[q.name]}, (q.name, r.text)
        for _, view, params in QUESTIONS:
            kw = {("kinds" if k == "kind" else k): v for k, v in params.items()}
            if "kinds" in kw:
                kw["kinds"] = [kw["kinds"]]
            expected = answer(g, view, as_of=AS_OF, **kw)
            r = httpx.get(f"{url}/api/{view}", params={**params, "asOf": AS_OF}, timeout=60)
            assert r.status_code == 200, r.text
            assert r.json() == expected, view
        # a write through the server, and the next read sees it (no snapshot to swap in)
        opened = httpx.post(
            f"{url}/graphql",
            json={"query": OPEN},
            headers={"Authorization": "Bearer coord-token-1234"},
            timeout=60,
        ).json()
        assert "errors" not in opened, opened
        seen = httpx.post(f"{url}/graphql", json={"query": DISPUTES}, timeout=60).json()
        assert seen["data"]["disputes"]["totalCount"] == len(g.disputes) + 1
    assert app.state.snapshots.swaps == 0  # the whole graph was never read
