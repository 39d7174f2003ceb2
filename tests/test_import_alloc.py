"""The allocator setting of the command-line entry (issue #16): set before polars loads,
a value the user set kept."""

from __future__ import annotations

import os
import subprocess
import sys

from dutygraph import _alloc

_SHOW = (
    "import os, sys; import dutygraph.cli.main; "
    "print(os.environ.get('_RJEM_MALLOC_CONF')); print('polars' in sys.modules)"
)


def _run(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", _SHOW], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def test_cli_entry_sets_it_before_polars_loads() -> None:
    env = {k: v for k, v in os.environ.items() if k != _alloc.ALLOCATOR_ENV}
    assert _run(env) == [_alloc.ALLOCATOR_SETTING, "False"]


def test_a_value_the_user_set_wins() -> None:
    env = dict(os.environ, **{_alloc.ALLOCATOR_ENV: "narenas:1"})
    assert _run(env)[0] == "narenas:1"


def test_too_late_once_polars_is_loaded(monkeypatch) -> None:
    monkeypatch.delenv(_alloc.ALLOCATOR_ENV, raising=False)
    monkeypatch.setitem(sys.modules, "polars", object())
    assert _alloc.return_freed_memory() is False
    assert _alloc.ALLOCATOR_ENV not in os.environ
    monkeypatch.delitem(sys.modules, "polars")
    assert _alloc.return_freed_memory() is True
    assert os.environ[_alloc.ALLOCATOR_ENV] == _alloc.ALLOCATOR_SETTING
