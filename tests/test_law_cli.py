"""``dutygraph law``: an article or the contents as in force on a date, the duties resting on a
law, and the hook other modules register ``dutygraph law NAME`` with."""

from __future__ import annotations

import argparse

from dutygraph import demo_graph
from dutygraph.cli import law as law_cli
from dutygraph.cli.main import main
from dutygraph.lawbook import packaged_lawbook


def _versions(title):
    book = packaged_lawbook()
    return book, book.versions_of(book.law(title).id)


def test_an_article_prints_as_the_corpus_has_it(cli):
    book, versions = _versions("食品安全法")
    article = book.article(versions[-1].id, "110")
    out = cli("law", "食品安全法", "第一百一十条").stdout
    assert out.startswith("《中华人民共和国食品安全法》第一百一十条")
    assert article.text in out and "现行有效" in out
    data = cli("law", "《中华人民共和国食品安全法》", "110", "--json")
    assert data["article"]["paragraphs"] == list(article.paragraphs)
    assert data["version"]["id"] == versions[-1].id and data["in_force"]


def test_as_of_reads_the_version_in_force_then(cli):
    book, versions = _versions("农产品质量安全法")
    old, new = versions[-2:]
    assert old.valid_to == new.valid_from
    day_before = cli("law", "农产品质量安全法", "第二条", "--as-of", "2022-12-31", "--json")
    on_the_day = cli("law", "农产品质量安全法", "第二条", "--as-of", new.valid_from, "--json")
    assert day_before["version"]["id"] == old.id and on_the_day["version"]["id"] == new.id
    assert day_before["article"]["text"] == book.article(old.id, "2").text
    assert on_the_day["article"]["text"] == book.article(new.id, "2").text
    assert day_before["article"]["text"] != on_the_day["article"]["text"]


def test_without_an_article_the_versions_and_contents(cli):
    book, versions = _versions("食品安全法")
    articles = book.articles_of(versions[-1].id)
    data = cli("law", "食品安全法", "--json")
    assert sum(c["articles"] for c in data["contents"]) == len(articles)
    assert data["contents"][0]["first"] == "第一条"
    assert data["contents"][-1]["last"] == articles[-1].name
    text = cli("law", "食品安全法").stdout
    assert f"共 {len(articles)} 条" in text and "第八章 监督管理" in text
    assert data["whole"] and "可能不完整" not in text  # it ends with 本法自…起施行


def test_a_text_cut_short_in_the_corpus_says_so(cli):
    # the corpus's 长江保护法 stops at 第七十九条: chapters 8 (法律责任) and 9 (附则) are missing
    assert not cli("law", "长江保护法", "--json")["whole"]
    assert "最后一条（第七十九条）不是施行条款" in cli("law", "长江保护法").stdout


def test_an_article_the_law_lacks_is_a_usage_error_naming_the_last(cli):
    book, versions = _versions("食品安全法")
    bad = cli("law", "食品安全法", "第九百条", check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert book.articles_of(versions[-1].id)[-1].name in bad.stderr
    unknown = cli("law", "食品安金法", check=False)
    assert unknown.returncode == 2 and "中华人民共和国食品安全法" in unknown.stderr  # nearest
    assert cli("law", check=False).returncode == 2


def test_uses_lists_the_duties_resting_on_a_law_or_an_article(cli):
    cli("demo")
    g = demo_graph()
    law = g.law("食品安全法")
    expected = sorted(
        (b.id, d.department, d.item, d.region, d.role)
        for b in g.bases.values()
        if b.law == law.id and b.article == "第六条"
        for d in g.duties_resting_on(b.id)
    )
    assert expected  # the demo rests duties on 第六条
    data = cli("law", "uses", "食品安全法", "第六条", "--as-of", "2025-06-01", "--json")
    got = sorted(
        (x["basis"], x["department"], x["item"], x["region"], x["role"]) for x in data["duties"]
    )
    assert got == expected
    whole = cli("law", "uses", "食品安全法", "--as-of", "2025-06-01", "--json")
    assert len(whole["duties"]) > len(data["duties"])
    table = cli("law", "uses", "食品安全法", "第六条", "--as-of", "2025-06-01").stdout
    assert f"为依据的职责 {len(expected)} 项" in table and "(N-SAMR)" in table


def test_a_module_registers_a_law_subcommand(capsys, monkeypatch):
    monkeypatch.setattr(law_cli, "SUBCOMMANDS", dict(law_cli.SUBCOMMANDS))

    @law_cli.subcommand("echo", "print the words")
    def _build(p: argparse.ArgumentParser) -> None:
        p.add_argument("word")
        p.set_defaults(func=lambda a: print(f"echo {a.word}") or 0)

    assert main(["law", "echo", "第一条"]) == 0
    assert capsys.readouterr().out == "echo 第一条\n"
