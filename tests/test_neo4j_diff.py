"""``dutygraph diff`` on a Bolt store asks the server, not the snapshot.

The versions of every list (one ``DISTINCT`` query over the duties' sources) and
the duties of the one list compared (``source STARTS WITH 'LIST#'``, paged by
key) are read through the store's reader; with ``Neo4jStore.graph`` made to
fail, the JSON and text of ``diff``, ``diff --json`` and ``diff LIST`` equal the
embedded store's on the same two versions of a published list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dutygraph import load
from dutygraph.fixtures import DEMO_PATH

from .conftest import _server_store
from .published_lists import power_list_xlsx
from .test_versions import LIST, _v2_rows

pytest.importorskip("neo4j", reason="the Neo4j store needs the neo4j extra")
from dutygraph.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j


def test_diff_on_bolt_reads_the_list_by_key_and_answers_like_the_embedded_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dutygraph.cli.main import main
    from dutygraph.store import EmbeddedStore

    v1 = power_list_xlsx(tmp_path / "v1.xlsx")
    v2 = power_list_xlsx(
        tmp_path / "v2.xlsx", _v2_rows(), note="备注：本清单自2025年1月1日起施行。"
    )
    commands = [
        ["diff", "--json"],
        ["diff"],
        ["diff", LIST, "--json"],
        ["diff", LIST],
        ["diff", LIST, "--lang", "en"],
        ["diff", LIST, "2024-03-01", "2025-01-01", "--json"],
    ]

    def answers(url: str) -> list[object]:
        monkeypatch.setenv("DUTYGRAPH_STORE", url)
        out: list[object] = []
        for argv in commands:
            assert main(argv) == 0, argv
            text = capsys.readouterr().out
            out.append(json.loads(text) if "--json" in argv else text)
        return out

    embedded = EmbeddedStore(tmp_path / "e.db")
    bolt = _server_store("bolt")
    for store in (embedded, bolt):
        load(store, [DEMO_PATH])
        load(store, [v1])
        load(store, [v2])
    want = answers(str(tmp_path / "e.db"))
    assert want[2]["old"] == "2024-03-01" and len(want[2]["added"]) == 1  # a real diff

    def refuse(self: Neo4jStore) -> None:
        raise AssertionError("graph() was called")

    monkeypatch.setattr(Neo4jStore, "graph", refuse)
    assert answers(bolt.url) == want  # type: ignore[attr-defined]
    r = bolt.reader()
    listed = r.list_duties(LIST)  # type: ignore[attr-defined]
    assert listed and all(d.source.startswith(LIST + "#") for d in listed)
    assert len(listed) < r.count("duty")  # type: ignore[attr-defined]  # only the list's
