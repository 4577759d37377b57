"""What every supervised case shares: plans, registration, inviting people's supervisors
(draws, named invitations, replies, replacements), attendance, the opinion's lifecycle
and the closing."""

from __future__ import annotations

import random
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .. import commands as c
from ..application import CommandResult
from ..domain.values import ActivityType, CaseKind, ObjectionRuling, OpinionOutcome, Role
from .clock import later, office_hours
from .names import (
    DEPARTMENTS,
    DISTRICT,
    DRAW_SEED_LIMIT,
    NOT_ADOPTED_EXPLANATION,
    OPINIONS,
    PARTLY_ADOPTED_EXPLANATION,
    SubFlow,
)
from .roster import World

Invitations = Generator[c.Command, CommandResult, tuple[list[str], datetime]]


@dataclass(frozen=True)
class OpinionPlan:
    outcome: OpinionOutcome
    objection: bool = False
    implementation: bool = False
    late_feedback: bool = False


@dataclass
class CasePlan:
    case: str
    kind: CaseKind
    day: date
    prosecutor: str
    parties: list[str]
    rng: random.Random
    opinion: OpinionPlan | None = None
    minor: bool = False


@dataclass
class ActivityPlan(CasePlan):
    activity_type: ActivityType = ActivityType.OTHER
    title: str = ""
    #: (count, speciality) of each draw; empty with ``named`` for named invitations.
    draws: list[tuple[int, str | None]] = field(default_factory=list)
    named: int = 0


@dataclass
class HearingPlan(CasePlan):
    hearing: str = ""
    officers: int = 3
    named_officer: bool = False
    chief_presides: bool = False
    observer: bool = False
    supervised: bool = False
    depart: bool = False


def submit_opinion(case: str, supervisor: str, t: datetime, rng: random.Random) -> c.SubmitOpinion:
    return c.SubmitOpinion(
        case=case,
        activity="A1",
        supervisor=supervisor,
        opinion="O1",
        content=rng.choice(OPINIONS),
        occurred_at=t,
    )


EXPLANATIONS = {
    OpinionOutcome.ADOPTED: None,
    OpinionOutcome.PARTLY_ADOPTED: PARTLY_ADOPTED_EXPLANATION,
    OpinionOutcome.NOT_ADOPTED: NOT_ADOPTED_EXPLANATION,
}


def opinion_lifecycle(
    world: World, case: str, supervisor: str, t: datetime, plan: OpinionPlan, rng: random.Random
) -> SubFlow:
    """(submitted at ``t``) → received → routed → decided → feedback (→ objection → ruling)."""
    t = later(t, rng, 60 * 16, 60 * 30)
    yield c.ReceiveOpinion(case=case, opinion="O1", occurred_at=t)
    t = later(t, rng, 60 * 20, 60 * 50)
    yield c.RouteOpinion(case=case, opinion="O1", department=rng.choice(DEPARTMENTS), occurred_at=t)
    t = later(t, rng, 60 * 24 * 3, 60 * 24 * 10)
    explanation = EXPLANATIONS[plan.outcome]
    yield c.DecideOpinion(
        case=case, opinion="O1", outcome=plan.outcome, explanation=explanation, occurred_at=t
    )
    # Late in the year the answer can wait past 31 December: pending feedback at year end.
    t = later(
        t,
        rng,
        60 * 24 * (20 if plan.late_feedback else 2),
        60 * 24 * (25 if plan.late_feedback else 12),
    )
    name = world.person(supervisor).name
    yield c.GiveFeedback(
        case=case, opinion="O1", content=f"已将办理结果书面反馈人民监督员{name}。", occurred_at=t
    )
    if plan.objection:
        t = yield from objection(case, t, rng)
    return t


def objection(case: str, t: datetime, rng: random.Random) -> SubFlow:
    """The supervisor objects to the feedback; the chief prosecutor rules."""
    t = later(t, rng, 60 * 24 * 3, 60 * 24 * 5)
    yield c.ObjectToFeedback(
        case=case,
        opinion="O1",
        reason="对不予采纳的理由有异议，请求检察长复查。",
        occurred_at=t,
    )
    t = later(t, rng, 60 * 24 * 5, 60 * 24 * 9)
    yield c.RuleOnObjection(
        case=case,
        opinion="O1",
        ruling=ObjectionRuling.REJECTED,
        reasons="经检察长审查，原办理意见并无不当，维持原决定，并当面向人民监督员说明理由。",
        occurred_at=t,
    )
    return t


def close_case(plan: CasePlan, t: datetime, decision: str) -> SubFlow:
    """The decision, the closing, and (implementation outlasts the case) the report back."""
    rng = plan.rng
    t = later(t, rng, 60 * 24, 60 * 24 * 4)
    yield c.RecordCaseDecision(case=plan.case, decision=decision, occurred_at=t)
    t = later(t, rng, 30, 120)
    yield c.CloseCase(case=plan.case, occurred_at=t)
    if plan.opinion is not None and plan.opinion.implementation:
        t = later(t, rng, 60 * 24 * 10, 60 * 24 * 30)
        yield c.ReportImplementation(
            case=plan.case,
            opinion="O1",
            content="相关部门已完成整改，落实情况已同步反馈人民监督员。",
            occurred_at=t,
        )
    return t


def register_case(plan: CasePlan, t: datetime, title: str) -> c.RegisterCase:
    return c.RegisterCase(
        case=plan.case,
        unit=DISTRICT,
        kind=plan.kind,
        title=title,
        handling_prosecutor=plan.prosecutor,
        parties=[
            c.PartyInput(name=p, minor=plan.minor and n == 0) for n, p in enumerate(plan.parties)
        ],
        received_on=plan.day - timedelta(days=plan.rng.randint(3, 30)),
        occurred_at=t,
    )


def invite_supervisors(
    world: World,
    plan: CasePlan,
    t: datetime,
    draws: list[tuple[int, str | None]],
    named: int,
    avoid: set[str],
) -> Invitations:
    """Draw (or name) people's supervisors, take their replies, send replacements (补派).

    Returns who will attend. ``avoid`` are people already serving on the matter in
    another capacity (a hearing officer of the same hearing): they are replaced.
    """
    invited, t = yield from draw_supervisors(world, plan, t, draws, named)
    present: list[str] = []
    for key in invited:
        t = later(t, plan.rng, 20, 240)
        current, t = yield from reply(plan, key, t, avoid)
        present.append(current)
    return present, t


def draw_supervisors(
    world: World, plan: CasePlan, t: datetime, draws: list[tuple[int, str | None]], named: int
) -> Invitations:
    """The random draws (随机抽选), then the people invited by name; who was invited."""
    rng, case = plan.rng, plan.case
    invited: list[str] = []
    for count, speciality in draws:
        t = later(t, rng, 10, 40)
        result = yield c.DrawSupervisors(
            case=case,
            activity="A1",
            count=count,
            speciality=speciality,
            seed=rng.randrange(DRAW_SEED_LIMIT),
            occurred_at=t,
        )
        invited += result.keys("drawn")
    if named:
        pool = world.eligible(Role.PEOPLES_SUPERVISOR, t.date(), case, plan.parties, invited)
        for person in rng.sample(pool, min(named, len(pool))):
            t = later(t, rng, 5, 20)
            yield c.InviteSupervisor(case=case, activity="A1", supervisor=person.key, occurred_at=t)
            invited.append(person.key)
    return invited, t


def reply(
    plan: CasePlan, key: str, t: datetime, avoid: set[str]
) -> Generator[c.Command, CommandResult, tuple[str, datetime]]:
    """One invited person's answer: accepted, or declined / serving otherwise and
    replaced; returns who comes."""
    rng, case = plan.rng, plan.case
    current, roll = key, rng.random()
    if current in avoid or roll < 0.12:
        if current not in avoid and roll < 0.09:
            yield c.DeclineInvitation(
                case=case,
                activity="A1",
                supervisor=current,
                reason="工作冲突，无法参加",
                occurred_at=t,
            )
        else:
            yield c.AcceptInvitation(case=case, activity="A1", supervisor=current, occurred_at=t)
        current, t = yield from replace(plan, current, t, avoid)
        t = later(t, rng, 20, 120)
    yield c.AcceptInvitation(case=case, activity="A1", supervisor=current, occurred_at=t)
    return current, t


def replace(
    plan: CasePlan, current: str, t: datetime, avoid: set[str]
) -> Generator[c.Command, CommandResult, tuple[str, datetime]]:
    """补派: the ledger draws a replacement, again while it is serving otherwise."""
    reason = "已担任本案听证员，予以回避" if current in avoid else "因故无法参加，补派"
    for _ in range(10):
        t = later(t, plan.rng, 30, 90)
        result = yield c.ReplaceSupervisor(
            case=plan.case,
            activity="A1",
            supervisor=current,
            reason=reason,
            seed=plan.rng.randrange(DRAW_SEED_LIMIT),
            occurred_at=t,
        )
        current = result.key("replacement")
        if current not in avoid:
            break
    return current, t


def attend(case: str, people: list[str], t: datetime) -> SubFlow:
    t = office_hours(t)
    for key in people:
        yield c.RecordAttendance(case=case, activity="A1", supervisor=key, occurred_at=t)
        t = office_hours(t + timedelta(minutes=1))
    return t
