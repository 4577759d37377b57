"""The unit of work: one attempt at one command.

It loads the aggregates a handler asks for (each at most once), remembers the ones the
handler created, and at the end tells the executor which aggregates changed (to save)
and which were only read (whose versions the recorder checks when it saves).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from .. import commands as c
from ..domain.base import LedgerAggregate
from ..domain.errors import AlreadyExists, NotFound
from ..domain.policy import Policy
from ..domain.supervisor import Supervisor
from ..domain.unit import ProcuratorateUnit
from .eventsourced import LedgerApplication
from .locks import LockHolder
from .results import Ids

A = TypeVar("A", bound=LedgerAggregate)
C = TypeVar("C", bound=c.Command)


@dataclass
class UnitOfWork:
    """One attempt at one command: the aggregates it loaded and the ones it changed."""

    app: LedgerApplication
    policy: Policy
    #: The in-process locks of the aggregates this command loads (None: a plain read).
    locks: LockHolder | None = None
    loaded: dict[UUID, LedgerAggregate] = field(default_factory=dict)
    created: list[LedgerAggregate] = field(default_factory=list)

    def find(self, cls: type[A], key: str) -> A | None:
        agg_id = cls.id_for(key)
        if agg_id in self.loaded:
            found = self.loaded[agg_id]
            assert isinstance(found, cls)
            return found
        if self.locks is not None:  # also when absent: two creations of one key queue
            self.locks.take(agg_id)
        try:
            agg: LedgerAggregate = self.app.repository.get(agg_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(agg, cls):  # pragma: no cover - ids are namespaced by kind
            return None
        self.loaded[agg_id] = agg
        return agg

    def get(self, cls: type[A], key: str) -> A:
        agg = self.find(cls, key)
        if agg is None:
            raise NotFound(f"no {cls.kind} {key!r} in the ledger")
        return agg

    def require_absent(self, cls: type[LedgerAggregate], key: str) -> None:
        if self.find(cls, key) is not None:
            raise AlreadyExists(f"{cls.kind} {key!r} already exists")

    def add(self, agg: LedgerAggregate) -> None:
        if self.locks is not None:
            self.locks.take(agg.id)
        self.created.append(agg)
        self.loaded[agg.id] = agg

    def read_versions(self) -> dict[UUID, int]:
        """Versions of the aggregates this command read but did not change.

        The rules a command checked may depend on them (an invitation depends on the
        supervisor being active); the recorder refuses the write if any of them moved
        on meanwhile, and the command is retried on fresh state.
        """
        # Created aggregates always have pending events, so they are never listed here.
        return {agg.id: agg.version for agg in self.loaded.values() if not agg.pending_events}

    def changed(self) -> list[LedgerAggregate]:
        seen: dict[UUID, LedgerAggregate] = {}
        for agg in [*self.created, *self.loaded.values()]:
            if agg.pending_events:  # only aggregates with new events are saved
                seen.setdefault(agg.id, agg)
        return list(seen.values())

    def served(self, supervisor: Supervisor, occurred_at: datetime) -> None:
        """Record on the person's own stream that they serve on the local date of
        ``occurred_at`` (saved with the service, in the same transaction)."""
        supervisor.record_service(self.policy.local_date(occurred_at), occurred_at)

    def candidates(self, unit_key: str) -> list[Supervisor]:
        """Everyone enrolled with ``unit_key`` or any unit above it (the draw pool)."""
        people: list[Supervisor] = []
        seen: set[str] = set()
        key: str | None = unit_key
        while key is not None and key not in seen:
            seen.add(key)
            unit = self.get(ProcuratorateUnit, key)
            people.extend(self.get(Supervisor, s) for s in unit.roster)
            key = unit.parent
        return people


#: A command handler: loads what it needs through the unit of work, lets the aggregates
#: check the rules and trigger events, and returns the keys it created or touched.
Handler = Callable[[UnitOfWork, Any], Ids]
#: Command type → its handler (filled by :func:`handles` when ``handlers`` is imported).
HANDLERS: dict[type[c.Command], Handler] = {}


def handles(command_type: type[C]) -> Callable[[Callable[[UnitOfWork, C], Ids]], Handler]:
    """Register the decorated function as the handler of ``command_type``."""

    def register(func: Callable[[UnitOfWork, C], Ids]) -> Handler:
        HANDLERS[command_type] = func
        return func

    return register
