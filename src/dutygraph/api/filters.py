"""``where`` and ``sort`` inputs: filter lists on fields and on related records, order them.

A ``where`` input holds a filter a field (``StringFilter``: ``eq``, ``in``,
``contains``, ``lt``, ``gt``; ``DateFilter`` the same on dates, and ``isNull``;
an enum filter ``eq``/``in``; a ``Boolean`` equality) and filters on related
records (``DutyWhere.basis`` holds when *some* basis of the duty matches it).
Every field given must hold; ``AND``, ``OR`` and ``NOT`` combine whole inputs::

    duties(where: {basis: {inForce: false}, OR: [{role: {eq: LEAD}}, {line: {eq: "commerce"}}]})

``sort`` is a list of one-field inputs, applied in order (``[{role: ASC},
{validFrom: DESC}]``); the record's key always ends the order, so the order is
total and a keyset cursor (:func:`dutygraph.api.pagination.paginate`) is stable.

Each input names, for each field, how to read it from a record
(:data:`FIELDS`); :func:`matches` and :func:`sort_spec` read those tables.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from typing import Any

import strawberry

from ..errors import UsageError
from .enums import Level, PowerType, Role

__all__ = [
    "FIELDS",
    "BasisSort",
    "BasisWhere",
    "DateFilter",
    "DepartmentWhere",
    "DutySort",
    "DutyWhere",
    "ItemSort",
    "ItemWhere",
    "RegionWhere",
    "SortDirection",
    "StringFilter",
    "matches",
    "select",
    "sort_spec",
]


@strawberry.input(description="Compare a text: each operator given must hold.")
class StringFilter:
    eq: str | None = None
    in_: list[str] | None = strawberry.field(default=None, name="in")
    contains: str | None = strawberry.field(default=None, description="Holds this part.")
    lt: str | None = strawberry.field(default=None, description="Before, in code-point order.")
    gt: str | None = strawberry.field(default=None, description="After, in code-point order.")


@strawberry.input(description="Compare a date: each operator given must hold.")
class DateFilter:
    eq: dt.date | None = None
    in_: list[dt.date] | None = strawberry.field(default=None, name="in")
    lt: dt.date | None = strawberry.field(default=None, description="Strictly before.")
    gt: dt.date | None = strawberry.field(default=None, description="Strictly after.")
    is_null: bool | None = strawberry.field(default=None, description="No date (open-ended).")


@strawberry.input(description="A duty role: eq, or one of in.")
class RoleFilter:
    eq: Role | None = None
    in_: list[Role] | None = strawberry.field(default=None, name="in")


@strawberry.input(description="A power type (职权类型): eq, or one of in.")
class PowerTypeFilter:
    eq: PowerType | None = None
    in_: list[PowerType] | None = strawberry.field(default=None, name="in")


@strawberry.input(description="A government level: eq, or one of in.")
class LevelFilter:
    eq: Level | None = None
    in_: list[Level] | None = strawberry.field(default=None, name="in")


def _combinators(of: str) -> tuple[Any, Any, Any]:
    return (
        strawberry.field(default=None, name="AND", description=f"Every {of} input holds."),
        strawberry.field(default=None, name="OR", description=f"Some {of} input holds."),
        strawberry.field(default=None, name="NOT", description=f"The {of} input does not hold."),
    )


@strawberry.input(description="Which regions: every field given must hold.")
class RegionWhere:
    and_: list[RegionWhere] | None
    or_: list[RegionWhere] | None
    not_: RegionWhere | None
    and_, or_, not_ = _combinators("region")
    key: StringFilter | None = strawberry.field(default=None, description="The code.")
    name: StringFilter | None = None
    level: LevelFilter | None = None
    within: str | None = strawberry.field(
        default=None, description="In this region's subtree (code or exact name), itself included."
    )


@strawberry.input(description="Which departments: every field given must hold.")
class DepartmentWhere:
    and_: list[DepartmentWhere] | None
    or_: list[DepartmentWhere] | None
    not_: DepartmentWhere | None
    and_, or_, not_ = _combinators("department")
    key: StringFilter | None = None
    name: StringFilter | None = None
    line: StringFilter | None = strawberry.field(default=None, description="Some line (条) holds.")
    vertical: bool | None = None
    active: bool | None = strawberry.field(default=None, description="It exists on asOf.")
    region: RegionWhere | None = None


@strawberry.input(description="Which items: every field given must hold.")
class ItemWhere:
    and_: list[ItemWhere] | None
    or_: list[ItemWhere] | None
    not_: ItemWhere | None
    and_, or_, not_ = _combinators("item")
    key: StringFilter | None = None
    name: StringFilter | None = None
    domain: StringFilter | None = None
    power_type: PowerTypeFilter | None = None
    key_item: bool | None = None
    parent: ItemWhere | None = strawberry.field(default=None, description="The main item (主项).")


@strawberry.input(description="Which legal bases: every field given must hold.")
class BasisWhere:
    and_: list[BasisWhere] | None
    or_: list[BasisWhere] | None
    not_: BasisWhere | None
    and_, or_, not_ = _combinators("basis")
    key: StringFilter | None = None
    title: StringFilter | None = None
    kind: StringFilter | None = None
    issuer: StringFilter | None = None
    article: StringFilter | None = None
    valid_from: DateFilter | None = None
    valid_to: DateFilter | None = None
    in_force: bool | None = strawberry.field(default=None, description="In force on asOf.")


@strawberry.input(description="Which duties: every field given must hold.")
class DutyWhere:
    and_: list[DutyWhere] | None
    or_: list[DutyWhere] | None
    not_: DutyWhere | None
    and_, or_, not_ = _combinators("duty")
    key: StringFilter | None = None
    role: RoleFilter | None = None
    line: StringFilter | None = None
    source: StringFilter | None = None
    valid_from: DateFilter | None = None
    valid_to: DateFilter | None = None
    active: bool | None = strawberry.field(default=None, description="It holds on asOf.")
    department: DepartmentWhere | None = None
    item: ItemWhere | None = None
    region: RegionWhere | None = None
    basis: BasisWhere | None = strawberry.field(
        default=None, description="Some basis of the duty matches (a missing basis never does)."
    )


@strawberry.enum(description="Sort direction.")
class SortDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="One sort field of duties (give one field an element).")
class DutySort:
    key: SortDirection | None = None
    role: SortDirection | None = None
    department: SortDirection | None = strawberry.field(default=None, description="By its id.")
    item: SortDirection | None = strawberry.field(default=None, description="By its id.")
    region: SortDirection | None = strawberry.field(default=None, description="By its code.")
    valid_from: SortDirection | None = None
    valid_to: SortDirection | None = None
    source: SortDirection | None = None


@strawberry.input(description="One sort field of items (give one field an element).")
class ItemSort:
    key: SortDirection | None = None
    name: SortDirection | None = None
    domain: SortDirection | None = None
    power_type: SortDirection | None = None


@strawberry.input(description="One sort field of legal bases (give one field an element).")
class BasisSort:
    key: SortDirection | None = None
    title: SortDirection | None = None
    kind: SortDirection | None = None
    issuer: SortDirection | None = None
    valid_from: SortDirection | None = None
    valid_to: SortDirection | None = None


#: a field's reader: (graph, record, asOf) -> value, related record(s), or None
Getter = Callable[[Any, Any, str], Any]


def _attr(name: str) -> Getter:
    return lambda g, r, day: getattr(r, name)


#: input class -> field -> how to read it from a record
FIELDS: dict[type, dict[str, Getter]] = {
    RegionWhere: {
        "key": _attr("code"),
        "name": _attr("name"),
        "level": _attr("level"),
        "within": lambda g, r, day: r.code,
    },
    DepartmentWhere: {
        "key": _attr("id"),
        "name": _attr("name"),
        "line": lambda g, r, day: list(r.systems),
        "vertical": _attr("vertical"),
        "active": lambda g, r, day: r.active(day),
        "region": lambda g, r, day: g.regions.get(r.region),
    },
    ItemWhere: {
        "key": _attr("id"),
        "name": _attr("name"),
        "domain": _attr("domain"),
        "power_type": _attr("power_type"),
        "key_item": _attr("key_item"),
        "parent": lambda g, r, day: g.items.get(r.parent) if r.parent else None,
    },
    BasisWhere: {
        "key": _attr("id"),
        "title": _attr("title"),
        "kind": _attr("kind"),
        "issuer": _attr("issuer"),
        "article": _attr("article"),
        "valid_from": _attr("valid_from"),
        "valid_to": _attr("valid_to"),
        "in_force": lambda g, r, day: r.in_force(day),
    },
    DutyWhere: {
        "key": _attr("id"),
        "role": _attr("role"),
        "line": _attr("line"),
        "source": _attr("source"),
        "valid_from": _attr("valid_from"),
        "valid_to": _attr("valid_to"),
        "active": lambda g, r, day: r.active(day),
        "department": lambda g, r, day: g.departments.get(r.department),
        "item": lambda g, r, day: g.items.get(r.item),
        "region": lambda g, r, day: g.regions.get(r.region),
        "basis": lambda g, r, day: [b for b in map(g.bases.get, r.bases) if b is not None],
    },
}

#: sort input class -> field -> how to read it (and the key that ends every order)
SORTS: dict[type, tuple[dict[str, Getter], Getter]] = {
    DutySort: (
        {
            **FIELDS[DutyWhere],
            "department": _attr("department"),
            "item": _attr("item"),
            "region": _attr("region"),
        },
        _attr("id"),
    ),
    ItemSort: (FIELDS[ItemWhere], _attr("id")),
    BasisSort: (FIELDS[BasisWhere], _attr("id")),
}

_COMBINATORS = ("and_", "or_", "not_")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _holds(f: Any, value: Any) -> bool:
    """Whether ``value`` (a record's, ISO dates as text; a list: some element) passes ``f``."""
    if isinstance(value, list):
        return any(_holds(f, v) for v in value)
    is_null = getattr(f, "is_null", None)
    if is_null is not None and (value is None) != is_null:
        return False
    eq, among = _plain(getattr(f, "eq", None)), getattr(f, "in_", None)
    if eq is not None and value != eq:
        return False
    if among is not None and value not in [_plain(x) for x in among]:
        return False
    part = getattr(f, "contains", None)
    if part is not None and (value is None or part.casefold() not in str(value).casefold()):
        return False
    lt, gt = _plain(getattr(f, "lt", None)), _plain(getattr(f, "gt", None))
    if lt is not None and (value is None or not value < lt):
        return False
    return gt is None or (value is not None and value > gt)


def matches(where: Any, g: Any, rec: Any, day: str) -> bool:
    """Whether the record ``rec`` passes the ``where`` input on ``day``."""
    if where.and_ is not None and not all(matches(w, g, rec, day) for w in where.and_):
        return False
    if where.or_ is not None and not any(matches(w, g, rec, day) for w in where.or_):
        return False
    if where.not_ is not None and matches(where.not_, g, rec, day):
        return False
    for name, read, f in _given(where):
        if name == "within":
            if rec.code not in _subtree(where, g, f):
                return False
            continue
        value = read(g, rec, day)
        if type(f) in FIELDS:  # a filter on related records: some of them match
            related = value if isinstance(value, list) else [value]
            if not any(r is not None and matches(f, g, r, day) for r in related):
                return False
        elif isinstance(f, bool):
            if value != f:
                return False
        elif not _holds(f, value):
            return False
    return True


def _given(where: Any) -> list[tuple[str, Getter, Any]]:
    """The fields ``where`` sets, with their readers (worked out once per input)."""
    found: list[tuple[str, Getter, Any]] | None = where.__dict__.get("_given")
    if found is None:
        found = [
            (name, read, getattr(where, name))
            for name, read in FIELDS[type(where)].items()
            if getattr(where, name) is not None
        ]
        where.__dict__["_given"] = found
    return found


def _subtree(where: Any, g: Any, region: str) -> set[str]:
    """The codes of ``region``'s subtree, worked out once per input."""
    found: set[str] | None = where.__dict__.get("_subtree")
    if found is None:
        found = where.__dict__["_subtree"] = set(g.subtree(g.find("region", region).code))
    return found


def select(records: Any, where: Any, g: Any, day: str) -> list[Any]:
    """The records passing ``where`` (all of them when ``where`` is ``None``)."""
    if where is None:
        return list(records)
    return [r for r in records if matches(where, g, r, day)]


def sort_spec(
    sort: Sequence[Any] | None, cls: type, g: Any, day: str
) -> tuple[Callable[[Any], list[Any]], list[bool], str]:
    """How to order records by ``sort``: (raw key values of a record, descending flags, signature).

    The record's key is always last, so the order is total. An element that
    sets no field, or several, is a :class:`UsageError`.
    """
    readers, last = SORTS[cls]
    chosen: list[tuple[str, Getter, bool]] = []
    for element in sort or ():
        given = [(n, d) for n, d in vars(element).items() if d is not None]
        if len(given) != 1:
            raise UsageError(
                f"each sort element names one field, e.g. [{{role: ASC}}, {{validFrom: DESC}}]; "
                f"got {len(given)} in one element"
            )
        name, direction = given[0]
        chosen.append((name, readers[name], direction is SortDirection.DESC))
    chosen.append(("key", last, False))

    def values(rec: Any) -> list[Any]:
        return [read(g, rec, day) for _, read, _ in chosen]

    signature = ",".join(f"{n}{'-' if desc else '+'}" for n, _, desc in chosen)
    return values, [desc for _, _, desc in chosen], signature
