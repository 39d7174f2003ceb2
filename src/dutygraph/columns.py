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
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from itertools import accumulate, chain, compress, count, repeat
from operator import add, floordiv, mod, mul, sub
from typing import Any

from .model import Duty, Origin

__all__ = ["COLUMNS", "DUTY_FIELDS", "DutyColumns", "DutySites", "LeadRows"]

#: the fields of a duty, in order
DUTY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Duty))
assert DUTY_FIELDS[-1] == "origin"
#: the columns: every field but the origin, then the origin's four parts (half a million
#: origin tuples cost more to build, pickle and unpickle than all the other columns)
COLUMNS: tuple[str, ...] = (*DUTY_FIELDS[:-1], *(f"origin.{n}" for n in Origin._fields))
_AT = {name: i for i, name in enumerate(COLUMNS)}
_FIELDS = len(DUTY_FIELDS) - 1  # the columns before the origin's
_TO = _AT["valid_to"]
assert (_FIELDS, len(Origin._fields)) == (10, 4)  # as DutyColumns.record names them
#: the fields of :attr:`Duty.key`, which make a duty the same duty
_KEY = ("department", "item", "region", "role", "line", "valid_from")
#: from how many duties :meth:`DutyColumns.unique` asks polars (below, a set is quicker
#: than building a frame)
POLARS_FROM = 20_000
#: :class:`DutySites` keeps a table of every (item, region) number when it has at most this
#: many places per pair (a province: 1.2)
DIRECT_FILL = 8
#: a :class:`DutySites` keeps the lists of this many pairs asked for, then starts again
#: (a long-lived process asking random pairs kept every one: measured by hand in session 15,
#: +160 MB over 1M random asks at a province and +476 MB at national, against +97 / +223 MB
#: with the cap; a list is one slice of an array to make again)
SITES_KEPT = 65536
#: what an import compares to tell a changed duty from an unchanged one (all but the origin)
_COMPARED = DUTY_FIELDS[:-1]
_make_origin = functools.partial(tuple.__new__, Origin)  # C speed: no Python-level __new__


def _origin_of(*parts: Any) -> Origin | None:
    return _make_origin(parts) if parts[0] is not None else None


def _one_value(col: list[Any]) -> Any:
    """The value every row of ``col`` holds, if it is one immutable value (``None``, a
    string, a number, a tuple), else :data:`_VARIES`. A sample is looked at first: a column
    of many values costs a few thousand comparisons, one of one value a pass in C."""
    if not col or col[0].__class__ not in _IMMUTABLE:
        return _VARIES
    one = col[0]
    sample = col[:: max(1, len(col) // 4096)]
    if sample.count(one) != len(sample) or col.count(one) != len(col):
        return _VARIES
    return one


def _record_maker(
    columns: list[list[Any]],
) -> tuple[Callable[[int], Duty], Callable[[int, str, str], Duty], tuple[Any, ...]]:
    """A function building duty number ``k`` of ``columns`` as :meth:`DutyColumns.record`
    gives it, each column named in its code and a column of one value (:func:`_one_value`:
    the validity's end, the origin's file, sheet and version, as a store keeps most
    duties) not read at all. A first answer builds its duties one at a time: a loop over the
    columns took three times as long, and at national size each column read is a cache
    miss (~0.4 us, 12.6 million rows a column). With it, the same for a duty whose item and
    region the caller knows (it found the row at that pair: those two columns not read), and
    each column's one value or :data:`_VARIES`."""
    env: dict[str, Any] = {"Duty": Duty, "make_origin": _make_origin}
    args = []
    ones = tuple(map(_one_value, columns))
    for i, (col, one) in enumerate(zip(columns, ones, strict=True)):
        if one is _VARIES:
            env[f"c{i}"] = col
            args.append(f"c{i}[k]")
        else:
            env[f"v{i}"] = one
            args.append(f"v{i}")
    fields, origin = args[:_FIELDS], args[_FIELDS:]
    at = [*fields]
    at[_AT["item"]], at[_AT["region"]] = "item", "region"
    source = "".join(
        f"def {name}:\n"
        f"    f = {origin[0]}\n"
        f"    return Duty({', '.join(given)}, "
        f"make_origin((f, {', '.join(origin[1:])})) if f is not None else None)\n"
        for name, given in (("record(k)", fields), ("record_at(k, item, region)", at))
    )
    exec(source, env)  # code of the names above alone: no value of a column is in it
    return env["record"], env["record_at"], ones


#: :func:`_one_value` of a column whose rows do not all hold one value
_VARIES = object()
_IMMUTABLE = (type(None), str, int, float, tuple)


class DutyColumns:
    """Duties as one list per field (see the module docstring).

    Parameters
    ----------
    columns : list of lists, optional
        One list per name in :data:`COLUMNS`, all of one length (a duty with
        no origin has ``None`` as its origin's file).
    """

    __slots__ = ("_ones", "_record", "_record_at", "_unique", "columns")

    def __init__(self, columns: Sequence[list[Any]] | None = None) -> None:
        self.columns: list[list[Any]] = (
            [list(c) for c in columns] if columns is not None else [[] for _ in COLUMNS]
        )
        self._unique: bool | None = None
        self._record: Callable[[int], Duty] | None = None  # record()'s maker (_record_maker)
        self._record_at: Callable[[int, str, str], Duty] | None = None  # record_at()'s
        self._ones: tuple[Any, ...] = ()  # each column's one value or _VARIES, with _record
        if len(self.columns) != len(COLUMNS):
            raise ValueError(f"{len(self.columns)} columns for the {len(COLUMNS)} duty columns")

    @classmethod
    def wrap(cls, columns: list[list[Any]]) -> DutyColumns:
        """Columns over ``columns`` themselves (not copied): the caller gives them up."""
        if len(columns) != len(COLUMNS):
            raise ValueError(f"{len(columns)} columns for the {len(COLUMNS)} duty columns")
        out = cls.__new__(cls)
        out.columns = columns
        out._unique = out._record = out._record_at = None
        out._ones = ()
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
        """Duty number ``k`` as a :class:`Duty` (by :func:`_record_maker`, made on first use)."""
        make = self._record
        if make is None:
            make = self._maker()
        return make(k)

    def record_at(self, k: int, item: str, region: str) -> Duty:
        """:meth:`record` of a row known to be recorded at (``item``, ``region``): the
        duty built with these two (equal to its columns': at national size each column
        read is a cache miss)."""
        make = self._record_at
        if make is None:
            self._maker()
            make = self._record_at
            assert make is not None
        return make(k, item, region)

    def _maker(self) -> Callable[[int], Duty]:
        self._record, self._record_at, self._ones = _record_maker(self.columns)
        return self._record

    def open_ended(self) -> bool:
        """Whether no duty has an end of validity (``valid_to`` ``None`` in every row, as a
        store holds them; known with :meth:`record`'s maker): a date check then reads the
        start alone."""
        if self._record is None:
            self._maker()
        return self._ones[_TO] is None

    def records(self, rows: Sequence[int]) -> list[Duty]:
        """Duties number ``rows`` as :class:`Duty` objects, as :meth:`record` builds each: in
        one pass per column (the loops in C: a third quicker than one at a time)."""
        get = [list(map(col.__getitem__, rows)) for col in self.columns]
        origins = list(map(_origin_of, *get[_FIELDS:]))
        return list(map(Duty, *get[:_FIELDS], origins))

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

        Above :data:`POLARS_FROM` duties each key is hashed as it is made (one tuple at a
        time, into an array of numbers) and polars counts the distinct hashes; the keys
        are compared in full, in a frame, only if two hashes agree: a set of half a
        million key tuples took a quarter of a province's import, 15 s of the country's,
        and a frame of the key columns (~50 MB at province size) stays in polars'
        allocator after it is freed.
        """
        if self._unique is None:
            keys = self._key_columns()
            if len(self) < POLARS_FROM:
                self._unique = len(set(zip(*keys, strict=True))) == len(self)
            else:
                import polars as pl

                hashes = array("q", map(hash, zip(*keys, strict=True)))
                self._unique = pl.Series(hashes, dtype=pl.Int64).n_unique() == len(self)
                if not self._unique:
                    frame = pl.DataFrame(
                        dict(zip(_KEY, keys, strict=True)), schema=dict.fromkeys(_KEY, pl.String)
                    )
                    self._unique = frame.n_unique() == len(self)
        return self._unique

    def values(self) -> list[tuple[Any, ...]]:
        """Every duty's compared fields (all but the origin), in row order."""
        return list(self.each_value())

    def each_value(self) -> Iterator[tuple[Any, ...]]:
        """:meth:`values` one at a time (a province's list of them is ~70 MB)."""
        return zip(*(self.column(n) for n in _COMPARED), strict=True)

    def take(
        self, rows: Iterable[int] | None = None, *, mask: Sequence[Any] | None = None
    ) -> DutyColumns:
        """The duties at ``rows`` (in that order), or where ``mask`` is true."""
        out = DutyColumns.__new__(DutyColumns)
        out._unique = out._record = out._record_at = None
        out._ones = ()
        if mask is not None:
            out.columns = [list(compress(col, mask)) for col in self.columns]
        else:
            at = list(rows or ())
            out.columns = [[col[k] for k in at] for col in self.columns]
        return out

    def extend(self, other: DutyColumns) -> None:
        """Append ``other``'s duties."""
        self._unique = self._record = self._record_at = None
        self._ones = ()
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


class DutySites(Mapping[tuple[str, str], list[int]]):
    """The duties' row numbers by (item, region), kept as arrays and made lists when asked for.

    What :class:`~dutygraph.graph.DutyGraph` groups its duty columns by: each
    (item, region) pair ("site") with the rows recorded there, the pairs in the
    order they first occur, each pair's rows in row order — as a dict would hold
    them. Grouping a province's half a million rows into a third of a million
    lists took most of opening it, and the scans ask about a few thousand pairs.
    So a store keeps this index beside its columns (:meth:`kept`) and a graph
    reads it back (:meth:`from_kept`) as a handful of arrays: a pair's list is made
    when it is first asked for (and kept, up to :data:`SITES_KEPT` lists: the graph may
    build its duties into it),
    found by bisecting the pairs' sorted numbers; :meth:`multi_lead` counts the
    lead rows of every pair in C-speed passes.

    >>> sites = DutySites.of(["I1", "I2", "I1"], ["R1", "R1", "R1"])
    >>> sites.get(("I1", "R1")), sites.get(("I1", "R2")), list(sites)
    ([0, 2], None, [('I1', 'R1'), ('I2', 'R1')])
    >>> again = DutySites.from_kept(sites.kept(), 3)
    >>> dict(again) == dict(sites), again.multi_lead(["lead", "assist", "lead"])
    (True, [('I1', 'R1')])
    >>> moved = sites.patched({("I1", "R1"): [0], ("I2", "R1"): [], ("I3", "R1"): [1, 2]})
    >>> dict(moved), moved.multi_lead(["lead", "lead", "lead"]), len(moved), dict(sites)[("I2", "R1")]
    ({('I1', 'R1'): [0], ('I3', 'R1'): [1, 2]}, [('I3', 'R1')], 2, [1])
    """

    __slots__ = (
        "_direct",
        "_ends",
        "_hits",
        "_index",
        "_item",
        "_items",
        "_multi",
        "_order",
        "_over",
        "_region",
        "_regions",
        "_sorted",
        "_starts",
        "_tail",
        "_width",
        "leads",
    )

    def __init__(
        self,
        items: list[str],
        regions: list[str],
        item: array[int],
        region: array[int],
        order: array[int],
        ends: array[int],
        numbers: array[int],
        at: array[int],
        multi: array[int] | None = None,
    ) -> None:
        self._items, self._regions = items, regions
        self._item, self._region = item, region  # each pair's item and region, as numbers
        self._order, self._ends = order, ends  # the pairs' rows one after the other; ends
        self._width = len(regions) + 1
        # item -> its number, region -> its number (made when first asked)
        self._index: tuple[dict[str, int], dict[str, int]] | None = None
        self._hits: dict[tuple[str, str], list[Any]] = {}  # the pairs asked for, by key
        self._multi = multi  # the pairs with two or more lead rows, when known (:meth:`of`)
        self._sorted = (numbers, at)  # each pair as one number, sorted; the pairs in that order
        # after :meth:`patched`: the pairs' lists changed where they stand (empty: the pair
        # gone), and the pairs added after the others
        self._over: dict[tuple[str, str], list[Any]] = {}
        self._tail: dict[tuple[str, str], list[Any]] = {}
        # each pair's number by its own number (-1: no such pair), when the store kept it
        # (:meth:`kept`): a look-up is then one index, not a bisection
        self._direct: array[int] | None = None
        self._starts: list[int] = []  # where each item's pairs start (made with ``_index``)
        #: the lead rows of these same columns (:class:`LeadRows`), when the store kept them
        self.leads: LeadRows | None = None

    @classmethod
    def of(
        cls, items: Sequence[str], regions: Sequence[str], roles: Sequence[str] | None = None
    ) -> DutySites:
        """The index of duties whose items and regions are these columns: in C-speed passes
        over the rows (a loop appending each row to its pair's list took a second a province).
        With their ``roles``, the pairs with two or more leads are found in the same passes
        (:meth:`multi_lead`, kept with the index)."""
        inames = list(dict.fromkeys(items))
        rnames = list(dict.fromkeys(regions))
        width = len(rnames) + 1
        inum = dict(zip(inames, count()))
        rnum = dict(zip(rnames, count()))
        # each row's pair as one number; the pairs numbered in the order they first occur
        numbers = list(
            map(
                add,
                map(mul, map(inum.__getitem__, items), repeat(width)),
                map(rnum.__getitem__, regions),
            )
        )
        pairs = list(dict.fromkeys(numbers))
        site = dict(zip(pairs, count()))
        of_row = list(map(site.__getitem__, numbers))
        order = array("I", sorted(range(len(of_row)), key=of_row.__getitem__))  # stable
        sizes = Counter(of_row)
        ends = array("I", accumulate(map(sizes.__getitem__, range(len(pairs)))))
        item = array("I", map(floordiv, pairs, repeat(width)))
        region = array("I", map(mod, pairs, repeat(width)))
        at = array("I", sorted(range(len(pairs)), key=pairs.__getitem__))
        multi = None
        if roles is not None:
            leads = Counter(compress(of_row, map("lead".__eq__, roles)))
            multi = array("I", sorted(k for k, n in leads.items() if n > 1))
        return cls(
            inames,
            rnames,
            item,
            region,
            order,
            ends,
            array("Q", map(pairs.__getitem__, at)),
            at,
            multi,
        )

    def kept(self) -> dict[str, Any]:
        """Plain values to keep (pickle) and give back to :meth:`from_kept`."""
        return {
            "items": self._items,
            "regions": self._regions,
            **{
                name: (getattr(self, f"_{name}").typecode, getattr(self, f"_{name}").tobytes())
                for name in ("item", "region", "order", "ends")
            },
            "numbers": (self._sorted[0].typecode, self._sorted[0].tobytes()),
            "at": (self._sorted[1].typecode, self._sorted[1].tobytes()),
            "multi": None if self._multi is None else (self._multi.typecode, self._multi.tobytes()),
            "direct": self._direct_table(),
        }

    def _direct_table(self) -> bytes | None:
        """Each pair's number at its own number (an item's number times the width plus its
        region's), -1 elsewhere, as bytes; ``None`` when the pairs fill too little of that
        table (:data:`DIRECT_FILL`)."""
        numbers, at = self._sorted
        size = len(self._items) * self._width
        if size > DIRECT_FILL * len(at):
            return None
        direct = array("i", [-1]) * size
        for number, site in zip(numbers, at, strict=True):  # once, when the store keeps it
            direct[number] = site
        return direct.tobytes()

    @classmethod
    def from_kept(cls, kept: Mapping[str, Any], rows: int) -> DutySites | None:
        """The index :meth:`kept` gave, or ``None`` if it is not one of ``rows`` duties."""
        arrays = []
        for name in ("item", "region", "order", "ends", "numbers", "at"):
            code, raw = kept[name]
            got = array(code)
            got.frombytes(raw)
            arrays.append(got)
        item, region, order, ends, numbers, at = arrays
        if not (len(item) == len(region) == len(ends) == len(numbers) == len(at)):
            return None
        if len(order) != rows or (ends and ends[-1] != rows):
            return None
        items, regions = list(kept["items"]), list(kept["regions"])
        multi = None
        if kept.get("multi") is not None:
            multi = array(kept["multi"][0])
            multi.frombytes(kept["multi"][1])
        out = cls(items, regions, item, region, order, ends, numbers, at, multi)
        raw = kept.get("direct")
        if isinstance(raw, bytes) and len(raw) == array("i").itemsize * len(items) * out._width:
            direct = array("i")
            direct.frombytes(raw)
            out._direct = direct
        return out

    def _site(self, key: tuple[str, str]) -> int | None:
        index = self._index
        if index is None:
            index = self._index = (
                dict(zip(self._items, count())),
                dict(zip(self._regions, count())),
            )
            # where each item's pairs start among the sorted numbers (one more: the end):
            # a look-up bisects its item's few pairs, not all of them
            if self._direct is None:
                numbers, width = self._sorted[0], self._width
                self._starts = [
                    bisect_left(numbers, i * width) for i in range(len(self._items) + 1)
                ]
        try:
            item, region = key
            i = index[0][item]
            number = i * self._width + index[1][region]
        except (KeyError, TypeError, ValueError):
            return None
        if self._direct is not None:
            site = self._direct[number]
            return site if 0 <= site < len(self._ends) else None
        numbers, at = self._sorted
        hi = self._starts[i + 1]
        k = bisect_left(numbers, number, self._starts[i], hi)
        return at[k] if k < hi and numbers[k] == number else None

    def _rows(self, site: int) -> list[int]:
        start = self._ends[site - 1] if site else 0
        return self._order[start : self._ends[site]].tolist()

    def _key(self, site: int) -> tuple[str, str]:
        return self._items[self._item[site]], self._regions[self._region[site]]

    def get(self, key: Any, default: Any = None) -> Any:
        if self._over or self._tail:
            got = self._tail.get(key) or self._over.get(key)
            if got is not None:
                return got or default
        hits = self._hits
        got = hits.get(key)
        if got is None:
            site = self._site(key)
            if site is None:
                return default
            if len(hits) >= SITES_KEPT:
                hits.clear()
            got = hits[key] = self._rows(site)
        return got

    def __getitem__(self, key: tuple[str, str]) -> list[Any]:
        got = self.get(key)
        if got is None:
            raise KeyError(key)
        return got  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        keys = map(self._key, range(len(self._ends)))
        if not (self._over or self._tail):
            return keys
        over = self._over
        return chain((k for k in keys if over.get(k, True)), self._tail)

    def __len__(self) -> int:
        gone = sum(1 for rows in self._over.values() if not rows)
        return len(self._ends) - gone + len(self._tail)

    def items(self) -> Iterator[tuple[tuple[str, str], list[Any]]]:  # type: ignore[override]
        for key in self:
            yield key, self[key]

    def patched(self, changes: Mapping[tuple[str, str], list[Any]]) -> DutySites:
        """A new index: this one with each pair of ``changes`` given its list (empty: the
        pair removed), as a dict would take them one by one (a pair new, or removed before,
        comes after the others). This one is left as it is; the arrays, and the lists made
        so far, are shared."""
        out = DutySites.__new__(DutySites)
        for name in self.__slots__:
            setattr(out, name, getattr(self, name))
        out.leads = None  # of the rows before the patch
        over, tail = dict(self._over), dict(self._tail)
        for key, rows in changes.items():
            if key in tail:
                if rows:
                    tail[key] = rows
                else:
                    del tail[key]
            elif over.get(key, True) and self._site(key) is not None:  # a pair standing here
                over[key] = rows
            elif rows:
                tail[key] = rows
        out._over, out._tail = over, tail
        return out

    def lead_rows(self, key: tuple[str, str]) -> list[int] | None:
        """The lead rows recorded at ``key`` (item, region), any date, in row order (``[]``:
        none); ``None`` when no :class:`LeadRows` are kept with this index."""
        leads = self.leads
        if leads is None:
            return None
        site = self._site(key)
        return [] if site is None else leads.at_site(site)

    def multi_lead(self, roles: Sequence[str]) -> list[tuple[str, str]]:
        """The pairs with two or more entries whose role is ``"lead"`` (a row number's in
        ``roles``, a duty's own), in order (those of the rows :meth:`of` indexed found
        with them, when it was given their roles)."""
        ends = self._ends
        sites: Iterable[int] | None = self._multi
        if sites is None:
            leads = [0, *accumulate(map("lead".__eq__, map(roles.__getitem__, self._order)))]
            starts = map(leads.__getitem__, [0, *ends[:-1]])
            counts = map(sub, map(leads.__getitem__, ends), starts)
            sites = compress(range(len(ends)), map((1).__lt__, counts))
        if not (self._over or self._tail):
            return list(map(self._key, sites))

        def several(rows: list[Any]) -> bool:
            return sum((roles[e] if e.__class__ is int else e.role) == "lead" for e in rows) > 1

        changed = {
            site: rows for k, rows in self._over.items() if (site := self._site(k)) is not None
        }
        out = [
            self._key(site)
            for site in sorted({*sites, *changed})
            if site not in changed or several(changed[site])
        ]
        return out + [k for k, rows in self._tail.items() if several(rows)]


def _uint32(values: Any) -> array[int]:
    """A numpy array of row or place numbers as an ``array("I")``."""
    import numpy as np

    out = array("I")
    out.frombytes(np.asarray(values, np.uint32).tobytes())
    return out


class LeadRows:
    """The lead duties' row numbers of a store's duty columns, made when the columns are kept
    (:mod:`dutygraph.store.sqlite.snapshot`) so that a fresh process's first scan reads them
    instead of passing over every row: by (item, region), in the order of the columns'
    :class:`DutySites`; and by value of the columns a gap scan asks about a few values of
    (:data:`BY`: the bad bases, the dead departments, the regions above). With them, the
    distinct values of the columns a scan lists (:data:`DISTINCT`). Each list of rows is in
    row order, as a pass over the rows finds them.

    >>> cols = DutyColumns.from_records([
    ...     Duty("D1", "I1", "R1", "lead", ("B1",)), Duty("D2", "I1", "R1", "assist"),
    ...     Duty("D3", "I2", "R1", "lead", ("B1",)), Duty("D4", "I1", "R1", "lead", line="L"),
    ... ])
    >>> sites = DutySites.of(cols.column("item"), cols.column("region"))
    >>> leads = LeadRows.from_kept(LeadRows.of(cols, sites).kept(), len(cols), len(sites))
    >>> sites.leads = leads
    >>> sites.lead_rows(("I1", "R1")), sites.lead_rows(("I2", "R1")), sites.lead_rows(("I3", "R1"))
    ([0, 3], [2], [])
    >>> leads.of_values("bases", [("B1",), ("B9",)]), leads.of_values("item", ["I1"])
    ({('B1',): [0, 2], ('B9',): []}, None)
    >>> leads.distinct("line") == {None, "L"}, leads.distinct("item")
    (True, None)
    """

    #: the columns whose lead rows are kept by value
    BY = ("bases", "department", "region")
    #: the columns whose distinct values (any role) are kept
    DISTINCT = ("line", "bases", "department")

    __slots__ = ("_by", "_distinct", "_numbers", "_site_ends", "_site_rows")

    def __init__(
        self,
        site_ends: array[int],
        site_rows: array[int],
        by: dict[str, tuple[list[Any], array[int], array[int]]],
        distinct: dict[str, list[Any]],
    ) -> None:
        self._site_ends, self._site_rows = site_ends, site_rows
        self._by = by  # column -> (values, ends, rows): each value's rows one after the other
        self._distinct = distinct
        self._numbers: dict[str, dict[Any, int]] = {}

    @classmethod
    def of(cls, columns: DutyColumns, sites: DutySites) -> LeadRows:
        """The lead rows of ``columns``, by the sites of ``sites`` (their index): in passes
        in C (numpy's stable sort groups each column's rows by value; a store pays them
        once, when it keeps the columns)."""
        import numpy as np

        is_lead = np.fromiter(map("lead".__eq__, columns.column("role")), bool, len(columns))
        order = np.frombuffer(sites._order, np.uint32) if len(columns) else np.zeros(0, np.uint32)
        in_order = is_lead[order]
        cum = np.concatenate(([0], np.cumsum(in_order)))
        ends = np.frombuffer(sites._ends, np.uint32) if len(sites._ends) else np.zeros(0, np.uint32)
        site_ends = _uint32(cum[ends])
        site_rows = _uint32(order[in_order])
        leads = np.flatnonzero(is_lead)
        at = leads.tolist()
        by = {}
        for name in cls.BY:
            col = list(map(columns.column(name).__getitem__, at))
            try:
                number: dict[Any, int] = dict(zip(dict.fromkeys(col), count()))
            except TypeError:  # a value that cannot be hashed: that column is not kept
                continue
            codes = np.fromiter(map(number.__getitem__, col), np.int64, len(col))
            rows = leads[np.argsort(codes, kind="stable")]
            by[name] = (
                list(number),
                _uint32(np.cumsum(np.bincount(codes, minlength=len(number)))),
                _uint32(rows),
            )
        distinct = {}
        for name in cls.DISTINCT:
            try:
                distinct[name] = list(set(columns.column(name)))
            except TypeError:
                continue
        return cls(site_ends, site_rows, by, distinct)

    def kept(self) -> dict[str, Any]:
        """Plain values to keep (pickle) and give back to :meth:`from_kept`."""
        return {
            "site": (self._site_ends.tobytes(), self._site_rows.tobytes()),
            "by": {
                name: (values, ends.tobytes(), rows.tobytes())
                for name, (values, ends, rows) in self._by.items()
            },
            "distinct": self._distinct,
        }

    @classmethod
    def from_kept(cls, kept: Mapping[str, Any], rows: int, sites: int) -> LeadRows | None:
        """The lead rows :meth:`kept` gave, or ``None`` if they are not of ``rows`` duties in
        ``sites`` sites (or are damaged)."""

        def numbers(raw: bytes) -> array[int]:
            out = array("I")
            out.frombytes(raw)
            return out

        try:
            site_ends, site_rows = map(numbers, kept["site"])
            if len(site_ends) != sites or (sites and site_ends[-1] != len(site_rows)):
                return None
            if len(site_rows) > rows:  # lengths only, as DutySites.from_kept (a max: 17 ms)
                return None
            by = {}
            for name, (values, raw_ends, raw_rows) in kept["by"].items():
                ends, at = numbers(raw_ends), numbers(raw_rows)
                if name not in cls.BY or len(ends) != len(values) or len(at) != len(site_rows):
                    return None
                if values and ends[-1] != len(at):
                    return None
                by[name] = (list(values), ends, at)
            distinct = {
                name: list(values)
                for name, values in kept["distinct"].items()
                if name in cls.DISTINCT
            }
        except Exception:  # a damaged or foreign entry is only a cache missed
            return None
        return cls(site_ends, site_rows, by, distinct)

    def at_site(self, site: int) -> list[int]:
        """The lead rows of site number ``site`` (of the :class:`DutySites` they were made by)."""
        ends = self._site_ends
        return self._site_rows[ends[site - 1] if site else 0 : ends[site]].tolist()

    def of_values(self, column: str, values: Iterable[Any]) -> dict[Any, list[int]] | None:
        """The lead rows whose ``column`` is each of ``values`` (``[]``: none), or ``None``
        if that column's are not kept."""
        got = self._by.get(column)
        if got is None:
            return None
        names, ends, rows = got
        number = self._numbers.get(column)
        if number is None:
            number = self._numbers[column] = dict(zip(names, count()))
        out = {}
        for value in values:
            k = number.get(value)
            out[value] = [] if k is None else rows[ends[k - 1] if k else 0 : ends[k]].tolist()
        return out

    def distinct(self, column: str) -> set[Any] | None:
        """The values found in ``column`` (any role, any date), or ``None`` if not kept."""
        got = self._distinct.get(column)
        return None if got is None else set(got)
