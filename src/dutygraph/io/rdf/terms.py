"""The terms of dutygraph's RDF: node IRIs, prefixes, datatypes and literals."""

from __future__ import annotations

import re
from typing import Any, NamedTuple
from urllib.parse import quote, unquote

from ... import vocab

#: where every node of the data lives
ID_BASE = "https://w3id.org/dutygraph/id/"

#: export formats: name -> (media type, file suffix)
FORMATS = {
    "ttl": ("text/turtle", ".ttl"),
    "nt": ("application/n-triples", ".nt"),
    "jsonld": ("application/ld+json", ".jsonld"),
}
#: file suffixes :func:`read_rdf` reads, and their format
RDF_SUFFIXES = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".json-ld": "jsonld"}

_DG = vocab.NAMESPACE
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {
    "dg": _DG,
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "cpsv": "http://purl.org/vocab/cpsv#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdf": RDF,
    "xsd": XSD,
}
_P = PREFIXES
TYPE = RDF + "type"
XSD_STRING = XSD + "string"
XSD_DATE = XSD + "date"
XSD_DATETIME = XSD + "dateTime"
XSD_BOOLEAN = XSD + "boolean"
XSD_INTEGER = XSD + "integer"
RDF_JSON = RDF + "JSON"
RDF_LANGSTRING = RDF + "langString"
LANG = "zh"

# kind (record label) -> path segment of its IRIs
_SEGMENT = {
    "region": "region",
    "region_group": "region-group",
    "department": "department",
    "item": "item",
    "basis": "basis",
    "duty": "duty",
    "behavior": "behavior",
    "business_form": "business-form",
    "dispute": "dispute",
    "law": "law",
    "law_version": "law-version",
    "article": "article",
}
#: path segments of the nodes an export derives (not records; :func:`record_of_iri` says None)
LINE_BASE = ID_BASE + "line/"
LINE_SCHEME = ID_BASE + "line"
SERVICE_BASE = ID_BASE + "service/"
GOVERNMENT_BASE = ID_BASE + "government/"
CHANGE_BASE = ID_BASE + "change/"
_KIND_OF_SEGMENT = {v: k for k, v in _SEGMENT.items()}


# -- terms ---------------------------------------------------------------------


class Lit(NamedTuple):
    """A literal: lexical value, datatype IRI (``None``: a language string)."""

    value: str
    datatype: str | None = XSD_STRING
    lang: str | None = None


#: the time zone of every date: a dutygraph date is a calendar day in Beijing
TIMEZONE = "+08:00"
_DAY_START = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?" + re.escape(TIMEZONE) + "$")


def date_literal(day: str) -> Lit:
    """A date as OWL 2 DL can type it: the ``xsd:dateTime`` of the start of that day in Beijing.

    ``xsd:date`` is outside the OWL 2 datatype map, ``xsd:dateTime`` is in it; and
    the start of the day keeps the order of the dates (``[from, to)`` compare as days).

    >>> date_literal("2025-01-01").value
    '2025-01-01T00:00:00+08:00'
    """
    return Lit(f"{day}T00:00:00{TIMEZONE}", XSD_DATETIME)


def day_of(lexical: str, datatype: str | None) -> str | None:
    """The day a date literal stands for: ``xsd:dateTime`` at 00:00 Beijing time, or an ``xsd:date``.

    ``None`` when it is neither (another time of day, another zone, not a date).

    >>> day_of("2025-01-01T00:00:00+08:00", XSD_DATETIME), day_of("2025-01-01", XSD_DATE)
    ('2025-01-01', '2025-01-01')
    >>> day_of("2025-01-01T00:00:00Z", XSD_DATETIME) is None
    True
    """
    import datetime as dt

    text = lexical.strip()
    if datatype == XSD_DATETIME:
        m = _DAY_START.match(text)
        if m is None:
            return None
        text = m.group(1)
    elif datatype not in (XSD_DATE, XSD_STRING, None) or not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", text
    ):
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


#: an object is an IRI (``str``) or a :class:`Lit`
Pairs = list[tuple[str, Any]]


def node_iri(kind: str, key: str) -> str:
    """The IRI of the record of ``kind`` (a record label) with id ``key``."""
    return ID_BASE + _SEGMENT[kind] + "/" + quote(key, safe="")


def record_of_iri(iri: str) -> tuple[str, str] | None:
    """``(kind, id)`` for an IRI made by :func:`node_iri`, else ``None``.

    >>> record_of_iri("https://w3id.org/dutygraph/id/duty/N-SAMR%7CI-FOOD%7C000000%7Clead%7C%7C")
    ('duty', 'N-SAMR|I-FOOD|000000|lead||')
    """
    if not iri.startswith(ID_BASE):
        return None
    segment, _, rest = iri[len(ID_BASE) :].partition("/")
    kind = _KIND_OF_SEGMENT.get(segment)
    if kind is None or not rest or "/" in rest:
        return None
    return kind, unquote(rest)


_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _short(iri: str) -> str:
    for prefix, ns in _PREFIX_ORDER:
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"
