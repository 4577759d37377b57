"""The Case aggregate, part one: registration, activities, draws, invitations, attendance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from builders import (
    POLICY,
    at,
    attended,
    case,
    case_with_activity,
    emitted,
    fresh,
    only_event,
    refused,
    supervisor,
)

from supervision_ledger.domain import (
    ActivityType,
    AlreadyExists,
    AlreadyInvited,
    AssessmentGrade,
    Case,
    CaseKind,
    InvalidTransition,
    InvitationStatus,
    NotEnoughEligible,
    NotFound,
    NotInvited,
    OutOfOrder,
    Party,
    Relationship,
    Role,
    RuleViolation,
    Supervisor,
    SupervisorLacksRole,
    SupervisorNotActive,
    SupervisorRecused,
    aggregate_id,
    draw,
)

# -- events ------------------------------------------------------------------------------


def test_registered() -> None:
    k = Case(
        key="清城检刑不诉〔2023〕12号",
        unit="QC",
        case_kind=CaseKind.INTENDED_NON_PROSECUTION,
        title="张某盗窃案",
        handling_prosecutor="赵检察官",
        parties=(Party("张某", "suspect", minor=True),),
        received_on=date(2023, 3, 1),
        occurred_at=at(2023, 3, 1),
    )
    event = only_event(k, Case.Registered)
    assert event.key == "清城检刑不诉〔2023〕12号"
    assert (event.unit, event.case_kind, event.title) == (
        "QC",
        CaseKind.INTENDED_NON_PROSECUTION,
        "张某盗窃案",
    )
    assert event.parties == (Party("张某", "suspect", minor=True),)
    assert event.received_on == date(2023, 3, 1)
    assert k.id == aggregate_id("case", "清城检刑不诉〔2023〕12号")
    assert k.facts.has_minor and k.facts.party_names == ("张某",)
    assert not k.is_closed


def test_activity_opened() -> None:
    k = case()
    k.open_activity(
        "A1", ActivityType.DOCUMENT_SERVICE, "宣告送达", None, None, at(2023, 3, 2), POLICY
    )
    event = only_event(k, Case.ActivityOpened)
    assert (event.activity, event.activity_type, event.title) == (
        "A1",
        ActivityType.DOCUMENT_SERVICE,
        "宣告送达",
    )
    assert (event.initiated_by, event.hearing) == (None, None)
    assert k.activity("A1").type is ActivityType.DOCUMENT_SERVICE
    assert k.next_activity_key() == "A2"


def test_supervisor_initiated_activity_names_its_initiator() -> None:
    k, s = case(), supervisor()
    k.open_activity("A1", ActivityType.SUPERVISOR_INITIATED, None, s, None, at(2023, 3, 2), POLICY)
    event = only_event(k, Case.ActivityOpened)
    assert event.initiated_by == "S1"
    assert k.activity("A1").initiated_by == "S1"


def test_supervisors_drawn_records_seed_pool_and_drawn() -> None:
    k = case_with_activity()
    people = [supervisor(f"S{i}") for i in range(1, 6)]
    drawn = k.draw_supervisors(
        "A1", people, Role.PEOPLES_SUPERVISOR, 2, None, 42, at(2023, 3, 3), POLICY
    )
    event = only_event(k, Case.SupervisorsDrawn)
    assert event.pool == ("S1", "S2", "S3", "S4", "S5")
    assert (event.seed, event.count, event.role) == (42, 2, Role.PEOPLES_SUPERVISOR)
    assert event.drawn == drawn == draw(event.pool, event.count, event.seed)
    invitations = k.activity("A1").invitations
    assert set(invitations) == set(drawn)
    assert all(inv.drawn and inv.status is InvitationStatus.INVITED for inv in invitations.values())


def test_draw_pool_excludes_the_ineligible() -> None:
    k = case_with_activity()
    ok = supervisor("S1", speciality="税务")
    wrong_speciality = supervisor("S2", speciality="金融")
    suspended = supervisor("S3", speciality="税务")
    suspended.suspend("x", at(2023, 1, 1), POLICY)
    out_of_term = supervisor("S4", speciality="税务", term_end=date(2022, 12, 31))
    recused = supervisor("S5", speciality="税务")
    recused.declare_relationship(Relationship.AGENT, "李某", None, at(2023, 1, 1))
    officer_only = supervisor("S6", roles=(Role.HEARING_OFFICER,), speciality="税务")
    invited = supervisor("S7", speciality="税务")
    k.invite("A1", invited, Role.PEOPLES_SUPERVISOR, at(2023, 3, 2), POLICY)
    emitted(k)
    people = [ok, wrong_speciality, suspended, out_of_term, recused, officer_only, invited]
    k.draw_supervisors("A1", people, Role.PEOPLES_SUPERVISOR, 1, "税务", 1, at(2023, 3, 3), POLICY)
    event = only_event(k, Case.SupervisorsDrawn)
    assert event.pool == ("S1",) and event.drawn == ("S1",)
    assert event.speciality == "税务"


def test_supervisor_invited() -> None:
    k, s = case_with_activity(), supervisor()
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    event = only_event(k, Case.SupervisorInvited)
    assert (event.activity, event.supervisor, event.role) == ("A1", "S1", Role.PEOPLES_SUPERVISOR)
    inv = k.invitation("A1", "S1")
    assert inv.status is InvitationStatus.INVITED and not inv.drawn


def test_invitation_accepted_declined_and_attended() -> None:
    k, s, t = case_with_activity(), supervisor(), supervisor("S2")
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    k.invite("A1", t, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    emitted(k)
    k.accept_invitation("A1", "S1", at(2023, 3, 4))
    accepted = only_event(k, Case.InvitationAccepted)
    assert (accepted.activity, accepted.supervisor) == ("A1", "S1")
    assert k.invitation("A1", "S1").status is InvitationStatus.ACCEPTED
    k.decline_invitation("A1", "S2", "出差", at(2023, 3, 4))
    declined = only_event(k, Case.InvitationDeclined)
    assert (declined.supervisor, declined.reason) == ("S2", "出差")
    assert k.invitation("A1", "S2").status is InvitationStatus.DECLINED
    k.record_attendance("A1", "S1", at(2023, 3, 5))
    attendance = only_event(k, Case.AttendanceRecorded)
    assert (attendance.activity, attendance.supervisor) == ("A1", "S1")
    assert k.invitation("A1", "S1").status is InvitationStatus.ATTENDED


def test_supervisor_replaced_by_a_named_person() -> None:
    k, s, t = case_with_activity(), supervisor(), supervisor("S2")
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    k.decline_invitation("A1", "S1", "生病", at(2023, 3, 4))
    emitted(k)
    new = k.replace_supervisor("A1", "S1", t, [], 0, "补派", at(2023, 3, 4, 10), POLICY)
    event = only_event(k, Case.SupervisorReplaced)
    assert new == event.replacement == "S2"
    assert (event.supervisor, event.reason, event.seed, event.pool) == ("S1", "补派", None, ())
    old, repl = k.invitation("A1", "S1"), k.invitation("A1", "S2")
    assert old.status is InvitationStatus.REPLACED and old.replaced_by == "S2"
    assert repl.replaces == "S1" and repl.status is InvitationStatus.INVITED and not repl.drawn


def test_supervisor_replaced_by_a_drawn_person() -> None:
    k, s = case_with_activity(), supervisor()
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    emitted(k)
    people = [s, supervisor("S2"), supervisor("S3"), supervisor("S4")]
    new = k.replace_supervisor("A1", "S1", None, people, 99, None, at(2023, 3, 4), POLICY)
    event = only_event(k, Case.SupervisorReplaced)
    # The one already invited is not in the pool; the draw re-runs from the event.
    assert event.pool == ("S2", "S3", "S4") and event.seed == 99
    assert (new,) == draw(event.pool, 1, 99) == (event.replacement,)
    assert k.invitation("A1", new).drawn


# -- rule violations ---------------------------------------------------------------------


def test_activity_key_is_unique_in_a_case() -> None:
    k = case_with_activity()
    with refused(AlreadyExists, k, names=["K1", "A1"]):
        k.open_activity("A1", ActivityType.OTHER, None, None, None, at(2023, 3, 3), POLICY)


def test_supervisor_initiated_activity_needs_an_initiator() -> None:
    k = case()
    with refused(RuleViolation, k, names=["K1", "A1"]):
        k.open_activity(
            "A1", ActivityType.SUPERVISOR_INITIATED, None, None, None, at(2023, 3, 2), POLICY
        )


def test_only_supervisor_initiated_activities_have_an_initiator() -> None:
    k = case()
    with refused(RuleViolation, k, names=["A1", "quality_review"]):
        k.open_activity(
            "A1", ActivityType.QUALITY_REVIEW, None, supervisor(), None, at(2023, 3, 2), POLICY
        )


def test_inactive_supervisor_cannot_initiate() -> None:
    k, s = case(), supervisor()
    s.suspend("x", at(2023, 3, 1), POLICY)
    emitted(s)
    with refused(SupervisorNotActive, k, s, names=["S1", "2023-03-02"]):
        k.open_activity(
            "A1", ActivityType.SUPERVISOR_INITIATED, None, s, None, at(2023, 3, 2), POLICY
        )


def test_unknown_activity_is_not_found() -> None:
    k = case()
    with refused(NotFound, k, names=["K1", "A9"]):
        k.invite("A9", supervisor(), Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)


def test_draw_before_the_activity_opened_is_out_of_order() -> None:
    k = case_with_activity()
    with refused(OutOfOrder, k, names=["A1"]):
        k.draw_supervisors(
            "A1", [supervisor()], Role.PEOPLES_SUPERVISOR, 1, None, 1, at(2023, 3, 1), POLICY
        )


def test_draw_needs_a_positive_count() -> None:
    k = case_with_activity()
    with refused(RuleViolation, k, names=["A1"]):
        k.draw_supervisors(
            "A1", [supervisor()], Role.PEOPLES_SUPERVISOR, 0, None, 1, at(2023, 3, 3), POLICY
        )


def test_draw_needs_enough_eligible_people() -> None:
    k = case_with_activity()
    people = [supervisor("S1"), supervisor("S2", speciality="税务")]
    with refused(NotEnoughEligible, k, names=["K1", "A1", "税务", "only 1"]):
        k.draw_supervisors(
            "A1", people, Role.PEOPLES_SUPERVISOR, 2, "税务", 1, at(2023, 3, 3), POLICY
        )


def test_invitation_before_the_activity_opened_is_out_of_order() -> None:
    k = case_with_activity()
    with refused(OutOfOrder, k, names=["A1"]):
        k.invite("A1", supervisor(), Role.PEOPLES_SUPERVISOR, at(2023, 3, 1, 23), POLICY)


def test_no_one_is_invited_twice() -> None:
    k, s = case_with_activity(), supervisor()
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    emitted(k)
    with refused(AlreadyInvited, k, names=["S1", "A1", "K1"]):
        k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 4), POLICY)


def _suspended() -> Supervisor:
    s = supervisor()
    s.suspend("涉嫌违纪", at(2023, 3, 1), POLICY)
    return fresh(s)


def _removed() -> Supervisor:
    s = supervisor()
    s.remove("辞职", at(2023, 3, 1), POLICY)
    return fresh(s)


def _failed_assessment() -> Supervisor:
    s = supervisor()
    s.record_assessment(2022, AssessmentGrade.INCOMPETENT, at(2023, 2, 1), POLICY)
    return fresh(s)


def _out_of_term() -> Supervisor:
    return supervisor(term_start=date(2017, 1, 1), term_end=date(2021, 12, 31))


def _not_yet_in_term() -> Supervisor:
    return supervisor(term_start=date(2023, 6, 1), term_end=date(2028, 5, 31))


INACTIVE = {
    "suspended": _suspended,
    "removed": _removed,
    "failed_assessment": _failed_assessment,
    "out_of_term": _out_of_term,
    "not_yet_in_term": _not_yet_in_term,
}


@pytest.mark.parametrize("make", INACTIVE.values(), ids=INACTIVE.keys())
def test_inactive_supervisor_cannot_be_invited(make: Callable[[], Supervisor]) -> None:
    k, s = case_with_activity(), make()
    with refused(SupervisorNotActive, k, s, names=["S1", "2023-03-03"]):
        k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)


@pytest.mark.parametrize("make", INACTIVE.values(), ids=INACTIVE.keys())
def test_inactive_supervisor_is_not_drawn(make: Callable[[], Supervisor]) -> None:
    k = case_with_activity()
    with refused(NotEnoughEligible, k, names=["only 0"]):
        k.draw_supervisors(
            "A1", [make()], Role.PEOPLES_SUPERVISOR, 1, None, 3, at(2023, 3, 3), POLICY
        )


def test_invitation_needs_the_role() -> None:
    k, s = case_with_activity(), supervisor(roles=(Role.HEARING_OFFICER,))
    with refused(SupervisorLacksRole, k, names=["S1", "peoples_supervisor"]):
        k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)


def test_recused_by_party_cannot_be_invited() -> None:
    k, s = case_with_activity(), supervisor()
    s.declare_relationship(Relationship.CLOSE_RELATIVE, "李某", None, at(2023, 1, 1))
    fresh(s)
    with refused(SupervisorRecused, k, s, names=["S1", "李某", "K1"]):
        k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)


def test_recused_by_case_cannot_be_invited() -> None:
    k, s = case_with_activity(), supervisor()
    s.declare_relationship(Relationship.INTEREST, None, "K1", at(2023, 1, 1))
    fresh(s)
    with refused(SupervisorRecused, k, s, names=["S1", "K1"]):
        k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)


def test_steps_of_someone_not_invited_are_refused() -> None:
    k = case_with_activity()
    with refused(NotInvited, k, names=["S9", "A1", "K1"]):
        k.accept_invitation("A1", "S9", at(2023, 3, 4))
    with refused(NotInvited, k, names=["S9"]):
        k.record_attendance("A1", "S9", at(2023, 3, 4))


def test_invitation_steps_follow_the_invitation_state() -> None:
    k, s = case_with_activity(), supervisor()
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    k.decline_invitation("A1", "S1", None, at(2023, 3, 4))
    emitted(k)
    with refused(InvalidTransition, k, names=["S1", "A1", "K1", "declined"]):
        k.accept_invitation("A1", "S1", at(2023, 3, 5))
    with refused(InvalidTransition, k, names=["S1", "declined"]):
        k.record_attendance("A1", "S1", at(2023, 3, 5))
    with refused(InvalidTransition, k, names=["S1", "declined"]):
        k.decline_invitation("A1", "S1", None, at(2023, 3, 5))


def test_attended_invitation_cannot_be_replaced() -> None:
    s = supervisor()
    k = attended(case_with_activity(), s)
    with refused(InvalidTransition, k, names=["S1", "attended"]):
        k.replace_supervisor("A1", "S1", supervisor("S2"), [], 0, None, at(2023, 3, 5), POLICY)


def test_invitation_step_before_the_invitation_is_out_of_order() -> None:
    k, s = case_with_activity(), supervisor()
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3, 12), POLICY)
    emitted(k)
    with refused(OutOfOrder, k, names=["S1"]):
        k.accept_invitation("A1", "S1", at(2023, 3, 3, 11))


def test_replacement_already_invited_is_refused() -> None:
    k, s, t = case_with_activity(), supervisor(), supervisor("S2")
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    k.invite("A1", t, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    emitted(k)
    with refused(AlreadyInvited, k, names=["S2", "A1", "K1"]):
        k.replace_supervisor("A1", "S1", t, [], 0, None, at(2023, 3, 4), POLICY)


def test_inactive_replacement_is_refused() -> None:
    k, s = case_with_activity(), supervisor()
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    emitted(k)
    t = supervisor("S2")
    t.remove("辞职", at(2023, 3, 1), POLICY)
    fresh(t)
    with refused(SupervisorNotActive, k, t, names=["S2"]):
        k.replace_supervisor("A1", "S1", t, [], 0, None, at(2023, 3, 4), POLICY)


def test_drawn_replacement_needs_someone_eligible() -> None:
    k, s = case_with_activity(), supervisor()
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    emitted(k)
    with refused(NotEnoughEligible, k, names=["S1", "A1", "K1"]):
        k.replace_supervisor("A1", "S1", None, [s], 5, None, at(2023, 3, 4), POLICY)
