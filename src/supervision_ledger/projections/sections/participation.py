"""Participation on invitation (参与情况): who took part, in which role, how often.

Counting rules (DOMAIN.md): person-times (人次) count people who actually took part on
invitation — attendance recorded on a case activity, or attendance at a hearing that
was held — so a declined invitation or a replaced person counts once, for whoever
came; people (人) are distinct persons, per role. A supervisor-initiated activity
counts once for its initiator.

Tables: the invitations of case activities and of hearings (their role is what an
attendance counts under, and whether the person was drawn or invited by name), one
participation row per attendance, and one row per replacement sent (补派). An
attendance or replacement on a unit activity (issue 12) has the source ``unit_activity``
(a case's: ``case``), the kind of its row in ``view_stat_case``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from ...domain.case import Case
from ...domain.hearing import Hearing
from ...domain.values import ActivityType, Role
from ..engine import Tx, View, on
from .base import FigureQuery, FigureValue, Item, ItemQuery, Section

SECTION = Section(
    "participation",
    "参与情况",
    "Participation on invitation",
    "the local date attendance was recorded (case activity) or the hearing was held",
)
figure, define = SECTION.figure, SECTION.define


class ParticipationFacts(View):
    """Invitations and attendances, case activities' and hearings'."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_stat_case_invitation": "case_id TEXT NOT NULL, activity TEXT NOT NULL, "
        "supervisor TEXT NOT NULL, role TEXT NOT NULL, drawn INTEGER NOT NULL, "
        "PRIMARY KEY (case_id, activity, supervisor)",
        "view_stat_hearing_invitation": "hearing_id TEXT NOT NULL, supervisor TEXT NOT NULL, "
        "role TEXT NOT NULL, drawn INTEGER NOT NULL, PRIMARY KEY (hearing_id, supervisor)",
        "view_stat_participation": "source TEXT NOT NULL, owner_id TEXT NOT NULL, "
        "ref TEXT NOT NULL, supervisor TEXT NOT NULL, role TEXT NOT NULL, "
        "unit TEXT NOT NULL, attended_on TEXT NOT NULL, "
        # drawn: 1 drawn at random, 0 invited by name, NULL not on invitation (initiator)
        "drawn INTEGER, "
        # The position of the event recording the attendance (AttendanceRecorded, Held,
        # or the ActivityOpened of a supervisor-initiated activity).
        "pos BIGINT NOT NULL, PRIMARY KEY (source, owner_id, ref, supervisor)",
        # 补派: one row per replacement, on a case activity or at a hearing.
        "view_stat_replacement": "source TEXT NOT NULL, owner_id TEXT NOT NULL, "
        "ref TEXT NOT NULL, replacement TEXT NOT NULL, unit TEXT NOT NULL, "
        "replaced_on TEXT NOT NULL, pos BIGINT NOT NULL, "
        "PRIMARY KEY (source, owner_id, ref, replacement)",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_stat_participation_by_unit": "view_stat_participation (unit, attended_on)",
        "view_stat_participation_by_person": "view_stat_participation (supervisor, attended_on)",
        "view_stat_replacement_by_unit": "view_stat_replacement (unit, replaced_on)",
    }

    # -- case activities: opened, invitations, attendance ------------------------------

    @on(Case.ActivityOpened)
    def initiator_took_part(self, tx: Tx, e: Case.ActivityOpened) -> None:
        if e.activity_type is not ActivityType.SUPERVISOR_INITIATED or e.initiated_by is None:
            return
        # The person who raised it takes part in it (Wuhai counts these among the
        # supervisors' participations: 98 = 94 on invitation + 4 initiated).
        case_id = str(e.originator_id)
        unit = tx.one("SELECT unit, kind FROM view_stat_case WHERE case_id = ?", [case_id])
        assert unit is not None
        tx.upsert(
            "view_stat_participation",
            {
                "source": unit[1],
                "owner_id": case_id,
                "ref": e.activity,
                "supervisor": e.initiated_by,
            },
            {
                "role": Role.PEOPLES_SUPERVISOR.value,
                "unit": unit[0],
                "attended_on": tx.local_date(e.occurred_at),
                "pos": tx.position,
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
        unit = tx.one("SELECT unit, kind FROM view_stat_case WHERE case_id = ?", [case_id])
        assert unit is not None
        self._replaced(tx, unit[1], case_id, e.activity, e.replacement, unit[0], e.occurred_at)
        # A replacement drawn from the pool carries the seed it was drawn with.
        self._invited(
            tx, case_id, e.activity, e.replacement, str(found[0]), drawn=e.seed is not None
        )

    @staticmethod
    def _replaced(
        tx: Tx, source: str, owner_id: str, ref: str, replacement: str, unit: str, when: datetime
    ) -> None:
        tx.upsert(
            "view_stat_replacement",
            {"source": source, "owner_id": owner_id, "ref": ref, "replacement": replacement},
            {"unit": unit, "replaced_on": tx.local_date(when), "pos": tx.position},
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
    def case_attendance(self, tx: Tx, e: Case.AttendanceRecorded) -> None:
        case_id = str(e.originator_id)
        invitation = tx.get("view_stat_case_invitation", case_id, e.activity, e.supervisor)
        assert invitation is not None, "attendance follows an invitation"
        case = tx.get("view_stat_case", case_id)
        assert case is not None
        tx.upsert(
            "view_stat_participation",
            {
                "source": case["kind"],
                "owner_id": case_id,
                "ref": e.activity,
                "supervisor": e.supervisor,
            },
            {
                "role": invitation["role"],
                "unit": case["unit"],
                "attended_on": tx.local_date(e.occurred_at),
                "drawn": invitation["drawn"],
                "pos": tx.position,
            },
        )

    # -- hearings: invitations, then the attendees of the held hearing ---------------------

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
            tx, hearing_id, e.replacement, Role.HEARING_OFFICER.value, drawn=False
        )

    @staticmethod
    def _hearing_invited(tx: Tx, hearing_id: str, supervisor: str, role: str, drawn: bool) -> None:
        tx.upsert(
            "view_stat_hearing_invitation",
            {"hearing_id": hearing_id, "supervisor": supervisor},
            {"role": role, "drawn": int(drawn)},
        )

    @on(Hearing.Held)
    def hearing_attendance(self, tx: Tx, e: Hearing.Held) -> None:
        hearing_id, held_on = str(e.originator_id), tx.local_date(e.occurred_at)
        # The hearing's unit and each attendee's invitation, by primary key (from the
        # engine's row cache when they were written or read before).
        hearing = tx.get("view_stat_hearing", hearing_id)
        assert hearing is not None, "a hearing is held after it was proposed"
        unit = hearing["unit"]
        # Only those who attended count: declined and replaced invitations are not attendees.
        for key in e.attendees:
            invitation = tx.get("view_stat_hearing_invitation", hearing_id, key)
            assert invitation is not None, "an attendee was invited"
            tx.upsert(
                "view_stat_participation",
                {"source": "hearing", "owner_id": hearing_id, "ref": "", "supervisor": key},
                {
                    "role": invitation["role"],
                    "unit": unit,
                    "attended_on": held_on,
                    "drawn": invitation["drawn"],
                    "pos": tx.position,
                },
            )


# == figures ==============================================================================


def _attendances(q: FigureQuery) -> tuple[str, list[object]]:
    """FROM and WHERE of the attendances in scope and period — one definition for the
    counts and for the items that explain them."""
    scope, sp = q.scope("unit")
    period, pp = q.period("attended_on")
    return f"FROM view_stat_participation WHERE 1 = 1{scope}{period}", [*sp, *pp]


def _participation(q: FigureQuery) -> dict[str, tuple[int, int, int]]:
    """Per role: (person-times, people, person-times on an invitation by name)."""
    where, params = _attendances(q)
    rows = q.rows(
        "SELECT role, COUNT(*), COUNT(DISTINCT supervisor), "
        f"COALESCE(SUM(CASE WHEN drawn = 0 THEN 1 ELSE 0 END), 0) {where} GROUP BY role",
        params,
    )
    return {str(role): (int(n), int(people), int(named)) for role, n, people, named in rows}


#: An attendance as an item: where (case or hearing, its id, the activity) and who.
_ATTENDANCE = ("source", "owner_id", "ref", "supervisor")


def _attendance_items(
    role: Role, *, named_only: bool = False, per_person: bool = False
) -> ItemQuery:
    """The attendances in ``role`` (only those invited by name; or one item per person)."""

    def items(q: FigureQuery) -> list[Item]:
        where, params = _attendances(q)
        where, params = f"{where} AND role = ?", [*params, role.value]
        if named_only:
            where += " AND drawn = 0"
        if per_person:
            return q.items(f"SELECT supervisor, pos {where}", params, ("supervisor",))
        return q.items(f"SELECT {', '.join(_ATTENDANCE)}, pos {where}", params, _ATTENDANCE)

    return items


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
        f"{role.en}: person-times taking part",
        f"Attendances of people invited in the role {role.value}: AttendanceRecorded on a "
        "case activity invitation of that role, plus each attendee of a Held hearing whose "
        "invitation has that role. Declined, replaced and absent invitations do not count; "
        "a replacement counts for the person who came. A supervisor-initiated activity "
        "counts once for its initiator (a people's supervisor), dated when it was opened.",
        person_times,
        items=_attendance_items(role),
    )
    define(
        f"participation.{role.value}.people",
        f"{role.zh}参与人数",
        f"{role.en}: people taking part",
        f"Distinct persons among the attendances counted in "
        f"participation.{role.value}.person_times.",
        people,
        items=_attendance_items(role, per_person=True),
    )
    define(
        f"participation.{role.value}.hand_picked",
        f"{role.zh}非随机抽选参与（人次）",
        f"{role.en}: person-times invited by name, not drawn",
        f"Of the attendances counted in participation.{role.value}.person_times, those on an "
        "invitation outside a random draw: SupervisorInvited, a SupervisorReplaced naming "
        "its replacement (no seed), Hearing.OfficerInvited, ObserverInvited or "
        "OfficerReplaced. Drawn people (SupervisorsDrawn, OfficersDrawn, a replacement drawn "
        "with a seed) and the initiator of a supervisor-initiated activity are not counted. "
        "Policy.drawn_roles can refuse such invitations (draw_required).",
        hand_picked,
        items=_attendance_items(role, named_only=True),
    )


for _role in Role:
    _participation_figures(_role)


def _by_type(q: FigureQuery) -> tuple[str, list[object]]:
    """SELECT list start, FROM and WHERE of people's supervisors' attendances with the
    activity type they count under (case activities by their type, attendance of a
    hearing as an observer under public_hearing)."""
    scope, sp = q.scope("p.unit")
    period, pp = q.period("p.attended_on")
    return (
        "FROM view_stat_participation p "
        "LEFT JOIN view_stat_activity a ON p.source <> 'hearing' AND a.case_id = p.owner_id "
        f"AND a.activity = p.ref WHERE p.role = ?{scope}{period}",
        [Role.PEOPLES_SUPERVISOR.value, *sp, *pp],
    )


def _participation_by_type(q: FigureQuery) -> Counter[str]:
    """People's supervisors' person-times per activity type."""
    where, params = _by_type(q)
    rows = q.rows(
        f"SELECT COALESCE(a.type, ?), COUNT(*) {where} GROUP BY 1",
        [ActivityType.PUBLIC_HEARING.value, *params],
    )
    return Counter({str(t): int(n) for t, n in rows})


def _by_type_items(activity_type: ActivityType) -> ItemQuery:
    def items(q: FigureQuery) -> list[Item]:
        where, params = _by_type(q)
        columns = ", ".join(f"p.{c}" for c in _ATTENDANCE)
        return q.items(
            f"SELECT {columns}, p.pos {where} AND COALESCE(a.type, ?) = ?",
            [*params, ActivityType.PUBLIC_HEARING.value, activity_type.value],
            _ATTENDANCE,
        )

    return items


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
        f"people's supervisors taking part in {activity_type.en} (person-times)",
        f"The attendances counted in participation.peoples_supervisor.person_times that were "
        f"on case (or unit) activities of type {activity_type.value}{hearing_note}; the "
        f"{len(ActivityType)} by_type figures (one per activity type) add up to "
        "person_times (seed 001 publishes this table: 52 / 6 / 5 / "
        "3 / 12 / 3 / 4 / 1 / 8 + 4 = 98).",
        count,
        items=_by_type_items(activity_type),
    )


for _type in ActivityType:
    _participation_type_figure(_type)


def _replacement_items(q: FigureQuery) -> list[Item]:
    scope, sp = q.scope("unit")
    period, pp = q.period("replaced_on")
    key = ("source", "owner_id", "ref", "replacement")
    return q.items(
        f"SELECT {', '.join(key)}, pos FROM view_stat_replacement WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
        key,
    )


@figure(
    "participation.replacements",
    "补派（人次）",
    "replacements sent (补派)",
    "SupervisorReplaced events on case activities and OfficerReplaced events at hearings of "
    "the units in scope whose own local date is in the period (a replacement is counted "
    "when it is sent, whether or not the person then attends; their attendance counts in "
    "the person_times figures).",
    items=_replacement_items,
)
def _replacements(q: FigureQuery) -> FigureValue:
    scope, sp = q.scope("unit")
    period, pp = q.period("replaced_on")
    return int(
        q.rows(
            f"SELECT COUNT(*) FROM view_stat_replacement WHERE 1 = 1{scope}{period}", [*sp, *pp]
        )[0][0]
    )
