"""The audit side of the ledger: replay, as-of states and tamper evidence (docs/audit.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import IO, Any, TypeVar
from uuid import UUID

from ..audit import (
    Digest,
    ExportSummary,
    HistoryEntry,
    HistoryPage,
    Redactor,
    VerifyReport,
    export_jsonl,
    integrity,
)
from ..audit import history as audit_history
from ..audit.export import redactor_for, sealed_reader
from ..audit.history import resolve_reference
from ..domain.base import LedgerAggregate
from ..domain.case import Case
from ..domain.errors import NotFound
from ..domain.policy import Policy
from ..errors import InvalidArgument, InvalidCursor
from ..persistence.recorders import (
    ChainedPostgresRecorder,
    ChainedRecorder,
    ChainedSQLiteRecorder,
)
from ..projections.engine import Progress
from ..projections.listing import MAX_LIMIT, decode_place, encode_place
from .eventsourced import LedgerApplication
from .store_errors import store_errors

A = TypeVar("A", bound=LedgerAggregate)


class LedgerAudit:
    """Reads the hash-chained log of one :class:`LedgerApplication` for auditors."""

    def __init__(self, app: LedgerApplication, policy: Policy) -> None:
        self.app = app
        self.policy = policy

    @property
    def recorder(self) -> ChainedRecorder:
        recorder = self.app.recorder
        assert isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder)
        return recorder

    @store_errors()
    def history(
        self, aggregate: str | UUID, *, redact: bool | str = False, salt: bytes | None = None
    ) -> list[HistoryEntry]:
        """Every event of an aggregate in order; see :meth:`Ledger.history`."""
        originator_id = resolve_reference(aggregate)
        redactor = None
        mapper = self.app.mapper
        if redact:
            redactor = redactor_for(mapper, redact, salt)
            mapper = sealed_reader(mapper)
            self._teach_redactor(redactor, originator_id)
        entries = audit_history.history(mapper, self.recorder, originator_id, redactor=redactor)
        if not entries:
            raise NotFound(f"no aggregate {aggregate!s} in the ledger")
        return entries

    @store_errors()
    def history_page(
        self,
        aggregate: str | UUID,
        *,
        limit: int,
        cursor: str | None,
        redact: bool | str,
        salt: bytes | None,
    ) -> HistoryPage:
        """One page of an aggregate's history; see :meth:`Ledger.history_page`."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise InvalidArgument(f"limit: {limit!r} is not a page size from 1 to {MAX_LIMIT}")
        originator_id = resolve_reference(aggregate)
        filters = {"of": "history", "aggregate": str(originator_id), "redact": redact}
        after = 0
        if cursor is not None:
            place = decode_place(cursor, filters)
            if len(place) != 1 or isinstance(place[0], bool) or not isinstance(place[0], int):
                raise InvalidCursor(f"cursor: {cursor!r} is not a history cursor")
            after = place[0]
        if redact:  # pseudonyms need every event: the whole history, then the page of it
            entries = [
                e for e in self.history(aggregate, redact=redact, salt=salt) if e.version > after
            ]
            entries = entries[: limit + 1]
        else:
            entries = audit_history.history(
                self.app.mapper, self.recorder, originator_id, after_version=after, limit=limit + 1
            )
            if not entries and after == 0:
                raise NotFound(f"no aggregate {aggregate!s} in the ledger")
        more = len(entries) > limit
        entries = entries[:limit]
        next_cursor = encode_place([entries[-1].version], filters) if more else None
        return HistoryPage(entries=entries, next_cursor=next_cursor)

    def _teach_redactor(self, redactor: Redactor, originator_id: UUID) -> None:
        """Tell the redactor the parties (and minors) of every case the aggregate names."""
        cases: set[str] = set()
        for event in audit_history.decoded_events(self.app.mapper, self.recorder, originator_id):
            fields = audit_history.event_fields(event)
            for name in ("case", "key"):
                if isinstance(fields.get(name), str):
                    cases.add(fields[name])
        for key in cases:
            for event in audit_history.decoded_events(
                self.app.mapper, self.recorder, Case.id_for(key)
            )[:1]:
                redactor.learn(audit_history.event_name(event), audit_history.event_fields(event))

    @store_errors()
    def as_of(
        self,
        cls: type[A],
        key: str,
        when: datetime | date | str | None,
        at_position: int | None,
    ) -> A:
        """The aggregate as it was at a business date/time or at a log position."""
        if isinstance(when, str):  # ISO text, as commands take it: a date or a date-time
            text = when
            try:
                when = date.fromisoformat(text)
            except ValueError:
                try:
                    when = datetime.fromisoformat(text)
                except ValueError:
                    raise InvalidArgument(
                        f"when: {text!r} is not an ISO date or date-time"
                    ) from None
        return audit_history.state_as_of(
            self.app.mapper,
            self.recorder,
            cls,
            key,
            when=when,
            at_position=at_position,
            zone=self.policy.zone,
        )

    @store_errors()
    def digest(self, at_position: int | None = None) -> Digest:
        """The current digest (position, chain hash, count) of the whole log, or of the
        log as it stood at ``at_position``."""
        if at_position is not None:
            return integrity.digest_at(self.recorder, at_position)
        return integrity.current_digest(self.recorder)

    @store_errors()
    def verify(
        self,
        digest: Digest | str | dict[str, Any] | None = None,
        *,
        progress: Progress | None = None,
    ) -> VerifyReport:
        """Recompute the hash chain, against ``digest`` if given."""
        if digest is not None and not isinstance(digest, Digest):
            digest = Digest.parse(digest)
        return integrity.verify(self.recorder, digest, progress)

    @store_errors()
    def export(
        self,
        out: IO[str],
        *,
        redact: bool | str = False,
        salt: bytes | None = None,
        progress: Progress | None = None,
    ) -> ExportSummary:
        """Write the whole log as JSON lines (format: docs/audit.md)."""
        return export_jsonl(
            self.app.mapper, self.recorder, out, redact=redact, salt=salt, progress=progress
        )
