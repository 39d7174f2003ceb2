"""``dutygraph diff [LIST [OLD [NEW]]]``: compare two versions of a published list.

Without a list, prints every list in the store with its versions (effective
dates). With a list, compares its last two versions, or the two given. A
version's content is the list's duties in force on its date. To see what a
new file would change before importing it: ``dutygraph load FILE --dry-run``.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import NotFound
from ..graph import DutyGraph
from ..io.lists import diff_versions, list_versions
from .common import add_pretty, lang, store_from, store_options
from .load import print_diff
from .output import emit_json, table

HELP = "compare two versions of a published list (added, removed, changed duties)"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("diff", help=HELP, description=HELP, parents=[store_options()])
    p.add_argument(
        "list", nargs="?", metavar="LIST", help="list id, as `dutygraph diff` lists them"
    )
    p.add_argument("old", nargs="?", metavar="OLD", help="older version (effective date)")
    p.add_argument("new", nargs="?", metavar="NEW", help="newer version (effective date)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_pretty(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = store_from(args)
    # on Bolt the versions and one list's duties are asked of the server, not the snapshot
    reader: Any = store.reader() if getattr(store, "streams_exports", False) else None
    graph = None if reader is not None else store.graph()
    versions = list_versions(graph) if graph is not None else reader.list_versions()
    if not args.list:
        if args.json:
            emit_json(versions)
        else:
            heads = ["清单 list", "版本 versions"] if lang(args) == "zh" else ["list", "versions"]
            table(heads, [[k, ", ".join(v)] for k, v in versions.items()])
        return 0
    if args.list not in versions:
        known = ", ".join(versions) or "none imported yet"
        raise NotFound("list", args.list, f"lists in the store: {known}")
    have = versions[args.list]
    old, new = args.old, args.new
    if old is None:
        if len(have) < 2:
            raise NotFound("second version of list", args.list, f"it has only {', '.join(have)}")
        old, new = have[-2], have[-1]
    elif new is None:
        new = have[-1]
    for v in (old, new):
        if v not in have:
            raise NotFound(f"version of list {args.list}", v, f"its versions: {', '.join(have)}")
    if graph is None:
        graph = DutyGraph(reader.list_duties(args.list))
    diff = diff_versions(graph, args.list, old, new)
    if args.json:
        emit_json(diff)
    else:
        print_diff(diff, language=lang(args))
    return 0
