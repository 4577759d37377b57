"""Cases brought to a hearing (检察听证): proposed, approved, scheduled; hearing officers
drawn (and replaced), observers invited, people's supervisors supervising; held,
deliberated, decided; the parties' responses; concluded, paid, the opinion answered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .. import commands as c
from ..application import CommandResult
from ..domain.values import ActivityType, ApproverRole, Role
from .cases import (
    HearingPlan,
    attend,
    close_case,
    invite_supervisors,
    opinion_lifecycle,
    register_case,
    submit_opinion,
)
from .clock import at, later, office_hours, weekday
from .names import CHIEF, DRAW_SEED_LIMIT, RECOMMENDATIONS, Flow, SubFlow
from .roster import World, pay

Step = Generator[c.Command, CommandResult, datetime]


@dataclass
class Panel:
    """Who serves at one hearing, and when it is held."""

    held_day: date
    scheduled_for: datetime
    officers: list[str] = field(default_factory=list)
    observers: list[str] = field(default_factory=list)
    supervisors: list[str] = field(default_factory=list)
    #: The officers who sit, after replacements.
    serving: list[str] = field(default_factory=list)


def hearing_flow(world: World, plan: HearingPlan) -> Flow:
    """A case brought to a hearing, from registration to the case's closing."""
    panel, t = yield from prepare(plan)
    t = yield from draw_officers(world, plan, panel, t)
    t = yield from invite_observer(world, plan, panel, t)
    t = yield from supervise(world, plan, panel, t)
    t = yield from officer_replies(world, plan, panel, t)
    votes, t = yield from deliberate(plan, panel, t)
    author = None
    if panel.supervisors and plan.opinion is not None:
        author = plan.rng.choice(panel.supervisors)
        t = later(t, plan.rng, 30, 90)
        yield submit_opinion(plan.case, author, t, plan.rng)
    majority, t = yield from decide(plan, votes, len(panel.serving), t)
    t = yield from conclude(plan, panel, t)
    if author is not None and plan.opinion is not None:
        t = yield from opinion_lifecycle(world, plan.case, author, t, plan.opinion, plan.rng)
    usual = RECOMMENDATIONS[plan.kind][0]
    yield from close_case(plan, t, f"经听证，{majority or usual}，依法作出处理决定。")


def prepare(plan: HearingPlan) -> Generator[c.Command, CommandResult, tuple[Panel, datetime]]:
    """Registered, proposed, approved by the chief prosecutor, scheduled."""
    rng, hearing = plan.rng, plan.hearing
    t = at(plan.day, 9, rng.randint(0, 50))
    yield register_case(plan, t, f"{plan.parties[0]}{plan.kind.zh}案")
    t = at(weekday(plan.day + timedelta(days=1)), 10)
    yield c.ProposeHearing(
        hearing=hearing,
        case=plan.case,
        reason="案件事实、法律适用存在争议，拟公开听证",
        occurred_at=t,
    )
    t = at(weekday(t.date() + timedelta(days=1)), 10)
    yield c.ApproveHearing(
        hearing=hearing,
        approver=c.ApproverInput(role=ApproverRole.CHIEF_PROSECUTOR, name=CHIEF),
        occurred_at=t,
    )
    t = at(weekday(t.date() + timedelta(days=1)), 9)
    held_day = weekday(t.date() + timedelta(days=rng.randint(4, 12)))
    panel = Panel(held_day, at(held_day, 9, 30))
    yield c.ScheduleHearing(
        hearing=hearing,
        scheduled_for=panel.scheduled_for,
        presiding_prosecutor=CHIEF if plan.chief_presides else plan.prosecutor,
        presided_by_chief=plan.chief_presides,
        location="清城区人民检察院检察听证室",
        occurred_at=t,
    )
    return panel, t


def draw_officers(world: World, plan: HearingPlan, panel: Panel, t: datetime) -> Step:
    """Now and then one officer named, the others drawn at random (随机抽选)."""
    rng = plan.rng
    if plan.named_officer:
        t = later(t, rng, 20, 60)
        pool = world.eligible(Role.HEARING_OFFICER, panel.held_day, plan.case, plan.parties)
        pick = rng.choice(pool)
        yield c.InviteHearingOfficer(hearing=plan.hearing, supervisor=pick.key, occurred_at=t)
        panel.officers.append(pick.key)
    t = later(t, rng, 20, 60)
    result = yield c.DrawHearingOfficers(
        hearing=plan.hearing,
        count=plan.officers - len(panel.officers),
        seed=rng.randrange(DRAW_SEED_LIMIT),
        occurred_at=t,
    )
    panel.officers += result.keys("drawn")
    return t


def invite_observer(world: World, plan: HearingPlan, panel: Panel, t: datetime) -> Step:
    """An NPC deputy or CPPCC member invited to observe, for some hearings."""
    if not plan.observer:
        return t
    t = later(t, plan.rng, 20, 60)
    pool = [
        p
        for role in (Role.NPC_DEPUTY, Role.CPPCC_MEMBER)
        for p in world.eligible(role, panel.held_day, plan.case, plan.parties, panel.officers)
    ]
    guest = plan.rng.choice(pool)
    role = Role.NPC_DEPUTY if Role.NPC_DEPUTY in guest.roles else Role.CPPCC_MEMBER
    yield c.InviteObserver(hearing=plan.hearing, supervisor=guest.key, role=role, occurred_at=t)
    panel.observers.append(guest.key)
    return t


def supervise(world: World, plan: HearingPlan, panel: Panel, t: datetime) -> Step:
    """A supervision activity of type 1 on the hearing, with people's supervisors drawn."""
    if not plan.supervised:
        return t
    t = later(t, plan.rng, 60, 180)
    yield c.OpenActivity(
        case=plan.case,
        activity="A1",
        activity_type=ActivityType.PUBLIC_HEARING,
        title=f"监督{plan.hearing}听证",
        hearing=plan.hearing,
        occurred_at=t,
    )
    count = 2 if plan.rng.random() < 0.2 else 1
    panel.supervisors, t = yield from invite_supervisors(
        world, plan, t, [(count, None)], 0, set(panel.officers)
    )
    return t


def officer_replies(world: World, plan: HearingPlan, panel: Panel, t: datetime) -> Step:
    """Now and then an officer declines and another is named (补派)."""
    rng = plan.rng
    panel.serving = list(panel.officers)
    ever = set(panel.officers) | set(panel.observers) | set(panel.supervisors)
    for key in panel.officers:
        if rng.random() >= 0.08:
            continue
        t = later(t, rng, 60 * 12, 60 * 24)
        yield c.DeclineHearingInvitation(
            hearing=plan.hearing, supervisor=key, reason="出差在外", occurred_at=t
        )
        pool = world.eligible(Role.HEARING_OFFICER, panel.held_day, plan.case, plan.parties, ever)
        replacement = rng.choice(pool).key
        ever.add(replacement)
        t = later(t, rng, 30, 120)
        yield c.ReplaceHearingOfficer(
            hearing=plan.hearing,
            supervisor=key,
            replacement=replacement,
            reason="原听证员请假，补派",
            occurred_at=t,
        )
        panel.serving[panel.serving.index(key)] = replacement
    return t


def deliberate(
    plan: HearingPlan, panel: Panel, t: datetime
) -> Generator[c.Command, CommandResult, tuple[Counter[str], datetime]]:
    """Held; the supervisors' attendance; each officer's recommendation."""
    t = office_hours(max(t + timedelta(minutes=5), panel.scheduled_for))
    yield c.HoldHearing(hearing=plan.hearing, occurred_at=t)
    t = yield from attend(plan.case, panel.supervisors, t)
    usual, other = RECOMMENDATIONS[plan.kind]
    votes: Counter[str] = Counter()
    for key in panel.serving:
        t = later(t, plan.rng, 5, 20)
        recommendation = usual if plan.depart or plan.rng.random() < 0.85 else other
        votes[recommendation] += 1
        yield c.RecordOfficerOpinion(
            hearing=plan.hearing,
            officer=key,
            recommendation=recommendation,
            reasons="综合听证情况发表意见",
            occurred_at=t,
        )
    return votes, t


def decide(
    plan: HearingPlan, votes: Counter[str], officers: int, t: datetime
) -> Generator[c.Command, CommandResult, tuple[str | None, datetime]]:
    """The decision: the officers' majority, or (once a year) a departure from it with
    the chief prosecutor's approval. Returns the majority, if there was one."""
    t = later(t, plan.rng, 60 * 24, 60 * 24 * 3)
    usual, other = RECOMMENDATIONS[plan.kind]
    top, n = votes.most_common(1)[0]
    majority = top if n * 2 > officers else None
    if plan.depart and majority is not None:
        yield c.DecideHearing(
            hearing=plan.hearing,
            decision=other if majority == usual else usual,
            chief_approved=True,
            reasons="经检察委员会讨论并报检察长批准，鉴于新的证据材料，未采纳听证员多数意见，"
            "已将理由书面告知听证员。",
            occurred_at=t,
        )
    else:
        yield c.DecideHearing(hearing=plan.hearing, decision=majority or usual, occurred_at=t)
    return majority, t


def conclude(plan: HearingPlan, panel: Panel, t: datetime) -> SubFlow:
    """The parties' responses, the conclusion, the allowances."""
    for party in plan.parties:
        t = later(t, plan.rng, 60 * 6, 60 * 30)
        yield c.RecordPartyResponse(
            hearing=plan.hearing, party=party, accepted=plan.rng.random() < 0.96, occurred_at=t
        )
    t = later(t, plan.rng, 60 * 12, 60 * 30)
    yield c.ConcludeHearing(hearing=plan.hearing, occurred_at=t)
    t = yield from pay(panel.serving + panel.observers, t, plan.hearing, "检察听证")
    t = yield from pay(panel.supervisors, t, f"{plan.case}/A1", ActivityType.PUBLIC_HEARING.zh)
    return t
