"""Relay's ``Node``: one global ``id`` for every record type, and ``node(id:)``/``nodes(ids:)``.

A global id is the type's name and the record's own key (``key``: a region's
code, a department's or item's id, …), base64-encoded as graphql-relay's
``toGlobalId`` does, so a client's cache can tell a Region from an Item with
the same key. A type joins by subclassing :class:`Node` and registering how
its records are found (:func:`register`).

>>> import dutygraph.api.types  # the node types register themselves
>>> gid = global_id("Region", "510104")
>>> gid, parse_global_id(gid)
('UmVnaW9uOjUxMDEwNA==', ('Region', '510104'))
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

import strawberry

from ..errors import UsageError
from .context import Context
from .pagination import MAX_PAGE

__all__ = ["NODE_TYPES", "Node", "NodeQueries", "global_id", "parse_global_id", "register"]

Info = strawberry.Info[Context, None]

#: GraphQL type name -> (find(graph, key) -> record or None, wrap(record) -> node)
NODE_TYPES: dict[str, tuple[Callable[[Any, str], Any], Callable[[Any], Any]]] = {}


def global_id(type_name: str, key: str) -> str:
    """The global id of the ``type_name`` record ``key``."""
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def parse_global_id(gid: str) -> tuple[str, str]:
    """``(type name, key)`` of a global id; one not made here is a :class:`UsageError`."""
    try:
        text = base64.b64decode(gid.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    type_name, sep, key = text.partition(":")
    if not sep or not key or type_name not in NODE_TYPES:
        raise UsageError(
            f"{gid!r} 不是本接口的全局编号（global id）：请传节点返回的 `id`"
            f"（类型：{', '.join(sorted(NODE_TYPES))}）；记录自身的编号是它的 `key` 字段 — "
            f"{gid!r} is not a global id of this API; pass the `id` a node gave "
            f"(types: {', '.join(sorted(NODE_TYPES))}); a record's own key is its `key` field"
        )
    return type_name, key


@strawberry.interface(
    description="A record with a global id (Relay): fetch it again with `node(id:)`. Its own "
    "key (region code, department id…) is the `key` field."
)
class Node:
    #: the record attribute holding its own key (``code`` for a region)
    _key_attr = "id"

    @strawberry.field(description="Global id: opaque, stable, unique across types.")
    def id(self) -> strawberry.ID:
        name = type(self).__strawberry_definition__.name  # type: ignore[attr-defined]
        return strawberry.ID(global_id(name, getattr(self.rec, self._key_attr)))  # type: ignore[attr-defined]


def register(type_name: str, find: Callable[[Any, str], Any], wrap: Callable[[Any], Any]) -> None:
    """Let ``node(id:)`` find ``type_name`` records: ``find(graph, key)``, then ``wrap`` it."""
    NODE_TYPES[type_name] = (find, wrap)


def _node(info: Info, gid: str) -> Any:
    type_name, key = parse_global_id(gid)
    find, wrap = NODE_TYPES[type_name]
    rec = find(info.context.graph, key)
    return wrap(rec) if rec is not None else None


@strawberry.type
class NodeQueries:
    @strawberry.field(
        description="The record a global id names (null when it no longer exists); a string "
        "that is no global id is a BAD_INPUT error."
    )
    def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return _node(info, id)  # type: ignore[no-any-return]

    @strawberry.field(description="The records global ids name, in order (null: gone).")
    def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE:
            raise UsageError(f"{len(ids)} ids at once is too many; ask for at most {MAX_PAGE}")
        return [_node(info, gid) for gid in ids]
