"""GraphQL enums for the controlled vocabularies: duty role, level, gap and conflict kind…

Each enum lists the words of the model's own tuple (:data:`dutygraph.model.ROLES`,
:data:`~dutygraph.analysis.gaps.GAP_KINDS`…, see :data:`SOURCES`; a test keeps
them equal), so the schema cannot drift from what the analyses accept. The members are ``StrEnum`` members whose values are the
model's words: a member compares equal to the string a record holds, and
``.value`` is what the analyses take. Power types (职权类型) keep their Chinese
values behind English member names (``INSPECTION`` is 行政检查).

>>> Role.LEAD == "lead", GapKind("NO_LEAD").name, PowerType.INSPECTION.value
(True, 'NO_LEAD', '行政检查')
"""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from .. import model
from ..analysis.conflicts import CONFLICT_KINDS
from ..analysis.disputes import DISPUTE_KINDS, STATUSES
from ..analysis.gaps import GAP_KINDS

__all__ = [
    "SOURCES",
    "ConflictKind",
    "DisputeKind",
    "DisputeStatus",
    "GapKind",
    "Level",
    "PowerType",
    "Role",
    "value_of",
]


@strawberry.enum(description="A duty's role: LEAD 牵头, ASSIST 配合, TERRITORIAL 属地.")
class Role(enum.StrEnum):
    LEAD = "lead"
    ASSIST = "assist"
    TERRITORIAL = "territorial"


@strawberry.enum(description="A government level (层级), from the top.")
class Level(enum.StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"


@strawberry.enum(description="职权类型 (power type); the value is its Chinese name.")
class PowerType(enum.StrEnum):
    LICENSING = "行政许可"
    PENALTY = "行政处罚"
    COERCION = "行政强制"
    LEVY = "行政征收"
    BENEFIT = "行政给付"
    INSPECTION = "行政检查"
    CONFIRMATION = "行政确认"
    REWARD = "行政奖励"
    ADJUDICATION = "行政裁决"
    OTHER = "其他行政权力"


@strawberry.enum(description="What kind of gap (事有人管).")
class GapKind(enum.StrEnum):
    NO_LEAD = "NO_LEAD"
    NO_COUNTERPART = "NO_COUNTERPART"
    LEAD_ABOLISHED = "LEAD_ABOLISHED"
    NO_LEGAL_BASIS = "NO_LEGAL_BASIS"
    UNCOVERED_BEHAVIOR = "UNCOVERED_BEHAVIOR"


@strawberry.enum(description="What kind of conflict.")
class ConflictKind(enum.StrEnum):
    MULTIPLE_LEADS = "MULTIPLE_LEADS"
    SOURCE_DISAGREEMENT = "SOURCE_DISAGREEMENT"
    OPEN_DISPUTE = "OPEN_DISPUTE"


@strawberry.enum(description="Where a dispute stands.")
class DisputeStatus(enum.StrEnum):
    OPEN = "open"
    COORDINATING = "coordinating"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


@strawberry.enum(description="DUTY: who should hold a duty; ENFORCEMENT: who handles one case.")
class DisputeKind(enum.StrEnum):
    DUTY = "duty"
    ENFORCEMENT = "enforcement"


#: each enum and the model tuple it mirrors
SOURCES: tuple[tuple[type[enum.Enum], tuple[str, ...]], ...] = (
    (Role, tuple(model.ROLES)),
    (Level, tuple(model.LEVELS)),
    (PowerType, tuple(model.POWER_TYPES)),
    (GapKind, tuple(GAP_KINDS)),
    (ConflictKind, tuple(CONFLICT_KINDS)),
    (DisputeStatus, tuple(STATUSES)),
    (DisputeKind, tuple(DISPUTE_KINDS)),
)


def value_of(member: Any) -> Any:
    """The model's word for an enum member (``None`` stays ``None``; lists map)."""
    if member is None:
        return None
    if isinstance(member, list):
        return [value_of(m) for m in member]
    return member.value if isinstance(member, enum.Enum) else member
