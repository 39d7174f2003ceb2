"""The offline explorer in a real headless browser: it loads, runs a query, stays on 127.0.0.1.

Needs Debian's chromium (scripts/install-browser.sh) and Playwright for Python
(``pip install playwright``; never ``playwright install``). Skips without them,
except under ``CI=true``, where a missing browser fails the run.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest import need
from .servers import Visit, importable, serve_asgi

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def explorer_app(saved_queries: list[dict[str, Any]] | None = None) -> Any:
    """GraphiQL (offline) + a tiny schema at /graphql, the vendored assets at /static."""
    import strawberry
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles
    from strawberry.asgi import GraphQL

    from dutygraph.api.explorer import explorer_html, static_files

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self) -> str:
            return "你好, dutygraph"

        @strawberry.field
        def greet(self, region: str) -> str:
            return f"你好, {region}"

    page = explorer_html(static_prefix="/static", saved_queries=saved_queries)

    class OfflineGraphQL(GraphQL):
        async def render_graphql_ide(self, request: Request) -> Response:
            return HTMLResponse(page)

    graphql = OfflineGraphQL(strawberry.Schema(query=Query))
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Mount("/static", StaticFiles(directory=static_files()), name="static"),
        ]
    )


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    for module in ("starlette", "uvicorn"):
        need(importable(module), f"{module} is not installed (the api extra)")
    saved = [
        {
            "name": "hello",
            "title": "问候 · Hello",
            "query": "query Hello { hello }",
            "variables": None,
        },
        {
            "name": "greet",
            "title": "按地区问候 · Greet",
            "query": "query Greet($region: String!) { greet(region: $region) }",
            "variables": {"region": "锦江区"},
        },
    ]
    with serve_asgi(explorer_app(saved)) as url:
        yield url


def test_explorer_runs_a_query_offline(visit: Visit, base_url: str) -> None:
    # strawberry's page reads ?q= (a GET with ?query= executes the query instead)
    visit.page.goto(f"{base_url}/graphql?q=%7Bhello%7D", wait_until="load")
    assert "你好, dutygraph" in visit.run_query_and_read_result()
    assert visit.errors == []
    local = {urlsplit(u).path for u in visit.urls}
    assert "/static/vendor/graphiql/graphiql.min.js" in local
    assert "/static/vendor/@graphiql/plugin-explorer/dist/index.umd.js" in local
    assert visit.foreign() == []
    visit.screenshot("explorer.png")


def test_saved_query_link_loads_it_into_the_editor(visit: Visit, base_url: str) -> None:
    visit.open_saved_query(base_url, "Hello", "query Hello")
    assert "你好, dutygraph" in visit.run_query_and_read_result()
    assert visit.foreign() == []


def test_saved_query_link_carries_its_variables(visit: Visit, base_url: str) -> None:
    visit.open_saved_query(base_url, "Greet", "query Greet")
    assert "你好, 锦江区" in visit.run_query_and_read_result("你好, 锦江区")
    assert visit.errors == []
    assert visit.foreign() == []
    visit.screenshot("saved.png")


def test_get_with_query_parameter_executes_rather_than_showing_the_explorer(base_url: str) -> None:
    request = urllib.request.Request(
        f"{base_url}/graphql?query=%7Bhello%7D", headers={"Accept": "text/html"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read()) == {"data": {"hello": "你好, dutygraph"}}
