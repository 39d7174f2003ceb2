"""Scenarios are data (#21 item 1): TOML, CSV and XLSX read alike; every error is located.

A malformed scenario — an unknown department, a merge into itself, a date before a
department exists, the repeal of an article the law lacks — is a located error
(file, row, column) and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from dutygraph.analysis.whatif import apply_scenario, what_if
from dutygraph.errors import LoadError, ScenarioInvalid, ValidationFailed
from dutygraph.fixtures import SCENARIOS_PATH, demo_graph
from dutygraph.io.scenario import read_scenario

HEADER = ["date", "action", "department", "target", "name", "region", "line", "basis", "article"]


def _toml(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(body, "utf-8")
    return p


def _problems(path: Path) -> list:
    with pytest.raises(ScenarioInvalid) as exc:
        what_if(demo_graph(), read_scenario(path))
    assert isinstance(exc.value, ValidationFailed)  # the CLI's exit 2
    assert "nothing was compared or written" in str(exc.value)
    return exc.value.problems


def test_the_three_formats_read_the_same_scenario(tmp_path):
    toml = read_scenario(SCENARIOS_PATH / "jinjiang-enforcement-2026.toml")
    rows = [
        [
            c.date,
            c.action,
            ";".join(c.many("department")),
            c.get("target") or "",
            c.get("name") or "",
            c.get("region") or "",
            c.get("line") or "",
            "",
            "",
        ]
        for c in toml.changes
    ]
    csv = tmp_path / "s.csv"
    csv.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", "utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "情景"
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    xlsx = tmp_path / "s.xlsx"
    wb.save(xlsx)
    want = [(c.action, c.date, c.many("department"), c.get("target")) for c in toml.changes]
    for path in (csv, xlsx):
        s = read_scenario(path)
        assert [
            (c.action, c.date, c.many("department"), c.get("target")) for c in s.changes
        ] == want
    a = what_if(demo_graph(), read_scenario(xlsx))
    b = what_if(demo_graph(), toml)
    assert [(c.item, c.after) for c in a.leads] == [(c.item, c.after) for c in b.leads]


def test_chinese_action_words_and_yes_no(tmp_path):
    p = _toml(
        tmp_path,
        '[[change]]\ndate = "2026-01-01"\naction = "改为垂直管理"\nline = "housing"\nvertical = "是"\n'
        'region = "510100"\n',
    )
    a = apply_scenario(demo_graph(), read_scenario(p))
    assert a.graph.departments["CD-ZJJ"].vertical and a.graph.departments["JJ-ZJJ"].vertical
    assert not a.graph.departments["SC-ZJT"].vertical  # outside the region given


def test_unknown_department_is_located(tmp_path):
    p = _toml(
        tmp_path,
        '[[change]]\ndate = 2026-01-01\naction = "abolish"\ndepartment = "JJ-SCJ"\n'
        '[[change]]\ndate = 2026-01-01\naction = "撤销"\ndepartment = "JJ-NOPE"\n',
    )
    [p1] = _problems(p)
    assert (p1.file, p1.row, p1.column) == (str(p), 2, "department")
    assert "JJ-NOPE" in p1.message and "未知部门" in p1.message


def test_merge_into_itself_is_located(tmp_path):
    p = _toml(
        tmp_path,
        '[[change]]\ndate = 2026-01-01\naction = "合并"\ndepartment = ["JJ-ZJJ", "JJ-YJJ"]\n'
        'target = "JJ-ZJJ"\n',
    )
    [p1] = _problems(p)
    assert (p1.row, p1.column) == (1, "target") and "自己" in p1.message


def test_a_date_before_the_department_exists_is_located(tmp_path):
    csv = tmp_path / "s.csv"
    csv.write_text(
        "date,action,department,target\n2023-01-01,撤销,JJ-JXJ,\n", "utf-8"
    )  # 锦江区经济科技和信息化局 is set up on 2024-03-01
    [p1] = _problems(csv)
    assert (p1.file, p1.row, p1.column) == (str(csv), 2, "department")
    assert "2024-03-01" in p1.message and "尚不存在" in p1.message


def test_a_department_already_abolished_is_located(tmp_path):
    p = _toml(
        tmp_path,
        '[[change]]\ndate = 2025-01-01\naction = "划转条线"\nline = "commerce"\n'
        'department = "JJ-SWJ"\ntarget = "JJ-JXJ"\n',
    )
    [p1] = _problems(p)
    assert p1.column == "department" and "已于 2024-03-01 撤销" in p1.message
    assert "JJ-JXJ" in p1.fix  # its successor


def test_repeal_of_an_article_the_law_lacks_is_located(tmp_path):
    p = _toml(
        tmp_path,
        '[[change]]\ndate = 2026-07-01\naction = "废止"\nbasis = "城镇燃气管理条例"\n'
        'article = "第九百条"\n',
    )
    [p1] = _problems(p)
    assert (p1.row, p1.column) == (1, "article")
    assert "城镇燃气管理条例" in p1.message and "第九百条" in p1.message


def test_a_line_the_department_lacks_and_a_taken_id_are_located(tmp_path):
    p = _toml(
        tmp_path,
        '[[change]]\ndate = 2026-01-01\naction = "create"\ndepartment = "JJ-SCJ"\nname = "x"\n'
        'region = "510104"\n'
        '[[change]]\ndate = 2026-01-01\naction = "move-line"\nline = "tobacco"\n'
        'department = "JJ-SCJ"\ntarget = "JJ-WJJ"\n',
    )
    problems = _problems(p)
    assert [(x.row, x.column) for x in problems] == [(1, "department"), (2, "line")]


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    csv = tmp_path / "s.csv"
    csv.write_text(
        "date,action,department,target,colour\n"
        "2026-13-01,abolish,JJ-SCJ,,\n"
        "2026-01-01,explode,JJ-SCJ,,\n"
        "2026-01-01,merge,JJ-SCJ,,red\n",
        "utf-8",
    )
    with pytest.raises(ScenarioInvalid) as exc:
        read_scenario(csv)
    got = sorted((p.row, p.column) for p in exc.value.problems)
    assert got == [(2, "date"), (3, "action"), (4, "colour"), (4, "target")]


def test_an_empty_or_unreadable_scenario(tmp_path):
    with pytest.raises(LoadError):
        read_scenario(tmp_path / "missing.toml")
    bad = _toml(tmp_path, "[[change]\n")
    with pytest.raises(LoadError) as exc:
        read_scenario(bad)
    assert "TOML" in str(exc.value)
    empty = _toml(tmp_path, 'title = "空"\n')
    with pytest.raises(ScenarioInvalid):
        read_scenario(empty)


def test_a_failed_scenario_leaves_the_graph_as_it_was(tmp_path):
    g = demo_graph()
    p = _toml(
        tmp_path,
        '[[change]]\ndate = 2026-01-01\naction = "abolish"\ndepartment = "JJ-SCJ"\n'
        '[[change]]\ndate = 2026-01-01\naction = "abolish"\ndepartment = "JJ-NOPE"\n',
    )
    with pytest.raises(ScenarioInvalid):
        apply_scenario(g, read_scenario(p))
    assert g.departments["JJ-SCJ"].valid_to is None
