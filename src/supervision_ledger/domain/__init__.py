"""The pure domain: aggregates, events, rules and policies. No I/O, no storage."""

from .base import LedgerAggregate, aggregate_id
from .case import Activity, Case, Opinion
from .draw import draw, draw_rank
from .errors import *  # noqa: F403
from .errors import __all__ as _errors
from .hearing import Hearing
from .lead import Lead, LeadSource, LeadStatus
from .lifecycle import Invitation
from .partner import PartnerAgreement
from .petition import Petition, PetitionChannel, PetitionStage, ProceduralOutcome
from .policy import DEFAULT_POLICY, Deadline, Policy, WeekdayCalendar, WorkingDayCalendar
from .suggestion import (
    EscalationGround,
    ObjectionOutcome,
    Suggestion,
    SuggestionStage,
    SuggestionType,
)
from .supervisor import Supervisor
from .trial_committee import CommitteeOpinion, TrialCommitteeSitting
from .typical_case import NominationStatus, TypicalCaseLevel, TypicalCaseNomination
from .unit import ProcuratorateUnit
from .unit_activity import UnitActivity
from .values import (
    ActivityType,
    AssessmentGrade,
    CaseFacts,
    CaseKind,
    FeedbackStage,
    HearingStatus,
    InvitationStatus,
    ObjectionRuling,
    OpinionOutcome,
    OpinionStage,
    Party,
    RecipientType,
    Relationship,
    ReplyTiming,
    Role,
    RosterScope,
    SupervisorStatus,
    UnitLevel,
)

#: Every aggregate class, in the order their events are documented.
AGGREGATES = (
    ProcuratorateUnit,
    Supervisor,
    Case,
    Hearing,
    Suggestion,
    Petition,
    Lead,
    TypicalCaseNomination,
    PartnerAgreement,
    TrialCommitteeSitting,
    UnitActivity,
)

__all__ = [
    "AGGREGATES",
    "DEFAULT_POLICY",
    "Activity",
    "ActivityType",
    "AssessmentGrade",
    "Case",
    "CaseFacts",
    "CaseKind",
    "CommitteeOpinion",
    "Deadline",
    "FeedbackStage",
    "Hearing",
    "HearingStatus",
    "Invitation",
    "InvitationStatus",
    "Lead",
    "LeadSource",
    "LeadStatus",
    "LedgerAggregate",
    "NominationStatus",
    "ObjectionRuling",
    "Opinion",
    "OpinionOutcome",
    "OpinionStage",
    "PartnerAgreement",
    "Party",
    "Petition",
    "PetitionChannel",
    "PetitionStage",
    "Policy",
    "ProceduralOutcome",
    "ProcuratorateUnit",
    "Relationship",
    "ReplyTiming",
    "Role",
    "RosterScope",
    "EscalationGround",
    "ObjectionOutcome",
    "RecipientType",
    "Suggestion",
    "SuggestionStage",
    "SuggestionType",
    "Supervisor",
    "SupervisorStatus",
    "TrialCommitteeSitting",
    "UnitActivity",
    "TypicalCaseLevel",
    "TypicalCaseNomination",
    "UnitLevel",
    "WeekdayCalendar",
    "WorkingDayCalendar",
    "aggregate_id",
    "draw",
    "draw_rank",
    *_errors,
]
