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
printed as it is. A question that knows how (``patch``: the gap and conflict scans,
:mod:`dutygraph.cli.scan_patch`) may bring its answer of an older state up to this one
when the change sets of every write since are kept beside the store (``links``:
:func:`.snapshot.read_links`): the answer's rows at the places those writes can reach
worked out again and put in, written as this state's answer. So the file keeps each
question's latest answer with its state (at most :data:`KEEP` of them, the oldest
dropped first); an older state's answer that cannot be brought up to date (kept without
what a patch needs) is dropped when a newer one is kept. The file is a
cache, never the record: it is written to a temporary file and renamed into place
(:func:`.snapshot.write_aside`), and a file that is missing, damaged, of other code or
of another format is ignored (the scan runs).
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
_VERSION = 2
#: at most this many answers are kept (the oldest dropped first)
KEEP = 16

#: what ``compute`` gives: the answer, or the answer and what a patch needs of it (plain
#: values; ``None``: it cannot be patched)
Computed = bytes | tuple[bytes, Any]
#: brings an answer of an older state (its bytes, what its ``compute`` or patch kept of it)
#: up to this one through the change sets since (oldest first); ``None``: it cannot
Patch = Callable[[bytes, Any, list[Any]], tuple[bytes, Any] | None]
#: the change sets from a state to this one, oldest first, or ``None`` (not all kept)
Links = Callable[[tuple[Any, ...]], list[Any] | None]


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


def kept(
    store: Path,
    state: tuple[Any, ...],
    key: str,
    compute: Callable[[], Computed],
    *,
    patch: Patch | None = None,
    links: Links | None = None,
) -> bytes:
    """The answer ``key`` of ``store`` at ``state``: read from the file beside it, else
    brought up to ``state`` from an older state's (``patch`` over ``links``), else
    ``compute()``; kept there for the next command (see the module docstring)."""
    if not enabled():
        return _split(compute())[0]
    stamp = list(code_stamp())
    now = list(state)
    held = _read(store)
    entries: dict[str, list[Any]] = {}
    if held is not None and held.get("code") == stamp:
        entries = held.get("entries") or {}
    entry = _entry(entries.get(key))
    if entry is not None and entry[0] == now:
        return entry[1]  # type: ignore[no-any-return]
    got = _patched(entry, patch, links)
    value, index = got if got is not None else _split(compute())
    # older states' answers stay for a later patch (those that can have one)
    entries = {k: e for k, e in entries.items() if k != key and (e[0] == now or e[2] is not None)}
    while len(entries) >= KEEP:
        entries.pop(next(iter(entries)))
    entries[key] = [now, value, index]
    record = {"version": _VERSION, "code": stamp, "entries": entries}

    def fill(fh: Any) -> None:
        fh.write(_MAGIC)
        pickle.dump(record, fh, protocol=pickle.HIGHEST_PROTOCOL)

    write_aside(path_of(store), fill)
    return value


def _split(got: Computed) -> tuple[bytes, Any]:
    """What ``compute`` gave as (the answer, what a patch needs of it or ``None``)."""
    if isinstance(got, bytes):
        return got, None
    return got[0], got[1]


def _entry(entry: Any) -> list[Any] | None:
    """A kept entry ``[state, answer, index]``, or ``None`` (missing or of another shape)."""
    if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], bytes):
        return entry
    return None


def _patched(
    entry: list[Any] | None, patch: Patch | None, links: Links | None
) -> tuple[bytes, Any] | None:
    """The answer of an older state's ``entry`` brought up to this state by ``patch`` over
    the change sets since (``links``), or ``None`` (no such answer, links or patch)."""
    if entry is None or patch is None or links is None or entry[2] is None:
        return None
    changes = links(tuple(entry[0]))
    if changes is None:
        return None
    return patch(entry[1], entry[2], changes)
