"""The flow figures and pending replies through the command line: seed 003 through
``report --json`` on SQLite and PostgreSQL, ``report --at-position`` for auditors, and
``feedback`` listing suggestion and petition replies."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from scenarios import seed002, seed003
from stores import drop_schema, new_postgres_url, require_postgres

from supervision_ledger import Ledger
from supervision_ledger.cli import main
from supervision_ledger.domain.base import aggregate_id

DOCS = Path(__file__).resolve().parents[2] / "docs" / "statistics.md"


@pytest.fixture(params=["sqlite-file", "postgres"])
def seed003_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store holding the seed-003 history."""
    if request.param == "postgres":
        require_postgres()
        url, schema = new_postgres_url()
    else:
        url, schema = f"sqlite:///{tmp_path / 'ledger.db'}", ""
    try:
        with Ledger(store=url) as ledger:
            for command in seed003.seed003_commands():
                ledger.execute(command)
        yield url
    finally:
        if schema:
            drop_schema(schema)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_003_through_report_json(
    seed003_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    start, end = seed003.PERIOD
    code, out, _ = run(
        capsys,
        "report",
        "--store",
        seed003_store,
        "--unit",
        seed003.UNIT,
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--json",
    )
    assert code == 0
    figures = json.loads(out)["figures"]
    expected = seed003.SEED003_EXPECTED
    assert figures["partners.units_in_force"] == expected["partner_units_in_force"] == 16
    assert figures["roster.grid_worker"] == expected["grid_workers"] == 43
    assert figures["leads.grid_worker.reported"] == expected["leads_from_grid_workers"]
    assert figures["roster.invited_prosecutor_assistant"] == 10
    assert figures["leads.grid_worker.turned_into_cases"] == 12
    # Every key printed, the flows' included, is defined in docs/statistics.md.
    defined = set(re.findall(r"^\| `([^`]+)` \|", DOCS.read_text(encoding="utf-8"), re.M))
    assert set(figures) - defined == set()
    assert {"suggestions.reply_on_time_rate", "trial_committee.adoption_rate"} <= defined


def test_report_at_a_past_position(seed003_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The figures as they stood when the log ended at a position: before the first 2023
    grid-worker lead, none had been reported; at the head, the same as the live report."""
    with Ledger(store=seed003_store) as ledger:
        history = ledger.history(aggregate_id("lead", "DLT-XS-2023-01"))
        first_lead = history[0].position
        head = ledger.app.recorder.max_notification_id()
    assert head is not None
    base = ["report", "--store", seed003_store, "--unit", seed003.UNIT, "--json"]
    before = json.loads(run(capsys, *base, "--at-position", str(first_lead - 1))[1])["figures"]
    at = json.loads(run(capsys, *base, "--at-position", str(first_lead))[1])["figures"]
    assert before["leads.grid_worker.reported"] == 2  # only the two of 2022
    assert at["leads.grid_worker.reported"] == 3
    assert before["roster.grid_worker"] == 43  # appointed before any lead
    live = run(capsys, *base, "--as-of", "2024-01-31")[1]
    assert run(capsys, *base, "--as-of", "2024-01-31", "--at-position", str(head))[1] == live
    # At position 0 the unit did not exist yet; the whole (empty) ledger counts nothing.
    code, _, err = run(capsys, *base, "--at-position", "0")
    assert code == 1 and seed003.UNIT in err
    code, out, _ = run(capsys, "report", "--store", seed003_store, "--json", "--at-position", "0")
    empty = json.loads(out)["figures"]
    assert code == 0 and empty["leads.reported"] == empty["partners.units_in_force"] == 0
    with pytest.raises(SystemExit) as exit_info:
        main([*base, "--at-position", "-3"])
    assert exit_info.value.code == 2
    assert "--at-position" in capsys.readouterr().err


def test_feedback_prints_pending_replies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(store=url) as ledger:
        for command in [
            *seed002.units(),
            *seed002.petition("YL-XF-1", "YL", seed002.PERIOD[0], None),
            *seed002.petition("YL-NM-1", "YL", seed002.PERIOD[0], None, anonymous=True),
        ]:
            ledger.execute(command)
    code, out, _ = run(capsys, "feedback", "--store", url, "--as-of", "2023-01-09")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert all("awaiting_procedural_reply" in line and "due 2023-01-08" in line for line in lines)
    assert all("OVERDUE" in line for line in lines)
    assert sum("anonymous/no contact" in line for line in lines) == 1
    _, data, _ = run(capsys, "feedback", "--store", url, "--as-of", "2023-01-08", "--json")
    petitions = json.loads(data)["petitions"]
    assert [(p["petition"], p["overdue"]) for p in petitions] == [
        ("YL-NM-1", False),
        ("YL-XF-1", False),
    ]
