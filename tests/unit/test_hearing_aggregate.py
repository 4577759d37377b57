"""The Hearing aggregate (检察听证): every event and every rule of the 2020 SPP rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from builders import (
    CHIEF,
    POLICY,
    at,
    emitted,
    fresh,
    hearing,
    held_hearing,
    officers,
    only_event,
    refused,
    scheduled_hearing,
    supervisor,
)

from supervision_ledger.domain import (
    AlreadyExists,
    AlreadyInvited,
    CaseClosed,
    CaseKind,
    ClosedHearingRequired,
    DepartureNeedsApproval,
    Hearing,
    HearingStatus,
    InvalidTransition,
    InvitationStatus,
    NotAttended,
    NotEnoughEligible,
    NoticeTooShort,
    NotInvited,
    OutOfOrder,
    Relationship,
    Role,
    RuleViolation,
    SupervisorLacksRole,
    SupervisorNotActive,
    SupervisorRecused,
    TooManyOfficers,
    aggregate_id,
    draw,
)

# -- events ------------------------------------------------------------------------------


def test_proposed() -> None:
    h = Hearing(
        key="H1",
        case="K1",
        unit="QC",
        case_kind=CaseKind.CUSTODY_REVIEW,
        party_names=("王某某",),
        has_minor=False,
        reason="羁押必要性",
        occurred_at=at(2023, 4, 1),
    )
    event = only_event(h, Hearing.Proposed)
    assert (event.key, event.case, event.unit, event.case_kind) == (
        "H1",
        "K1",
        "QC",
        CaseKind.CUSTODY_REVIEW,
    )
    assert (event.party_names, event.has_minor, event.reason) == (("王某某",), False, "羁押必要性")
    assert h.id == aggregate_id("hearing", "H1")
    assert h.status is HearingStatus.PROPOSED


def test_approved_and_scheduled() -> None:
    h = hearing()
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    assert only_event(h, Hearing.Approved).approver == CHIEF
    assert h.approved_by == "检察长"
    assert h.status is HearingStatus.APPROVED
    h.schedule(at(2023, 4, 10, 14), None, "赵检察官", True, "听证室", at(2023, 4, 3), POLICY)
    event = only_event(h, Hearing.Scheduled)
    assert (event.scheduled_for, event.public, event.presiding_prosecutor) == (
        at(2023, 4, 10, 14),
        True,
        "赵检察官",
    )
    assert (event.presided_by_chief, event.location) == (True, "听证室")
    assert h.status is HearingStatus.SCHEDULED and h.noticed_at == at(2023, 4, 3)


@pytest.mark.parametrize(
    ("kind", "minor", "public"),
    [
        (CaseKind.CRIMINAL_APPEAL, False, True),
        (CaseKind.CUSTODY_REVIEW, False, False),
        (CaseKind.ARREST_REVIEW, False, False),
        (CaseKind.PUBLIC_INTEREST_LITIGATION, True, False),
    ],
)
def test_hearing_is_public_by_default_except_closed_kinds_and_minors(
    kind: CaseKind, minor: bool, public: bool
) -> None:
    h = hearing(kind=kind, has_minor=minor)
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    h.schedule(at(2023, 4, 10), None, "赵检察官", False, None, at(2023, 4, 3), POLICY)
    assert emitted(h)[-1].public is public


def test_closed_kind_may_be_made_public_explicitly() -> None:
    h = hearing(kind=CaseKind.CUSTODY_REVIEW)
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    h.schedule(at(2023, 4, 10), True, "赵检察官", False, None, at(2023, 4, 3), POLICY)
    assert emitted(h)[-1].public is True


def test_hearing_may_be_rescheduled() -> None:
    h = scheduled_hearing()
    h.schedule(at(2023, 4, 20), None, "赵检察官", False, None, at(2023, 4, 5), POLICY)
    assert only_event(h, Hearing.Scheduled).scheduled_for == at(2023, 4, 20)
    assert h.scheduled_for == at(2023, 4, 20)


def test_officer_and_observer_invited() -> None:
    h = scheduled_hearing()
    (t,) = officers(1)
    h.invite_officer(t, at(2023, 4, 4), POLICY)
    assert only_event(h, Hearing.OfficerInvited).supervisor == "T1"
    npc = supervisor("N1", roles=(Role.NPC_DEPUTY,))
    h.invite_observer(npc, Role.NPC_DEPUTY, at(2023, 4, 4), POLICY)
    event = only_event(h, Hearing.ObserverInvited)
    assert (event.supervisor, event.role) == ("N1", Role.NPC_DEPUTY)
    assert set(h.officers) == {"T1"} and set(h.observers) == {"N1"}


def test_officers_drawn() -> None:
    h = scheduled_hearing()
    pool = officers(5)
    drawn = h.draw_officers(pool, 3, None, 2023, at(2023, 4, 4), POLICY)
    event = only_event(h, Hearing.OfficersDrawn)
    assert event.pool == ("T1", "T2", "T3", "T4", "T5")
    assert (event.count, event.seed, event.speciality) == (3, 2023, None)
    assert event.drawn == drawn == draw(event.pool, 3, 2023)
    assert set(h.officers) == set(drawn)


def test_invitation_declined_and_officer_replaced() -> None:
    h = scheduled_hearing()
    t1, t2 = officers(2)
    h.invite_officer(t1, at(2023, 4, 4), POLICY)
    emitted(h)
    h.decline("T1", "出差", at(2023, 4, 5))
    declined = only_event(h, Hearing.InvitationDeclined)
    assert (declined.supervisor, declined.reason) == ("T1", "出差")
    h.replace_officer("T1", t2, "补派", at(2023, 4, 5), POLICY)
    replaced = only_event(h, Hearing.OfficerReplaced)
    assert (replaced.supervisor, replaced.replacement, replaced.reason) == ("T1", "T2", "补派")
    assert h.participants["T1"].status is InvitationStatus.REPLACED
    assert h.participants["T2"].replaces == "T1"


def test_held_marks_attendance_and_absence() -> None:
    h = scheduled_hearing()
    t1, t2, t3 = officers(3)
    for t in (t1, t2, t3):
        h.invite_officer(t, at(2023, 4, 4), POLICY)
    h.decline("T3", None, at(2023, 4, 5))
    emitted(h)
    h.hold(("T2",), at(2023, 4, 10, 15), POLICY)
    event = only_event(h, Hearing.Held)
    assert (event.attendees, event.absent) == (("T1",), ("T2",))
    assert h.status is HearingStatus.HELD
    assert [h.participants[k].status for k in ("T1", "T2", "T3")] == [
        InvitationStatus.ATTENDED,
        InvitationStatus.ABSENT,
        InvitationStatus.DECLINED,
    ]


def test_officer_opinion_decision_responses_and_conclusion() -> None:
    h = held_hearing(officers(3))
    for key, rec in (("T1", "不起诉"), ("T2", "不起诉"), ("T3", "起诉")):
        h.record_officer_opinion(key, rec, "理由", at(2023, 4, 10, 16))
        event = only_event(h, Hearing.OfficerOpinionRecorded)
        assert (event.officer, event.recommendation) == (key, rec)
    assert h.majority_recommendation() == "不起诉"
    h.decide("不起诉", False, None, at(2023, 4, 11))
    decided = only_event(h, Hearing.Decided)
    assert (decided.decision, decided.majority, decided.departs_from_majority) == (
        "不起诉",
        "不起诉",
        False,
    )
    h.record_party_response("王某某", True, at(2023, 4, 12))
    response = only_event(h, Hearing.PartyResponded)
    assert (response.party, response.accepted) == ("王某某", True)
    assert h.parties_accepted is True
    h.record_party_response("李某", False, at(2023, 4, 12))
    emitted(h)
    assert h.parties_accepted is False
    h.conclude(at(2023, 4, 13))
    assert only_event(h, Hearing.Concluded).occurred_at == at(2023, 4, 13)
    assert h.status is HearingStatus.CONCLUDED


def test_departure_with_chief_approval_and_reasons_is_recorded() -> None:
    h = held_hearing(officers(3))
    for key in ("T1", "T2", "T3"):
        h.record_officer_opinion(key, "不起诉", None, at(2023, 4, 10, 16))
    emitted(h)
    h.decide("起诉", True, "新证据", at(2023, 4, 11))
    event = only_event(h, Hearing.Decided)
    assert (event.departs_from_majority, event.chief_approved, event.reasons) == (
        True,
        True,
        "新证据",
    )


def test_no_majority_means_no_departure() -> None:
    h = held_hearing(officers(2))
    h.record_officer_opinion("T1", "不起诉", None, at(2023, 4, 10, 16))
    h.record_officer_opinion("T2", "起诉", None, at(2023, 4, 10, 16))
    emitted(h)
    assert h.majority_recommendation() is None
    h.decide("起诉", False, None, at(2023, 4, 11))
    event = only_event(h, Hearing.Decided)
    assert (event.majority, event.departs_from_majority) == (None, False)


# -- rule violations ---------------------------------------------------------------------


def test_no_hearing_on_a_closed_case() -> None:
    with pytest.raises(CaseClosed) as info:
        Hearing.check_case_open(True, "K1")
    assert "'K1'" in info.value.message


def test_steps_follow_the_status() -> None:
    h = hearing()
    with refused(InvalidTransition, h, names=["H1", "proposed", "schedule"]):
        h.schedule(at(2023, 4, 10), None, "x", False, None, at(2023, 4, 3), POLICY)
    with refused(InvalidTransition, h, names=["H1", "hold"]):
        h.hold((), at(2023, 4, 10), POLICY)
    with refused(InvalidTransition, h, names=["H1", "invite"]):
        h.invite_officer(officers(1)[0], at(2023, 4, 3), POLICY)
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    emitted(h)
    with refused(InvalidTransition, h, names=["H1", "approved", "approve"]):
        h.approve(CHIEF, at(2023, 4, 3), POLICY)
    with refused(InvalidTransition, h, names=["H1", "decide"]):
        h.decide("x", False, None, at(2023, 4, 3))
    with refused(InvalidTransition, h, names=["H1", "conclude"]):
        h.conclude(at(2023, 4, 3))
    with refused(InvalidTransition, h, names=["H1", "response"]):
        h.record_party_response("王某某", True, at(2023, 4, 3))


def test_approval_before_the_proposal_is_out_of_order() -> None:
    h = hearing()
    with refused(OutOfOrder, h, names=["H1"]):
        h.approve(CHIEF, at(2023, 3, 31), POLICY)


@pytest.mark.parametrize("days", [0, 1, 2])
def test_notice_shorter_than_three_days_is_refused(days: int) -> None:
    h = hearing()
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    fresh(h)
    held_on = date(2023, 4, 3 + days)
    with refused(NoticeTooShort, h, names=["H1", "2023-04-03", "2023-04-06", held_on.isoformat()]):
        h.schedule(at(2023, 4, 3 + days, 14), None, "x", False, None, at(2023, 4, 3), POLICY)


def test_notice_is_counted_in_local_dates() -> None:
    h = hearing()
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    emitted(h)
    # Noticed at 23:30 on 3 April (local): 6 April is three days later, in the morning.
    h.schedule(at(2023, 4, 6, 8), None, "x", False, None, at(2023, 4, 3, 23, 30), POLICY)
    assert only_event(h, Hearing.Scheduled).scheduled_for == at(2023, 4, 6, 8)


def test_notice_days_follow_the_policy() -> None:
    five = replace(POLICY, hearing_notice_days=5)
    h = hearing()
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    fresh(h)
    with refused(NoticeTooShort, h, names=["2023-04-08", "2023-04-07"]):
        h.schedule(at(2023, 4, 7), None, "x", False, None, at(2023, 4, 3), five)
    h.schedule(at(2023, 4, 8), None, "x", False, None, at(2023, 4, 3), five)
    assert only_event(h, Hearing.Scheduled).scheduled_for == at(2023, 4, 8)


def test_a_hearing_for_a_minor_must_be_closed() -> None:
    h = hearing(has_minor=True)
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    fresh(h)
    strict = replace(POLICY, minor_hearings_closed=True)
    with refused(ClosedHearingRequired, h, names=["H1", "K1"]):
        h.schedule(at(2023, 4, 10), True, "x", False, None, at(2023, 4, 3), strict)


def test_scheduling_before_approval_time_is_out_of_order() -> None:
    h = hearing()
    h.approve(CHIEF, at(2023, 4, 2, 12), POLICY)
    fresh(h)
    with refused(OutOfOrder, h, names=["H1"]):
        h.schedule(at(2023, 4, 10), None, "x", False, None, at(2023, 4, 2, 11), POLICY)


def test_no_one_is_invited_twice() -> None:
    h = scheduled_hearing()
    (t,) = officers(1)
    h.invite_officer(t, at(2023, 4, 4), POLICY)
    emitted(h)
    with refused(AlreadyInvited, h, names=["T1", "H1"]):
        h.invite_officer(t, at(2023, 4, 4), POLICY)
    t.roles = (Role.HEARING_OFFICER, Role.PEOPLES_SUPERVISOR)
    with refused(AlreadyInvited, h, names=["T1", "H1"]):
        h.invite_observer(t, Role.PEOPLES_SUPERVISOR, at(2023, 4, 4), POLICY)


def test_officer_needs_the_hearing_officer_role() -> None:
    h = scheduled_hearing()
    with refused(SupervisorLacksRole, h, names=["S1", "hearing_officer"]):
        h.invite_officer(supervisor(), at(2023, 4, 4), POLICY)


def test_officer_must_be_active_on_the_hearing_date() -> None:
    h = scheduled_hearing()
    # Active when invited (4 April), out of term on the hearing date (10 April).
    t = supervisor("T1", roles=(Role.HEARING_OFFICER,), term_end=date(2023, 4, 9))
    with refused(SupervisorNotActive, h, t, names=["T1", "2023-04-10"]):
        h.invite_officer(t, at(2023, 4, 4), POLICY)


def test_suspended_officer_cannot_be_invited() -> None:
    h = scheduled_hearing()
    (t,) = officers(1)
    t.suspend("x", at(2023, 4, 1), POLICY)
    fresh(t)
    with refused(SupervisorNotActive, h, t, names=["T1"]):
        h.invite_officer(t, at(2023, 4, 4), POLICY)


def test_recused_officer_cannot_be_invited() -> None:
    h = scheduled_hearing()
    (t,) = officers(1)
    t.declare_relationship(Relationship.DEFENDER, "王某某", None, at(2023, 1, 1))
    fresh(t)
    with refused(SupervisorRecused, h, t, names=["T1", "王某某", "K1"]):
        h.invite_officer(t, at(2023, 4, 4), POLICY)


def test_invitation_before_the_proposal_is_out_of_order() -> None:
    h = hearing()
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    fresh(h)
    with refused(OutOfOrder, h, names=["H1"]):
        h.invite_officer(officers(1)[0], at(2023, 3, 31), POLICY)


def test_too_many_officers() -> None:
    h = scheduled_hearing()
    team = officers(8)
    for t in team[:7]:
        h.invite_officer(t, at(2023, 4, 4), POLICY)
    emitted(h)
    with refused(TooManyOfficers, h, names=["H1", "8", "7"]):
        h.invite_officer(team[7], at(2023, 4, 4), POLICY)
    # A declined officer no longer counts.
    h.decline("T1", None, at(2023, 4, 5))
    h.invite_officer(team[7], at(2023, 4, 5), POLICY)
    assert [type(e) for e in emitted(h)] == [Hearing.InvitationDeclined, Hearing.OfficerInvited]


def test_officer_limit_follows_the_policy() -> None:
    three = replace(POLICY, hearing_officers_max=3)
    h = scheduled_hearing()
    with refused(TooManyOfficers, h, names=["H1", "4", "3"]):
        h.draw_officers(officers(5), 4, None, 1, at(2023, 4, 4), three)
    unlimited = replace(POLICY, hearing_officers_max=None)
    h.draw_officers(officers(9), 9, None, 1, at(2023, 4, 4), unlimited)
    assert len(only_event(h, Hearing.OfficersDrawn).drawn) == 9


def test_officer_draw_needs_a_positive_count() -> None:
    h = scheduled_hearing()
    with refused(RuleViolation, h, names=["H1"]):
        h.draw_officers(officers(2), 0, None, 1, at(2023, 4, 4), POLICY)


def test_officer_draw_needs_enough_eligible() -> None:
    h = scheduled_hearing()
    pool = officers(3)
    pool[0].suspend("x", at(2023, 4, 1), POLICY)
    with refused(NotEnoughEligible, h, names=["H1", "3", "only 2"]):
        h.draw_officers(pool, 3, None, 1, at(2023, 4, 4), POLICY)


def test_observer_roles_are_limited() -> None:
    h = scheduled_hearing()
    s = supervisor(roles=(Role.MEDIATOR,))
    with refused(RuleViolation, h, names=["mediator"]):
        h.invite_observer(s, Role.MEDIATOR, at(2023, 4, 4), POLICY)


def test_observer_needs_the_role_they_observe_in() -> None:
    h = scheduled_hearing()
    with refused(SupervisorLacksRole, h, names=["S1", "cppcc_member"]):
        h.invite_observer(supervisor(), Role.CPPCC_MEMBER, at(2023, 4, 4), POLICY)


def test_uninvited_person_cannot_decline_be_replaced_or_be_absent() -> None:
    h = scheduled_hearing()
    with refused(NotInvited, h, names=["T9", "H1"]):
        h.decline("T9", None, at(2023, 4, 5))
    with refused(NotInvited, h, names=["T9", "H1"]):
        h.replace_officer("T9", officers(1)[0], None, at(2023, 4, 5), POLICY)
    with refused(NotInvited, h, names=["T9", "H1"]):
        h.hold(("T9",), at(2023, 4, 10), POLICY)


def test_declining_twice_is_refused() -> None:
    h = scheduled_hearing()
    h.invite_officer(officers(1)[0], at(2023, 4, 4), POLICY)
    h.decline("T1", None, at(2023, 4, 5))
    fresh(h)
    with refused(InvalidTransition, h, names=["T1", "H1", "declined"]):
        h.decline("T1", None, at(2023, 4, 6))


def test_declining_before_the_invitation_is_out_of_order() -> None:
    h = scheduled_hearing()
    h.invite_officer(officers(1)[0], at(2023, 4, 4, 12), POLICY)
    fresh(h)
    with refused(OutOfOrder, h, names=["T1"]):
        h.decline("T1", None, at(2023, 4, 4, 11))


def test_an_observer_is_not_replaced_as_an_officer() -> None:
    h = scheduled_hearing()
    h.invite_observer(supervisor(), Role.PEOPLES_SUPERVISOR, at(2023, 4, 4), POLICY)
    fresh(h)
    with refused(InvalidTransition, h, names=["S1", "observer", "H1"]):
        h.replace_officer("S1", officers(1)[0], None, at(2023, 4, 5), POLICY)


def test_a_replaced_officer_is_not_replaced_again() -> None:
    h = scheduled_hearing()
    t1, t2, t3 = officers(3)
    h.invite_officer(t1, at(2023, 4, 4), POLICY)
    h.replace_officer("T1", t2, None, at(2023, 4, 5), POLICY)
    fresh(h)
    with refused(InvalidTransition, h, names=["T1", "replaced"]):
        h.replace_officer("T1", t3, None, at(2023, 4, 6), POLICY)


def test_an_ineligible_replacement_is_refused() -> None:
    h = scheduled_hearing()
    t1, t2 = officers(2)
    h.invite_officer(t1, at(2023, 4, 4), POLICY)
    fresh(h)
    t2.remove("x", at(2023, 4, 1), POLICY)
    fresh(t2)
    with refused(SupervisorNotActive, h, t2, names=["T2"]):
        h.replace_officer("T1", t2, None, at(2023, 4, 5), POLICY)


def test_not_held_before_the_scheduled_date() -> None:
    h = scheduled_hearing()
    with refused(InvalidTransition, h, names=["H1", "2023-04-10"]):
        h.hold((), at(2023, 4, 9, 15), POLICY)


def test_hold_before_the_last_step_is_out_of_order() -> None:
    h = scheduled_hearing()
    h.schedule(at(2023, 4, 10), None, "x", False, None, at(2023, 4, 6), POLICY)
    fresh(h)
    with refused(OutOfOrder, h, names=["H1"]):
        h.hold((), at(2023, 4, 5), POLICY)


def test_a_declined_officer_cannot_be_absent() -> None:
    h = scheduled_hearing()
    h.invite_officer(officers(1)[0], at(2023, 4, 4), POLICY)
    h.decline("T1", None, at(2023, 4, 5))
    fresh(h)
    with refused(InvalidTransition, h, names=["T1", "declined", "H1"]):
        h.hold(("T1",), at(2023, 4, 10), POLICY)


def test_only_attending_officers_give_opinions() -> None:
    team = officers(2)
    h = scheduled_hearing()
    for t in team:
        h.invite_officer(t, at(2023, 4, 4), POLICY)
    h.invite_observer(supervisor(), Role.PEOPLES_SUPERVISOR, at(2023, 4, 4), POLICY)
    h.hold(("T2",), at(2023, 4, 10), POLICY)
    fresh(h)
    with refused(NotAttended, h, names=["T2", "H1"]):
        h.record_officer_opinion("T2", "x", None, at(2023, 4, 10, 16))
    with refused(NotAttended, h, names=["S1", "H1"]):
        h.record_officer_opinion("S1", "x", None, at(2023, 4, 10, 16))
    with refused(NotInvited, h, names=["T7"]):
        h.record_officer_opinion("T7", "x", None, at(2023, 4, 10, 16))


def test_one_opinion_per_officer() -> None:
    h = held_hearing(officers(1))
    h.record_officer_opinion("T1", "x", None, at(2023, 4, 10, 16))
    fresh(h)
    with refused(AlreadyExists, h, names=["T1"]):
        h.record_officer_opinion("T1", "y", None, at(2023, 4, 10, 17))


def test_officer_opinion_before_the_hearing_is_out_of_order() -> None:
    h = held_hearing(officers(1))
    with refused(OutOfOrder, h, names=["T1"]):
        h.record_officer_opinion("T1", "x", None, at(2023, 4, 10, 14))


@pytest.mark.parametrize(("approved", "reasons"), [(False, "理由"), (True, None), (True, "  ")])
def test_departing_from_the_majority_needs_approval_and_reasons(
    approved: bool, reasons: str | None
) -> None:
    h = held_hearing(officers(3))
    for key in ("T1", "T2"):
        h.record_officer_opinion(key, "不起诉", None, at(2023, 4, 10, 16))
    h.record_officer_opinion("T3", "起诉", None, at(2023, 4, 10, 16))
    fresh(h)
    with refused(DepartureNeedsApproval, h, names=["H1", "起诉", "不起诉"]):
        h.decide("起诉", approved, reasons, at(2023, 4, 11))


def test_decision_before_the_last_opinion_is_out_of_order() -> None:
    h = held_hearing(officers(1))
    h.record_officer_opinion("T1", "x", None, at(2023, 4, 11))
    fresh(h)
    with refused(OutOfOrder, h, names=["H1"]):
        h.decide("x", False, None, at(2023, 4, 10, 20))


def _decided() -> Hearing:
    h = held_hearing(officers(1))
    h.decide("不起诉", False, None, at(2023, 4, 11))
    return fresh(h)


def test_only_parties_respond() -> None:
    h = _decided()
    with refused(NotInvited, h, names=["陈某", "K1"]):
        h.record_party_response("陈某", True, at(2023, 4, 12))


def test_a_party_responds_once() -> None:
    h = _decided()
    h.record_party_response("王某某", True, at(2023, 4, 12))
    fresh(h)
    with refused(AlreadyExists, h, names=["王某某", "H1"]):
        h.record_party_response("王某某", False, at(2023, 4, 13))


def test_response_before_the_decision_is_out_of_order() -> None:
    h = _decided()
    with refused(OutOfOrder, h, names=["王某某"]):
        h.record_party_response("王某某", True, at(2023, 4, 10, 20))


def test_conclusion_before_the_last_step_is_out_of_order() -> None:
    h = _decided()
    with refused(OutOfOrder, h, names=["H1"]):
        h.conclude(at(2023, 4, 10, 20))


def test_a_concluded_hearing_takes_no_more_steps() -> None:
    h = _decided()
    h.conclude(at(2023, 4, 12))
    fresh(h)
    with refused(InvalidTransition, h, names=["H1", "concluded"]):
        h.conclude(at(2023, 4, 13))
    with refused(InvalidTransition, h, names=["H1", "concluded"]):
        h.record_party_response("王某某", True, at(2023, 4, 13))
