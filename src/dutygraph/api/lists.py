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

__all__ = ["QUERIES", "ListQueries", "keyed_page"]


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


@strawberry.type
class ListQueries:
    @strawberry.field(
        description="Every duty (active or not), filtered by `where` (on its fields, its "
        "department, item, region and bases), in `sort` order (its key last)."
    )
    def duties(
        self,
        info: Info,
        where: DutyWhere | None = None,
        sort: list[DutySort] | None = None,
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(description="The day `active` and `inForce` are judged on."),
        ] = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Duty]:
        g = info.context.graph
        return keyed_page(
            g.duties.values(),
            where,
            sort,
            DutySort,
            info,
            as_of,
            lambda d: Duty(rec=d),
            first,
            after,
            last,
            before,
        )

    @strawberry.field(
        description="Every legal basis (依据), filtered by `where`, in `sort` order (its key last)."
    )
    def bases(
        self,
        info: Info,
        where: BasisWhere | None = None,
        sort: list[BasisSort] | None = None,
        as_of: Annotated[
            dt.date | None, strawberry.argument(description="The day `inForce` is judged on.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[BasisNode]:
        g = info.context.graph
        return keyed_page(
            g.bases.values(),
            where,
            sort,
            BasisSort,
            info,
            as_of,
            lambda b: BasisNode(rec=b),
            first,
            after,
            last,
            before,
        )


QUERIES: list[type] = [ListQueries]
