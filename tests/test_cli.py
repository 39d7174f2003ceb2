"""The command line: JSON shapes of SPEC §5, readable tables, one clean error line, fixed exit codes."""

from __future__ import annotations

from dutygraph.fixtures import DEMO_PATH

from .bundles import append_rows, copy_demo


def test_load_then_lead_as_json(cli):
    cli("load", str(DEMO_PATH))
    out = cli("lead", "I-FOOD", "510104", "--as-of", "2025-06-01", "--json")
    assert out["item"]["id"] == "I-FOOD" and out["region"]["code"] == "510104"
    assert out["as_of"] == "2025-06-01"
    (answer,) = out["answers"]
    assert (
        answer["department"]["id"] == "JJ-SCJ"
        and answer["department"]["name"] == "锦江区市场监督管理局"
    )
    assert answer["inherited"] is True and answer["evidence"]


def test_store_flag_after_the_command_arguments(cli, tmp_path):
    other = tmp_path / "other.db"
    cli("load", str(DEMO_PATH), "--store", str(other))
    assert not cli.store_path.exists()
    out = cli(
        "assist", "I-FOOD", "江油市", "--as-of", "2025-06-01", "--json", "--store", str(other)
    )
    assert [a["department"]["id"] for a in out["answers"]] == ["JY-WJJ"]


def test_scans_as_json(cli):
    cli("load", str(DEMO_PATH))
    gaps = cli("gaps", "--region", "510107", "--as-of", "2025-01-01", "--json")
    assert {(g["item"], g["region"], g["kind"]) for g in gaps} >= {
        ("I-GAS", "510107", "NO_COUNTERPART")
    }
    conflicts = cli("conflicts", "--as-of", "2025-01-01", "--json", "--kind", "MULTIPLE_LEADS")
    assert {(c["item"], c["region"]) for c in conflicts} == {
        ("I-MEDBEAUTY", "510000"),
        ("I-SELFBUILT", "510100"),
    }
    assert all(c["kind"] == "MULTIPLE_LEADS" and len(c["departments"]) == 2 for c in conflicts)
    inspections = cli("inspections", "--region", "510104", "--as-of", "2025-10-01", "--json")
    assert inspections[0]["object"] == "加油站"


def test_tables_for_people(cli):
    cli("load", str(DEMO_PATH))
    out = cli("lead", "剧本娱乐经营场所监管", "江油市", "--as-of", "2025-06-01").stdout
    assert "JY-ZHZF" in out and "江油市综合行政执法局" in out
    # Chinese first: the question, the headers and the path in words, ids beside the names
    assert "江油市 (510781) 的 剧本娱乐经营场所监管 (I-SCRIPT) 由谁牵头（截至 2025-06-01）" in out
    assert "部门 department" in out and "上级职责由本级对口部门承接" in out
    assert "地区路径：江油市 (510781) → 绵阳市 (510700)" in out
    en = cli("--lang", "en", "lead", "I-SCRIPT", "510781", "--as-of", "2025-06-01").stdout
    assert "path: 510781 → 510700" in en and "counterpart (inherited)" in en
    assert cli("lead", "I-SCRIPT", "510781", "--as-of", "2025-06-01", "--lang", "en").stdout == en
    out = cli("show", "JJ-JXJ", "--as-of", "2025-06-01").stdout
    assert "predecessors: ['JJ-SWJ']" in out


def test_show_any_node_as_json(cli):
    cli("load", str(DEMO_PATH))
    item = cli("show", "I-FOOD", "--json")
    assert item["kind"] == "item" and item["children"] == ["I-FOOD-CATER", "I-FOOD-SALE"]
    assert {d["department"] for d in item["duties"]} == {"N-SAMR", "N-NHC", "SC-SCJ"}
    region = cli("show", "锦江区", "--json")
    assert (
        region["path"] == ["510104", "510100", "510000", "000000"]
        and "JJ-WTL" in region["departments"]
    )


def test_errors_are_one_line_with_an_exit_code_and_no_traceback(cli, tmp_path):
    cli("load", str(DEMO_PATH))
    cases = [
        (("lead", "I-NOPE", "510104"), 2, "no item with id or name 'I-NOPE'"),
        (
            ("lead", "I-FOOD", "510104", "--as-of", "2025-13-01"),
            2,
            "--as-of '2025-13-01' is not a date",
        ),
        (("gaps", "--kind", "NOPE"), 2, "unknown kind 'NOPE'"),
        (
            ("lead", "I-FOOD", "510104", "--store", str(tmp_path / "no" / "x.db")),
            3,
            "does not exist",
        ),
        (("load", str(tmp_path / "missing")), 2, "no such file or folder"),
    ]
    for args, code, text in cases:
        proc = cli(*args, check=False)
        assert proc.returncode == code, (args, proc.stderr)
        assert text in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.startswith("dutygraph: error: ")


def test_a_bad_bundle_lists_every_error_and_imports_nothing(cli, tmp_path):
    bad = copy_demo(tmp_path / "bad")
    append_rows(
        bad / "duties.csv",
        ["N-NOBODY", "I-FOOD", "510104", "lead", "B-FSL-6", "", "", "x", ""],
        ["JJ-SCJ", "I-FOOD", "510104", "boss", "B-FSL-6", "", "", "x", ""],
    )
    proc = cli("load", str(bad), check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "2 error(s)" in proc.stderr and "nothing was imported" in proc.stderr
    assert "duties.csv, row 33, column department" in proc.stderr
    assert "duties.csv, row 34, column role" in proc.stderr
    assert not cli.store_path.exists()
    report = cli("load", str(bad), "--skip-invalid", "--json")
    assert report["skipped_rows"] == 2 and report["added"]["duty"] == 31


def test_load_report(cli):
    out = cli("load", str(DEMO_PATH)).stdout
    assert "duty" in out and "31" in out
    report = cli("load", str(DEMO_PATH), "--json")
    assert report["added"] == {} and report["unchanged"]["duty"] == 31


def test_demo_command_prints_leads_gaps_and_conflicts(cli):
    out = cli("demo").stdout
    assert "JJ-SCJ" in out and "监管空白（截至 2025-06-01）" in out and "MULTIPLE_LEADS" in out
    assert "多头牵头 (MULTIPLE_LEADS)" in out


def test_scan_tables_are_chinese_first_with_ids_beside_names_and_english_on_request(cli):
    cli("load", str(DEMO_PATH))
    out = cli("gaps", "--region", "510107", "--as-of", "2025-06-01").stdout
    # the example, "WH-SWJ of line 'commerce' abolished with no successor", in Chinese
    assert "牵头部门已撤销 (LEAD_ABOLISHED)" in out
    assert "牵头部门武侯区商务局 (WH-SWJ)（商务条线）已撤销，且没有承接部门。" in out
    assert "单用途预付卡监管 (I-PREPAID)" in out and "武侯区 (510107)" in out
    assert out.rstrip().endswith("条监管空白（截至 2025-06-01）")
    en = cli("gaps", "--region", "510107", "--as-of", "2025-06-01", "--lang", "en").stdout
    assert "WH-SWJ of line 'commerce' abolished with no successor" in en
    assert "gap(s) as of 2025-06-01" in en
    out = cli("conflicts", "--region", "510100", "--as-of", "2025-06-01").stdout
    assert "清单来源不一致 (SOURCE_DISAGREEMENT)" in out and "成都市应急管理局 (CD-YJJ)" in out
    out = cli("inspections", "--region", "510104", "--as-of", "2025-10-01").stdout
    assert "监管对象 object" in out and "锦江区市场监督管理局 (JJ-SCJ)" in out
