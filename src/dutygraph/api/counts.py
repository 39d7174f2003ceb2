"""Group counts: gaps by kind and region, conflicts by region and kind, duties by department and role.

Each root field counts what the matching list holds (``gaps``, ``conflicts``,
``duties``) grouped by the fields named in ``by``, largest group first::

    { gapCounts(asOf: "2025-01-01", by: [KIND, REGION]) { kind region { name } count } }
    { dutyCounts(where: {active: true}, by: [DEPARTMENT, ROLE]) { department { name } role count } }

A field not grouped by is null in every row.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import strawberry

from ..analysis.conflicts import find_conflicts
from ..analysis.gaps import find_gaps
from .enums import ConflictKind, GapKind, Role, value_of
from .filters import DutyWhere, select
from .types import Department, Info, Region, department_link, region_link, when  # noqa: F401  (the links name them)

__all__ = ["QUERIES", "CountQueries"]


@strawberry.enum(description="What gaps are counted by.")
class GapGroup(enum.Enum):
    KIND = "kind"
    REGION = "region"


@strawberry.enum(description="What conflicts are counted by.")
class ConflictGroup(enum.Enum):
    KIND = "kind"
    REGION = "region"


@strawberry.enum(description="What duties are counted by.")
class DutyGroup(enum.Enum):
    DEPARTMENT = "department"
    ROLE = "role"
    REGION = "region"


@strawberry.type(description="How many gaps one group holds.")
class GapCount:
    kind: GapKind | None
    region_code: strawberry.Private[str | None]
    region = region_link(lambda self: self.region_code)
    count: int


@strawberry.type(description="How many conflicts one group holds.")
class ConflictCount:
    kind: ConflictKind | None
    region_code: strawberry.Private[str | None]
    region = region_link(lambda self: self.region_code)
    count: int


@strawberry.type(description="How many duties one group holds.")
class DutyCount:
    department_id: strawberry.Private[str | None]
    department = department_link(lambda self: self.department_id)
    role: Role | None
    region_code: strawberry.Private[str | None]
    region = region_link(lambda self: self.region_code)
    count: int


def _groups(
    found: Iterable[Any], by: Sequence[enum.Enum], read: Callable[[Any, str], Any]
) -> list[tuple[dict[str, Any], int]]:
    """``(the group's values by field, how many)``, largest first, then by the values."""
    fields = [b.value for b in dict.fromkeys(by)]
    counted = Counter(tuple(read(x, f) for f in fields) for x in found)
    rows = sorted(counted.items(), key=lambda kv: (-kv[1], [str(v) for v in kv[0]]))
    return [(dict(zip(fields, values, strict=True)), n) for values, n in rows]


@strawberry.type
class CountQueries:
    @strawberry.field(
        description="Gaps in a region's subtree on asOf, counted by kind (default) and/or region."
    )
    def gap_counts(
        self,
        info: Info,
        region: str | None = None,
        as_of: dt.date | None = None,
        kinds: list[GapKind] | None = None,
        by: list[GapGroup] | None = None,
    ) -> list[GapCount]:
        found = find_gaps(info.context.graph, region, when(as_of), value_of(kinds) or None)
        return [
            GapCount(kind=v.get("kind"), region_code=v.get("region"), count=n)
            for v, n in _groups(found, by or [GapGroup.KIND], getattr)
        ]

    @strawberry.field(
        description="Conflicts in a region's subtree on asOf, counted by region (default) and/or kind."
    )
    def conflict_counts(
        self,
        info: Info,
        region: str | None = None,
        as_of: dt.date | None = None,
        kinds: list[ConflictKind] | None = None,
        by: list[ConflictGroup] | None = None,
    ) -> list[ConflictCount]:
        found = find_conflicts(info.context.graph, region, when(as_of), value_of(kinds) or None)
        return [
            ConflictCount(kind=v.get("kind"), region_code=v.get("region"), count=n)
            for v, n in _groups(found, by or [ConflictGroup.REGION], getattr)
        ]

    @strawberry.field(
        description="Duties (those `where` keeps; every one by default) counted by department, "
        "role (default: both) and/or region."
    )
    def duty_counts(
        self,
        info: Info,
        where: DutyWhere | None = None,
        as_of: dt.date | None = None,
        by: list[DutyGroup] | None = None,
    ) -> list[DutyCount]:
        g = info.context.graph
        found = select(g.duties.values(), where, g, when(as_of))
        return [
            DutyCount(
                department_id=v.get("department"),
                role=v.get("role"),
                region_code=v.get("region"),
                count=n,
            )
            for v, n in _groups(found, by or [DutyGroup.DEPARTMENT, DutyGroup.ROLE], getattr)
        ]


QUERIES: list[type] = [CountQueries]
