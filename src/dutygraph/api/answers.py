"""The GraphQL answer types: resolutions, gaps, conflicts, inspections, assignments.

Each is built from the very dict the CLI prints with ``--json``
(:mod:`dutygraph.serialize`), so the two can never disagree: the same
fields, camel-cased, with the same values — except that where the CLI's JSON
gives an id (a department, an item, a region), the GraphQL field gives that
node, whose ``id`` (or ``code``) is the CLI's value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import strawberry

from ..explain import explain_conflict, explain_finding, explain_gap
from .enums import ConflictKind, GapKind, Role
from .fields import from_entry
from .laws import LawNode, LawVersionNode, ProvisionEvidence
from .types import (
    BasisNode,
    Department,
    Dispute,
    Info,
    Item,
    Origin,
    Region,
    as_date,
    department_link,
    department_node,
    item_link,
    region_link,
)

__all__ = [
    "AnswerNode",
    "Assignment",
    "Conflict",
    "Gap",
    "Inspection",
    "Resolution",
    "assignment_of",
    "conflict_of",
    "gap_of",
    "inspection_of",
    "resolution_of",
]


def _entry(key: str) -> Callable[[Any], Any]:
    """``key`` of the wrapped dict: the id a :func:`~dutygraph.api.fields.link` follows."""
    return lambda self: self.d[key]


def _get(key: str) -> Callable[[Any], Any]:
    """``key`` of the wrapped dict, ``None`` when absent."""
    return lambda self: self.d.get(key)


async def _departments(info: Info, ids: list[str]) -> list[Department]:
    found = await info.context.loaders.department.load_many(ids)
    return [Department(rec=d) for d in found if d is not None]


async def _regions(info: Info, codes: list[str]) -> list[Region]:
    found = await info.context.loaders.region.load_many(codes)
    return [Region(rec=r) for r in found if r is not None]


async def _items(info: Info, ids: list[str]) -> list[Item]:
    found = await info.context.loaders.item.load_many(ids)
    return [Item(rec=i) for i in found if i is not None]


@strawberry.type(
    description="A legal basis as evidence, with whether it is in force on the date asked."
)
class BasisEvidence:
    key: str = strawberry.field(description="Its own key: the record id.")
    title: str | None
    kind: str | None
    article: str | None
    issuer: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    in_force: bool
    missing: bool = strawberry.field(description="The duty names a basis the graph lacks.")
    law_evidence: strawberry.Private[dict[str, Any] | None] = None

    @strawberry.field(description="The basis node.")
    async def basis(self, info: Info) -> BasisNode | None:
        rec = await info.context.loaders.basis.load(self.key)
        return BasisNode(rec=rec) if rec is not None else None

    @strawberry.field(description="The act of the law corpus it resolved to (null: none).")
    def law(self, info: Info) -> LawNode | None:
        ref = (self.law_evidence or {}).get("law")
        got = info.context.graph.lawbook().law(ref["id"]) if ref else None
        return LawNode(rec=got) if got is not None else None

    @strawberry.field(description="The version of the act in force on the date asked.")
    def law_version(self, info: Info) -> LawVersionNode | None:
        ref = (self.law_evidence or {}).get("version")
        got = info.context.graph.lawbook().versions.get(ref["id"]) if ref else None
        return LawVersionNode(rec=got) if got is not None else None

    @strawberry.field(description="Each provision it cites, with the article's text on the date.")
    def provisions(self) -> list[ProvisionEvidence]:
        return [ProvisionEvidence(d=p) for p in (self.law_evidence or {}).get("provisions", [])]

    @strawberry.field(description="The text of the provisions cited (款/项, or 120 characters).")
    def text(self) -> str | None:
        return (self.law_evidence or {}).get("text")

    @strawberry.field(
        description="Said in Chinese when the version changed or the article is gone."
    )
    def note(self) -> str | None:
        return (self.law_evidence or {}).get("note")

    @staticmethod
    def of(d: dict[str, Any]) -> BasisEvidence:
        return BasisEvidence(
            key=d["id"],
            title=d.get("title"),
            kind=d.get("kind"),
            article=d.get("article"),
            issuer=d.get("issuer"),
            valid_from=as_date(d.get("valid_from")),
            valid_to=as_date(d.get("valid_to")),
            in_force=bool(d.get("in_force")),
            missing=bool(d.get("missing", False)),
            law_evidence=d if "provisions" in d else None,
        )


@strawberry.type(
    description="A duty an answer rests on: who, what, where, role, validity, bases, row."
)
class Evidence:
    d: strawberry.Private[dict[str, Any]]

    department = department_link(_entry("department"))
    item = item_link(_entry("item"))
    region = region_link(_entry("region"))
    role = from_entry("role", Role)
    line = from_entry("line", str | None)
    valid_from = from_entry("valid_from", dt.date | None, convert=as_date)
    valid_to = from_entry("valid_to", dt.date | None, convert=as_date)
    source = from_entry("source", str | None, "The list (and version or row) the duty came from.")
    origin = from_entry(
        "origin", Origin | None, "The file, sheet and row the duty was read from.", Origin.of
    )

    @strawberry.field
    def bases(self) -> list[BasisEvidence]:
        return [BasisEvidence.of(b) for b in self.d["bases"]]


@strawberry.type(description="The path an answer walked: regions from R up, items from I up.")
class Path:
    region_codes: strawberry.Private[list[str]]
    item_ids: strawberry.Private[list[str]]

    @strawberry.field(description="From the region asked up to where the duties were found.")
    async def regions(self, info: Info) -> list[Region]:
        return await _regions(info, self.region_codes)

    @strawberry.field(description="From the item asked up to the one the duties are on.")
    async def items(self, info: Info) -> list[Item]:
        return await _items(info, self.item_ids)


@strawberry.type(description="Something that kept a resolution from answering well.")
class Finding:
    kind: str
    detail: str
    line: str | None
    department_id: strawberry.Private[str | None]
    item_id: strawberry.Private[str] = ""
    region_code: strawberry.Private[str] = ""

    @strawberry.field(
        description="The finding in one sentence, names with ids beside: Chinese, or English "
        "when the request's Accept-Language begins with en."
    )
    def explain(self, info: Info) -> str:
        row = {"kind": self.kind, "detail": self.detail, "line": self.line}
        row["department"] = self.department_id
        return explain_finding(
            info.context.graph, self.item_id, self.region_code, row, info.context.lang
        )

    @strawberry.field(description="The department concerned (e.g. the abolished one).")
    async def department(self, info: Info) -> Department | None:
        if not self.department_id:
            return None
        return department_node(await info.context.loaders.department.load(self.department_id))


@strawberry.type(name="Answer", description="One department that leads (or assists), and why.")
class AnswerNode:
    d: strawberry.Private[dict[str, Any]]

    @strawberry.field
    async def department(self, info: Info) -> Department:
        rec = await info.context.loaders.department.load(self.d["department"]["id"])
        return Department(rec=rec)

    inherited = from_entry(
        "inherited", bool, "Found above the region asked, through the region tree."
    )
    via = from_entry("via", str, "explicit, counterpart (same line in the region) or vertical.")
    lines = from_entry("lines", list[str], "The lines (条) it answers for.", list)

    @strawberry.field(description="Abolished departments it answers for as their successor.")
    async def replaces(self, info: Info) -> list[Department]:
        return await _departments(info, self.d["replaces"])

    @strawberry.field(description="The duties the answer rests on, with their bases and rows.")
    def evidence(self) -> list[Evidence]:
        return [Evidence(d=e) for e in self.d["evidence"]]

    @strawberry.field
    def path(self) -> Path:
        return _path(self.d["path"])


def _path(p: dict[str, Any]) -> Path:
    return Path(region_codes=list(p["regions"]), item_ids=list(p["items"]))


@strawberry.type(
    description="Who leads (or assists) an item in a region as of a date, with evidence."
)
class Resolution:
    d: strawberry.Private[dict[str, Any]]

    @strawberry.field
    async def item(self, info: Info) -> Item:
        return Item(rec=await info.context.loaders.item.load(self.d["item"]["id"]))

    @strawberry.field
    async def region(self, info: Info) -> Region:
        return Region(rec=await info.context.loaders.region.load(self.d["region"]["code"]))

    role = from_entry("role", Role, "LEAD or ASSIST.")
    as_of = from_entry("as_of", dt.date, convert=dt.date.fromisoformat)

    @strawberry.field(description="Every department answering (empty: nobody; see findings).")
    def answers(self) -> list[AnswerNode]:
        return [AnswerNode(d=a) for a in self.d["answers"]]

    source_region = region_link(
        _entry("source_region"), "The region where the duties used are recorded."
    )

    @strawberry.field
    def path(self) -> Path:
        return _path(self.d["path"])

    @strawberry.field(description="What kept it from answering well (NO_LEAD, NO_COUNTERPART...).")
    def findings(self) -> list[Finding]:
        return [
            Finding(
                kind=f["kind"],
                detail=f["detail"],
                line=f["line"],
                department_id=f["department"],
                item_id=self.d["item"]["id"],
                region_code=self.d["region"]["code"],
            )
            for f in self.d["findings"]
        ]


def resolution_of(d: dict[str, Any]) -> Resolution:
    return Resolution(d=d)


@strawberry.type(description="The evidence of a gap: the resolution it comes from.")
class GapEvidence:
    d: strawberry.Private[dict[str, Any]]

    source_region = region_link(_entry("source_region"))

    @strawberry.field
    async def path(self, info: Info) -> list[Region]:
        return await _regions(info, self.d["path"])

    @strawberry.field
    async def item_path(self, info: Info) -> list[Item]:
        return await _items(info, self.d["item_path"])

    @strawberry.field
    def duties(self) -> list[Evidence]:
        return [Evidence(d=e) for e in self.d["duties"]]


@strawberry.type(
    description="A gap (事有人管): an item and a region where no lead resolves, or resolves badly. "
    "Kinds: NO_LEAD, NO_COUNTERPART, LEAD_ABOLISHED, NO_LEGAL_BASIS, UNCOVERED_BEHAVIOR."
)
class Gap:
    d: strawberry.Private[dict[str, Any]]

    item = item_link(_get("item"), "The item (null for a behaviour that matches no item).")
    region = region_link(_get("region"))
    kind = from_entry("kind", GapKind)
    detail = from_entry("detail", str, default="")
    line = from_entry(
        "line", str | None, "The line with no department in the region.", default=None
    )

    abolished = department_link(_get("abolished"), "The abolished department (LEAD_ABOLISHED).")
    behavior = from_entry(
        "behavior",
        str | None,
        "The behaviour that matches no item (UNCOVERED_BEHAVIOR).",
        default=None,
    )

    @strawberry.field(
        description="The gap in one sentence, names with ids beside: Chinese, or English "
        "when the request's Accept-Language begins with en."
    )
    def explain(self, info: Info) -> str:
        return explain_gap(info.context.graph, self.d, lang=info.context.lang)

    @strawberry.field
    def evidence(self) -> GapEvidence | None:
        ev = self.d.get("evidence")
        return GapEvidence(d=ev) if ev else None


def gap_of(d: dict[str, Any]) -> Gap:
    return Gap(d=d)


@strawberry.type(description="What one source list names as lead.")
class SourceLeads:
    source: str
    department_ids: strawberry.Private[list[str]]

    @strawberry.field
    async def departments(self, info: Info) -> list[Department]:
        return await _departments(info, self.department_ids)


@strawberry.type(
    description="A conflict, reported once where the clashing duties are recorded. "
    "Kinds: MULTIPLE_LEADS, SOURCE_DISAGREEMENT, OPEN_DISPUTE."
)
class Conflict:
    d: strawberry.Private[dict[str, Any]]

    subject = from_entry(
        "item", str, "The subject as recorded: an item id (or a dispute's subject)."
    )
    item = item_link(_entry("item"), "The item, when the subject is one.")
    region = region_link(_entry("region"))
    kind = from_entry("kind", ConflictKind)

    @strawberry.field
    async def departments(self, info: Info) -> list[Department]:
        return await _departments(info, self.d["departments"])

    detail = from_entry("detail", str)

    @strawberry.field(
        description="The conflict in one sentence, names with ids beside: Chinese, or English "
        "when the request's Accept-Language begins with en."
    )
    def explain(self, info: Info) -> str:
        return explain_conflict(info.context.graph, self.d, lang=info.context.lang)

    @strawberry.field(description="SOURCE_DISAGREEMENT: what each source names.")
    def sources(self) -> list[SourceLeads]:
        return [
            SourceLeads(source=s, department_ids=list(v))
            for s, v in sorted(self.d.get("sources", {}).items())
        ]

    @strawberry.field(description="OPEN_DISPUTE: the pending dispute.")
    async def dispute(self, info: Info) -> Dispute | None:
        did = self.d.get("dispute")
        rec = await info.context.loaders.dispute.load(did) if did else None
        return Dispute(rec=rec) if rec is not None else None

    @strawberry.field
    def evidence(self) -> list[Evidence]:
        return [Evidence(d=e) for e in self.d["evidence"]]


def conflict_of(d: dict[str, Any]) -> Conflict:
    return Conflict(d=d)


@strawberry.type(
    description="A joint-inspection candidate: departments leading 行政检查 items "
    "over the same supervised object in one region."
)
class Inspection:
    d: strawberry.Private[dict[str, Any]]

    region = region_link(_entry("region"))
    object = from_entry("object", str, "The supervised object (监管对象).")

    @strawberry.field
    async def departments(self, info: Info) -> list[Department]:
        return await _departments(info, self.d["departments"])

    @strawberry.field
    async def items(self, info: Info) -> list[Item]:
        return await _items(info, self.d["items"])


def inspection_of(d: dict[str, Any]) -> Inspection:
    return Inspection(d=d)


@strawberry.type(
    description="A department proposed to lead (or assist), its score in [0, 1] and why."
)
class Candidate:
    d: strawberry.Private[dict[str, Any]]

    @strawberry.field
    async def department(self, info: Info) -> Department:
        return Department(
            rec=await info.context.loaders.department.load(self.d["department"]["id"])
        )

    score = from_entry("score", float, convert=float)
    reasons = from_entry("reasons", list[str], convert=list)
    articles = from_entry(
        "articles",
        list[str],
        convert=list,
        default=[],
        description="The statute articles behind this candidate, quoted (《法》第N条：text).",
    )


@strawberry.type(description="A behaviour the business form was matched to, and why.")
class MatchedBehavior:
    key: str = strawberry.field(description="Its own key: the record id.")
    name: str
    score: float
    reason: str


@strawberry.type(description="An item the business form's behaviours lead to, and why.")
class MatchedItem:
    key: str = strawberry.field(description="Its own key: the record id.")
    name: str
    score: float
    reasons: list[str]

    item = item_link(lambda self: self.key)

    @staticmethod
    def of(d: dict[str, Any]) -> MatchedItem:
        """From the CLI's JSON of a matched item (``id``, ``name``, ``score``, ``reasons``)."""
        return MatchedItem(
            key=d["id"], name=d["name"], score=d["score"], reasons=list(d["reasons"])
        )


@strawberry.type(description="A settled business form like this one (业务相近), and its lead.")
class Precedent:
    key: str = strawberry.field(description="Its own key: the record id.")
    name: str
    similarity: float
    settled_on: dt.date | None
    lead_id: strawberry.Private[str | None]
    basis_id: strawberry.Private[str | None]

    @strawberry.field
    async def lead(self, info: Info) -> Department | None:
        if not self.lead_id:
            return None
        return department_node(await info.context.loaders.department.load(self.lead_id))

    @strawberry.field
    async def basis(self, info: Info) -> BasisNode | None:
        rec = await info.context.loaders.basis.load(self.basis_id) if self.basis_id else None
        return BasisNode(rec=rec) if rec is not None else None


@strawberry.type(description="A conflict in an assignment, e.g. TOO_CLOSE_TO_CALL: open a dispute.")
class AssignConflict:
    d: strawberry.Private[dict[str, Any]]

    item = item_link(_get("item"))
    region = region_link(_get("region"))
    kind = from_entry("kind", str)

    @strawberry.field
    async def departments(self, info: Info) -> list[Department]:
        return await _departments(info, self.d.get("departments", []))

    detail = from_entry("detail", str, default="")


@strawberry.type(
    description="Who should take a new business form: ranked lead candidates (best first), "
    "assisting departments, gaps, conflicts, and the matches and precedents behind them."
)
class Assignment:
    d: strawberry.Private[dict[str, Any]]

    name = from_entry("name", str)
    description = from_entry("description", str)
    region = region_link(
        _entry("region"), "The region whose departments are named (null: as recorded)."
    )
    as_of = from_entry("as_of", dt.date, convert=dt.date.fromisoformat)
    confidence = from_entry(
        "confidence",
        float,
        convert=float,
        default=0.0,
        description="Calibrated chance that the top candidate is the lead (0 when none).",
    )
    abstained = from_entry(
        "abstained",
        bool,
        convert=bool,
        default=False,
        description="No lead is named: too little evidence, too close to call, or a known "
        "open question (see gaps and conflicts); candidates are shown for coordination.",
    )

    @strawberry.field
    def candidates(self) -> list[Candidate]:
        return [Candidate(d=c) for c in self.d["candidates"]]

    @strawberry.field
    def assists(self) -> list[Candidate]:
        return [Candidate(d=c) for c in self.d["assists"]]

    @strawberry.field
    def gaps(self) -> list[Gap]:
        return [Gap(d=g) for g in self.d["gaps"]]

    @strawberry.field
    def conflicts(self) -> list[AssignConflict]:
        return [AssignConflict(d=c) for c in self.d["conflicts"]]

    @strawberry.field
    def behaviors(self) -> list[MatchedBehavior]:
        return [
            MatchedBehavior(key=b["id"], name=b["name"], score=b["score"], reason=b["reason"])
            for b in self.d["behaviors"]
        ]

    @strawberry.field
    def items(self) -> list[MatchedItem]:
        return [MatchedItem.of(i) for i in self.d["items"]]

    @strawberry.field
    def precedents(self) -> list[Precedent]:
        return [
            Precedent(
                key=p["id"],
                name=p["name"],
                similarity=p["similarity"],
                settled_on=as_date(p.get("settled_on")),
                lead_id=p.get("lead"),
                basis_id=p.get("basis"),
            )
            for p in self.d["precedents"]
        ]


def assignment_of(d: dict[str, Any]) -> Assignment:
    return Assignment(d=d)
