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


# -- the scenario as an uploaded file (GraphQL multipart request) ------------------------------

FILE_QUERY = """
query($f: Upload!, $region: String) {
  whatIf(file: $f, region: $region) { title asOf counts { leads assists inspections lists } json }
}
"""


def _upload(url: str, name: str, data: bytes, variables: Any = None) -> Any:
    """A GraphQL multipart request (the spec strawberry follows): operations, map, the file."""
    import json

    operations = {"query": FILE_QUERY, "variables": {"f": None, **(variables or {})}}
    r = httpx.post(
        f"{url}/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": (name, data, "application/octet-stream")},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_an_uploaded_scenario_file_answers_as_the_input_does(served):
    url, store = served
    digest = hashlib.sha256(Path(store.url).read_bytes()).hexdigest()
    path = SCENARIOS_PATH / "jinjiang-enforcement-2026.toml"
    out = _upload(url, path.name, path.read_bytes())
    assert "errors" not in out, out
    by_file = out["data"]["whatIf"]
    by_input = _post(url, QUERY, {"s": _jinjiang_input()})["data"]["whatIf"]
    assert (
        by_file["counts"]
        == by_input["counts"]
        == {
            "leads": 8,
            "assists": 3,
            "inspections": 1,
            "lists": 1,
        }
    )
    assert by_file["title"] == by_input["title"] and by_file["asOf"] == "2026-01-01"
    assert by_file["json"]["scenario"]["source"] == path.name  # the upload's name, no temp path
    assert by_file["json"]["leads"][0]["why"][1].endswith(f"（{path.name} 第 2 项）")
    csv = (SCENARIOS_PATH / "gas-regulation-repeal-2026.csv").read_bytes()
    gas = _upload(url, "燃气.csv", csv, {"region": "510104"})["data"]["whatIf"]
    assert gas["json"]["gaps"]["new"][0]["kind"] == "NO_LEGAL_BASIS"
    assert hashlib.sha256(Path(store.url).read_bytes()).hexdigest() == digest


def test_a_malformed_upload_is_located_by_its_own_name_row_and_column(served):
    url, _ = served
    bad = "date,action,department,target\n2026-01-01,合并,JJ-SCJ,JJ-SCJ\n".encode()
    out = _upload(url, "坏情景.csv", bad)
    [err] = out["errors"]
    assert "坏情景.csv, row 2, column target" in err["message"] and "/tmp" not in err["message"]
    [err] = _upload(url, "情景.txt", b"x")["errors"]
    assert "情景.txt" in err["message"] and ".toml" in err["message"]
    both = _post(
        url,
        "query($s: ScenarioInput!) { whatIf(scenario: $s) { title } }",
        {"s": {"changes": []}},
    )
    assert both["data"] is None  # an empty scenario: a located error, not a traceback
    neither = _post(url, "{ whatIf { title } }", {})
    assert "scenario 或 file" in neither["errors"][0]["message"]
