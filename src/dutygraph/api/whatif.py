"""``whatIf(scenario: ScenarioInput | file: Upload, region, asOf)``: the what-if diff over GraphQL.

The scenario comes as input, one ``ScenarioChangeInput`` per change with the
column names of a scenario file (:mod:`dutygraph.io.scenario`), or as the file
itself, uploaded (``file: Upload``, the GraphQL multipart request: a TOML, CSV
or XLSX file, its problems located by its own name, row and column); exactly
one of the two. It is read with the same checks, applied to a copy of the API's snapshot (never the store), and
compared with :func:`dutygraph.analysis.whatif.what_if` — the CLI's
``dutygraph whatif`` answers the same. The diff is typed; ``json`` carries the
whole of it, evidence on both sides included, in the shape of ``whatif --json``.
Departments a scenario creates exist only in the diff, so departments are given
as ids with names rather than links into the graph. A malformed scenario is a
GraphQL error listing every located problem (``request, row N, column C``).

>>> import asyncio
>>> from dutygraph.api.context import make_context
>>> from dutygraph.api.schema import build_schema
>>> from dutygraph.fixtures import DEMO_PATH
>>> from dutygraph.importer import load
>>> from dutygraph.store import EmbeddedStore
>>> import tempfile, os
>>> store = EmbeddedStore(os.path.join(tempfile.mkdtemp(), "doc.db")); _ = load(store, [DEMO_PATH])
>>> q = '''{ whatIf(scenario: {title: "燃气条例废止", changes: [
...   {date: "2026-01-01", action: "repeal", basis: "城镇燃气管理条例"}]}) {
...   asOf counts { gapsNew } gapsNew { item region kind } } }'''
>>> out = asyncio.run(build_schema().execute(q, context_value=make_context(store)))
>>> out.data["whatIf"]["counts"], out.data["whatIf"]["gapsNew"][0]
({'gapsNew': 4}, {'item': 'I-GAS', 'region': '500103', 'kind': 'NO_LEGAL_BASIS'})
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON

from ..analysis.whatif import what_if
from ..analysis.whatif.pieces import what_if_by_pieces
from ..analysis.whatif.report import whatif_dict
from ..errors import UsageError
from ..io.scenario import Scenario, read_uploaded_scenario, scenario_from_rows
from ..reader import scope_graph
from .imports import Uploaded
from .types import Info

__all__ = ["QUERIES", "ScenarioChangeInput", "ScenarioInput", "WhatIfQueries"]


@strawberry.input(description="One change of a scenario: the columns of a scenario file.")
class ScenarioChangeInput:
    date: dt.date = strawberry.field(description="The day the change takes effect.")
    action: str = strawberry.field(
        description="create, abolish, merge, rename, move-line, set-vertical, repeal, replace, "
        "transfer (or 设立, 撤销, 合并, 更名, 划转条线, 垂直管理, 废止, 替换, 职责划转)."
    )
    department: list[str] = strawberry.field(default_factory=list)
    target: str | None = None
    name: str | None = None
    region: str | None = None
    lines: list[str] = strawberry.field(default_factory=list)
    line: str | None = None
    vertical: bool | None = None
    superior: str | None = None
    basis: str | None = None
    title: str | None = None
    article: str | None = None
    item: str | None = None
    role: str | None = None
    note: str | None = None


@strawberry.input(description="A scenario (情景): changes that take effect on their dates.")
class ScenarioInput:
    title: str = "情景"
    changes: list[ScenarioChangeInput] = strawberry.field(default_factory=list)


@strawberry.type(description="Department, region or item as id and name.")
class Named:
    id: str
    name: str | None


@strawberry.type(description="An (item, region) whose lead or assist names other departments.")
class LeadChange:
    item: Named
    region: Named
    role: str
    before: list[Named]
    after: list[Named]
    why: list[str] = strawberry.field(description="The scenario's changes behind it.")


@strawberry.type(description="A gap (or conflict) that appears or is resolved.")
class DiffFinding:
    item: str
    region: str
    kind: str
    detail: str
    departments: list[str]


@strawberry.type(description="A joint-inspection candidate that appears, vanishes or changes.")
class InspectionChange:
    region: Named
    object: str
    change: str
    before: list[str]
    after: list[str]
    items: list[str]


@strawberry.type(description="A pending dispute whose party is abolished; who takes its place.")
class DisputeChange:
    dispute: str
    party: Named
    successor: Named | None


@strawberry.type(description="A row of an imported list that must change, with its source row.")
class ListRow:
    source: str
    file: str | None
    sheet: str | None
    row: int | None
    change: str
    detail: str
    department: str
    item: str
    region: str
    role: str


@strawberry.type(description="How many of each kind of change.")
class WhatIfCounts:
    leads: int
    assists: int
    gaps_new: int
    gaps_resolved: int
    conflicts_new: int
    conflicts_resolved: int
    inspections: int
    disputes: int
    lists: int


@strawberry.type(description="What a scenario changes in every answer, on one date.")
class WhatIfDiff:
    title: str
    as_of: str
    region: str | None
    counts: WhatIfCounts
    leads: list[LeadChange]
    gaps_new: list[DiffFinding]
    gaps_resolved: list[DiffFinding]
    conflicts_new: list[DiffFinding]
    conflicts_resolved: list[DiffFinding]
    inspections: list[InspectionChange]
    disputes: list[DisputeChange]
    lists: list[ListRow]
    unversioned: list[str] = strawberry.field(
        description="Existing departments whose lines the scenario changes (not --apply-able)."
    )
    json: JSON = strawberry.field(description="The whole diff with evidence, as whatif --json.")


def _named(d: dict[str, Any]) -> Named:
    return Named(id=d.get("id") or d.get("code") or "", name=d.get("name"))


def _finding(d: dict[str, Any]) -> DiffFinding:
    return DiffFinding(
        item=d["item"],
        region=d["region"],
        kind=d["kind"],
        detail=d["detail"],
        departments=list(d.get("departments", [])),
    )


def diff_of(out: dict[str, Any]) -> WhatIfDiff:
    """The typed diff of :func:`~dutygraph.analysis.whatif.report.whatif_dict`'s output."""
    return WhatIfDiff(
        title=out["scenario"]["title"],
        as_of=out["as_of"],
        region=out["region"],
        counts=WhatIfCounts(**out["counts"]),
        leads=[
            LeadChange(
                item=_named(x["item"]),
                region=_named(x["region"]),
                role=x["role"],
                before=[_named(d) for d in x["before"]],
                after=[_named(d) for d in x["after"]],
                why=x["why"],
            )
            for x in out["leads"]
        ],
        gaps_new=[_finding(x) for x in out["gaps"]["new"]],
        gaps_resolved=[_finding(x) for x in out["gaps"]["resolved"]],
        conflicts_new=[_finding(x) for x in out["conflicts"]["new"]],
        conflicts_resolved=[_finding(x) for x in out["conflicts"]["resolved"]],
        inspections=[
            InspectionChange(
                region=_named(x["region"]),
                object=x["object"],
                change=x["change"],
                before=x["before"],
                after=x["after"],
                items=x["items"],
            )
            for x in out["inspections"]
        ],
        disputes=[
            DisputeChange(
                dispute=x["dispute"],
                party=_named(x["party"]),
                successor=_named(x["successor"]) if x["successor"] else None,
            )
            for x in out["disputes"]
        ],
        lists=[
            ListRow(
                source=x["source"],
                file=(x["origin"] or {}).get("file"),
                sheet=(x["origin"] or {}).get("sheet"),
                row=(x["origin"] or {}).get("row"),
                change=x["change"],
                detail=x["detail"],
                department=x["duty"]["department"],
                item=x["duty"]["item"],
                region=x["duty"]["region"],
                role=x["duty"]["role"],
            )
            for x in out["lists"]
        ],
        unversioned=out["unversioned"],
        json=JSON(out),
    )


def _rows(scenario: ScenarioInput) -> list[tuple[int, str | None, dict[str, Any]]]:
    rows: list[tuple[int, str | None, dict[str, Any]]] = []
    for n, c in enumerate(scenario.changes, start=1):
        values: dict[str, Any] = {}
        for key, value in vars(c).items():
            if value is None or value == []:
                continue
            values[key] = value
        rows.append((n, None, values))
    return rows


@strawberry.type
class WhatIfQueries:
    @strawberry.field(
        description="情景推演: what a reform or a change of law changes in every answer — leads "
        "and assists, gaps, conflicts, duplicate inspections, disputes, list rows to revise — "
        "applied to a copy in memory (the store is never written), compared on asOf (default: "
        "the scenario's last date)."
    )
    def what_if(
        self,
        info: Info,
        scenario: ScenarioInput | None = None,
        file: Annotated[
            Upload | None,
            strawberry.argument(
                description="The scenario as a file (.toml, .csv, .xlsx), sent as a GraphQL "
                "multipart request; instead of scenario."
            ),
        ] = None,
        region: str | None = None,
        as_of: dt.date | None = None,
    ) -> WhatIfDiff:
        s = _scenario_of(scenario, file)
        date = as_of.isoformat() if as_of else None
        reader = info.context.graph
        if region is None and hasattr(reader, "national_pieces"):  # a Bolt store: by pieces
            return diff_of(what_if_by_pieces(reader, s, date).as_dict())
        g = scope_graph(reader, region, "whatIf", s)  # (a Bolt store: the region's)
        return diff_of(whatif_dict(what_if(g, s, region, date)))


def _scenario_of(scenario: ScenarioInput | None, file: Any) -> Scenario:
    """The scenario asked about: the input's rows, or the uploaded file read (one of them)."""
    if (scenario is None) == (file is None):
        raise UsageError(
            "whatIf 需要 scenario 或 file 之一 (give either scenario or an uploaded file)"
        )
    if scenario is not None:
        return scenario_from_rows(scenario.title, "request", _rows(scenario))
    if not isinstance(file, Uploaded):  # the server reads every multipart body (api.view)
        raise UsageError("file 应为上传的文件 (file must be an uploaded file)")
    return read_uploaded_scenario(file.content, file.filename)


#: this module's contribution to the one ``Query`` type
QUERIES: list[type] = [WhatIfQueries]
