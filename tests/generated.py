"""The benchmark's generated bundles for tests: ``benchmarks/generate.py`` (a region tree whose
counties inherit, planted gaps and conflicts, ``expected.json``) and ``benchmarks/mess.py``
(the realistic mess: expired bases, abolished leads, second leads), imported from the
benchmarks folder without leaving it on ``sys.path``."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _benchmark(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCHMARKS))


def generate(size: str, folder: Path) -> Any:
    """``benchmarks/generate.py``'s bundle of ``size`` written to ``folder``; what it plants."""
    return _benchmark("generate").generate(size, folder)


def make_mess(clean: Path, messy: Path) -> Any:
    """``benchmarks/mess.py``: the bundle in ``clean`` made messy into ``messy``; what it did."""
    return _benchmark("mess").make_mess(clean, messy)
