"""``build_parser(command)`` registers the named command's module alone, and knows every command."""

from __future__ import annotations

import argparse
import subprocess
import sys

from dutygraph.cli.main import COMMANDS, MODULE_OF, build_parser


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def test_every_command_is_registered_by_the_module_it_is_mapped_to() -> None:
    every = _commands(build_parser())
    assert set(MODULE_OF) <= every  # no stale name in the map
    for name in every:
        module = MODULE_OF.get(name, name)
        assert module in COMMANDS, name
        alone = _commands(build_parser(name))
        assert name in alone, (name, module)
        assert alone < every or len(every) == 1, name  # the one module, not all of them


def test_a_scan_does_not_import_the_other_commands() -> None:
    code = (
        "import sys\n"
        "from dutygraph.cli.main import build_parser\n"
        "args = build_parser('gaps').parse_args(['gaps', '--json'])\n"
        "print(args.scan, 'dutygraph.cli.law' in sys.modules, 'dutygraph.cli.serve' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["gaps", "False", "False"]
