"""Cursor-paginated connections: ``first``/``after``, ``totalCount`` and ``pageInfo``.

Every list of the API is a connection over one snapshot. A cursor is an
opaque string standing for a position in the (filtered, ordered) list; pass
the ``endCursor`` of one page as ``after`` to get the next.

>>> page = paginate(list("abcde"), first=2)
>>> page.nodes, page.total_count, page.page_info.has_next_page
(['a', 'b'], 5, True)
>>> paginate(list("abcde"), first=2, after=page.page_info.end_cursor).nodes
['c', 'd']
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from ..errors import UsageError

__all__ = ["DEFAULT_PAGE", "MAX_PAGE", "Connection", "Edge", "PageInfo", "paginate"]

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


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for; a cursor not made here is a :class:`UsageError`."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith(_PREFIX):
            return int(text[len(_PREFIX) :])
    except ValueError:
        pass
    raise UsageError(
        f"cursor {cursor!r} is not a cursor of this API; pass a pageInfo.endCursor or an edge's cursor"
    )


def paginate(
    items: Sequence[Any],
    first: int | None = None,
    after: str | None = None,
    wrap: Callable[[Any], Any] | None = None,
) -> Connection[Any]:
    """One page of ``items`` (already filtered and ordered), each passed through ``wrap``."""
    if first is None:
        first = DEFAULT_PAGE
    if first < 0 or first > MAX_PAGE:
        raise UsageError(f"first={first} is out of range; ask for 0 to {MAX_PAGE} at a time")
    start = decode_cursor(after) + 1 if after else 0
    start = max(start, 0)
    chunk = items[start : start + first]
    nodes = [wrap(x) for x in chunk] if wrap else list(chunk)
    edges = [Edge(cursor=encode_cursor(start + i), node=n) for i, n in enumerate(nodes)]
    return Connection(
        total_count=len(items),
        page_info=PageInfo(
            has_next_page=start + len(chunk) < len(items),
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
        nodes=nodes,
    )
