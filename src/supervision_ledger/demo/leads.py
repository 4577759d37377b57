"""Leads (线索) from grid workers, NPC deputies' suggestions, CPPCC members' proposals,
departments' transfers and other sources: accepted or rejected, a few turned into
public-interest cases."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from .. import commands as c
from ..domain import LeadSource
from ..domain.values import CaseKind, Role
from .clock import YEAR, at, day_in, later, on_day
from .names import CASE_PREFIX, DISTRICT, LEAD_SUMMARIES, OWN_DEPARTMENTS, TRANSFERRING, Flow
from .plan import YearPlan
from .roster import Person, World


@dataclass
class LeadPlan:
    lead: str
    day: date
    source: LeadSource
    reporter: str | None
    reference: str | None
    summary: str
    #: "accepted", "rejected" or a case number: accepted and turned into that case.
    fate: str
    #: When the case is registered, if the lead becomes one.
    case_day: date
    prosecutor: str
    rng: random.Random


def lead_flow(plan: LeadPlan) -> Flow:
    """Reported → accepted or rejected → (成案) a case registered and linked."""
    rng = plan.rng
    t = at(plan.day, rng.randint(9, 16), rng.randint(0, 59))
    yield c.ReportLead(
        lead=plan.lead,
        unit=DISTRICT,
        source=plan.source,
        reporter=plan.reporter,
        reference=plan.reference,
        department=rng.choice(TRANSFERRING)
        if plan.source is LeadSource.AGENCY_REFERRAL
        else rng.choice(OWN_DEPARTMENTS)
        if plan.source is LeadSource.DEPARTMENT_TRANSFER
        else None,
        summary=plan.summary,
        occurred_at=t,
    )
    t = later(t, rng, 60 * 24 * 2, 60 * 24 * 6)
    if plan.fate == "rejected":
        yield c.RejectLead(
            lead=plan.lead, reasons="经初步调查，已由行政机关依法处理完毕。", occurred_at=t
        )
        return
    yield c.AcceptLead(lead=plan.lead, occurred_at=t)
    if plan.fate == "accepted":
        return
    t = on_day(t, plan.case_day, rng)
    yield c.RegisterCase(
        case=plan.fate,
        unit=DISTRICT,
        kind=CaseKind.PUBLIC_INTEREST_LITIGATION,
        title=f"{plan.summary}公益诉讼案",
        handling_prosecutor=plan.prosecutor,
        received_on=t.date(),
        occurred_at=t,
    )
    t = later(t, rng, 30, 90)
    yield c.TurnLeadIntoCase(lead=plan.lead, case=plan.fate, occurred_at=t)


def plan_leads(
    rng: random.Random,
    seeded: Callable[[], random.Random],
    world: World,
    prosecutors: list[str],
) -> list[LeadPlan]:
    """Grid workers' reports first; most accepted."""
    sources = [
        *[LeadSource.GRID_WORKER] * rng.randint(16, 24),
        *[LeadSource.NPC_SUGGESTION] * rng.randint(3, 5),
        *[LeadSource.CPPCC_PROPOSAL] * rng.randint(2, 4),
        *[LeadSource.DEPARTMENT_TRANSFER] * 2,
        *[LeadSource.AGENCY_REFERRAL] * rng.randint(4, 8),
        *[LeadSource.OTHER] * rng.randint(2, 3),
    ]
    leads = [
        plan_lead(rng, seeded, world, prosecutors, n, source)
        for n, source in enumerate(sources, start=1)
    ]
    leads.sort(key=lambda lead: lead.day)
    for n, lead in enumerate(leads, start=1):
        lead.lead = f"清城检线〔{YEAR}〕{n}号"
    return leads


def with_role(world: World, role: Role) -> list[Person]:
    return [p for p in world.people if role in p.roles]


def plan_lead(
    rng: random.Random,
    seeded: Callable[[], random.Random],
    world: World,
    prosecutors: list[str],
    n: int,
    source: LeadSource,
) -> LeadPlan:
    day = day_in(rng, date(YEAR, 1, 9), date(YEAR, 12, 20))
    reporter, reference = None, None
    if source is LeadSource.GRID_WORKER:
        grid = with_role(world, Role.GRID_WORKER)
        reporter = rng.choice([p for p in grid if p.term_start <= day]).key
    elif source is LeadSource.NPC_SUGGESTION:
        reporter = rng.choice(with_role(world, Role.NPC_DEPUTY)).key
        reference = f"清城区人大建议第{n}号"
    elif source is LeadSource.CPPCC_PROPOSAL:
        reporter = rng.choice(with_role(world, Role.CPPCC_MEMBER)).key
        reference = f"清城区政协提案第{n}号"
    return LeadPlan(
        lead="",
        day=day,
        source=source,
        reporter=reporter,
        reference=reference,
        summary=rng.choice(LEAD_SUMMARIES[source]),
        fate="rejected" if rng.random() < 0.25 else "accepted",
        case_day=day + timedelta(days=rng.randint(12, 20)),
        prosecutor=rng.choice(prosecutors),
        rng=seeded(),
    )


def convert(rng: random.Random, leads: list[LeadPlan], year: YearPlan) -> list[LeadPlan]:
    """Up to four accepted leads become public-interest cases (成案); they are returned."""
    convertible = [x for x in leads if x.fate == "accepted" and x.day <= date(YEAR, 10, 15)]
    converted = sorted(rng.sample(convertible, min(4, len(convertible))), key=lambda x: x.day)
    for lead in converted:
        lead.fate = year.number(CASE_PREFIX[CaseKind.PUBLIC_INTEREST_LITIGATION])
    return converted
