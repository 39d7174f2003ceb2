"""``dutygraph whatif``: the store stays byte-identical without ``--apply``; JSON, XLSX, --apply.

The real command in a subprocess, on a real store file, writing a real workbook.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from openpyxl import load_workbook

from dutygraph.analysis.resolve import who_leads
from dutygraph.cli.whatif import apply_to_store
from dutygraph.errors import ConflictingUpdate
from dutygraph.fixtures import DEMO_PATH, FINANCE_2022_PATH, SCENARIOS_PATH
from dutygraph.importer import load
from dutygraph.io.scenario import read_scenario

JINJIANG = str(SCENARIOS_PATH / "jinjiang-enforcement-2026.toml")
FINANCE = str(SCENARIOS_PATH / "finance-reform-2023.toml")
GAS = str(SCENARIOS_PATH / "gas-regulation-repeal-2026.csv")


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name.startswith("cli.db")
    }


def test_whatif_leaves_the_store_file_byte_identical(cli, tmp_path):
    cli("load", str(DEMO_PATH))
    store = Path(cli.store_path)
    before = _digest(store.parent)
    assert "cli.db" in before
    out = cli("whatif", JINJIANG, "--json")
    assert out["counts"]["leads"] == 8
    proc = cli("whatif", GAS, "-o", str(tmp_path / "gas.xlsx"))
    assert "存储未改动" in proc.stdout and "NO_LEGAL_BASIS" in proc.stdout
    assert _digest(store.parent) == before
    assert (
        cli("lead", "I-GAS", "510104", "--as-of", "2026-07-01", "--json")["answers"][0][
            "department"
        ]["id"]
        == "JJ-ZJJ"
    )


def test_table_output_names_departments_with_ids(cli):
    cli("load", str(DEMO_PATH))
    proc = cli("whatif", JINJIANG)
    assert "锦江区综合行政执法局 (JJ-ZHZF)" in proc.stdout
    assert "汇总-地区" in proc.stdout and "锦江区 (510104)" in proc.stdout
    assert "8 项牵头变化" in proc.stdout


def test_xlsx_has_one_sheet_per_kind(cli, tmp_path):
    cli("load", str(FINANCE_2022_PATH))
    target = tmp_path / "finance.xlsx"
    cli("whatif", FINANCE, "-o", str(target))
    wb = load_workbook(target)
    assert wb.sheetnames == [
        "情景",
        "汇总-地区",
        "汇总-部门",
        "牵头与配合",
        "缺口",
        "冲突",
        "重复检查",
        "争议",
        "待修订清单",
    ]
    rows = list(wb["牵头与配合"].iter_rows(values_only=True))
    assert rows[0][:5] == ("事项", "地区", "角色", "改革前", "改革后")
    assert rows[1][:5] == (
        "银行业保险业机构监督检查 (I-BANKINS)",
        "全国 (000000)",
        "牵头",
        "中国银行保险监督管理委员会 (N-CBIRC)",
        "国家金融监督管理总局 (N-NFRA)",
    )
    assert len(rows) == 1 + 18
    lists = list(wb["待修订清单"].iter_rows(values_only=True))
    assert [r[3] for r in lists[1:]] == [2, 3, 4]  # the source rows


def test_region_and_as_of_options(cli):
    cli("load", str(DEMO_PATH))
    out = cli("whatif", JINJIANG, "--region", "武侯区", "--json")
    assert out["region"] == "510107" and out["leads"] == []
    out = cli("whatif", JINJIANG, "--as-of", "2025-12-31", "--json")
    assert out["as_of"] == "2025-12-31" and not any(out["counts"].values())


def test_bad_scenarios_exit_2_with_located_lines(cli, tmp_path):
    cli("load", str(DEMO_PATH))
    bad = tmp_path / "bad.csv"
    bad.write_text("date,action,department,target\n2026-01-01,合并,JJ-ZJJ,JJ-ZJJ\n", "utf-8")
    before = _digest(Path(cli.store_path).parent)
    proc = cli("whatif", str(bad), check=False)
    assert proc.returncode == 2
    assert f"{bad}, row 2, column target" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli("whatif", str(bad), "--apply", check=False)
    assert proc.returncode == 2
    assert _digest(Path(cli.store_path).parent) == before
    proc = cli("whatif", str(tmp_path / "nope.toml"), check=False)
    assert proc.returncode == 2 and "情景文件不存在" in proc.stderr
    proc = cli("whatif", JINJIANG, "-o", str(tmp_path / "x.txt"), check=False)
    assert proc.returncode == 2 and ".xlsx" in proc.stderr


def test_apply_refuses_line_changes_on_existing_departments(cli):
    cli("load", str(DEMO_PATH))
    before = _digest(Path(cli.store_path).parent)
    proc = cli("whatif", JINJIANG, "--apply", check=False)
    assert proc.returncode == 2
    assert "条线不分版本" in proc.stderr and "JJ-WTL" in proc.stderr
    assert _digest(Path(cli.store_path).parent) == before


def test_apply_writes_the_scenario_as_a_new_version(store):
    load(store, [FINANCE_2022_PATH])
    report = apply_to_store(store, read_scenario(FINANCE))
    assert report["written"] == {"department": 6, "duty": 2}
    g = store.graph()
    # the answers change on the reform's dates, not before
    assert who_leads(g, "I-BANKINS", "510781", "2023-07-19").departments() == ["MY-CBIRC"]
    assert who_leads(g, "I-BANKINS", "510781", "2023-07-20").departments() == ["MY-NFRA"]
    assert who_leads(g, "I-FINCONSUMER", "000000", "2023-05-17").departments() == ["N-PBC"]
    assert who_leads(g, "I-FINCONSUMER", "000000", "2023-05-18").departments() == ["N-NFRA"]
    last = store.history()[-1]
    assert last["op"] == "whatif-apply" and last["written"] == report["written"]


def test_apply_of_a_repeal_closes_the_basis(store):
    load(store, [DEMO_PATH])
    apply_to_store(store, read_scenario(GAS))
    g = store.graph()
    assert g.bases["B-GAS-5"].valid_to == "2026-07-01"
    assert g.bases["B-FSL-6"].valid_to is None


def test_apply_refusal_is_a_conflicting_update(store):
    load(store, [DEMO_PATH])
    try:
        apply_to_store(store, read_scenario(JINJIANG))
    except ConflictingUpdate as exc:
        assert "JJ-ZJJ" in str(exc)
    else:
        raise AssertionError("line changes on existing departments were written")
    assert store.graph().departments["JJ-ZJJ"].systems == ("housing",)
