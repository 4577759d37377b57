"""Planning the year: which cases, activities and hearings, on which days, with which
outcomes — every choice drawn from one random generator, in a fixed order."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..domain.values import ActivityType, CaseKind, OpinionOutcome
from .activities import activity_title
from .cases import ActivityPlan, CasePlan, HearingPlan, OpinionPlan
from .clock import YEAR, day_in
from .names import (
    ACTIVITY_MIX,
    ACTIVITY_PREFIX,
    CASE_PREFIX,
    DRAW_SEED_LIMIT,
    HEARING_KINDS,
    SURNAMES,
)

#: The activity types whose case names a party (the accused, the person notified).
WITH_PARTY = (ActivityType.COURT_APPEARANCE, ActivityType.DOCUMENT_SERVICE)
#: The kind of case each activity type sits on (default: other).
CASE_KIND_OF = {
    ActivityType.DOCUMENT_SERVICE: CaseKind.INTENDED_NON_PROSECUTION,
    ActivityType.PROCURATORIAL_SUGGESTION: CaseKind.PUBLIC_INTEREST_LITIGATION,
}
#: Plans forced onto a few opinions so that every outcome occurs, and one objection.
FORCED = (
    OpinionPlan(OpinionOutcome.PARTLY_ADOPTED, implementation=True),
    OpinionPlan(OpinionOutcome.NOT_ADOPTED, objection=True),
    OpinionPlan(OpinionOutcome.NOT_ADOPTED),
)


@dataclass
class YearPlan:
    activities: list[ActivityPlan]
    hearings: list[HearingPlan]
    #: The last number given under each case-number prefix.
    numbers: Counter[str] = field(default_factory=Counter)

    def number(self, prefix: str) -> str:
        """The next case number under ``prefix``."""
        self.numbers[prefix] += 1
        return f"{prefix}〔{YEAR}〕{self.numbers[prefix]}号"


class Planner:
    """The random choices of the plan, drawn from ``rng`` in the order they are asked."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.prosecutors = [f"{s}某某" for s in rng.sample(SURNAMES, 6)]
        self.year = YearPlan([], [])

    def party(self) -> str:
        return f"{self.rng.choice(SURNAMES)}某"

    def seeded(self) -> random.Random:
        return random.Random(self.rng.randrange(DRAW_SEED_LIMIT))

    def outcome(self) -> OpinionOutcome:
        roll = self.rng.random()
        if roll < 0.78:
            return OpinionOutcome.ADOPTED
        return OpinionOutcome.PARTLY_ADOPTED if roll < 0.92 else OpinionOutcome.NOT_ADOPTED

    def opinion(self, probability: float) -> OpinionPlan | None:
        if self.rng.random() >= probability:
            return None
        decided, report = self.outcome(), self.rng.random() < 0.6
        # Only what was (partly) adopted has an implementation to report.
        return OpinionPlan(
            decided, implementation=report and decided is not OpinionOutcome.NOT_ADOPTED
        )

    def activity(
        self, kind: ActivityType, draws: list[tuple[int, str | None]], named: int
    ) -> ActivityPlan:
        rng = self.rng
        people = [self.party()] if kind in WITH_PARTY else []
        day = (
            date(YEAR, 7, 12)
            if kind is ActivityType.WORK_BRIEFING
            else day_in(rng, date(YEAR, 1, 30), date(YEAR, 11, 30))
        )
        return ActivityPlan(
            case=self.year.number(ACTIVITY_PREFIX[kind]),
            kind=CASE_KIND_OF.get(kind, CaseKind.OTHER),
            day=day,
            prosecutor=rng.choice(self.prosecutors),
            parties=people,
            rng=self.seeded(),
            opinion=self.opinion(0.55),
            activity_type=kind,
            title=activity_title(kind, people[0] if people else "", rng),
            draws=list(draws),
            named=named,
        )

    def hearing(self) -> HearingPlan:
        rng = self.rng
        kinds, weights = zip(*HEARING_KINDS, strict=True)
        kind = rng.choices(kinds, weights)[0]
        parties = rng.sample([f"{s}某" for s in SURNAMES], 2 if rng.random() < 0.3 else 1)
        supervised = rng.random() < 0.75
        return HearingPlan(
            case=self.year.number(CASE_PREFIX[kind]),
            kind=kind,
            day=day_in(rng, date(YEAR, 1, 9), date(YEAR, 12, 18)),
            prosecutor=rng.choice(self.prosecutors),
            parties=parties,
            rng=self.seeded(),
            opinion=self.opinion(0.55) if supervised else None,
            officers=rng.choice((3, 3, 3, 4, 5, 5)),
            named_officer=rng.random() < 0.25,
            chief_presides=rng.random() < 0.35,
            observer=rng.random() < 0.5,
            supervised=supervised,
        )


def plan_year(rng: random.Random) -> YearPlan:
    planner = Planner(rng)
    year = planner.year
    year.activities = plan_activities(planner)
    year.hearings = plan_hearings(planner)
    force_outcomes([*year.activities, *year.hearings])
    return year


def plan_activities(planner: Planner) -> list[ActivityPlan]:
    """Around the mix of seed 001; two December ones still unanswered on 31 December."""
    activities: list[ActivityPlan] = []
    for kind, base, draws, named in ACTIVITY_MIX:
        count = base + (planner.rng.randint(-1, 1) if base >= 3 else 0)
        activities += [planner.activity(kind, draws, named) for _ in range(count)]
    for kind, december in ((ActivityType.DOCUMENT_SERVICE, 6), (ActivityType.OTHER, 13)):
        late = next(a for a in activities if a.activity_type is kind and a.day.month < 12)
        late.day = date(YEAR, 12, december)
        late.opinion = OpinionPlan(OpinionOutcome.ADOPTED, late_feedback=True)
    activities.sort(key=lambda a: (a.day, a.case))
    for a in activities:
        if a.activity_type is ActivityType.SUPERVISOR_INITIATED and a.opinion is None:
            a.opinion = OpinionPlan(planner.outcome())  # who initiates supervision says something
    return activities


def plan_hearings(planner: Planner) -> list[HearingPlan]:
    """62–76 hearings; one departs from the officers' majority with the chief
    prosecutor's approval; one concerns a minor and is closed."""
    hearings = [planner.hearing() for _ in range(planner.rng.randint(62, 76))]
    hearings.sort(key=lambda h: (h.day, h.case))
    for n, h in enumerate(hearings, start=1):
        h.hearing = f"清城检听〔{YEAR}〕{n}号"
    hearings[len(hearings) // 3].depart = True
    minor = next(h for h in hearings[5:] if h.kind is CaseKind.INTENDED_NON_PROSECUTION)
    minor.minor = True
    return hearings


def force_outcomes(plans: list[CasePlan]) -> None:
    """Every outcome at least once, early enough to be decided within the year; one
    objection to a "not adopted", ruled by the chief prosecutor."""
    answered = [
        p
        for p in plans
        if p.opinion is not None
        and date(YEAR, 3, 1) <= p.day <= date(YEAR, 9, 30)
        and (not isinstance(p, HearingPlan) or p.supervised)
    ]
    answered.sort(key=lambda p: (p.day, p.case))
    for p, plan in zip(answered[::4], FORCED, strict=False):
        p.opinion = plan
