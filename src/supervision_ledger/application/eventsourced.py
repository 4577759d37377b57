"""The eventsourcing application behind a :class:`~supervision_ledger.Ledger`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from contextlib import suppress
from itertools import chain
from typing import Any
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    LRUCache,
    ProcessingEvent,
    Repository,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import ApplicationRecorder, EventStore, Mapper
from eventsourcing.postgres import PostgresFactory
from eventsourcing.sqlite import SQLiteFactory
from eventsourcing.utils import strtobool

from ..persistence.mapper import MsgspecMapper, MsgspecTranscoder
from ..persistence.recorders import (
    ChainedPostgresRecorder,
    ChainedSQLiteRecorder,
    SnapshotPostgresRecorder,
    SnapshotSQLiteRecorder,
)
from ..persistence.snapshots import (
    DEFAULT_SNAPSHOT_INTERVAL,
    SNAPSHOT_STATES,
    LedgerSnapshot,
    SnapshotSchemaError,
    snapshot_due,
)
from ..persistence.store_meta import Keyring
from .locks import GuardedRepository

logger = logging.getLogger(__name__)

#: Environment setting: events between two snapshots of an aggregate (0: no snapshots).
SNAPSHOT_INTERVAL = "SNAPSHOT_INTERVAL"


class LedgerApplication(Application[UUID]):
    """The eventsourcing application behind a :class:`Ledger` (msgspec-encoded events).

    Units, supervisors, cases and hearings are snapshotted every ``SNAPSHOT_INTERVAL``
    events (default 100; from twenty intervals' events on, every tenth to twentieth
    part of their events), so loading one replays its latest snapshot and at most that
    many events (``persistence/snapshots.py``)."""

    name = "SupervisionLedger"
    env = {  # noqa: RUF012 - eventsourcing's class setting
        "AGGREGATE_CACHE_MAXSIZE": "5000",
        # Seconds an SQLite writer waits for another's lock before StoreBusy.
        "SQLITE_LOCK_TIMEOUT": "30",
    }
    is_snapshotting_enabled = True
    snapshot_class = LedgerSnapshot

    def __init__(self, env: dict[str, str] | None = None, keyring: Keyring | None = None) -> None:
        #: The store's keys (``store_meta.py``): personal fields are sealed per person.
        self.keyring = keyring
        super().__init__(env)
        interval = int(self.env.get(SNAPSHOT_INTERVAL, str(DEFAULT_SNAPSHOT_INTERVAL)))
        if interval < 0:
            raise ValueError(f"{SNAPSHOT_INTERVAL} must be 0 (off) or positive, not {interval}")
        self.snapshot_interval = interval
        #: Aggregates whose personal values the keyring has learned in its generation
        #: ``_learned_generation`` (see "personal values a snapshot seals again").
        self._learned_ids: set[UUID] = set()
        self._learned_generation = -1
        self._learned_lock = threading.Lock()

    def construct_recorder(self) -> ApplicationRecorder:
        recorder = super().construct_recorder()
        # Without the chained recorder, events would be stored outside the hash chain.
        if not isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder):
            raise TypeError(
                f"{type(recorder).__name__} does not chain events; set "
                "APPLICATION_RECORDER_TOPIC as supervision_ledger.persistence.store does"
            )
        if self.keyring is not None:
            # New subjects' keys are stored in the transaction of the events first sealed
            # under them (the keys table is beside the events), not committed apart.
            recorder.keyring = self.keyring
            self.keyring.writer_stores_keys = True
        return recorder

    def construct_repository(self) -> Repository[UUID]:
        """eventsourcing's repository with the same settings, made safe for threads
        (see :class:`GuardedRepository`)."""
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return GuardedRepository(
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(
                self.env.get(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")
            ),
            deepcopy_from_cache=strtobool(self.env.get(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")),
        )

    def construct_snapshot_store(self) -> EventStore[UUID]:
        """eventsourcing's snapshot store, its table created as race-free as the events
        table (processes opening a fresh store at once)."""
        factory = self.factory
        recorder: SnapshotSQLiteRecorder | SnapshotPostgresRecorder
        if isinstance(factory, SQLiteFactory):
            recorder = SnapshotSQLiteRecorder(factory.datastore, "stored_snapshots")
        elif isinstance(factory, PostgresFactory):
            prefix = self.name.lower() or "stored"  # as eventsourcing names its tables
            recorder = SnapshotPostgresRecorder(
                factory.datastore, events_table_name=f"{prefix}_snapshots"
            )
        else:  # pragma: no cover - the store URLs name only these two
            return super().construct_snapshot_store()
        if factory.env_create_table():
            recorder.create_table()
        return factory.event_store(mapper=self.mapper, recorder=recorder)

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper(
            transcoder=MsgspecTranscoder(),
            cipher=self.factory.cipher(),
            compressor=self.factory.compressor(),
            keyring=self.keyring,
        )

    def chain_head(self) -> tuple[int, bytes]:
        """(position, chain hash) of the last chained event (a draw's seed basis)."""
        recorder = self.recorder
        assert isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder)
        return recorder.chain_head()

    # -- writing ---------------------------------------------------------------------

    def record(
        self,
        events: Sequence[Any],
        aggregates: Iterable[Aggregate],
        *,
        command_ids: Sequence[str | None],
        read_versions: dict[UUID, int],
    ) -> list[int]:
        """Store ``events`` (collected from ``aggregates``, which are now at their new
        versions) in one transaction, each chained with its command id; returns their
        positions. Then drops their stale cached copies and, when due, snapshots them."""
        learned = self._generation()
        # The event store's put without its notifications: only the positions are kept.
        stored = list(map(self.mapper.to_stored_event, events))
        positions = self.recorder.insert_events(
            stored, command_ids=command_ids, read_versions=read_versions
        )
        assert positions is not None and len(positions) == len(stored)
        self.after_write({agg.id: agg for agg in aggregates}, events, learned=learned)
        return list(positions)

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        # Called by Application.save once the events are stored.
        aggregates = {
            agg_id: agg
            for agg_id, agg in processing_event.aggregates.items()
            if isinstance(agg, Aggregate)
        }
        self.after_write(aggregates, processing_event.events)

    def after_write(
        self,
        aggregates: dict[UUID, Aggregate],
        events: Iterable[Any],
        *,
        learned: int | None = None,
    ) -> None:
        """After a write: drop the written aggregates' cached copies (the writer checks
        its own in again), and snapshot each one whose new events passed one of its
        snapshot points (``snapshot_due``), from its state in memory — or, if this
        process has forgotten some of its personal values since it read them (which a
        snapshot seals again), from the aggregate read afresh. ``learned``: the keyring's
        generation before the events were sealed (the values of aggregates created by
        them are known then)."""
        cache = self.repository.cache
        if cache is not None:  # a cached copy is now behind the store (see checkin)
            for agg_id in aggregates:
                with suppress(KeyError):
                    cache.get(agg_id, evict=True)
        interval = self.snapshot_interval
        if not interval or self.snapshots is None:
            return
        first: dict[UUID, int] = {}
        for event in events:
            first.setdefault(event.originator_id, event.originator_version)
        if learned is not None:
            self._values_learned([i for i, start in first.items() if start == 1], learned)
        due = []
        for agg_id, start in first.items():
            agg = aggregates.get(agg_id)
            if agg is None or type(agg) not in SNAPSHOT_STATES:
                continue
            if snapshot_due(interval, start - 1, agg.version):
                if not self._values_known(agg_id):
                    agg = self._read_afresh(agg_id)
                    if agg is None:
                        continue
                try:
                    due.append(LedgerSnapshot.take(agg))
                except SnapshotSchemaError:  # a programming error, but the events are stored
                    logger.exception("no snapshot of %s %s", type(agg).__name__, agg_id)
        if due:
            try:
                self.snapshots.put(due)
            except Exception:  # the events are stored: a missing snapshot only costs time
                logger.warning("could not store %d snapshot(s)", len(due), exc_info=True)

    # -- personal values a snapshot seals again ------------------------------------------
    #
    # A snapshot holds the aggregate's state, whose personal values the mapper seals again
    # from the keyring's memory of the values this process sealed or opened. That memory
    # is bounded: when it is full it forgets everything (a new ``generation``). The ids of
    # the aggregates whose values were all learned in the current generation are kept
    # here; a snapshot of any other is taken from the aggregate read afresh from the
    # store, which teaches the keyring its values again.

    def _generation(self) -> int:
        return -1 if self.keyring is None else self.keyring.generation

    def _values_learned(self, aggregate_ids: Iterable[UUID], since: int) -> None:
        """``aggregate_ids``' values were learned (read or sealed) since generation
        ``since``: known, if the keyring has not forgotten since."""
        if self.keyring is None or self.keyring.generation != since:
            return
        with self._learned_lock:
            if self._learned_generation != since or len(self._learned_ids) >= 100_000:
                self._learned_ids = set()
                self._learned_generation = since
            self._learned_ids.update(aggregate_ids)

    def _values_known(self, aggregate_id: UUID) -> bool:
        if self.keyring is None:
            return True
        with self._learned_lock:
            return (
                self._learned_generation == self.keyring.generation
                and aggregate_id in self._learned_ids
            )

    def _read_afresh(self, aggregate_id: UUID) -> Aggregate | None:
        """The aggregate as stored, its values learned again (None, and no snapshot, if
        the keyring kept forgetting while it was read)."""
        try:
            for _ in range(2):
                agg = self.load(aggregate_id)
                if self._values_known(aggregate_id):
                    return agg
        except Exception:  # the events are stored: a missing snapshot only costs time
            logger.warning("no snapshot of %s: could not read it", aggregate_id, exc_info=True)
            return None
        logger.warning("no snapshot of %s: its personal values could not be kept", aggregate_id)
        return None

    # -- loading -----------------------------------------------------------------------
    #
    # Commands take aggregates *out* of the cache (``checkout``) and put them back once
    # their events are stored (``checkin``): a cached aggregate is never deep-copied and
    # never re-read from the store on a command's first attempt, and no other thread can
    # see it while a command changes it, because it is not in the cache meanwhile (a
    # command in another thread that needs it loads its own from the store). A cached
    # aggregate may be behind the store when another process wrote since; the write's
    # version checks then refuse it and the retry loads afresh (``fresh=True``).

    def load(self, aggregate_id: UUID) -> Aggregate:
        """The aggregate as stored now: its latest snapshot plus the events after it
        (raises eventsourcing's ``AggregateNotFoundError``). Never from the cache."""
        learned = self._generation()
        snapshots = (
            list(self.snapshots.get(aggregate_id, desc=True, limit=1)) if self.snapshots else []
        )
        after = snapshots[0].originator_version if snapshots else None
        agg: Any = None
        event: Any
        for event in chain(snapshots, self.events.get(aggregate_id, gt=after)):
            agg = event.mutate(agg)
        if not isinstance(agg, Aggregate):
            raise AggregateNotFoundError(f"aggregate {aggregate_id} not found")
        self._values_learned([aggregate_id], learned)
        return agg

    def existing(self, aggregate_ids: Sequence[UUID]) -> set[UUID]:
        """Which of ``aggregate_ids`` have stored events (one query)."""
        recorder = self.recorder
        assert isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder)
        return recorder.existing(aggregate_ids)

    def checkout(self, aggregate_id: UUID, *, fresh: bool = False) -> Aggregate:
        """The cached aggregate, taken out of the cache, or (on a miss, or ``fresh``)
        loaded from the store. Give it back with :meth:`checkin` once saved."""
        cache = self.repository.cache
        if cache is not None:
            try:
                cached = cache.get(aggregate_id, evict=True)
            except KeyError:
                pass
            else:
                if not fresh and isinstance(cached, Aggregate):
                    return cached
        return self.load(aggregate_id)

    def load_many(self, aggregate_ids: Sequence[UUID]) -> dict[UUID, Aggregate]:
        """Like :meth:`load` for several aggregates, in two queries (their snapshots,
        their events) instead of two each; the ones not stored are left out."""
        learned = self._generation()
        recorder = self.recorder
        assert isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder)
        snapshots: dict[UUID, list[Any]] = {}
        if self.snapshots is not None:
            table = getattr(self.snapshots.recorder, "events_table_name", None)
            snapshots = recorder.events_of(aggregate_ids, table=table)
        events = recorder.events_of(aggregate_ids)
        found: dict[UUID, Aggregate] = {}
        for aggregate_id in aggregate_ids:
            latest = snapshots.get(aggregate_id, [])[-1:]
            after = latest[0].originator_version if latest else 0
            tail = [e for e in events.get(aggregate_id, []) if e.originator_version > after]
            agg: Any = None
            for stored in [*latest, *tail]:
                agg = self.mapper.to_domain_event(stored).mutate(agg)  # type: ignore[attr-defined]
            if isinstance(agg, Aggregate):
                found[aggregate_id] = agg
        self._values_learned(found, learned)
        return found

    def checkout_many(
        self, aggregate_ids: Sequence[UUID], *, fresh: bool = False
    ) -> dict[UUID, Aggregate]:
        """:meth:`checkout` for several aggregates: the cached ones out of the cache, the
        others loaded together (:meth:`load_many`)."""
        found: dict[UUID, Aggregate] = {}
        cache = self.repository.cache
        if cache is not None:
            for aggregate_id in aggregate_ids:
                with suppress(KeyError):
                    cached = cache.get(aggregate_id, evict=True)
                    if not fresh and isinstance(cached, Aggregate):
                        found[aggregate_id] = cached
        missing = [i for i in aggregate_ids if i not in found]
        if missing:
            found.update(self.load_many(missing))
        return found

    def empty_cache(self) -> None:
        """Drop every cached aggregate. (eventsourcing 9.5.6's ``LRUCache.clear`` resets
        only its recency list and keeps the aggregates: emptied here under its lock.)"""
        cache = self.repository.cache
        if cache is None:
            return
        if isinstance(cache, LRUCache):
            with cache.lock:
                cache.cache.clear()
                cache.clear()
                cache.full = False
        else:
            cache.cache.clear()

    def checkin(self, aggregates: Iterable[Aggregate]) -> None:
        """Put aggregates back in the cache once every event of theirs is stored."""
        cache = self.repository.cache
        if cache is None:
            return
        for agg in aggregates:
            if not agg.pending_events:
                cache.put(agg.id, agg)
