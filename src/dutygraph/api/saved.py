"""Saved example operations (``queries/*.graphql``), listed one click away in the explorer.

Each file is one GraphQL operation preceded by a header of ``# key: value``
comment lines::

    # title: 谁牵头 · Who leads an item in a region
    # variables: {"item": "食品安全监督管理", "region": "锦江区", "asOf": "2025-06-01"}
    query WhoLeads($item: String!, $region: String!, $asOf: Date) { ... }

``title`` is required; ``variables`` (JSON, values on the demo data) and
``description`` are optional; any other key is an error, so a typo cannot
hide a setting.

>>> q = parse_saved("who-leads", '# title: Who leads\\n# variables: {"item": "I-FOOD"}\\nquery Q($item: String!) { item(id: $item) { name } }\\n')
>>> q.title, q.variables
('Who leads', {'item': 'I-FOOD'})
>>> print(q.with_defaults())
query Q($item: String! = "I-FOOD") {
  item(id: $item) {
    name
  }
}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import GraphQLSyntaxError, Visitor, parse, print_ast, visit
from graphql.language import (
    BooleanValueNode,
    ConstListValueNode,
    ConstObjectFieldNode,
    ConstObjectValueNode,
    ConstValueNode,
    FloatValueNode,
    IntValueNode,
    NullValueNode,
    StringValueNode,
    VariableDefinitionNode,
)
from graphql.language import NameNode as _Name

from ..errors import UsageError

__all__ = ["SavedQuery", "default_queries_dir", "load_saved", "parse_saved"]

_KEYS = ("title", "variables", "description")


@dataclass(frozen=True)
class SavedQuery:
    """One saved operation: file stem, title, query text (without its header), variables."""

    name: str
    title: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The shape the explorer takes (name, title, query, variables)."""
        return {
            "name": self.name,
            "title": self.title,
            "query": self.query,
            "variables": self.variables,
        }

    def with_defaults(self) -> str:
        """The operation with its variables' values written in as defaults (runs as is)."""
        values = self.variables

        class Defaults(Visitor):
            def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> Any:
                name = node.variable.name.value
                if name not in values:
                    return None
                return VariableDefinitionNode(
                    variable=node.variable,
                    type=node.type,
                    default_value=_value_node(values[name]),
                    directives=node.directives,
                )

        return print_ast(visit(parse(self.query), Defaults()))


def _value_node(v: Any) -> ConstValueNode:
    if v is None:
        return NullValueNode()
    if isinstance(v, bool):
        return BooleanValueNode(value=v)
    if isinstance(v, int):
        return IntValueNode(value=str(v))
    if isinstance(v, float):
        return FloatValueNode(value=repr(v))
    if isinstance(v, str):
        return StringValueNode(value=v)
    if isinstance(v, list):
        return ConstListValueNode(values=tuple(_value_node(x) for x in v))
    if isinstance(v, dict):
        return ConstObjectValueNode(
            fields=tuple(
                ConstObjectFieldNode(name=_Name(value=k), value=_value_node(x))
                for k, x in v.items()
            )
        )
    raise TypeError(f"cannot write {v!r} as a GraphQL value")


def parse_saved(name: str, text: str, where: str | None = None) -> SavedQuery:
    """Read one saved operation (see the module docstring); errors name the file and line."""
    where = where or name
    header: dict[str, str] = {}
    body: list[str] = []
    in_header = True
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if in_header and stripped.startswith("#"):
            key, sep, value = stripped.lstrip("#").partition(":")
            key = key.strip().lower()
            if not sep or key not in _KEYS:
                raise UsageError(
                    f"{where}, line {n}: header lines are '# key: value' with key one of "
                    f"{', '.join(_KEYS)}"
                )
            header[key] = value.strip()
            continue
        if in_header and not stripped:
            continue
        in_header = False
        body.append(line)
    if not header.get("title"):
        raise UsageError(f"{where}: no '# title: ...' line at the top; give the operation a title")
    variables: dict[str, Any] = {}
    if header.get("variables"):
        try:
            variables = json.loads(header["variables"])
        except json.JSONDecodeError as exc:
            raise UsageError(f"{where}: '# variables:' is not JSON ({exc.msg})") from None
        if not isinstance(variables, dict):
            raise UsageError(f"{where}: '# variables:' must be a JSON object")
    query = "\n".join(body).strip() + "\n"
    try:
        parse(query)
    except GraphQLSyntaxError as exc:
        raise UsageError(f"{where}: {exc.message} at {exc.locations}") from None
    return SavedQuery(name, header["title"], query, variables, header.get("description", ""))


def load_saved(folder: str | Path | None) -> list[SavedQuery]:
    """Every ``*.graphql`` file of ``folder``, by file name (none when it does not exist)."""
    if folder is None:
        return []
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return [
        parse_saved(p.stem, p.read_text(encoding="utf-8"), str(p))
        for p in sorted(folder.glob("*.graphql"))
    ]


def default_queries_dir() -> Path | None:
    """The saved operations shipped with the package (``queries/`` of the source tree)."""
    from ..queries import QUERY_DIR

    return QUERY_DIR if QUERY_DIR.is_dir() else None
