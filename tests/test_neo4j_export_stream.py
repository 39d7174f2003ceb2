"""The bulk exports stream from a Bolt store: pages by key, never ``graph()``.

``dutygraph export --format cypher`` (both dialects) and ``--format neo4j-admin``
on a Bolt store read through the store's reader (``Neo4jReader.rows``: ``n.id >
$after ... LIMIT $page``, one kind at a time) and must write exactly the bytes
the same writers write from the store's snapshot (``store.graph()``), with and
without ``--region``/``--item``; the store's random epoch (a fresh uuid each
export) is the only difference allowed. A write committed while an export reads
makes it fail with nothing left behind.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from dutygraph import load
from dutygraph.errors import StoreUnavailable
from dutygraph.fixtures import DEMO_PATH
from dutygraph.io.cypher import write_cypher
from dutygraph.io.neo4j_admin import write_neo4j_admin

from .conftest import _server_store

pytest.importorskip("neo4j", reason="the Neo4j store needs the neo4j extra")
from dutygraph.store.neo4j import LABELS, Neo4jStore
from dutygraph.store.neo4j_reader import Neo4jReader

pytestmark = pytest.mark.neo4j

_EPOCH = re.compile(r"""(['"])[0-9a-f]{32}\1""")
SUBSETS: list[dict[str, str]] = [{}, {"region": "510000"}, {"region": "四川省"}, {"item": "I-ECIG"}]


def _flags(kw: dict[str, str]) -> list[str]:
    return [x for k, v in kw.items() for x in (f"--{k}", v)]


def _folder(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): _EPOCH.sub("E", p.read_text(encoding="utf-8"))
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def demo_store() -> Neo4jStore:
    store = _server_store("bolt")
    load(store, [DEMO_PATH])
    store._cache = None  # type: ignore[attr-defined]  # the writer's cache keeps file order
    return store  # type: ignore[return-value]


def test_the_cli_exports_stream_and_write_the_snapshots_bytes(
    demo_store: Neo4jStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dutygraph.cli.main import main

    g = demo_store.graph()
    want: dict[str, Any] = {}
    for kw in SUBSETS:
        for dialect in ("neo4j", "falkordb"):
            buf = io.StringIO()
            write_cypher(g, buf, dialect=dialect, **kw)
            want[f"cypher-{dialect}-{kw}"] = _EPOCH.sub("E", buf.getvalue())
        write_neo4j_admin(g, tmp_path / f"want-{len(want)}", **kw)
        want[f"admin-{kw}"] = _folder(tmp_path / f"want-{len(want)}")

    def refuse(self: Neo4jStore) -> None:
        raise AssertionError("graph() was called while exporting")

    monkeypatch.setattr(Neo4jStore, "graph", refuse)
    monkeypatch.setenv("DUTYGRAPH_STORE", demo_store.url)
    got: dict[str, Any] = {}
    for i, kw in enumerate(SUBSETS):
        for dialect in ("neo4j", "falkordb"):
            out = tmp_path / f"{i}-{dialect}.cypher"
            argv = ["export", "--format", "cypher", "--dialect", dialect, "-o", str(out)]
            assert main(argv + _flags(kw)) == 0
            got[f"cypher-{dialect}-{kw}"] = _EPOCH.sub("E", out.read_text(encoding="utf-8"))
        folder = tmp_path / f"got-{i}"
        assert main(["export", "--format", "neo4j-admin", str(folder), *_flags(kw)]) == 0
        got[f"admin-{kw}"] = _folder(folder)
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == want[key], key
    assert (
        len(want["admin-{}"]["nodes/Duty.csv"].splitlines())
        > len(want["admin-{'item': 'I-ECIG'}"]["nodes/Duty.csv"].splitlines())
        > 1
    )  # the subsets are subsets, and not empty


def test_rows_reads_page_by_page_as_the_writer_asks(demo_store: Neo4jStore) -> None:
    """Small pages: the same script, many round trips, and the first record yielded after
    one query (nothing materialises the table first); the first line's count is asked of
    the server, so each record is fetched once."""
    want = io.StringIO()
    write_cypher(demo_store.graph(), want)
    r = Neo4jReader(demo_store)
    r.page = 7
    first = next(iter(r.rows("duty")))
    assert r.queries == 1 and first.label == "duty"
    r = Neo4jReader(demo_store)
    r.page = 7
    got = io.StringIO()
    n = write_cypher(r, got)
    assert _EPOCH.sub("E", got.getvalue()) == _EPOCH.sub("E", want.getvalue())
    duties = len(demo_store.graph().duties)
    assert r.queries >= duties // 7  # 7 records a page
    assert r.records == n + len(LABELS)  # each record read once, plus one count per kind


def test_a_count_over_regions_is_counted_on_the_server(demo_store: Neo4jStore) -> None:
    """``count("duty", regions=...)`` (the cypher export's first line with ``--region``)
    equals the snapshot's count, one count query a batch of regions: no duty is read."""
    from dutygraph.io.source import source

    g = demo_store.graph()
    snap = source(g)
    for code, item in (("510100", None), ("510104", None), ("000000", "I-ECIG")):
        keep = set(g.subtree(code))
        r = Neo4jReader(demo_store)
        got = r.count("duty", item=item, regions=keep)
        assert got == snap.count("duty", item=item, regions=keep) and got > 0, code
        assert r.queries == 1 and r.records == 1  # one batch of regions, one count returned
    r = Neo4jReader(demo_store)
    assert r.count("duty", regions=set()) == 0 and r.queries == 0


class _WritesMeanwhile(Neo4jReader):
    """A reader during whose duty pages another writer commits a real write."""

    def rows(self, label: str, **kw: Any) -> Any:
        for i, rec in enumerate(super().rows(label, **kw)):
            if label == "duty" and i == 1:
                from dutygraph.model import Region
                from dutygraph.store import ChangeSet

                self.store.write(
                    lambda g: ChangeSet([Region("990000", "测试区", "province")], {"op": "test"})
                )
            yield rec


def test_a_write_during_the_export_fails_it_and_leaves_nothing(
    demo_store: Neo4jStore, tmp_path: Path
) -> None:
    with pytest.raises(StoreUnavailable, match="导出期间图谱被写入"):
        write_cypher(_WritesMeanwhile(demo_store), io.StringIO())
    with pytest.raises(StoreUnavailable, match="run the export again"):
        write_neo4j_admin(_WritesMeanwhile(demo_store), tmp_path / "admin")
    assert not (tmp_path / "admin").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary folder left either


RDF_FORMATS = ("nt", "ttl", "jsonld", "eli")


def test_the_rdf_and_eli_exports_stream_and_write_the_snapshots_bytes(
    demo_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``export --format nt|ttl|jsonld|eli`` on Bolt read the duties page by page (never
    held, never graph()) and write what the same writers write from the snapshot."""
    from dutygraph.cli.main import main
    from dutygraph.io.export import export

    g = demo_store.graph()
    as_of = "2025-06-01"
    want: dict[str, str] = {}
    for kw in SUBSETS:
        for fmt in RDF_FORMATS:
            buf = io.StringIO()
            export(g, fmt, buf, as_of=as_of, **kw)
            want[f"{fmt}-{kw}"] = buf.getvalue()

    def refuse(self: Neo4jStore) -> None:
        raise AssertionError("graph() was called while exporting")

    monkeypatch.setattr(Neo4jStore, "graph", refuse)
    monkeypatch.setenv("DUTYGRAPH_STORE", demo_store.url)
    got: dict[str, str] = {}
    for i, kw in enumerate(SUBSETS):
        for fmt in RDF_FORMATS:
            out = tmp_path / f"{i}.{fmt}"
            argv = ["export", "--format", fmt, "--as-of", as_of, "-o", str(out)]
            assert main(argv + _flags(kw)) == 0
            got[f"{fmt}-{kw}"] = out.read_text(encoding="utf-8")
    for key in want:
        assert got[key] == want[key], key
    assert (
        len(want["nt-{}"])
        > len(want["nt-{'region': '510000'}"])
        > len(want["nt-{'item': 'I-ECIG'}"])
        > 0
    )  # the subsets are subsets, and not empty
    # the duties were read page by page and not kept: the reader holds none after an export
    r = Neo4jReader(demo_store)
    r.page = 7
    buf = io.StringIO()
    export(r, "nt", buf, as_of=as_of)
    assert buf.getvalue() == want["nt-{}"]
    assert not r._tables["duty"]._cache  # type: ignore[attr-defined]
    with pytest.raises(StoreUnavailable, match="导出期间图谱被写入"):
        export(_WritesMeanwhile(demo_store), "ttl", io.StringIO(), as_of=as_of)


def test_validate_the_store_reads_it_page_by_page_and_reports_as_the_snapshot(
    demo_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``validate --json`` (no file: the store) on Bolt, graph() refused: the report the
    snapshot gives, for dutygraph's shapes and the official CPSV-AP ones."""
    import json

    from dutygraph.cli.main import main
    from dutygraph.shacl import validate_graph

    g = demo_store.graph()
    want = {s: validate_graph(g, s, "store").as_dict() for s in (None, "cpsv-ap")}
    monkeypatch.setattr(Neo4jStore, "graph", _refuse_graph)
    monkeypatch.setenv("DUTYGRAPH_STORE", demo_store.url)
    for shapes, expected in want.items():
        capsys.readouterr()
        code = main(["validate", "--json", *(["--shapes", shapes] if shapes else [])])
        got = json.loads(capsys.readouterr().out)
        assert got == json.loads(json.dumps(expected)), shapes
        assert code == (0 if expected["conforms"] else 1)
    assert want[None]["results"] or want["cpsv-ap"]["results"]  # something to compare


def _refuse_graph(self: Neo4jStore) -> None:
    raise AssertionError("graph() was called")
