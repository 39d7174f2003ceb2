"""``dutygraph demo``: load the bundled demo data and show what dutygraph answers."""

from __future__ import annotations

import argparse

from ..analysis.conflicts import find_conflicts
from ..analysis.gaps import find_gaps
from ..analysis.resolve import who_leads
from ..fixtures import DEMO_PATH
from ..importer import load
from .common import as_of, store_from, store_options
from .load import print_report
from .output import table
from .resolve import print_resolution

HELP = "load the bundled demo data into the store and print who leads, the gaps and the conflicts"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help=HELP, description=HELP, parents=[store_options()])
    p.add_argument("--as-of", default="2025-06-01", metavar="DATE", help="default: 2025-06-01")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = store_from(args)
    print_report(load(store, [DEMO_PATH]))
    g = store.graph()
    date = as_of(args)
    for item, region in (("I-FOOD", "510104"), ("I-SCRIPT", "510781"), ("I-ECIG", "510104")):
        print()
        print_resolution(who_leads(g, item, region, date), g)
    print(f"\ngaps as of {date}:")
    gaps = find_gaps(g, as_of=date)
    table(
        ["item", "region", "kind", "detail"],
        [[x.item, f"{x.region} {g.regions[x.region].name}", x.kind, x.detail] for x in gaps],
    )
    print(f"\nconflicts as of {date}:")
    table(
        ["item", "region", "kind", "departments"],
        [
            [c.item, c.region, c.kind, ", ".join(c.departments)]
            for c in find_conflicts(g, as_of=date)
        ],
    )
    print(
        f"\nstore: {store.url}  (try: dutygraph lead 食品安全监督管理 锦江区 --store {store.url})"
    )
    return 0
