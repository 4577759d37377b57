"""supervision_ledger: an event-sourced ledger of the external supervision of
procuratorial case handling (人民监督员、听证员参与检察办案活动的监督台账).

Everything a host needs is importable from here: the :class:`Ledger`, its commands
(``supervision_ledger.commands``), the results its queries return, and the errors it
raises.
"""

from . import commands
from .application import CommandResult, Ids, Ledger
from .audit import Digest, ExportSummary, HistoryEntry, VerifyReport
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
from .errors import InvalidArgument, StoreBusy, StoreUnavailable
from .projections.api import Statistics
from .projections.dossier import Dossier
from .projections.feedback import PendingFeedback
from .projections.figures import Rate
from .projections.hearings import HearingRegister
from .projections.sections.hearings import UnsupervisedHearing

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_POLICY",
    "AlreadyExists",
    "BusinessTimeOutOfRange",
    "CommandIdConflict",
    "CommandResult",
    "ConcurrencyConflict",
    "Deadline",
    "Digest",
    "Dossier",
    "ExportSummary",
    "HearingRegister",
    "HistoryEntry",
    "Ids",
    "InvalidArgument",
    "Ledger",
    "LedgerError",
    "NotFound",
    "PendingFeedback",
    "Policy",
    "Rate",
    "RuleViolation",
    "Statistics",
    "StoreBusy",
    "StoreUnavailable",
    "UnsupervisedHearing",
    "VerifyReport",
    "WeekdayCalendar",
    "__version__",
    "command_json_schema",
    "commands",
    "parse_command",
]
