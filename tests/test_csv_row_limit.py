"""A CSV file over ``max_rows`` is refused by counting its lines, before it is decoded or parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutygraph.config import Settings
from dutygraph.errors import LoadError
from dutygraph.io.tables import read_csv, table_frame

LIMITS = Settings().replace(max_rows=100)
MESSAGE = "超过 100 行 (more rows than max_rows); split the file, or raise the setting"


def _write(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("编号,名称\r\n" + "".join(f"{r}\r\n" for r in rows)).encode(encoding))
    return path


@pytest.mark.parametrize("stream", [True, False])
def test_a_file_of_one_row_too_many_is_refused_as_it_is_read(tmp_path: Path, stream: bool) -> None:
    path = _write(tmp_path / "duties.csv", [f"D{i},职责{i}" for i in range(101)])
    with pytest.raises(LoadError) as refused:
        read_csv(path, stream=stream, limits=LIMITS)  # no table, no rows, no frame
    assert str(refused.value) == f"{path}: {MESSAGE}"


def test_a_file_at_the_limit_loads_whole(tmp_path: Path) -> None:
    path = _write(tmp_path / "duties.csv", [f"D{i},职责{i}" for i in range(100)])
    frame, numbers = table_frame(read_csv(path, stream=True, limits=LIMITS))
    assert frame.height == 100 and list(numbers) == list(range(2, 102))
    assert frame.row(99) == ("D99", "职责99")


def test_quoted_newlines_at_the_limit_are_not_counted_as_rows(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "duties.csv", [f'D{i},"职责{i}\r\n第二行\n第三行"' for i in range(100)]
    )
    assert path.read_bytes().count(b"\n") == 301  # over the limit as lines
    frame, _ = table_frame(read_csv(path, stream=True, limits=LIMITS))
    assert frame.height == 100
    assert frame.row(99) == ("D99", "职责99\r\n第二行\n第三行")


def test_blank_lines_count_as_rows_early_as_they_do_in_the_readers(tmp_path: Path) -> None:
    rows = [f"D{i},职责{i}" for i in range(51)]
    path = _write(tmp_path / "duties.csv", [r for row in rows for r in (row, "")])  # 102 rows
    with pytest.raises(LoadError, match="more rows than max_rows"):
        read_csv(path, stream=True, limits=LIMITS)
    rows = [f'D{i},"职责{i}"' for i in range(51)]  # quotes: the frame counts, the same way
    quoted = _write(tmp_path / "quoted.csv", [r for row in rows for r in (row, "")])
    table = read_csv(quoted, stream=True, limits=LIMITS)
    with pytest.raises(LoadError, match="more rows than max_rows"):
        table_frame(table)


def test_utf16_is_not_counted_by_its_bytes(tmp_path: Path) -> None:
    # 上 is 0a 4e in UTF-16-LE: 300 newline bytes in 50 rows; the encoding error is what is said
    path = _write(tmp_path / "duties.csv", [f"D{i},上上上上上上" for i in range(50)], "utf-16-le")
    assert path.read_bytes().count(b"\n") > 300
    with pytest.raises(LoadError, match="不是 UTF-8 编码") as refused:
        read_csv(path, limits=LIMITS)
    assert "max_rows" not in str(refused.value)
