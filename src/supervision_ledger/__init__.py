"""supervision_ledger: an event-sourced ledger of the external supervision of
procuratorial case handling (人民监督员、听证员参与检察办案活动的监督台账)."""

from . import commands
from .application import CommandResult, Ledger
from .commands import command_json_schema, parse_command
from .domain import DEFAULT_POLICY, Deadline, LedgerError, Policy, WeekdayCalendar

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_POLICY",
    "CommandResult",
    "Deadline",
    "Ledger",
    "LedgerError",
    "Policy",
    "WeekdayCalendar",
    "__version__",
    "command_json_schema",
    "commands",
    "parse_command",
]
