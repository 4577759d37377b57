"""Builders for the pure-domain tests: aggregates constructed directly, no storage.

Every builder returns an aggregate whose pending events have been collected, so that a
test sees exactly the events its own command emitted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest

from supervision_ledger.domain import (
    ActivityType,
    Case,
    CaseKind,
    Hearing,
    LedgerAggregate,
    LedgerError,
    OpinionOutcome,
    Party,
    Policy,
    Role,
    Supervisor,
)
from supervision_ledger.domain.values import Approver, ApproverRole

SH = ZoneInfo("Asia/Shanghai")
Agg = TypeVar("Agg", bound=LedgerAggregate)
POLICY = Policy()
#: The chief prosecutor's approval (a structured approver).
CHIEF = Approver(role=ApproverRole.CHIEF_PROSECUTOR, name="检察长")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A business time in Shanghai local time."""
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def fresh(aggregate: Agg) -> Agg:
    """The aggregate with its pending events collected (as if it had been saved)."""
    aggregate.collect_events()
    return aggregate


def emitted(aggregate: LedgerAggregate) -> list[Any]:
    """The events a command just emitted (and forget them)."""
    return list(aggregate.collect_events())


def only_event(aggregate: LedgerAggregate, event_class: type[Any]) -> Any:
    """The single event the last command emitted, checked to be an ``event_class``."""
    events = emitted(aggregate)
    assert [type(e) for e in events] == [event_class]
    return events[0]


@contextmanager
def refused(
    error: type[LedgerError], *aggregates: LedgerAggregate, names: Sequence[str] = ()
) -> Iterator[pytest.ExceptionInfo[LedgerError]]:
    """Expect exactly ``error`` (not a parent, not a sibling), a message naming every one
    of ``names``, and no event emitted by any of ``aggregates``."""
    before = [len(a.pending_events) for a in aggregates]
    with pytest.raises(LedgerError) as info:
        yield info
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    for name in names:
        assert name in info.value.message, f"{name!r} not named in {info.value.message!r}"
    assert [len(a.pending_events) for a in aggregates] == before


def supervisor(
    key: str = "S1",
    roles: Sequence[Role] = (Role.PEOPLES_SUPERVISOR,),
    term_start: date = date(2022, 1, 1),
    term_end: date = date(2026, 12, 31),
    speciality: str | None = None,
) -> Supervisor:
    return fresh(
        Supervisor(
            key=key,
            unit="QC",
            name=f"张某{key}",
            roles=tuple(roles),
            industry="教育",
            speciality=speciality,
            term_start=term_start,
            term_end=term_end,
            occurred_at=datetime.combine(term_start, datetime.min.time(), SH),
        )
    )


def case(
    key: str = "K1",
    kind: CaseKind = CaseKind.OTHER,
    parties: Sequence[Party] = (Party("王某某"), Party("李某", "victim")),
) -> Case:
    return fresh(
        Case(
            key=key,
            unit="QC",
            case_kind=kind,
            title="某某案",
            handling_prosecutor="赵检察官",
            parties=tuple(parties),
            received_on=date(2023, 3, 1),
            occurred_at=at(2023, 3, 1),
        )
    )


def case_with_activity(
    activity_type: ActivityType = ActivityType.QUALITY_REVIEW, **kwargs: Any
) -> Case:
    """A case with activity ``A1`` opened on 2023-03-02."""
    k = case(**kwargs)
    k.open_activity("A1", activity_type, "评查", None, None, at(2023, 3, 2), POLICY)
    return fresh(k)


def attended(k: Case, s: Supervisor, when: datetime | None = None) -> Case:
    """``s`` invited to and attended ``A1`` on ``when`` (default 2023-03-03)."""
    when = when or at(2023, 3, 3)
    k.invite("A1", s, Role.PEOPLES_SUPERVISOR, when, POLICY)
    k.record_attendance("A1", s.key, when)
    return fresh(k)


def opinion_case(s: Supervisor, steps: str = "") -> Case:
    """A case with opinion ``O1`` by ``s`` (submitted 2023-03-04), taken through ``steps``:
    r(eceived), o(routed), d(ecided, adopted), f(eedback), i(mplementation), x (objected)."""
    k = attended(case_with_activity(), s)
    k.submit_opinion("O1", "A1", s, "建议补充证据", at(2023, 3, 4), POLICY)
    actions = {
        "r": lambda t: k.receive_opinion("O1", t),
        "o": lambda t: k.route_opinion("O1", "第一检察部", t),
        "d": lambda t: k.decide_opinion("O1", OpinionOutcome.ADOPTED, None, t),
        "f": lambda t: k.give_feedback("O1", "已采纳", t),
        "i": lambda t: k.report_implementation("O1", "已整改", t),
        "x": lambda t: k.object_to_feedback("O1", "不同意", t),
    }
    for day, step in enumerate(steps, start=5):
        actions[step](at(2023, 3, day))
    return fresh(k)


def hearing(
    key: str = "H1",
    kind: CaseKind = CaseKind.CRIMINAL_APPEAL,
    party_names: tuple[str, ...] = ("王某某", "李某"),
    has_minor: bool = False,
) -> Hearing:
    return fresh(
        Hearing(
            key=key,
            case="K1",
            unit="QC",
            case_kind=kind,
            party_names=party_names,
            has_minor=has_minor,
            reason="事实争议较大",
            occurred_at=at(2023, 4, 1),
        )
    )


def scheduled_hearing(**kwargs: Any) -> Hearing:
    """A hearing approved on 2023-04-02, noticed on 2023-04-03 for 2023-04-10."""
    h = hearing(**kwargs)
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    h.schedule(at(2023, 4, 10, 14), None, "赵检察官", False, "听证室", at(2023, 4, 3), POLICY)
    return fresh(h)


def held_hearing(officers: Sequence[Supervisor], absent: tuple[str, ...] = ()) -> Hearing:
    """A scheduled hearing with ``officers`` invited on 2023-04-04, held on 2023-04-10."""
    h = scheduled_hearing()
    for o in officers:
        h.invite_officer(o, at(2023, 4, 4), POLICY)
    h.hold(absent, at(2023, 4, 10, 15), POLICY)
    return fresh(h)


def officers(n: int, prefix: str = "T") -> list[Supervisor]:
    return [supervisor(f"{prefix}{i}", roles=(Role.HEARING_OFFICER,)) for i in range(1, n + 1)]
