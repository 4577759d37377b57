"""The chief prosecutor at the court's trial committee (检察长列席审判委员会)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from .. import commands as c
from .clock import YEAR, at, day_in, weekday
from .names import CHIEF, COMMITTEE_OPINIONS, COURT, DISTRICT, Flow


def trial_committee_flow(sitting: str, day: date, opinions: int, rng: random.Random) -> Flow:
    """The chief prosecutor attends a sitting, gives opinions, the committee decides."""
    t = at(weekday(day), 14, 30)
    yield c.RecordTrialCommitteeSitting(
        sitting=sitting, unit=DISTRICT, court=COURT, attendee=CHIEF, occurred_at=t
    )
    keys = [f"P{n}" for n in range(1, opinions + 1)]
    for key in keys:
        t += timedelta(minutes=20)
        yield c.GiveTrialCommitteeOpinion(
            sitting=sitting,
            opinion=key,
            matter=f"（{YEAR}）粤1802刑初{rng.randint(100, 999)}号",
            content=rng.choice(COMMITTEE_OPINIONS),
            occurred_at=t,
        )
    t = at(t.date(), 16, 30)
    for key in keys:
        t += timedelta(minutes=15)
        yield c.RecordTrialCommitteeAdoption(
            sitting=sitting, opinion=key, adopted=rng.random() < 0.85, occurred_at=t
        )


def trial_committee_flows(rng: random.Random, seeded: Callable[[], random.Random]) -> list[Flow]:
    """A few sittings a year, each with one to three opinions."""
    days = sorted(
        day_in(rng, date(YEAR, 2, 1), date(YEAR, 12, 15)) for _ in range(rng.randint(4, 6))
    )
    return [
        trial_committee_flow(f"清城法审委〔{YEAR}〕{n}号", day, rng.randint(1, 3), seeded())
        for n, day in enumerate(days, start=1)
    ]
