"""What if (情景推演): a reform or a change of law, seen before it happens (issue #21, SPEC §7).

A scenario (:mod:`dutygraph.io.scenario`) lists changes on a date: departments
created, abolished, merged, renamed; lines moved or made vertical; acts or
articles repealed or replaced; duties transferred. :func:`apply_scenario`
makes them on a copy of the graph in memory; :func:`what_if` compares every
answer of both graphs on the scenario's date — who leads and assists, gaps by
kind, conflicts, duplicate inspections, disputes whose parties go — and lists
the rows of imported lists that must change. The store is never written.

>>> from dutygraph.fixtures import SCENARIOS_PATH, demo_graph
>>> from dutygraph.io.scenario import read_scenario
>>> w = what_if(demo_graph(), read_scenario(SCENARIOS_PATH / "gas-regulation-repeal-2026.csv"))
>>> sorted({(g.region, g.kind) for g in w.gaps_new})
[('500103', 'NO_LEGAL_BASIS'), ('510104', 'NO_LEGAL_BASIS'), ('510107', 'NO_LEGAL_BASIS'), ('510781', 'NO_LEGAL_BASIS')]
"""

from __future__ import annotations

from .apply import ACTION_NAMES, Applied, apply_scenario, describe
from .compare import (
    DisputeChange,
    InspectionChange,
    LeadChange,
    ListRow,
    WhatIf,
    affected,
    what_if,
)

__all__ = [
    "ACTION_NAMES",
    "Applied",
    "DisputeChange",
    "InspectionChange",
    "LeadChange",
    "ListRow",
    "WhatIf",
    "affected",
    "apply_scenario",
    "describe",
    "what_if",
]
