"""``dutygraph lead ITEM REGION`` and ``dutygraph assist ITEM REGION``."""

from __future__ import annotations

import argparse

from ..analysis.resolve import Resolution, who_assists, who_leads
from ..serialize import resolution_dict
from .common import as_of, query_options, store_from
from .output import emit_json, table


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, text in (
        ("lead", "who leads ITEM in REGION"),
        ("assist", "who assists ITEM in REGION"),
    ):
        p = sub.add_parser(
            name, help=text, description=text + ", with the evidence", parents=[query_options()]
        )
        p.add_argument("item", metavar="ITEM", help="item id or exact name")
        p.add_argument(
            "region", metavar="REGION", help="region code (6 or 12 digits) or exact name"
        )
        p.set_defaults(func=run, role=name)


def print_resolution(res: Resolution) -> None:
    verb = "leads" if res.role == "lead" else "assists"
    print(
        f"{res.item.name} ({res.item.id}) in {res.region.name} ({res.region.code}), as of {res.as_of}"
    )
    if not res.answers:
        print(f"nobody {verb}: " + "; ".join(f"{f.kind}: {f.detail}" for f in res.findings))
        return
    rows = []
    for a in res.answers:
        how = a.via + (" (inherited)" if a.inherited else "")
        if a.replaced:
            how += f", successor of {', '.join(a.replaced)}"
        bases = sorted({b for d in a.duties for b in d.bases})
        rows.append([a.department.id, a.department.name, how, ", ".join(a.lines), ", ".join(bases)])
    table(["department", "name", "how", "line", "bases"], rows)
    if len(res.path) > 1:
        print("path: " + " → ".join(res.path) + f" (duty on {res.item_path[-1]})")
    for f in res.findings:
        print(f"note: {f.kind}: {f.detail}")


def run(args: argparse.Namespace) -> int:
    g = store_from(args).reader()
    fn = who_leads if args.role == "lead" else who_assists
    res = fn(g, args.item, args.region, as_of(args))
    if args.json:
        emit_json(resolution_dict(g, res))
    else:
        print_resolution(res)
    return 0
