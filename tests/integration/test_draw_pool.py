"""The draw pool is read together: cached people uncopied, the others in two queries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from supervision_ledger import Ledger
from supervision_ledger.application.eventsourced import LedgerApplication


@pytest.fixture(params=["sqlite-file", "postgres"])
def reopenable_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite-file":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


def cmd(type_: str, **fields: Any) -> dict[str, Any]:
    return {"type": type_, **fields}


def setup_commands() -> list[dict[str, Any]]:
    commands = [
        cmd(
            "register_unit",
            unit="QY",
            name="清远市院",
            level="city",
            occurred_at="2023-01-02T09:00:00",
        ),
        cmd(
            "register_unit",
            unit="QC",
            name="清城区院",
            level="district",
            parent="QY",
            occurred_at="2023-01-02T09:10:00",
        ),
    ]
    for n in range(12):
        commands.append(
            cmd(
                "appoint_supervisor",
                supervisor=f"S{n:02d}",
                unit="QY" if n % 3 else "QC",
                name=f"张某{n}",
                roles=["peoples_supervisor"],
                term_start="2023-01-01",
                occurred_at="2023-01-02T10:00:00",
            )
        )
    for n in range(0, 12, 4):  # some people with a longer file (snapshots at interval 2)
        commands += [
            cmd(
                "record_training",
                supervisor=f"S{n:02d}",
                topic="培训",
                hours="2",
                occurred_at=f"2023-01-0{3 + k}T10:00:00",
            )
            for k in range(3)
        ]
    commands += [
        cmd(
            "register_case",
            case="K1",
            unit="QC",
            kind="other",
            handling_prosecutor="李检",
            received_on="2023-02-01",
            occurred_at="2023-02-01T09:00:00",
        ),
        cmd(
            "open_activity",
            case="K1",
            activity="A1",
            activity_type="public_hearing",
            occurred_at="2023-02-02T09:00:00",
        ),
    ]
    return commands


DRAW = cmd(
    "draw_supervisors",
    case="K1",
    activity="A1",
    count=4,
    seed=11,
    occurred_at="2023-02-03T09:00:00",
)


@pytest.mark.parametrize("interval", ["2", "100"])
def test_a_cold_draw_loads_the_pool_together_and_draws_the_same(
    reopenable_store: str, interval: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"SNAPSHOT_INTERVAL": interval}
    with Ledger(reopenable_store, env=env) as ledger:
        ledger.execute_many(setup_commands())
    with Ledger("sqlite:///:memory:", env=env) as reference:  # the same, all warm
        reference.execute_many(setup_commands())
        expected = reference.execute(DRAW).keys("drawn")

    one_by_one: list[UUID] = []
    load = LedgerApplication.load

    def counting_load(self: LedgerApplication, aggregate_id: UUID) -> Any:
        one_by_one.append(aggregate_id)
        return load(self, aggregate_id)

    monkeypatch.setattr(LedgerApplication, "load", counting_load)
    with Ledger(reopenable_store, env=env) as ledger:  # a new process: a cold cache
        drawn = ledger.execute(DRAW).keys("drawn")
        assert drawn == expected
        # The case and the two units are loaded one by one; the 12 people are not.
        assert len(one_by_one) <= 3
        case = ledger.case("K1")
        assert case.activities["A1"].draws[0].pool == tuple(f"S{n:02d}" for n in range(12))
        assert ledger.verify().ok
