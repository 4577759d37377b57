"""A command costs the store as much on a case of thousands of events as on a small one.

Counted, not timed: the SQLite virtual-machine steps (``set_progress_handler``) that the
same commands take on a case of ~2,000 events and on one of ~20. A statement that reads
every event of an aggregate (a version check grouped over all its versions, say) would
make the large case's count grow with its size.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from supervision_ledger import Ledger
from supervision_ledger import commands as c
from supervision_ledger.domain.case import Case
from supervision_ledger.domain.errors import AlreadyExists, NotFound
from supervision_ledger.persistence.recorders import ChainConflict

START = datetime(2024, 1, 2, 9, 0)


def moments() -> Iterator[datetime]:
    n = 0
    while True:
        n += 1
        yield START + timedelta(minutes=n)


def setup(ledger: Ledger, when: Iterator[datetime]) -> None:
    ledger.execute_many(
        [
            c.RegisterUnit(
                unit="QC", name="清城区人民检察院", level="district", occurred_at=next(when)
            )
        ]  # type: ignore[arg-type]
        + [
            c.AppointSupervisor(
                supervisor=f"P{i}",
                unit="QC",
                name=f"张某{i}",
                roles=["peoples_supervisor"],  # type: ignore[list-item]
                term_start=date(2024, 1, 1),
                occurred_at=next(when),
            )
            for i in range(3)
        ]
    )


def case_steps(case: str, n: int, when: Iterator[datetime]) -> list[c.Command]:
    """Open an activity, invite, attend and hear an opinion: four events on ``case``."""
    activity, person = f"A{n}", f"P{n % 3}"
    return [
        c.OpenActivity(
            case=case,
            activity=activity,
            activity_type="public_hearing",  # type: ignore[arg-type]
            occurred_at=next(when),
        ),
        c.InviteSupervisor(case=case, activity=activity, supervisor=person, occurred_at=next(when)),
        c.RecordAttendance(case=case, activity=activity, supervisor=person, occurred_at=next(when)),
        c.SubmitOpinion(
            case=case,
            activity=activity,
            supervisor=person,
            content="建议规范告知程序",
            occurred_at=next(when),
        ),
    ]


def grow(ledger: Ledger, case: str, events: int, when: Iterator[datetime]) -> int:
    ledger.execute(register(case, when))
    n = 0
    while ledger.case(case).version < events:
        batch = min(50, (events - ledger.case(case).version + 3) // 4)
        ledger.execute_many([s for i in range(n, n + batch) for s in case_steps(case, i, when)])
        n += batch
    return n


@contextmanager
def counted(ledger: Ledger) -> Iterator[list[int]]:
    """Count the VM steps of every statement on the store's connections meanwhile."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    pool: Any = ledger.app.recorder.datastore.pool  # type: ignore[attr-defined]
    connections = [conn._sqlite_conn for conn in pool._pool]
    for raw in connections:
        raw.set_progress_handler(tick, 1)
    try:
        yield steps
    finally:
        for raw in connections:
            raw.set_progress_handler(None, 1)


def test_a_command_costs_the_store_the_same_on_a_large_case(tmp_path: Path) -> None:
    when = moments()
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}", env={"SNAPSHOT_INTERVAL": "0"}) as ledger:
        setup(ledger, when)
        grow(ledger, "BIG", 2000, when)
        grow(ledger, "SMALL", 20, when)
        cost: dict[str, int] = {}
        for window, case in enumerate(("BIG", "SMALL", "BIG")):
            todo = [
                step for n in range(5) for step in case_steps(case, 10_000 * (window + 1) + n, when)
            ]
            with counted(ledger) as steps:
                for command in todo:
                    ledger.execute(command)
            cost[case] = steps[0]
        assert ledger.case("BIG").version > 2000 > 60 > ledger.case("SMALL").version
        # Equal but for a B-tree a level deeper here and there.
        assert cost["BIG"] <= 1.1 * cost["SMALL"], cost


def test_a_new_key_costs_no_query_and_a_taken_one_is_still_refused(tmp_path: Path) -> None:
    when = moments()
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}") as ledger:
        setup(ledger, when)
        pool: Any = ledger.app.recorder.datastore.pool  # type: ignore[attr-defined]
        statements: list[str] = []
        for conn in pool._pool:
            conn._sqlite_conn.set_trace_callback(statements.append)
        register = c.RegisterCase(
            case="K1",
            unit="QC",
            kind="other",  # type: ignore[arg-type]
            handling_prosecutor="李某",
            received_on=date(2024, 1, 2),
            occurred_at=next(when),
        )
        ledger.execute(register)
        # One transaction: the write. No look-up of the new key before it.
        assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN"]
        assert not any("DISTINCT" in s for s in statements)
        uncache(ledger, "K1")  # as in another process, which has not seen it
        with pytest.raises(AlreadyExists, match="K1"):
            ledger.execute(register.model_copy(update={"title": "另一案"}))
        # Taken and breaking another rule (a party listed twice): the taken key is
        # named, as when the store was asked first.
        uncache(ledger, "K1")
        twice = [c.PartyInput(name="王某"), c.PartyInput(name="王某")]
        with pytest.raises(AlreadyExists, match="K1"):
            ledger.execute(register.model_copy(update={"parties": twice}))
        assert ledger.case("K1").title is None
        assert len(ledger.history("case:K1")) == 1


def test_a_write_after_this_ledgers_own_reads_no_chain_tail(tmp_path: Path) -> None:
    when = moments()
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}") as ledger:
        setup(ledger, when)
        ledger.execute(register("K1", when))
        statements: list[str] = []
        pool: Any = ledger.app.recorder.datastore.pool  # type: ignore[attr-defined]
        for conn in pool._pool:
            conn._sqlite_conn.set_trace_callback(statements.append)
        ledger.execute(case_steps("K1", 1, when)[0])  # opens an activity: reads nothing else
        # The chain ends where this ledger's last write left it: nothing is read.
        assert [s.split()[0] for s in statements] == ["BEGIN", "INSERT", "INSERT", "COMMIT"]
        assert ledger.verify().ok


def test_writers_taking_turns_chain_from_the_stored_tail(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    when = moments()
    with Ledger(url) as first, Ledger(url) as second:
        setup(first, when)
        for n in range(6):
            writer = (first, second)[n % 2]  # each write follows the other's
            writer.execute_many(case_steps("K1", n, when)[:1] if n else [register("K1", when)])
        assert first.verify().ok and second.verify().ok
        assert first.digest() == second.digest()


def test_a_position_reused_under_a_running_ledger_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    when = moments()
    with Ledger(f"sqlite:///{path}") as ledger:
        setup(ledger, when)
        ledger.execute(register("K1", when))
        last = ledger.digest().position
        raw = sqlite3.connect(path)
        raw.execute("DELETE FROM stored_events WHERE rowid = ?", (last,))
        raw.commit()
        raw.close()
        # SQLite gives the deleted row's position again: the chain already covers it.
        with pytest.raises(ChainConflict, match=f"position {last}"):
            ledger.execute(register("K2", when))
        with pytest.raises(NotFound):
            ledger.case("K2")


def uncache(ledger: Ledger, case: str) -> None:
    cache: Any = ledger.app.repository.cache
    with contextlib.suppress(KeyError):
        cache.get(Case.id_for(case), evict=True)


def register(case: str, when: Iterator[datetime]) -> c.Command:
    return c.RegisterCase(
        case=case,
        unit="QC",
        kind="other",  # type: ignore[arg-type]
        handling_prosecutor="李某",
        received_on=date(2024, 1, 2),
        occurred_at=next(when),
    )
