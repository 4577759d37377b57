"""Command handlers, one module per aggregate.

A handler loads the aggregates a command needs through the :class:`UnitOfWork`, calls
the aggregate method that checks the rules and triggers the events, and returns the
keys the command created or touched. Importing this package registers every handler
in :data:`HANDLERS` (command type → handler).
"""

from __future__ import annotations

from ..unit_of_work import HANDLERS, Handler, handles
from . import (
    case,
    hearing,
    lead,
    partner,
    petition,
    suggestion,
    supervisor,
    trial_committee,
    typical_case,
    unit,
)

__all__ = [
    "HANDLERS",
    "Handler",
    "case",
    "handles",
    "hearing",
    "lead",
    "partner",
    "petition",
    "suggestion",
    "supervisor",
    "trial_committee",
    "typical_case",
    "unit",
]
