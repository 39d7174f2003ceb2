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
from collections.abc import Callable
from typing import Any, Optional

import strawberry
from strawberry.scalars import JSON

from .. import model
from ..errors import UsageError
from .context import Context
from .enums import DisputeStatus, Level, PowerType, Role
from .fields import as_date, from_record, link, validity, when
from .nodes import Node, register
from .pagination import Connection, ordered, paginate

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


def _rec(attr: str) -> Callable[[Any], Any]:
    """The wrapped record's ``attr``: the id a :func:`~dutygraph.api.fields.link` follows."""
    return lambda self: getattr(self.rec, attr)


def check_role(role: str | None) -> str | None:
    """A ``role`` filter: one of :data:`dutygraph.model.ROLES`, or ``None``."""
    if role is not None and role not in model.ROLES:
        raise UsageError(f"unknown role {role!r}; use one of {', '.join(model.ROLES)}")
    return role


def region_node(rec: model.Region | None) -> Region | None:
    return Region(rec=rec) if rec is not None else None


def department_node(rec: model.Department | None) -> Department | None:
    return Department(rec=rec) if rec is not None else None


def item_node(rec: model.Item | None) -> Item | None:
    return Item(rec=rec) if rec is not None else None


def region_link(key: Callable[[Any], str | None], description: str | None = None) -> Any:
    """A field giving the :class:`Region` whose code ``key(self)`` names (null: none)."""
    return link("region", key, region_node, Optional["Region"], description)


def department_link(key: Callable[[Any], str | None], description: str | None = None) -> Any:
    """A field giving the :class:`Department` whose id ``key(self)`` names (null: none)."""
    return link("department", key, department_node, Optional["Department"], description)


def item_link(key: Callable[[Any], str | None], description: str | None = None) -> Any:
    """A field giving the :class:`Item` whose id ``key(self)`` names (null: none)."""
    return link("item", key, item_node, Optional["Item"], description)


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
class Region(Node):
    rec: strawberry.Private[model.Region]
    _key_attr = "code"

    key = from_record("code", str, "Its own key: the GB/T 2260 code.")

    code = from_record("code", str, "GB/T 2260 code (6 digits, or 12 for a township).")
    name = from_record("name", str)
    level = from_record("level", Level, "Its government level.")
    parent = region_link(_rec("parent"), "The region above (null at the root).")

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

    origin = from_record("origin", Origin | None, convert=Origin.of)


@strawberry.type(
    description="A department (部门) of one government. `systems` are its lines (条); "
    "`vertical` marks a vertically managed line."
)
class Department(Node):
    rec: strawberry.Private[model.Department]

    key = from_record("id", str, "Its own key: the record id the CLI and the lists use.")
    name = from_record("name", str)
    region = region_link(_rec("region"), "The government (region) it belongs to.")
    systems = from_record("systems", list[str], "Its lines (条), e.g. market-regulation.", list)
    vertical = from_record("vertical", bool)
    aliases = from_record("aliases", list[str], convert=list)
    valid_from, valid_to, active = validity("active", "Whether it exists on asOf (default today).")
    successor = department_link(
        _rec("successor"), "The department that took over its duties when abolished."
    )
    superior = department_link(
        _rec("superior"),
        "The department above it: its government's, or for a vertical line the upper department "
        "of the line.",
    )

    @strawberry.field(
        description="The duties it holds, active on asOf unless includeInactive=true."
    )
    async def duties(
        self,
        info: Info,
        as_of: dt.date | None = None,
        role: Role | None = None,
        include_inactive: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Duty]:
        duties = await info.context.loaders.duties_of.load(self.rec.id)
        return duty_page(
            _filter_duties(duties, as_of, role, include_inactive), first, after, last, before
        )

    origin = from_record("origin", Origin | None, convert=Origin.of)


@strawberry.type(description="A regulatory item (监管事项) of the catalogue tree (主项 → 子项).")
class Item(Node):
    rec: strawberry.Private[model.Item]

    key = from_record("id", str, "Its own key: the record id the CLI and the lists use.")
    name = from_record("name", str)
    parent = item_link(_rec("parent"), "The main item (主项) above this one.")

    @strawberry.field(description="Its sub-items (子项).")
    async def children(self, info: Info) -> list[Item]:
        return [Item(rec=i) for i in await info.context.loaders.item_children.load(self.rec.id)]

    domain = from_record("domain", str | None)
    power_type = from_record(
        "power_type", PowerType | None, "职权类型, e.g. INSPECTION (行政检查)."
    )
    objects = from_record("objects", list[str], "Supervised objects (监管对象).", list)
    keywords = from_record("keywords", list[str], convert=list)
    levels = from_record(
        "levels", list[str], "Government levels that implement it (empty: every level).", list
    )
    key_item = from_record("key_item", bool)

    @strawberry.field(
        description="Duties on this item, active on asOf unless includeInactive=true; "
        "`region` keeps those recorded in that region's subtree."
    )
    async def duties(
        self,
        info: Info,
        as_of: dt.date | None = None,
        role: Role | None = None,
        region: str | None = None,
        line: str | None = None,
        include_inactive: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
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
        return duty_page(duties, first, after, last, before)

    origin = from_record("origin", Origin | None, convert=Origin.of)


@strawberry.type(
    name="LegalBasis",
    description="A legal basis (依据): law, regulation, 三定 provision, power list, decision.",
)
class BasisNode(Node):
    rec: strawberry.Private[model.LegalBasis]

    key = from_record("id", str, "Its own key: the record id the CLI and the lists use.")
    title = from_record("title", str)
    kind = from_record("kind", str)
    issuer = from_record("issuer", str | None)
    article = from_record("article", str | None)
    valid_from, valid_to, in_force = validity(
        "in_force", "Whether it is in force on asOf (default today)."
    )
    origin = from_record("origin", Origin | None, convert=Origin.of)

    @strawberry.field(description="The duties resting on it (any date).")
    def duties(self, info: Info) -> list[Duty]:
        return [Duty(rec=d) for d in info.context.graph.duties_resting_on(self.rec.id)]


@strawberry.type(
    description="A duty (职责): a department's role (lead, assist, territorial) on an item "
    "in a region, for a time, on its legal bases, from a source list."
)
class Duty(Node):
    rec: strawberry.Private[model.Duty]

    key = from_record("id", str, "Its own key: department|item|region|role|line|validFrom.")
    role = from_record("role", Role)
    line = from_record(
        "line", str | None, "The line under which a department with several holds it."
    )

    valid_from, valid_to, active = validity("active", "Whether it holds on asOf (default today).")
    source = from_record("source", str | None, "The list (and version or row) it came from.")
    origin = from_record("origin", Origin | None, convert=Origin.of)
    department = department_link(_rec("department"))
    item = item_link(_rec("item"))
    region = region_link(_rec("region"))

    @strawberry.field(description="Its legal bases (a missing one is left out).")
    async def bases(self, info: Info) -> list[BasisNode]:
        found = await info.context.loaders.basis.load_many(list(self.rec.bases))
        return [BasisNode(rec=b) for b in found if b is not None]


@strawberry.type(description="A party's claim in a dispute.")
class Claim:
    party: str
    claim: str


@strawberry.type(description="A jurisdiction dispute (管辖争议) between departments.")
class Dispute(Node):
    rec: strawberry.Private[model.Dispute]

    key = from_record("id", str, "Its own key: the record id the CLI and the lists use.")

    @strawberry.field(description="The departments in dispute.")
    async def parties(self, info: Info) -> list[Department]:
        found = await info.context.loaders.department.load_many(list(self.rec.parties))
        return [Department(rec=d) for d in found if d is not None]

    subject = from_record("subject", str, "An item id, a business-form id or a case description.")
    item = item_link(_rec("subject"), "The item in dispute, when the subject is an item.")
    region = region_link(_rec("region"))
    raised_on = from_record("raised_on", dt.date | None, convert=as_date)
    status = from_record("status", DisputeStatus)

    @strawberry.field
    def claims(self) -> list[Claim]:
        return [Claim(party=p, claim=c) for p, c in self.rec.claims.items()]

    decision = from_record(
        "decision", JSON | None, "The decision record (who, when, why, duties) once decided."
    )

    origin = from_record("origin", Origin | None, convert=Origin.of)


def _duty_key(d: model.Duty) -> list[str]:
    return [d.id]


def duty_page(
    duties: list[model.Duty],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Duty]:
    """A page of duties in key order, with keyset cursors."""
    return paginate(
        ordered(duties, _duty_key),
        first,
        after,
        lambda d: Duty(rec=d),
        last=last,
        before=before,
        key=_duty_key,
    )


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


register("Region", lambda g, k: g.regions.get(k), region_node)
register("Department", lambda g, k: g.departments.get(k), department_node)
register("Item", lambda g, k: g.items.get(k), item_node)
register("Duty", lambda g, k: g.duties.get(k), lambda r: Duty(rec=r))
register("LegalBasis", lambda g, k: g.bases.get(k), lambda r: BasisNode(rec=r))
register("Dispute", lambda g, k: g.disputes.get(k), lambda r: Dispute(rec=r))
