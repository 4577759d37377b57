"""Hearings (检察听证): held, with whom, presided by whom, and whether parties accepted.

Attendances are the participation rows of :mod:`.participation`; the hearing rows
here place each hearing in a unit and a period (the day it was held).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from ...domain.hearing import Hearing
from ...domain.policy import Policy
from ...domain.values import CaseKind, Role
from ..engine import Tx, View, on
from .base import FigureQuery, FigureValue, Rate, Section

#: Roles that observe hearings, whose presence the articles count per hearing.
OBSERVER_ROLES = (Role.PEOPLES_SUPERVISOR, Role.NPC_DEPUTY, Role.CPPCC_MEMBER)

SECTION = Section(
    "hearings",
    "检察听证",
    "Hearings",
    "the local date the hearing was held (Held)",
)
figure, define = SECTION.figure, SECTION.define


class HearingFacts(View):
    """One row per hearing (unit, case, chief presiding, day held) and the parties'
    responses to the hearing opinion."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_stat_hearing": "hearing_id TEXT PRIMARY KEY, case_key TEXT NOT NULL, "
        "unit TEXT NOT NULL, presided_by_chief INTEGER NOT NULL, held_on TEXT, "
        # The hearing's number, case kind and openness: mandatory supervision (Art. 9).
        "hearing TEXT NOT NULL, case_kind TEXT NOT NULL, public INTEGER",
        "view_stat_hearing_response": "hearing_id TEXT NOT NULL, party TEXT NOT NULL, "
        "accepted INTEGER NOT NULL, PRIMARY KEY (hearing_id, party)",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_stat_hearing_by_unit": "view_stat_hearing (unit, held_on)",
    }

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

    @on(Hearing.Held)
    def hearing_held(self, tx: Tx, e: Hearing.Held) -> None:
        tx.rows(
            "UPDATE view_stat_hearing SET held_on = ? WHERE hearing_id = ?",
            [tx.local_date(e.occurred_at), str(e.originator_id)],
        )

    @on(Hearing.PartyResponded)
    def party_responded(self, tx: Tx, e: Hearing.PartyResponded) -> None:
        tx.upsert(
            "view_stat_hearing_response",
            {"hearing_id": str(e.originator_id), "party": e.party},
            {"accepted": int(e.accepted)},
        )


# == figures ==============================================================================
# Every query starts from the hearings in scope (indexed by unit, then the day held)
# and reaches other tables by their keys; ``CROSS JOIN`` pins that order where SQLite's
# planner (which has no ANALYZE statistics) could start from the wrong table.


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
        "FROM view_stat_hearing h CROSS JOIN view_stat_participation p "
        "WHERE p.source = 'hearing' AND p.owner_id = h.hearing_id "
        f"AND h.held_on IS NOT NULL{scope}{period} GROUP BY p.role",
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


def _observed(q: FigureQuery) -> dict[str, int]:
    """Per observer role: hearings held with that role present — as an invited observer
    who attended, or as a supervisor who attended a case activity linked to the hearing.

    One set-based statement for all roles: the hearings in scope (by unit and held date,
    indexed), each joined to its attendances through the participation key, and through
    the activities linked to it (indexed by hearing) to theirs."""
    scope, sp = q.scope("h.unit")
    period, pp = q.period("h.held_on")
    held = f"h.held_on IS NOT NULL{scope}{period}"
    roles = [role.value for role in OBSERVER_ROLES]
    marks = ", ".join("?" for _ in roles)
    # CROSS JOIN fixes the join order (SQLite's planner, without ANALYZE statistics,
    # would otherwise start from every case participation): hearings in scope first.
    rows = q.rows(
        "SELECT role, COUNT(DISTINCT hearing_id) FROM ("
        "SELECT p.role AS role, h.hearing_id AS hearing_id "
        "FROM view_stat_hearing h CROSS JOIN view_stat_participation p "
        f"WHERE {held} AND p.source = 'hearing' AND p.owner_id = h.hearing_id "
        f"AND p.role IN ({marks}) "
        "UNION ALL "
        "SELECT p.role, h.hearing_id FROM view_stat_hearing h "
        "CROSS JOIN view_stat_activity a CROSS JOIN view_stat_participation p "
        f"WHERE {held} AND a.hearing_id = h.hearing_id AND p.source = 'case' "
        f"AND p.owner_id = a.case_id AND p.ref = a.activity AND p.role IN ({marks})"
        ") AS attended GROUP BY role",
        [*sp, *pp, *roles, *sp, *pp, *roles],
    )
    return {str(role): int(n) for role, n in rows}


def _attended_by(q: FigureQuery, role: Role) -> int:
    found: dict[str, int] = q.shared("observed", _observed)
    return found.get(role.value, 0)


def _observer_figure(role: Role) -> None:
    def count(q: FigureQuery) -> FigureValue:
        return _attended_by(q, role)

    define(
        f"hearings.with_{role.value}",
        f"{role.zh}参加的听证（件次）",
        f"hearings attended by {role.en}",
        f"Hearings counted in hearings.held attended by someone in the role {role.value}: "
        f"invited as an observer and attending (Hearing.Held attendees), or attending "
        f"(Case.AttendanceRecorded) a case activity opened with this hearing as its "
        f"`hearing`. A hearing counts once however many such people attended.",
        count,
    )


for _role in OBSERVER_ROLES:
    _observer_figure(_role)


def _present(q: FigureQuery, roles: tuple[Role, ...]) -> dict[str, bool]:
    """The hearings held in scope with someone in one of ``roles`` present, whichever way
    each attended (as :func:`_observed`), each once: hearing id → whether it was public."""
    scope, sp = q.scope("h.unit")
    period, pp = q.period("h.held_on")
    held = f"h.held_on IS NOT NULL{scope}{period}"
    values = [role.value for role in roles]
    marks = ", ".join("?" for _ in values)
    rows = q.rows(
        "SELECT hearing_id, MAX(public) FROM ("
        "SELECT h.hearing_id AS hearing_id, h.public AS public "
        "FROM view_stat_hearing h CROSS JOIN view_stat_participation p "
        f"WHERE {held} AND p.source = 'hearing' AND p.owner_id = h.hearing_id "
        f"AND p.role IN ({marks}) "
        "UNION ALL "
        "SELECT h.hearing_id, h.public FROM view_stat_hearing h "
        "CROSS JOIN view_stat_activity a CROSS JOIN view_stat_participation p "
        f"WHERE {held} AND a.hearing_id = h.hearing_id AND p.source = 'case' "
        f"AND p.owner_id = a.case_id AND p.ref = a.activity AND p.role IN ({marks})"
        ") AS attended GROUP BY hearing_id",
        [*sp, *pp, *values, *sp, *pp, *values],
    )
    return {str(hearing): public == 1 for hearing, public in rows}


def _with_any_observer(q: FigureQuery) -> tuple[int, int]:
    present = _present(q, OBSERVER_ROLES)
    return len(present), sum(present.values())


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
    kinds = sorted(k.value for k in policy.mandatory_supervision_kinds)
    if not kinds:
        return 0, []
    q = FigureQuery(tx, policy, units, start, end, end or date.max)
    scope, sp = q.scope("unit")
    period, pp = q.period("held_on")
    rows = q.rows(
        "SELECT hearing_id, unit, hearing, case_key, case_kind, held_on FROM view_stat_hearing "
        f"WHERE held_on IS NOT NULL AND public = 1 "
        f"AND case_kind IN ({', '.join('?' for _ in kinds)}){scope}{period}",
        [*kinds, *sp, *pp],
    )
    supervised = _present(q, (Role.PEOPLES_SUPERVISOR,))
    missing = [
        UnsupervisedHearing(
            unit=unit,
            hearing=hearing,
            case=case,
            case_kind=CaseKind(kind),
            held_on=date.fromisoformat(held_on),
        )
        for hearing_id, unit, hearing, case, kind, held_on in rows
        if str(hearing_id) not in supervised
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
        "CROSS JOIN view_stat_hearing_response r "
        f"WHERE r.hearing_id = h.hearing_id AND h.held_on IS NOT NULL{scope}{period} "
        "GROUP BY h.hearing_id",
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
