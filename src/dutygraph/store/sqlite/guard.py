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
    """``conn`` with ``execute`` mapping any :class:`sqlite3.Error` through ``error``;
    :meth:`close` closes it, or calls ``close`` (a store taking its connection back), and
    any query after that is refused as on a closed connection."""

    __slots__ = ("_close", "_conn", "_error")

    def __init__(
        self,
        conn: sqlite3.Connection,
        error: Callable[[sqlite3.Error], Exception],
        close: Callable[[], None] | None = None,
    ):
        self._conn: sqlite3.Connection | None = conn
        self._error = error
        self._close = close

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, while this is open (else the store's error for a closed one)."""
        if self._conn is None:
            raise self._error(sqlite3.ProgrammingError("Cannot operate on a closed database."))
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        conn = self.connection
        try:
            return Rows(conn.execute(sql, params).fetchall())
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._close is not None:
            self._close()
        else:
            conn.close()
