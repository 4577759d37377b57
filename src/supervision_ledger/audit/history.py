"""Replay for auditors: every event of an aggregate, and its state as of a past moment.

An event has two times: ``occurred_at`` (business time, given by the command) and
``timestamp`` (recorded time, when the ledger stored it); history shows both, with the
event's log position and the id of the command that recorded it (from the hash chain),
who entered that command (its ``actor``, kept in the command record) and, for an event
that records an approval, who approved (``approver``, a field of the event itself).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.application import project_aggregate
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper
from pydantic import BaseModel, ConfigDict, JsonValue

from ..domain.base import LedgerAggregate, aggregate_id
from ..domain.errors import LedgerError, NotFound
from ..errors import InvalidArgument
from ..persistence.recorders import ChainedRecorder
from .redact import Redactor

A = TypeVar("A", bound=LedgerAggregate)

#: Kinds an auditor may name as ``kind:key``.
KINDS = ("unit", "supervisor", "case", "unit_activity", "hearing", "command")
#: Event attributes shown beside, not inside, the decoded fields (``originator_topic``,
#: the Python class a creating event names, is eventsourcing's own and not shown).
_ENVELOPE = frozenset(
    {"originator_id", "originator_version", "timestamp", "occurred_at", "originator_topic"}
)


class InvalidReference(LedgerError):
    """An aggregate reference that is neither ``kind:key`` nor a UUID."""

    rule = "invalid_reference"


def resolve_reference(ref: str | UUID) -> UUID:
    """``case:K-2023-12`` (or ``unit:``, ``supervisor:``, ``hearing:``, ``command:``),
    or an aggregate UUID, as the aggregate's id."""
    if isinstance(ref, UUID):
        return ref
    kind, sep, key = ref.partition(":")
    if sep and kind in KINDS:
        if not key:
            raise InvalidReference(f"{ref!r}: the key after {kind}: is empty")
        return aggregate_id(kind, key)
    try:
        return UUID(ref)
    except ValueError:
        raise InvalidReference(
            f"{ref!r}: name an aggregate as KIND:KEY (KIND one of {', '.join(KINDS)}) "
            "or by its UUID"
        ) from None


class HistoryEntry(BaseModel):
    """One event of an aggregate as an auditor reads it (``ledger.history``)."""

    model_config = ConfigDict(frozen=True)

    #: Where the event stands in the log (None only for a row the log lost).
    position: int | None
    #: The aggregate's version after this event (1 for the event that created it).
    version: int
    #: The event type as the aggregate names it, e.g. ``Case.OpinionSubmitted``.
    event: str
    #: Business time, given by the command.
    occurred_at: datetime | None
    #: When the ledger stored the event.
    recorded_at: datetime
    #: The ``command_id`` of the command that recorded it.
    command_id: str | None
    #: Who entered that command (``clerk:<id>`` / ``system:<id>``), from its command
    #: record; None when the command named no actor.
    actor: str | None = None
    #: Who approved, for an event that records an approval (``Hearing.Approved``,
    #: ``Case.ObjectionRuled``): ``{"role": ..., "name": ...}``; else None.
    approver: dict[str, JsonValue] | None = None
    #: The event's own fields as JSON values (docs/events.md lists them per event).
    fields: dict[str, JsonValue]

    def to_json(self) -> dict[str, Any]:
        """The entry as JSON values (what ``history --json`` prints per event)."""
        return self.model_dump(mode="json")


class HistoryPage(BaseModel):
    """One page of an aggregate's history (``ledger.history_page``)."""

    entries: list[HistoryEntry]
    #: Pass it as ``cursor`` (with the same aggregate and ``redact``) for the next page;
    #: None: this page ends the history as it stands.
    next_cursor: str | None


def event_name(domain_event: object) -> str:
    """``Case.OpinionSubmitted`` — the event class as the aggregate names it."""
    return type(domain_event).__qualname__


def event_fields(domain_event: object) -> dict[str, Any]:
    """The event's own fields as JSON values (enums, dates, decimals as text)."""
    state = {k: v for k, v in vars(domain_event).items() if k not in _ENVELOPE}
    # Through JSON, so tuples become lists and the fields compare like an export's.
    fields: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(state))
    return fields


def recorded_at(domain_event: object) -> datetime:
    """When the ledger stored the event (eventsourcing's ``timestamp``)."""
    moment = getattr(domain_event, "timestamp", None)
    assert isinstance(moment, datetime)
    return moment


def decoded_events(
    mapper: Mapper[UUID], recorder: ChainedRecorder, originator_id: UUID
) -> list[DomainEventProtocol[UUID]]:
    stored = recorder.select_events(originator_id)  # type: ignore[attr-defined]
    return [mapper.to_domain_event(s) for s in stored]


def decoded_events_first(
    mapper: Mapper[UUID], recorder: ChainedRecorder, originator_id: UUID
) -> DomainEventProtocol[UUID] | None:
    stored = recorder.select_events(originator_id, limit=1)  # type: ignore[attr-defined]
    return mapper.to_domain_event(stored[0]) if stored else None


def history(
    mapper: Mapper[UUID],
    recorder: ChainedRecorder,
    originator_id: UUID,
    *,
    redactor: Redactor | None = None,
    after_version: int = 0,
    limit: int | None = None,
) -> list[HistoryEntry]:
    """Every event of the aggregate in order (empty if there is no such aggregate); or
    the ``limit`` events after version ``after_version``."""
    stored = recorder.select_events(  # type: ignore[attr-defined]
        originator_id, gt=after_version or None, limit=limit
    )
    events = [mapper.to_domain_event(s) for s in stored]
    positions = recorder.positions_of(originator_id)
    chain = recorder.chain_of(originator_id)
    entries: list[HistoryEntry] = []
    key: str | None = None
    if after_version and redactor is not None:  # the key the first event gave
        first = decoded_events_first(mapper, recorder, originator_id)
        key = None if first is None else event_fields(first).get("key")
    actors: dict[str, str | None] = {}
    for domain_event in events:
        name = event_name(domain_event)
        fields = event_fields(domain_event)
        if key is None:
            key = fields.get("key")
        if redactor is not None:
            redactor.learn(name, fields)
            fields = redactor.redact(name, key, fields)
        version = domain_event.originator_version
        link = chain.get(version)
        command_id = link.command_id if link is not None else None
        if command_id is not None and command_id not in actors:
            actors[command_id] = command_actor(mapper, recorder, command_id)
        approver = fields.get("approver")
        entries.append(
            HistoryEntry(
                position=positions.get(version),
                version=version,
                event=name,
                occurred_at=getattr(domain_event, "occurred_at", None),
                recorded_at=recorded_at(domain_event),
                command_id=command_id,
                actor=actors.get(command_id) if command_id is not None else None,
                approver=approver if isinstance(approver, dict) else None,
                fields=fields,
            )
        )
    return entries


def command_actor(mapper: Mapper[UUID], recorder: ChainedRecorder, command_id: str) -> str | None:
    """The actor the command record of ``command_id`` names (None: none, or no record)."""
    for domain_event in decoded_events(mapper, recorder, aggregate_id("command", command_id)):
        actor = getattr(domain_event, "actor", None)
        return actor if isinstance(actor, str) else None
    return None


def business_cutoff(when: datetime | date, zone: Any) -> datetime:
    """The last instant counted as "as of ``when``": a date means its whole local day."""
    if isinstance(when, datetime):
        return when if when.tzinfo is not None else when.replace(tzinfo=zone)
    if when >= date.max:
        return datetime.max.replace(tzinfo=zone)
    next_day = datetime.combine(when + timedelta(days=1), time(), tzinfo=zone)
    return next_day - timedelta(microseconds=1)


def state_as_of(
    mapper: Mapper[UUID],
    recorder: ChainedRecorder,
    cls: type[A],
    key: str,
    *,
    when: datetime | date | None,
    at_position: int | None,
    zone: Any,
) -> A:
    """The aggregate as it was at a business moment, or at a log position.

    At a position: the events stored at or before it. At a business moment: the events
    whose ``occurred_at`` is at or before it, in recorded order — so an event back-filled
    later but dated earlier counts, which is what "as of that date" means to an auditor.
    """
    if (when is None) == (at_position is None):
        raise InvalidArgument("give exactly one of a business time (when) or at_position")
    originator_id = cls.id_for(key)
    events = decoded_events(mapper, recorder, originator_id)
    if at_position is not None:
        positions = recorder.positions_of(originator_id)
        chosen = [
            e for e in events if positions.get(e.originator_version, at_position + 1) <= at_position
        ]
        moment = f"position {at_position}"
    else:
        assert when is not None
        cutoff = business_cutoff(when, zone)
        chosen = [e for e in events if getattr(e, "occurred_at", cutoff) <= cutoff]
        moment = when.isoformat()
    if not chosen or chosen[0].originator_version != events[0].originator_version:
        raise NotFound(f"no {cls.kind} {key!r} in the ledger as of {moment}")
    try:
        aggregate = _project(chosen)
    except (KeyError, AttributeError, TypeError, ValueError, LedgerError) as error:
        raise AsOfUnavailable(
            f"{cls.kind} {key!r} as of {moment}: an event dated before it depends on one "
            f"dated after it ({error!r}); ask for a log position instead"
        ) from error
    assert isinstance(aggregate, cls)
    return aggregate


def _project(events: list[DomainEventProtocol[UUID]]) -> LedgerAggregate | None:
    aggregate: LedgerAggregate | None = None
    for domain_event in events:
        if aggregate is not None:
            # Events dated after the cutoff were skipped: continue the version sequence.
            aggregate.version = domain_event.originator_version - 1
        aggregate = project_aggregate(aggregate, [domain_event])
    return aggregate


class AsOfUnavailable(LedgerError):
    """The events dated up to a moment do not form a state on their own."""

    rule = "as_of_unavailable"


def aggregate_state(aggregate: LedgerAggregate) -> dict[str, Any]:
    """An aggregate's attributes as JSON values (for ``history --as-of``)."""
    state = {
        k: v for k, v in vars(aggregate).items() if not k.startswith("_") and k != "pending_events"
    }
    state["version"] = aggregate.version
    result: dict[str, Any] = msgspec.to_builtins(state)
    return result
