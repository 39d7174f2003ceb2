"""Article text in the evidence users see (CLI tables, --json, the guide), and the citation
checks of a real power list: a cell citing an article the law lacks warns with file, sheet,
row, column and the nearest match, and is an error with ``load --strict``."""

from __future__ import annotations

from dutygraph.fixtures import DEMO_PATH
from dutygraph.io.laws import packaged_corpus
from dutygraph.lawbook import packaged_lawbook

from .published_lists import power_list_xlsx

#: a county power list: 锦江区市场监督管理局 inspects special equipment (特种设备安全法 第五十七条)
#: and cites, on row 5, an article 食品安全法 does not have (第一千零一条)
COUNTY_ROWS = [
    [  # row 4
        "1",
        "对特种设备使用单位的监督检查",
        "",
        "行政检查",
        "《中华人民共和国特种设备安全法》第五十七条",
        "锦江区市场监管局",
        "特种设备安全监察科",
        "县级",
        "",
        "",
    ],
    [  # row 5
        "2",
        "对食品小作坊的监督检查",
        "",
        "行政检查",
        "《中华人民共和国食品安全法》第一千零一条",
        "锦江区市场监管局",
        "",
        "县级",
        "",
        "",
    ],
]


def _article_text(title: str, name: str) -> str:
    book = packaged_lawbook()
    law = book.law(title)
    assert law is not None
    article = book.article(book.versions_of(law.id)[-1].id, name)
    assert article is not None
    return article.text


def test_demo_then_lead_json_shows_the_article_text(cli):
    out = cli("demo").stdout
    assert "依据 (bases):" in out and "《中华人民共和国食品安全法》第六条：" in out
    lead = cli("lead", "I-FOOD", "510104", "--as-of", "2025-06-01", "--json")
    bases = {b["id"]: b for e in lead["answers"][0]["evidence"] for b in e["bases"]}
    b = bases["B-FSL-6"]
    assert b["law"]["title"] == "中华人民共和国食品安全法"
    assert b["version"]["valid_from"] == "2021-04-29"
    (p,) = b["provisions"]
    assert p["article"]["name"] == "第六条"
    whole = _article_text("食品安全法", "第六条")
    assert p["truncated"] and whole.startswith(p["text"].rstrip("…"))
    assert len(p["text"]) == 121 and p["length"] == len(whole)  # 120 characters and …
    # a basis that is not a law keeps its fields and gains none
    assert "provisions" not in bases["B-SC-LIST"]


def test_a_county_power_list_citing_article_57_shows_its_text(cli, tmp_path):
    cli("load", str(DEMO_PATH))
    path = power_list_xlsx(
        tmp_path / "county.xlsx", COUNTY_ROWS, title="锦江区市场监督管理局权责清单"
    )
    report = cli("load", str(path), "--json")
    (warning,) = [p for p in report["problems"] if p["code"] == "law-no-article"]
    assert warning["file"].endswith("county.xlsx")
    assert (warning["sheet"], warning["row"], warning["column"]) == ("权责清单", 5, "bases")
    # the nearest match: the version's last article
    last = packaged_corpus().acts[packaged_lawbook().law("食品安全法").id].versions[-1]
    assert last.articles[-1].label in warning["message"]
    assert "可能不完整" not in warning["message"]  # its last article is the commencement
    item = "对特种设备使用单位的监督检查"
    lead = cli("lead", item, "510104", "--as-of", "2025-06-01", "--json")
    texts = [
        p["text"]
        for e in lead["answers"][0]["evidence"]
        for b in e["bases"]
        for p in b.get("provisions", [])
        if p["article"] and p["article"]["name"] == "第五十七条"
    ]
    whole = _article_text("特种设备安全法", "第五十七条")
    assert texts and whole.startswith(texts[0].rstrip("…"))
    table = cli("lead", item, "510104", "--as-of", "2025-06-01").stdout
    assert "《中华人民共和国特种设备安全法》第五十七条：" + whole[:20] in table


def test_strict_load_refuses_the_article_the_law_lacks(cli, tmp_path):
    cli("load", str(DEMO_PATH))
    path = power_list_xlsx(
        tmp_path / "county.xlsx", COUNTY_ROWS, title="锦江区市场监督管理局权责清单"
    )
    bad = cli("load", str(path), "--strict", check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "sheet 权责清单, row 5, column bases" in bad.stderr
    assert "第一千零一条" in bad.stderr
    after = cli("lead", "对特种设备使用单位的监督检查", "510104", check=False)
    assert after.returncode != 0  # nothing was imported: the item is unknown
    ok = cli("load", str(path), "--json")  # without --strict: imported, with the warning
    assert ok["added"]["duty"] == 2


def test_an_article_past_the_end_of_a_text_cut_short_says_the_corpus_may_be_incomplete(
    cli, tmp_path
):
    # the corpus's 长江保护法 ends at 第七十九条 (chapter 7): its 法律责任 and 附则 are missing,
    # so 第八十三条 is the corpus's gap, and the warning says so instead of blaming the cell
    last = packaged_corpus().acts[packaged_lawbook().law("长江保护法").id].versions[-1]
    assert last.articles[-1].label == "第七十九条"
    cli("load", str(DEMO_PATH))
    row = list(COUNTY_ROWS[0])
    row[1], row[4] = "对长江流域非法采砂的行政处罚", "《中华人民共和国长江保护法》第八十三条"
    path = power_list_xlsx(tmp_path / "river.xlsx", [row], title="锦江区市场监督管理局权责清单")
    report = cli("load", str(path), "--json")
    (warning,) = [p for p in report["problems"] if p["code"] == "law-no-article"]
    assert (warning["row"], warning["column"]) == (4, "bases")
    assert "最后一条是第七十九条" in warning["message"] and "可能不完整" in warning["message"]
