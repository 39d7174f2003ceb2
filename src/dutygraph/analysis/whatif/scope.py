"""A what-if asked of a store: :func:`whatif_of`.

A store that answers in its database (the Neo4j store) never gives its whole
graph to a what-if. Over a region it reads that region's subtree and the regions
above it (:func:`~dutygraph.reader.scope_graph`); with no region it compares
region by region (:func:`~dutygraph.analysis.whatif.pieces.what_if_by_pieces`:
one piece of the region tree at a time, the reports merged), so the client
holds the largest piece, not the graph. Any other store gives its snapshot.
"""

from __future__ import annotations

from typing import Any

from ...reader import answers_in_store, scope_graph
from .compare import WhatIf, what_if
from .pieces import PiecesReport, what_if_by_pieces

__all__ = ["whatif_of"]


def whatif_of(
    store: Any,
    region: str | None,
    scenario: Any,
    as_of: str | None = None,
    analysis: str = "whatif",
) -> WhatIf | PiecesReport:
    """:func:`~dutygraph.analysis.whatif.what_if` of ``scenario`` over ``region``
    (``None``: everywhere) on ``store``, read as the module docstring says."""
    if not answers_in_store(store):
        return what_if(store.graph(), scenario, region, as_of)
    reader = store.reader()
    if region:
        return what_if(scope_graph(reader, region, analysis, scenario), scenario, region, as_of)
    return what_if_by_pieces(reader, scenario, as_of)
