"""Disputes over GraphQL: the statutory route, the evidence, the history, and the coordinators' mutations.

Queries are open to every reader; every mutation needs a bearer token whose
role may ``decide`` (the ``coordinator`` role). Each mutation is one
:mod:`dutygraph.analysis.disputes` call — the same rules, errors and audit log
as ``dutygraph dispute`` — recorded as done by the person the caller's token
names (``token:role:name``; a token naming nobody: ``api:<role>``), with the
``by`` argument beside it when given. The route, evidence and history are typed
answers over the shapes ``dutygraph dispute route|show --json`` prints (each kept
whole in its ``json`` field).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.permission import PermissionExtension
from strawberry.scalars import JSON

from ..analysis import disputes as dsp
from .answers import Evidence
from .auth import Allowed, person_of
from .context import date_str
from .enums import DisputeKind, DisputeStatus
from .fields import as_date, from_entry
from .types import (  # noqa: F401  (the links name Department, Item and Region)
    Department,
    Dispute,
    Info,
    Item,
    Region,
    department_link,
    region_link,
)

__all__ = ["MUTATIONS", "QUERIES", "DisputeMutations", "DisputeQueries"]

# annotated: the decorators take list[FieldExtension], and list is invariant
_COORDINATOR: list[FieldExtension] = [PermissionExtension(permissions=[Allowed("decide")])]


def _by(info: Info, by: str | None) -> str:
    """Who the history and the audit log name: the person the token names, else its role.

    ``by``, when given, is kept beside it as the caller's own note (it cannot
    replace the token's name).
    """
    role = info.context.role
    who = person_of(role) or f"api:{role or 'anonymous'}"
    return f"{who} ({by})" if by else who


def _id(d: Any) -> str | None:
    """The id of a department (or region) dict, or the id itself."""
    return (d.get("id") or d.get("code")) if isinstance(d, dict) else d


async def _departments(info: Info, ids: list[Any]) -> list[Department]:
    keys = [k for k in map(_id, ids) if k]
    found = await info.context.loaders.department.load_many(keys)
    return [Department(rec=x) for x in found if x is not None]


@strawberry.type(description="One entry of a dispute's audit log: who did what, when.")
class DisputeEvent:
    d: strawberry.Private[dict[str, Any]]

    at = from_entry("at", str, "When it was recorded (ISO timestamp).")
    op = from_entry("op", str, "dispute.open, dispute.status, dispute.decide, dispute.withdraw…")
    by = from_entry("by", str, "Who: the person the token names, else api:<role> (and a note).")
    status = from_entry("status", DisputeStatus | None, default=None)
    on = from_entry("on", dt.date | None, "The date the step took effect.", as_date, None)
    note = from_entry("note", str | None, default=None)
    lead = department_link(lambda self: _id(self.d.get("lead")), "The lead a decision named.")

    @strawberry.field(description="The parties it names (when it opened the dispute).")
    async def parties(self, info: Info) -> list[Department]:
        return await _departments(info, list(self.d.get("parties", [])))

    @strawberry.field(description="The entry as the audit log holds it.")
    def json(self) -> JSON:
        return JSON(self.d)


@strawberry.type(description="One step of the statutory route, with the rule it applies.")
class RouteStep:
    step: str = strawberry.field(description="What happens.")
    rule: str = strawberry.field(description="The provision it applies.")
    explain: str = strawberry.field(description="Why, in Chinese.")


@strawberry.type(description="The statutory route of a dispute: who decides, who coordinates, how.")
class DisputeRoute:
    d: strawberry.Private[dict[str, Any]]

    kind = from_entry("kind", DisputeKind)
    as_of = from_entry("as_of", dt.date, convert=as_date)
    notes = from_entry("notes", list[str], convert=list, default=[])
    coordinator_name = from_entry(
        "coordinator", str | None, "Who coordinates (名称).", lambda c: (c or {}).get("name"), None
    )
    coordinator_does = from_entry(
        "coordinator",
        str | None,
        "What the coordinator does.",
        lambda c: (c or {}).get("does"),
        None,
    )
    coordinator = department_link(
        lambda self: _id((self.d.get("coordinator") or {}).get("department")),
        "The coordinating department (e.g. 机构编制部门), when one is named.",
    )
    common_superior = region_link(
        lambda self: (self.d.get("common_superior") or {}).get("region"),
        "The government above every party: where the dispute is settled.",
    )
    interim_rule = from_entry(
        "interim",
        str | None,
        "Who acts meanwhile, and by which rule.",
        lambda i: (i or {}).get("rule"),
        None,
    )

    @strawberry.field(description="The departments in dispute.")
    async def parties(self, info: Info) -> list[Department]:
        return await _departments(info, list(self.d.get("parties", [])))

    @strawberry.field(description="Who leads meanwhile (the current leads).")
    async def interim_leads(self, info: Info) -> list[Department]:
        return await _departments(
            info, list((self.d.get("interim") or {}).get("current_leads", []))
        )

    @strawberry.field
    def steps(self) -> list[RouteStep]:
        return [
            RouteStep(step=x["step"], rule=x["rule"], explain=x["explain"]) for x in self.d["steps"]
        ]

    @strawberry.field(description="The route as `dutygraph dispute route --json` prints it.")
    def json(self) -> JSON:
        return JSON(self.d)


@strawberry.type(description="One party's side: its claim and its duties on the subject.")
class PartyEvidence:
    d: strawberry.Private[dict[str, Any]]

    department = department_link(lambda self: _id(self.d["department"]))
    claim = from_entry("claim", str | None, default=None)
    filed_on = from_entry("filed_on", dt.date | None, convert=as_date, default=None)

    @strawberry.field(description="Its duties on the subject, with bases, sources and validity.")
    def duties(self) -> list[Evidence]:
        return [Evidence(d=x) for x in self.d.get("duties", [])]


@strawberry.type(description="The evidence of a dispute: each party's duties, and precedents.")
class DisputeEvidence:
    d: strawberry.Private[dict[str, Any]]

    as_of = from_entry("as_of", dt.date, convert=as_date)
    subject = from_entry(
        "subject", str, "The subject's name.", lambda x: x.get("name") or x.get("id")
    )

    @strawberry.field(description="The items in dispute.")
    async def items(self, info: Info) -> list[Item]:
        ids = list((self.d.get("subject") or {}).get("items", []))
        found = await info.context.loaders.item.load_many(ids)
        return [Item(rec=i) for i in found if i is not None]

    @strawberry.field
    def parties(self) -> list[PartyEvidence]:
        return [PartyEvidence(d=p) for p in self.d["parties"]]

    @strawberry.field(
        description="The evidence as `dutygraph dispute show --json` prints it (precedents too)."
    )
    def json(self) -> JSON:
        return JSON(self.d)


# ``JSON(...)`` is strawberry's NewType over ``object``: it returns its argument
# unchanged, and tells the type checker the dict is the JSON scalar
@strawberry.type
class DisputeQueries:
    @strawberry.field(
        description="The statutory route of a dispute: who decides, who coordinates, the steps "
        "and rules (行政处罚法 第二十二、二十三、二十五条; 机构编制 for duty disputes)."
    )
    def dispute_route(self, info: Info, id: str, as_of: dt.date | None = None) -> DisputeRoute:
        return DisputeRoute(d=dsp.route(info.context.graph, id, date_str(as_of)))

    @strawberry.field(
        description="Each party's duties on the subject with bases, sources and validity, and "
        "the settled precedents that resemble it."
    )
    def dispute_evidence(
        self, info: Info, id: str, as_of: dt.date | None = None
    ) -> DisputeEvidence:
        return DisputeEvidence(d=dsp.evidence(info.context.graph, id, date_str(as_of)))

    @strawberry.field(description="The audit log of a dispute: who did what, when (oldest first).")
    def dispute_history(self, info: Info, id: str) -> list[DisputeEvent]:
        return [DisputeEvent(d=e) for e in dsp.dispute_history(info.context.store, id)]


async def _write(info: Info, fn: Any, *args: Any, **kwargs: Any) -> Dispute:
    rec = await asyncio.to_thread(fn, info.context.store, *args, **kwargs)
    return Dispute(rec=rec)


@strawberry.type
class DisputeMutations:
    @strawberry.mutation(description="Open a dispute (status open).", extensions=_COORDINATOR)
    async def open_dispute(
        self,
        info: Info,
        parties: list[str],
        subject: str,
        region: str,
        raised_on: dt.date,
        kind: DisputeKind = DisputeKind.DUTY,
        claims: JSON | None = None,
        case: JSON | None = None,
        by: str | None = None,
    ) -> Dispute:
        return await _write(
            info,
            dsp.open_dispute,
            parties,
            subject,
            region,
            date_str(raised_on),
            claims,
            kind.value,
            case,
            by=_by(info, by),
        )

    @strawberry.mutation(
        description="Turn a MULTIPLE_LEADS or SOURCE_DISAGREEMENT conflict into a dispute.",
        extensions=_COORDINATOR,
    )
    async def dispute_from_conflict(
        self,
        info: Info,
        item: str,
        region: str,
        as_of: dt.date | None = None,
        by: str | None = None,
    ) -> Dispute:
        return await _write(
            info, dsp.dispute_from_conflict, item, region, date_str(as_of), by=_by(info, by)
        )

    @strawberry.mutation(description="Start coordinating a dispute.", extensions=_COORDINATOR)
    async def coordinate_dispute(
        self, info: Info, id: str, on: dt.date | None = None, note: str = "", by: str | None = None
    ) -> Dispute:
        return await _write(
            info, dsp.set_status, id, "coordinating", date_str(on), by=_by(info, by), note=note
        )

    @strawberry.mutation(description="Withdraw a pending dispute.", extensions=_COORDINATOR)
    async def withdraw_dispute(
        self, info: Info, id: str, on: dt.date | None = None, note: str = "", by: str | None = None
    ) -> Dispute:
        return await _write(info, dsp.withdraw, id, date_str(on), by=_by(info, by), note=note)

    @strawberry.mutation(
        description="Decide a dispute: record it, and close and open duties on a decision basis "
        "from the decision date.",
        extensions=_COORDINATOR,
    )
    async def decide_dispute(
        self,
        info: Info,
        id: str,
        lead: str,
        decider: str,
        reasoning: str,
        rule: str,
        assists: list[str] | None = None,
        decided_on: dt.date | None = None,
        allow_non_party: bool = False,
        by: str | None = None,
    ) -> Dispute:
        return await _write(
            info,
            dsp.decide,
            id,
            lead,
            assists or [],
            date_str(decided_on),
            decider,
            reasoning,
            rule,
            by=_by(info, by),
            allow_non_party=allow_non_party,
        )


#: this module's contributions to the one ``Query`` and ``Mutation`` types
QUERIES: list[type] = [DisputeQueries]
MUTATIONS: list[type] = [DisputeMutations]
