"""Stores: where the graph is kept. The embedded file store is the default.

:func:`open_store` chooses the backend from a URL: ``bolt://`` and
``neo4j://`` name a Neo4j server (its driver is imported only then), anything
else is a file path for the embedded store.
"""

from __future__ import annotations

import os

from .base import CAPABILITIES, ChangeSet, Store, reads_rows, require
from .embedded import EmbeddedStore

__all__ = [
    "CAPABILITIES",
    "DEFAULT_STORE",
    "ChangeSet",
    "EmbeddedStore",
    "Store",
    "open_store",
    "reads_rows",
    "require",
]

#: the store used when neither --store nor DUTYGRAPH_STORE names one
DEFAULT_STORE = "dutygraph.db"

_SERVER_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def open_store(url: str | os.PathLike[str] | None = None) -> Store:
    """Open the store at ``url`` (default: ``$DUTYGRAPH_STORE``, else ``./dutygraph.db``)."""
    target = (
        os.fspath(url) if url is not None else os.environ.get("DUTYGRAPH_STORE") or DEFAULT_STORE
    )
    if target.startswith(_SERVER_SCHEMES):
        from .neo4j import Neo4jStore  # the driver is imported only for this store

        return Neo4jStore(target)
    return EmbeddedStore(target)
