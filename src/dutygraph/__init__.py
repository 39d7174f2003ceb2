"""dutygraph: who leads, who assists, on what legal basis, in which region.

Cross-departmental regulatory duties (国办发〔2023〕1号) as a graph of regions,
departments, items, legal bases and duties; answers with their evidence.

>>> import dutygraph
>>> g = dutygraph.demo_graph()
>>> dutygraph.who_leads(g, "食品安全监督管理", "锦江区", as_of="2025-06-01").departments()
['JJ-SCJ']

Everything listed in ``__all__`` is the supported API; other modules are internal.
"""

from .analysis.assign import Assignment, Candidate, assign_business_form
from .analysis.conflicts import Conflict, DuplicateInspection, duplicate_inspections, find_conflicts
from .analysis.gaps import Gap, find_gaps
from .analysis.resolve import Answer, Resolution, who_assists, who_leads
from .analysis.whatif import WhatIf, what_if
from .errors import (
    Ambiguous,
    ConflictingUpdate,
    DutyGraphError,
    LoadError,
    NotFound,
    Problem,
    ScenarioInvalid,
    StoreCorrupt,
    StoreError,
    StoreUnavailable,
    UnsupportedOperation,
    UsageError,
    ValidationFailed,
)
from .fixtures import DEMO_PATH, demo_graph
from .graph import DutyGraph
from .importer import ImportReport, load
from .io.scenario import Scenario, read_scenario
from .model import (
    Behavior,
    BusinessForm,
    Department,
    Dispute,
    Duty,
    Item,
    LegalBasis,
    Origin,
    Region,
    RegionGroup,
)
from .reader import GraphReader
from .store import EmbeddedStore, Store, open_store

__version__ = "0.1.0"

__all__ = [
    "DEMO_PATH",
    "Ambiguous",
    "Answer",
    "Assignment",
    "Behavior",
    "BusinessForm",
    "Candidate",
    "Conflict",
    "ConflictingUpdate",
    "Department",
    "Dispute",
    "DuplicateInspection",
    "Duty",
    "DutyGraph",
    "DutyGraphError",
    "EmbeddedStore",
    "Gap",
    "GraphReader",
    "ImportReport",
    "Item",
    "LegalBasis",
    "LoadError",
    "NotFound",
    "Origin",
    "Problem",
    "Region",
    "RegionGroup",
    "Resolution",
    "Scenario",
    "ScenarioInvalid",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreUnavailable",
    "UnsupportedOperation",
    "UsageError",
    "ValidationFailed",
    "WhatIf",
    "assign_business_form",
    "demo_graph",
    "duplicate_inspections",
    "find_conflicts",
    "find_gaps",
    "load",
    "open_store",
    "read_scenario",
    "what_if",
    "who_assists",
    "who_leads",
]
