"""``dutygraph dispute ...``: jurisdiction disputes, for the coordinators who resolve them.

``open``, ``from-conflict``, ``coordinate``, ``decide`` and ``withdraw`` write
(each with ``--by``: who acts, kept in the audit log); ``list``, ``show`` and
``route`` read. Every action takes ``--json``.
"""

from __future__ import annotations

import argparse
import getpass
import os
from typing import Any

from ..analysis import disputes as lib
from ..analysis.provisions import basis_text
from ..errors import UsageError
from ..explain import (
    DISPUTE_KIND_ZH,
    OP_ZH,
    STATUS_ZH,
    explain_dispute,
    explain_route,
    header,
    named,
)
from ..model import Dispute, today
from ..store import Store
from .common import add_command, add_pretty, as_of, lang, store_from, store_options
from .output import emit_json, table
from .resolve import print_bases

HELP = "jurisdiction disputes: open, route, evidence, decide, withdraw, history"


def _by_default() -> str:
    try:
        return os.environ.get("DUTYGRAPH_USER") or getpass.getuser()
    except Exception:  # no user name on this system
        return ""


def _writer() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False, parents=[store_options()])
    p.add_argument(
        "--by",
        default=_by_default(),
        metavar="WHO",
        help="who acts, for the audit log (default: $DUTYGRAPH_USER, else your login name)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_pretty(p)
    return p


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("dispute", help=HELP, description=HELP)
    acts = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    acts.required = True

    text = "record a new dispute between departments over an item, business form or case"
    a = add_command(acts, "open", text, run_open, _writer())
    a.add_argument(
        "--party", action="append", required=True, metavar="DEPT", help="a party (repeatable)"
    )
    a.add_argument(
        "--subject",
        required=True,
        help="item or business form (id or exact name); for a case, its description",
    )
    a.add_argument("--region", required=True, metavar="REGION", help="where the dispute arises")
    a.add_argument("--raised-on", metavar="DATE", help="YYYY-MM-DD (default: today)")
    a.add_argument(
        "--claim", action="append", default=[], metavar="DEPT=TEXT", help="a party's claim"
    )
    a.add_argument(
        "--kind",
        choices=lib.DISPUTE_KINDS,
        default="duty",
        help="duty: who owns the matter (机构编制); enforcement: who handles a case (司法行政)",
    )
    a.add_argument("--place", metavar="REGION", help="a case: where the violation happened")
    a.add_argument(
        "--filed",
        action="append",
        default=[],
        metavar="DEPT=DATE",
        help="a case: when a party filed it (立案; repeatable)",
    )
    a.add_argument("--item", metavar="ITEM", help="a case: the item it falls under")
    a.add_argument("--id", metavar="ID", help="the dispute id (default: the next DSP-NNNN)")

    text = "open a duty dispute from a MULTIPLE_LEADS or SOURCE_DISAGREEMENT conflict"
    a = add_command(acts, "from-conflict", text, run_from_conflict, _writer())
    a.add_argument("item", metavar="ITEM")
    a.add_argument("region", metavar="REGION", help="where the conflict is recorded")
    a.add_argument("--as-of", metavar="DATE", help="the conflict's date, and the raised date")

    a = add_command(acts, "list", "list disputes", run_list)
    a.add_argument("--status", choices=lib.STATUSES)
    a.add_argument("--region", metavar="REGION", help="only this region and those below it")

    for name, text, run in (
        ("show", "one dispute: record, evidence, statutory route and history", run_show),
        ("route", "the statutory route of a dispute, explained", run_route),
    ):
        add_command(acts, name, text, run).add_argument("id", metavar="ID")

    for name, text, status in (
        ("coordinate", "start coordination (open → coordinating)", "coordinating"),
        ("withdraw", "withdraw a pending dispute", "withdrawn"),
    ):
        a = add_command(acts, name, text, run_status, _writer(), status=status)
        a.add_argument("id", metavar="ID")
        a.add_argument("--on", metavar="DATE", help="YYYY-MM-DD (default: today)")
        a.add_argument("--note", default="")

    text = "decide a dispute: closes and opens duties from the decision date"
    a = add_command(acts, "decide", text, run_decide, _writer())
    a.add_argument("id", metavar="ID")
    a.add_argument("--lead", required=True, metavar="DEPT", help="the department that leads")
    a.add_argument(
        "--assist", action="append", default=[], metavar="DEPT", help="an assisting department"
    )
    a.add_argument("--on", metavar="DATE", help="the decision date (default: today)")
    a.add_argument("--decider", required=True, help="who decided (e.g. 成都市人民政府)")
    a.add_argument("--reasoning", required=True, help="why")
    a.add_argument("--rule", required=True, help="the rule applied (e.g. 行政处罚法第二十五条)")
    a.add_argument(
        "--allow-non-party",
        action="store_true",
        help="let the lead be a department that is not a party (designation by the superior)",
    )


def _pairs(values: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        key, sep, text = v.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} {v!r} is not DEPT=VALUE; write e.g. JJ-SCJ=2025-03-01")
        out[key.strip()] = text.strip()
    return out


def _say(args: argparse.Namespace, data: Any, line: str) -> int:
    if args.json:
        emit_json(data)
    else:
        print(line)
    return 0


def run_open(args: argparse.Namespace) -> int:
    store = store_from(args)
    case = None
    if args.place or args.filed or args.item:
        case = {"place": args.place, "filed": _pairs(args.filed, "--filed"), "item": args.item}
    d = lib.open_dispute(
        store,
        args.party,
        args.subject,
        args.region,
        args.raised_on or today(),
        _pairs(args.claim, "--claim"),
        args.kind,
        case,
        by=args.by,
        dispute_id=args.id,
    )
    return _opened(args, store, d)


def run_from_conflict(args: argparse.Namespace) -> int:
    store = store_from(args)
    d = lib.dispute_from_conflict(store, args.item, args.region, as_of(args), by=args.by)
    return _opened(args, store, d)


def _opened(args: argparse.Namespace, store: Store, d: Dispute) -> int:
    line = f"opened {d.id}: {', '.join(d.parties)} over {d.subject}"
    return _say(args, lib.dispute_dict(store.reader(), d), line)


def run_list(args: argparse.Namespace) -> int:
    g = store_from(args).reader()  # the disputes table and, with --region, the region rows
    found = lib.list_disputes(g, args.status, args.region)
    if args.json:
        emit_json([lib.dispute_dict(g, d) for d in found])
        return 0
    zh = lang(args) == "zh"
    keys = ("id", "status", "kind", "parties", "subject", "region", "raised_on")
    table(
        [header(k, lang(args)) for k in keys],
        [
            [
                d.id,
                STATUS_ZH.get(d.status, d.status) + f" ({d.status})" if zh else d.status,
                DISPUTE_KIND_ZH.get(d.attrs.get("kind", "duty"), "")
                if zh
                else d.attrs.get("kind", "duty"),
                ("、" if zh else ", ").join(d.parties),
                d.subject,
                d.region,
                d.raised_on,
            ]
            for d in found
        ],
    )
    print(f"共 {len(found)} 件争议" if zh else f"{len(found)} dispute(s)")
    return 0


def run_show(args: argparse.Namespace) -> int:
    store = store_from(args)
    g = store.reader()  # the dispute, its parties' duties and the route: read as asked
    d = lib.find_dispute(g, args.id)
    date = as_of(args)
    data = {
        **lib.dispute_dict(g, d),
        "evidence": lib.evidence(g, d, date),
        "route": lib.route(g, d, date),
        "history": lib.dispute_history(store, d.id),
    }
    if args.json:
        emit_json(data)
        return 0
    if lang(args) == "zh":
        _show_zh(g, d, data)
        return 0
    print(f"{d.id} [{d.status}] {data['kind']} dispute in {d.region}, raised {d.raised_on}")
    subject = data["subject"]
    print(f"subject: {subject.get('name') or subject.get('description')} ({subject['id']})")
    for p in data["evidence"]["parties"]:
        dep = p["department"]
        print(f"party {dep['id']} {dep.get('name', '')}: {p['claim'] or '(no claim recorded)'}")
        for x in p["duties"]:
            bases = ", ".join(basis_text(b, quote=False) for b in x["bases"])
            print(
                f"  {x['role']:<11} {x['item']:<14} {x['region']}  "
                f"[{x['valid_from'] or '…'}, {x['valid_to'] or '…'})  {x['source'] or ''}  {bases}"
            )
    print_bases(
        g,
        sorted(
            {b["id"] for p in data["evidence"]["parties"] for x in p["duties"] for b in x["bases"]}
        ),
        date,
    )
    for prec in data["evidence"]["precedents"]:
        print(
            f"precedent {prec['id']} ({prec['kind']}): lead {prec['lead']}, settled {prec['settled_on']}"
        )
    _print_route(data["route"])
    if d.decision:
        dec = d.decision
        print(
            f"decided {dec['decided_on']} by {dec['decider']}: {dec['lead']} leads"
            + (f", {', '.join(dec['assists'])} assist" if dec["assists"] else "")
            + f" ({dec['rule']}): {dec['reasoning']}"
        )
    print("history:")
    for e in data["history"]:
        print(f"  {e.get('at', '')}  {e['op']:<16} by {e.get('by', '')}")
    return 0


def _show_zh(g: Any, d: Dispute, data: dict[str, Any]) -> None:
    """``dispute show`` in Chinese: the dispute, each party's duties, the route, the history."""
    print(explain_dispute(g, data))
    for p in data["evidence"]["parties"]:
        dep = p["department"]
        print(f"当事部门 {named(g, dep['id'])}：{p['claim'] or '（未记录主张）'}")
        for x in p["duties"]:
            role = {"lead": "牵头", "assist": "协办", "territorial": "属地"}.get(
                x["role"], x["role"]
            )
            bases = "、".join(
                f"《{b.get('title') or b['id']}》{b.get('article') or ''}" for b in x["bases"]
            )
            print(
                f"  {role} {named(g, x['item'])} {named(g, x['region'])}  "
                f"[{x['valid_from'] or '…'}, {x['valid_to'] or '…'})  {x['source'] or ''}  {bases}"
            )
    for prec in data["evidence"]["precedents"]:
        print(f"相近先例 {prec['id']}：{named(g, prec['lead'])} 牵头，{prec['settled_on']} 认定")
    _print_route(data["route"], g, "zh")
    if d.decision:
        dec = d.decision
        print(
            f"决定：{dec['decider']} 于 {dec['decided_on']} 决定由 {named(g, dec['lead'])} 牵头"
            + (
                "，" + "、".join(named(g, a) for a in dec["assists"]) + " 协办"
                if dec["assists"]
                else ""
            )
            + f"（{dec['rule']}）。理由：{dec['reasoning']}"
        )
    print("历史 (history)：")
    for e in data["history"]:
        op = OP_ZH.get(e["op"], e["op"])
        print(f"  {e.get('at', '')}  {op} ({e['op']})  经办 {e.get('by', '')}")


def _print_route(r: dict[str, Any], g: Any = None, language: str = "en") -> None:
    if language == "zh" and g is not None:
        print(f"法定路径（{DISPUTE_KIND_ZH.get(r['kind'], r['kind'])}）：")
        for line in explain_route(g, r):
            print(f"  {line}")
        return
    sup = r["common_superior"]
    print(f"route ({r['kind']}):")
    for i, s in enumerate(r["steps"], 1):
        print(f"  {i}. {s['step']}: {s['rule']} — {s['explain']}")
        if s.get("eligible") is not None:
            print(f"     eligible: {', '.join(s['eligible']) or 'none'}")
        if s.get("first"):
            print(f"     first to file: {', '.join(s['first'])}")
    if sup:
        print(f"common superior: {sup['name']}")
    c = r["coordinator"]
    print(f"coordinator: {c['name']} — {c['role']}")
    if "local_coordination" in r:
        lc = r["local_coordination"]
        print(f"locally: {lc['government']} via {lc['coordinator']['name']} ({lc['rule']})")
    if r["outcome"].get("department"):
        print(f"on the data: {r['outcome']['department']} ({r['outcome']['settled_by']})")
    print(
        f"meanwhile: {r['interim']['rule']}; current lead(s): {', '.join(r['interim']['current_leads']) or 'none'}"
    )
    for n in r["notes"]:
        print(f"note: {n}")


def run_route(args: argparse.Namespace) -> int:
    g = store_from(args).reader()
    r = lib.route(g, args.id, as_of(args))
    if args.json:
        emit_json(r)
    else:
        _print_route(r, g, lang(args))
    return 0


def run_status(args: argparse.Namespace) -> int:
    store = store_from(args)
    d = lib.set_status(store, args.id, args.status, args.on, by=args.by, note=args.note)
    return _say(args, lib.dispute_dict(store.reader(), d), f"{d.id} is {d.status}")


def run_decide(args: argparse.Namespace) -> int:
    store = store_from(args)
    d = lib.decide(
        store,
        args.id,
        args.lead,
        args.assist,
        args.on,
        args.decider,
        args.reasoning,
        args.rule,
        by=args.by,
        allow_non_party=args.allow_non_party,
    )
    dec = d.decision or {}
    return _say(
        args,
        lib.dispute_dict(store.reader(), d),
        f"{d.id} decided: {dec.get('lead')} leads from {dec.get('decided_on')} "
        f"(closed {len(dec.get('closed', []))}, opened {len(dec.get('opened', []))} duties)",
    )
