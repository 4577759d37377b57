"""A snapshot is only taken of state whose every attribute has a declared type."""

from __future__ import annotations

import logging

import pytest

from supervision_ledger import Ledger
from supervision_ledger.domain.unit import ProcuratorateUnit
from supervision_ledger.persistence import snapshots
from supervision_ledger.persistence.snapshots import LedgerSnapshot, SnapshotSchemaError

REGISTER = {
    "type": "register_unit",
    "unit": "QY",
    "name": "清远市人民检察院",
    "level": "city",
    "occurred_at": "2023-01-02T09:00:00",
}


def test_an_undeclared_attribute_is_named() -> None:
    with Ledger("sqlite:///:memory:") as ledger:
        ledger.execute(REGISTER)
        unit = ledger.unit("QY")
        unit.nickname = "清远院"  # type: ignore[attr-defined]
        with pytest.raises(SnapshotSchemaError, match=r"without a snapshot type \(nickname\)"):
            LedgerSnapshot.take(unit)


def test_a_snapshot_that_cannot_be_taken_does_not_undo_the_recorded_command(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    declared = dict(snapshots.SNAPSHOT_STATES[ProcuratorateUnit])
    del declared["roster"]
    monkeypatch.setitem(snapshots.SNAPSHOT_STATES, ProcuratorateUnit, declared)
    with Ledger("sqlite:///:memory:", env={"SNAPSHOT_INTERVAL": "1"}) as ledger:
        with caplog.at_level(logging.ERROR):
            result = ledger.execute(REGISTER)
        assert result.position is not None
        assert "no snapshot of ProcuratorateUnit" in caplog.text
        assert ledger.app.snapshots is not None
        unit = ledger.unit("QY")
        assert not list(ledger.app.snapshots.get(unit.id))
        assert unit.roster == []
