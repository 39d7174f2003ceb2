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
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from .. import __version__, _alloc, config
from ..errors import DutyGraphError, UsageError, ValidationFailed
from . import output
from .common import lang_option

_alloc.return_freed_memory()  # before any command imports polars: see dutygraph._alloc

__all__ = ["COMMANDS", "build_parser", "entry", "main"]

#: command modules (of this package), in the order ``--help`` lists them; each is imported
#: when a parser is built: a command named first imports its own module alone
COMMANDS = (
    "load",
    "diff",
    "catalogue",
    "resolve",
    "scan",
    "show",
    "assign",
    "route",
    "inspect",
    "guide",
    "law",
    "dispute",
    "demo",
    "serve",
    "schema",
    "export",
    "validate",
    "check",
    "settings",
    "whatif",
)
#: the commands a module of :data:`COMMANDS` registers under other names than its own
MODULE_OF = {"gaps": "scan", "conflicts": "scan", "inspections": "scan"}
MODULE_OF.update(lead="resolve", assist="resolve")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"dutygraph: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``dutygraph`` parser: every command, or only ``command`` (what ``main`` parses).

    Only one command's module is imported when ``argv`` names it first
    (``dutygraph serve ...``, ``dutygraph gaps ...``: :data:`MODULE_OF`): ``serve`` listens
    sooner, a scan does not import the law tools' patterns (#17).
    """
    parser = _Parser(
        prog="dutygraph",
        description="Who leads, who assists, on what legal basis, in which region.",
        epilog="exit codes: 0 done, 1 internal error, 2 bad input or usage, 3 store error",
    )
    parser.add_argument("--version", action="version", version=f"dutygraph {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    lang_option(parser, default="zh")
    # Read by main() wherever they stand (before or after the command); listed here for --help.
    parser.add_argument(
        "--settings",
        metavar="FILE",
        help="a TOML file of limits (name = value); default $DUTYGRAPH_SETTINGS",
    )
    parser.add_argument(
        "--setting",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set one limit (repeatable; see `dutygraph settings`)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    module = MODULE_OF.get(command or "", command)
    for name in (module,) if module in COMMANDS else COMMANDS:
        importlib.import_module(f"{__package__}.{name}").register(sub)
    return parser


def split_settings(argv: Sequence[str]) -> tuple[list[str], str | None, list[tuple[str, str]]]:
    """``argv`` without its ``--settings FILE`` and ``--setting NAME VALUE`` options, and those.

    They may stand anywhere, before or after the command:

    >>> split_settings(["load", "x.csv", "--setting", "max_rows", "10", "--settings=a.toml"])
    (['load', 'x.csv'], 'a.toml', [('max_rows', '10')])
    """
    rest: list[str] = []
    file: str | None = None
    flags: list[tuple[str, str]] = []
    words = list(argv)
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            rest.extend(words[i:])
            break
        if word == "--settings" or word.startswith("--settings="):
            if "=" in word:
                file = word.split("=", 1)[1]
            elif i + 1 < len(words):
                file, i = words[i + 1], i + 1
            else:
                raise UsageError("--settings: 缺少文件名 (name a settings file: --settings FILE)")
        elif word == "--setting":
            if i + 2 >= len(words):
                raise UsageError(
                    "--setting: 需要名称和值 (give a name and a value: --setting max_rows 100000)"
                )
            flags.append((words[i + 1], words[i + 2]))
            i += 2
        else:
            rest.append(word)
        i += 1
    return rest, file, flags


def main(argv: Sequence[str] | None = None) -> int:
    try:
        words, file, flags = split_settings(sys.argv[1:] if argv is None else argv)
        in_force = config.Settings.load(file=file, flags=flags)
    except UsageError as exc:
        print(f"dutygraph: error: {exc}", file=sys.stderr)
        return exc.exit_code
    parser = build_parser(words[0] if words else None)  # a command named first: it alone
    args = parser.parse_args(words)
    output.configure(pretty=getattr(args, "pretty", None))
    config.use(in_force)
    try:
        return _run(args)
    finally:
        config.use(None)


def entry() -> None:
    """The ``dutygraph`` command (and ``python -m dutygraph``): :func:`main`, and exit.

    A scan reads the whole graph, millions of objects; freeing them one by one as the
    process ends takes a tenth of a second at province size (``benchmarks/cli_json.py``),
    for memory the system takes back anyway. A scan holds its reader (:func:`~.output.hold`):
    once the command has returned, the reader is closed (its read transaction and
    connection, as before) and the process ends without tearing itself down
    (``os._exit``), its output flushed. Every other command exits as usual.
    """
    output.holding()
    code = main()
    held = output.held()
    if not held:
        sys.exit(code)
    for obj in held:
        close = getattr(obj, "close", None)
        if close is not None:
            close()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # a reader gone, a stream closed
            stream.flush()
    os._exit(code)


def _run(args: argparse.Namespace) -> int:
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
