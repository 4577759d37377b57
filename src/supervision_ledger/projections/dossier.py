"""The supervisor dossier (一人一档): one file per person.

Profile and roles, terms, trainings, assessments, allowances, status changes and
declared relationships, every invitation (to case activities and to hearings) with its
activity type and what became of it, and every opinion with its outcome and feedback.
Dates are local business dates; lists are in business order, ties broken by log
position (stable across rebuilds).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import msgspec
from pydantic import BaseModel

from ..domain.case import Case
from ..domain.errors import NotFound
from ..domain.hearing import Hearing
from ..domain.supervisor import Supervisor
from ..domain.unit_activity import UnitActivity
from ..domain.values import ActivityType, InvitationStatus, OpinionOutcome, Role
from .engine import Tx, View, on


class DossierRecord(BaseModel):
    """One entry of the person's own history: term, training, assessment, allowance,
    status change or declared relationship; ``details`` holds its fields."""

    kind: str
    on: date
    details: dict[str, str | None]


class DossierInvitation(BaseModel):
    """One invitation, to a case activity or to a hearing."""

    source: str  # "activity" or "hearing"
    #: The case of the activity or the hearing; None for a unit activity's invitation.
    case: str | None
    activity: str | None
    activity_type: ActivityType | None
    hearing: str | None
    role: Role
    status: InvitationStatus
    invited_on: date
    replaces: str | None
    #: The unit activity (issue 12) the invitation is to, instead of a case's activity.
    unit_activity: str | None = None


class DossierOpinion(BaseModel):
    #: The case the opinion was given on; None for one on a unit activity.
    case: str | None
    opinion: str
    activity: str
    submitted_on: date
    outcome: OpinionOutcome | None
    decided_on: date | None
    feedback_on: date | None
    implementation_on: date | None
    objection_ruling: str | None
    #: The unit activity (issue 12) the opinion was given on, instead of a case.
    unit_activity: str | None = None


class Dossier(BaseModel):
    """一人一档: everything the ledger records about one person."""

    supervisor: str
    name: str
    unit: str
    roles: list[Role]
    industry: str | None
    speciality: str | None
    appointed_on: date
    records: list[DossierRecord]
    invitations: list[DossierInvitation]
    opinions: list[DossierOpinion]

    @property
    def participations(self) -> list[DossierInvitation]:
        """The invitations the person attended."""
        return [i for i in self.invitations if i.status is InvitationStatus.ATTENDED]


#: Details as JSON text, keys sorted (msgspec: the same text, several times faster).
_encode = msgspec.json.Encoder(order="sorted").encode


class DossierView(View):
    name = "dossier"
    # 2: indexes by supervisor.
    # 3: a retracted opinion (issue 12) leaves the person's file.
    # 4: invitations and opinions on unit activities (issue 12): view_dossier_case.kind.
    version = 4
    tables = {  # noqa: RUF012 - class-level schema
        "view_dossier_person": "person_id TEXT PRIMARY KEY, supervisor TEXT NOT NULL UNIQUE, "
        "name TEXT NOT NULL, unit TEXT NOT NULL, roles TEXT NOT NULL, industry TEXT, "
        "speciality TEXT, appointed_on TEXT NOT NULL",
        "view_dossier_record": "person_id TEXT NOT NULL, position BIGINT NOT NULL, "
        "seq INTEGER NOT NULL, kind TEXT NOT NULL, on_date TEXT NOT NULL, details TEXT NOT NULL, "
        "PRIMARY KEY (person_id, position, seq)",
        "view_dossier_case": "case_id TEXT PRIMARY KEY, case_key TEXT NOT NULL, kind TEXT NOT NULL",
        "view_dossier_activity": "case_id TEXT NOT NULL, activity TEXT NOT NULL, "
        "type TEXT NOT NULL, PRIMARY KEY (case_id, activity)",
        "view_dossier_hearing": "hearing_id TEXT PRIMARY KEY, hearing TEXT NOT NULL, "
        "case_key TEXT NOT NULL",
        "view_dossier_invitation": "supervisor TEXT NOT NULL, source TEXT NOT NULL, "
        "owner_id TEXT NOT NULL, ref TEXT NOT NULL, role TEXT NOT NULL, status TEXT NOT NULL, "
        "invited_on TEXT NOT NULL, replaces TEXT, position BIGINT NOT NULL, "
        "PRIMARY KEY (source, owner_id, ref, supervisor)",
        "view_dossier_opinion": "case_id TEXT NOT NULL, opinion TEXT NOT NULL, "
        "supervisor TEXT NOT NULL, activity TEXT NOT NULL, submitted_on TEXT NOT NULL, "
        "outcome TEXT, decided_on TEXT, feedback_on TEXT, implementation_on TEXT, "
        "objection_ruling TEXT, PRIMARY KEY (case_id, opinion)",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_dossier_invitation_by_person": "view_dossier_invitation (supervisor, invited_on)",
        "view_dossier_opinion_by_person": "view_dossier_opinion (supervisor, submitted_on)",
    }

    # -- the person's own events ------------------------------------------------------

    @staticmethod
    def _record(
        tx: Tx, e: Supervisor.Event, kind: str, on_date: str, details: dict[str, Any], seq: int = 0
    ) -> None:
        text = _encode({k: None if v is None else str(v) for k, v in details.items()}).decode()
        tx.upsert(
            "view_dossier_record",
            {"person_id": str(e.originator_id), "position": tx.position, "seq": seq},
            {"kind": kind, "on_date": on_date, "details": text},
        )

    @on(Supervisor.Appointed)
    def appointed(self, tx: Tx, e: Supervisor.Appointed) -> None:
        tx.upsert(
            "view_dossier_person",
            {"person_id": str(e.originator_id)},
            {
                "supervisor": e.key,
                "name": e.name,
                "unit": e.unit,
                "roles": ",".join(r.value for r in e.roles),
                "industry": e.industry,
                "speciality": e.speciality,
                "appointed_on": tx.local_date(e.occurred_at),
            },
        )
        self._record(
            tx, e, "term", e.term_start.isoformat(), {"start": e.term_start, "end": e.term_end}
        )

    @on(Supervisor.TrainingRecorded)
    def training(self, tx: Tx, e: Supervisor.TrainingRecorded) -> None:
        details = {"topic": e.topic, "hours": e.hours}
        self._record(tx, e, "training", tx.local_date(e.occurred_at), details)

    @on(Supervisor.AssessmentRecorded)
    def assessment(self, tx: Tx, e: Supervisor.AssessmentRecorded) -> None:
        details = {"year": e.year, "grade": e.grade.value}
        self._record(tx, e, "assessment", tx.local_date(e.occurred_at), details)

    @on(Supervisor.AllowancePaid)
    def allowance(self, tx: Tx, e: Supervisor.AllowancePaid) -> None:
        details = {"amount": e.amount, "purpose": e.purpose, "reference": e.reference}
        self._record(tx, e, "allowance", tx.local_date(e.occurred_at), details)

    @on(Supervisor.RelationshipDeclared)
    def relationship(self, tx: Tx, e: Supervisor.RelationshipDeclared) -> None:
        details = {"relationship": e.relationship.value, "party": e.party, "case": e.case}
        self._record(tx, e, "relationship", tx.local_date(e.occurred_at), details)

    @on(Supervisor.Suspended, Supervisor.Reinstated, Supervisor.Removed)
    def status_changed(
        self, tx: Tx, e: Supervisor.Suspended | Supervisor.Reinstated | Supervisor.Removed
    ) -> None:
        kind = {
            Supervisor.Suspended: "suspended",
            Supervisor.Reinstated: "reinstated",
            Supervisor.Removed: "removed",
        }[type(e)]
        self._record(tx, e, kind, e.effective_on.isoformat(), {"reason": e.reason})

    @on(Supervisor.TermRenewed)
    def term_renewed(self, tx: Tx, e: Supervisor.TermRenewed) -> None:
        details = {"start": e.term_start, "end": e.term_end}
        self._record(tx, e, "term", e.term_start.isoformat(), details)

    # -- invitations and opinions on cases ---------------------------------------------

    @on(Case.Registered)
    def case_registered(self, tx: Tx, e: Case.Registered) -> None:
        tx.upsert(
            "view_dossier_case",
            {"case_id": str(e.originator_id)},
            {"case_key": e.key, "kind": "case"},
        )

    @on(UnitActivity.Opened)
    def unit_activity_opened(self, tx: Tx, e: UnitActivity.Opened) -> None:
        tx.upsert(
            "view_dossier_case",
            {"case_id": str(e.originator_id)},
            {"case_key": e.key, "kind": "unit_activity"},
        )

    @on(Case.ActivityOpened)
    def activity_opened(self, tx: Tx, e: Case.ActivityOpened) -> None:
        tx.upsert(
            "view_dossier_activity",
            {"case_id": str(e.originator_id), "activity": e.activity},
            {"type": e.activity_type.value},
        )

    @staticmethod
    def _invite(
        tx: Tx,
        source: str,
        owner: str,
        ref: str,
        key: str,
        role: Role | str,
        on_date: str,
        replaces: str | None = None,
    ) -> None:
        tx.upsert(
            "view_dossier_invitation",
            {"source": source, "owner_id": owner, "ref": ref, "supervisor": key},
            {
                "role": Role(role).value,
                "status": InvitationStatus.INVITED.value,
                "invited_on": on_date,
                "replaces": replaces,
                "position": tx.position,
            },
        )

    @staticmethod
    def _status(
        tx: Tx, source: str, owner: str, ref: str, key: str, status: InvitationStatus
    ) -> None:
        tx.rows(
            "UPDATE view_dossier_invitation SET status = ? "
            "WHERE source = ? AND owner_id = ? AND ref = ? AND supervisor = ?",
            [status.value, source, owner, ref, key],
        )

    @on(Case.SupervisorsDrawn)
    def drawn(self, tx: Tx, e: Case.SupervisorsDrawn) -> None:
        for key in e.drawn:
            cid = str(e.originator_id)
            self._invite(tx, "activity", cid, e.activity, key, e.role, tx.local_date(e.occurred_at))

    @on(Case.SupervisorInvited)
    def invited(self, tx: Tx, e: Case.SupervisorInvited) -> None:
        cid, day = str(e.originator_id), tx.local_date(e.occurred_at)
        self._invite(tx, "activity", cid, e.activity, e.supervisor, e.role, day)

    @on(Case.InvitationAccepted)
    def accepted(self, tx: Tx, e: Case.InvitationAccepted) -> None:
        cid = str(e.originator_id)
        self._status(tx, "activity", cid, e.activity, e.supervisor, InvitationStatus.ACCEPTED)

    @on(Case.InvitationDeclined)
    def declined(self, tx: Tx, e: Case.InvitationDeclined) -> None:
        cid = str(e.originator_id)
        self._status(tx, "activity", cid, e.activity, e.supervisor, InvitationStatus.DECLINED)

    @on(Case.SupervisorReplaced)
    def replaced(self, tx: Tx, e: Case.SupervisorReplaced) -> None:
        cid = str(e.originator_id)
        self._status(tx, "activity", cid, e.activity, e.supervisor, InvitationStatus.REPLACED)
        role = tx.one(
            "SELECT role FROM view_dossier_invitation WHERE source = 'activity' "
            "AND owner_id = ? AND ref = ? AND supervisor = ?",
            [cid, e.activity, e.supervisor],
        )
        assert role is not None
        day = tx.local_date(e.occurred_at)
        self._invite(tx, "activity", cid, e.activity, e.replacement, role[0], day, e.supervisor)

    @on(Case.AttendanceRecorded)
    def attended(self, tx: Tx, e: Case.AttendanceRecorded) -> None:
        cid = str(e.originator_id)
        self._status(tx, "activity", cid, e.activity, e.supervisor, InvitationStatus.ATTENDED)

    @on(Case.OpinionSubmitted)
    def opinion_submitted(self, tx: Tx, e: Case.OpinionSubmitted) -> None:
        tx.upsert(
            "view_dossier_opinion",
            {"case_id": str(e.originator_id), "opinion": e.opinion},
            {
                "supervisor": e.supervisor,
                "activity": e.activity,
                "submitted_on": tx.local_date(e.occurred_at),
            },
        )

    @on(Case.OpinionRetracted)
    def opinion_retracted(self, tx: Tx, e: Case.OpinionRetracted) -> None:
        """A retracted opinion was entered by mistake: it leaves the person's file."""
        tx.rows(
            "DELETE FROM view_dossier_opinion WHERE case_id = ? AND opinion = ?",
            [str(e.originator_id), e.opinion],
        )

    def _opinion(self, tx: Tx, e: Case.Event, opinion: str, **values: object) -> None:
        assignments = ", ".join(f"{k} = ?" for k in values)
        tx.rows(
            f"UPDATE view_dossier_opinion SET {assignments} WHERE case_id = ? AND opinion = ?",
            [*values.values(), str(e.originator_id), opinion],
        )

    @on(Case.OpinionDecided)
    def opinion_decided(self, tx: Tx, e: Case.OpinionDecided) -> None:
        day = tx.local_date(e.occurred_at)
        self._opinion(tx, e, e.opinion, outcome=e.outcome.value, decided_on=day)

    @on(Case.FeedbackGiven)
    def feedback_given(self, tx: Tx, e: Case.FeedbackGiven) -> None:
        self._opinion(tx, e, e.opinion, feedback_on=tx.local_date(e.occurred_at))

    @on(Case.ImplementationReported)
    def implementation_reported(self, tx: Tx, e: Case.ImplementationReported) -> None:
        self._opinion(tx, e, e.opinion, implementation_on=tx.local_date(e.occurred_at))

    @on(Case.ObjectionRuled)
    def objection_ruled(self, tx: Tx, e: Case.ObjectionRuled) -> None:
        self._opinion(tx, e, e.opinion, objection_ruling=e.ruling.value)

    # -- hearings ----------------------------------------------------------------------

    @on(Hearing.Proposed)
    def hearing_proposed(self, tx: Tx, e: Hearing.Proposed) -> None:
        tx.upsert(
            "view_dossier_hearing",
            {"hearing_id": str(e.originator_id)},
            {"hearing": e.key, "case_key": e.case},
        )

    @on(Hearing.OfficersDrawn)
    def officers_drawn(self, tx: Tx, e: Hearing.OfficersDrawn) -> None:
        for key in e.drawn:
            hid, day = str(e.originator_id), tx.local_date(e.occurred_at)
            self._invite(tx, "hearing", hid, "", key, Role.HEARING_OFFICER, day)

    @on(Hearing.OfficerInvited)
    def officer_invited(self, tx: Tx, e: Hearing.OfficerInvited) -> None:
        hid, day = str(e.originator_id), tx.local_date(e.occurred_at)
        self._invite(tx, "hearing", hid, "", e.supervisor, Role.HEARING_OFFICER, day)

    @on(Hearing.ObserverInvited)
    def observer_invited(self, tx: Tx, e: Hearing.ObserverInvited) -> None:
        hid, day = str(e.originator_id), tx.local_date(e.occurred_at)
        self._invite(tx, "hearing", hid, "", e.supervisor, e.role, day)

    @on(Hearing.InvitationDeclined)
    def hearing_declined(self, tx: Tx, e: Hearing.InvitationDeclined) -> None:
        hid = str(e.originator_id)
        self._status(tx, "hearing", hid, "", e.supervisor, InvitationStatus.DECLINED)

    @on(Hearing.OfficerReplaced)
    def officer_replaced(self, tx: Tx, e: Hearing.OfficerReplaced) -> None:
        hid, day = str(e.originator_id), tx.local_date(e.occurred_at)
        self._status(tx, "hearing", hid, "", e.supervisor, InvitationStatus.REPLACED)
        self._invite(tx, "hearing", hid, "", e.replacement, Role.HEARING_OFFICER, day, e.supervisor)

    @on(Hearing.Held)
    def hearing_held(self, tx: Tx, e: Hearing.Held) -> None:
        hid = str(e.originator_id)
        for key in e.attendees:
            self._status(tx, "hearing", hid, "", key, InvitationStatus.ATTENDED)
        for key in e.absent:
            self._status(tx, "hearing", hid, "", key, InvitationStatus.ABSENT)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def dossier(tx: Tx, supervisor: str) -> Dossier:
    """The dossier of ``supervisor``; raises :class:`NotFound` for an unknown person."""
    person = tx.one(
        "SELECT person_id, name, unit, roles, industry, speciality, appointed_on "
        "FROM view_dossier_person WHERE supervisor = ?",
        [supervisor],
    )
    if person is None:
        raise NotFound(f"supervisor: no supervisor {supervisor!r} in the ledger")
    pid, name, unit, roles, industry, speciality, appointed_on = person
    records = [
        DossierRecord(kind=kind, on=date.fromisoformat(on_date), details=json.loads(details))
        for kind, on_date, details in tx.rows(
            "SELECT kind, on_date, details FROM view_dossier_record WHERE person_id = ? "
            "ORDER BY on_date, position, seq",
            [pid],
        )
    ]
    invitations = []
    for row in tx.rows(
        "SELECT i.source, c.case_key, a.activity, a.type, h.hearing, h.case_key, i.role, "
        "i.status, i.invited_on, i.replaces, c.kind FROM view_dossier_invitation i "
        "LEFT JOIN view_dossier_case c ON i.source = 'activity' AND c.case_id = i.owner_id "
        "LEFT JOIN view_dossier_activity a ON i.source = 'activity' "
        "AND a.case_id = i.owner_id AND a.activity = i.ref "
        "LEFT JOIN view_dossier_hearing h ON i.source = 'hearing' AND h.hearing_id = i.owner_id "
        "WHERE i.supervisor = ? ORDER BY i.invited_on, i.position",
        [supervisor],
    ):
        source, case_key, activity, atype, hearing, hearing_case = row[:6]
        role, status, invited_on, replaces, kind = row[6:]
        on_unit = kind == "unit_activity"
        invitations.append(
            DossierInvitation(
                source=source,
                case=None if on_unit else case_key if source == "activity" else hearing_case,
                unit_activity=case_key if on_unit else None,
                activity=activity,
                activity_type=ActivityType(atype) if atype else None,
                hearing=hearing,
                role=Role(role),
                status=InvitationStatus(status),
                invited_on=date.fromisoformat(invited_on),
                replaces=replaces,
            )
        )
    opinions = [
        DossierOpinion(
            case=case_key if kind == "case" else None,
            unit_activity=case_key if kind == "unit_activity" else None,
            opinion=opinion,
            activity=activity,
            submitted_on=date.fromisoformat(submitted),
            outcome=OpinionOutcome(outcome) if outcome else None,
            decided_on=_day(decided),
            feedback_on=_day(feedback),
            implementation_on=_day(implementation),
            objection_ruling=ruling,
        )
        for kind, case_key, opinion, activity, submitted, outcome, decided, feedback, implementation, ruling in tx.rows(  # noqa: E501
            "SELECT c.kind, c.case_key, o.opinion, o.activity, o.submitted_on, o.outcome, "
            "o.decided_on, o.feedback_on, o.implementation_on, o.objection_ruling "
            "FROM view_dossier_opinion o "
            "JOIN view_dossier_case c ON c.case_id = o.case_id WHERE o.supervisor = ? "
            "ORDER BY o.submitted_on, c.case_key, o.opinion",
            [supervisor],
        )
    ]
    return Dossier(
        supervisor=supervisor,
        name=name,
        unit=unit,
        roles=[Role(r) for r in str(roles).split(",") if r],
        industry=industry,
        speciality=speciality,
        appointed_on=date.fromisoformat(appointed_on),
        records=records,
        invitations=invitations,
        opinions=opinions,
    )
