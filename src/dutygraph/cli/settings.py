"""``dutygraph settings [--json]``: the limits in force, their values and where each came from.

Values come from the defaults, a settings file (``--settings FILE`` or
``$DUTYGRAPH_SETTINGS``), the environment (``DUTYGRAPH_<NAME>``) and
``--setting NAME VALUE`` flags, last one winning (see :mod:`dutygraph.config`).
"""

from __future__ import annotations

import argparse

from .. import config
from .output import emit_json, table

HELP = "show the limits in force (settings), their values and where each came from"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("settings", help=HELP, description=HELP)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    s = config.current()
    rows = [
        {
            "name": setting.name,
            "value": s.as_dict()[setting.name],
            "source": s.source(setting.name),
            "scope": setting.scope,
            "help": setting.help,
        }
        for setting in config.SETTINGS
    ]
    if args.json:
        emit_json(rows)
        return 0
    table(
        ["设置 (setting)", "值 (value)", "来源 (from)", "含义 (meaning)"],
        [[r["name"], "无 (none)" if r["value"] is None else str(r["value"]), r["source"], r["help"]]
         for r in rows],
    )  # fmt: skip
    return 0
