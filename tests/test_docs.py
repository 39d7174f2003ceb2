"""Docs that cannot drift: every command is in the README, and the README's commands run."""

from __future__ import annotations

import re

from dutygraph.cli.main import build_parser

from .conftest import ROOT


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [c for c in _commands() if not re.search(rf"`dutygraph {re.escape(c)}\b", readme)]
    assert not missing, f"README.md does not mention: {', '.join(missing)}"


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert p.description, f"dutygraph {name} has no description"


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text("utf-8")
    head = readme[:1200]
    assert "scripts/test" in head and "dutygraph " in head
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "scripts/test" in ci
