"""``dutygraph load PATH...``: import bundles and published lists, all or nothing.

Published lists (权责清单, key-item and joint-inspection lists, the division
code table) are recognised by their headers, a law corpus by its
``index.csv``; ``--format`` names the format when they are not. ``--strict``
makes the citation warnings (``law-unknown``, ``law-no-article``,
``law-not-in-force``) errors; a note (``law-earliest-text``: a basis read against the
earliest text the corpus holds) stays a note. ``--effective`` dates a new version of a
list; the report shows what it adds, removes (closes) and changes. A progress bar shows on
stderr while a long list is read, when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from ..errors import UsageError
from ..importer import ImportReport
from ..importer import load as load_inputs
from .common import add_pretty, lang, store_from, store_options
from .output import emit_json, table

HELP = "import bundles and published lists into the store (all or nothing)"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("load", help=HELP, description=HELP, parents=[store_options()])
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="bundle folder, .csv or .xlsx file, published list"
    )
    p.add_argument(
        "--format",
        metavar="NAME",
        help="list format: power_list, key_items, division_codes, bundle, rdf, laws, "
        "or a mapping file (.toml) (default: detected from the headers)",
    )
    p.add_argument(
        "--region", metavar="REGION", help="the list's government (code or name), when unclear"
    )
    p.add_argument(
        "--department",
        metavar="DEPT",
        help="the list's owner (id or name): takes rows that name no department",
    )
    p.add_argument(
        "--effective", metavar="DATE", help="the date this version of the list takes effect"
    )
    p.add_argument("--list", metavar="ID", help="the list's id (default: from its owner or title)")
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="the encoding of CSV inputs, bundles and lists alike: utf-8 (default) or "
        "gb18030 (reads GBK and GB2312 too)",
    )
    p.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, report the rest"
    )
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument(
        "--strict",
        action="store_true",
        help="a citation the law corpus cannot back (unknown law, no such article, "
        "law not in force on the duty's start date) is an error, not a warning: "
        "nothing is imported",
    )
    p.add_argument(
        "--validate",
        action="store_true",
        help="first check the inputs (with the store) against the SHACL shapes; "
        "a violation stops the import (exit 2, nothing written)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    add_pretty(p)
    p.set_defaults(func=run)


def _validate_first(args: argparse.Namespace, options: dict[str, Any]) -> bool:
    """SHACL-check every input beside the store's graph; print what is wrong; True if all conform."""
    from ..io import read_input
    from ..shacl import validate_batch

    base = store_from(args).graph()
    ok = True
    for path in args.paths:
        report = validate_batch(read_input(path, **{**options, "graph": lambda: base}), base=base)
        if not report.conforms:
            ok = False
            print(f"{path}: {len(report.violations)} SHACL violation(s)", file=sys.stderr)
            for r in report.violations:
                print(f"  {r}", file=sys.stderr)
    return ok


#: the import report's words, Chinese first (``--lang en``: the English)
_REPORT_ZH = {
    "kind": "类别 kind",
    "read": "读取 read",
    "added": "新增 added",
    "changed": "变更 changed",
    "unchanged": "未变 unchanged",
}


def print_report(report: ImportReport, out: TextIO | None = None, language: str = "zh") -> None:
    """An import's report for people: what was read, added and changed, and what was wrong."""
    out = out or sys.stdout
    zh = language == "zh"
    kinds = sorted(set(report.read) | set(report.added) | set(report.changed))
    if zh:
        verb = "将导入（试运行，未写入）" if report.dry_run else "已导入"
    else:
        verb = "would import" if report.dry_run else "imported"
    print(f"{verb} {', '.join(report.sources)}", file=out)
    if report.rows_read:
        errors = sum(p.severity == "error" for p in report.problems)
        counts = (report.rows_read, report.skipped_rows, errors, len(report.warnings))
        text = (
            "清单行：读取 {}，跳过 {}，错误 {}，警告 {}"
            if zh
            else "list rows read {}, skipped {}, errors {}, warnings {}"
        )
        print(text.format(*counts), file=out)
    keys = ["kind", "read", "added", "changed", "unchanged"]
    table(
        [_REPORT_ZH[k] for k in keys] if zh else keys,
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
    for diff in report.lists:
        print_diff(diff, out, language)
    if report.skipped_rows:
        n = report.skipped_rows
        print(f"跳过 {n} 行无效数据：" if zh else f"skipped {n} invalid row(s):", file=out)
        for p in report.problems:
            if p.severity == "error":
                print(f"  {'错误' if zh else 'error'}: {p}", file=out)
    if report.warnings:
        kinds_w: dict[str, int] = {}
        for p in report.warnings:
            kinds_w[p.code] = kinds_w.get(p.code, 0) + 1
        by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds_w.items()))
        n = len(report.warnings)
        print(f"{n} 条警告（{by_kind}）：" if zh else f"{n} warning(s) ({by_kind}):", file=out)
        for p in report.warnings[:20]:
            print(f"  {'警告' if zh else 'warning'}: {p}", file=out)
        if n > 20:
            rest = n - 20
            print(
                f"  …… 另有 {rest} 条（--json 列出全部）"
                if zh
                else f"  ... and {rest} more (--json lists all)",
                file=out,
            )
    if report.notes:  # how rows were read: counted, a few shown
        n = len(report.notes)
        print(f"{n} 条说明：" if zh else f"{n} note(s):", file=out)
        for p in report.notes[:3]:  # a note's place in Chinese (no English-only words in a demo)
            print(f"  说明：{p.text_zh()}" if zh else f"  note: {p}", file=out)
        if n > 3:
            print(
                f"  …… 另有 {n - 3} 条（--json 列出全部）"
                if zh
                else f"  ... and {n - 3} more (--json lists all)",
                file=out,
            )


def _who(d: dict[str, Any]) -> str:
    return f"{d['role']:<6} {d['department']} {d['item']} @ {d['region']}"


def print_diff(diff: dict[str, Any], out: TextIO | None = None, language: str = "zh") -> None:
    """A list version's diff (or two versions' diff) for people."""
    out = out or sys.stdout
    head = diff.get("version") or f"{diff.get('old')} → {diff.get('new')}"
    counts = (len(diff["added"]), len(diff["removed"]), len(diff["changed"]), diff["unchanged"])
    if language == "zh":
        prev = f"（上一版 {diff['previous']}）" if diff.get("previous") else ""
        print(
            f"清单 {diff['list']} 版本 {head}{prev}：新增 {counts[0]}，删除 {counts[1]}，"
            f"变更 {counts[2]}，未变 {counts[3]}",
            file=out,
        )
    else:
        prev = f" (previous {diff['previous']})" if diff.get("previous") else ""
        print(
            f"list {diff['list']} version {head}{prev}: {counts[0]} added, "
            f"{counts[1]} removed, {counts[2]} changed, {counts[3]} unchanged",
            file=out,
        )
    for d in diff["added"]:
        print(f"  + {_who(d)}", file=out)
    for d in diff["removed"]:
        print(f"  - {_who(d)}", file=out)
    for c in diff["changed"]:
        print(
            f"  ~ {_who(c['new'])}: bases {';'.join(c['old']['bases'])} → {';'.join(c['new']['bases'])}",
            file=out,
        )


class _Bar:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        frac = done / total if total else 1.0
        filled = int(frac * 30)
        sys.stderr.write(f"\rreading [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} rows")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    options: dict[str, Any] = {}
    for name in ("format", "region", "department", "effective", "list", "encoding"):
        value = getattr(args, name, None)
        if value:
            options[name] = value
    if args.effective:
        import datetime as dt

        try:
            options["effective"] = dt.date.fromisoformat(args.effective).isoformat()
        except ValueError:
            raise UsageError(
                f"--effective {args.effective!r} is not a date; write YYYY-MM-DD"
            ) from None
    if args.validate and not _validate_first(args, options):
        print(
            "dutygraph: the input does not conform to the shapes; nothing was imported",
            file=sys.stderr,
        )
        return 2
    if sys.stderr.isatty() and not args.json:
        options["progress"] = _Bar()
    report = load_inputs(
        store_from(args),
        args.paths,
        skip_invalid=args.skip_invalid,
        dry_run=args.dry_run,
        strict=args.strict,
        **options,
    )
    if args.json:
        emit_json(report.as_dict())
    else:
        print_report(report, language=lang(args))
    return 0
