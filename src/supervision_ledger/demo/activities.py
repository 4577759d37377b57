"""Cases with one supervision activity of each of the nine types (and supervisor-initiated
ones): registered, opened, people invited and attending, paid, the opinion answered."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .. import commands as c
from ..domain.values import ActivityType, Role
from .cases import (
    ActivityPlan,
    Invitations,
    attend,
    close_case,
    invite_supervisors,
    opinion_lifecycle,
    register_case,
    submit_opinion,
)
from .clock import YEAR, at, later, weekday
from .names import CRIMES, TOPICS, Flow
from .roster import World, pay


def activity_flow(world: World, plan: ActivityPlan) -> Flow:
    """One case with one supervision activity, and its opinion if there is one."""
    rng = plan.rng
    t = at(plan.day, 9, rng.randint(0, 50))
    yield register_case(plan, t, plan.title)
    t = later(t, rng, 30, 90)
    if plan.activity_type is ActivityType.SUPERVISOR_INITIATED:
        present, t = yield from initiated(world, plan, t)
    else:
        present, t = yield from invited(world, plan, t)
    if plan.opinion is not None:
        t = later(t, rng, 60 * 3, 60 * 24)
        author = rng.choice(present)
        yield submit_opinion(plan.case, author, t, rng)
        t = yield from opinion_lifecycle(world, plan.case, author, t, plan.opinion, rng)
    yield from close_case(plan, t, "监督活动已完成，相关工作依法办结。")


def initiated(world: World, plan: ActivityPlan, t: datetime) -> Invitations:
    """A people's supervisor opens the activity (人民监督员主动提出监督)."""
    pool = world.eligible(Role.PEOPLES_SUPERVISOR, t.date(), plan.case, plan.parties)
    initiator = plan.rng.choice(pool).key
    yield c.OpenActivity(
        case=plan.case,
        activity="A1",
        activity_type=plan.activity_type,
        title=plan.title,
        initiated_by=initiator,
        occurred_at=t,
    )
    return [initiator], later(t, plan.rng, 60 * 24, 60 * 24 * 4)


def invited(world: World, plan: ActivityPlan, t: datetime) -> Invitations:
    """The procuratorate opens the activity, invites, records attendance, pays."""
    yield c.OpenActivity(
        case=plan.case,
        activity="A1",
        activity_type=plan.activity_type,
        title=plan.title,
        occurred_at=t,
    )
    present, t = yield from invite_supervisors(world, plan, t, plan.draws, plan.named, set())
    held = at(weekday(plan.day + timedelta(days=plan.rng.randint(2, 7))), 9, 30)
    t = yield from attend(plan.case, present, max(held, t + timedelta(hours=1)))
    t = yield from pay(present, t + timedelta(days=1), f"{plan.case}/A1", plan.activity_type.zh)
    return present, t


def activity_title(kind: ActivityType, party: str, rng: random.Random) -> str:
    match kind:
        case ActivityType.COURT_APPEARANCE:
            return f"监督{party}涉嫌{rng.choice(CRIMES)}案出庭支持公诉"
        case ActivityType.CIRCUIT_INSPECTION:
            return rng.choice(("对清城区看守所开展巡回检察", "对清远市某监狱开展巡回检察"))
        case ActivityType.PROCURATORIAL_SUGGESTION:
            return f"{rng.choice(TOPICS)}检察建议公开宣告及督促落实"
        case ActivityType.DOCUMENT_SERVICE:
            return f"{party}案不起诉决定书公开宣告送达"
        case ActivityType.QUALITY_REVIEW:
            return f"{YEAR}年度案件质量评查"
        case ActivityType.CONDUCT_INSPECTION:
            area = rng.choice(("涉案财物管理", "认罪认罚从宽适用", "羁押期限管理"))
            return f"司法规范化检查：{area}"
        case ActivityType.WORK_BRIEFING:
            return f"{YEAR}年上半年检察工作情况通报会"
        case ActivityType.SUPERVISOR_INITIATED:
            return f"人民监督员主动监督：{rng.choice(TOPICS)}问题"
        case _:
            return rng.choice(("检察开放日活动", "公益诉讼现场勘查", "未成年人检察工作观摩"))
