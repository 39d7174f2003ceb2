"""RDF export and import: round trips in every format, an independent parser, bad RDF."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from dutygraph.errors import LoadError, ValidationFailed
from dutygraph.fixtures import DEMO_PATH, demo_graph
from dutygraph.graph import DutyGraph
from dutygraph.importer import load
from dutygraph.io import read_input
from dutygraph.io.bundle import read_bundle
from dutygraph.validation import check_batch

from .conftest import ACCEPTANCE

rdflib = pytest.importorskip("rdflib")
ox = pytest.importorskip("pyoxigraph")

from rdflib.compare import isomorphic  # noqa: E402

from dutygraph.io.rdf import rdflib_graph_of, read_rdf, write_rdf  # noqa: E402

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
SUFFIX = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld"}


def _graph(path: Path) -> DutyGraph:
    return DutyGraph(read_bundle(path).records())


@pytest.fixture(params=["demo", "acceptance"])
def source(request: pytest.FixtureRequest) -> DutyGraph:
    if request.param == "demo":
        return demo_graph()
    return _graph(ACCEPTANCE)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_import_export_is_isomorphic(source: DutyGraph, fmt: str, tmp_path: Path):
    first = tmp_path / f"first{SUFFIX[fmt]}"
    write_rdf(source, first, fmt)
    batch = read_rdf(first)
    assert batch.problems == []
    again = DutyGraph(row.record for row in batch.rows)
    out = io.StringIO()
    write_rdf(again, out, fmt)
    second = tmp_path / f"second{SUFFIX[fmt]}"
    second.write_text(out.getvalue(), "utf-8")
    a, b = rdflib_graph_of(first), rdflib_graph_of(second)
    assert len(a) > 1000 and isomorphic(a, b)
    # the records come back whole: fields, order of multi-valued cells, attrs, origin
    for rec in source.records():
        back = again.table(rec.label)[rec.id]
        assert (back, back.attrs, back.origin) == (rec, rec.attrs, rec.origin)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_pyoxigraph_reads_every_export(source: DutyGraph, fmt: str):
    out = io.StringIO()
    n = write_rdf(source, out, fmt)
    fmt_ox = {
        "ttl": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
    }
    triples = {(q.subject, q.predicate, q.object) for q in ox.parse(out.getvalue(), fmt_ox[fmt])}
    assert len(triples) == n


def test_standard_terms_are_written_beside_dutygraphs():
    g = rdflib.Graph()
    g.parse(data=_export(demo_graph(), "nt"), format="nt")
    CV = rdflib.Namespace("http://data.europa.eu/m8g/")
    ELI = rdflib.Namespace("http://data.europa.eu/eli/ontology#")
    SKOS = rdflib.namespace.SKOS
    ID = "https://w3id.org/dutygraph/id/"
    item, samr = rdflib.URIRef(ID + "item/I-FOOD"), rdflib.URIRef(ID + "department/N-SAMR")
    assert (item, CV.hasCompetentAuthority, samr) in g
    assert (samr, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/org#Organization")) in g
    assert (samr, rdflib.RDF.type, CV.PublicOrganisation) in g
    jj = rdflib.URIRef(ID + "region/510104")
    assert (jj, SKOS.broader, rdflib.URIRef(ID + "region/510100")) in g
    fhl = rdflib.URIRef(ID + "basis/B-FHL")
    # a date is the start of its day in Beijing (xsd:dateTime, in the OWL 2 datatype map);
    # ELI's in-force dates (xsd:date, last day inclusive) are the ELI export's, not written here
    end = g.value(fhl, rdflib.URIRef("https://w3id.org/dutygraph#validTo"))
    assert (str(end), end.datatype) == ("2009-06-01T00:00:00+08:00", rdflib.XSD.dateTime)
    assert g.value(fhl, ELI.date_no_longer_in_force) is None
    assert (fhl, rdflib.RDF.type, ELI.LegalResourceSubdivision) in g
    duty = next(g.subjects(CV.hasParticipant, samr))
    assert (duty, rdflib.RDF.type, CV.Participation) in g
    origin = g.value(duty, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert str(g.value(origin, rdflib.URIRef("https://w3id.org/dutygraph#file"))) == "duties.csv"


def _export(g: DutyGraph, fmt: str, **kw: str) -> str:
    out = io.StringIO()
    write_rdf(g, out, fmt, **kw)
    return out.getvalue()


@pytest.mark.parametrize("subset", [{"region": "510104"}, {"item": "I-PREPAID"}])
def test_a_subset_imports_on_its_own(subset: dict[str, str], tmp_path: Path):
    path = tmp_path / "subset.ttl"
    write_rdf(demo_graph(), path, "ttl", **subset)
    batch = read_rdf(path)
    rows, _ = check_batch(batch, DutyGraph())
    assert batch.errors == [] and len(rows) == len(batch.rows)
    sub = DutyGraph(r.record for r in rows)
    if "region" in subset:
        assert "510107" not in sub.regions and "000000" in sub.regions
        assert all(d.region in sub.region_path("510104") for d in sub.duties.values())
    else:
        assert set(sub.items) == {"I-PREPAID", "I-PREPAID-EDU", "I-PREPAID-GYM"}


def test_load_reads_rdf_and_answers_the_same(cli, tmp_path: Path):
    path = tmp_path / "demo.jsonld"
    write_rdf(demo_graph(), path, "jsonld")
    cli("load", str(path))
    got = cli("lead", "I-FOOD", "510104", "--as-of", "2025-06-01", "--json")
    assert [a["department"]["id"] for a in got["answers"]] == ["JJ-SCJ"]


def test_export_command_writes_stdout_and_files(cli, tmp_path: Path):
    cli("load", str(DEMO_PATH))
    out = cli("export", "--format", "nt", "--item", "I-ECIG")
    assert "<https://w3id.org/dutygraph/id/item/I-ECIG>" in out.stdout
    target = tmp_path / "all.ttl"
    cli("export", "-f", "ttl", "-o", str(target))
    assert len(read_input(target).rows) == sum(demo_graph().counts().values())
    bad = cli("export", "-f", "ttl", "--region", "nowhere", check=False)
    assert bad.returncode == 2 and "no region" in bad.stderr


def test_a_syntax_error_names_the_line(tmp_path: Path):
    path = tmp_path / "bad.ttl"
    path.write_text(_export(demo_graph(), "ttl", item="I-ECIG").replace(" .\n\n<", " ;\n\n<", 1))
    with pytest.raises(LoadError, match=r"bad.ttl: line \d+: not valid text/turtle"):
        read_rdf(path)


def test_unknown_and_ill_typed_terms_are_errors_and_nothing_is_imported(embedded_store, tmp_path):
    text = _export(demo_graph(), "nt")
    dg = "https://w3id.org/dutygraph#"
    samr = "<https://w3id.org/dutygraph/id/department/N-SAMR>"
    text += f'{samr} <{dg}headcount> "300" .\n'  # not in the ontology
    text = text.replace(f'{samr} <{dg}vertical> "false"', "")
    text += f'{samr} <{dg}validFrom> "soon"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
    path = tmp_path / "bad.nt"
    path.write_text(text)
    batch = read_rdf(path)
    messages = [str(p) for p in batch.errors]
    assert any("unknown property dg:headcount" in m and "N-SAMR" in m for m in messages)
    assert any("'soon' is not a date" in m for m in messages)
    assert all(p.row for p in batch.errors)  # the line of the node in the file
    with pytest.raises(ValidationFailed):
        load(embedded_store, [path])
    assert embedded_store.graph().counts()["duty"] == 0


def test_a_reference_to_the_wrong_kind_names_the_node(tmp_path: Path):
    text = _export(demo_graph(), "nt").replace(
        "<https://w3id.org/dutygraph#item> <https://w3id.org/dutygraph/id/item/I-ECIG>",
        "<https://w3id.org/dutygraph#item> <https://w3id.org/dutygraph/id/region/510104>",
    )
    path = tmp_path / "wrong.nt"
    path.write_text(text)
    errors = [str(p) for p in read_rdf(path).errors]
    assert errors and all("dg:item points at a region" in e for e in errors)


def test_the_standard_statements_are_derived_and_read_back_to_the_same_records(tmp_path: Path):
    """Governments, change events, authorities, concept schemes and the bases' links to
    the law corpus are ignored on reading:
    the export without any of them reads back to the same records, and re-exporting those
    records writes them again."""
    from dutygraph.fixtures import catalogue_graph

    g = catalogue_graph(with_demo=True)
    full = tmp_path / "full.nt"
    write_rdf(g, full, "nt", as_of="2025-01-01")
    derived = (
        "/id/government/",
        "/id/change/",
        "/id/service/",
        "/id/line",
        "http://www.w3.org/ns/org#",
        "http://data.europa.eu/m8g/hasCompetentAuthority",
        "http://data.europa.eu/eli/ontology#related_to",
        "http://data.europa.eu/eli/ontology#is_part_of",
    )
    lines = full.read_text("utf-8").splitlines()
    kept = [x for x in lines if not any(d in x for d in derived)]
    assert len(kept) < len(lines)
    bare = tmp_path / "bare.nt"
    bare.write_text("\n".join(kept) + "\n", "utf-8")
    a, b = read_rdf(full), read_rdf(bare)
    assert a.problems == [] and b.problems == []
    records_a = sorted((r.record.label, r.record.id, r.record) for r in a.rows)
    records_b = sorted((r.record.label, r.record.id, r.record) for r in b.rows)
    assert records_a == records_b
    again = tmp_path / "again.nt"
    write_rdf(DutyGraph(r.record for r in b.rows), again, "nt", as_of="2025-01-01")
    assert isomorphic(rdflib_graph_of(full), rdflib_graph_of(again))


def _with_json_cells() -> DutyGraph:
    """The demo with a dispute (claims, decision: JSON cells) and a department with attrs."""
    from dataclasses import replace

    from dutygraph.model import Dispute

    g = demo_graph()
    records = [
        replace(r, attrs={"备注": "综合行政执法", "编制": "12"}) if r.id == "JJ-SCJ" else r
        for r in g.records()
    ]
    records.append(
        Dispute(
            id="DSP-1",
            parties=("JJ-SCJ", "JJ-SWJ"),
            subject="I-PREPAID",
            region="510104",
            raised_on="2024-03-01",
            status="decided",
            claims={"JJ-SCJ": "assist", "JJ-SWJ": "lead"},
            decision={"by": "锦江区人民政府", "on": "2024-04-01", "lead": ["JJ-SWJ"]},
        )
    )
    return DutyGraph(records)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_json_cells_are_their_text_and_come_back_whole(fmt: str, tmp_path: Path):
    g = _with_json_cells()
    path = tmp_path / f"json{SUFFIX[fmt]}"
    write_rdf(g, path, fmt)
    graph = rdflib_graph_of(path)
    dg = rdflib.Namespace("https://w3id.org/dutygraph#")
    claims = [o for o in graph.objects(None, dg.claims)]
    assert len(claims) == 1 and claims[0].datatype is None  # xsd:string, not rdf:JSON
    assert "锦江区人民政府" in str(next(graph.objects(None, dg.decision)))
    batch = read_rdf(path)
    assert batch.problems == []
    back = DutyGraph(row.record for row in batch.rows)
    assert back.disputes["DSP-1"] == g.disputes["DSP-1"]
    assert back.departments["JJ-SCJ"].attrs == {"备注": "综合行政执法", "编制": "12"}


def test_older_exports_with_xsd_date_and_rdf_json_still_read(tmp_path: Path):
    """Files written before dates became xsd:dateTime read back to the same records."""
    g = _with_json_cells()
    text = _export(g, "nt")
    xsd, rdf = "http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    old = re.sub(
        rf'"(\d{{4}}-\d{{2}}-\d{{2}})T00:00:00\+08:00"\^\^<{xsd}dateTime>',
        rf'"\1"^^<{xsd}date>',
        text,
    )
    old = re.sub(r'(<https://w3id.org/dutygraph#claims> "[^\n]*")( \.)', rf"\1^^<{rdf}JSON>\2", old)
    assert old.count(f"^^<{xsd}date>") > 10 and f"^^<{rdf}JSON>" in old
    path = tmp_path / "old.nt"
    path.write_text(old, "utf-8")
    batch = read_rdf(path)
    assert batch.problems == []
    back = {(r.record.label, r.record.id): r.record for r in batch.rows}
    assert back == {(r.label, r.id): r for r in g.records()}
    assert back["dispute", "DSP-1"].claims == {"JJ-SCJ": "assist", "JJ-SWJ": "lead"}


def test_a_time_that_is_not_the_start_of_a_day_is_a_located_error(tmp_path: Path):
    xsd = "http://www.w3.org/2001/XMLSchema#"
    text = _export(demo_graph(), "nt").replace(
        f'"2018-09-10T00:00:00+08:00"^^<{xsd}dateTime>', f'"2018-09-10T08:00:00Z"^^<{xsd}dateTime>'
    )
    assert "T08:00:00Z" in text
    path = tmp_path / "noon.nt"
    path.write_text(text, "utf-8")
    errors = [str(p) for p in read_rdf(path).errors]
    assert errors and all(
        "'2018-09-10T08:00:00Z' is not a date" in e and "T00:00:00+08:00" in e and "noon.nt" in e
        for e in errors
    )


def test_each_resolved_basis_links_to_the_law_corpus_as_the_eli_export_does(tmp_path: Path):
    """The main export links each basis the import resolved to the ELI resources of the
    corpus — the act, the version it was read against, the article it cites — with the
    same links as ``export --format eli``, whose nodes they are; a basis the corpus does
    not hold links to nothing; and the export still reads back to the same records."""
    from rdflib import RDF, URIRef

    from dutygraph.io.rdf.eli import write_eli
    from dutygraph.io.rdf.terms import node_iri

    eli_ns = "http://data.europa.eu/eli/ontology#"
    related, part_of = URIRef(eli_ns + "related_to"), URIRef(eli_ns + "is_part_of")
    g = demo_graph()
    path = tmp_path / "demo.ttl"
    write_rdf(g, path, "ttl", as_of="2025-01-01")
    main = rdflib_graph_of(path)
    buf = io.StringIO()
    write_eli(g, buf)
    eli = rdflib.Graph().parse(data=buf.getvalue(), format="turtle")
    classes = {URIRef(eli_ns + c) for c in ("LegalResource", "LegalExpression")}
    classes.add(URIRef(eli_ns + "LegalResourceSubdivision"))
    resolved = [b for b in g.bases.values() if b.law_version]
    unresolved = [b for b in g.bases.values() if not b.law_version]
    assert resolved and unresolved
    for b in resolved:
        node = URIRef(node_iri("basis", b.id))
        links = set(main.objects(node, related))
        assert links == set(eli.objects(node, related)), b.id
        assert URIRef(node_iri("law_version", b.law_version)) in links, b.id
        for target in links:  # each a resource of the corpus's ELI export
            assert set(eli.objects(target, RDF.type)) & classes, (b.id, target)
        if b.article:
            assert main.value(node, part_of) == URIRef(node_iri("law", b.law)), b.id
    for b in unresolved:
        node = URIRef(node_iri("basis", b.id))
        assert not set(main.objects(node, related)) and main.value(node, part_of) is None
    # 食品安全法第六条, as in force when the duty citing it began (the 2021-04-29 text)
    six = g.bases["B-FSL-6"]
    article = g.lawbook().article(six.law_version, "6")
    assert article is not None and article.name == "第六条"
    assert (
        URIRef(node_iri("basis", "B-FSL-6")),
        related,
        URIRef(node_iri("article", article.id)),
    ) in main
    batch = read_rdf(path)
    assert batch.problems == []
    assert {r.record.id: r.record for r in batch.rows if r.record.label == "basis"} == g.bases
