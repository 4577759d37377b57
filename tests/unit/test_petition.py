"""Petitions (信访): every event and every rule, with calendar and working-day deadlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from flow_fixtures import at, event_names

from supervision_ledger.domain import (
    DEFAULT_POLICY,
    Deadline,
    ExplanationRequired,
    InvalidTransition,
    OutOfOrder,
    Petition,
    PetitionChannel,
    PetitionStage,
    Policy,
    ProceduralOutcome,
    RepliesMissing,
    ReplyTiming,
    RuleViolation,
    WeekdayCalendar,
)

P = DEFAULT_POLICY


def received(
    when: str = "2023-03-01 10:00", anonymous: bool = False, has_contact: bool = True
) -> Petition:
    return Petition(
        key="XF1",
        unit="DLT",
        channel=PetitionChannel.LETTER,
        anonymous=anonymous,
        has_contact=has_contact,
        case=None,
        subject="反映问题",
        occurred_at=at(when),
    )


def accepted(when: str = "2023-03-01 10:00") -> Petition:
    p = received(when)
    p.reply_procedurally(ProceduralOutcome.ACCEPTED, "已受理", None, at(when) + timedelta(days=1))
    return p


def test_the_whole_story_records_each_event_in_order() -> None:
    p = received()
    p.reply_procedurally(ProceduralOutcome.ACCEPTED, "已受理", None, at("2023-03-02 09:00"))
    p.reply_progress("调查中", at("2023-05-20 09:00"))
    p.reply_result("处理完毕", at("2023-06-10 09:00"))
    p.close(at("2023-06-11 09:00"))
    assert event_names(p) == [
        "Received",
        "ProceduralReplied",
        "ProgressReplied",
        "ResultReplied",
        "Closed",
    ]
    assert p.stage is PetitionStage.CLOSED and p.is_closed
    assert p.procedural_outcome is ProceduralOutcome.ACCEPTED


@pytest.mark.parametrize(
    ("anonymous", "has_contact", "excluded"),
    [(False, True, False), (True, True, True), (False, False, True), (True, False, True)],
)
def test_anonymous_or_contactless_petitions_are_flagged(
    anonymous: bool, has_contact: bool, excluded: bool
) -> None:
    assert received(anonymous=anonymous, has_contact=has_contact).excluded_from_reply_rate is (
        excluded
    )


def test_procedural_reply_due_in_seven_calendar_days_through_day_seven() -> None:
    p = received("2023-03-01 10:00")
    assert p.procedural_reply_due(P) == date(2023, 3, 8)
    assert p.procedural_reply_timing(date(2023, 3, 8), P) is ReplyTiming.PENDING
    assert p.procedural_reply_timing(date(2023, 3, 9), P) is ReplyTiming.OVERDUE
    assert p.overdue_replies(date(2023, 3, 9), P) == ["procedural"]
    on_day_seven = received("2023-03-01 10:00")
    on_day_seven.reply_procedurally(ProceduralOutcome.ACCEPTED, "x", None, at("2023-03-08 20:00"))
    assert on_day_seven.procedural_reply_timing(date(2023, 4, 1), P) is ReplyTiming.ON_TIME
    on_day_eight = received("2023-03-01 10:00")
    on_day_eight.reply_procedurally(ProceduralOutcome.ACCEPTED, "x", None, at("2023-03-09 08:00"))
    assert on_day_eight.procedural_reply_timing(date(2023, 4, 1), P) is ReplyTiming.LATE


def test_working_day_deadline_skips_weekends() -> None:
    working = replace(P, petition_procedural_reply=Deadline(7, working_days=True))
    # Received Friday 3 March 2023: 7 working days after it is Tuesday 14 March.
    assert received("2023-03-03 10:00").procedural_reply_due(working) == date(2023, 3, 14)
    holiday = replace(working, calendar=WeekdayCalendar(holidays=frozenset({date(2023, 3, 6)})))
    assert received("2023-03-03 10:00").procedural_reply_due(holiday) == date(2023, 3, 15)


def test_working_day_deadline_over_national_day_with_make_up_days() -> None:
    golden_week = frozenset(date(2023, 9, 29) + timedelta(days=i) for i in range(8))
    make_up = frozenset({date(2023, 10, 7), date(2023, 10, 8)})
    policy = Policy(
        petition_procedural_reply=Deadline(7, working_days=True),
        calendar=WeekdayCalendar(holidays=golden_week, extra_working_days=make_up),
    )
    p = received("2023-09-29 10:00")
    # Oct 7 and 8 (weekend make-up days) count, then 9–13 October.
    assert p.procedural_reply_due(policy) == date(2023, 10, 13)
    assert p.procedural_reply_due(P) == date(2023, 10, 6)


def test_result_due_in_three_months_then_monthly_progress() -> None:
    p = accepted("2023-01-31 10:00")
    assert p.answered_within(P) == date(2023, 4, 30)
    assert p.next_reply_due(P) == date(2023, 4, 30)
    assert p.overdue_replies(date(2023, 4, 30), P) == []
    assert p.overdue_replies(date(2023, 5, 1), P) == ["result"]
    p.reply_progress("调查中", at("2023-04-28 09:00"))
    assert p.first_substantive_reply_on(P) == date(2023, 4, 28)
    assert p.next_reply_due(P) == date(2023, 5, 28)
    assert p.overdue_replies(date(2023, 5, 29), P) == ["result"]
    p.reply_progress("仍在调查", at("2023-05-27 09:00"))
    assert p.next_reply_due(P) == date(2023, 6, 27)
    assert p.next_reply_due(replace(P, petition_progress_months=2)) == date(2023, 7, 27)
    p.reply_result("答复", at("2023-06-01 09:00"))
    assert p.next_reply_due(P) is None
    assert p.overdue_replies(date(2024, 1, 1), P) == []


def test_closing_is_refused_without_both_replies() -> None:
    p = received()
    with pytest.raises(RepliesMissing, match="procedural reply and result reply"):
        p.close(at("2023-03-05 09:00"))
    p.reply_procedurally(ProceduralOutcome.ACCEPTED, "已受理", None, at("2023-03-02 09:00"))
    p.reply_progress("调查中", at("2023-03-20 09:00"))
    with pytest.raises(RepliesMissing, match="lacks its result reply"):
        p.close(at("2023-03-21 09:00"))
    assert not p.is_closed


def test_replies_come_in_order_and_once() -> None:
    p = received()
    with pytest.raises(InvalidTransition, match="no procedural reply"):
        p.reply_result("x", at("2023-03-02 09:00"))
    with pytest.raises(InvalidTransition, match="no procedural reply"):
        p.reply_progress("x", at("2023-03-02 09:00"))
    p.reply_procedurally(ProceduralOutcome.NEEDS_MATERIAL, "请补充", None, at("2023-03-02 09:00"))
    with pytest.raises(InvalidTransition, match="already has its procedural reply"):
        p.reply_procedurally(ProceduralOutcome.ACCEPTED, "x", None, at("2023-03-03 09:00"))
    p.reply_result("x", at("2023-03-10 09:00"))
    with pytest.raises(InvalidTransition, match="already has its result reply"):
        p.reply_result("y", at("2023-03-11 09:00"))
    with pytest.raises(InvalidTransition, match="no progress is owed"):
        p.reply_progress("y", at("2023-03-11 09:00"))
    with pytest.raises(OutOfOrder):
        p.close(at("2023-03-09 09:00"))
    p.close(at("2023-03-12 09:00"))
    with pytest.raises(InvalidTransition, match="is closed"):
        p.close(at("2023-03-13 09:00"))


def test_a_transfer_names_where_it_went_and_only_a_transfer_does() -> None:
    p = received()
    with pytest.raises(RuleViolation, match="transferred_to"):
        p.reply_procedurally(ProceduralOutcome.TRANSFERRED, "x", None, at("2023-03-02 09:00"))
    with pytest.raises(RuleViolation, match="transferred_to"):
        p.reply_procedurally(ProceduralOutcome.ACCEPTED, "x", "公安局", at("2023-03-02 09:00"))
    p.reply_procedurally(ProceduralOutcome.TRANSFERRED, "已转", "旗公安局", at("2023-03-02 09:00"))
    assert p.transferred_to == "旗公安局"


# -- found unreachable later; a leader takes it on (领导包案) ------------------------------


def test_a_petitioner_found_unreachable_leaves_the_reply_rates_with_the_reason() -> None:
    p = accepted()
    assert not p.excluded_from_reply_rate
    p.mark_unreachable("空号", at("2023-03-05 09:00"))
    assert event_names(p)[-1] == "FoundUnreachable"
    assert p.excluded_from_reply_rate and p.unreachable_reason == "空号"
    with pytest.raises(InvalidTransition, match="found unreachable"):
        p.mark_unreachable("无人接听", at("2023-03-06 09:00"))


@pytest.mark.parametrize(
    ("anonymous", "has_contact", "why"),
    [(True, True, "anonymous"), (False, False, "without contact details")],
)
def test_a_petition_already_excluded_cannot_be_marked_unreachable(
    anonymous: bool, has_contact: bool, why: str
) -> None:
    p = received(anonymous=anonymous, has_contact=has_contact)
    with pytest.raises(InvalidTransition, match=why):
        p.mark_unreachable("空号", at("2023-03-05 09:00"))


def test_unreachable_needs_a_reason_an_open_petition_and_order() -> None:
    p = accepted()
    with pytest.raises(ExplanationRequired, match="XF1"):
        p.mark_unreachable("  ", at("2023-03-05 09:00"))
    with pytest.raises(OutOfOrder):
        p.mark_unreachable("空号", at("2023-03-01 09:00"))
    p.reply_result("结果", at("2023-03-10 09:00"))
    p.close(at("2023-03-11 09:00"))
    with pytest.raises(InvalidTransition, match="closed"):
        p.mark_unreachable("空号", at("2023-03-12 09:00"))


def test_a_leader_takes_a_petition_on_once() -> None:
    p = received()
    p.assign_leader("检察长 李某", at("2023-03-02 09:00"))
    assert event_names(p)[-1] == "LeaderAssigned" and p.leader == "检察长 李某"
    with pytest.raises(InvalidTransition, match="李某"):
        p.assign_leader("副检察长 王某", at("2023-03-03 09:00"))
