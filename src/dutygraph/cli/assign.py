"""``dutygraph assign --name N [--description D] [--behavior B]... [--region R]``."""

from __future__ import annotations

import argparse

from ..analysis.assign import assign_business_form
from ..serialize import assignment_dict, candidate_dict
from .common import add_command, as_of, store_from
from .output import emit_json, table

__all__ = ["assignment_dict", "candidate_dict", "register", "run"]

HELP = "propose lead and assisting departments for a new business form"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "assign", HELP, run)
    p.add_argument("--name", required=True, help="the business form's name")
    p.add_argument("--description", default="", help="what it does, in plain words")
    p.add_argument(
        "--behavior",
        action="append",
        default=[],
        metavar="B",
        help="a behaviour id, name or text (repeatable)",
    )
    p.add_argument("--region", help="name this region's departments")


def run(args: argparse.Namespace) -> int:
    g = store_from(args).reader()
    a = assign_business_form(
        g, args.name, args.description, args.behavior, args.region, as_of(args)
    )
    if args.json:
        emit_json(assignment_dict(a))
        return 0
    head = f"{a.name}：牵头候选 (lead candidates)" + (f" in {a.region}" if a.region else "")
    verdict = (
        "不指定牵头部门，请提请协调 (abstained: no lead named)"
        if a.abstained
        else f"建议由 {a.candidates[0].department.name} ({a.candidates[0].department.id}) 牵头"
    )
    print(f"{head} — 置信度 (confidence) {a.confidence:.2f}；{verdict}")
    table(
        ["department", "name", "score", "why"],
        [[c.department.id, c.department.name, c.score, c.reasons[0]] for c in a.candidates],
    )
    if a.candidates:
        top = a.candidates[0]
        for r in top.reasons[1:]:
            print(f"  {top.department.id}: {r}")
        for art in top.articles:
            print(f"  法条 (article): {art}")
    if a.assists:
        print(
            "assisting: " + ", ".join(f"{c.department.name} ({c.department.id})" for c in a.assists)
        )
    for gap in a.gaps:
        print(f"gap: {gap['kind']}: {gap['detail']}")
    for c in a.conflicts:
        print(f"conflict: {c['kind']}: {c['detail']}")
    return 0
