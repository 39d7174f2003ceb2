"""Legal-basis citations as published lists write them (dutygraph.io.citations)."""

from __future__ import annotations

import pytest

from dutygraph.io.citations import (
    Citation,
    basis_id,
    chinese_number,
    parse_citations,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("一百一十", 110), ("一百二十二", 122),
     ("一千零一", 1001), ("两百", 200), ("２５", 25), ("25", 25)],
)  # fmt: skip
def test_chinese_numerals(text, value):
    assert chinese_number(text) == value


def test_article_paragraph_item():
    assert parse_citations("《人民防空法》第二十五条第二款第（三）项") == [
        Citation("人民防空法", 25, 2, 3)
    ]


def test_several_laws_separated_by_newlines_semicolons_and_numbering():
    cell = (
        "1.《中华人民共和国食品安全法》第一百二十二条第一款；\n"
        "2.《食品经营许可管理办法》第五十二条、第五十三条\n（三）《政府投资条例》第二十七条"
    )
    assert [str(c) for c in parse_citations(cell)] == [
        "中华人民共和国食品安全法 第122条第1款",
        "食品经营许可管理办法 第52条",
        "食品经营许可管理办法 第53条",
        "政府投资条例 第27条",
    ]


def test_article_lists_and_ranges_share_one_article_word():
    got = parse_citations("《企业投资项目核准和备案管理条例》第十六、十八、十九、二十条")
    assert [c.article for c in got] == [16, 18, 19, 20]
    assert [c.article for c in parse_citations("《某某法》第三条至第五条")] == [3, 4, 5]


def test_paragraph_attaches_to_the_article_before_it():
    got = parse_citations("《厦门经济特区商事登记条例》第五条第一款、第三十二条")
    assert [(c.article, c.paragraph) for c in got] == [(5, 1), (32, None)]


def test_full_width_forms_are_folded():
    assert parse_citations("《食品安全法》第３５条") == [Citation("食品安全法", 35)]


def test_a_law_without_articles_and_a_cell_without_laws():
    assert parse_citations("《人民防空法》") == [Citation("人民防空法")]
    assert parse_citations("无") == []
    assert parse_citations("") == []


def test_one_id_per_law_whatever_the_prefix_and_brackets():
    assert (
        basis_id("中华人民共和国食品安全法")
        == basis_id("《食品安全法》")
        == basis_id("食品安全法 ")
    )
    assert basis_id("食品安全法") != basis_id("药品管理法")


def test_one_basis_per_provision_under_the_law_id():
    cites = parse_citations("《人民防空法》第二十五条第二款第（三）项；《人民防空法》第二十三条")
    law = basis_id("人民防空法")
    assert [c.basis for c in cites] == [f"{law}:25.2.3", f"{law}:23"]
    assert [c.label for c in cites] == ["第二十五条第二款第（三）项", "第二十三条"]
    assert parse_citations("《人民防空法》")[0].basis == law


def test_article_suffixes():
    (c,) = parse_citations("《中华人民共和国刑法》第十七条之一第二款")
    assert (c.article, c.suffix, c.paragraph, c.key) == (17, 1, 2, "17-1.2")
