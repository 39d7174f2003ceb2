"""Options every command shares, and the helpers commands use to reach the store."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from ..errors import UsageError
from ..store import Store, open_store

__all__ = [
    "LANGS",
    "add_command",
    "add_pretty",
    "as_of",
    "lang",
    "lang_option",
    "query_options",
    "store_from",
    "store_options",
]

#: languages of what a person reads: Chinese first, English on request
LANGS = ("zh", "en")


def lang_option(p: argparse.ArgumentParser, default: Any = argparse.SUPPRESS) -> None:
    """``--lang zh|en``: before the command (default ``zh``) or after it."""
    p.add_argument(
        "--lang",
        choices=LANGS,
        default=default,
        help="language of tables and messages: zh (Chinese, the default) or en (English)",
    )


def lang(args: argparse.Namespace) -> str:
    """The language asked for (``zh`` unless ``--lang en``)."""
    return str(getattr(args, "lang", None) or "zh")


def store_options() -> argparse.ArgumentParser:
    """``--store``: accepted after a command's own arguments too."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--store",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="store file (embedded) or bolt://, neo4j:// URL "
        "(default: $DUTYGRAPH_STORE, else ./dutygraph.db)",
    )
    lang_option(p)
    return p


def query_options() -> argparse.ArgumentParser:
    """``--as-of`` and ``--json``, for every command that answers a question."""
    p = argparse.ArgumentParser(add_help=False, parents=[store_options()])
    p.add_argument(
        "--as-of", metavar="DATE", help="answer as of this date, YYYY-MM-DD (default: today)"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_pretty(p)
    return p


def add_pretty(p: argparse.ArgumentParser) -> None:
    """``--pretty``: indent JSON even when stdout is not a terminal (it is compact then)."""
    p.add_argument(
        "--pretty",
        action="store_true",
        default=None,
        help="indent the JSON (default: indented on a terminal, compact in a pipe or file)",
    )


def add_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    text: str,
    run: Callable[[argparse.Namespace], int],
    parent: argparse.ArgumentParser | None = None,
    **defaults: Any,
) -> argparse.ArgumentParser:
    """A sub-command ``name`` that ``run`` carries out, with ``text`` as help and description.

    It takes ``parent``'s options (default: :func:`query_options`, for a
    command that answers a question); ``defaults`` are set on its arguments.

    >>> sub = argparse.ArgumentParser(prog="dutygraph").add_subparsers()
    >>> p = add_command(sub, "ask", "answer a question", lambda args: 0)
    >>> sorted(vars(p.parse_args(["--json"])))
    ['as_of', 'func', 'json', 'pretty']
    """
    p = sub.add_parser(name, help=text, description=text, parents=[parent or query_options()])
    p.set_defaults(func=run, **defaults)
    return p


def as_of(args: argparse.Namespace) -> str:
    value = getattr(args, "as_of", None)
    if not value:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"--as-of {value!r} is not a date; write YYYY-MM-DD") from None


def store_from(args: argparse.Namespace) -> Store:
    return open_store(getattr(args, "store", None))
