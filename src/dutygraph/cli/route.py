"""``dutygraph route TEXT [--region R]``: clue routing (线索分办) — a complaint to its departments."""

from __future__ import annotations

import argparse
from typing import Any

from ..analysis.route import Routing, route_clue
from .assign import candidate_dict
from .common import add_command, as_of, store_from
from .output import emit_json, table

HELP = "route a complaint (e.g. a 12345 hotline text) to the lead and assisting departments"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "route", HELP, run)
    p.add_argument("text", metavar="TEXT", help="the complaint, in the complainant's words")
    p.add_argument("--region", help="where it happened (code or exact name)")


def routing_dict(r: Routing) -> dict[str, Any]:
    return {
        "text": r.text,
        "region": r.region,
        "as_of": r.as_of,
        "matched": r.matched,
        "items": r.items,
        "leads": [candidate_dict(c) for c in r.leads],
        "assists": [candidate_dict(c) for c in r.assists],
        "findings": r.findings,
    }


def run(args: argparse.Namespace) -> int:
    g = store_from(args).reader()
    r = route_clue(g, args.text, args.region, as_of(args))
    if args.json:
        emit_json(routing_dict(r))
        return 0
    if not r.matched:
        print(f"not routed: {r.findings[0]['detail']}")
        return 0
    print("items: " + ", ".join(f"{i['name']} ({i['id']}, {i['score']})" for i in r.items))
    rows = [["lead", c.department.id, c.department.name, c.score, c.reasons[0]] for c in r.leads]
    rows += [
        ["assist", c.department.id, c.department.name, c.score, c.reasons[0]] for c in r.assists
    ]
    table(["role", "department", "name", "score", "why"], rows)
    for f in r.findings:
        print(f"note: {f['kind']}: {f['detail']}")
    return 0
