"""Typical cases (典型案例): two hearings' cases nominated at the municipal level, one
further at the provincial."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from .. import commands as c
from ..domain import TypicalCaseLevel
from ..domain.values import CaseKind
from .clock import YEAR, at, later, weekday
from .names import CITY_NAME, DISTRICT_NAME, Flow
from .plan import YearPlan


def typical_case_flow(
    case: str, day: date, provincial: bool, selected: bool, rng: random.Random
) -> Flow:
    """Nominated at the municipal level (and, once selected there, at the provincial)."""
    t = at(weekday(day), 10, rng.randint(0, 50))
    municipal = TypicalCaseLevel.MUNICIPAL
    yield c.NominateTypicalCase(
        case=case,
        level=municipal,
        title="检察听证化解矛盾典型案例",
        nominated_by=DISTRICT_NAME,
        occurred_at=t,
    )
    t = later(t, rng, 60 * 24 * 25, 60 * 24 * 45)
    yield c.DecideTypicalCase(
        case=case,
        level=municipal,
        selected=True,
        note="入选清远市检察机关检察听证典型案例",
        occurred_at=t,
    )
    if not provincial:
        return
    t = later(t, rng, 60 * 24 * 10, 60 * 24 * 20)
    level = TypicalCaseLevel.PROVINCIAL
    yield c.NominateTypicalCase(
        case=case,
        level=level,
        title="检察听证化解矛盾典型案例",
        nominated_by=CITY_NAME,
        occurred_at=t,
    )
    t = later(t, rng, 60 * 24 * 30, 60 * 24 * 50)
    yield c.DecideTypicalCase(
        case=case,
        level=level,
        selected=selected,
        note="入选广东省检察机关检察听证典型案例" if selected else "同类案例已有入选，未予选用",
        occurred_at=t,
    )


def typical_case_flows(
    rng: random.Random, seeded: Callable[[], random.Random], year: YearPlan
) -> list[Flow]:
    candidates = [
        h
        for h in year.hearings
        if h.kind in (CaseKind.PUBLIC_INTEREST_LITIGATION, CaseKind.INTENDED_NON_PROSECUTION)
        and date(YEAR, 3, 1) <= h.day <= date(YEAR, 6, 30)
    ]
    return [
        typical_case_flow(h.case, h.day + timedelta(days=45), n == 0, rng.random() < 0.5, seeded())
        for n, h in enumerate(rng.sample(candidates, min(2, len(candidates))))
    ]
