"""Drill-down: every figure lists the items it counts, and there are exactly as many as
it counts — for a rate, its numerator's and its denominator's — on a generated history
(the demo year, with the flow scenarios of seeds 002–004 beside it), on SQLite and
PostgreSQL, for several scopes, periods and as-of days."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import explain_story
import pytest
from scenarios import seed002, seed003, seed004
from stores import drop_schema, new_postgres_url, require_postgres

from supervision_ledger import (
    AlreadyExists,
    Explanation,
    Ledger,
    Rate,
    UnknownFigure,
)
from supervision_ledger.cli import main
from supervision_ledger.demo import run_demo
from supervision_ledger.domain.policy import Deadline, Policy
from supervision_ledger.projections.figures import FIGURES

#: (unit, rollup, start, end, as_of) of the reports explained.
SCOPES: list[tuple[str | None, bool, date | None, date | None, date]] = [
    (None, False, date(2022, 1, 1), date(2024, 6, 30), date(2030, 1, 1)),
    (None, False, date(2023, 1, 1), date(2023, 12, 31), date(2024, 1, 31)),
    ("QY", True, date(2023, 4, 1), date(2023, 9, 30), date(2023, 10, 15)),
    ("QY-QC", False, None, None, date(2023, 12, 31)),
    (seed002.UNIT, False, *seed002.PERIOD, seed002.AS_OF),
    (explain_story.UNIT, False, date(2023, 1, 1), date(2023, 12, 31), date(2024, 6, 30)),
]
#: Implementation reports get a deadline, so that feedback.implementation_overdue counts.
POLICY = Policy(implementation_report_due=Deadline(days=30))


def generated(ledger: Ledger) -> None:
    """The demo year, then the flow scenarios (their units registered once), then what
    they leave at zero (:mod:`explain_story`)."""
    run_demo(ledger, 2023)
    for commands in (
        seed002.seed002_petition_commands(),
        seed002.seed002_committee_commands(),
        seed003.seed003_commands(),
        seed004.seed004_commands(),
    ):
        for command in commands:
            try:
                ledger.execute(command)
            except AlreadyExists:
                assert command["type"] == "register_unit"
    explain_story.record(ledger)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def history(request: pytest.FixtureRequest) -> Iterator[Ledger]:
    if request.param == "sqlite":
        with Ledger(store="sqlite:///:memory:", policy=POLICY) as ledger:
            generated(ledger)
            yield ledger
        return
    require_postgres()
    url, schema = new_postgres_url()
    try:
        with Ledger(store=url, policy=POLICY) as ledger:
            generated(ledger)
            yield ledger
    finally:
        drop_schema(schema)


def listed(explanation: Explanation) -> tuple[int, ...]:
    """What the items say the figure is: (count,), (numerator, denominator) or the
    number of payments for an amount (whose sum is checked apart)."""
    if explanation.items is None:
        assert explanation.numerator is not None and explanation.denominator is not None
        return len(explanation.numerator), len(explanation.denominator)
    return (len(explanation.items),)


def test_every_figure_lists_as_many_items_as_it_counts(history: Ledger) -> None:
    counted: set[str] = set()
    for unit, rollup, start, end, as_of in SCOPES:
        scope: dict[str, Any] = {"rollup": rollup, "start": start, "end": end, "as_of": as_of}
        stats = history.statistics(unit, **scope)
        for key in FIGURES:
            why = history.explain(key, unit, **scope)
            value = stats.value(key)
            assert why.value == value, key
            if isinstance(value, Rate):
                assert listed(why) == (value.numerator, value.denominator), key
                parts = [*(why.numerator or []), *(why.denominator or [])]
            elif isinstance(value, str):  # an amount: its payments add up to it
                assert why.items is not None
                assert sum(Decimal(str(i.amount)) for i in why.items) == Decimal(value), key
                assert listed(why) == (stats.count("allowances.payments"),)
                parts = why.items
            else:
                assert listed(why) == (value,), key
                parts = why.items or []
            # Each item is a distinct thing, with the events behind it.
            keys = [json.dumps(i.key, sort_keys=True) for i in why.items or why.numerator or []]
            assert len(keys) == len(set(keys)), key
            for item in parts:
                assert item.events, (key, item.key)
                assert [e.position for e in item.events] == sorted(e.position for e in item.events)
            if parts:
                counted.add(key)
    # The history is rich enough that every figure counts something somewhere.
    assert sorted(set(FIGURES) - counted) == []


def test_every_figure_declares_its_explanation() -> None:
    for key, figure in FIGURES.items():
        explainer = figure.explainer
        assert explainer is not None, f"{key}: no items= (or numerator=/denominator=)"
        assert (explainer.items is None) == (explainer.numerator is not None), key


def test_items_carry_the_events_with_positions_times_and_fields(history: Ledger) -> None:
    scope: dict[str, Any] = {"start": date(2023, 1, 1), "end": date(2023, 12, 31)}
    why = history.explain("opinions.submitted", "QY", rollup=True, as_of="2024-01-31", **scope)
    assert why.units == ["QY", "QY-QC"] and why.items
    for item in why.items:
        (event,) = item.events
        # The demo's circuit inspection is a unit activity: its opinion's aggregate says so.
        assert event.event == "Case.OpinionSubmitted"
        assert event.aggregate_kind in ("case", "unit_activity")
        assert event.fields["opinion"] == item.key["opinion"]
        assert str(event.aggregate_id) == item.key["case_id"]
        assert event.occurred_at is not None and scope["start"] <= event.occurred_at.date()
    assert [i.events[0].position for i in why.items] == sorted(
        i.events[0].position for i in why.items
    )
    # A person counted once lists every attendance they counted for.
    people = history.explain("participation.peoples_supervisor.people", "QY-QC", **scope)
    times = history.explain("participation.peoples_supervisor.person_times", "QY-QC", **scope)
    assert sum(len(i.events) for i in people.items or []) == len(times.items or [])
    # The events are those the log holds at those positions.
    first = (times.items or [])[0].events[0]
    assert history.events_after(first.position - 1, limit=1) == [first]


def test_an_unknown_figure_names_the_nearest(history: Ledger) -> None:
    with pytest.raises(UnknownFigure, match=r"did you mean 'hearings\.held'"):
        history.explain("hearings.hold")
    with pytest.raises(UnknownFigure):
        history.explain(42)  # type: ignore[arg-type]


def test_explain_on_the_command_line(
    sqlite_file_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        for command in seed002.seed002_committee_commands():
            ledger.execute(command)
    period = ["--from", "2023-01-01", "--to", "2023-12-31", "--as-of", "2024-03-31"]
    args = ["explain", "trial_committee.adoption_rate", "--unit", seed002.UNIT, *period]
    assert main([*args, "--store", sqlite_file_url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["value"] == {"numerator": 177, "denominator": 217, "value": 0.8157}
    assert (len(data["numerator"]), len(data["denominator"]), data["items"]) == (177, 217, None)
    assert {e["event"] for i in data["numerator"] for e in i["events"]} == {
        "TrialCommitteeSitting.OpinionGiven"
    }
    assert main([*args, "--store", sqlite_file_url]) == 0
    text = capsys.readouterr().out
    assert "numerator: 177" in text and "denominator: 217" in text
    assert "TrialCommitteeSitting.OpinionGiven" in text
    assert main(["explain", "trial_committee.sitings", "--store", sqlite_file_url]) == 1
    assert "did you mean 'trial_committee.sittings'?" in capsys.readouterr().err
