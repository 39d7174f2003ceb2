"""The API over real HTTP (uvicorn on 127.0.0.1), its access rules, and ``dutygraph serve``."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")

from dutygraph import config  # noqa: E402
from dutygraph.api.app import LOOPBACK_HOSTS, create_app  # noqa: E402
from dutygraph.api.auth import load_tokens, parse_tokens  # noqa: E402
from dutygraph.api.schema import sdl  # noqa: E402
from dutygraph.errors import UsageError  # noqa: E402
from dutygraph.store import Store  # noqa: E402

from .conftest import ACCEPTANCE  # noqa: E402
from .servers import serve_asgi, serve_demo  # noqa: E402

TOKENS = {
    "view-token-1234": "viewer",
    "coord-token-1234": "coordinator",
    "load-token-1234": "loader",
}
WHO_LEADS = '{ whoLeads(item: "食品安全监督管理", region: "锦江区", asOf: "2025-06-01") { answers { department { key name } } } }'
LOAD = "mutation($path: String!) { loadBundle(path: $path) { added { kind count } } }"


@pytest.fixture
def server(demo_store: Store) -> Iterator[str]:
    # loadBundle reads only under the import folder: here, the one holding the acceptance bundle
    config.use(config.Settings().replace(import_folder=ACCEPTANCE.parent))
    try:
        with serve_asgi(create_app(demo_store, tokens=TOKENS)) as url:
            yield url
    finally:
        config.use(None)


def post(url: str, query: str, variables: Any = None, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_who_leads_over_http(server: str) -> None:
    out = post(server, WHO_LEADS)
    assert out == {
        "data": {
            "whoLeads": {
                "answers": [{"department": {"key": "JJ-SCJ", "name": "锦江区市场监督管理局"}}]
            }
        }
    }
    r = httpx.get(f"{server}/graphql", params={"query": WHO_LEADS}, timeout=30)
    assert r.json() == out


def test_unknown_region_over_http_is_a_graphql_error(server: str) -> None:
    out = post(server, '{ whoLeads(item: "I-FOOD", region: "不存在区") { role } }')
    assert out["data"] is None
    assert out["errors"][0]["message"].startswith("no region with id or name '不存在区'")


def test_explorer_page_loads_only_from_the_server(server: str) -> None:
    r = httpx.get(f"{server}/graphql", headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    page = r.text
    assert "unpkg" not in page
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert len(assets) == 7
    for path in assets:
        assert httpx.get(server + path, timeout=30).status_code == 200, path
    for title in (
        "Who leads an item in a region",
        "Gaps in a region",
        "Assign a new business form",
    ):
        assert title in page
    # it opens on the who-leads example with the demo values filled in
    assert 'query WhoLeads($item: String! = \\"' + json.dumps("食品安全监督管理")[1:-1] in page


def test_schema_endpoint_serves_the_sdl(server: str) -> None:
    assert httpx.get(f"{server}/schema.graphql", timeout=30).text == sdl()


def _count(store: Store) -> int:
    return sum(store.graph().counts().values())


def test_mutation_without_token_or_with_viewer_token_is_refused(
    server: str, demo_store: Store
) -> None:
    before = _count(demo_store)
    out = post(server, LOAD, {"path": str(ACCEPTANCE)})
    assert out["data"] is None
    assert out["errors"][0]["message"] == (
        "this needs a bearer token of a role that may load (loader); "
        "send 'Authorization: Bearer <token>'"
    )
    for token, role in (("view-token-1234", "viewer"), ("coord-token-1234", "coordinator")):
        out = post(server, LOAD, {"path": str(ACCEPTANCE)}, token=token)
        assert (
            out["errors"][0]["message"] == f"the {role} role may not load; it needs a loader token"
        )
    out = post(server, LOAD, {"path": str(ACCEPTANCE)}, token="wrong-token-9999")
    assert "needs a bearer token" in out["errors"][0]["message"]
    assert _count(demo_store) == before


def test_loader_token_imports_a_bundle(server: str, demo_store: Store) -> None:
    before = _count(demo_store)
    out = post(server, LOAD, {"path": str(ACCEPTANCE)}, token="load-token-1234")
    assert "errors" not in out, out
    added = {a["kind"]: a["count"] for a in out["data"]["loadBundle"]["added"]}
    assert added["duty"] > 0
    assert _count(demo_store) == before + sum(added.values())
    # and the next request reads the new snapshot
    lead = post(
        server,
        '{ whoLeads(item: "I-FOOD", region: "330106", asOf: "2025-06-01") { answers { department { key } } } }',
    )
    assert lead["data"]["whoLeads"]["answers"] == [{"department": {"key": "ZX-SCJ"}}]


def test_loading_a_bad_path_says_so(server: str) -> None:
    out = post(server, LOAD, {"path": "/nonexistent/bundle"}, token="load-token-1234")
    assert "/nonexistent/bundle" in out["errors"][0]["message"]


def test_load_bundle_reads_only_under_the_import_folder(server: str, demo_store: Store) -> None:
    """A loader token cannot make the server read a file outside its import folder."""
    before = _count(demo_store)
    for path in ("../../../etc/passwd", "/etc/passwd", f"{ACCEPTANCE.name}/../../.."):
        out = post(server, LOAD, {"path": path}, token="load-token-1234")
        message = out["errors"][0]["message"]
        assert "outside the import folder" in message and "root:" not in message, message
    config.use(config.Settings())  # no import folder: loading by path is refused outright
    out = post(server, LOAD, {"path": ACCEPTANCE.name}, token="load-token-1234")
    assert "no import folder is set" in out["errors"][0]["message"]
    assert _count(demo_store) == before


def test_mutations_are_not_allowed_over_get(server: str) -> None:
    r = httpx.get(
        f"{server}/graphql",
        params={"query": 'mutation { loadBundle(path: "x") { dryRun } }'},
        timeout=30,
    )
    assert r.status_code != 200 or "errors" in r.json()


# -- from another host --------------------------------------------------------------


def _remote(app: Any, method: str, path: str, **kw: Any) -> Any:
    """One request to the app as if from 10.1.2.3 (httpx's ASGI transport sets the client)."""

    async def go() -> Any:
        transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 40000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://dutygraph.internal"
        ) as c:
            return await c.request(method, path, **kw)

    return asyncio.run(go())


def test_reading_from_another_host_needs_a_token(demo_store: Store) -> None:
    app = create_app(demo_store, tokens=TOKENS)
    r = _remote(app, "POST", "/graphql", json={"query": WHO_LEADS})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert "needs a bearer token" in r.json()["errors"][0]["message"]
    r = _remote(
        app,
        "POST",
        "/graphql",
        json={"query": WHO_LEADS},
        headers={"Authorization": "Bearer view-token-1234"},
    )
    assert (
        r.status_code == 200
        and r.json()["data"]["whoLeads"]["answers"][0]["department"]["key"] == "JJ-SCJ"
    )
    page = _remote(app, "GET", "/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text  # the page holds no data


def test_loopback_server_refuses_foreign_host_headers(demo_store: Store) -> None:
    app = create_app(demo_store, allowed_hosts=LOOPBACK_HOSTS)
    with serve_asgi(app) as url:
        assert (
            httpx.post(f"{url}/graphql", json={"query": WHO_LEADS}, timeout=30).status_code == 200
        )
        r = httpx.post(
            f"{url}/graphql",
            json={"query": WHO_LEADS},
            headers={"Host": "evil.example"},
            timeout=30,
        )
        assert r.status_code == 400


# -- tokens --------------------------------------------------------------------------


def test_tokens_from_env_and_file(tmp_path: Path) -> None:
    f = tmp_path / "tokens"
    f.write_text("# staff\nfile-token-0001:coordinator\n\nfile-token-0002:loader  # data team\n")
    tokens = load_tokens(
        {"DUTYGRAPH_TOKENS_FILE": str(f), "DUTYGRAPH_TOKENS": "env-token-0001:viewer"}
    )
    assert tokens == {
        "file-token-0001": "coordinator",
        "file-token-0002": "loader",
        "env-token-0001": "viewer",
    }
    with pytest.raises(
        UsageError, match="unknown role 'admin'; use one of viewer, coordinator, loader"
    ):
        parse_tokens("long-enough-token:admin")
    with pytest.raises(UsageError, match="too easy to guess"):
        parse_tokens("abc:viewer")
    with pytest.raises(UsageError, match="cannot read it"):
        load_tokens({"DUTYGRAPH_TOKENS_FILE": str(tmp_path / "missing")})


# -- dutygraph serve -----------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYGRAPH_TOKENS")}
    return {**env, **extra}


def test_serve_refuses_a_public_address_without_tokens(cli: Any) -> None:
    proc = cli("serve", "--host", "0.0.0.0", check=False, env=_env())
    assert proc.returncode == 2
    assert "refusing to serve on 0.0.0.0 without tokens" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_serve_reports_bad_token_configuration(cli: Any) -> None:
    proc = cli("serve", check=False, env=_env(DUTYGRAPH_TOKENS="shorty:viewer"))
    assert proc.returncode == 2 and "too easy to guess" in proc.stderr


def test_serve_demo_prints_its_url_and_answers(tmp_path: Path) -> None:
    with serve_demo(tmp_path / "serve.db", _env()) as (lines, url):
        assert lines[0].startswith("loaded the demo data into"), lines
        r = httpx.post(url, json={"query": WHO_LEADS}, timeout=30)
        assert r.json()["data"]["whoLeads"]["answers"][0]["department"]["key"] == "JJ-SCJ"
