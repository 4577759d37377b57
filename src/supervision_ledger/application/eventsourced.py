"""The eventsourcing application behind a :class:`~supervision_ledger.Ledger`."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import ApplicationRecorder, Mapper

from ..persistence.mapper import MsgspecMapper, MsgspecTranscoder
from ..persistence.recorders import ChainedPostgresRecorder, ChainedSQLiteRecorder


class LedgerApplication(Application[UUID]):
    """The eventsourcing application behind a :class:`Ledger` (msgspec-encoded events)."""

    name = "SupervisionLedger"
    env = {"AGGREGATE_CACHE_MAXSIZE": "2000"}  # noqa: RUF012 - eventsourcing's class setting

    def construct_recorder(self) -> ApplicationRecorder:
        recorder = super().construct_recorder()
        # Without the chained recorder, events would be stored outside the hash chain.
        if not isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder):
            raise TypeError(
                f"{type(recorder).__name__} does not chain events; set "
                "APPLICATION_RECORDER_TOPIC as supervision_ledger.persistence.store does"
            )
        return recorder

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper(
            transcoder=MsgspecTranscoder(),
            cipher=self.factory.cipher(),
            compressor=self.factory.compressor(),
        )
