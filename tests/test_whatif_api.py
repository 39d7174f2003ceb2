"""``whatIf`` over GraphQL, on a real HTTP server: the same diff as ``dutygraph whatif --json``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")

from dutygraph.analysis.whatif import what_if  # noqa: E402
from dutygraph.analysis.whatif.report import whatif_dict  # noqa: E402
from dutygraph.api.app import create_app  # noqa: E402
from dutygraph.fixtures import DEMO_PATH, SCENARIOS_PATH  # noqa: E402
from dutygraph.importer import load  # noqa: E402
from dutygraph.io.scenario import read_scenario  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402

from .servers import serve_asgi  # noqa: E402

QUERY = """
query($s: ScenarioInput!, $region: String) {
  whatIf(scenario: $s, region: $region) {
    title asOf region
    counts { leads assists inspections lists }
    leads { item { id name } region { id } role before { id } after { id name } why }
    inspections { region { id } object change before after }
    lists { source file row change department item role }
    unversioned
    json
  }
}
"""


def _jinjiang_input() -> dict[str, Any]:
    s = read_scenario(SCENARIOS_PATH / "jinjiang-enforcement-2026.toml")
    changes = []
    for c in s.changes:
        change: dict[str, Any] = {"date": c.date, "action": c.action}
        for key, value in c.values.items():
            if key in ("date", "action"):
                continue
            change[key] = list(value) if isinstance(value, tuple) else value
        changes.append(change)
    return {"title": s.title, "changes": changes}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, EmbeddedStore]]:
    store = EmbeddedStore(tmp_path / "api.db")
    load(store, [DEMO_PATH])
    with serve_asgi(create_app(store)) as url:
        yield url, store


def _post(url: str, query: str, variables: Any) -> Any:
    r = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_what_if_over_http_is_the_cli_diff_and_writes_nothing(served):
    url, store = served
    digest = hashlib.sha256(Path(store.url).read_bytes()).hexdigest()
    out = _post(url, QUERY, {"s": _jinjiang_input()})
    assert "errors" not in out, out
    diff = out["data"]["whatIf"]
    assert diff["asOf"] == "2026-01-01" and diff["counts"] == {
        "leads": 8,
        "assists": 3,
        "inspections": 1,
        "lists": 1,
    }
    gas = next(x for x in diff["leads"] if x["item"]["id"] == "I-GAS" and x["role"] == "lead")
    assert gas["before"] == [{"id": "JJ-ZJJ"}]
    assert gas["after"] == [{"id": "JJ-ZHZF", "name": "锦江区综合行政执法局"}]
    assert diff["inspections"][0]["after"] == ["JJ-SCJ", "JJ-ZHZF"]
    assert diff["lists"] == [
        {
            "source": "jj-power-list",
            "file": "duties.csv",
            "row": 32,
            "change": "moved",
            "department": "JJ-ZJJ",
            "item": "I-SELFBUILT",
            "role": "territorial",
        }
    ]
    cli = whatif_dict(
        what_if(store.graph(), read_scenario(SCENARIOS_PATH / "jinjiang-enforcement-2026.toml"))
    )

    def strip(rows):  # the "why" names where the change was written: the file, or the request
        return [{k: v for k, v in r.items() if k != "why"} for r in rows]

    assert strip(diff["json"]["leads"]) == strip(cli["leads"])  # evidence on both sides
    assert diff["json"]["counts"] == cli["counts"]
    assert hashlib.sha256(Path(store.url).read_bytes()).hexdigest() == digest


def test_a_malformed_scenario_is_a_located_graphql_error(served):
    url, _ = served
    bad = {
        "changes": [
            {"date": "2026-01-01", "action": "合并", "department": ["JJ-ZJJ"], "target": "JJ-ZJJ"}
        ]
    }
    out = _post(url, QUERY, {"s": bad})
    assert out["data"] is None
    [err] = out["errors"]
    assert "request, row 1, column target" in err["message"] and "自己" in err["message"]
