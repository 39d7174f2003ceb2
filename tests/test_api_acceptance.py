"""The CLI and the API give the same answers on the acceptance scenario (scenario_zj)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")

from dutygraph.api.context import make_context
from dutygraph.api.schema import build_schema
from dutygraph.store import EmbeddedStore

from .conftest import ACCEPTANCE, need

pytestmark = pytest.mark.slow

RESOLVE = """query($item: String!, $region: String!, $asOf: Date) {
  lead: whoLeads(item: $item, region: $region, asOf: $asOf) { ...R }
  assist: whoAssists(item: $item, region: $region, asOf: $asOf) { ...R } }
fragment R on Resolution { item { key } region { code } asOf
  answers { department { key } inherited via lines evidence { department { key } region { code } } } }"""
SCANS = """query($asOf: Date) {
  gaps(asOf: $asOf, first: 500) { totalCount nodes { item { key } region { code } kind } }
  conflicts(asOf: $asOf, first: 500) { totalCount nodes { subject region { code } kind departments { key } } } }"""


def _api(store: EmbeddedStore, query: str, variables: dict[str, Any]) -> Any:
    schema = build_schema()

    async def run() -> Any:
        return await schema.execute(
            query, variable_values=variables, context_value=make_context(store)
        )

    result = asyncio.run(run())
    assert result.errors is None, result.errors
    return result.data


def _resolution(out: dict[str, Any]) -> dict[str, Any]:
    """The CLI's JSON reduced to what the API query above asks."""
    return {
        "item": out["item"]["id"],
        "region": out["region"]["code"],
        "as_of": out["as_of"],
        "answers": [
            (
                a["department"]["id"],
                a["inherited"],
                a["via"],
                a["lines"],
                [(e["department"], e["region"]) for e in a["evidence"]],
            )
            for a in out["answers"]
        ],
    }


def _api_resolution(out: dict[str, Any]) -> dict[str, Any]:
    return {
        "item": out["item"]["key"],
        "region": out["region"]["code"],
        "as_of": out["asOf"],
        "answers": [
            (
                a["department"]["key"],
                a["inherited"],
                a["via"],
                a["lines"],
                [(e["department"]["key"], e["region"]["code"]) for e in a["evidence"]],
            )
            for a in out["answers"]
        ],
    }


def test_cli_and_api_agree_on_the_acceptance_scenario(cli: Any) -> None:
    need(ACCEPTANCE.is_dir(), f"{ACCEPTANCE} is missing (the shared acceptance scenario)")
    expected = json.loads((ACCEPTANCE / "expected.json").read_text(encoding="utf-8"))
    cli("load", str(ACCEPTANCE))
    store = EmbeddedStore(cli.store_path)
    cases = [("lead", c) for c in expected["lead"]] + [("assist", c) for c in expected["assist"]]
    assert len(cases) >= 20
    for role, c in cases:
        variables = {"item": c["item"], "region": c["region"], "asOf": c["as_of"]}
        api = _api_resolution(_api(store, RESOLVE, variables)[role])
        by_cli = _resolution(cli(role, c["item"], c["region"], "--as-of", c["as_of"], "--json"))
        assert api == by_cli, (role, c)
        assert sorted(a[0] for a in api["answers"]) == sorted(c["want"]), (role, c)
    for as_of in sorted({c["as_of"] for c in expected["gaps"] + expected["conflicts"]}):
        api = _api(store, SCANS, {"asOf": as_of})
        gaps = cli("gaps", "--as-of", as_of, "--json")
        assert api["gaps"]["totalCount"] == len(gaps)
        assert [
            (n["item"]["key"], n["region"]["code"], n["kind"]) for n in api["gaps"]["nodes"]
        ] == [(g["item"], g["region"], g["kind"]) for g in gaps]
        conflicts = cli("conflicts", "--as-of", as_of, "--json")
        assert [
            (n["subject"], n["region"]["code"], n["kind"], [d["key"] for d in n["departments"]])
            for n in api["conflicts"]["nodes"]
        ] == [(x["item"], x["region"], x["kind"], x["departments"]) for x in conflicts]
