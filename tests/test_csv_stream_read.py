"""A streamed UTF-8 CSV keeps only its bytes (io/tables.py): read as before.

``read_csv(stream=True)`` reads the header from the text's first lines and the rows,
when polars refuses the file, from the bytes again. A header that goes on past those
lines (quoted newlines), a BOM, and a file polars refuses (a quote never closed deep
in the file) must read exactly as the whole-text reader reads them: same header,
same rows, same located error.
"""

from __future__ import annotations

import pytest

from dutygraph.errors import LoadError
from dutygraph.io import tables
from dutygraph.io.tables import read_csv, table_frame


def _rows(path, stream):
    t = read_csv(path, stream=stream)
    return t.header, [(n, [c.strip() for c in cells]) for n, cells in t.rows]


def test_a_header_longer_than_the_first_lines_is_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "_HEAD_CHARS", 2)  # the first lines end inside the header
    path = tmp_path / "long.csv"
    name = "部门\n" + "很长\n" * 5 + "名称"
    path.write_text(f'"{name}",item\n' + "".join(f"D{k},I{k}\n" for k in range(50)), "utf-8")
    header, rows = _rows(path, True)
    assert (header, rows) == _rows(path, False)
    assert header[0] == name and len(rows) == 50
    assert rows[0] == (2, ["D0", "I0"])


def test_a_bom_and_short_head_read_as_the_whole_text(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "_HEAD_CHARS", 4)
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeffdepartment,item\n" + "甲,乙\n" * 30).encode("utf-8"))
    assert _rows(path, True) == _rows(path, False)
    assert _rows(path, True)[0] == ["department", "item"]


def test_a_file_polars_refuses_gets_the_strict_readers_located_error(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "_HEAD_CHARS", 16)
    path = tmp_path / "quote.csv"
    body = "".join(f"D{k},I{k}\n" for k in range(200))
    path.write_text("department,item\n" + body + 'D9,"never closed\nD10,I10\n', "utf-8")
    with pytest.raises(LoadError) as whole:
        list(read_csv(path).rows)
    with pytest.raises(LoadError) as streamed:
        table_frame(read_csv(path, stream=True))
    assert str(streamed.value) == str(whole.value)
    assert "第 202 行" in str(streamed.value)
