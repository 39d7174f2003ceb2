"""The in-force rule follows the law's real history (SPEC §6): a duty whose only basis was
replaced by a new version of the law rests on the new version's article with the same words
(and the evidence says so); where the new version has no such article it is a NO_LEGAL_BASIS
gap from the new version's date. Read against the packaged corpus's 农产品质量安全法 (2018
text, replaced on 2023-01-01)."""

from __future__ import annotations

import pytest

from dutygraph.analysis.gaps import find_gaps
from dutygraph.analysis.resolve import who_leads
from dutygraph.importer import load
from dutygraph.lawbook import packaged_lawbook
from dutygraph.serialize import resolution_dict

from .conftest import ROOT

BUNDLE = ROOT / "tests" / "data" / "law-versions"


@pytest.fixture
def aq(embedded_store):
    report = load(embedded_store, [BUNDLE])
    notes = [p for p in report.problems if p.code == "law-earliest-text"]
    assert [p for p in report.problems if p.code.startswith("law-") and p not in notes] == []
    # the bases start in 2006, before the corpus's earliest text (2018): read against it, noted
    assert notes and all("按最早收录文本（2018-10-26）引用" in p.message for p in notes)
    assert {p.severity for p in notes} == {"note"}
    return embedded_store


def _versions():
    book = packaged_lawbook()
    old, new = book.versions_of(book.law("农产品质量安全法").id)[-2:]
    return book, old, new


def test_the_bases_were_read_against_the_text_in_force_on_the_duties_start(aq):
    _, old, new = _versions()
    g = aq.graph()
    assert g.bases["B-AQ-30"].law_version == old.id
    assert g.bases["B-AQ-55"].law_version == old.id
    assert g.bases["B-AQ-55"].law_to == new.valid_from  # the article is gone from the new text
    assert g.bases["B-AQ-30"].law_to is None  # carried on by the new text


def test_a_replaced_basis_rests_on_the_new_version_s_same_article(aq):
    book, old, new = _versions()
    moved = book.article(new.id, "43")
    assert moved.text == book.article(old.id, "30").text  # the same words, renumbered
    r = aq.reader()
    for day, version, article in (
        ("2022-06-01", old.id, "第三十条"),
        ("2024-06-01", new.id, "第四十三条"),
    ):
        res = who_leads(r, "I-GMO-LABEL", "510000", day)
        assert [a.department.id for a in res.answers] == ["SC-NYT"]
        (basis,) = resolution_dict(r, res)["answers"][0]["evidence"][0]["bases"]
        assert basis["in_force"] and basis["version"]["id"] == version
        (p,) = basis["provisions"]
        assert p["article"]["name"] == article and p["in_force"]
    # said in the evidence: which version and article it rests on now, and that it is the same
    assert "第三十条" in basis["note"] and "第四十三条" in basis["note"]
    assert p["text"] == moved.text[:120] + "…" or p["text"] == moved.text


def test_a_basis_whose_article_is_gone_is_a_gap_from_the_new_version(aq):
    _, _, new = _versions()
    g = aq.graph()

    def no_basis(day):
        return {(x.item, x.region) for x in find_gaps(g, as_of=day) if x.kind == "NO_LEGAL_BASIS"}

    assert no_basis("2022-12-31") == set()
    assert no_basis(new.valid_from) == {("I-PIG-SLAUGHTER", "510000")}
    res = who_leads(aq.reader(), "I-PIG-SLAUGHTER", "510000", "2024-06-01")
    (basis,) = resolution_dict(aq.reader(), res)["answers"][0]["evidence"][0]["bases"]
    assert not basis["in_force"]
    assert "已无此条" in basis["note"] and "第五十五条" in basis["note"]
