"""Hearings (检察听证): held, with whom, presided by whom, and whether parties accepted.

Attendances are the participation rows of :mod:`.participation`; the hearing rows
here place each hearing in a unit and a period (the day it was held).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from ...domain.hearing import Hearing
from ...domain.policy import Policy
from ...domain.values import CaseKind, ClosedGround, Role
from ..engine import Tx, View, on
from .base import FigureQuery, FigureValue, Item, ItemQuery, Rate, Section, item

#: Roles that observe hearings, whose presence the articles count per hearing.
OBSERVER_ROLES = (Role.PEOPLES_SUPERVISOR, Role.NPC_DEPUTY, Role.CPPCC_MEMBER)

SECTION = Section(
    "hearings",
    "检察听证",
    "Hearings",
    "the local date the hearing was held (Held)",
)
figure, count = SECTION.figure, SECTION.count


class HearingFacts(View):
    """One row per hearing (unit, case, chief presiding, day held) and the parties'
    responses to the hearing opinion."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_stat_hearing": "hearing_id TEXT PRIMARY KEY, case_key TEXT NOT NULL, "
        "unit TEXT NOT NULL, presided_by_chief INTEGER NOT NULL, held_on TEXT, "
        # The hearing's number, case kind and openness: mandatory supervision (Art. 9).
        "hearing TEXT NOT NULL, case_kind TEXT NOT NULL, public INTEGER, "
        # The position of the Held event (what explains the hearing's figures).
        "pos BIGINT, "
        # Issue 12 point 8: proposed on a party's application (the Proposed date and
        # position), refused (date, position), the closed ground, the collective opinion's
        # position, and whether the decision departed from the majority (its position).
        "applied INTEGER NOT NULL DEFAULT 0, proposed_on TEXT, proposed_pos BIGINT, "
        "refused_on TEXT, refused_pos BIGINT, closed_ground TEXT, collective_pos BIGINT, "
        "departs INTEGER NOT NULL DEFAULT 0, decided_pos BIGINT",
        "view_stat_hearing_response": "hearing_id TEXT NOT NULL, party TEXT NOT NULL, "
        "accepted INTEGER NOT NULL, pos BIGINT NOT NULL, PRIMARY KEY (hearing_id, party)",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_stat_hearing_by_unit": "view_stat_hearing (unit, held_on)",
        "view_stat_hearing_by_proposal": "view_stat_hearing (unit, proposed_on)",
        "view_stat_hearing_by_refusal": "view_stat_hearing (unit, refused_on)",
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
                "applied": int(e.applied_by is not None),
                "proposed_on": tx.local_date(e.occurred_at),
                "proposed_pos": tx.position,
                "departs": 0,
            },
            created=True,
        )

    @on(Hearing.Refused)
    def hearing_refused(self, tx: Tx, e: Hearing.Refused) -> None:
        tx.rows(
            "UPDATE view_stat_hearing SET refused_on = ?, refused_pos = ? WHERE hearing_id = ?",
            [tx.local_date(e.occurred_at), tx.position, str(e.originator_id)],
        )

    @on(Hearing.Scheduled)
    def hearing_scheduled(self, tx: Tx, e: Hearing.Scheduled) -> None:
        ground = None if e.closed_ground is None else e.closed_ground.value
        tx.rows(
            "UPDATE view_stat_hearing SET presided_by_chief = ?, public = ?, closed_ground = ? "
            "WHERE hearing_id = ?",
            [int(e.presided_by_chief), int(e.public), ground, str(e.originator_id)],
        )

    @on(Hearing.CollectiveOpinionRecorded)
    def collective_opinion(self, tx: Tx, e: Hearing.CollectiveOpinionRecorded) -> None:
        tx.rows(
            "UPDATE view_stat_hearing SET collective_pos = ? WHERE hearing_id = ?",
            [tx.position, str(e.originator_id)],
        )

    @on(Hearing.Decided)
    def hearing_decided(self, tx: Tx, e: Hearing.Decided) -> None:
        tx.rows(
            "UPDATE view_stat_hearing SET departs = ?, decided_pos = ? WHERE hearing_id = ?",
            [int(e.departs_from_majority), tx.position, str(e.originator_id)],
        )

    @on(Hearing.Held)
    def hearing_held(self, tx: Tx, e: Hearing.Held) -> None:
        tx.rows(
            "UPDATE view_stat_hearing SET held_on = ?, pos = ? WHERE hearing_id = ?",
            [tx.local_date(e.occurred_at), tx.position, str(e.originator_id)],
        )

    @on(Hearing.PartyResponded)
    def party_responded(self, tx: Tx, e: Hearing.PartyResponded) -> None:
        tx.upsert(
            "view_stat_hearing_response",
            {"hearing_id": str(e.originator_id), "party": e.party},
            {"accepted": int(e.accepted), "pos": tx.position},
        )


# == figures ==============================================================================
# Every query starts from the hearings in scope (indexed by unit, then the day held)
# and reaches other tables by their keys; ``CROSS JOIN`` pins that order where SQLite's
# planner (which has no ANALYZE statistics) could start from the wrong table.


def _held_where(q: FigureQuery, alias: str = "") -> tuple[str, list[object]]:
    """WHERE of the hearings held in the period in scope (``alias``: the table's)."""
    scope, sp = q.scope(f"{alias}unit")
    period, pp = q.period(f"{alias}held_on")
    return f"{alias}held_on IS NOT NULL{scope}{period}", [*sp, *pp]


def _held(q: FigureQuery) -> tuple[int, int, int]:
    where, params = _held_where(q)
    row = q.rows(
        "SELECT COUNT(*), COUNT(DISTINCT case_key), COALESCE(SUM(presided_by_chief), 0) "
        f"FROM view_stat_hearing WHERE {where}",
        params,
    )[0]
    return int(row[0]), int(row[1]), int(row[2])


def _held_items(key: str, condition: str = "") -> ItemQuery:
    """The hearings held (one item per ``key``: ``hearing`` or ``case_key``), with
    ``condition`` on the hearing row."""

    def items(q: FigureQuery) -> list[Item]:
        where, params = _held_where(q)
        return q.items(
            f"SELECT {key}, pos FROM view_stat_hearing WHERE {where}{condition}",
            params,
            ("case" if key == "case_key" else key,),
        )

    return items


def _attending(q: FigureQuery) -> tuple[str, list[object]]:
    """FROM and WHERE of the attendances at the hearings held in the period in scope."""
    where, params = _held_where(q, "h.")
    return (
        "FROM view_stat_hearing h CROSS JOIN view_stat_participation p "
        f"WHERE p.source = 'hearing' AND p.owner_id = h.hearing_id AND {where}",
        params,
    )


def _hearing_attendance(q: FigureQuery) -> dict[str, tuple[int, int, int, int]]:
    """Per role: (hearings with such an attendee, attendances, distinct people,
    distinct cases of those hearings)."""
    where, params = _attending(q)
    rows = q.rows(
        "SELECT p.role, COUNT(DISTINCT p.owner_id), COUNT(*), COUNT(DISTINCT p.supervisor), "
        f"COUNT(DISTINCT h.case_key) {where} GROUP BY p.role",
        params,
    )
    return {str(r): (int(a), int(b), int(c), int(d)) for r, a, b, c, d in rows}


def _attendance(q: FigureQuery, role: Role) -> tuple[int, int, int, int]:
    found: tuple[int, int, int, int] = q.shared("hearing_attendance", _hearing_attendance).get(
        role.value, (0, 0, 0, 0)
    )
    return found


def _attendance_items(role: Role, columns: tuple[str, ...], key: tuple[str, ...]) -> ItemQuery:
    """The attendances in ``role`` at hearings held, one item per distinct ``columns``."""

    def items(q: FigureQuery) -> list[Item]:
        where, params = _attending(q)
        return q.items(
            f"SELECT {', '.join(columns)}, p.pos {where} AND p.role = ?",
            [*params, role.value],
            key,
        )

    return items


@figure(
    "hearings.held",
    "举行听证（件次）",
    "hearings held",
    "Held events.",
    items=_held_items("hearing"),
)
def _hearings_held(q: FigureQuery) -> FigureValue:
    return int(q.shared("held", _held)[0])


@figure(
    "hearings.cases",
    "听证案件（件）",
    "cases heard",
    "Distinct cases among the hearings counted in hearings.held.",
    items=_held_items("case_key"),
)
def _hearing_cases(q: FigureQuery) -> FigureValue:
    return int(q.shared("held", _held)[1])


@figure(
    "hearings.held_with_officers",
    "有听证员参加的听证（件次）",
    "hearings held with hearing officers",
    "Hearings counted in hearings.held with at least one attending hearing officer.",
    items=_attendance_items(Role.HEARING_OFFICER, ("h.hearing",), ("hearing",)),
)
def _held_with_officers(q: FigureQuery) -> FigureValue:
    return _attendance(q, Role.HEARING_OFFICER)[0]


@figure(
    "hearings.with_officers",
    "有听证员参加的听证案件（件）",
    "cases heard with hearing officers",
    "Distinct cases among the hearings counted in hearings.held_with_officers (a case "
    "heard twice counts once; seed 002 publishes 194 such cases).",
    items=_attendance_items(Role.HEARING_OFFICER, ("h.case_key",), ("case",)),
)
def _with_officers(q: FigureQuery) -> FigureValue:
    return _attendance(q, Role.HEARING_OFFICER)[3]


@figure(
    "hearings.officer_person_times",
    "听证员参加听证（人次）",
    "hearing officers at hearings (person-times)",
    "Attending hearing officers (invited as officer, drawn, or sent as a replacement, and "
    "not declined, replaced or absent) summed over the hearings counted in hearings.held.",
    items=_attendance_items(
        Role.HEARING_OFFICER, ("h.hearing", "p.supervisor"), ("hearing", "supervisor")
    ),
)
def _officer_person_times(q: FigureQuery) -> FigureValue:
    return _attendance(q, Role.HEARING_OFFICER)[1]


@figure(
    "hearings.officers",
    "参加听证的听证员（人）",
    "hearing officers who took part (people)",
    "Distinct persons among the attendances counted in hearings.officer_person_times.",
    items=_attendance_items(Role.HEARING_OFFICER, ("p.supervisor",), ("supervisor",)),
)
def _officers(q: FigureQuery) -> FigureValue:
    return _attendance(q, Role.HEARING_OFFICER)[2]


@figure(
    "hearings.presided_by_chief",
    "检察长主持听证（件次）",
    "hearings presided by the chief prosecutor",
    "Hearings counted in hearings.held whose Scheduled event says presided_by_chief.",
    items=_held_items("hearing", " AND presided_by_chief = 1"),
)
def _presided_by_chief(q: FigureQuery) -> FigureValue:
    return int(q.shared("held", _held)[2])


def _present_rows(q: FigureQuery, roles: tuple[Role, ...]) -> list[tuple[str, str, str, int, int]]:
    """(hearing id, hearing, role, public, position) of each attendance, in one of
    ``roles``, at the hearings held in scope: as an invited observer who attended (the
    Held position), or as a supervisor who attended a case activity linked to the
    hearing (the AttendanceRecorded position).

    One set-based statement: the hearings in scope (by unit and held date, indexed),
    each joined to its attendances through the participation key, and through the
    activities linked to it (indexed by hearing) to theirs."""
    where, params = _held_where(q, "h.")
    values = [role.value for role in roles]
    marks = ", ".join("?" for _ in values)
    # CROSS JOIN fixes the join order (SQLite's planner, without ANALYZE statistics,
    # would otherwise start from every case participation): hearings in scope first.
    rows = q.rows(
        "SELECT h.hearing_id, h.hearing, p.role, h.public, p.pos "
        "FROM view_stat_hearing h CROSS JOIN view_stat_participation p "
        f"WHERE {where} AND p.source = 'hearing' AND p.owner_id = h.hearing_id "
        f"AND p.role IN ({marks}) "
        "UNION ALL "
        "SELECT h.hearing_id, h.hearing, p.role, h.public, p.pos FROM view_stat_hearing h "
        "CROSS JOIN view_stat_activity a CROSS JOIN view_stat_participation p "
        f"WHERE {where} AND a.hearing_id = h.hearing_id AND p.source = 'case' "
        f"AND p.owner_id = a.case_id AND p.ref = a.activity AND p.role IN ({marks})",
        [*params, *values, *params, *values],
    )
    return [(str(i), str(h), str(r), int(p or 0), int(pos)) for i, h, r, p, pos in rows]


def _per_hearing(rows: list[tuple[str, str, str, int, int]], public_only: bool) -> list[Item]:
    """One item per hearing among presence ``rows`` (of :func:`_present_rows`), with the
    positions of its attendances."""
    found: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for hearing_id, hearing, _, public, pos in rows:
        if public_only and not public:
            continue
        found.setdefault(hearing_id, []).append(pos)
        names[hearing_id] = hearing
    items = [item(p, hearing=names[h]) for h, p in found.items()]
    return sorted(items, key=lambda i: (i.positions, [str(v) for _, v in i.key]))


def _observed(q: FigureQuery) -> list[tuple[str, str, str, int, int]]:
    return _present_rows(q, OBSERVER_ROLES)


def _observed_by(roles: tuple[Role, ...], public_only: bool = False) -> ItemQuery:
    """The hearings held with someone in ``roles`` (observer roles) present, whichever
    way each attended, each once."""
    values = {role.value for role in roles}

    def items(q: FigureQuery) -> list[Item]:
        rows = [r for r in q.shared("observed", _observed) if r[2] in values]
        return _per_hearing(rows, public_only)

    return items


def _observer_figure(role: Role) -> None:
    items = _observed_by((role,))

    count(
        f"hearings.with_{role.value}",
        f"{role.zh}参加的听证（件次）",
        f"hearings attended by {role.en}",
        f"Hearings counted in hearings.held attended by someone in the role {role.value}: "
        f"invited as an observer and attending (Hearing.Held attendees), or attending "
        f"(Case.AttendanceRecorded) a case activity opened with this hearing as its "
        f"`hearing`. A hearing counts once however many such people attended.",
        items=items,
    )


for _role in OBSERVER_ROLES:
    _observer_figure(_role)


count(
    "hearings.with_supervisors_deputies_or_members",
    "邀请人民监督员、人大代表、政协委员参与听证（件次）",
    "hearings attended by people's supervisors, NPC deputies or CPPCC members",
    "Hearings counted in hearings.held attended by at least one person in the role "
    "peoples_supervisor, npc_deputy or cppcc_member, whichever way each attended (as in "
    "hearings.with_<role>): a hearing counts once however many roles were present, so this "
    "is not the sum of the three hearings.with_* figures.",
    items=_observed_by(OBSERVER_ROLES),
)


count(
    "hearings.public_with_supervisors_deputies_or_members",
    "邀请人民监督员、人大代表、政协委员参与公开听证（件次）",
    "public hearings attended by people's supervisors, NPC deputies or CPPCC members",
    "Of hearings.with_supervisors_deputies_or_members, those scheduled as public (seed 004 "
    "publishes 邀请人民监督员、人大代表、政协委员参与公开听证37件次 as this one number).",
    items=_observed_by(OBSERVER_ROLES, public_only=True),
)


# -- mandatory invitation of people's supervisors (2019 SPP rules, Art. 9) --------------


class UnsupervisedHearing(BaseModel):
    """A public hearing that had to have a people's supervisor and was held without one."""

    unit: str
    hearing: str
    case: str
    case_kind: CaseKind
    held_on: date


def _mandatory_hearings(q: FigureQuery) -> tuple[list[Item], list[Item], list[UnsupervisedHearing]]:
    """The public hearings held of the policy's mandatory kinds (each with its Held
    position), those a people's supervisor attended, and the others, oldest first."""
    kinds = sorted(k.value for k in q.policy.mandatory_supervision_kinds)
    if not kinds:
        return [], [], []
    where, params = _held_where(q)
    rows = q.rows(
        "SELECT hearing_id, unit, hearing, case_key, case_kind, held_on, pos "
        f"FROM view_stat_hearing WHERE {where} AND public = 1 "
        f"AND case_kind IN ({', '.join('?' for _ in kinds)})",
        [*params, *kinds],
    )
    supervised = {r[0] for r in _present_rows(q, (Role.PEOPLES_SUPERVISOR,))}
    due: list[Item] = []
    met: list[Item] = []
    missing: list[UnsupervisedHearing] = []
    for hearing_id, unit, hearing, case, kind, held_on, pos in sorted(
        rows, key=lambda r: int(r[6] or 0)
    ):
        one = item([pos], hearing=str(hearing))
        due.append(one)
        if str(hearing_id) in supervised:
            met.append(one)
        else:
            missing.append(
                UnsupervisedHearing(
                    unit=unit,
                    hearing=hearing,
                    case=case,
                    case_kind=CaseKind(kind),
                    held_on=date.fromisoformat(held_on),
                )
            )
    missing.sort(key=lambda m: (m.held_on, m.unit, m.hearing))
    return due, met, missing


def mandatory_supervision(
    tx: Tx, policy: Policy, units: list[str] | None, start: date | None, end: date | None
) -> tuple[int, list[UnsupervisedHearing]]:
    """(public hearings held of the policy's mandatory kinds, those held without a
    people's supervisor present), in the units and period, oldest first."""
    due, _, missing = _mandatory_hearings(
        FigureQuery(tx, policy, units, start, end, end or date.max)
    )
    return len(due), missing


def _mandatory(which: int) -> ItemQuery:
    """The mandatory public hearings (``which`` 0) or those that met the rule (1)."""

    def items(q: FigureQuery) -> list[Item]:
        found: list[Item] = q.shared("mandatory", _mandatory_hearings)[which]
        return found

    return items


count(
    "hearings.mandatory_supervision",
    "应邀请人民监督员的公开听证（件次）",
    "public hearings that must have people's supervisors",
    "Hearings counted in hearings.held that were public (Scheduled with public) on a case "
    "of a kind in Policy.mandatory_supervision_kinds (default: criminal_appeal, "
    "intended_non_prosecution, custody_review — 2019 SPP rules, Art. 9).",
    items=_mandatory(0),
)


count(
    "hearings.mandatory_supervision_met",
    "其中有人民监督员参加（件次）",
    "of which attended by people's supervisors",
    "Of hearings.mandatory_supervision, those attended by a people's supervisor, as "
    "hearings.with_peoples_supervisor counts them. The others are listed by "
    "Ledger.unsupervised_hearings.",
    items=_mandatory(1),
)


@figure(
    "hearings.mandatory_supervision_rate",
    "依规邀请人民监督员比例",
    "share of mandatory public hearings with people's supervisors",
    "numerator: hearings.mandatory_supervision_met; denominator: hearings.mandatory_supervision.",
    numerator=_mandatory(1),
    denominator=_mandatory(0),
)
def _mandatory_rate(q: FigureQuery) -> FigureValue:
    return Rate.of(len(_mandatory(1)(q)), len(_mandatory(0)(q)))


def _responses(q: FigureQuery) -> tuple[list[Item], list[Item]]:
    """(hearings whose responding parties all accepted, hearings with a response): one
    item per hearing held in scope, with the positions of its PartyResponded events."""
    where, params = _held_where(q, "h.")
    rows = q.rows(
        "SELECT h.hearing, r.accepted, r.pos FROM view_stat_hearing h "
        "CROSS JOIN view_stat_hearing_response r "
        f"WHERE r.hearing_id = h.hearing_id AND {where}",
        params,
    )
    positions: dict[str, list[int]] = {}
    accepted: dict[str, bool] = {}
    for hearing, yes, pos in rows:
        positions.setdefault(str(hearing), []).append(int(pos))
        accepted[str(hearing)] = accepted.get(str(hearing), True) and int(yes) == 1
    responded = sorted(
        (item(p, hearing=h) for h, p in positions.items()), key=lambda i: i.positions
    )
    return [i for i in responded if accepted[str(i.key[0][1])]], responded


def _responded(which: int) -> ItemQuery:
    """Hearings whose parties all accepted (``which`` 0), or that had a response (1)."""

    def items(q: FigureQuery) -> list[Item]:
        found: list[Item] = q.shared("responses", _responses)[which]
        return found

    return items


count(
    "hearings.parties_accepted",
    "当事人认可听证意见（件）",
    "hearings whose parties accepted the hearing opinion",
    "Hearings counted in hearings.held with at least one PartyResponded event and every "
    "responding party accepting.",
    items=_responded(0),
)


@figure(
    "hearings.acceptance_rate",
    "认可听证意见比例",
    "share of hearings whose parties accepted",
    "numerator: hearings.parties_accepted; denominator: hearings counted in hearings.held "
    "with at least one PartyResponded event.",
    numerator=_responded(0),
    denominator=_responded(1),
)
def _acceptance_rate(q: FigureQuery) -> FigureValue:
    return Rate.of(len(_responded(0)(q)), len(_responded(1)(q)))


# -- applications, refusals, closed hearings, collective opinions (issue 12 point 8) ----


def _dated_items(column: str, condition: str, pos: str) -> ItemQuery:
    """The hearings whose ``column`` (an ISO local date) falls in the period in scope and
    that meet ``condition``, each explained by the event at ``pos``."""

    def items(q: FigureQuery) -> list[Item]:
        scope, sp = q.scope("unit")
        period, pp = q.period(column)
        return q.items(
            f"SELECT hearing, {pos} FROM view_stat_hearing "
            f"WHERE {column} IS NOT NULL{condition}{scope}{period}",
            [*sp, *pp],
            ("hearing",),
        )

    return items


count(
    "hearings.applied_for",
    "当事人申请听证（件）",
    "hearings applied for by a party",
    "Hearing.Proposed events with applied_by (a party of the case applied, 2020 SPP hearing "
    "rules Art. 9), counted by the local date proposed — not by the day held, as the other "
    "hearing figures are.",
    items=_dated_items("proposed_on", " AND applied = 1", "proposed_pos"),
)


count(
    "hearings.refused",
    "决定不召开听证（件）",
    "hearings refused",
    "Hearing.Refused events (not held, with reasons told to the applicant, Art. 9), counted "
    "by the local date refused.",
    items=_dated_items("refused_on", "", "refused_pos"),
)


count(
    "hearings.closed",
    "不公开听证（件次）",
    "closed hearings held",
    "Hearings counted in hearings.held whose last Scheduled event made them closed (public "
    "false), whatever their ground.",
    items=_held_items("hearing", " AND public = 0"),
)


def _closed_figure(ground: ClosedGround) -> None:
    items = _held_items("hearing", f" AND public = 0 AND closed_ground = '{ground.value}'")

    count(
        f"hearings.closed_{ground.value}",
        f"不公开听证：{_CLOSED_ZH[ground]}（件次）",
        f"closed hearings held on the ground {ground.value}",
        f"Of hearings.closed, those whose Scheduled event records the closed_ground "
        f"{ground.value}. Closed hearings scheduled before grounds were recorded (version-1 "
        f"events) have none and are in no hearings.closed_<ground>.",
        items=items,
    )


_CLOSED_ZH = {
    ClosedGround.MINOR_PARTY: "涉未成年人",
    ClosedGround.STATE_SECRET: "涉国家秘密",
    ClosedGround.TRADE_SECRET: "涉商业秘密",
    ClosedGround.PRIVACY: "涉个人隐私",
    ClosedGround.CUSTODY_REVIEW: "羁押、逮捕审查",
    ClosedGround.OTHER_BY_LAW: "其他依法不公开",
}

for _ground in ClosedGround:
    _closed_figure(_ground)


def _held_with(column: str, condition: str) -> ItemQuery:
    """Hearings held in scope meeting ``condition``, explained by the event at ``column``."""

    def items(q: FigureQuery) -> list[Item]:
        where, params = _held_where(q)
        return q.items(
            f"SELECT hearing, {column} FROM view_stat_hearing WHERE {where}{condition}",
            params,
            ("hearing",),
        )

    return items


count(
    "hearings.collective_opinions",
    "听证员推选代表发表集体意见（件次）",
    "hearings with the officers' collective opinion",
    "Hearings counted in hearings.held whose officers gave one collective opinion through a "
    "representative (Hearing.CollectiveOpinionRecorded, Art. 15(5)).",
    items=_held_with("collective_pos", " AND collective_pos IS NOT NULL"),
)


count(
    "hearings.departed_from_majority",
    "未采纳听证员多数意见（件次）",
    "hearings decided against the officers' majority",
    "Hearings counted in hearings.held whose Hearing.Decided says departs_from_majority: "
    "judged on the officers' stances (agree / disagree with the proposed decision) when the "
    "decision says whether it follows the proposal, else on the recommendation text more "
    "than half of the officers share (or the collective opinion's).",
    items=_held_with("decided_pos", " AND departs = 1"),
)
