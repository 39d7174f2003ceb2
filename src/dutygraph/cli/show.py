"""``dutygraph show ID``: any node with its fields, duties, bases and neighbours."""

from __future__ import annotations

import argparse
from typing import Any

from ..analysis.provisions import basis_text
from ..analysis.resolve import duty_evidence
from ..errors import NotFound
from ..explain import field, field_value, record_kind
from ..model import today
from ..reader import GraphReader
from .common import lang, query_options, store_from
from .output import emit_json
from .resolve import print_bases

HELP = "show any node (item, region, department, basis, ...) with its duties and neighbours"
_KINDS = (
    "item",
    "region",
    "department",
    "basis",
    "behavior",
    "business_form",
    "region_group",
    "dispute",
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("show", help=HELP, description=HELP, parents=[query_options()])
    p.add_argument("id", metavar="ID", help="an id, region code or exact name")
    p.set_defaults(func=run)


def describe(g: GraphReader, key: str, as_of: str) -> dict[str, Any]:
    """The node ``key`` as a dict: its fields, and its neighbours by relation."""
    hits = []
    for kind in _KINDS:
        try:
            hits.append(g.find(kind, key))
        except NotFound:
            continue
    if not hits:
        raise NotFound("node", key, "give an id, a region code or an exact name")
    rec = hits[0]
    out: dict[str, Any] = {"kind": rec.label, **rec.as_dict()}
    if rec.label == "item":
        out["children"] = sorted(i for i, it in g.items.items() if it.parent == rec.id)
        out["duties"] = [duty_evidence(g, d, as_of) for d in g.duties_on(rec.id)]
        out["behaviors"] = sorted(b.id for b in g.behaviors.values() if rec.id in b.items)
    elif rec.label == "department":
        out["duties"] = [duty_evidence(g, d, as_of) for d in g.duties_of(rec.id)]
        out["predecessors"] = sorted(d.id for d in g.departments.values() if d.successor == rec.id)
    elif rec.label == "region":
        out["children"] = g.region_children(rec.code)
        out["path"] = list(g.region_path(rec.code))
        out["departments"] = [d.id for d in g.departments_in(rec.code)]
    elif rec.label == "basis":
        out["in_force"] = rec.in_force(as_of)
        out["duties"] = [duty_evidence(g, d, as_of) for d in g.duties_resting_on(rec.id)]
    if len(hits) > 1:
        out["also_matches"] = [{"kind": h.label, "id": getattr(h, "id", None)} for h in hits[1:]]
    return out


def run(args: argparse.Namespace) -> int:
    g = store_from(args).reader()
    data = describe(g, args.id, args.as_of or today())
    if args.json:
        emit_json(data)
        return 0
    words = lang(args)
    for k, v in data.items():
        if k == "kind":
            print(f"{field(k, words)}: {record_kind(v, words)}")
        elif k in ("duties",):
            print(f"{field(k, words)}: {len(v)}")
            for d in v:
                bases = ", ".join(basis_text(b, quote=False) for b in d["bases"])
                print(
                    f"  {d['role']:<11} {d['department']:<12} {d['item']:<14} {d['region']}  "
                    f"[{d['valid_from'] or '…'}, {d['valid_to'] or '…'})  {bases}"
                )
        elif v not in (None, [], {}, ""):
            print(f"{field(k, words)}: {field_value(k, v, words)}")
    print_bases(
        g,
        sorted({b["id"] for d in data.get("duties", []) for b in d["bases"]}),
        args.as_of or today(),
    )
    return 0
