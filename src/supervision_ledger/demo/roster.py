"""The roster: the people the demo appoints, what it knows of them, and the flow that
registers the units, appoints, assesses, trains and records declared relationships."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from .. import commands as c
from ..domain.values import AssessmentGrade, Relationship, Role, UnitLevel
from .clock import YEAR, at, office_hours
from .names import (
    ALLOWANCE,
    CITY,
    CITY_NAME,
    DISTRICT,
    DISTRICT_NAME,
    INDUSTRIES,
    LAW,
    SPECIALITIES,
    SURNAMES,
    Flow,
    SubFlow,
)


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
    steps = [*units(), *appointments(world), *assessments(world, rng)]
    steps += relationships(world, case_rel, party_rel)
    steps += trainings(world)
    steps.sort(key=lambda cmd: cmd.occurred_at)  # stable: same-time steps keep their order
    for step in steps:  # noqa: UP028 - `yield from` a list cannot be sent results
        yield step


def units() -> list[c.Command]:
    return [
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


def appointments(world: World) -> list[c.Command]:
    return [
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
        for n, p in enumerate(world.people)
    ]


def assessments(world: World, rng: random.Random) -> list[c.Command]:
    """The 2022 grades of people's supervisors and hearing officers; one fails (and is
    removed by the ledger)."""
    assessed = [
        p
        for p in world.people
        if p.term_start.year < YEAR
        and {Role.PEOPLES_SUPERVISOR, Role.HEARING_OFFICER} & set(p.roles)
    ]
    steps: list[c.Command] = []
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
    return steps


def relationships(world: World, case_rel: str, party_rel: str) -> list[c.Command]:
    world.relationships[RECUSED_SUPERVISOR] = (None, case_rel)
    world.relationships[RECUSED_OFFICER] = (party_rel, None)
    return [
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


TRAININGS = (
    (Role.PEOPLES_SUPERVISOR, date(YEAR, 2, 21), "人民监督员履职能力培训", Decimal(6)),
    (Role.HEARING_OFFICER, date(YEAR, 3, 15), "检察听证员业务培训", Decimal(4)),
    (Role.PEOPLES_SUPERVISOR, date(YEAR, 6, 20), "新任人民监督员岗前培训", Decimal(8)),
)


def trainings(world: World) -> list[c.Command]:
    steps: list[c.Command] = []
    for role, day, topic, hours in TRAININGS:
        for n, p in enumerate(world.eligible(role, day, "", ())):
            if (day.month == 6) != (p.term_start >= date(YEAR, 6, 1)):
                continue  # the June training is for the people appointed in June
            steps.append(
                c.RecordTraining(
                    supervisor=p.key, topic=topic, hours=hours, occurred_at=at(day, 9, n)
                )
            )
    return steps


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
