"""The neighbouring flows through the Ledger API, on SQLite (memory, file) and PostgreSQL:
typed methods, stored events read back, refusals that write nothing, and the seed-003
history with the facts its statistics need."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from scenarios.seed003 import NOISE_UNIT, PERIOD, SEED003_EXPECTED, UNIT, seed003_commands

from supervision_ledger import Ledger
from supervision_ledger import commands as c
from supervision_ledger.domain import (
    AlreadyConverted,
    EscalationNeedsApproval,
    LeadSource,
    LedgerError,
    NotFound,
    NotOverdue,
    RepliesMissing,
    ReplyTiming,
    Role,
    SuggestionStage,
    SupervisorLacksRole,
    TypicalCaseLevel,
)


def position(ledger: Ledger) -> int:
    return ledger.app.recorder.max_notification_id() or 0


def reopen(ledger: Ledger, store_url: str) -> Ledger:
    """A fresh Ledger on the same store (the same one for an in-memory store)."""
    if store_url.endswith(":memory:"):
        return ledger
    ledger.close()
    return Ledger(store=store_url)


def setup(ledger: Ledger) -> None:
    for cmd in [
        {
            "type": "register_unit",
            "unit": "YL",
            "name": "榆林市人民检察院",
            "level": "city",
            "occurred_at": "2023-01-02T09:00",
        },
        {
            "type": "appoint_supervisor",
            "supervisor": "GW1",
            "unit": "YL",
            "name": "王某",
            "roles": ["grid_worker"],
            "term_start": "2023-01-01",
            "occurred_at": "2023-01-02T10:00",
        },
        {
            "type": "appoint_supervisor",
            "supervisor": "PS1",
            "unit": "YL",
            "name": "李某",
            "roles": ["peoples_supervisor"],
            "term_start": "2023-01-01",
            "occurred_at": "2023-01-02T10:00",
        },
        {
            "type": "register_case",
            "case": "K1",
            "unit": "YL",
            "kind": "public_interest_litigation",
            "handling_prosecutor": "张某",
            "received_on": "2023-01-10",
            "occurred_at": "2023-01-10T09:00",
        },
        {
            "type": "open_activity",
            "case": "K1",
            "activity": "A1",
            "activity_type": "procuratorial_suggestion",
            "occurred_at": "2023-01-11T09:00",
        },
    ]:
        ledger.execute(cmd)


def test_suggestion_story_through_the_typed_methods(store_url: str) -> None:
    ledger = Ledger(store=store_url)
    setup(ledger)
    ledger.draft_suggestion(
        c.DraftSuggestion(
            suggestion="S1",
            case="K1",
            suggestion_type="social_governance",  # type: ignore[arg-type]
            content="建议",
            activity="A1",
            occurred_at="2023-02-01T09:00",  # type: ignore[arg-type]
        )
    )
    served = ledger.serve_suggestion(
        c.ServeSuggestion(suggestion="S1", recipient="水利局", occurred_at="2023-02-28T09:00")  # type: ignore[arg-type]
    )
    assert served.ids["reply_due"] == "2023-04-28"
    before = position(ledger)
    with pytest.raises(NotOverdue):
        ledger.urge_suggestion_reply(
            c.UrgeSuggestionReply(suggestion="S1", occurred_at="2023-04-28T18:00")  # type: ignore[arg-type]
        )
    assert position(ledger) == before
    ledger.urge_suggestion_reply(
        c.UrgeSuggestionReply(suggestion="S1", occurred_at="2023-04-29T09:00")  # type: ignore[arg-type]
    )
    with pytest.raises(EscalationNeedsApproval):
        ledger.escalate_suggestion(
            c.EscalateSuggestion(
                suggestion="S1", escalated_to="政府", reasons="未复", occurred_at="2023-05-10T09:00"
            )  # type: ignore[arg-type]
        )
    for cmd in [
        {
            "type": "escalate_suggestion",
            "suggestion": "S1",
            "escalated_to": "政府",
            "chief_approved": True,
            "reasons": "未复",
            "occurred_at": "2023-05-10T09:00",
        },
        {
            "type": "record_suggestion_reply",
            "suggestion": "S1",
            "content": "已整改",
            "occurred_at": "2023-05-12T09:00",
        },
        {
            "type": "record_suggestion_adoption",
            "suggestion": "S1",
            "adopted": True,
            "occurred_at": "2023-05-13T09:00",
        },
        {
            "type": "complete_rectification",
            "suggestion": "S1",
            "content": "完成",
            "occurred_at": "2023-06-01T09:00",
        },
        {
            "type": "verify_rectification",
            "suggestion": "S1",
            "verified_by": "张某",
            "content": "属实",
            "occurred_at": "2023-06-05T09:00",
        },
    ]:
        ledger.execute(cmd)

    ledger = reopen(ledger, store_url)
    try:
        s = ledger.suggestion("S1")
        assert s.stage is SuggestionStage.VERIFIED
        assert s.reply_timing(date(2023, 6, 5), ledger.policy) is ReplyTiming.LATE
        assert s.escalated_to == "政府" and len(s.urged_at) == 1
        names = [type(e).__name__ for e in ledger.events(s)]
        assert names == [
            "Drafted",
            "Served",
            "Urged",
            "Escalated",
            "Replied",
            "Adopted",
            "RectificationCompleted",
            "RectificationVerified",
        ]
    finally:
        ledger.close()


def test_petition_lead_typical_case_partner_and_committee(store_url: str) -> None:
    ledger = Ledger(store=store_url)
    setup(ledger)
    received = ledger.execute(
        {
            "type": "receive_petition",
            "petition": "XF1",
            "unit": "YL",
            "channel": "hotline_12309",
            "anonymous": True,
            "case": "K1",
            "subject": "反映",
            "occurred_at": "2023-03-01T09:00",
        }
    )
    assert received.ids["procedural_reply_due"] == "2023-03-08"
    assert received.ids["result_reply_due"] == "2023-06-01"
    with pytest.raises(RepliesMissing):
        ledger.execute(
            {"type": "close_petition", "petition": "XF1", "occurred_at": "2023-03-02T09:00"}
        )
    for cmd in [
        {
            "type": "reply_petition_procedurally",
            "petition": "XF1",
            "outcome": "accepted",
            "content": "受理",
            "occurred_at": "2023-03-02T09:00",
        },
        {
            "type": "reply_petition_result",
            "petition": "XF1",
            "content": "结果",
            "occurred_at": "2023-04-02T09:00",
        },
        {"type": "close_petition", "petition": "XF1", "occurred_at": "2023-04-03T09:00"},
        {
            "type": "report_lead",
            "lead": "L1",
            "unit": "YL",
            "source": "grid_worker",
            "reporter": "GW1",
            "summary": "垃圾",
            "occurred_at": "2023-03-01T09:00",
        },
        {"type": "accept_lead", "lead": "L1", "occurred_at": "2023-03-02T09:00"},
        {
            "type": "register_case",
            "case": "K2",
            "unit": "YL",
            "kind": "public_interest_litigation",
            "handling_prosecutor": "张某",
            "received_on": "2023-03-05",
            "occurred_at": "2023-03-05T09:00",
        },
        {
            "type": "turn_lead_into_case",
            "lead": "L1",
            "case": "K2",
            "occurred_at": "2023-03-05T10:00",
        },
        {
            "type": "nominate_typical_case",
            "case": "K2",
            "level": "municipal",
            "occurred_at": "2023-09-01T09:00",
        },
        {
            "type": "decide_typical_case",
            "case": "K2",
            "level": "municipal",
            "selected": True,
            "occurred_at": "2023-10-01T09:00",
        },
        {
            "type": "sign_partner_agreement",
            "agreement": "XZ1",
            "unit": "YL",
            "partner": "水利局",
            "in_force_from": "2023-01-01",
            "in_force_until": "2024-12-31",
            "occurred_at": "2022-12-20T09:00",
        },
        {
            "type": "terminate_partner_agreement",
            "agreement": "XZ1",
            "reason": "改革",
            "occurred_at": "2023-07-01T09:00",
        },
        {
            "type": "record_trial_committee_sitting",
            "sitting": "W1",
            "unit": "YL",
            "court": "榆林中院",
            "attendee": "检察长",
            "occurred_at": "2023-05-10T15:00",
        },
        {
            "type": "give_trial_committee_opinion",
            "sitting": "W1",
            "content": "意见",
            "occurred_at": "2023-05-10T15:30",
        },
        {
            "type": "record_trial_committee_adoption",
            "sitting": "W1",
            "opinion": "P1",
            "adopted": True,
            "occurred_at": "2023-05-10T16:00",
        },
    ]:
        ledger.execute(cmd)
    before = position(ledger)
    with pytest.raises(AlreadyConverted):
        ledger.execute(
            {
                "type": "turn_lead_into_case",
                "lead": "L1",
                "case": "K1",
                "occurred_at": "2023-03-06T09:00",
            }
        )
    with pytest.raises(SupervisorLacksRole):
        ledger.execute(
            {
                "type": "report_lead",
                "lead": "L2",
                "unit": "YL",
                "source": "grid_worker",
                "reporter": "PS1",
                "summary": "x",
                "occurred_at": "2023-03-01T09:00",
            }
        )
    with pytest.raises(NotFound, match="case 'K9'"):
        ledger.execute(
            {
                "type": "receive_petition",
                "petition": "XF2",
                "unit": "YL",
                "channel": "visit",
                "case": "K9",
                "subject": "x",
                "occurred_at": "2023-03-01T09:00",
            }
        )
    assert position(ledger) == before

    ledger = reopen(ledger, store_url)
    try:
        petition = ledger.petition("XF1")
        assert petition.is_closed and petition.excluded_from_reply_rate and petition.case == "K1"
        assert ledger.lead("L1").case == "K2" and ledger.case("K2").source_lead == "L1"
        assert ledger.case("K1").source_lead is None
        with pytest.raises(NotFound):
            ledger.lead("L2")
        nomination = ledger.typical_case_nomination("K2", TypicalCaseLevel.MUNICIPAL)
        assert nomination.status == "selected"
        agreement = ledger.partner_agreement("XZ1")
        assert agreement.terminated_on == date(2023, 7, 1)
        assert not agreement.in_force_on(date(2023, 7, 1))
        assert ledger.trial_committee_sitting("W1").adopted_count == 1
    finally:
        ledger.close()


def test_bad_input_names_the_field_and_writes_nothing(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        setup(ledger)
        before = position(ledger)
        with pytest.raises(ValidationError, match="reply_due_on"):
            ledger.execute(
                {
                    "type": "serve_suggestion",
                    "suggestion": "S1",
                    "recipient": "局",
                    "reply_due_on": "soon",
                    "occurred_at": "2023-02-01T09:00",
                }
            )
        with pytest.raises(ValidationError, match="source"):
            ledger.execute(
                {
                    "type": "report_lead",
                    "lead": "L1",
                    "unit": "YL",
                    "source": "rumour",
                    "summary": "x",
                    "occurred_at": "2023-02-01",
                }
            )
        assert position(ledger) == before


def test_a_flow_command_with_a_command_id_is_recorded_once(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        setup(ledger)
        cmd = {
            "type": "report_lead",
            "lead": "L1",
            "unit": "YL",
            "source": "grid_worker",
            "reporter": "GW1",
            "summary": "x",
            "occurred_at": "2023-03-01T09:00",
            "command_id": "lead-L1",
        }
        first = ledger.execute(cmd)
        again = ledger.execute(cmd)
        assert not first.replayed and again.replayed and again.ids == first.ids
        assert len(list(ledger.events(ledger.lead("L1")))) == 1


def in_period(day: date) -> bool:
    return PERIOD[0] <= day <= PERIOD[1]


def seed003_figures(ledger: Ledger, commands: list[dict[str, Any]]) -> dict[str, Any]:
    """The seed-003 figures computed straight from the aggregates the history wrote."""
    policy = ledger.policy
    keys = {
        kind: [cmd[field] for cmd in commands if cmd["type"] == kind]
        for kind, field in (
            ("appoint_supervisor", "supervisor"),
            ("report_lead", "lead"),
            ("sign_partner_agreement", "agreement"),
        )
    }
    people = [ledger.supervisor(k) for k in keys["appoint_supervisor"]]
    leads = [ledger.lead(k) for k in keys["report_lead"]]
    agreements = [ledger.partner_agreement(k) for k in keys["sign_partner_agreement"]]
    ours = [
        lead
        for lead in leads
        if lead.unit == UNIT and in_period(policy.local_date(lead.reported_at))
    ]
    grid_leads = [lead for lead in ours if lead.source is LeadSource.GRID_WORKER]
    by_source: dict[str, int] = {}
    for lead in ours:
        by_source[lead.source.value] = by_source.get(lead.source.value, 0) + 1

    def in_force_in_period(a: Any) -> bool:
        last = a.last_day or PERIOD[1]
        return a.in_force_from <= PERIOD[1] and last >= PERIOD[0]

    return {
        "partner_units_in_force": len(
            {a.partner for a in agreements if a.unit == UNIT and in_force_in_period(a)}
        ),
        "grid_workers": len(
            {p.key for p in people if p.unit == UNIT and Role.GRID_WORKER in p.roles}
        ),
        "leads_from_grid_workers": len(grid_leads),
        "leads_by_source": by_source,
        "grid_leads_accepted": sum(
            1 for lead in grid_leads if lead.status in ("accepted", "case_opened")
        ),
        "grid_leads_turned_into_cases": sum(1 for lead in grid_leads if lead.became_case),
        "invited_prosecutor_assistants": len(
            {
                p.key
                for p in people
                if p.unit == UNIT and Role.INVITED_PROSECUTOR_ASSISTANT in p.roles
            }
        ),
    }


def test_seed003_history_records_what_its_figures_need(store_url: str) -> None:
    commands = seed003_commands()
    with Ledger(store=store_url) as ledger:
        for cmd in commands:
            try:
                ledger.execute(cmd)
            except LedgerError as error:  # pragma: no cover - a broken scenario
                pytest.fail(f"{cmd}: {error}")
        figures = seed003_figures(ledger, commands)
        # The noise is really there, so the figures above had something to leave out.
        assert ledger.lead("HJQ-XS-2023-01").unit == NOISE_UNIT
        assert not ledger.partner_agreement("DLT-XZ-17").in_force_on(date(2023, 1, 1))
        grid_reporters = {
            ledger.lead(cmd["lead"]).reporter
            for cmd in commands
            if cmd["type"] == "report_lead"
            and cmd["source"] == "grid_worker"
            and cmd["unit"] == UNIT
        }
        assert all(ledger.supervisor(k).unit == UNIT for k in grid_reporters if k)
    assert figures == SEED003_EXPECTED


def test_recipient_types_objections_and_escalation_after_reply(store_url: str) -> None:
    """Issue 12.9 through the views: a court's reply is due 3 + 1 months after service in
    the feedback view and the figures; a withdrawn suggestion leaves the feedback view and
    every reply figure; objections, amendments, withdrawals and escalations after the
    reply are counted."""
    ledger = Ledger(store=store_url)
    setup(ledger)
    chief = {"role": "chief_prosecutor", "name": "检察长 李某"}
    steps: list[dict[str, Any]] = []
    for key, recipient_type in (("C1", "court"), ("A1", "administrative"), ("O1", "other")):
        steps += [
            {"type": "draft_suggestion", "suggestion": key, "case": "K1",
             "suggestion_type": "other", "content": "建议", "occurred_at": "2023-02-01T09:00"},
            {"type": "serve_suggestion", "suggestion": key, "recipient": "某单位",
             "recipient_type": recipient_type, "occurred_at": "2023-02-28T09:00"},
        ]  # fmt: skip
    steps += [
        {"type": "object_to_suggestion", "suggestion": "A1", "reasons": "异议",
         "occurred_at": "2023-03-01T09:00"},
        {"type": "review_suggestion_objection", "suggestion": "A1", "outcome": "withdrawn",
         "reasons": "撤回", "approver": chief, "occurred_at": "2023-03-05T09:00"},
        {"type": "object_to_suggestion", "suggestion": "O1", "reasons": "异议",
         "occurred_at": "2023-03-01T09:00"},
        {"type": "review_suggestion_objection", "suggestion": "O1", "outcome": "amended",
         "reasons": "修改", "content": "新建议", "approver": chief,
         "occurred_at": "2023-03-05T09:00"},
        {"type": "record_suggestion_reply", "suggestion": "O1", "content": "收到",
         "occurred_at": "2023-03-10T09:00"},
        {"type": "escalate_suggestion", "suggestion": "O1", "ground": "not_rectified",
         "escalated_to": "政府", "also_to": ["人大"], "approver": chief, "reasons": "不整改",
         "occurred_at": "2023-04-10T09:00"},
    ]  # fmt: skip
    for cmd in steps:
        ledger.execute(cmd)
    ledger = reopen(ledger, store_url)
    try:
        pending = ledger.pending_feedback(as_of=date(2023, 5, 1)).suggestions
        assert {p.suggestion: p.due_on for p in pending} == {
            "C1": date(2023, 6, 28),  # a court: 3 + 1 months, not yet overdue
            "O1": None,  # replied: awaits the adoption decision
        }
        assert not any(p.overdue for p in pending)
        stats = ledger.statistics("YL", start="2023-01-01", end="2023-12-31", as_of="2023-05-01")
        figures = stats.figures
        expected = {
            "suggestions.served": 3,
            "suggestions.by_recipient_type.court": 1,
            "suggestions.by_recipient_type.administrative": 1,
            "suggestions.by_recipient_type.other": 1,
            "suggestions.objected": 2,
            "suggestions.amended": 1,
            "suggestions.withdrawn": 1,
            "suggestions.escalated_after_reply": 1,
            "suggestions.escalated": 0,
            # O1 on time; C1 not yet due; A1 withdrawn before a reply: in no reply figure.
            "suggestions.replied_on_time": 1,
            "suggestions.overdue": 0,
        }
        assert {k: figures[k] for k in expected} == expected
        assert ledger.suggestion("O1").escalated_bodies == ["政府", "人大"]
    finally:
        ledger.close()
