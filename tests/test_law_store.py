"""The law corpus in the embedded store (SPEC §6): acts, versions and articles as SQLite
tables read on demand, over the packaged corpus; loading the same corpus again changes
nothing; a store written before the law tables existed opens and gains them."""

from __future__ import annotations

import sqlite3

import pytest

from dutygraph import load
from dutygraph.fixtures import DEMO_PATH
from dutygraph.io.laws import SAMPLE_CORPUS, packaged_corpus
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import schema


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    """A store with the sample corpus loaded (over the packaged one, as a user's first load)."""
    path = tmp_path_factory.mktemp("laws") / "laws.db"
    store = EmbeddedStore(path)
    report = load(store, [SAMPLE_CORPUS])
    return store, report


def test_a_corpus_loads_into_tables_that_browse_as_text(corpus_store):
    store, report = corpus_store
    national = packaged_corpus()
    assert report.added["law"] == len(national.acts)
    assert report.added["article"] == sum(len(v.articles) for v in national.versions())
    with sqlite3.connect(store.path) as conn:
        name, paragraphs = conn.execute(
            "SELECT a.name, a.paragraphs FROM article a JOIN law l ON a.law = l.id"
            " WHERE l.title = '中华人民共和国食品安全法' AND a.key = '110'"
        ).fetchone()
    assert name == "第一百一十条"
    assert "食品安全监督管理部门" in paragraphs


def test_the_reader_reads_one_act_s_articles_when_asked(corpus_store):
    store, _ = corpus_store
    r = store.reader()
    law = r.law("《中华人民共和国食品安全法》")
    a = r.article(law.id, "第一百一十条", "2025-06-01")
    assert a is not None and a.paragraphs[0].startswith("县级以上人民政府食品安全监督管理部门")
    articles = r.table("article")
    assert 0 < len(articles.cache) < 500  # this act's articles, not the corpus's 52,000
    assert {x.law for x in articles.cache.values()} == {law.id}
    # the whole graph answers the same, its articles unpacked an act at a time
    g = store.graph()
    assert g.article(law.id, "110", "2025-06-01") == a
    assert g.counts()["article"] == len(articles)


def test_the_sample_s_two_versions_are_chained(corpus_store):
    store, _ = corpus_store
    r = store.reader()
    versions = r.law_versions(r.law("农产品质量安全法").id)
    assert [(v.valid_from, v.valid_to) for v in versions][-2:] == [
        ("2018-10-26", versions[-1].valid_from),
        (versions[-1].valid_from, None),
    ]


def test_loading_the_same_corpus_again_changes_nothing(corpus_store):
    store, _ = corpus_store
    before = store.stamp()
    report = load(store, [SAMPLE_CORPUS])
    assert report.added == {} and report.changed == {}
    assert store.stamp() == before  # not even a log entry


def test_a_store_without_law_tables_opens_and_gains_them(tmp_path):
    path = tmp_path / "v1.db"
    load(EmbeddedStore(path), [DEMO_PATH])
    before = EmbeddedStore(path).graph().counts()
    with sqlite3.connect(path) as conn:  # as the first SQLite schema wrote it
        for t in ("law", "law_version", "article"):
            conn.execute(f"DROP TABLE {t}")
        for c in ("law_version", "law_from", "law_to"):
            conn.execute(f"ALTER TABLE basis DROP COLUMN {c}")
        conn.execute("PRAGMA user_version=1")
    store = EmbeddedStore(path)
    assert store.graph().counts() == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        cols = {r[1] for r in conn.execute("PRAGMA table_info(basis)")}
    assert {"law_version", "law_from", "law_to"} <= cols
    # the demo's bases are read against the packaged corpus, as before
    r = store.reader()
    assert r.article(r.law("食品安全法").id, "第一百一十条") is not None
