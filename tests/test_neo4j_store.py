"""What only the Neo4j store promises: URL choice, credentials, mapped errors, the Cypher export.

These talk to the session's Bolt server (FalkorDB, or DUTYGRAPH_TEST_BOLT_URL),
through the same shared driver as the ``bolt`` store backend.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from dutygraph import StoreUnavailable, UsageError
from dutygraph.fixtures import DEMO_PATH
from dutygraph.queries import cypher, cypher_names, describe
from dutygraph.store import open_store

from .conftest import ACCEPTANCE, ACCEPTANCE_RUNNER, _server_store, need

neo4j = pytest.importorskip("neo4j", reason="the Neo4j store needs the neo4j extra")
from dutygraph.store.neo4j import Neo4jStore, credentials  # noqa: E402

pytestmark = pytest.mark.neo4j


@pytest.fixture
def bolt() -> Neo4jStore:
    store = _server_store("bolt")
    assert isinstance(store, Neo4jStore)
    return store


def test_open_store_chooses_the_neo4j_store_by_url(bolt: Neo4jStore) -> None:
    s = open_store(bolt.url)
    try:
        assert isinstance(s, Neo4jStore) and s.url == bolt.url
        assert s.graph().counts()["region"] == 0
    finally:
        s.close()


def test_the_server_is_detected_and_limited_servers_say_so(bolt: Neo4jStore) -> None:
    if bolt.limited:
        assert bolt.server.startswith("FalkorDB")
        assert bolt.capabilities == {"durable", "cypher"}
    else:
        assert bolt.server.startswith("Neo4j")


def test_credentials_come_from_the_environment_only(tmp_path, monkeypatch) -> None:
    for var in (
        "DUTYGRAPH_NEO4J_USER",
        "DUTYGRAPH_NEO4J_PASSWORD",
        "DUTYGRAPH_NEO4J_PASSWORD_FILE",
    ):
        monkeypatch.delenv(var, raising=False)
    assert credentials() is None
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n", "utf-8")
    monkeypatch.setenv("DUTYGRAPH_NEO4J_PASSWORD_FILE", str(secret))
    assert credentials() == ("neo4j", "s3cret")
    monkeypatch.setenv("DUTYGRAPH_NEO4J_USER", "loader")
    monkeypatch.setenv("DUTYGRAPH_NEO4J_PASSWORD", "direct")
    assert credentials() == ("loader", "direct")
    monkeypatch.delenv("DUTYGRAPH_NEO4J_PASSWORD")
    monkeypatch.setenv("DUTYGRAPH_NEO4J_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(UsageError, match="DUTYGRAPH_NEO4J_PASSWORD_FILE"):
        credentials()


def test_an_unreachable_server_is_a_store_error_not_a_driver_error() -> None:
    with pytest.raises(StoreUnavailable, match="cannot reach the Neo4j server"):
        Neo4jStore("bolt://127.0.0.1:1")


def test_a_bad_url_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not a usable Neo4j URL"):
        Neo4jStore("bolt://127.0.0.1:notaport")


def test_a_server_error_is_mapped_into_the_tree(bolt: Neo4jStore) -> None:
    from dutygraph.errors import StoreError

    with pytest.raises(StoreError, match="the server failed while running a query"):
        bolt._run("RETURN 1 +")


def test_a_record_over_falkordbs_message_limit_is_refused_up_front(bolt: Neo4jStore) -> None:
    from dutygraph.errors import UnsupportedOperation
    from dutygraph.model import Region
    from dutygraph.store import ChangeSet

    if not bolt.limited:
        pytest.skip("a real Neo4j takes large records")  # only the limited server has the limit
    huge = Region("000000", "全" * 3000, "national")
    with pytest.raises(UnsupportedOperation, match="about 4 KB"):
        bolt.write(lambda g: ChangeSet([huge]))
    bolt._run("RETURN 1")  # the server is still up


def test_saved_queries_are_files_with_parameters_and_a_description() -> None:
    assert {"who_leads", "who_assists", "multiple_leads"} <= set(cypher_names())
    for name in cypher_names():
        text = cypher(name)
        assert "$" in text and "//" not in text
        assert describe(name).startswith(name + ":")


def test_the_cli_runs_on_the_bolt_store(bolt: Neo4jStore) -> None:
    env = {**os.environ, "DUTYGRAPH_STORE": bolt.url}

    def dg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dutygraph", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )

    assert dg("load", str(DEMO_PATH)).returncode == 0
    out = dg("lead", "I-FOOD", "510104", "--as-of", "2025-06-01", "--json")
    assert out.returncode == 0, out.stderr
    assert [a["department"]["id"] for a in json.loads(out.stdout)["answers"]] == ["JJ-SCJ"]
    down = subprocess.run(
        [sys.executable, "-m", "dutygraph", "lead", "I-FOOD", "510104"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DUTYGRAPH_STORE": "bolt://127.0.0.1:1"},
    )
    assert down.returncode == 3
    assert "cannot reach the Neo4j server" in down.stderr and "Traceback" not in down.stderr


@pytest.mark.slow
def test_the_acceptance_scenario_passes_on_the_bolt_store(bolt: Neo4jStore) -> None:
    runner = ACCEPTANCE_RUNNER
    need(runner.exists() and ACCEPTANCE.is_dir(), "the shared acceptance scenario is missing")
    dg = shutil.which("dutygraph")
    need(dg is not None, "the dutygraph command is not on PATH (pip install -e .)")
    proc = subprocess.run(
        [sys.executable, str(runner), str(ACCEPTANCE)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "STORE": bolt.url, "DG": str(dg)},
    )
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-1000:]
    done, total = last.split()[0].split("/")
    assert done == total, last
