"""``dutygraph validate [FILE]``: check data against ``ontology/shapes.ttl`` (pySHACL).

FILE is a bundle, a published list or an RDF file (.ttl, .nt, .jsonld); with
none, the store's graph is checked. ``--shapes cpsv-ap`` (or ``cpov-ap``)
checks against the official shapes shipped with dutygraph, offline. Exit codes follow pySHACL: 0 conforms
(warnings may be printed), 1 violations, 2 could not run.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import DutyGraphError
from ..reader import answers_in_store
from .common import add_pretty, store_from, store_options
from .output import emit_json

HELP = "check a bundle, a list, an RDF file or the store against the SHACL shapes"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "validate",
        help=HELP,
        description=f"{HELP}. Exit codes: 0 conforms, 1 violations, 2 could not run.",
        parents=[store_options()],
    )
    p.add_argument(
        "file", nargs="?", metavar="FILE", help="bundle, list or RDF file (default: the store)"
    )
    p.add_argument(
        "--shapes",
        metavar="FILE",
        help="SHACL shapes: a file, or cpsv-ap / cpov-ap for the official CPSV-AP 3.2.0 / "
        "CPOV-AP 2.1.2 shapes shipped with dutygraph (default: ontology/shapes.ttl)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    add_pretty(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..shacl import validate_graph, validate_path

    try:
        if args.file:
            report = validate_path(args.file, args.shapes)
        else:
            store = store_from(args)
            # a store that answers in its database is read page by page (never graph()):
            # the shapes check every record, so pySHACL holds the RDF of them all either way
            graph = store.reader() if answers_in_store(store) else store.graph()
            report = validate_graph(graph, args.shapes, "store")
    except DutyGraphError as exc:
        print(f"dutygraph: error: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(
            f"dutygraph: error: validate needs {exc.name}; install dutygraph[rdf]", file=sys.stderr
        )
        return 2
    if args.json:
        emit_json(report.as_dict())
    else:
        verdict = "conforms" if report.conforms else f"{len(report.violations)} violation(s)"
        print(f"{report.source}: {verdict}")
        for r in report.results:
            print(f"  {r}")
    return 0 if report.conforms else 1
