"""Disputes over GraphQL, against a real uvicorn server: coordinators decide, others may not."""

from __future__ import annotations

from typing import Any

from dutygraph import who_leads
from dutygraph.store import Store

from .test_api_http import TOKENS, post, server  # noqa: F401  (server is a fixture)

COORDINATOR = next(t for t, role in TOKENS.items() if role == "coordinator")
VIEWER = next(t for t, role in TOKENS.items() if role == "viewer")

FROM_CONFLICT = """mutation($item: String!, $region: String!, $asOf: String) {
  disputeFromConflict(item: $item, region: $region, asOf: $asOf) { id status parties { id } }
}"""
DECIDE = """mutation($id: String!) {
  decideDispute(id: $id, lead: "CD-ZJJ", assists: ["CD-YJJ"], decidedOn: "2025-03-01",
                decider: "成都市委编办", reasoning: "住建部门主管经营性自建房安全",
                rule: "三定规定") { id status decision }
}"""


def _data(out: dict[str, Any]) -> dict[str, Any]:
    assert not out.get("errors"), out.get("errors")
    return out["data"]


def test_a_coordinator_opens_and_decides_a_dispute(server: str, demo_store: Store) -> None:  # noqa: F811
    opened = _data(
        post(
            server,
            FROM_CONFLICT,
            {"item": "I-SELFBUILT", "region": "510100", "asOf": "2025-01-01"},
            token=COORDINATOR,
        )
    )["disputeFromConflict"]
    assert opened["status"] == "open"
    assert {p["id"] for p in opened["parties"]} == {"CD-ZJJ", "CD-YJJ"}
    route = _data(
        post(server, "query($id: String!) { disputeRoute(id: $id) }", {"id": opened["id"]})
    )["disputeRoute"]
    assert route  # the statutory route is computed for readers too
    decided = _data(post(server, DECIDE, {"id": opened["id"]}, token=COORDINATOR))["decideDispute"]
    assert decided["status"] == "decided" and decided["decision"]["rule"] == "三定规定"
    g = demo_store.graph()
    assert sorted(who_leads(g, "I-SELFBUILT", "510100", "2025-02-28").departments()) == [
        "CD-YJJ",
        "CD-ZJJ",
    ]
    assert who_leads(g, "I-SELFBUILT", "510100", "2025-03-01").departments() == ["CD-ZJJ"]
    history = _data(
        post(server, "query($id: String!) { disputeHistory(id: $id) }", {"id": opened["id"]})
    )["disputeHistory"]
    assert [e["op"] for e in history][-1] == "dispute.decide"
    assert all(e["by"].startswith("api:coordinator") for e in history)


def test_a_viewer_or_no_token_may_not_open_a_dispute(server: str, demo_store: Store) -> None:  # noqa: F811
    before = len(demo_store.graph().disputes)
    for token in (None, VIEWER):
        out = post(server, FROM_CONFLICT, {"item": "I-SELFBUILT", "region": "510100"}, token=token)
        assert out.get("errors") and "decide" in out["errors"][0]["message"]
    assert len(demo_store.graph().disputes) == before
