"""A small published-list version and a small law import read only the rows they ask for
(the embedded store's lazy reader), never the whole graph, and write what the
whole-graph path writes; a process holding the graph keeps it across a list version."""

from __future__ import annotations

import csv
import shutil

import pytest

from dutygraph import load
from dutygraph.io.laws import SAMPLE_CORPUS
from dutygraph.store import EmbeddedStore

from .published_lists import power_list_xlsx
from .test_store_writes import Counting, assert_same_graph
from .test_versions import _v2_rows


def _report(r):
    return r.as_dict() | {"sources": None}


def _twin(path, name):
    dest = path.with_name(name)
    shutil.copyfile(path, dest)
    return dest


def test_a_list_version_reads_only_its_rows_and_writes_as_over_the_whole_graph(demo_db, tmp_path):
    """Version 1 of a power list, then version 2 (one duty changed, one removed, one added):
    on a store object holding nothing, neither import reads the whole graph (the names
    are matched through the reader, the list's open duties read by their source); each
    report and the final store equal those of a twin store whose imports ran over the
    whole graph it held."""
    v1 = power_list_xlsx(tmp_path / "v1.xlsx")
    v2 = power_list_xlsx(
        tmp_path / "v2.xlsx", _v2_rows(), note="备注：本清单自2025年1月1日起施行。"
    )
    twin = _twin(demo_db, "whole.db")
    lazy, whole = Counting(demo_db), Counting(twin)
    for version in (v1, v2):
        whole.graph()  # held and current: the import's plan and name matching read it
        expected = load(whole, [version])
        got = load(lazy, [version])
        assert _report(got) == _report(expected)
    assert lazy.loads == 0
    (diff,) = got.lists
    assert (len(diff["added"]), len(diff["removed"]), len(diff["changed"])) == (1, 1, 1)
    assert_same_graph(EmbeddedStore(demo_db).graph(), EmbeddedStore(twin).graph())
    again = Counting(demo_db)
    assert load(again, [v2]).changed == {} and again.loads == 0


def test_a_held_graph_takes_a_list_version_without_reading_the_store_again(demo_db, tmp_path):
    """A process holding the graph imports versions 1 and 2 (new items: the graph is read
    again), then version 3, which changes two duties' bases only: the held graph takes it
    (not read again) and is the graph a fresh process reads."""
    v1 = power_list_xlsx(tmp_path / "v1.xlsx")
    v2 = power_list_xlsx(
        tmp_path / "v2.xlsx", _v2_rows(), note="备注：本清单自2025年1月1日起施行。"
    )
    v3_rows = _v2_rows()
    v3_rows[0][4] = "《中华人民共和国食品安全法》第一百一十条"  # one law fewer (both sub-items)
    v3 = power_list_xlsx(tmp_path / "v3.xlsx", v3_rows, note="备注：本清单自2025年6月1日起施行。")
    store = Counting(demo_db)
    for version in (v1, v2):
        store.graph()
        load(store, [version])
    before = store.graph()
    loads = store.loads
    report = load(store, [v3])
    (diff,) = report.lists
    assert (len(diff["added"]), len(diff["removed"]), len(diff["changed"])) == (0, 0, 2)
    after = store.graph()
    assert store.loads == loads and after is not before
    assert_same_graph(after, EmbeddedStore(demo_db).graph())


def _one_act_corpus(folder, article_text):
    """A corpus folder of the sample's 噪声污染防治法 alone, 第二条 reworded."""
    folder.mkdir()
    (folder / "行政法").mkdir()
    name = "行政法/噪声污染防治法(2021-12-24).md"
    text = (SAMPLE_CORPUS / name).read_text(encoding="utf-8")
    old = "第二条 本法所称噪声，"
    assert old in text
    (folder / name).write_text(text.replace(old, f"第二条 {article_text}本法所称噪声，"), "utf-8")
    with open(SAMPLE_CORPUS / "index.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r[0] in ("path", name)]
    with open(folder / "index.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return folder


@pytest.fixture(scope="module")
def laws_db(tmp_path_factory):
    """A store holding the demo and the sample corpus over the packaged one (52,000 articles)."""
    from dutygraph.fixtures import DEMO_PATH

    path = tmp_path_factory.mktemp("laws") / "laws.db"
    store = EmbeddedStore(path)
    load(store, [DEMO_PATH])
    load(store, [SAMPLE_CORPUS])
    store.close()
    return path


def test_a_small_law_import_reads_only_its_act_and_writes_as_over_the_whole_graph(
    laws_db, tmp_path
):
    path = tmp_path / "lazy.db"
    shutil.copyfile(laws_db, path)
    twin = _twin(path, "whole.db")
    corpus = _one_act_corpus(tmp_path / "corpus", "（本条新增一句。）")
    lazy, whole = Counting(path), Counting(twin)
    whole.graph()
    expected = load(whole, [corpus])
    got = load(lazy, [corpus])
    assert lazy.loads == 0, "a one-act law import read the whole graph"
    assert got.changed == {"article": 1}, got.changed
    assert _report(got) == _report(expected)
    a, b = EmbeddedStore(path), EmbeddedStore(twin)
    assert_same_graph(a.graph(), b.graph())
    r = a.reader()
    law = r.law("噪声污染防治法")
    assert r.article(law.id, "第二条", "2025-01-01").paragraphs[0].startswith("（本条新增一句。）")
    assert [e["op"] for e in a.history()] == [e["op"] for e in b.history()]


def test_a_store_of_schema_2_gains_the_index_of_duties_by_source(demo_db):
    import sqlite3

    from dutygraph.store.sqlite import schema

    with sqlite3.connect(demo_db) as conn:  # as schema 2 wrote it: no index on source
        conn.execute("DROP INDEX duty_by_source")
        conn.execute("PRAGMA user_version=2")
    before = EmbeddedStore(demo_db).graph().counts()
    store = EmbeddedStore(demo_db)
    assert store.reader().open_duties_of_list("jj-power-list") != []
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        plan = " ".join(
            r[3]
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM duty WHERE source = 'jj-power-list'"
            )
        )
    assert "duty_by_source" in plan
    assert store.graph().counts() == before


def test_a_list_s_open_duties_are_the_same_from_the_tables_the_columns_and_records(
    demo_db, tmp_path
):
    from dutygraph.graph import DutyGraph

    load(EmbeddedStore(demo_db), [power_list_xlsx(tmp_path / "v1.xlsx")])
    v2 = power_list_xlsx(
        tmp_path / "v2.xlsx", _v2_rows(), note="备注：本清单自2025年1月1日起施行。"
    )
    load(EmbeddedStore(demo_db), [v2])
    store = EmbeddedStore(demo_db)
    graph = store.graph()
    built = DutyGraph(list(graph.records()))
    for lid in ("power_list:JJ-SCJ", "jj-power-list", "no-such-list"):
        got = store.reader().open_duties_of_list(lid)
        assert got == graph.open_duties_of_list(lid) == built.open_duties_of_list(lid)
        assert all(d.valid_to is None for d in got)
    mine = graph.open_duties_of_list("power_list:JJ-SCJ")
    assert (
        len(mine)
        == len(
            [
                d
                for d in graph.duty_list()
                if d.source and d.source.startswith("power_list:JJ-SCJ") and d.valid_to is None
            ]
        )
        > 0
    )


def test_region_prefixes_strip_as_the_plain_pass_over_every_name():
    """core_name's prefix index (a list's name matching at province: 1.25 s -> 0.17 s)
    strips what the plain rule strips: pass over the region names longest first, strip
    each that leads the text as it then is, until a pass strips none."""
    import random

    from dutygraph.fixtures import demo_graph
    from dutygraph.io.departments import RegionPrefixes

    def plain(text, region_names):
        names = sorted({*region_names, "国家"}, key=len, reverse=True)
        stripped = True
        while stripped:
            stripped = False
            for n in names:
                if n and text.startswith(n) and len(text) > len(n):
                    text = text[len(n) :]
                    stripped = True
        return text

    g = demo_graph()
    regions = sorted({r.name for r in g.regions.values()} | {"成都", "成都市锦江", "锦江"})
    prefixes = RegionPrefixes(regions)
    rng = random.Random(16)
    pieces = [*regions, "国家", "市场监督管理局", "局", "卫生健康委员会", "省", "区", ""]
    texts = [d.name for d in g.departments.values()]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) for _ in range(3000)]
    stripped = [prefixes.strip(t) for t in texts]
    assert stripped == [plain(t, regions) for t in texts]
    assert sum(s != t for s, t in zip(stripped, texts, strict=True)) > 1000  # it did strip
