"""Activities of the district's procuratorate, not of a case (issue 12): an open day
with drawn people's supervisors and an NPC deputy, a circuit inspection of the
detention centre whose opinion is answered, and a visit of NPC deputies (人大代表视察)
with a drawn people's supervisor — the same invitations, draws, attendance
and opinions as a case's activity, counted by the same figures."""

from __future__ import annotations

import random
from datetime import date

from .. import commands as c
from ..domain.values import ActivityType, OpinionOutcome, Role
from .clock import YEAR, at, later, office_hours
from .names import DEPARTMENTS, DISTRICT, DRAW_SEED_LIMIT, Flow
from .roster import World, pay

#: (key, type, title, day, people's supervisors drawn, an NPC deputy invited, opinion)
UNIT_ACTIVITIES = (
    (
        f"清城检开放日〔{YEAR}〕1号",
        ActivityType.OPEN_DAY,
        "检察开放日",
        date(YEAR, 5, 16),
        2,
        True,
        None,
    ),
    (
        f"清城检巡回〔{YEAR}〕1号",
        ActivityType.CIRCUIT_INSPECTION,
        "对清城区看守所开展巡回检察（单位活动）",
        date(YEAR, 9, 12),
        2,
        False,
        "建议完善在押人员权利告知台账，并定期公开巡回检察发现问题的整改情况。",
    ),
    (
        f"清城检视察〔{YEAR}〕1号",
        ActivityType.NPC_CPPCC_VISIT,
        "人大代表、政协委员视察未成年人检察工作",
        date(YEAR, 11, 21),
        1,
        True,
        None,
    ),
)


def unit_activity_flows(rng: random.Random, world: World) -> list[Flow]:
    return [
        unit_activity_flow(rng, world, *plan)
        for plan in UNIT_ACTIVITIES  # one flow each
    ]


def unit_activity_flow(
    rng: random.Random,
    world: World,
    key: str,
    kind: ActivityType,
    title: str,
    day: date,
    drawn: int,
    deputy: bool,
    opinion: str | None,
) -> Flow:
    t = at(day, 9, rng.randint(0, 30))
    yield c.OpenUnitActivity(
        unit_activity=key, unit=DISTRICT, activity_type=kind, title=title, occurred_at=t
    )
    t = later(t, rng, 10, 40)
    result = yield c.DrawSupervisors(
        unit_activity=key, count=drawn, seed=rng.randrange(DRAW_SEED_LIMIT), occurred_at=t
    )
    present = list(result.keys("drawn"))
    if deputy:
        pool = world.eligible(Role.NPC_DEPUTY, t.date(), key, ())
        if pool:
            person = rng.choice(pool).key
            t = later(t, rng, 10, 40)
            yield c.InviteSupervisor(
                unit_activity=key, supervisor=person, role=Role.NPC_DEPUTY, occurred_at=t
            )
            present.append(person)
    t = office_hours(at(day, 14, rng.randint(0, 30)))
    for person in present:
        t = later(t, rng, 1, 5)
        yield c.RecordAttendance(unit_activity=key, supervisor=person, occurred_at=t)
    t = yield from pay(present, t, key, kind.zh)
    if opinion is None:
        return
    author = present[0]
    t = office_hours(later(t, rng, 60 * 20, 60 * 30))
    yield c.SubmitOpinion(unit_activity=key, supervisor=author, content=opinion, occurred_at=t)
    steps = (
        lambda t: c.ReceiveOpinion(unit_activity=key, opinion="O1", occurred_at=t),
        lambda t: c.RouteOpinion(
            unit_activity=key, opinion="O1", department=rng.choice(DEPARTMENTS), occurred_at=t
        ),
        lambda t: c.DecideOpinion(
            unit_activity=key, opinion="O1", outcome=OpinionOutcome.ADOPTED, occurred_at=t
        ),
        lambda t: c.GiveFeedback(
            unit_activity=key,
            opinion="O1",
            content="意见已采纳，已要求看守所完善告知台账并按季度公开整改情况。",
            occurred_at=t,
        ),
        lambda t: c.ReportImplementation(
            unit_activity=key, opinion="O1", content="台账已完善，整改情况已公开。", occurred_at=t
        ),
    )
    for step in steps:
        t = office_hours(later(t, rng, 60 * 24, 60 * 24 * 5))
        yield step(t)
