"""Snapshots: an aggregate's state at a version, so loading it replays only the tail.

eventsourcing's snapshotting stores a :class:`LedgerSnapshot` (the aggregate's
attributes at one version) in its ``snapshots`` table beside the events; the
repository then loads an aggregate as its latest snapshot plus the events after it.
Snapshots are encoded by the same msgspec mapper as events (and encrypted by the same
cipher when ``CIPHER_KEY`` is set). Their state comes back with its declared types
from :data:`SNAPSHOT_STATES`: every attribute of a snapshotted aggregate must be listed
there, or taking the snapshot fails loudly rather than storing a state that would
come back with the wrong types (:data:`SNAPSHOT_OPTIONAL`: attributes an aggregate
gains only with a certain event).

Snapshots are a cache, not a record: they are outside the hash chain, ``verify``,
``history``, ``export`` and the ``*_as_of`` queries read only the events, and deleting
every snapshot changes nothing but the time a load takes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Self

import msgspec
from eventsourcing.domain import MutableOrImmutableAggregate, Snapshot
from eventsourcing.utils import resolve_topic

from ..domain.case import Activity, Case, Opinion
from ..domain.hearing import CollectiveOpinion, Hearing, HearingParticipant, OfficerOpinion
from ..domain.supervisor import DeclaredRelationship, Supervisor
from ..domain.unit import ProcuratorateUnit
from ..domain.unit_activity import UnitActivity
from ..domain.values import (
    ApproverRole,
    AssessmentGrade,
    CaseKind,
    ClosedGround,
    HearingStatus,
    InactivePeriod,
    Party,
    Role,
    Term,
    UnitLevel,
)

#: Attributes eventsourcing keeps on every aggregate beside the domain's own.
_BASE: dict[str, Any] = {"_created_on": datetime, "_modified_on": datetime}

#: What a case and a unit activity (which keeps a case's rules) both hold.
_SUPERVISED: dict[str, Any] = {
    "activities": dict[str, Activity],
    "opinions": dict[str, Opinion],
    "decision": str | None,
    "decided_at": datetime | None,
    "closed_at": datetime | None,
}

#: The declared type of every attribute of each snapshotted aggregate class.
SNAPSHOT_STATES: dict[type[Any], dict[str, Any]] = {
    ProcuratorateUnit: {
        "key": str,
        "name": str,
        "level": UnitLevel,
        "parent": str | None,
        "registered_at": datetime,
        "roster": list[str],
    },
    Supervisor: {
        "key": str,
        "unit": str,
        "name": str,
        "roles": tuple[Role, ...],
        "industry": str | None,
        "speciality": str | None,
        "appointed_at": datetime,
        "terms": list[Term],
        "inactive": list[InactivePeriod],
        "trainings": list[tuple[datetime, str, Decimal | None]],
        "assessments": dict[int, AssessmentGrade],
        "allowances": list[tuple[datetime, Decimal, str, str | None]],
        "relationships": list[DeclaredRelationship],
    },
    Case: {
        "key": str,
        "unit": str,
        "case_kind": CaseKind,
        "title": str | None,
        "handling_prosecutor": str,
        "parties": tuple[Party, ...],
        "received_on": date,
        "registered_at": datetime,
        **_SUPERVISED,
        "source_lead": str | None,
    },
    UnitActivity: {
        "key": str,
        "unit": str,
        "registered_at": datetime,
        **_SUPERVISED,
    },
    Hearing: {
        "key": str,
        "case": str,
        "unit": str,
        "case_kind": CaseKind,
        "party_names": tuple[str, ...],
        "has_minor": bool,
        "reason": str | None,
        "proposed_at": datetime,
        "status": HearingStatus,
        "last_step_at": datetime,
        "approved_by": str | None,
        "scheduled_for": datetime | None,
        "noticed_at": datetime | None,
        "public": bool | None,
        "presiding_prosecutor": str | None,
        "presided_by_chief": bool,
        "location": str | None,
        "participants": dict[str, HearingParticipant],
        "held_at": datetime | None,
        "attendees": tuple[str, ...],
        "officer_opinions": dict[str, OfficerOpinion],
        "decision": str | None,
        "majority": str | None,
        "departs_from_majority": bool,
        "chief_approved": bool,
        "decision_reasons": str | None,
        "party_responses": dict[str, bool],
        "concluded_at": datetime | None,
    },
}

#: Attributes an aggregate has only once a certain event happened (absent before).
SNAPSHOT_OPTIONAL: dict[type[Any], dict[str, Any]] = {
    Supervisor: {"_served_on": date},
    # Issue 12 point 8: absent from snapshots taken before; the class gives the default.
    Hearing: {
        "applied_by": str | None,
        "handler": str | None,
        "handler_rank": ApproverRole | None,
        "refusal_reasons": str | None,
        "closed_ground": ClosedGround | None,
        "collective_opinion": CollectiveOpinion | None,
        "follows_proposal": bool | None,
    },
}

#: Events between two snapshots of an aggregate of fewer than twenty times as many
#: events (then they are spaced further apart: ``snapshot_step``).
DEFAULT_SNAPSHOT_INTERVAL = 100


def snapshot_step(interval: int, version: int) -> int:
    """Events between two snapshots of an aggregate at ``version``: ``interval`` until
    it holds twenty intervals' events, then doubled each time its events double.

    A snapshot costs as much as the state it holds, which grows with the aggregate: at
    a fixed interval, a command on a case of 20,000 events would pay 200 times as much
    for snapshots as one on a case of 100. Spaced in proportion, they cost each event
    the same at every size, and a load replays a tail of at most ``interval`` events or
    a tenth of the aggregate's events, whichever is more.
    """
    step = interval
    while version >= 20 * step:
        step *= 2
    return step


def snapshot_due(interval: int, before: int, after: int) -> bool:
    """Whether an aggregate written from version ``before`` to ``after`` passed one of
    its snapshot points (multiples of :func:`snapshot_step` at ``after``; a point is
    also one of the smaller steps before it, so none is skipped where the step grows)."""
    step = snapshot_step(interval, after)
    return after // step > before // step


class SnapshotSchemaError(TypeError):
    """An aggregate's attributes do not match its declared snapshot state."""


@cache
def state_struct(aggregate_class: type[Any]) -> type[msgspec.Struct]:
    """A msgspec Struct with the declared attribute types of ``aggregate_class``."""
    fields: list[Any] = list({**_BASE, **SNAPSHOT_STATES[aggregate_class]}.items())
    fields += [
        (attribute, type_ | msgspec.UnsetType, msgspec.UNSET)
        for attribute, type_ in SNAPSHOT_OPTIONAL.get(aggregate_class, {}).items()
    ]
    name = f"{aggregate_class.__qualname__}SnapshotState"
    return msgspec.defstruct(name, fields, forbid_unknown_fields=True)


class LedgerSnapshot(Snapshot):
    """The state of one aggregate at one version (eventsourcing's ``Snapshot``), taken
    only of the classes in :data:`SNAPSHOT_STATES` and checked against them."""

    @classmethod
    def take(cls, aggregate: MutableOrImmutableAggregate[Any]) -> Self:
        declared = SNAPSHOT_STATES.get(type(aggregate))
        if declared is None:
            raise SnapshotSchemaError(f"{type(aggregate).__name__} is not snapshotted")
        snapshot = super().take(aggregate)
        found = set(snapshot.state)
        expected = set(declared) | set(_BASE)
        optional = set(SNAPSHOT_OPTIONAL.get(type(aggregate), {}))
        if not expected <= found <= expected | optional:
            missing = ", ".join(sorted(found - expected - optional)) or "-"
            absent = ", ".join(sorted(expected - found)) or "-"
            raise SnapshotSchemaError(
                f"{type(aggregate).__name__} has attributes without a snapshot type "
                f"({missing}) or lacks declared ones ({absent}): update SNAPSHOT_STATES "
                "in supervision_ledger/persistence/snapshots.py"
            )
        return snapshot


def typed_state(topic: str, state: dict[str, Any]) -> dict[str, Any]:
    """The decoded plain ``state`` of a snapshot of ``topic``, with its declared types."""
    aggregate_class = resolve_topic(topic)
    if aggregate_class not in SNAPSHOT_STATES:
        raise SnapshotSchemaError(f"a snapshot of {topic} has no declared state")
    typed = msgspec.convert(state, type=state_struct(aggregate_class), strict=False)
    return {k: v for k, v in msgspec.structs.asdict(typed).items() if v is not msgspec.UNSET}
