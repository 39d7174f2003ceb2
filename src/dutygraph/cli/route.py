"""``dutygraph route TEXT [--region R]``: clue routing (线索分办) — a complaint to its departments."""

from __future__ import annotations

import argparse
from typing import Any

from ..analysis.route import Routing, route_clue
from ..explain import header, kind_zh
from .assign import candidate_dict
from .common import add_command, as_of, lang, store_from
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
    r = route_clue(g, args.text, args.region, as_of(args), lang(args))
    if args.json:
        emit_json(routing_dict(r))
        return 0
    zh = lang(args) == "zh"
    if not r.matched:
        head = "未能分派 (not routed)" if zh else "not routed"
        print(f"{head}: {r.findings[0]['detail']}")
        return 0
    if zh:
        print("相关事项：" + "、".join(f"{i['name']} ({i['id']}，{i['score']})" for i in r.items))
    else:
        print("items: " + ", ".join(f"{i['name']} ({i['id']}, {i['score']})" for i in r.items))
    lead, assist = ("牵头", "协办") if zh else ("lead", "assist")
    rows = [[lead, c.department.id, c.department.name, c.score, c.reasons[0]] for c in r.leads]
    rows += [[assist, c.department.id, c.department.name, c.score, c.reasons[0]] for c in r.assists]
    keys = ("role", "department", "name", "score", "why")
    table([("角色 role" if k == "role" else header(k)) if zh else k for k in keys], rows)
    for f in r.findings:
        print(
            f"注意：{kind_zh(f['kind'])}：{f['detail']}"
            if zh
            else f"note: {f['kind']}: {f['detail']}"
        )
    return 0
