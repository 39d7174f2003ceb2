"""Shared fixtures: stores (every backend runs the same behaviour suite), the demo data, the CLI.

``store`` is parametrised over the backends in ``STORE_BACKENDS``; a test that
takes it runs once per backend: ``embedded``, ``bolt`` (the Neo4j store on a
FalkorDB Bolt server) and, when ``NEO4J_URI`` is set, ``neo4j`` (a real Neo4j).
Under ``CI=true`` a missing server fails the run, never skips.
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
#: the acceptance scenario and its runner, copied from the project's shared folder
#: (shared/acceptance beside the repository): a user's fresh clone has none, and tests
#: never read it
ACCEPTANCE_DIR = ROOT / "tests" / "data" / "acceptance"
ACCEPTANCE = ACCEPTANCE_DIR / "scenario_zj"
ACCEPTANCE_RUNNER = ACCEPTANCE_DIR / "run.py"
IN_CI = os.environ.get("CI") == "true"


def need(condition: bool, reason: str) -> None:
    """Skip when a real part is missing — but fail under CI, where it must be there."""
    if not condition:
        if IN_CI:
            pytest.fail(f"{reason} (required under CI=true)")
        pytest.skip(reason)


def _embedded(tmp_path: Path) -> Store:
    return EmbeddedStore(tmp_path / "test.db")


# -- servers: a FalkorDB Bolt server (always), a real Neo4j (when NEO4J_URI is set) ---------
#
# One long-lived driver per server for the whole run (FalkorDB's handshakes are
# fragile); each test gets a fresh Neo4jStore on it, on a graph cleared first.
# DUTYGRAPH_TEST_BOLT_URL names a running Bolt server (.ci/run starts one with
# scripts/bolt-server); without it the first test that needs one starts it
# with scripts/bolt-server and the session stops it. NEO4J_URI (with
# NEO4J_USER/NEO4J_PASSWORD) adds a "neo4j" backend: its database is CLEARED
# before every test, so point it at a scratch database.

BOLT_SCRIPT = ROOT / "scripts" / "bolt-server"
_SERVERS: dict[str, Any] = {}  # name -> shared neo4j driver, or the reason there is none
_STARTED: list[Path] = []  # state files of servers this session started


def _bolt_url() -> str | None:
    url = os.environ.get("DUTYGRAPH_TEST_BOLT_URL")
    if url:
        return url
    import tempfile

    state = Path(tempfile.mkdtemp(prefix="dutygraph-bolt-")) / "state.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(BOLT_SCRIPT),
            "start",
            "--state",
            str(state),
            "--watch",
            str(os.getpid()),
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    if proc.returncode != 0:
        _SERVERS["bolt"] = f"scripts/bolt-server could not start FalkorDB: {proc.stderr.strip()}"
        return None
    _STARTED.append(state)
    return proc.stdout.strip()


def _server_driver(name: str) -> Any:
    """The shared driver for server ``name`` ("bolt" or "neo4j"), or skip/fail via need()."""
    if name not in _SERVERS:
        try:
            import neo4j
        except ImportError:
            _SERVERS[name] = "the neo4j driver is not installed (pip install -e '.[neo4j]')"
        else:
            if name == "bolt":
                url, auth = _bolt_url(), ("falkordb", "")
            else:
                url = os.environ["NEO4J_URI"]
                auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
            if url is not None:
                driver = neo4j.GraphDatabase.driver(
                    url, auth=auth, connection_timeout=5, connection_acquisition_timeout=5
                )
                _SERVERS[name] = (url, driver)
    got = _SERVERS[name]
    need(not isinstance(got, str), str(got))
    return got


def _server_store(name: str) -> Store:
    from dutygraph.store.neo4j import Neo4jStore

    url, driver = _server_driver(name)
    store = Neo4jStore(url, driver=driver)
    store.clear()
    return store


def pytest_sessionfinish(session: pytest.Session) -> None:
    from dutygraph.store.neo4j import _close_quietly

    for name, got in _SERVERS.items():
        if not isinstance(got, str):
            _close_quietly(got[1], limited=name == "bolt")
    _SERVERS.clear()
    for state in _STARTED:
        subprocess.run([sys.executable, str(BOLT_SCRIPT), "stop", "--state", str(state)])
    _STARTED.clear()


#: name -> factory(tmp_path) for every store backend the behaviour suite runs on
STORE_BACKENDS: dict[str, Callable[[Path], Store]] = {
    "embedded": _embedded,
    "bolt": lambda tmp_path: _server_store("bolt"),
}
if os.environ.get("NEO4J_URI"):
    STORE_BACKENDS["neo4j"] = lambda tmp_path: _server_store("neo4j")

#: backends that need a server carry the ``neo4j`` marker (``-m "not neo4j"`` leaves them out)
_SERVER_BACKENDS = {"bolt", "neo4j"}


@pytest.fixture(
    params=[
        pytest.param(name, marks=[pytest.mark.neo4j] if name in _SERVER_BACKENDS else [])
        for name in sorted(STORE_BACKENDS)
    ]
)
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
def demo_db(tmp_path: Path) -> Path:
    """The path of an embedded store file holding the demo data (no store object kept)."""
    from dutygraph.store import EmbeddedStore

    path = tmp_path / "demo.db"
    load(EmbeddedStore(path), [DEMO_PATH])
    return path


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


# -- the browser: a headless Chromium per test module, a fresh page (Visit) per test ---------
# (per module, not per session: Playwright's sync API keeps an event loop running in this
# thread while the browser is open, and later tests call asyncio.run())


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from .servers import chromium

    with chromium(need) as b:
        yield b


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    from .servers import Visit

    v = Visit(browser)
    try:
        yield v
    finally:
        v.close()
