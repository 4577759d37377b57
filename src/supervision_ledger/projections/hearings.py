"""The hearing register (听证台账): every hearing with its case, kind, openness, presiding
prosecutor, officers and observers, officers' opinions, decision and party acceptance."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from ..domain.hearing import Hearing
from ..domain.values import (
    HEARING_STATUS_ORDER,
    CaseKind,
    ClosedGround,
    HearingStatus,
    InvitationStatus,
    Role,
    Stance,
)
from ..errors import InvalidCursor
from .engine import Tx, View, on
from .listing import decode_place, encode_place


class HearingParticipantEntry(BaseModel):
    supervisor: str
    role: Role
    status: InvitationStatus
    #: The person this one replaced (补派), if any.
    replaces: str | None


class OfficerOpinionEntry(BaseModel):
    officer: str
    recommendation: str
    #: agree / disagree with the proposed decision; None: no stance recorded.
    stance: Stance | None = None


class CollectiveOpinionEntry(BaseModel):
    """The officers' one collective opinion, through a representative (Art. 15(5))."""

    representative: str
    recommendation: str
    stance: Stance | None


class PartyResponseEntry(BaseModel):
    party: str
    accepted: bool


class HearingEntry(BaseModel):
    """One hearing as the register shows it."""

    hearing: str
    case: str
    unit: str
    case_kind: CaseKind
    status: HearingStatus
    proposed_on: date
    #: The party who applied for the hearing (Art. 9); None: proposed by the office.
    applied_by: str | None = None
    #: Why the hearing was refused (``refuse_hearing``, Art. 9); None: not refused.
    refusal_reasons: str | None = None
    approved_by: str | None
    public: bool | None
    #: Why a closed hearing is closed (None when public or recorded before grounds).
    closed_ground: ClosedGround | None = None
    presiding_prosecutor: str | None
    presided_by_chief: bool
    scheduled_for: date | None
    held_on: date | None
    officers: list[HearingParticipantEntry]
    observers: list[HearingParticipantEntry]
    officer_opinions: list[OfficerOpinionEntry]
    collective_opinion: CollectiveOpinionEntry | None = None
    decision: str | None
    majority: str | None
    #: Whether the decision is the proposed one (None: not said).
    follows_proposal: bool | None = None
    departs_from_majority: bool
    party_responses: list[PartyResponseEntry]
    #: True when every responding party accepted the hearing opinion; None: no response.
    parties_accepted: bool | None
    concluded_on: date | None


class HearingRegister(BaseModel):
    """Hearings by proposal date and number; with ``limit``, one page of them."""

    hearings: list[HearingEntry]
    #: Pass it as ``cursor`` (with the same unit and period) for the next page; None:
    #: this is the last page (always None without ``limit``).
    next_cursor: str | None = None


class HearingRegisterView(View):
    name = "hearings"
    # 2: indexes by unit and date.
    # 3: indexes in the register's order (proposal date, number), for paging.
    # 4: applicant, closed ground, stances, collective opinion, refusal (issue 12.8).
    # 5: a refused hearing's reasons.
    version = 5
    tables = {  # noqa: RUF012 - class-level schema
        "view_hearing": "hearing_id TEXT PRIMARY KEY, hearing TEXT NOT NULL, "
        "case_key TEXT NOT NULL, unit TEXT NOT NULL, case_kind TEXT NOT NULL, "
        "status TEXT NOT NULL, proposed_on TEXT NOT NULL, approved_by TEXT, public INTEGER, "
        "presiding TEXT, presided_by_chief INTEGER NOT NULL, scheduled_for TEXT, held_on TEXT, "
        "decision TEXT, majority TEXT, departs INTEGER NOT NULL, concluded_on TEXT, "
        "applied_by TEXT, closed_ground TEXT, follows_proposal INTEGER, "
        "collective_representative TEXT, collective_recommendation TEXT, collective_stance TEXT, "
        "refusal_reasons TEXT",
        "view_hearing_participant": "hearing_id TEXT NOT NULL, supervisor TEXT NOT NULL, "
        "role TEXT NOT NULL, officer INTEGER NOT NULL, status TEXT NOT NULL, replaces TEXT, "
        "position BIGINT NOT NULL, PRIMARY KEY (hearing_id, supervisor)",
        "view_hearing_officer_opinion": "hearing_id TEXT NOT NULL, officer TEXT NOT NULL, "
        "recommendation TEXT NOT NULL, stance TEXT, PRIMARY KEY (hearing_id, officer)",
        "view_hearing_party": "hearing_id TEXT NOT NULL, party TEXT NOT NULL, "
        "accepted INTEGER NOT NULL, PRIMARY KEY (hearing_id, party)",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_hearing_by_unit": "view_hearing (unit, proposed_on, hearing)",
        "view_hearing_by_date": "view_hearing (proposed_on, hearing)",
    }

    def _set(self, tx: Tx, e: Hearing.Event, **values: object) -> None:
        tx.update("view_hearing", (str(e.originator_id),), values)

    def _advance(self, tx: Tx, e: Hearing.Event, status: HearingStatus) -> None:
        """Move the hearing's status forward to ``status``, never back (the row comes
        from the engine's row cache: no read in a rebuild)."""
        earlier = {s.value for s in HEARING_STATUS_ORDER[: HEARING_STATUS_ORDER.index(status)]}
        row = tx.get("view_hearing", str(e.originator_id))
        if row is not None and row["status"] in earlier:
            tx.update("view_hearing", (str(e.originator_id),), {"status": status.value})

    def _participant(
        self, tx: Tx, e: Hearing.Event, key: str, role: Role, replaces: str | None = None
    ) -> None:
        tx.upsert(
            "view_hearing_participant",
            {"hearing_id": str(e.originator_id), "supervisor": key},
            {
                "role": role.value,
                "officer": int(role is Role.HEARING_OFFICER),
                "status": InvitationStatus.INVITED.value,
                "replaces": replaces,
                "position": tx.position,
            },
        )

    def _participant_status(
        self, tx: Tx, e: Hearing.Event, key: str, status: InvitationStatus
    ) -> None:
        tx.update("view_hearing_participant", (str(e.originator_id), key), {"status": status.value})

    @on(Hearing.Proposed)
    def proposed(self, tx: Tx, e: Hearing.Proposed) -> None:
        tx.upsert(
            "view_hearing",
            {"hearing_id": str(e.originator_id)},
            {
                "hearing": e.key,
                "case_key": e.case,
                "unit": e.unit,
                "case_kind": e.case_kind.value,
                "status": HearingStatus.PROPOSED.value,
                "proposed_on": tx.local_date(e.occurred_at),
                "presided_by_chief": 0,
                "departs": 0,
                "applied_by": e.applied_by,
            },
            created=True,
        )

    @on(Hearing.Refused)
    def refused(self, tx: Tx, e: Hearing.Refused) -> None:
        self._set(tx, e, refusal_reasons=e.reasons)
        self._advance(tx, e, HearingStatus.REFUSED)

    @on(Hearing.Approved)
    def approved(self, tx: Tx, e: Hearing.Approved) -> None:
        self._set(tx, e, approved_by=e.approver.name)
        self._advance(tx, e, HearingStatus.APPROVED)

    @on(Hearing.Scheduled)
    def scheduled(self, tx: Tx, e: Hearing.Scheduled) -> None:
        self._set(
            tx,
            e,
            public=int(e.public),
            presiding=e.presiding_prosecutor,
            presided_by_chief=int(e.presided_by_chief),
            scheduled_for=tx.local_date(e.scheduled_for),
            closed_ground=None if e.closed_ground is None else e.closed_ground.value,
        )
        self._advance(tx, e, HearingStatus.SCHEDULED)

    @on(Hearing.OfficersDrawn)
    def officers_drawn(self, tx: Tx, e: Hearing.OfficersDrawn) -> None:
        for key in e.drawn:
            self._participant(tx, e, key, Role.HEARING_OFFICER)

    @on(Hearing.OfficerInvited)
    def officer_invited(self, tx: Tx, e: Hearing.OfficerInvited) -> None:
        self._participant(tx, e, e.supervisor, Role.HEARING_OFFICER)

    @on(Hearing.ObserverInvited)
    def observer_invited(self, tx: Tx, e: Hearing.ObserverInvited) -> None:
        self._participant(tx, e, e.supervisor, e.role)

    @on(Hearing.InvitationDeclined)
    def declined(self, tx: Tx, e: Hearing.InvitationDeclined) -> None:
        self._participant_status(tx, e, e.supervisor, InvitationStatus.DECLINED)

    @on(Hearing.OfficerReplaced)
    def officer_replaced(self, tx: Tx, e: Hearing.OfficerReplaced) -> None:
        self._participant_status(tx, e, e.supervisor, InvitationStatus.REPLACED)
        self._participant(tx, e, e.replacement, Role.HEARING_OFFICER, replaces=e.supervisor)

    @on(Hearing.Held)
    def held(self, tx: Tx, e: Hearing.Held) -> None:
        self._set(tx, e, held_on=tx.local_date(e.occurred_at))
        for key in e.attendees:
            self._participant_status(tx, e, key, InvitationStatus.ATTENDED)
        for key in e.absent:
            self._participant_status(tx, e, key, InvitationStatus.ABSENT)
        self._advance(tx, e, HearingStatus.HELD)

    @on(Hearing.OfficerOpinionRecorded)
    def officer_opinion(self, tx: Tx, e: Hearing.OfficerOpinionRecorded) -> None:
        tx.upsert(
            "view_hearing_officer_opinion",
            {"hearing_id": str(e.originator_id), "officer": e.officer},
            {
                "recommendation": e.recommendation,
                "stance": None if e.stance is None else e.stance.value,
            },
        )

    @on(Hearing.CollectiveOpinionRecorded)
    def collective_opinion(self, tx: Tx, e: Hearing.CollectiveOpinionRecorded) -> None:
        self._set(
            tx,
            e,
            collective_representative=e.representative,
            collective_recommendation=e.recommendation,
            collective_stance=None if e.stance is None else e.stance.value,
        )

    @on(Hearing.Decided)
    def decided(self, tx: Tx, e: Hearing.Decided) -> None:
        self._set(
            tx,
            e,
            decision=e.decision,
            majority=e.majority,
            departs=int(e.departs_from_majority),
            follows_proposal=None if e.follows_proposal is None else int(e.follows_proposal),
        )
        self._advance(tx, e, HearingStatus.DECIDED)

    @on(Hearing.PartyResponded)
    def party_responded(self, tx: Tx, e: Hearing.PartyResponded) -> None:
        tx.upsert(
            "view_hearing_party",
            {"hearing_id": str(e.originator_id), "party": e.party},
            {"accepted": int(e.accepted)},
        )

    @on(Hearing.Concluded)
    def concluded(self, tx: Tx, e: Hearing.Concluded) -> None:
        self._set(tx, e, concluded_on=tx.local_date(e.occurred_at))
        self._advance(tx, e, HearingStatus.CONCLUDED)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def hearing_register(
    tx: Tx,
    units: list[str] | None,
    start: date | None = None,
    end: date | None = None,
    *,
    limit: int | None = None,
    cursor: str | None = None,
    filters: dict[str, Any] | None = None,
) -> HearingRegister:
    """Hearings of ``units`` proposed in the period, by proposal date and number; with
    ``limit``, the page after ``cursor`` (keyset paging on the index in that order, with
    the listings' cursor scheme bound to ``filters``)."""
    sql = (
        "SELECT hearing_id, hearing, case_key, unit, case_kind, status, proposed_on, approved_by, "
        "public, presiding, presided_by_chief, scheduled_for, held_on, decision, majority, "
        "departs, concluded_on, applied_by, closed_ground, follows_proposal, "
        "collective_representative, collective_recommendation, collective_stance, "
        "refusal_reasons FROM view_hearing WHERE 1 = 1"
    )
    params: list[object] = []
    if units is not None:
        sql += f" AND unit IN ({', '.join('?' for _ in units)})"
        params.extend(units)
    if start is not None:
        sql += " AND proposed_on >= ?"
        params.append(start.isoformat())
    if end is not None:
        sql += " AND proposed_on <= ?"
        params.append(end.isoformat())
    if cursor is not None:
        place = decode_place(cursor, filters or {})
        if len(place) != 2 or not all(isinstance(p, str) for p in place):
            raise InvalidCursor(f"cursor: {cursor!r} is not a hearing register cursor")
        sql += " AND (proposed_on, hearing) > (?, ?)"
        params.extend(place)
    sql += " ORDER BY proposed_on, hearing"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit + 1)
    rows = tx.rows(sql, params)
    next_cursor = None
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_place([str(rows[-1][6]), str(rows[-1][1])], filters or {})
    entries = []
    for row in rows:
        hid = row[0]
        people = [
            (
                bool(officer),
                HearingParticipantEntry(
                    supervisor=s, role=Role(r), status=InvitationStatus(st), replaces=rep
                ),
            )
            for s, r, officer, st, rep in tx.rows(
                "SELECT supervisor, role, officer, status, replaces FROM view_hearing_participant "
                "WHERE hearing_id = ? ORDER BY position, supervisor",
                [hid],
            )
        ]
        responses = [
            PartyResponseEntry(party=p, accepted=bool(a))
            for p, a in tx.rows(
                "SELECT party, accepted FROM view_hearing_party WHERE hearing_id = ? "
                "ORDER BY party",
                [hid],
            )
        ]
        entries.append(
            HearingEntry(
                hearing=row[1],
                case=row[2],
                unit=row[3],
                case_kind=CaseKind(row[4]),
                status=HearingStatus(row[5]),
                proposed_on=date.fromisoformat(row[6]),
                applied_by=row[17],
                refusal_reasons=row[23],
                approved_by=row[7],
                public=None if row[8] is None else bool(row[8]),
                closed_ground=None if row[18] is None else ClosedGround(row[18]),
                presiding_prosecutor=row[9],
                presided_by_chief=bool(row[10]),
                scheduled_for=_day(row[11]),
                held_on=_day(row[12]),
                officers=[p for officer, p in people if officer],
                observers=[p for officer, p in people if not officer],
                officer_opinions=[
                    OfficerOpinionEntry(
                        officer=o, recommendation=r, stance=None if st is None else Stance(st)
                    )
                    for o, r, st in tx.rows(
                        "SELECT officer, recommendation, stance FROM view_hearing_officer_opinion "
                        "WHERE hearing_id = ? ORDER BY officer",
                        [hid],
                    )
                ],
                collective_opinion=None
                if row[20] is None
                else CollectiveOpinionEntry(
                    representative=row[20],
                    recommendation=row[21],
                    stance=None if row[22] is None else Stance(row[22]),
                ),
                decision=row[13],
                majority=row[14],
                follows_proposal=None if row[19] is None else bool(row[19]),
                departs_from_majority=bool(row[15]),
                party_responses=responses,
                parties_accepted=all(r.accepted for r in responses) if responses else None,
                concluded_on=_day(row[16]),
            )
        )
    return HearingRegister(hearings=entries, next_cursor=next_cursor)
