"""The GraphQL API as tools expect it: graphql-js validation, Relay nodes and paging, where, counts.

graphql-js (the reference implementation, run under Node) checks the schema
and every saved query; a Relay-style client pages both ways over a real HTTP
server, across a write; ``node(id:)``, a filtered and sorted ``items``,
``duties(where: {basis: {inForce: false}})`` and a group count are asked over
HTTP. graphql-js is found in ``$DUTYGRAPH_GRAPHQL_JS`` or
``~/.cache/dutygraph-graphql-js`` (``npm install --prefix DIR graphql@16``;
``scripts/test`` does it); without Node or graphql-js the check is skipped,
except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")

from dutygraph.api.app import create_app  # noqa: E402
from dutygraph.api.enums import SOURCES  # noqa: E402
from dutygraph.api.explorer_disputes import BOARD_QUERY, MUTATIONS  # noqa: E402
from dutygraph.api.nodes import NODE_TYPES, global_id  # noqa: E402
from dutygraph.api.saved import default_queries_dir, load_saved  # noqa: E402
from dutygraph.api.schema import sdl  # noqa: E402
from dutygraph.model import Dispute, Duty, Item  # noqa: E402
from dutygraph.store import ChangeSet, Store  # noqa: E402

from .servers import serve_asgi  # noqa: E402

HERE = Path(__file__).parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dutygraph-graphql-js"


def _graphql_js() -> Path:
    """The folder whose node_modules holds graphql-js; skip (fail under CI) without it."""
    folder = Path(os.environ.get("DUTYGRAPH_GRAPHQL_JS", CACHE))
    missing = None
    if shutil.which("node") is None:
        missing = "node is not on PATH"
    elif not (folder / "node_modules" / "graphql" / "package.json").is_file():
        missing = (
            f"graphql-js is not installed in {folder} (npm install --prefix {folder} graphql@16)"
        )
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    return folder


def graphql_js(schema_sdl: str, operations: dict[str, str]) -> dict[str, Any]:
    """graphql-js's verdict on a schema and operations (tests/graphql_js/validate.mjs)."""
    folder = _graphql_js()
    payload = {
        "sdl": schema_sdl,
        "operations": [{"name": n, "query": q} for n, q in operations.items()],
    }
    done = subprocess.run(
        ["node", str(HERE / "graphql_js" / "validate.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env={**os.environ, "GRAPHQL_JS_DIR": str(folder)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_graphql_js_accepts_the_schema_and_every_saved_query() -> None:
    operations = {q.name: q.query for q in load_saved(default_queries_dir())}
    operations["explorer: disputes board"] = BOARD_QUERY
    operations.update({f"explorer: {name}": q for name, q in MUTATIONS.items()})
    operations["a typo"] = "{ items { nodes { key nmae } } }"
    out = graphql_js(sdl(), operations)
    assert out["version"].startswith("16.")
    assert out["schemaErrors"] == []
    assert len(operations) >= 7 + 1 + len(MUTATIONS) + 1
    typo = out["operations"].pop("a typo")
    assert typo and "nmae" in typo[0]  # graphql-js really validates against this schema
    assert out["operations"] == {name: [] for name in operations if name != "a typo"}


def test_the_enums_list_the_models_words() -> None:
    for enum_cls, words in SOURCES:
        assert tuple(m.value for m in enum_cls) == words, enum_cls.__name__


# -- over HTTP ------------------------------------------------------------------------


@pytest.fixture
def api(demo_store: Store) -> Iterator[str]:
    with serve_asgi(create_app(demo_store)) as url:
        yield url


def ask(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    r = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def data(url: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    out = ask(url, query, variables)
    assert "errors" not in out, out["errors"]
    return out["data"]


def codes(out: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in out.get("errors", [])]


PAGE = """query($first: Int, $after: String, $last: Int, $before: String) {
  items(first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id key } } } }"""


def settled(ask_: Any, holds: Any, seconds: float = 30.0) -> Any:
    """``ask_()`` again until ``holds`` its answer: the server swaps in another process's
    write in the background (never on a request), so a write made beside it shows a moment
    later, not at once."""
    deadline = time.monotonic() + seconds
    while True:
        answer = ask_()
        if holds(answer) or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def test_a_relay_client_pages_both_ways_and_a_write_does_not_shift_the_next_page(
    api: str, demo_store: Store
) -> None:
    want = sorted(demo_store.graph().items)
    forward: list[str] = []
    after = None
    while True:
        page = data(api, PAGE, {"first": 4, "after": after})["items"]
        forward += [e["node"]["key"] for e in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert forward == want
    backward: list[str] = []
    before = None
    while True:
        page = data(api, PAGE, {"last": 4, "before": before})["items"]
        backward = [e["node"]["key"] for e in page["edges"]] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backward == want
    # a page, then a write that adds an item before its end: the next page goes on after it
    first = data(api, PAGE, {"first": 3})["items"]
    seen = [e["node"]["key"] for e in first["edges"]]
    demo_store.write(lambda g: ChangeSet([Item("I-AAA", "新加的事项")], {"op": "test"}))
    nxt = settled(
        lambda: data(api, PAGE, {"first": 3, "after": first["pageInfo"]["endCursor"]})["items"],
        lambda page: page["totalCount"] == len(want) + 1,
    )
    assert nxt["totalCount"] == len(want) + 1  # the server sees the write
    assert [e["node"]["key"] for e in nxt["edges"]] == want[3:6]
    # root duties (their order is kept per snapshot): a new duty is seen, the next page holds
    duties_q = "query($after: String) { duties(first: 5, after: $after) { totalCount pageInfo { endCursor } nodes { key } } }"
    before_write = data(api, duties_q)["duties"]
    all_keys = sorted(demo_store.graph().duties)
    demo_store.write(
        lambda g: ChangeSet([Duty("JJ-SCJ", "I-AAA", "510104", "lead", source="t")], {"op": "t"})
    )
    after_write = settled(
        lambda: data(api, duties_q, {"after": before_write["pageInfo"]["endCursor"]})["duties"],
        lambda page: page["totalCount"] == before_write["totalCount"] + 1,
    )
    assert after_write["totalCount"] == before_write["totalCount"] + 1
    assert [n["key"] for n in after_write["nodes"]] == [
        k for k in sorted(demo_store.graph().duties) if k > all_keys[4]
    ][:5]
    # a global id stays the same and refetches the node
    gid = first["edges"][0]["node"]["id"]
    assert data(api, "query($id: ID!) { node(id: $id) { id ... on Item { key } } }", {"id": gid})[
        "node"
    ] == {"id": gid, "key": seen[0]}


def test_node_answers_a_region_and_every_node_type_refetches(api: str, demo_store: Store) -> None:
    region = data(api, '{ region(code: "锦江区") { id code } }')["region"]
    assert data(
        api, "query($id: ID!) { node(id: $id) { __typename ... on Region { name } } }", region
    )["node"] == {"__typename": "Region", "name": "锦江区"}
    dispute = Dispute("D-TEST", ("JJ-SCJ", "JJ-WJJ"), "I-FOOD", "510104", "2025-01-02")
    demo_store.write(lambda g: ChangeSet([dispute], {"op": "test"}))
    dispute_id = {"id": global_id("Dispute", "D-TEST")}
    settled(lambda: data(api, "query($id: ID!) { node(id: $id) { id } }", dispute_id)["node"], bool)
    g = demo_store.graph()
    book = g.lawbook()
    law = next(iter(sorted(g.laws)))
    version = book.versions_of(law)[0].id
    keys = {
        "Region": "510104",
        "Department": "JJ-SCJ",
        "Item": "I-FOOD",
        "Duty": sorted(g.duties)[0],
        "LegalBasis": "B-FSL-6",
        "Dispute": "D-TEST",
        "Law": law,
        "LawVersion": version,
        "Article": book.articles_of(version)[0].id,
    }
    assert set(keys) == set(NODE_TYPES)  # every node type is tried
    ids = [global_id(t, k) for t, k in keys.items()]
    found = data(api, "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": ids})
    assert [(n["__typename"], n["id"]) for n in found["nodes"]] == list(zip(keys, ids, strict=True))
    gone = data(api, "query($id: ID!) { node(id: $id) { id } }", {"id": global_id("Item", "I-NO")})
    assert gone == {"node": None}
    bad = ask(api, '{ node(id: "not-a-global-id") { id } }')
    message = bad["errors"][0]["message"]
    assert codes(bad) == ["BAD_INPUT"]
    chinese, english = message.index("不是本接口的全局编号"), message.index("is not a global id")
    assert chinese < english  # Chinese first, the English after


def test_where_sort_and_counts_over_http(api: str, demo_store: Store) -> None:
    g = demo_store.graph()
    items = data(
        api,
        """{ items(where: {OR: [{powerType: {eq: INSPECTION}}, {name: {contains: "食品"}}],
                          NOT: {key: {eq: "I-FOOD"}}},
                   sort: [{powerType: ASC}, {name: DESC}]) { nodes { key powerType } } }""",
    )["items"]["nodes"]
    want = [
        i
        for i in g.items.values()
        if (i.power_type == "行政检查" or "食品" in i.name) and i.id != "I-FOOD"
    ]
    want.sort(key=lambda i: i.name, reverse=True)
    want.sort(key=lambda i: i.power_type or "")
    assert [n["key"] for n in items] == [i.id for i in want] and len(want) >= 3

    day = "2025-06-01"
    lapsed = data(
        api,
        '{ duties(where: {basis: {inForce: false}}, asOf: "2025-06-01") { totalCount nodes { key } } }',
    )["duties"]
    expected = sorted(
        d.id
        for d in g.duties.values()
        if any(not g.bases[b].in_force(day) for b in d.bases if b in g.bases)
    )
    assert [n["key"] for n in lapsed["nodes"]] == expected and lapsed["totalCount"] >= 1
    # NOT and a date: the duties of in-force bases only, starting after 2020
    recent = data(
        api,
        """{ duties(where: {NOT: {basis: {inForce: false}}, validFrom: {gt: "2020-01-01"}},
                    asOf: "2025-06-01", sort: [{validFrom: DESC}]) { nodes { key validFrom } } }""",
    )["duties"]["nodes"]
    assert recent and all(
        n["validFrom"] > "2020-01-01" and n["key"] not in expected for n in recent
    )
    assert [n["validFrom"] for n in recent] == sorted(
        (n["validFrom"] for n in recent), reverse=True
    )

    # a filter on a related record's field: departments of county governments, one line
    deps = data(
        api,
        """{ departments(where: {region: {level: {eq: COUNTY}}, line: {eq: "market-regulation"}},
                         asOf: "2025-06-01") { nodes { key } } }""",
    )["departments"]["nodes"]
    assert [n["key"] for n in deps] == sorted(
        d.id
        for d in g.departments.values()
        if d.active(day)
        and g.regions[d.region].level == "county"
        and "market-regulation" in d.systems
    ) and len(deps) >= 2

    counts = data(
        api, '{ gapCounts(asOf: "2025-01-01", by: [KIND]) { kind region { code } count } }'
    )
    gaps = data(api, '{ gaps(asOf: "2025-01-01", first: 500) { totalCount nodes { kind } } }')[
        "gaps"
    ]
    by_kind: dict[str, int] = {}
    for n in gaps["nodes"]:
        by_kind[n["kind"]] = by_kind.get(n["kind"], 0) + 1
    assert {c["kind"]: c["count"] for c in counts["gapCounts"]} == by_kind
    assert all(c["region"] is None for c in counts["gapCounts"])
    assert [c["count"] for c in counts["gapCounts"]] == sorted(by_kind.values(), reverse=True)
    duty_counts = data(
        api, "{ dutyCounts(by: [DEPARTMENT, ROLE]) { department { key } role count } }"
    )
    assert sum(c["count"] for c in duty_counts["dutyCounts"]) == len(g.duties)


def test_every_error_carries_a_code(api: str, demo_store: Store) -> None:
    assert codes(ask(api, '{ item(id: "I-NOPE") { key } }')) == ["NOT_FOUND"]
    bad_date = ask(
        api, '{ whoLeads(item: "I-FOOD", region: "锦江区", asOf: "2025-02-30") { role } }'
    )
    assert codes(bad_date) == ["BAD_INPUT"] and "2025-02-30" in bad_date["errors"][0]["message"]
    variable = ask(
        api,
        'query($d: Date) { disputeRoute(id: "x", asOf: $d) }',
        {"d": "2025-13-01"},
    )
    assert codes(variable) == ["BAD_INPUT"]
    assert codes(ask(api, "{ gaps(kinds: [NOPE]) { totalCount } }")) == ["BAD_INPUT"]
    assert codes(ask(api, "{ items(first: 100000) { totalCount } }")) == ["BAD_INPUT"]
    mutation = 'mutation { withdrawDispute(id: "D-1") { status } }'
    assert codes(ask(api, mutation)) == ["UNAUTHENTICATED"]
    # a second item of the same name: asking by that name is ambiguous
    demo_store.write(lambda g: ChangeSet([Item("I-FOOD-2", "食品安全监督管理")], {"op": "test"}))
    ambiguous = settled(
        lambda: ask(api, '{ item(id: "食品安全监督管理") { key } }'), lambda a: codes(a) != []
    )
    assert codes(ambiguous) == ["AMBIGUOUS"] and "I-FOOD-2" in ambiguous["errors"][0]["message"]
