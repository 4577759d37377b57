"""Partner units (协作单位): agreements in force between dates, terminated early."""

from __future__ import annotations

from datetime import date

import pytest
from flow_fixtures import at, event_names

from supervision_ledger.domain import InvalidPeriod, InvalidTransition, PartnerAgreement


def signed(until: date | None = date(2025, 12, 31)) -> PartnerAgreement:
    return PartnerAgreement.sign(
        "XZ1", "DLT", "自然资源局", "协作机制", date(2023, 1, 1), until, at("2022-12-20 09:00")
    )


def test_in_force_from_the_first_through_the_last_day() -> None:
    a = signed()
    assert event_names(a) == ["Signed"]
    assert not a.in_force_on(date(2022, 12, 31))
    assert a.in_force_on(date(2023, 1, 1)) and a.in_force_on(date(2025, 12, 31))
    assert not a.in_force_on(date(2026, 1, 1))
    assert signed(until=None).in_force_on(date(2040, 1, 1))


def test_an_agreement_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidPeriod, match="'XZ1'"):
        signed(until=date(2022, 12, 31))


def test_terminated_early_is_no_longer_in_force_from_that_day() -> None:
    a = signed()
    a.terminate(date(2024, 7, 1), "机构改革", at("2024-06-20 09:00"))
    assert event_names(a) == ["Signed", "Terminated"]
    assert a.in_force_on(date(2024, 6, 30)) and not a.in_force_on(date(2024, 7, 1))
    assert a.last_day == date(2024, 6, 30)
    with pytest.raises(InvalidTransition, match="already terminated"):
        a.terminate(date(2024, 8, 1), "x", at("2024-07-20 09:00"))


@pytest.mark.parametrize("day", [date(2023, 1, 1), date(2022, 6, 1), date(2026, 1, 1)])
def test_a_termination_falls_inside_the_period(day: date) -> None:
    a = signed()
    with pytest.raises(InvalidPeriod, match="falls outside"):
        a.terminate(day, "x", at("2023-01-01 09:00"))
    assert a.terminated_on is None


def test_an_open_ended_agreement_can_be_terminated_any_later_day() -> None:
    a = signed(until=None)
    a.terminate(date(2030, 1, 1), "到期不再续签", at("2029-12-01 09:00"))
    assert a.in_force_on(date(2029, 12, 31)) and not a.in_force_on(date(2030, 1, 1))
