"""The published figures of seeds 000 and 001, reproduced exactly from command histories
that also contain noise which must not count: declined invitations, replaced people,
absent officers, events outside the period, another unit's cases, hearings never held."""

from __future__ import annotations

from typing import Any

import pytest
from ledger_stories import NINE_TYPES, YEAR, Story, seed_000, seed_001

from supervision_ledger import Ledger


def test_seed_000_figures(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        seed_000(Story(ledger))
        stats = ledger.statistics("QC", **YEAR)  # type: ignore[arg-type]
        assert stats.count("participation.peoples_supervisor.person_times") == 18
        assert stats.count("opinions.submitted") == 18
        assert stats.count("opinions.adopted") == 18
        rate = stats.rate("opinions.adoption_rate")
        assert (rate.numerator, rate.denominator, rate.value) == (18, 18, 1.0)
        assert stats.count("activities.total") == 18
        assert [stats.count(f"activities.{t}") for t in NINE_TYPES] == [2] * 9
        assert stats.count("participation.hearing_officer.person_times") == 57
        assert stats.count("hearings.officer_person_times") == 57
        assert stats.count("hearings.cases") == 77
        assert stats.count("hearings.held") == 77
        assert stats.count("hearings.with_officers") == 19
        assert stats.count("hearings.presided_by_chief") == 6  # i = 20, 30, …, 70
        # One hearing had no party response, one a rejection.
        acceptance = stats.rate("hearings.acceptance_rate")
        assert (acceptance.numerator, acceptance.denominator) == (75, 76)
        assert stats.count("feedback.on_time") == 18
        assert stats.count("feedback.overdue") == 0
        # 全市: the city rolled up with both districts adds the neighbour's figures.
        city = ledger.statistics("QY", rollup=True, **YEAR)  # type: ignore[arg-type]
        assert city.count("hearings.held") == 78
        assert city.count("opinions.submitted") == 19
        assert city.count("participation.hearing_officer.person_times") == 60
        # The city alone has no cases of its own.
        assert ledger.statistics("QY", **YEAR).count("hearings.held") == 0  # type: ignore[arg-type]
        assert ledger.pending_feedback("QC", as_of=YEAR["as_of"]).opinions == []  # type: ignore[arg-type]


def test_seed_001_figures(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        seed_001(Story(ledger))
        stats = ledger.statistics("WH", **YEAR)  # type: ignore[arg-type]
        assert stats.count("roster.peoples_supervisor") == 23
        assert stats.count("participation.peoples_supervisor.people") == 23
        by_type = [stats.count(f"activities.{t}") for t in NINE_TYPES]
        assert by_type == [52, 6, 5, 3, 12, 3, 4, 1, 8]
        assert stats.count("activities.supervisor_initiated") == 4
        assert stats.count("activities.total") == 98
        # Seed 001's participations by type, supervisor-initiated included: 98.
        assert stats.count("participation.peoples_supervisor.person_times") == 98
        by_type_people = [
            stats.count(f"participation.peoples_supervisor.by_type.{t}")
            for t in [*NINE_TYPES, "supervisor_initiated"]
        ]
        assert by_type_people == [52, 6, 5, 3, 12, 3, 4, 1, 8, 4]
        assert stats.value("allowances.amount") == "40250.00"
        assert stats.count("allowances.payments") == 23
        # Two levels (两级院): the subordinate unit's activity joins in.
        both = ledger.statistics("WH", rollup=True, **YEAR)  # type: ignore[arg-type]
        assert both.count("activities.total") == 99
        assert both.value("allowances.amount") == "41050.00"


@pytest.mark.parametrize("seed", [seed_000, seed_001])
def test_views_elsewhere_give_the_same_figures(
    seed: object, sqlite_file_url: str, tmp_path: object
) -> None:
    """Views pointed at another database hold the same figures as views beside the events."""
    other = f"sqlite:///{tmp_path}/views.db"
    with Ledger(store=sqlite_file_url) as ledger:
        seed(Story(ledger))  # type: ignore[operator]
        here = ledger.statistics(None, **YEAR)  # type: ignore[arg-type]
    with Ledger(store=sqlite_file_url, views=other) as ledger:
        elsewhere = ledger.statistics(None, **YEAR)  # type: ignore[arg-type]
    assert elsewhere == here
    assert here.count("activities.total") > 0


def test_cases_heard_with_officers_count_a_case_heard_twice_once(sqlite_file_url: str) -> None:
    """Seed 002 publishes hearings with officers as cases (件): 194 cases, not hearings."""
    with Ledger(store=sqlite_file_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        officers = story.people("H", 3, "QC", ["hearing_officer"])
        first = story.hearing("QC", "2023-03-10", officers=officers[:2])
        case = ledger.hearing(first).case
        story.hearing("QC", "2023-04-10", officers=officers[1:], case=case)
        story.hearing("QC", "2023-05-10", officers=officers[:1])
        story.hearing("QC", "2023-06-10")  # no officer at all
        stats = ledger.statistics("QC", **YEAR)  # type: ignore[arg-type]
        assert stats.count("hearings.held") == 4
        assert stats.count("hearings.cases") == 3
        assert stats.count("hearings.held_with_officers") == 3
        assert stats.count("hearings.with_officers") == 2
        assert stats.count("hearings.officer_person_times") == 5


def test_hearings_supervised_through_a_linked_activity_count_as_attended(
    sqlite_file_url: str,
) -> None:
    """A people's supervisor at a hearing is recorded either as an observer of the hearing
    or through a case activity opened for it; either way the hearing counts, once."""
    with Ledger(store=sqlite_file_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        ps = story.people("P", 4, "QC", ["peoples_supervisor"])
        (officer,) = story.people("H", 1, "QC", ["hearing_officer"])

        def linked(day: str, **people: Any) -> None:
            hearing = story.hearing("QC", day, officers=[officer])
            case = ledger.hearing(hearing).case
            story.activity("QC", day, "public_hearing", case=case, hearing=hearing, **people)

        linked("2023-03-10", attend=[ps[0]])  # counts
        story.hearing("QC", "2023-04-10", observers=[(ps[1], "peoples_supervisor")])  # counts
        linked("2023-05-10", decline=[ps[2]])  # nobody came: does not count
        both = story.hearing("QC", "2023-06-10", observers=[(ps[3], "peoples_supervisor")])
        story.activity(
            "QC",
            "2023-06-10",
            "public_hearing",
            case=ledger.hearing(both).case,
            hearing=both,
            attend=[ps[0]],
        )  # counts once
        stats = ledger.statistics("QC", **YEAR)  # type: ignore[arg-type]
        assert stats.count("hearings.held") == 4
        assert stats.count("hearings.with_peoples_supervisor") == 3
        assert stats.count("hearings.with_npc_deputy") == 0
