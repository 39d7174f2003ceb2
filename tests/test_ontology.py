"""The ontology (ontology/dutygraph.ttl), its SHACL shapes and dutygraph.vocab.

The ontology is a contract with the record model: every field of every record
has its dg: property by the naming rule, and no dg: class or property exists
that is neither a model field nor in the short list of non-field terms.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

rdflib = pytest.importorskip("rdflib")
pyshacl = pytest.importorskip("pyshacl")

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef  # noqa: E402
from rdflib.collection import Collection  # noqa: E402
from rdflib.namespace import OWL, SH, SKOS  # noqa: E402

from dutygraph import model  # noqa: E402
from dutygraph.vocab import (  # noqa: E402
    BASIS_KINDS,
    CONFLICT_KINDS,
    DG,
    GAP_KINDS,
    LEVELS,
    NAMESPACE,
    POWER_TYPES,
    ROLES,
    field_property,
)

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
NS = NAMESPACE
CV = Namespace("http://data.europa.eu/m8g/")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("http://schema.org/")

#: Record classes: the ones loaded from a bundle, plus the provenance record.
RECORDS = (*model.RECORD_TYPES, model.Origin)

#: dg: classes and properties that are not a record class or a model field.
NON_FIELD_TERMS = {
    # classes of the controlled vocabularies
    "Role",
    "Level",
    "BasisKind",
    "PowerType",
    "GapKind",
    "ConflictKind",
    # findings of the scans (SPEC §3) and what they carry beyond reused fields
    "Finding",
    "Gap",
    "Conflict",
    "asOf",
    "evidence",
    # the ELI export's (io/rdf/eli.py): Law.level and LawArticle.version, whose names by
    # the rule are a region's level (a concept) and an origin's version (text)
    "lawLevel",
    "inVersion",
}

PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}


def field_names(record: type) -> tuple[str, ...]:
    """The fields of a record class: a dataclass, or a named tuple (``Origin``)."""
    if dataclasses.is_dataclass(record):
        return tuple(f.name for f in dataclasses.fields(record))
    return tuple(record._fields)  # type: ignore[attr-defined]


def camel(name: str) -> str:
    """The naming rule, written out independently of dutygraph.vocab."""
    special = {"attrs": "attribute"}
    if name in special:
        return special[name]
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY / "dutygraph.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")


def dg_terms(g: Graph) -> set[str]:
    return {
        str(s)[len(NS) :]
        for s in g.subjects()
        if isinstance(s, URIRef) and str(s).startswith(NS) and len(str(s)) > len(NS)
    }


def classes(g: Graph) -> set[str]:
    return {t for t in dg_terms(g) if (DG[t], RDF.type, OWL.Class) in g}


def properties(g: Graph) -> set[str]:
    return {t for t in dg_terms(g) if set(g.objects(DG[t], RDF.type)) & PROPERTY_TYPES}


# --------------------------------------------------------------------------- files


def test_both_files_parse(onto: Graph, shapes: Graph) -> None:
    assert (URIRef("https://w3id.org/dutygraph"), RDF.type, OWL.Ontology) in onto
    assert len(onto) > 500
    assert set(shapes.subjects(RDF.type, SH.NodeShape))


# --------------------------------------------------------------------------- terms


def test_every_record_class_has_its_class(onto: Graph) -> None:
    missing = [cls.__name__ for cls in RECORDS if cls.__name__ not in classes(onto)]
    assert not missing, f"no dg: class for {missing}"


@pytest.mark.parametrize("record", RECORDS, ids=lambda c: c.__name__)
def test_every_field_has_its_property(onto: Graph, record: type) -> None:
    props = properties(onto)
    missing = [
        f"{record.__name__}.{name} -> dg:{camel(name)}"
        for name in field_names(record)
        if camel(name) not in props
    ]
    assert not missing, f"fields without a dg: property: {missing}"


def test_no_orphan_terms(onto: Graph) -> None:
    used = {cls.__name__ for cls in RECORDS} | {
        camel(name) for cls in RECORDS for name in field_names(cls)
    }
    orphans = (classes(onto) | properties(onto)) - used - NON_FIELD_TERMS
    assert not orphans, f"dg: terms used by no model field: {sorted(orphans)}"
    stale = NON_FIELD_TERMS - classes(onto) - properties(onto)
    assert not stale, f"listed non-field terms missing from the ontology: {sorted(stale)}"


def test_every_term_has_zh_and_en_label_and_comment(onto: Graph) -> None:
    bad = []
    for t in sorted(dg_terms(onto)):
        for pred in (RDFS.label, RDFS.comment):
            langs = {o.language for o in onto.objects(DG[t], pred) if isinstance(o, Literal)}
            if not {"zh", "en"} <= langs:
                bad.append(f"dg:{t} {pred.n3(onto.namespace_manager)} {sorted(map(str, langs))}")
    assert not bad, bad


def test_every_term_is_typed_and_defined_by_the_ontology(onto: Graph) -> None:
    untyped = [t for t in dg_terms(onto) if not set(onto.objects(DG[t], RDF.type))]
    assert not untyped
    undefined = [
        t
        for t in dg_terms(onto)
        if (DG[t], RDFS.isDefinedBy, URIRef("https://w3id.org/dutygraph")) not in onto
    ]
    assert not undefined


@pytest.mark.parametrize(
    ("sub", "pred", "sup"),
    [
        (DG.Department, RDFS.subClassOf, CV.PublicOrganisation),
        (DG.Department, RDFS.subClassOf, ORG.Organization),
        (DG.Duty, RDFS.subClassOf, CV.Participation),
        (DG.Item, RDFS.subClassOf, CPSV.PublicService),
        (DG.LegalBasis, RDFS.subClassOf, ELI.LegalResource),
        (DG.Region, RDFS.subClassOf, DCT.Location),
        (DG.Region, RDFS.subClassOf, SKOS.Concept),
        (DG.Origin, RDFS.subClassOf, PROV.Entity),
        (DG.parent, RDFS.subPropertyOf, SKOS.broader),
        (DG.superior, RDFS.subPropertyOf, ORG.subOrganizationOf),
        (DG.origin, RDFS.subPropertyOf, PROV.wasDerivedFrom),
        (DG.validFrom, RDFS.subPropertyOf, SCHEMA.validFrom),
        (DG.role, RDFS.subPropertyOf, CV.role),
        (DG.department, RDFS.subPropertyOf, CV.hasParticipant),
        (DG.region, RDFS.subPropertyOf, DCT.spatial),
        (DG.validTo, RDFS.seeAlso, ELI.date_no_longer_in_force),
    ],
)
def test_alignment(onto: Graph, sub: URIRef, pred: URIRef, sup: URIRef) -> None:
    assert (sub, pred, sup) in onto


# --------------------------------------------------------------------------- vocab.py


def test_dg_namespace_equals_the_ontology_terms(onto: Graph) -> None:
    listed = {str(u)[len(NS) :] for u in dir(DG)}
    assert listed == dg_terms(onto)
    with pytest.raises(AttributeError):
        _ = DG.boss


def test_field_property_follows_the_naming_rule() -> None:
    for record in RECORDS:
        for name in field_names(record):
            assert field_property(name) == URIRef(NS + camel(name))


def _analysis_kinds() -> tuple[tuple[str, ...], tuple[str, ...]]:
    from dutygraph.analysis.conflicts import CONFLICT_KINDS as conflict_kinds
    from dutygraph.analysis.gaps import GAP_KINDS as gap_kinds

    return gap_kinds, conflict_kinds


@pytest.mark.parametrize(
    ("mapping", "values", "cls", "scheme"),
    [
        (ROLES, model.ROLES, DG.Role, DG.roleScheme),
        (LEVELS, model.LEVELS, DG.Level, DG.levelScheme),
        (BASIS_KINDS, model.BASIS_KINDS, DG.BasisKind, DG.basisKindScheme),
        (POWER_TYPES, model.POWER_TYPES, DG.PowerType, DG.powerTypeScheme),
        (GAP_KINDS, _analysis_kinds()[0], DG.GapKind, DG.gapKindScheme),
        (CONFLICT_KINDS, _analysis_kinds()[1], DG.ConflictKind, DG.conflictKindScheme),
    ],
    ids=["roles", "levels", "basis-kinds", "power-types", "gap-kinds", "conflict-kinds"],
)
def test_controlled_values_are_concepts(
    onto: Graph, mapping: dict[str, URIRef], values: tuple[str, ...], cls: URIRef, scheme: URIRef
) -> None:
    assert tuple(mapping) == tuple(values)
    members = set(onto.subjects(RDF.type, cls))
    assert members == set(mapping.values())
    for value, concept in mapping.items():
        assert (concept, SKOS.notation, Literal(value)) in onto
        assert (concept, SKOS.inScheme, scheme) in onto
        assert (concept, RDF.type, SKOS.Concept) in onto


def _in_list(shapes: Graph, path: URIRef) -> set[URIRef]:
    found: set[URIRef] = set()
    for prop in shapes.subjects(SH.path, path):
        for head in shapes.objects(prop, SH["in"]):
            found |= set(Collection(shapes, head))
    return found


@pytest.mark.parametrize(
    ("path", "mapping"),
    [
        (DG.role, ROLES),
        (DG.level, LEVELS),
        (DG.levels, LEVELS),
        (DG.powerType, POWER_TYPES),
    ],
)
def test_shape_value_lists_match_the_concepts(
    shapes: Graph, path: URIRef, mapping: dict[str, URIRef]
) -> None:
    assert _in_list(shapes, path) == set(mapping.values())


def test_kind_value_lists_match_the_concepts(shapes: Graph) -> None:
    kinds = set(BASIS_KINDS.values()) | set(GAP_KINDS.values()) | set(CONFLICT_KINDS.values())
    assert _in_list(shapes, DG.kind) == kinds


# --------------------------------------------------------------------------- SHACL

PREFIXES = """\
@prefix dg:  <https://w3id.org/dutygraph#> .
@prefix ex:  <https://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

GOOD = (
    PREFIXES
    + """
ex:r000000 a dg:Region ; dg:code "000000" ; dg:name "全国" ; dg:level dg:national .
ex:r330000 a dg:Region ; dg:code "330000" ; dg:name "浙江省" ; dg:level dg:province ;
    dg:parent ex:r000000 .
ex:r330106 a dg:Region ; dg:code "330106" ; dg:name "西湖区" ; dg:level dg:county ;
    dg:parent ex:r330000 .
ex:r330106001000 a dg:Region ; dg:code "330106001000" ; dg:name "北山街道" ;
    dg:level dg:township ; dg:parent ex:r330106 .
ex:gCSJ a dg:RegionGroup ; dg:id "G-CSJ" ; dg:name "长三角" ; dg:members ex:r330000 .

ex:dSAMR a dg:Department ; dg:id "N-SAMR" ; dg:name "国家市场监督管理总局" ;
    dg:region ex:r000000 ; dg:systems "market-regulation" ; dg:aliases "市场监管总局" .
ex:dXH a dg:Department ; dg:id "XH-SCJ" ; dg:name "西湖区市场监督管理局" ;
    dg:region ex:r330106 ; dg:systems "market-regulation" ; dg:vertical false ;
    dg:validFrom "2019-01-01T00:00:00+08:00"^^xsd:dateTime ;
    dg:origin [ a dg:Origin ; dg:file "departments.csv" ; dg:row 3 ; dg:version "2024" ] ;
    dg:attribute '{"备注": "综合行政执法"}' .
ex:dNHC a dg:Department ; dg:id "N-NHC" ; dg:name "国家卫生健康委员会" ; dg:region ex:r000000 .

ex:iFood a dg:Item ; dg:id "I-FOOD" ; dg:name "食品安全监督管理" ; dg:domain "食品" ;
    dg:powerType dg:administrativeInspection ; dg:objects "食品生产经营者" ;
    dg:keywords "食品", "食品安全" ; dg:levels dg:national, dg:county ; dg:keyItem true .
ex:iFoodSale a dg:Item ; dg:id "I-FOOD-SALE" ; dg:name "食品销售监督检查" ; dg:parent ex:iFood .

ex:bFSL a dg:LegalBasis ; dg:id "B-FSL-6" ; dg:title "中华人民共和国食品安全法" ; dg:kind dg:law ;
    dg:issuer "全国人民代表大会常务委员会" ; dg:article "第六条" ;
    dg:validFrom "2015-10-01T00:00:00+08:00"^^xsd:dateTime .
ex:bFHL a dg:LegalBasis ; dg:id "B-FHL" ; dg:title "中华人民共和国食品卫生法" ; dg:kind dg:law ;
    dg:validFrom "1995-10-30T00:00:00+08:00"^^xsd:dateTime ; dg:validTo "2009-06-01T00:00:00+08:00"^^xsd:dateTime .

ex:duty1 a dg:Duty ; dg:department ex:dSAMR ; dg:item ex:iFood ; dg:region ex:r000000 ;
    dg:role dg:lead ; dg:bases ex:bFSL ; dg:validFrom "2018-09-10T00:00:00+08:00"^^xsd:dateTime ;
    dg:source "national-catalogue" .
ex:duty2 a dg:Duty ; dg:department ex:dNHC ; dg:item ex:iFood ; dg:region ex:r000000 ;
    dg:role dg:assist ; dg:bases ex:bFSL ; dg:validFrom "2018-09-10T00:00:00+08:00"^^xsd:dateTime .
# an earlier lead, closed the day the next one starts: half-open, so no overlap
ex:duty0 a dg:Duty ; dg:department ex:dNHC ; dg:item ex:iFood ; dg:region ex:r000000 ;
    dg:role dg:lead ; dg:bases ex:bFHL ; dg:validFrom "2009-06-01T00:00:00+08:00"^^xsd:dateTime ;
    dg:validTo "2018-09-10T00:00:00+08:00"^^xsd:dateTime .
ex:duty3 a dg:Duty ; dg:department ex:dXH ; dg:item ex:iFoodSale ; dg:region ex:r330106 ;
    dg:role dg:territorial ; dg:bases ex:bFSL ; dg:line "market-regulation" .

ex:bhSale a dg:Behavior ; dg:id "BH-FOODSALE" ; dg:name "销售食品" ; dg:items ex:iFoodSale ;
    dg:keywords "卖食品" .
ex:bfShop a dg:BusinessForm ; dg:id "BF-SHOP" ; dg:name "无人零售" ; dg:description "自助售货" ;
    dg:behaviors ex:bhSale ; dg:lead ex:dSAMR ; dg:assist ex:dNHC ;
    dg:settledOn "2022-01-01T00:00:00+08:00"^^xsd:dateTime ; dg:basis ex:bFSL .
ex:disp1 a dg:Dispute ; dg:id "D-1" ; dg:parties ex:dSAMR, ex:dNHC ; dg:subject "I-FOOD-SALE" ;
    dg:region ex:r330106 ; dg:raisedOn "2024-03-01T00:00:00+08:00"^^xsd:dateTime ; dg:status "open" ;
    dg:claims '{"N-SAMR": "assist", "N-NHC": "assist"}' .

ex:gap1 a dg:Gap ; dg:kind dg:noLead ; dg:item ex:iFoodSale ; dg:region ex:r330106 ;
    dg:asOf "2024-06-01T00:00:00+08:00"^^xsd:dateTime ; dg:description "no lead on the path" .
"""
)

BAD = (
    PREFIXES
    + """
ex:r000000 a dg:Region ; dg:code "000000" ; dg:name "全国" ; dg:level dg:national .
ex:dSAMR a dg:Department ; dg:id "N-SAMR" ; dg:name "国家市场监督管理总局" ;
    dg:region ex:r000000 .
ex:iFood a dg:Item ; dg:id "I-FOOD" ; dg:name "食品安全监督管理" .
ex:bFSL a dg:LegalBasis ; dg:id "B-FSL-6" ; dg:title "中华人民共和国食品安全法" ; dg:kind dg:law .

# planted: a role that is not one of lead, assist, territorial
ex:dutyBoss a dg:Duty ; dg:department ex:dSAMR ; dg:item ex:iFood ; dg:region ex:r000000 ;
    dg:role dg:boss ; dg:bases ex:bFSL .
# planted: valid_from after valid_to
ex:dutyReversed a dg:Duty ; dg:department ex:dSAMR ; dg:item ex:iFood ; dg:region ex:r000000 ;
    dg:role dg:assist ; dg:bases ex:bFSL ;
    dg:validFrom "2024-01-01T00:00:00+08:00"^^xsd:dateTime ; dg:validTo "2023-01-01T00:00:00+08:00"^^xsd:dateTime .
"""
)


def validate(data: str, shapes: Graph, onto: Graph | None = None, **kw) -> tuple[bool, list]:
    g = Graph().parse(data=data, format="turtle")
    conforms, report, _ = pyshacl.validate(
        g, shacl_graph=shapes, ont_graph=onto, inference="none", **kw
    )
    results = [
        {
            "focus": report.value(r, SH.focusNode),
            "path": report.value(r, SH.resultPath),
            "component": report.value(r, SH.sourceConstraintComponent),
            "severity": report.value(r, SH.resultSeverity),
            "messages": [str(m) for m in report.objects(r, SH.resultMessage)],
        }
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return conforms, results


EX = Namespace("https://example.org/")


def test_conforming_data_passes(shapes: Graph, onto: Graph) -> None:
    conforms, results = validate(GOOD, shapes, onto)
    assert conforms, results
    assert results == []


def test_planted_violations_fail_with_their_focus_nodes(shapes: Graph) -> None:
    conforms, results = validate(BAD, shapes)
    assert not conforms
    found = {(r["focus"], r["path"], r["component"]) for r in results}
    assert (EX.dutyBoss, DG.role, SH.InConstraintComponent) in found
    assert (EX.dutyReversed, DG.validFrom, SH.LessThanConstraintComponent) in found
    assert {r["focus"] for r in results} == {EX.dutyBoss, EX.dutyReversed}
    assert all(r["severity"] == SH.Violation for r in results)


@pytest.mark.parametrize(
    ("old", "new", "focus", "path", "component"),
    [
        ('dg:code "330106"', 'dg:code "33010"', EX.r330106, DG.code, SH.PatternConstraintComponent),
        (
            'dg:code "330106"',
            'dg:code "330106001"',
            EX.r330106,
            DG.code,
            SH.PatternConstraintComponent,
        ),
        ("dg:level dg:county", "dg:level dg:city", EX.r330106, DG.level, SH.InConstraintComponent),
        (
            "dg:powerType dg:administrativeInspection",
            "dg:powerType dg:supervision",
            EX.iFood,
            DG.powerType,
            SH.InConstraintComponent,
        ),
        (
            'dg:title "中华人民共和国食品卫生法" ; dg:kind dg:law',
            'dg:title "中华人民共和国食品卫生法" ; dg:kind dg:statute',
            EX.bFHL,
            DG.kind,
            SH.InConstraintComponent,
        ),
        (
            'dg:validFrom "2018-09-10T00:00:00+08:00"^^xsd:dateTime ;\n    dg:source',
            'dg:validFrom "2018-09-10" ;\n    dg:source',
            EX.duty1,
            DG.validFrom,
            SH.DatatypeConstraintComponent,
        ),
        (
            "ex:duty3 a dg:Duty ; dg:department ex:dXH ;",
            "ex:duty3 a dg:Duty ; dg:department ex:dXH, ex:dSAMR ;",
            EX.duty3,
            DG.department,
            SH.MaxCountConstraintComponent,
        ),
        (
            "ex:duty3 a dg:Duty ; dg:department ex:dXH ; dg:item ex:iFoodSale ;",
            "ex:duty3 a dg:Duty ; dg:department ex:dXH ;",
            EX.duty3,
            DG.item,
            SH.MinCountConstraintComponent,
        ),
        (
            "dg:role dg:territorial",
            "dg:role dg:territorial, dg:assist",
            EX.duty3,
            DG.role,
            SH.MaxCountConstraintComponent,
        ),
        (
            'ex:dNHC a dg:Department ; dg:id "N-NHC" ;',
            "ex:dNHC a dg:Department ;",
            EX.dNHC,
            DG.id,
            SH.MinCountConstraintComponent,
        ),
        ("dg:row 3", "dg:row 0", None, DG.row, SH.MinInclusiveConstraintComponent),
    ],
    ids=[
        "short-code",
        "nine-digit-code",
        "level",
        "power-type",
        "basis-kind",
        "untyped-date",
        "two-departments",
        "no-item",
        "two-roles",
        "no-id",
        "row-zero",
    ],
)
def test_each_invariant_is_checked(
    shapes: Graph, old: str, new: str, focus: URIRef | None, path: URIRef, component: URIRef
) -> None:
    assert GOOD.count(old) == 1, old
    conforms, results = validate(GOOD.replace(old, new), shapes)
    assert not conforms
    hits = [r for r in results if r["path"] == path and r["component"] == component]
    assert hits, results
    if focus is not None:
        assert {r["focus"] for r in hits} == {focus}
    assert all(r["severity"] == SH.Violation for r in hits)


def test_duty_without_basis_is_a_warning(shapes: Graph) -> None:
    data = GOOD.replace("dg:role dg:territorial ; dg:bases ex:bFSL ;", "dg:role dg:territorial ;")
    conforms, results = validate(data, shapes)
    assert not conforms
    assert [(r["focus"], r["path"], r["severity"]) for r in results] == [
        (EX.duty3, DG.bases, SH.Warning)
    ]
    assert validate(data, shapes, allow_warnings=True)[0]


def test_two_overlapping_leads_are_a_warning(shapes: Graph) -> None:
    # duty0 (NHC, lead until 2018-09-10) now runs one more day: it overlaps duty1 (SAMR)
    data = GOOD.replace(
        'dg:validTo "2018-09-10T00:00:00+08:00"^^xsd:dateTime',
        'dg:validTo "2018-09-11T00:00:00+08:00"^^xsd:dateTime',
    )
    conforms, results = validate(data, shapes)
    assert not conforms
    assert {r["focus"] for r in results} == {EX.duty0, EX.duty1}
    assert all(r["severity"] == SH.Warning for r in results)
    assert all(r["component"] == SH.SPARQLConstraintComponent for r in results)
    assert any("MULTIPLE_LEADS" in m for r in results for m in r["messages"])
    assert validate(data, shapes, allow_warnings=True)[0]


def test_open_ended_leads_overlap(shapes: Graph) -> None:
    data = GOOD.replace(
        'dg:validFrom "2009-06-01T00:00:00+08:00"^^xsd:dateTime ;\n    dg:validTo "2018-09-10T00:00:00+08:00"^^xsd:dateTime .',
        ".",
    )
    assert data != GOOD
    _, results = validate(data, shapes)
    assert {r["focus"] for r in results} == {EX.duty0, EX.duty1}


def test_same_department_twice_is_not_multiple_leads(shapes: Graph) -> None:
    data = GOOD + (
        "ex:duty1b a dg:Duty ; dg:department ex:dSAMR ; dg:item ex:iFood ;"
        ' dg:region ex:r000000 ; dg:role dg:lead ; dg:bases ex:bFSL ; dg:line "food" ;'
        ' dg:validFrom "2018-09-10T00:00:00+08:00"^^xsd:dateTime .\n'
    )
    conforms, results = validate(data, shapes)
    assert conforms, results
