"""The eventsourcing application behind a :class:`~supervision_ledger.Ledger`."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Application, Repository
from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import strtobool

from ..persistence.mapper import MsgspecMapper, MsgspecTranscoder
from ..persistence.recorders import ChainedPostgresRecorder, ChainedSQLiteRecorder
from .locks import GuardedRepository


class LedgerApplication(Application[UUID]):
    """The eventsourcing application behind a :class:`Ledger` (msgspec-encoded events)."""

    name = "SupervisionLedger"
    env = {  # noqa: RUF012 - eventsourcing's class setting
        "AGGREGATE_CACHE_MAXSIZE": "2000",
        # Seconds an SQLite writer waits for another's lock before StoreBusy.
        "SQLITE_LOCK_TIMEOUT": "30",
    }

    def construct_recorder(self) -> ApplicationRecorder:
        recorder = super().construct_recorder()
        # Without the chained recorder, events would be stored outside the hash chain.
        if not isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder):
            raise TypeError(
                f"{type(recorder).__name__} does not chain events; set "
                "APPLICATION_RECORDER_TOPIC as supervision_ledger.persistence.store does"
            )
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

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper(
            transcoder=MsgspecTranscoder(),
            cipher=self.factory.cipher(),
            compressor=self.factory.compressor(),
        )
