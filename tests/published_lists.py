"""Builders for published lists as governments lay them out: merged title row, two header
rows with merged cells, merged cells over sub-items, blank rows, trailing 备注 rows,
full-width digits, multi-line cells and numbered lists inside cells.

Each builder writes a file and returns its path; the row numbers the tests check are
the spreadsheet's own (1-based), documented beside each row.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: the power list of 锦江区市场监督管理局; the row number each row lands on is in the comment
POWER_TITLE = "成都市锦江区市场监督管理局权责清单（２０２４年版）"
POWER_NOTE = "备注：本清单自2024年3月1日起施行。"
POWER_ROWS: list[list[Any]] = [
    # 序号, 主项, 子项, 职权类型, 实施依据, 实施主体, 承办机构, 行使层级, 责任事项, 备注
    [  # row 4: a main item with two sub-items (rows 4-5); 序号, 主项, 类型, 主体 merged over both
        "１",
        "对食品生产经营的监督检查",
        "食品销售监督检查",
        "行政检查",
        "1.《中华人民共和国食品安全法》第一百一十条；\n2.《食品经营许可管理办法》第四十一条",
        "锦江区市场监管局",
        "食品经营安全监督管理科",
        "县级",
        "1.检查责任\n2.处置责任",
        "",
    ],
    [  # row 5: second sub-item (merged cells give it 序号, 主项, 类型, 主体)
        None,
        None,
        "餐饮服务监督检查",
        None,
        "《食品安全法》第一百一十条、第一百一十四条",
        None,
        "餐饮服务食品安全监督管理科",
        None,
        "",
        "",
    ],
    [],  # row 6: blank
    [  # row 7: a punishment, two laws in one cell, article list and 款/项
        "２",
        "对未取得食品经营许可从事食品经营活动的处罚",
        "",
        "行政处罚",
        "《中华人民共和国食品安全法》第一百二十二条第一款；《食品经营许可管理办法》第五十二条",
        "成都市锦江区市场监督管理局",
        "执法大队",
        "县级",
        "",
        "",
    ],
    [  # row 8: no implementing body -> the list's owner, with a warning
        "３",
        "企业名称使用的监督检查",
        "",
        "监督检查",
        "《企业名称登记管理规定》第二条",
        "",
        "",
        "市级、区级",
        "",
        "",
    ],
    [  # row 9: an unknown department, created in 锦江区 with a warning
        "４",
        "对人防工程维护管理的监督检查",
        "",
        "行政检查（一般检查事项）",
        "《人民防空法》第二十五条第二款第（三）项",
        "锦江区人防办",
        "",
        "县级",
        "",
        "",
    ],
]


def _cell(ws: Any, row: int, col: int, value: Any) -> None:
    if value is not None:
        ws.cell(row=row, column=col, value=value)


def power_list_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]] = POWER_ROWS,
    *,
    title: str = POWER_TITLE,
    note: str | None = POWER_NOTE,
    merge_sub_items: bool = True,
) -> Path:
    """A 权责清单 workbook: merged title (row 1), two header rows (2-3), data from row 4."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "权责清单"
    ncols = 10
    ws.cell(row=1, column=1, value=title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    top = [
        "序号",
        "事项名称",
        None,
        "职权类型",
        "实施依据",
        "实施主体",
        "承办机构",
        "行使层级",
        "责任事项",
        "备注",
    ]
    for c, v in enumerate(top, start=1):
        _cell(ws, 2, c, v)
    ws.cell(row=3, column=2, value="主项")
    ws.cell(row=3, column=3, value="子项")
    ws.merge_cells(start_row=2, start_column=2, end_row=2, end_column=3)  # 事项名称 over 主项|子项
    for c in (1, 4, 5, 6, 7, 8, 9, 10):  # the other headers span both header rows
        ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    r = 4
    for values in rows:
        for c, v in enumerate(values, start=1):
            _cell(ws, r, c, v)
        r += 1
    if merge_sub_items and rows is POWER_ROWS:
        for c in (1, 2, 4, 6, 8):  # 序号, 主项, 职权类型, 实施主体, 行使层级 span rows 4-5
            ws.merge_cells(start_row=4, start_column=c, end_row=5, end_column=c)
    if note:
        r += 1  # a blank row before the note
        ws.cell(row=r, column=1, value=note)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        ws.cell(row=r + 1, column=1, value="2.各科室按职责分工承办。")
        ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=ncols)
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in r] for r in rows])
    return path


def power_list_csv(path: Path) -> Path:
    """The same power list as CSV, as exported from the merged workbook: a title row, two
    header rows (事项名称 spread over 主项|子项 with an empty cell), and the sub-item row
    with empty cells where the workbook had merged ones."""
    rows: list[Sequence[Any]] = [
        [POWER_TITLE],
        [
            "序号",
            "事项名称",
            "",
            "职权类型",
            "实施依据",
            "实施主体",
            "承办机构",
            "行使层级",
            "责任事项",
            "备注",
        ],
        ["", "主项", "子项", "", "", "", "", "", "", ""],
        *POWER_ROWS,
        [],
        [POWER_NOTE],
    ]
    return write_csv(path, rows)


#: a joint random-inspection list (汾阳/沂水 layout) for 锦江区, 检查部门 over 发起|配合
JOINT_TITLE = "锦江区2024年度部门联合抽查事项清单"
JOINT_ROWS: list[list[Any]] = [
    # 序号, 抽查领域, 抽查事项, 检查对象, 发起部门, 配合部门, 抽查层级, 检查依据
    [  # row 4
        "1",
        "食品安全",
        "学校食堂食品安全情况的检查",
        "学校食堂",
        "市场监管部门",
        "1.教育部门\n2.卫生健康部门",
        "县(区)级",
        "《食品安全法》第一百一十条",
    ],
    [  # row 5
        "2",
        "文化旅游",
        "经营性互联网文化单位经营情况的检查",
        "经营性互联网文化单位",
        "文化和旅游部门",
        "公安、税务部门",
        "市县(区)级",
        "",
    ],
    [  # row 6: no item name -> an error naming sheet and row
        "3",
        "卫生",
        "",
        "游泳场(馆)",
        "卫生健康部门",
        "市场监管部门",
        "县级",
        "",
    ],
]


def joint_list_xlsx(path: Path, rows: Sequence[Sequence[Any]] = JOINT_ROWS) -> Path:
    """A 联合抽查事项清单 workbook: merged title, 检查部门 merged over 发起部门|配合部门."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联合抽查"
    ws.cell(row=1, column=1, value=JOINT_TITLE)
    ws.merge_cells("A1:H1")
    top = ["序号", "抽查领域", "抽查事项", "检查对象", "检查部门", None, "抽查层级", "检查依据"]
    for c, v in enumerate(top, start=1):
        _cell(ws, 2, c, v)
    ws.cell(row=3, column=5, value="发起部门")
    ws.cell(row=3, column=6, value="配合部门")
    ws.merge_cells("E2:F2")
    for c in (1, 2, 3, 4, 7, 8):
        ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    for r, values in enumerate(rows, start=4):
        for c, v in enumerate(values, start=1):
            _cell(ws, r, c, v)
    wb.save(path)
    return path


#: GB/T 2260 rows: a 直辖市 with its 市辖区 pseudo-prefecture, a province with a
#: province-administered county-level city (429004 仙桃市, parent 429000 not in the table)
DIVISION_ROWS = [
    ["110000", "北京市"],
    ["110100", "市辖区"],
    ["110101", "东城区"],
    ["420000", "湖北省"],
    ["420100", "武汉市"],
    ["420102", "江岸区"],
    ["429004", "仙桃市"],
    ["４２０１０２００１０００", "大智街道"],
    ["420102001001", "某社区居委会"],
]


def division_csv(path: Path, rows: Sequence[Sequence[Any]] = DIVISION_ROWS) -> Path:
    return write_csv(path, [["行政区划代码", "单位名称"], *rows])
