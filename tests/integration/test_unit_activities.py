"""Activities of a unit, not of a case (issue 12, point 4): an open day, a circuit
inspection. They take the same invitations, draws, attendance and opinions as a case's
activity, and the same figures, feedback list and explanations count them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from ledger_stories import Story, at

from supervision_ledger import Ledger
from supervision_ledger.domain import (
    AlreadyExists,
    CaseClosed,
    ClosedBeforeLastStep,
    NotAttended,
    NotFound,
    OpinionsUnanswered,
)
from supervision_ledger.domain.unit_activity import UnitActivity

ROOT = Path(__file__).resolve().parents[2]


def _year(story: Story) -> dict[str, str]:
    """A case activity and two unit activities of QC in 2023: an open day with a drawn
    person and an NPC deputy invited by name, a circuit inspection with a replacement and
    two opinions (one answered, one waiting)."""
    story.unit("QC")
    people = story.people("S", 4, "QC", ["peoples_supervisor"])
    [deputy] = story.people("N", 1, "QC", ["npc_deputy"])
    case, act = story.activity("QC", "2023-03-01", "quality_review", attend=[people[0]])
    story.do(
        "open_unit_activity",
        unit_activity="QC-OD-1",
        unit="QC",
        activity_type="other",
        title="检察开放日",
        occurred_at=at("2023-04-01"),
    )
    drawn = story.do(
        "draw_supervisors",
        unit_activity="QC-OD-1",
        count=1,
        occurred_at=at("2023-04-01", 10),
    )["drawn"]
    story.do(
        "invite_supervisor",
        unit_activity="QC-OD-1",
        supervisor=deputy,
        role="npc_deputy",
        occurred_at=at("2023-04-01", 10),
    )
    for person in [*drawn, deputy]:
        story.do(
            "record_attendance",
            unit_activity="QC-OD-1",
            supervisor=person,
            occurred_at=at("2023-04-02"),
        )
    story.do(
        "open_unit_activity",
        unit_activity="QC-CI-1",
        unit="QC",
        activity_type="circuit_inspection",
        occurred_at=at("2023-05-01"),
    )
    for person in people[1:3]:
        story.do(
            "invite_supervisor",
            unit_activity="QC-CI-1",
            supervisor=person,
            occurred_at=at("2023-05-01", 10),
        )
    story.do(
        "decline_invitation",
        unit_activity="QC-CI-1",
        supervisor=people[2],
        reason="出差",
        occurred_at=at("2023-05-01", 11),
    )
    story.do(
        "replace_supervisor",
        unit_activity="QC-CI-1",
        supervisor=people[2],
        replacement=people[3],
        occurred_at=at("2023-05-01", 12),
    )
    for person in (people[1], people[3]):
        story.do(
            "record_attendance",
            unit_activity="QC-CI-1",
            supervisor=person,
            occurred_at=at("2023-05-02"),
        )
    answered = story.do(
        "submit_opinion",
        unit_activity="QC-CI-1",
        supervisor=people[1],
        content="监区台账不规范",
        occurred_at=at("2023-05-03"),
    )["opinion"]
    for step, fields in [
        ("receive_opinion", {}),
        ("route_opinion", {"department": "刑事执行检察部"}),
        ("decide_opinion", {"outcome": "adopted"}),
        ("give_feedback", {"content": "已采纳"}),
        ("report_implementation", {"content": "已整改"}),
    ]:
        story.do(
            step, unit_activity="QC-CI-1", opinion=answered, occurred_at=at("2023-05-04"), **fields
        )
    waiting = story.do(
        "submit_opinion",
        unit_activity="QC-CI-1",
        supervisor=people[3],
        content="建议公开巡回检察结果",
        occurred_at=at("2023-05-05"),
    )["opinion"]
    return {"case": case, "activity": act, "answered": answered, "waiting": waiting}


def test_figures_count_unit_activities(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        keys = _year(Story(ledger))
        stats = ledger.statistics(unit="QC", start="2023-01-01", end="2023-12-31")
        assert stats.count("activities.quality_review") == 1
        assert stats.count("activities.other") == 1
        assert stats.count("activities.circuit_inspection") == 1
        assert stats.count("activities.total") == 3
        # 1 on the case, 1 drawn to the open day, 2 at the inspection (one replacement).
        assert stats.count("participation.peoples_supervisor.person_times") == 4
        assert stats.count("participation.peoples_supervisor.by_type.circuit_inspection") == 2
        assert stats.count("participation.peoples_supervisor.hand_picked") == 3
        assert stats.count("participation.npc_deputy.person_times") == 1
        assert stats.count("participation.replacements") == 1
        assert stats.count("opinions.submitted") == 2
        assert stats.count("opinions.adopted") == 1
        assert stats.count("opinions.pending") == 1

        explained = ledger.explain("activities.circuit_inspection", "QC", start="2023-01-01")
        [item] = explained.items or []
        assert item.key == {"unit_activity": "QC-CI-1", "activity": "A1"}
        [opened] = item.events
        assert (opened.event, opened.aggregate_kind, opened.aggregate_key) == (
            "Case.ActivityOpened",
            "unit_activity",
            "QC-CI-1",
        )
        total = ledger.explain("activities.total", "QC", start="2023-01-01")
        assert {next(iter(i.key.items())) for i in total.items or []} == {
            ("case", keys["case"]),
            ("unit_activity", "QC-OD-1"),
            ("unit_activity", "QC-CI-1"),
        }
        people = ledger.explain("participation.peoples_supervisor.person_times", "QC")
        sources = sorted(str(i.key["source"]) for i in people.items or [])
        assert sources == ["case", "unit_activity", "unit_activity", "unit_activity"]
        submitted = ledger.explain("opinions.submitted", "QC")
        assert len(submitted.items or []) == 2
        assert all(
            i.key["case_id"] == str(UnitActivity.id_for("QC-CI-1")) for i in submitted.items or []
        )


def test_feedback_lists_their_opinions(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        keys = _year(Story(ledger))
        pending = ledger.pending_feedback(as_of=date(2023, 5, 6))
        [waiting] = pending.opinions
        assert (waiting.case, waiting.unit_activity, waiting.opinion) == (
            None,
            "QC-CI-1",
            keys["waiting"],
        )
        assert waiting.activity == "A1"
        # A case filter is about cases: the unit activity's opinion is not on the case.
        assert ledger.pending_feedback(as_of=date(2023, 5, 6), case=keys["case"]).opinions == []
        late = ledger.pending_feedback(as_of=date(2023, 7, 1), overdue_only=True)
        assert [p.unit_activity for p in late.opinions] == ["QC-CI-1"]


def test_refusals_name_the_unit_activity(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        story = Story(ledger)
        _year(story)
        with pytest.raises(NotAttended) as refused:
            story.do(
                "submit_opinion",
                unit_activity="QC-CI-1",
                supervisor="S03",  # declined and replaced
                content="未参加",
                occurred_at=at("2023-06-01"),
            )
        assert "activity 'A1' of unit activity 'QC-CI-1'" in str(refused.value)
        assert "case" not in str(refused.value)
        with pytest.raises(NotFound, match="no unit_activity 'QC-XX'"):
            story.do(
                "record_attendance",
                unit_activity="QC-XX",
                supervisor="S01",
                occurred_at=at("2023-06-01"),
            )
        with pytest.raises(AlreadyExists, match="unit_activity 'QC-OD-1' already exists"):
            story.do(
                "open_unit_activity",
                unit_activity="QC-OD-1",
                unit="QC",
                activity_type="other",
                occurred_at=at("2023-06-01"),
            )


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"case": "K", "unit_activity": "U"},
        {"case": "K"},
        {"unit_activity": "U", "activity": "A1"},
    ],
)
def test_a_step_names_exactly_one_owner(fields: dict[str, str]) -> None:
    from pydantic import ValidationError

    from supervision_ledger.commands import InviteSupervisor

    with pytest.raises(ValidationError) as refused:
        InviteSupervisor.model_validate(
            {"supervisor": "S", "occurred_at": at("2023-01-01"), **fields}
        )
    assert "unit_activity" in str(refused.value) or "activity" in str(refused.value)


def test_export_reruns_unit_activity_draws(tmp_path: Path) -> None:
    """A draw on a unit activity derives its seed from the chain; the export check
    re-runs it and re-derives the seed."""
    store = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(store=store) as ledger:
        _year(Story(ledger))
        export = tmp_path / "export.jsonl"
        with export.open("w", encoding="utf-8") as out:
            ledger.export(out)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # a stdlib tool
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "verify_export.py"), "--json", str(export)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["draws_checked"] >= 1
    assert report["seeds_rederived"] >= 1
    assert report["ok"] is True


def test_dossier_listing_and_history_name_the_unit_activity(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        keys = _year(Story(ledger))
        deputy = ledger.dossier("N01")
        [invitation] = deputy.invitations
        assert (invitation.case, invitation.unit_activity) == (None, "QC-OD-1")
        assert invitation.activity_type is not None
        assert invitation.activity_type.value == "other"
        assert invitation.status.value == "attended"
        author = ledger.dossier("S02")
        assert [(o.case, o.unit_activity, o.opinion) for o in author.opinions] == [
            (None, "QC-CI-1", keys["answered"])
        ]
        listed = ledger.listing("unit_activity").items
        assert [(i.key, i.type, i.label, i.unit) for i in listed] == [
            ("QC-OD-1", "other", "检察开放日", "QC"),
            ("QC-CI-1", "circuit_inspection", None, "QC"),
        ]
        history = ledger.history("unit_activity:QC-CI-1")
        assert history[0].event == "UnitActivity.Opened"
        assert history[1].event == "Case.ActivityOpened"
        assert ledger.unit_activity("QC-CI-1").label == "unit activity 'QC-CI-1'"


def test_closing_a_unit_activity_follows_the_rules_of_closing_a_case(store_url: str) -> None:
    """close_unit_activity: not while an opinion waits, not before the last step; once
    closed, every further step is refused (unit_activity_closed), and the
    listing shows it closed as it shows a case."""
    with Ledger(store=store_url) as ledger:
        story = Story(ledger)
        keys = _year(story)
        with pytest.raises(OpinionsUnanswered, match="unit activity 'QC-CI-1' cannot close"):
            story.do("close_unit_activity", unit_activity="QC-CI-1", occurred_at=at("2023-06-01"))
        with pytest.raises(ClosedBeforeLastStep) as early:
            story.do("close_unit_activity", unit_activity="QC-OD-1", occurred_at=at("2023-04-01"))
        assert early.value.rule == "closed_before_last_step"
        ids = story.do("close_unit_activity", unit_activity="QC-OD-1", occurred_at=at("2023-04-03"))
        assert ids == {"unit_activity": "QC-OD-1"}
        assert ledger.unit_activity("QC-OD-1").is_closed
        for step, fields in [
            ("close_unit_activity", {}),
            ("invite_supervisor", {"supervisor": "S04"}),
            ("draw_supervisors", {"count": 1}),
            ("submit_opinion", {"supervisor": "N01", "content": "迟到的意见"}),
        ]:
            with pytest.raises(CaseClosed) as refused:  # its subclass UnitActivityClosed
                story.do(step, unit_activity="QC-OD-1", occurred_at=at("2023-04-04"), **fields)
            assert refused.value.rule == "unit_activity_closed"
            assert str(refused.value) == "unit_activity_closed: unit activity 'QC-OD-1' is closed"
        # The other one closes once its waiting opinion is answered.
        for step, fields in [
            ("receive_opinion", {}),
            ("route_opinion", {"department": "刑事执行检察部"}),
            ("decide_opinion", {"outcome": "not_adopted", "explanation": "涉密"}),
            ("give_feedback", {"content": "暂不公开"}),
        ]:
            story.do(
                step,
                unit_activity="QC-CI-1",
                opinion=keys["waiting"],
                occurred_at=at("2023-05-06"),
                **fields,
            )
        story.do("close_unit_activity", unit_activity="QC-CI-1", occurred_at=at("2023-05-07"))
        listed = ledger.listing("unit_activity").items
        assert [(i.key, i.status) for i in listed] == [
            ("QC-OD-1", "closed"),
            ("QC-CI-1", "closed"),
        ]
        assert [i.key for i in ledger.listing("unit_activity", status="closed").items] == [
            "QC-OD-1",
            "QC-CI-1",
        ]
        # A case's row keeps its own status.
        [case] = ledger.listing("case").items
        assert (case.key, case.status) == (keys["case"], "open")
        assert ledger.history("unit_activity:QC-OD-1")[-1].event == "Case.Closed"
