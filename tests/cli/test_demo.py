"""`supervision-ledger demo`: a realistic year, the same for the same seed, on every store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from supervision_ledger import Ledger
from supervision_ledger.cli import main
from supervision_ledger.demo import DemoSummary, run_demo
from supervision_ledger.domain import ActivityType, OpinionOutcome, Role

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
def year() -> DemoSummary:
    with Ledger(store="sqlite:///:memory:") as ledger:
        return run_demo(ledger, 2023)


def test_the_year_is_at_the_seeds_scale(year: DemoSummary) -> None:
    assert 20 <= year.people <= 30
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
