"""Root ``duties`` and ``bases``: every duty or legal basis, filtered (``where``), sorted, paged.

"Which duties rest on a basis no longer in force?" is one query::

    { duties(where: {basis: {inForce: false}}, asOf: "2025-06-01") { totalCount nodes { key } } }

``asOf`` (default today) is the day ``active`` and ``inForce`` are judged on;
the lists hold every record, active or not, unless ``where`` says otherwise.
Cursors are keyset cursors over the ``sort`` order (see
:mod:`dutygraph.api.pagination`), so paging both ways survives writes.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

import strawberry

from .filters import BasisSort, BasisWhere, DutySort, DutyWhere, matches, select, sort_spec
from .pagination import Connection, ordered_with_keys, paginate
from .types import BasisNode, Duty, Info, when

__all__ = ["QUERIES", "ListQueries", "keyed_page", "listing"]

#: snapshot -> (collection, order) -> the ordered records and their keys (see keyed_page)
_ORDERS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], tuple[list[Any], list[Any]]]] = (
    weakref.WeakKeyDictionary()
)


def keyed_page(
    records: Iterable[Any],
    where: Any,
    sort: Sequence[Any] | None,
    sort_cls: type,
    info: Info,
    as_of: dt.date | None,
    wrap: Callable[[Any], Any],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    cache: str | None = None,
) -> Connection[Any]:
    """The page of ``records`` passing ``where``, in ``sort`` order, with keyset cursors.

    With ``cache`` (a name for ``records``: the whole collection of the
    snapshot), the ordered collection and its keys are worked out once per
    snapshot and order, and ``where`` filters that order; sort values never
    depend on ``asOf``, so one order serves every date.
    """
    g, day = info.context.graph, when(as_of)
    values, descending, order = sort_spec(sort, sort_cls, g, day)
    if cache is None:
        found, keys = ordered_with_keys(select(records, where, g, day), values, descending)
    else:
        per_graph = _ORDERS.setdefault(g, {})
        hit = per_graph.get((cache, order))
        if hit is None:
            hit = per_graph[(cache, order)] = ordered_with_keys(records, values, descending)
        found, keys = hit
        if where is not None:
            kept = [i for i, r in enumerate(found) if matches(where, g, r, day)]
            found, keys = [found[i] for i in kept], [keys[i] for i in kept]
    return paginate(
        found,
        first,
        after,
        wrap,
        last=last,
        before=before,
        keys=keys,
        descending=descending,
        order=order,
    )


def listing(
    name: str,
    records: Callable[[Any], Iterable[Any]],
    where_cls: type,
    sort_cls: type,
    wrap: Callable[[Any], Any],
    type_: Any,
    description: str,
) -> Any:
    """A root field paging ``records(graph)`` (the whole collection ``name``) through
    ``where_cls`` and ``sort_cls`` inputs."""

    def resolve(
        self: Any,
        info: Info,
        where: Any = None,
        sort: Any = None,
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(description="The day `active` and `inForce` are judged on."),
        ] = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        found = records(info.context.graph)
        return keyed_page(
            found, where, sort, sort_cls, info, as_of, wrap, first, after, last, before, name
        )

    resolve.__annotations__["where"] = where_cls | None
    resolve.__annotations__["sort"] = list[sort_cls] | None  # type: ignore[valid-type]
    return strawberry.field(resolver=resolve, graphql_type=type_, description=description)


@strawberry.type
class ListQueries:
    duties = listing(
        "duties",
        lambda g: g.duties.values(),
        DutyWhere,
        DutySort,
        lambda d: Duty(rec=d),
        Connection[Duty],
        "Every duty (active or not), filtered by `where` (on its fields, its department, item, "
        "region and bases), in `sort` order (its key last).",
    )
    bases = listing(
        "bases",
        lambda g: g.bases.values(),
        BasisWhere,
        BasisSort,
        lambda b: BasisNode(rec=b),
        Connection[BasisNode],
        "Every legal basis (依据), filtered by `where`, in `sort` order (its key last).",
    )


QUERIES: list[type] = [ListQueries]
