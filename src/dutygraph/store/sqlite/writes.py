"""Writing a change set into the SQLite store's tables, inside the caller's transaction.

Each record replaces the row of the same kind and id (an upsert: the row keeps
its place, so the store's order is the order records were first written, as in
the in-memory graph); the ``names`` and ``duty_basis`` look-up tables follow.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from ...columns import DutyColumns
from ...graph import _names_of, name_key
from ..base import ChangeSet
from .schema import (
    BASES_OF_DUTIES,
    KEY_EQ,
    TABLES,
    Table,
    duty_insert,
    duty_rows,
    key_eq,
    key_params,
)

__all__ = ["NAMED", "apply_changes", "by_label", "write_records"]

#: duties handed to executemany at a time by a write into an empty table
_SLICE = 100_000
#: a duty of one key, as ``d`` (:data:`~.schema.KEY_EQ`)
_D_KEY_EQ = key_eq("d.")
#: the kinds :meth:`find` looks up by name (as :class:`~dutygraph.graph.DutyGraph` does)
NAMED = ("item", "region", "department", "basis", "behavior", "business_form")


def _table(conn: sqlite3.Connection, rec: Any) -> Table:
    table = TABLES.get(rec.label)
    if table is None:  # a kind of record this schema was not written with: its own table
        table = TABLES[rec.label] = Table(type(rec))
        for stmt in table.ddl():
            conn.execute(stmt)
    return table


def by_label(changes: ChangeSet) -> tuple[dict[str, list[Any]], list[Any]]:
    """``changes``' records grouped by kind (in their order), and its duty records apart."""
    groups: dict[str, list[Any]] = defaultdict(list)
    duty_records = []
    for rec in changes.records:
        if rec.label == "duty":
            duty_records.append(rec)
        else:
            groups[rec.label].append(rec)
    return groups, duty_records


def apply_changes(
    conn: sqlite3.Connection, changes: ChangeSet, *, empty: Collection[str] = ()
) -> None:
    """Write ``changes``' records, then its duty columns, into the open transaction.

    ``empty``: the tables the caller knows hold no rows (the bulk path,
    :func:`~.bulk.write_bulk`): no names are deleted before theirs are written, and
    duties going into an empty ``duty`` and ``duty_basis`` are written a slice at a time
    with their bases filled by one ``INSERT … SELECT``.
    """
    groups, duty_records = by_label(changes)
    for recs in groups.values():
        write_records(conn, recs, clear_names="names" not in empty)
    if duty_records:
        _write_duties(conn, DutyColumns.from_records(duty_records))
    if changes.duties:
        new = "duty" in empty and "duty_basis" in empty
        (_write_new_duties if new else _write_duties)(conn, changes.duties)


def write_records(conn: sqlite3.Connection, recs: list[Any], *, clear_names: bool = True) -> None:
    """Write ``recs`` (records of one kind) and their names; ``clear_names`` false: the
    names table holds none of theirs (a bulk write into an empty one), none are deleted."""
    table = _table(conn, recs[0])
    rows = [table.encode(r) for r in recs]
    conn.executemany(table.upsert_sql(), rows)
    if table.label in NAMED:
        label = table.label
        if clear_names:
            conn.executemany(
                "DELETE FROM names WHERE label = ? AND id = ?", [(label, r[0]) for r in rows]
            )
        conn.executemany(
            "INSERT INTO names (label, name, id, folded) VALUES (?, ?, ?, ?)",
            [(label, n, r.id, name_key(n)) for r in recs for n in dict.fromkeys(_names_of(r))],
        )


def _parts(duties: Any) -> Iterator[DutyColumns]:
    """``duties`` itself, or a slice at a time for duties read as they are written (an
    import's :class:`~dutygraph.io.bundle.DutyStream`: its ``slices``)."""
    slices = getattr(duties, "slices", None)
    if slices is None:
        yield duties
    else:
        yield from slices()


def _write_duties(conn: sqlite3.Connection, duties: DutyColumns) -> None:
    for part in _parts(duties):
        _write_some_duties(conn, part)


def _write_some_duties(conn: sqlite3.Connection, duties: DutyColumns) -> None:
    """Upsert the duties by key (a stored duty keeps its row number ``n``), then their
    bases from their stored ``bases``, each found by its key's unique index."""
    had_duties = conn.execute("SELECT 1 FROM duty_basis LIMIT 1").fetchone() is not None
    conn.executemany(TABLES["duty"].upsert_sql(), duty_rows(duties))
    keys = [key_params(k) for k in duties.keys()]  # noqa: SIM118 - DutyColumns.keys()
    if had_duties:  # a changed duty's bases replace its old ones
        conn.executemany(
            f"DELETE FROM duty_basis WHERE duty = (SELECT n FROM duty WHERE {KEY_EQ})", keys
        )
    conn.executemany(f"{BASES_OF_DUTIES} WHERE {_D_KEY_EQ}", keys)


def _slices(duties: DutyColumns) -> Iterator[tuple[str, Iterable[tuple[Any, ...]]]]:
    """The duty table's ``INSERT`` and rows of ``duties``, a slice at a time
    (:func:`~.schema.duty_insert`; at national, one list of all rows alone was ~3 GB)."""
    for some in _parts(duties):
        for lo in range(0, len(some), _SLICE):
            part = DutyColumns.wrap([col[lo : lo + _SLICE] for col in some.columns])
            yield duty_insert(part)
        some = part = None  # type: ignore[assignment]  # not held while the next is read


def _write_new_duties(conn: sqlite3.Connection, duties: DutyColumns) -> None:
    """Duties into an empty ``duty`` table, and their bases into an empty ``duty_basis``
    (the rows :func:`_write_duties` writes). A plain ``INSERT``: the bulk write
    (:func:`~.bulk.write_bulk`) makes the key's unique index after the rows, and an
    import's duties have distinct keys (its plan keeps the last of a repeated key; a
    repeat here fails that index, and the write with it)."""
    for sql, rows in _slices(duties):
        conn.executemany(sql, rows)
    conn.execute(f"{BASES_OF_DUTIES} ORDER BY d.n")
