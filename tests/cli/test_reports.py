"""The report commands end to end: stable JSON across ``rebuild``, documented keys,
readable tables, clear errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ledger_stories import Story, seed_000
from stores import drop_schema, new_postgres_url, require_postgres

from supervision_ledger import Ledger
from supervision_ledger.cli import main
from supervision_ledger.projections.docs import render

DOCS = Path(__file__).resolve().parents[2] / "docs" / "statistics.md"


@pytest.fixture(params=["sqlite-file", "postgres"])
def seeded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store holding seed 000 plus one opinion still awaiting its answer."""
    if request.param == "postgres":
        require_postgres()
        url, schema = new_postgres_url()
    else:
        url, schema = f"sqlite:///{tmp_path / 'ledger.db'}", ""
    try:
        with Ledger(store=url) as ledger:
            story = Story(ledger)
            seed_000(story)
            case, act = story.activity("QC", "2023-11-01", "other", attend=["PS02"])
            story.opinion(case, act, "PS02", "2023-11-01", feedback_after_days=None)
        yield url
    finally:
        if schema:
            drop_schema(schema)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_byte_identical_after_rebuild(
    seeded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = ["report", "--store", seeded, "--unit", "QY", "--rollup", "--json"]
    feedback = ["feedback", "--store", seeded, "--json"]
    _, report_before, _ = run(capsys, *report)
    _, feedback_before, _ = run(capsys, *feedback)
    code, out, _ = run(capsys, "rebuild", "--store", seeded)
    assert code == 0 and "\r" not in out  # no progress bar when stdout is not a terminal
    assert re.search(r"position \d+", out)
    assert run(capsys, *report)[1] == report_before
    assert run(capsys, *feedback)[1] == feedback_before
    pending = json.loads(feedback_before)["opinions"]
    assert [(p["supervisor"], p["stage"]) for p in pending] == [("PS02", "awaiting_feedback")]
    assert json.loads(report_before)["figures"]["hearings.held"] == 79


def keys_of(data: Any) -> set[str]:
    """Every key in a JSON document, with figure keys taken whole."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found.add(key)
            found |= keys_of(value)
    elif isinstance(data, list):
        for item in data:
            found |= keys_of(item)
    return found


def test_every_report_key_is_defined_in_the_docs(
    seeded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "--store", seeded, "--from", "2023-01-01", "--json")
    assert code == 0
    docs = DOCS.read_text(encoding="utf-8")
    defined = set(re.findall(r"^\| `([^`]+)` \|", docs, flags=re.MULTILINE))
    printed = keys_of(json.loads(out))
    assert printed - defined == set()
    assert "opinions.adoption_rate" in printed and "numerator" in printed


def test_docs_are_generated_from_the_registry() -> None:
    assert DOCS.read_text(encoding="utf-8") == render()


def test_tables_in_both_languages(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "report",
        "--store",
        seeded,
        "--unit",
        "QC",
        "--from",
        "2023-01-01",
        "--to",
        "2023-12-31",
    ]
    _, zh, _ = run(capsys, *args)
    assert re.search(r"听证员参与人次\s+57\n", zh)
    _, en, _ = run(capsys, *args, "--lang", "en")
    assert re.search(r"adoption rate\s+19/19 \(100\.00%\)\n", en)
    _, dossier, _ = run(capsys, "dossier", "--store", seeded, "PS02")
    assert "PS02" in dossier and "attended" in dossier
    _, hearings, _ = run(capsys, "hearings", "--store", seeded, "--unit", "YD", "--json")
    assert [h["unit"] for h in json.loads(hearings)["hearings"]] == ["YD"]


def test_bad_input_is_named(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "--store", seeded, "--unit", "NOPE")
    assert code == 1 and "unit" in err and "NOPE" in err
    code, _, err = run(capsys, "dossier", "--store", seeded, "NOBODY")
    assert code == 1 and "NOBODY" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--store", seeded, "--from", "2023-13-01"])
    assert exit_info.value.code == 2
    assert "--from" in capsys.readouterr().err


def test_a_period_ending_before_it_starts_is_refused(
    seeded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("report", "hearings"):
        code, out, err = run(
            capsys, command, "--store", seeded, "--from", "2023-06-01", "--to", "2023-01-01"
        )
        assert code == 2 and out == "", command
        assert "--to" in err and "2023-01-01" in err and "2023-06-01" in err, err
        assert "Traceback" not in err


def test_overdue_filter_does_not_claim_everything_is_answered(
    seeded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # PS02's opinion of 2023-11-01 awaits its answer but is not overdue the next day.
    scope = ["--store", seeded, "--supervisor", "PS02", "--as-of", "2023-11-02"]
    code, pending, _ = run(capsys, "feedback", *scope)
    assert code == 0 and "PS02" in pending and "OVERDUE" not in pending
    code, overdue, _ = run(capsys, "feedback", *scope, "--overdue")
    assert code == 0 and overdue == "nothing overdue (as of 2023-11-02)\n"
