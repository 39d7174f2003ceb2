"""The whole graph's columns kept beside the store file, to read it whole at once.

Reading every table of a province back from SQLite into the in-memory graph
takes seconds (half a million duty rows fetched as tuples, then decoded); the
same columns unpickled take a fraction of it. So after the embedded store
reads the graph whole (:meth:`~dutygraph.store.embedded.EmbeddedStore.graph`),
it writes its columns to ``.STORE.graph-cache`` beside it (``.dutygraph.db.graph-cache``:
a hidden file, not one of the store's own), labelled with
the state they are of: the store file's inode and its write counter. The next
process that asks for the whole graph of that same state reads this file
instead of the tables; any write bumps the counter, so a file of an older state
is never used (and is replaced by the next whole read).

The columns are not kept while a write reads the graph (an import's plan): its
commit makes them stale at once. The file is a cache, never the record: it is written to a temporary file and
renamed into place, and a file that is missing, damaged, of another state or of
another format is ignored (the tables are read). It holds plain values only and
is read with the old store's restricted unpickler
(:class:`~dutygraph.store.pickled._SafeUnpickler`): opening it never runs code.
The law corpus's articles are not in it (they stay in the tables, read an act at
a time).
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from ...columns import DutyColumns
from ..pickled import _columns, _duty_columns, _duty_table, _records, _SafeUnpickler

__all__ = ["SUFFIX", "path_of", "read", "write"]

SUFFIX = ".graph-cache"
_MAGIC = b"DUTYGRAPH-COLUMNS\n"
_VERSION = 1


def path_of(store: Path) -> Path:
    """Where the columns of ``store`` are kept."""
    return store.with_name(f".{store.name}{SUFFIX}")


def read(store: Path, state: tuple[Any, ...]) -> tuple[list[Any], DutyColumns | None] | None:
    """The records and duty columns kept for ``state``, or ``None`` (no such file, another
    state, damaged: read the tables)."""
    try:
        with open(path_of(store), "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if not data.startswith(_MAGIC):
        return None
    try:
        kept = _SafeUnpickler(io.BytesIO(memoryview(data)[len(_MAGIC) :])).load()
        if kept.get("version") != _VERSION or tuple(kept.get("state", ())) != state:
            return None
        records = [rec for label, table in kept["tables"] for rec in _records(label, table)]
        duties = _duty_columns(kept["duty"]) if kept["duty"] is not None else None
    except Exception:  # a damaged or foreign file is only a cache missed
        return None
    return records, duties


def write(
    store: Path, state: tuple[Any, ...], records: list[Any], duties: DutyColumns | None
) -> None:
    """Keep ``records`` and ``duties`` (the whole graph of ``state``) beside ``store``.

    Best effort: a folder that cannot be written is left alone (the next whole read
    reads the tables again)."""
    by_label: dict[str, list[Any]] = {}
    for rec in records:
        by_label.setdefault(rec.label, []).append(rec)
    kept = {
        "version": _VERSION,
        "state": list(state),
        "tables": [(label, _columns(recs, label)) for label, recs in by_label.items()],
        "duty": _duty_table(duties) if duties is not None else None,
    }
    target = path_of(store)
    try:  # mkstemp: created exclusively (O_EXCL), under a name nobody can plant a link at
        fd, name = tempfile.mkstemp(prefix=f"{target.name}.tmp-", dir=target.parent)
    except OSError:
        return
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC)
            pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
            # no memo: the columns' values are distinct objects (each row's own string, as
            # SQLite gives them), so remembering each one only costs: 3.7 s -> 0.33 s for
            # a province's duty columns, and a smaller file
            pickler.fast = True
            pickler.dump(kept)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
