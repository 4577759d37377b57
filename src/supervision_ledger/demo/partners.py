"""Partner units (协作单位): cooperation agreements signed, one terminated."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from .. import commands as c
from .clock import YEAR, at, weekday
from .names import DISTRICT, PARTNERS, Flow


def partners_flow(rng: random.Random) -> Flow:
    """Cooperation agreements with 12–15 units, a few from 2022; one ended by a reform."""
    partners = rng.sample(PARTNERS, rng.randint(12, 15))
    steps: list[tuple[datetime, c.Command]] = []
    for n, partner in enumerate(partners, start=1):
        signed = weekday(
            date(2022, 9, 1) + timedelta(days=rng.randint(0, 90))
            if n <= 3
            else date(YEAR, 1, 9) + timedelta(days=rng.randint(0, 200))
        )
        steps.append(
            (
                at(signed, 10, rng.randint(0, 50)),
                c.SignPartnerAgreement(
                    agreement=f"清城检协〔{signed.year}〕{n}号",
                    unit=DISTRICT,
                    partner=partner,
                    title="公益诉讼检察与行政执法协作机制" if n % 2 else "检察工作协作配合机制",
                    in_force_from=signed,
                    in_force_until=date(signed.year + 3, 12, 31) if n % 3 else None,
                    occurred_at=at(signed, 10, rng.randint(0, 50)),
                ),
            )
        )
    steps.sort(key=lambda step: step[1].occurred_at)
    for _, step in steps:
        yield step
    ended = steps[0][1]
    assert isinstance(ended, c.SignPartnerAgreement)
    yield c.TerminatePartnerAgreement(
        agreement=ended.agreement,
        effective_on=date(YEAR, 10, 1),
        reason="机构改革，相关职能划转",
        occurred_at=at(date(YEAR, 9, 25), 10),
    )
