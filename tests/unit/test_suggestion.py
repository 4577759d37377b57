"""Procuratorial suggestions (检察建议): every event and every rule."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from eventsourcing.persistence import StoredEvent
from flow_fixtures import at, event_names, new_case

from supervision_ledger.domain import (
    DEFAULT_POLICY,
    ActivityType,
    AlreadyExists,
    Case,
    Deadline,
    EscalationGround,
    EscalationNeedsApproval,
    ExplanationRequired,
    InvalidDeadline,
    InvalidTransition,
    NotFound,
    NotOverdue,
    ObjectionOutcome,
    OutOfOrder,
    RecipientType,
    ReplyTiming,
    RuleViolation,
    Suggestion,
    SuggestionStage,
    SuggestionType,
)
from supervision_ledger.domain.errors import ApproverNotEntitled
from supervision_ledger.domain.values import Approver, ApproverRole
from supervision_ledger.persistence.mapper import MsgspecMapper

P = DEFAULT_POLICY


def case_with_activities() -> Case:
    case = new_case()
    for key, kind in (
        ("A1", ActivityType.PROCURATORIAL_SUGGESTION),
        ("A2", ActivityType.PROCURATORIAL_SUGGESTION),
        ("A3", ActivityType.QUALITY_REVIEW),
    ):
        case.open_activity(key, kind, None, None, None, at("2023-01-03 09:00"), P)
    return case


def drafted(activity: str | None = "A1") -> Suggestion:
    return Suggestion.draft(
        "S1",
        case_with_activities(),
        SuggestionType.SOCIAL_GOVERNANCE,
        "关于河道采砂的检察建议",
        "加强巡查",
        activity,
        at("2023-01-05 09:00"),
    )


def served(served_at: str = "2023-01-31 10:00") -> Suggestion:
    suggestion = drafted()
    suggestion.serve("水利局", False, None, at(served_at), P)
    return suggestion


def test_the_whole_story_records_each_event_in_order() -> None:
    case = case_with_activities()
    s = Suggestion.draft(
        "S1", case, SuggestionType.PUBLIC_INTEREST, None, "c", "A1", at("2023-01-05 09:00")
    )
    s.link_activity(case, "A2", at("2023-01-06 09:00"))
    s.serve("水利局", False, None, at("2023-01-10 09:00"), P)
    s.record_reply("已整改", at("2023-02-10 09:00"))
    s.record_adoption(True, "专项整治", at("2023-02-11 09:00"))
    s.complete_rectification("关停3处", at("2023-03-01 09:00"))
    s.verify_rectification("张检察官", "现场核查", at("2023-03-05 09:00"))
    assert event_names(s) == [
        "Drafted",
        "ActivityLinked",
        "Served",
        "Replied",
        "Adopted",
        "RectificationCompleted",
        "RectificationVerified",
    ]
    assert s.stage is SuggestionStage.VERIFIED and s.adopted
    assert (s.case, s.unit, s.activities) == ("K1", "DLT", ["A1", "A2"])
    assert s.reply_timing(date(2023, 6, 1), P) is ReplyTiming.ON_TIME


def test_linked_activities_must_be_type_4_of_the_same_case() -> None:
    case = case_with_activities()
    with pytest.raises(RuleViolation, match="quality_review"):
        Suggestion.draft("S1", case, SuggestionType.OTHER, None, "c", "A3", at("2023-01-05 09:00"))
    with pytest.raises(NotFound, match="'A9'"):
        Suggestion.draft("S1", case, SuggestionType.OTHER, None, "c", "A9", at("2023-01-05 09:00"))
    s = Suggestion.draft("S1", case, SuggestionType.OTHER, None, "c", "A1", at("2023-01-05 09:00"))
    with pytest.raises(AlreadyExists):
        s.link_activity(case, "A1", at("2023-01-06 09:00"))
    other = new_case("K2")
    other.open_activity(
        "A2", ActivityType.PROCURATORIAL_SUGGESTION, None, None, None, at("2023-01-03 09:00"), P
    )
    with pytest.raises(RuleViolation, match="case 'K1'"):
        s.link_activity(other, "A2", at("2023-01-06 09:00"))


def test_linking_an_activity_before_the_draft_is_out_of_order() -> None:
    case = case_with_activities()
    s = Suggestion.draft("S1", case, SuggestionType.OTHER, None, "c", "A1", at("2023-01-05 09:00"))
    s.collect_events()
    with pytest.raises(OutOfOrder, match="'S1'"):
        s.link_activity(case, "A2", at("2023-01-04 09:00"))
    assert s.collect_events() == [] and s.activities == ["A1"]


def test_drafting_before_the_case_was_registered_is_out_of_order() -> None:
    with pytest.raises(OutOfOrder):
        Suggestion.draft(
            "S1", new_case(), SuggestionType.OTHER, None, "c", None, at("2022-12-01 09:00")
        )


def test_reply_is_due_two_months_after_service_clamped_to_month_end() -> None:
    assert served("2023-12-31 10:00").reply_due(P) == date(2024, 2, 29)
    assert served("2023-03-15 10:00").reply_due(P) == date(2023, 5, 15)
    one_month = replace(P, suggestion_reply_months=1)
    assert served("2023-03-15 10:00").reply_due(one_month) == date(2023, 4, 15)
    assert drafted().reply_due(P) is None


def test_service_is_on_the_local_date() -> None:
    # 15:30 UTC on 31 Jan is 23:30 in Shanghai, still 31 Jan; 16:30 UTC is 1 Feb there.
    late_evening = drafted()
    late_evening.serve("局", False, None, datetime(2023, 1, 31, 15, 30, tzinfo=UTC), P)
    assert late_evening.served_on(P) == date(2023, 1, 31)
    assert late_evening.reply_due(P) == date(2023, 3, 31)
    after_midnight = drafted()
    after_midnight.serve("局", False, None, datetime(2023, 1, 31, 16, 30, tzinfo=UTC), P)
    assert after_midnight.reply_due(P) == date(2023, 4, 1)


def test_urgent_suggestion_uses_the_policy_or_its_own_earlier_date() -> None:
    s = drafted()
    s.serve("水利局", True, None, at("2023-03-01 10:00"), P)
    assert s.reply_due(P) == date(2023, 3, 16)
    assert s.reply_due(replace(P, urgent_suggestion_reply=Deadline(days=5))) == date(2023, 3, 6)
    stated = drafted()
    stated.serve("水利局", True, date(2023, 3, 10), at("2023-03-01 10:00"), P)
    assert stated.reply_due(P) == date(2023, 3, 10)


@pytest.mark.parametrize(
    ("urgent", "due", "reason"),
    [
        (False, date(2023, 3, 10), "only an urgent suggestion"),
        (True, date(2023, 5, 1), "before the regular due date"),
        (True, date(2023, 6, 1), "before the regular due date"),
        (True, date(2023, 3, 1), "after service"),
    ],
)
def test_a_stated_due_date_must_be_urgent_and_earlier(urgent: bool, due: date, reason: str) -> None:
    s = drafted()
    with pytest.raises(InvalidDeadline, match=reason):
        s.serve("水利局", urgent, due, at("2023-03-01 10:00"), P)
    assert s.stage is SuggestionStage.DRAFTED


def test_reply_timing_pending_overdue_on_time_late() -> None:
    s = served("2023-03-01 10:00")  # due 2023-05-01
    assert s.reply_timing(date(2023, 5, 1), P) is ReplyTiming.PENDING
    assert s.reply_timing(date(2023, 5, 2), P) is ReplyTiming.OVERDUE
    assert s.is_overdue(date(2023, 5, 2), P)
    on_due_day = served("2023-03-01 10:00")
    on_due_day.record_reply("r", at("2023-05-01 23:59"))
    assert on_due_day.reply_timing(date(2023, 9, 1), P) is ReplyTiming.ON_TIME


def test_a_reply_after_the_due_date_is_recorded_and_stays_late() -> None:
    s = served("2023-03-01 10:00")
    s.record_reply("迟到的回复", at("2023-05-02 09:00"))
    assert s.stage is SuggestionStage.REPLIED
    assert s.reply_timing(date(2023, 5, 2), P) is ReplyTiming.LATE
    assert not s.is_overdue(date(2023, 6, 1), P)


def test_wrong_stage_steps_are_refused() -> None:
    s = drafted()
    with pytest.raises(InvalidTransition, match="'replied' needs it served"):
        s.record_reply("r", at("2023-02-01 09:00"))
    s.serve("水利局", False, None, at("2023-02-01 09:00"), P)
    with pytest.raises(InvalidTransition, match="needs it drafted"):
        s.serve("另一单位", False, None, at("2023-02-02 09:00"), P)
    with pytest.raises(InvalidTransition, match="'rectification completed' needs it adopted"):
        s.complete_rectification("x", at("2023-02-02 09:00"))
    with pytest.raises(InvalidTransition, match="needs it rectified"):
        s.verify_rectification("x", "y", at("2023-02-02 09:00"))


def test_adopted_only_after_a_reply() -> None:
    s = served()
    with pytest.raises(InvalidTransition, match="'adoption' needs it replied"):
        s.record_adoption(True, None, at("2023-02-10 09:00"))
    assert not s.adopted
    s.record_reply("r", at("2023-02-10 09:00"))
    s.record_adoption(True, None, at("2023-02-11 09:00"))
    assert s.adopted
    with pytest.raises(InvalidTransition):
        s.record_adoption(False, "no", at("2023-02-12 09:00"))


def test_not_adopted_needs_reasons_and_has_nothing_to_rectify() -> None:
    s = served()
    s.record_reply("r", at("2023-02-10 09:00"))
    with pytest.raises(ExplanationRequired, match="'S1'"):
        s.record_adoption(False, "  ", at("2023-02-11 09:00"))
    s.record_adoption(False, "缺乏法律依据", at("2023-02-11 09:00"))
    assert event_names(s)[-1] == "NotAdopted"
    assert s.stage is SuggestionStage.NOT_ADOPTED and not s.adopted
    with pytest.raises(InvalidTransition):
        s.complete_rectification("x", at("2023-03-01 09:00"))


def test_steps_may_not_go_back_in_time() -> None:
    s = served("2023-02-01 09:00")
    with pytest.raises(OutOfOrder):
        s.record_reply("r", at("2023-01-31 09:00"))


def test_urging_only_when_overdue_and_repeatable() -> None:
    s = served("2023-03-01 10:00")  # due 2023-05-01
    with pytest.raises(NotOverdue, match="due 2023-05-01"):
        s.urge(None, at("2023-05-01 18:00"), P)
    s.urge("电话催办", at("2023-05-02 09:00"), P)
    s.urge("书面催办", at("2023-05-10 09:00"), P)
    assert len(s.urged_at) == 2
    s.record_reply("r", at("2023-05-11 09:00"))
    with pytest.raises(InvalidTransition):
        s.urge(None, at("2023-05-12 09:00"), P)
    # A policy with a longer reply period makes the same day not overdue.
    t = served("2023-03-01 10:00")
    with pytest.raises(NotOverdue):
        t.urge(None, at("2023-05-02 09:00"), replace(P, suggestion_reply_months=3))


def test_escalation_needs_urging_overdue_and_the_chief_prosecutors_approval() -> None:
    s = served("2023-03-01 10:00")
    with pytest.raises(NotOverdue):
        s.escalate("政府", True, "r", at("2023-04-01 09:00"), P)
    with pytest.raises(InvalidTransition, match="not been urged"):
        s.escalate("政府", True, "r", at("2023-05-03 09:00"), P)
    s.urge(None, at("2023-05-03 09:00"), P)
    with pytest.raises(EscalationNeedsApproval, match="chief prosecutor"):
        s.escalate("政府", False, "r", at("2023-05-20 09:00"), P)
    with pytest.raises(ExplanationRequired):
        s.escalate("政府", True, " ", at("2023-05-20 09:00"), P)
    event_names(s)
    s.escalate("旗人民政府", True, "催办后仍未回复", at("2023-05-20 09:00"), P)
    assert event_names(s) == ["Escalated"]
    assert s.escalated_to == "旗人民政府"
    with pytest.raises(InvalidTransition, match="already escalated"):
        s.escalate("人大", True, "r", at("2023-05-21 09:00"), P)
    # The reply may still come, late.
    s.record_reply("r", at("2023-05-25 09:00"))
    assert s.reply_timing(date(2023, 5, 25), P) is ReplyTiming.LATE


# -- issue 12, point 9 -----------------------------------------------------------------------

CHIEF = Approver(ApproverRole.CHIEF_PROSECUTOR, "检察长 李某")


def served_on(recipient_type: RecipientType, served_at: str = "2023-01-31 10:00") -> Suggestion:
    suggestion = drafted()
    suggestion.serve("收件单位", False, None, at(served_at), P, recipient_type=recipient_type)
    return suggestion


@pytest.mark.parametrize(
    ("recipient_type", "due"),
    [
        (RecipientType.COURT, date(2023, 5, 31)),  # 3 + 1 months, clamped to the month's end
        (RecipientType.ADMINISTRATIVE, date(2023, 3, 31)),
        (RecipientType.OTHER, date(2023, 3, 31)),
    ],
)
def test_the_reply_is_due_by_recipient_type(recipient_type: RecipientType, due: date) -> None:
    s = served_on(recipient_type)
    assert s.recipient_type is recipient_type
    assert s.reply_due(P) == due


def test_a_courts_extension_and_months_are_policy() -> None:
    s = served_on(RecipientType.COURT)
    assert s.reply_due(replace(P, court_suggestion_reply_extension_months=0)) == date(2023, 4, 30)
    assert s.reply_due(replace(P, court_suggestion_reply_months=2)) == date(2023, 4, 30)
    # Urgent: the policy's urgent deadline, or a stated date before the court's 4 months.
    urgent = drafted()
    urgent.serve(
        "法院",
        True,
        date(2023, 5, 1),
        at("2023-01-31 10:00"),
        P,
        recipient_type=RecipientType.COURT,
    )
    assert urgent.reply_due(P) == date(2023, 5, 1)
    with pytest.raises(InvalidDeadline):
        drafted().serve(
            "局", True, date(2023, 5, 1), at("2023-01-31 10:00"), P,
            recipient_type=RecipientType.ADMINISTRATIVE,
        )  # fmt: skip


def test_a_court_is_not_overdue_before_its_longer_deadline() -> None:
    s = served_on(RecipientType.COURT)
    with pytest.raises(NotOverdue):
        s.urge(None, at("2023-04-05 09:00"), P)
    s.urge(None, at("2023-06-01 09:00"), P)


def replied(stage: str) -> Suggestion:
    s = served()
    s.record_reply("收到", at("2023-02-10 09:00"))
    if stage in ("adopted", "rectified"):
        s.record_adoption(True, None, at("2023-02-11 09:00"))
    if stage == "not_adopted":
        s.record_adoption(False, "不同意", at("2023-02-11 09:00"))
    if stage == "rectified":
        s.complete_rectification("已整改", at("2023-02-20 09:00"))
    return s


@pytest.mark.parametrize("stage", ["replied", "adopted", "not_adopted"])
def test_escalation_when_not_rectified_after_the_reply(stage: str) -> None:
    s = replied(stage)
    with pytest.raises(InvalidTransition):  # nothing reported to be inadequate
        s.escalate("政府", True, "r", at("2023-03-01 09:00"), P, EscalationGround.INADEQUATE)
    with pytest.raises(InvalidTransition):  # a reply was given
        s.escalate("政府", True, "r", at("2023-04-10 09:00"), P, EscalationGround.NO_REPLY)
    with pytest.raises(EscalationNeedsApproval):
        s.escalate("政府", False, "r", at("2023-03-01 09:00"), P, EscalationGround.NOT_RECTIFIED)
    with pytest.raises(RuleViolation, match="named once"):
        s.escalate(
            "政府", True, "r", at("2023-03-01 09:00"), P, EscalationGround.NOT_RECTIFIED,
            also_to=("人大", "政府"),
        )  # fmt: skip
    event_names(s)
    s.escalate(
        "政府", False, "回复后不整改", at("2023-03-01 09:00"), P, EscalationGround.NOT_RECTIFIED,
        also_to=("人大常委会", "监察委"), approver=CHIEF,
    )  # fmt: skip
    assert event_names(s) == ["Escalated"]
    assert s.escalated_bodies == ["政府", "人大常委会", "监察委"]
    assert s.escalation_ground_after_reply is EscalationGround.NOT_RECTIFIED
    assert s.escalated_at is None and s.escalated_after_reply_at is not None
    with pytest.raises(InvalidTransition, match="already escalated after its reply"):
        s.escalate("人大", True, "r", at("2023-03-02 09:00"), P, EscalationGround.NOT_RECTIFIED)


def test_escalation_when_rectified_inadequately() -> None:
    s = replied("rectified")
    with pytest.raises(InvalidTransition):
        s.escalate("政府", True, "r", at("2023-03-01 09:00"), P, EscalationGround.NOT_RECTIFIED)
    deputy = Approver(ApproverRole.DEPARTMENT_HEAD, "部门负责人 王某")
    with pytest.raises(ApproverNotEntitled):
        s.escalate(
            "政府", True, "r", at("2023-03-01 09:00"), P, EscalationGround.INADEQUATE,
            approver=deputy,
        )  # fmt: skip
    s.escalate("政府", True, "整改不到位", at("2023-03-01 09:00"), P, EscalationGround.INADEQUATE)
    assert s.escalation_ground_after_reply is EscalationGround.INADEQUATE
    # Verification may still follow.
    s.verify_rectification("张检察官", "复查", at("2023-04-01 09:00"))
    assert s.stage is SuggestionStage.VERIFIED


def test_an_objection_is_reviewed_upheld_then_amended() -> None:
    s = served()
    with pytest.raises(InvalidTransition, match="no objection"):
        s.review_objection(ObjectionOutcome.UPHELD, "r", None, CHIEF, at("2023-02-01 09:00"), P)
    with pytest.raises(ExplanationRequired):
        s.raise_objection(" ", at("2023-02-01 09:00"))
    s.raise_objection("事实有误", at("2023-02-01 09:00"))
    with pytest.raises(InvalidTransition, match="awaiting review"):
        s.raise_objection("again", at("2023-02-02 09:00"))
    with pytest.raises(RuleViolation, match="only an amendment"):
        s.review_objection(ObjectionOutcome.UPHELD, "r", "新文本", None, at("2023-02-03 09:00"), P)
    s.review_objection(
        ObjectionOutcome.UPHELD, "异议不成立", None, CHIEF, at("2023-02-03 09:00"), P
    )
    assert s.stage is SuggestionStage.SERVED and not s.objection_pending
    s.record_reply("回复并再提异议", at("2023-02-10 09:00"))
    s.raise_objection("仍有异议", at("2023-02-11 09:00"))
    with pytest.raises(InvalidTransition, match="awaiting review"):
        s.record_adoption(True, None, at("2023-02-11 10:00"))
    with pytest.raises(ExplanationRequired, match="amended text"):
        s.review_objection(ObjectionOutcome.AMENDED, "r", None, CHIEF, at("2023-02-12 09:00"), P)
    s.review_objection(ObjectionOutcome.AMENDED, "修改", "新文本", CHIEF, at("2023-02-12 09:00"), P)
    assert s.content == "新文本"
    assert s.objection_outcomes == [ObjectionOutcome.UPHELD, ObjectionOutcome.AMENDED]
    assert event_names(s)[-5:] == [
        "ObjectionRaised", "ObjectionReviewed", "Replied", "ObjectionRaised", "ObjectionReviewed",
    ]  # fmt: skip
    s.record_adoption(True, None, at("2023-02-13 09:00"))
    with pytest.raises(InvalidTransition):  # past the adoption decision
        s.raise_objection("late", at("2023-02-14 09:00"))


def test_a_withdrawn_suggestion_awaits_nothing() -> None:
    s = served()
    s.raise_objection("不属实", at("2023-02-01 09:00"))
    s.review_objection(ObjectionOutcome.WITHDRAWN, "撤回", None, CHIEF, at("2023-02-05 09:00"), P)
    assert s.withdrawn and s.stage is SuggestionStage.WITHDRAWN
    assert s.stage_before_withdrawal is SuggestionStage.SERVED
    assert s.reply_timing(date(2024, 1, 1), P) is None
    assert not s.is_overdue(date(2024, 1, 1), P)
    for step in (
        lambda: s.record_reply("r", at("2023-02-06 09:00")),
        lambda: s.urge(None, at("2023-06-06 09:00"), P),
        lambda: s.escalate("政府", True, "r", at("2023-06-06 09:00"), P),
        lambda: s.raise_objection("again", at("2023-02-06 09:00")),
    ):
        with pytest.raises(InvalidTransition):
            step()


@pytest.mark.parametrize("event_class", [Suggestion.Served, Suggestion.Escalated])
def test_events_stored_before_issue_12_read_back_as_before(event_class: type) -> None:
    """A version-1 Served reads back as served on an ``other`` recipient (2 months, as
    before); a version-1 Escalated as ground no_reply, no further body, no approver."""
    mapper = MsgspecMapper()
    fields: dict[str, object] = {
        "originator_id": Suggestion.create_id("S1"),
        "originator_version": 2,
        "timestamp": datetime(2023, 1, 1, tzinfo=UTC),
        "occurred_at": datetime(2023, 1, 1, tzinfo=UTC),
    }
    if event_class is Suggestion.Served:
        fields.update(recipient="局", urgent=False, reply_due_on=None, recipient_type="court")
        new = ("recipient_type",)
    else:
        fields.update(
            escalated_to="政府", chief_approved=True, reasons="r", ground="inadequate",
            also_to=("人大",), approver=CHIEF,
        )  # fmt: skip
        new = ("ground", "also_to", "approver")
    stored = mapper.to_stored_event(event_class(**fields))
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2
    for name in new:
        state.pop(name)
    old = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )
    event = mapper.to_domain_event(old)
    if event_class is Suggestion.Served:
        assert event.recipient_type == RecipientType.OTHER
    else:
        assert event.ground == EscalationGround.NO_REPLY
        assert tuple(event.also_to) == () and event.approver is None
