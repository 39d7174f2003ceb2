"""A law corpus imported into a Bolt store is merged by key inside the write (acts,
versions and articles a few hundred a query, the bases on the acts it changes by one query
on ``law_version``), never the whole graph, and writes what the whole-graph path writes."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("neo4j", reason="the Neo4j store needs the neo4j extra")

from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.io.laws import SAMPLE_CORPUS
from dutygraph.store import EmbeddedStore
from dutygraph.store.neo4j import Neo4jStore

from .conftest import _server_store

pytestmark = pytest.mark.neo4j


#: the sample corpus alone (the packaged one holds versions over FalkorDB's 4 KB message),
#: planned as a big import whatever its size
OPTIONS: dict[str, Any] = {"packaged": False, "small_import": 0}


def _summary(report: Any) -> Any:
    return report.added, report.changed, report.unchanged, [str(p) for p in report.problems]


def _refuse(*args: Any) -> None:
    raise AssertionError("the whole graph was read")


def test_a_corpus_import_into_bolt_merges_by_key_as_the_whole_graph_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """The demo bundle, then the sample corpus twice, over the import threshold: by key (whole-graph reads refused) the reports and the records are
    those of the old path (the whole graph read inside the write) and the reports the
    embedded store's; the stored bases on the corpus's acts are resolved again; the second
    corpus import (merged with the stored acts: ``articles.group``) changes nothing."""

    def run(by_key: bool) -> tuple[list[Any], list[Any]]:
        bolt = _server_store("bolt")
        load(bolt, [DEMO_PATH])
        reports = []
        with monkeypatch.context() as m:
            if by_key:
                m.setattr(Neo4jStore, "graph", _refuse)
                m.setattr(Neo4jStore, "_read_records", _refuse)
            else:
                m.setattr(Neo4jStore, "row_reader", False)
                m.setattr(Neo4jStore, "reads_by_key", False)
            for _ in range(2):
                bolt._cache = None  # type: ignore[attr-defined]
                reports.append(_summary(load(bolt, [SAMPLE_CORPUS], **OPTIONS)))
        bolt._cache = None  # type: ignore[attr-defined]
        return reports, sorted((r.label, r.id, r) for r in bolt.graph().records())

    got, want = run(True), run(False)
    assert got[0] == want[0]
    assert got[1] == want[1]
    first, again = got[0]
    assert first[0]["article"] > 400 and first[0]["law_version"] == 5
    assert not again[0] and not again[1]  # nothing new the second time
    emb = EmbeddedStore(tmp_path / "e.db")
    load(emb, [DEMO_PATH])
    assert [_summary(load(emb, [SAMPLE_CORPUS], **OPTIONS)) for _ in range(2)] == got[0]
    bolt = _server_store("bolt")
    load(bolt, [DEMO_PATH])
    citing = bolt.reader().bases_citing(["LB-ed2cc7255a", "LB-none"])  # type: ignore[attr-defined]
    assert [b.id for b in citing] == ["B-FSL-35", "B-FSL-6"]  # what the corpus re-resolves
