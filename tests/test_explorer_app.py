"""The explorer's JSON routes and the board's GraphQL operations, over real HTTP (no browser).

The disputes board reads ``/explorer/disputes`` and tells a coordinator's token
from a viewer's; its forms send the operations of
:mod:`dutygraph.api.explorer_disputes`, which must stay valid against the
schema (a schema change that breaks the board fails here without a browser).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.store import EmbeddedStore

from .conftest import need
from .servers import importable, serve_asgi

COORDINATOR = "coord-token-for-tests"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for module in ("strawberry", "starlette", "uvicorn"):
        need(importable(module), f"{module} is not installed (the api extra)")
    from dutygraph.api.app import create_app

    store = EmbeddedStore(tmp_path_factory.mktemp("explorer-app") / "demo.db")
    load(store, [DEMO_PATH])
    with serve_asgi(create_app(store, tokens={COORDINATOR: "coordinator"})) as url:
        yield url
    store.close()


def get(url: str, token: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_board_names_the_callers_role(base: str) -> None:
    status, anonymous = get(f"{base}/explorer/disputes?as_of=2025-06-01")
    assert status == 200 and anonymous["role"] is None and anonymous["may_decide"] is False
    status, coordinator = get(f"{base}/explorer/disputes?as_of=2025-06-01", COORDINATOR)
    assert coordinator["role"] == "coordinator" and coordinator["may_decide"] is True
    # the demo records no dispute; its two lead conflicts could become one each
    assert coordinator["disputes"] == []
    assert {(c["item"], c["region"]) for c in coordinator["conflicts"]} == {
        ("I-MEDBEAUTY", "510000"),
        ("I-SELFBUILT", "510100"),
    }
    names = coordinator["names"]
    for c in coordinator["conflicts"]:  # told in Chinese, ids beside the names
        assert c["explain"].startswith(f"{names[c['region']]} ({c['region']}) 的{names[c['item']]}")


def test_the_board_of_an_unknown_region_is_a_chinese_404(base: str) -> None:
    status, body = get(f"{base}/explorer/disputes?region=NOWHERE")
    assert status == 404 and "NOWHERE" in body["error"]


@pytest.mark.parametrize(
    "name", ["board", "open", "from_conflict", "coordinate", "withdraw", "decide"]
)
def test_the_boards_operations_are_valid_against_the_schema(name: str) -> None:
    # a schema change that breaks the board fails here too, without a browser
    need(importable("strawberry"), "strawberry is not installed (the api extra)")
    from graphql import parse, validate

    from dutygraph.api.explorer_disputes import BOARD_QUERY, MUTATIONS
    from dutygraph.api.schema import build_schema

    doc = BOARD_QUERY if name == "board" else MUTATIONS[name]
    assert validate(build_schema()._schema, parse(doc)) == []
