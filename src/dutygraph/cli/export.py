"""``dutygraph export --format F [--region R] [--item I] [--as-of D] [-o FILE | DIR]``: standard exports.

The formats come from :data:`dutygraph.io.export.FORMATS`; the output goes to
stdout unless ``-o`` names a file (written whole or not at all: a temporary
file renamed over it at the end). A folder format (``neo4j-admin``) writes the
folder ``DIR`` (new or empty), whole or not at all. On a Bolt store the bulk
formats (``cypher``, ``neo4j-admin``) read the store page by page through its
reader, never the whole graph; the others read the snapshot.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import UsageError
from ..io.export import FORMATS, export
from ..io.outputs import atomic_output
from .common import as_of, store_from, store_options

HELP = "write the graph (or a region or item subset) in a standard format"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    formats = ", ".join(f"{name} ({f.help})" for name, f in sorted(FORMATS.items()))
    p = sub.add_parser(
        "export",
        help=HELP,
        description=f"{HELP}. Formats: {formats}.",
        parents=[store_options()],
    )
    p.add_argument("--format", "-f", required=True, choices=sorted(FORMATS), metavar="FORMAT")
    p.add_argument("--region", metavar="R", help="only this region's subtree (and its path up)")
    p.add_argument("--item", metavar="I", help="only this item's subtree (and its ancestors)")
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="RDF: the date cv:hasCompetentAuthority holds at, YYYY-MM-DD (default: today)",
    )
    p.add_argument(
        "--dialect",
        choices=("neo4j", "falkordb"),
        help="cypher: the server the script is for (default neo4j: constraints, native dates)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.add_argument("folder", nargs="?", metavar="DIR", help="the folder a folder format writes")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = FORMATS[args.format]
    folder = args.folder or (args.output if fmt.directory else None)
    if fmt.directory != bool(folder):
        raise UsageError(
            f"--format {args.format} "
            + (
                "写出一个文件夹，请给出它 (writes a folder: name it, e.g. out/)"
                if fmt.directory
                else "写出一个文件，请用 -o FILE (writes one file: use -o FILE, not DIR)"
            )
        )
    if args.dialect and args.format != "cypher":
        raise UsageError(
            f"--dialect 只用于 --format cypher (--dialect is for --format cypher, not {args.format})"
        )
    store = store_from(args)
    # every format streams from a store that can (Bolt: pages by key), else the snapshot
    graph: Any = store.reader() if getattr(store, "streams_exports", False) else store.graph()
    options = {"region": args.region, "item": args.item, "as_of": as_of(args)}
    if args.dialect:
        options["dialect"] = args.dialect
    if folder:
        export(graph, args.format, folder, **options)
        return 0
    if not args.output:
        out = sys.stdout.buffer if fmt.binary else sys.stdout
        export(graph, args.format, out, **options)
        out.flush()
        return 0
    with atomic_output(args.output, binary=fmt.binary, example="graph" + fmt.suffix) as fh:
        export(graph, args.format, fh, **options)
    return 0
