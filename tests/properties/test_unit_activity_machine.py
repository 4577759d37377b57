"""A stateful test of unit activities (issue 12, point 4): random sequences of
``open_unit_activity``, the steps on their activity and opinions and
``close_unit_activity``, against a model written here.

A separate machine from the case machine (test_ledger_machine.py), so that its "must
reach" list stays what it was: this one has its own, reached in every run by steering.
After every step: the model matches the aggregates, the figures and the feedback view
count the unit activities' attendances and opinions, every draw re-runs from its seed
and pool and every chain-derived seed re-derives, and aggregates rebuilt from the store
equal the live ones.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import eventsourcing.domain
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from supervision_ledger import Ledger
from supervision_ledger.domain import (
    AlreadyInvited,
    Case,
    InvalidTransition,
    LedgerError,
    NotAttended,
    NotEnoughEligible,
    NotInvited,
    OpinionsUnanswered,
    UnitActivityClosed,
    draw,
)
from supervision_ledger.domain.draw import chain_seed

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2023, 1, 2, 9, 0, tzinfo=SH)
RECORDED_START = datetime(2024, 1, 1, tzinfo=UTC)
PEOPLE = ("S1", "S2", "S3", "S4")
PICK = st.integers(min_value=0, max_value=10_000)
#: Most steps are steered towards a command that can succeed.
STEER = st.sampled_from([True, True, True, False])
TYPES = (
    "circuit_inspection",
    "conduct_inspection",
    "work_briefing",
    "other",
    "open_day",
    "npc_cppcc_visit",
)
NEXT_STEP = {
    "submitted": ("receive_opinion", "received", {}),
    "received": ("route_opinion", "routed", {"department": "第一检察部"}),
    "routed": ("decide_opinion", "decided", {"outcome": "not_adopted", "explanation": "理由"}),
    "decided": ("give_feedback", "feedback_given", {"content": "已反馈"}),
}
REACHED: Counter[str] = Counter()


def pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)]


@dataclass
class UnitActivityModel:
    key: str
    activity_type: str
    #: supervisor → invitation status
    invitations: dict[str, str] = field(default_factory=dict)
    #: opinion → stage
    opinions: dict[str, str] = field(default_factory=dict)
    #: close_unit_activity recorded: every later step is refused (unit_activity_closed).
    closed: bool = False


class UnitActivityMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        ticks = itertools.count()
        self._now = eventsourcing.domain.datetime_now_with_tzinfo
        # Recorded time from a counter: chain-derived seeds depend only on the steps.
        eventsourcing.domain.datetime_now_with_tzinfo = lambda: (
            RECORDED_START + timedelta(microseconds=next(ticks))
        )
        self.ledger = Ledger(store="sqlite:///:memory:")
        self.clock = START
        self.ids = itertools.count(1)
        self.activities: dict[str, UnitActivityModel] = {}

    # -- helpers ---------------------------------------------------------------------------

    def send(self, command: dict[str, Any], refusal: type[LedgerError] | None) -> dict[str, Any]:
        self.clock += timedelta(days=1)
        command = {**command, "occurred_at": self.clock.isoformat()}
        top = self.ledger.app.recorder.max_notification_id()
        if refusal is None:
            return self.ledger.execute(command).ids
        with pytest.raises(LedgerError) as info:
            self.ledger.execute(command)
        assert type(info.value) is refusal, f"{command['type']}: {info.value!r}"
        assert "case" not in str(info.value), f"a refusal names a case: {info.value}"
        assert self.ledger.app.recorder.max_notification_id() == top
        REACHED[f"{command['type']}:{refusal.__name__}"] += 1
        return {}

    @property
    def live(self) -> list[UnitActivityModel]:
        """The unit activities not closed: the ones the steps below act on."""
        return [a for a in self.activities.values() if not a.closed]

    def with_status(self, *statuses: str) -> list[tuple[UnitActivityModel, str]]:
        return [
            (a, person)
            for a in self.live
            for person, status in a.invitations.items()
            if status in statuses
        ]

    @property
    def today(self) -> date:
        return self.clock.date()

    # -- rules -----------------------------------------------------------------------------

    @initialize()
    def set_up(self) -> None:
        self.send(
            {"type": "register_unit", "unit": "QC", "name": "清城区院", "level": "district"},
            None,
        )
        for person in PEOPLE:
            self.send(
                {
                    "type": "appoint_supervisor",
                    "supervisor": person,
                    "unit": "QC",
                    "name": f"某{person}",
                    "roles": ["peoples_supervisor"],
                    "term_start": "2022-01-01",
                },
                None,
            )

    @rule(kind=PICK)
    def open_unit_activity(self, kind: int) -> None:
        if len(self.live) >= 4 or len(self.activities) >= 8:
            return
        key = f"UA-{len(self.activities) + 1}"
        activity_type = pick(list(TYPES), kind)
        ids = self.send(
            {
                "type": "open_unit_activity",
                "unit_activity": key,
                "unit": "QC",
                "activity_type": activity_type,
            },
            None,
        )
        assert ids == {"unit_activity": key}
        self.activities[key] = UnitActivityModel(key, activity_type)

    @rule(which=PICK, who=PICK, steer=STEER)
    def invite(self, which: int, who: int, steer: bool) -> None:
        if not self.live:
            return
        act = pick(self.live, which)
        free = [p for p in PEOPLE if p not in act.invitations]
        person = pick(free, who) if steer and free else pick(list(PEOPLE), who)
        refusal = AlreadyInvited if person in act.invitations else None
        self.send(
            {"type": "invite_supervisor", "unit_activity": act.key, "supervisor": person},
            refusal,
        )
        if refusal is None:
            act.invitations[person] = "invited"

    @rule(which=PICK)
    def draw_one(self, which: int) -> None:
        if not self.live:
            return
        act = pick(self.live, which)
        free = [p for p in PEOPLE if p not in act.invitations]
        refusal = None if free else NotEnoughEligible
        ids = self.send({"type": "draw_supervisors", "unit_activity": act.key, "count": 1}, refusal)
        if refusal is None:
            [person] = ids["drawn"]
            assert person in free
            act.invitations[person] = "invited"

    @rule(which=PICK, steer=STEER)
    def attend(self, which: int, steer: bool) -> None:
        open_ = self.with_status("invited", "accepted")
        if steer and open_:
            act, person = pick(open_, which)
            refusal = None
        else:
            if not self.live:
                return
            act = pick(self.live, which)
            person = pick(list(PEOPLE), which)
            status = act.invitations.get(person)
            refusal = (
                NotInvited
                if status is None
                else None
                if status in ("invited", "accepted")
                else InvalidTransition
            )
        self.send(
            {"type": "record_attendance", "unit_activity": act.key, "supervisor": person},
            refusal,
        )
        if refusal is None:
            act.invitations[person] = "attended"

    @rule(which=PICK)
    def decline(self, which: int) -> None:
        open_ = self.with_status("invited", "accepted")
        if not open_:
            return
        act, person = pick(open_, which)
        self.send(
            {"type": "decline_invitation", "unit_activity": act.key, "supervisor": person},
            None,
        )
        act.invitations[person] = "declined"

    @rule(which=PICK)
    def replace_by_draw(self, which: int) -> None:
        """补派 by a draw (inviting someone first when no invitation is open)."""
        open_ = self.with_status("invited", "accepted", "declined")
        if not open_:
            self.invite(which, which, steer=True)
            open_ = self.with_status("invited", "accepted", "declined")
            if not open_:
                return
        act, person = pick(open_, which)
        free = [p for p in PEOPLE if p not in act.invitations]
        refusal = None if free else NotEnoughEligible
        ids = self.send(
            {"type": "replace_supervisor", "unit_activity": act.key, "supervisor": person},
            refusal,
        )
        if refusal is None:
            assert ids["replacement"] in free
            act.invitations[person] = "replaced"
            act.invitations[ids["replacement"]] = "invited"
            REACHED["replacement_drawn"] += 1

    @rule(which=PICK, steer=STEER)
    def submit_opinion(self, which: int, steer: bool) -> None:
        """From a person who attended (steered), or from one who did not: refused."""
        attended = self.with_status("attended")
        if steer and attended:
            act, person = pick(attended, which)
            refusal = None
        else:
            absent = [
                (a, p) for a in self.live for p in PEOPLE if a.invitations.get(p) != "attended"
            ]
            if not absent:
                return
            act, person = pick(absent, which)
            refusal = NotAttended
        ids = self.send(
            {
                "type": "submit_opinion",
                "unit_activity": act.key,
                "supervisor": person,
                "content": "意见",
            },
            refusal,
        )
        if refusal is None:
            act.opinions[ids["opinion"]] = "submitted"

    @rule(which=PICK)
    def attend_and_give_an_opinion(self, which: int) -> None:
        """Invite a person not yet invited, record the attendance and the opinion: the
        usual course, in one rule, so runs reach opinions and their answers."""
        if not self.live:
            self.open_unit_activity(which)
            if not self.live:
                return
        act = pick(self.live, which)
        free = [p for p in PEOPLE if p not in act.invitations]
        if not free:
            return
        person = pick(free, which)
        self.send(
            {"type": "invite_supervisor", "unit_activity": act.key, "supervisor": person}, None
        )
        act.invitations[person] = "invited"
        self.send(
            {"type": "record_attendance", "unit_activity": act.key, "supervisor": person}, None
        )
        act.invitations[person] = "attended"
        self.submit_opinion(which, steer=True)
        if which % 2:  # half of them answered at once
            self.advance_opinion(which, to_the_end=True)

    @rule(which=PICK)
    def opinion_without_attending(self, which: int) -> None:
        """Refused: an opinion from someone who did not attend."""
        self.submit_opinion(which, steer=False)

    @rule(which=PICK, to_the_end=st.booleans())
    def advance_opinion(self, which: int, to_the_end: bool) -> None:
        """One step of an opinion's answer (or every step left, so runs reach answered
        opinions as often as waiting ones)."""
        waiting = [
            (a, o) for a in self.live for o, stage in a.opinions.items() if stage in NEXT_STEP
        ]
        if not waiting:
            return
        act, opinion = pick(waiting, which)
        while act.opinions[opinion] in NEXT_STEP:
            command, stage, fields = NEXT_STEP[act.opinions[opinion]]
            self.send(
                {"type": command, "unit_activity": act.key, "opinion": opinion, **fields}, None
            )
            act.opinions[opinion] = stage
            if stage == "feedback_given":
                REACHED["opinion_answered"] += 1
            if not to_the_end:
                break

    @rule(which=PICK, steer=STEER)
    def close(self, which: int, steer: bool) -> None:
        """close_unit_activity: refused while an opinion waits for its answer (steered
        to one whose opinions are all answered)."""
        ready = [a for a in self.live if all(s == "feedback_given" for s in a.opinions.values())]
        waiting = [a for a in self.live if not any(a is r for r in ready)]
        if not self.live:
            return
        # Steered to a closable one, else to one with a waiting opinion (refused).
        act = pick(ready if steer and ready else waiting or self.live, which)
        refusal = None if any(a is act for a in ready) else OpinionsUnanswered
        ids = self.send({"type": "close_unit_activity", "unit_activity": act.key}, refusal)
        if refusal is None:
            assert ids == {"unit_activity": act.key}
            act.closed = True
            REACHED["closed"] += 1

    @rule(which=PICK)
    def close_while_an_opinion_waits(self, which: int) -> None:
        """Refused: closing a unit activity whose opinion still waits for its answer."""
        waiting = [a for a in self.live if any(s != "feedback_given" for s in a.opinions.values())]
        if waiting:
            act = pick(waiting, which)
            self.send({"type": "close_unit_activity", "unit_activity": act.key}, OpinionsUnanswered)

    @rule(which=PICK, step=PICK)
    def step_on_a_closed_one(self, which: int, step: int) -> None:
        """Refused: any step on a closed unit activity, closing it again included."""
        closed = [a for a in self.activities.values() if a.closed]
        if not closed:
            return
        act = pick(closed, which)
        person = pick(list(PEOPLE), step)
        command = pick(
            [
                {"type": "invite_supervisor", "supervisor": person},
                {"type": "draw_supervisors", "count": 1},
                {"type": "submit_opinion", "supervisor": person, "content": "意见"},
                {"type": "close_unit_activity"},
            ],
            step // 7,
        )
        self.send({**command, "unit_activity": act.key}, UnitActivityClosed)

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def model_matches_the_aggregates(self) -> None:
        for key, model in self.activities.items():
            ua = self.ledger.unit_activity(key)
            assert list(ua.activities) == ["A1"]
            assert ua.activities["A1"].type.value == model.activity_type
            invitations = ua.activities["A1"].invitations
            assert {p: i.status.value for p, i in invitations.items()} == model.invitations
            assert {o: op.stage.value for o, op in ua.opinions.items()} == model.opinions
            assert ua.is_closed == model.closed
        listed = {i.key: i.status for i in self.ledger.listing("unit_activity", limit=20).items}
        assert listed == {
            key: "closed" if model.closed else "open" for key, model in self.activities.items()
        }

    @invariant()
    def figures_count_unit_activities(self) -> None:
        stats = self.ledger.statistics(as_of=self.today)
        attended = [s for a in self.activities.values() for s in a.invitations.values()]
        supervised = [a for a in self.activities.values() if "attended" in a.invitations.values()]
        assert stats.count("activities.total") == len(supervised)
        for activity_type in TYPES:
            expected = sum(1 for a in supervised if a.activity_type == activity_type)
            assert stats.count(f"activities.{activity_type}") == expected
        assert stats.count("participation.peoples_supervisor.person_times") == attended.count(
            "attended"
        )
        opinions = [s for a in self.activities.values() for s in a.opinions.values()]
        assert stats.count("opinions.submitted") == len(opinions)
        if supervised:
            REACHED["supervised_counted"] += 1

    @invariant()
    def the_feedback_view_lists_what_waits(self) -> None:
        as_of = self.today + timedelta(days=40)
        pending = self.ledger.pending_feedback(as_of=as_of).opinions
        assert all(p.case is None for p in pending)
        assert {(p.unit_activity, p.opinion) for p in pending} == {
            (a.key, o)
            for a in self.activities.values()
            for o, stage in a.opinions.items()
            if stage != "feedback_given"
        }
        overdue = {
            (p.unit_activity, p.opinion)
            for p in self.ledger.pending_feedback(as_of=as_of, overdue_only=True).opinions
        }
        assert overdue == {
            (key, o.key)
            for key in self.activities
            for o in self.ledger.unit_activity(key).overdue_opinions(as_of, self.ledger.policy)
        }
        if overdue:
            REACHED["overdue_listed"] += 1

    @invariant()
    def every_draw_reruns_and_every_seed_rederives(self) -> None:
        for key in self.activities:
            ua = self.ledger.unit_activity(key)
            for event in self.ledger.events(ua):
                if isinstance(event, Case.SupervisorsDrawn):
                    assert event.drawn == draw(event.pool, event.count, event.seed)
                    fields = {
                        "event": "Case.SupervisorsDrawn",
                        "activity": event.activity,
                        "role": event.role.value,
                        "speciality": event.speciality,
                        "count": event.count,
                    }
                    assert event.seed_basis is not None
                    assert event.seed == chain_seed(event.seed_basis, ua.id, fields)
                    REACHED["draw_rerun"] += 1
                elif isinstance(event, Case.SupervisorReplaced) and event.seed is not None:
                    assert (event.replacement,) == draw(event.pool, 1, event.seed)
                    assert event.seed_basis is not None
                    fields = {
                        "event": "Case.SupervisorReplaced",
                        "activity": event.activity,
                        "supervisor": event.supervisor,
                    }
                    assert event.seed == chain_seed(event.seed_basis, ua.id, fields)

    @invariant()
    def rebuilt_from_the_store_equals_live(self) -> None:
        for key in self.activities:
            live = self.ledger.unit_activity(key)
            stored = self.ledger.app.repository.get(live.id, version=live.version)
            assert type(stored) is type(live)
            assert {k: v for k, v in stored.__dict__.items() if k != "_pending_events"} == {
                k: v for k, v in live.__dict__.items() if k != "_pending_events"
            }

    def teardown(self) -> None:
        try:
            self.ledger.close()
        finally:
            eventsourcing.domain.datetime_now_with_tzinfo = self._now


MUST_REACH = [
    "supervised_counted",
    "opinion_answered",
    "overdue_listed",
    "draw_rerun",
    "replacement_drawn",
    "submit_opinion:NotAttended",
    "invite_supervisor:AlreadyInvited",
    "closed",
    "close_unit_activity:OpinionsUnanswered",
    "close_unit_activity:UnitActivityClosed",
    "invite_supervisor:UnitActivityClosed",
]


def test_unit_activities() -> None:
    REACHED.clear()
    run_state_machine_as_test(
        UnitActivityMachine,
        settings=settings(settings.default, max_examples=40, stateful_step_count=40),
    )
    missed = [state for state in MUST_REACH if not REACHED[state]]
    assert not missed, f"no run reached {missed}: {REACHED}"
