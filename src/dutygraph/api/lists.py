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
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

import strawberry

from .filters import BasisSort, BasisWhere, DutySort, DutyWhere, select, sort_spec
from .pagination import Connection, ordered, paginate
from .types import BasisNode, Duty, Info, when

__all__ = ["QUERIES", "ListQueries", "keyed_page", "listing"]


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
) -> Connection[Any]:
    """The page of ``records`` passing ``where``, in ``sort`` order, with keyset cursors."""
    g, day = info.context.graph, when(as_of)
    found = select(records, where, g, day)
    values, descending, order = sort_spec(sort, sort_cls, g, day)
    return paginate(
        ordered(found, values, descending),
        first,
        after,
        wrap,
        last=last,
        before=before,
        key=values,
        descending=descending,
        order=order,
    )


def listing(
    records: Callable[[Any], Iterable[Any]],
    where_cls: type,
    sort_cls: type,
    wrap: Callable[[Any], Any],
    type_: Any,
    description: str,
) -> Any:
    """A root field paging ``records(graph)`` through ``where_cls`` and ``sort_cls`` inputs."""

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
            found, where, sort, sort_cls, info, as_of, wrap, first, after, last, before
        )

    resolve.__annotations__["where"] = where_cls | None
    resolve.__annotations__["sort"] = list[sort_cls] | None  # type: ignore[valid-type]
    return strawberry.field(resolver=resolve, graphql_type=type_, description=description)


@strawberry.type
class ListQueries:
    duties = listing(
        lambda g: g.duties.values(),
        DutyWhere,
        DutySort,
        lambda d: Duty(rec=d),
        Connection[Duty],
        "Every duty (active or not), filtered by `where` (on its fields, its department, item, "
        "region and bases), in `sort` order (its key last).",
    )
    bases = listing(
        lambda g: g.bases.values(),
        BasisWhere,
        BasisSort,
        lambda b: BasisNode(rec=b),
        Connection[BasisNode],
        "Every legal basis (依据), filtered by `where`, in `sort` order (its key last).",
    )


QUERIES: list[type] = [ListQueries]
