"""``dutygraph export --format cypher``: a script of parameterised batches that runs as written.

There is no cypher-shell here (it is Java, shipped with Neo4j), so :func:`run_script`
runs a script the way ``cypher-shell -f`` does: ``//`` comments skipped, a
``:param name => expression`` command evaluated by the server (``RETURN
expression``) and kept, every other line gathered up to its ``;`` and run as one
statement with every parameter kept so far. The script the real CLI writes runs
that way on the Bolt test server (FalkorDB, ``--dialect falkordb``) and, with
``NEO4J_URI``, on a real Neo4j (the default dialect); the records, the
relationships and the answers read back must be the exported graph's.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dutygraph import who_assists, who_leads
from dutygraph.analysis.conflicts import find_conflicts
from dutygraph.analysis.gaps import find_gaps
from dutygraph.fixtures import DEMO_PATH, demo_graph
from dutygraph.io.cypher import literal, statements, write_cypher
from dutygraph.io.export import export

from .conftest import STORE_BACKENDS, _server_driver

pytest.importorskip("neo4j", reason="the Neo4j store needs the neo4j extra")
from dutygraph.store.neo4j import Neo4jStore
from dutygraph.store.neo4j_dialect import FALKORDB, NEO4J

from .test_neo4j_writes import _edges, _expected

_PARAM = re.compile(r"^:param (?P<name>[A-Za-z_]\w*) => (?P<expr>.+)$")


def run_script(driver: Any, text: str, database: str | None = None) -> int:
    """Run ``text`` as ``cypher-shell -f`` does (see the module docstring); statements run."""
    params: dict[str, Any] = {}
    pending: list[str] = []
    ran = 0
    with driver.session(database=database) as s:
        for line in text.splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("//")):
                continue
            if not pending and line.startswith(":"):
                m = _PARAM.match(line)
                assert m is not None, f"not a :param command cypher-shell knows: {line[:80]}"
                params[m["name"]] = s.run(f"RETURN {m['expr']} AS v").single()["v"]
                continue
            pending.append(line)
            if line.rstrip().endswith(";"):
                s.run("\n".join(pending).rstrip()[:-1], params).consume()
                pending = []
                ran += 1
    assert not pending, "the script ends inside a statement"
    return ran


def test_every_batch_is_a_parameter_and_one_statement_per_kind() -> None:
    """No literal rows inside a statement: each batch is a ``:param`` line and the store's
    ``UNWIND $rows`` statement; DDL and dates as each dialect wants them."""
    g = demo_graph()
    for dialect in (NEO4J, FALKORDB):
        cmds = list(statements(g, dialect=dialect))
        params = [c for c in cmds if c.startswith(":")]
        queries = [c for c in cmds if not c.startswith(":")]
        assert all(_PARAM.match(c) and "\n" not in c for c in params)
        assert not any("UNWIND [" in q for q in queries)
        upserts = [q for q in queries if q.startswith("UNWIND $rows AS r MERGE")]
        assert len(upserts) == len(params) - 1  # and one last :param emptying the rows
        assert len(set(upserts)) == 8  # one statement per kind of record (no disputes, no laws)
        duty = next(q for q in upserts if "(n:Duty " in q)
        if dialect is NEO4J:
            assert "SET n.valid_from = date(r.valid_from), n.valid_to = date(r.valid_to)" in duty
            assert any(q.startswith("CREATE CONSTRAINT dutygraph_duty_id") for q in queries)
            assert any("FOR (n:Duty) ON (n.item, n.region)" in q for q in queries)
            assert len(params) == 9  # the demo fits one batch of each kind
        else:
            assert "date(" not in "".join(cmds) and not any("CREATE" in q for q in queries)
            for p, q in zip(params, upserts, strict=False):  # each message under ~4 KB
                assert len(f"RETURN {p}".encode()) < 3200 and len(p.encode()) + len(q) < 3200
    assert literal("a'b\\c\n\x01") == "'a\\'b\\\\c\\n\\u0001'"
    buf = io.StringIO()
    assert export(g, "cypher", buf) == sum(g.counts().values())
    buf = io.StringIO()
    write_cypher(g, buf, region="510104")
    assert "|510100|" not in buf.getvalue() and "|510104|" in buf.getvalue()


def _servers() -> list[Any]:
    out = [pytest.param("bolt", "falkordb", marks=pytest.mark.neo4j)]
    if "neo4j" in STORE_BACKENDS:
        out.append(pytest.param("neo4j", "neo4j", marks=pytest.mark.neo4j))
    return out


@pytest.mark.parametrize(("server", "dialect"), _servers())
def test_the_exported_script_runs_as_written_and_answers_like_the_graph(
    server: str, dialect: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DUTYGRAPH_STORE": str(tmp_path / "demo.db")}

    def dg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dutygraph", *args], capture_output=True, text=True, env=env
        )

    assert dg("load", str(DEMO_PATH)).returncode == 0
    script = tmp_path / "graph.cypher"
    done = dg("export", "--format", "cypher", "--dialect", dialect, "-o", str(script))
    assert done.returncode == 0, done.stderr
    wrong = dg("export", "--format", "ttl", "--dialect", dialect, "-o", str(tmp_path / "x.ttl"))
    assert wrong.returncode == 2 and "--dialect" in wrong.stderr
    text = script.read_text(encoding="utf-8")

    url, driver = _server_driver(server)
    store = Neo4jStore(url, driver=driver)
    store.clear()
    ran = run_script(driver, text, store.database)
    assert ran == text.count(";\n")
    g = demo_graph()
    back = store.graph()
    assert sorted(back.records(), key=lambda r: (r.label, r.id)) == sorted(
        g.records(), key=lambda r: (r.label, r.id)
    )
    assert _edges(store) == _expected(store)
    if dialect == "neo4j":  # native dates on the server, ISO text in the records
        got = store._run("MATCH (d:Duty) WHERE d.valid_from IS NOT NULL RETURN d.valid_from AS v")
        assert got and all(not isinstance(r["v"], str) for r in got)
    # the answers read in the database equal those of the same records in memory
    r = store.reader()
    for item in g.items:
        for code in g.regions:
            for fn in (who_leads, who_assists):
                assert fn(r, item, code, "2025-06-01") == fn(back, item, code, "2025-06-01")
    for scan in (find_gaps, find_conflicts):
        assert scan(r, None, "2025-06-01") == scan(back, None, "2025-06-01")
    assert find_gaps(back, None, "2025-06-01")
    # run twice: nothing changes but the write sequence
    stamp = store.stamp()
    run_script(driver, text, store.database)
    assert store.graph().counts() == back.counts() and _edges(store) == _expected(store)
    assert store.stamp()[1] == stamp[1] + 1
