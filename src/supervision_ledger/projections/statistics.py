"""The statistics view: the figures the articles publish, per unit and per period.

Handlers store *fact rows* with local business dates (policy time zone); figures are
aggregated with SQL when a report asks, so any period (a year, a half-year, "since
2021") and any unit roll-up (the unit alone, or with every unit under it: 全市 /
两级院) works without pre-aggregation. Each figure is defined once, below its
handlers, with its Chinese and English labels and its exact definition.

Counting rules (DOMAIN.md): person-times (人次) count people who actually took part on
invitation — attendance recorded on a case activity, or attendance at a hearing that
was held — so a declined invitation or a replaced person counts once, for whoever
came; people (人) are distinct persons, per role; cases (件) are distinct cases;
activities (件次) are activity occurrences.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..domain.case import Case
from ..domain.errors import NotFound
from ..domain.hearing import Hearing
from ..domain.lifecycle import opinion_waits_for
from ..domain.policy import Policy
from ..domain.supervisor import Supervisor
from ..domain.unit import ProcuratorateUnit
from ..domain.values import ActivityType, CaseKind, FeedbackStage, OpinionOutcome, Role
from .engine import Tx, View, on
from .figures import FigureQuery, FigureValue, Rate, define, figure, section

ROLE_EN = {
    Role.PEOPLES_SUPERVISOR: "people's supervisors",
    Role.HEARING_OFFICER: "hearing officers",
    Role.INVITED_PROSECUTOR_ASSISTANT: "invited prosecutor assistants",
    Role.GRID_WORKER: "public-interest grid workers",
    Role.NPC_DEPUTY: "NPC deputies",
    Role.CPPCC_MEMBER: "CPPCC members",
    Role.MEDIATOR: "mediators",
}

ACTIVITY_EN = {
    ActivityType.PUBLIC_HEARING: "public review / public hearing",
    ActivityType.COURT_APPEARANCE: "prosecutor in court",
    ActivityType.CIRCUIT_INSPECTION: "circuit inspection",
    ActivityType.PROCURATORIAL_SUGGESTION: "procuratorial suggestions",
    ActivityType.DOCUMENT_SERVICE: "public service of legal documents",
    ActivityType.QUALITY_REVIEW: "case-quality review",
    ActivityType.CONDUCT_INSPECTION: "judicial-conduct inspection",
    ActivityType.WORK_BRIEFING: "briefing on procuratorial work",
    ActivityType.OTHER: "other case-handling work",
    ActivityType.SUPERVISOR_INITIATED: "supervisor-initiated supervision",
}

#: Roles that observe hearings, whose presence the articles count per hearing.
OBSERVER_ROLES = (Role.PEOPLES_SUPERVISOR, Role.NPC_DEPUTY, Role.CPPCC_MEMBER)


class StatisticsView(View):
    """Fact rows for :data:`~supervision_ledger.projections.figures.FIGURES`."""

    name = "statistics"
    # 4: the opinion rows carry every step's date, for the overdue figures of each stage.
    # 5: invitations and participations say whether the person was drawn (hand_picked).
    # 6: hearings carry their case kind and openness (mandatory supervision).
    # 7: opinions carry their activity and supervisor (person-times); replacements.
    version = 7
    tables = {  # noqa: RUF012 - class-level schema
        "view_stat_unit": "unit TEXT PRIMARY KEY, parent TEXT, name TEXT NOT NULL",
        "view_stat_person": "person_id TEXT PRIMARY KEY, supervisor TEXT NOT NULL, "
        "unit TEXT NOT NULL, roles TEXT NOT NULL",
        "view_stat_term": "person_id TEXT NOT NULL, start_on TEXT NOT NULL, "
        "end_on TEXT NOT NULL, PRIMARY KEY (person_id, start_on)",
        "view_stat_inactive": "person_id TEXT NOT NULL, position BIGINT NOT NULL, "
        "start_on TEXT NOT NULL, end_on TEXT, PRIMARY KEY (person_id, position)",
        "view_stat_allowance": "person_id TEXT NOT NULL, position BIGINT NOT NULL, "
        "paid_on TEXT NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (person_id, position)",
        "view_stat_case": "case_id TEXT PRIMARY KEY, case_key TEXT NOT NULL, unit TEXT NOT NULL",
        "view_stat_activity": "case_id TEXT NOT NULL, activity TEXT NOT NULL, "
        "type TEXT NOT NULL, opened_on TEXT NOT NULL, supervised INTEGER NOT NULL, "
        "hearing_id TEXT, "
        "PRIMARY KEY (case_id, activity)",
        "view_stat_case_invitation": "case_id TEXT NOT NULL, activity TEXT NOT NULL, "
        "supervisor TEXT NOT NULL, role TEXT NOT NULL, drawn INTEGER NOT NULL, "
        "PRIMARY KEY (case_id, activity, supervisor)",
        "view_stat_participation": "source TEXT NOT NULL, owner_id TEXT NOT NULL, "
        "ref TEXT NOT NULL, supervisor TEXT NOT NULL, role TEXT NOT NULL, "
        "unit TEXT NOT NULL, attended_on TEXT NOT NULL, "
        # drawn: 1 drawn at random, 0 invited by name, NULL not on invitation (initiator)
        "drawn INTEGER, PRIMARY KEY (source, owner_id, ref, supervisor)",
        "view_stat_opinion": "case_id TEXT NOT NULL, opinion TEXT NOT NULL, "
        "unit TEXT NOT NULL, submitted_on TEXT NOT NULL, outcome TEXT, decided_on TEXT, "
        "activity TEXT NOT NULL, supervisor TEXT NOT NULL, "
        "feedback_on TEXT, received_on TEXT, implementation_on TEXT, objected_on TEXT, "
        "objection_pending INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (case_id, opinion)",
        "view_stat_hearing": "hearing_id TEXT PRIMARY KEY, case_key TEXT NOT NULL, "
        "unit TEXT NOT NULL, presided_by_chief INTEGER NOT NULL, held_on TEXT, "
        "hearing TEXT NOT NULL, case_kind TEXT NOT NULL, public INTEGER",
        "view_stat_hearing_invitation": "hearing_id TEXT NOT NULL, supervisor TEXT NOT NULL, "
        "role TEXT NOT NULL, drawn INTEGER NOT NULL, PRIMARY KEY (hearing_id, supervisor)",
        # 补派: one row per replacement, on a case activity or at a hearing.
        "view_stat_replacement": "source TEXT NOT NULL, owner_id TEXT NOT NULL, "
        "ref TEXT NOT NULL, replacement TEXT NOT NULL, unit TEXT NOT NULL, "
        "replaced_on TEXT NOT NULL, PRIMARY KEY (source, owner_id, ref, replacement)",
        "view_stat_hearing_response": "hearing_id TEXT NOT NULL, party TEXT NOT NULL, "
        "accepted INTEGER NOT NULL, PRIMARY KEY (hearing_id, party)",
    }

    # -- units ---------------------------------------------------------------------

    @on(ProcuratorateUnit.Registered)
    def unit_registered(self, tx: Tx, e: ProcuratorateUnit.Registered) -> None:
        tx.upsert("view_stat_unit", {"unit": e.key}, {"parent": e.parent, "name": e.name})

    # -- supervisors ---------------------------------------------------------------

    @on(Supervisor.Appointed)
    def appointed(self, tx: Tx, e: Supervisor.Appointed) -> None:
        roles = "," + ",".join(r.value for r in e.roles) + ","
        pid = str(e.originator_id)
        tx.upsert(
            "view_stat_person",
            {"person_id": pid},
            {"supervisor": e.key, "unit": e.unit, "roles": roles},
        )
        tx.upsert(
            "view_stat_term",
            {"person_id": pid, "start_on": e.term_start.isoformat()},
            {"end_on": e.term_end.isoformat()},
        )

    @on(Supervisor.AllowancePaid)
    def allowance_paid(self, tx: Tx, e: Supervisor.AllowancePaid) -> None:
        tx.upsert(
            "view_stat_allowance",
            {"person_id": str(e.originator_id), "position": tx.position},
            {"paid_on": tx.local_date(e.occurred_at), "amount": str(e.amount)},
        )

    @on(Supervisor.Suspended)
    def suspended(self, tx: Tx, e: Supervisor.Suspended) -> None:
        tx.upsert(
            "view_stat_inactive",
            {"person_id": str(e.originator_id), "position": tx.position},
            {"start_on": e.effective_on.isoformat(), "end_on": None},
        )

    @on(Supervisor.Reinstated)
    def reinstated(self, tx: Tx, e: Supervisor.Reinstated) -> None:
        self._close_inactive(tx, str(e.originator_id), e.effective_on.isoformat())

    @on(Supervisor.Removed)
    def removed(self, tx: Tx, e: Supervisor.Removed) -> None:
        pid = str(e.originator_id)
        self._close_inactive(tx, pid, e.effective_on.isoformat())  # removal ends a suspension
        tx.upsert(
            "view_stat_inactive",
            {"person_id": pid, "position": tx.position},
            {"start_on": e.effective_on.isoformat(), "end_on": None},
        )

    @staticmethod
    def _close_inactive(tx: Tx, person_id: str, end_on: str) -> None:
        tx.rows(
            "UPDATE view_stat_inactive SET end_on = ? WHERE person_id = ? AND end_on IS NULL",
            [end_on, person_id],
        )

    @on(Supervisor.TermRenewed)
    def term_renewed(self, tx: Tx, e: Supervisor.TermRenewed) -> None:
        tx.upsert(
            "view_stat_term",
            {"person_id": str(e.originator_id), "start_on": e.term_start.isoformat()},
            {"end_on": e.term_end.isoformat()},
        )

    # -- cases and activities -----------------------------------------------------------

    @on(Case.Registered)
    def case_registered(self, tx: Tx, e: Case.Registered) -> None:
        tx.upsert(
            "view_stat_case", {"case_id": str(e.originator_id)}, {"case_key": e.key, "unit": e.unit}
        )

    @on(Case.ActivityOpened)
    def activity_opened(self, tx: Tx, e: Case.ActivityOpened) -> None:
        # A supervisor-initiated activity is supervision by its very opening.
        initiated = e.activity_type is ActivityType.SUPERVISOR_INITIATED
        tx.upsert(
            "view_stat_activity",
            {"case_id": str(e.originator_id), "activity": e.activity},
            {
                "type": e.activity_type.value,
                "opened_on": tx.local_date(e.occurred_at),
                "supervised": int(initiated),
                # Supervising a hearing through a case activity linked to it.
                "hearing_id": None if e.hearing is None else str(Hearing.id_for(e.hearing)),
            },
        )
        if initiated and e.initiated_by is not None:
            # The person who raised it takes part in it (Wuhai counts these among the
            # supervisors' participations: 98 = 94 on invitation + 4 initiated).
            case_id = str(e.originator_id)
            unit = tx.one("SELECT unit FROM view_stat_case WHERE case_id = ?", [case_id])
            assert unit is not None
            tx.upsert(
                "view_stat_participation",
                {
                    "source": "case",
                    "owner_id": case_id,
                    "ref": e.activity,
                    "supervisor": e.initiated_by,
                },
                {
                    "role": Role.PEOPLES_SUPERVISOR.value,
                    "unit": unit[0],
                    "attended_on": tx.local_date(e.occurred_at),
                },
            )

    @on(Case.SupervisorsDrawn)
    def supervisors_drawn(self, tx: Tx, e: Case.SupervisorsDrawn) -> None:
        for key in e.drawn:
            self._invited(tx, str(e.originator_id), e.activity, key, e.role.value, drawn=True)

    @on(Case.SupervisorInvited)
    def supervisor_invited(self, tx: Tx, e: Case.SupervisorInvited) -> None:
        self._invited(tx, str(e.originator_id), e.activity, e.supervisor, e.role.value, drawn=False)

    @on(Case.SupervisorReplaced)
    def supervisor_replaced(self, tx: Tx, e: Case.SupervisorReplaced) -> None:
        found = tx.one(
            "SELECT role FROM view_stat_case_invitation "
            "WHERE case_id = ? AND activity = ? AND supervisor = ?",
            [str(e.originator_id), e.activity, e.supervisor],
        )
        assert found is not None, "a replaced invitation was recorded before"
        case_id = str(e.originator_id)
        unit = tx.one("SELECT unit FROM view_stat_case WHERE case_id = ?", [case_id])
        assert unit is not None
        self._replaced(tx, "case", case_id, e.activity, e.replacement, unit[0], e.occurred_at)
        # A replacement drawn from the pool carries the seed it was drawn with.
        self._invited(
            tx,
            str(e.originator_id),
            e.activity,
            e.replacement,
            str(found[0]),
            drawn=e.seed is not None,
        )

    @staticmethod
    def _replaced(
        tx: Tx, source: str, owner_id: str, ref: str, replacement: str, unit: str, when: datetime
    ) -> None:
        tx.upsert(
            "view_stat_replacement",
            {"source": source, "owner_id": owner_id, "ref": ref, "replacement": replacement},
            {"unit": unit, "replaced_on": tx.local_date(when)},
        )

    @staticmethod
    def _invited(
        tx: Tx, case_id: str, activity: str, supervisor: str, role: str, drawn: bool
    ) -> None:
        tx.upsert(
            "view_stat_case_invitation",
            {"case_id": case_id, "activity": activity, "supervisor": supervisor},
            {"role": role, "drawn": int(drawn)},
        )

    @on(Case.AttendanceRecorded)
    def attendance_recorded(self, tx: Tx, e: Case.AttendanceRecorded) -> None:
        case_id = str(e.originator_id)
        found = tx.one(
            "SELECT i.role, c.unit, i.drawn FROM view_stat_case_invitation i "
            "JOIN view_stat_case c ON c.case_id = i.case_id "
            "WHERE i.case_id = ? AND i.activity = ? AND i.supervisor = ?",
            [case_id, e.activity, e.supervisor],
        )
        assert found is not None, "attendance follows an invitation"
        tx.upsert(
            "view_stat_participation",
            {"source": "case", "owner_id": case_id, "ref": e.activity, "supervisor": e.supervisor},
            {
                "role": found[0],
                "unit": found[1],
                "attended_on": tx.local_date(e.occurred_at),
                "drawn": found[2],
            },
        )
        tx.rows(
            "UPDATE view_stat_activity SET supervised = 1 WHERE case_id = ? AND activity = ?",
            [case_id, e.activity],
        )

    # -- opinions -----------------------------------------------------------------------

    @on(Case.OpinionSubmitted)
    def opinion_submitted(self, tx: Tx, e: Case.OpinionSubmitted) -> None:
        case_id = str(e.originator_id)
        unit = tx.one("SELECT unit FROM view_stat_case WHERE case_id = ?", [case_id])
        assert unit is not None
        tx.upsert(
            "view_stat_opinion",
            {"case_id": case_id, "opinion": e.opinion},
            {
                "unit": unit[0],
                "submitted_on": tx.local_date(e.occurred_at),
                "activity": e.activity,
                "supervisor": e.supervisor,
            },
        )

    @on(Case.OpinionDecided)
    def opinion_decided(self, tx: Tx, e: Case.OpinionDecided) -> None:
        tx.rows(
            "UPDATE view_stat_opinion SET outcome = ?, decided_on = ? "
            "WHERE case_id = ? AND opinion = ?",
            [e.outcome.value, tx.local_date(e.occurred_at), str(e.originator_id), e.opinion],
        )

    @on(Case.FeedbackGiven)
    def feedback_given(self, tx: Tx, e: Case.FeedbackGiven) -> None:
        tx.rows(
            "UPDATE view_stat_opinion SET feedback_on = ? WHERE case_id = ? AND opinion = ?",
            [tx.local_date(e.occurred_at), str(e.originator_id), e.opinion],
        )

    @on(Case.OpinionReceived)
    def opinion_received(self, tx: Tx, e: Case.OpinionReceived) -> None:
        self._opinion_step(tx, e.originator_id, e.opinion, received_on=e.occurred_at)

    @on(Case.ImplementationReported)
    def implementation_reported(self, tx: Tx, e: Case.ImplementationReported) -> None:
        self._opinion_step(tx, e.originator_id, e.opinion, implementation_on=e.occurred_at)

    @on(Case.FeedbackObjected)
    def feedback_objected(self, tx: Tx, e: Case.FeedbackObjected) -> None:
        self._opinion_step(
            tx, e.originator_id, e.opinion, objected_on=e.occurred_at, objection_pending=1
        )

    @on(Case.ObjectionRuled)
    def objection_ruled(self, tx: Tx, e: Case.ObjectionRuled) -> None:
        self._opinion_step(tx, e.originator_id, e.opinion, objection_pending=0)

    @staticmethod
    def _opinion_step(tx: Tx, case_id: object, opinion: str, **values: object) -> None:
        """Set columns of an opinion row (a datetime is stored as its local date)."""
        params = [tx.local_date(v) if isinstance(v, datetime) else v for v in values.values()]
        assignments = ", ".join(f"{column} = ?" for column in values)
        tx.rows(
            f"UPDATE view_stat_opinion SET {assignments} WHERE case_id = ? AND opinion = ?",
            [*params, str(case_id), opinion],
        )

    # -- hearings -----------------------------------------------------------------------

    @on(Hearing.Proposed)
    def hearing_proposed(self, tx: Tx, e: Hearing.Proposed) -> None:
        tx.upsert(
            "view_stat_hearing",
            {"hearing_id": str(e.originator_id)},
            {
                "case_key": e.case,
                "unit": e.unit,
                "presided_by_chief": 0,
                "held_on": None,
                "hearing": e.key,
                "case_kind": e.case_kind.value,
                "public": None,
            },
        )

    @on(Hearing.Scheduled)
    def hearing_scheduled(self, tx: Tx, e: Hearing.Scheduled) -> None:
        tx.rows(
            "UPDATE view_stat_hearing SET presided_by_chief = ?, public = ? WHERE hearing_id = ?",
            [int(e.presided_by_chief), int(e.public), str(e.originator_id)],
        )

    @on(Hearing.OfficersDrawn)
    def officers_drawn(self, tx: Tx, e: Hearing.OfficersDrawn) -> None:
        for key in e.drawn:
            self._hearing_invited(
                tx, str(e.originator_id), key, Role.HEARING_OFFICER.value, drawn=True
            )

    # Invitations and replacements at a hearing are by name.
    @on(Hearing.OfficerInvited)
    def officer_invited(self, tx: Tx, e: Hearing.OfficerInvited) -> None:
        self._hearing_invited(
            tx, str(e.originator_id), e.supervisor, Role.HEARING_OFFICER.value, drawn=False
        )

    @on(Hearing.ObserverInvited)
    def observer_invited(self, tx: Tx, e: Hearing.ObserverInvited) -> None:
        self._hearing_invited(tx, str(e.originator_id), e.supervisor, e.role.value, drawn=False)

    @on(Hearing.OfficerReplaced)
    def officer_replaced(self, tx: Tx, e: Hearing.OfficerReplaced) -> None:
        hearing_id = str(e.originator_id)
        unit = tx.one("SELECT unit FROM view_stat_hearing WHERE hearing_id = ?", [hearing_id])
        assert unit is not None
        self._replaced(tx, "hearing", hearing_id, "", e.replacement, unit[0], e.occurred_at)
        self._hearing_invited(
            tx, str(e.originator_id), e.replacement, Role.HEARING_OFFICER.value, drawn=False
        )

    @staticmethod
    def _hearing_invited(tx: Tx, hearing_id: str, supervisor: str, role: str, drawn: bool) -> None:
        tx.upsert(
            "view_stat_hearing_invitation",
            {"hearing_id": hearing_id, "supervisor": supervisor},
            {"role": role, "drawn": int(drawn)},
        )

    @on(Hearing.Held)
    def hearing_held(self, tx: Tx, e: Hearing.Held) -> None:
        hearing_id, held_on = str(e.originator_id), tx.local_date(e.occurred_at)
        tx.rows(
            "UPDATE view_stat_hearing SET held_on = ? WHERE hearing_id = ?", [held_on, hearing_id]
        )
        unit = tx.one("SELECT unit FROM view_stat_hearing WHERE hearing_id = ?", [hearing_id])
        assert unit is not None
        # Only those who attended count: declined and replaced invitations are not attendees.
        for key in e.attendees:
            role = tx.one(
                "SELECT role, drawn FROM view_stat_hearing_invitation "
                "WHERE hearing_id = ? AND supervisor = ?",
                [hearing_id, key],
            )
            assert role is not None
            tx.upsert(
                "view_stat_participation",
                {"source": "hearing", "owner_id": hearing_id, "ref": "", "supervisor": key},
                {"role": role[0], "unit": unit[0], "attended_on": held_on, "drawn": role[1]},
            )

    @on(Hearing.PartyResponded)
    def party_responded(self, tx: Tx, e: Hearing.PartyResponded) -> None:
        tx.upsert(
            "view_stat_hearing_response",
            {"hearing_id": str(e.originator_id), "party": e.party},
            {"accepted": int(e.accepted)},
        )


# == figures ==============================================================================
# Each figure: key, 中文, English, definition, and its query. Periods are inclusive
# ranges of local dates (policy time zone) of the business time named in the section.

section(
    "participation",
    "参与情况",
    "Participation on invitation",
    "the local date attendance was recorded (case activity) or the hearing was held",
)


def _participation(q: FigureQuery) -> dict[str, tuple[int, int, int]]:
    """Per role: (person-times, people, person-times on an invitation by name)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("attended_on")
    rows = q.rows(
        "SELECT role, COUNT(*), COUNT(DISTINCT supervisor), "
        "COALESCE(SUM(CASE WHEN drawn = 0 THEN 1 ELSE 0 END), 0) FROM view_stat_participation "
        f"WHERE 1 = 1{scope}{period} GROUP BY role",
        [*sp, *pp],
    )
    return {str(role): (int(n), int(people), int(named)) for role, n, people, named in rows}


def _participation_figures(role: Role) -> None:
    def person_times(q: FigureQuery) -> FigureValue:
        return int(q.shared("participation", _participation).get(role.value, (0, 0, 0))[0])

    def people(q: FigureQuery) -> FigureValue:
        return int(q.shared("participation", _participation).get(role.value, (0, 0, 0))[1])

    def hand_picked(q: FigureQuery) -> FigureValue:
        return int(q.shared("participation", _participation).get(role.value, (0, 0, 0))[2])

    define(
        f"participation.{role.value}.person_times",
        f"{role.zh}参与人次",
        f"{ROLE_EN[role]}: person-times taking part",
        f"Attendances of people invited in the role {role.value}: AttendanceRecorded on a "
        "case activity invitation of that role, plus each attendee of a Held hearing whose "
        "invitation has that role. Declined, replaced and absent invitations do not count; "
        "a replacement counts for the person who came. A supervisor-initiated activity "
        "counts once for its initiator (a people's supervisor), dated when it was opened.",
        person_times,
    )
    define(
        f"participation.{role.value}.people",
        f"{role.zh}参与人数",
        f"{ROLE_EN[role]}: people taking part",
        f"Distinct persons among the attendances counted in "
        f"participation.{role.value}.person_times.",
        people,
    )
    define(
        f"participation.{role.value}.hand_picked",
        f"{role.zh}非随机抽选参与（人次）",
        f"{ROLE_EN[role]}: person-times invited by name, not drawn",
        f"Of the attendances counted in participation.{role.value}.person_times, those on an "
        "invitation outside a random draw: SupervisorInvited, a SupervisorReplaced naming "
        "its replacement (no seed), Hearing.OfficerInvited, ObserverInvited or "
        "OfficerReplaced. Drawn people (SupervisorsDrawn, OfficersDrawn, a replacement drawn "
        "with a seed) and the initiator of a supervisor-initiated activity are not counted. "
        "Policy.drawn_roles can refuse such invitations (draw_required).",
        hand_picked,
    )


for _role in Role:
    _participation_figures(_role)


def _participation_by_type(q: FigureQuery) -> Counter[str]:
    """People's supervisors' person-times per activity type: case activities by their
    type, attendance of a hearing as an observer under public_hearing."""
    scope, sp = q.scope("p.unit")
    period, pp = q.period("p.attended_on")
    role = Role.PEOPLES_SUPERVISOR.value
    rows = q.rows(
        "SELECT COALESCE(a.type, ?), COUNT(*) FROM view_stat_participation p "
        "LEFT JOIN view_stat_activity a ON p.source = 'case' AND a.case_id = p.owner_id "
        f"AND a.activity = p.ref WHERE p.role = ?{scope}{period} GROUP BY 1",
        [ActivityType.PUBLIC_HEARING.value, role, *sp, *pp],
    )
    return Counter({str(t): int(n) for t, n in rows})


def _participation_type_figure(activity_type: ActivityType) -> None:
    def count(q: FigureQuery) -> FigureValue:
        return int(q.shared("participation_by_type", _participation_by_type)[activity_type.value])

    hearing_note = (
        " plus attendances of hearings by people's supervisors invited as observers"
        if activity_type is ActivityType.PUBLIC_HEARING
        else ""
    )
    define(
        f"participation.peoples_supervisor.by_type.{activity_type.value}",
        f"人民监督员参与{activity_type.zh}（人次）",
        f"people's supervisors taking part in {ACTIVITY_EN[activity_type]} (person-times)",
        f"The attendances counted in participation.peoples_supervisor.person_times that were "
        f"on case activities of type {activity_type.value}{hearing_note}; the ten by_type "
        "figures add up to person_times (seed 001 publishes this table: 52 / 6 / 5 / 3 / 12 / "
        "3 / 4 / 1 / 8 + 4 = 98).",
        count,
    )


for _type in ActivityType:
    _participation_type_figure(_type)


@figure(
    "participation.replacements",
    "补派（人次）",
    "replacements sent (补派)",
    "SupervisorReplaced events on case activities and OfficerReplaced events at hearings of "
    "the units in scope whose own local date is in the period (a replacement is counted "
    "when it is sent, whether or not the person then attends; their attendance counts in "
    "the person_times figures).",
)
def _replacements(q: FigureQuery) -> FigureValue:
    scope, sp = q.scope("unit")
    period, pp = q.period("replaced_on")
    return int(
        q.rows(
            f"SELECT COUNT(*) FROM view_stat_replacement WHERE 1 = 1{scope}{period}", [*sp, *pp]
        )[0][0]
    )


section(
    "activities",
    "监督活动",
    "Supervision activities",
    "the local date the activity was opened (ActivityOpened)",
)


def _activities(q: FigureQuery) -> Counter[str]:
    scope, sp = q.scope("c.unit")
    period, pp = q.period("a.opened_on")
    rows = q.rows(
        "SELECT a.type, COUNT(*) FROM view_stat_activity a "
        "JOIN view_stat_case c ON c.case_id = a.case_id "
        f"WHERE a.supervised = 1{scope}{period} GROUP BY a.type",
        [*sp, *pp],
    )
    return Counter({str(t): int(n) for t, n in rows})


def _activity_figure(activity_type: ActivityType) -> None:
    def count(q: FigureQuery) -> FigureValue:
        return int(q.shared("activities", _activities)[activity_type.value])

    define(
        f"activities.{activity_type.value}",
        f"{activity_type.zh}（件次）",
        f"{ACTIVITY_EN[activity_type]} (activities)",
        f"Activities of type {activity_type.value} (ActivityOpened) of cases of the units in "
        "scope in which at least one invited person's attendance was recorded; a "
        "supervisor-initiated activity counts from its opening.",
        count,
    )


for _type in ActivityType:
    _activity_figure(_type)


@figure(
    "activities.total",
    "监督活动合计（件次）",
    "supervision activities, total",
    "Sum of the ten activities.* counts above.",
)
def _activities_total(q: FigureQuery) -> FigureValue:
    return int(sum(q.shared("activities", _activities).values()))


section(
    "opinions",
    "监督意见",
    "Supervision opinions",
    "the local date the opinion was submitted (OpinionSubmitted)",
)


def _opinions(q: FigureQuery) -> list[tuple[str | None, str | None, str | None]]:
    scope, sp = q.scope("unit")
    period, pp = q.period("submitted_on")
    rows = q.rows(
        "SELECT outcome, decided_on, feedback_on FROM view_stat_opinion "
        f"WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )
    return [(o, d, f) for o, d, f in rows]


def _outcomes(q: FigureQuery) -> Counter[str | None]:
    return Counter(o for o, _, _ in q.shared("opinions", _opinions))


@figure(
    "opinions.submitted",
    "提出监督意见（件）",
    "opinions submitted",
    "OpinionSubmitted events on cases of the units in scope.",
)
def _submitted(q: FigureQuery) -> FigureValue:
    return len(q.shared("opinions", _opinions))


@figure(
    "opinions.person_times",
    "提出监督意见（人次）",
    "opinions submitted (person-times)",
    "Distinct (case, activity, supervisor) among the opinions counted in opinions.submitted: "
    "a person who gives several opinions on one activity counts once for it (seed 000: "
    "提出监督意见18人次).",
)
def _opinion_person_times(q: FigureQuery) -> FigureValue:
    scope, sp = q.scope("unit")
    period, pp = q.period("submitted_on")
    rows = q.rows(
        "SELECT COUNT(*) FROM (SELECT DISTINCT case_id, activity, supervisor "
        f"FROM view_stat_opinion WHERE 1 = 1{scope}{period}) AS taking_part",
        [*sp, *pp],
    )
    return int(rows[0][0])


def _outcome_figure(outcome: OpinionOutcome, en: str) -> None:
    def count(q: FigureQuery) -> FigureValue:
        return _outcomes(q)[outcome.value]

    define(
        f"opinions.{outcome.value}",
        f"{outcome.zh}（件）",
        en,
        f"Opinions counted in opinions.submitted whose decision (OpinionDecided) is "
        f"{outcome.value}, whenever it was decided.",
        count,
    )


_outcome_figure(OpinionOutcome.ADOPTED, "opinions adopted")
_outcome_figure(OpinionOutcome.PARTLY_ADOPTED, "opinions partly adopted")
_outcome_figure(OpinionOutcome.NOT_ADOPTED, "opinions not adopted")


@figure(
    "opinions.pending",
    "尚未办理（件）",
    "opinions not yet decided",
    "Opinions counted in opinions.submitted without an OpinionDecided event.",
)
def _pending(q: FigureQuery) -> FigureValue:
    return _outcomes(q)[None]


@figure(
    "opinions.adoption_rate",
    "采纳率",
    "adoption rate",
    "numerator: opinions.adopted (fully adopted only); denominator: opinions counted in "
    "opinions.submitted that have been decided (adopted + partly adopted + not adopted).",
)
def _adoption_rate(q: FigureQuery) -> FigureValue:
    outcomes = _outcomes(q)
    decided = sum(n for o, n in outcomes.items() if o is not None)
    return Rate.of(outcomes[OpinionOutcome.ADOPTED.value], decided)


section(
    "feedback",
    "意见反馈",
    "Feedback to supervisors",
    "the local date the opinion was submitted (OpinionSubmitted)",
)


def _feedback(q: FigureQuery) -> tuple[int, int, int, int]:
    """(given, on time, given late, unanswered past due) among the decided opinions of
    the period's cohort."""
    given = on_time = late = overdue = 0
    for _, decided_on, feedback_on in q.shared("opinions", _opinions):
        if decided_on is None:
            continue
        due = q.policy.feedback_due.due(date.fromisoformat(decided_on), q.policy.calendar)
        if feedback_on is not None:
            given += 1
            if date.fromisoformat(feedback_on) <= due:
                on_time += 1
            else:
                late += 1
        elif due < q.as_of:
            overdue += 1
    return given, on_time, late, overdue


@figure(
    "feedback.given",
    "已反馈（件）",
    "feedback given",
    "Opinions counted in opinions.submitted with a FeedbackGiven event.",
)
def _feedback_given(q: FigureQuery) -> FigureValue:
    return int(q.shared("feedback", _feedback)[0])


@figure(
    "feedback.on_time",
    "按期反馈（件）",
    "feedback on time",
    "Of feedback.given, those whose FeedbackGiven local date is on or before the due date: "
    "the OpinionDecided local date plus the policy's feedback_due (default 15 calendar "
    "days; working days when the policy says so).",
)
def _feedback_on_time(q: FigureQuery) -> FigureValue:
    return int(q.shared("feedback", _feedback)[1])


@figure(
    "feedback.late",
    "超期反馈（件）",
    "feedback given late",
    "Of feedback.given, those whose FeedbackGiven local date is after the due date.",
)
def _feedback_late(q: FigureQuery) -> FigureValue:
    return int(q.shared("feedback", _feedback)[2])


@figure(
    "feedback.overdue",
    "超期未反馈（件）",
    "feedback overdue",
    "Decided opinions counted in opinions.submitted with no FeedbackGiven yet and a due "
    "date before as_of.",
)
def _feedback_overdue(q: FigureQuery) -> FigureValue:
    return int(q.shared("feedback", _feedback)[3])


@figure(
    "feedback.on_time_rate",
    "按期反馈率",
    "on-time feedback rate",
    "numerator: feedback.on_time; denominator: every decided opinion whose feedback is "
    "due by as_of or was given: feedback.given + feedback.overdue (so overdue matters "
    "lower the rate; feedback not yet due is left out, as for suggestions and petitions).",
)
def _feedback_rate(q: FigureQuery) -> FigureValue:
    given, on_time, _, overdue = q.shared("feedback", _feedback)
    return Rate.of(on_time, given + overdue)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _opinion_waits(q: FigureQuery) -> Counter[FeedbackStage]:
    """Opinions of the period's cohort whose awaited step was due before as_of, by the
    stage they wait at (the same derivation as the Case aggregate and the feedback view)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("submitted_on")
    rows = q.rows(
        "SELECT submitted_on, received_on, decided_on, outcome, feedback_on, "
        "implementation_on, objection_pending, objected_on FROM view_stat_opinion "
        f"WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )
    overdue: Counter[FeedbackStage] = Counter()
    for submitted, received, decided, outcome, feedback, implementation, pending, objected in rows:
        stage = opinion_waits_for(
            received=received is not None,
            decided=decided is not None,
            outcome=OpinionOutcome(outcome) if outcome else None,
            feedback=feedback is not None,
            implementation=implementation is not None,
            objection_pending=bool(pending),
        )
        if stage is None:
            continue
        due = q.policy.opinion_due_on(
            stage, date.fromisoformat(submitted), _day(decided), _day(objected)
        )
        if due is not None and due < q.as_of:
            overdue[stage] += 1
    return overdue


_STAGE_FIGURES = {
    FeedbackStage.AWAITING_RECEIPT: (
        "receipt_overdue",
        "超期未受理（件）",
        "opinions not received in time",
        "opinion_receipt_due after the OpinionSubmitted local date (default 7 calendar days)",
    ),
    FeedbackStage.AWAITING_DECISION: (
        "decision_overdue",
        "超期未办理（件）",
        "opinions not decided in time",
        "opinion_decision_due after the OpinionSubmitted local date (default 30 calendar "
        "days); a received or routed opinion still waits for its decision",
    ),
    FeedbackStage.AWAITING_OBJECTION_RULING: (
        "objection_ruling_overdue",
        "异议超期未决定（件）",
        "objections not ruled on in time",
        "objection_ruling_due after the FeedbackObjected local date (default 30 calendar days)",
    ),
    FeedbackStage.AWAITING_IMPLEMENTATION_REPORT: (
        "implementation_overdue",
        "超期未反馈落实情况（件）",
        "implementation reports overdue",
        "implementation_report_due after the OpinionDecided local date (no deadline by "
        "default, so 0 unless the policy sets one)",
    ),
}


def _stage_overdue_figure(stage: FeedbackStage) -> None:
    name, zh, en, due = _STAGE_FIGURES[stage]

    def count(q: FigureQuery) -> FigureValue:
        return int(q.shared("opinion_waits", _opinion_waits)[stage])

    define(
        f"feedback.{name}",
        zh,
        en,
        f"Opinions counted in opinions.submitted that wait for the step of stage "
        f"{stage.value} (as the feedback view lists them) and whose due date — the policy's "
        f"{due} — is before as_of.",
        count,
    )


for _stage in _STAGE_FIGURES:
    _stage_overdue_figure(_stage)


@figure(
    "feedback.any_overdue",
    "超期未办结的监督意见（件）",
    "opinions overdue at any step",
    "Opinions counted in opinions.submitted whose awaited step (receipt, decision, "
    "feedback, ruling on an objection, implementation report) was due before as_of: "
    "feedback.receipt_overdue + feedback.decision_overdue + feedback.overdue + "
    "feedback.objection_ruling_overdue + feedback.implementation_overdue. Nothing waits "
    "forever: each of these opinions is listed as overdue by the feedback view.",
)
def _any_overdue(q: FigureQuery) -> FigureValue:
    return int(sum(q.shared("opinion_waits", _opinion_waits).values()))


section("hearings", "检察听证", "Hearings", "the local date the hearing was held (Held)")


def _held(q: FigureQuery) -> tuple[int, int, int]:
    scope, sp = q.scope("unit")
    period, pp = q.period("held_on")
    row = q.rows(
        "SELECT COUNT(*), COUNT(DISTINCT case_key), COALESCE(SUM(presided_by_chief), 0) "
        f"FROM view_stat_hearing WHERE held_on IS NOT NULL{scope}{period}",
        [*sp, *pp],
    )[0]
    return int(row[0]), int(row[1]), int(row[2])


def _hearing_attendance(q: FigureQuery) -> dict[str, tuple[int, int, int, int]]:
    """Per role: (hearings with such an attendee, attendances, distinct people,
    distinct cases of those hearings)."""
    scope, sp = q.scope("h.unit")
    period, pp = q.period("h.held_on")
    rows = q.rows(
        "SELECT p.role, COUNT(DISTINCT p.owner_id), COUNT(*), COUNT(DISTINCT p.supervisor), "
        "COUNT(DISTINCT h.case_key) "
        "FROM view_stat_participation p JOIN view_stat_hearing h ON h.hearing_id = p.owner_id "
        f"WHERE p.source = 'hearing' AND h.held_on IS NOT NULL{scope}{period} GROUP BY p.role",
        [*sp, *pp],
    )
    return {str(r): (int(a), int(b), int(c), int(d)) for r, a, b, c, d in rows}


def _attendance(q: FigureQuery, role: Role) -> tuple[int, int, int, int]:
    found: tuple[int, int, int, int] = q.shared("hearing_attendance", _hearing_attendance).get(
        role.value, (0, 0, 0, 0)
    )
    return found


@figure("hearings.held", "举行听证（件次）", "hearings held", "Held events.")
def _hearings_held(q: FigureQuery) -> FigureValue:
    return int(q.shared("held", _held)[0])


@figure(
    "hearings.cases",
    "听证案件（件）",
    "cases heard",
    "Distinct cases among the hearings counted in hearings.held.",
)
def _hearing_cases(q: FigureQuery) -> FigureValue:
    return int(q.shared("held", _held)[1])


@figure(
    "hearings.held_with_officers",
    "有听证员参加的听证（件次）",
    "hearings held with hearing officers",
    "Hearings counted in hearings.held with at least one attending hearing officer.",
)
def _held_with_officers(q: FigureQuery) -> FigureValue:
    return _attendance(q, Role.HEARING_OFFICER)[0]


@figure(
    "hearings.with_officers",
    "有听证员参加的听证案件（件）",
    "cases heard with hearing officers",
    "Distinct cases among the hearings counted in hearings.held_with_officers (a case "
    "heard twice counts once; seed 002 publishes 194 such cases).",
)
def _with_officers(q: FigureQuery) -> FigureValue:
    return _attendance(q, Role.HEARING_OFFICER)[3]


@figure(
    "hearings.officer_person_times",
    "听证员参加听证（人次）",
    "hearing officers at hearings (person-times)",
    "Attending hearing officers (invited as officer, drawn, or sent as a replacement, and "
    "not declined, replaced or absent) summed over the hearings counted in hearings.held.",
)
def _officer_person_times(q: FigureQuery) -> FigureValue:
    return _attendance(q, Role.HEARING_OFFICER)[1]


@figure(
    "hearings.officers",
    "参加听证的听证员（人）",
    "hearing officers who took part (people)",
    "Distinct persons among the attendances counted in hearings.officer_person_times.",
)
def _officers(q: FigureQuery) -> FigureValue:
    return _attendance(q, Role.HEARING_OFFICER)[2]


@figure(
    "hearings.presided_by_chief",
    "检察长主持听证（件次）",
    "hearings presided by the chief prosecutor",
    "Hearings counted in hearings.held whose Scheduled event says presided_by_chief.",
)
def _presided_by_chief(q: FigureQuery) -> FigureValue:
    return int(q.shared("held", _held)[2])


def _attended_in_role(roles: tuple[Role, ...]) -> tuple[str, list[Any]]:
    """SQL condition on hearing ``h``: someone in one of ``roles`` was present — as an
    invited observer who attended, or through a linked case activity they attended."""
    marks = ", ".join("?" for _ in roles)
    sql = (
        "(EXISTS (SELECT 1 FROM view_stat_participation p WHERE p.source = 'hearing' "
        f"AND p.owner_id = h.hearing_id AND p.role IN ({marks})) "
        "OR EXISTS (SELECT 1 FROM view_stat_activity a JOIN view_stat_participation p "
        "ON p.source = 'case' AND p.owner_id = a.case_id AND p.ref = a.activity "
        f"WHERE a.hearing_id = h.hearing_id AND p.role IN ({marks})))"
    )
    values = [r.value for r in roles]
    return sql, [*values, *values]


def _attended_by(q: FigureQuery, role: Role) -> int:
    """Hearings held with ``role`` present: as an invited observer who attended, or as a
    supervisor who attended a case activity linked to the hearing."""
    scope, sp = q.scope("h.unit")
    period, pp = q.period("h.held_on")
    present, rp = _attended_in_role((role,))
    row = q.rows(
        "SELECT COUNT(*) FROM view_stat_hearing h "
        f"WHERE h.held_on IS NOT NULL{scope}{period} AND {present}",
        [*sp, *pp, *rp],
    )
    return int(row[0][0])


def _observer_figure(role: Role) -> None:
    def count(q: FigureQuery) -> FigureValue:
        return _attended_by(q, role)

    define(
        f"hearings.with_{role.value}",
        f"{role.zh}参加的听证（件次）",
        f"hearings attended by {ROLE_EN[role]}",
        f"Hearings counted in hearings.held attended by someone in the role {role.value}: "
        f"invited as an observer and attending (Hearing.Held attendees), or attending "
        f"(Case.AttendanceRecorded) a case activity opened with this hearing as its "
        f"`hearing`. A hearing counts once however many such people attended.",
        count,
    )


for _role in OBSERVER_ROLES:
    _observer_figure(_role)


def _with_any_observer(q: FigureQuery) -> tuple[int, int]:
    """(hearings held with a people's supervisor, NPC deputy or CPPCC member present,
    those of them public)."""
    scope, sp = q.scope("h.unit")
    period, pp = q.period("h.held_on")
    present, rp = _attended_in_role(OBSERVER_ROLES)
    row = q.rows(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN h.public = 1 THEN 1 ELSE 0 END), 0) "
        f"FROM view_stat_hearing h WHERE h.held_on IS NOT NULL{scope}{period} AND {present}",
        [*sp, *pp, *rp],
    )[0]
    return int(row[0]), int(row[1])


@figure(
    "hearings.with_supervisors_deputies_or_members",
    "邀请人民监督员、人大代表、政协委员参与听证（件次）",
    "hearings attended by people's supervisors, NPC deputies or CPPCC members",
    "Hearings counted in hearings.held attended by at least one person in the role "
    "peoples_supervisor, npc_deputy or cppcc_member, whichever way each attended (as in "
    "hearings.with_<role>): a hearing counts once however many roles were present, so this "
    "is not the sum of the three hearings.with_* figures.",
)
def _with_any_observer_count(q: FigureQuery) -> FigureValue:
    return int(q.shared("with_any_observer", _with_any_observer)[0])


@figure(
    "hearings.public_with_supervisors_deputies_or_members",
    "邀请人民监督员、人大代表、政协委员参与公开听证（件次）",
    "public hearings attended by people's supervisors, NPC deputies or CPPCC members",
    "Of hearings.with_supervisors_deputies_or_members, those scheduled as public (seed 004 "
    "publishes 邀请人民监督员、人大代表、政协委员参与公开听证37件次 as this one number).",
)
def _public_with_any_observer(q: FigureQuery) -> FigureValue:
    return int(q.shared("with_any_observer", _with_any_observer)[1])


# -- mandatory invitation of people's supervisors (2019 SPP rules, Art. 9) --------------


class UnsupervisedHearing(BaseModel):
    """A public hearing that had to have a people's supervisor and was held without one."""

    unit: str
    hearing: str
    case: str
    case_kind: CaseKind
    held_on: date


def mandatory_supervision(
    tx: Tx, policy: Policy, units: list[str] | None, start: date | None, end: date | None
) -> tuple[int, list[UnsupervisedHearing]]:
    """(public hearings held of the policy's mandatory kinds, those held without a
    people's supervisor present), in the units and period, oldest first."""
    q = FigureQuery(tx, policy, units, start, end, end or date.max)
    kinds = sorted(k.value for k in policy.mandatory_supervision_kinds)
    if not kinds:
        return 0, []
    scope, sp = q.scope("h.unit")
    period, pp = q.period("h.held_on")
    present, rp = _attended_in_role((Role.PEOPLES_SUPERVISOR,))
    rows = q.rows(
        f"SELECT h.unit, h.hearing, h.case_key, h.case_kind, h.held_on, {present} "
        "FROM view_stat_hearing h WHERE h.held_on IS NOT NULL AND h.public = 1 "
        f"AND h.case_kind IN ({', '.join('?' for _ in kinds)}){scope}{period}",
        [*rp, *kinds, *sp, *pp],
    )
    missing = [
        UnsupervisedHearing(
            unit=unit,
            hearing=hearing,
            case=case,
            case_kind=CaseKind(kind),
            held_on=date.fromisoformat(held_on),
        )
        for unit, hearing, case, kind, held_on, supervised in rows
        if not supervised
    ]
    missing.sort(key=lambda m: (m.held_on, m.unit, m.hearing))
    return len(rows), missing


def _mandatory(q: FigureQuery) -> tuple[int, int]:
    due, missing = mandatory_supervision(q.tx, q.policy, q.units, q.start, q.end)
    return due, due - len(missing)


@figure(
    "hearings.mandatory_supervision",
    "应邀请人民监督员的公开听证（件次）",
    "public hearings that must have people's supervisors",
    "Hearings counted in hearings.held that were public (Scheduled with public) on a case "
    "of a kind in Policy.mandatory_supervision_kinds (default: criminal_appeal, "
    "intended_non_prosecution, custody_review — 2019 SPP rules, Art. 9).",
)
def _mandatory_due(q: FigureQuery) -> FigureValue:
    return int(q.shared("mandatory", _mandatory)[0])


@figure(
    "hearings.mandatory_supervision_met",
    "其中有人民监督员参加（件次）",
    "of which attended by people's supervisors",
    "Of hearings.mandatory_supervision, those attended by a people's supervisor, as "
    "hearings.with_peoples_supervisor counts them. The others are listed by "
    "Ledger.unsupervised_hearings.",
)
def _mandatory_met(q: FigureQuery) -> FigureValue:
    return int(q.shared("mandatory", _mandatory)[1])


@figure(
    "hearings.mandatory_supervision_rate",
    "依规邀请人民监督员比例",
    "share of mandatory public hearings with people's supervisors",
    "numerator: hearings.mandatory_supervision_met; denominator: hearings.mandatory_supervision.",
)
def _mandatory_rate(q: FigureQuery) -> FigureValue:
    due, met = q.shared("mandatory", _mandatory)
    return Rate.of(met, due)


def _responses(q: FigureQuery) -> tuple[int, int]:
    """(hearings whose responding parties all accepted, hearings with a response)."""
    scope, sp = q.scope("h.unit")
    period, pp = q.period("h.held_on")
    rows = q.rows(
        "SELECT h.hearing_id, MIN(r.accepted) FROM view_stat_hearing h "
        "JOIN view_stat_hearing_response r ON r.hearing_id = h.hearing_id "
        f"WHERE h.held_on IS NOT NULL{scope}{period} GROUP BY h.hearing_id",
        [*sp, *pp],
    )
    return sum(1 for _, accepted in rows if int(accepted) == 1), len(rows)


@figure(
    "hearings.parties_accepted",
    "当事人认可听证意见（件）",
    "hearings whose parties accepted the hearing opinion",
    "Hearings counted in hearings.held with at least one PartyResponded event and every "
    "responding party accepting.",
)
def _parties_accepted(q: FigureQuery) -> FigureValue:
    return int(q.shared("responses", _responses)[0])


@figure(
    "hearings.acceptance_rate",
    "认可听证意见比例",
    "share of hearings whose parties accepted",
    "numerator: hearings.parties_accepted; denominator: hearings counted in hearings.held "
    "with at least one PartyResponded event.",
)
def _acceptance_rate(q: FigureQuery) -> FigureValue:
    accepted, responded = q.shared("responses", _responses)
    return Rate.of(accepted, responded)


section(
    "allowances",
    "履职补贴",
    "Allowances",
    "the local date the allowance was paid (AllowancePaid)",
)


def _allowances(q: FigureQuery) -> tuple[Decimal, int]:
    scope, sp = q.scope("p.unit")
    period, pp = q.period("a.paid_on")
    rows = q.rows(
        "SELECT a.amount FROM view_stat_allowance a "
        f"JOIN view_stat_person p ON p.person_id = a.person_id WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )
    # Decimal sums in Python: exact, and the same on both databases.
    return sum((Decimal(str(a)) for (a,) in rows), Decimal("0.00")), len(rows)


@figure(
    "allowances.amount",
    "支付履职补贴（元）",
    "allowances paid (yuan)",
    "Sum of AllowancePaid amounts to persons appointed to the units in scope, as a decimal "
    "string with two places.",
)
def _allowance_amount(q: FigureQuery) -> FigureValue:
    amount: Decimal = q.shared("allowances", _allowances)[0]
    return str(amount.quantize(Decimal("0.01")))


@figure(
    "allowances.payments",
    "补贴发放（笔）",
    "allowance payments",
    "AllowancePaid events counted in allowances.amount.",
)
def _allowance_payments(q: FigureQuery) -> FigureValue:
    return int(q.shared("allowances", _allowances)[1])


section(
    "roster",
    "在册人员",
    "Roster",
    "the roster date: the period's end, or as_of when the period is open-ended",
)


def _roster(q: FigureQuery) -> Counter[str]:
    day = (q.end or q.as_of).isoformat()
    scope, sp = q.scope("p.unit")
    rows = q.rows(
        "SELECT p.roles FROM view_stat_person p WHERE EXISTS (SELECT 1 FROM view_stat_term t "
        "WHERE t.person_id = p.person_id AND t.start_on <= ? AND ? <= t.end_on) "
        "AND NOT EXISTS (SELECT 1 FROM view_stat_inactive i WHERE i.person_id = p.person_id "
        f"AND i.start_on <= ? AND (i.end_on IS NULL OR ? < i.end_on)){scope}",
        [day, day, day, day, *sp],
    )
    counts: Counter[str] = Counter()
    for (roles,) in rows:
        counts.update(r for r in str(roles).split(",") if r)
    return counts


def _roster_figure(role: Role) -> None:
    def count(q: FigureQuery) -> FigureValue:
        return int(q.shared("roster", _roster)[role.value])

    define(
        f"roster.{role.value}",
        f"在册{role.zh}（人）",
        f"{ROLE_EN[role]} on the roster",
        f"Persons appointed (Appointed) to the units in scope holding the role {role.value} "
        "and active on the roster date: within a term (Appointed or TermRenewed) and neither "
        "suspended nor removed on that date.",
        count,
    )


for _role in Role:
    _roster_figure(_role)


def unit_scope(tx: Tx, unit: str | None, rollup: bool) -> list[str] | None:
    """The units a report covers: ``unit`` alone, or with every unit under it."""
    if unit is None:
        return None
    units: dict[str, Any] = {
        str(u): p for u, p in tx.rows("SELECT unit, parent FROM view_stat_unit")
    }
    if unit not in units:
        raise NotFound(f"unit: no procuratorate unit {unit!r} in the ledger")
    scope = [unit]
    if rollup:
        children: dict[str, list[str]] = {}
        for u, parent in units.items():
            if parent is not None:
                children.setdefault(str(parent), []).append(u)
        frontier = [unit]
        while frontier:
            nxt = [c for u in frontier for c in children.get(u, [])]
            scope.extend(nxt)
            frontier = nxt
    return sorted(set(scope))
