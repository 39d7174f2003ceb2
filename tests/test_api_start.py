"""``serve`` listens before strawberry is imported: the plain routes answer at once, and a
GraphQL request that comes before the schema is built waits for it and is answered (#17)."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")

from .servers import serve_demo  # noqa: E402

WHO_LEADS = (
    '{ whoLeads(item: "食品安全监督管理", region: "锦江区", asOf: "2025-06-01") '
    "{ answers { department { key } } } }"
)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("DUTYGRAPH_TOKENS")}


def test_what_serve_needs_to_listen_imports_no_strawberry() -> None:
    # a fresh interpreter: the command, the app with its plain routes, the token check
    code = (
        "import sys\n"
        "from dutygraph.cli.main import build_parser\n"
        "from dutygraph.cli import serve\n"
        "from dutygraph.api import app, routes, explorer_app, auth\n"
        "assert auth.role_of({'k3y-f0r-me': 'viewer'}, 'Bearer k3y-f0r-me') == 'viewer'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'strawberry'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    # and the permission mutations carry is still there, for the schema
    from dutygraph.api.auth import Allowed

    assert Allowed("decide").action == "decide"


def test_graphql_asked_as_soon_as_serve_listens_waits_and_answers(tmp_path: Path) -> None:
    with serve_demo(tmp_path / "serve.db", _env()) as (_, url):
        base = url.removesuffix("/graphql")

        def ask(what: str) -> Any:
            with httpx.Client(base_url=base, timeout=60) as c:
                if what == "graphql":
                    return c.post("/graphql", json={"query": WHO_LEADS})
                if what == "saved":
                    return c.get(
                        "/graphql/saved/01-who-leads",
                        params={"item": "I-FOOD", "region": "锦江区", "asOf": "2025-06-01"},
                    )
                if what == "sdl":
                    return c.get("/schema.graphql")
                if what == "page":
                    return c.get("/")
                return c.get(
                    "/api/lead", params={"item": "I-FOOD", "region": "锦江区", "asOf": "2025-06-01"}
                )

        kinds = ["graphql", "saved", "sdl", "page", "lead"]
        with ThreadPoolExecutor(len(kinds)) as pool:  # all at once, right after the listen
            got = dict(zip(kinds, pool.map(ask, kinds), strict=True))
        assert {k: r.status_code for k, r in got.items()} == dict.fromkeys(kinds, 200)
        graphql = got["graphql"].json()["data"]["whoLeads"]["answers"]
        assert [a["department"]["key"] for a in graphql] == ["JJ-SCJ"]
        assert "errors" not in got["saved"].json(), got["saved"].text
        assert "type Query" in got["sdl"].text
        assert [a["department"]["id"] for a in got["lead"].json()["answers"]] == ["JJ-SCJ"]
