"""Jurisdiction disputes (管辖争议): record, evidence, statutory route, decision, history.

A coordinator opens a dispute between departments over a subject — an item, a
business form, or an enforcement case with its place and the date each party
filed it — in a region. Its status runs ``open`` → ``coordinating`` →
``decided``, or ends ``withdrawn``. The read side takes the graph first:

* :func:`evidence` — each party's duties on the subject with their bases
  (law and article), sources and validity, what the resolution rules give it
  today, and settled precedents that resemble the subject (业务相近);
* :func:`route` — the statutory route, computed and explained: for
  enforcement jurisdiction the 行政处罚法 (第二十二条 place, 第二十三条 level,
  第二十五条 first to file, negotiation, designation by the common superior);
  for duty disputes the establishment-administration body (机构编制部门) of the
  nearest common government; who coordinates; and the rule that parties keep
  their current duties while coordination runs.

The write side takes the store first and changes it only through
``store.write(plan)``, one log entry per change (``op``, ``dispute``, ``by``,
``at``): :func:`open_dispute`, :func:`dispute_from_conflict`,
:func:`set_status`, :func:`decide`, :func:`withdraw`. A decision on an item
closes the losing parties' lead duties on it in the region at the decision date
and opens the decided ones with a basis of kind ``decision`` (``DEC-<id>``), so
who-leads answers change at that date and not before. Nothing is overwritten:
closed duties keep their rows, and :func:`dispute_history` reads the
append-only log.

>>> from dutygraph.fixtures import demo_graph
>>> from dutygraph.model import Dispute
>>> d = Dispute("DSP-X", ("CD-ZJJ", "CD-YJJ"), "I-SELFBUILT", "510100", "2025-01-10")
>>> r = route(demo_graph(), d, as_of="2025-01-10")
>>> r["common_superior"]["name"], r["coordinator"]["department"]["id"]
('成都市人民政府', 'CD-BB')
>>> r["interim"]["current_leads"]
['CD-ZJJ', 'CD-YJJ']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from ..errors import Ambiguous, ConflictingUpdate, NotFound, UsageError
from ..graph import DutyGraph
from ..model import Department, Dispute, Duty, LegalBasis, today
from ..serialize import department_dict
from ..store.base import ChangeSet, Store
from .conflicts import PENDING, find_conflicts, source_of
from .resolve import duty_evidence, resolve

__all__ = [
    "DISPUTE_KINDS",
    "STATUSES",
    "decide",
    "dispute_from_conflict",
    "dispute_history",
    "evidence",
    "find_dispute",
    "list_disputes",
    "open_dispute",
    "route",
    "set_status",
    "withdraw",
]

#: ``duty``: who owns a kind of matter (机构编制部门); ``enforcement``: who handles a case (司法行政)
DISPUTE_KINDS = ("duty", "enforcement")
#: statuses; ``decided`` and ``withdrawn`` are final
STATUSES = ("open", "coordinating", "decided", "withdrawn")
_NEXT = {"open": ("coordinating", "decided", "withdrawn"), "coordinating": ("decided", "withdrawn")}
#: lines of the bodies that coordinate
JUSTICE, ESTABLISHMENT = "justice", "establishment"
PENALTY_LAW = "中华人民共和国行政处罚法"
INTERIM_RULE = (
    "while consultation and coordination run, every party keeps the duties it holds under the "
    "existing allocation (部门职责分工协调办法; e.g. a province's 办法 第四条): there is no gap "
    "during a dispute"
)


# -- reading ------------------------------------------------------------------


def find_dispute(g: DutyGraph, dispute: str | Dispute) -> Dispute:
    """The dispute with that id (a record is returned as it is)."""
    if isinstance(dispute, Dispute):
        return dispute
    found = g.disputes.get(dispute.strip())
    if found is None:
        known = ", ".join(sorted(g.disputes)[:10]) or "none recorded"
        raise NotFound(
            "dispute", dispute, f"known disputes: {known}; list them with `dutygraph dispute list`"
        )
    return found


def list_disputes(
    g: DutyGraph, status: str | None = None, region: str | None = None
) -> list[Dispute]:
    """Disputes by id; ``region`` keeps that region's subtree, ``status`` one status.

    >>> from dutygraph.fixtures import demo_graph
    >>> list_disputes(demo_graph())
    []
    """
    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    within = set(g.subtree(g.find("region", region).code)) if region else None
    return [
        d
        for d in sorted(g.disputes.values(), key=lambda d: d.id)
        if (status is None or d.status == status) and (within is None or d.region in within)
    ]


def _items_of(g: DutyGraph, d: Dispute) -> list[str]:
    """The items a dispute is about: the item, the business form's behaviours' items, the case's item."""
    kind = d.attrs.get("subject_kind", "item")
    if kind == "business_form" and d.subject in g.business_forms:
        out: list[str] = []
        for b in g.business_forms[d.subject].behaviors:
            for i in g.behaviors[b].items if b in g.behaviors else ():
                if i in g.items and i not in out:
                    out.append(i)
        return out
    item = d.attrs.get("item") or (d.subject if kind == "item" else "")
    return [item] if item in g.items else []


def _subject_dict(g: DutyGraph, d: Dispute) -> dict[str, Any]:
    kind = d.attrs.get("subject_kind", "item")
    out: dict[str, Any] = {"kind": kind, "id": d.subject, "items": _items_of(g, d)}
    if kind == "item" and d.subject in g.items:
        out["name"] = g.items[d.subject].name
    elif kind == "business_form" and d.subject in g.business_forms:
        out["name"] = g.business_forms[d.subject].name
    else:
        out["description"] = d.subject
    if d.attrs.get("place"):
        out["place"] = d.attrs["place"]
    if d.attrs.get("filed"):
        out["filed"] = _filed(d)
    return out


def _filed(d: Dispute) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (d.attrs.get("filed") or "").split(";"):
        if "=" in part:
            dept, _, date = part.partition("=")
            out[dept] = date
    return out


def _related_items(g: DutyGraph, items: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for i in items:
        out.update(g.item_path(i))
        out.update(nx.ancestors(g.item_tree, i))  # child -> parent: ancestors are the sub-items
    return out


def dispute_dict(g: DutyGraph, d: Dispute) -> dict[str, Any]:
    """A dispute as plain data (the CLI's ``--json`` shape)."""
    return {
        "id": d.id,
        "kind": d.attrs.get("kind", "duty"),
        "status": d.status,
        "parties": list(d.parties),
        "subject": _subject_dict(g, d),
        "region": d.region,
        "raised_on": d.raised_on,
        "claims": dict(d.claims),
        "decision": d.decision,
        "attrs": dict(d.attrs),
    }


def evidence(g: DutyGraph, dispute: str | Dispute, as_of: str | None = None) -> dict[str, Any]:
    """What each party's duties and bases say about the subject, and the precedents.

    For each party: its duties on the subject's items (and their parent and
    sub-items), in any region and at any date, each with its bases (title,
    kind, article, in force or not), source and validity interval, and whether
    it is active as of the date; and whether the resolution rules make it lead
    or assist in the dispute's region. Precedents: settled business forms
    that resemble the subject (linked behaviours, then wording), and decided
    disputes on the same items.

    >>> from dutygraph.fixtures import demo_graph
    >>> from dutygraph.model import Dispute
    >>> d = Dispute("DSP-X", ("SC-WJW", "SC-SCJ"), "I-MEDBEAUTY", "510000", "2025-01-10")
    >>> e = evidence(demo_graph(), d, "2025-01-10")
    >>> [(p["department"]["id"], p["resolved"]["lead"]) for p in e["parties"]]
    [('SC-WJW', True), ('SC-SCJ', True)]
    >>> e["parties"][0]["duties"][0]["bases"][0]["id"], e["parties"][0]["duties"][0]["source"]
    ('B-SC-LIST', 'sc-key-items-2023#7')
    """
    d = find_dispute(g, dispute)
    as_of = as_of or today()
    items = _items_of(g, d)
    related = _related_items(g, items)
    region = d.attrs.get("place") or d.region
    resolved: dict[str, dict[str, Any]] = {}
    for item in items:
        if region not in g.regions:
            break
        for role in ("lead", "assist"):
            for a in resolve(g, item, region, role, as_of).answers:
                entry = resolved.setdefault(a.department.id, {})
                entry.setdefault(role, []).append(
                    {"item": item, "via": a.via, "inherited": a.inherited}
                )
    parties = []
    for pid in d.parties:
        dep = g.departments.get(pid)
        duties = sorted(
            (x for x in g.duties_of(pid) if x.item in related),
            key=lambda x: (x.item, x.region, x.role, x.valid_from or ""),
        )
        mine = resolved.get(pid, {})
        parties.append(
            {
                "department": department_dict(dep) if dep else {"id": pid, "missing": True},
                "claim": d.claims.get(pid, ""),
                "duties": [
                    {**duty_evidence(g, x, as_of), "active": x.active(as_of)} for x in duties
                ],
                "resolved": {
                    "region": region,
                    "lead": bool(mine.get("lead")),
                    "assist": bool(mine.get("assist")),
                    "how": mine,
                },
                "filed_on": _filed(d).get(pid),
            }
        )
    return {
        "dispute": d.id,
        "as_of": as_of,
        "subject": _subject_dict(g, d),
        "parties": parties,
        "precedents": _precedents(g, d, items),
    }


def _precedents(g: DutyGraph, d: Dispute, items: list[str]) -> list[dict[str, Any]]:
    from .assign import _indexes  # the same text index the assignment uses

    text_parts = [d.subject]
    for i in items:
        it = g.items[i]
        text_parts.extend((it.name, *it.keywords, *it.objects))
    if d.subject in g.business_forms:
        form = g.business_forms[d.subject]
        text_parts.extend((form.name, form.description))
    similar = dict(_indexes(g)[2].similar(" ".join(text_parts), 0.05))
    related = _related_items(g, items)
    scored = []
    for form in g.business_forms.values():
        if not form.settled or form.id == d.subject:
            continue
        linked = sorted(
            i
            for b in form.behaviors
            if b in g.behaviors
            for i in g.behaviors[b].items
            if i in related
        )
        score = (0.6 if linked else 0.0) + 0.4 * similar.get(form.id, 0.0)
        if score < 0.1:
            continue
        reasons = [f"its behaviours touch {', '.join(linked)}"] if linked else []
        if form.id in similar:
            reasons.append(f"similar wording ({similar[form.id]:.2f})")
        scored.append(
            {
                "kind": "business_form",
                "id": form.id,
                "name": form.name,
                "lead": form.lead,
                "assist": list(form.assist),
                "settled_on": form.settled_on,
                "basis": form.basis,
                "similarity": round(score, 3),
                "reasons": reasons,
            }
        )
    scored.sort(key=lambda p: (-p["similarity"], p["id"]))
    out = scored[:3]
    for other in sorted(g.disputes.values(), key=lambda x: x.id):
        if other.id != d.id and other.status == "decided" and set(_items_of(g, other)) & set(items):
            out.append(
                {
                    "kind": "dispute",
                    "id": other.id,
                    "region": other.region,
                    "lead": (other.decision or {}).get("lead"),
                    "assist": (other.decision or {}).get("assists", []),
                    "settled_on": (other.decision or {}).get("decided_on"),
                    "basis": (other.decision or {}).get("basis"),
                    "reasons": ["a decided dispute on the same item"],
                }
            )
    return out


# -- the statutory route ----------------------------------------------------------


def _gov(code: str) -> tuple[str, str]:
    return ("gov", code)


def hierarchy(g: DutyGraph) -> nx.DiGraph:
    """Who answers to whom (child → superior): governments up the region tree; a
    department to its government, a vertically managed one to its ``superior``
    in the line (the top of the line to the government of its region)."""
    h = nx.DiGraph()
    h.add_edges_from((_gov(c), _gov(p)) for c, p in g.region_tree.edges)
    h.add_nodes_from(_gov(c) for c in g.regions)
    for dep in g.departments.values():
        if dep.vertical and dep.superior in g.departments:
            h.add_edge(("dept", dep.id), ("dept", dep.superior))
        else:
            h.add_edge(("dept", dep.id), _gov(dep.region))
    return h


def _superior(h: nx.DiGraph, node: tuple[str, str]) -> tuple[str, str] | None:
    return next(iter(h.successors(node)), None)


def _common_superior(h: nx.DiGraph, parties: list[str]) -> tuple[tuple[str, str] | None, list[str]]:
    """The nearest node above every party (never a party itself), and notes on how."""
    down = h.reverse(copy=False)  # superior -> subordinate, as networkx's LCA wants
    nodes = [("dept", p) for p in parties]
    lca: tuple[str, str] | None = nodes[0]
    for n in nodes[1:]:
        lca = nx.lowest_common_ancestor(down, lca, n) if lca is not None else None
    notes: list[str] = []
    while lca is not None and lca in nodes:
        notes.append(
            f"{lca[1]} is itself a superior of the other party in its line and may take the "
            "case itself; the common next-higher authority is above it"
        )
        lca = _superior(h, lca)
    return lca, notes


def _gov_name(g: DutyGraph, code: str) -> str:
    r = g.regions[code]
    return "国务院" if r.level == "national" else f"{r.name}人民政府"


def _body(g: DutyGraph, code: str, line: str, as_of: str) -> dict[str, Any]:
    """The government's department of ``line`` at ``code``, or the role named when absent."""
    found = [d for d in g.counterparts(code, line, as_of)]
    r = g.regions[code]
    if line == JUSTICE:
        role = {"national": "司法部", "province": f"{r.name}司法厅"}.get(r.level, f"{r.name}司法局")
        what = "justice-administration department (司法行政部门)"
    else:
        role = (
            "中央机构编制委员会办公室" if r.level == "national" else f"{r.name}机构编制委员会办公室"
        )
        what = "establishment-administration body (机构编制部门)"
    out: dict[str, Any] = {
        "region": code,
        "government": _gov_name(g, code),
        "role": f"the {what} of {_gov_name(g, code)}",
        "department": department_dict(found[0]) if found else None,
        "name": found[0].name if found else role,
    }
    if not found:
        out["note"] = f"no department of line {line!r} is recorded in {code}; named by role"
    return out


def _node_dict(g: DutyGraph, node: tuple[str, str]) -> dict[str, Any]:
    if node[0] == "gov":
        return {"kind": "government", "region": node[1], "name": _gov_name(g, node[1])}
    dep = g.departments[node[1]]
    return {"kind": "department", "id": dep.id, "name": dep.name, "region": dep.region}


def _covers(g: DutyGraph, dep: Department, place: str) -> bool:
    return dep.region in g.region_path(place)


def route(g: DutyGraph, dispute: str | Dispute, as_of: str | None = None) -> dict[str, Any]:
    """The statutory route for a dispute, computed from the graph and explained step by step.

    ``common_superior`` is the nearest authority above every party in the
    hierarchy of :func:`hierarchy`: the government of the parties' nearest
    common region; for departments of one vertically managed line, their
    nearest common superior department in the line. ``coordinator`` is the body
    that runs the coordination at that level: the justice-administration
    department (enforcement) or the establishment-administration body (duties),
    found among the region's departments by line, else named by role.

    >>> from dutygraph.fixtures import demo_graph
    >>> from dutygraph.model import Dispute
    >>> d = Dispute("DSP-X", ("JJ-SCJ", "JY-SCJ"), "I-FOOD-SALE", "510104", "2025-03-10",
    ...             attrs={"kind": "enforcement", "place": "510104",
    ...                    "filed": "JJ-SCJ=2025-03-02;JY-SCJ=2025-03-01"})
    >>> r = route(demo_graph(), d, "2025-03-10")
    >>> r["common_superior"]["name"], r["coordinator"]["name"]
    ('四川省人民政府', '四川省司法厅')
    >>> [s["step"] for s in r["steps"]]
    ['place', 'level', 'first_filing', 'negotiation', 'designation']
    >>> r["steps"][0]["eligible"], r["outcome"]["department"]
    (['JJ-SCJ'], 'JJ-SCJ')
    """
    d = find_dispute(g, dispute)
    as_of = as_of or today()
    kind = d.attrs.get("kind", "duty")
    parties = [p for p in d.parties if p in g.departments]
    h = hierarchy(g)
    sup, notes = _common_superior(h, parties) if len(parties) >= 2 else (None, [])
    sup_region = (
        sup[1] if sup and sup[0] == "gov" else g.departments[sup[1]].region if sup else d.region
    )
    common_region = sup_region
    line_note = _line_note(g, parties, h)
    items = _items_of(g, d)
    current = []
    for item in items:
        current.extend(
            x for x in resolve(g, item, d.region, "lead", as_of).departments() if x not in current
        )
    interim = {"rule": INTERIM_RULE, "current_leads": current, "region": d.region, "as_of": as_of}
    coordinator = _body(
        g, common_region, JUSTICE if kind == "enforcement" else ESTABLISHMENT, as_of
    )
    out: dict[str, Any] = {
        "dispute": d.id,
        "kind": kind,
        "as_of": as_of,
        "parties": parties,
        "common_superior": _node_dict(g, sup) if sup else None,
        "coordinator": coordinator,
        "interim": interim,
        "notes": notes + line_note,
    }
    if kind == "enforcement":
        out["steps"], out["outcome"] = _enforcement_steps(g, d, parties, items, sup, as_of)
        out["coordinator"]["does"] = (
            "coordinates the enforcement dispute (行政执法协调) and prepares the designation"
        )
    else:
        out["steps"], out["outcome"] = _duty_steps(g, d, parties, current, sup, coordinator)
        out["coordinator"]["does"] = "coordinates the duty dispute (部门职责分工协调)"
    if any(g.departments[p].vertical for p in parties) and not all(
        g.departments[p].vertical for p in parties
    ):
        regions = [g.departments[p].region for p in parties]
        local = _gov(regions[0])
        for r in regions[1:]:
            local = nx.lowest_common_ancestor(h.reverse(copy=False), local, _gov(r))
        out["local_coordination"] = {
            "government": _gov_name(g, local[1]),
            "coordinator": _body(g, local[1], JUSTICE, as_of),
            "rule": "local 行政执法协调 rules route disputes with vertically managed bodies through "
            "the government of the place, which takes them up with the line's superior",
        }
    return out


def _line_note(g: DutyGraph, parties: list[str], h: nx.DiGraph) -> list[str]:
    deps = [g.departments[p] for p in parties]
    shared = set(deps[0].systems).intersection(*(d.systems for d in deps[1:])) if deps else set()
    if not shared or len({d.region for d in deps}) < 2 or all(d.vertical for d in deps):
        return []
    return [
        f"the parties share line {', '.join(sorted(shared))}: sector rules (e.g. "
        "市场监督管理行政处罚程序规定) also let the common upper department of the line designate"
    ]


def _enforcement_steps(
    g: DutyGraph,
    d: Dispute,
    parties: list[str],
    items: list[str],
    sup: tuple[str, str] | None,
    as_of: str,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    place = d.attrs.get("place") or d.region
    steps: list[dict[str, Any]] = []
    covering = [p for p in parties if _covers(g, g.departments[p], place)]
    steps.append(
        {
            "step": "place",
            "rule": f"{PENALTY_LAW} 第二十二条",
            "explain": "the authority of the place where the violation happened has jurisdiction",
            "place": place,
            "eligible": covering,
            "excluded": {
                p: f"{g.departments[p].region} does not cover {place}"
                for p in parties
                if p not in covering
            },
        }
    )
    powered: list[str] = []
    why: dict[str, str] = {}
    competent: set[str] = set()
    for item in items:
        for role in ("lead", "assist"):
            competent.update(resolve(g, item, place, role, as_of).departments())
            competent.update(
                x.department
                for x in g.duties_on(item)
                if x.active(as_of) and x.region in g.region_path(place)
            )
    for p in covering:
        level = g.regions[g.departments[p].region].level
        if level == "township":
            why[p] = (
                "a township body has penalty power only where the province devolved it (第二十四条)"
            )
        elif items and p not in competent:
            why[p] = f"holds no duty on {', '.join(items)} covering {place} as of {as_of}"
        else:
            powered.append(p)
    steps.append(
        {
            "step": "level",
            "rule": f"{PENALTY_LAW} 第二十三条",
            "explain": "a local authority at county level or above holding the penalty power",
            "eligible": powered,
            "excluded": why,
        }
    )
    outcome: dict[str, Any] = {"settled_by": None, "department": None}
    if len(powered) == 1:
        outcome = {"settled_by": "place and level", "department": powered[0]}
    filed = {p: day for p, day in _filed(d).items() if p in powered}
    first: list[str] = []
    if filed:
        earliest = min(filed.values())
        first = sorted(p for p, day in filed.items() if day == earliest)
    step = {
        "step": "first_filing",
        "rule": f"{PENALTY_LAW} 第二十五条第一款",
        "explain": "of several authorities with jurisdiction, the one that filed the case first",
        "filed": filed,
        "first": first,
    }
    steps.append(step)
    if outcome["department"] is None and len(first) == 1:
        outcome = {"settled_by": "first filing", "department": first[0]}
    elif outcome["department"] is None:
        step["finding"] = "no single first filing" if filed else "no filing dates recorded"
    steps.append(
        {
            "step": "negotiation",
            "rule": f"{PENALTY_LAW} 第二十五条第二款",
            "explain": "a dispute over jurisdiction is settled by consultation (协商) first",
            "between": parties,
        }
    )
    steps.append(
        {
            "step": "designation",
            "rule": f"{PENALTY_LAW} 第二十五条第二款",
            "explain": "if consultation fails, the parties ask their common next-higher "
            "authority to designate one (it may also designate directly)",
            "by": _node_dict(g, sup) if sup else None,
        }
    )
    return steps, outcome


def _duty_steps(
    g: DutyGraph,
    d: Dispute,
    parties: list[str],
    current: list[str],
    sup: tuple[str, str] | None,
    coordinator: dict[str, Any],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    host = (next((p for p in parties if p in current), None) or parties[0]) if parties else None
    why = "the designated lead" if host in current else "the first listed party (first objector)"
    gov = _gov_name(g, coordinator["region"])
    steps = [
        {
            "step": "allocation",
            "rule": "三定规定、权责清单 (部门职责分工协调办法 第四条)",
            "explain": "read the duties the three-determinations provisions and power lists give "
            "each party (see the evidence)",
        },
        {
            "step": "consultation",
            "rule": "部门职责分工协调办法 第七条",
            "explain": f"the parties consult first; {host} hosts it as {why}",
            "host": host,
        },
        {
            "step": "coordination",
            "rule": "中国共产党机构编制工作条例; 部门职责分工协调办法 第三条",
            "explain": f"if consultation fails, {coordinator['name']} coordinates "
            "(一件事情原则上由一个部门负责: one lead, the others assist)",
            "by": coordinator,
        },
        {
            "step": "decision",
            "rule": "部门职责分工协调办法",
            "explain": f"unresolved: the Party committee and {gov} decide",
            "by": _node_dict(g, sup) if sup else None,
        },
    ]
    return steps, {"settled_by": None, "department": None}


# -- writing ---------------------------------------------------------------------


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
                why = f"lead per {source_of(duty)} ({', '.join(duty.bases) or 'no basis'})"
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
                if new.id in g.duties:
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
