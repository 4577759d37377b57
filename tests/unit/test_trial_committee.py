"""The chief prosecutor at the trial committee (检察长列席审委会): opinions and adoption."""

from __future__ import annotations

import pytest
from flow_fixtures import at, event_names

from supervision_ledger.domain import (
    AlreadyExists,
    InvalidTransition,
    NotFound,
    OutOfOrder,
    TrialCommitteeSitting,
)


def sitting() -> TrialCommitteeSitting:
    return TrialCommitteeSitting(
        key="SWH1",
        unit="YL",
        court="榆林市中级人民法院",
        attendee="检察长",
        entrusted_deputy=False,
        occurred_at=at("2023-05-10 15:00"),
    )


def test_opinions_given_and_adopted_or_not() -> None:
    s = sitting()
    for i in range(3):
        s.give_opinion(s.next_opinion_key(), f"案{i}", "意见", at("2023-05-10 15:30"))
    s.record_adoption("P1", True, at("2023-05-10 17:00"))
    s.record_adoption("P2", False, at("2023-05-10 17:00"))
    assert event_names(s) == [
        "Attended",
        "OpinionGiven",
        "OpinionGiven",
        "OpinionGiven",
        "OpinionAdopted",
        "OpinionNotAdopted",
    ]
    assert list(s.opinions) == ["P1", "P2", "P3"]
    assert s.adopted_count == 1
    assert s.opinions["P3"].adopted is None


def test_rules_of_a_sitting() -> None:
    s = sitting()
    s.give_opinion("P1", None, "意见", at("2023-05-10 15:30"))
    with pytest.raises(AlreadyExists):
        s.give_opinion("P1", None, "again", at("2023-05-10 15:40"))
    with pytest.raises(OutOfOrder):
        s.give_opinion("P2", None, "early", at("2023-05-10 14:00"))
    with pytest.raises(NotFound, match="'P9'"):
        s.record_adoption("P9", True, at("2023-05-10 17:00"))
    s.record_adoption("P1", False, at("2023-05-10 17:00"))
    with pytest.raises(InvalidTransition, match="already recorded as not adopted"):
        s.record_adoption("P1", True, at("2023-05-10 17:10"))
