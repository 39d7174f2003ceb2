"""``dutygraph schema``: print (or write) the GraphQL schema as SDL.

The repository keeps the output as ``schema.graphql``; a test fails when the
code and that file drift apart. Refresh it with
``dutygraph schema --output schema.graphql``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError

HELP = "print the GraphQL schema (SDL); --output writes it to a file"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help=HELP, description=HELP)
    p.add_argument("--output", "-o", metavar="FILE", help="write the SDL here instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        from ..api.schema import sdl
    except ModuleNotFoundError as exc:
        raise UsageError(
            f"the schema needs the api extra ({exc.name} is missing): pip install 'dutygraph[api]'"
        ) from None
    text = sdl()
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{args.output}: cannot write it ({exc.strerror})") from None
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
