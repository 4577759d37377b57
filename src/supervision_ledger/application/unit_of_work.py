"""The unit of work: one attempt at one command.

It loads the aggregates a handler asks for (each at most once), remembers the ones the
handler created, and at the end tells the executor which aggregates changed (to save)
and which were only read (whose versions the recorder checks when it saves).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from .. import commands as c
from ..domain.base import LedgerAggregate
from ..domain.draw import SeedBasis, chain_seed, check_seed_choice
from ..domain.errors import AlreadyExists, NotFound
from ..domain.policy import Policy
from ..domain.supervisor import Supervisor
from ..domain.unit import ProcuratorateUnit
from ..domain.values import SeedSource
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
    #: A command's unit of work takes aggregates out of the cache (a plain read: copies
    #: from the store); ``fresh`` (a retry) ignores the cache.
    checkout: bool = False
    fresh: bool = False
    #: In a batch: the aggregates as the batch's earlier commands left them.
    overlay: Mapping[UUID, Any] | None = None
    loaded: dict[UUID, LedgerAggregate] = field(default_factory=dict)
    created: list[LedgerAggregate] = field(default_factory=list)
    #: The stored version of each aggregate this command loaded from the store.
    versions_from_store: dict[UUID, int] = field(default_factory=dict)
    #: Keys ``require_absent`` took as new without asking the store (see ``_exists``).
    unasked: list[tuple[str, str, UUID]] = field(default_factory=list)

    def find(self, cls: type[A], key: str) -> A | None:
        agg_id = cls.id_for(key)
        if agg_id in self.loaded:
            found = self.loaded[agg_id]
            assert isinstance(found, cls)
            return found
        if self.overlay is not None and agg_id in self.overlay:
            agg: LedgerAggregate = self.overlay[agg_id]  # the batch holds its lock
        else:
            if self.locks is not None:  # also when absent: two creations of one key queue
                self.locks.take(agg_id)
            try:
                agg = self._load(agg_id)
            except AggregateNotFoundError:
                return None
            self.versions_from_store[agg_id] = agg.version
        if not isinstance(agg, cls):  # pragma: no cover - ids are namespaced by kind
            return None
        self.loaded[agg_id] = agg
        return agg

    def _load(self, agg_id: UUID) -> Any:
        if self.checkout:  # a command: take it out of the cache (see LedgerApplication)
            return self.app.checkout(agg_id, fresh=self.fresh)
        return self.app.load(agg_id)

    def checkin(self) -> None:
        """After the save: give what this command loaded and created back to the cache."""
        self.app.checkin(self.loaded.values())

    def get(self, cls: type[A], key: str) -> A:
        agg = self.find(cls, key)
        if agg is None:
            raise NotFound(f"no {cls.kind} {key!r} in the ledger")
        return agg

    def require_absent(self, cls: type[LedgerAggregate], key: str) -> None:
        """Refuse if the aggregate exists: seen by this command or its batch, cached, or
        stored (one query, but for a single command's first attempt, see ``_exists``;
        nothing is loaded). Two creations of one key still conflict at the write
        (version 1 is taken), so nothing is added to the read versions."""
        agg_id = cls.id_for(key)
        if agg_id in self.loaded or (self.overlay is not None and agg_id in self.overlay):
            exists = True
        else:
            if self.locks is not None:  # two creations of one key queue in this process
                self.locks.take(agg_id)
            exists = self._exists(agg_id, cls.kind, key)
        if exists:
            raise AlreadyExists(f"{cls.kind} {key!r} already exists")

    def check_unasked(self) -> None:
        """Ask the store about the keys ``require_absent`` took as new unasked: called
        when the command was refused for another reason, so that a taken key is still
        the refusal named first, as if it had been asked at once."""
        if not self.unasked:
            return
        taken = self.app.existing([agg_id for _, _, agg_id in self.unasked])
        for kind, key, agg_id in self.unasked:
            if agg_id in taken:
                raise AlreadyExists(f"{kind} {key!r} already exists")

    def _exists(self, agg_id: UUID, kind: str, key: str) -> bool:
        cache = self.app.repository.cache
        if cache is not None and not self.fresh:
            try:
                cache.get(agg_id)
            except KeyError:
                pass
            else:
                return True
            if self.checkout and self.overlay is None:
                # A single command's first attempt does not ask the store: if the key is
                # taken there, the write of its version 1 fails, and the retry (fresh)
                # asks and refuses it. A new key — nearly always — costs no query.
                self.unasked.append((kind, key, agg_id))
                return False
        return agg_id in self.app.existing([agg_id])

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

    def prefetch(self, aggregate_ids: list[UUID]) -> None:
        """Load, together, those of ``aggregate_ids`` this command has not loaded yet
        (a draw's pool: the cached people uncopied, the others in two queries)."""
        wanted = [
            i
            for i in dict.fromkeys(aggregate_ids)
            if i not in self.loaded and (self.overlay is None or i not in self.overlay)
        ]
        if not wanted:
            return
        if self.locks is not None:
            for agg_id in wanted:
                self.locks.take(agg_id)
        if self.checkout:
            found = self.app.checkout_many(wanted, fresh=self.fresh)
        else:
            found = self.app.load_many(wanted)
        for agg_id, agg in found.items():
            if isinstance(agg, LedgerAggregate):
                self.loaded[agg_id] = agg
                self.versions_from_store[agg_id] = agg.version

    def draw_seed(
        self, seed: int | None, originator_id: UUID, fields: Mapping[str, object], what: str
    ) -> tuple[int, SeedBasis | None]:
        """The seed of a draw on ``originator_id`` and the chain point it came from.

        A seed the command names is used as it is (refused under ``chain_only``);
        without one, under ``Policy.draw_seed`` ``chain`` or ``chain_only``, it is derived
        from the last chained event (read now, committed, so before the draw's own
        position) and the draw's own recorded ``fields``."""
        check_seed_choice(seed, self.policy.draw_seed, what)
        if seed is not None:
            return seed, None
        if self.policy.draw_seed is SeedSource.RANDOM:  # pragma: no cover - executor's job
            raise ValueError(f"{what}: no seed (the executor gives one under draw_seed=random)")
        position, head = self.app.chain_head()
        basis = SeedBasis(position=position, chain_hash=head.hex())
        return chain_seed(basis, originator_id, fields), basis

    def candidates(self, unit_key: str) -> list[Supervisor]:
        """Everyone enrolled with ``unit_key`` or any unit above it (the draw pool)."""
        people: list[Supervisor] = []
        seen: set[str] = set()
        key: str | None = unit_key
        while key is not None and key not in seen:
            seen.add(key)
            unit = self.get(ProcuratorateUnit, key)
            self.prefetch([Supervisor.id_for(s) for s in unit.roster])
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
