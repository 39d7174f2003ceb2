"""The everyday-word thesaurus: its rows are sound, and assignment reads with it."""

from __future__ import annotations

import csv

import pytest

from dutygraph.analysis import match, near, thesaurus
from dutygraph.analysis.assign import assign_business_form
from dutygraph.fixtures import catalogue_graph

AS_OF = "2025-06-01"


@pytest.fixture(scope="module")
def ix() -> match.Indexes:
    return match.indexes(catalogue_graph(), AS_OF)


def test_rows_are_sound() -> None:
    with open(thesaurus.PATH, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 300
    pairs = [(r["word"].lower(), r["term"].lower()) for r in rows]
    assert len(pairs) == len(set(pairs)), "a row repeats"
    assert all(w != t for w, t in pairs), "a word mapped to itself"
    assert {r["kind"] for r in rows} <= set(thesaurus.KINDS)
    assert all(r["basis"].startswith("《") for r in rows), "every row cites the act using its term"
    fields = {r["field"] for r in rows}
    assert len(fields) >= 25, "written field by field, not for a few cases"


def test_every_term_is_one_the_indexes_hold(ix: match.Indexes) -> None:
    missing = sorted(
        {
            e.term
            for es in thesaurus.load().values()
            for e in es
            if e.term not in ix.items.postings
            and e.term not in ix.law.postings
            and not ix.statutes._acts_with(e.term)
        }
    )
    assert missing == [], f"terms neither the catalogue nor the corpus holds: {missing}"


def test_bad_row_is_refused_with_its_row(tmp_path) -> None:
    p = tmp_path / "t.csv"
    p.write_text(
        "word,term,kind,field,basis\n面膜,化妆品,narrower,化妆品,《x》\n宝宝,,synonym,托育,《y》\n"
    )
    with pytest.raises(ValueError, match="第 3 行"):
        thesaurus.load(str(p))


def test_everyday_word_reaches_the_statutory_term(ix: match.Indexes) -> None:
    words = match.query_words(ix, "朋友圈卖面膜", "在朋友圈卖补水面膜")
    expanded = {w.text: w.via for w in words if w.via}
    assert expanded.get("化妆品") == "面膜"
    # a channel word stands for nothing
    assert all(w.via != "朋友圈" for w in words)


def test_thesaurus_changes_the_answer_and_the_reason_shows_it() -> None:
    g = catalogue_graph()
    text = ("上门看娃", "白天替上班的父母照看一两岁的宝宝")
    with_t = assign_business_form(g, *text, as_of=AS_OF)
    top = with_t.candidates[0]
    assert top.department.id == "N-NHC"
    assert any("→婴幼儿" in r for r in top.reasons)
    old = match.THESAURUS_WEIGHT
    match.THESAURUS_WEIGHT = 0.0
    try:
        without = assign_business_form(g, *text, as_of=AS_OF)
    finally:
        match.THESAURUS_WEIGHT = old
    assert [c.department.id for c in without.candidates[:1]] != ["N-NHC"] or without.abstained


def test_the_corpus_near_terms_are_built_from_the_packaged_corpus() -> None:
    # stale (another corpus): rebuild with `python -m dutygraph.analysis.near`
    first = near.PATH.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# corpus sha256 {near.corpus_digest()}"
    table = near.load()
    assert len(table) > 5000
    assert "快件" in table["快递"]
    assert all(len(ts) <= near.K and t not in ts for t, ts in table.items())


def test_near_terms_extend_statutory_words_only_and_vote_under_the_texts_word(
    ix: match.Indexes,
) -> None:
    words = match.query_words(ix, "寄件小店", "帮人寄快递")
    by_text = {w.text: w for w in words}
    extra = [t for t in near.load()["快递"] if t in by_text]
    assert extra and all(by_text[t].via == "快递" for t in extra)
    assert all(by_text[t].weight <= match.NEAR_SHARE * by_text["快递"].weight for t in extra)
    old = match.NEAR_SHARE
    match.NEAR_SHARE = 0.0
    try:
        plain = {w.text for w in match.query_words(ix, "寄件小店", "帮人寄快递")}
    finally:
        match.NEAR_SHARE = old
    assert not set(extra) & plain
