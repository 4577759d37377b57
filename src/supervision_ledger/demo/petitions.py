"""Petitions (信访): received by every channel, a few anonymous; a procedural reply
within 7 days (now and then late), the result within three months or after, progress
replies, transfers; closed."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .. import commands as c
from ..domain import PetitionChannel, Policy, ProceduralOutcome
from .cases import CasePlan
from .clock import YEAR, at, day_in, later, on_day
from .names import DISTRICT, PETITION_SUBJECTS, TRANSFERRING, Flow, SubFlow

CHANNELS, CHANNEL_WEIGHTS = zip(
    (PetitionChannel.VISIT, 30),
    (PetitionChannel.LETTER, 20),
    (PetitionChannel.ONLINE, 20),
    (PetitionChannel.PHONE, 10),
    (PetitionChannel.HOTLINE_12309, 15),
    (PetitionChannel.OTHER, 5),
    strict=True,
)


@dataclass
class PetitionPlan:
    petition: str
    day: date
    channel: PetitionChannel
    subject: str
    case: str | None
    anonymous: bool
    #: "on_time", "progress" (a progress reply, then the result), "late" (result after
    #: three months) or "transferred".
    mode: str
    procedural_late: bool
    rng: random.Random


def petition_flow(plan: PetitionPlan, policy: Policy) -> Flow:
    """Received → procedural reply → (progress →) result → closed."""
    rng, key = plan.rng, plan.petition
    t = at(plan.day, rng.randint(9, 16), rng.randint(0, 59))
    yield c.ReceivePetition(
        petition=key,
        unit=DISTRICT,
        channel=plan.channel,
        anonymous=plan.anonymous,
        has_contact=not plan.anonymous,
        case=plan.case,
        subject=plan.subject,
        occurred_at=t,
    )
    received = policy.local_date(t)
    days = rng.randint(9, 14) if plan.procedural_late else rng.randint(1, 5)
    t = on_day(t, received + timedelta(days=days), rng)
    if plan.mode == "transferred":
        t = yield from transferred(plan, t)
    else:
        t = yield from answered(plan, policy, received, t)
    t = later(t, rng, 60 * 24, 60 * 24 * 5)
    yield c.ClosePetition(petition=key, occurred_at=t)


def transferred(plan: PetitionPlan, t: datetime) -> SubFlow:
    """Not this procuratorate's matter: transferred, and the result passed on."""
    where = plan.rng.choice(TRANSFERRING)
    yield c.ReplyPetitionProcedurally(
        petition=plan.petition,
        outcome=ProceduralOutcome.TRANSFERRED,
        content=f"经审查，该事项属{where}职责范围，已依法转办。",
        transferred_to=where,
        occurred_at=t,
    )
    t = later(t, plan.rng, 60 * 24 * 5, 60 * 24 * 20)
    yield c.ReplyPetitionResult(
        petition=plan.petition, content=f"{where}已受理并反馈办理情况。", occurred_at=t
    )
    return t


def answered(plan: PetitionPlan, policy: Policy, received: date, t: datetime) -> SubFlow:
    """Accepted; the result within three months, after them, or after a progress reply."""
    rng, key = plan.rng, plan.petition
    yield c.ReplyPetitionProcedurally(
        petition=key,
        outcome=ProceduralOutcome.ACCEPTED,
        content="您的来信来访已收悉，本院已依法受理。",
        occurred_at=t,
    )
    three_months = policy.petition_result_due_on(received)
    if plan.mode == "progress":
        t = on_day(t, three_months - timedelta(days=rng.randint(5, 15)), rng)
        yield c.ReplyPetitionProgress(
            petition=key, content="案件正在审查中，将及时告知办理结果。", occurred_at=t
        )
        t = on_day(t, policy.local_date(t) + timedelta(days=rng.randint(10, 25)), rng)
    elif plan.mode == "late":
        t = on_day(t, three_months + timedelta(days=rng.randint(5, 20)), rng)
    else:
        t = on_day(t, received + timedelta(days=rng.randint(15, 75)), rng)
    yield c.ReplyPetitionResult(
        petition=key, content="经审查，已依法作出处理，并书面答复。", occurred_at=t
    )
    return t


def plan_petitions(
    rng: random.Random, seeded: Callable[[], random.Random], matters: list[CasePlan]
) -> list[PetitionPlan]:
    """About a hundred petitions, a few anonymous; some about the year's cases."""
    petitions = [plan_petition(rng, seeded, matters) for _ in range(rng.randint(92, 108))]
    petitions.sort(key=lambda p: p.day)
    # At least one of each way of answering, early enough to be answered within the year.
    for index, mode in ((5, "late"), (15, "progress"), (25, "on_time")):
        petitions[index].anonymous = False
        petitions[index].mode = mode
    petitions[25].procedural_late = True
    for n, p in enumerate(petitions, start=1):
        p.petition = f"清城检信〔{YEAR}〕{n}号"
    return petitions


def plan_petition(
    rng: random.Random, seeded: Callable[[], random.Random], matters: list[CasePlan]
) -> PetitionPlan:
    day = day_in(rng, date(YEAR, 1, 3), date(YEAR, 12, 29))
    earlier = [m.case for m in matters if m.day < day]
    anonymous = rng.random() < 0.05
    roll = rng.random()
    return PetitionPlan(
        petition="",
        day=day,
        channel=rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
        subject=rng.choice(PETITION_SUBJECTS),
        case=rng.choice(earlier) if earlier and rng.random() < 0.2 else None,
        anonymous=anonymous,
        mode=answer_mode(anonymous, roll),
        procedural_late=not anonymous and rng.random() < 0.05,
        rng=seeded(),
    )


def answer_mode(anonymous: bool, roll: float) -> str:
    if anonymous or roll < 0.15:
        return "transferred"
    if roll < 0.25:
        return "progress"
    return "late" if roll < 0.27 else "on_time"
