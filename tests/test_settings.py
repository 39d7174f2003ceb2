"""Limits as settings (issue #22): defaults, a settings file, the environment, flags; refusals name the setting."""

from __future__ import annotations

import json

from dutygraph.fixtures import DEMO_PATH


def test_a_flag_after_the_command_lowers_a_limit_and_the_refusal_names_it(cli):
    cli("load", str(DEMO_PATH))
    before = cli.store_path.read_bytes()
    proc = cli("load", str(DEMO_PATH), "--setting", "max_rows", "5", check=False)
    assert proc.returncode == 2
    assert "bases.csv" in proc.stderr and "max_rows" in proc.stderr
    assert cli.store_path.read_bytes() == before


def test_the_last_source_wins_and_settings_says_where_each_value_came_from(cli, tmp_path):
    site = tmp_path / "site.toml"
    site.write_text("max_rows = 100\nmax_columns = 50\n", "utf-8")
    proc = cli(
        "--settings", str(site), "settings", "--json", "--setting", "max_columns", "60",
        env={"DUTYGRAPH_MAX_ROWS": "200"}, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = {r["name"]: r for r in json.loads(proc.stdout)}
    assert (rows["max_rows"]["value"], rows["max_rows"]["source"]) == (200, "DUTYGRAPH_MAX_ROWS")
    assert (rows["max_columns"]["value"], rows["max_columns"]["source"]) == (
        60,
        "--setting max_columns",
    )
    assert rows["max_cell_chars"]["source"] == "default"


def test_an_unknown_setting_or_a_bad_value_is_a_usage_error(cli, tmp_path):
    proc = cli("settings", "--setting", "max_rowz", "3", check=False)
    assert proc.returncode == 2 and "max_rows" in proc.stderr  # the suggestion
    proc = cli("settings", "--setting", "max_rows", "-1", check=False)
    assert proc.returncode == 2 and "max_rows" in proc.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[section]\nmax_rows = 1\n", "utf-8")
    proc = cli("settings", "--settings", str(bad), check=False)
    assert proc.returncode == 2 and "bad.toml" in proc.stderr
    assert "Traceback" not in proc.stderr
