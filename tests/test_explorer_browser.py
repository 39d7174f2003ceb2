"""The offline explorer in a real headless browser: it loads, runs a query, stays on 127.0.0.1.

Needs Debian's chromium (scripts/install-browser.sh) and Playwright for Python
(``pip install playwright``; never ``playwright install``). Skips without them,
except under ``CI=true``, where a missing browser fails the run.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.servers import serve_asgi

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
# from NOTES.md; Playwright adds --headless itself and gives every launch a fresh profile
# (it refuses --user-data-dir in launch(); that is what launch_persistent_context is for).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI") == "true"


def need(condition: bool, reason: str) -> None:
    """Skip when a part is missing — but fail under CI, where it must be there."""
    if not condition:
        if IN_CI:
            pytest.fail(f"{reason} (required under CI=true)")
        pytest.skip(reason)


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


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
def browser() -> Iterator[Any]:
    need(_importable("playwright.sync_api"), "Playwright for Python is not installed")
    need(Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run scripts/install-browser.sh")
    for module in ("starlette", "uvicorn"):
        need(_importable(module), f"{module} is not installed (the api extra)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    need(_importable("uvicorn"), "uvicorn is not installed (the api extra)")
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


class Visit:
    """A fresh page that records every URL it requests (HTTP and WebSocket)."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.urls: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.urls.append(request.url))
        self.page.on("websocket", lambda ws: self.urls.append(ws.url))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def foreign(self) -> list[str]:
        """Requested URLs that leave 127.0.0.1."""
        return [
            u
            for u in self.urls
            if not u.startswith("data:") and urlsplit(u).hostname != "127.0.0.1"
        ]

    def run_query_and_read_result(self, expected: str = "你好, dutygraph") -> str:
        self.page.locator(".graphiql-execute-button").click()
        result = self.page.locator(".result-window")
        result.get_by_text(expected).wait_for(timeout=15_000)
        return result.inner_text()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Visit]:
    v = Visit(browser)
    try:
        yield v
    finally:
        v.close()


def test_explorer_runs_a_query_offline(visit: Visit, base_url: str) -> None:
    # strawberry's page reads ?q= (a GET with ?query= executes the query instead)
    visit.page.goto(f"{base_url}/graphql?q=%7Bhello%7D", wait_until="load")
    assert "你好, dutygraph" in visit.run_query_and_read_result()
    assert visit.errors == []
    local = {urlsplit(u).path for u in visit.urls}
    assert "/static/vendor/graphiql/graphiql.min.js" in local
    assert "/static/vendor/@graphiql/plugin-explorer/dist/index.umd.js" in local
    assert visit.foreign() == []
    if os.environ.get("DUTYGRAPH_SCREENSHOTS"):
        out = Path(os.environ["DUTYGRAPH_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(out / "explorer.png"))


def test_saved_query_link_loads_it_into_the_editor(visit: Visit, base_url: str) -> None:
    visit.page.goto(f"{base_url}/graphql", wait_until="load")
    visit.page.locator(".graphiql-execute-button").wait_for()
    with visit.page.expect_navigation():
        visit.page.locator("#dutygraph-saved-queries a", has_text="Hello").click()
    visit.page.locator(".graphiql-query-editor", has_text="query Hello").wait_for()
    assert "你好, dutygraph" in visit.run_query_and_read_result()
    assert visit.foreign() == []


def test_saved_query_link_carries_its_variables(visit: Visit, base_url: str) -> None:
    visit.page.goto(f"{base_url}/graphql", wait_until="load")
    visit.page.locator(".graphiql-execute-button").wait_for()
    with visit.page.expect_navigation():
        visit.page.locator("#dutygraph-saved-queries a", has_text="Greet").click()
    visit.page.locator(".graphiql-query-editor", has_text="query Greet").wait_for()
    assert "你好, 锦江区" in visit.run_query_and_read_result("你好, 锦江区")
    assert visit.errors == []
    assert visit.foreign() == []
    if os.environ.get("DUTYGRAPH_SCREENSHOTS"):
        visit.page.screenshot(path=str(Path(os.environ["DUTYGRAPH_SCREENSHOTS"]) / "saved.png"))


def test_get_with_query_parameter_executes_rather_than_showing_the_explorer(base_url: str) -> None:
    request = urllib.request.Request(
        f"{base_url}/graphql?query=%7Bhello%7D", headers={"Accept": "text/html"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read()) == {"data": {"hello": "你好, dutygraph"}}
