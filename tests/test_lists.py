"""Published lists as governments lay them out, loaded through the importer and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutygraph.analysis.resolve import resolve
from dutygraph.errors import LoadError, ValidationFailed
from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.io.citations import basis_id
from dutygraph.io.lists import read_published_list
from dutygraph.io.mapping import LOADERS_PATH, builtin_mappings, load_mapping

from .conftest import ROOT
from .published_lists import (
    division_csv,
    joint_list_xlsx,
    power_list_csv,
    power_list_xlsx,
    write_csv,
)


@pytest.fixture
def jj(embedded_store):
    """An embedded store with the demo data (锦江区 is 510104)."""
    load(embedded_store, [DEMO_PATH])
    return embedded_store


def _duties(g, source_prefix):
    return sorted(
        (d for d in g.duty_list() if (d.source or "").startswith(source_prefix)),
        key=lambda d: (d.origin.row, d.item, d.role, d.department),
    )


def _item(g, name, parent=None):
    hits = [i for i in g.items.values() if i.name == name and i.parent == parent]
    assert len(hits) == 1, (name, hits)
    return hits[0]


@pytest.mark.parametrize("builder", [power_list_xlsx, power_list_csv])
def test_power_list_rows_become_items_duties_and_bases(jj, tmp_path, builder):
    path = builder(tmp_path / ("power" + (".xlsx" if builder is power_list_xlsx else ".csv")))
    report = load(jj, [path])
    g = jj.graph()
    # the owner comes from the merged title row; the effective date from the 备注 row
    main = _item(g, "对食品生产经营的监督检查")
    sale = _item(g, "食品销售监督检查", main.id)
    cater = _item(g, "餐饮服务监督检查", main.id)
    assert (main.power_type, sale.power_type, cater.power_type) == ("行政检查",) * 3  # carried down
    assert sale.levels == ("county",)
    punish = _item(g, "对未取得食品经营许可从事食品经营活动的处罚")
    assert punish.power_type == "行政处罚" and punish.parent is None
    assert _item(g, "企业名称使用的监督检查").levels == ("prefecture", "county")
    assert _item(g, "企业名称使用的监督检查").power_type == "行政检查"  # 监督检查 is an old label
    duties = _duties(g, "power_list:JJ-SCJ#")
    rows = [(d.origin.row, d.department, g.items[d.item].name, d.role) for d in duties]
    assert rows[:4] == [
        (4, "JJ-SCJ", "对食品生产经营的监督检查", "lead"),  # the main item: its sub-items' lead
        (4, "JJ-SCJ", "食品销售监督检查", "lead"),
        (5, "JJ-SCJ", "餐饮服务监督检查", "lead"),  # 实施主体 merged over the sub-items
        (
            7,
            "JJ-SCJ",
            "对未取得食品经营许可从事食品经营活动的处罚",
            "lead",
        ),  # 成都市锦江区… matched
    ]
    assert rows[4][:1] == (8,) and rows[4][1] == "JJ-SCJ"  # no body: the owner
    assert rows[5][0] == 9 and rows[5][1].startswith("D-510104-")  # 锦江区人防办, created
    assert all(d.valid_from == "2024-03-01" and d.region == "510104" for d in duties)
    assert all(d.origin.version == "2024-03-01" for d in duties)
    # legal bases: one node per provision cited, resolved to the law corpus's article
    fsl = basis_id("食品安全法")
    b110 = g.bases[f"{fsl}:110"]
    assert b110.title == "中华人民共和国食品安全法" and b110.kind == "law"
    assert b110.article == "第一百一十条" and b110.law_version.startswith(fsl + "@")
    assert g.bases[basis_id("食品经营许可管理办法") + ":41"].kind == "department-rule"
    cater_duty = next(d for d in duties if d.item == cater.id)
    assert [b for b in cater_duty.bases if b.startswith(fsl)] == [f"{fsl}:110", f"{fsl}:114"]
    assert cater_duty.attrs["office"] == "餐饮服务食品安全监督管理科"
    punish_duty = next(d for d in duties if d.item == punish.id)
    assert punish_duty.bases[0] == f"{fsl}:122.1"
    defence = next(d for d in duties if d.origin.row == 9)
    assert defence.bases[0] == f"{basis_id('人民防空法')}:25.2.3"
    assert g.bases[defence.bases[0]].article == "第二十五条第二款第（三）项"
    # the power list itself is a basis of every duty it makes
    assert all(any(g.bases[b].kind == "power-list" for b in d.bases) for d in duties)
    # warnings, row by row
    warned = sorted((p.row, p.code) for p in report.warnings)
    # 人民防空法 第二十五条第二款 has no items: a located warning, the basis kept
    assert warned == [(8, "owner-taken"), (9, "law-no-article"), (9, "new-department")]
    (no_item,) = [p for p in report.warnings if p.code == "law-no-article"]
    assert no_item.column == "bases" and "第二十五条" in no_item.message
    assert g.departments[defence.department].systems == ("civil-air-defence",)
    assert g.departments[defence.department].name == "锦江区人防办"
    assert report.rows_read == 5
    # and who leads answers from the list
    answer = resolve(g, sale.id, "510104", "lead", "2024-06-01")
    assert [a.department.id for a in answer.answers] == ["JJ-SCJ"]


def test_the_same_file_twice_changes_nothing(jj, tmp_path):
    path = power_list_xlsx(tmp_path / "power.xlsx")
    load(jj, [path])
    again = load(jj, [path])
    assert again.added == {} and again.changed == {}
    assert again.lists[0]["added"] == [] and again.lists[0]["unchanged"] == 6
    # the CSV export of the same list is the same version too
    csv_again = load(jj, [power_list_csv(tmp_path / "power.csv")])
    assert csv_again.added == {} and csv_again.changed == {}


def test_joint_inspection_list_gives_lead_and_assist_duties(jj, tmp_path):
    path = joint_list_xlsx(tmp_path / "joint.xlsx")
    with pytest.raises(ValidationFailed) as exc:
        load(jj, [path])
    errors = [
        (p.sheet, p.row, p.column, p.code) for p in exc.value.problems if p.severity == "error"
    ]
    assert errors == [("联合抽查", 6, "name", "missing-item-name")]
    assert "joint.xlsx, sheet 联合抽查, row 6" in str(exc.value)
    assert jj.graph().counts()["duty"] == 31  # nothing was imported

    report = load(jj, [path], skip_invalid=True)
    g = jj.graph()
    school = _item(g, "学校食堂食品安全情况的检查")
    assert school.key_item and school.objects == ("学校食堂",) and school.domain == "食品安全"
    assert school.levels == ("county",)
    got = {(d.role, d.department) for d in g.duties_at(school.id, "510104")}
    education = next(d for r, d in got if r == "assist" and d.startswith("D-510104-"))
    assert got == {("lead", "JJ-SCJ"), ("assist", "JJ-WJJ"), ("assist", education)}
    assert g.departments[education].name == "锦江区教育部门"
    culture = _item(g, "经营性互联网文化单位经营情况的检查")
    roles = sorted(
        (d.role, g.departments[d.department].name) for d in g.duties_at(culture.id, "510104")
    )
    # 文化和旅游部门 in 锦江区 is its body of that line: 文化体育和旅游局
    assert roles == [
        ("assist", "锦江区公安部门"),
        ("assist", "锦江区税务部门"),
        ("lead", "锦江区文化体育和旅游局"),
    ]
    assert report.skipped_rows == 1
    codes = sorted({p.code for p in report.warnings})
    assert codes == ["new-department", "no-basis"]
    # a skipped row does not make the list look shorter than it is: nothing was closed
    assert report.lists[0]["removed"] == []


def test_ambiguous_department_is_an_error_listing_candidates(embedded_store, tmp_path):
    load(embedded_store, [DEMO_PATH])
    path = write_csv(
        tmp_path / "key.csv",
        [["序号", "监管事项", "牵头部门", "配合部门"], ["1", "某事项", "商务局", "市场监管局"]],
    )
    with pytest.raises(ValidationFailed) as exc:
        load(embedded_store, [path])
    errs = sorted((p for p in exc.value.problems if p.severity == "error"), key=lambda p: p.column)
    assert [(p.row, p.column, p.code) for p in errs] == [
        (2, "assist", "ambiguous-department"),
        (2, "lead", "ambiguous-department"),
    ]
    assert "SC-SWT" in errs[1].message and "CD-SWJ" in errs[1].message
    assert "matches 9" in errs[0].message  # every government's 市场监督管理局
    # --region says whose: then they are 武侯区's
    report = load(embedded_store, [path], region="510107")
    g = embedded_store.graph()
    item = _item(g, "某事项")
    assert {(d.role, d.department) for d in g.duties_at(item.id, "510107")} == {
        ("lead", "WH-SWJ"),
        ("assist", "WH-SCJ"),
    }
    assert report.lists[0]["list"] == "key_items:510107"


def test_unknown_department_without_region_is_an_error(embedded_store, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["事项名称", "实施主体"], ["某事项", "某某局"]])
    with pytest.raises(ValidationFailed) as exc:
        load(embedded_store, [path])
    assert [(p.row, p.code) for p in exc.value.problems] == [(2, "unknown-department")]


def test_department_option_is_the_owner(jj, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [["事项名称", "实施主体", "实施依据"], ["对某行为的处罚", "", "《某某条例》第三条"]],
    )
    report = load(jj, [path], department="WH-SCJ", effective="2024-05-01")
    (duty,) = [d for d in jj.graph().duty_list() if d.source and d.source.startswith("power_list")]
    assert (duty.department, duty.region, duty.valid_from) == ("WH-SCJ", "510107", "2024-05-01")
    assert [p.code for p in report.warnings] == ["owner-taken", "law-unknown"]  # 某某条例
    assert jj.graph().bases[basis_id("某某条例") + ":3"].kind == "administrative-regulation"


def test_unparsed_basis_is_kept_as_text_with_a_warning(jj, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [["事项名称", "实施主体", "实施依据"], ["某事项", "锦江区商务局", "国办发〔2023〕1号"]],
    )
    report = load(jj, [path])
    (duty,) = [d for d in jj.graph().duty_list() if d.item.startswith("L-")]
    assert duty.attrs["basis_text"] == "国办发〔2023〕1号"
    assert "unparsed-basis" in {p.code for p in report.warnings}


def test_division_codes_build_the_region_tree(embedded_store, tmp_path):
    report = load(embedded_store, [division_csv(tmp_path / "codes.csv")])
    g = embedded_store.graph()
    got = {c: (r.name, r.level, r.parent) for c, r in g.regions.items()}
    assert got == {
        "000000": ("全国", "national", None),
        "110000": ("北京市", "province", "000000"),
        "110101": ("东城区", "county", "110000"),  # 市辖区 is not a region: nearest ancestor
        "420000": ("湖北省", "province", "000000"),
        "420100": ("武汉市", "prefecture", "420000"),
        "420102": ("江岸区", "county", "420100"),
        "429004": ("仙桃市", "county", "420000"),  # 4290 does not exist
        "420102001000": ("大智街道", "township", "420102"),  # full-width digits folded
    }
    assert [(p.row, p.code) for p in report.warnings] == [(10, "village-skipped")]
    assert report.lists == []  # a division table has no versions


def test_format_is_detected_and_can_be_forced(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["代码", "名称"], ["110000", "北京市"]])
    with pytest.raises(LoadError, match="pass --format"):
        read_published_list(write_csv(tmp_path / "y.csv", [["甲", "乙"], ["1", "2"]]))
    assert read_published_list(path).rows[0].record.label == "region"
    with pytest.raises(LoadError, match="key_items"):
        read_published_list(path, format="key_items")


def test_repeated_headers_blank_rows_and_trailing_notes_are_not_rows(jj, tmp_path):
    header = ["序号", "事项名称", "实施主体"]
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["锦江区卫生健康局权力清单"],
            [],
            header,
            ["1", "对甲的检查", "锦江区卫生健康局"],
            [],
            header,  # printed on every page
            ["2", "对乙的检查", ""],
            ["注：1.本清单自2025年1月1日起执行", "", ""],
            ["2.解释权归本局", "", ""],
        ],
    )
    report = load(jj, [path])
    assert report.rows_read == 2
    duties = [d for d in jj.graph().duty_list() if (d.source or "").startswith("power_list:JJ-WJJ")]
    assert sorted(d.origin.row for d in duties) == [4, 7]
    assert {d.valid_from for d in duties} == {"2025-01-01"}


def test_shipped_mappings_are_valid_and_the_loaders_folder_points_at_them():
    assert {m.name for m in builtin_mappings()} == {"power_list", "key_items", "division_codes"}
    for m in builtin_mappings():
        assert m.detect and all(f in m.fields for f in m.detect)
    readme = (ROOT / "loaders" / "README.md").read_text("utf-8")
    for p in LOADERS_PATH.glob("*.toml"):
        assert p.name in readme
        assert load_mapping(p).path == str(p)


def test_a_new_format_is_a_new_mapping_file(jj, tmp_path):
    mapping = tmp_path / "three_det.toml"
    mapping.write_text(
        'name = "three_det"\nkind = "duties"\ndetect = ["name", "lead"]\n'
        '[fields]\nname = ["职责"]\nlead = ["内设机构所属部门"]\nbases = ["条款"]\n',
        "utf-8",
    )
    path = write_csv(
        tmp_path / "t.csv", [["职责", "内设机构所属部门"], ["某职责", "锦江区应急管理局"]]
    )
    load(jj, [path], mapping=str(mapping))
    (duty,) = [d for d in jj.graph().duty_list() if (d.source or "").startswith("three_det:")]
    assert duty.department == "JJ-YJJ"


def test_cli_load_reports_and_json(cli, tmp_path):
    cli("load", str(DEMO_PATH))
    path = power_list_xlsx(tmp_path / "power.xlsx")
    dry = cli("load", str(path), "--dry-run", "--json")
    assert dry["dry_run"] and dry["lists"][0]["version"] == "2024-03-01"
    assert len(dry["lists"][0]["added"]) == 6
    assert dry["problems_by_kind"] == {
        "warning:owner-taken": 1,
        "warning:new-department": 1,
        "warning:law-no-article": 1,
    }
    text = cli("load", str(path), "--dry-run").stdout
    assert "清单行：读取 5，跳过 0，错误 0，警告 3" in text
    assert "清单 power_list:JJ-SCJ 版本 2024-03-01：新增 6，删除 0" in text
    assert "owner-taken 1" in text and "类别 kind" in text
    text = cli("load", str(path), "--lang", "en").stdout
    assert "list rows read 5, skipped 0, errors 0, warnings 3" in text
    assert "list power_list:JJ-SCJ version 2024-03-01: 6 added, 0 removed" in text
    assert "owner-taken 1" in text
    item = "对未取得食品经营许可从事食品经营活动的处罚"
    lead = cli("lead", item, "510104", "--as-of", "2024-06-01", "--json")
    assert [a["department"]["id"] for a in lead["answers"]] == ["JJ-SCJ"]
    bad = cli("load", str(joint_list_xlsx(tmp_path / "j.xlsx")), check=False)
    assert bad.returncode == 2 and "sheet 联合抽查, row 6, column name" in bad.stderr
    assert "Traceback" not in bad.stderr
    wrong = cli("load", str(path), "--format", "nope", check=False)
    assert wrong.returncode == 2 and "unknown list format 'nope'" in wrong.stderr
    again = cli("load", str(path), "--json")
    assert again["added"] == {} and again["lists"][0]["unchanged"] == 6
    before = cli("lead", item, "510104", "--as-of", "2024-02-01", "--json")
    assert before["answers"] == [] or all(a["inherited"] for a in before["answers"])


def test_loaders_folder_exists():
    assert Path(ROOT / "loaders").is_dir()
