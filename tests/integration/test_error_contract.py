"""Everything the API raises for a reason the caller can act on is a LedgerError with a
stable rule (docs/api.md, "Errors"); driver exceptions do not reach the host."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from supervision_ledger import Ledger, LedgerError, StoreBusy, StoreUnavailable
from supervision_ledger.errors import (
    InvalidArgument,
    InvalidPeriod,
    UnknownFigure,
    WrongFigureKind,
    http_status,
)

UNIT = {
    "type": "register_unit",
    "unit": "QC",
    "name": "清城区人民检察院",
    "level": "district",
    "occurred_at": "2023-01-01T09:00",
}


def test_figure_lookups_name_the_key_and_the_kind() -> None:
    with Ledger(store="sqlite:///:memory:") as ledger:
        figures = ledger.statistics()
        rate = next(k for k, v in figures.figures.items() if not isinstance(v, int | str))
        with pytest.raises(WrongFigureKind, match=re.escape(f"'{rate}' is a rate, not a count")):
            figures.count(rate)
        with pytest.raises(WrongFigureKind, match="is a count, not a rate"):
            figures.rate("opinions.submitted")
        with pytest.raises(UnknownFigure, match=re.escape("no figure 'opinions.sent'")) as unknown:
            figures.value("opinions.sent")
        assert unknown.value.rule == "unknown_figure" and http_status(unknown.value) == 400


def test_query_arguments_and_periods(tmp_path: Path) -> None:
    with Ledger(store=f"sqlite:///{tmp_path / 'l.db'}") as ledger:
        with pytest.raises(InvalidPeriod) as reversed_period:
            ledger.statistics(start="2023-12-31", end="2023-01-01")
        assert reversed_period.value.rule == "invalid_period"
        with pytest.raises(InvalidArgument, match="at_position: -1") as negative:
            ledger.statistics(at_position=-1)
        assert isinstance(negative.value, ValueError)  # as before it had a rule
        with pytest.raises(InvalidArgument, match="when: 'yesterday'"):
            ledger.case_as_of("K1", "yesterday")


def test_a_locked_sqlite_store_is_store_busy_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with Ledger(store=f"sqlite:///{path}", env={"SQLITE_LOCK_TIMEOUT": "1"}) as ledger:
        ledger.execute(UNIT)
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
        try:
            with pytest.raises(StoreBusy) as busy:
                ledger.execute({**UNIT, "unit": "QY", "name": "清远市人民检察院"})
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert busy.value.rule == "store_busy" and http_status(busy.value) == 503
        assert isinstance(busy.value, LedgerError)
        with pytest.raises(LedgerError, match="not_found"):
            ledger.unit("QY")
        assert ledger.execute({**UNIT, "unit": "QY", "name": "清远市人民检察院"}).position


def test_an_unreachable_postgres_store_is_store_unavailable() -> None:
    url = "postgresql://postgres@127.0.0.1:1/test?schema=nowhere"
    with pytest.raises(StoreUnavailable) as unreachable:
        Ledger(store=url, env={"POSTGRES_CONNECT_TIMEOUT": "1"})
    assert unreachable.value.rule == "store_unavailable"
    assert http_status(unreachable.value) == 503
