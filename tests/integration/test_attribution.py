"""Issue 12, points 5–7: draws nobody can rig (seeds from the hash chain), who entered
and approved each command, and corrections — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from ledger_stories import Story, at
from pydantic import ValidationError

from supervision_ledger import Ledger
from supervision_ledger.cli import main
from supervision_ledger.domain import Case, Hearing, Policy, Role
from supervision_ledger.domain.draw import SeedBasis, chain_seed
from supervision_ledger.domain.errors import (
    ApproverNotEntitled,
    CallerSeedRefused,
    InvalidTransition,
    OpinionsUnanswered,
    OutOfOrder,
    RuleViolation,
)
from supervision_ledger.domain.values import Approver, ApproverRole, SeedSource
from supervision_ledger.idempotency import CommandRecord
from supervision_ledger.persistence.mapper import MsgspecMapper


def _drawable(story: Story) -> tuple[str, str]:
    story.unit("QC")
    story.people("S", 4, "QC", ["peoples_supervisor"])
    case = story.case("QC", "2023-03-01")
    act = story.do(
        "open_activity", case=case, activity_type="quality_review", occurred_at=at("2023-03-01")
    )["activity"]
    return case, act


def test_chain_seeds_by_policy(store_url: str) -> None:
    """``chain`` (the default): a seedless draw's seed follows from the chain head and
    its fields; a named seed is kept, with no basis. ``chain_only`` refuses a named
    seed and records nothing. ``random``: a fresh seed, no basis."""
    if store_url.startswith("sqlite:///:memory:"):
        pytest.skip("reopens the store under other policies")
    with Ledger(store=store_url) as ledger:
        story = Story(ledger)
        case, act = _drawable(story)
        position, head = ledger.app.chain_head()
        assert position == ledger.app.recorder.max_notification_id()
        ids = story.do(
            "draw_supervisors", case=case, activity=act, count=2, occurred_at=at("2023-03-02")
        )
        drawn = ledger.case(case).activities[act].draws[-1]
        basis = SeedBasis(position, head.hex())
        fields = {
            "event": "Case.SupervisorsDrawn",
            "activity": act,
            "role": "peoples_supervisor",
            "speciality": None,
            "count": 2,
        }
        assert drawn.seed == int(ids["seed"]) == chain_seed(basis, Case.id_for(case), fields)
        events = list(ledger.app.events.get(Case.id_for(case)))
        assert isinstance(events[-1], Case.SupervisorsDrawn) and events[-1].seed_basis == basis
        story.do(
            "draw_supervisors",
            case=case,
            activity=act,
            count=1,
            seed=7,
            occurred_at=at("2023-03-02"),
        )
        events = list(ledger.app.events.get(Case.id_for(case)))
        assert (events[-1].seed, events[-1].seed_basis) == (7, None)
    with Ledger(store=store_url, policy=Policy(draw_seed=SeedSource.CHAIN_ONLY)) as ledger:
        before = ledger.app.recorder.max_notification_id()
        with pytest.raises(CallerSeedRefused, match="leave seed out") as refused:
            ledger.execute(
                {
                    "type": "draw_supervisors",
                    "case": case,
                    "activity": act,
                    "count": 1,
                    "seed": 3,
                    "occurred_at": at("2023-03-03"),
                }
            )
        assert refused.value.rule == "caller_seed_refused"
        assert ledger.app.recorder.max_notification_id() == before
    with Ledger(store=store_url, policy=Policy(draw_seed=SeedSource.RANDOM)) as ledger:
        ledger.execute(
            {
                "type": "draw_supervisors",
                "case": case,
                "activity": act,
                "count": 1,
                "occurred_at": at("2023-03-03"),
            }
        )
        events = list(ledger.app.events.get(Case.id_for(case)))
        assert events[-1].seed_basis is None and events[-1].seed >= 0


@pytest.mark.parametrize("event_class", [Case.SupervisorsDrawn, Case.SupervisorReplaced])
def test_draws_stored_before_seed_bases_read_back_without_one(event_class: type) -> None:
    """A version-1 draw event (no ``class_version``, no ``seed_basis``) upcasts to a
    basis of None, as the draws recorded before issue 12 are read."""
    mapper = MsgspecMapper()
    fields = {
        "originator_id": Case.id_for("K"),
        "originator_version": 3,
        "timestamp": datetime(2023, 1, 1, tzinfo=UTC),
        "occurred_at": datetime(2023, 1, 1, tzinfo=UTC),
        "activity": "A1",
        "seed": 5,
        "pool": ("S1", "S2"),
        "seed_basis": SeedBasis(4, "00" * 32),
    }
    if event_class is Case.SupervisorsDrawn:
        fields.update(role=Role.PEOPLES_SUPERVISOR, speciality=None, count=1, drawn=("S1",))
    else:
        fields.update(supervisor="S1", replacement="S2", reason=None)
    stored = mapper.to_stored_event(event_class(**fields))
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2 and state.pop("seed_basis") is not None
    old = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )
    event = mapper.to_domain_event(old)
    assert event.seed_basis is None and event.seed == 5


# -- who did it (point 5) -----------------------------------------------------------------


def test_actor_and_approver_are_stored_shown_and_exported(store_url: str, tmp_path: Path) -> None:
    """The actor is kept in the command record (a command without an id is given one),
    shown on every event of the command by history, and exported; the approver is a
    structured field of the approval event; the old free-text approved_by still reads."""
    with Ledger(store=store_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        case = story.case("QC", "2023-03-01", kind="criminal_appeal", parties=("王某",))
        story.do(
            "propose_hearing",
            hearing="H1",
            case=case,
            actor="clerk:zhang.li",
            occurred_at=at("2023-03-02"),
        )
        story.do(
            "approve_hearing",
            hearing="H1",
            approver={"role": "deputy_chief", "name": "王副检察长"},
            actor="system:oa-import",
            command_id="approve-H1",
            occurred_at=at("2023-03-03"),
        )
        story.do("propose_hearing", hearing="H2", case=case, occurred_at=at("2023-03-02"))
        story.do(
            "approve_hearing", hearing="H2", approved_by="刘检察长", occurred_at=at("2023-03-03")
        )
        entries = ledger.history("hearing:H1")
        assert [(e.event, e.actor) for e in entries] == [
            ("Hearing.Proposed", "clerk:zhang.li"),
            ("Hearing.Approved", "system:oa-import"),
        ]
        assert entries[0].command_id is not None and entries[0].command_id.startswith("auto:")
        assert entries[1].command_id == "approve-H1"
        assert entries[1].approver == {"role": "deputy_chief", "name": "王副检察长"}
        assert entries[0].approver is None
        legacy = ledger.history("hearing:H2")
        assert legacy[1].approver == {"role": "chief_prosecutor", "name": "刘检察长"}
        assert legacy[1].actor is None
        assert ledger.hearing("H2").approved_by == "刘检察长"
        # The same command id entered again by another clerk is a repeat, not a conflict.
        again = ledger.execute(
            {
                "type": "approve_hearing",
                "hearing": "H1",
                "approver": {"role": "deputy_chief", "name": "王副检察长"},
                "actor": "clerk:other",
                "command_id": "approve-H1",
                "occurred_at": at("2023-03-03"),
            }
        )
        assert again.replayed and ledger.history("hearing:H1")[1].actor == "system:oa-import"
        if store_url.startswith("sqlite:///:memory:"):
            return
    export = tmp_path / "export.jsonl"
    assert main(["export", "--store", store_url, "-o", str(export)]) == 0
    lines = [json.loads(t) for t in export.read_text(encoding="utf-8").splitlines()[1:]]
    actors = {
        line["fields"]["command_id"]: line["fields"]["actor"]
        for line in lines
        if line.get("event") == "CommandRecord.Recorded"
    }
    approved = next(
        line
        for line in lines
        if line.get("event") == "Hearing.Approved" and line["chain"]["command_id"] == "approve-H1"
    )
    assert actors[approved["chain"]["command_id"]] == "system:oa-import"
    assert approved["fields"]["approver"] == {"role": "deputy_chief", "name": "王副检察长"}


def test_bad_actor_or_approver_is_refused_naming_the_field(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        case = story.case("QC", "2023-03-01")
        story.do("propose_hearing", hearing="H1", case=case, occurred_at=at("2023-03-02"))
        top = ledger.app.recorder.max_notification_id()
        for actor in ("zhang", "clerk:", "admin:root", "clerk:a b"):
            with pytest.raises(ValidationError, match="actor"):
                ledger.execute(
                    {
                        "type": "close_case",
                        "case": case,
                        "actor": actor,
                        "occurred_at": at("2023-03-02"),
                    }
                )
        with pytest.raises(ValidationError, match=r"approver\.role"):
            ledger.execute(
                {
                    "type": "approve_hearing",
                    "hearing": "H1",
                    "approver": {"role": "mayor", "name": "某"},
                    "occurred_at": at("2023-03-03"),
                }
            )
        with pytest.raises(ApproverNotEntitled, match="department_head") as refused:
            ledger.execute(
                {
                    "type": "approve_hearing",
                    "hearing": "H1",
                    "approver": {"role": "department_head", "name": "李主任"},
                    "occurred_at": at("2023-03-03"),
                }
            )
        assert refused.value.rule == "approver_not_entitled"
        assert ledger.app.recorder.max_notification_id() == top


def test_cli_history_shows_actor_and_approver(
    sqlite_file_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        case = story.case("QC", "2023-03-01")
        story.do("propose_hearing", hearing="H1", case=case, occurred_at=at("2023-03-02"))
        story.do(
            "approve_hearing",
            hearing="H1",
            approver={"role": "chief_prosecutor", "name": "刘检察长"},
            actor="clerk:zhang.li",
            occurred_at=at("2023-03-03"),
        )
    capsys.readouterr()
    assert main(["history", "hearing:H1", "--store", sqlite_file_url]) == 0
    out = capsys.readouterr().out
    assert "actor clerk:zhang.li" in out and "approved by 刘检察长 (chief_prosecutor)" in out
    assert main(["history", "hearing:H1", "--json", "--store", sqlite_file_url]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    assert [e["actor"] for e in events] == [None, "clerk:zhang.li"]


@pytest.mark.parametrize(
    ("event_class", "v1", "expected"),
    [
        (
            Hearing.Approved,
            {"approved_by": "检察长"},
            ("approver", Approver(ApproverRole.CHIEF_PROSECUTOR, "检察长")),
        ),
        (
            Case.ObjectionRuled,
            {"opinion": "O1", "ruling": "rejected", "reasons": "理由"},
            ("approver", None),
        ),
        (
            CommandRecord.Recorded,
            {"command_id": "c1", "command_type": "close_case", "fingerprint": "{}", "ids": {}},
            ("actor", None),
        ),
    ],
)
def test_events_recorded_before_attribution_read_back(
    event_class: type, v1: dict[str, object], expected: tuple[str, object]
) -> None:
    """Version-1 states (no class_version) are upcast to version 2."""
    state = {
        "timestamp": "2023-01-01T00:00:00+00:00",
        "occurred_at": "2023-01-01T00:00:00+00:00",
        **v1,
    }
    if event_class is CommandRecord.Recorded:
        state["originator_topic"] = "supervision_ledger.idempotency:CommandRecord"
    old = StoredEvent(
        originator_id=Case.id_for("K"),
        originator_version=1,
        topic=get_topic(event_class),
        state=json.dumps(state).encode(),
    )
    event = MsgspecMapper().to_domain_event(old)
    assert getattr(event, expected[0]) == expected[1]


# -- corrections (point 6) ------------------------------------------------------------------


def test_a_retracted_opinion_counts_nowhere_and_history_shows_both(store_url: str) -> None:
    """Two opinions from one person on one activity, one retracted while undecided: the
    figures, the feedback view and the dossier count only the other; the retracted one
    no longer stops the case closing, takes no further step, and is counted once in
    opinions.retracted; its history keeps the entry and the retraction, with the actor."""
    with Ledger(store=store_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        [person] = story.people("S", 1, "QC", ["peoples_supervisor"])
        case, act = story.activity("QC", "2023-03-01", "quality_review", attend=[person])
        kept = story.opinion(case, act, person, "2023-03-01")
        wrong = story.opinion(case, act, person, "2023-03-01", outcome=None)
        before = ledger.statistics(as_of=date(2023, 6, 1))
        assert before.count("opinions.submitted") == 2
        assert before.count("feedback.receipt_overdue") == 1
        with pytest.raises(OpinionsUnanswered):
            story.do("close_case", case=case, occurred_at=at("2023-05-01"))
        story.do(
            "retract_opinion",
            case=case,
            opinion=wrong,
            reason="误录：同一意见录入两次",
            actor="clerk:zhang.li",
            occurred_at=at("2023-03-05"),
        )
        stats = ledger.statistics(as_of=date(2023, 6, 1))
        assert stats.count("opinions.submitted") == 1
        assert stats.count("opinions.person_times") == 1
        assert stats.count("opinions.retracted") == 1
        assert stats.count("opinions.adopted") == 1 and stats.count("opinions.pending") == 0
        assert stats.count("feedback.receipt_overdue") == stats.count("feedback.any_overdue") == 0
        assert [p.opinion for p in ledger.pending_feedback(as_of=date(2023, 6, 1)).opinions] == []
        assert [o.opinion for o in ledger.dossier(person).opinions] == [kept]
        with pytest.raises(InvalidTransition, match="retracted"):
            story.do("receive_opinion", case=case, opinion=wrong, occurred_at=at("2023-03-06"))
        with pytest.raises(InvalidTransition, match="retracted"):
            story.do(
                "retract_opinion",
                case=case,
                opinion=wrong,
                reason="再次",
                occurred_at=at("2023-03-06"),
            )
        story.do("close_case", case=case, occurred_at=at("2023-05-01"))
        entries = [e for e in ledger.history(f"case:{case}") if e.fields.get("opinion") == wrong]
        assert [e.event for e in entries] == ["Case.OpinionSubmitted", "Case.OpinionRetracted"]
        assert entries[1].fields["reason"] == "误录：同一意见录入两次"
        assert entries[1].actor == "clerk:zhang.li"
        assert ledger.case(case).opinion(wrong).retracted


def test_a_corrected_opinion_keeps_both_texts(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        [person] = story.people("S", 1, "QC", ["peoples_supervisor"])
        case, act = story.activity("QC", "2023-03-01", "quality_review", attend=[person])
        key = story.opinion(case, act, person, "2023-03-01")
        top = ledger.app.recorder.max_notification_id()
        with pytest.raises(RuleViolation, match="changes nothing"):
            story.do(
                "correct_opinion",
                case=case,
                opinion=key,
                content="建议规范告知程序",
                reason="无",
                occurred_at=at("2023-03-09"),
            )
        with pytest.raises(OutOfOrder):
            story.do(
                "correct_opinion",
                case=case,
                opinion=key,
                content="建议规范权利义务告知程序",
                reason="漏字",
                occurred_at="2023-02-01T09:00:00",
            )
        assert ledger.app.recorder.max_notification_id() == top
        story.do(
            "correct_opinion",
            case=case,
            opinion=key,
            content="建议规范权利义务告知程序",
            reason="漏字",
            occurred_at=at("2023-03-09"),
        )
        assert ledger.case(case).opinion(key).content == "建议规范权利义务告知程序"
        texts = [
            e.fields["content"]
            for e in ledger.history(f"case:{case}")
            if e.event in ("Case.OpinionSubmitted", "Case.OpinionCorrected")
        ]
        assert texts == ["建议规范告知程序", "建议规范权利义务告知程序"]
        assert ledger.statistics(as_of=date(2023, 6, 1)).count("opinions.submitted") == 1


def test_a_batch_keeps_each_commands_actor(store_url: str) -> None:
    """execute_many (what ``apply`` uses) records each command's actor as execute does."""
    with Ledger(store=store_url) as ledger:
        ledger.execute_many(
            [
                {
                    "type": "register_unit",
                    "unit": "QC",
                    "name": "清城区院",
                    "level": "district",
                    "actor": "system:oa-import",
                    "occurred_at": at("2023-01-01"),
                },
                {
                    "type": "register_unit",
                    "unit": "QX",
                    "name": "清新区院",
                    "level": "district",
                    "occurred_at": at("2023-01-01"),
                },
                {
                    "type": "register_unit",
                    "unit": "YD",
                    "name": "英德市院",
                    "level": "district",
                    "actor": "clerk:wang",
                    "command_id": "yd",
                    "occurred_at": at("2023-01-01"),
                },
            ]
        )
        assert [ledger.history(f"unit:{u}")[0].actor for u in ("QC", "QX", "YD")] == [
            "system:oa-import",
            None,
            "clerk:wang",
        ]


def test_a_hearing_draw_takes_a_chain_seed(sqlite_file_url: str) -> None:
    """draw_hearing_officers without a seed: derived from the chain head and the draw's
    fields (count, speciality), recorded as seed_basis on Hearing.OfficersDrawn."""
    with Ledger(store=sqlite_file_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        story.people("T", 4, "QC", ["hearing_officer"])
        key = story.hearing("QC", "2023-03-20", hold=False)
        position, head = ledger.app.chain_head()
        ids = story.do("draw_hearing_officers", hearing=key, count=2, occurred_at=at("2023-03-16"))
        event = list(ledger.app.events.get(Hearing.id_for(key)))[-1]
        assert isinstance(event, Hearing.OfficersDrawn)
        basis = SeedBasis(position, head.hex())
        fields = {"event": "Hearing.OfficersDrawn", "count": 2, "speciality": None}
        assert event.seed_basis == basis
        assert event.seed == int(ids["seed"]) == chain_seed(basis, Hearing.id_for(key), fields)
        assert list(event.drawn) == ids["drawn"]
