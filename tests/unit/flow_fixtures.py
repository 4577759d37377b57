"""Small builders for the flow unit tests: local business times, a case, people."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from supervision_ledger.domain import DEFAULT_POLICY, Case, CaseKind, Role, Supervisor

ZONE = DEFAULT_POLICY.zone


def at(text: str) -> datetime:
    """A business time in the procuratorate's local zone, e.g. ``at("2023-03-01 09:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def new_case(key: str = "K1", unit: str = "DLT", registered: str = "2023-01-02 09:00") -> Case:
    return Case(
        key=key,
        unit=unit,
        case_kind=CaseKind.PUBLIC_INTEREST_LITIGATION,
        title=None,
        handling_prosecutor="张检察官",
        parties=(),
        received_on=date(2023, 1, 2),
        occurred_at=at(registered),
    )


def new_person(key: str, *roles: Role, term_start: date = date(2023, 1, 1)) -> Supervisor:
    return Supervisor(
        key=key,
        unit="DLT",
        name=f"某{key}",
        roles=roles,
        industry=None,
        speciality=None,
        term_start=term_start,
        term_end=date(2027, 12, 31),
        occurred_at=at("2023-01-01 09:00"),
    )


def event_names(aggregate: Any) -> list[str]:
    """Names of the events the aggregate has triggered and not yet saved (then clears them)."""
    return [type(e).__name__ for e in aggregate.collect_events()]
