"""Every hot question answers the same over GraphQL (saved operations), the JSON routes and the
CLI — who assists, conflicts, joint inspections, a new business form — and a memoised answer
is the answer (``tests/test_api_json.py`` holds who-leads and gaps, and the routes to the CLI)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")

from dutygraph.analysis.resolve import who_leads  # noqa: E402
from dutygraph.fixtures import demo_graph  # noqa: E402
from dutygraph.questions import answer  # noqa: E402
from dutygraph.serialize import resolution_dict  # noqa: E402

from .test_api_json import get, served  # noqa: E402, F401


def saved(url: str, name: str, variables: dict[str, Any]) -> Any:
    """A saved operation by name (POSTed variables, as a client sends an input object): its
    data, no errors."""
    r = httpx.post(f"{url}/graphql/saved/{name}", json={"variables": variables}, timeout=30)
    assert r.status_code == 200, r.text
    out = r.json()
    assert "errors" not in out, out
    return out["data"]


def test_who_assists_over_graphql_the_route_and_the_cli(cli: Any, served: Any) -> None:  # noqa: F811
    url, _ = served
    q = {"item": "剧本娱乐经营场所监管", "region": "锦江区", "asOf": "2025-06-01"}
    gql = saved(url, "02-who-assists", q)["whoAssists"]
    route = get(url, "/api/assist", q)
    shell = cli("assist", q["item"], q["region"], "--as-of", q["asOf"], "--json")
    assert route == shell
    names = {d.id: d.name for d in demo_graph().departments.values()}

    def who(resolution: dict[str, Any], name: Any) -> list[tuple[Any, ...]]:
        return [
            (
                a["department"].get("key", a["department"].get("id")),
                a["inherited"],
                a["via"],
                list(a["lines"]),
                [
                    (name(e["department"]), e["role"].lower(), [b["title"] for b in e["bases"]])
                    for e in a["evidence"]
                ],
            )
            for a in resolution["answers"]
        ]

    assert who(gql, lambda d: d["name"]) == who(route, names.get) and route["answers"]
    assert [(f["kind"], f["detail"]) for f in gql["findings"]] == [
        (f["kind"], f["detail"]) for f in route["findings"]
    ]


def test_conflicts_over_graphql_the_route_and_the_cli(cli: Any, served: Any) -> None:  # noqa: F811
    url, _ = served
    q = {"region": "四川省", "asOf": "2025-01-01"}
    gql = saved(url, "04-conflicts", q)["conflicts"]
    route = get(url, "/api/conflicts", q)
    assert route == cli("conflicts", "--region", q["region"], "--as-of", q["asOf"], "--json")
    assert gql["totalCount"] == len(route) == len(gql["nodes"]) > 0
    assert [
        (n["kind"], n["item"]["key"], n["region"]["code"], [d["key"] for d in n["departments"]])
        for n in gql["nodes"]
    ] == [(c["kind"], c["item"], c["region"], c["departments"]) for c in route]
    assert [n["detail"] for n in gql["nodes"]] == [c["detail"] for c in route]


def test_joint_inspections_over_graphql_and_the_route(served: Any) -> None:  # noqa: F811
    url, _ = served
    q = {"region": "锦江区", "asOf": "2025-10-01"}
    gql = saved(url, "07-joint-inspections", q)["inspections"]
    route = get(url, "/api/inspections", q)
    assert gql["totalCount"] == len(route) > 0
    assert [
        (n["object"], [d["key"] for d in n["departments"]], [i["key"] for i in n["items"]])
        for n in gql["nodes"]
    ] == [(x["object"], x["departments"], x["items"]) for x in route]


def test_a_new_business_form_over_graphql_and_the_route(served: Any) -> None:  # noqa: F811
    url, _ = served
    form = {"name": "密室逃脱", "description": "沉浸式密室解谜娱乐场所", "region": "锦江区"}
    gql = saved(url, "05-assign-new-form", {"input": {**form, "asOf": "2025-01-01"}})
    gql = gql["assignBusinessForm"]
    route = get(url, "/api/assign", {**form, "asOf": "2025-01-01"})
    assert [(c["department"]["key"], c["score"], c["reasons"]) for c in gql["candidates"]] == [
        (c["department"]["id"], c["score"], c["reasons"]) for c in route["candidates"]
    ]
    assert route["candidates"]
    assert [(a["department"]["key"], a["score"]) for a in gql["assists"]] == [
        (a["department"]["id"], a["score"]) for a in route["assists"]
    ]


def test_a_memoised_who_leads_is_the_answer_asked_afresh() -> None:
    g = demo_graph()  # an immutable snapshot: its answers are memoised
    pairs = [
        (item, region) for item in g.items for region in ("510104", "510107", "510100", "510000")
    ]
    first = {p: who_leads(g, *p, "2025-06-01") for p in pairs}
    again = {p: who_leads(g, *p, "2025-06-01") for p in pairs}
    assert all(again[p] is first[p] for p in pairs)  # a look-up, not a second resolution
    fresh = demo_graph()  # another snapshot of the same data: nothing remembered yet
    for p in pairs:
        assert resolution_dict(g, again[p]) == answer(fresh, "lead", item=p[0], region=p[1],
                                                      as_of="2025-06-01")  # fmt: skip
    # another date is another question
    assert who_leads(g, *pairs[0], "2025-06-02") is not first[pairs[0]]
