"""``dutygraph gaps``, ``dutygraph conflicts`` and ``dutygraph inspections``: the scans."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Iterator, Sequence
from typing import Any

import orjson

from .._gc import gc_paused
from ..analysis.conflicts import CONFLICT_KINDS, Conflict, duplicate_inspections, find_conflicts
from ..analysis.gaps import GAP_KINDS, Gap, find_gaps
from ..errors import UsageError
from ..explain import explain_conflict, explain_gap, header, kind_zh, named
from ..questions import rows as answer_rows
from ..reader import GraphReader
from ..serialize import conflict_dict, gap_dict
from . import output, scan_patch
from .common import as_of, lang, query_options, store_from
from .output import emit_encoded, emit_json, emit_ndjson, table
from .scan_patch import answer_key

__all__ = ["answer_key", "print_conflicts", "print_gaps", "register", "run"]


def print_gaps(g: GraphReader, gaps: Sequence[Gap], language: str = "zh") -> None:
    """The gaps as a table: Chinese first, each explained; ``language="en"``: the English detail."""
    keys = ["item", "region", "kind", "detail"]
    rows: list[list[Any]] = []
    for x in gaps:
        if language == "zh":
            row = gap_dict(g, x)
            rows.append(
                [
                    named(g, x.item),
                    named(g, x.region),
                    kind_zh(x.kind),
                    explain_gap(g, row, where=False),
                ]
            )
        else:
            rows.append([x.item, f"{x.region} {g.regions[x.region].name}", x.kind, x.detail])
    table([header(k, language) for k in keys], rows)


def print_conflicts(
    g: GraphReader, conflicts: Sequence[Conflict], as_of: str, language: str = "zh"
) -> None:
    """The conflicts as a table: Chinese first, each explained; ``language="en"``: as recorded."""
    keys = ["item", "region", "kind", "departments", "detail"]
    rows: list[list[Any]] = []
    for c in conflicts:
        if language == "zh":
            text = explain_conflict(g, conflict_dict(g, c, as_of), where=False)
            depts = "、".join(named(g, d) for d in c.departments)
            rows.append([named(g, c.item), named(g, c.region), kind_zh(c.kind), depts, text])
        else:
            rows.append([c.item, c.region, c.kind, ", ".join(c.departments), c.detail])
    table([header(k, language) for k in keys], rows)


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


def _emit(args: argparse.Namespace, g: GraphReader, date: str) -> None:
    """The very rows ``GET /api/<scan>`` answers with, as JSON or NDJSON. A store that keeps
    answers per state (:meth:`~dutygraph.store.sqlite.reader.SqliteReader.kept_answer`)
    gives the rows of the same question on the same state from its file, without reading
    the graph; it keeps them compact, indented here when asked for."""

    def found() -> Iterator[dict[str, Any]]:
        return answer_rows(g, args.scan, region=args.region, as_of=date, kinds=args.kinds)

    if getattr(g, "kept_answer", None) is None:
        if args.ndjson:
            emit_ndjson(found())
        else:
            emit_json(list(found()))
        return
    streamed = False

    def stream(row: dict[str, Any]) -> None:
        nonlocal streamed
        emit_ndjson((row,))  # each printed as soon as it is built, as without the cache
        streamed = True

    data = scan_patch.kept_answer(
        g, args.scan, args.region, date, args.kinds, stream if args.ndjson else None
    )
    if streamed:
        return
    if args.ndjson:
        emit_ndjson(orjson.loads(data))
    else:
        emit_encoded(data)


def run(args: argparse.Namespace) -> int:
    for k in args.kinds or ():
        if k not in args.known:
            raise UsageError(f"unknown kind {k!r}; use one of {', '.join(args.known)}")
    store = store_from(args)
    g = store.reader()
    output.hold(g)  # freed by the system as the command ends, not object by object
    # closed after the reader: the reader gives its connection back to the store to keep,
    # and the store's close is what ends it (the last close folds the WAL into the file)
    output.hold(store)
    date = as_of(args)
    # building thousands of evidence dicts beside a province's records: without the pause,
    # collections walking the whole heap take 60x longer than the dicts themselves
    if output.held():
        # the process ends once the command returns, without teardown (main.entry): the
        # collector stays paused — enabled again, its first collection would walk every
        # object the scan made to find no cycle
        gc.disable()
        _run(args, g, date)
        return 0
    with gc_paused():
        _run(args, g, date)
    return 0


def _run(args: argparse.Namespace, g: GraphReader, date: str) -> None:
    if args.json or args.ndjson:  # the very rows GET /api/<scan> answers with
        _emit(args, g, date)
        return
    language = lang(args)
    zh = language == "zh"
    if args.scan == "gaps":
        gaps = find_gaps(g, args.region, date, args.kinds)
        print_gaps(g, gaps, language)
        print(
            f"共 {len(gaps)} 条监管空白（截至 {date}）"
            if zh
            else f"{len(gaps)} gap(s) as of {date}"
        )
    elif args.scan == "conflicts":
        conflicts = find_conflicts(g, args.region, date, args.kinds)
        print_conflicts(g, conflicts, date, language)
        print(
            f"共 {len(conflicts)} 条管辖冲突（截至 {date}）"
            if zh
            else f"{len(conflicts)} conflict(s) as of {date}"
        )
    else:
        found = duplicate_inspections(g, args.region, date)
        keys = ["region", "object", "departments", "items"]
        if zh:
            table_rows = [
                [
                    named(g, x.region),
                    x.object,
                    "、".join(named(g, d) for d in x.departments),
                    "、".join(named(g, i) for i in x.items),
                ]
                for x in found
            ]
        else:
            table_rows = [
                [x.region, x.object, ", ".join(x.departments), ", ".join(x.items)] for x in found
            ]
        table([header(k, language) for k in keys], table_rows)
        print(
            f"共 {len(found)} 个联合检查候选（截至 {date}）"
            if zh
            else f"{len(found)} joint-inspection candidate(s) as of {date}"
        )
