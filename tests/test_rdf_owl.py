"""The ontology under OWL reasoners: OWL 2 DL for HermiT, consistent with every export.

HermiT (bundled with owlready2, run on Java; under CI=true a missing Java or
owlready2 fails, never skips) reads the ontology, and the ontology plus each
export, as they are: no ``--ignoreUnsupportedDatatypes``. An export writes a
date as the ``xsd:dateTime`` of the start of that day in Beijing and a JSON cell
as its text (``xsd:string``), so nothing in it is outside the OWL 2 datatype
map; a test holds that. The OWL-RL closure (owlrl) of the ontology plus an
export reports no inconsistency. Each check is shown to fail on a planted fault.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dutygraph.fixtures import catalogue_graph, demo_graph
from dutygraph.graph import DutyGraph
from dutygraph.io.bundle import read_bundle

from .conftest import ACCEPTANCE, need
from .test_rdf import _with_json_cells

rdflib = pytest.importorskip("rdflib")

from rdflib import RDF, RDFS, Literal, URIRef  # noqa: E402
from rdflib.namespace import OWL, SH, XSD  # noqa: E402

from dutygraph.io.rdf import to_rdflib  # noqa: E402

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
DG = "https://w3id.org/dutygraph#"
AS_OF = "2025-01-01"
#: the OWL 2 datatype map (OWL 2 Structural Specification §4), plus rdfs:Literal
OWL2_MAP = {
    *(
        XSD[n]
        for n in [
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    ),
    OWL.real,
    OWL.rational,
    RDF.PlainLiteral,
    RDF.XMLLiteral,
    RDFS.Literal,
}
#: the published kind of the SKOS terms an export writes (SKOS reference, skos.rdf): a
#: DL reasoner that imports SKOS sees these declarations
SKOS_DECLARATIONS = """\
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
skos:prefLabel a owl:AnnotationProperty . skos:altLabel a owl:AnnotationProperty .
skos:definition a owl:AnnotationProperty .
skos:broader a owl:ObjectProperty . skos:member a owl:ObjectProperty .
skos:inScheme a owl:ObjectProperty . skos:hasTopConcept a owl:ObjectProperty .
skos:topConceptOf a owl:ObjectProperty .
skos:Concept a owl:Class . skos:ConceptScheme a owl:Class . skos:Collection a owl:Class .
"""

EXPORTS: dict[str, Callable[[], DutyGraph]] = {
    "demo": demo_graph,
    "demo+catalogue": lambda: catalogue_graph(with_demo=True),
    "scenario": lambda: DutyGraph(read_bundle(ACCEPTANCE).records()),
    "demo+json": _with_json_cells,  # a dispute's claims and decision, a department's attrs
}


@cache
def _ontology() -> Any:
    return rdflib.Graph().parse(ONTOLOGY / "dutygraph.ttl", format="turtle")


@cache
def _export(name: str) -> Any:
    return to_rdflib(EXPORTS[name](), as_of=AS_OF)


@cache
def _eli_export(name: str) -> Any:
    """``export --format eli`` of the acts the graph's bases cite, with the bases' links."""
    import io

    from dutygraph.io.rdf.eli import write_eli

    buf = io.StringIO()
    write_eli(EXPORTS[name](), buf)
    return rdflib.Graph().parse(data=buf.getvalue(), format="turtle")


def _merged(*graphs: Any) -> Any:
    out = rdflib.Graph()
    for g in graphs:
        for t in g:
            out.add(t)
    return out


# -- HermiT ---------------------------------------------------------------------------


_HERMIT = "org.semanticweb.HermiT.cli.CommandLine"


def _hermit_classpath() -> str:
    need(shutil.which("java") is not None, "no java on PATH: HermiT needs Java")
    try:
        import owlready2
    except ImportError:
        need(False, "owlready2 (which bundles HermiT) is not installed: pip install -e '.[test]'")
    jar = Path(owlready2.__file__).parent / "hermit"
    need((jar / "HermiT.jar").is_file(), f"no HermiT.jar in {jar}")
    return f"{jar}:{jar / 'HermiT.jar'}"


def _hermit(graph: Any, tmp_path: Path, *flags: str) -> tuple[bool, str]:
    """(consistent, HermiT's output) for ``graph``, written as RDF/XML."""
    classpath = _hermit_classpath()
    path = tmp_path / "onto.owl"
    graph.serialize(path, format="xml")
    run = subprocess.run(
        [
            "java",
            "-Xmx2g",
            "-cp",
            classpath,
            _HERMIT,
            *flags,
            "-k",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = run.stdout + run.stderr
    if "InconsistentOntologyException" in output:
        return False, output
    assert run.returncode == 0, output[-3000:]
    assert "owl#Thing is satisfiable" in output, output[-3000:]
    return True, output


def _skos() -> Any:
    return rdflib.Graph().parse(data=SKOS_DECLARATIONS, format="turtle")


def test_hermit_accepts_the_ontology_as_it_is(tmp_path: Path):
    """No flag: every datatype the ontology names is in the OWL 2 datatype map."""
    consistent, _ = _hermit(_merged(_ontology(), _skos()), tmp_path)
    assert consistent


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_hermit_finds_the_ontology_with_each_export_consistent(name: str, tmp_path: Path):
    """No datatype ignored: HermiT reads every literal of the export."""
    graph = _merged(_ontology(), _skos(), _export(name))
    consistent, output = _hermit(graph, tmp_path)
    assert consistent, output[-3000:]


@pytest.mark.parametrize(
    "predicate, literal",
    [
        ("code", Literal("四川", lang="zh")),  # @zh where the range is xsd:string
        ("validFrom", Literal("2025-01-01", datatype=XSD.string)),  # a string, not a dateTime
    ],
)
def test_hermit_finds_a_literal_against_its_range(predicate: str, literal: Any, tmp_path: Path):
    """The check can fail: a literal outside its property's range makes the export inconsistent."""
    graph = _merged(_ontology(), _skos(), _export("demo"))
    region = URIRef("https://w3id.org/dutygraph/id/region/510000")
    graph.add((region, URIRef(DG + predicate), literal))
    consistent, _ = _hermit(graph, tmp_path)
    assert not consistent


def test_the_law_corpus_eli_export_is_consistent_when_its_xsd_dates_are_ignored(tmp_path: Path):
    """The one export that is not OWL 2 DL: ``--format eli`` keeps ELI's ``xsd:date``
    (ELI's ranges); with those ignored, the ontology plus it is consistent."""
    eli = _eli_export("demo")
    assert {
        o.datatype for o in eli.objects() if isinstance(o, Literal) and o.datatype
    } - OWL2_MAP == {XSD.date}
    consistent, output = _hermit(
        _merged(_ontology(), _skos(), eli), tmp_path, "--ignoreUnsupportedDatatypes"
    )
    assert consistent, output[-3000:]


def test_hermit_refuses_what_is_outside_the_datatype_map(tmp_path: Path):
    """Why an export writes no xsd:date: HermiT, with no flag, does not accept one."""
    graph = _merged(_ontology(), _skos(), _export("demo"))
    duty = next(graph.subjects(RDF.type, URIRef(DG + "Duty")))
    graph.add((duty, URIRef(DG + "validTo"), Literal("2030-01-01", datatype=XSD.date)))
    path = tmp_path / "onto.owl"
    graph.serialize(path, format="xml")
    run = subprocess.run(
        ["java", "-cp", _hermit_classpath(), _HERMIT, "-k", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode != 0 and "UnsupportedDatatype" in run.stdout + run.stderr


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_nothing_in_an_export_is_outside_the_owl2_datatype_map(name: str):
    literals = [o for o in _export(name).objects() if isinstance(o, Literal)]
    datatypes = {o.datatype for o in literals if o.datatype is not None}
    assert datatypes - OWL2_MAP == set()
    # dates are there, as the start of a day in Beijing, and JSON cells are their text
    dates = {str(o) for o in literals if o.datatype == XSD.dateTime}
    assert dates and all(d.endswith("T00:00:00+08:00") for d in dates)


def test_the_ontology_names_no_datatype_outside_the_map():
    onto = _ontology()
    named = {o for p in (RDFS.range, OWL.onDatatype) for o in onto.objects(None, p)}
    datatypes = {o for o in named if str(o).startswith((str(XSD), str(RDF)))} - {
        RDF.Property,
        RDF.List,
    }
    assert datatypes and datatypes <= OWL2_MAP
    literal_types = {o.datatype for o in onto.objects() if isinstance(o, Literal) and o.datatype}
    assert literal_types <= OWL2_MAP


def test_no_data_property_specialises_an_annotation_property():
    onto = _merged(_ontology(), _skos())
    annotation = set(onto.subjects(RDF.type, OWL.AnnotationProperty))
    data = set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    bad = [(p, q) for p in data for q in onto.objects(p, RDFS.subPropertyOf) if q in annotation]
    assert bad == []


# -- OWL-RL ----------------------------------------------------------------------------


def _rl_errors(graph: Any) -> list[str]:
    try:
        import owlrl
        from owlrl.Namespaces import ERRNS
    except ImportError:
        need(False, "owlrl is not installed: pip install -e '.[test]'")

    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = [str(o) for o in graph.objects(None, ERRNS.error)]
    nothing = [str(s) for s in graph.subjects(RDF.type, OWL.Nothing)]
    return errors + [f"{s} is an owl:Nothing" for s in nothing]


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_the_owl_rl_closure_of_the_ontology_and_each_export_is_consistent(name: str):
    assert _rl_errors(_merged(_ontology(), _export(name))) == []


def test_the_owl_rl_closure_finds_a_planted_fault():
    graph = _merged(_ontology(), _export("demo"))
    dept = URIRef("https://w3id.org/dutygraph/id/department/N-SAMR")
    graph.add((dept, URIRef(DG + "vertical"), Literal("是", datatype=XSD.boolean)))
    assert _rl_errors(graph)


# -- ranges ------------------------------------------------------------------------------


@cache
def _shape_datatypes() -> dict[Any, set[Any]]:
    """dg: property -> the sh:datatype shapes.ttl requires of its values."""
    shapes = rdflib.Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    out: dict[Any, set[Any]] = {}
    for prop in shapes.subjects(SH.path, None):
        for dt in shapes.objects(prop, SH.datatype):
            for path in shapes.objects(prop, SH.path):
                out.setdefault(path, set()).add(dt)
    return out


def _fits(lit: Literal, datatype: Any) -> bool:
    if datatype == RDFS.Literal:
        return True
    if datatype in (RDF.langString, RDF.PlainLiteral) and lit.language:
        return True
    return lit.language is None and (lit.datatype or XSD.string) == datatype


def _off_range(export: Any) -> tuple[dict[str, int], set[Any]]:
    """What in ``export`` does not fit the ontology: each dg: literal outside its
    property's declared range (or shapes.ttl's datatype), each literal on an object
    property and each IRI on a data property; and the dg: properties seen."""
    onto = _ontology()
    ranges = {p: set(onto.objects(p, RDFS.range)) for p in onto.subjects(RDF.type, None)}
    data_props = set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    object_props = set(onto.subjects(RDF.type, OWL.ObjectProperty))
    bad: dict[str, int] = {}
    seen: set[Any] = set()
    for _, p, o in export:
        if not str(p).startswith(DG):
            continue
        seen.add(p)
        if isinstance(o, Literal):
            why = None
            if p not in data_props:
                why = "a literal on a property that is not a data property"
            elif not ranges.get(p):
                why = "no declared range"
            elif not all(_fits(o, r) for r in ranges[p]):
                why = f"outside {sorted(map(str, ranges[p]))}"
            elif not all(_fits(o, d) for d in _shape_datatypes().get(p, ())):
                why = f"not {sorted(map(str, _shape_datatypes()[p]))} (shapes.ttl)"
            if why:
                key = f"{p} {o.datatype or '@' + str(o.language)}: {why}"
                bad[key] = bad.get(key, 0) + 1
        elif p not in object_props:
            bad[f"{p}: an IRI on a property that is not an object property"] = 1
    return bad, seen


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_literal_matches_its_property_range(name: str):
    bad, seen = _off_range(_export(name))
    assert bad == {}
    # the check saw the properties whose ranges were wrong before (issue #20)
    assert {URIRef(DG + "issuer"), URIRef(DG + "article"), URIRef(DG + "validFrom")} <= seen


@pytest.mark.parametrize("name", ["demo", "demo+catalogue"])
def test_every_literal_matches_its_property_range_in_the_eli_export_too(name: str):
    """``export --format eli``: an act's level (位阶) is text on dg:lawLevel and an
    article's version a link on dg:inVersion — not dg:level (a region's level, whose
    range is the dg:Level concepts) and dg:lawVersion (a basis's version id, text)."""
    eli = _eli_export(name)
    bad, seen = _off_range(eli)
    assert bad == {}
    assert {URIRef(DG + "lawLevel"), URIRef(DG + "inVersion"), URIRef(DG + "paragraphs")} <= seen
    assert not {URIRef(DG + "level"), URIRef(DG + "lawVersion")} & seen
    levels = {str(o) for o in eli.objects(None, URIRef(DG + "lawLevel"))}
    assert {"法律", "行政法规"} <= levels


def test_the_range_check_finds_what_the_eli_export_wrote_before():
    """The check can fail: the ELI export's old dg:level text and dg:lawVersion link."""
    eli = _merged(_eli_export("demo"))
    act = next(eli.subjects(URIRef(DG + "lawLevel"), None))
    article, version = next(eli.subject_objects(URIRef(DG + "inVersion")))
    eli.add((act, URIRef(DG + "level"), Literal("法律", lang="zh")))
    eli.add((article, URIRef(DG + "lawVersion"), version))
    bad, _ = _off_range(eli)
    assert set(bad) == {
        f"{DG}level @zh: a literal on a property that is not a data property",
        f"{DG}lawVersion: an IRI on a property that is not an object property",
    }
