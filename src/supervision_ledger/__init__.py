"""supervision_ledger: an event-sourced ledger of the external supervision of
procuratorial case handling (人民监督员、听证员参与检察办案活动的监督台账).

Everything a host needs is importable from here: the :class:`Ledger`, its commands
(``supervision_ledger.commands``), the results its queries return, and the errors it
raises.
"""

from . import commands
from .application import BatchStopped, CommandResult, EventFeed, Ids, Ledger, LoggedEvent
from .application.explain import ExplainedItem, Explanation
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
    UnitActivityState,
    UnitState,
    state_json_schema,
)
from .audit import Digest, ExportSummary, HistoryEntry, HistoryPage, VerifyReport
from .commands import command_json_schema, parse_command
from .domain import (
    DEFAULT_POLICY,
    AlreadyExists,
    BusinessTimeOutOfRange,
    CommandIdConflict,
    ConcurrencyConflict,
    Deadline,
    LedgerError,
    NotFound,
    Policy,
    RuleViolation,
    WeekdayCalendar,
)
from .errors import (
    InvalidArgument,
    InvalidCursor,
    StoreBusy,
    StoreUnavailable,
    UnknownFigure,
    UnknownKind,
    WrongFigureKind,
)
from .projections.api import FigureKey, Statistics
from .projections.dossier import Dossier
from .projections.feedback import PendingFeedback
from .projections.figures import Rate
from .projections.hearings import HearingRegister
from .projections.listing import Listing, ListItem
from .projections.sections.hearings import UnsupervisedHearing
from .schemas import output_json_schema

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_POLICY",
    "AggregateState",
    "AlreadyExists",
    "BatchStopped",
    "BusinessTimeOutOfRange",
    "CaseState",
    "CommandIdConflict",
    "CommandResult",
    "ConcurrencyConflict",
    "Deadline",
    "Digest",
    "Dossier",
    "EventFeed",
    "ExplainedItem",
    "Explanation",
    "ExportSummary",
    "FigureKey",
    "HearingRegister",
    "HearingState",
    "HistoryEntry",
    "HistoryPage",
    "Ids",
    "InvalidArgument",
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
    "StoreBusy",
    "StoreUnavailable",
    "SuggestionState",
    "SupervisorState",
    "TrialCommitteeSittingState",
    "TypicalCaseState",
    "UnitActivityState",
    "UnitState",
    "UnknownFigure",
    "UnknownKind",
    "UnsupervisedHearing",
    "VerifyReport",
    "WeekdayCalendar",
    "WrongFigureKind",
    "__version__",
    "command_json_schema",
    "commands",
    "output_json_schema",
    "parse_command",
    "state_json_schema",
]
