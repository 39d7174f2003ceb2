"""Cursor-paginated connections: ``first``/``after``, ``last``/``before``, ``totalCount``, ``pageInfo``.

Every list of the API is a connection over one snapshot. A cursor is an
opaque string; pass the ``endCursor`` of one page as ``after`` to get the
next, or the ``startCursor`` as ``before`` (with ``last``) to get the one
before. Where the list has a key (``key``: the sort values, the record's own
key last), a cursor holds the key of its row — a *keyset* cursor: a write
between two requests (a record added or removed before it) does not shift
the next page, which starts right after the row the cursor names. A list
without a key (an analysis's findings) has position cursors.

>>> page = paginate(list("abcde"), first=2, key=lambda x: [x])
>>> page.nodes, page.total_count, page.page_info.has_next_page
(['a', 'b'], 5, True)
>>> paginate(list("abcde"), first=2, after=page.page_info.end_cursor, key=lambda x: [x]).nodes
['c', 'd']
>>> # "a" deleted meanwhile: the next page still starts after "b" (an offset would skip "c")
>>> paginate(list("bcde"), first=2, after=page.page_info.end_cursor, key=lambda x: [x]).nodes
['c', 'd']
>>> paginate(list("abcde"), last=2, before=page.page_info.end_cursor, key=lambda x: [x]).nodes
['a']
"""

from __future__ import annotations

import base64
import bisect
import functools
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from ..errors import UsageError

__all__ = [
    "DEFAULT_PAGE",
    "MAX_PAGE",
    "Connection",
    "Edge",
    "PageInfo",
    "ordered",
    "ordered_with_keys",
    "paginate",
]

T = TypeVar("T")

#: page size when ``first`` is not given, and the largest one allowed
DEFAULT_PAGE = 50
MAX_PAGE = 500

_PREFIX = "dg:"


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="One node of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list: its nodes (or edges), the total and where it sits.")
class Connection(Generic[T]):
    total_count: int = strawberry.field(description="How many the whole list holds.")
    page_info: PageInfo
    edges: list[Edge[T]]
    nodes: list[T]


@functools.total_ordering
class _Part:
    """One sort value, ordered ascending (``None`` first) or, with ``desc``, descending."""

    __slots__ = ("desc", "value")

    def __init__(self, value: Any, desc: bool) -> None:
        self.value, self.desc = value, desc

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Part) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: _Part) -> bool:
        a, b = (other.value, self.value) if self.desc else (self.value, other.value)
        if a is None or b is None:
            return a is None and b is not None
        return bool(a < b)


def _sortable(values: Sequence[Any], descending: Sequence[bool]) -> tuple[Any, ...]:
    """A comparable key: ``None`` first; with a descending value, :class:`_Part` wrappers."""
    if not any(descending):  # the common case, kept to plain tuples (compared in C)
        return tuple((False, "") if v is None else (True, v) for v in values)
    return tuple(_Part(v, i < len(descending) and descending[i]) for i, v in enumerate(values))


def ordered_with_keys(
    items: Iterable[Any], key: Callable[[Any], Sequence[Any]], descending: Sequence[bool] = ()
) -> tuple[list[Any], list[list[Any]]]:
    """``items`` in :func:`paginate`'s order by ``key``, and their keys (each computed once)."""
    pairs = [(list(key(x)), x) for x in items]
    pairs.sort(key=lambda p: _sortable(p[0], descending))
    return [x for _, x in pairs], [k for k, _ in pairs]


def ordered(
    items: Iterable[Any], key: Callable[[Any], Sequence[Any]], descending: Sequence[bool] = ()
) -> list[Any]:
    """``items`` in the order :func:`paginate` pages them by ``key`` and ``descending``."""
    return sorted(items, key=lambda x: _sortable(key(x), descending))


def _encode(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode((_PREFIX + text).encode()).decode()


def _decode(cursor: str) -> Any:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith(_PREFIX):
            return json.loads(text[len(_PREFIX) :])
    except ValueError:
        pass
    raise UsageError(
        f"cursor {cursor!r} is not a cursor of this API; pass a pageInfo.endCursor or an edge's cursor"
    )


def encode_cursor(offset: int) -> str:
    """A position cursor (a list without a key)."""
    return _encode(offset)


def decode_cursor(cursor: str) -> int:
    """The offset a position cursor stands for; any other cursor is a :class:`UsageError`."""
    found = _decode(cursor)
    if isinstance(found, int) and not isinstance(found, bool):
        return found
    raise UsageError(f"cursor {cursor!r} is a cursor of another list; pass one this list gave")


def paginate(
    items: Sequence[Any],
    first: int | None = None,
    after: str | None = None,
    wrap: Callable[[Any], Any] | None = None,
    *,
    last: int | None = None,
    before: str | None = None,
    key: Callable[[Any], Sequence[Any]] | None = None,
    keys: Sequence[Sequence[Any]] | None = None,
    descending: Sequence[bool] = (),
    order: str = "",
) -> Connection[Any]:
    """One page of ``items`` (already filtered and ordered), each passed through ``wrap``.

    ``key(x)`` gives the JSON values ``items`` are ordered by (``descending``
    flags each one; ``order`` names the order, so a cursor of another order is
    refused); ``keys``, those values already worked out (one per item, in
    order); without either, cursors are positions. ``first`` takes the first rows
    after ``after`` (and before ``before``), ``last`` the last ones.
    """
    for name, n in (("first", first), ("last", last)):
        if n is not None and (n < 0 or n > MAX_PAGE):
            raise UsageError(f"{name}={n} is out of range; ask for 0 to {MAX_PAGE} at a time")
    if first is None and last is None:
        first = DEFAULT_PAGE
    if key is None and keys is None:
        start = decode_cursor(after) + 1 if after else 0
        end = decode_cursor(before) if before else len(items)
        cursors: Callable[[int], str] = encode_cursor
    else:
        raw: Sequence[Sequence[Any]] = (
            keys if keys is not None else [list(key(x)) for x in items]  # type: ignore[misc]
        )

        def sortable(values: Sequence[Any]) -> tuple[Any, ...]:
            return _sortable(values, descending)

        def bound(cursor: str) -> tuple[Any, ...]:
            found = _decode(cursor)
            if (
                not isinstance(found, dict)
                or found.get("o") != order
                or len(found["k"]) != len(raw[0] if raw else found["k"])
            ):
                raise UsageError(
                    f"cursor {cursor!r} belongs to another list or order; pass a cursor this "
                    "query (with the same sort) gave"
                )
            return sortable(found["k"])

        # only the rows the search visits are made comparable: O(log n) of them
        start = bisect.bisect_right(raw, bound(after), key=sortable) if after else 0
        end = bisect.bisect_left(raw, bound(before), key=sortable) if before else len(items)

        def cursors(i: int) -> str:
            return _encode({"o": order, "k": list(raw[i])})

    start, end = max(start, 0), max(min(end, len(items)), 0)
    end = max(end, start)
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    chunk = items[start:end]
    nodes = [wrap(x) for x in chunk] if wrap else list(chunk)
    edges = [Edge(cursor=cursors(start + i), node=n) for i, n in enumerate(nodes)]
    return Connection(
        total_count=len(items),
        page_info=PageInfo(
            has_next_page=end < len(items),
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
        nodes=nodes,
    )
