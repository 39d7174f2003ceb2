"""The GraphQL node types (regions, departments, items, duties, bases, disputes).

Each wraps one record of the snapshot (a private ``rec``) and links to its
neighbours through the request's DataLoaders, so a query walks
``Item → duties → Department → Region`` without one store read per node.
Scalars keep the record's field names (camel-cased); where a record holds an
id of another node, the GraphQL field gives that node (``Department.region``
is a :class:`Region`; its ``code`` is the id the CLI's JSON prints).
Every field that depends on time takes ``asOf`` (default: today).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.scalars import JSON

from .. import model
from ..errors import UsageError
from .context import Context, date_str
from .pagination import Connection, paginate

__all__ = [
    "BasisNode",
    "Department",
    "Dispute",
    "Duty",
    "Item",
    "Origin",
    "Region",
    "as_date",
    "check_role",
]

Info = strawberry.Info[Context, None]


def as_date(value: str | None) -> dt.date | None:
    """An ISO date string of the model as a GraphQL ``Date`` (``None`` stays ``None``)."""
    return dt.date.fromisoformat(value) if value else None


def when(as_of: dt.date | None) -> str:
    """The ``asOf`` argument as the ISO string the analyses take (default today)."""
    return date_str(as_of) or model.today()


def check_role(role: str | None) -> str | None:
    """A ``role`` filter: one of :data:`dutygraph.model.ROLES`, or ``None``."""
    if role is not None and role not in model.ROLES:
        raise UsageError(f"unknown role {role!r}; use one of {', '.join(model.ROLES)}")
    return role


@strawberry.type(description="Where a record was read: file, sheet (XLSX), row, list version.")
class Origin:
    file: str
    sheet: str | None
    row: int | None
    version: str | None

    @staticmethod
    def of(o: model.Origin | dict[str, Any] | None) -> Origin | None:
        if o is None:
            return None
        if isinstance(o, dict):
            return Origin(
                file=o.get("file", ""),
                sheet=o.get("sheet"),
                row=o.get("row"),
                version=o.get("version"),
            )
        return Origin(file=o.file, sheet=o.sheet, row=o.row, version=o.version)


@strawberry.type(description="A region (地区) of the GB/T 2260 tree; the national root is 000000.")
class Region:
    rec: strawberry.Private[model.Region]

    @strawberry.field(description="GB/T 2260 code (6 digits, or 12 for a township).")
    def code(self) -> str:
        return self.rec.code

    @strawberry.field
    def name(self) -> str:
        return self.rec.name

    @strawberry.field(description="national, province, prefecture, county or township.")
    def level(self) -> str:
        return self.rec.level

    @strawberry.field(description="The region above (null at the root).")
    async def parent(self, info: Info) -> Region | None:
        if not self.rec.parent:
            return None
        return region_node(await info.context.loaders.region.load(self.rec.parent))

    @strawberry.field(description="The regions directly below.")
    async def children(self, info: Info) -> list[Region]:
        return [
            Region(rec=r) for r in await info.context.loaders.region_children.load(self.rec.code)
        ]

    @strawberry.field(description="This region and its ancestors, nearest first, up to the root.")
    def path(self, info: Info) -> list[Region]:
        g = info.context.graph
        return [Region(rec=g.regions[c]) for c in info.context.graph.region_path(self.rec.code)]

    @strawberry.field(
        description="The departments of this region's government active on asOf "
        "(all of them, active or not, with includeInactive), optionally of one line."
    )
    async def departments(
        self,
        info: Info,
        as_of: dt.date | None = None,
        line: str | None = None,
        include_inactive: bool = False,
    ) -> list[Department]:
        date = when(as_of)
        deps = await info.context.loaders.departments_in.load(self.rec.code)
        return [
            Department(rec=d)
            for d in deps
            if (include_inactive or d.active(date)) and (line is None or line in d.systems)
        ]

    @strawberry.field
    def origin(self) -> Origin | None:
        return Origin.of(self.rec.origin)


@strawberry.type(
    description="A department (部门) of one government. `systems` are its lines (条); "
    "`vertical` marks a vertically managed line."
)
class Department:
    rec: strawberry.Private[model.Department]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    def name(self) -> str:
        return self.rec.name

    @strawberry.field(description="The government (region) it belongs to.")
    async def region(self, info: Info) -> Region | None:
        return region_node(await info.context.loaders.region.load(self.rec.region))

    @strawberry.field(description="Its lines (条), e.g. market-regulation.")
    def systems(self) -> list[str]:
        return list(self.rec.systems)

    @strawberry.field
    def vertical(self) -> bool:
        return self.rec.vertical

    @strawberry.field
    def aliases(self) -> list[str]:
        return list(self.rec.aliases)

    @strawberry.field
    def valid_from(self) -> dt.date | None:
        return as_date(self.rec.valid_from)

    @strawberry.field
    def valid_to(self) -> dt.date | None:
        return as_date(self.rec.valid_to)

    @strawberry.field(description="Whether it exists on asOf (default today).")
    def active(self, as_of: dt.date | None = None) -> bool:
        return self.rec.active(when(as_of))

    @strawberry.field(description="The department that took over its duties when abolished.")
    async def successor(self, info: Info) -> Department | None:
        if not self.rec.successor:
            return None
        return department_node(await info.context.loaders.department.load(self.rec.successor))

    @strawberry.field(
        description="The department above it: its government's, or for a vertical line "
        "the upper department of the line."
    )
    async def superior(self, info: Info) -> Department | None:
        if not self.rec.superior:
            return None
        return department_node(await info.context.loaders.department.load(self.rec.superior))

    @strawberry.field(
        description="The duties it holds, active on asOf unless includeInactive=true."
    )
    async def duties(
        self,
        info: Info,
        as_of: dt.date | None = None,
        role: str | None = None,
        include_inactive: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Duty]:
        duties = await info.context.loaders.duties_of.load(self.rec.id)
        return paginate(
            _filter_duties(duties, as_of, role, include_inactive),
            first,
            after,
            lambda d: Duty(rec=d),
        )

    @strawberry.field
    def origin(self) -> Origin | None:
        return Origin.of(self.rec.origin)


@strawberry.type(description="A regulatory item (监管事项) of the catalogue tree (主项 → 子项).")
class Item:
    rec: strawberry.Private[model.Item]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    def name(self) -> str:
        return self.rec.name

    @strawberry.field(description="The main item (主项) above this one.")
    async def parent(self, info: Info) -> Item | None:
        if not self.rec.parent:
            return None
        return item_node(await info.context.loaders.item.load(self.rec.parent))

    @strawberry.field(description="Its sub-items (子项).")
    async def children(self, info: Info) -> list[Item]:
        return [Item(rec=i) for i in await info.context.loaders.item_children.load(self.rec.id)]

    @strawberry.field
    def domain(self) -> str | None:
        return self.rec.domain

    @strawberry.field(description="职权类型, e.g. 行政检查.")
    def power_type(self) -> str | None:
        return self.rec.power_type

    @strawberry.field(description="Supervised objects (监管对象).")
    def objects(self) -> list[str]:
        return list(self.rec.objects)

    @strawberry.field
    def keywords(self) -> list[str]:
        return list(self.rec.keywords)

    @strawberry.field(description="Government levels that implement it (empty: every level).")
    def levels(self) -> list[str]:
        return list(self.rec.levels)

    @strawberry.field
    def key_item(self) -> bool:
        return self.rec.key_item

    @strawberry.field(
        description="Duties on this item, active on asOf unless includeInactive=true; "
        "`region` keeps those recorded in that region's subtree."
    )
    async def duties(
        self,
        info: Info,
        as_of: dt.date | None = None,
        role: str | None = None,
        region: str | None = None,
        line: str | None = None,
        include_inactive: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Duty]:
        duties = _filter_duties(
            await info.context.loaders.duties_on.load(self.rec.id), as_of, role, include_inactive
        )
        if region is not None:
            within = set(info.context.graph.subtree(info.context.graph.find("region", region).code))
            duties = [d for d in duties if d.region in within]
        if line is not None:
            deps = info.context.graph.departments
            duties = [
                d
                for d in duties
                if d.line == line
                or (not d.line and line in getattr(deps.get(d.department), "systems", ()))
            ]
        return paginate(duties, first, after, lambda d: Duty(rec=d))

    @strawberry.field
    def origin(self) -> Origin | None:
        return Origin.of(self.rec.origin)


@strawberry.type(
    description="A legal basis (依据): law, regulation, 三定 provision, power list, decision."
)
class BasisNode:
    rec: strawberry.Private[model.LegalBasis]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    def title(self) -> str:
        return self.rec.title

    @strawberry.field
    def kind(self) -> str:
        return self.rec.kind

    @strawberry.field
    def issuer(self) -> str | None:
        return self.rec.issuer

    @strawberry.field
    def article(self) -> str | None:
        return self.rec.article

    @strawberry.field
    def valid_from(self) -> dt.date | None:
        return as_date(self.rec.valid_from)

    @strawberry.field
    def valid_to(self) -> dt.date | None:
        return as_date(self.rec.valid_to)

    @strawberry.field(description="Whether it is in force on asOf (default today).")
    def in_force(self, as_of: dt.date | None = None) -> bool:
        return self.rec.in_force(when(as_of))

    @strawberry.field
    def origin(self) -> Origin | None:
        return Origin.of(self.rec.origin)


@strawberry.type(
    description="A duty (职责): a department's role (lead, assist, territorial) on an item "
    "in a region, for a time, on its legal bases, from a source list."
)
class Duty:
    rec: strawberry.Private[model.Duty]

    @strawberry.field(description="department|item|region|role|line|validFrom")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field(description="lead, assist or territorial.")
    def role(self) -> str:
        return self.rec.role

    @strawberry.field(description="The line under which a department with several holds it.")
    def line(self) -> str | None:
        return self.rec.line

    @strawberry.field
    def valid_from(self) -> dt.date | None:
        return as_date(self.rec.valid_from)

    @strawberry.field
    def valid_to(self) -> dt.date | None:
        return as_date(self.rec.valid_to)

    @strawberry.field(description="Whether it holds on asOf (default today).")
    def active(self, as_of: dt.date | None = None) -> bool:
        return self.rec.active(when(as_of))

    @strawberry.field(description="The list (and version or row) it came from.")
    def source(self) -> str | None:
        return self.rec.source

    @strawberry.field
    def origin(self) -> Origin | None:
        return Origin.of(self.rec.origin)

    @strawberry.field
    async def department(self, info: Info) -> Department | None:
        return department_node(await info.context.loaders.department.load(self.rec.department))

    @strawberry.field
    async def item(self, info: Info) -> Item | None:
        return item_node(await info.context.loaders.item.load(self.rec.item))

    @strawberry.field
    async def region(self, info: Info) -> Region | None:
        return region_node(await info.context.loaders.region.load(self.rec.region))

    @strawberry.field(description="Its legal bases (a missing one is left out).")
    async def bases(self, info: Info) -> list[BasisNode]:
        found = await info.context.loaders.basis.load_many(list(self.rec.bases))
        return [BasisNode(rec=b) for b in found if b is not None]


@strawberry.type(description="A party's claim in a dispute.")
class Claim:
    party: str
    claim: str


@strawberry.type(description="A jurisdiction dispute (管辖争议) between departments.")
class Dispute:
    rec: strawberry.Private[model.Dispute]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field(description="The departments in dispute.")
    async def parties(self, info: Info) -> list[Department]:
        found = await info.context.loaders.department.load_many(list(self.rec.parties))
        return [Department(rec=d) for d in found if d is not None]

    @strawberry.field(description="An item id, a business-form id or a case description.")
    def subject(self) -> str:
        return self.rec.subject

    @strawberry.field(description="The item in dispute, when the subject is an item.")
    async def item(self, info: Info) -> Item | None:
        return item_node(await info.context.loaders.item.load(self.rec.subject))

    @strawberry.field
    async def region(self, info: Info) -> Region | None:
        return region_node(await info.context.loaders.region.load(self.rec.region))

    @strawberry.field
    def raised_on(self) -> dt.date | None:
        return as_date(self.rec.raised_on)

    @strawberry.field(description="open, coordinating, decided, withdrawn...")
    def status(self) -> str:
        return self.rec.status

    @strawberry.field
    def claims(self) -> list[Claim]:
        return [Claim(party=p, claim=c) for p, c in self.rec.claims.items()]

    @strawberry.field(description="The decision record (who, when, why, duties) once decided.")
    def decision(self) -> JSON | None:
        return self.rec.decision

    @strawberry.field
    def origin(self) -> Origin | None:
        return Origin.of(self.rec.origin)


def region_node(rec: model.Region | None) -> Region | None:
    return Region(rec=rec) if rec is not None else None


def department_node(rec: model.Department | None) -> Department | None:
    return Department(rec=rec) if rec is not None else None


def item_node(rec: model.Item | None) -> Item | None:
    return Item(rec=rec) if rec is not None else None


def _filter_duties(
    duties: list[model.Duty], as_of: dt.date | None, role: str | None, include_inactive: bool
) -> list[model.Duty]:
    check_role(role)
    date = when(as_of)
    return [
        d
        for d in duties
        if (include_inactive or d.active(date)) and (role is None or d.role == role)
    ]
