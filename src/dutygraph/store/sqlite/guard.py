"""A connection whose every query turns SQLite's errors into the store's own.

The lazy reader queries the file long after the store opened it, from inside
any analysis; a damaged page met there must end as the store's error (exit 3,
naming the file), never as an internal error. :class:`Guarded` runs each query
and fetches its rows under one ``try``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = ["Guarded", "Rows"]


class Rows:
    """The rows of one query, fetched: ``fetchone``, ``fetchall`` and iteration, as a cursor."""

    __slots__ = ("_at", "_rows")

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows
        self._at = 0

    def fetchone(self) -> Any:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchall(self) -> list[Any]:
        rest, self._at = self._rows[self._at :], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class Guarded:
    """``conn`` with ``execute`` mapping any :class:`sqlite3.Error` through ``error``."""

    __slots__ = ("_conn", "_error")

    def __init__(self, conn: sqlite3.Connection, error: Callable[[sqlite3.Error], Exception]):
        self._conn = conn
        self._error = error

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        try:
            return Rows(self._conn.execute(sql, params).fetchall())
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def close(self) -> None:
        self._conn.close()
