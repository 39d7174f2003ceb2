"""Output for people and for scripts: aligned tables (CJK-aware) and JSON.

JSON goes through orjson (C speed: a province's gap scan is a megabyte of
evidence): indented when a person reads it (stdout is a terminal, or
``--pretty``), compact when a script does; ``--ndjson`` writes one record per
line, each written as soon as it is built.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

import orjson

from ..serialize import dumps

__all__ = [
    "configure",
    "dumps",
    "emit_encoded",
    "emit_json",
    "emit_ndjson",
    "held",
    "hold",
    "holding",
    "table",
    "width",
]

#: ``--pretty`` of the command being run (``None``: indent on a terminal only)
_pretty: bool | None = None
#: what :func:`hold` keeps until the process ends (``None``: nothing is held, see :func:`holding`)
_held: list[Any] | None = None


def configure(*, pretty: bool | None) -> None:
    """Set what the command line asked for (``main`` calls it once per command)."""
    global _pretty
    _pretty = pretty


def holding() -> None:
    """From now on :func:`hold` keeps what it is given: the process will end without
    freeing it (:func:`dutygraph.cli.main.entry`)."""
    global _held
    _held = []


def hold(obj: Any) -> None:
    """Keep ``obj`` (a scan's whole graph) until the process ends, when it ends at once.

    Freeing a province's graph object by object takes a tenth of a second, for memory
    the system takes back at exit anyway. Called in a library or a test (no
    :func:`holding`), it keeps nothing.
    """
    if _held is not None:
        _held.append(obj)


def held() -> list[Any]:
    """What :func:`hold` has kept (empty outside :func:`holding`)."""
    return list(_held or ())


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


def _is_terminal(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except ValueError:  # a closed stream
        return False


def _indented(out: TextIO, pretty: bool | None) -> bool:
    """Whether JSON written to ``out`` is indented: ``pretty``, else ``--pretty``, else
    whether ``out`` is a terminal."""
    if pretty is not None:
        return pretty
    return _pretty if _pretty is not None else _is_terminal(out)


def emit_json(data: Any, out: TextIO | None = None, *, pretty: bool | None = None) -> None:
    """Write ``data`` as JSON and a newline: indented for a terminal (or ``pretty``), else compact.

    >>> emit_json({"id": "JJ-SCJ", "名称": "锦江区市场监督管理局"})
    {"id":"JJ-SCJ","名称":"锦江区市场监督管理局"}
    """
    out = out or sys.stdout
    out.write(dumps(data, pretty=_indented(out, pretty)).decode())
    out.write("\n")


def emit_encoded(data: bytes, out: TextIO | None = None, *, pretty: bool | None = None) -> None:
    """Write ``data`` (compact JSON, as :func:`dumps` writes it) as :func:`emit_json` writes
    what it encodes: as it is, or indented for a terminal (or ``pretty``).

    >>> emit_encoded(b'{"id":"JJ-SCJ"}', pretty=True)
    {
      "id": "JJ-SCJ"
    }
    """
    out = out or sys.stdout
    if _indented(out, pretty):
        emit_json(orjson.loads(data), out, pretty=True)
        return
    out.write(data.decode())
    out.write("\n")


def emit_ndjson(rows: Iterable[Any], out: TextIO | None = None) -> int:
    """Write each of ``rows`` as one compact JSON line (NDJSON), as it comes; returns how many.

    >>> emit_ndjson([{"kind": "NO_LEAD"}, {"kind": "NO_COUNTERPART"}])
    {"kind":"NO_LEAD"}
    {"kind":"NO_COUNTERPART"}
    2
    """
    out = out or sys.stdout
    n = 0
    for row in rows:
        out.write(dumps(row).decode())
        out.write("\n")
        n += 1
    return n
