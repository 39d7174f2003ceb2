"""Disputes over GraphQL, against a real uvicorn server: coordinators decide, others may not."""

from __future__ import annotations

from typing import Any

import pytest

from dutygraph import who_leads
from dutygraph.analysis import disputes as dsp
from dutygraph.api.app import create_app
from dutygraph.api.auth import load_tokens, parse_tokens, person_of
from dutygraph.errors import UsageError
from dutygraph.store import Store

from .servers import serve_asgi
from .test_api_http import TOKENS, post, server  # noqa: F401  (server is a fixture)

COORDINATOR = next(t for t, role in TOKENS.items() if role == "coordinator")
VIEWER = next(t for t, role in TOKENS.items() if role == "viewer")

FROM_CONFLICT = """mutation($item: String!, $region: String!, $asOf: Date) {
  disputeFromConflict(item: $item, region: $region, asOf: $asOf) { key status parties { key } }
}"""
DECIDE = """mutation($id: String!) {
  decideDispute(id: $id, lead: "CD-ZJJ", assists: ["CD-YJJ"], decidedOn: "2025-03-01",
                decider: "成都市委编办", reasoning: "住建部门主管经营性自建房安全",
                rule: "三定规定") { key status decision }
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
    assert opened["status"] == "OPEN"
    assert {p["key"] for p in opened["parties"]} == {"CD-ZJJ", "CD-YJJ"}
    route = _data(
        post(
            server,
            "query($id: String!) { disputeRoute(id: $id) { json steps { rule } parties { key } } }",
            {"id": opened["key"]},
        )
    )["disputeRoute"]
    assert route["json"] == dsp.route(demo_store.graph(), opened["key"], None)  # readers too
    assert route["steps"] and {p["key"] for p in route["parties"]} == {"CD-ZJJ", "CD-YJJ"}
    decided = _data(post(server, DECIDE, {"id": opened["key"]}, token=COORDINATOR))["decideDispute"]
    assert decided["status"] == "DECIDED" and decided["decision"]["rule"] == "三定规定"
    g = demo_store.graph()
    assert who_leads(g, "I-SELFBUILT", "510100", "2025-02-28").departments() == [
        "CD-YJJ",
        "CD-ZJJ",
    ]
    assert who_leads(g, "I-SELFBUILT", "510100", "2025-03-01").departments() == ["CD-ZJJ"]
    history = _data(
        post(
            server,
            "query($id: String!) { disputeHistory(id: $id) { op by status json } }",
            {"id": opened["key"]},
        )
    )["disputeHistory"]
    assert [e["op"] for e in history][-1] == "dispute.decide"
    assert [e["json"] for e in history] == dsp.dispute_history(demo_store, opened["key"])
    assert all(e["by"].startswith("api:coordinator") for e in history)


def test_a_viewer_or_no_token_may_not_open_a_dispute(server: str, demo_store: Store) -> None:  # noqa: F811
    before = len(demo_store.graph().disputes)
    for token, code in ((None, "UNAUTHENTICATED"), (VIEWER, "FORBIDDEN")):
        out = post(server, FROM_CONFLICT, {"item": "I-SELFBUILT", "region": "510100"}, token=token)
        assert out.get("errors") and "decide" in out["errors"][0]["message"]
        assert out["errors"][0]["extensions"]["code"] == code
    assert len(demo_store.graph().disputes) == before


def test_a_token_that_names_a_person_puts_the_name_in_the_history(demo_store: Store) -> None:
    tokens = parse_tokens("wang-fang-token-1234:coordinator:王芳, anon-coord-1234:coordinator")
    with serve_asgi(create_app(demo_store, tokens=tokens)) as url:
        opened = _data(
            post(
                url,
                FROM_CONFLICT,
                {"item": "I-SELFBUILT", "region": "510100", "asOf": "2025-01-01"},
                token="wang-fang-token-1234",
            )
        )["disputeFromConflict"]
        coordinate = (
            'mutation($id: String!) { coordinateDispute(id: $id, by: "电话会商") { status } }'
        )
        _data(post(url, coordinate, {"id": opened["key"]}, token="anon-coord-1234"))
        history = _data(
            post(
                url,
                "query($id: String!) { disputeHistory(id: $id) { op by status json } }",
                {"id": opened["key"]},
            )
        )["disputeHistory"]
    # the history is the store's audit log, read back
    assert [e["by"] for e in history] == ["王芳", "api:coordinator (电话会商)"]


def test_a_tokens_file_names_people_and_a_bad_line_says_where(tmp_path: Any) -> None:
    path = tmp_path / "tokens"
    path.write_text(
        "# 协调员\nwang-fang-token-1234:coordinator:王芳\nplain-view-5678:viewer\n",
        encoding="utf-8",
    )
    tokens = load_tokens({"DUTYGRAPH_TOKENS_FILE": str(path)})
    assert {t: (r, person_of(r)) for t, r in tokens.items()} == {
        "wang-fang-token-1234": ("coordinator", "王芳"),
        "plain-view-5678": ("viewer", None),
    }
    path.write_text("ok-token-12345:viewer\nshort:coordinator:李四\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"tokens, line 2: a token of 5 characters"):
        load_tokens({"DUTYGRAPH_TOKENS_FILE": str(path)})
