"""Clue routing, joint inspection and the one-industry guide over GraphQL, as typed answers.

Each field answers from the dict the matching command prints with ``--json``
(``dutygraph route``, ``dutygraph inspect``, ``dutygraph guide``), built by
the same functions, so the CLI and the API cannot disagree: the typed fields
read that dict (departments and items are nodes, bases are
:class:`~dutygraph.api.answers.BasisEvidence` with their issuer and article
text), and ``json`` gives it whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.scalars import JSON

from ..analysis.guide import build_guide, render_markdown
from ..analysis.inspect import plan_inspection
from ..analysis.route import route_clue
from ..cli.guide import guide_dict
from ..cli.inspect import plan_dict
from ..cli.route import routing_dict
from .answers import BasisEvidence, Candidate, MatchedItem
from .context import date_str
from .enums import PowerType, Role
from .fields import as_date, from_entry
from .types import (  # noqa: F401  (the links name Department, Item and Region)
    Department,
    Info,
    Item,
    Region,
    department_link,
    item_link,
    region_link,
)

__all__ = ["QUERIES", "AnalysisQueries", "ClueRouting", "IndustryGuide", "InspectionPlan"]


def _id(d: dict[str, Any] | str | None) -> str | None:
    """The id of a department dict (or the id itself)."""
    return d.get("id") if isinstance(d, dict) else d


def _whole(d: dict[str, Any]) -> JSON:
    # ``JSON(...)`` is strawberry's NewType over ``object``: the dict, unchanged
    return JSON(d)


@strawberry.type(description="A remark on an answer: what is missing or odd, and where.")
class AnalysisFinding:
    d: strawberry.Private[dict[str, Any]]

    kind = from_entry("kind", str)
    detail = from_entry("detail", str)
    item = item_link(lambda self: self.d.get("item"))
    department = department_link(lambda self: _id(self.d.get("department")))


def _findings(d: dict[str, Any]) -> list[AnalysisFinding]:
    return [AnalysisFinding(d=f) for f in d.get("findings", [])]


def _bases(d: dict[str, Any]) -> list[BasisEvidence]:
    return [BasisEvidence.of(b) for b in d.get("bases", [])]


@strawberry.type(description="线索分办: the items a complaint concerns and who leads and assists.")
class ClueRouting:
    d: strawberry.Private[dict[str, Any]]

    text = from_entry("text", str)
    region = region_link(lambda self: self.d.get("region"))
    as_of = from_entry("as_of", dt.date, convert=as_date)
    matched = from_entry("matched", bool, "Some item matched the text.")

    @strawberry.field(description="The items the text concerns, best first, with reasons.")
    def items(self) -> list[MatchedItem]:
        return [MatchedItem.of(i) for i in self.d["items"]]

    @strawberry.field(description="The departments to lead, best first.")
    def leads(self) -> list[Candidate]:
        return [Candidate(d=c) for c in self.d["leads"]]

    @strawberry.field(description="The departments to assist.")
    def assists(self) -> list[Candidate]:
        return [Candidate(d=c) for c in self.d["assists"]]

    @strawberry.field
    def findings(self) -> list[AnalysisFinding]:
        return _findings(self.d)

    @strawberry.field(description="The whole answer as `dutygraph route --json` prints it.")
    def json(self) -> JSON:
        return _whole(self.d)


@strawberry.type(description="A department taking part in a joint inspection, and its items.")
class InspectionParticipant:
    d: strawberry.Private[dict[str, Any]]

    department = department_link(lambda self: _id(self.d["department"]))
    key_items = from_entry("key_items", int, "How many of its items are key items (重点).")

    @strawberry.field(description="Its items merged into the inspection.")
    async def items(self, info: Info) -> list[Item]:
        found = await info.context.loaders.item.load_many(list(self.d["items"]))
        return [Item(rec=i) for i in found if i is not None]


@strawberry.type(description="An item merged into a joint inspection, with its bases.")
class InspectionItem:
    d: strawberry.Private[dict[str, Any]]

    item = item_link(lambda self: self.d["id"])
    name = from_entry("name", str)
    key_item = from_entry("key_item", bool)
    inherited = from_entry("inherited", bool, "Its lead was inherited from a region above.")
    objects = from_entry("objects", list[str], convert=list)

    @strawberry.field(description="The departments leading it here.")
    async def departments(self, info: Info) -> list[Department]:
        found = await info.context.loaders.department.load_many(list(self.d["departments"]))
        return [Department(rec=x) for x in found if x is not None]

    @strawberry.field
    def bases(self) -> list[BasisEvidence]:
        return _bases(self.d)


@strawberry.type(description="综合查一次: one joint inspection of a supervised object in a region.")
class InspectionPlan:
    d: strawberry.Private[dict[str, Any]]

    object = from_entry("object", str)
    region = region_link(lambda self: self.d.get("region"))
    as_of = from_entry("as_of", dt.date, convert=as_date)
    objects = from_entry("objects", list[str], "The supervised objects it covers.", list)
    joint = from_entry("joint", bool, "More than one department takes part.")
    lead = department_link(lambda self: _id(self.d.get("lead")), "Who leads the inspection.")
    lead_reasons = from_entry("lead_reasons", list[str], convert=list)

    @strawberry.field
    def participants(self) -> list[InspectionParticipant]:
        return [InspectionParticipant(d=p) for p in self.d["participants"]]

    @strawberry.field
    def items(self) -> list[InspectionItem]:
        return [InspectionItem(d=i) for i in self.d["items"]]

    @strawberry.field
    def findings(self) -> list[AnalysisFinding]:
        return _findings(self.d)

    @strawberry.field(description="The whole answer as `dutygraph inspect --json` prints it.")
    def json(self) -> JSON:
        return _whole(self.d)


@strawberry.type(description="One duty of a department in the guide: the item, its role, bases.")
class GuideEntry:
    d: strawberry.Private[dict[str, Any]]

    item = item_link(lambda self: self.d["item"])
    name = from_entry("name", str)
    power_type = from_entry("power_type", PowerType | None, default=None)
    role = from_entry("role", Role)
    key_item = from_entry("key_item", bool)
    inherited = from_entry("inherited", bool)

    @strawberry.field(description="Its legal bases, each with issuer, article and text.")
    def bases(self) -> list[BasisEvidence]:
        return _bases(self.d)


@strawberry.type(description="A department of the guide and its duties in the industry.")
class GuideDepartment:
    d: strawberry.Private[dict[str, Any]]

    department = department_link(lambda self: _id(self.d["department"]))

    @strawberry.field
    def entries(self) -> list[GuideEntry]:
        return [GuideEntry(d=e) for e in self.d["entries"]]


@strawberry.type(description="An item the industry touches, and why.")
class GuideItem:
    d: strawberry.Private[dict[str, Any]]

    item = item_link(lambda self: self.d["id"])
    name = from_entry("name", str)
    reasons = from_entry("reasons", list[str], convert=list)


@strawberry.type(description="一业一册: who does what for one industry, grouped by department.")
class IndustryGuide:
    d: strawberry.Private[dict[str, Any]]

    industry = from_entry("industry", str)
    region = region_link(lambda self: self.d.get("region"))
    as_of = from_entry("as_of", dt.date, convert=as_date)
    markdown = from_entry("markdown", str, "The guide as a Markdown document (in Chinese).")

    @strawberry.field
    def items(self) -> list[GuideItem]:
        return [GuideItem(d=i) for i in self.d["items"]]

    @strawberry.field
    def departments(self) -> list[GuideDepartment]:
        return [GuideDepartment(d=x) for x in self.d["departments"]]

    @strawberry.field
    def findings(self) -> list[AnalysisFinding]:
        return _findings(self.d)

    @strawberry.field(
        description="The whole answer as `dutygraph guide --json` prints it (and `markdown`)."
    )
    def json(self) -> JSON:
        return _whole(self.d)


@strawberry.type
class AnalysisQueries:
    @strawberry.field(
        description="线索分办: route a complaint text to the items it concerns and their lead "
        "and assisting departments in a region, with reasons."
    )
    def route_clue(
        self, info: Info, text: str, region: str | None = None, as_of: dt.date | None = None
    ) -> ClueRouting:
        g = info.context.graph
        routing = route_clue(g, text, region, date_str(as_of), info.context.lang)
        return ClueRouting(d=routing_dict(routing))

    @strawberry.field(
        description="综合查一次: one joint inspection of a supervised object in a region — the "
        "lead, the participants, the merged items with their bases."
    )
    def inspect_object(
        self, info: Info, object: str, region: str, as_of: dt.date | None = None
    ) -> InspectionPlan:
        g = info.context.graph
        plan = plan_inspection(g, object, region, date_str(as_of), info.context.lang)
        return InspectionPlan(d=plan_dict(plan))

    @strawberry.field(
        description="一业一册: every department, item, power type and legal basis touching an "
        "industry, grouped by department."
    )
    def industry_guide(
        self, info: Info, industry: str, region: str | None = None, as_of: dt.date | None = None
    ) -> IndustryGuide:
        guide = build_guide(info.context.graph, industry, region, date_str(as_of))
        return IndustryGuide(d={**guide_dict(guide), "markdown": render_markdown(guide)})


#: this module's contribution to the one ``Query`` type
QUERIES: list[type] = [AnalysisQueries]
