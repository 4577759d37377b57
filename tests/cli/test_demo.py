"""`supervision-ledger demo`: a realistic year, the same for the same seed, on every store."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from supervision_ledger import Ledger
from supervision_ledger.cli import main
from supervision_ledger.demo import DISTRICT, DemoSummary, in_office_hours, run_demo
from supervision_ledger.demo import summary as demo_summary
from supervision_ledger.domain import ActivityType, LeadSource, OpinionOutcome, Role
from supervision_ledger.domain.values import InvitationStatus, SupervisorStatus
from supervision_ledger.reporting import figure_rows

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


def demo_cli(db: Path, seed: int, capsys: pytest.CaptureFixture[str], *more: str) -> str:
    assert main(["demo", "--store", f"sqlite:///{db}", "--seed", str(seed), *more]) == 0
    return capsys.readouterr().out


def test_same_seed_same_year_on_two_stores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = demo_cli(tmp_path / "a.db", SEED, capsys)
    bulletin = tmp_path / "year.html"
    second = demo_cli(tmp_path / "b.db", SEED, capsys, "--html", str(bulletin))
    assert first == second  # the bulletin changes nothing of the record or the summary
    with Ledger(store=f"sqlite:///{tmp_path / 'a.db'}") as a:
        summary = run_demo(a, SEED)  # a rerun: reads back the same keys, records nothing
        assert summary.replayed == summary.commands
        with Ledger(store=f"sqlite:///{tmp_path / 'b.db'}") as b:
            assert snapshot(a, summary.keys) == snapshot(b, summary.keys)
    assert f"commands: {summary.commands} issued, {summary.commands} recorded now" in first
    # demo --html: the year's bulletin, at the log position the summary names.
    html = bulletin.read_text(encoding="utf-8")
    assert "2023-01-01/2023-12-31" in html and 'id="chart-months"' in html
    position = re.search(r"at log position (\d+):", second)
    assert position is not None and f'data-position="{position.group(1)}"' in html


@pytest.fixture(scope="module")
def recorded(demo_year: tuple[Ledger, DemoSummary]) -> tuple[Ledger, DemoSummary]:
    return demo_year


@pytest.fixture(scope="module")
def year(recorded: tuple[Ledger, DemoSummary]) -> DemoSummary:
    return recorded[1]


def test_the_year_is_at_the_seeds_scale(year: DemoSummary) -> None:
    n = year.statistics.count
    assert 25 <= len(year.keys["supervisors"]) <= 35
    assert n("roster.peoples_supervisor") >= 10 and n("roster.hearing_officer") >= 10
    assert all(n(f"roster.{r.value}") > 0 for r in Role if r is not Role.MEDIATOR)
    assert 90 <= n("activities.total") <= 115
    assert all(n(f"activities.{t.value}") > 0 for t in ActivityType)
    assert 60 <= len(year.keys["hearings"]) <= 80
    assert n("hearings.held") == len(year.keys["hearings"])  # all held within the year
    assert n("hearings.officer_person_times") >= 3 * n("hearings.held")


def opinions(ledger: Ledger, year: DemoSummary) -> list[Any]:
    return [op for key in year.keys["cases"] for op in ledger.case(key).opinions.values()]


def test_the_year_has_every_kind_of_answer(recorded: tuple[Ledger, DemoSummary]) -> None:
    ledger, year = recorded
    n = year.statistics.count
    assert all(n(f"opinions.{o.value}") > 0 for o in OpinionOutcome)
    assert n("feedback.given") < n("opinions.submitted")  # answers open on 31 December
    found = opinions(ledger, year)
    assert sum(op.objected_at is not None for op in found) == 1
    assert sum(op.objection_ruled_at is not None for op in found) == 1
    cases = [ledger.case(key) for key in year.keys["cases"]]
    invitations = [i for c in cases for a in c.activities.values() for i in a.invitations.values()]
    assert any(i.replaces is not None for i in invitations)  # 补派
    assert any(i.status is InvitationStatus.REPLACED for i in invitations)
    hearings = [ledger.hearing(key) for key in year.keys["hearings"]]
    assert sum(h.departs_from_majority for h in hearings) == 1
    assert any(p.replaces is not None for h in hearings for p in h.participants.values())
    people = [ledger.supervisor(key) for key in year.keys["supervisors"]]
    assert sum(p.status is SupervisorStatus.REMOVED for p in people) == 1
    assert sum(len(p.relationships) for p in people) == 2
    accepted = year.statistics.rate("hearings.acceptance_rate")
    assert 0 < accepted.denominator - accepted.numerator < accepted.denominator // 10
    assert sum(c.is_closed for c in cases) < len(cases)
    assert n("allowances.payments") > 0
    assert sum(len(p.trainings) for p in people) > 0 and all(
        p.assessments for p in people if p.status is SupervisorStatus.REMOVED
    )


def test_render_prints_the_years_figures(year: DemoSummary) -> None:
    """The summary is the statistics, not a second way of counting."""
    text = year.render()
    for row in figure_rows(year.statistics):
        assert f"  {demo_summary.show(row)}\n" in text
    assert f"at log position {year.bundle.digest.position}:" in text
    assert f"people appointed (人员): {len(year.keys['supervisors'])};" in text


def test_every_business_time_is_in_office_hours(recorded: tuple[Ledger, DemoSummary]) -> None:
    ledger, _ = recorded
    times: list[datetime] = []
    for notification in ledger.app.recorder.select_notifications(start=1, limit=10**6):
        event: Any = ledger.app.mapper.to_domain_event(notification)
        times.append(event.occurred_at)
    assert len(times) > 2000
    outside = [t for t in times if t.year >= 2023 and not in_office_hours(t)]
    assert outside == []


def test_the_neighbouring_flows_are_in_the_statistics(year: DemoSummary) -> None:
    stats = year.statistics
    n = stats.count
    assert 80 <= n("petitions.received") <= 120
    assert 0 < n("petitions.excluded_from_reply_rate") < n("petitions.received") // 10
    assert n("petitions.procedural_on_time") > n("petitions.procedural_late") > 0
    assert 0 < n("petitions.closed") < n("petitions.received")
    assert n("petitions.result_on_time") > n("petitions.result_late") > 0
    # Suggestions: one urged, one late, the rest on time; adopted ones rectified.
    assert n("suggestions.served") >= 3 and n("suggestions.recipients") > 0
    assert n("suggestions.replied_on_time") > 0 and n("suggestions.replied_late") >= 1
    assert n("suggestions.urged") == 1
    assert 0 < n("suggestions.rectification_verified") <= n("suggestions.rectified")
    assert n("suggestions.adopted") > 0
    # Leads from every source, grid workers first; some became cases.
    by_source = {s: n(f"leads.{s.value}.reported") for s in LeadSource}
    assert n("leads.reported") == sum(by_source.values())
    assert all(count > 0 for count in by_source.values())
    assert by_source[LeadSource.GRID_WORKER] == max(by_source.values())
    assert n("leads.accepted") > n("leads.rejected") > 0
    assert n("leads.turned_into_cases") > 0
    assert n("typical_cases.municipal.nominated") == 2
    assert n("typical_cases.selected") > 0
    assert 10 <= n("partners.units_in_force") <= 16
    assert n("trial_committee.sittings") >= 4
    assert n("trial_committee.opinions_given") >= n("trial_committee.sittings")
    assert n("trial_committee.opinions_adopted") > 0
    assert n("roster.grid_worker") >= 2


def test_the_district_alone_is_the_whole_year(recorded: tuple[Ledger, DemoSummary]) -> None:
    """Everything the demo records happens at the district: its own report equals the
    rolled-up one on every figure but the roster kept at the city."""
    ledger, year = recorded
    alone = ledger.statistics(
        DISTRICT, start=date(2023, 1, 1), end=date(2023, 12, 31), as_of=date(2023, 12, 31)
    )
    differing = {k for k, v in alone.figures.items() if year.statistics.figures[k] != v}
    assert differing and all(
        k.startswith(("roster.peoples_supervisor", "participation.", "allowances."))
        for k in differing
    ), differing


def test_another_seed_on_the_same_store_is_refused_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    demo_cli(db, 1, capsys)
    assert main(["demo", "--store", f"sqlite:///{db}", "--seed", "2"]) == 1
    assert "use a fresh store" in capsys.readouterr().err


def test_demo_on_postgres(postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--store", postgres_url, "--seed", str(SEED)]) == 0
    assert "Hearings (检察听证)" in capsys.readouterr().out
