"""The command line answers bad input with one error line and an exit code, never a
traceback, and never creates a ledger where it was only asked to read one."""

from __future__ import annotations

from pathlib import Path

import pytest

from supervision_ledger.cli import main


@pytest.mark.parametrize(
    "command", [["verify"], ["digest"], ["report", "--json"], ["feedback"], ["export"]]
)
def test_reading_a_missing_sqlite_file_is_an_error_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "typo.db"
    assert main([*command, "--store", f"sqlite:///{missing}"]) == 2
    err = capsys.readouterr().err
    assert f"no ledger at {missing}" in err and "Traceback" not in err
    assert not missing.exists()


def test_a_period_that_ends_before_it_starts_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = f"sqlite:///{tmp_path / 'l.db'}"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main(["apply", str(empty), "--store", store]) == 0
    capsys.readouterr()
    code = main(["report", "--store", store, "--from", "2023-12-31", "--to", "2023-01-01"])
    assert code == 2
    assert "2023-01-01 before it starts 2023-12-31" in capsys.readouterr().err


def test_a_store_that_cannot_be_opened_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    code = main(["apply", str(empty), "--store", f"sqlite:///{tmp_path}/no/such/dir/l.db"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: invalid_store_url: ")
    assert f"the directory {tmp_path}/no/such/dir does not exist" in err
    assert not (tmp_path / "no").exists()


def test_the_api_refuses_a_reversed_period_for_every_period_query(tmp_path: Path) -> None:
    from datetime import date

    from supervision_ledger import Ledger
    from supervision_ledger.errors import InvalidPeriod

    with Ledger(store=f"sqlite:///{tmp_path / 'l.db'}") as ledger:
        for query in (ledger.statistics, ledger.hearings):
            with pytest.raises(InvalidPeriod, match="before it starts") as raised:
                query(start=date(2023, 12, 31), end=date(2023, 1, 1))
            assert raised.value.rule == "invalid_period"


def test_queries_take_iso_dates_as_commands_do_and_name_a_bad_one(tmp_path: Path) -> None:
    from datetime import date, datetime

    from supervision_ledger import Ledger

    with Ledger(store=f"sqlite:///{tmp_path / 'l.db'}") as ledger:
        ledger.execute(
            {
                "type": "register_unit",
                "unit": "QC",
                "name": "清城区人民检察院",
                "level": "district",
                "occurred_at": "2023-01-02T09:00",
            }
        )
        by_text = ledger.statistics("QC", start="2023-01-01", end="2023-12-31", as_of="2024-01-01")
        by_date = ledger.statistics(
            "QC", start=date(2023, 1, 1), end=date(2023, 12, 31), as_of=date(2024, 1, 1)
        )
        assert by_text == by_date and by_text.start == date(2023, 1, 1)
        assert ledger.pending_feedback(as_of="2024-01-01") == ledger.pending_feedback(
            as_of=date(2024, 1, 1)
        )
        assert ledger.hearings(start="2023-01-01").hearings == []
        assert ledger.unit_as_of("QC", "2023-01-02").name == "清城区人民检察院"
        with pytest.raises(ValueError, match="start: '2023-13-01' is not a date"):
            ledger.statistics(start="2023-13-01")
        with pytest.raises(ValueError, match="as_of: give a date"):
            ledger.statistics(as_of=datetime(2024, 1, 1, 9))
        with pytest.raises(ValueError, match="when: 'yesterday'"):
            ledger.case_as_of("K1", "yesterday")
