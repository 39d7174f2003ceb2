"""Output for people and for scripts: aligned tables (CJK-aware) and JSON."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

__all__ = ["emit_json", "table", "width"]


def width(text: str) -> int:
    """Display width: CJK characters take two columns.

    >>> width("锦江区"), width("abc")
    (6, 3)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, cols: int) -> str:
    return text + " " * (cols - width(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO | None = None) -> None:
    """Print rows under headers, columns aligned.

    >>> table(["id", "名称"], [["JJ-SCJ", "锦江区市场监督管理局"]])
    id      名称
    ------  --------------------
    JJ-SCJ  锦江区市场监督管理局
    """
    out = out or sys.stdout
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    cols = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(_pad(h, c) for h, c in zip(headers, cols, strict=True)).rstrip(), file=out)
    print("  ".join("-" * c for c in cols), file=out)
    for r in cells:
        print("  ".join(_pad(v, c) for v, c in zip(r, cols, strict=True)).rstrip(), file=out)


def emit_json(data: Any, out: TextIO | None = None) -> None:
    """Write ``data`` as JSON (UTF-8, not ASCII-escaped) followed by a newline."""
    out = out or sys.stdout
    json.dump(data, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")
