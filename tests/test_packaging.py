"""What a wheel ships: an installed dutygraph works without the source tree beside it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_ships_the_saved_queries_and_the_data(tmp_path):
    source = tmp_path / "source"  # a clean copy: nothing left over from an earlier build
    source.mkdir()
    left_over = shutil.ignore_patterns("*.egg-info", "__pycache__", "build")
    for name in ("queries", "src"):
        shutil.copytree(ROOT / name, source / name, symlinks=True, ignore=left_over)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
         "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("dutygraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    saved = {p.name for p in (ROOT / "queries").iterdir()}
    assert saved and {f"dutygraph/saved_queries/{n}" for n in saved} <= names
    demo = {p.name for p in (ROOT / "src/dutygraph/data/demo").glob("*.csv")}
    assert {f"dutygraph/data/demo/{n}" for n in demo} <= names
    assert any(n.startswith("dutygraph/api/static/vendor/graphiql/") for n in names)
