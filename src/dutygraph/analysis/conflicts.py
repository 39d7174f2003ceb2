"""Conflicts (管辖争议, 政策叠加) and duplicate inspection.

A conflict is reported once, at the region where the clashing duties are
recorded — not again in every region that inherits them:

``MULTIPLE_LEADS``
    two or more distinct lead departments for the same item, region and date
    (an abolished department counts as its successor);
``SOURCE_DISAGREEMENT``
    two sources (a 三定 provision and a power list, two list versions...) name
    different leads for the same item, region and date;
``OPEN_DISPUTE``
    a recorded dispute over the item in the region is pending.

Duplicate inspection is separate: in a region, the departments that lead
(resolved, inherited or not) the 行政检查 items sharing a supervised object,
when there are two or more — a candidate for one joint inspection.

>>> from dutygraph.fixtures import demo_graph
>>> [(c.item, c.region, c.kind) for c in find_conflicts(demo_graph(), as_of="2025-01-01")]
[('I-MEDBEAUTY', '510000', 'MULTIPLE_LEADS'), ('I-SELFBUILT', '510100', 'MULTIPLE_LEADS'), ('I-SELFBUILT', '510100', 'SOURCE_DISAGREEMENT')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from typing import Any

from .._gc import gc_paused
from ..graph import DutyGraph
from ..model import INSPECTION, Duty, today
from ..reader import GraphReader, dispatchable, in_key_order, whole_graph
from .gaps import scope
from .resolve import resolve

__all__ = [
    "CONFLICT_KINDS",
    "Conflict",
    "DuplicateInspection",
    "conflicts_at",
    "duplicate_inspections",
    "find_conflicts",
    "open_disputes",
    "source_of",
]

CONFLICT_KINDS = ("MULTIPLE_LEADS", "SOURCE_DISAGREEMENT", "OPEN_DISPUTE")
PENDING = ("open", "coordinating")


@dataclass
class Conflict:
    """One conflict: item, region, kind, the departments involved, and the duties behind it."""

    item: str
    region: str
    kind: str
    departments: list[str]
    detail: str
    duties: list[Duty] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def source_of(duty: Duty) -> str:
    """The list a duty came from: its ``source`` without a ``#row`` suffix, else its file.

    >>> source_of(Duty("D", "I", "000000", "lead", source="sc-list-2023#7"))
    'sc-list-2023'
    """
    if duty.source:
        return duty.source.split("#", 1)[0]
    return duty.origin.file if duty.origin else "(unknown)"


def _current(g: GraphReader, dept: str, as_of: str) -> str:
    cur, _ = g.current(dept, as_of)
    return cur.id if cur is not None else dept


@dispatchable
def find_conflicts(
    g: GraphReader,
    region: str | None = None,
    as_of: str | None = None,
    kinds: Iterable[str] | None = None,
) -> list[Conflict]:
    """Every conflict recorded in ``region``'s subtree (or everywhere), as of a date.

    Only the (item, region) pairs recorded with two or more lead duties are
    looked at (:meth:`DutyGraph.multi_lead_sites`, found once per graph with
    the cyclic garbage collector paused: it walks half a million duties).
    """
    g = whole_graph(g, "find_conflicts")
    with gc_paused():
        return _find_conflicts(g, region, as_of, kinds)


def _find_conflicts(
    g: DutyGraph,
    region: str | None,
    as_of: str | None,
    kinds: Iterable[str] | None,
) -> list[Conflict]:
    as_of = as_of or today()
    wanted = set(kinds) if kinds else set(CONFLICT_KINDS)
    in_scope = set(scope(g, region))
    out: list[Conflict] = []
    order = {code: i for i, code in enumerate(scope(g, None))}
    sites = sorted(
        ((i, r) for i, r in g.multi_lead_sites() if r in in_scope),
        key=lambda s: (order.get(s[1], 0), s[0]),
    )
    for item, reg in sites:
        out.extend(conflicts_at(g, item, reg, as_of, wanted))
    if "OPEN_DISPUTE" in wanted:
        out.extend(open_disputes(g, in_scope, as_of))
    return out


def open_disputes(g: GraphReader, in_scope: Container[str], as_of: str) -> list[Conflict]:
    """The ``OPEN_DISPUTE`` conflicts: each dispute pending at ``as_of`` whose region is in
    ``in_scope``, in the store's order (they follow the others in :func:`find_conflicts`)."""
    out: list[Conflict] = []
    for dispute in g.disputes.values():
        pending = dispute.status in PENDING and dispute.raised_on <= as_of
        if pending and dispute.region in in_scope:
            # a case names its item in attrs; a business form or a case keeps its subject
            subject_kind = dispute.attrs.get("subject_kind", "item")
            out.append(
                Conflict(
                    dispute.attrs.get("item") or dispute.subject,
                    dispute.region,
                    "OPEN_DISPUTE",
                    list(dispute.parties),
                    f"dispute {dispute.id} is {dispute.status}",
                    extra={
                        "dispute": dispute.id,
                        "subject": dispute.subject,
                        "subject_kind": subject_kind,
                    },
                )
            )
    return out


def conflicts_at(
    g: GraphReader, item: str, region: str, as_of: str, kinds: Iterable[str] = CONFLICT_KINDS
) -> list[Conflict]:
    """The conflicts recorded at one (item, region) as of a date (``MULTIPLE_LEADS`` and
    ``SOURCE_DISAGREEMENT``: the duties there alone make them)."""
    wanted, reg = set(kinds), region
    out: list[Conflict] = []
    leads = in_key_order(g.active_duties_at(item, reg, "lead", as_of))
    if len(leads) < 2:
        return out
    depts = sorted({_current(g, d.department, as_of) for d in leads})
    if len(depts) >= 2 and "MULTIPLE_LEADS" in wanted:
        out.append(
            Conflict(
                item,
                reg,
                "MULTIPLE_LEADS",
                depts,
                f"{len(depts)} lead departments: {', '.join(depts)}",
                leads,
            )
        )
    by_source: dict[str, set[str]] = defaultdict(set)
    for d in leads:
        by_source[source_of(d)].add(_current(g, d.department, as_of))
    named = {frozenset(v) for v in by_source.values()}
    if len(named) >= 2 and "SOURCE_DISAGREEMENT" in wanted:
        detail = "; ".join(
            f"{s} names {', '.join(sorted(v))}" for s, v in sorted(by_source.items())
        )
        out.append(
            Conflict(
                item,
                reg,
                "SOURCE_DISAGREEMENT",
                depts,
                detail,
                leads,
                {"sources": {s: sorted(v) for s, v in by_source.items()}},
            )
        )
    return out


@dataclass
class DuplicateInspection:
    """Departments leading inspections of the same supervised object in one region."""

    region: str
    object: str
    departments: list[str]
    items: list[str]


@dispatchable
def duplicate_inspections(
    g: GraphReader, region: str | None = None, as_of: str | None = None
) -> list[DuplicateInspection]:
    """Joint-inspection candidates: 行政检查 items sharing an object, led by 2+ departments.

    >>> from dutygraph.fixtures import demo_graph
    >>> d = duplicate_inspections(demo_graph(), "510104", "2025-10-01")
    >>> [(x.object, x.departments) for x in d]
    [('加油站', ['JJ-JXJ', 'JJ-SCJ', 'JJ-YJJ', 'JJ-ZJJ'])]
    """
    g = whole_graph(g, "duplicate_inspections")
    as_of = as_of or today()
    by_object: dict[str, list[str]] = defaultdict(list)
    for item in g.items.values():
        if item.power_type == INSPECTION:
            for obj in item.objects:
                by_object[obj].append(item.id)
    out = []
    for code in scope(g, region):
        level = g.regions[code].level
        for obj, items in by_object.items():
            applying = [i for i in items if g.items[i].applies_at(level)]
            if len(applying) < 2:
                continue
            depts: dict[str, None] = {}
            used: list[str] = []
            for i in applying:
                answers = resolve(g, i, code, "lead", as_of).departments()
                if answers:
                    used.append(i)
                for d in answers:
                    depts[d] = None
            if len(depts) >= 2:
                out.append(DuplicateInspection(code, obj, sorted(depts), used))
    return out
