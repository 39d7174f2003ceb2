"""``dutygraph check [--full]``: is the store file sound? (SQLite's quick_check, or integrity_check).

Exit 0 and one line when it is; exit 3 with what SQLite found when it is not —
then restore the file from a backup, or load the data again into a new store.
"""

from __future__ import annotations

import argparse

from ..errors import StoreCorrupt, UsageError
from .common import store_from, store_options

HELP = "check that the store file is sound (SQLite quick_check; --full: integrity_check)"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help=HELP, description=HELP, parents=[store_options()])
    p.add_argument("--full", action="store_true", help="check every page and index (slower)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = store_from(args)
    check = getattr(store, "check", None)
    if check is None:
        raise UsageError(
            f"{store.url}: 这种存储没有文件可查 (only the embedded store's file can be checked; "
            "a Neo4j server checks its own with neo4j-admin)"
        )
    problems = check(full=args.full)
    if problems:
        shown = "; ".join(problems[:10]) + (
            f"; … {len(problems) - 10} more" if len(problems) > 10 else ""
        )
        raise StoreCorrupt(
            f"{store.url}：存储文件已损坏；请从备份恢复，或把数据重新导入新的存储 "
            f"(the store file is damaged: {shown})"
        )
    print(
        f"{store.url}：存储完好 (the store is sound; {'integrity' if args.full else 'quick'}_check ok)"
    )
    return 0
