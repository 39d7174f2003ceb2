"""Builders for test bundles: copies of the demo bundle with planted changes, workbooks, big ones."""

from __future__ import annotations

import contextlib
import csv
import shutil
from pathlib import Path
from typing import Any

from dutygraph.fixtures import DEMO_PATH


def copy_demo(dest: Path) -> Path:
    """A writable copy of the demo bundle folder."""
    shutil.copytree(DEMO_PATH, dest)
    return dest


def append_rows(path: Path, *rows: list[str]) -> None:
    with open(path, "a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def to_workbook(folder: Path, dest: Path) -> Path:
    """The bundle folder as one XLSX workbook, one sheet per file."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for f in sorted(folder.glob("*.csv")):
        ws = wb.create_sheet(f.stem)
        with open(f, encoding="utf-8") as fh:
            for row in csv.reader(fh):
                ws.append(row)
    wb.save(dest)
    return dest


def big_bundle(dest: Path, counties: int = 200, items: int = 100) -> Path:
    """A synthetic province: one county government per code, a duty per item and county."""
    dest.mkdir(parents=True)
    with contextlib.ExitStack() as files:

        def w(name: str) -> Any:
            fh = files.enter_context(open(dest / name, "w", newline="", encoding="utf-8"))
            return csv.writer(fh)

        _write_big(w, counties, items)
    return dest


def _write_big(w: Any, counties: int, items: int) -> None:
    regions = w("regions.csv")
    regions.writerow(["code", "name", "level", "parent"])
    regions.writerow(["000000", "全国", "national", ""])
    regions.writerow(["990000", "测试省", "province", "000000"])
    regions.writerow(["990100", "测试市", "prefecture", "990000"])
    depts = w("departments.csv")
    depts.writerow(["id", "name", "region", "systems"])
    duties = w("duties.csv")
    duties.writerow(["department", "item", "region", "role", "bases", "valid_from"])
    its = w("items.csv")
    its.writerow(["id", "name", "power_type"])
    for i in range(items):
        its.writerow([f"I{i}", f"事项{i}", "行政检查"])
    bases = w("bases.csv")
    bases.writerow(["id", "title", "kind"])
    bases.writerow(["B1", "测试条例", "local-regulation"])
    for c in range(counties):
        code = f"9901{c + 1:02d}" if c < 99 else f"99{c // 99 + 2:02d}{c % 99 + 1:02d}"
        regions.writerow([code, f"县{c}", "county", "990100"])
        depts.writerow([f"D{c}", f"县{c}市场监督管理局", code, "market-regulation"])
        for i in range(items):
            duties.writerow([f"D{c}", f"I{i}", code, "lead", "B1", "2024-01-01"])
