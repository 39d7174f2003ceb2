"""The law corpus as ELI linked data (#14 item 7), validated against the shape of
tests/data/eli-shapes.ttl and checked against the corpus it was written from."""

from __future__ import annotations

import io

import pyshacl
import rdflib
from rdflib.namespace import RDF

from dutygraph import demo_graph
from dutygraph.io.rdf.eli import write_eli
from dutygraph.io.rdf.terms import node_iri
from dutygraph.lawbook import packaged_lawbook

from .conftest import ROOT

ELI = rdflib.Namespace("http://data.europa.eu/eli/ontology#")
SHAPES = ROOT / "tests" / "data" / "eli-shapes.ttl"


def _export(g, fmt="ttl", laws=None):
    buf = io.StringIO()
    n = write_eli(g, buf, fmt, laws)
    out = rdflib.Graph().parse(data=buf.getvalue(), format={"ttl": "turtle", "nt": "nt"}[fmt])
    assert len(out) == n
    return out


def test_the_acts_the_demo_cites_conform_to_the_eli_shape():
    g = demo_graph()
    out = _export(g)
    conforms, _, text = pyshacl.validate(out, shacl_graph=rdflib.Graph().parse(SHAPES))
    assert conforms, text
    cited = {b.law for b in g.bases.values() if b.law}
    acts = set(out.subjects(RDF.type, ELI.LegalResource))
    assert acts == {rdflib.URIRef(node_iri("law", law)) for law in cited}
    book = g.lawbook()
    assert len(set(out.subjects(RDF.type, ELI.LegalExpression))) == sum(
        len(book.versions_of(x)) for x in cited
    )
    assert len(set(out.subjects(RDF.type, ELI.LegalResourceSubdivision))) == sum(
        len(book.articles_of(v.id)) for x in cited for v in book.versions_of(x)
    )


def test_a_replaced_version_ends_the_day_before_its_successor():
    book = packaged_lawbook()
    law = book.law("农产品质量安全法")
    old, new = book.versions_of(law.id)[-2:]
    out = _export(demo_graph(), "nt", laws=["农产品质量安全法"])
    v = rdflib.URIRef(node_iri("law_version", old.id))
    assert str(out.value(v, ELI.date_no_longer_in_force)) == "2022-12-31" < new.valid_from
    assert (
        out.value(rdflib.URIRef(node_iri("law_version", new.id)), ELI.date_no_longer_in_force)
        is None
    )
    assert out.value(v, ELI.realizes) == rdflib.URIRef(node_iri("law", law.id))
    article = book.article(new.id, "43")
    a = rdflib.URIRef(node_iri("article", article.id))
    assert out.value(a, ELI.is_part_of) == rdflib.URIRef(node_iri("law", law.id))
    assert str(out.value(a, ELI.number)) == "43" and str(out.value(a, ELI.title)) == "第四十三条"
    title = out.value(
        rdflib.URIRef(node_iri("law", law.id)), rdflib.URIRef("http://purl.org/dc/terms/title")
    )
    assert str(title) == law.title
    # a repealed act's last day: 环境噪声污染防治法, replaced by 噪声污染防治法 on 2022-06-05
    noise = book.law("环境噪声污染防治法")
    out = _export(demo_graph(), "ttl", laws=[noise.id])
    end = out.value(rdflib.URIRef(node_iri("law", noise.id)), ELI.date_no_longer_in_force)
    assert noise.valid_to == "2022-06-05" and str(end) == "2022-06-04"


def test_export_format_eli_writes_the_cited_acts(cli, tmp_path):
    cli("demo")
    out = tmp_path / "laws.ttl"
    cli("export", "--format", "eli", "--item", "I-FOOD", "-o", str(out))
    graph = rdflib.Graph().parse(out)
    titles = {str(t) for t in graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))}
    assert "中华人民共和国食品安全法" in titles


def test_the_bases_link_to_the_eli_resources_they_rest_on():
    """Each basis resolved to the corpus is linked to the act, the version it was read
    against and the articles it cites — nodes of the same export, of the ELI classes."""
    g = demo_graph()
    out = _export(g)
    related, part_of = ELI.related_to, ELI.is_part_of
    resolved = [b for b in g.bases.values() if b.law_version]
    assert resolved
    for b in resolved:
        node = rdflib.URIRef(node_iri("basis", b.id))
        links = set(out.objects(node, related))
        act = rdflib.URIRef(node_iri("law", b.law))
        version = rdflib.URIRef(node_iri("law_version", b.law_version))
        assert {act, version} <= links, b.id
        assert (act, RDF.type, ELI.LegalResource) in out
        assert (version, RDF.type, ELI.LegalExpression) in out
        articles = [x for x in links if (x, RDF.type, ELI.LegalResourceSubdivision) in out]
        if b.article:
            assert articles and out.value(node, part_of) == act, b.id
            for a in articles:  # an article of the version the basis was read against
                assert (
                    out.value(a, rdflib.URIRef("https://w3id.org/dutygraph#inVersion")) == version
                )
            numbers = {str(out.value(a, ELI.number)) for a in articles}
            label = g.lawbook().article(b.law_version, sorted(numbers)[0])
            assert label is not None and label.name in b.article
    # a basis the corpus does not hold (a normative document) links to nothing
    unresolved = [b for b in g.bases.values() if not b.law_version]
    for b in unresolved:
        assert not set(out.objects(rdflib.URIRef(node_iri("basis", b.id)), related))
