"""Upgrading a store in the old pickled format to SQLite, once, losing nothing.

The first open of an old store (:mod:`dutygraph.store.pickled`, formats 2 and 3)
converts it: under the old writers' lock (``PATH.lock``), every record and every
log entry is written into a new SQLite file beside it in one transaction, the
counts are checked, the old file is kept as ``PATH.vN.pickle`` (a hard link, so
it never leaves the store's name empty), and the new file is renamed over the
store. A crash at any point leaves the old store in place, to be upgraded at the
next open.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path

from ...errors import StoreCorrupt
from ..base import ChangeSet
from ..pickled import MAGIC, PickledStore
from .writes import apply_changes

__all__ = ["upgrade"]

log = logging.getLogger("dutygraph.store")


def upgrade(path: Path) -> Path | None:
    """Convert the pickled store at ``path`` to SQLite in place; the old file's new name.

    ``None`` if another process upgraded it meanwhile.
    """
    from ..embedded import EmbeddedStore

    with PickledStore(path)._locked():  # the old writers' lock
        with open(path, "rb") as fh:
            if not fh.read(len(MAGIC)).startswith(MAGIC):
                return None  # upgraded by another process while this one waited
        old = PickledStore(path)
        version = old._read_state().get("version")
        graph, history = old.graph(), old.history()
        fd_tmp, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.upgrade-", dir=path.parent)
        os.close(fd_tmp)
        tmp = Path(tmp_name)
        try:
            new = EmbeddedStore(tmp)
            conn = new._connect(create=True)
            assert conn is not None
            with contextlib.closing(conn):
                conn.execute("BEGIN IMMEDIATE")
                records = [r for r in graph.records() if r.label != "duty"]
                apply_changes(conn, ChangeSet(records, duties=graph.duty_columns()))
                conn.executemany(
                    "INSERT INTO history (at, op, entry) VALUES (?, ?, ?)",
                    [
                        (e.get("at"), str(e.get("op", "")), json.dumps(e, ensure_ascii=False))
                        for e in history
                    ],
                )
                conn.execute("UPDATE meta SET value = ? WHERE key = 'writes'", (len(history),))
                conn.execute("COMMIT")
            if new.graph().counts() != graph.counts():
                raise StoreCorrupt(f"{path}：升级后的记录数与原存储不符，原存储未改动")
            backup = path.with_name(f"{path.name}.v{version}.pickle")
            n = 1
            while backup.exists():
                backup = path.with_name(f"{path.name}.v{version}.pickle.{n}")
                n += 1
            os.link(path, backup)
            os.replace(tmp, path)
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        finally:
            for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-wal", "-shm"))):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        log.warning(
            "%s：已将旧格式（第 %s 版）存储升级为 SQLite，原文件保留为 %s "
            "(upgraded the old store format to SQLite; the old file is kept)",
            path,
            version,
            backup,
        )
        return backup
