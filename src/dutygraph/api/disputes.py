"""Disputes over GraphQL: the statutory route, the evidence, the history, and the coordinators' mutations.

Queries are open to every reader; every mutation needs a bearer token whose
role may ``decide`` (the ``coordinator`` role). Each mutation is one
:mod:`dutygraph.analysis.disputes` call — the same rules, errors and audit log
as ``dutygraph dispute`` — recorded as done by the person the caller's token
names (``token:role:name``; a token naming nobody: ``api:<role>``), with the
``by`` argument beside it when given. The route and evidence are returned as JSON in
the shapes ``dutygraph dispute route|show --json`` prints.
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
from .auth import Allowed, person_of
from .context import date_str
from .enums import DisputeKind
from .types import Dispute, Info

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


# ``JSON(...)`` is strawberry's NewType over ``object``: it returns its argument
# unchanged, and tells the type checker the dict is the JSON scalar
@strawberry.type
class DisputeQueries:
    @strawberry.field(
        description="The statutory route of a dispute: who decides, who coordinates, the steps "
        "and rules (行政处罚法 第二十二、二十三、二十五条; 机构编制 for duty disputes)."
    )
    def dispute_route(self, info: Info, id: str, as_of: dt.date | None = None) -> JSON:
        return JSON(dsp.route(info.context.graph, id, date_str(as_of)))

    @strawberry.field(
        description="Each party's duties on the subject with bases, sources and validity, and "
        "the settled precedents that resemble it."
    )
    def dispute_evidence(self, info: Info, id: str, as_of: dt.date | None = None) -> JSON:
        return JSON(dsp.evidence(info.context.graph, id, date_str(as_of)))

    @strawberry.field(description="The audit log of a dispute: who did what, when (oldest first).")
    def dispute_history(self, info: Info, id: str) -> JSON:
        return JSON(dsp.dispute_history(info.context.store, id))


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
