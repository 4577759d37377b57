"""The Supervisor aggregate (一人一档): every event it emits and every rule it enforces."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from builders import POLICY, at, case, emitted, only_event, refused, supervisor

from supervision_ledger.domain import (
    AssessmentGrade,
    InvalidTerm,
    InvalidTransition,
    Party,
    Policy,
    Relationship,
    Role,
    RuleViolation,
    ServiceAfterStatusChange,
    Supervisor,
    SupervisorLacksRole,
    SupervisorNotActive,
    SupervisorRecused,
    SupervisorStatus,
    TermLimitExceeded,
    aggregate_id,
)

# -- events ------------------------------------------------------------------------


def test_appointed_records_the_profile_and_term() -> None:
    s = Supervisor(
        key="S9",
        unit="QC",
        name="朱某某",
        roles=(Role.PEOPLES_SUPERVISOR, Role.HEARING_OFFICER),
        industry="金融",
        speciality="税务",
        term_start=date(2021, 6, 1),
        term_end=date(2026, 5, 31),
        occurred_at=at(2021, 6, 1),
    )
    event = only_event(s, Supervisor.Appointed)
    assert (event.key, event.unit, event.name) == ("S9", "QC", "朱某某")
    assert event.roles == (Role.PEOPLES_SUPERVISOR, Role.HEARING_OFFICER)
    assert (event.industry, event.speciality) == ("金融", "税务")
    assert (event.term_start, event.term_end) == (date(2021, 6, 1), date(2026, 5, 31))
    assert event.occurred_at == at(2021, 6, 1)
    assert s.id == aggregate_id("supervisor", "S9") == Supervisor.id_for("S9")
    assert s.status is SupervisorStatus.ACTIVE
    assert s.in_term(date(2021, 6, 1)) and s.in_term(date(2026, 5, 31))
    assert not s.in_term(date(2021, 5, 31)) and not s.in_term(date(2026, 6, 1))


def test_training_recorded() -> None:
    s = supervisor()
    s.record_training("刑事诉讼法", Decimal("3.5"), at(2023, 2, 1))
    event = only_event(s, Supervisor.TrainingRecorded)
    assert (event.topic, event.hours, event.occurred_at) == (
        "刑事诉讼法",
        Decimal("3.5"),
        at(2023, 2, 1),
    )
    assert s.trainings == [(at(2023, 2, 1), "刑事诉讼法", Decimal("3.5"))]


def test_passing_assessment_is_recorded_without_removal() -> None:
    s = supervisor()
    s.record_assessment(2022, AssessmentGrade.EXCELLENT, at(2023, 1, 10), POLICY)
    event = only_event(s, Supervisor.AssessmentRecorded)
    assert (event.year, event.grade) == (2022, AssessmentGrade.EXCELLENT)
    assert s.assessments == {2022: AssessmentGrade.EXCELLENT}
    assert s.status is SupervisorStatus.ACTIVE


def test_failing_assessment_removes_the_supervisor_from_that_local_date() -> None:
    s = supervisor()
    # 23:30 in Shanghai on 10 Jan is still 10 Jan locally (15:30 UTC).
    s.record_assessment(2022, AssessmentGrade.INCOMPETENT, at(2023, 1, 10, 23, 30), POLICY)
    recorded, removed = emitted(s)
    assert isinstance(recorded, Supervisor.AssessmentRecorded)
    assert isinstance(removed, Supervisor.Removed)
    assert removed.effective_on == date(2023, 1, 10)
    assert "2022" in removed.reason
    assert s.status is SupervisorStatus.REMOVED
    assert s.is_active_on(date(2023, 1, 9)) and not s.is_active_on(date(2023, 1, 10))


def test_failing_grade_follows_the_policy() -> None:
    strict = Policy(
        failing_grades=frozenset({AssessmentGrade.INCOMPETENT, AssessmentGrade.BASICALLY_COMPETENT})
    )
    s = supervisor()
    s.record_assessment(2022, AssessmentGrade.BASICALLY_COMPETENT, at(2023, 1, 10), strict)
    assert [type(e) for e in emitted(s)] == [Supervisor.AssessmentRecorded, Supervisor.Removed]
    t = supervisor("S2")
    t.record_assessment(2022, AssessmentGrade.BASICALLY_COMPETENT, at(2023, 1, 10), POLICY)
    assert [type(e) for e in emitted(t)] == [Supervisor.AssessmentRecorded]


def test_failing_assessment_of_a_removed_supervisor_does_not_remove_twice() -> None:
    s = supervisor()
    s.remove("辞职", at(2022, 12, 1), POLICY)
    emitted(s)
    s.record_assessment(2022, AssessmentGrade.INCOMPETENT, at(2023, 1, 10), POLICY)
    assert [type(e) for e in emitted(s)] == [Supervisor.AssessmentRecorded]
    assert [p.status for p in s.inactive] == [SupervisorStatus.REMOVED]


def test_allowance_paid() -> None:
    s = supervisor()
    s.pay_allowance(Decimal("200.00"), "履职补贴", "K1/A1", at(2023, 5, 1), POLICY)
    event = only_event(s, Supervisor.AllowancePaid)
    assert (event.amount, event.purpose, event.reference) == (
        Decimal("200.00"),
        "履职补贴",
        "K1/A1",
    )
    assert s.allowances == [(at(2023, 5, 1), Decimal("200.00"), "履职补贴", "K1/A1")]


def test_relationship_declared() -> None:
    s = supervisor()
    s.declare_relationship(Relationship.CLOSE_RELATIVE, "王某某", None, at(2023, 2, 1))
    event = only_event(s, Supervisor.RelationshipDeclared)
    assert (event.relationship, event.party, event.case) == (
        Relationship.CLOSE_RELATIVE,
        "王某某",
        None,
    )
    assert s.relationships[0].party == "王某某"


def test_suspended_then_reinstated() -> None:
    s = supervisor()
    s.suspend("涉嫌违纪", at(2023, 2, 1), POLICY)
    suspended = only_event(s, Supervisor.Suspended)
    assert (suspended.reason, suspended.effective_on) == ("涉嫌违纪", date(2023, 2, 1))
    assert s.status is SupervisorStatus.SUSPENDED
    s.reinstate("调查结束", at(2023, 3, 1), POLICY)
    reinstated = only_event(s, Supervisor.Reinstated)
    assert (reinstated.reason, reinstated.effective_on) == ("调查结束", date(2023, 3, 1))
    assert s.status is SupervisorStatus.ACTIVE
    assert s.is_active_on(date(2023, 1, 31))
    assert not s.is_active_on(date(2023, 2, 1)) and not s.is_active_on(date(2023, 2, 28))
    assert s.is_active_on(date(2023, 3, 1))


def test_removal_ends_a_suspension() -> None:
    s = supervisor()
    s.suspend("涉嫌违纪", at(2023, 2, 1), POLICY)
    s.remove("违纪属实", at(2023, 3, 1), POLICY)
    removed = emitted(s)[-1]
    assert isinstance(removed, Supervisor.Removed)
    assert (removed.reason, removed.effective_on) == ("违纪属实", date(2023, 3, 1))
    assert s.status is SupervisorStatus.REMOVED
    assert [(p.status, p.start, p.end) for p in s.inactive] == [
        (SupervisorStatus.SUSPENDED, date(2023, 2, 1), date(2023, 3, 1)),
        (SupervisorStatus.REMOVED, date(2023, 3, 1), None),
    ]
    assert not s.is_active_on(date(2026, 1, 1))


def test_term_renewed_after_the_current_term() -> None:
    s = supervisor(term_start=date(2018, 1, 1), term_end=date(2022, 12, 31))
    s.renew_term(date(2023, 1, 1), date(2027, 12, 31), at(2022, 12, 20), POLICY)
    event = only_event(s, Supervisor.TermRenewed)
    assert (event.term_start, event.term_end) == (date(2023, 1, 1), date(2027, 12, 31))
    assert s.is_active_on(date(2025, 6, 1))


# -- may this person serve? ------------------------------------------------------------


def test_serving_needs_the_role() -> None:
    s = supervisor()
    with refused(SupervisorLacksRole, s, names=["S1", "hearing_officer"]):
        s.check_can_serve(Role.HEARING_OFFICER, date(2023, 5, 1), None, POLICY)


@pytest.mark.parametrize("day", [date(2021, 12, 31), date(2027, 1, 1)])
def test_out_of_term_cannot_serve(day: date) -> None:
    s = supervisor()
    with refused(SupervisorNotActive, s, names=["S1", day.isoformat()]):
        s.check_can_serve(Role.PEOPLES_SUPERVISOR, day, None, POLICY)


def test_recusal_by_party_name() -> None:
    s = supervisor()
    s.declare_relationship(Relationship.CLOSE_RELATIVE, "王某某", None, at(2023, 2, 1))
    k = case()
    with refused(SupervisorRecused, s, names=["S1", "王某某", "K1"]):
        s.check_can_serve(Role.PEOPLES_SUPERVISOR, date(2023, 5, 1), k.facts, POLICY)
    # Another case without that party is fine.
    other = case("K2", parties=(Party("陈某"),))
    assert s.can_serve(Role.PEOPLES_SUPERVISOR, date(2023, 5, 1), other.facts, POLICY)


def test_recusal_by_case() -> None:
    s = supervisor()
    s.declare_relationship(Relationship.WITNESS, None, "K1", at(2023, 2, 1))
    with refused(SupervisorRecused, s, names=["S1", "K1", "witness"]):
        s.check_can_serve(Role.PEOPLES_SUPERVISOR, date(2023, 5, 1), case().facts, POLICY)
    assert s.can_serve(Role.PEOPLES_SUPERVISOR, date(2023, 5, 1), case("K2").facts, POLICY)


def test_recusal_relationships_follow_the_policy() -> None:
    s = supervisor()
    s.declare_relationship(Relationship.OTHER, "王某某", None, at(2023, 2, 1))
    lenient = replace(POLICY, recusal_relationships=frozenset({Relationship.PARTY}))
    assert s.can_serve(Role.PEOPLES_SUPERVISOR, date(2023, 5, 1), case().facts, lenient)
    assert not s.can_serve(Role.PEOPLES_SUPERVISOR, date(2023, 5, 1), case().facts, POLICY)


# -- rule violations -------------------------------------------------------------------


def test_appointment_needs_a_role() -> None:
    with pytest.raises(InvalidTerm, match="at least one role"):
        Supervisor.check_appointment((), date(2023, 1, 1), date(2027, 12, 31))


def test_appointment_term_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidTerm) as info:
        Supervisor.check_appointment((Role.MEDIATOR,), date(2023, 1, 1), date(2022, 12, 31))
    assert "2022-12-31" in info.value.message and "2023-01-01" in info.value.message


def test_assessment_twice_for_one_year_is_refused() -> None:
    s = supervisor()
    s.record_assessment(2022, AssessmentGrade.COMPETENT, at(2023, 1, 10), POLICY)
    emitted(s)
    with refused(InvalidTransition, s, names=["S1", "2022"]):
        s.record_assessment(2022, AssessmentGrade.EXCELLENT, at(2023, 1, 11), POLICY)
    assert s.assessments == {2022: AssessmentGrade.COMPETENT}


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-5")])
def test_allowance_must_be_positive(amount: Decimal) -> None:
    s = supervisor()
    with refused(RuleViolation, s, names=["S1", str(amount)]):
        s.pay_allowance(amount, "履职补贴", None, at(2023, 5, 1), POLICY)


def test_relationship_names_a_party_or_a_case() -> None:
    s = supervisor()
    with refused(RuleViolation, s, names=["S1"]):
        s.declare_relationship(Relationship.INTEREST, None, None, at(2023, 2, 1))


def test_suspending_a_suspended_or_removed_supervisor_is_refused() -> None:
    s = supervisor()
    s.suspend("a", at(2023, 2, 1), POLICY)
    emitted(s)
    with refused(InvalidTransition, s, names=["S1", "suspended"]):
        s.suspend("b", at(2023, 2, 2), POLICY)
    t = supervisor("S2")
    t.remove("a", at(2023, 2, 1), POLICY)
    emitted(t)
    with refused(InvalidTransition, t, names=["S2", "removed"]):
        t.suspend("b", at(2023, 2, 2), POLICY)


def test_reinstating_an_active_supervisor_is_refused() -> None:
    s = supervisor()
    with refused(InvalidTransition, s, names=["S1", "active"]):
        s.reinstate("x", at(2023, 2, 1), POLICY)


def test_removing_twice_is_refused() -> None:
    s = supervisor()
    s.remove("a", at(2023, 2, 1), POLICY)
    emitted(s)
    with refused(InvalidTransition, s, names=["S1", "already removed"]):
        s.remove("b", at(2023, 2, 2), POLICY)


def test_status_change_before_the_last_one_is_refused() -> None:
    s = supervisor()
    s.suspend("a", at(2023, 2, 10), POLICY)
    emitted(s)
    with refused(InvalidTransition, s, names=["S1", "2023-02-09", "2023-02-10"]):
        s.reinstate("b", at(2023, 2, 9), POLICY)
    s.reinstate("b", at(2023, 2, 20), POLICY)
    emitted(s)
    with refused(InvalidTransition, s, names=["S1", "2023-02-19", "2023-02-20"]):
        s.remove("c", at(2023, 2, 19), POLICY)


def test_removed_supervisor_cannot_renew() -> None:
    s = supervisor()
    s.remove("a", at(2023, 2, 1), POLICY)
    emitted(s)
    with refused(InvalidTransition, s, names=["S1"]):
        s.renew_term(date(2027, 1, 1), date(2031, 12, 31), at(2026, 12, 1), POLICY)


def test_renewed_term_cannot_overlap_the_current_one() -> None:
    s = supervisor()
    with refused(InvalidTerm, s, names=["S1", "2026-06-01", "2026-12-31"]):
        s.renew_term(date(2026, 6, 1), date(2031, 5, 31), at(2026, 5, 1), POLICY)


def test_renewed_term_cannot_end_before_it_starts() -> None:
    s = supervisor()
    with refused(InvalidTerm, s, names=["2027-01-01", "2026-12-31"]):
        s.renew_term(date(2027, 1, 1), date(2026, 12, 31), at(2026, 12, 1), POLICY)


def test_third_consecutive_term_is_refused_by_default() -> None:
    s = supervisor(term_start=date(2013, 1, 1), term_end=date(2017, 12, 31))
    s.renew_term(date(2018, 1, 1), date(2022, 12, 31), at(2017, 12, 1), POLICY)
    emitted(s)
    with refused(TermLimitExceeded, s, names=["S1", "3 consecutive", "at most 2"]):
        s.renew_term(date(2023, 1, 1), date(2027, 12, 31), at(2022, 12, 1), POLICY)


def test_term_limit_follows_the_policy() -> None:
    three = replace(POLICY, max_consecutive_terms=3)
    s = supervisor(term_start=date(2013, 1, 1), term_end=date(2017, 12, 31))
    s.renew_term(date(2018, 1, 1), date(2022, 12, 31), at(2017, 12, 1), three)
    s.renew_term(date(2023, 1, 1), date(2027, 12, 31), at(2022, 12, 1), three)
    assert [type(e) for e in emitted(s)] == [Supervisor.TermRenewed, Supervisor.TermRenewed]
    with refused(TermLimitExceeded, s, names=["4 consecutive", "at most 3"]):
        s.renew_term(date(2028, 1, 1), date(2032, 12, 31), at(2027, 12, 1), three)
    one = replace(POLICY, max_consecutive_terms=1)
    t = supervisor("S2", term_start=date(2013, 1, 1), term_end=date(2017, 12, 31))
    with refused(TermLimitExceeded, t, names=["S2", "2 consecutive", "at most 1"]):
        t.renew_term(date(2018, 1, 1), date(2022, 12, 31), at(2017, 12, 1), one)


def test_a_gap_of_a_year_between_terms_restarts_the_count() -> None:
    s = supervisor(term_start=date(2013, 1, 1), term_end=date(2017, 12, 31))
    s.renew_term(date(2018, 1, 1), date(2022, 12, 31), at(2017, 12, 1), POLICY)
    # A full year's gap (Policy.consecutive_term_gap_days, 365) after the second term:
    # the third term is not consecutive.
    s.renew_term(date(2024, 1, 1), date(2028, 12, 31), at(2023, 12, 1), POLICY)
    assert [type(e) for e in emitted(s)] == [Supervisor.TermRenewed, Supervisor.TermRenewed]
    assert not s.in_term(date(2023, 12, 31)) and s.in_term(date(2024, 1, 1))


@pytest.mark.parametrize("gap_days", [1, 29, 364])
def test_a_short_gap_does_not_restart_the_count(gap_days: int) -> None:
    """Issue 8: a one-day gap (a term ending 28 February of a leap year, the next
    starting 1 March) used to reset the two-consecutive-terms limit."""
    s = supervisor(term_start=date(2014, 3, 1), term_end=date(2019, 2, 28))
    s.renew_term(date(2019, 3, 1), date(2024, 2, 28), at(2019, 2, 1), POLICY)
    start = date(2024, 2, 28) + timedelta(days=gap_days + 1)
    with refused(TermLimitExceeded, s):
        s.renew_term(start, date(2029, 2, 28), at(2024, 2, 1), POLICY)
    # A policy that counts any gap as a break keeps the old reading.
    any_gap = replace(POLICY, consecutive_term_gap_days=1)
    s.renew_term(start, date(2029, 2, 28), at(2024, 2, 1), any_gap)
    assert s.terms[-1].start == start


# -- status changes may not undercut recorded service -----------------------------------


@pytest.mark.parametrize("change", ["suspend", "remove"])
def test_a_status_change_on_or_before_recorded_service_is_refused(change: str) -> None:
    s = supervisor()
    with refused(ServiceAfterStatusChange, s, names=["'S1'", "2023-06-02", "2023-06-01"]):
        getattr(s, change)("补录", at(2023, 6, 1), POLICY, last_service_on=date(2023, 6, 2))
    with refused(ServiceAfterStatusChange, s, names=["2023-06-02"]):
        getattr(s, change)("补录", at(2023, 6, 2), POLICY, last_service_on=date(2023, 6, 2))
    getattr(s, change)("补录", at(2023, 6, 3), POLICY, last_service_on=date(2023, 6, 2))
    assert s.inactive[-1].start == date(2023, 6, 3)


def test_a_failing_assessment_is_refused_before_recorded_service_and_records_nothing() -> None:
    s = supervisor()
    with refused(ServiceAfterStatusChange, s, names=["'S1'", "2023-06-02"]):
        s.record_assessment(
            2023, AssessmentGrade.INCOMPETENT, at(2023, 3, 1), POLICY, date(2023, 6, 2)
        )
    assert 2023 not in s.assessments


def test_a_failing_assessment_cannot_precede_the_last_status_change() -> None:
    """Otherwise the removal would end a suspension before it began."""
    s = supervisor()
    s.suspend("涉嫌违纪", at(2023, 5, 1), POLICY)
    with refused(InvalidTransition, s, names=["'S1'", "2023-03-01", "2023-05-01"]):
        s.record_assessment(2022, AssessmentGrade.INCOMPETENT, at(2023, 3, 1), POLICY)
    assert [(p.start, p.end) for p in s.inactive] == [(date(2023, 5, 1), None)]
