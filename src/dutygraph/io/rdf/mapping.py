"""The mapping between record fields and predicates, both ways."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from ... import vocab
from ...model import RECORD_TYPES
from ...vocab import DG, field_property
from .terms import _P


@dataclass(frozen=True, slots=True)
class _Field:
    """How one record field is written as triples, and read back.

    The predicate is dutygraph's property for the field (its name in
    lowerCamelCase, :func:`dutygraph.vocab.field_property`); ``also`` are the
    standard properties it specialises, written beside it for consumers that
    know only those (and ignored on reading).
    """

    name: str
    codec: str  # text, label, date, bool, json, ref, enum
    target: str = ""  # ref: the kind referred to; enum: the name of the value map
    required: bool = False
    also: tuple[str, ...] = ()

    @property
    def predicate(self) -> str:
        return str(field_property(self.name))


_SKOS = _P["skos"]
_DCT = _P["dct"]
_CV = _P["cv"]
_ELI = _P["eli"]
_NAME = _Field("name", "label", required=True, also=(_SKOS + "prefLabel",))
_IDF = _Field("id", "text", required=True)
_FROM = _Field("valid_from", "date")
_TO = _Field("valid_to", "date")

#: kind -> (dutygraph class, standard classes, fields). The id field comes first.
MAPPING: dict[str, tuple[str, tuple[str, ...], tuple[_Field, ...]]] = {
    "region": (
        str(DG.Region),
        (_SKOS + "Concept", _DCT + "Location"),
        (
            _Field("code", "text", required=True, also=(_SKOS + "notation",)),
            _NAME,
            _Field("level", "enum", "level", required=True),
            _Field("parent", "ref", "region", also=(_SKOS + "broader",)),
        ),
    ),
    "region_group": (
        str(DG.RegionGroup),
        (_SKOS + "Collection", _DCT + "Location"),
        (_IDF, _NAME, _Field("members", "ref", "region", also=(_SKOS + "member",))),
    ),
    "department": (
        str(DG.Department),
        (_CV + "PublicOrganisation", _P["org"] + "Organization", _P["foaf"] + "Agent"),
        (
            _IDF,
            _NAME,
            _Field("region", "ref", "region", required=True, also=(_DCT + "spatial",)),
            _Field("systems", "text"),
            _Field("superior", "ref", "department", also=(_P["org"] + "subOrganizationOf",)),
            _Field("vertical", "bool"),
            _Field("aliases", "label"),  # the first is also skos:altLabel (io/rdf/standard.py)
            _FROM,
            _TO,
            _Field("successor", "ref", "department", also=(_DCT + "isReplacedBy",)),
        ),
    ),
    "item": (
        str(DG.Item),
        (),  # cpsv:PublicService when it has a competent authority as of the date (standard.py)
        (
            _IDF,
            _NAME,
            _Field("parent", "ref", "item", also=(_SKOS + "broader",)),
            _Field("domain", "text"),
            _Field("power_type", "enum", "power_type"),
            _Field("objects", "text"),
            _Field("keywords", "text"),
            _Field("levels", "enum", "level"),
            _Field("key_item", "bool"),
        ),
    ),
    "basis": (
        str(DG.LegalBasis),
        (_ELI + "LegalResource",),  # + eli:LegalResourceSubdivision when it names an article
        (
            _IDF,
            _Field("title", "label", required=True, also=(_ELI + "title",)),
            _Field("kind", "enum", "basis_kind", required=True),
            _Field("issuer", "label"),
            _Field("article", "label"),
            # not also ELI's in-force dates: those are xsd:date (outside OWL 2 DL) and ELI's
            # last day in force is the day before valid_to; the ELI export has them
            _FROM,
            _TO,
            # what the import found in the law corpus (dutygraph.io.laws.cite)
            _Field("law_version", "text"),
            _Field("law_from", "date"),
            _Field("law_to", "date"),
        ),
    ),
    "duty": (
        str(DG.Duty),
        (_CV + "Participation",),
        (
            _Field("department", "ref", "department", True, (_CV + "hasParticipant",)),
            _Field("item", "ref", "item", required=True),
            _Field("region", "ref", "region", required=True, also=(_DCT + "spatial",)),
            _Field("role", "enum", "role", required=True, also=(_CV + "role",)),
            _Field("bases", "ref", "basis", also=(_CV + "hasLegalResource",)),
            _FROM,
            _TO,
            _Field("source", "text"),
            _Field("line", "text"),
        ),
    ),
    "behavior": (
        str(DG.Behavior),
        (),
        (_IDF, _NAME, _Field("items", "ref", "item"), _Field("keywords", "text")),
    ),
    "business_form": (
        str(DG.BusinessForm),
        (),
        (
            _IDF,
            _NAME,
            _Field("description", "label", also=(_DCT + "description",)),
            _Field("behaviors", "ref", "behavior"),
            _Field("lead", "ref", "department"),
            _Field("assist", "ref", "department"),
            _Field("settled_on", "date"),
            _Field("basis", "ref", "basis"),
        ),
    ),
    "dispute": (
        str(DG.Dispute),
        (),
        (
            _IDF,
            _Field("parties", "ref", "department"),
            _Field("subject", "text", required=True),
            _Field("region", "ref", "region", required=True, also=(_DCT + "spatial",)),
            _Field("raised_on", "date", required=True),
            _Field("status", "text"),
            _Field("claims", "json"),
            _Field("decision", "json"),
        ),
    ),
}

_ATTRS = str(DG.attribute)
_ORIGIN = str(DG.origin)
_ORIGIN_CLASS = str(DG.Origin)
_DERIVED = _P["prov"] + "wasDerivedFrom"
_ENTITY = _P["prov"] + "Entity"
_ORIGIN_FIELDS = tuple(
    (name, str(field_property(name))) for name in ("file", "sheet", "row", "version")
)
_COMPETENT = _CV + "hasCompetentAuthority"
_PARTICIPATION = _CV + "hasParticipation"
_ELI_SUBDIVISION = _ELI + "LegalResourceSubdivision"
_CLASS_KIND = {cls: kind for kind, (cls, _, _) in MAPPING.items()}
#: enum name -> {model value: concept IRI}
_ENUMS: dict[str, dict[str, str]] = {
    "role": {k: str(v) for k, v in vocab.ROLES.items()},
    "level": {k: str(v) for k, v in vocab.LEVELS.items()},
    "basis_kind": {k: str(v) for k, v in vocab.BASIS_KINDS.items()},
    "power_type": {k: str(v) for k, v in vocab.POWER_TYPES.items()},
}
_ENUM_VALUES = {name: {v: k for k, v in m.items()} for name, m in _ENUMS.items()}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_CLASSES = {cls.label: cls for cls in RECORD_TYPES}
#: kind -> the fields that hold several values (tuples)
_TUPLE_FIELDS = {
    cls.label: {f.name for f in fields(cls) if str(f.type).startswith("tuple")}
    for cls in RECORD_TYPES
}
