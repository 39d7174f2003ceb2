"""Field factories for the GraphQL types: each resolver shape written once.

A node type wraps a record (``self.rec``) and an answer type the CLI's JSON
dict (``self.d``); most of their fields only read one value, perhaps convert
it, or load the node an id names through the request's DataLoaders. The
factories here make such fields, so a type lists what it exposes in one line
a field. A field made here sits in the schema where it stands in the class,
like a decorated method, and its GraphQL type is the one given.
See :class:`dutygraph.api.types.Duty` for them at work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import strawberry

from .. import model
from .context import date_str

__all__ = ["as_date", "from_entry", "from_record", "held_on", "link", "validity", "when"]

_REQUIRED = object()


def as_date(value: str | None) -> dt.date | None:
    """An ISO date string of the model as a GraphQL ``Date`` (``None`` stays ``None``).

    >>> as_date("2025-01-10"), as_date(None)
    (datetime.date(2025, 1, 10), None)
    """
    return dt.date.fromisoformat(value) if value else None


def when(as_of: dt.date | None) -> str:
    """The ``asOf`` argument as the ISO string the analyses take (default today)."""
    return date_str(as_of) or model.today()


def from_record(
    attr: str,
    type_: Any,
    description: str | None = None,
    convert: Callable[[Any], Any] | None = None,
) -> Any:
    """A field giving the wrapped record's ``attr``, through ``convert`` when given."""

    def resolve(self: Any) -> Any:
        value = getattr(self.rec, attr)
        return convert(value) if convert is not None else value

    return strawberry.field(resolver=resolve, graphql_type=type_, description=description)


def from_entry(
    key: str,
    type_: Any,
    description: str | None = None,
    convert: Callable[[Any], Any] | None = None,
    default: Any = _REQUIRED,
) -> Any:
    """A field giving ``key`` of the wrapped dict (``default`` when given and it is absent)."""

    def resolve(self: Any) -> Any:
        value = self.d[key] if default is _REQUIRED else self.d.get(key, default)
        return convert(value) if convert is not None else value

    return strawberry.field(resolver=resolve, graphql_type=type_, description=description)


def held_on(method: str, description: str) -> Any:
    """A ``Boolean`` field with an ``asOf`` argument: the record's ``method`` on that date."""

    def resolve(self: Any, as_of: dt.date | None = None) -> bool:
        return getattr(self.rec, method)(when(as_of))  # type: ignore[no-any-return]

    return strawberry.field(resolver=resolve, description=description)


def validity(method: str, description: str) -> tuple[Any, Any, Any]:
    """``validFrom``, ``validTo`` and :func:`held_on` ``method``: a record's validity interval."""
    return (
        from_record("valid_from", dt.date | None, convert=as_date),
        from_record("valid_to", dt.date | None, convert=as_date),
        held_on(method, description),
    )


def link(
    loader: str,
    key: Callable[[Any], str | None],
    node: Callable[[Any], Any],
    type_: Any,
    description: str | None = None,
) -> Any:
    """A field giving the node whose id ``key(self)`` names, loaded by the DataLoader ``loader``.

    No id gives null, without a load; ``node`` turns the loaded record (or
    ``None``) into the node.
    """

    async def resolve(self: Any, info: strawberry.Info) -> Any:
        found = key(self)
        if not found:
            return None
        return node(await getattr(info.context.loaders, loader).load(found))

    return strawberry.field(resolver=resolve, graphql_type=type_, description=description)
