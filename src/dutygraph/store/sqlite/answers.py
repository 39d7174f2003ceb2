"""Scan answers kept beside the store file, per state: a repeated scan is a file read.

A gap or conflict scan of a province reads the whole graph (a second, most of a
command's time) to print the same rows every time the store is unchanged. So
the JSON a scan printed is kept in ``.STORE.answers-cache`` beside the store
(``.dutygraph.db.answers-cache``, hidden like :mod:`.snapshot`'s columns file),
labelled with the state it was computed on — the store file's inode, its write
counter and its last log entry, as the columns file is — and with the code
that computed it (:func:`code_stamp`: the package's version and its modules'
sizes and times). A command asking the same question (the scan, the region, the
date, the kinds) of the same state reads the answer instead of the graph.

Any write bumps the write counter, so an answer of an older state is never
used: the first answer kept for a new state drops every older one (the file
holds the answers of one state, at most :data:`KEEP` of them). The file is a
cache, never the record: it is written to a temporary file and renamed into place
(:func:`.snapshot.write_aside`), and a file that is missing, damaged, of
another state, of other code or of another format is ignored (the scan runs).
It is read with the restricted unpickler (plain values only: opening it never
runs code). ``DUTYGRAPH_CACHE=off`` keeps no answer and reads none (each scan runs).

>>> import tempfile
>>> from pathlib import Path
>>> store = Path(tempfile.mkdtemp()) / "doc.db"
>>> kept(store, ("s", 1), "gaps", lambda: b"[1]"), kept(store, ("s", 1), "gaps", lambda: b"?")
(b'[1]', b'[1]')
>>> kept(store, ("s", 2), "gaps", lambda: b"[2]")  # another state: worked out again
b'[2]'
"""

from __future__ import annotations

import functools
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...config import caches_off
from .snapshot import read_aside, write_aside

__all__ = ["KEEP", "SUFFIX", "code_stamp", "enabled", "kept", "path_of"]

SUFFIX = ".answers-cache"
_MAGIC = b"DUTYGRAPH-ANSWERS\n"
_VERSION = 1
#: at most this many answers are kept for one state (the oldest dropped first)
KEEP = 16


def path_of(store: Path) -> Path:
    """Where the answers of ``store`` are kept."""
    return store.with_name(f".{store.name}{SUFFIX}")


def enabled() -> bool:
    """Whether answers are kept (``DUTYGRAPH_CACHE`` is not ``off``)."""
    return not caches_off()


@functools.cache
def code_stamp() -> tuple[Any, ...]:
    """The code that computes answers: the package's version and the (path, size, time) of
    each of its modules (an edited or reinstalled module makes every kept answer stale)."""
    import dutygraph

    root = Path(dutygraph.__file__).resolve().parent
    files: list[tuple[str, int, int]] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                files.append((os.path.join(folder, name), st.st_size, st.st_mtime_ns))
    return (dutygraph.__version__, tuple(files))


def _read(store: Path) -> dict[str, Any] | None:
    got = read_aside(path_of(store), _MAGIC)
    return got if isinstance(got, dict) and got.get("version") == _VERSION else None


def kept(store: Path, state: tuple[Any, ...], key: str, compute: Callable[[], bytes]) -> bytes:
    """The answer ``key`` of ``store`` at ``state``: read from the file beside it, else
    ``compute()``, kept there for the next command (see the module docstring)."""
    if not enabled():
        return compute()
    label = [list(state), list(code_stamp())]
    held = _read(store)
    entries: dict[str, bytes] = {}
    if held is not None and held.get("label") == label:
        entries = held.get("entries") or {}
        got = entries.get(key)
        if got.__class__ is bytes:
            return got  # type: ignore[return-value]
    value = compute()
    entries = {k: v for k, v in entries.items() if k != key}
    while len(entries) >= KEEP:
        entries.pop(next(iter(entries)))
    entries[key] = value
    record = {"version": _VERSION, "label": label, "entries": entries}

    def fill(fh: Any) -> None:
        fh.write(_MAGIC)
        pickle.dump(record, fh, protocol=pickle.HIGHEST_PROTOCOL)

    write_aside(path_of(store), fill)
    return value
