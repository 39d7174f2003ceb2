"""``dutygraph gaps``, ``dutygraph conflicts`` and ``dutygraph inspections``: the scans."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from .._gc import gc_paused
from ..analysis.conflicts import CONFLICT_KINDS, duplicate_inspections, find_conflicts
from ..analysis.gaps import GAP_KINDS, find_gaps
from ..errors import UsageError
from ..questions import rows
from ..reader import GraphReader
from .common import as_of, query_options, store_from
from .output import emit_json, emit_ndjson, table


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, text, kinds in (
        ("gaps", "items and regions where no lead resolves, or resolves badly", GAP_KINDS),
        ("conflicts", "multiple leads, disagreeing sources and open disputes", CONFLICT_KINDS),
    ):
        p = sub.add_parser(name, help=text, description=text, parents=[query_options()])
        p.add_argument("--region", metavar="REGION", help="only this region and those below it")
        p.add_argument(
            "--kind",
            action="append",
            metavar="KIND",
            dest="kinds",
            help=f"only these kinds (repeatable): {', '.join(kinds)}",
        )
        _ndjson(p)
        p.set_defaults(func=run, scan=name, known=kinds)
    text = "departments leading inspections of the same supervised object (joint-inspection candidates)"
    p = sub.add_parser("inspections", help=text, description=text, parents=[query_options()])
    p.add_argument("--region", metavar="REGION", help="only this region and those below it")
    _ndjson(p)
    p.set_defaults(func=run, scan="inspections", known=(), kinds=None)


def _ndjson(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ndjson",
        action="store_true",
        help="print one JSON object per line (NDJSON), each as soon as it is built: "
        "the same objects as --json, for large scans",
    )


def _emit(args: argparse.Namespace, rows: Iterator[Any]) -> None:
    if args.ndjson:
        emit_ndjson(rows)
    else:
        emit_json(list(rows))


def run(args: argparse.Namespace) -> int:
    for k in args.kinds or ():
        if k not in args.known:
            raise UsageError(f"unknown kind {k!r}; use one of {', '.join(args.known)}")
    g = store_from(args).reader()
    date = as_of(args)
    # building thousands of evidence dicts beside a province's records: without the pause,
    # collections walking the whole heap take 60x longer than the dicts themselves
    with gc_paused():
        _run(args, g, date)
    return 0


def _run(args: argparse.Namespace, g: GraphReader, date: str) -> None:
    if args.json or args.ndjson:  # the very rows GET /api/<scan> answers with
        _emit(args, rows(g, args.scan, region=args.region, as_of=date, kinds=args.kinds))
    elif args.scan == "gaps":
        gaps = find_gaps(g, args.region, date, args.kinds)
        table(
            ["item", "region", "kind", "detail"],
            [[x.item, f"{x.region} {g.regions[x.region].name}", x.kind, x.detail] for x in gaps],
        )
        print(f"{len(gaps)} gap(s) as of {date}")
    elif args.scan == "conflicts":
        conflicts = find_conflicts(g, args.region, date, args.kinds)
        table(
            ["item", "region", "kind", "departments", "detail"],
            [[c.item, c.region, c.kind, ", ".join(c.departments), c.detail] for c in conflicts],
        )
        print(f"{len(conflicts)} conflict(s) as of {date}")
    else:
        found = duplicate_inspections(g, args.region, date)
        table(
            ["region", "object", "departments", "items"],
            [[x.region, x.object, ", ".join(x.departments), ", ".join(x.items)] for x in found],
        )
        print(f"{len(found)} joint-inspection candidate(s) as of {date}")
