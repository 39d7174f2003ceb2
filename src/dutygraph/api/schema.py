"""The GraphQL schema: the root fields of SPEC §5, and the one ``Mutation`` type.

Root queries answer the questions of SPEC §3 through the same analysis
functions and the same JSON shapes (:mod:`dutygraph.serialize`) as the CLI:
``whoLeads``, ``whoAssists``, ``gaps``, ``conflicts``, ``inspections``,
``assignBusinessForm``; and browse the graph: ``item(s)``,
``department(s)``, ``region(s)``, ``disputes``. Lists are connections
(``first``/``after``, ``totalCount``, ``pageInfo``); every answer that depends
on time takes ``asOf`` (default today). An unknown or ambiguous id or name is
a GraphQL error whose message says which and how to fix it.

**Extension point.** ``Query`` and ``Mutation`` are merged from lists:
:data:`QUERY_TYPES` and :data:`MUTATION_TYPES` here, plus the ``QUERIES`` and
``MUTATIONS`` lists of every module named in :data:`EXTENSION_MODULES` that
exists (e.g. ``dutygraph/api/disputes.py`` adds the dispute mutations). A
mutation guards itself with ``PermissionExtension([Allowed(action)])`` from
:mod:`dutygraph.api.auth`.

>>> import asyncio
>>> from dutygraph.api.context import make_context
>>> from dutygraph.fixtures import DEMO_PATH
>>> from dutygraph.importer import load
>>> from dutygraph.store import EmbeddedStore
>>> import tempfile, os
>>> store = EmbeddedStore(os.path.join(tempfile.mkdtemp(), "doc.db")); _ = load(store, [DEMO_PATH])
>>> q = '{ whoLeads(item: "食品安全监督管理", region: "锦江区", asOf: "2025-06-01") { answers { department { key name } inherited } } }'
>>> async def ask():
...     return await build_schema().execute(q, context_value=make_context(store))
>>> asyncio.run(ask()).data["whoLeads"]["answers"]
[{'department': {'key': 'JJ-SCJ', 'name': '锦江区市场监督管理局'}, 'inherited': True}]
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types

from .. import model
from ..analysis.assign import assign_business_form
from ..analysis.conflicts import duplicate_inspections, find_conflicts
from ..analysis.gaps import find_gaps, scope
from ..analysis.resolve import who_assists, who_leads
from ..cli.assign import assignment_dict
from ..errors import (
    Ambiguous,
    DutyGraphError,
    Forbidden,
    NotFound,
    StoreError,
    Unauthenticated,
)
from ..serialize import conflict_dict, gap_dict, inspection_dict, resolution_dict
from . import imports
from .answers import (
    Assignment,
    Conflict,
    Gap,
    Inspection,
    Resolution,
    assignment_of,
    conflict_of,
    gap_of,
    inspection_of,
    resolution_of,
)
from .cost import DEFAULT_MAX_COST, CostLimiter
from .counts import CountQueries
from .enums import ConflictKind, DisputeStatus, GapKind, Level, PowerType, Role, value_of
from .filters import DepartmentWhere, ItemSort, ItemWhere, RegionWhere, select
from .lists import ListQueries, keyed_page
from .nodes import NodeQueries
from .pagination import Connection, ordered, paginate
from .types import Department, Dispute, Info, Item, Region, when

__all__ = [
    "DEFAULT_LIMITS",
    "ERROR_CODES",
    "EXTENSION_MODULES",
    "MUTATION_TYPES",
    "QUERY_TYPES",
    "Query",
    "build_schema",
    "error_code",
    "sdl",
    "should_mask",
]


def _matches(rec: Any, text: str) -> bool:
    text = text.casefold()
    names = (
        getattr(rec, "id", ""),
        getattr(rec, "name", ""),
        *getattr(rec, "aliases", ()),
        *getattr(rec, "keywords", ()),
    )
    return any(text in str(n).casefold() for n in names)


def _own_key(rec: Any) -> list[str]:
    """The keyset key of a list in id order."""
    return [rec.id]


def _one(kind: str, node: type, description: str) -> Any:
    """A root field giving the one ``kind`` record an ``id`` argument names."""

    def resolve(self: Any, info: Info, id: str) -> Any:
        return node(rec=info.context.graph.find(kind, id))

    return strawberry.field(resolver=resolve, graphql_type=node, description=description)


def _scan(
    find: Callable[..., list[Any]],
    kind: type,
    shape: Callable[[Any, Any, str], Any],
    type_: Any,
    description: str,
) -> Any:
    """A root field listing what ``find(graph, region, date, kinds)`` finds, as a connection."""

    def resolve(
        self: Any,
        info: Info,
        region: str | None = None,
        as_of: dt.date | None = None,
        kinds: list[Any] | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        g = info.context.graph
        date = when(as_of)
        found = find(g, region, date, value_of(kinds) or None)
        return paginate(found, first, after, lambda x: shape(g, x, date), last=last, before=before)

    resolve.__annotations__["kinds"] = list[kind] | None  # type: ignore[valid-type]

    return strawberry.field(resolver=resolve, graphql_type=type_, description=description)


@strawberry.input(description="A new business form (新业态) to place.")
class BusinessFormInput:
    name: str
    description: str = ""
    behaviors: list[str] = strawberry.field(
        default_factory=list, description="Behaviour ids, names or free text."
    )
    region: str | None = strawberry.field(
        default=None, description="Name this region's departments (code or exact name)."
    )
    as_of: dt.date | None = None


@strawberry.type(description="Questions about duties, and the graph they come from.")
class Query:
    @strawberry.field(
        description="Who leads an item (id or exact name) in a region (code or exact name) "
        "on asOf, with evidence: explicit, else up the item tree, else inherited up the "
        "region tree to the region's own department of the same line."
    )
    def who_leads(
        self, info: Info, item: str, region: str, as_of: dt.date | None = None
    ) -> Resolution:
        g = info.context.graph
        return resolution_of(resolution_dict(g, who_leads(g, item, region, when(as_of))))

    @strawberry.field(description="Who assists: the same rules, applied to assist duties alone.")
    def who_assists(
        self, info: Info, item: str, region: str, as_of: dt.date | None = None
    ) -> Resolution:
        g = info.context.graph
        return resolution_of(resolution_dict(g, who_assists(g, item, region, when(as_of))))

    gaps = _scan(
        find_gaps,
        GapKind,
        lambda g, x, date: gap_of(gap_dict(g, x)),
        Connection[Gap],
        "Gaps (事有人管) in a region's subtree (default: everywhere) on asOf, of `kinds`.",
    )
    conflicts = _scan(
        find_conflicts,
        ConflictKind,
        lambda g, c, date: conflict_of(conflict_dict(g, c, date)),
        Connection[Conflict],
        "Conflicts recorded in a region's subtree (default: everywhere) on asOf, of `kinds`.",
    )

    @strawberry.field(
        description="Joint-inspection candidates (综合查一次): departments leading 行政检查 items "
        "over the same supervised object, per region, on asOf."
    )
    def inspections(
        self,
        info: Info,
        region: str | None = None,
        as_of: dt.date | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Inspection]:
        found = duplicate_inspections(info.context.graph, region, when(as_of))
        return paginate(
            found,
            first,
            after,
            lambda x: inspection_of(inspection_dict(x)),
            last=last,
            before=before,
        )

    @strawberry.field(
        description="Propose lead and assisting departments for a new business form "
        "(领域归口, 业务相近, main behaviours), best candidate first. Reads only."
    )
    def assign_business_form(self, info: Info, input: BusinessFormInput) -> Assignment:
        a = assign_business_form(
            info.context.graph,
            input.name,
            input.description,
            input.behaviors,
            input.region,
            when(input.as_of),
        )
        return assignment_of(assignment_dict(a))

    item = _one("item", Item, "One item by id or exact name.")

    @strawberry.field(
        description="Items, by id (or `sort`); `search` matches id, name and keywords; `parent` "
        "lists the sub-items of one item; `where` filters on any field (asOf: the day it is "
        "judged on)."
    )
    def items(
        self,
        info: Info,
        search: str | None = None,
        domain: str | None = None,
        power_type: PowerType | None = None,
        key_item: bool | None = None,
        parent: str | None = None,
        where: ItemWhere | None = None,
        sort: list[ItemSort] | None = None,
        as_of: dt.date | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Item]:
        g = info.context.graph
        parent_id = g.find("item", parent).id if parent else None
        found = [
            i
            for i in g.items.values()
            if (search is None or _matches(i, search))
            and (domain is None or i.domain == domain)
            and (power_type is None or i.power_type == power_type)
            and (key_item is None or i.key_item == key_item)
            and (parent_id is None or i.parent == parent_id)
        ]
        return keyed_page(
            found,
            where,
            sort,
            ItemSort,
            info,
            as_of,
            lambda i: Item(rec=i),
            first,
            after,
            last,
            before,
        )

    department = _one("department", Department, "One department by id, exact name or alias.")

    @strawberry.field(
        description="Departments active on asOf (all with includeInactive), by id; `region` "
        "keeps that region's subtree, `line` one line (条), `role` those holding an active "
        "duty of that role; `where` filters on any field (asOf: the day it is judged on)."
    )
    def departments(
        self,
        info: Info,
        search: str | None = None,
        region: str | None = None,
        line: str | None = None,
        role: Role | None = None,
        as_of: dt.date | None = None,
        include_inactive: bool = False,
        where: DepartmentWhere | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Department]:
        g = info.context.graph
        date = when(as_of)
        within = set(g.subtree(g.find("region", region).code)) if region else None
        found = [
            d
            for d in sorted(g.departments.values(), key=lambda d: d.id)
            if (search is None or _matches(d, search))
            and (within is None or d.region in within)
            and (line is None or line in d.systems)
            and (include_inactive or d.active(date))
            and (role is None or any(x.role == role and x.active(date) for x in g.duties_of(d.id)))
        ]
        found = select(found, where, g, date)
        return paginate(
            found, first, after, lambda d: Department(rec=d), last=last, before=before, key=_own_key
        )

    @strawberry.field(description="One region by code (6 or 12 digits) or exact name.")
    def region(self, info: Info, code: str) -> Region:
        return Region(rec=info.context.graph.find("region", code))

    @strawberry.field(
        description="Regions in tree order (parents first); `within` keeps one region's subtree; "
        "`where` filters on any field."
    )
    def regions(
        self,
        info: Info,
        search: str | None = None,
        level: Level | None = None,
        within: str | None = None,
        where: RegionWhere | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Region]:
        g = info.context.graph
        found = [
            g.regions[c]
            for c in scope(g, within)
            if (search is None or _matches(g.regions[c], search))
            and (level is None or g.regions[c].level == level)
        ]
        found = select(found, where, g, model.today())

        def tree_key(r: Any) -> list[Any]:  # the codes from the root down: parents first
            return [list(reversed(g.region_path(r.code)))]

        return paginate(
            ordered(found, tree_key),
            first,
            after,
            lambda r: Region(rec=r),
            last=last,
            before=before,
            key=tree_key,
            order="tree",
        )

    @strawberry.field(
        description="Jurisdiction disputes (管辖争议) as recorded, by id; `region` keeps a "
        "region's subtree; `status` one status."
    )
    def disputes(
        self,
        info: Info,
        status: DisputeStatus | None = None,
        region: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Dispute]:
        g = info.context.graph
        within = set(g.subtree(g.find("region", region).code)) if region else None
        found = [
            d
            for d in sorted(g.disputes.values(), key=lambda d: d.id)
            if (status is None or d.status == status) and (within is None or d.region in within)
        ]
        return paginate(
            found, first, after, lambda d: Dispute(rec=d), last=last, before=before, key=_own_key
        )


#: classes merged into the root ``Query`` type
QUERY_TYPES: list[type] = [Query, NodeQueries, ListQueries, CountQueries]
#: classes merged into the root ``Mutation`` type
MUTATION_TYPES: list[type] = [*imports.MUTATIONS]
#: modules that add ``QUERIES`` and ``MUTATIONS`` lists when they exist
EXTENSION_MODULES: tuple[str, ...] = (
    "dutygraph.api.disputes",
    "dutygraph.api.analyses",
    "dutygraph.api.whatif",
    "dutygraph.api.laws",
)

#: default limits on one operation: nesting depth, tokens, aliases, cost (list sizes, see cost.py)
DEFAULT_LIMITS = {
    "max_depth": 12,
    "max_tokens": 3000,
    "max_aliases": 20,
    "max_cost": DEFAULT_MAX_COST,
}


def _extensions_of(modules: Iterable[str]) -> tuple[list[type], list[type]]:
    queries: list[type] = []
    mutations: list[type] = []
    for name in modules:
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)  # an error inside it is not hidden
        queries.extend(getattr(module, "QUERIES", ()))
        mutations.extend(getattr(module, "MUTATIONS", ()))
    return queries, mutations


#: ``extensions.code`` of every error, by the error class its resolver raised (first match)
ERROR_CODES: tuple[tuple[type[Exception], str], ...] = (
    (Unauthenticated, "UNAUTHENTICATED"),
    (Forbidden, "FORBIDDEN"),
    (Ambiguous, "AMBIGUOUS"),
    (NotFound, "NOT_FOUND"),
    (StoreError, "STORE_UNAVAILABLE"),
    (DutyGraphError, "BAD_INPUT"),
)


def error_code(error: GraphQLError) -> str:
    """The ``extensions.code`` of ``error``: see :data:`ERROR_CODES`.

    An error GraphQL itself raised (syntax, validation, a value that is no
    ``Date`` or no member of an enum, a limit) is ``BAD_INPUT``; an unexpected
    one, masked, is ``INTERNAL_SERVER_ERROR``.
    """
    original = error.original_error
    for cls, code in ERROR_CODES:
        if isinstance(original, cls):
            return code
    if should_mask(error):
        return "INTERNAL_SERVER_ERROR"
    return "BAD_INPUT"


class CodedErrors(MaskErrors):
    """Mask unexpected errors (:func:`should_mask`) and give every error its ``extensions.code``.

    The one place error codes are set: resolvers raise dutygraph's errors, never codes.
    """

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        codes = [error_code(e) for e in errors]
        processed = super()._process_errors(errors)
        for error, code in zip(processed, codes, strict=True):
            error.extensions = {**(error.extensions or {}), "code": code}
        return processed


def should_mask(error: GraphQLError) -> bool:
    """Mask unexpected errors; let dutygraph's own (and GraphQL's) messages through."""
    original = error.original_error
    return original is not None and not isinstance(original, (DutyGraphError, GraphQLError))


def build_schema(
    *,
    max_depth: int = DEFAULT_LIMITS["max_depth"],
    max_tokens: int = DEFAULT_LIMITS["max_tokens"],
    max_aliases: int = DEFAULT_LIMITS["max_aliases"],
    max_cost: int = DEFAULT_LIMITS["max_cost"],
    extra_extensions: Sequence[SchemaExtension | type[SchemaExtension]] = (),
    modules: Iterable[str] = EXTENSION_MODULES,
) -> strawberry.Schema:
    """The schema, with its safety limits and error masking on.

    Parameters
    ----------
    max_depth, max_tokens, max_aliases : int
        Refuse operations nested deeper, longer, or with more aliases than this.
    max_cost : int
        Refuse operations that could ask for more values than this (:mod:`dutygraph.api.cost`).
    extra_extensions : strawberry schema extensions to add
    modules : modules to take more ``QUERIES`` and ``MUTATIONS`` from
    """
    more_q, more_m = _extensions_of(modules)
    query = merge_types("Query", tuple(QUERY_TYPES + more_q))
    mutation = merge_types("Mutation", tuple(MUTATION_TYPES + more_m))
    # the limits' validation rules are built once, so that validation results can be cached
    rules = [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]
    extensions: list[Any] = [
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: CodedErrors(
            should_mask_error=should_mask,
            error_message="unexpected internal error (a bug: the server log has the details)",
        ),
        # the same operations come again and again (saved queries, clients): parse and
        # validate each text once; a limit's refusal is part of the cached validation
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: CostLimiter(max_cost),  # after the cache: it counts with the variables' values
        *extra_extensions,
    ]
    return strawberry.Schema(query=query, mutation=mutation, extensions=extensions)


def sdl(schema: strawberry.Schema | None = None) -> str:
    """The schema as SDL text, ending in a newline (what ``schema.graphql`` holds)."""
    return (schema or build_schema()).as_str().rstrip() + "\n"
