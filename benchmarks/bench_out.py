"""The tail every benchmark script shares: its report printed, and written to ``--out``.

Kept apart from :mod:`bench_common` (which imports the store and the generator) so that a
script measuring the assign method or the law reader pulls in nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def emit(lines: Sequence[str] | str, out: Path | None = None, *, echo: bool = True) -> None:
    """Print the report (``echo=False``: its lines were printed as they came) and, with ``out``,
    write it there: UTF-8, one line each, a final newline, the folder made if missing."""
    text = lines if isinstance(lines, str) else "\n".join(lines)
    if echo:
        print(text)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
