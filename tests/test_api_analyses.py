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
      routeClue(text: $text, region: "510104", asOf: "2025-10-01")
      inspectObject(object: $obj, region: "510104", asOf: "2025-10-01")
      industryGuide(industry: $ind, region: "510104", asOf: "2025-10-01")
    }"""
    v = {"text": "超市销售过期的预包装食品", "obj": "加油站", "ind": "加油站"}
    data = _data(post(server, q, v))
    assert data["routeClue"] == routing_dict(route_clue(g, v["text"], "510104", "2025-10-01"))
    plan = plan_dict(plan_inspection(g, "加油站", "510104", "2025-10-01"))
    assert data["inspectObject"] == plan
    assert {p["department"]["id"] for p in plan["participants"]} >= {"JJ-SCJ", "JJ-YJJ"}
    guide = data["industryGuide"]
    assert {k: guide[k] for k in guide if k != "markdown"} == guide_dict(
        build_guide(g, "加油站", "510104", "2025-10-01")
    )
    assert "加油站" in guide["markdown"]
