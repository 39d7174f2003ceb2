"""The one-industry guide (一业一册): departments, items, power types and bases in force."""

from __future__ import annotations

from openpyxl import load_workbook

from dutygraph import demo_graph
from dutygraph.analysis.guide import build_guide, render_html, render_markdown, write_xlsx
from dutygraph.fixtures import catalogue_graph


def test_petrol_stations_meet_four_departments_each_with_its_item_and_basis():
    guide = build_guide(demo_graph(), "加油站", "锦江区", "2025-10-01")
    by_dept = {s.department.id: s.entries for s in guide.sections}
    assert set(by_dept) == {"JJ-JXJ", "JJ-SCJ", "JJ-YJJ", "JJ-ZJJ"}
    spec = next(e for e in by_dept["JJ-SCJ"] if e["item"] == "I-SPECEQ")
    assert spec["role"] == "lead" and spec["power_type"] == "行政检查"
    assert [(b["title"], b["article"]) for b in spec["bases"]] == [
        ("中华人民共和国特种设备安全法", "第五条")
    ]
    oil = next(e for e in by_dept["JJ-JXJ"] if e["item"] == "I-OIL")
    assert oil["role"] == "lead" and oil["key_item"]


def test_repealed_bases_are_left_out_and_said():
    # the district's food-sale duty rests on the repealed 食品卫生法 (the demo's planted case)
    guide = build_guide(demo_graph(), "食品", "510104", "2025-06-01")
    scj = next(s for s in guide.sections if s.department.id == "JJ-SCJ")
    titles = {b["title"] for e in scj.entries for b in e["bases"]}
    assert "中华人民共和国食品卫生法" not in titles
    assert any(
        f["kind"] == "BASIS_NOT_IN_FORCE" and "食品卫生法" in f["detail"] for f in guide.findings
    )
    # a domain name brings the whole domain: sale, catering, licence
    assert {"I-FOOD-SALE", "I-FOOD-CATER", "I-FOOD-LICENCE"} <= {i["id"] for i in guide.items}


def test_a_merged_body_appears_once_per_item_as_lead():
    guide = build_guide(demo_graph(), "剧本杀", "江油市", "2025-06-01")
    zhzf = next(s for s in guide.sections if s.department.id == "JY-ZHZF")
    assert [(e["item"], e["role"]) for e in zhzf.entries] == [("I-SCRIPT", "lead")]
    assert guide.sections[0].department.id == "JY-ZHZF"  # departments that lead come first


def test_markdown_is_grouped_by_department_for_a_business_owner():
    md = render_markdown(build_guide(demo_graph(), "加油站", "510104", "2025-10-01"))
    assert md.startswith("# 加油站 一业一册：锦江区（510104）")
    assert md.count("\n## ") >= 4
    # the basis with the article's text as the law corpus has it
    g = demo_graph()
    text = g.article(g.law("特种设备安全法").id, "第五条", "2025-10-01").text
    assert (
        "| 特种设备安全监督检查 | 行政检查 | 牵头（主管） | 《中华人民共和国特种设备安全法》第五条："
        + text[:30]
        in md
    )


def test_html_escapes_the_data():
    guide = build_guide(demo_graph(), "加油站", "510104", "2025-10-01")
    guide.industry = "<script>alert(1)</script>"
    guide.sections[0].entries[0]["name"] = "A & B <b>"
    page = render_html(guide)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "A &amp; B &lt;b&gt;" in page


def test_xlsx_holds_one_row_per_department_and_item(tmp_path):
    guide = build_guide(demo_graph(), "加油站", "510104", "2025-10-01")
    path = write_xlsx(guide, tmp_path / "guide.xlsx")
    ws = load_workbook(path)["一业一册"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[2] == ("部门", "监管事项", "职权类型", "角色", "法律依据")
    body = rows[3:]
    assert len(body) == sum(len(s.entries) for s in guide.sections)
    assert any(
        r[0].startswith("锦江区市场监督管理局")
        and "《中华人民共和国特种设备安全法》第五条：" in r[4]
        for r in body
    )


def test_the_catalogue_guide_for_ride_hailing():
    guide = build_guide(catalogue_graph(), "网约车", as_of="2025-06-01")
    mot = next(s for s in guide.sections if s.department.id == "N-MOT")
    ride = next(e for e in mot.entries if e["item"] == "I-RIDEHAIL")
    assert ride["role"] == "lead"
    assert any(b["article"] and "第四条" in b["article"] for b in ride["bases"])
    assert len(guide.sections) >= 3  # the assisting departments the 办法 names


def test_an_unknown_industry_gives_an_empty_guide_that_says_so():
    guide = build_guide(demo_graph(), "火箭发射", "510104", "2025-06-01")
    assert guide.sections == [] and guide.items == []
    assert "没有与该行业匹配" in render_markdown(guide)


def test_cli_catalogue_with_demo_then_guide(cli, tmp_path):
    reports = cli("catalogue", "--with-demo", "--json")
    assert [r["sources"][0].rsplit("/", 1)[-1] for r in reports] == ["demo", "catalogue"]
    out = cli("guide", "剧本杀", "--region", "510104", "--as-of", "2025-06-01", "--json")
    assert out["departments"][0]["department"]["id"] == "JJ-WTL"
    page = tmp_path / "g.html"
    cli("guide", "剧本杀", "--region", "510104", "--format", "html", "-o", str(page))
    assert "锦江区文化体育和旅游局" in page.read_text("utf-8")
    bad = cli("guide", "剧本杀", "--format", "xlsx", check=False)
    assert bad.returncode == 2 and "-o FILE" in bad.stderr
