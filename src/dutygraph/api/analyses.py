"""Clue routing, joint inspection and the one-industry guide over GraphQL.

Each field returns JSON in the shape the matching command prints with
``--json`` (``dutygraph route``, ``dutygraph inspect``, ``dutygraph guide``),
built by the same functions, so the CLI and the API cannot disagree.
"""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from ..analysis.guide import build_guide, render_markdown
from ..analysis.inspect import plan_inspection
from ..analysis.route import route_clue
from ..cli.guide import guide_dict
from ..cli.inspect import plan_dict
from ..cli.route import routing_dict
from .context import date_str
from .types import Info

__all__ = ["QUERIES", "AnalysisQueries"]


# ``JSON(...)`` is strawberry's NewType over ``object``: it returns its argument
# unchanged, and tells the type checker the dict is the JSON scalar
@strawberry.type
class AnalysisQueries:
    @strawberry.field(
        description="线索分办: route a complaint text to the items it concerns and their lead "
        "and assisting departments in a region, with reasons."
    )
    def route_clue(
        self, info: Info, text: str, region: str | None = None, as_of: dt.date | None = None
    ) -> JSON:
        return JSON(routing_dict(route_clue(info.context.graph, text, region, date_str(as_of))))

    @strawberry.field(
        description="综合查一次: one joint inspection of a supervised object in a region — the "
        "lead, the participants, the merged items with their bases."
    )
    def inspect_object(
        self, info: Info, object: str, region: str, as_of: dt.date | None = None
    ) -> JSON:
        return JSON(plan_dict(plan_inspection(info.context.graph, object, region, date_str(as_of))))

    @strawberry.field(
        description="一业一册: every department, item, power type and legal basis touching an "
        "industry, grouped by department (JSON; markdown in the `markdown` key)."
    )
    def industry_guide(
        self, info: Info, industry: str, region: str | None = None, as_of: dt.date | None = None
    ) -> JSON:
        guide = build_guide(info.context.graph, industry, region, date_str(as_of))
        return JSON({**guide_dict(guide), "markdown": render_markdown(guide)})


#: this module's contribution to the one ``Query`` type
QUERIES: list[type] = [AnalysisQueries]
