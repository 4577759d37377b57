"""supervision_ledger: an event-sourced ledger of the external supervision of
procuratorial case handling (人民监督员、听证员参与检察办案活动的监督台账).

Everything a host needs is importable from here: the :class:`Ledger`, its commands
(``supervision_ledger.commands``), the results its queries return, and the errors it
raises.
"""

from . import commands
from .application import CommandResult, EventFeed, Ids, Ledger, LoggedEvent
from .application.states import (
    AggregateState,
    CaseState,
    HearingState,
    LeadState,
    PartnerAgreementState,
    PetitionState,
    SuggestionState,
    SupervisorState,
    TrialCommitteeSittingState,
    TypicalCaseState,
    UnitState,
    UnknownKind,
    state_json_schema,
)
from .audit import Digest, ExportSummary, HistoryEntry, VerifyReport
from .commands import command_json_schema, parse_command
from .domain import (
    DEFAULT_POLICY,
    AlreadyExists,
    CommandIdConflict,
    ConcurrencyConflict,
    Deadline,
    LedgerError,
    NotFound,
    Policy,
    RuleViolation,
    WeekdayCalendar,
)
from .projections.api import FigureKey, FigureTypeMismatch, Statistics, UnknownFigure
from .projections.dossier import Dossier
from .projections.feedback import PendingFeedback
from .projections.figures import Rate
from .projections.hearings import HearingRegister
from .projections.listing import InvalidCursor, Listing, ListItem
from .schemas import output_json_schema

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_POLICY",
    "AggregateState",
    "AlreadyExists",
    "CaseState",
    "CommandIdConflict",
    "CommandResult",
    "ConcurrencyConflict",
    "Deadline",
    "Digest",
    "Dossier",
    "EventFeed",
    "ExportSummary",
    "FigureKey",
    "FigureTypeMismatch",
    "HearingRegister",
    "HearingState",
    "HistoryEntry",
    "Ids",
    "InvalidCursor",
    "LeadState",
    "Ledger",
    "LedgerError",
    "ListItem",
    "Listing",
    "LoggedEvent",
    "NotFound",
    "PartnerAgreementState",
    "PendingFeedback",
    "PetitionState",
    "Policy",
    "Rate",
    "RuleViolation",
    "Statistics",
    "SuggestionState",
    "SupervisorState",
    "TrialCommitteeSittingState",
    "TypicalCaseState",
    "UnitState",
    "UnknownFigure",
    "UnknownKind",
    "VerifyReport",
    "WeekdayCalendar",
    "__version__",
    "command_json_schema",
    "commands",
    "output_json_schema",
    "parse_command",
    "state_json_schema",
]
