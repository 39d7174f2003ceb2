"""The dutygraph explorer on the demo data, in a real headless Chromium, offline.

A person opens ``dutygraph serve --demo``'s page, clicks a saved example,
runs it, and reads who leads — without typing a query, and without the page
fetching anything from outside 127.0.0.1. Needs Debian's chromium and
Playwright (skips without them, fails under ``CI=true``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.store import EmbeddedStore

from .conftest import need
from .servers import Visit, importable, serve_asgi

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for module in ("strawberry", "starlette", "uvicorn"):
        need(importable(module), f"{module} is not installed (the api extra)")
    from dutygraph.api.app import create_app

    store = EmbeddedStore(tmp_path_factory.mktemp("explorer") / "demo.db")
    load(store, [DEMO_PATH])
    with serve_asgi(create_app(store)) as url:
        yield url


def test_a_saved_query_answers_who_leads_in_one_click(visit: Visit, demo_url: str) -> None:
    visit.open_saved_query(demo_url, "Who leads an item in a region", "query WhoLeads")
    text = visit.run_query_and_read_result("锦江区市场监督管理局")
    assert '"key": "JJ-SCJ"' in text and '"inherited": true' in text
    assert visit.errors == []
    assert visit.foreign() == []
    visit.screenshot("explorer-who-leads.png")


def test_the_page_opens_on_a_query_that_runs_as_is(visit: Visit, demo_url: str) -> None:
    visit.page.goto(f"{demo_url}/graphql", wait_until="load")
    visit.page.locator(".graphiql-query-editor", has_text="query WhoLeads").wait_for()
    assert "锦江区市场监督管理局" in visit.run_query_and_read_result("锦江区市场监督管理局")
    assert visit.foreign() == []


def test_saved_gaps_query_lists_the_gaps(visit: Visit, demo_url: str) -> None:
    visit.open_saved_query(demo_url, "Gaps in a region", "query GapsInRegion")
    text = visit.run_query_and_read_result("LEAD_ABOLISHED")
    # the result pane renders only its visible lines: check the head of the answer
    assert "武侯区" in text and '"totalCount": 5' in text
    assert visit.errors == [] and visit.foreign() == []
