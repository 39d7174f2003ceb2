"""Governments, sub-organisations and change events: what an export says in W3C ORG and CPOV.

Beside the records, an export states for consumers of ORG and CPOV-AP:

* each region's government (人民政府; 国务院 at the root, 街道办事处 for a
  street) as a ``cv:PublicOrganisation`` ``<id/government/CODE>``, with
  ``skos:prefLabel`` and ``dct:title``\\@zh (CPOV-AP, CPSV-AP), ``dct:spatial``
  its region, and the departments of that region as its sub-organisations
  (``org:hasSubOrganization`` and, on each department, ``org:subOrganizationOf``);
* the governments linked along the region tree: the government of a region is
  ``org:subOrganizationOf`` the government of its parent region, which
  ``org:hasSubOrganization`` it. ORG defines the pair as hierarchical
  containment of organisations (both sub-properties of the transitive
  ``org:transitiveSubOrganizationOf``), CPOV-AP 2.1.2 lists both on
  ``org:Organization``, and the Constitution (宪法第一百一十条) makes each local
  people's government answer to the state administrative organ one level up,
  all of them under the State Council (国务院); a street office (街道办事处) is
  the district government's agency (派出机关). ``dct:spatial`` alone would only
  say where each acts, not which answers to which;
* each abolition, merger and succession as an ``org:ChangeEvent``
  ``<id/change/...>``: the departments abolished on one day into one successor
  are one event (a merger when there are several), ``org:originalOrganization``
  each of them (each ``org:changedBy`` it), ``org:resultingOrganization`` the
  successor (``org:resultedFrom`` it), ``prov:endedAtTime`` the start of the
  day the old departments stop (in Beijing time; a department is valid up to,
  not including, its ``valid_to``), and a ``dct:description``\\@zh.

Lines (条线) stay the concept scheme of :mod:`~dutygraph.io.rdf.standard`,
used through ``org:classification``. None of this is read back: it follows
from the regions and departments (their ``region``, ``valid_to`` and
``successor``).

>>> from dutygraph.fixtures import demo_graph
>>> g = demo_graph()
>>> government_name(g.regions["000000"]), government_name(g.regions["510104"])
('国务院', '锦江区人民政府')
>>> [o.value for s, pairs in organisation_blocks(g, g.regions, g.departments)
...  if s.startswith(CHANGE_BASE) for p, o in pairs if p.endswith("description")]
['锦江区商务局（JJ-SWJ）自 2024-03-01 撤销，由 锦江区经济科技和信息化局（JJ-JXJ）承继', '武侯区商务局（WH-SWJ）自 2024-03-01 撤销']
>>> [o for s, pairs in organisation_blocks(g, g.regions, []) if s == government_iri("510104")
...  for p, o in pairs if p == _SUB_OF]
['https://w3id.org/dutygraph/id/government/510100']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from ...graph import DutyGraph
from .standard import _DESCRIPTION, _IDENTIFIER, _SPATIAL, _TITLE, _zh
from .terms import (
    _P,
    CHANGE_BASE,
    GOVERNMENT_BASE,
    TYPE,
    Lit,
    Pairs,
    date_literal,
    node_iri,
)

_ORG = _P["org"]
_PUBLIC_ORGANISATION = _P["cv"] + "PublicOrganisation"
_ORGANIZATION = _ORG + "Organization"
_AGENT = _P["foaf"] + "Agent"
_CHANGE_EVENT = _ORG + "ChangeEvent"
_ACTIVITY = _P["prov"] + "Activity"
_HAS_SUB = _ORG + "hasSubOrganization"
_SUB_OF = _ORG + "subOrganizationOf"
_ORIGINAL = _ORG + "originalOrganization"
_RESULTING = _ORG + "resultingOrganization"
_CHANGED_BY = _ORG + "changedBy"
_RESULTED_FROM = _ORG + "resultedFrom"
_ENDED = _P["prov"] + "endedAtTime"
_PREF = _P["skos"] + "prefLabel"


def government_iri(code: str) -> str:
    """The node of the government of the region ``code``."""
    return GOVERNMENT_BASE + quote(code, safe="")


def government_name(region: Any) -> str:
    """``四川省人民政府``; ``国务院`` for the national root, ``…街道办事处`` for a street."""
    if region.parent is None or region.level == "national":
        return "国务院"
    if region.name.endswith("街道"):
        return region.name + "办事处"
    return region.name + "人民政府"


def _label(g: DutyGraph, dept: str) -> str:
    rec = g.departments.get(dept)
    return f"{rec.name}（{dept}）" if rec is not None else dept


def organisation_blocks(
    g: DutyGraph, regions: Iterable[str], departments: Iterable[str]
) -> Iterator[tuple[str, Pairs]]:
    """The governments of ``regions`` with their departments, and the departments' change events.

    Only what the export holds is linked: a department whose region is not
    exported has no government, and a change names only exported departments.
    """
    codes = [c for c in regions if c in g.regions]
    exported = set(codes)
    depts = [d for d in departments if d in g.departments]
    chosen = set(depts)
    by_region: dict[str, list[str]] = {}
    for d in depts:
        home = g.departments[d].region
        if home in exported:
            by_region.setdefault(home, []).append(d)
    below: dict[str, list[str]] = {}
    for code in codes:
        parent = g.regions[code].parent
        if parent in exported and parent != code:
            below.setdefault(parent, []).append(code)
    for code in codes:
        region = g.regions[code]
        name = government_name(region)
        subject = government_iri(code)
        members = sorted(by_region.get(code, ()))
        lower = sorted(below.get(code, ()))
        pairs: Pairs = [
            (TYPE, _PUBLIC_ORGANISATION),
            (TYPE, _ORGANIZATION),
            (TYPE, _AGENT),
            (_IDENTIFIER, Lit(f"GOV-{code}")),
            (_PREF, _zh(name)),
            (_TITLE, _zh(name)),
            (_DESCRIPTION, _zh(_government_text(region, name, len(members), len(lower)))),
            (_SPATIAL, node_iri("region", code)),
        ]
        if region.parent in exported and region.parent != code:
            pairs.append((_SUB_OF, government_iri(region.parent)))
        pairs.extend((_HAS_SUB, node_iri("department", d)) for d in members)
        pairs.extend((_HAS_SUB, government_iri(c)) for c in lower)
        yield subject, pairs
        for d in members:
            yield node_iri("department", d), [(_SUB_OF, subject)]
    yield from _change_blocks(g, depts, chosen)


def _government_text(region: Any, name: str, departments: int, lower: int) -> str:
    text = f"{region.name}（{region.code}）政府：{name}，所属部门 {departments} 个"
    return text + (f"，下级人民政府 {lower} 个" if lower else "")


def _change_blocks(g: DutyGraph, depts: list[str], chosen: set[str]) -> Iterator[tuple[str, Pairs]]:
    events: dict[tuple[str, str], list[str]] = {}
    for d in sorted(depts):
        rec = g.departments[d]
        successor = rec.successor if rec.successor in chosen else None
        if rec.valid_to is None and successor is None:
            continue
        # one event per successor and day (a merger), one per department abolished alone
        key = (successor, rec.valid_to or "") if successor else (d, rec.valid_to or "")
        events.setdefault(key, []).append(d)
    for (head, day), originals in sorted(events.items()):
        successor = head if head not in originals else None
        event = CHANGE_BASE + quote(head, safe="") + ("/" + day if day else "")
        names = "、".join(_label(g, d) for d in originals)
        text = f"{names}自 {day} 撤销" if day else f"{names}撤销"
        if successor and len(originals) > 1:
            text += f"，合并为 {_label(g, successor)}"
        elif successor:
            text += f"，由 {_label(g, successor)}承继"
        pairs: Pairs = [
            (TYPE, _CHANGE_EVENT),
            (TYPE, _ACTIVITY),
            (_IDENTIFIER, Lit(event[len(CHANGE_BASE) :])),
            (_DESCRIPTION, _zh(text)),
        ]
        if day:
            pairs.append((_ENDED, date_literal(day)))
        pairs.extend((_ORIGINAL, node_iri("department", d)) for d in originals)
        if successor:
            pairs.append((_RESULTING, node_iri("department", successor)))
        yield event, pairs
        for d in originals:
            yield node_iri("department", d), [(_CHANGED_BY, event)]
        if successor:
            yield node_iri("department", successor), [(_RESULTED_FROM, event)]
