"""``dutygraph export --format neo4j-admin DIR``: files ``neo4j-admin database import full`` reads.

There is no Neo4j here, so the test holds every file to the importer's header
syntax (``id:ID(Duty)``, ``:START_ID(Department)``, ``:END_ID(Duty)``, typed
columns such as ``valid_from:date``, ``:LABEL``, ``:TYPE``), checks that every
relationship's ends exist in the id space it names, and then loads the same
rows into the Bolt test server the normal way (``UNWIND`` batches, the header
telling each column's type) and asks the Neo4j store the questions: the answers
and the relationships must be those of the graph exported.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dutygraph import who_assists, who_leads
from dutygraph.analysis.gaps import find_gaps
from dutygraph.fixtures import DEMO_PATH, demo_graph

from .conftest import _server_driver

pytest.importorskip("neo4j", reason="the Neo4j store needs the neo4j extra")
from dutygraph.io.neo4j_admin import ARRAY_DELIMITER, write_neo4j_admin
from dutygraph.store.neo4j import Neo4jStore

from .test_neo4j_writes import _edges, _expected

#: a header cell of neo4j-admin import: name:type, or an id/label/type column
_CELL = re.compile(
    r"^(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)?:(?P<id>ID|START_ID|END_ID)\((?P<space>[A-Za-z]+)\)"
    r"|:(?P<special>LABEL|TYPE)"
    r"|(?P<prop>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<type>int|long|float|double|boolean|byte|short|"
    r"char|string|date|localtime|time|localdatetime|datetime|duration|point)(?P<array>\[\])?)?)$"
)


def _read(path: Path) -> tuple[list[re.Match[str]], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    cells = []
    for cell in rows[0]:
        m = _CELL.match(cell)
        assert m is not None, f"{path.name}: header cell {cell!r} is not neo4j-admin syntax"
        cells.append(m)
    for row in rows[1:]:
        assert len(row) == len(cells), f"{path.name}: a row of {len(row)} fields"
    return cells, rows[1:]


def _value(m: re.Match[str], text: str) -> Any:
    """A field as the importer reads it, dates left ISO (the Bolt test server has no dates)."""
    if text == "":
        return None
    kind = m["type"] or "string"
    parts = text.split(ARRAY_DELIMITER) if m["array"] else [text]
    out: list[Any] = []
    for part in parts:
        if kind == "date":
            assert dt.date.fromisoformat(part).isoformat() == part
            out.append(part)
        elif kind == "boolean":
            assert part in ("true", "false")
            out.append(part == "true")
        elif kind == "int":
            out.append(int(part))
        else:
            assert kind == "string"
            out.append(part)
    return out if m["array"] else out[0]


def _check(folder: Path) -> tuple[dict[str, list[dict[str, Any]]], list[tuple[str, list[Any]]]]:
    """Every file held to the syntax; the nodes by label and the relationships, as read."""
    nodes: dict[str, list[dict[str, Any]]] = {}
    spaces: dict[str, set[str]] = {}
    for path in sorted((folder / "nodes").glob("*.csv")):
        cells, rows = _read(path)
        ids = [m for m in cells if m["id"]]
        assert [m["id"] for m in ids] == ["ID"] and ids[0]["name"] == "id", path.name
        assert sum(1 for m in cells if m["special"] == "LABEL") == 1
        space = ids[0]["space"]
        for row in rows:
            props = {}
            for m, text in zip(cells, row, strict=True):
                if m["id"]:
                    props["id"] = text
                elif m["special"] == "LABEL":
                    assert text == space == path.stem  # one label, its own id space
                else:
                    props[m["prop"]] = _value(m, text)
            nodes.setdefault(space, []).append(props)
        spaces[space] = {p["id"] for p in nodes.get(space, [])}
    rels = []
    for path in sorted((folder / "relationships").glob("*.csv")):
        cells, rows = _read(path)
        assert [m["id"] for m in cells if m["id"]] == ["START_ID", "END_ID"], path.name
        start, end = (m["space"] for m in cells if m["id"])
        for row in rows:
            got = dict(zip((m["id"] or m["special"] or m["prop"] for m in cells), row, strict=True))
            assert got["START_ID"] in spaces[start] and got["END_ID"] in spaces[end], row
            props = {m["prop"]: _value(m, got[m["prop"]]) for m in cells if m["prop"]}
            rels.append((got["TYPE"], [start, got["START_ID"], end, got["END_ID"], props]))
    script = (folder / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin" in script and "database" in script and "full" in script
    for path in [*folder.glob("nodes/*.csv"), *folder.glob("relationships/*.csv")]:
        assert str(path.relative_to(folder)) in script
    assert "FOR (n:Duty) ON (n.item, n.region)" in (folder / "indexes.cypher").read_text()
    return nodes, rels


def test_every_file_is_neo4j_admin_syntax(tmp_path: Path) -> None:
    g = demo_graph()
    n = write_neo4j_admin(g, tmp_path / "out")
    nodes, rels = _check(tmp_path / "out")
    assert n == sum(g.counts().values())
    assert {k: len(v) for k, v in nodes.items() if k != "StoreMeta"} == {
        "Region": 9, "RegionGroup": 1, "LegalBasis": 18, "Department": 49, "Item": 15,
        "Duty": 31, "Behavior": 10, "BusinessForm": 3,
    }  # fmt: skip
    assert {t for t, _ in rels} == {
        "HOLDS", "ON", "IN", "RESTS_ON", "OF", "SUCCEEDED_BY", "PARENT"
    }  # fmt: skip
    header = (tmp_path / "out/nodes/Duty.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id:ID(Duty),") and "valid_from:date" in header
    assert "bases:string[]" in header


def test_a_used_folder_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out/keep.txt").write_text("mine")
    store = tmp_path / "demo.db"
    env = {**os.environ, "DUTYGRAPH_STORE": str(store)}

    def dg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dutygraph", *args], capture_output=True, text=True, env=env
        )

    assert dg("load", str(DEMO_PATH)).returncode == 0
    used = dg("export", "--format", "neo4j-admin", str(tmp_path / "out"))
    assert used.returncode == 2 and "new or empty folder" in used.stderr
    assert "Traceback" not in used.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]
    wrong = dg("export", "--format", "ttl", str(tmp_path / "new"))
    assert wrong.returncode == 2 and "-o FILE" in wrong.stderr
    done = dg("export", "--format", "neo4j-admin", str(tmp_path / "new"))
    assert done.returncode == 0, done.stderr
    _check(tmp_path / "new")


@pytest.mark.neo4j
def test_the_rows_loaded_into_a_bolt_server_answer_like_the_graph(tmp_path: Path) -> None:
    g = demo_graph()
    write_neo4j_admin(g, tmp_path / "out")
    nodes, rels = _check(tmp_path / "out")
    url, driver = _server_driver("bolt")
    store = Neo4jStore(url, driver=driver)
    store.clear()
    for label, rows in nodes.items():
        query = f"UNWIND $rows AS r CREATE (n:{label}) SET n = r"
        for batch in store._batches(rows, query):
            store._run(query, rows=batch)
    by_type: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for rel, (start, a, end, b, props) in rels:
        by_type.setdefault((rel, start, end), []).append({"a": a, "b": b, "p": props})
    for (rel, start, end), rows in by_type.items():
        query = (
            f"UNWIND $rows AS r MATCH (a:{start} {{id: r.a}}) MATCH (b:{end} {{id: r.b}}) "
            f"CREATE (a)-[e:{rel}]->(b) SET e = r.p"
        )
        for batch in store._batches(rows, query):
            store._run(query, rows=batch)
    back = store.graph()
    assert sorted(back.records(), key=lambda r: (r.label, r.id)) == sorted(
        g.records(), key=lambda r: (r.label, r.id)
    )
    assert _edges(store) == _expected(store)
    # the answers, read in the database, against the same records in memory (both in id
    # order: the demo's file order lists a site's duties otherwise)
    r = store.reader()
    for item in g.items:
        for code in g.regions:
            for fn in (who_leads, who_assists):
                assert fn(r, item, code, "2025-06-01") == fn(back, item, code, "2025-06-01")
    for code in g.regions:
        assert find_gaps(r, code, "2025-06-01") == find_gaps(back, code, "2025-06-01")
    assert store.stamp()[1] == 1
