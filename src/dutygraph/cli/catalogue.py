"""``dutygraph catalogue [--with-demo]``: load the reference national catalogue into the store."""

from __future__ import annotations

import argparse

from ..fixtures import CATALOGUE_PATH, DEMO_PATH
from ..importer import load
from .common import add_pretty, lang, store_from, store_options
from .load import print_report
from .output import emit_json

HELP = (
    "load the reference national catalogue shipped with dutygraph (central departments, "
    "items, behaviours, settled business forms) into the store"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("catalogue", help=HELP, description=HELP, parents=[store_options()])
    p.add_argument(
        "--with-demo",
        action="store_true",
        help="load the demo regions and local departments first, then the catalogue over them",
    )
    p.add_argument("--json", action="store_true", help="print the import reports as JSON")
    add_pretty(p)
    p.add_argument("--path", action="store_true", help="print the catalogue folder and stop")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.path:
        print(CATALOGUE_PATH)
        return 0
    store = store_from(args)
    # two imports, each all-or-nothing: the bundles share national ids (the catalogue's
    # records replace the demo's), which one import would reject as duplicates
    paths = [DEMO_PATH, CATALOGUE_PATH] if args.with_demo else [CATALOGUE_PATH]
    reports = [load(store, [p]) for p in paths]
    if args.json:
        emit_json([r.as_dict() for r in reports])
    else:
        for r in reports:
            print_report(r, language=lang(args))
        print(f"store: {store.url}  (try: dutygraph assign --name 剧本杀 --store {store.url})")
    return 0
