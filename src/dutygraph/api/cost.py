"""A cost limit that counts list sizes: how many values an operation could ask for at most.

Beside the depth, token and alias limits (which a query of a few lines with
``first: 500`` twice nested passes), the cost counts every field once per
value it may be asked for: a connection field multiplies what it holds by
its ``first``/``last`` (or the default page), ``nodes(ids:)`` by the number
of ids, and the multipliers compound with nesting. Variables are counted by
their values, so the limit is checked when the operation runs
(:class:`CostLimiter`); an operation over the limit is refused before any
resolver runs, with a ``BAD_INPUT`` error that says its cost and the limit.

>>> from dutygraph.api.schema import build_schema
>>> from graphql import parse
>>> s = build_schema()._schema
>>> operation_cost(s, parse("{ items(first: 10) { nodes { key name } } }"), {})
40
>>> operation_cost(s, parse("{ items(first: 10) { nodes { duties(first: 5) { nodes { key } } } } }"), {})
170
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    get_operation_ast,
    value_from_ast_untyped,
)
from graphql.language import DocumentNode
from strawberry.extensions import SchemaExtension

from ..errors import UsageError
from .pagination import DEFAULT_PAGE, MAX_PAGE

__all__ = ["DEFAULT_MAX_COST", "CostLimiter", "operation_cost"]

#: the largest cost an operation may have by default (a page of 500 rows of ~20 fields is 10 000)
DEFAULT_MAX_COST = 50_000


def _size(field: FieldNode, args: Mapping[str, Any], variables: Mapping[str, Any]) -> int:
    """How many values the field may hold: first/last, the number of ids, else one."""
    given = {
        a.name.value: value_from_ast_untyped(a.value, dict(variables))
        for a in field.arguments or ()
    }
    if "first" in args or "last" in args:
        sizes = [given.get("first"), given.get("last")]
        known = [n for n in sizes if isinstance(n, int)]
        return min(max(known), MAX_PAGE) if known else DEFAULT_PAGE  # more: the page refuses it
    if "ids" in args and isinstance(given.get("ids"), list):
        return len(given["ids"])
    return 1


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    operation_name: str | None = None,
) -> int:
    """The cost of the operation: each field counted once per value it may be asked for."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    variables = variables or {}
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = schema.get_root_type(operation.operation)

    def walk(selections: SelectionSetNode, parent: Any, times: int, seen: frozenset[str]) -> int:
        total = 0
        for sel in selections.selections:
            if isinstance(sel, FieldNode):
                fields = getattr(parent, "fields", {})
                found = fields.get(sel.name.value)
                if found is None:  # __typename, or what validation has refused already
                    continue
                n = times * _size(sel, found.args, variables)
                total += n
                if sel.selection_set is not None:
                    total += walk(sel.selection_set, get_named_type(found.type), n, seen)
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                inner = schema.get_type(cond.name.value) if cond else parent
                total += walk(sel.selection_set, inner, times, seen)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                frag = fragments.get(name)
                if frag is not None and name not in seen:  # a cycle is refused by validation
                    inner = schema.get_type(frag.type_condition.name.value)
                    total += walk(frag.selection_set, inner, times, seen | {name})
        return total

    return walk(operation.selection_set, root, 1, frozenset())


class CostLimiter(SchemaExtension):
    """Refuse an operation whose :func:`operation_cost` is over ``max_cost``."""

    def __init__(self, max_cost: int = DEFAULT_MAX_COST) -> None:
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        # after the validation cache (listed before this one) has set the validation's
        # errors: an invalid operation keeps them; a valid one over the limit gets this
        ctx = self.execution_context
        if not ctx.pre_execution_errors and ctx.graphql_document is not None:
            cost = operation_cost(
                ctx.schema._schema, ctx.graphql_document, ctx.variables, ctx.operation_name
            )
            if cost > self.max_cost:
                error = UsageError(
                    f"this operation could ask for {cost} values (list sizes first/last "
                    f"multiplied through the nesting); the limit is {self.max_cost}: ask for "
                    "smaller pages, or page through with after/before"
                )
                ctx.pre_execution_errors = [GraphQLError(str(error), original_error=error)]
        yield
