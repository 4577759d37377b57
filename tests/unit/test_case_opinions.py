"""The Case aggregate, part two: the opinion lifecycle, objections, decision and closing
(件件有着落、事事有回音)."""

from __future__ import annotations

from datetime import date, timedelta

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
    opinion_case,
    refused,
    supervisor,
)

from supervision_ledger.domain import (
    ActivityType,
    AlreadyExists,
    Case,
    CaseClosed,
    Deadline,
    ExplanationRequired,
    FeedbackStage,
    InvalidTransition,
    NotAttended,
    NotFound,
    ObjectionRuling,
    OpinionOutcome,
    OpinionStage,
    OpinionsUnanswered,
    OutOfOrder,
    Policy,
    Role,
    SupervisorNotActive,
)

# -- events ------------------------------------------------------------------------------


def test_opinion_submitted_by_an_attendee() -> None:
    s = supervisor()
    k = attended(case_with_activity(), s)
    k.submit_opinion("O1", "A1", s, "建议补充证据", at(2023, 3, 4), POLICY)
    event = only_event(k, Case.OpinionSubmitted)
    assert (event.opinion, event.activity, event.supervisor, event.content) == (
        "O1",
        "A1",
        "S1",
        "建议补充证据",
    )
    op = k.opinion("O1")
    assert op.stage is OpinionStage.SUBMITTED and not op.answered
    assert k.next_opinion_key() == "O2"


def test_opinion_submitted_by_the_initiator_without_an_invitation() -> None:
    k, s = case(), supervisor()
    k.open_activity("A1", ActivityType.SUPERVISOR_INITIATED, None, s, None, at(2023, 3, 2), POLICY)
    emitted(k)
    k.submit_opinion("O1", "A1", s, "主动监督意见", at(2023, 3, 2, 10), POLICY)
    assert only_event(k, Case.OpinionSubmitted).supervisor == "S1"


def test_each_opinion_step_emits_its_event() -> None:
    s = supervisor()
    k = opinion_case(s)
    k.receive_opinion("O1", at(2023, 3, 5))
    assert only_event(k, Case.OpinionReceived).opinion == "O1"
    assert k.opinion("O1").stage is OpinionStage.RECEIVED
    k.route_opinion("O1", "第一检察部", at(2023, 3, 6))
    routed = only_event(k, Case.OpinionRouted)
    assert (routed.opinion, routed.department) == ("O1", "第一检察部")
    assert k.opinion("O1").department == "第一检察部"
    k.decide_opinion("O1", OpinionOutcome.PARTLY_ADOPTED, "部分证据已补充", at(2023, 3, 7))
    decided = only_event(k, Case.OpinionDecided)
    assert (decided.outcome, decided.explanation) == (
        OpinionOutcome.PARTLY_ADOPTED,
        "部分证据已补充",
    )
    assert k.opinion("O1").stage is OpinionStage.DECIDED and not k.opinion("O1").answered
    k.give_feedback("O1", "已电话反馈", at(2023, 3, 8))
    feedback = only_event(k, Case.FeedbackGiven)
    assert (feedback.opinion, feedback.content) == ("O1", "已电话反馈")
    assert k.opinion("O1").answered
    k.report_implementation("O1", "已落实", at(2023, 3, 9))
    implemented = only_event(k, Case.ImplementationReported)
    assert (implemented.opinion, implemented.content) == ("O1", "已落实")
    assert k.opinion("O1").stage is OpinionStage.IMPLEMENTATION_REPORTED


def test_objection_then_ruling() -> None:
    s = supervisor()
    k = opinion_case(s, "rodf")
    k.object_to_feedback("O1", "理由不充分", at(2023, 3, 20))
    objected = only_event(k, Case.FeedbackObjected)
    assert (objected.opinion, objected.reason) == ("O1", "理由不充分")
    assert k.opinion("O1").objection_pending and not k.opinion("O1").answered
    k.rule_on_objection("O1", ObjectionRuling.REJECTED, "原决定正确", at(2023, 3, 21))
    ruled = only_event(k, Case.ObjectionRuled)
    assert (ruled.ruling, ruled.reasons) == (ObjectionRuling.REJECTED, "原决定正确")
    assert k.opinion("O1").answered


def test_decision_recorded_and_closed() -> None:
    s = supervisor()
    k = opinion_case(s, "rodf")
    k.record_decision("不起诉", at(2023, 4, 1))
    event = only_event(k, Case.DecisionRecorded)
    assert (event.decision, k.decision, k.decided_at) == ("不起诉", "不起诉", at(2023, 4, 1))
    k.close(at(2023, 4, 2))
    assert only_event(k, Case.Closed).occurred_at == at(2023, 4, 2)
    assert k.is_closed


def test_implementation_may_be_reported_after_closing() -> None:
    s = supervisor()
    k = opinion_case(s, "rodf")
    k.close(at(2023, 4, 1))
    emitted(k)
    k.report_implementation("O1", "整改完毕", at(2023, 5, 1))
    assert only_event(k, Case.ImplementationReported).content == "整改完毕"


def test_a_case_without_opinions_closes() -> None:
    k = case_with_activity()
    k.close(at(2023, 3, 10))
    assert only_event(k, Case.Closed).occurred_at == at(2023, 3, 10)


# -- rule violations ---------------------------------------------------------------------


def test_opinion_key_is_unique() -> None:
    s = supervisor()
    k = opinion_case(s)
    with refused(AlreadyExists, k, names=["K1", "O1"]):
        k.submit_opinion("O1", "A1", s, "again", at(2023, 3, 5), POLICY)


def test_uninvited_supervisor_cannot_submit() -> None:
    k, s = case_with_activity(), supervisor()
    with refused(NotAttended, k, names=["S1", "A1", "K1", "not invited"]):
        k.submit_opinion("O1", "A1", s, "x", at(2023, 3, 4), POLICY)


@pytest.mark.parametrize("step", ["invited", "accepted", "declined"])
def test_only_an_attendee_may_submit(step: str) -> None:
    k, s = case_with_activity(), supervisor()
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    if step == "accepted":
        k.accept_invitation("A1", "S1", at(2023, 3, 3))
    if step == "declined":
        k.decline_invitation("A1", "S1", None, at(2023, 3, 3))
    fresh(k)
    with refused(NotAttended, k, names=["S1", "A1", step]):
        k.submit_opinion("O1", "A1", s, "x", at(2023, 3, 4), POLICY)


def test_someone_else_cannot_submit_on_a_supervisor_initiated_activity() -> None:
    k, s, t = case(), supervisor(), supervisor("S2")
    k.open_activity("A1", ActivityType.SUPERVISOR_INITIATED, None, s, None, at(2023, 3, 2), POLICY)
    fresh(k)
    with refused(NotAttended, k, names=["S2"]):
        k.submit_opinion("O1", "A1", t, "x", at(2023, 3, 4), POLICY)


def test_opinion_before_attendance_is_out_of_order() -> None:
    s = supervisor()
    k = attended(case_with_activity(), s, at(2023, 3, 3, 15))
    with refused(OutOfOrder, k, names=["O1"]):
        k.submit_opinion("O1", "A1", s, "x", at(2023, 3, 3, 14), POLICY)


@pytest.mark.parametrize("change", ["suspend", "remove"])
def test_supervisor_inactive_on_the_submission_date_cannot_submit(change: str) -> None:
    s = supervisor()
    k = attended(case_with_activity(), s)
    getattr(s, change)("x", at(2023, 3, 4), POLICY)
    fresh(s)
    with refused(SupervisorNotActive, k, s, names=["S1", "2023-03-05"]):
        k.submit_opinion("O1", "A1", s, "x", at(2023, 3, 5), POLICY)


def test_supervisor_out_of_term_on_the_submission_date_cannot_submit() -> None:
    s = supervisor(term_end=date(2023, 3, 3))
    k = attended(case_with_activity(), s)
    with refused(SupervisorNotActive, k, s, names=["S1", "2023-03-04"]):
        k.submit_opinion("O1", "A1", s, "x", at(2023, 3, 4), POLICY)


def test_unknown_opinion_is_not_found() -> None:
    k = case_with_activity()
    with refused(NotFound, k, names=["K1", "O7"]):
        k.receive_opinion("O7", at(2023, 3, 5))


STEP_CALLS = {
    "received": lambda k, t: k.receive_opinion("O1", t),
    "routed": lambda k, t: k.route_opinion("O1", "部门", t),
    "decided": lambda k, t: k.decide_opinion("O1", OpinionOutcome.ADOPTED, None, t),
    "feedback": lambda k, t: k.give_feedback("O1", "反馈", t),
    "implementation reported": lambda k, t: k.report_implementation("O1", "落实", t),
}


@pytest.mark.parametrize(
    ("done", "step"),
    [
        ("", "routed"),
        ("", "decided"),
        ("", "feedback"),
        ("", "implementation reported"),
        ("r", "received"),
        ("r", "decided"),
        ("ro", "feedback"),
        ("ro", "routed"),
        ("rod", "implementation reported"),
        ("rod", "decided"),
        ("rodf", "feedback"),
        ("rodfi", "implementation reported"),
    ],
)
def test_opinion_steps_follow_the_stage_order(done: str, step: str) -> None:
    k = opinion_case(supervisor(), done)
    stage = k.opinion("O1").stage.value
    with refused(InvalidTransition, k, names=["O1", "K1", step, stage]):
        STEP_CALLS[step](k, at(2023, 3, 28))


@pytest.mark.parametrize("step", ["received", "routed", "decided", "feedback"])
def test_opinion_step_before_the_previous_one_is_out_of_order(step: str) -> None:
    done = {"received": "", "routed": "r", "decided": "ro", "feedback": "rod"}[step]
    k = opinion_case(supervisor(), done)
    last = k.opinion("O1").last_step_at
    with refused(OutOfOrder, k, names=["O1"]):
        STEP_CALLS[step](k, last.replace(hour=last.hour - 1))


@pytest.mark.parametrize("outcome", [OpinionOutcome.NOT_ADOPTED, OpinionOutcome.PARTLY_ADOPTED])
@pytest.mark.parametrize("explanation", [None, "", "   "])
def test_not_or_partly_adopted_needs_an_explanation(
    outcome: OpinionOutcome, explanation: str | None
) -> None:
    k = opinion_case(supervisor(), "ro")
    with refused(ExplanationRequired, k, names=["O1", "K1", outcome.value]):
        k.decide_opinion("O1", outcome, explanation, at(2023, 3, 20))


def test_adopted_needs_no_explanation() -> None:
    k = opinion_case(supervisor(), "ro")
    k.decide_opinion("O1", OpinionOutcome.ADOPTED, None, at(2023, 3, 20))
    assert only_event(k, Case.OpinionDecided).explanation is None


def test_no_implementation_for_a_not_adopted_opinion() -> None:
    k = opinion_case(supervisor(), "ro")
    k.decide_opinion("O1", OpinionOutcome.NOT_ADOPTED, "证据已充分", at(2023, 3, 20))
    k.give_feedback("O1", "不采纳", at(2023, 3, 21))
    fresh(k)
    with refused(InvalidTransition, k, names=["O1", "K1", "not adopted"]):
        k.report_implementation("O1", "x", at(2023, 3, 22))


def test_objection_only_after_feedback() -> None:
    k = opinion_case(supervisor(), "rod")
    with refused(InvalidTransition, k, names=["O1", "decided"]):
        k.object_to_feedback("O1", "x", at(2023, 3, 20))


def test_only_one_objection_per_opinion() -> None:
    k = opinion_case(supervisor(), "rodfx")
    k.rule_on_objection("O1", ObjectionRuling.UPHELD, "重新办理", at(2023, 3, 20))
    fresh(k)
    with refused(InvalidTransition, k, names=["O1", "K1", "already had an objection"]):
        k.object_to_feedback("O1", "again", at(2023, 3, 21))


def test_pending_objection_blocks_further_steps() -> None:
    k = opinion_case(supervisor(), "rodfx")
    with refused(InvalidTransition, k, names=["O1", "objection"]):
        k.report_implementation("O1", "x", at(2023, 3, 20))


def test_ruling_needs_a_pending_objection() -> None:
    k = opinion_case(supervisor(), "rodf")
    with refused(InvalidTransition, k, names=["O1", "K1", "no objection"]):
        k.rule_on_objection("O1", ObjectionRuling.UPHELD, "x", at(2023, 3, 20))


def test_ruling_needs_reasons() -> None:
    k = opinion_case(supervisor(), "rodfx")
    with refused(ExplanationRequired, k, names=["O1"]):
        k.rule_on_objection("O1", ObjectionRuling.REJECTED, "  ", at(2023, 3, 20))


def test_ruling_before_the_objection_is_out_of_order() -> None:
    k = opinion_case(supervisor(), "rodfx")
    with refused(OutOfOrder, k, names=["O1"]):
        k.rule_on_objection("O1", ObjectionRuling.REJECTED, "x", at(2023, 3, 9, 8))


@pytest.mark.parametrize("done", ["", "r", "ro", "rod", "rodfx"])
def test_close_refused_while_an_opinion_is_unanswered(done: str) -> None:
    s = supervisor()
    k = opinion_case(s, done)
    with refused(OpinionsUnanswered, k, names=["K1", "'O1'"]):
        k.close(at(2023, 4, 1))
    assert not k.is_closed


def test_close_names_every_unanswered_opinion() -> None:
    s = supervisor()
    k = opinion_case(s, "rodf")
    k.submit_opinion("O2", "A1", s, "第二条意见", at(2023, 3, 20), POLICY)
    k.submit_opinion("O3", "A1", s, "第三条意见", at(2023, 3, 20), POLICY)
    fresh(k)
    with refused(OpinionsUnanswered, k, names=["'O2'", "'O3'"]) as info:
        k.close(at(2023, 4, 1))
    assert "'O1'" not in info.value.message


CLOSED_CALLS = {
    "open_activity": lambda k, s: k.open_activity(
        "A2", ActivityType.OTHER, None, None, None, at(2023, 5, 1), POLICY
    ),
    "invite": lambda k, s: k.invite("A1", s, Role.PEOPLES_SUPERVISOR, at(2023, 5, 1), POLICY),
    "draw": lambda k, s: k.draw_supervisors(
        "A1", [s], Role.PEOPLES_SUPERVISOR, 1, None, 1, at(2023, 5, 1), POLICY
    ),
    "accept": lambda k, s: k.accept_invitation("A1", "S1", at(2023, 5, 1)),
    "submit": lambda k, s: k.submit_opinion("O2", "A1", s, "x", at(2023, 5, 1), POLICY),
    "receive": lambda k, s: k.receive_opinion("O1", at(2023, 5, 1)),
    "route": lambda k, s: k.route_opinion("O1", "x", at(2023, 5, 1)),
    "decide": lambda k, s: k.decide_opinion("O1", OpinionOutcome.ADOPTED, None, at(2023, 5, 1)),
    "feedback": lambda k, s: k.give_feedback("O1", "x", at(2023, 5, 1)),
    "object": lambda k, s: k.object_to_feedback("O1", "x", at(2023, 5, 1)),
    "rule": lambda k, s: k.rule_on_objection("O1", ObjectionRuling.UPHELD, "x", at(2023, 5, 1)),
    "record_decision": lambda k, s: k.record_decision("x", at(2023, 5, 1)),
    "close": lambda k, s: k.close(at(2023, 5, 1)),
}


@pytest.mark.parametrize("call", CLOSED_CALLS.values(), ids=CLOSED_CALLS.keys())
def test_a_closed_case_refuses_changes(call: object) -> None:
    s = supervisor()
    k = opinion_case(s, "rodf")
    k.close(at(2023, 4, 1))
    fresh(k)
    with refused(CaseClosed, k, names=["K1"]):
        call(k, supervisor("S2"))  # type: ignore[operator]


# -- nothing waits forever: each awaited step has a due date -----------------------------

# opinion_case: submitted 2023-03-04; steps on 03-05, 03-06, … in order.
WAITS = [
    ("", FeedbackStage.AWAITING_RECEIPT, date(2023, 3, 11)),  # submitted + 7
    ("r", FeedbackStage.AWAITING_DECISION, date(2023, 4, 3)),  # submitted + 30
    ("ro", FeedbackStage.AWAITING_DECISION, date(2023, 4, 3)),  # routing is not a decision
    ("rod", FeedbackStage.AWAITING_FEEDBACK, date(2023, 3, 22)),  # decided 03-07 + 15
    ("rodf", FeedbackStage.AWAITING_IMPLEMENTATION_REPORT, None),  # no deadline by default
    ("rodfx", FeedbackStage.AWAITING_OBJECTION_RULING, date(2023, 4, 8)),  # objected 03-09 + 30
    ("rodfi", None, None),
]


@pytest.mark.parametrize(("steps", "stage", "due"), WAITS)
def test_each_awaited_step_has_its_due_date(
    steps: str, stage: FeedbackStage | None, due: date | None
) -> None:
    k = opinion_case(supervisor(), steps)
    op = k.opinion("O1")
    assert op.waits_for is stage
    assert op.due_on(POLICY) == due
    if due is not None:
        assert not op.overdue_on(due, POLICY)  # on time through the due day
        assert op.overdue_on(due + timedelta(days=1), POLICY)
        assert k.overdue_opinions(due + timedelta(days=1), POLICY) == [op]
    else:
        assert k.overdue_opinions(date(2030, 1, 1), POLICY) == []


def test_deadlines_follow_the_policy_and_none_means_no_deadline() -> None:
    k = opinion_case(supervisor(), "r")
    op = k.opinion("O1")
    strict = Policy(opinion_decision_due=Deadline(days=10, working_days=True))
    assert op.due_on(strict) == date(2023, 3, 17)  # 10 working days after Sat 03-04
    lax = Policy(opinion_decision_due=None)
    assert op.due_on(lax) is None and not op.overdue_on(date(2030, 1, 1), lax)
    reporting = Policy(implementation_report_due=Deadline(days=60))
    done = opinion_case(supervisor(), "rodf").opinion("O1")
    assert done.due_on(reporting) == date(2023, 3, 7) + timedelta(days=60)


def test_a_case_may_close_while_only_the_implementation_report_is_awaited() -> None:
    k = opinion_case(supervisor(), "rodf")
    assert k.opinion("O1").answered and k.unanswered_opinions() == []
    assert opinion_case(supervisor(), "rodfx").unanswered_opinions() != []
