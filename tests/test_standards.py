"""The exports as a harvester that knows nothing of dutygraph reads them: the official shapes.

CPSV-AP 3.2.0 and CPOV-AP 2.1.2 SHACL ship in ``dutygraph/data/standards`` (a
fresh clone validates offline). Each export is written to a file, read back
as plain RDF and validated with pySHACL with no inference and no ontology,
and the test lists every violation it finds.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from dutygraph.fixtures import catalogue_graph, demo_graph
from dutygraph.graph import DutyGraph

pytest.importorskip("pyshacl")
rdflib = pytest.importorskip("rdflib")

from dutygraph.io.rdf import rdflib_graph_of, write_rdf  # noqa: E402
from dutygraph.shacl import STANDARDS, validate_path  # noqa: E402

CV = rdflib.Namespace("http://data.europa.eu/m8g/")
ID = "https://w3id.org/dutygraph/id/"


def _violations(g: DutyGraph, standard: str, tmp_path: Path, **kw: str) -> list[str]:
    path = tmp_path / "export.ttl"
    write_rdf(g, path, "ttl", **kw)
    report = validate_path(path, standard)
    return [str(r) for r in report.violations]


@pytest.mark.parametrize("standard", sorted(STANDARDS))
def test_the_demo_export_passes_the_official_shapes(standard: str, tmp_path: Path):
    assert _violations(demo_graph(), standard, tmp_path, as_of="2025-01-01") == []


@pytest.mark.parametrize("standard", sorted(STANDARDS))
def test_demo_and_catalogue_pass_the_official_shapes(standard: str, tmp_path: Path):
    assert _violations(catalogue_graph(with_demo=True), standard, tmp_path) == []


def test_a_region_subset_passes_cpsv_ap(tmp_path: Path):
    assert _violations(demo_graph(), "cpsv-ap", tmp_path, region="510104") == []


def test_the_shapes_are_the_official_ones():
    for path in STANDARDS.values():
        shapes = rdflib.Graph().parse(path)
        assert "semiceu" in " ".join(str(s) for s in shapes.subjects()).lower()


def _authorities(g: DutyGraph, as_of: str) -> tuple[list[str], Any]:
    out = io.StringIO()
    write_rdf(g, out, "nt", as_of=as_of)
    lines = [x for x in out.getvalue().splitlines() if "hasCompetentAuthority" in x]
    return lines, rdflib.Graph().parse(data=out.getvalue(), format="nt")


def test_competent_authorities_hold_as_of_the_date_and_appear_once():
    g = catalogue_graph(with_demo=True)
    food = rdflib.URIRef(ID + "item/I-FOOD")
    for as_of in ("2016-06-01", "2025-01-01"):
        lines, rdf = _authorities(g, as_of)
        assert lines and len(lines) == len(set(lines))
        named = {str(o).rsplit("/", 1)[-1] for o in rdf.objects(None, CV.hasCompetentAuthority)}
        assert [d for d in named if not g.departments[d].active(as_of)] == []
    _, then = _authorities(g, "2016-06-01")
    _, now = _authorities(g, "2025-01-01")
    assert {str(o) for o in then.objects(food, CV.hasCompetentAuthority)} == {
        ID + "department/N-CFDA"
    }
    assert {str(o) for o in now.objects(food, CV.hasCompetentAuthority)} == {
        ID + "department/N-SAMR"
    }


def test_a_region_whose_leads_differ_is_a_public_service_of_its_own():
    _, rdf = _authorities(demo_graph(), "2025-01-01")
    food = rdflib.URIRef(ID + "item/I-FOOD")
    service = rdflib.URIRef(ID + "service/I-FOOD/510000")
    assert (food, CV.relatedService, service) in rdf
    assert set(rdf.objects(service, CV.hasCompetentAuthority)) == {
        rdflib.URIRef(ID + "department/SC-SCJ")
    }
    assert rdf.value(service, rdflib.URIRef("http://purl.org/dc/terms/spatial")) == rdflib.URIRef(
        ID + "region/510000"
    )
    # an item led only through its parent still names who leads it
    cater = rdflib.URIRef(ID + "item/I-FOOD-CATER")
    assert set(rdf.objects(cater, CV.hasCompetentAuthority)) == {
        rdflib.URIRef(ID + "department/N-SAMR")
    }


def test_duties_items_and_departments_say_what_they_are_in_chinese(tmp_path: Path):
    path = tmp_path / "demo.ttl"
    write_rdf(demo_graph(), path, "ttl")
    rdf = rdflib_graph_of(path)
    DCT = rdflib.namespace.DCTERMS
    duty = rdflib.URIRef(ID + "duty/SC-SCJ%7CI-FOOD%7C510000%7Clead%7C%7C2023-12-01")
    desc = rdf.value(duty, DCT.description)
    assert (str(desc), desc.language) == (
        "四川省市场监督管理局 牵头 食品安全监督管理（510000）",
        "zh",
    )
    item = rdflib.URIRef(ID + "item/I-FOOD")
    assert str(rdf.value(item, DCT.identifier)) == "I-FOOD"
    assert rdf.value(item, DCT.title) == rdflib.Literal("食品安全监督管理", lang="zh")
    lead = rdf.value(duty, CV.role)
    assert (lead, rdflib.RDF.type, rdflib.namespace.SKOS.Concept) in rdf
    assert rdflib.Literal("牵头", lang="zh") in set(
        rdf.objects(lead, rdflib.namespace.SKOS.prefLabel)
    )


def test_the_cli_validates_against_a_standard_offline(cli, tmp_path: Path):
    from dutygraph.fixtures import DEMO_PATH

    cli("load", str(DEMO_PATH))
    target = tmp_path / "demo.ttl"
    cli("export", "-f", "ttl", "--as-of", "2025-01-01", "-o", str(target))
    proc = cli("validate", "--shapes", "cpsv-ap", str(target), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bad = cli("export", "-f", "ttl", "--as-of", "2025-13-01", check=False)
    assert bad.returncode == 2 and "--as-of" in bad.stderr
