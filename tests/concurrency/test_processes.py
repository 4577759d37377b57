"""Eight processes open a fresh store at the same moment, then write and read.

Start-up creates eventsourcing's tables, the chain table and the views; on a fresh
SQLite file or PostgreSQL schema all eight race to do it. Nothing may escape but a
documented LedgerError (here: the seven losers of registering the same unit).
"""

from __future__ import annotations

import multiprocessing
import traceback
from typing import Any

import pytest

PROCESSES = 8


def worker(url: str, number: int, barrier: Any, outcomes: Any) -> None:
    from supervision_ledger import Ledger, LedgerError

    steps: list[tuple[str, str]] = []
    try:
        barrier.wait(timeout=120)
        with Ledger(store=url) as ledger:
            ledger.execute(
                {
                    "type": "register_unit",
                    "unit": f"U{number}",
                    "name": f"第{number}院",
                    "level": "district",
                    "occurred_at": "2023-01-01T09:00",
                }
            )
            steps.append(("own unit", "ok"))
            try:
                ledger.execute(
                    {
                        "type": "register_unit",
                        "unit": "QC",
                        "name": "清城区人民检察院",
                        "level": "district",
                        "occurred_at": "2023-01-01T09:00",
                    }
                )
                steps.append(("shared unit", "ok"))
            except LedgerError as error:
                steps.append(("shared unit", error.rule))
            figures = ledger.statistics()
            steps.append(("statistics", "ok" if figures.as_of else "empty"))
    except BaseException:
        steps.append(("traceback", traceback.format_exc()))
    outcomes.put((number, steps))


@pytest.mark.parametrize("kind", ["sqlite-file", "postgres"])
def test_eight_processes_open_a_fresh_store_at_once(
    kind: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("sqlite_file_url" if kind == "sqlite-file" else "postgres_url")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    outcomes = context.Queue()
    processes = [
        context.Process(target=worker, args=(url, n, barrier, outcomes)) for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    results = dict(outcomes.get(timeout=300) for _ in processes)
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0

    tracebacks = [steps for steps in results.values() if steps and steps[-1][0] == "traceback"]
    assert tracebacks == []
    for steps in results.values():
        assert steps[0] == ("own unit", "ok")
        assert steps[2] == ("statistics", "ok")
    shared = sorted(steps[1][1] for steps in results.values())
    assert shared == ["already_exists"] * (PROCESSES - 1) + ["ok"]

    from supervision_ledger import Ledger

    with Ledger(store=url) as ledger:
        assert {ledger.unit(f"U{n}").key for n in range(PROCESSES)} == {
            f"U{n}" for n in range(PROCESSES)
        }
        assert ledger.unit("QC").name == "清城区人民检察院"
        assert ledger.verify().ok
