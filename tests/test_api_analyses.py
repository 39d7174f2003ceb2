"""Route, inspect and guide over GraphQL answer exactly as the commands' --json does."""

from __future__ import annotations

from dutygraph.analysis.guide import build_guide
from dutygraph.analysis.inspect import plan_inspection
from dutygraph.analysis.route import route_clue
from dutygraph.cli.guide import guide_dict
from dutygraph.cli.inspect import plan_dict
from dutygraph.cli.route import routing_dict
from dutygraph.store import Store

from .test_api_http import post, server  # noqa: F401  (server is a fixture)


def _data(out):
    assert not out.get("errors"), out.get("errors")
    return out["data"]


def test_route_inspect_and_guide_over_http(server: str, demo_store: Store) -> None:  # noqa: F811
    g = demo_store.graph()
    q = """query($text: String!, $obj: String!, $ind: String!) {
      routeClue(text: $text, region: "510104", asOf: "2025-10-01") {
        json matched items { key item { name } } leads { department { key } score } }
      inspectObject(object: $obj, region: "510104", asOf: "2025-10-01") {
        json lead { key } participants { department { key } items { key } }
        items { item { key } bases { key issuer inForce } } }
      industryGuide(industry: $ind, region: "510104", asOf: "2025-10-01") {
        json markdown departments { department { key }
          entries { item { key } role powerType bases { key issuer article } } } }
    }"""
    v = {"text": "超市销售过期的预包装食品", "obj": "加油站", "ind": "加油站"}
    data = _data(post(server, q, v))
    # the whole answer is the command's --json; the typed fields read the same answer
    routing = routing_dict(route_clue(g, v["text"], "510104", "2025-10-01"))
    route = data["routeClue"]
    assert route["json"] == routing
    assert [i["key"] for i in route["items"]] == [i["id"] for i in routing["items"]]
    assert route["items"][0]["item"]["name"] == g.items[routing["items"][0]["id"]].name
    assert [c["department"]["key"] for c in route["leads"]] == [
        c["department"]["id"] for c in routing["leads"]
    ]
    plan = plan_dict(plan_inspection(g, "加油站", "510104", "2025-10-01"))
    inspect = data["inspectObject"]
    assert inspect["json"] == plan and inspect["lead"]["key"] == plan["lead"]["id"]
    assert {p["department"]["key"] for p in inspect["participants"]} >= {"JJ-SCJ", "JJ-YJJ"}
    assert [[b["key"] for b in i["bases"]] for i in inspect["items"]] == [
        [b["id"] for b in i["bases"]] for i in plan["items"]
    ]
    want = guide_dict(build_guide(g, "加油站", "510104", "2025-10-01"))
    guide = data["industryGuide"]
    assert {k: guide["json"][k] for k in guide["json"] if k != "markdown"} == want
    assert "加油站" in guide["markdown"] == guide["json"]["markdown"]
    entries = [e for d in guide["departments"] for e in d["entries"]]
    want_entries = [e for d in want["departments"] for e in d["entries"]]
    assert [(e["item"]["key"], e["role"]) for e in entries] == [
        (e["item"], e["role"].upper()) for e in want_entries
    ]
    # the guide's bases carry their issuer (e.g. 国务院 for an administrative regulation)
    assert [b["issuer"] for e in entries for b in e["bases"]] == [
        b["issuer"] for e in want_entries for b in e["bases"]
    ] and any(b["issuer"] for e in entries for b in e["bases"])
