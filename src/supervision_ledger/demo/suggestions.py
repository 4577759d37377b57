"""Procuratorial suggestions (检察建议): drafted on a case (often on a supervision activity
of type 4), served, replied to on time, late or after being urged, adopted or not,
rectified and verified."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .. import commands as c
from ..domain import Policy, SuggestionType
from ..domain.values import ActivityType, CaseKind
from .clock import YEAR, at, later, on_day, weekday
from .leads import LeadPlan
from .names import RECIPIENTS, TOPICS, Flow, SubFlow
from .plan import YearPlan


@dataclass
class SuggestionPlan:
    suggestion: str
    case: str
    day: date
    activity: str | None
    recipient: str
    topic: str
    #: "on_time", "late" (replied after the due date) or "urged" (overdue, then urged).
    reply: str
    adopted: bool
    verifier: str
    rng: random.Random


def suggestion_flow(plan: SuggestionPlan, policy: Policy) -> Flow:
    """Drafted → served → replied (on time, late, or urged first) → adopted or not →
    rectified → verified; whatever falls after 31 December stays pending."""
    rng = plan.rng
    t = at(weekday(plan.day), 10, rng.randint(0, 50))
    yield c.DraftSuggestion(
        suggestion=plan.suggestion,
        case=plan.case,
        suggestion_type=SuggestionType.PUBLIC_INTEREST,
        title=f"关于{plan.topic}问题的检察建议",
        content=f"建议依法履行监管职责，开展{plan.topic}专项整治，并在两个月内书面回复。",
        activity=plan.activity,
        occurred_at=t,
    )
    t = later(t, rng, 60 * 24 * 2, 60 * 24 * 7)
    yield c.ServeSuggestion(suggestion=plan.suggestion, recipient=plan.recipient, occurred_at=t)
    t = yield from reply(plan, policy, t)
    t = later(t, rng, 60 * 24 * 2, 60 * 24 * 6)
    if not plan.adopted:
        yield c.RecordSuggestionAdoption(
            suggestion=plan.suggestion,
            adopted=False,
            explanation="相关事项已纳入上级部门统一部署的专项行动，不再单独整改。",
            occurred_at=t,
        )
        return
    yield c.RecordSuggestionAdoption(
        suggestion=plan.suggestion,
        adopted=True,
        explanation=f"开展{plan.topic}专项整治行动",
        occurred_at=t,
    )
    t = later(t, rng, 60 * 24 * 20, 60 * 24 * 50)
    yield c.CompleteRectification(
        suggestion=plan.suggestion, content=f"{plan.topic}问题已整改完毕。", occurred_at=t
    )
    t = later(t, rng, 60 * 24 * 5, 60 * 24 * 15)
    yield c.VerifyRectification(
        suggestion=plan.suggestion,
        verified_by=plan.verifier,
        content="经现场回访核查，整改到位。",
        occurred_at=t,
    )


def reply(plan: SuggestionPlan, policy: Policy, t: datetime) -> SubFlow:
    """The written reply: on time, after the due date, or after being urged (催办)."""
    rng = plan.rng
    due = policy.suggestion_reply_due_on(policy.local_date(t), False)
    if plan.reply == "urged":
        t = on_day(t, due + timedelta(days=rng.randint(2, 5)), rng)
        yield c.UrgeSuggestionReply(suggestion=plan.suggestion, note="书面催办", occurred_at=t)
        reply_day = t.date() + timedelta(days=rng.randint(7, 15))
    elif plan.reply == "late":
        reply_day = due + timedelta(days=rng.randint(3, 12))
    else:
        reply_day = policy.local_date(t) + timedelta(days=rng.randint(20, 50))
    t = on_day(t, reply_day, rng)
    yield c.RecordSuggestionReply(
        suggestion=plan.suggestion,
        content=f"已研究制定{plan.topic}整改方案，明确责任分工和整改时限。",
        occurred_at=t,
    )
    return t


def plan_suggestions(
    rng: random.Random,
    seeded: Callable[[], random.Random],
    year: YearPlan,
    converted: list[LeadPlan],
    prosecutors: list[str],
) -> list[SuggestionPlan]:
    """On the activities of type 4 (supervisors drawn to the drafting), on two cases
    opened from leads, on a public-interest hearing's case."""
    sources: list[tuple[str, date, str | None]] = [
        (a.case, a.day + timedelta(days=rng.randint(3, 8)), "A1")
        for a in year.activities
        if a.activity_type is ActivityType.PROCURATORIAL_SUGGESTION
    ]
    sources += [
        (lead.fate, lead.case_day + timedelta(days=rng.randint(10, 20)), None)
        for lead in converted[:2]
    ]
    heard = [
        h
        for h in year.hearings
        if h.kind is CaseKind.PUBLIC_INTEREST_LITIGATION and h.day <= date(YEAR, 9, 30)
    ]
    if heard:
        h = rng.choice(heard)
        sources.append((h.case, h.day + timedelta(days=20), None))
    sources.sort(key=lambda s: (s[1], s[0]))
    return [
        SuggestionPlan(
            suggestion=f"清城检建议〔{YEAR}〕{n}号",
            case=case,
            day=day,
            activity=activity,
            recipient=rng.choice(RECIPIENTS),
            topic=rng.choice(TOPICS),
            # The earliest is answered only after being urged, the next one late.
            reply="urged" if n == 1 else "late" if n == 2 else "on_time",
            adopted=not (len(sources) >= 5 and n == 3),
            verifier=rng.choice(prosecutors),
            rng=seeded(),
        )
        for n, (case, day, activity) in enumerate(sources, start=1)
    ]
