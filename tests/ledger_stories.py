"""Build supervision histories through the public Ledger API, tersely, for the tests.

Times are naive local times (the policy's time zone). Every helper issues ordinary
commands; nothing here touches storage or views directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from supervision_ledger import Ledger


def at(day: str, hour: int = 9) -> str:
    return f"{day}T{hour:02d}:00:00"


def later(moment: str, days: int = 0, hours: int = 0) -> str:
    return (datetime.fromisoformat(moment) + timedelta(days=days, hours=hours)).isoformat()


@dataclass
class Story:
    """A ledger and the keys it has handed out."""

    ledger: Ledger
    cases: int = 0
    hearings: int = 0
    opinions: list[tuple[str, str]] = field(default_factory=list)

    def do(self, type_: str, **fields: Any) -> dict[str, str]:
        return self.ledger.execute({"type": type_, **fields}).ids

    # -- set-up -------------------------------------------------------------------

    def unit(self, key: str, level: str = "district", parent: str | None = None) -> None:
        self.do(
            "register_unit",
            unit=key,
            name=f"{key}人民检察院",
            level=level,
            parent=parent,
            occurred_at=at("2020-01-01"),
        )

    def people(self, prefix: str, n: int, unit: str, roles: Iterable[str]) -> list[str]:
        keys = [f"{prefix}{i:02d}" for i in range(1, n + 1)]
        for key in keys:
            self.do(
                "appoint_supervisor",
                supervisor=key,
                unit=unit,
                name=f"{prefix}某{key[-2:]}",
                roles=list(roles),
                term_start="2021-01-01",
                occurred_at=at("2021-01-01"),
            )
        return keys

    def case(self, unit: str, day: str, kind: str = "other", parties: tuple[str, ...] = ()) -> str:
        self.cases += 1
        key = f"{unit}-K{self.cases:04d}"
        self.do(
            "register_case",
            case=key,
            unit=unit,
            kind=kind,
            handling_prosecutor="李检",
            received_on=day,
            parties=[{"name": p} for p in parties],
            occurred_at=at(day, 8),
        )
        return key

    # -- supervision activities ------------------------------------------------------

    def activity(
        self,
        unit: str,
        day: str,
        activity_type: str,
        attend: Iterable[str] = (),
        decline: Iterable[str] = (),
        replace: Iterable[tuple[str, str]] = (),
        initiated_by: str | None = None,
        case: str | None = None,
        hearing: str | None = None,
    ) -> tuple[str, str]:
        """Open one activity on a new (or given) case; invite and settle its people.

        ``replace`` pairs (absent person, replacement): the first is invited, then
        replaced (补派); the replacement attends.
        """
        case = case or self.case(unit, day)
        act = self.do(
            "open_activity",
            case=case,
            activity_type=activity_type,
            initiated_by=initiated_by,
            hearing=hearing,
            occurred_at=at(day, 9),
        )["activity"]
        for person in [*attend, *decline, *(old for old, _ in replace)]:
            self.do(
                "invite_supervisor",
                case=case,
                activity=act,
                supervisor=person,
                occurred_at=at(day, 10),
            )
        for person in decline:
            self.do(
                "decline_invitation",
                case=case,
                activity=act,
                supervisor=person,
                reason="出差",
                occurred_at=at(day, 11),
            )
        for old, new in replace:
            self.do(
                "replace_supervisor",
                case=case,
                activity=act,
                supervisor=old,
                replacement=new,
                reason="生病",
                occurred_at=at(day, 11),
            )
        for person in [*attend, *(new for _, new in replace)]:
            self.do(
                "record_attendance",
                case=case,
                activity=act,
                supervisor=person,
                occurred_at=at(day, 14),
            )
        return case, act

    def opinion(
        self,
        case: str,
        activity: str,
        supervisor: str,
        day: str,
        outcome: str | None = "adopted",
        feedback_after_days: int | None = 3,
        implemented: bool = True,
    ) -> str:
        """Submit an opinion and take it as far as the arguments say."""
        key = self.do(
            "submit_opinion",
            case=case,
            activity=activity,
            supervisor=supervisor,
            content="建议规范告知程序",
            occurred_at=at(day, 15),
        )["opinion"]
        self.opinions.append((case, key))
        if outcome is None:
            return key
        self.do("receive_opinion", case=case, opinion=key, occurred_at=at(day, 16))
        self.do(
            "route_opinion",
            case=case,
            opinion=key,
            department="第一检察部",
            occurred_at=at(day, 17),
        )
        explanation = None if outcome == "adopted" else "理由说明"
        self.do(
            "decide_opinion",
            case=case,
            opinion=key,
            outcome=outcome,
            explanation=explanation,
            occurred_at=at(day, 18),
        )
        if feedback_after_days is None:
            return key
        fed = later(at(day, 18), days=feedback_after_days)
        self.do("give_feedback", case=case, opinion=key, content="已采纳", occurred_at=fed)
        if implemented and outcome != "not_adopted":
            self.do(
                "report_implementation",
                case=case,
                opinion=key,
                content="已整改",
                occurred_at=later(fed, hours=1),
            )
        return key

    # -- hearings ------------------------------------------------------------------------

    def hearing(
        self,
        unit: str,
        day: str,
        officers: Iterable[str] = (),
        observers: Iterable[tuple[str, str]] = (),
        decline: Iterable[str] = (),
        replace: Iterable[tuple[str, str]] = (),
        absent: Iterable[str] = (),
        chief: bool = False,
        accepted: bool | None = None,
        hold: bool = True,
        case: str | None = None,
    ) -> str:
        """A hearing noticed 5 days before ``day`` and held on ``day`` (unless not ``hold``)."""
        notice = (datetime.fromisoformat(day) - timedelta(days=5)).date().isoformat()
        case = case or self.case(unit, notice, kind="criminal_appeal", parties=("王某",))
        self.hearings += 1
        key = f"{unit}-H{self.hearings:04d}"
        self.do("propose_hearing", hearing=key, case=case, occurred_at=at(notice, 8))
        self.do("approve_hearing", hearing=key, approved_by="检察长", occurred_at=at(notice, 9))
        self.do(
            "schedule_hearing",
            hearing=key,
            scheduled_for=at(day, 9),
            public=True,
            presiding_prosecutor="检察长" if chief else "张检",
            presided_by_chief=chief,
            occurred_at=at(notice, 10),
        )
        absent = list(absent)
        for person in [*officers, *decline, *(old for old, _ in replace), *absent]:
            self.do(
                "invite_hearing_officer", hearing=key, supervisor=person, occurred_at=at(notice, 11)
            )
        for person, role in observers:
            self.do(
                "invite_observer",
                hearing=key,
                supervisor=person,
                role=role,
                occurred_at=at(notice, 11),
            )
        for person in decline:
            self.do(
                "decline_hearing_invitation",
                hearing=key,
                supervisor=person,
                occurred_at=at(notice, 12),
            )
        for old, new in replace:
            self.do(
                "replace_hearing_officer",
                hearing=key,
                supervisor=old,
                replacement=new,
                occurred_at=at(notice, 12),
            )
        if not hold:
            return key
        self.do("hold_hearing", hearing=key, absent=absent, occurred_at=at(day, 9))
        if accepted is not None:
            self.do("decide_hearing", hearing=key, decision="不起诉", occurred_at=at(day, 15))
            self.do(
                "record_party_response",
                hearing=key,
                party="王某",
                accepted=accepted,
                occurred_at=at(day, 16),
            )
        return key


# -- the seeds' histories ------------------------------------------------------------

YEAR = {"start": date(2023, 1, 1), "end": date(2023, 12, 31), "as_of": date(2024, 3, 1)}
NINE_TYPES = [
    "public_hearing",
    "court_appearance",
    "circuit_inspection",
    "procuratorial_suggestion",
    "document_service",
    "quality_review",
    "conduct_inspection",
    "work_briefing",
    "other",
]


def day_of(i: int) -> str:
    """A 2023 working-ish day for the i-th item, spread over the year."""
    return date.fromordinal(date(2023, 1, 9).toordinal() + (i * 3) % 350).isoformat()


def seed_000(story: Story) -> None:
    story.unit("QY", level="city")
    story.unit("QC", parent="QY")
    story.unit("YD", parent="QY")
    ps = story.people("PS", 6, "QC", ["peoples_supervisor"])
    yd_ps = story.people("YP", 2, "YD", ["peoples_supervisor"])
    ho = story.people("HO", 10, "QC", ["hearing_officer"])
    yd_ho = story.people("YH", 3, "YD", ["hearing_officer"])

    # 18 supervised activities, each with one people's supervisor who came and one
    # opinion, adopted, answered and implemented.
    for i in range(18):
        day, kind = day_of(i), NINE_TYPES[i % 9]
        if i in (3, 7):  # the invited person could not come: a replacement (补派) came
            case, act = story.activity("QC", day, kind, replace=[(ps[0], ps[i % 6])])
            person = ps[i % 6]
        elif i in (1, 5, 9):  # a second person declined
            person = ps[i % 6]
            case, act = story.activity("QC", day, kind, attend=[person], decline=[ps[(i + 1) % 6]])
        else:
            person = ps[i % 6]
            case, act = story.activity("QC", day, kind, attend=[person])
        story.opinion(case, act, person, day)
    # Noise: everyone declined (no activity took place), last year, the neighbour unit.
    story.activity("QC", "2023-06-01", "other", decline=[ps[1], ps[2]])
    case, act = story.activity("QC", "2022-11-20", "quality_review", attend=[ps[2]])
    story.opinion(case, act, ps[2], "2022-11-20", outcome="not_adopted")
    case, act = story.activity("YD", "2023-05-05", "document_service", attend=[yd_ps[0]])
    story.opinion(case, act, yd_ps[0], "2023-05-05")

    # 77 hearings held: 19 with three hearing officers each (57 person-times).
    for i in range(77):
        day = day_of(i + 1)
        if i >= 19:
            story.hearing("QC", day, chief=i % 10 == 0, accepted=True)
            continue
        trio = [ho[i % 10], ho[(i + 1) % 10], ho[(i + 2) % 10]]
        spare = ho[(i + 5) % 10]
        if i == 0:  # one officer declined; the three who came count
            story.hearing("QC", day, officers=trio, decline=[spare], accepted=True)
        elif i == 1:  # one officer replaced: counts once, for the replacement
            story.hearing("QC", day, officers=trio[:2], replace=[(spare, trio[2])])
        elif i == 2:  # one invited officer absent on the day
            story.hearing("QC", day, officers=trio, absent=[spare], accepted=False)
        else:
            story.hearing("QC", day, officers=trio, accepted=True)
    # Noise: a hearing never held, one last year, one in the neighbour unit.
    story.hearing("QC", "2023-08-08", officers=ho[:3], hold=False)
    story.hearing("QC", "2022-12-20", officers=ho[:3])
    story.hearing("YD", "2023-04-04", officers=yd_ho)


def seed_001(story: Story) -> None:
    story.unit("WH", level="city")
    story.unit("HB", parent="WH")
    ps = story.people("PS", 23, "WH", ["peoples_supervisor"])
    gone = story.people("PX", 1, "WH", ["peoples_supervisor"])[0]
    other = story.people("HP", 2, "HB", ["peoples_supervisor"])
    counts = dict(zip(NINE_TYPES, [52, 6, 5, 3, 12, 3, 4, 1, 8], strict=True))
    i = 0
    for kind, n in counts.items():
        for _ in range(n):
            day = day_of(i)
            if i % 17 == 4:  # the first invited could not come; a replacement came
                story.activity("WH", day, kind, replace=[(ps[(i + 1) % 23], ps[i % 23])])
            elif i % 11 == 2:  # a second person declined
                story.activity("WH", day, kind, attend=[ps[i % 23]], decline=[ps[(i + 3) % 23]])
            else:
                story.activity("WH", day, kind, attend=[ps[i % 23]])
            i += 1
    for j in range(4):
        story.activity("WH", day_of(200 + j), "supervisor_initiated", initiated_by=ps[j])
    # Noise: nobody came; last year (by the one later removed); the subordinate unit.
    story.activity("WH", "2023-03-03", "court_appearance", decline=[ps[0]])
    story.activity("WH", "2022-12-30", "public_hearing", attend=[gone])
    story.activity("HB", "2023-03-03", "public_hearing", attend=[other[0]])
    story.do(
        "remove_supervisor", supervisor=gone, reason="本人辞职", occurred_at="2023-02-01T09:00"
    )
    for k, person in enumerate(ps):
        story.do(
            "pay_allowance",
            supervisor=person,
            amount="1750.00",
            purpose="2023年履职补贴",
            occurred_at=f"2023-12-{10 + k % 10:02d}T10:00",
        )
    story.do(
        "pay_allowance",
        supervisor=ps[0],
        amount="900.00",
        purpose="2022年履职补贴",
        occurred_at="2022-12-20T10:00",
    )
    story.do(
        "pay_allowance",
        supervisor=other[0],
        amount="800.00",
        purpose="补贴",
        occurred_at="2023-06-20T10:00",
    )
