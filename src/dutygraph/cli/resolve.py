"""``dutygraph lead ITEM REGION`` and ``dutygraph assist ITEM REGION``."""

from __future__ import annotations

import argparse

from ..analysis.provisions import basis_text
from ..analysis.resolve import Finding, Resolution, basis_evidence, who_assists, who_leads
from ..explain import LINE_ZH, explain_finding, header, named, via_zh
from ..reader import GraphReader
from ..serialize import resolution_dict
from .common import as_of, lang, query_options, store_from
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


def finding_zh(g: GraphReader, res: Resolution, f: Finding) -> str:
    """A finding of a resolution in Chinese: its kind, then what it means here."""
    row = {"kind": f.kind, "detail": f.detail, "line": f.line, "department": f.department}
    return explain_finding(g, res.item.id, res.region.code, row)


def print_resolution(res: Resolution, g: GraphReader | None = None, language: str = "zh") -> None:
    """Who leads or assists, as a person reads it: Chinese first (``language="en"``: English);
    then (given ``g``) each basis with the article's text."""
    if language == "zh" and g is not None:
        _print_zh(res, g)
        print_bases(
            g, sorted({b for a in res.answers for d in a.duties for b in d.bases}), res.as_of
        )
        return
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
    if g is not None:
        print_bases(
            g, sorted({b for a in res.answers for d in a.duties for b in d.bases}), res.as_of
        )


def print_bases(g: GraphReader, bases: list[str], as_of: str) -> None:
    """``依据 (bases):`` and one line per basis: its id, 《title》, the provisions and their text."""
    if bases:
        print("依据 (bases):")
    for bid in bases:
        print(f"  {bid}  {basis_text(basis_evidence(g, bid, as_of))}")


def _print_zh(res: Resolution, g: GraphReader) -> None:
    role = "牵头" if res.role == "lead" else "协办"
    print(f"{named(g, res.region.code)} 的 {named(g, res.item.id)} 由谁{role}（截至 {res.as_of}）")
    if not res.answers:
        print(f"没有{role}部门：" + "；".join(finding_zh(g, res, f) for f in res.findings))
        return
    rows = []
    for a in res.answers:
        how = via_zh(a.via) + ("，职责来自上级" if a.inherited and a.via != "counterpart" else "")
        if a.replaced:
            how += "，接替 " + "、".join(named(g, x) for x in a.replaced)
        bases = sorted({b for d in a.duties for b in d.bases})
        lines = "、".join(LINE_ZH.get(x, x) for x in a.lines)
        rows.append([a.department.id, a.department.name, how, lines, ", ".join(bases)])
    keys = ["department", "name", "how", "line", "bases"]
    table([header(k) for k in keys], rows)
    if len(res.path) > 1:
        path = " → ".join(named(g, c) for c in res.path)
        print(f"地区路径：{path}（职责在 {named(g, res.item_path[-1])}）")
    for f in res.findings:
        print(f"注意：{finding_zh(g, res, f)}")


def run(args: argparse.Namespace) -> int:
    g = store_from(args).reader()
    fn = who_leads if args.role == "lead" else who_assists
    res = fn(g, args.item, args.region, as_of(args))
    if args.json:
        emit_json(resolution_dict(g, res))
    else:
        print_resolution(res, g, lang(args))
    return 0
