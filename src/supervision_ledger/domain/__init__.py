"""The pure domain: aggregates, events, rules and policies. No I/O, no storage."""

from .base import LedgerAggregate, aggregate_id
from .case import Activity, Case, Invitation, Opinion
from .draw import draw, draw_rank
from .errors import *  # noqa: F403
from .errors import __all__ as _errors
from .hearing import Hearing
from .policy import DEFAULT_POLICY, Deadline, Policy, WeekdayCalendar, WorkingDayCalendar
from .supervisor import Supervisor
from .unit import ProcuratorateUnit
from .values import (
    ActivityType,
    AssessmentGrade,
    CaseFacts,
    CaseKind,
    HearingStatus,
    InvitationStatus,
    ObjectionRuling,
    OpinionOutcome,
    OpinionStage,
    Party,
    Relationship,
    Role,
    SupervisorStatus,
    UnitLevel,
)

#: Every aggregate class, in the order their events are documented.
AGGREGATES = (ProcuratorateUnit, Supervisor, Case, Hearing)

__all__ = [
    "AGGREGATES",
    "DEFAULT_POLICY",
    "Activity",
    "ActivityType",
    "AssessmentGrade",
    "Case",
    "CaseFacts",
    "CaseKind",
    "Deadline",
    "Hearing",
    "HearingStatus",
    "Invitation",
    "InvitationStatus",
    "LedgerAggregate",
    "ObjectionRuling",
    "Opinion",
    "OpinionOutcome",
    "OpinionStage",
    "Party",
    "Policy",
    "ProcuratorateUnit",
    "Relationship",
    "Role",
    "Supervisor",
    "SupervisorStatus",
    "UnitLevel",
    "WeekdayCalendar",
    "WorkingDayCalendar",
    "aggregate_id",
    "draw",
    "draw_rank",
    *_errors,
]
