"""The fast paths over real HTTP: ``/api/*`` answers exactly the CLI's ``--json``, saved GraphQL
operations by name answer as ``/graphql`` does, and a write is seen by the next request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")

from dutygraph.api.app import create_app  # noqa: E402
from dutygraph.api.saved import default_queries_dir, load_saved  # noqa: E402
from dutygraph.fixtures import DEMO_PATH  # noqa: E402
from dutygraph.model import Duty  # noqa: E402
from dutygraph.store import ChangeSet, EmbeddedStore, Store  # noqa: E402

from .servers import serve_asgi  # noqa: E402
from .test_api_http import TOKENS, _remote  # noqa: E402

#: (CLI arguments, /api route, its query) for every question, on the demo data
QUESTIONS = [
    (["lead", "I-FOOD", "锦江区"], "lead", {"item": "I-FOOD", "region": "锦江区"}),
    (["assist", "I-SCRIPT", "510104"], "assist", {"item": "I-SCRIPT", "region": "510104"}),
    (["lead", "I-ECIG", "510104"], "lead", {"item": "I-ECIG", "region": "510104"}),
    (["gaps", "--region", "510107"], "gaps", {"region": "510107"}),
    (["gaps", "--kind", "NO_LEAD"], "gaps", {"kind": "NO_LEAD"}),
    (["conflicts"], "conflicts", {}),
    (["inspections", "--region", "510104"], "inspections", {"region": "510104"}),
    (
        [
            "assign",
            "--name",
            "剧本杀",
            "--description",
            "门店组织剧本推理游戏",
            "--region",
            "510104",
        ],
        "assign",
        {"name": "剧本杀", "description": "门店组织剧本推理游戏", "region": "510104"},
    ),
]
AS_OF = "2025-01-01"


@pytest.fixture
def served(cli: Any) -> Iterator[tuple[str, EmbeddedStore]]:
    """The demo data in the CLI's store file, served over HTTP."""
    cli("load", str(DEMO_PATH))
    store = EmbeddedStore(cli.store_path)
    with serve_asgi(create_app(store, tokens=TOKENS)) as url:
        yield url, store


def get(url: str, path: str, params: Any = None, status: int = 200) -> Any:
    r = httpx.get(f"{url}{path}", params=params, timeout=30)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def test_json_routes_answer_exactly_what_the_cli_prints(cli: Any, served: Any) -> None:
    url, _ = served
    for argv, route, params in QUESTIONS:
        want = cli(*argv, "--as-of", AS_OF, "--json")
        got = get(url, f"/api/{route}", {**params, "asOf": AS_OF})
        assert got == want, argv
        assert got, argv  # every question has an answer on the demo data
        if route in ("lead", "assist", "gaps", "conflicts"):  # the explorer wraps the same
            explorer = get(url, f"/explorer/{route}", {**params, "as_of": AS_OF})
            if route in ("lead", "assist"):
                assert explorer["answer"] == want
            else:
                assert [
                    {k: v for k, v in r.items() if k not in ("explain", "kind_zh")}
                    for r in explorer["rows"]
                ] == get(url, f"/api/{route}", {"region": params.get("region", ""), "asOf": AS_OF})


def _answers(resolution: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Who answers, how, and on what evidence: GraphQL gives nodes where the JSON gives ids."""

    def ident(x: Any) -> Any:  # a GraphQL node's own key is `key`, the JSON's `id`
        return x.get("key", x.get("id")) if isinstance(x, dict) else x

    return [
        (
            ident(a["department"]),
            a["inherited"],
            a["via"],
            list(a["lines"]),
            [
                (ident(e["department"]), e["source"], [b["title"] for b in e["bases"]])
                for e in a["evidence"]
            ],
        )
        for a in resolution["answers"]
    ]


def test_graphql_saved_operation_and_json_route_agree(served: Any) -> None:
    url, _ = served
    variables = {"item": "食品安全监督管理", "region": "锦江区", "asOf": "2025-06-01"}
    saved = get(url, "/graphql/saved/01-who-leads", variables)
    posted = httpx.post(
        f"{url}/graphql/saved/01-who-leads", json={"variables": variables}, timeout=30
    ).json()
    (text,) = [q.query for q in load_saved(default_queries_dir()) if q.name == "01-who-leads"]
    plain = httpx.post(f"{url}/graphql", json={"query": text, "variables": variables}, timeout=30)
    assert saved == posted == plain.json()
    assert "errors" not in saved
    route = get(
        url, "/api/lead", {"item": "食品安全监督管理", "region": "锦江区", "asOf": "2025-06-01"}
    )
    assert _answers(saved["data"]["whoLeads"]) == _answers(route)
    assert _answers(route)[0][0] == "JJ-SCJ"
    # a list variable from the query string is read as JSON
    gaps = get(
        url,
        "/graphql/saved/03-gaps-in-region",
        {"region": "510107", "asOf": AS_OF, "kinds": '["NO_LEAD"]'},
    )
    want = get(url, "/api/gaps", {"region": "510107", "asOf": AS_OF, "kind": "NO_LEAD"})
    assert [(n["item"]["key"], n["kind"]) for n in gaps["data"]["gaps"]["nodes"]] == [
        (x["item"], x["kind"]) for x in want
    ]


def test_bad_questions_say_what_in_chinese(served: Any) -> None:
    url, _ = served
    missing = get(url, "/api/lead", {"item": "I-FOOD"}, status=400)
    assert "需要事项和地区" in missing["error"]
    unknown = get(url, "/api/lead", {"item": "I-NOPE", "region": "510104"}, status=404)
    assert "I-NOPE" in unknown["error"]
    assert "日期" in get(url, "/api/gaps", {"asOf": "2025-13-01"}, status=400)["error"]
    assert "未知的类别" in get(url, "/api/gaps", {"kind": "NOPE"}, status=400)["error"]
    nosuch = get(url, "/graphql/saved/no-such-query", status=404)
    assert "01-who-leads" in nosuch["errors"][0]["message"]
    typo = get(url, "/graphql/saved/01-who-leads", {"itme": "I-FOOD"}, status=400)
    assert "itme" in typo["errors"][0]["message"]


def test_the_next_request_after_a_write_sees_it(served: Any) -> None:
    url, store = served
    q = {"item": "I-FOOD", "region": "510104", "asOf": "2025-06-01"}
    before = get(url, "/api/lead", q)
    assert [a["department"]["id"] for a in before["answers"]] == ["JJ-SCJ"]
    assert get(url, "/api/lead", q) == before  # asked again: the same answer

    def plan(g: Any) -> ChangeSet:
        duty = Duty("JJ-YJJ", "I-FOOD", "510104", "lead", source="test-write")
        return ChangeSet([duty], {"op": "test"})

    store.write(plan)  # another writer, as a second process would be
    after = get(url, "/api/lead", q)
    assert [a["department"]["id"] for a in after["answers"]] == ["JJ-YJJ"]
    assert after["answers"][0]["via"] == "explicit"


def test_json_routes_from_another_host_need_a_token(demo_store: Store) -> None:
    app = create_app(demo_store, tokens=TOKENS)
    path = "/api/lead?item=I-FOOD&region=510104&asOf=2025-06-01"
    r = _remote(app, "GET", path)
    assert r.status_code == 401 and "令牌" in r.json()["error"]
    ok = _remote(app, "GET", path, headers={"Authorization": "Bearer view-token-1234"})
    assert ok.status_code == 200 and ok.json()["answers"][0]["department"]["id"] == "JJ-SCJ"
    saved = _remote(app, "GET", "/graphql/saved/01-who-leads")
    assert saved.status_code == 401
    assert json.loads(ok.content) == ok.json()
