"""Listings: cases, people, hearings, activities, suggestions, petitions, leads,
typical-case nominations, partner agreements and trial-committee sittings, filtered,
ordered and paged with a stable cursor.

One row per listed thing in ``view_listing``, whatever its kind: its unit, its type
(case kind, activity type, suggestion type, petition channel, lead source; a hearing's
case kind; a nomination's level; who attended a sitting), a person's roles, its status
as last recorded, the local date that orders it (the business date of the event that
created it) and a label. Composite indexes
(``kind, unit, on_date, ref`` and ``kind, on_date, ref``, ``kind, case_key, …``) serve
the filters and the order, so a page costs an index range scan, however long the log.

Paging is by keyset, not by offset: the cursor carries the ``(on_date, ref)`` of the
last item, so a page is as fast at the millionth row as at the first, and items
recorded while a client pages never make it skip or repeat one. The same cursor
scheme (:func:`encode_place`, :func:`decode_place`: a place in an order, bound to the
filters it was handed out with) pages the history of an aggregate, pending feedback
and the hearing register.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import hashlib
import json
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..domain.case import Case
from ..domain.hearing import Hearing
from ..domain.lead import Lead, LeadStatus
from ..domain.partner import PartnerAgreement
from ..domain.petition import Petition, PetitionStage
from ..domain.suggestion import ObjectionOutcome, Suggestion, SuggestionStage
from ..domain.supervisor import Supervisor
from ..domain.trial_committee import TrialCommitteeSitting
from ..domain.typical_case import NominationStatus, TypicalCaseNomination
from ..domain.unit_activity import UnitActivity
from ..domain.values import HearingStatus, SupervisorStatus
from ..errors import InvalidCursor, UnknownKind
from .engine import Tx, View, on

TABLE = "view_listing"

#: What can be listed.
ListKind = Literal[
    "case",
    "supervisor",
    "hearing",
    "activity",
    "suggestion",
    "petition",
    "lead",
    "typical_case",
    "partner_agreement",
    "trial_committee_sitting",
    "unit_activity",
]
LIST_KINDS: tuple[str, ...] = (
    "case",
    "supervisor",
    "hearing",
    "activity",
    "suggestion",
    "petition",
    "lead",
    "typical_case",
    "partner_agreement",
    "trial_committee_sitting",
    "unit_activity",
)
#: The largest page a listing returns.
MAX_LIMIT = 1000


class ListItem(BaseModel):
    """One listed thing. Which fields mean what, per kind: docs/api.md#listings."""

    model_config = ConfigDict(frozen=True)

    kind: str
    #: Its key (an activity: the activity's key within its case).
    key: str
    #: The case it belongs to: an activity's, a hearing's, a suggestion's, a typical-case
    #: nomination's; a petition's or a lead's if any; None for a case, a person, a partner
    #: agreement or a sitting.
    case: str | None
    unit: str
    #: Case kind (a case, a hearing), activity type, suggestion type, petition channel,
    #: lead source, a nomination's level, who attended a sitting (``chief_prosecutor`` or
    #: ``entrusted_deputy``); None for a person or a partner agreement.
    type: str | None
    #: A person's roles; empty for every other kind.
    roles: list[str]
    #: As last recorded: a case or a unit activity ``open``/``closed``; a person
    #: ``active``/``suspended``/``removed``; a hearing, suggestion, petition or lead its
    #: status or stage; a nomination ``nominated``/``selected``/``not_selected``; an agreement
    #: ``signed``/``terminated``; a sitting ``attended``; None for an activity.
    status: str | None
    #: The local business date of the event that created it (what orders the listing).
    on: date
    #: A case's, activity's, suggestion's or nomination's title, a person's name, a
    #: petition's subject, a lead's summary, a hearing's reason, the partner unit of an
    #: agreement, the court of a sitting; None when there is none.
    label: str | None


class Listing(BaseModel):
    """One page of a listing."""

    items: list[ListItem]
    #: Pass it as ``cursor`` for the next page; None: this is the last page.
    next_cursor: str | None


class ListingView(View):
    """One indexed row per case, person, hearing, activity, suggestion, petition, lead."""

    name = "listing"
    # 2: typical-case nominations, partner agreements and trial-committee sittings.
    # 3: unit activities (issue 12), one row each with their activity's type and title.
    # 4: a suggestion withdrawn after the recipient's objection (Art. 23) shows it.
    # 5: refused hearings.
    # 6: a unit activity's status, open or closed (close_unit_activity), as a case's.
    version = 6
    tables = {  # noqa: RUF012 - class-level schema
        TABLE: "kind TEXT NOT NULL, ref TEXT NOT NULL, aggregate_id TEXT NOT NULL, "
        "key TEXT NOT NULL, case_key TEXT, unit TEXT NOT NULL, type TEXT, "
        "roles TEXT NOT NULL, status TEXT, on_date TEXT NOT NULL, label TEXT, "
        "PRIMARY KEY (kind, ref)",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        # Each in a listing's order, so a page is a range scan of one index.
        f"{TABLE}_by_unit": f"{TABLE} (kind, unit, on_date, ref)",
        f"{TABLE}_by_date": f"{TABLE} (kind, on_date, ref)",
        f"{TABLE}_by_case": f"{TABLE} (kind, case_key, on_date, ref)",
        # What a later event's handler finds its row by.
        f"{TABLE}_by_id": f"{TABLE} (aggregate_id, kind)",
    }

    def _add(
        self,
        tx: Tx,
        kind: str,
        e: Any,
        key: str,
        *,
        unit: str,
        on_day: str,
        ref: str | None = None,
        case: str | None = None,
        type_: str | None = None,
        roles: str = "",
        status: str | None = None,
        label: str | None = None,
    ) -> None:
        if kind != "activity":
            tx.cache.remember(("listing", kind, str(e.originator_id)), ref or key)
        tx.upsert(
            TABLE,
            {"kind": kind, "ref": ref or key},
            {
                "aggregate_id": str(e.originator_id),
                "key": key,
                "case_key": case,
                "unit": unit,
                "type": type_,
                "roles": roles,
                "status": status,
                "on_date": on_day,
                "label": label,
            },
        )

    def _set(self, tx: Tx, kind: str, e: Any, **values: Any) -> None:
        """Update the row of the aggregate that recorded ``e`` (not an activity's)."""
        ref = self._ref(tx, kind, str(e.originator_id))
        if ref is not None:
            tx.update(TABLE, (kind, ref), values)

    @staticmethod
    def _ref(tx: Tx, kind: str, aggregate_id: str) -> str | None:
        """The ``ref`` of the aggregate's row of ``kind`` (remembered in the engine's row
        cache: a row's ref never changes)."""
        memo = ("listing", kind, aggregate_id)
        if memo in tx.cache.memo:
            ref: str | None = tx.cache.memo[memo]
            return ref
        found = tx.one(
            f"SELECT ref FROM {TABLE} WHERE aggregate_id = ? AND kind = ?", [aggregate_id, kind]
        )
        ref = None if found is None else str(found[0])
        if ref is not None:
            tx.cache.remember(memo, ref)
        return ref

    # -- cases and their activities ----------------------------------------------------

    @on(Case.Registered)
    def case_registered(self, tx: Tx, e: Case.Registered) -> None:
        self._add(
            tx,
            "case",
            e,
            e.key,
            unit=e.unit,
            on_day=tx.local_date(e.occurred_at),
            type_=e.case_kind.value,
            status="open",
            label=e.title,
        )

    @on(Case.Closed)
    def case_closed(self, tx: Tx, e: Case.Closed) -> None:
        # A unit activity closes by the case's event (close_unit_activity).
        cid = str(e.originator_id)
        kind = "case" if self._ref(tx, "case", cid) is not None else "unit_activity"
        self._set(tx, kind, e, status="closed")

    @on(UnitActivity.Opened)
    def unit_activity_opened(self, tx: Tx, e: UnitActivity.Opened) -> None:
        # Its type and title come with its one activity (Case.ActivityOpened, next).
        self._add(
            tx,
            "unit_activity",
            e,
            e.key,
            unit=e.unit,
            on_day=tx.local_date(e.occurred_at),
            status="open",
        )

    @on(Case.ActivityOpened)
    def activity_opened(self, tx: Tx, e: Case.ActivityOpened) -> None:
        cid = str(e.originator_id)
        kind, ref = "case", self._ref(tx, "case", cid)
        if ref is None:  # a unit activity is its one activity
            kind, ref = "unit_activity", self._ref(tx, "unit_activity", cid)
        row = None if ref is None else tx.get(TABLE, kind, ref)
        assert row is not None, f"activity {e.activity} of an unlisted case"
        if kind == "unit_activity":
            self._set(tx, "unit_activity", e, type=e.activity_type.value, label=e.title)
            return
        case = str(row["key"])
        self._add(
            tx,
            "activity",
            e,
            e.activity,
            ref=json.dumps([case, e.activity]),
            case=case,
            unit=str(row["unit"]),
            on_day=tx.local_date(e.occurred_at),
            type_=e.activity_type.value,
            label=e.title,
        )

    # -- people ----------------------------------------------------------------------------

    @on(Supervisor.Appointed)
    def appointed(self, tx: Tx, e: Supervisor.Appointed) -> None:
        self._add(
            tx,
            "supervisor",
            e,
            e.key,
            unit=e.unit,
            on_day=tx.local_date(e.occurred_at),
            roles="," + ",".join(r.value for r in e.roles) + ",",
            status=SupervisorStatus.ACTIVE.value,
            label=e.name,
        )

    @on(Supervisor.Suspended, Supervisor.Reinstated, Supervisor.Removed)
    def status_changed(
        self, tx: Tx, e: Supervisor.Suspended | Supervisor.Reinstated | Supervisor.Removed
    ) -> None:
        status = {
            Supervisor.Suspended: SupervisorStatus.SUSPENDED,
            Supervisor.Reinstated: SupervisorStatus.ACTIVE,
            Supervisor.Removed: SupervisorStatus.REMOVED,
        }[type(e)]
        self._set(tx, "supervisor", e, status=status.value)

    # -- hearings ----------------------------------------------------------------------------

    @on(Hearing.Proposed)
    def hearing_proposed(self, tx: Tx, e: Hearing.Proposed) -> None:
        self._add(
            tx,
            "hearing",
            e,
            e.key,
            case=e.case,
            unit=e.unit,
            on_day=tx.local_date(e.occurred_at),
            type_=e.case_kind.value,
            status=HearingStatus.PROPOSED.value,
            label=e.reason,
        )

    @on(
        Hearing.Approved,
        Hearing.Scheduled,
        Hearing.Held,
        Hearing.Decided,
        Hearing.Concluded,
        Hearing.Refused,
    )
    def hearing_step(self, tx: Tx, e: Hearing.Event) -> None:
        status = {
            Hearing.Refused: HearingStatus.REFUSED,
            Hearing.Approved: HearingStatus.APPROVED,
            Hearing.Scheduled: HearingStatus.SCHEDULED,
            Hearing.Held: HearingStatus.HELD,
            Hearing.Decided: HearingStatus.DECIDED,
            Hearing.Concluded: HearingStatus.CONCLUDED,
        }[type(e)]
        self._set(tx, "hearing", e, status=status.value)

    # -- suggestions, petitions, leads -------------------------------------------------------

    @on(Suggestion.Drafted)
    def suggestion_drafted(self, tx: Tx, e: Suggestion.Drafted) -> None:
        self._add(
            tx,
            "suggestion",
            e,
            e.key,
            case=e.case,
            unit=e.unit,
            on_day=tx.local_date(e.occurred_at),
            type_=e.suggestion_type.value,
            status=SuggestionStage.DRAFTED.value,
            label=e.title,
        )

    @on(
        Suggestion.Served,
        Suggestion.Replied,
        Suggestion.Adopted,
        Suggestion.NotAdopted,
        Suggestion.RectificationCompleted,
        Suggestion.RectificationVerified,
    )
    def suggestion_step(self, tx: Tx, e: Suggestion.Event) -> None:
        stage = {
            Suggestion.Served: SuggestionStage.SERVED,
            Suggestion.Replied: SuggestionStage.REPLIED,
            Suggestion.Adopted: SuggestionStage.ADOPTED,
            Suggestion.NotAdopted: SuggestionStage.NOT_ADOPTED,
            Suggestion.RectificationCompleted: SuggestionStage.RECTIFIED,
            Suggestion.RectificationVerified: SuggestionStage.VERIFIED,
        }[type(e)]
        self._set(tx, "suggestion", e, status=stage.value)

    @on(Suggestion.ObjectionReviewed)
    def suggestion_objection_reviewed(self, tx: Tx, e: Suggestion.ObjectionReviewed) -> None:
        if ObjectionOutcome(e.outcome) is ObjectionOutcome.WITHDRAWN:
            self._set(tx, "suggestion", e, status=SuggestionStage.WITHDRAWN.value)

    @on(Petition.Received)
    def petition_received(self, tx: Tx, e: Petition.Received) -> None:
        self._add(
            tx,
            "petition",
            e,
            e.key,
            case=e.case,
            unit=e.unit,
            on_day=tx.local_date(e.occurred_at),
            type_=e.channel.value,
            status=PetitionStage.RECEIVED.value,
            label=e.subject,
        )

    @on(Petition.ProceduralReplied, Petition.ResultReplied, Petition.Closed)
    def petition_step(self, tx: Tx, e: Petition.Event) -> None:
        stage = {
            Petition.ProceduralReplied: PetitionStage.PROCEDURAL_REPLIED,
            Petition.ResultReplied: PetitionStage.RESULT_REPLIED,
            Petition.Closed: PetitionStage.CLOSED,
        }[type(e)]
        self._set(tx, "petition", e, status=stage.value)

    @on(Lead.Reported)
    def lead_reported(self, tx: Tx, e: Lead.Reported) -> None:
        self._add(
            tx,
            "lead",
            e,
            e.key,
            unit=e.unit,
            on_day=tx.local_date(e.occurred_at),
            type_=e.source.value,
            status=LeadStatus.REPORTED.value,
            label=e.summary,
        )

    @on(Lead.Accepted, Lead.Rejected)
    def lead_step(self, tx: Tx, e: Lead.Accepted | Lead.Rejected) -> None:
        status = LeadStatus.ACCEPTED if isinstance(e, Lead.Accepted) else LeadStatus.REJECTED
        self._set(tx, "lead", e, status=status.value)

    @on(Lead.TurnedIntoCase)
    def lead_turned_into_case(self, tx: Tx, e: Lead.TurnedIntoCase) -> None:
        self._set(tx, "lead", e, status=LeadStatus.CASE_OPENED.value, case_key=e.case)

    # -- typical cases, partner agreements, trial-committee sittings ---------------------

    @on(TypicalCaseNomination.Nominated)
    def typical_case_nominated(self, tx: Tx, e: TypicalCaseNomination.Nominated) -> None:
        self._add(
            tx,
            "typical_case",
            e,
            e.key,
            case=e.case,
            unit=e.unit,
            on_day=tx.local_date(e.occurred_at),
            type_=e.level.value,
            status=NominationStatus.NOMINATED.value,
            label=e.title,
        )

    @on(TypicalCaseNomination.Selected, TypicalCaseNomination.NotSelected)
    def typical_case_decided(
        self, tx: Tx, e: TypicalCaseNomination.Selected | TypicalCaseNomination.NotSelected
    ) -> None:
        selected = isinstance(e, TypicalCaseNomination.Selected)
        status = NominationStatus.SELECTED if selected else NominationStatus.NOT_SELECTED
        self._set(tx, "typical_case", e, status=status.value)

    @on(PartnerAgreement.Signed)
    def agreement_signed(self, tx: Tx, e: PartnerAgreement.Signed) -> None:
        self._add(
            tx,
            "partner_agreement",
            e,
            e.key,
            unit=e.unit,
            on_day=tx.local_date(e.occurred_at),
            status="signed",
            label=e.partner,
        )

    @on(PartnerAgreement.Terminated)
    def agreement_terminated(self, tx: Tx, e: PartnerAgreement.Terminated) -> None:
        self._set(tx, "partner_agreement", e, status="terminated")

    @on(TrialCommitteeSitting.Attended)
    def sitting_attended(self, tx: Tx, e: TrialCommitteeSitting.Attended) -> None:
        self._add(
            tx,
            "trial_committee_sitting",
            e,
            e.key,
            unit=e.unit,
            on_day=tx.local_date(e.occurred_at),
            type_="entrusted_deputy" if e.entrusted_deputy else "chief_prosecutor",
            status="attended",
            label=e.court,
        )


#: The plural names the command line takes (``list cases``), by kind.
PLURALS = {
    "cases": "case",
    "people": "supervisor",
    "hearings": "hearing",
    "activities": "activity",
    "suggestions": "suggestion",
    "petitions": "petition",
    "leads": "lead",
    "typical-cases": "typical_case",
    "partners": "partner_agreement",
    "sittings": "trial_committee_sitting",
    "unit-activities": "unit_activity",
}


def check_kind(kind: str) -> None:
    """Refuse a kind that cannot be listed, naming the nearest one."""
    if kind in LIST_KINDS:
        return
    close = difflib.get_close_matches(kind, [*LIST_KINDS, *PLURALS], n=1)
    hint = f" (did you mean {PLURALS.get(close[0], close[0])!r}?)" if close else ""
    raise UnknownKind(f"no listing of {kind!r}{hint}; the kinds are {', '.join(LIST_KINDS)}")


def _fingerprint(filters: dict[str, Any]) -> str:
    text = json.dumps(filters, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(on_day: str, ref: str, filters: dict[str, Any]) -> str:
    payload = json.dumps([on_day, ref, _fingerprint(filters)], ensure_ascii=False)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def encode_place(place: list[Any], filters: dict[str, Any]) -> str:
    """A cursor for a place in another ordered list (the sort key of the last item
    handed out, JSON values), bound to ``filters`` as a listing's cursor is."""
    return encode_cursor(json.dumps(place, ensure_ascii=False), "", filters)


def decode_place(cursor: str, filters: dict[str, Any]) -> list[Any]:
    """The place :func:`encode_place` put in ``cursor``; :class:`InvalidCursor` for a
    cursor handed out elsewhere or with other filters."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        text, _, fingerprint = json.loads(raw)
        place = json.loads(text)
        if not isinstance(place, list) or not isinstance(fingerprint, str):
            raise ValueError(place)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise InvalidCursor(f"cursor: {cursor!r} is not a cursor this ledger handed out") from None
    if fingerprint != _fingerprint(filters):
        raise InvalidCursor(
            "cursor: it belongs to a page with other arguments; page with the same "
            "arguments, or start again without a cursor"
        )
    return place


def decode_cursor(cursor: str, filters: dict[str, Any]) -> tuple[str, str]:
    """The ``(on_date, ref)`` after which the next page starts."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        on_day, ref, fingerprint = json.loads(raw)
        date.fromisoformat(on_day)
        if not isinstance(ref, str) or not isinstance(fingerprint, str):
            raise ValueError(ref)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise InvalidCursor(f"cursor: {cursor!r} is not a cursor this ledger handed out") from None
    if fingerprint != _fingerprint(filters):
        raise InvalidCursor(
            "cursor: it belongs to a listing with other filters; page with the same "
            "kind and filters, or start again without a cursor"
        )
    return on_day, ref


def list_items(
    tx: Tx,
    kind: str,
    units: list[str] | None,
    filters: dict[str, Any],
    *,
    type_: str | None,
    role: str | None,
    status: str | None,
    start: date | None,
    end: date | None,
    case: str | None,
    limit: int,
    cursor: str | None,
    newest_first: bool,
) -> Listing:
    """One page of ``kind`` items matching the filters, ordered by ``(on, ref)``."""
    where, params = ["kind = ?"], [kind]
    if units is not None:
        where.append(f"unit IN ({', '.join('?' for _ in units)})")
        params.extend(units)
    for column, value in (("type", type_), ("status", status), ("case_key", case)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if role is not None:
        where.append("roles LIKE ?")
        params.append(f"%,{role},%")
    if start is not None:
        where.append("on_date >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append("on_date <= ?")
        params.append(end.isoformat())
    order = "DESC" if newest_first else "ASC"
    if cursor is not None:
        on_day, ref = decode_cursor(cursor, filters)
        where.append(f"(on_date, ref) {'<' if newest_first else '>'} (?, ?)")
        params.extend([on_day, ref])
    rows = tx.rows(
        "SELECT key, case_key, unit, type, roles, status, on_date, label, ref "
        f"FROM {TABLE} WHERE {' AND '.join(where)} "
        f"ORDER BY on_date {order}, ref {order} LIMIT ?",
        [*params, limit + 1],
    )
    items = [
        ListItem(
            kind=kind,
            key=str(r[0]),
            case=r[1],
            unit=str(r[2]),
            type=r[3],
            roles=[role for role in str(r[4]).split(",") if role],
            status=r[5],
            on=date.fromisoformat(str(r[6])),
            label=r[7],
        )
        for r in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(str(last[6]), str(last[8]), filters)
    return Listing(items=items, next_cursor=next_cursor)
