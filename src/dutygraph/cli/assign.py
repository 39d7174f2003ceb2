"""``dutygraph assign --name N [--description D] [--behavior B]... [--region R]``."""

from __future__ import annotations

import argparse
from typing import Any

from ..analysis.assign import assign_business_form
from ..explain import explain_assignment_note, header, named
from ..serialize import assignment_dict, candidate_dict
from .common import add_command, as_of, lang, store_from
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
    zh = lang(args) == "zh"
    rows = [[c.department.id, c.department.name, c.score, c.reasons[0]] for c in a.candidates]
    if zh:
        where = f"（{named(g, a.region)}）" if a.region else ""
        verdict = (
            "不指定牵头部门，请提请协调"
            if a.abstained
            else f"建议由 {named(g, a.candidates[0].department.id)} 牵头"
        )
        print(f"{a.name}：牵头候选部门{where} — 置信度 {a.confidence:.2f}；{verdict}")
        table([header(k) for k in ("department", "name", "score", "why")], rows)
        _why(a, "法条 (article)")
        if a.assists:
            print("协办：" + "、".join(named(g, c.department.id) for c in a.assists))
        for note in a.gaps + a.conflicts:
            print(f"注意：{explain_assignment_note(g, note)}")
        return 0
    verdict = (
        "abstained: no lead named, refer it for coordination"
        if a.abstained
        else f"proposed lead {a.candidates[0].department.name} ({a.candidates[0].department.id})"
    )
    print(
        f"{a.name}: lead candidates" + (f" in {a.region}" if a.region else "")
        + f" — confidence {a.confidence:.2f}; {verdict}"
    )  # fmt: skip
    table(["department", "name", "score", "why"], rows)
    _why(a, "article")
    if a.assists:
        print(
            "assisting: " + ", ".join(f"{c.department.name} ({c.department.id})" for c in a.assists)
        )
    for gap in a.gaps:
        print(f"gap: {gap['kind']}: {gap['detail']}")
    for c in a.conflicts:
        print(f"conflict: {c['kind']}: {c['detail']}")
    return 0


def _why(a: Any, article: str) -> None:
    """The top candidate's further reasons and the articles behind it."""
    if not a.candidates:
        return
    top = a.candidates[0]
    for r in top.reasons[1:]:
        print(f"  {top.department.id}: {r}")
    for art in top.articles:
        print(f"  {article}: {art}")
