"""Build supervision histories through the public Ledger API, tersely, for the tests.

Times are naive local times (the policy's time zone). Every helper issues ordinary
commands; nothing here touches storage or views directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
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
