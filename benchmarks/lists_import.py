"""Import rate of published lists (rows/s), beside raw openpyxl and csv reading of the same file.

Generates a 权责清单 of N rows (main items with two sub-items each, merged cells over
the sub-items, a merged title row, a two-row header, citations in every row), saves it
as XLSX and as CSV, and times, for each:

* raw reading: openpyxl (not read_only, as the loader must, for merged cells) or csv;
* ``read_published_list``: the reader (header detection, merges, citations, departments);
* ``importer.load``: the whole import into a fresh embedded store (read, check, diff, write).

Usage: python benchmarks/lists_import.py [ROWS]   (default 6000)
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.io.lists import read_published_list
from dutygraph.store import EmbeddedStore

BODIES = ["锦江区市场监管局", "锦江区卫生健康局", "锦江区应急管理局", "锦江区住房和城乡建设局"]
LAWS = ["食品安全法", "安全生产法", "建筑法", "传染病防治法", "特种设备安全法"]
NUM = "一二三四五六七八九"


def rows(n: int) -> list[list[str]]:
    out = []
    for i in range(n):
        main, sub = divmod(i, 2)
        law = LAWS[main % len(LAWS)]
        out.append(
            [
                str(main + 1),
                f"对第{main + 1}类经营活动的监督检查",
                f"第{main + 1}类子项{sub + 1}",
                "行政检查",
                f"1.《{law}》第{NUM[main % 9]}十{NUM[sub]}条第一款；\n2.《{LAWS[(main + 1) % 5]}》第二十条",
                BODIES[main % len(BODIES)],
                "执法大队",
                "县级",
            ]
        )
    return out


HEADER = ["序号", "事项名称", "", "职权类型", "实施依据", "实施主体", "承办机构", "行使层级"]
SUB = ["", "主项", "子项", "", "", "", "", ""]
TITLE = "成都市锦江区市场监督管理局权责清单（自2024年3月1日起施行）"


def write_xlsx(path: Path, data: list[list[str]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.merge_cells("A1:H1")
    ws.append(HEADER)
    ws.append(SUB)
    ws.merge_cells("B2:C2")
    for c in "ADEFGH":
        ws.merge_cells(f"{c}2:{c}3")
    for i, r in enumerate(data):
        ws.append(r if i % 2 == 0 else ["", "", r[2], "", r[4], "", r[6], ""])
    for i in range(0, len(data) - 1, 2):
        row = 4 + i
        for c in "ABDFH":
            ws.merge_cells(f"{c}{row}:{c}{row + 1}")
    wb.save(path)


def write_csv(path: Path, data: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerows([[TITLE], HEADER, SUB])
        for i, r in enumerate(data):
            w.writerow(r if i % 2 == 0 else ["", "", r[2], "", r[4], r[5], r[6], ""])


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def raw_xlsx(path: Path) -> None:
    wb = openpyxl.load_workbook(path, data_only=True)
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass


def raw_csv(path: Path) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        for _ in csv.reader(fh):
            pass


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    tmp = Path(tempfile.mkdtemp())
    data = rows(n)
    xlsx, csvf = tmp / "list.xlsx", tmp / "list.csv"
    write_xlsx(xlsx, data)
    write_csv(csvf, data)
    print(f"published list: {n} rows (main items with two sub-items, merged cells, citations)")
    print(f"{'file':<5} {'step':<34} {'seconds':>8} {'rows/s':>9} {'vs raw':>7}")
    for label, path, raw in (("xlsx", xlsx, raw_xlsx), ("csv", csvf, raw_csv)):
        base = timed(lambda p=path, f=raw: f(p))
        store = EmbeddedStore(tmp / f"{label}.db")
        load(store, [DEMO_PATH])
        graph = store.graph()
        read = timed(lambda p=path, g=graph: read_published_list(p, graph=g))
        full = timed(lambda p=path, s=store: load(s, [p]))
        for step, secs in (
            ("raw " + ("openpyxl" if label == "xlsx" else "csv") + " reading", base),
            ("read_published_list", read),
            ("importer.load (read+check+write)", full),
        ):
            print(f"{label:<5} {step:<34} {secs:8.3f} {n / secs:9.0f} {secs / base:6.1f}x")


if __name__ == "__main__":
    main()
