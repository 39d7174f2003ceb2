"""Duties as columns: the shape half a million duties take in an import and a store file.

A province holds about half a million duties. Built one by one as
:class:`~dutygraph.model.Duty` objects, they cost more to make than to read
from disk; kept as one list per field, they are read, checked, compared with
the store and written with the loops in C (``zip``, ``map``, ``set``), and
built into objects only where an answer needs one.

:class:`DutyColumns` holds one list per :class:`~dutygraph.model.Duty` field,
in field order, the origin as four (file, row, sheet, version) — exactly what
the embedded store writes, so an import writes the columns it read.

>>> from dutygraph.model import Duty, Origin
>>> cols = DutyColumns.from_records([
...     Duty("D1", "I1", "510000", "lead", ("B1",), origin=Origin("duties.csv", 2)),
...     Duty("D2", "I1", "510000", "assist", origin=Origin("duties.csv", 3)),
... ])
>>> len(cols), cols.column("role")
(2, ['lead', 'assist'])
>>> cols.keys()[1]
('D2', 'I1', '510000', 'assist', '', '')
>>> cols.record(0).origin.row
2
>>> newer = DutyColumns.from_records([Duty("D2", "I1", "510000", "assist", ("B2",))])
>>> [d.bases for d in cols.merged(newer)]
[('B1',), ('B2',)]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from itertools import compress
from typing import Any

from .model import Duty, Origin

__all__ = ["COLUMNS", "DUTY_FIELDS", "DutyColumns"]

#: the fields of a duty, in order
DUTY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Duty))
assert DUTY_FIELDS[-1] == "origin"
#: the columns: every field but the origin, then the origin's four parts (half a million
#: origin tuples cost more to build, pickle and unpickle than all the other columns)
COLUMNS: tuple[str, ...] = (*DUTY_FIELDS[:-1], *(f"origin.{n}" for n in Origin._fields))
_AT = {name: i for i, name in enumerate(COLUMNS)}
_FIELDS = len(DUTY_FIELDS) - 1  # the columns before the origin's
#: the fields of :attr:`Duty.key`, which make a duty the same duty
_KEY = ("department", "item", "region", "role", "line", "valid_from")
#: from how many duties :meth:`DutyColumns.unique` asks polars (below, a set is quicker
#: than building a frame)
POLARS_FROM = 20_000
#: what an import compares to tell a changed duty from an unchanged one (all but the origin)
_COMPARED = DUTY_FIELDS[:-1]
_make_origin = functools.partial(tuple.__new__, Origin)  # C speed: no Python-level __new__


class DutyColumns:
    """Duties as one list per field (see the module docstring).

    Parameters
    ----------
    columns : list of lists, optional
        One list per name in :data:`COLUMNS`, all of one length (a duty with
        no origin has ``None`` as its origin's file).
    """

    __slots__ = ("_unique", "columns")

    def __init__(self, columns: Sequence[list[Any]] | None = None) -> None:
        self.columns: list[list[Any]] = (
            [list(c) for c in columns] if columns is not None else [[] for _ in COLUMNS]
        )
        self._unique: bool | None = None
        if len(self.columns) != len(COLUMNS):
            raise ValueError(f"{len(self.columns)} columns for the {len(COLUMNS)} duty columns")

    @classmethod
    def wrap(cls, columns: list[list[Any]]) -> DutyColumns:
        """Columns over ``columns`` themselves (not copied): the caller gives them up."""
        if len(columns) != len(COLUMNS):
            raise ValueError(f"{len(columns)} columns for the {len(COLUMNS)} duty columns")
        out = cls.__new__(cls)
        out.columns = columns
        out._unique = None
        return out

    @classmethod
    def from_records(cls, records: Iterable[Duty]) -> DutyColumns:
        """The columns of ``records`` (in their order)."""
        out = cls()
        none = (None, None, None, None)
        rows = [
            (*(getattr(d, name) for name in DUTY_FIELDS[:-1]), *(d.origin or none)) for d in records
        ]
        if rows:
            out.columns = [list(c) for c in zip(*rows, strict=True)]
        return out

    def __len__(self) -> int:
        return len(self.columns[0])

    def __bool__(self) -> bool:
        return bool(self.columns[0])

    def __repr__(self) -> str:
        return f"<DutyColumns of {len(self)} duties>"

    def column(self, name: str) -> list[Any]:
        """The column of field ``name`` (the list itself: do not change it)."""
        return self.columns[_AT[name]]

    def record(self, k: int) -> Duty:
        """Duty number ``k`` as a :class:`Duty`."""
        values = [col[k] for col in self.columns]
        values[_FIELDS:] = [_make_origin(values[_FIELDS:]) if values[_FIELDS] is not None else None]
        return Duty(*values)

    def origin(self, k: int) -> Origin | None:
        """Where duty number ``k`` was read."""
        parts = [col[k] for col in self.columns[_FIELDS:]]
        return _make_origin(parts) if parts[0] is not None else None

    def __iter__(self) -> Iterator[Duty]:
        for k in range(len(self)):
            yield self.record(k)

    def keys(self) -> list[tuple[str, ...]]:
        """Every duty's :attr:`Duty.key`, in row order (made anew: a province's keys take
        ~100 MB, not worth keeping)."""
        return list(zip(*self._key_columns(), strict=True))

    def _key_columns(self) -> list[list[Any]]:
        """The key fields' columns, a missing line or start as ``""`` (as in :attr:`Duty.key`)."""
        out = [self.column(n) for n in _KEY]
        for at in (4, 5):  # line, valid_from
            if None in out[at]:
                out[at] = ["" if v is None else v for v in out[at]]
        return out

    def unique(self) -> bool:
        """Whether no two duties have the same key (remembered until the columns change).

        Above :data:`POLARS_FROM` duties the keys are hashed by polars on both cores, and
        compared in full only if two hashes agree: a set of half a million key tuples
        took a quarter of a province's import, 15 s of the country's.
        """
        if self._unique is None:
            keys = self._key_columns()
            if len(self) < POLARS_FROM:
                self._unique = len(set(zip(*keys, strict=True))) == len(self)
            else:
                import polars as pl

                frame = pl.DataFrame(
                    dict(zip(_KEY, keys, strict=True)), schema=dict.fromkeys(_KEY, pl.String)
                )
                self._unique = frame.hash_rows().n_unique() == len(self) or frame.n_unique() == len(
                    self
                )
        return self._unique

    def values(self) -> list[tuple[Any, ...]]:
        """Every duty's compared fields (all but the origin), in row order."""
        return list(zip(*(self.column(n) for n in _COMPARED), strict=True))

    def take(
        self, rows: Iterable[int] | None = None, *, mask: Sequence[Any] | None = None
    ) -> DutyColumns:
        """The duties at ``rows`` (in that order), or where ``mask`` is true."""
        out = DutyColumns.__new__(DutyColumns)
        out._unique = None
        if mask is not None:
            out.columns = [list(compress(col, mask)) for col in self.columns]
        else:
            at = list(rows or ())
            out.columns = [[col[k] for k in at] for col in self.columns]
        return out

    def extend(self, other: DutyColumns) -> None:
        """Append ``other``'s duties."""
        self._unique = None
        for mine, theirs in zip(self.columns, other.columns, strict=True):
            mine.extend(theirs)

    def index(self) -> dict[tuple[str, ...], int]:
        """Row number by key (the last row, where a key repeats)."""
        return {key: k for k, key in enumerate(self.keys())}

    def merged(
        self, other: DutyColumns, index: dict[tuple[str, ...], int] | None = None
    ) -> DutyColumns:
        """These duties with ``other``'s: a duty of ``other`` replaces the one with its key.

        ``index`` is :meth:`index` of ``self``, when the caller has it. New keys
        are appended in ``other``'s order; ``self`` is left unchanged.
        """
        if not other:
            return self
        if not self and other.unique():
            return other
        index = self.index() if index is None else index
        out = DutyColumns(self.columns)
        appended: dict[tuple[str, ...], int] = {}
        n = len(self)
        for k, key in enumerate(other.keys()):
            at = index.get(key)
            if at is None:
                at = appended.get(key)
                if at is None:
                    appended[key] = n + len(appended)
                    for col, src in zip(out.columns, other.columns, strict=True):
                        col.append(src[k])
                    continue
            for col, src in zip(out.columns, other.columns, strict=True):
                col[at] = src[k]
        return out
