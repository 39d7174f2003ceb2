"""``dutygraph guide INDUSTRY [--region R] --format md|html|xlsx [-o FILE]``: 一业一册."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..analysis.guide import Guide, build_guide, render_html, render_markdown, write_xlsx
from ..errors import UsageError
from ..io.outputs import atomic_output
from ..serialize import department_dict
from .common import add_command, as_of, store_from
from .output import emit_json

HELP = "write the one-industry guide (一业一册): every department, item, power and legal basis"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "guide", HELP, run)
    p.add_argument("industry", metavar="INDUSTRY", help="the industry in plain words, e.g. 剧本杀")
    p.add_argument("--region", help="region code or exact name (default: the whole catalogue)")
    p.add_argument("--format", choices=("md", "html", "xlsx"), default="md")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (required for xlsx)")


def guide_dict(guide: Guide) -> dict[str, Any]:
    return {
        "industry": guide.industry,
        "region": guide.region,
        "as_of": guide.as_of,
        "items": guide.items,
        "departments": [
            {"department": department_dict(s.department), "entries": s.entries}
            for s in guide.sections
        ],
        "findings": guide.findings,
    }


def run(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and not args.output and not args.json:
        raise UsageError("--format xlsx writes a workbook: name it with -o FILE.xlsx")
    g = store_from(args).reader()
    guide = build_guide(g, args.industry, args.region, as_of(args))
    if args.json:
        emit_json(guide_dict(guide))
        return 0
    if args.format == "xlsx":
        write_xlsx(guide, args.output)
        print(
            f"wrote {args.output}: {len(guide.sections)} department(s), {len(guide.items)} item(s)",
            file=sys.stderr,
        )
        return 0
    text = render_html(guide) if args.format == "html" else render_markdown(guide)
    if args.output:
        with atomic_output(args.output, example=f"guide.{args.format}") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0
