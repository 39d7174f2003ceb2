"""The ``dutygraph`` command: a thin shell over the library.

Library code never prints or exits; this module maps errors to one clean line
on stderr and a fixed exit code:

====  =====================================================================
0     done (a scan that finds gaps or conflicts still succeeds)
1     an unexpected internal error (a bug: the message says how to report it)
2     bad input or usage: unknown option, bad date, unknown or ambiguous
      name, an input with errors (nothing was imported)
3     the store cannot be opened, read or written
130   interrupted
====  =====================================================================
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import DutyGraphError, ValidationFailed
from . import (
    assign,
    catalogue,
    demo,
    diff,
    dispute,
    export,
    guide,
    inspect,
    law_competence,
    load,
    resolve,
    route,
    scan,
    schema,
    serve,
    show,
    validate,
)

__all__ = ["COMMANDS", "build_parser", "main"]

#: command modules, in the order ``--help`` lists them
COMMANDS = [
    load,
    diff,
    catalogue,
    resolve,
    scan,
    show,
    assign,
    route,
    inspect,
    guide,
    dispute,
    law_competence,
    demo,
    serve,
    schema,
    export,
    validate,
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"dutygraph: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dutygraph",
        description="Who leads, who assists, on what legal basis, in which region.",
        epilog="exit codes: 0 done, 1 internal error, 2 bad input or usage, 3 store error",
    )
    parser.add_argument("--version", action="version", version=f"dutygraph {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ValidationFailed as exc:
        print(f"dutygraph: {exc}", file=sys.stderr)
        return exc.exit_code
    except DutyGraphError as exc:
        if args.debug:
            raise
        print(f"dutygraph: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("dutygraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"dutygraph: internal error: {type(exc).__name__}: {exc} "
            "(a bug; rerun with --debug and report the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
