"""In-process locks that make one :class:`~supervision_ledger.Ledger` safe to share.

Two kinds, both keyed by aggregate id and striped over a fixed number of locks (so
memory stays bounded however many aggregates a ledger touches):

* :class:`GuardedRepository` — eventsourcing's repository fast-forwards a cached
  aggregate *in place* and deep-copies it for the caller; two threads getting the same
  aggregate could copy it while the other mutates it. Every cached ``get`` of one
  aggregate runs under that aggregate's guard, so a copy never sees a half-applied
  event.
* :class:`AggregateLocks` — a command holds the lock of every aggregate it loads until
  its transaction ends, so commands on the same aggregate in one process run one after
  the other instead of failing each other's version checks; commands on different
  aggregates run concurrently. Locks are taken in the order the handler loads them;
  to rule out deadlock, a lock that sorts before one already held is only *tried*, and
  on failure the attempt restarts holding every lock it needs, taken in sorted order.

Other processes are not covered by these locks: there the recorder's version checks
refuse a stale write and the command is retried (``max_attempts``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository, project_aggregate

STRIPES = 256


def stripe(aggregate_id: UUID) -> int:
    return aggregate_id.int % STRIPES


class GuardedRepository(Repository[UUID]):
    """eventsourcing's repository, with cached gets of one aggregate serialized."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guards = [threading.Lock() for _ in range(STRIPES)]

    def get(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        projector_func: Any = project_aggregate,
        fastforward_skipping: bool = False,
        deepcopy_from_cache: bool = True,
    ) -> Any:
        if self.cache is None or version is not None:  # no shared state involved
            return super().get(
                aggregate_id,
                version=version,
                projector_func=projector_func,
                fastforward_skipping=fastforward_skipping,
                deepcopy_from_cache=deepcopy_from_cache,
            )
        # Fast-forwarding the cached aggregate and copying it happen under one guard.
        with self._guards[stripe(aggregate_id)]:
            return super().get(
                aggregate_id,
                projector_func=projector_func,
                fastforward_skipping=fastforward_skipping,
                deepcopy_from_cache=deepcopy_from_cache,
            )


class RestartWithLocks(Exception):
    """The unit of work could not take a lock without risking deadlock: restart the
    attempt holding ``stripes`` (taken in sorted order before the handler runs)."""

    def __init__(self, stripes: frozenset[int]) -> None:
        super().__init__(sorted(stripes))
        self.stripes = stripes


class AggregateLocks:
    """Striped per-aggregate locks for commands in one process."""

    def __init__(self) -> None:
        self._locks = [threading.Lock() for _ in range(STRIPES)]

    def holder(self, first: frozenset[int] = frozenset()) -> LockHolder:
        return LockHolder(self, first)


class LockHolder:
    """The locks one attempt at one command holds."""

    def __init__(self, locks: AggregateLocks, first: frozenset[int]) -> None:
        self._locks = locks
        self.held: set[int] = set()
        #: Every stripe this holder took (kept after release, for a retry).
        self.taken: set[int] = set()
        for number in sorted(first):  # sorted: never a cycle with another holder
            self._locks._locks[number].acquire()
            self.held.add(number)
        self.taken.update(self.held)

    def take(self, aggregate_id: UUID) -> None:
        number = stripe(aggregate_id)
        if number in self.held:
            return
        lock = self._locks._locks[number]
        if not self.held or number > max(self.held):
            lock.acquire()  # in sorted order: safe to wait
        elif not lock.acquire(blocking=False):
            raise RestartWithLocks(frozenset({*self.held, number}))
        self.held.add(number)
        self.taken.add(number)

    def release(self) -> None:
        for number in self.held:
            self._locks._locks[number].release()
        self.held.clear()

    @contextmanager
    def holding(self) -> Iterator[LockHolder]:
        try:
            yield self
        finally:
            self.release()
