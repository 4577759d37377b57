"""A stateful test: random command sequences through the Ledger API against a simple model.

The model (plain dicts, written here, not the domain's code) predicts for each command
whether the ledger must accept it or refuse it with one specific error. Refusals must
leave the store untouched. After every step the invariants are checked against the
stored events and against aggregates rebuilt from the store.

The business clock moves one day per step, so every command falls on its own local date
and "active on the invitation date" is well defined.

Each test ends by checking that its runs reached what the invariants are about: cases
closed with opinions, and direct invitations and replacements of recused, inactive and
wrong-role people (refused as the model predicts).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
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
    precondition,
    rule,
    run_state_machine_as_test,
)

from supervision_ledger import Ledger
from supervision_ledger.domain import (
    AlreadyInvited,
    Case,
    CaseClosed,
    ExplanationRequired,
    InvalidTransition,
    LedgerError,
    NotAttended,
    NotEnoughEligible,
    OpinionsUnanswered,
    Supervisor,
    SupervisorLacksRole,
    SupervisorNotActive,
    SupervisorRecused,
    draw,
)
from supervision_ledger.domain.draw import chain_seed

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2023, 1, 2, 9, 0, tzinfo=SH)
#: The recorded time of the first event of a run (then one microsecond per event).
RECORDED_START = datetime(2024, 1, 1, tzinfo=UTC)
PARTY_NAMES = ("王某某", "李某", "陈某某", "刘某")
STAGES = ("submitted", "received", "routed", "decided", "feedback_given", "implementation_reported")
PICK = st.integers(min_value=0, max_value=10_000)
#: Most steps are steered towards a command that can succeed, so that runs reach deep
#: states (opinions, objections, closing); the rest pick anything and test refusals.
STEER = st.sampled_from([True, True, True, False])
#: What the runs of one test reached, read at its end: refusals as "type:Error", and
#: "closed_with_opinions".
REACHED: Counter[str] = Counter()
NEXT_STEP = {
    "submitted": "receive",
    "received": "route",
    "routed": "decide",
    "decided": "feedback",
    "feedback_given": "implementation",
}


def pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)]


# -- the model ---------------------------------------------------------------------------------


@dataclass
class PersonModel:
    roles: set[str]
    term: tuple[date, date]
    #: [start, end or None, status] like the file a justice bureau keeps.
    periods: list[list[Any]] = field(default_factory=list)
    parties: set[str] = field(default_factory=set)
    cases: set[str] = field(default_factory=set)

    @property
    def status(self) -> str:
        if self.periods and self.periods[-1][1] is None:
            return str(self.periods[-1][2])
        return "active"

    def active_on(self, day: date) -> bool:
        in_term = self.term[0] <= day <= self.term[1]
        return in_term and not any(s <= day and (e is None or day < e) for s, e, _ in self.periods)

    def recused_from(self, case: CaseModel) -> bool:
        return case.key in self.cases or bool(self.parties & set(case.parties))


@dataclass
class OpinionModel:
    stage: str = "submitted"
    outcome: str | None = None
    objected: bool = False
    pending: bool = False
    #: Retracted as entered by mistake: it waits for nothing and takes no further step.
    retracted: bool = False

    def at(self, *stages: str) -> bool:
        return self.stage in stages

    @property
    def answered(self) -> bool:
        if self.retracted:
            return True
        return self.stage in ("feedback_given", "implementation_reported") and not self.pending


@dataclass
class CaseModel:
    key: str
    parties: tuple[str, ...]
    closed: bool = False
    #: activity → supervisor → invitation status
    activities: dict[str, dict[str, str]] = field(default_factory=dict)
    opinions: dict[str, OpinionModel] = field(default_factory=dict)


class LedgerMachine(RuleBasedStateMachine):
    """Drives one Ledger; subclasses choose the store."""

    store_kind = "memory"

    def __init__(self) -> None:
        super().__init__()
        self._tmp: TemporaryDirectory[str] | None = None
        if self.store_kind == "file":
            self._tmp = TemporaryDirectory()
            self.url = f"sqlite:///{Path(self._tmp.name) / 'ledger.db'}"
        else:
            self.url = "sqlite:///:memory:"
        # Recorded time from a counter, not the wall clock: a seed derived from the hash
        # chain (the default) then depends only on the steps, so a run replays exactly.
        ticks = itertools.count()
        self._now = eventsourcing.domain.datetime_now_with_tzinfo
        eventsourcing.domain.datetime_now_with_tzinfo = lambda: (
            RECORDED_START + timedelta(microseconds=next(ticks))
        )
        self.ledger = Ledger(store=self.url)
        self.clock = START
        self.ids = itertools.count(1)
        self.people: dict[str, PersonModel] = {}
        self.cases: dict[str, CaseModel] = {}
        #: Commands the ledger accepted, with their results, for the replay rule.
        self.accepted: list[tuple[dict[str, Any], dict[str, str]]] = []
        #: How many times invite_barred ran: it takes turns over the reasons.
        self.barred_tries = 0

    # -- helpers ---------------------------------------------------------------------------

    @property
    def today(self) -> date:
        return self.clock.date()

    def send(self, command: dict[str, Any], refusal: type[LedgerError] | None) -> dict[str, str]:
        """Execute ``command`` one day after the previous one; expect ``refusal`` or success."""
        self.clock += timedelta(days=1)
        command = {
            **command,
            "occurred_at": self.clock.isoformat(),
            "command_id": f"cmd-{next(self.ids)}",
        }
        top = self.ledger.app.recorder.max_notification_id()
        if refusal is None:
            result = self.ledger.execute(command)
            assert not result.replayed
            self.accepted.append((command, result.ids))
            return result.ids
        with pytest.raises(LedgerError) as info:
            self.ledger.execute(command)
        assert type(info.value) is refusal, f"{command['type']}: {info.value!r}"
        assert self.ledger.app.recorder.max_notification_id() == top
        REACHED[f"{command['type']}:{refusal.__name__}"] += 1
        return {}

    def open_cases(self) -> list[CaseModel]:
        return [k for k in self.cases.values() if not k.closed]

    def invitations(self) -> list[tuple[CaseModel, str, str]]:
        return [
            (k, a, s)
            for k in self.cases.values()
            for a, invited in k.activities.items()
            for s in invited
        ]

    def opinions(self) -> list[tuple[CaseModel, str, OpinionModel]]:
        return [(k, key, o) for k in self.cases.values() for key, o in k.opinions.items()]

    def eligible(self, case: CaseModel, activity: str, day: date, steer: bool) -> list[str]:
        """Everyone, or (to reach deeper states more often) those who may be invited."""
        everyone = sorted(self.people)
        if not steer:
            return everyone
        ok = [
            k
            for k in everyone
            if k not in case.activities[activity] and self.serve_refusal(k, case, day) is None
        ]
        return ok or everyone

    def serve_refusal(self, person: str, case: CaseModel, day: date) -> type[LedgerError] | None:
        """What ``Supervisor.check_can_serve`` must say, in its order of checks."""
        p = self.people[person]
        if "peoples_supervisor" not in p.roles:
            return SupervisorLacksRole
        if not p.active_on(day):
            return SupervisorNotActive
        if p.recused_from(case):
            return SupervisorRecused
        return None

    # -- set-up -----------------------------------------------------------------------------

    @initialize(people=st.integers(min_value=2, max_value=4))
    def start(self, people: int) -> None:
        """A unit with a few people's supervisors and one case with one activity, so that
        the random steps reach invitations and opinions early."""
        self.send(
            {
                "type": "register_unit",
                "unit": "QC",
                "name": "清城区人民检察院",
                "level": "district",
            },
            None,
        )
        for _ in range(people):
            self.appoint(["peoples_supervisor"], 400)
        self.register_case(["王某某"])
        self.open_activity(0, "quality_review")

    # -- supervisors ---------------------------------------------------------------------------

    @precondition(lambda self: len(self.people) < 5)
    @rule(
        roles=st.sampled_from(
            [["peoples_supervisor"], ["hearing_officer"], ["peoples_supervisor", "mediator"]]
        ),
        term_days=st.sampled_from([400, 400, 10, 3]),
    )
    def appoint(self, roles: list[str], term_days: int) -> None:
        key = f"S{len(self.people) + 1}"
        start = self.today + timedelta(days=1)
        end = start + timedelta(days=term_days)
        self.send(
            {
                "type": "appoint_supervisor",
                "supervisor": key,
                "unit": "QC",
                "name": f"朱某{key}",
                "roles": roles,
                "term_start": start.isoformat(),
                "term_end": end.isoformat(),
            },
            None,
        )
        self.people[key] = PersonModel(set(roles), (start, end))

    @precondition(lambda self: self.people)
    @rule(i=PICK, change=st.sampled_from(["suspend", "reinstate", "remove"]))
    def change_status(self, i: int, change: str) -> None:
        key = pick(sorted(self.people), i)
        p = self.people[key]
        allowed = {
            "suspend": p.status == "active",
            "reinstate": p.status == "suspended",
            "remove": p.status != "removed",
        }[change]
        self.send(
            {"type": f"{change}_supervisor", "supervisor": key, "reason": "依规处理"},
            None if allowed else InvalidTransition,
        )
        if allowed:
            day = self.today
            if change == "suspend":
                p.periods.append([day, None, "suspended"])
            elif change == "reinstate":
                p.periods[-1][1] = day
            else:
                if p.periods and p.periods[-1][1] is None:
                    p.periods[-1][1] = day
                p.periods.append([day, None, "removed"])

    @precondition(lambda self: self.people)
    @rule(i=PICK, j=PICK, by_case=st.booleans())
    def declare_relationship(self, i: int, j: int, by_case: bool) -> None:
        key = pick(sorted(self.people), i)
        command: dict[str, Any] = {
            "type": "declare_relationship",
            "supervisor": key,
            "relationship": "close_relative",
        }
        if by_case and self.cases:
            case = pick(sorted(self.cases), j)
            command["case"] = case
            self.people[key].cases.add(case)
        else:
            party = pick(list(PARTY_NAMES), j)
            command["party"] = party
            self.people[key].parties.add(party)
        self.send(command, None)

    # -- cases and invitations --------------------------------------------------------------------

    @precondition(lambda self: len(self.cases) < 2)
    @rule(parties=st.lists(st.sampled_from(PARTY_NAMES), min_size=1, max_size=2, unique=True))
    def register_case(self, parties: list[str]) -> None:
        key = f"K{len(self.cases) + 1}"
        self.send(
            {
                "type": "register_case",
                "case": key,
                "unit": "QC",
                "kind": "other",
                "handling_prosecutor": "赵某",
                "parties": [{"name": n} for n in parties],
                "received_on": self.today.isoformat(),
            },
            None,
        )
        self.cases[key] = CaseModel(key, tuple(parties))

    @precondition(lambda self: self.cases and len(self.activities()) < 3)
    @rule(i=PICK, activity_type=st.sampled_from(["quality_review", "public_hearing", "other"]))
    def open_activity(self, i: int, activity_type: str) -> None:
        case = pick(sorted(self.cases.values(), key=lambda k: k.key), i)
        ids = self.send(
            {"type": "open_activity", "case": case.key, "activity_type": activity_type},
            CaseClosed if case.closed else None,
        )
        if ids:
            assert ids["activity"] == f"A{len(case.activities) + 1}"
            case.activities[ids["activity"]] = {}

    def activities(self) -> list[tuple[CaseModel, str]]:
        return [(k, a) for k in self.cases.values() for a in k.activities]

    @precondition(lambda self: any(k.activities for k in self.cases.values()) and self.people)
    @rule(i=PICK, j=PICK, steer=STEER)
    def invite(self, i: int, j: int, steer: bool) -> None:
        case, activity = pick(self.activities(), i)
        day = self.today + timedelta(days=1)  # the date send() will use
        self.invite_person(case, activity, pick(self.eligible(case, activity, day, steer), j))

    def invite_person(self, case: CaseModel, activity: str, person: str) -> None:
        day = self.today + timedelta(days=1)
        if case.closed:
            refusal: type[LedgerError] | None = CaseClosed
        elif person in case.activities[activity]:
            refusal = AlreadyInvited
        else:
            refusal = self.serve_refusal(person, case, day)
        self.send(
            {
                "type": "invite_supervisor",
                "case": case.key,
                "activity": activity,
                "supervisor": person,
            },
            refusal,
        )
        if refusal is None:
            case.activities[activity][person] = "invited"

    @precondition(lambda self: any(k.activities for k in self.cases.values()))
    @rule(
        i=PICK,
        count=st.integers(min_value=1, max_value=3),
        seed=st.none() | st.integers(0, 2**40),
        steer=STEER,
    )
    def draw_supervisors(self, i: int, count: int, seed: int | None, steer: bool) -> None:
        """With a seed, or (None) with one derived from the hash chain (the default)."""
        case, activity = pick(self.activities(), i)
        day = self.today + timedelta(days=1)
        pool = sorted(
            key
            for key in self.people
            if key not in case.activities[activity] and self.serve_refusal(key, case, day) is None
        )
        if steer and pool:
            count = min(count, len(pool))
        if case.closed:
            refusal: type[LedgerError] | None = CaseClosed
        elif len(pool) < count:
            refusal = NotEnoughEligible
        else:
            refusal = None
        ids = self.send(
            {
                "type": "draw_supervisors",
                "case": case.key,
                "activity": activity,
                "count": count,
                **({} if seed is None else {"seed": seed}),
            },
            refusal,
        )
        if refusal is None:
            drawn = tuple(ids["drawn"])
            assert seed is None or int(ids["seed"]) == seed
            assert drawn == draw(pool, count, int(ids["seed"]))
            for key in drawn:
                case.activities[activity][key] = "invited"

    @precondition(lambda self: self.invitations())
    @rule(
        i=PICK,
        step=st.sampled_from(["accept", "decline", "attend", "attend"]),
        steer=STEER,
    )
    def invitation_step(self, i: int, step: str, steer: bool) -> None:
        invitations = self.invitations()
        if steer:
            waiting = [
                inv
                for inv in invitations
                if inv[0].activities[inv[1]][inv[2]] in ("invited", "accepted")
            ]
            if waiting:
                invitations, step = waiting, "attend"
        case, activity, person = pick(invitations, i)
        status = case.activities[activity][person]
        allowed = {
            "accept": {"invited"},
            "decline": {"invited", "accepted"},
            "attend": {"invited", "accepted"},
        }[step]
        if case.closed:
            refusal: type[LedgerError] | None = CaseClosed
        else:
            refusal = None if status in allowed else InvalidTransition
        command_type = {
            "accept": "accept_invitation",
            "decline": "decline_invitation",
            "attend": "record_attendance",
        }[step]
        self.send(
            {"type": command_type, "case": case.key, "activity": activity, "supervisor": person},
            refusal,
        )
        if refusal is None:
            case.activities[activity][person] = {
                "accept": "accepted",
                "decline": "declined",
                "attend": "attended",
            }[step]

    @precondition(lambda self: self.invitations() and self.people)
    @rule(i=PICK, j=PICK, steer=STEER)
    def replace(self, i: int, j: int, steer: bool) -> None:
        case, activity, person = pick(self.invitations(), i)
        day = self.today + timedelta(days=1)
        replacement = pick(self.eligible(case, activity, day, steer), j)
        self.replace_person(case, activity, person, replacement)

    def replace_person(self, case: CaseModel, activity: str, person: str, replacement: str) -> None:
        day = self.today + timedelta(days=1)
        invited = case.activities[activity]
        if case.closed:
            refusal: type[LedgerError] | None = CaseClosed
        elif invited[person] not in ("invited", "accepted", "declined"):
            refusal = InvalidTransition
        elif replacement in invited:
            refusal = AlreadyInvited
        else:
            refusal = self.serve_refusal(replacement, case, day)
        self.send(
            {
                "type": "replace_supervisor",
                "case": case.key,
                "activity": activity,
                "supervisor": person,
                "replacement": replacement,
                "reason": "补派",
            },
            refusal,
        )
        if refusal is None:
            invited[person] = "replaced"
            invited[replacement] = "invited"

    # -- opinions -----------------------------------------------------------------------------

    @precondition(lambda self: self.invitations())
    @rule(i=PICK, steer=STEER)
    def submit_opinion(self, i: int, steer: bool) -> None:
        invitations = self.invitations()
        if steer:
            invitations = [
                inv for inv in invitations if inv[0].activities[inv[1]][inv[2]] == "attended"
            ] or invitations
        case, activity, person = pick(invitations, i)
        day = self.today + timedelta(days=1)
        if case.closed:
            refusal: type[LedgerError] | None = CaseClosed
        elif case.activities[activity][person] != "attended":
            refusal = NotAttended
        elif not self.people[person].active_on(day):
            refusal = SupervisorNotActive
        elif self.people[person].recused_from(case):
            # A relationship declared after the invitation stops the opinion too.
            refusal = SupervisorRecused
        else:
            refusal = None
        ids = self.send(
            {
                "type": "submit_opinion",
                "case": case.key,
                "activity": activity,
                "supervisor": person,
                "content": "建议依法处理",
            },
            refusal,
        )
        if refusal is None:
            assert ids["opinion"] == f"O{len(case.opinions) + 1}"
            case.opinions[ids["opinion"]] = OpinionModel()

    @precondition(lambda self: self.opinions())
    @rule(
        i=PICK,
        step=st.sampled_from(["receive", "route", "decide", "feedback", "implementation"]),
        outcome=st.sampled_from(["adopted", "partly_adopted", "not_adopted"]),
        explained=st.booleans(),
        steer=STEER,
    )
    def opinion_step(self, i: int, step: str, outcome: str, explained: bool, steer: bool) -> None:
        case, key, op = pick(self.opinions(), i)
        if steer and op.stage in NEXT_STEP:
            step = NEXT_STEP[op.stage]
        needs = {
            "receive": "submitted",
            "route": "received",
            "decide": "routed",
            "feedback": "decided",
            "implementation": "feedback_given",
        }[step]
        command: dict[str, Any] = {"type": f"{step}_opinion", "case": case.key, "opinion": key}
        if step == "route":
            command["department"] = "第一检察部"
        if step == "decide":
            command["outcome"] = outcome
            if explained:
                command["explanation"] = "理由如下"
        if step == "feedback":
            command = {**command, "type": "give_feedback", "content": "已反馈"}
        if step == "implementation":
            command = {**command, "type": "report_implementation", "content": "已落实"}
        if case.closed and step != "implementation":  # implementation may outlast the case
            refusal: type[LedgerError] | None = CaseClosed
        elif op.stage != needs or op.pending or op.retracted:
            refusal = InvalidTransition
        elif step == "decide" and outcome != "adopted" and not explained:
            refusal = ExplanationRequired
        elif step == "implementation" and op.outcome == "not_adopted":
            refusal = InvalidTransition
        else:
            refusal = None
        self.send(command, refusal)
        if refusal is None:
            op.stage = STAGES[STAGES.index(needs) + 1]
            if step == "decide":
                op.outcome = outcome

    @precondition(lambda self: self.opinions())
    @rule(i=PICK, ruling=st.sampled_from(["upheld", "rejected"]))
    def object_or_rule(self, i: int, ruling: str) -> None:
        case, key, op = pick(self.opinions(), i)
        if op.pending:
            refusal = CaseClosed if case.closed else InvalidTransition if op.retracted else None
            self.send(
                {
                    "type": "rule_on_objection",
                    "case": case.key,
                    "opinion": key,
                    "ruling": ruling,
                    "reasons": "经审查",
                },
                refusal,
            )
            if refusal is None:
                op.pending = False
            return
        if case.closed:
            refusal = CaseClosed
        elif not op.at("feedback_given", "implementation_reported") or op.objected or op.retracted:
            refusal = InvalidTransition
        else:
            refusal = None
        self.send(
            {"type": "object_to_feedback", "case": case.key, "opinion": key, "reason": "不同意"},
            refusal,
        )
        if refusal is None:
            op.objected = op.pending = True

    # -- corrections: a retracted opinion counts nowhere, a corrected one keeps counting ------

    @precondition(lambda self: self.opinions())
    @rule(i=PICK, retract=st.booleans())
    def correct_or_retract(self, i: int, retract: bool) -> None:
        """Retract (at any stage, also after the case closed; never twice) or correct the
        text of an opinion; a retracted one takes neither."""
        case, key, op = pick(self.opinions(), i)
        refusal = InvalidTransition if op.retracted else None
        command: dict[str, Any] = {"case": case.key, "opinion": key, "reason": "误录"}
        if retract:
            command["type"] = "retract_opinion"
        else:
            command.update(type="correct_opinion", content=f"建议依法处理（更正{next(self.ids)}）")
        self.send(command, refusal)
        if refusal is None and retract:
            op.retracted = True
            REACHED["opinion_retracted"] += 1

    # Closing ends a case's story: tried only once opinions exist, so that runs go deeper.
    @precondition(lambda self: any(k.opinions for k in self.cases.values()))
    @rule(i=PICK)
    def close_case(self, i: int) -> None:
        case = pick(sorted(self.cases.values(), key=lambda k: k.key), i)
        if case.closed:
            refusal: type[LedgerError] | None = CaseClosed
        elif not all(o.answered for o in case.opinions.values()):
            refusal = OpinionsUnanswered
        else:
            refusal = None
        self.send({"type": "close_case", "case": case.key}, refusal)
        if refusal is None:
            case.closed = True
            if case.opinions:
                REACHED["closed_with_opinions"] += 1

    # Opinions pile up faster than random steps answer them all, so a case with opinions
    # was never closed: this follow-up answers every opinion of one case (ruling on a
    # pending objection first), then closes it.
    @precondition(lambda self: any(k.opinions and not k.closed for k in self.cases.values()))
    @rule(i=PICK, outcome=st.sampled_from(["adopted", "partly_adopted", "not_adopted"]))
    def answer_all_and_close(self, i: int, outcome: str) -> None:
        cases = sorted(self.cases.values(), key=lambda k: k.key)
        candidates = [n for n, k in enumerate(cases) if k.opinions and not k.closed]
        index = pick(candidates, i)
        case = cases[index]
        for n, (owner, _, op) in enumerate(self.opinions()):
            while owner is case and not op.answered:
                if op.pending:
                    self.object_or_rule(n, "rejected")
                else:
                    self.opinion_step(n, NEXT_STEP[op.stage], outcome, True, False)
        self.close_case(index)

    # -- invitations the rules refuse ----------------------------------------------------------

    def barred(self, case: CaseModel, activity: str, why: str) -> list[str]:
        """People not yet invited to ``activity`` whom the rules bar for ``why``, tomorrow."""
        tomorrow = self.today + timedelta(days=1)
        refusal = {
            "recused": SupervisorRecused,
            "inactive": SupervisorNotActive,
            "wrong_role": SupervisorLacksRole,
        }[why]
        return [
            k
            for k in sorted(self.people)
            if k not in case.activities[activity]
            and self.serve_refusal(k, case, tomorrow) is refusal
        ]

    def make_barred(self, case: CaseModel, activity: str, why: str, j: int) -> None:
        """Bring about someone barred for ``why``: suspend, or declare a relationship to the
        case of, a people's supervisor not yet invited (appointing one if there is none),
        or appoint a hearing officer without the role."""
        tomorrow = self.today + timedelta(days=1)
        fresh = [
            key
            for key, p in sorted(self.people.items())
            if key not in case.activities[activity]
            and "peoples_supervisor" in p.roles
            and p.status == "active"
            and p.active_on(tomorrow)
            and not p.recused_from(case)
        ]
        if why == "wrong_role" or not fresh:
            if len(self.people) >= 6:  # keep the pool small, so that runs go deep
                return
            roles = ["hearing_officer"] if why == "wrong_role" else ["peoples_supervisor"]
            self.appoint(roles, 400)
            if why == "wrong_role":
                return
            fresh = [f"S{len(self.people)}"]
        n = sorted(self.people).index(pick(fresh, j))
        if why == "inactive":
            self.change_status(n, "suspend")
        else:
            self.declare_relationship(n, sorted(self.cases).index(case.key), True)

    # Steered steps only ever invite people the rules allow: this one invites (or sends as a
    # replacement) someone recused, inactive or without the role, making one if need be;
    # the model predicts the refusal and the invariants check nothing was written.
    @precondition(lambda self: any(not k.closed and k.activities for k in self.cases.values()))
    @rule(
        i=PICK,
        j=PICK,
        why=st.sampled_from(["recused", "inactive", "wrong_role"]),
        as_replacement=st.booleans(),
    )
    def invite_barred(self, i: int, j: int, why: str, as_replacement: bool) -> None:
        # Hypothesis draws the same few choices again and again within a run; taking turns
        # makes every reason, by invitation and by replacement, come up in every run.
        reasons = ["recused", "inactive", "wrong_role"]
        why = reasons[(reasons.index(why) + self.barred_tries) % 3]
        as_replacement = as_replacement != (self.barred_tries // 3 % 2 == 1)
        self.barred_tries += 1
        case, activity = pick([(k, a) for k, a in self.activities() if not k.closed], i)
        if not self.barred(case, activity, why):
            self.make_barred(case, activity, why, j)
        barred = self.barred(case, activity, why)
        if not barred:
            return
        person = pick(barred, j)
        replaceable = [
            k
            for k, status in sorted(case.activities[activity].items())
            if status in ("invited", "accepted", "declined")
        ]
        tomorrow = self.today + timedelta(days=1)
        servable = self.eligible(case, activity, tomorrow, True)
        if as_replacement and not replaceable and servable != sorted(self.people):
            # Someone to replace: invite a person the rules allow first.
            self.invite_person(case, activity, pick(servable, i))
            replaceable = [k for k, v in case.activities[activity].items() if v == "invited"]
        if as_replacement and replaceable:
            self.replace_person(case, activity, pick(replaceable, i), person)
        else:
            self.invite_person(case, activity, person)

    # -- progress -------------------------------------------------------------------------------

    def moves(self, outcome: str) -> list[Callable[[], None]]:
        """Steps the model expects to succeed, through the same rules as above — the
        furthest along first, since hypothesis favours small indexes."""
        tomorrow = self.today + timedelta(days=1)
        deep: list[tuple[int, Callable[[], None]]] = []
        for n, (case, _, op) in enumerate(self.opinions()):
            if case.closed:
                if op.stage == "feedback_given" and op.outcome != "not_adopted":
                    deep.append(
                        (9, lambda n=n: self.opinion_step(n, "implementation", "", True, False))
                    )
                continue
            if op.pending:
                deep.append((10, lambda n=n: self.object_or_rule(n, "rejected")))
                continue
            if op.answered and not op.objected:
                deep.append((8, lambda n=n: self.object_or_rule(n, "upheld")))
            if op.stage in NEXT_STEP:
                step = NEXT_STEP[op.stage]
                if step == "implementation" and op.outcome == "not_adopted":
                    continue
                deep.append(
                    (
                        STAGES.index(op.stage),
                        lambda n=n, step=step: self.opinion_step(n, step, outcome, True, False),
                    )
                )
        moves = [move for _, move in sorted(deep, key=lambda d: -d[0])]
        cases = sorted(self.cases.values(), key=lambda k: k.key)
        for n, case in enumerate(cases):
            if (
                not case.closed
                and case.opinions
                and all(o.answered for o in case.opinions.values())
            ):
                moves.append(lambda n=n: self.close_case(n))
        for n, (case, activity, person) in enumerate(self.invitations()):
            status = case.activities[activity][person]
            if not case.closed and status == "attended" and self.people[person].active_on(tomorrow):
                moves.append(lambda n=n: self.submit_opinion(n, False))
        for n, (case, activity, person) in enumerate(self.invitations()):
            if not case.closed and case.activities[activity][person] in ("invited", "accepted"):
                moves.append(lambda n=n: self.invitation_step(n, "attend", False))
        for n, (case, activity) in enumerate(self.activities()):
            if not case.closed and len(self.eligible(case, activity, tomorrow, True)) < len(
                self.people
            ):
                moves.append(lambda n=n: self.invite(n, 0, True))
        return moves

    # Two rules, one body: the story moves forward about as often as the other rules fire,
    # in bursts of a few steps, which is what lets short runs reach feedback, objections
    # and closing.
    @rule(
        i=PICK,
        outcome=st.sampled_from(["adopted", "partly_adopted", "not_adopted"]),
        burst=st.integers(min_value=1, max_value=6),
    )
    def progress(self, i: int, outcome: str, burst: int) -> None:
        for _ in range(burst):
            moves = self.moves(outcome)
            if not moves:
                return
            pick(moves, i)()

    @rule(i=PICK, burst=st.integers(min_value=1, max_value=6))
    def progress_more(self, i: int, burst: int) -> None:
        self.progress(i, "adopted", burst)

    # -- idempotency ----------------------------------------------------------------------------

    @precondition(lambda self: self.accepted)
    @rule(i=PICK)
    def replay(self, i: int) -> None:
        command, ids = pick(self.accepted, i)
        top = self.ledger.app.recorder.max_notification_id()
        result = self.ledger.execute(command)
        assert result.replayed and result.ids == ids
        assert self.ledger.app.recorder.max_notification_id() == top

    # -- invariants -----------------------------------------------------------------------------

    @invariant()
    def closed_cases_have_every_opinion_answered(self) -> None:
        for key, model in self.cases.items():
            case = self.ledger.case(key)
            assert case.is_closed == model.closed
            if case.is_closed:
                for op in case.opinions.values():
                    if op.retracted:  # entered by mistake: it waits for nothing
                        continue
                    assert op.decided_at is not None and op.feedback_at is not None
                    assert not op.objection_pending

    @invariant()
    def submitted_equals_decided_plus_pending(self) -> None:
        for key, model in self.cases.items():
            counts: dict[str, int] = {}
            for event in self.ledger.events(self.ledger.case(key)):
                name = type(event).__name__
                counts[name] = counts.get(name, 0) + 1
            submitted = counts.get("OpinionSubmitted", 0)
            decided = counts.get("OpinionDecided", 0)
            pending = sum(1 for o in model.opinions.values() if o.outcome is None)
            assert submitted == len(model.opinions) == decided + pending

    @invariant()
    def no_inactive_or_recused_supervisor_was_ever_invited(self) -> None:
        for key in self.cases:
            case = self.ledger.case(key)
            for event in self.ledger.events(case):
                if isinstance(event, Case.SupervisorInvited):
                    invited = [event.supervisor]
                elif isinstance(event, Case.SupervisorsDrawn):
                    invited = list(event.drawn)
                elif isinstance(event, Case.SupervisorReplaced):
                    invited = [event.replacement]
                else:
                    continue
                day = self.ledger.policy.local_date(event.occurred_at)
                for person in invited:
                    s = self.ledger.supervisor(person)
                    assert s.is_active_on(day), f"{person} invited to {key} on {day}"
                    declared = [r for r in s.relationships if r.declared_at <= event.occurred_at]
                    assert not any(
                        r.case == key or r.party in case.facts.party_names for r in declared
                    ), f"{person} invited to {key} despite a declared relationship"

    @invariant()
    def no_opinion_is_overdue_without_the_feedback_view_saying_so(self) -> None:
        """Nothing waits forever: judged a few weeks on, every opinion whose awaited step
        is past its deadline is listed as overdue, and nothing else is."""
        as_of = self.today + timedelta(days=20)
        listed = {
            (p.case, p.opinion)
            for p in self.ledger.pending_feedback(as_of=as_of, overdue_only=True).opinions
        }
        assert listed == {
            (key, o.key)
            for key in self.cases
            for o in self.ledger.case(key).overdue_opinions(as_of, self.ledger.policy)
        }
        if listed:
            REACHED["overdue_opinion_listed"] += 1

    @invariant()
    def retracted_opinions_are_never_counted(self) -> None:
        """Once retracted, an opinion is in no figure but opinions.retracted, and the
        feedback view does not list it (judged only when some were retracted)."""
        retracted = {(k.key, key) for k, key, o in self.opinions() if o.retracted}
        if not retracted:
            return
        as_of = self.today + timedelta(days=400)
        stats = self.ledger.statistics(as_of=as_of)
        assert stats.count("opinions.retracted") == len(retracted)
        assert stats.count("opinions.submitted") == len(self.opinions()) - len(retracted)
        listed = {(p.case, p.opinion) for p in self.ledger.pending_feedback(as_of=as_of).opinions}
        assert not listed & retracted
        REACHED["retracted_not_counted"] += 1

    def chain_hash_at(self, position: int) -> str:
        if position == 0:
            return bytes(32).hex()
        [row] = self.ledger.app.recorder.chain_page(position - 1, position, 1)
        return row.chain_hash.hex()

    @invariant()
    def every_recorded_draw_reruns_from_its_seed_and_pool(self) -> None:
        """And every seed derived from the hash chain re-derives from the chain hash at
        its basis (before the draw) and the draw's own fields."""
        for key in self.cases:
            case = self.ledger.case(key)
            for event in self.ledger.events(case):
                if isinstance(event, Case.SupervisorsDrawn):
                    assert event.drawn == draw(event.pool, event.count, event.seed)
                    REACHED["draw_rerun"] += 1
                    if event.seed_basis is not None:
                        basis = event.seed_basis
                        assert self.chain_hash_at(basis.position) == basis.chain_hash
                        assert basis.position < self.ledger.app.recorder.max_notification_id()
                        fields = {
                            "event": "Case.SupervisorsDrawn",
                            "activity": event.activity,
                            "role": event.role.value,
                            "speciality": event.speciality,
                            "count": event.count,
                        }
                        assert event.seed == chain_seed(basis, case.id, fields)
                        REACHED["chain_seed_rederived"] += 1
                elif isinstance(event, Case.SupervisorReplaced) and event.seed is not None:
                    assert (event.replacement,) == draw(event.pool, 1, event.seed)

    @invariant()
    def aggregates_rebuilt_from_the_store_equal_the_live_ones(self) -> None:
        live_aggregates = [self.ledger.case(k) for k in self.cases]
        live_aggregates += [self.ledger.supervisor(k) for k in self.people]
        for live in live_aggregates:
            stored = self.ledger.app.repository.get(live.id, version=live.version)
            assert type(stored) is type(live)
            assert comparable(stored) == comparable(live)

    @invariant()
    def model_matches_the_ledger(self) -> None:
        for key, model in self.cases.items():
            case = self.ledger.case(key)
            assert {
                a: {s: inv.status.value for s, inv in act.invitations.items()}
                for a, act in case.activities.items()
            } == model.activities
            for o_key, op in model.opinions.items():
                real = case.opinion(o_key)
                assert real.stage.value == op.stage
                assert real.objection_pending == op.pending
        for key, person in self.people.items():
            assert self.ledger.supervisor(key).status.value == person.status

    def teardown(self) -> None:
        try:
            if self.store_kind == "file":
                # A second Ledger on the same file sees exactly what the first one wrote.
                with Ledger(store=self.url) as reopened:
                    for key in self.cases:
                        assert comparable(reopened.case(key)) == comparable(self.ledger.case(key))
                    for key in self.people:
                        assert comparable(reopened.supervisor(key)) == comparable(
                            self.ledger.supervisor(key)
                        )
        finally:
            self.ledger.close()
            eventsourcing.domain.datetime_now_with_tzinfo = self._now
            if self._tmp is not None:
                self._tmp.cleanup()


def comparable(aggregate: Case | Supervisor) -> dict[str, Any]:
    """An aggregate's state without what only a live object carries."""
    return {k: v for k, v in aggregate.__dict__.items() if k != "_pending_events"}


class MemoryLedgerMachine(LedgerMachine):
    store_kind = "memory"


class FileLedgerMachine(LedgerMachine):
    store_kind = "file"


#: The states the invariants are about, which the runs of each test must reach.
MUST_REACH = [
    "closed_with_opinions",
    "overdue_opinion_listed",
    "draw_rerun",
    "chain_seed_rederived",
    "opinion_retracted",
    "retracted_not_counted",
    *(
        f"{command}:{error.__name__}"
        for command in ("invite_supervisor", "replace_supervisor")
        for error in (SupervisorRecused, SupervisorNotActive, SupervisorLacksRole)
    ),
]


def run_and_check_reach(machine: type[LedgerMachine], examples: int) -> None:
    REACHED.clear()
    run_state_machine_as_test(
        machine, settings=settings(settings.default, max_examples=examples, stateful_step_count=35)
    )
    missed = [state for state in MUST_REACH if not REACHED[state]]
    assert not missed, f"no run reached {missed}"


def test_ledger_in_memory() -> None:
    run_and_check_reach(MemoryLedgerMachine, 40)


def test_ledger_on_file() -> None:
    run_and_check_reach(FileLedgerMachine, 30)
