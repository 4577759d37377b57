"""The application layer: the :class:`Ledger` and the parts it is composed of.

* :mod:`.ledger` — the :class:`Ledger` a host constructs (the public API);
* :mod:`.executor` — the write path: validate → unit of work → handler → save, with
  retries after version conflicts and ``command_id`` idempotency;
* :mod:`.unit_of_work` — one attempt at one command (what it loaded, what it changed)
  and the handler registry;
* :mod:`.handlers` — the command handlers, one module per aggregate;
* :mod:`.command_methods` — one typed ``Ledger`` method per command;
* :mod:`.queries` — the query side (projections and their queries);
* :mod:`.following` — the log for hosts that follow it (pages, a feed of new events);
* :mod:`.states` — every aggregate's state as a pydantic model with a JSON Schema;
* :mod:`.audit` — the audit side (history, as-of states, digest, verify, export);
* :mod:`.eventsourced` — the eventsourcing application (store, mapper, recorder);
* :mod:`.locks` — what makes one ledger safe to share between threads (a guarded
  aggregate cache, per-aggregate command locks);
* :mod:`.store_errors` — driver errors become ``StoreBusy`` / ``StoreUnavailable``;
* :mod:`.migrations` — one-off upgrades of stores written by earlier versions;
* :mod:`.results` — :class:`CommandResult` and :data:`Ids`.
"""

from .audit import LedgerAudit
from .eventsourced import LedgerApplication
from .executor import CommandExecutor
from .following import EventFeed, LedgerLog, LoggedEvent
from .ledger import Ledger
from .queries import LedgerQueries
from .results import CommandResult, Ids
from .unit_of_work import HANDLERS, Handler, UnitOfWork, handles

__all__ = [
    "HANDLERS",
    "CommandExecutor",
    "CommandResult",
    "EventFeed",
    "Handler",
    "Ids",
    "Ledger",
    "LedgerApplication",
    "LedgerAudit",
    "LedgerLog",
    "LedgerQueries",
    "LoggedEvent",
    "UnitOfWork",
    "handles",
]
