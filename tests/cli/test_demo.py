"""`supervision-ledger demo`: a realistic year, the same for the same seed, on every store."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from supervision_ledger import Ledger
from supervision_ledger.cli import main
from supervision_ledger.demo import DISTRICT, DemoSummary, in_office_hours, run_demo
from supervision_ledger.domain import ActivityType, LeadSource, OpinionOutcome, Role

SEED = 11


def snapshot(ledger: Ledger, keys: dict[str, list[str]]) -> dict[str, Any]:
    """What a reader sees of the demo's aggregates (no recorded times)."""
    cases = {}
    for key in keys["cases"]:
        case = ledger.case(key)
        cases[key] = (
            case.case_kind,
            case.is_closed,
            [
                (k, a.type, sorted((i.supervisor, i.status) for i in a.invitations.values()))
                for k, a in case.activities.items()
            ],
            [
                (k, o.supervisor, o.outcome, o.feedback is not None)
                for k, o in case.opinions.items()
            ],
        )
    hearings = {}
    for key in keys["hearings"]:
        h = ledger.hearing(key)
        hearings[key] = (h.status, sorted(h.participants), h.decision, dict(h.party_responses))
    people = {
        key: (s.roles, s.status, len(s.allowances))
        for key in keys["supervisors"]
        for s in [ledger.supervisor(key)]
    }
    return {"cases": cases, "hearings": hearings, "people": people}


def demo_cli(db: Path, seed: int, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["demo", "--store", f"sqlite:///{db}", "--seed", str(seed)]) == 0
    return capsys.readouterr().out


def test_same_seed_same_year_on_two_stores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = demo_cli(tmp_path / "a.db", SEED, capsys)
    second = demo_cli(tmp_path / "b.db", SEED, capsys)
    assert first == second
    with Ledger(store=f"sqlite:///{tmp_path / 'a.db'}") as a:
        summary = run_demo(a, SEED)  # a rerun: reads back the same keys, records nothing
        assert summary.replayed == summary.commands
        with Ledger(store=f"sqlite:///{tmp_path / 'b.db'}") as b:
            assert snapshot(a, summary.keys) == snapshot(b, summary.keys)
    assert f"commands: {summary.commands} issued, {summary.commands} recorded now" in first


@pytest.fixture(scope="module")
def recorded(demo_year: tuple[Ledger, DemoSummary]) -> tuple[Ledger, DemoSummary]:
    return demo_year


@pytest.fixture(scope="module")
def year(recorded: tuple[Ledger, DemoSummary]) -> DemoSummary:
    return recorded[1]


def test_the_year_is_at_the_seeds_scale(year: DemoSummary) -> None:
    assert 25 <= year.people <= 35
    assert year.people_by_role[Role.PEOPLES_SUPERVISOR] >= 10
    assert year.people_by_role[Role.HEARING_OFFICER] >= 10
    assert all(year.people_by_role[r] > 0 for r in Role if r is not Role.MEDIATOR)
    assert 90 <= sum(year.activities_by_type.values()) <= 115
    assert all(year.activities_by_type[t] > 0 for t in ActivityType)
    assert 60 <= year.hearings <= 80
    assert year.hearing_people["officers invited"] >= 3 * year.hearings


def test_the_year_has_every_kind_of_answer(year: DemoSummary) -> None:
    assert all(year.opinions_by_outcome[o] > 0 for o in OpinionOutcome)
    assert year.feedback_pending + year.opinions_undecided > 0  # still open on 31 December
    assert year.objections == year.objections_ruled == 1
    assert year.invitations["declined"] > 0 and year.invitations["replacements (补派)"] > 0
    assert year.hearing_people["declined"] > 0
    assert year.departures == 1 and year.removed == 1 and year.recusals >= 2
    assert 0 < year.party_responses - year.party_accepted < year.party_responses // 10
    assert year.cases_closed < year.cases
    assert year.allowance_total > 0 and year.trainings > 0 and year.assessments > 0


def test_render_reports_what_was_recorded(year: DemoSummary) -> None:
    text = year.render()
    assert f"hearings (检察听证): {year.hearings};" in text
    assert f"opinions (监督意见): {year.opinions}" in text
    for t in ActivityType:
        assert f"  {t.value} ({t.zh}): {year.activities_by_type[t]}" in text
    assert f"petitions (信访): {year.petitions['received']}\n" in text
    assert f"{year.suggestions['served']} served on {year.suggestion_recipients} units" in text
    assert f"in force on 31 December: {year.partner_units} " in text
    assert f"trial committee (检察长列席审委会): {year.sittings} sittings" in text
    for source in LeadSource:
        assert f"  {source.value} ({source.zh}): {year.leads_by_source[source]}" in text


def test_every_business_time_is_in_office_hours(recorded: tuple[Ledger, DemoSummary]) -> None:
    ledger, _ = recorded
    times: list[datetime] = []
    for notification in ledger.app.recorder.select_notifications(start=1, limit=10**6):
        event: Any = ledger.app.mapper.to_domain_event(notification)
        times.append(event.occurred_at)
    assert len(times) > 2000
    outside = [t for t in times if t.year >= 2023 and not in_office_hours(t)]
    assert outside == []


def test_the_neighbouring_flows_are_in_the_statistics(
    recorded: tuple[Ledger, DemoSummary],
) -> None:
    ledger, year = recorded
    stats = ledger.statistics(
        DISTRICT, start=date(2023, 1, 1), end=date(2023, 12, 31), as_of=date(2023, 12, 31)
    )
    n = stats.count
    assert 80 <= year.petitions["received"] <= 120
    assert n("petitions.received") == year.petitions["received"]
    assert n("petitions.excluded_from_reply_rate") == year.petitions["anonymous or no contact"]
    assert n("petitions.procedural_on_time") == year.petitions["procedural reply within 7 days"]
    assert 0 < n("petitions.procedural_late") == year.petitions["procedural reply late"]
    assert 0 < n("petitions.closed") == year.petitions["closed (办结)"] < n("petitions.received")
    assert n("petitions.result_on_time") > n("petitions.result_late") > 0
    # Suggestions: one urged, one late, the rest on time; adopted ones rectified.
    assert n("suggestions.served") == year.suggestions["served"] >= 3
    assert n("suggestions.recipients") == year.suggestion_recipients > 0
    assert n("suggestions.replied_on_time") == year.suggestions["replied on time"] > 0
    assert n("suggestions.replied_late") == year.suggestions["replied late"] >= 1
    assert n("suggestions.urged") == year.suggestions["urged (催办)"] == 1
    assert n("suggestions.adopted") == year.suggestions["adopted"] > 0
    assert 0 < n("suggestions.rectification_verified") <= n("suggestions.rectified")
    assert year.suggestions["on a type-4 activity (人民监督员参与)"] > 0
    # Leads from every source, grid workers first; some became cases.
    assert n("leads.reported") == sum(year.leads_by_source.values())
    for source in LeadSource:
        assert n(f"leads.{source.value}.reported") == year.leads_by_source[source] > 0
    assert n("leads.grid_worker.reported") == max(year.leads_by_source.values())
    assert n("leads.accepted") == year.leads["accepted"] > n("leads.rejected") > 0
    assert 0 < n("leads.turned_into_cases") == year.leads["turned into cases (成案)"]
    assert n("typical_cases.municipal.nominated") == 2
    assert n("typical_cases.selected") == sum(year.selections.values()) > 0
    assert 10 <= n("partners.units_in_force") == year.partner_units <= 16
    assert year.agreements_terminated == 1
    assert n("trial_committee.sittings") == year.sittings >= 4
    assert n("trial_committee.opinions_given") == year.committee_opinions >= year.sittings
    assert n("trial_committee.opinions_adopted") == year.committee_opinions_adopted > 0
    assert year.people_by_role[Role.GRID_WORKER] >= 2


def test_another_seed_on_the_same_store_is_refused_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    demo_cli(db, 1, capsys)
    assert main(["demo", "--store", f"sqlite:///{db}", "--seed", "2"]) == 1
    assert "use a fresh store" in capsys.readouterr().err


def test_demo_on_postgres(postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--store", postgres_url, "--seed", str(SEED)]) == 0
    assert "hearings (检察听证)" in capsys.readouterr().out
