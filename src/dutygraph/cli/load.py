"""``dutygraph load PATH...``: import bundles and published lists, all or nothing."""

from __future__ import annotations

import argparse
import sys

from ..importer import ImportReport
from ..importer import load as load_inputs
from .common import store_from, store_options
from .output import emit_json, table

HELP = "import bundles and published lists into the store (all or nothing)"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("load", help=HELP, description=HELP, parents=[store_options()])
    p.add_argument("paths", nargs="+", metavar="PATH", help="bundle folder, .csv or .xlsx file")
    p.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, report the rest"
    )
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def print_report(report: ImportReport, out=None) -> None:  # type: ignore[no-untyped-def]
    out = out or sys.stdout
    kinds = sorted(set(report.read) | set(report.added) | set(report.changed))
    verb = "would import" if report.dry_run else "imported"
    print(f"{verb} {', '.join(report.sources)}", file=out)
    table(
        ["kind", "read", "added", "changed", "unchanged"],
        [
            [
                k,
                report.read.get(k, 0),
                report.added.get(k, 0),
                report.changed.get(k, 0),
                report.unchanged.get(k, 0),
            ]
            for k in kinds
        ],
        out,
    )
    if report.skipped_rows:
        print(f"skipped {report.skipped_rows} invalid row(s):", file=out)
        for p in report.problems:
            if p.severity == "error":
                print(f"  error: {p}", file=out)
    if report.warnings:
        print(f"{len(report.warnings)} warning(s):", file=out)
        for p in report.warnings[:20]:
            print(f"  warning: {p}", file=out)
        if len(report.warnings) > 20:
            print(f"  ... and {len(report.warnings) - 20} more (--json lists all)", file=out)


def run(args: argparse.Namespace) -> int:
    report = load_inputs(
        store_from(args), args.paths, skip_invalid=args.skip_invalid, dry_run=args.dry_run
    )
    if args.json:
        emit_json(report.as_dict())
    else:
        print_report(report)
    return 0
