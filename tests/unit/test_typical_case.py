"""Typical cases (典型案例): nominated at a level, selected or not, once."""

from __future__ import annotations

import pytest
from flow_fixtures import at, event_names, new_case

from supervision_ledger.domain import (
    InvalidTransition,
    NominationStatus,
    OutOfOrder,
    TypicalCaseLevel,
    TypicalCaseNomination,
)


def nominated(level: TypicalCaseLevel = TypicalCaseLevel.PROVINCIAL) -> TypicalCaseNomination:
    return TypicalCaseNomination.nominate(
        new_case("K1"), level, "采砂案", "市检察院", at("2023-08-01 09:00")
    )


def test_nominated_then_selected() -> None:
    n = nominated()
    assert (n.key, n.case, n.unit, n.level) == ("K1@provincial", "K1", "DLT", "provincial")
    n.decide(True, "省院发布", at("2023-10-01 09:00"))
    assert event_names(n) == ["Nominated", "Selected"]
    assert n.status is NominationStatus.SELECTED and n.publication == "省院发布"


def test_nominated_then_not_selected() -> None:
    n = nominated(TypicalCaseLevel.NATIONAL)
    n.decide(False, "名额有限", at("2023-10-01 09:00"))
    assert event_names(n) == ["Nominated", "NotSelected"]
    assert n.status is NominationStatus.NOT_SELECTED and n.reason == "名额有限"


def test_each_level_is_its_own_nomination() -> None:
    ids = {TypicalCaseNomination.create_id(nominated(level).key) for level in TypicalCaseLevel}
    assert len(ids) == 3


def test_decided_once_and_not_before_nomination() -> None:
    n = nominated()
    with pytest.raises(OutOfOrder):
        n.decide(True, None, at("2023-07-01 09:00"))
    n.decide(True, None, at("2023-10-01 09:00"))
    with pytest.raises(InvalidTransition, match="already decided: selected"):
        n.decide(False, None, at("2023-10-02 09:00"))


def test_not_nominated_before_the_case_exists() -> None:
    with pytest.raises(OutOfOrder):
        TypicalCaseNomination.nominate(
            new_case(), TypicalCaseLevel.MUNICIPAL, None, None, at("2022-01-01 09:00")
        )
