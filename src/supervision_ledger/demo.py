"""A realistic year (2023) of one district procuratorate, recorded through the public API.

``run_demo(ledger, seed)`` is what ``supervision-ledger demo`` runs: 清城区人民检察院 under
清远市人民检察院, with about thirty people (people's supervisors, hearing officers, some
both, invited prosecutor assistants, NPC deputies and CPPCC members, grid workers),
about a hundred supervision activities over all nine types plus supervisor-initiated
ones, and sixty to eighty hearings — at the scale the seed articles report.

How it stays realistic and reproducible:

* Each case, hearing and the roster is a *flow*: a generator that yields commands and
  receives each command's result (a draw's result says who was drawn). A small scheduler
  runs the flows interleaved in business-time order, so the ledger sees the year as it
  happened, and stops at the end of the year — whatever would happen later (feedback not
  yet given, hearings not yet held) stays pending, as in a real ledger on 31 December.
* All randomness comes from ``random.Random(seed)``; every flow gets its own generator
  seeded from it, and every draw its own seed from that. Commands get the ids
  ``demo-{seed}-{n}`` in the order they are executed, so running the demo again on the
  same store records nothing twice.
* Choices that need to know who may serve (an initiator, a named invitation, a
  replacement hearing officer, an observer) use the demo's own knowledge of the roster
  it appointed; random draws are left to the ledger.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

from . import commands as c
from .application import CommandResult, Ledger
from .domain import (
    LeadSource,
    LeadStatus,
    NominationStatus,
    PetitionChannel,
    Policy,
    ProceduralOutcome,
    ReplyTiming,
    SuggestionStage,
    SuggestionType,
    TypicalCaseLevel,
)
from .domain.suggestion import ADOPTED_STAGES
from .domain.values import (
    ActivityType,
    AssessmentGrade,
    CaseKind,
    HearingStatus,
    InvitationStatus,
    ObjectionRuling,
    OpinionOutcome,
    Relationship,
    Role,
    SupervisorStatus,
    UnitLevel,
)

#: A flow yields commands and is sent each command's result.
Flow = Generator[c.Command, CommandResult, None]
SubFlow = Generator[c.Command, CommandResult, datetime]
K = TypeVar("K")

ZONE = ZoneInfo("Asia/Shanghai")
YEAR = 2023
#: Nothing at or after this business time is recorded: the ledger as of 31 December.
YEAR_END = datetime(YEAR + 1, 1, 1, tzinfo=ZONE)
CITY, DISTRICT = "QY", "QY-QC"
CITY_NAME, DISTRICT_NAME = "清远市人民检察院", "清远市清城区人民检察院"
CHIEF = "刘某某"  # 检察长
DRAW_SEED_LIMIT = 2**63
#: Allowance per participation, in yuan.
ALLOWANCE = Decimal(200)

SURNAMES = (
    "朱陈李王张杨黄赵吴周徐孙马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
    "魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵"
)
INDUSTRIES = (
    "教育",
    "医疗卫生",
    "律师",
    "会计",
    "社区工作",
    "企业管理",
    "退休干部",
    "新闻媒体",
    "环境保护",
    "建筑工程",
)
SPECIALITIES = ("财会", "医学", "教育", "生态环境", "工程", "金融", "心理学")
LAW = "法律"
DEPARTMENTS = ("第一检察部", "第二检察部", "第三检察部", "第四检察部", "第五检察部")
OPINIONS = (
    "建议进一步加强释法说理，确保当事人理解处理决定。",
    "建议完善监管场所安全检查记录，及时消除隐患。",
    "建议对检察建议落实情况开展跟踪回访。",
    "公诉人举证质证规范，建议进一步简化示证方式、提高庭审效率。",
    "建议规范涉案财物管理台账，做到账物相符。",
    "建议在宣告送达时同步开展法治宣传。",
    "建议邀请相关职能部门共同参与整改验收。",
    "建议加强对未成年当事人的心理疏导和社会调查。",
)
CRIMES = ("盗窃", "危险驾驶", "诈骗", "故意伤害", "帮助信息网络犯罪活动", "非法吸收公众存款")
PARTLY_ADOPTED_EXPLANATION = (
    "意见中关于规范办案流程的建议已采纳；其余部分超出本院职权范围，未予采纳，已书面说明理由。"
)
NOT_ADOPTED_EXPLANATION = "经审查，相关做法符合法律规定，故未予采纳，已向人民监督员书面说明理由。"
TOPICS = ("食品安全", "校园周边安全", "电动自行车充电安全", "河道垃圾整治", "燃气安全")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend (hearings and activities are on
    working days)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


#: Office hours: every business time the demo records falls within them on a working day.
OPENS, CLOSES = time(8, 30), time(18, 0)


def office_hours(t: datetime) -> datetime:
    """``t`` if it is within office hours on a working day, else a moment early on the
    next working morning (08:30–09:59, spread by ``t`` itself so that steps moved
    overnight do not all land on the same minute). Never earlier than ``t``."""
    if t.weekday() < 5 and OPENS <= t.timetz().replace(tzinfo=None) <= CLOSES:
        return t
    day = t.date() if t.timetz().replace(tzinfo=None) < OPENS else t.date() + timedelta(days=1)
    spread = (t.hour * 7 + t.minute) % 90
    return at(weekday(day), 8, 30) + timedelta(minutes=spread)


def in_office_hours(t: datetime) -> bool:
    return office_hours(t) == t


def later(now: datetime, rng: random.Random, min_minutes: int, max_minutes: int) -> datetime:
    """A moment ``min_minutes``–``max_minutes`` after ``now``, moved into office hours."""
    return office_hours(now + timedelta(minutes=rng.randint(min_minutes, max_minutes)))


# -- the roster -----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    key: str
    unit: str
    name: str
    roles: tuple[Role, ...]
    industry: str
    speciality: str
    term_start: date


@dataclass
class World:
    """What the demo knows about the roster it appointed, and what it has paid for."""

    people: list[Person]
    removed: dict[str, date] = field(default_factory=dict)
    #: supervisor → (party, case) a declared relationship names.
    relationships: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def person(self, key: str) -> Person:
        return next(p for p in self.people if p.key == key)

    def eligible(
        self,
        role: Role,
        day: date,
        case: str,
        parties: Iterable[str],
        exclude: Iterable[str] = (),
    ) -> list[Person]:
        """People who may serve in ``role`` on ``day`` for ``case`` (the ledger checks again)."""
        excluded, party_names = set(exclude), set(parties)
        result = []
        for p in self.people:
            gone = self.removed.get(p.key)
            party, rel_case = self.relationships.get(p.key, (None, None))
            recused = rel_case == case or (party is not None and party in party_names)
            if (
                role in p.roles
                and p.term_start <= day
                and (gone is None or day < gone)
                and not recused
                and p.key not in excluded
            ):
                result.append(p)
        return result


def build_roster(rng: random.Random) -> list[Person]:
    """33 people: the mix of roles the articles describe, with industry and speciality."""
    names = iter(f"{s}某某" for s in rng.sample(SURNAMES, 33))
    people: list[Person] = []

    def add(key: str, unit: str, roles: tuple[Role, ...], start: date, speciality: str) -> None:
        people.append(
            Person(key, unit, next(names), roles, rng.choice(INDUSTRIES), speciality, start)
        )

    ps, ho = Role.PEOPLES_SUPERVISOR, Role.HEARING_OFFICER
    # People's supervisors are managed at the city level (by the justice bureau) and
    # serve the district through the roster of the unit above it.
    for i in range(8):
        start = date(YEAR, 6, 15) if i == 7 else date(2022, 3, 1)  # one appointed mid-year
        speciality = LAW if i < 3 else rng.choice(SPECIALITIES)
        add(f"QY-RM-{i + 1:02d}", CITY, (ps,), start, speciality)
    for i in range(4):
        add(f"QC-RT-{i + 1:02d}", DISTRICT, (ps, ho), date(2022, 3, 1), rng.choice(SPECIALITIES))
    for i in range(8):
        add(f"QC-TZ-{i + 1:02d}", DISTRICT, (ho,), date(2021, 7, 1), rng.choice(SPECIALITIES))
    add("QC-RD-01", DISTRICT, (Role.NPC_DEPUTY,), date(YEAR, 1, 5), "企业管理")
    add("QC-RD-02", DISTRICT, (Role.NPC_DEPUTY, ho), date(YEAR, 1, 5), LAW)
    add("QC-ZX-01", DISTRICT, (Role.CPPCC_MEMBER,), date(YEAR, 1, 5), "医学")
    add("QC-ZX-02", DISTRICT, (Role.CPPCC_MEMBER, ho), date(YEAR, 1, 5), "教育")
    for i, speciality in enumerate(("税务", "应急管理", "金融监管")):
        add(
            f"QC-TJ-{i + 1:02d}",
            DISTRICT,
            (Role.INVITED_PROSECUTOR_ASSISTANT,),
            date(2022, 4, 1),
            speciality,
        )
    for i in range(6):  # four more grid workers join in March
        start = date(2022, 9, 1) if i < 2 else date(YEAR, 3, 1)
        add(f"QC-WG-{i + 1:02d}", DISTRICT, (Role.GRID_WORKER,), start, "社区网格")
    return people


#: The people's supervisor who fails the 2022 assessment and is removed in January.
FAILING = "QY-RM-07"
#: A people's supervisor and a hearing officer who declare relationships (回避).
RECUSED_SUPERVISOR, RECUSED_OFFICER = "QY-RM-06", "QC-TZ-03"


def roster_flow(world: World, rng: random.Random, case_rel: str, party_rel: str) -> Flow:
    """Units, appointments, the 2022 assessments, declared relationships and trainings."""
    steps: list[c.Command] = [
        c.RegisterUnit(
            unit=CITY, name=CITY_NAME, level=UnitLevel.CITY, occurred_at=at(date(2019, 3, 1), 9)
        ),
        c.RegisterUnit(
            unit=DISTRICT,
            name=DISTRICT_NAME,
            level=UnitLevel.DISTRICT,
            parent=CITY,
            occurred_at=at(date(2019, 3, 1), 10),
        ),
    ]
    for n, p in enumerate(world.people):
        steps.append(
            c.AppointSupervisor(
                supervisor=p.key,
                unit=p.unit,
                name=p.name,
                roles=list(p.roles),
                industry=p.industry,
                speciality=p.speciality,
                term_start=p.term_start,
                occurred_at=at(p.term_start, 9, n % 60),
            )
        )
    assessed = [
        p
        for p in world.people
        if p.term_start.year < YEAR
        and {Role.PEOPLES_SUPERVISOR, Role.HEARING_OFFICER} & set(p.roles)
    ]
    for n, p in enumerate(assessed):
        grade = (
            AssessmentGrade.INCOMPETENT
            if p.key == FAILING
            else rng.choice([AssessmentGrade.EXCELLENT, *[AssessmentGrade.COMPETENT] * 3])
        )
        when = at(date(YEAR, 1, 16), 14, n)
        steps.append(
            c.RecordAssessment(supervisor=p.key, year=YEAR - 1, grade=grade, occurred_at=when)
        )
        if p.key == FAILING:
            world.removed[p.key] = when.date()
    world.relationships[RECUSED_SUPERVISOR] = (None, case_rel)
    world.relationships[RECUSED_OFFICER] = (party_rel, None)
    steps += [
        c.DeclareRelationship(
            supervisor=RECUSED_SUPERVISOR,
            relationship=Relationship.INTEREST,
            case=case_rel,
            occurred_at=at(date(YEAR, 1, 20), 10),
        ),
        c.DeclareRelationship(
            supervisor=RECUSED_OFFICER,
            relationship=Relationship.CLOSE_RELATIVE,
            party=party_rel,
            occurred_at=at(date(YEAR, 1, 20), 11),
        ),
    ]
    trainings = (
        (Role.PEOPLES_SUPERVISOR, date(YEAR, 2, 21), "人民监督员履职能力培训", Decimal(6)),
        (Role.HEARING_OFFICER, date(YEAR, 3, 15), "检察听证员业务培训", Decimal(4)),
        (Role.PEOPLES_SUPERVISOR, date(YEAR, 6, 20), "新任人民监督员岗前培训", Decimal(8)),
    )
    for role, day, topic, hours in trainings:
        for n, p in enumerate(world.eligible(role, day, "", ())):
            if (day.month == 6) != (p.term_start >= date(YEAR, 6, 1)):
                continue  # the June training is for the people appointed in June
            steps.append(
                c.RecordTraining(
                    supervisor=p.key, topic=topic, hours=hours, occurred_at=at(day, 9, n)
                )
            )
    steps.sort(key=lambda cmd: cmd.occurred_at)  # stable: same-time steps keep their order
    for step in steps:  # noqa: UP028 - `yield from` a list cannot be sent results
        yield step


def pay(people: list[str], t: datetime, reference: str, purpose: str) -> SubFlow:
    """The allowance (履职补贴) for each person who took part, referring to the matter."""
    for key in people:
        t = office_hours(t + timedelta(minutes=1))
        yield c.PayAllowance(
            supervisor=key,
            amount=ALLOWANCE,
            purpose=purpose,
            reference=reference,
            occurred_at=t,
        )
    return t


# -- cases with supervision activities ---------------------------------------------


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


def opinion_lifecycle(
    world: World, case: str, supervisor: str, t: datetime, plan: OpinionPlan, rng: random.Random
) -> SubFlow:
    """(submitted at ``t``) → received → routed → decided → feedback (→ objection → ruling)."""
    t = later(t, rng, 60 * 16, 60 * 30)
    yield c.ReceiveOpinion(case=case, opinion="O1", occurred_at=t)
    t = later(t, rng, 60 * 20, 60 * 50)
    yield c.RouteOpinion(case=case, opinion="O1", department=rng.choice(DEPARTMENTS), occurred_at=t)
    t = later(t, rng, 60 * 24 * 3, 60 * 24 * 10)
    explanation = {
        OpinionOutcome.ADOPTED: None,
        OpinionOutcome.PARTLY_ADOPTED: PARTLY_ADOPTED_EXPLANATION,
        OpinionOutcome.NOT_ADOPTED: NOT_ADOPTED_EXPLANATION,
    }[plan.outcome]
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
) -> Generator[c.Command, CommandResult, tuple[list[str], datetime]]:
    """Draw (or name) people's supervisors, take their replies, send replacements (补派).

    Returns who will attend. ``avoid`` are people already serving on the matter in
    another capacity (a hearing officer of the same hearing): they are replaced.
    """
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
    present: list[str] = []
    for key in invited:
        t = later(t, rng, 20, 240)
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
                yield c.AcceptInvitation(
                    case=case, activity="A1", supervisor=current, occurred_at=t
                )
            reason = "已担任本案听证员，予以回避" if current in avoid else "因故无法参加，补派"
            for _ in range(10):  # re-draw while the replacement is also serving otherwise
                t = later(t, rng, 30, 90)
                result = yield c.ReplaceSupervisor(
                    case=case,
                    activity="A1",
                    supervisor=current,
                    reason=reason,
                    seed=rng.randrange(DRAW_SEED_LIMIT),
                    occurred_at=t,
                )
                current = result.key("replacement")
                if current not in avoid:
                    break
            t = later(t, rng, 20, 120)
        yield c.AcceptInvitation(case=case, activity="A1", supervisor=current, occurred_at=t)
        present.append(current)
    return present, t


def attend(case: str, people: list[str], t: datetime) -> SubFlow:
    t = office_hours(t)
    for key in people:
        yield c.RecordAttendance(case=case, activity="A1", supervisor=key, occurred_at=t)
        t = office_hours(t + timedelta(minutes=1))
    return t


def activity_flow(world: World, plan: ActivityPlan) -> Flow:
    """One case with one supervision activity, and its opinion if there is one."""
    rng = plan.rng
    t = at(plan.day, 9, rng.randint(0, 50))
    yield register_case(plan, t, plan.title)
    t = later(t, rng, 30, 90)
    if plan.activity_type is ActivityType.SUPERVISOR_INITIATED:
        pool = world.eligible(Role.PEOPLES_SUPERVISOR, t.date(), plan.case, plan.parties)
        initiator = rng.choice(pool).key
        yield c.OpenActivity(
            case=plan.case,
            activity="A1",
            activity_type=plan.activity_type,
            title=plan.title,
            initiated_by=initiator,
            occurred_at=t,
        )
        present = [initiator]
        t = later(t, rng, 60 * 24, 60 * 24 * 4)
    else:
        yield c.OpenActivity(
            case=plan.case,
            activity="A1",
            activity_type=plan.activity_type,
            title=plan.title,
            occurred_at=t,
        )
        present, t = yield from invite_supervisors(world, plan, t, plan.draws, plan.named, set())
        held = at(weekday(plan.day + timedelta(days=rng.randint(2, 7))), 9, 30)
        t = yield from attend(plan.case, present, max(held, t + timedelta(hours=1)))
        t = yield from pay(present, t + timedelta(days=1), f"{plan.case}/A1", plan.activity_type.zh)
    if plan.opinion is not None:
        t = later(t, rng, 60 * 3, 60 * 24)
        author = rng.choice(present)
        yield submit_opinion(plan.case, author, t, rng)
        t = yield from opinion_lifecycle(world, plan.case, author, t, plan.opinion, rng)
    yield from close_case(plan, t, "监督活动已完成，相关工作依法办结。")


# -- hearings ---------------------------------------------------------------------------

#: Per case kind: what most officers recommend, and the other view.
RECOMMENDATIONS = {
    CaseKind.INTENDED_NON_PROSECUTION: ("同意作出不起诉决定", "建议提起公诉"),
    CaseKind.CRIMINAL_APPEAL: ("维持原处理决定", "建议重新审查"),
    CaseKind.CUSTODY_REVIEW: ("建议变更强制措施", "建议继续羁押"),
    CaseKind.PUBLIC_INTEREST_LITIGATION: ("同意发出诉前检察建议", "建议直接提起公益诉讼"),
    CaseKind.CIVIL_ADMINISTRATIVE_SUPERVISION: ("不支持监督申请", "支持监督申请"),
    CaseKind.ARREST_REVIEW: ("同意不批准逮捕", "建议批准逮捕"),
}
HEARING_KINDS = (
    (CaseKind.INTENDED_NON_PROSECUTION, 30),
    (CaseKind.CRIMINAL_APPEAL, 15),
    (CaseKind.CUSTODY_REVIEW, 15),
    (CaseKind.PUBLIC_INTEREST_LITIGATION, 15),
    (CaseKind.CIVIL_ADMINISTRATIVE_SUPERVISION, 20),
    (CaseKind.ARREST_REVIEW, 5),
)
CASE_PREFIX = {
    CaseKind.INTENDED_NON_PROSECUTION: "清城检刑不诉",
    CaseKind.CRIMINAL_APPEAL: "清城检刑申",
    CaseKind.CUSTODY_REVIEW: "清城检羁审",
    CaseKind.PUBLIC_INTEREST_LITIGATION: "清城检公益",
    CaseKind.CIVIL_ADMINISTRATIVE_SUPERVISION: "清城检民监",
    CaseKind.ARREST_REVIEW: "清城检捕",
}


def hearing_flow(world: World, plan: HearingPlan) -> Flow:
    """A case brought to a hearing: proposed, approved, scheduled, officers and observers,
    held, opinions, decision, the parties' responses, concluded — and its supervision."""
    rng, case, hearing = plan.rng, plan.case, plan.hearing
    t = at(plan.day, 9, rng.randint(0, 50))
    yield register_case(plan, t, f"{plan.parties[0]}{plan.kind.zh}案")
    t = at(weekday(plan.day + timedelta(days=1)), 10)
    yield c.ProposeHearing(
        hearing=hearing, case=case, reason="案件事实、法律适用存在争议，拟公开听证", occurred_at=t
    )
    t = at(weekday(t.date() + timedelta(days=1)), 10)
    yield c.ApproveHearing(hearing=hearing, approved_by=CHIEF, occurred_at=t)
    t = at(weekday(t.date() + timedelta(days=1)), 9)
    held_day = weekday(t.date() + timedelta(days=rng.randint(4, 12)))
    scheduled_for = at(held_day, 9, 30)
    yield c.ScheduleHearing(
        hearing=hearing,
        scheduled_for=scheduled_for,
        presiding_prosecutor=CHIEF if plan.chief_presides else plan.prosecutor,
        presided_by_chief=plan.chief_presides,
        location="清城区人民检察院检察听证室",
        occurred_at=t,
    )
    officers: list[str] = []
    if plan.named_officer:
        t = later(t, rng, 20, 60)
        pick = rng.choice(world.eligible(Role.HEARING_OFFICER, held_day, case, plan.parties))
        yield c.InviteHearingOfficer(hearing=hearing, supervisor=pick.key, occurred_at=t)
        officers.append(pick.key)
    t = later(t, rng, 20, 60)
    result = yield c.DrawHearingOfficers(
        hearing=hearing,
        count=plan.officers - len(officers),
        seed=rng.randrange(DRAW_SEED_LIMIT),
        occurred_at=t,
    )
    officers += result.keys("drawn")
    observers: list[str] = []
    if plan.observer:
        t = later(t, rng, 20, 60)
        pool = [
            p
            for role in (Role.NPC_DEPUTY, Role.CPPCC_MEMBER)
            for p in world.eligible(role, held_day, case, plan.parties, officers)
        ]
        guest = rng.choice(pool)
        role = Role.NPC_DEPUTY if Role.NPC_DEPUTY in guest.roles else Role.CPPCC_MEMBER
        yield c.InviteObserver(hearing=hearing, supervisor=guest.key, role=role, occurred_at=t)
        observers.append(guest.key)
    supervisors: list[str] = []
    if plan.supervised:
        t = later(t, rng, 60, 180)
        yield c.OpenActivity(
            case=case,
            activity="A1",
            activity_type=ActivityType.PUBLIC_HEARING,
            title=f"监督{hearing}听证",
            hearing=hearing,
            occurred_at=t,
        )
        count = 2 if rng.random() < 0.2 else 1
        supervisors, t = yield from invite_supervisors(
            world, plan, t, [(count, None)], 0, set(officers)
        )
    # Replies of the officers: now and then one declines and another is named (补派).
    serving, ever = list(officers), set(officers) | set(observers) | set(supervisors)
    for key in officers:
        if rng.random() < 0.08:
            t = later(t, rng, 60 * 12, 60 * 24)
            yield c.DeclineHearingInvitation(
                hearing=hearing, supervisor=key, reason="出差在外", occurred_at=t
            )
            pool = world.eligible(Role.HEARING_OFFICER, held_day, case, plan.parties, ever)
            replacement = rng.choice(pool).key
            ever.add(replacement)
            t = later(t, rng, 30, 120)
            yield c.ReplaceHearingOfficer(
                hearing=hearing,
                supervisor=key,
                replacement=replacement,
                reason="原听证员请假，补派",
                occurred_at=t,
            )
            serving[serving.index(key)] = replacement
    t = office_hours(max(t + timedelta(minutes=5), scheduled_for))
    yield c.HoldHearing(hearing=hearing, occurred_at=t)
    t = yield from attend(case, supervisors, t)
    usual, other = RECOMMENDATIONS[plan.kind]
    votes: Counter[str] = Counter()
    for key in serving:
        t = later(t, rng, 5, 20)
        recommendation = usual if plan.depart or rng.random() < 0.85 else other
        votes[recommendation] += 1
        yield c.RecordOfficerOpinion(
            hearing=hearing,
            officer=key,
            recommendation=recommendation,
            reasons="综合听证情况发表意见",
            occurred_at=t,
        )
    author = rng.choice(supervisors) if supervisors and plan.opinion is not None else None
    if author is not None:
        t = later(t, rng, 30, 90)
        yield submit_opinion(case, author, t, rng)
    t = later(t, rng, 60 * 24, 60 * 24 * 3)
    top, n = votes.most_common(1)[0]
    majority = top if n * 2 > len(serving) else None
    if plan.depart and majority is not None:
        yield c.DecideHearing(
            hearing=hearing,
            decision=other if majority == usual else usual,
            chief_approved=True,
            reasons="经检察委员会讨论并报检察长批准，鉴于新的证据材料，未采纳听证员多数意见，"
            "已将理由书面告知听证员。",
            occurred_at=t,
        )
    else:
        yield c.DecideHearing(hearing=hearing, decision=majority or usual, occurred_at=t)
    for party in plan.parties:
        t = later(t, rng, 60 * 6, 60 * 30)
        yield c.RecordPartyResponse(
            hearing=hearing, party=party, accepted=rng.random() < 0.96, occurred_at=t
        )
    t = later(t, rng, 60 * 12, 60 * 30)
    yield c.ConcludeHearing(hearing=hearing, occurred_at=t)
    t = yield from pay(serving + observers, t, hearing, "检察听证")
    t = yield from pay(supervisors, t, f"{case}/A1", ActivityType.PUBLIC_HEARING.zh)
    if author is not None and plan.opinion is not None:
        t = yield from opinion_lifecycle(world, case, author, t, plan.opinion, rng)
    yield from close_case(plan, t, f"经听证，{majority or usual}，依法作出处理决定。")


# -- planning the year ----------------------------------------------------------------------

#: How many activities of each type, around the figures of seed 001, and who is invited.
ACTIVITY_MIX: tuple[tuple[ActivityType, int, list[tuple[int, str | None]], int], ...] = (
    (ActivityType.COURT_APPEARANCE, 6, [(2, None)], 0),
    (ActivityType.CIRCUIT_INSPECTION, 5, [(3, None)], 0),
    (ActivityType.PROCURATORIAL_SUGGESTION, 3, [(1, LAW), (1, None)], 0),
    (ActivityType.DOCUMENT_SERVICE, 12, [(1, None)], 0),
    (ActivityType.QUALITY_REVIEW, 3, [(3, None)], 0),
    (ActivityType.CONDUCT_INSPECTION, 4, [(2, None)], 0),
    (ActivityType.WORK_BRIEFING, 1, [], 5),
    (ActivityType.OTHER, 8, [(1, None)], 1),
    (ActivityType.SUPERVISOR_INITIATED, 4, [], 0),
)
ACTIVITY_PREFIX = {
    ActivityType.COURT_APPEARANCE: "清城检刑诉",
    ActivityType.CIRCUIT_INSPECTION: "清城检巡",
    ActivityType.PROCURATORIAL_SUGGESTION: "清城检建",
    ActivityType.DOCUMENT_SERVICE: "清城检刑不诉",
    ActivityType.QUALITY_REVIEW: "清城检评",
    ActivityType.CONDUCT_INSPECTION: "清城检规",
    ActivityType.WORK_BRIEFING: "清城检通",
    ActivityType.OTHER: "清城检办",
    ActivityType.SUPERVISOR_INITIATED: "清城检监",
}


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


@dataclass
class YearPlan:
    activities: list[ActivityPlan]
    hearings: list[HearingPlan]
    #: The last number given under each case-number prefix.
    numbers: Counter[str] = field(default_factory=Counter)

    def number(self, prefix: str) -> str:
        """The next case number under ``prefix``."""
        self.numbers[prefix] += 1
        return f"{prefix}〔{YEAR}〕{self.numbers[prefix]}号"


def plan_year(rng: random.Random) -> YearPlan:
    prosecutors = [f"{s}某某" for s in rng.sample(SURNAMES, 6)]
    numbers: Counter[str] = Counter()

    def number(prefix: str) -> str:
        numbers[prefix] += 1
        return f"{prefix}〔{YEAR}〕{numbers[prefix]}号"

    def party() -> str:
        return f"{rng.choice(SURNAMES)}某"

    def day_in(start: date, end: date) -> date:
        return weekday(start + timedelta(days=rng.randint(0, (end - start).days)))

    def outcome() -> OpinionOutcome:
        roll = rng.random()
        if roll < 0.78:
            return OpinionOutcome.ADOPTED
        return OpinionOutcome.PARTLY_ADOPTED if roll < 0.92 else OpinionOutcome.NOT_ADOPTED

    def opinion(probability: float) -> OpinionPlan | None:
        if rng.random() >= probability:
            return None
        decided, report = outcome(), rng.random() < 0.6
        # Only what was (partly) adopted has an implementation to report.
        return OpinionPlan(
            decided, implementation=report and decided is not OpinionOutcome.NOT_ADOPTED
        )

    activities: list[ActivityPlan] = []
    for kind, base, draws, named in ACTIVITY_MIX:
        count = base + (rng.randint(-1, 1) if base >= 3 else 0)
        for _ in range(count):
            people = (
                [party()]
                if kind in (ActivityType.COURT_APPEARANCE, ActivityType.DOCUMENT_SERVICE)
                else []
            )
            day = (
                date(YEAR, 7, 12)
                if kind is ActivityType.WORK_BRIEFING
                else day_in(date(YEAR, 1, 30), date(YEAR, 11, 30))
            )
            case_kind = (
                CaseKind.INTENDED_NON_PROSECUTION
                if kind is ActivityType.DOCUMENT_SERVICE
                else CaseKind.PUBLIC_INTEREST_LITIGATION
                if kind is ActivityType.PROCURATORIAL_SUGGESTION
                else CaseKind.OTHER
            )
            activities.append(
                ActivityPlan(
                    case=number(ACTIVITY_PREFIX[kind]),
                    kind=case_kind,
                    day=day,
                    prosecutor=rng.choice(prosecutors),
                    parties=people,
                    rng=random.Random(rng.randrange(DRAW_SEED_LIMIT)),
                    opinion=opinion(0.55),
                    activity_type=kind,
                    title=activity_title(kind, people[0] if people else "", rng),
                    draws=list(draws),
                    named=named,
                )
            )
    # Two activities in December whose answers are still pending on 31 December.
    for kind, december in ((ActivityType.DOCUMENT_SERVICE, 6), (ActivityType.OTHER, 13)):
        late = next(a for a in activities if a.activity_type is kind and a.day.month < 12)
        late.day = date(YEAR, 12, december)
        late.opinion = OpinionPlan(OpinionOutcome.ADOPTED, late_feedback=True)
    activities.sort(key=lambda a: (a.day, a.case))
    for a in activities:
        if a.activity_type is ActivityType.SUPERVISOR_INITIATED and a.opinion is None:
            a.opinion = OpinionPlan(outcome())  # who initiates supervision says something

    hearings: list[HearingPlan] = []
    kinds, weights = zip(*HEARING_KINDS, strict=True)
    for _ in range(rng.randint(62, 76)):
        kind = rng.choices(kinds, weights)[0]
        parties = rng.sample([f"{s}某" for s in SURNAMES], 2 if rng.random() < 0.3 else 1)
        supervised = rng.random() < 0.75
        hearings.append(
            HearingPlan(
                case=number(CASE_PREFIX[kind]),
                kind=kind,
                day=day_in(date(YEAR, 1, 9), date(YEAR, 12, 18)),
                prosecutor=rng.choice(prosecutors),
                parties=parties,
                rng=random.Random(rng.randrange(DRAW_SEED_LIMIT)),
                opinion=opinion(0.55) if supervised else None,
                officers=rng.choice((3, 3, 3, 4, 5, 5)),
                named_officer=rng.random() < 0.25,
                chief_presides=rng.random() < 0.35,
                observer=rng.random() < 0.5,
                supervised=supervised,
            )
        )
    hearings.sort(key=lambda h: (h.day, h.case))
    for n, h in enumerate(hearings, start=1):
        h.hearing = f"清城检听〔{YEAR}〕{n}号"
    # One hearing departs from the officers' majority with the chief prosecutor's approval;
    # one concerns a minor and is closed; one has the party a hearing officer is related to.
    hearings[len(hearings) // 3].depart = True
    minor = next(h for h in hearings[5:] if h.kind is CaseKind.INTENDED_NON_PROSECUTION)
    minor.minor = True
    # Every outcome at least once, early enough to be decided within the year; one
    # objection to a "not adopted", ruled by the chief prosecutor.
    answered = [
        p
        for p in [*activities, *hearings]
        if p.opinion is not None
        and date(YEAR, 3, 1) <= p.day <= date(YEAR, 9, 30)
        and (not isinstance(p, HearingPlan) or p.supervised)
    ]
    answered.sort(key=lambda p: (p.day, p.case))
    forced = (
        OpinionPlan(OpinionOutcome.PARTLY_ADOPTED, implementation=True),
        OpinionPlan(OpinionOutcome.NOT_ADOPTED, objection=True),
        OpinionPlan(OpinionOutcome.NOT_ADOPTED),
    )
    for p, plan in zip(answered[::4], forced, strict=False):
        p.opinion = plan
    return YearPlan(activities, hearings, numbers)


# -- the neighbouring flows -------------------------------------------------------------
# Procuratorial suggestions, petitions, leads, typical cases, partner units and the chief
# prosecutor at the court's trial committee (docs/flows.md), at a district's scale.

RECIPIENTS = (
    "清远市清城区市场监督管理局",
    "清远市生态环境局清城分局",
    "清远市清城区住房和城乡建设局",
    "清远市清城区水利局",
    "清远市清城区应急管理局",
    "清远市清城区教育局",
    "清远市清城区城市管理和综合执法局",
    "清远市清城区农业农村局",
)
PARTNERS = (
    "清远市公安局清城分局",
    "清远市清城区人民法院",
    "清远市清城区司法局",
    *RECIPIENTS,
    "清远市清城区自然资源局",
    "清远市清城区民政局",
    "清远市清城区妇女联合会",
    "共青团清远市清城区委员会",
    "清远市清城区卫生健康局",
)
COURT = "清远市清城区人民法院"
PETITION_SUBJECTS = (
    "不服不起诉决定，申请复查",
    "反映案件久拖未决",
    "控告办案人员违规办案",
    "申请民事裁判结果监督",
    "反映小区消防通道被占用",
    "反映河道非法采砂",
    "咨询认罪认罚从宽制度",
    "申请国家司法救助",
    "反映工程款拖欠问题",
)
LEAD_SUMMARIES = {
    LeadSource.GRID_WORKER: (
        "小区周边餐饮店油烟直排",
        "河道沿岸堆放建筑垃圾",
        "校园周边无证经营流动摊贩",
        "电动自行车楼道违规充电",
        "农村饮用水源地附近养殖污染",
        "老旧小区燃气管道锈蚀",
    ),
    LeadSource.NPC_SUGGESTION: ("农村饮用水安全隐患", "校外培训机构安全管理"),
    LeadSource.CPPCC_PROPOSAL: ("食品小作坊卫生安全", "历史文化建筑保护"),
    LeadSource.DEPARTMENT_TRANSFER: (
        "刑事案件中发现的非法占用农用地线索",
        "民事监督中发现的国有财产流失线索",
    ),
    LeadSource.AGENCY_REFERRAL: ("非法占用耕地建房", "违法排放工业废水", "销售过期食品"),
    LeadSource.OTHER: ("媒体报道的河道污染问题", "网络平台反映的食品安全问题"),
}
TRANSFERRING = ("清远市清城区市场监督管理局", "清远市生态环境局清城分局", "清远市清城区自然资源局")
#: The procuratorate's own departments, which transfer leads to each other (检察一体化).
OWN_DEPARTMENTS = ("第一检察部", "第五检察部", "第六检察部")
COMMITTEE_OPINIONS = (
    "建议依法从轻处罚，适用缓刑。",
    "建议依法认定自首情节。",
    "建议维持原判，驳回上诉。",
    "认为原审量刑畸重，建议依法改判。",
    "建议对涉案财物依法予以没收。",
)


def on_day(prev: datetime, day: date, rng: random.Random) -> datetime:
    """A moment of office hours on ``day`` (or the next working day), after ``prev``."""
    t = at(weekday(day), rng.randint(9, 16), rng.randint(0, 59))
    return t if t > prev else later(prev, rng, 10, 60)


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
        where = rng.choice(TRANSFERRING)
        yield c.ReplyPetitionProcedurally(
            petition=key,
            outcome=ProceduralOutcome.TRANSFERRED,
            content=f"经审查，该事项属{where}职责范围，已依法转办。",
            transferred_to=where,
            occurred_at=t,
        )
        t = later(t, rng, 60 * 24 * 5, 60 * 24 * 20)
        yield c.ReplyPetitionResult(
            petition=key, content=f"{where}已受理并反馈办理情况。", occurred_at=t
        )
    else:
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
    t = later(t, rng, 60 * 24, 60 * 24 * 5)
    yield c.ClosePetition(petition=key, occurred_at=t)


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


def day_in(rng: random.Random, start: date, end: date) -> date:
    return weekday(start + timedelta(days=rng.randint(0, (end - start).days)))


def neighbouring_flows(
    rng: random.Random, year: YearPlan, world: World, policy: Policy
) -> list[Flow]:
    """The flows around supervision, planned on the year's cases and roster."""

    def seeded() -> random.Random:
        return random.Random(rng.randrange(DRAW_SEED_LIMIT))

    prosecutors = sorted({p.prosecutor for p in year.activities})
    flows: list[Flow] = [partners_flow(seeded())]

    # Leads: grid workers' reports, NPC deputies' suggestions, CPPCC members' proposals,
    # transfers from the procuratorate's own departments and referrals by outside agencies;
    # most accepted, a few turned into public-interest cases.
    grid = [p for p in world.people if Role.GRID_WORKER in p.roles]
    deputies = [p for p in world.people if Role.NPC_DEPUTY in p.roles]
    members = [p for p in world.people if Role.CPPCC_MEMBER in p.roles]
    sources = [
        *[LeadSource.GRID_WORKER] * rng.randint(16, 24),
        *[LeadSource.NPC_SUGGESTION] * rng.randint(3, 5),
        *[LeadSource.CPPCC_PROPOSAL] * rng.randint(2, 4),
        *[LeadSource.DEPARTMENT_TRANSFER] * 2,
        *[LeadSource.AGENCY_REFERRAL] * rng.randint(4, 8),
        *[LeadSource.OTHER] * rng.randint(2, 3),
    ]
    leads: list[LeadPlan] = []
    for n, source in enumerate(sources, start=1):
        day = day_in(rng, date(YEAR, 1, 9), date(YEAR, 12, 20))
        reporter, reference = None, None
        if source is LeadSource.GRID_WORKER:
            reporter = rng.choice([p for p in grid if p.term_start <= day]).key
        elif source is LeadSource.NPC_SUGGESTION:
            reporter, reference = rng.choice(deputies).key, f"清城区人大建议第{n}号"
        elif source is LeadSource.CPPCC_PROPOSAL:
            reporter, reference = rng.choice(members).key, f"清城区政协提案第{n}号"
        leads.append(
            LeadPlan(
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
        )
    leads.sort(key=lambda lead: lead.day)
    for n, lead in enumerate(leads, start=1):
        lead.lead = f"清城检线〔{YEAR}〕{n}号"
    convertible = [x for x in leads if x.fate == "accepted" and x.day <= date(YEAR, 10, 15)]
    converted = sorted(rng.sample(convertible, min(4, len(convertible))), key=lambda x: x.day)
    for lead in converted:
        lead.fate = year.number(CASE_PREFIX[CaseKind.PUBLIC_INTEREST_LITIGATION])
    flows += [lead_flow(lead) for lead in leads]

    # Suggestions: on the activities of type 4 (supervisors drawn to the drafting), on
    # two cases opened from leads, on a public-interest hearing's case.
    sources_of_suggestions: list[tuple[str, date, str | None]] = [
        (a.case, a.day + timedelta(days=rng.randint(3, 8)), "A1")
        for a in year.activities
        if a.activity_type is ActivityType.PROCURATORIAL_SUGGESTION
    ]
    sources_of_suggestions += [
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
        sources_of_suggestions.append((h.case, h.day + timedelta(days=20), None))
    sources_of_suggestions.sort(key=lambda s: (s[1], s[0]))
    suggestions = []
    for n, (case, day, activity) in enumerate(sources_of_suggestions, start=1):
        suggestions.append(
            SuggestionPlan(
                suggestion=f"清城检建议〔{YEAR}〕{n}号",
                case=case,
                day=day,
                activity=activity,
                recipient=rng.choice(RECIPIENTS),
                topic=rng.choice(TOPICS),
                # The earliest is answered only after being urged, the next one late.
                reply="urged" if n == 1 else "late" if n == 2 else "on_time",
                adopted=not (len(sources_of_suggestions) >= 5 and n == 3),
                verifier=rng.choice(prosecutors),
                rng=seeded(),
            )
        )
    flows += [suggestion_flow(s, policy) for s in suggestions]

    # About a hundred petitions, a few anonymous; some about the year's cases.
    channels, weights = zip(
        (PetitionChannel.VISIT, 30),
        (PetitionChannel.LETTER, 20),
        (PetitionChannel.ONLINE, 20),
        (PetitionChannel.PHONE, 10),
        (PetitionChannel.HOTLINE_12309, 15),
        (PetitionChannel.OTHER, 5),
        strict=True,
    )
    matters = [*year.activities, *year.hearings]
    petitions: list[PetitionPlan] = []
    for _ in range(rng.randint(92, 108)):
        day = day_in(rng, date(YEAR, 1, 3), date(YEAR, 12, 29))
        earlier = [m.case for m in matters if m.day < day]
        anonymous = rng.random() < 0.05
        roll = rng.random()
        petitions.append(
            PetitionPlan(
                petition="",
                day=day,
                channel=rng.choices(channels, weights)[0],
                subject=rng.choice(PETITION_SUBJECTS),
                case=rng.choice(earlier) if earlier and rng.random() < 0.2 else None,
                anonymous=anonymous,
                mode="transferred"
                if anonymous or roll < 0.15
                else "progress"
                if roll < 0.25
                else "late"
                if roll < 0.27
                else "on_time",
                procedural_late=not anonymous and rng.random() < 0.05,
                rng=seeded(),
            )
        )
    petitions.sort(key=lambda p: p.day)
    # At least one of each way of answering, early enough to be answered within the year.
    for index, mode in ((5, "late"), (15, "progress"), (25, "on_time")):
        petitions[index].anonymous = False
        petitions[index].mode = mode
    petitions[25].procedural_late = True
    for n, p in enumerate(petitions, start=1):
        p.petition = f"清城检信〔{YEAR}〕{n}号"
    flows += [petition_flow(p, policy) for p in petitions]

    # Typical cases: two hearings nominated at the municipal level, one further on.
    candidates = [
        h
        for h in year.hearings
        if h.kind in (CaseKind.PUBLIC_INTEREST_LITIGATION, CaseKind.INTENDED_NON_PROSECUTION)
        and date(YEAR, 3, 1) <= h.day <= date(YEAR, 6, 30)
    ]
    for n, h in enumerate(rng.sample(candidates, min(2, len(candidates)))):
        flows.append(
            typical_case_flow(
                h.case, h.day + timedelta(days=45), n == 0, rng.random() < 0.5, seeded()
            )
        )

    # The chief prosecutor at the court's trial committee, a few times a year.
    days = sorted(
        day_in(rng, date(YEAR, 2, 1), date(YEAR, 12, 15)) for _ in range(rng.randint(4, 6))
    )
    for n, day in enumerate(days, start=1):
        flows.append(
            trial_committee_flow(f"清城法审委〔{YEAR}〕{n}号", day, rng.randint(1, 3), seeded())
        )
    return flows


# -- running and summing up ---------------------------------------------------------------


def run_flows(ledger: Ledger, seed: int, flows: list[Flow]) -> tuple[list[c.Command], int]:
    """Run the flows interleaved in business-time order until the end of the year.

    Returns the commands executed and how many of them were already recorded (same id).
    """
    heap: list[tuple[datetime, int, c.Command]] = []
    for index, flow in enumerate(flows):
        first = next(flow, None)
        if first is not None:
            heapq.heappush(heap, (first.occurred_at, index, first))
    executed: list[c.Command] = []
    replayed = 0
    while heap:
        when, index, command = heapq.heappop(heap)
        if when >= YEAR_END:
            break  # the heap is ordered: everything left is next year's
        if not in_office_hours(when):
            raise AssertionError(f"demo flow {index} works outside office hours: {command!r}")
        command = command.model_copy(update={"command_id": f"demo-{seed}-{len(executed) + 1}"})
        result = ledger.execute(command)
        executed.append(command)
        replayed += result.replayed
        try:
            following = flows[index].send(result)
        except StopIteration:
            continue
        if following.occurred_at < when:
            raise AssertionError(f"demo flow {index} went back in time: {following!r}")
        heapq.heappush(heap, (following.occurred_at, index, following))
    return executed, replayed


def run_demo(ledger: Ledger, seed: int) -> DemoSummary:
    """Record a realistic year of 清城区人民检察院 in ``ledger``; the same ``seed`` gives the
    same commands (with the same ``command_id``), so a second run records nothing new."""
    rng = random.Random(seed)
    world = World(build_roster(rng))
    year = plan_year(rng)
    case_rel = next(
        a.case
        for a in year.activities
        if a.draws
        and a.day > date(YEAR, 2, 1)
        and a.activity_type is not ActivityType.PROCURATORIAL_SUGGESTION
    )
    party_rel = next(h.parties[0] for h in year.hearings if h.day > date(YEAR, 2, 1))
    flows: list[Flow] = [
        roster_flow(world, random.Random(rng.randrange(DRAW_SEED_LIMIT)), case_rel, party_rel),
        *(activity_flow(world, a) for a in year.activities),
        *(hearing_flow(world, h) for h in year.hearings),
    ]
    flows += neighbouring_flows(
        random.Random(rng.randrange(DRAW_SEED_LIMIT)), year, world, ledger.policy
    )
    executed, replayed = run_flows(ledger, seed, flows)
    return summarize(ledger, seed, executed, replayed)


@dataclass
class DemoSummary:
    """What the demo recorded, read back from the ledger's aggregates."""

    seed: int
    commands: int = 0
    replayed: int = 0
    #: The keys recorded, by kind ("units", "supervisors", "cases", "hearings").
    keys: dict[str, list[str]] = field(default_factory=dict)
    units: list[str] = field(default_factory=list)
    people_by_role: Counter[Role] = field(default_factory=Counter)
    people: int = 0
    removed: int = 0
    trainings: int = 0
    assessments: int = 0
    allowance_payments: int = 0
    allowance_total: Decimal = Decimal(0)
    relationships: int = 0
    recusals: int = 0
    cases: int = 0
    cases_by_kind: Counter[CaseKind] = field(default_factory=Counter)
    cases_closed: int = 0
    activities_by_type: Counter[ActivityType] = field(default_factory=Counter)
    invitations: Counter[str] = field(default_factory=Counter)
    opinions: int = 0
    opinions_by_outcome: Counter[OpinionOutcome] = field(default_factory=Counter)
    opinions_undecided: int = 0
    feedback_pending: int = 0
    implementation_reported: int = 0
    objections: int = 0
    objections_ruled: int = 0
    hearings: int = 0
    hearings_by_status: Counter[HearingStatus] = field(default_factory=Counter)
    hearings_by_chief: int = 0
    hearings_closed_to_public: int = 0
    hearing_people: Counter[str] = field(default_factory=Counter)
    departures: int = 0
    party_responses: int = 0
    party_accepted: int = 0
    #: Procuratorial suggestions (检察建议): "drafted", "served", "on a type-4 activity",
    #: reply timings as of 31 December, "urged", "adopted", "not adopted", "rectified",
    #: "verified".
    suggestions: Counter[str] = field(default_factory=Counter)
    suggestion_recipients: int = 0
    #: Petitions (信访): "received", "anonymous or no contact", "procedural reply within
    #: the deadline", "procedural reply late", "progress replies", "result replied",
    #: "closed", "open at year end".
    petitions: Counter[str] = field(default_factory=Counter)
    leads_by_source: Counter[LeadSource] = field(default_factory=Counter)
    #: Leads by what became of them: "accepted" (ever), "rejected", "turned into cases".
    leads: Counter[str] = field(default_factory=Counter)
    nominations: Counter[TypicalCaseLevel] = field(default_factory=Counter)
    selections: Counter[TypicalCaseLevel] = field(default_factory=Counter)
    agreements: int = 0
    agreements_terminated: int = 0
    #: Distinct partner units with an agreement in force on 31 December.
    partner_units: int = 0
    sittings: int = 0
    committee_opinions: int = 0
    committee_opinions_adopted: int = 0

    def render(self) -> str:
        """A plain-text report of the counts, English with the Chinese term."""
        lines = [
            f"supervision-ledger demo: {DISTRICT_NAME}, {YEAR} (seed {self.seed})",
            f"commands: {self.commands} issued, {self.commands - self.replayed} recorded now, "
            f"{self.replayed} already recorded (same command_id)",
            f"units (检察院): {len(self.units)}: {', '.join(self.units)}",
            f"people (人员): {self.people}",
            *(f"  {role.value} ({role.zh}): {n}" for role, n in _ordered(self.people_by_role)),
            f"  removed (failed the annual assessment, 考核不称职): {self.removed}",
            f"  trainings (培训): {self.trainings}; assessments (年度考核): {self.assessments}",
            f"  allowances (履职补贴): {self.allowance_payments} payments, "
            f"¥{self.allowance_total:,.2f}",
            f"  declared relationships (回避事由): {self.relationships}, "
            f"recusals (回避) in cases and hearings: {self.recusals}",
            f"cases (案件): {self.cases}, closed (办结) {self.cases_closed}, "
            f"open at year end {self.cases - self.cases_closed}",
            *(f"  {kind.value} ({kind.zh}): {n}" for kind, n in _ordered(self.cases_by_kind)),
            f"supervision activities (监督活动, 件次): {sum(self.activities_by_type.values())}",
            *(f"  {t.value} ({t.zh}): {n}" for t, n in _ordered(self.activities_by_type)),
            "invitations of people's supervisors (邀请): "
            + ", ".join(f"{k} {v}" for k, v in self.invitations.items()),
            f"opinions (监督意见): {self.opinions}",
            *(f"  {o.value} ({o.zh}): {n}" for o, n in _ordered(self.opinions_by_outcome)),
            f"  not yet decided at year end: {self.opinions_undecided}",
            f"  decided, feedback pending at year end (待反馈): {self.feedback_pending}",
            f"  implementation reported back (落实情况反馈): {self.implementation_reported}",
            f"  objections to feedback (异议): {self.objections}, "
            f"ruled by the chief prosecutor: {self.objections_ruled}",
            f"hearings (检察听证): {self.hearings}; "
            + ", ".join(f"{s.value} {n}" for s, n in _ordered(self.hearings_by_status)),
            f"  presided by the chief prosecutor (检察长主持): {self.hearings_by_chief}",
            f"  closed to the public (不公开): {self.hearings_closed_to_public}",
            "  participants: " + ", ".join(f"{k} {v}" for k, v in self.hearing_people.items()),
            f"  decisions departing from the officers' majority, approved by the chief "
            f"prosecutor: {self.departures}",
            f"  party responses (当事人认可听证意见): {self.party_accepted} accepted "
            f"of {self.party_responses}",
            f"procuratorial suggestions (检察建议): {self.suggestions['drafted']} drafted, "
            f"{self.suggestions['served']} served on {self.suggestion_recipients} units",
            "  "
            + ", ".join(
                f"{k} {v}" for k, v in self.suggestions.items() if k not in ("drafted", "served")
            ),
            f"petitions (信访): {self.petitions['received']}",
            "  " + ", ".join(f"{k} {v}" for k, v in self.petitions.items() if k != "received"),
            f"leads (线索): {sum(self.leads_by_source.values())}; "
            + ", ".join(f"{k} {v}" for k, v in self.leads.items()),
            *(f"  {src.value} ({src.zh}): {n}" for src, n in _ordered(self.leads_by_source)),
            "typical cases (典型案例): "
            + ", ".join(
                f"{level.value} {n} nominated, {self.selections[level]} selected"
                for level, n in _ordered(self.nominations)
            ),
            f"partner units (协作单位) in force on 31 December: {self.partner_units} "
            f"({self.agreements} agreements signed, {self.agreements_terminated} terminated)",
            f"trial committee (检察长列席审委会): {self.sittings} sittings, "
            f"{self.committee_opinions} opinions given, "
            f"{self.committee_opinions_adopted} adopted",
        ]
        return "\n".join(lines) + "\n"


def _ordered(counter: Counter[K]) -> list[tuple[K, int]]:
    """Counts in the enumeration's order (stable output), skipping zeros."""
    return [(k, n) for k, n in counter.items() if n]


def summarize(ledger: Ledger, seed: int, executed: list[c.Command], replayed: int) -> DemoSummary:
    """Count what the ledger now holds for the keys the demo's commands named."""
    s = DemoSummary(seed=seed, commands=len(executed), replayed=replayed)
    units = [cmd.unit for cmd in executed if isinstance(cmd, c.RegisterUnit)]
    people = [cmd.supervisor for cmd in executed if isinstance(cmd, c.AppointSupervisor)]
    cases = [ledger.case(cmd.case) for cmd in executed if isinstance(cmd, c.RegisterCase)]
    hearings = [
        ledger.hearing(cmd.hearing) for cmd in executed if isinstance(cmd, c.ProposeHearing)
    ]
    s.keys = {
        "units": units,
        "supervisors": people,
        "cases": [case.key for case in cases],
        "hearings": [h.key for h in hearings],
    }
    s.units = [f"{ledger.unit(u).name} ({ledger.unit(u).level.value})" for u in units]
    supervisors = [ledger.supervisor(key) for key in people]
    s.people = len(supervisors)
    for sup in supervisors:
        s.people_by_role.update(sup.roles)
        s.removed += sup.status is SupervisorStatus.REMOVED
        s.trainings += len(sup.trainings)
        s.assessments += len(sup.assessments)
        s.allowance_payments += len(sup.allowances)
        s.allowance_total += sum((a[1] for a in sup.allowances), Decimal(0))
        s.relationships += len(sup.relationships)
        for rel in sup.relationships:
            for matter in [*(x.facts for x in cases), *(h.facts for h in hearings)]:
                if rel.case == matter.key or (rel.party and rel.party in matter.party_names):
                    s.recusals += 1
    s.cases = len(cases)
    for case in cases:
        s.cases_by_kind[case.case_kind] += 1
        s.cases_closed += case.is_closed
        for act in case.activities.values():
            s.activities_by_type[act.type] += 1
            for inv in act.invitations.values():
                s.invitations["invited"] += 1
                s.invitations["drawn at random (随机抽选)"] += inv.drawn
                s.invitations["replacements (补派)"] += inv.replaces is not None
                s.invitations[inv.status.value] += 1
        for op in case.opinions.values():
            s.opinions += 1
            if op.outcome is None:
                s.opinions_undecided += 1
            else:
                s.opinions_by_outcome[op.outcome] += 1
                s.feedback_pending += op.feedback_at is None
            s.implementation_reported += op.implementation_at is not None
            s.objections += op.objected_at is not None
            s.objections_ruled += op.objection_ruled_at is not None
    s.activities_by_type = Counter({t: s.activities_by_type[t] for t in ActivityType})
    s.hearings = len(hearings)
    for h in hearings:
        s.hearings_by_status[h.status] += 1
        s.hearings_by_chief += h.presided_by_chief
        s.hearings_closed_to_public += h.public is False
        for p in h.participants.values():
            who = "officers" if p.officer else "observers"
            s.hearing_people[f"{who} invited"] += 1
            s.hearing_people[f"{who} attended"] += p.status is InvitationStatus.ATTENDED
            s.hearing_people["replacements (补派)"] += p.replaces is not None
        s.departures += h.departs_from_majority
        s.party_responses += len(h.party_responses)
        s.party_accepted += sum(h.party_responses.values())
    # A declined invitation ends as "replaced" once someone is sent instead: count the
    # declines from the commands.
    s.invitations["declined"] = sum(isinstance(x, c.DeclineInvitation) for x in executed)
    s.hearing_people["declined"] = sum(isinstance(x, c.DeclineHearingInvitation) for x in executed)
    summarize_flows(ledger, s, executed)
    s.hearings_by_status = Counter({st: s.hearings_by_status[st] for st in HearingStatus})
    s.people_by_role = Counter({r: s.people_by_role[r] for r in Role})
    s.cases_by_kind = Counter({k: s.cases_by_kind[k] for k in CaseKind})
    s.opinions_by_outcome = Counter({o: s.opinions_by_outcome[o] for o in OpinionOutcome})
    return s


def summarize_flows(ledger: Ledger, s: DemoSummary, executed: list[c.Command]) -> None:
    """Count the neighbouring flows the demo's commands named, as the ledger holds them
    (replies judged on 31 December under the ledger's policy)."""
    policy, year_end = ledger.policy, date(YEAR, 12, 31)

    def keys(kind: type[c.Command], attribute: str) -> list[str]:
        return [str(getattr(cmd, attribute)) for cmd in executed if isinstance(cmd, kind)]

    suggestions = [ledger.suggestion(k) for k in keys(c.DraftSuggestion, "suggestion")]
    timing_names = {
        ReplyTiming.ON_TIME: "replied on time",
        ReplyTiming.LATE: "replied late",
        ReplyTiming.OVERDUE: "reply overdue",
        ReplyTiming.PENDING: "reply not yet due",
    }
    s.suggestions = Counter({"drafted": len(suggestions), "served": 0})
    s.suggestions["on a type-4 activity (人民监督员参与)"] = sum(
        bool(x.activities) for x in suggestions
    )
    for name in timing_names.values():
        s.suggestions[name] = 0
    for x in suggestions:
        timing = x.reply_timing(year_end, policy)
        if timing is None:
            continue
        s.suggestions["served"] += 1
        s.suggestions[timing_names[timing]] += 1
    s.suggestions["urged (催办)"] = sum(bool(x.urged_at) for x in suggestions)
    s.suggestions["adopted"] = sum(x.stage in ADOPTED_STAGES for x in suggestions)
    s.suggestions["not adopted"] = sum(x.stage is SuggestionStage.NOT_ADOPTED for x in suggestions)
    s.suggestions["rectified"] = sum(x.rectified_at is not None for x in suggestions)
    s.suggestions["verified"] = sum(x.verified_at is not None for x in suggestions)
    s.suggestion_recipients = len({x.recipient for x in suggestions if x.recipient})

    petitions = [ledger.petition(k) for k in keys(c.ReceivePetition, "petition")]
    counted = [p for p in petitions if not p.excluded_from_reply_rate]
    procedural = Counter(p.procedural_reply_timing(year_end, policy) for p in counted)
    s.petitions = Counter(
        {
            "received": len(petitions),
            "anonymous or no contact": len(petitions) - len(counted),
            "procedural reply within 7 days": procedural[ReplyTiming.ON_TIME],
            "procedural reply late": procedural[ReplyTiming.LATE],
            "with progress replies (进展答复)": sum(bool(p.progress_replied_at) for p in petitions),
            "result replied (结果答复)": sum(p.result_replied_at is not None for p in petitions),
            "closed (办结)": sum(p.is_closed for p in petitions),
            "open at year end": sum(not p.is_closed for p in petitions),
        }
    )

    leads = [ledger.lead(k) for k in keys(c.ReportLead, "lead")]
    s.leads_by_source = Counter(dict.fromkeys(LeadSource, 0))
    s.leads_by_source.update(x.source for x in leads)
    s.leads = Counter(
        {
            "accepted": sum(
                x.status in (LeadStatus.ACCEPTED, LeadStatus.CASE_OPENED) for x in leads
            ),
            "rejected": sum(x.status is LeadStatus.REJECTED for x in leads),
            "turned into cases (成案)": sum(x.case is not None for x in leads),
        }
    )

    s.nominations = Counter(dict.fromkeys(TypicalCaseLevel, 0))
    s.selections = Counter(dict.fromkeys(TypicalCaseLevel, 0))
    for cmd in executed:
        if isinstance(cmd, c.NominateTypicalCase):
            nomination = ledger.typical_case_nomination(cmd.case, cmd.level)
            s.nominations[nomination.level] += 1
            s.selections[nomination.level] += nomination.status is NominationStatus.SELECTED

    agreements = [ledger.partner_agreement(k) for k in keys(c.SignPartnerAgreement, "agreement")]
    s.agreements = len(agreements)
    s.agreements_terminated = sum(a.terminated_on is not None for a in agreements)
    s.partner_units = len(
        {
            a.partner
            for a in agreements
            if a.in_force_from <= year_end
            and (a.in_force_until is None or year_end <= a.in_force_until)
            and (a.terminated_on is None or year_end < a.terminated_on)
        }
    )

    sittings = [
        ledger.trial_committee_sitting(k) for k in keys(c.RecordTrialCommitteeSitting, "sitting")
    ]
    s.sittings = len(sittings)
    s.committee_opinions = sum(len(x.opinions) for x in sittings)
    s.committee_opinions_adopted = sum(
        o.adopted is True for x in sittings for o in x.opinions.values()
    )
