"""The reference catalogue checked against the law (issue #14 item 5): every duty that cites a
text of the corpus rests on an article naming its department's line; ``verified`` says which."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from dutygraph.fixtures import CATALOGUE_PATH
from dutygraph.io.laws.check import check_catalogue


def _duties(path: Path = CATALOGUE_PATH) -> list[dict[str, str]]:
    with (path / "duties.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_catalogue_has_no_failing_row():
    report = check_catalogue()
    assert report.failing == [], "\n".join(
        f"duties.csv row {r.row}: {r.detail}" for r in report.failing[:10]
    )
    s = report.summary()
    assert s["duties"] == len(_duties()) == s["grounded"] + s["generic"] + s["unchecked"]
    assert (
        s["grounded"] > len(_duties()) / 2
    )  # more than half of the duties rest on an article that names them


def test_verified_is_what_the_check_found():
    """No row says verified without the article that verified it, and every verified row is grounded."""
    report = check_catalogue()
    for row, duty in zip(report.rows, _duties(), strict=True):
        if row.verdict == "grounded":
            assert duty["verified"] == f"{row.basis} {row.article_label}", (
                f"duties.csv row {row.row}"
            )
        else:
            assert duty["verified"] == "no", f"duties.csv row {row.row}"


def test_a_wrong_article_fails_with_a_suggestion(tmp_path: Path):
    cat = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_PATH, cat)
    text = (cat / "bases.csv").read_text("utf-8")
    # 食品安全法 第五条 names the food-safety department; 第一百条 does not
    (cat / "bases.csv").write_text(
        text.replace(
            "L-FSL-5,中华人民共和国食品安全法,law,全国人民代表大会常务委员会,第五条",
            "L-FSL-5,中华人民共和国食品安全法,law,全国人民代表大会常务委员会,第一百条",
        ),
        "utf-8",
    )
    report = check_catalogue(cat)
    row = next(r for r in report.rows if r.department == "N-SAMR" and r.item == "I-FOOD-PROD")
    assert row.verdict == "failing"
    assert "第一百条未规定" in row.detail and row.suggestion is not None
    assert row.suggestion[1].startswith("《中华人民共和国食品安全法》第")


def test_a_department_before_it_existed_fails(tmp_path: Path):
    cat = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_PATH, cat)
    text = (cat / "duties.csv").read_text("utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("N-FIRE,I-FIRE,"))
    (cat / "duties.csv").write_text(
        text.replace(line, line.replace(",2023-01-06,", ",2019-04-23,")), "utf-8"
    )
    report = check_catalogue(cat)
    row = next(r for r in report.failing if r.department == "N-FIRE" and r.item == "I-FIRE")
    assert "才设立" in row.detail


def test_a_national_duty_on_a_province_s_document_fails(tmp_path: Path):
    """体育健身预收费 once rested nationally on a Jiangsu notice and a Shanghai rule: a
    national duty cannot rest on a province's or city's document, whatever its kind."""
    cat = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_PATH, cat)
    text = (cat / "duties.csv").read_text("utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("N-SAMR,I-PREPAID-GYM,000000,"))
    (cat / "duties.csv").write_text(
        text.replace(line, line.replace(",L-SPORTS-103,", ",P-JS-GYM;P-SH-GYM,")), "utf-8"
    )
    report = check_catalogue(cat)
    row = next(r for r in report.failing if r.department == "N-SAMR" and r.item == "I-PREPAID-GYM")
    assert "全国职责不能以地方文件为依据" in row.detail and "P-JS-GYM" in row.detail
    assert "P-SH-GYM" in row.detail  # 上海市体育局等六部门: a city's too
    assert [r.row for r in report.failing] == [row.row]  # nothing else in the catalogue


def test_cli_report(cli):
    out = cli("law", "catalogue-check").stdout
    assert "未通过 0" in out
    data = cli("law", "catalogue-check", "--all", "--json")
    assert data["summary"]["failing"] == 0
    food = next(r for r in data["rows"] if r["department"] == "N-SAMR" and r["item"] == "I-FOOD")
    assert food["verdict"] == "grounded" and food["article"] == "《中华人民共和国食品安全法》第五条"
    assert food["file"] == "duties.csv" and food["row"] >= 2


def test_one_name_of_an_enumeration_grounds_its_line():
    """Session 7: 医疗保障、卫生健康、中医药…等部门 names the health line; 国务院农业农村、自然资源…等部门
    the agriculture line (each name of the enumeration with the enumeration's ending), not only
    the longest name the window holds."""
    from dutygraph.io.laws import packaged_corpus
    from dutygraph.io.laws.check import ground
    from dutygraph.io.laws.competence import extract_by_rules as extract  # what ground() reads with

    corpus = packaged_corpus()
    fund = corpus.find("医疗保障基金使用监督管理条例").version_at("2025-06-01")
    art = fund.article("第二十二条")
    # since round 3 the extractor reads this article itself (rule 3 of docs/competence-rules.md:
    # 医疗保障、卫生健康…等部门…共同做好…监督管理工作), each name with the enumeration's ending
    assert ground(art, fund, {"health"}, ["国家卫生健康委员会"]) == "competence"
    assert "卫生健康部门" in {c.department for c in extract(fund) if c.article == "第二十二条"}
    wild = corpus.find("野生动物保护法").version_at("2025-06-01")
    assert ground(wild.article("第十条"), wild, {"agriculture"}, ["农业农村部"]) == "names the line"
    # 第七条 names the fishery department for aquatic wildlife: still a ground of that line, which is
    # why the hand check, not the check, moved 农业农村部's assist on terrestrial wildlife to 第十条
    report = check_catalogue()
    rows = {(r.department, r.item): r for r in report.rows}
    assert rows[("N-MARA", "I-WILDLIFE")].article_label.endswith("第十条")
    assert rows[("N-NHC", "I-MEDFUND")].verdict == "grounded"
