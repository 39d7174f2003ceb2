"""The statutory route of a dispute: who decides, by which rule, who coordinates meanwhile."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import TYPE_CHECKING, Any, cast

from ...graph import DutyGraph
from ...model import Department, Dispute, today
from ...reader import GraphReader
from ...serialize import department_dict
from ..resolve import resolve
from .records import _filed, _items_of, find_dispute

if TYPE_CHECKING:  # networkx takes a third of a second to import: only when used
    import networkx as nx

#: lines of the bodies that coordinate
JUSTICE, ESTABLISHMENT = "justice", "establishment"
PENALTY_LAW = "中华人民共和国行政处罚法"
INTERIM_RULE = (
    "while consultation and coordination run, every party keeps the duties it holds under the "
    "existing allocation (部门职责分工协调办法; e.g. a province's 办法 第四条): there is no gap "
    "during a dispute"
)


def _gov(code: str) -> tuple[str, str]:
    return ("gov", code)


def hierarchy(g: GraphReader, parties: Iterable[str] | None = None) -> nx.DiGraph:
    """Who answers to whom (child → superior): governments up the region tree; a
    department to its government, a vertically managed one to its ``superior``
    in the line (the top of the line to the government of its region).

    With ``parties``: only what lies above those departments and their
    governments — each node has one superior, so their common superiors are
    the same as in the whole hierarchy, read from a few paths up the trees
    rather than from every region and department (as a store's reader does).
    """
    import networkx as nx

    h = nx.DiGraph()
    if parties is None:
        h.add_edges_from((_gov(c), _gov(p)) for c, p in cast(DutyGraph, g).region_tree.edges)
        h.add_nodes_from(_gov(c) for c in g.regions)
        deps: Iterable[Department] = g.departments.values()
    else:
        todo = [g.departments[p] for p in parties]
        seen: dict[str, Department] = {}
        while todo:  # each party, and its superiors up the line
            dep = todo.pop()
            if dep.id not in seen:
                seen[dep.id] = dep
                if dep.vertical and dep.superior and dep.superior in g.departments:
                    todo.append(g.departments[dep.superior])
        deps = seen.values()
        for code in {dep.region for dep in deps}:
            path = g.region_path(code)
            h.add_nodes_from(_gov(c) for c in path)
            h.add_edges_from((_gov(c), _gov(p)) for c, p in pairwise(path))
    for dep in deps:
        if dep.vertical and dep.superior in g.departments:
            h.add_edge(("dept", dep.id), ("dept", dep.superior))
        else:
            h.add_edge(("dept", dep.id), _gov(dep.region))
    return h


def _superior(h: nx.DiGraph, node: tuple[str, str]) -> tuple[str, str] | None:
    return next(iter(h.successors(node)), None)


def _common_superior(h: nx.DiGraph, parties: list[str]) -> tuple[tuple[str, str] | None, list[str]]:
    """The nearest node above every party (never a party itself), and notes on how."""
    import networkx as nx

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


def _gov_name(g: GraphReader, code: str) -> str:
    r = g.regions[code]
    return "国务院" if r.level == "national" else f"{r.name}人民政府"


def _body(g: GraphReader, code: str, line: str, as_of: str) -> dict[str, Any]:
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


def _node_dict(g: GraphReader, node: tuple[str, str]) -> dict[str, Any]:
    if node[0] == "gov":
        return {"kind": "government", "region": node[1], "name": _gov_name(g, node[1])}
    dep = g.departments[node[1]]
    return {"kind": "department", "id": dep.id, "name": dep.name, "region": dep.region}


def _covers(g: GraphReader, dep: Department, place: str) -> bool:
    return dep.region in g.region_path(place)


def route(g: GraphReader, dispute: str | Dispute, as_of: str | None = None) -> dict[str, Any]:
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
    h = hierarchy(g, parties)
    sup, notes = _common_superior(h, parties) if len(parties) >= 2 else (None, [])
    sup_region = (
        sup[1] if sup and sup[0] == "gov" else g.departments[sup[1]].region if sup else d.region
    )
    common_region = sup_region
    line_note = _line_note(g, parties, h)
    items = _items_of(g, d)
    current: list[str] = []
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
        import networkx as nx

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


def _line_note(g: GraphReader, parties: list[str], h: nx.DiGraph) -> list[str]:
    deps = [g.departments[p] for p in parties]
    shared = set(deps[0].systems).intersection(*(d.systems for d in deps[1:])) if deps else set()
    if not shared or len({d.region for d in deps}) < 2 or all(d.vertical for d in deps):
        return []
    return [
        f"the parties share line {', '.join(sorted(shared))}: sector rules (e.g. "
        "市场监督管理行政处罚程序规定) also let the common upper department of the line designate"
    ]


def _enforcement_steps(
    g: GraphReader,
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
    g: GraphReader,
    d: Dispute,
    parties: list[str],
    current: list[str],
    sup: tuple[str, str] | None,
    coordinator: dict[str, Any],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    host = (next((p for p in parties if p in current), None) or parties[0]) if parties else None
    why = "the designated lead" if host in current else "the first listed party (first objector)"
    gov = _gov_name(g, coordinator["region"])
    steps: list[dict[str, Any]] = [
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
