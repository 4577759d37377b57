"""A hypothesis state machine over the hearing commands, through the Ledger (issue 12
point 8 and the invitation lifecycle written once).

Whatever order the commands come in — many refused — every hearing keeps the rules: an
applicant is a party of the case; a refused hearing has reasons and was never approved;
a closed hearing has its ground and a public one none; a hearing with a minor party is
never public (under the strict Policy.minor_hearings_closed); a chief or department head
handling the case presides; at most one collective opinion, given by an officer who
attended; a decision departs from the majority exactly as the officers' stances (or,
without them, texts) say, and only with the chief's approval and reasons; a replaced
invitation names its replacement, who is invited in turn. A refused command writes
nothing. At the end, the figures count the applications, refusals, closed hearings,
collective opinions and departures the aggregates hold, and the runs must have reached
the new commands.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
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
from supervision_ledger.domain import HearingStatus, InvitationStatus, LedgerError, Policy
from supervision_ledger.domain.values import ApproverRole, Stance

START = datetime(2023, 1, 5, 9, 0)
PICK = st.integers(min_value=0, max_value=7)
OFFICERS = ("O1", "O2", "O3", "O4", "O5")
#: case → (its parties, whether one is a minor).
CASES = {"K0": ("甲某",), "KM": ("乙某",)}
HANDLER = "承办检察官"
#: The stricter reading of minors' hearings (the default lets ``public: true`` open one).
STRICT = Policy(minor_hearings_closed=True)
#: Accepted commands by type, over every run of the test; read at its end.
REACHED: Counter[str] = Counter()


class HearingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # The strict reading: a minor party always closes the hearing.
        self.ledger = Ledger(store="sqlite:///:memory:", policy=STRICT)
        self.now = START
        self.hearings: list[str] = []

    def teardown(self) -> None:
        try:
            self.figures_count_what_the_hearings_hold()
        finally:
            self.ledger.close()

    # -- helpers -------------------------------------------------------------------

    def pick(self, index: int) -> str:
        return self.hearings[index % len(self.hearings)]

    def run(self, command: dict[str, Any]) -> bool:
        """Execute at the current time; True if recorded. A refusal must write nothing."""
        command = {**command, "occurred_at": self.now.isoformat()}
        before = self.ledger.app.recorder.max_notification_id()
        try:
            self.ledger.execute(command)
        except LedgerError:
            assert self.ledger.app.recorder.max_notification_id() == before
            return False
        REACHED[command["type"]] += 1
        return True

    @initialize()
    def setup(self) -> None:
        cmds: list[dict[str, Any]] = [
            {"type": "register_unit", "unit": "U", "name": "检察院", "level": "district"}
        ]
        for key in OFFICERS:
            cmds.append(
                {
                    "type": "appoint_supervisor",
                    "supervisor": key,
                    "unit": "U",
                    "name": f"听证员{key}",
                    "roles": ["hearing_officer"],
                    "term_start": "2022-01-01",
                }
            )
        for case, parties in CASES.items():
            cmds.append(
                {
                    "type": "register_case",
                    "case": case,
                    "unit": "U",
                    "kind": "other",
                    "handling_prosecutor": HANDLER,
                    "parties": [{"name": p, "minor": case == "KM"} for p in parties],
                    "received_on": "2023-01-02",
                }
            )
        for cmd in cmds:
            assert self.run(cmd)

    @rule(days=st.integers(min_value=0, max_value=6))
    def advance(self, days: int) -> None:
        self.now += timedelta(days=days, minutes=1)

    # -- proposing, refusing, approving, scheduling --------------------------------------

    @precondition(lambda self: len(self.hearings) < 4)
    @rule(
        minor=st.booleans(),
        applicant=st.sampled_from([None, "party", "stranger"]),
        rank=st.sampled_from([None, "chief_prosecutor", "department_head", "deputy_chief"]),
    )
    def propose(self, minor: bool, applicant: str | None, rank: str | None) -> None:
        case = "KM" if minor else "K0"
        key = f"H{len(self.hearings) + 1}"
        applied_by = {None: None, "party": CASES[case][0], "stranger": "路人"}[applicant]
        cmd = {"type": "propose_hearing", "hearing": key, "case": case}
        if applied_by is not None:
            cmd["applied_by"] = applied_by
        if rank is not None:
            cmd["handler_rank"] = rank
        if self.run(cmd):
            assert applicant != "stranger"
            self.hearings.append(key)
        else:
            assert applicant == "stranger"

    @precondition(lambda self: self.hearings)
    @rule(h=PICK)
    def refuse(self, h: int) -> None:
        self.run({"type": "refuse_hearing", "hearing": self.pick(h), "reasons": "不符合条件"})

    @precondition(lambda self: self.hearings)
    @rule(h=PICK)
    def approve(self, h: int) -> None:
        self.run(
            {
                "type": "approve_hearing",
                "hearing": self.pick(h),
                "approver": {"role": "chief_prosecutor", "name": "检察长"},
            }
        )

    @precondition(lambda self: self.hearings)
    @rule(
        h=PICK,
        public=st.sampled_from([None, True, False]),
        ground=st.sampled_from([None, "privacy", "state_secret"]),
        by_handler=st.booleans(),
    )
    def schedule(self, h: int, public: bool | None, ground: str | None, by_handler: bool) -> None:
        cmd: dict[str, Any] = {
            "type": "schedule_hearing",
            "hearing": self.pick(h),
            "scheduled_for": (self.now + timedelta(days=3)).isoformat(),
            "presiding_prosecutor": HANDLER if by_handler else "他人",
        }
        if public is not None:
            cmd["public"] = public
        if ground is not None:
            cmd["closed_ground"] = ground
        self.run(cmd)

    # -- invitations -----------------------------------------------------------------

    @precondition(lambda self: self.hearings)
    @rule(h=PICK, o=PICK)
    def invite_officer(self, h: int, o: int) -> None:
        self.run(
            {
                "type": "invite_hearing_officer",
                "hearing": self.pick(h),
                "supervisor": OFFICERS[o % len(OFFICERS)],
            }
        )

    @precondition(lambda self: self.hearings)
    @rule(h=PICK, o=PICK)
    def decline(self, h: int, o: int) -> None:
        self.run(
            {
                "type": "decline_hearing_invitation",
                "hearing": self.pick(h),
                "supervisor": OFFICERS[o % len(OFFICERS)],
            }
        )

    @precondition(lambda self: self.hearings)
    @rule(h=PICK, o=PICK, r=PICK)
    def replace(self, h: int, o: int, r: int) -> None:
        self.run(
            {
                "type": "replace_hearing_officer",
                "hearing": self.pick(h),
                "supervisor": OFFICERS[o % len(OFFICERS)],
                "replacement": OFFICERS[r % len(OFFICERS)],
            }
        )

    @precondition(lambda self: self.hearings)
    @rule(h=PICK, absent=st.sets(st.sampled_from(OFFICERS), max_size=2))
    def hold(self, h: int, absent: set[str]) -> None:
        key = self.pick(h)
        hearing = self.ledger.hearing(key)
        if hearing.scheduled_for is not None and self.now < hearing.scheduled_for.replace(
            tzinfo=None
        ):
            self.now = hearing.scheduled_for.replace(tzinfo=None)
        self.run({"type": "hold_hearing", "hearing": key, "absent": sorted(absent)})

    # -- opinions and the decision ---------------------------------------------------

    @precondition(lambda self: self.hearings)
    @rule(h=PICK, o=PICK, agree=st.booleans(), same_text=st.booleans())
    def opinion(self, h: int, o: int, agree: bool, same_text: bool) -> None:
        self.run(
            {
                "type": "record_officer_opinion",
                "hearing": self.pick(h),
                "officer": OFFICERS[o % len(OFFICERS)],
                "recommendation": "不起诉" if same_text else f"意见{o}",
                "stance": "agree" if agree else "disagree",
            }
        )

    @precondition(lambda self: self.hearings)
    @rule(h=PICK, o=PICK, stance=st.sampled_from([None, "agree", "disagree"]))
    def collective(self, h: int, o: int, stance: str | None) -> None:
        cmd = {
            "type": "record_collective_opinion",
            "hearing": self.pick(h),
            "representative": OFFICERS[o % len(OFFICERS)],
            "recommendation": "集体意见",
        }
        if stance is not None:
            cmd["stance"] = stance
        self.run(cmd)

    @precondition(lambda self: self.hearings)
    @rule(
        h=PICK,
        follows=st.sampled_from([None, True, False]),
        approved=st.booleans(),
        text=st.sampled_from(["不起诉", "起诉"]),
    )
    def decide(self, h: int, follows: bool | None, approved: bool, text: str) -> None:
        cmd: dict[str, Any] = {"type": "decide_hearing", "hearing": self.pick(h), "decision": text}
        if follows is not None:
            cmd["follows_proposal"] = follows
        if approved:
            cmd |= {"chief_approved": True, "reasons": "检察长决定"}
        self.run(cmd)

    @precondition(lambda self: self.hearings)
    @rule(h=PICK)
    def conclude(self, h: int) -> None:
        self.run({"type": "conclude_hearing", "hearing": self.pick(h)})

    @precondition(lambda self: self.hearings)
    @rule(h=PICK, choice=st.integers(min_value=0, max_value=11), steps=st.integers(1, 8))
    def progress(self, h: int, choice: int, steps: int) -> None:
        """Take a hearing's next ``steps`` natural steps, so that runs go deep into the
        lifecycle (the other rules try every step with arbitrary arguments, mostly
        refused)."""
        for n in range(steps):
            self.next_step(h, choice + n)

    def next_step(self, h: int, choice: int) -> None:
        key = self.pick(h)
        hearing = self.ledger.hearing(key)
        status = hearing.status
        if status is HearingStatus.PROPOSED:
            if choice % 5 == 4:
                self.refuse(h)
            else:
                self.approve(h)
        elif status is HearingStatus.APPROVED:
            self.schedule(h, None, None, True)
        elif status is HearingStatus.SCHEDULED:
            expected = [k for k, p in hearing.officers.items() if p.expected]
            fresh = [o for o in OFFICERS if o not in hearing.participants]
            if expected and fresh and choice % 5 == 0:
                self.replace(h, OFFICERS.index(expected[0]), OFFICERS.index(fresh[0]))
            elif len(expected) < 3 and fresh:
                self.run({"type": "invite_hearing_officer", "hearing": key, "supervisor": fresh[0]})
            else:
                self.hold(h, set())
        elif status is HearingStatus.HELD:
            came = [k for k, p in hearing.officers.items() if p.status is InvitationStatus.ATTENDED]
            silent = [k for k in came if k not in hearing.officer_opinions]
            if came and choice % 3 == 0 and hearing.collective_opinion is None:
                self.collective(h, OFFICERS.index(came[0]), ("agree", "disagree")[choice % 2])
            elif silent and choice % 4 != 3:
                self.opinion(h, OFFICERS.index(silent[0]), choice % 3 != 0, choice % 2 == 0)
            else:
                self.decide(h, (None, True, False)[choice % 3], choice % 2 == 1, "不起诉")
        elif status is HearingStatus.DECIDED:
            self.conclude(h)

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def every_hearing_keeps_the_rules(self) -> None:
        for key in self.hearings:
            h = self.ledger.hearing(key)
            if h.applied_by is not None:
                assert h.applied_by in h.party_names
            if h.status is HearingStatus.REFUSED:
                assert (h.refusal_reasons or "").strip() and h.approved_by is None
            if h.public is not None:
                assert (h.closed_ground is None) is h.public
                assert not (h.has_minor and h.public)
                if h.handler_rank in (ApproverRole.CHIEF_PROSECUTOR, ApproverRole.DEPARTMENT_HEAD):
                    assert h.presiding_prosecutor == h.handler == HANDLER
            c = h.collective_opinion
            if c is not None:
                p = h.participants[c.representative]
                assert p.officer and p.status is InvitationStatus.ATTENDED
            for p in h.participants.values():
                if p.status is InvitationStatus.REPLACED:
                    assert p.replaced_by in h.participants
                    assert h.participants[p.replaced_by].replaces == p.supervisor
            if h.decision is not None:
                self.the_decision_follows_the_stances(h)

    @staticmethod
    def the_decision_follows_the_stances(h: Any) -> None:
        if c := h.collective_opinion:
            stance, majority = c.stance, c.recommendation
        else:
            stances = Counter(o.stance for o in h.officer_opinions.values())
            texts = Counter(o.recommendation for o in h.officer_opinions.values())
            total = len(h.officer_opinions)
            stance = next((s for s in Stance if stances[s] * 2 > total), None)
            majority = next((t for t, n in texts.items() if n * 2 > total), None)
        if h.follows_proposal is not None and stance is not None:
            departs = h.follows_proposal != (stance is Stance.AGREE)
        else:
            departs = majority is not None and h.decision != majority
        assert h.departs_from_majority is departs
        if departs:
            assert h.chief_approved and (h.decision_reasons or "").strip()

    def figures_count_what_the_hearings_hold(self) -> None:
        figures = self.ledger.statistics("U").figures
        hearings = [self.ledger.hearing(k) for k in self.hearings]
        held = [h for h in hearings if h.held_at is not None]
        assert figures["hearings.applied_for"] == sum(h.applied_by is not None for h in hearings)
        assert figures["hearings.refused"] == sum(
            h.status is HearingStatus.REFUSED for h in hearings
        )
        assert figures["hearings.closed"] == sum(h.public is False for h in held)
        assert figures["hearings.closed_minor_party"] == sum(
            h.closed_ground is not None and h.closed_ground.value == "minor_party" for h in held
        )
        assert figures["hearings.collective_opinions"] == sum(
            h.collective_opinion is not None for h in held
        )
        assert figures["hearings.departed_from_majority"] == sum(
            h.departs_from_majority for h in held
        )


SETTINGS = settings(
    max_examples=40,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_hearing_machine() -> None:
    """Run the machine, then check that its runs reached the states the invariants guard."""
    REACHED.clear()
    run_state_machine_as_test(HearingMachine, settings=SETTINGS)
    for reached in (
        "refuse_hearing",
        "schedule_hearing",
        "hold_hearing",
        "record_officer_opinion",
        "record_collective_opinion",
        "decide_hearing",
        "replace_hearing_officer",
    ):
        assert REACHED[reached] > 0, f"no run reached an accepted {reached}: {REACHED}"
