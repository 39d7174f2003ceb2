"""Shared fixtures: stores (every backend runs the same behaviour suite), the demo data, the CLI.

``store`` is parametrised over the backends in ``STORE_BACKENDS``; a test that
takes it runs once per backend. Backends that need a server (Neo4j/Bolt) add
themselves here; under ``CI=true`` a missing server fails the run, never skips.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.store import EmbeddedStore, Store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ACCEPTANCE = SHARED / "acceptance" / "scenario_zj"
IN_CI = os.environ.get("CI") == "true"


def need(condition: bool, reason: str) -> None:
    """Skip when a real part is missing — but fail under CI, where it must be there."""
    if not condition:
        if IN_CI:
            pytest.fail(f"{reason} (required under CI=true)")
        pytest.skip(reason)


def _embedded(tmp_path: Path) -> Store:
    return EmbeddedStore(tmp_path / "test.db")


#: name -> factory(tmp_path) for every store backend the behaviour suite runs on
STORE_BACKENDS: dict[str, Callable[[Path], Store]] = {"embedded": _embedded}


@pytest.fixture(params=sorted(STORE_BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend."""
    s = STORE_BACKENDS[request.param](tmp_path)
    yield s
    s.close()


@pytest.fixture
def embedded_store(tmp_path: Path) -> Iterator[Store]:
    """An empty embedded store (for tests of what only it promises)."""
    s = _embedded(tmp_path)
    yield s
    s.close()


@pytest.fixture
def demo_store(store: Store) -> Store:
    """A store of each backend holding the demo data."""
    load(store, [DEMO_PATH])
    return store


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., Any]:
    """Run the real ``dutygraph`` command in a subprocess against a fresh store file.

    ``cli("lead", "I-FOOD", "510104", "--json")`` returns the parsed JSON for
    ``--json`` calls, else the CompletedProcess; ``check=False`` returns the
    CompletedProcess whatever the exit code.
    """
    store_path = tmp_path / "cli.db"

    def run(*args: str, check: bool = True, env: dict[str, str] | None = None) -> Any:
        proc = subprocess.run(
            [sys.executable, "-m", "dutygraph", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "DUTYGRAPH_STORE": str(store_path), **(env or {})},
        )
        if not check:
            return proc
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout) if "--json" in args else proc

    run.store_path = store_path  # type: ignore[attr-defined]
    return run
