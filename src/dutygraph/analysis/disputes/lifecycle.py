"""A dispute's lifecycle through the store: open, coordinate, decide, withdraw; the audit log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterable, Mapping
from typing import Any

from ...errors import Ambiguous, ConflictingUpdate, NotFound, UsageError
from ...graph import DutyGraph
from ...model import Dispute, Duty, LegalBasis, today
from ...store.base import ChangeSet, Store, reads_rows
from ..conflicts import PENDING, find_conflicts, source_of
from .records import DISPUTE_KINDS, find_dispute

_NEXT = {"open": ("coordinating", "decided", "withdrawn"), "coordinating": ("decided", "withdrawn")}


def _date(value: str, what: str) -> str:
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise UsageError(f"{what} {value!r} is not a date; write YYYY-MM-DD") from None


def _party(g: DutyGraph, key: str, what: str = "party") -> str:
    try:
        dep = g.find("department", key)
    except Ambiguous:
        raise
    except NotFound:
        raise NotFound(
            "department",
            key,
            f"a {what} must be a department of the graph (an id such as JJ-SCJ or an exact "
            "name); `dutygraph show REGION` lists a region's departments",
        ) from None
    return dep.id  # type: ignore[no-any-return]


def _stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _log(op: str, dispute: str, by: str, **more: Any) -> dict[str, Any]:
    if not by or not str(by).strip():
        raise UsageError("say who acts: pass by= (the CLI's --by)")
    return {"op": op, "dispute": dispute, "by": by, "at": _stamp(), **more}


def _next_id(g: DutyGraph) -> str:
    n = 0
    for key in g.disputes:
        if key.startswith("DSP-") and key[4:].isdigit():
            n = max(n, int(key[4:]))
    return f"DSP-{n + 1:04d}"


def _plan_open(
    g: DutyGraph,
    parties: Iterable[str],
    subject: str,
    region: str,
    raised_on: str,
    claims: Mapping[str, str] | None,
    kind: str,
    case: Mapping[str, Any] | None,
    dispute_id: str | None,
) -> Dispute:
    if kind not in DISPUTE_KINDS:
        raise UsageError(f"unknown dispute kind {kind!r}; use one of {', '.join(DISPUTE_KINDS)}")
    ids: list[str] = []
    for p in parties:
        pid = _party(g, p)
        if pid not in ids:
            ids.append(pid)
    if len(ids) < 2:
        raise UsageError("a dispute needs at least two different parties (departments)")
    code = g.find("region", region).code
    raised = _date(raised_on, "raised_on")
    attrs: dict[str, str] = {"kind": kind}
    subject = subject.strip()
    if case is not None:
        attrs["subject_kind"] = "case"
        item = case.get("item") or ""
        if not item:
            try:
                item = g.find("item", subject).id
            except NotFound:
                item = ""
        attrs["item"] = g.find("item", item).id if item else ""
        attrs["place"] = g.find("region", case.get("place") or code).code
        filed = []
        for p, day in (case.get("filed") or {}).items():
            pid = _party(g, p)
            if pid not in ids:
                raise UsageError(f"a filing date is given for {pid}, which is not a party")
            filed.append(f"{pid}={_date(day, f'the filing date of {pid}')}")
        attrs["filed"] = ";".join(filed)
        if not subject:
            raise UsageError("describe the case: pass it as the subject")
    else:
        try:
            subject = g.find("item", subject).id
            attrs["subject_kind"] = "item"
        except NotFound:
            try:
                subject = g.find("business_form", subject).id
                attrs["subject_kind"] = "business_form"
            except NotFound:
                raise NotFound(
                    "item or business form",
                    subject,
                    "give an item or business-form id or exact name; for an enforcement case "
                    "give its place and filing dates (--place, --filed)",
                ) from None
    the_claims: dict[str, str] = {}
    for p, text in (claims or {}).items():
        pid = _party(g, p)
        if pid not in ids:
            raise UsageError(f"a claim is given for {pid}, which is not a party ({', '.join(ids)})")
        the_claims[pid] = str(text)
    for other in g.disputes.values():
        if (
            other.status in PENDING
            and other.subject == subject
            and other.region == code
            and set(other.parties) == set(ids)
        ):
            raise ConflictingUpdate(
                f"dispute {other.id} between {', '.join(other.parties)} over {subject} in {code} "
                f"is already {other.status}; add to it instead of opening another"
            )
    did = dispute_id or _next_id(g)
    if did in g.disputes:
        raise ConflictingUpdate(f"a dispute {did} already exists; choose another id")
    return Dispute(did, tuple(ids), subject, code, raised, "open", the_claims, None, attrs)


def open_dispute(
    store: Store,
    parties: Iterable[str],
    subject: str,
    region: str,
    raised_on: str,
    claims: Mapping[str, str] | None = None,
    kind: str = "duty",
    case: Mapping[str, Any] | None = None,
    *,
    by: str,
    dispute_id: str | None = None,
) -> Dispute:
    """Record a new dispute (status ``open``) and return it.

    Parameters
    ----------
    store : the store to write to
    parties : department ids or exact names (two or more)
    subject : an item or business form (id or exact name), or — with ``case`` —
        a description of the enforcement case
    region : code or exact name of the region where the dispute arises
    raised_on : ISO date
    claims : party → what it claims (optional)
    kind : ``"duty"`` (who owns the matter) or ``"enforcement"`` (who handles a case)
    case : ``{"place": region, "filed": {party: date}, "item": item}`` for a case
    by : who records it (kept in the audit log)
    dispute_id : an id to use (default: the next ``DSP-NNNN``)
    """
    parties = list(parties)
    holder: list[Dispute] = []

    @reads_rows
    def plan(g: DutyGraph) -> ChangeSet:
        d = _plan_open(g, parties, subject, region, raised_on, claims, kind, case, dispute_id)
        holder.append(d)
        return ChangeSet([d], _log("dispute.open", d.id, by, parties=list(d.parties)))

    store.write(plan)
    return holder[0]


def dispute_from_conflict(
    store: Store, item: str, region: str, as_of: str | None = None, *, by: str
) -> Dispute:
    """Open a duty dispute from a ``MULTIPLE_LEADS`` or ``SOURCE_DISAGREEMENT`` conflict.

    The parties are the conflict's lead departments, the subject its item,
    the region where it is recorded; each party's claim cites the sources and
    bases that name it lead. Raised on ``as_of`` (default today).
    """
    date = _date(as_of, "as_of") if as_of else today()
    holder: list[Dispute] = []

    @reads_rows
    def plan(g: DutyGraph) -> ChangeSet:
        iid, code = g.find("item", item).id, g.find("region", region).code
        found = [
            c
            for c in find_conflicts(g, code, date, ("MULTIPLE_LEADS", "SOURCE_DISAGREEMENT"))
            if c.item == iid and c.region == code
        ]
        if not found:
            raise NotFound(
                "conflict",
                f"{iid} in {code}",
                f"no MULTIPLE_LEADS or SOURCE_DISAGREEMENT conflict is recorded there as of "
                f"{date}; list them with `dutygraph conflicts --as-of {date}`",
            )
        claims: dict[str, list[str]] = {}
        for c in found:
            for duty in c.duties:
                cur, _ = g.current(duty.department, date)
                who = cur.id if cur else duty.department
                bases = "、".join(duty.bases) or "无"
                why = f"{source_of(duty)} 列为牵头（依据：{bases}）"
                if why not in claims.setdefault(who, []):
                    claims[who].append(why)
        d = _plan_open(
            g,
            found[0].departments,
            iid,
            code,
            date,
            {k: "; ".join(v) for k, v in claims.items()},
            "duty",
            None,
            None,
        )
        d = dataclasses.replace(
            d, attrs={**d.attrs, "from_conflict": ",".join(c.kind for c in found)}
        )
        holder.append(d)
        log = _log(
            "dispute.open",
            d.id,
            by,
            parties=list(d.parties),
            from_conflict=d.attrs["from_conflict"],
        )
        return ChangeSet([d], log)

    store.write(plan)
    return holder[0]


def _check_transition(d: Dispute, status: str) -> None:
    if status not in _NEXT.get(d.status, ()):
        allowed = ", ".join(_NEXT.get(d.status, ())) or "nothing (it is final)"
        raise ConflictingUpdate(
            f"dispute {d.id} is {d.status}; it cannot become {status} (from {d.status}: {allowed})"
        )


def set_status(
    store: Store, dispute_id: str, status: str, on: str | None = None, *, by: str, note: str = ""
) -> Dispute:
    """Move a dispute to ``coordinating`` or ``withdrawn`` (decisions go through :func:`decide`)."""
    if status not in ("coordinating", "withdrawn"):
        hint = "use decide()" if status == "decided" else "use one of coordinating, withdrawn"
        raise UsageError(f"cannot set status {status!r} directly; {hint}")
    day = _date(on, "the date") if on else today()
    holder: list[Dispute] = []

    @reads_rows
    def plan(g: DutyGraph) -> ChangeSet:
        d = find_dispute(g, dispute_id)
        _check_transition(d, status)
        if day < d.raised_on:
            raise ConflictingUpdate(
                f"{day} is before dispute {d.id} was raised ({d.raised_on}); give a later date"
            )
        new = dataclasses.replace(d, status=status, attrs={**d.attrs, f"{status}_on": day})
        holder.append(new)
        op = "dispute.withdraw" if status == "withdrawn" else "dispute.status"
        return ChangeSet([new], _log(op, d.id, by, status=status, on=day, note=note))

    store.write(plan)
    return holder[0]


def withdraw(
    store: Store, dispute_id: str, on: str | None = None, *, by: str, note: str = ""
) -> Dispute:
    """Withdraw a pending dispute; it can no longer be decided."""
    return set_status(store, dispute_id, "withdrawn", on, by=by, note=note)


def decide(
    store: Store,
    dispute_id: str,
    lead: str,
    assists: Iterable[str] = (),
    decided_on: str | None = None,
    decider: str = "",
    reasoning: str = "",
    rule: str = "",
    *,
    by: str,
    allow_non_party: bool = False,
) -> Dispute:
    """Decide a pending dispute: record it, and close and open duties from the decision date.

    The decision (decider, date, reasoning, rule applied, who recorded it,
    the duties closed and opened) is kept in ``Dispute.decision``. For an item
    subject, the losing parties' lead duties on the item in the dispute's
    region are closed at ``decided_on`` and new duties open that day — lead for
    ``lead``, assist for each of ``assists`` — resting on a new basis of kind
    ``decision`` (``DEC-<dispute id>``). A business-form subject is settled
    (it becomes a precedent). An enforcement case is designated to ``lead``
    without changing standing duties.

    ``lead`` must be a party unless ``allow_non_party`` (the common superior
    may designate any competent department).
    """
    holder: list[Dispute] = []
    if not decider.strip() or not reasoning.strip() or not rule.strip():
        raise UsageError("a decision needs the decider, the reasoning and the rule applied")
    day = _date(decided_on, "decided_on") if decided_on else today()
    assist_keys = list(assists)

    @reads_rows
    def plan(g: DutyGraph) -> ChangeSet:
        d = find_dispute(g, dispute_id)
        _check_transition(d, "decided")
        if day < d.raised_on:
            raise ConflictingUpdate(
                f"decision date {day} is before dispute {d.id} was raised ({d.raised_on}); "
                "a decision cannot precede its dispute"
            )
        winner = _party(g, lead, "decided lead")
        if winner not in d.parties and not allow_non_party:
            raise UsageError(
                f"{winner} is not a party to {d.id} ({', '.join(d.parties)}); the common superior "
                "may designate another competent department: pass allow_non_party "
                "(--allow-non-party) to do so"
            )
        cur, _ = g.current(winner, day)
        if cur is None or cur.id != winner:
            raise ConflictingUpdate(
                f"{winner} is not active on {day}" + (f"; its successor is {cur.id}" if cur else "")
            )
        helpers: list[str] = []
        for a in assist_keys:
            aid = _party(g, a, "assisting department")
            if aid == winner:
                raise UsageError(f"{aid} cannot both lead and assist")
            if aid not in helpers:
                helpers.append(aid)
        basis = LegalBasis(
            f"DEC-{d.id}",
            f"{decider}关于管辖争议{d.id}的决定（{rule}）",
            "decision",
            decider,
            None,
            day,
            None,
            {"dispute": d.id, "rule": rule},
        )
        if basis.id in g.bases:
            raise ConflictingUpdate(f"basis {basis.id} already exists; dispute {d.id} was decided")
        records: list[Any] = [basis]
        closed: list[str] = []
        opened: list[str] = []
        kind = d.attrs.get("subject_kind", "item")
        if kind == "item":
            losers = set(d.parties) - {winner}
            for x in g.duties_at(d.subject, d.region):
                if (
                    x.role == "lead"
                    and x.department in losers
                    and (x.valid_from or "") < day
                    and (x.valid_to is None or x.valid_to > day)
                ):
                    records.append(dataclasses.replace(x, valid_to=day))
                    closed.append(x.id)
            for dep, role in [(winner, "lead"), *((h, "assist") for h in helpers)]:
                new = Duty(
                    dep, d.subject, d.region, role, (basis.id,), day, None, f"decision:{d.id}"
                )
                if any(x.id == new.id for x in g.duties_at(d.subject, d.region)):
                    raise ConflictingUpdate(
                        f"a duty {new.id} already starts on {day}; record the decision another day"
                    )
                records.append(new)
                opened.append(new.id)
        elif kind == "business_form":
            form = g.business_forms[d.subject]
            records.append(
                dataclasses.replace(
                    form, lead=winner, assist=tuple(helpers), settled_on=day, basis=basis.id
                )
            )
        decision = {
            "lead": winner,
            "assists": helpers,
            "decided_on": day,
            "decider": decider,
            "reasoning": reasoning,
            "rule": rule,
            "basis": basis.id,
            "by": by,
            "non_party": winner not in d.parties,
            "closed": closed,
            "opened": opened,
        }
        new_d = dataclasses.replace(d, status="decided", decision=decision)
        records.append(new_d)
        holder.append(new_d)
        log = _log(
            "dispute.decide", d.id, by, lead=winner, decided_on=day, closed=closed, opened=opened
        )
        return ChangeSet(records, log)

    store.write(plan)
    return holder[0]


def dispute_history(store: Store, dispute_id: str) -> list[dict[str, Any]]:
    """The audit-log entries about one dispute, oldest first (who did what, when)."""
    return [e for e in store.history() if e.get("dispute") == dispute_id]
