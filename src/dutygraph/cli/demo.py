"""``dutygraph demo``: load the bundled demo data and show what dutygraph answers."""

from __future__ import annotations

import argparse

from ..analysis.conflicts import find_conflicts
from ..analysis.gaps import find_gaps
from ..analysis.resolve import who_leads
from ..fixtures import DEMO_PATH
from ..importer import load
from .common import as_of, lang, store_from, store_options
from .load import print_report
from .resolve import print_resolution
from .scan import print_conflicts, print_gaps

HELP = "load the bundled demo data into the store and print who leads, the gaps and the conflicts"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help=HELP, description=HELP, parents=[store_options()])
    p.add_argument("--as-of", default="2025-06-01", metavar="DATE", help="default: 2025-06-01")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = store_from(args)
    print_report(load(store, [DEMO_PATH]), language=lang(args))
    g = store.graph()
    date = as_of(args)
    for item, region in (("I-FOOD", "510104"), ("I-SCRIPT", "510781"), ("I-ECIG", "510104")):
        print()
        print_resolution(who_leads(g, item, region, date), g, lang(args))
    zh = lang(args) == "zh"
    print(f"\n监管空白（截至 {date}）：" if zh else f"\ngaps as of {date}:")
    print_gaps(g, find_gaps(g, as_of=date), lang(args))
    print(f"\n管辖冲突（截至 {date}）：" if zh else f"\nconflicts as of {date}:")
    print_conflicts(g, find_conflicts(g, as_of=date), date, lang(args))
    try_it = f"dutygraph lead 食品安全监督管理 锦江区 --store {store.url}"
    print(
        f"\n存储：{store.url}（试试：{try_it}）" if zh else f"\nstore: {store.url}  (try: {try_it})"
    )
    return 0
