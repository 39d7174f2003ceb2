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


def test_no_test_reads_the_shared_folder():
    """A user's fresh clone has no shared folder beside it: what a test needs is in tests/data/."""
    name = "sha" + "red"  # spelt apart so this test does not find itself
    pattern = re.compile(rf"""\.\./{name}|/work/{name}|["']{name}["']\s*[)/]|/ ["']{name}["']""")
    readers = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "tests").rglob("*"))
        if p.suffix in (".py", ".md", ".toml", ".json") and pattern.search(p.read_text("utf-8"))
    ]
    assert not readers, f"these tests refer to the shared folder: {readers}"


def test_the_readme_settings_table_is_current():
    """The README's table of limits is :func:`dutygraph.config.settings_table`, word for word."""
    from dutygraph.config import settings_table

    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"<!-- settings:begin[^>]*-->\n(.*?)\n<!-- settings:end -->", readme, re.S)
    assert block, "README.md has no settings table between the settings:begin/end markers"
    assert block.group(1) == settings_table(), "refresh the table from config.settings_table()"
