"""The exports as a harvester that knows nothing of dutygraph reads them: the official shapes.

CPSV-AP 3.2.0 and CPOV-AP 2.1.2 SHACL ship in ``dutygraph/data/standards`` (a
fresh clone validates offline). Each export is written to a file, read back
as plain RDF and validated with pySHACL with no inference and no ontology,
and the test lists every violation it finds.
"""

from __future__ import annotations

import io
import itertools
import re
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


# -- ORG / CPOV depth: governments, sub-organisations, change events ---------------------

ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SKOS = rdflib.namespace.SKOS
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


def _write(g: DutyGraph, path: Path, **kw: str) -> Path:
    write_rdf(g, path, "ttl", as_of="2025-01-01", **kw)
    return path


def _dept(key: str) -> Any:
    return rdflib.URIRef(ID + "department/" + key)


def test_each_government_is_a_public_organisation_with_its_departments(tmp_path: Path):
    g = catalogue_graph(with_demo=True)
    rdf = rdflib_graph_of(_write(g, tmp_path / "all.ttl"))
    governments = set(rdf.subjects(rdflib.RDF.type, CV.PublicOrganisation)) - {
        _dept(d) for d in g.departments
    }
    assert len(governments) == len(g.regions)
    for gov in governments:
        (region,) = rdf.objects(gov, DCT.spatial)
        code = str(region).rsplit("/", 1)[-1]
        assert gov == rdflib.URIRef(ID + "government/" + code)
        (label,) = rdf.objects(gov, SKOS.prefLabel)
        assert label.language == "zh"
        assert g.regions[code].name in label or code == "000000"
        subs = set(rdf.objects(gov, ORG.hasSubOrganization))
        assert subs - governments == {
            _dept(d) for d, rec in g.departments.items() if rec.region == code
        }
        # the governments one level down along the region tree, and the one above
        lower = {
            rdflib.URIRef(ID + "government/" + c) for c, r in g.regions.items() if r.parent == code
        }
        assert subs & governments == lower
        for c in lower:
            assert (c, ORG.subOrganizationOf, gov) in rdf
        parent = g.regions[code].parent
        ups = set(rdf.objects(gov, ORG.subOrganizationOf))
        assert ups == ({rdflib.URIRef(ID + "government/" + parent)} if parent else set())
    for key in g.departments:
        ups = set(rdf.objects(_dept(key), ORG.subOrganizationOf)) & governments
        assert ups == {rdflib.URIRef(ID + "government/" + g.departments[key].region)}
    names = {str(o) for gov in governments for o in rdf.objects(gov, SKOS.prefLabel)}
    assert {"国务院", "四川省人民政府", "锦江区人民政府"} <= names
    # ORG: a county government is in its prefecture's, the prefecture's in the province's...
    chain = [ID + "government/" + c for c in ("510104", "510100", "510000", "000000")]
    for lower_gov, upper in itertools.pairwise(chain):
        assert (rdflib.URIRef(lower_gov), ORG.subOrganizationOf, rdflib.URIRef(upper)) in rdf


def test_every_line_is_a_concept_with_a_chinese_name(tmp_path: Path):
    g = catalogue_graph(with_demo=True)
    rdf = rdflib_graph_of(_write(g, tmp_path / "all.ttl"))
    lines = {x for rec in g.departments.values() for x in rec.systems}
    scheme = rdflib.URIRef(ID + "line")
    concepts = set(rdf.objects(scheme, SKOS.hasTopConcept))
    assert {str(rdf.value(c, SKOS.notation)) for c in concepts} == lines
    for c in concepts:
        (label,) = rdf.objects(c, SKOS.prefLabel)
        assert label.language == "zh" and re.search(r"[\u4e00-\u9fff]", label), (c, label)
    market = rdflib.URIRef(ID + "line/market-regulation")
    assert str(rdf.value(market, SKOS.prefLabel)) == "市场监管"
    assert (_dept("N-SAMR"), ORG.classification, market) in rdf


def test_the_cli_names_every_line_in_chinese_from_the_table_the_export_uses(cli, tmp_path: Path):
    """One table of line names (explain.LINE_ZH): the gaps the CLI prints for demo +
    catalogue name each line in Chinese (林业和草原条线, not forestry-grassland条线),
    and each line concept of the export is labelled with that same name."""
    from dutygraph.explain import LINE_ZH

    g = catalogue_graph(with_demo=True)
    lines = {x for rec in g.departments.values() for x in rec.systems}
    assert lines <= set(LINE_ZH), sorted(lines - set(LINE_ZH))
    rdf = rdflib_graph_of(_write(g, tmp_path / "all.ttl"))
    for x in lines:
        assert str(rdf.value(rdflib.URIRef(ID + "line/" + x), SKOS.prefLabel)) == LINE_ZH[x]
    cli("catalogue", "--with-demo")
    out = cli("gaps").stdout
    assert "上级职责要求本级林业和草原条线部门承接" in out
    assert re.findall(r"[a-z][a-z-]*条线", out) == []
    # the explorer's answer (the same sentence, through explain.line_zh)
    from dutygraph.analysis.resolve import who_leads
    from dutygraph.api.explorer_app import resolution_answer

    answer = resolution_answer(g, who_leads(g, "I-WILDLIFE", "510000", "2025-06-01"))
    assert any("林业和草原条线" in f for f in answer["findings"]), answer["findings"]


def _events(rdf: Any, original: str) -> list[Any]:
    return list(rdf.subjects(ORG.originalOrganization, _dept(original)))


def test_abolitions_mergers_and_successions_are_change_events(tmp_path: Path):
    g = catalogue_graph(with_demo=True)
    rdf = rdflib_graph_of(_write(g, tmp_path / "all.ttl"))
    (merger,) = _events(rdf, "N-CFDA")
    assert (merger, rdflib.RDF.type, ORG.ChangeEvent) in rdf
    assert set(rdf.objects(merger, ORG.originalOrganization)) == {
        _dept("N-CFDA"),
        _dept("N-AQSIQ"),
        _dept("N-SAIC"),
    }
    assert set(rdf.objects(merger, ORG.resultingOrganization)) == {_dept("N-SAMR")}
    assert (_dept("N-SAMR"), ORG.resultedFrom, merger) in rdf
    for d in ("N-CFDA", "N-AQSIQ", "N-SAIC"):
        assert set(rdf.objects(_dept(d), ORG.changedBy)) == {merger}
    (ended,) = rdf.objects(merger, PROV.endedAtTime)
    assert str(ended).startswith(g.departments["N-CFDA"].valid_to)
    # a succession chain: CBRC -> CBIRC -> NFRA, two events, CBIRC in both
    (first,) = _events(rdf, "N-CBRC")
    (second,) = _events(rdf, "N-CBIRC")
    assert first != second
    assert (_dept("N-CBIRC"), ORG.resultedFrom, first) in rdf
    assert set(rdf.objects(second, ORG.resultingOrganization)) == {_dept("N-NFRA")}
    # abolished with no successor: an event with no resulting organisation
    (alone,) = _events(rdf, "WH-SWJ")
    assert list(rdf.objects(alone, ORG.resultingOrganization)) == []
    (text,) = rdf.objects(alone, DCT.description)
    assert text.language == "zh" and "武侯区商务局（WH-SWJ）" in text and "撤销" in text
    # every department that ends or has a successor is in exactly one event as the original
    ending = [d for d, rec in g.departments.items() if rec.valid_to or rec.successor]
    assert ending and all(len(_events(rdf, d)) == 1 for d in ending)
    assert all(not _events(rdf, d) for d in g.departments if d not in ending)


def test_a_region_subset_passes_cpov_ap_with_its_governments(tmp_path: Path):
    assert _violations(demo_graph(), "cpov-ap", tmp_path, region="510104") == []
    rdf = rdflib_graph_of(_write(demo_graph(), tmp_path / "jj.ttl", region="510104"))
    governments = {str(s).rsplit("/", 1)[-1] for s in rdf.subjects(ORG.hasSubOrganization, None)}
    assert "510104" in governments and "510107" not in governments
