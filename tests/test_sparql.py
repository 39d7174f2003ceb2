"""Saved SPARQL queries (queries/*.rq) on an exported graph, with rdflib and pyoxigraph,
agreeing with dutygraph's own answers on the acceptance scenario for the cases each covers."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from dutygraph.analysis.conflicts import find_conflicts
from dutygraph.analysis.gaps import find_gaps
from dutygraph.analysis.resolve import resolve
from dutygraph.graph import DutyGraph
from dutygraph.io.bundle import read_bundle

from .conftest import ACCEPTANCE, ROOT

rdflib = pytest.importorskip("rdflib")
ox = pytest.importorskip("pyoxigraph")

from dutygraph.io.rdf import node_iri, record_of_iri, write_rdf  # noqa: E402
from dutygraph.io.rdf.terms import date_literal  # noqa: E402

QUERIES = ROOT / "queries"
CASES = json.loads((ACCEPTANCE / "expected.json").read_text("utf-8"))


def _query(name: str, **params: str) -> str:
    """The saved query with its ``# PARAM`` VALUES lines set to ``params`` (N-Triples terms)."""
    text = (QUERIES / name).read_text("utf-8")
    for key, term in params.items():
        text, n = re.subn(
            rf"^(\s*)VALUES \?{key} .*# PARAM {key}$",
            rf"\1VALUES ?{key} {{ {term} }}",
            text,
            flags=re.M,
        )
        assert n == 1, f"{name} has no PARAM {key}"
    return text


@pytest.fixture(scope="module")
def scenario() -> DutyGraph:
    return DutyGraph(read_bundle(ACCEPTANCE).records())


@pytest.fixture(scope="module", params=["rdflib", "pyoxigraph"])
def engine(
    request: pytest.FixtureRequest, scenario: DutyGraph
) -> Callable[[str], list[dict[str, str]]]:
    out = io.StringIO()
    write_rdf(scenario, out, "nt")
    data = out.getvalue()
    if request.param == "rdflib":
        g = rdflib.Graph().parse(data=data, format="nt")

        def run(q: str) -> list[dict[str, str]]:
            return [{str(k): str(v) for k, v in row.asdict().items()} for row in g.query(q)]

        return run
    store = ox.Store()
    store.load(data.encode("utf-8"), ox.RdfFormat.N_TRIPLES)

    def run_ox(q: str) -> list[dict[str, str]]:
        res = store.query(q)
        names = [v.value for v in res.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in res]

    return run_ox


def _ids(rows: list[dict[str, str]], var: str) -> list[str]:
    return sorted({record_of_iri(r[var])[1] for r in rows if var in r})  # type: ignore[index]


def _params(item: str, region: str, as_of: str) -> dict[str, str]:
    return {
        "item": f"<{node_iri('item', item)}>",
        "region": f"<{node_iri('region', region)}>",
        "asOf": _day(as_of),
    }


def _day(as_of: str) -> str:
    """The N-Triples term of a date as an export writes it (xsd:dateTime, 00:00 Beijing)."""
    lit = date_literal(as_of)
    return f'"{lit.value}"^^<{lit.datatype}>'


def _covered(res: Any) -> bool:
    """Rules 1-3 only: no vertical line, no successor standing in, nothing abolished."""
    return all(a.via != "vertical" and not a.replaced for a in res.answers) and not any(
        f.kind.endswith("ABOLISHED") for f in res.findings
    )


def _lead_cases(g: DutyGraph) -> list[tuple[str, str, str]]:
    cases = []
    for c in CASES["lead"]:
        item, region = g.find("item", c["item"]).id, g.find("region", c["region"]).code
        cases.append((item, region, c["as_of"]))
    return cases


def test_every_saved_query_says_what_it_covers():
    for path in sorted(QUERIES.glob("*.rq")):
        head = path.read_text("utf-8").splitlines()[:8]
        assert any("Cover" in line or "covered" in line for line in head), path.name


def test_who_leads_explicit_agrees(engine, scenario):
    checked = 0
    for item, region, as_of in _lead_cases(scenario):
        res = resolve(scenario, item, region, "lead", as_of)
        if res.inherited or res.item_path[-1] != item or not _covered(res):
            continue
        rows = engine(_query("who-leads-explicit.rq", **_params(item, region, as_of)))
        assert _ids(rows, "department") == sorted(res.departments()), (item, region, as_of)
        checked += 1
    assert checked >= 3


def test_who_leads_with_inheritance_agrees(engine, scenario):
    checked = 0
    for item, region, as_of in _lead_cases(scenario):
        res = resolve(scenario, item, region, "lead", as_of)
        if not _covered(res):
            continue
        rows = engine(_query("who-leads.rq", **_params(item, region, as_of)))
        assert _ids(rows, "department") == sorted(res.departments()), (item, region, as_of)
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize("as_of", ["2023-01-01", "2025-01-01", "2025-06-01"])
def test_multiple_leads_agree(engine, scenario, as_of):
    rows = engine(_query("multiple-leads.rq", asOf=_day(as_of)))
    got = sorted((record_of_iri(r["item"])[1], record_of_iri(r["region"])[1]) for r in rows)  # type: ignore[index]
    want = sorted(
        (c.item, c.region) for c in find_conflicts(scenario, as_of=as_of, kinds=["MULTIPLE_LEADS"])
    )
    assert got == want


@pytest.mark.parametrize("as_of", ["2023-01-01", "2025-06-01"])
def test_no_basis_in_force_agrees_where_answers_are_explicit(engine, scenario, as_of):
    rows = engine(_query("no-basis-in-force.rq", asOf=_day(as_of)))
    got = {(record_of_iri(r["item"])[1], record_of_iri(r["region"])[1]) for r in rows}  # type: ignore[index]
    gaps = {(g.item, g.region) for g in find_gaps(scenario, as_of=as_of, kinds=["NO_LEGAL_BASIS"])}
    for item, region in scenario.duty_sites():
        level = scenario.regions[region].level
        res = resolve(scenario, item, region, "lead", as_of)
        if not res.found or res.inherited or res.item_path[-1] != item:
            continue
        if scenario.items[item].applies_at(level):
            assert ((item, region) in got) == ((item, region) in gaps), (item, region)
    assert got, "the scenario has a duty resting on a repealed basis"
