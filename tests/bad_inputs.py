"""Bad inputs, built for real: every malformed or hostile file the hardening issue (#22) names.

Each case writes a real file (CSV bytes, an XLSX workbook written by openpyxl and,
where the defect lives in the XML, edited at the XML level inside the zip, a
published list, RDF) and says what a user must see: ``ok`` with every data row
imported, or ``refused`` (exit 2) with the words that locate the problem. The
strict-reader tests run each case through ``dutygraph load``; the fuzz suite
uses the same builders as seeds.
"""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dutygraph.fixtures import DEMO_PATH

from .bundles import to_workbook
from .published_lists import power_list_csv, power_list_xlsx


@dataclass(frozen=True)
class Case:
    """One bad input: how to build it, what ``dutygraph load`` must answer."""

    name: str
    build: Callable[[Path], Path]
    #: "ok" (exit 0, every row imported) or "refused" (exit 2)
    outcome: str
    #: words the message must hold (the file, the row or cell, what is wrong)
    says: tuple[str, ...] = ()
    #: extra arguments to ``dutygraph load``
    args: tuple[str, ...] = ()
    #: for "ok": kind -> rows the import must read
    reads: dict[str, int] = field(default_factory=dict)


def demo_rows(table: str) -> int:
    """The data rows of a demo bundle table (its CSV rows less the header)."""
    with open(DEMO_PATH / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return sum(1 for row in csv.reader(fh) if any(row)) - 1


def demo_copy(dest: Path) -> Path:
    shutil.copytree(DEMO_PATH, dest)
    return dest


def edit_line(path: Path, number: int, edit: Callable[[str], str]) -> None:
    """Replace physical line ``number`` (1-based) of a UTF-8 text file by ``edit(line)``."""
    lines = path.read_text("utf-8").split("\n")
    lines[number - 1] = edit(lines[number - 1])
    path.write_text("\n".join(lines), "utf-8")


def edit_member(book: Path, member: str, edit: Callable[[bytes], bytes]) -> Path:
    """Rewrite one member of a zip (an XLSX part) by ``edit``, the others copied as they are."""
    tmp = book.with_suffix(".tmp")
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            out.writestr(info, edit(data) if info.filename == member else data)
    tmp.replace(book)
    return book


def sheet_part(book: Path, title: str) -> str:
    """The zip member holding worksheet ``title`` (openpyxl names them sheetN.xml in order)."""
    import openpyxl

    wb = openpyxl.load_workbook(book, read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


def demo_workbook(dest: Path) -> Path:
    return to_workbook(DEMO_PATH, dest / "demo.xlsx")


# -- bundle CSV ------------------------------------------------------------------------------


def _unterminated_quote(table: str, line: int) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        folder = demo_copy(tmp / "bundle")
        # the row's second cell opens a quote that nothing closes
        edit_line(folder / f"{table}.csv", line, lambda s: re.sub(r",", ',"', s, count=1))
        return folder

    return build


def _ragged(tmp: Path) -> Path:
    folder = demo_copy(tmp / "bundle")
    edit_line(folder / "duties.csv", 5, lambda s: s + ",丢失的单元格")
    return folder


def _headerless_csv(table: str) -> Callable[[Path], Path]:
    """A column with an empty header, one row holding a value in it."""

    def build(tmp: Path) -> Path:
        folder = demo_copy(tmp / "bundle")
        path = folder / f"{table}.csv"
        lines = path.read_text("utf-8").split("\n")
        lines = [
            line + ("" if not line.strip() else ",没有表头的值" if n == 4 else ",")
            for n, line in enumerate(lines, start=1)
        ]
        path.write_text("\n".join(lines), "utf-8")
        return folder

    return build


def _duplicate_header(tmp: Path) -> Path:
    folder = demo_copy(tmp / "bundle")
    edit_line(folder / "items.csv", 1, lambda s: s.replace(",domain,", ",name,", 1))
    return folder


def _oversized(tmp: Path) -> Path:
    folder = demo_copy(tmp / "bundle")
    edit_line(folder / "items.csv", 3, lambda s: s.replace("食品销售监督检查", "食" * 140_000, 1))
    return folder


def _control(char: str) -> Callable[[Path], Path]:
    """departments.csv row 4 with ``char`` inside the department's name."""

    def build(tmp: Path) -> Path:
        folder = demo_copy(tmp / "bundle")
        path = folder / "departments.csv"
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        rows[3][1] = rows[3][1][:2] + char + rows[3][1][2:]
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
        return folder

    return build


def _encoded(encoding: str, bom: bytes = b"") -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        folder = demo_copy(tmp / "bundle")
        for f in folder.glob("*.csv"):
            f.write_bytes(bom + f.read_text("utf-8").encode(encoding))
        return folder

    return build


# -- bundle XLSX -----------------------------------------------------------------------------


def _understated_dimension(tmp: Path) -> Path:
    book = demo_workbook(tmp)
    return edit_member(
        book,
        sheet_part(book, "duties"),
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:I10"', xml),
    )


def _formula_without_value(tmp: Path) -> Path:
    import openpyxl

    book = demo_workbook(tmp)
    wb = openpyxl.load_workbook(book)
    wb["duties"]["A3"] = '="N-"&"NHC"'  # openpyxl saves a formula with no computed value
    wb.save(book)
    return book


def _far_cell(tmp: Path) -> Path:
    import openpyxl

    book = demo_workbook(tmp)
    wb = openpyxl.load_workbook(book)
    wb["duties"]["XFD1048576"] = "x"
    wb.save(book)
    return book


def _beyond_header(sheet: str) -> Callable[[Path], Path]:
    """A value two columns right of the last header cell of ``sheet``, row 4."""

    def build(tmp: Path) -> Path:
        import openpyxl

        book = demo_workbook(tmp)
        wb = openpyxl.load_workbook(book)
        ws = wb[sheet]
        ws.cell(row=4, column=ws.max_column + 2, value="表头以外的值")
        wb.save(book)
        return book

    return build


def _strings_bomb(inflated: int) -> Callable[[Path], Path]:
    """A workbook whose sharedStrings.xml inflates to ``inflated`` bytes (a few MB on disk)."""

    def build(tmp: Path) -> Path:
        book = demo_workbook(tmp)
        out = tmp / "bomb.xlsx"
        chunk = b"<si><t>" + b"A" * 65_000 + b"</t></si>"
        with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                if info.filename != "xl/sharedStrings.xml":
                    z.writestr(info, src.read(info.filename))
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/')
                fh.write(b'spreadsheetml/2006/main">')
                for _ in range(inflated // len(chunk)):
                    fh.write(chunk)
                fh.write(b"</sst>")
        return out

    return build


def _malformed_xml(tmp: Path) -> Path:
    book = demo_workbook(tmp)
    return edit_member(book, sheet_part(book, "items"), lambda xml: xml[: len(xml) // 2])


def _sheet_list_lost_a_sheet(tmp: Path) -> Path:
    """One byte of workbook.xml flipped turns ``<sheet name="bases" …/>`` into text: the
    sheet list names seven sheets, the file still holds eight (found by tests/test_fuzz.py)."""
    book = demo_workbook(tmp)
    return edit_member(
        book,
        "xl/workbook.xml",
        lambda xml: xml.replace(b'<sheet name="bases"', b'=sheet name="bases"', 1),
    )


def _entities(tmp: Path) -> Path:
    """A billion-laughs document type in a worksheet."""
    book = demo_workbook(tmp)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
            for i in range(1, 10)
        )
        + b"]>"
    )
    return edit_member(
        book,
        sheet_part(book, "regions"),
        lambda xml: (
            laughs
            + re.sub(rb"^<\?xml[^>]*\?>", b"", xml).replace(
                b"<sheetData>", b"<sheetData><!-- &lol9; -->", 1
            )
        ),
    )


def _escaped_control(tmp: Path) -> Path:
    """An ESC written as OOXML's ``_x001B_`` escape (openpyxl refuses to write the raw one)."""
    book = demo_workbook(tmp)
    return edit_member(
        book,
        sheet_part(book, "departments"),
        lambda xml: xml.replace(
            "四川省市场监督管理局".encode(), "四川省_x001B_[2J市场监督管理局".encode(), 1
        ),
    )


def _not_a_zip(tmp: Path) -> Path:
    path = tmp / "bundle.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)  # an old .xls / encrypted
    return path


# -- published lists ------------------------------------------------------------------------


def _merged_bomb(tmp: Path) -> Path:
    import openpyxl

    path = power_list_xlsx(tmp / "权责清单.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.merged_cells.add("A10:XFD1048576")  # added as a range only: openpyxl fills nothing
    wb.save(path)
    return path


def _list_with(escape: str) -> Callable[[Path], Path]:
    """A power list whose row 7 name holds ``escape`` (OOXML's ``_xHHHH_``, edited in the XML)."""

    def build(tmp: Path) -> Path:
        path = power_list_xlsx(tmp / "权责清单.xlsx")
        name = "对未取得食品经营许可从事食品经营活动的处罚"
        return edit_member(
            path,
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(name.encode(), (name[:10] + escape + name[10:]).encode(), 1),
        )

    return build


def _list_csv_encoded(encoding: str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = power_list_csv(tmp / "权责清单.csv")
        path.write_bytes(path.read_text("utf-8").encode(encoding))
        return path

    return build


def _list_csv_control(tmp: Path) -> Path:
    from .published_lists import power_list_csv

    path = power_list_csv(tmp / "权责清单.csv")
    path.write_text(
        path.read_text("utf-8").replace("执法大队", "执法\x1b]0;pwned\x07大队", 1), "utf-8"
    )
    return path


# -- RDF -------------------------------------------------------------------------------------

_REGION_TTL = """@prefix dg: <https://w3id.org/dutygraph#> .
<https://w3id.org/dutygraph/id/region/{code}> a dg:Region ;
    dg:code "{code}" ; dg:name "测试区"@zh ; dg:level dg:county ;
    dg:parent <https://w3id.org/dutygraph/id/region/510100> .
"""


def _rdf_region(code: str, name: str = "测试区") -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = tmp / "regions.ttl"
        path.write_text(_REGION_TTL.format(code=code).replace("测试区", name), "utf-8")
        return path

    return build


def _remote_context(tmp: Path) -> Path:
    path = tmp / "remote.jsonld"
    path.write_text(
        '{"@context": "https://example.org/context.jsonld", "@id": "x", "name": "y"}', "utf-8"
    )
    return path


REFUSED = "refused"
OK = "ok"

#: every defect case of issue #22 a reader meets (the store's and the server's are elsewhere)
CASES: list[Case] = [
    Case(
        "xlsx-dimension-understated",
        _understated_dimension,
        OK,
        reads={"duty": demo_rows("duties"), "department": demo_rows("departments")},
    ),
    Case(
        "csv-duties-unterminated-quote",
        _unterminated_quote("duties", 10),
        REFUSED,
        ("duties.csv", "row 10", "引号未闭合", "column item"),
    ),
    Case(
        "csv-items-unterminated-quote",
        _unterminated_quote("items", 4),
        REFUSED,
        ("items.csv", "row 4", "引号未闭合", "column name"),
    ),
    Case(
        "xlsx-sheet-list-lost-a-sheet",
        _sheet_list_lost_a_sheet,
        REFUSED,
        ("demo.xlsx", "xl/worksheets/sheet1.xml", "damaged"),
    ),
    Case("csv-ragged-row", _ragged, REFUSED, ("duties.csv", "row 5", "丢失的单元格")),
    Case(
        "csv-value-under-empty-header",
        _headerless_csv("items"),
        REFUSED,
        ("items.csv", "row 4", "没有表头的值", "no header"),
    ),
    Case(
        "csv-duties-value-under-empty-header",
        _headerless_csv("duties"),
        REFUSED,
        ("duties.csv", "row 4", "没有表头的值", "no header"),
    ),
    Case("csv-duplicate-header", _duplicate_header, REFUSED, ("items.csv", "'name'", "两次")),
    Case("csv-oversized-cell", _oversized, REFUSED, ("items.csv", "row 3", "131,072")),
    Case("csv-nul", _control("\x00"), REFUSED, ("departments.csv", "row 4", "U+0000 (NUL)")),
    Case(
        "csv-terminal-escape",
        _control("\x1b[2J"),
        REFUSED,
        ("departments.csv", "row 4", "column name", "U+001B (ESC)"),
    ),
    Case("csv-utf16-bom", _encoded("utf-16"), REFUSED, ("UTF-16 LE (BOM)", "save it as UTF-8")),
    Case("csv-gbk", _encoded("gbk"), REFUSED, ("GBK/GB18030", "--encoding gb18030")),
    Case(
        "csv-gbk-with-encoding",
        _encoded("gbk"),
        OK,
        args=("--encoding", "gb18030"),
        reads={"duty": demo_rows("duties"), "department": demo_rows("departments")},
    ),
    Case(
        "xlsx-formula-without-value",
        _formula_without_value,
        REFUSED,
        ("demo.xlsx", "sheet duties", "row 3", "column department", "formula"),
    ),
    Case(
        "xlsx-value-beyond-header",
        _beyond_header("items"),
        REFUSED,
        ("demo.xlsx", "sheet items", "row 4", "表头以外的值"),
    ),
    Case(
        "xlsx-duties-value-beyond-header",
        _beyond_header("duties"),
        REFUSED,
        ("demo.xlsx", "sheet duties", "row 4", "表头以外的值"),
    ),
    Case("xlsx-cell-at-XFD1048576", _far_cell, REFUSED, ("demo.xlsx", "XFD1048576")),
    Case(
        "xlsx-shared-strings-bomb",
        _strings_bomb(300 << 20),
        REFUSED,
        ("bomb.xlsx", "xl/sharedStrings.xml", "max_xlsx_ratio"),
    ),
    Case("xlsx-malformed-xml", _malformed_xml, REFUSED, ("demo.xlsx", "xl/worksheets/", "XML")),
    Case("xlsx-entity-expansion", _entities, REFUSED, ("demo.xlsx", "DOCTYPE")),
    Case(
        "xlsx-escaped-control-character",
        _escaped_control,
        REFUSED,
        ("demo.xlsx", "sheet departments", "column name", "U+001B (ESC)"),
    ),
    Case("xlsx-not-a-zip", _not_a_zip, REFUSED, ("bundle.xlsx", "XLSX")),
    Case(
        "list-merged-range-bomb",
        _merged_bomb,
        REFUSED,
        ("权责清单.xlsx", "A10:XFD1048576", "max_merged_cells"),
        args=("--region", "510104", "--effective", "2024-03-01"),
    ),
    Case(
        "list-terminal-escape",
        _list_with("_x001B_[2J"),
        REFUSED,
        ("权责清单.xlsx", "row 7", "U+001B (ESC)"),
        args=("--region", "510104", "--effective", "2024-03-01"),
    ),
    Case(
        "list-csv-osc-escape",
        _list_csv_control,
        REFUSED,
        ("权责清单.csv", "U+001B (ESC)"),
        args=("--region", "510104", "--effective", "2024-03-01"),
    ),
    Case("list-csv-utf16", _list_csv_encoded("utf-16"), REFUSED, ("UTF-16 LE (BOM)",)),
    Case("list-csv-gbk", _list_csv_encoded("gbk"), REFUSED, ("GBK/GB18030", "--encoding gb18030")),
    Case(
        "rdf-region-code-abc", _rdf_region("abc"), REFUSED, ("regions.ttl", "'abc'", "region code")
    ),
    Case(
        "rdf-terminal-escape-in-name",
        _rdf_region("510199", "测试\\u001B[2J区"),  # a Turtle escape: the text holds ESC
        REFUSED,
        ("regions.ttl", "name", "U+001B (ESC)"),
    ),
    Case("rdf-remote-context", _remote_context, REFUSED, ("remote.jsonld", "@context", "remote")),
]

#: the published-list CSV read with --encoding gb18030 (lists as bundles)
LIST_GBK_OK = Case(
    "list-csv-gbk-with-encoding",
    _list_csv_encoded("gbk"),
    OK,
    args=("--encoding", "gb18030", "--region", "510104", "--effective", "2024-03-01"),
)
