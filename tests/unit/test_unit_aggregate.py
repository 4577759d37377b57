"""The ProcuratorateUnit aggregate: registration, roster, hierarchy."""

from __future__ import annotations

import pytest
from builders import at, emitted, fresh, only_event

from supervision_ledger.domain import InvalidUnit, ProcuratorateUnit, UnitLevel, aggregate_id


def unit(key: str, level: UnitLevel, parent: str | None = None) -> ProcuratorateUnit:
    return ProcuratorateUnit(
        key=key, name=f"{key}人民检察院", level=level, parent=parent, occurred_at=at(2023, 1, 1)
    )


def test_registered() -> None:
    u = unit("QY-QC", UnitLevel.DISTRICT, "QY")
    event = only_event(u, ProcuratorateUnit.Registered)
    assert (event.key, event.name, event.level, event.parent) == (
        "QY-QC",
        "QY-QC人民检察院",
        UnitLevel.DISTRICT,
        "QY",
    )
    assert event.occurred_at == at(2023, 1, 1)
    assert u.id == aggregate_id("unit", "QY-QC")
    assert u.roster == []


def test_person_enrolled_once() -> None:
    u = fresh(unit("QC", UnitLevel.DISTRICT))
    u.enroll("S1", at(2023, 1, 2))
    event = only_event(u, ProcuratorateUnit.PersonEnrolled)
    assert (event.supervisor, event.occurred_at) == ("S1", at(2023, 1, 2))
    u.enroll("S1", at(2023, 1, 3))  # enrolling again changes nothing
    assert emitted(u) == []
    assert u.roster == ["S1"]


@pytest.mark.parametrize(
    ("level", "parent_level"),
    [
        (UnitLevel.DISTRICT, UnitLevel.DISTRICT),
        (UnitLevel.CITY, UnitLevel.DISTRICT),
        (UnitLevel.PROVINCE, UnitLevel.CITY),
        (UnitLevel.SUPREME, UnitLevel.SUPREME),
    ],
)
def test_unit_sits_under_a_higher_level(level: UnitLevel, parent_level: UnitLevel) -> None:
    parent = unit("P", parent_level)
    with pytest.raises(InvalidUnit) as info:
        ProcuratorateUnit.check_parent(level, parent)
    assert "'P'" in info.value.message
    assert level.value in info.value.message and parent_level.value in info.value.message
