"""What one GraphQL request carries: the store, one snapshot of it, its loaders, its caller."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from ..graph import DutyGraph
from ..reader import answers_in_store
from ..store.base import Store
from .loaders import GraphAccess, Loaders

__all__ = ["Context", "date_str", "make_context"]


@dataclass
class Context:
    """Per-request state, reached by resolvers as ``info.context``.

    ``role`` is the caller's role from its bearer token (``None``: no token);
    ``loopback`` says whether the request came from this machine; ``lang`` is
    the language of the texts a person reads (:func:`dutygraph.api.auth.lang_of`).
    """

    store: Store
    graph: DutyGraph
    access: GraphAccess
    loaders: Loaders
    role: str | None = None
    loopback: bool = True
    lang: str = "zh"
    extra: dict[str, Any] = field(default_factory=dict)


def make_context(
    store: Store,
    *,
    role: str | None = None,
    loopback: bool = True,
    access: Callable[[DutyGraph], GraphAccess] = GraphAccess,
    graph: DutyGraph | None = None,
    lang: str = "zh",
) -> Context:
    """A context over one snapshot of ``store``: ``graph``, else one ``store.graph()`` call.

    A server passes its shared snapshot (:class:`dutygraph.api.state.Snapshots`). A store
    that answers in its database (``answers_in_store``: the Neo4j store) gives its reader
    instead: every resolver takes a :class:`~dutygraph.reader.GraphReader`.
    """
    if graph is None:
        # the API's batched accessors read the whole snapshot, or the store's reader
        graph = cast(DutyGraph, store.reader()) if answers_in_store(store) else store.graph()
    acc = access(graph)
    return Context(store, graph, acc, Loaders(acc), role=role, loopback=loopback, lang=lang)


def date_str(value: dt.date | None) -> str | None:
    """An ``asOf`` argument as the ISO string the analyses take (``None``: today)."""
    return value.isoformat() if value is not None else None
