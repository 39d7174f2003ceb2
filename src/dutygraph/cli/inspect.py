"""``dutygraph inspect OBJECT [--region R]``: one joint inspection plan (综合查一次)."""

from __future__ import annotations

import argparse
from typing import Any

from ..analysis.inspect import InspectionPlan, plan_inspection
from ..analysis.provisions import basis_text
from ..explain import header, kind_zh, named
from ..serialize import department_dict
from .common import add_command, as_of, lang, store_from
from .output import emit_json, table
from .resolve import print_bases

HELP = "plan one joint inspection of a supervised object: lead, participants, items and bases"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "inspect", HELP, run)
    p.add_argument("object", metavar="OBJECT", help="the supervised object, e.g. 加油站")
    p.add_argument("--region", help="region code or exact name (default: the root region)")


def plan_dict(p: InspectionPlan) -> dict[str, Any]:
    return {
        "object": p.object,
        "region": p.region,
        "as_of": p.as_of,
        "objects": p.objects,
        "joint": p.joint,
        "lead": department_dict(p.lead) if p.lead else None,
        "lead_reasons": p.lead_reasons,
        "participants": [
            {
                "department": department_dict(e["department"]),
                "items": e["items"],
                "key_items": e["key_items"],
            }
            for e in p.participants
        ],
        "items": p.items,
        "findings": p.findings,
    }


def _print_zh(g: Any, p: Any) -> None:
    """The plan in Chinese: who leads the joint inspection, who takes part, on which items."""
    print(f"{named(g, p.region)} 对 {p.object} 的联合检查（综合查一次，截至 {p.as_of}）")
    if p.lead:
        print(f"牵头：{named(g, p.lead.id)} — {'；'.join(p.lead_reasons)}")
    table(
        [header(k) for k in ("department", "name", "items")],
        [[e["department"].id, e["department"].name, "、".join(e["items"])] for e in p.participants],
    )
    table(
        ["事项 item", "名称 name", "牵头 led by", "依据 bases"],
        [
            [
                i["id"],
                i["name"],
                "、".join(named(g, d) for d in i["departments"]),
                "；".join(basis_text(b, quote=False) for b in i["bases"]),
            ]
            for i in p.items
        ],
    )
    for f in p.findings:
        print(f"注意：{kind_zh(f['kind'])}：{f['detail']}")


def run(args: argparse.Namespace) -> int:
    g = store_from(args).reader()
    region = args.region or g.region_path(next(iter(g.regions)))[-1]
    p = plan_inspection(g, args.object, region, as_of(args), lang(args))
    if args.json:
        emit_json(plan_dict(p))
        return 0
    if lang(args) == "zh":
        _print_zh(g, p)
        print_bases(g, sorted({b["id"] for i in p.items for b in i["bases"]}), p.as_of)
        return 0
    print(f"joint inspection of {p.object} in {p.region} as of {p.as_of}")
    if p.lead:
        print(f"lead: {p.lead.name} ({p.lead.id}) — {'; '.join(p.lead_reasons)}")
    table(
        ["department", "name", "items"],
        [[e["department"].id, e["department"].name, ", ".join(e["items"])] for e in p.participants],
    )
    table(
        ["item", "name", "led by", "bases"],
        [
            [
                i["id"],
                i["name"],
                ", ".join(i["departments"]),
                "; ".join(basis_text(b, quote=False) for b in i["bases"]),
            ]
            for i in p.items
        ],
    )
    for f in p.findings:
        print(f"note: {f['kind']}: {f['detail']}")
    print_bases(g, sorted({b["id"] for i in p.items for b in i["bases"]}), p.as_of)
    return 0
