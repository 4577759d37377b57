"""One Ledger shared by threads (docs/api.md, "Threads and processes").

8 threads × 200 commands through one Ledger, on one shared case and on a case of each
thread's own, on an SQLite file and on PostgreSQL: no exception, every acknowledged
command stored exactly once, and the figures equal a plain count of the commands.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest

from supervision_ledger import CommandResult, Ledger

THREADS = 8
COMMANDS = 200  # per thread: half on the shared case, half on the thread's own


def person(t: int) -> str:
    return f"P{t:02d}"


def setup(ledger: Ledger) -> None:
    def do(type_: str, **fields: Any) -> None:
        ledger.execute({"type": type_, **fields})

    do(
        "register_unit",
        unit="QC",
        name="清城区人民检察院",
        level="district",
        occurred_at="2023-01-01T09:00",
    )
    for t in range(THREADS):
        do(
            "appoint_supervisor",
            supervisor=person(t),
            unit="QC",
            name=f"朱某{t}",
            roles=["peoples_supervisor"],
            term_start="2022-01-01",
            occurred_at="2022-01-01T09:00",
        )
    for case in ["KS", *(f"K{t}" for t in range(THREADS))]:
        do(
            "register_case",
            case=case,
            unit="QC",
            kind="other",
            handling_prosecutor="赵某",
            received_on="2023-03-01",
            occurred_at="2023-03-01T09:00",
        )
        do(
            "open_activity",
            case=case,
            activity="A1",
            activity_type="quality_review",
            occurred_at="2023-03-02T09:00",
        )
    for t in range(THREADS):
        for case in ("KS", f"K{t}"):
            do(
                "invite_supervisor",
                case=case,
                activity="A1",
                supervisor=person(t),
                occurred_at="2023-03-02T10:00",
            )
            do(
                "record_attendance",
                case=case,
                activity="A1",
                supervisor=person(t),
                occurred_at="2023-03-03T10:00",
            )


def work(ledger: Ledger, t: int, results: list[CommandResult], errors: list[BaseException]) -> None:
    for i in range(COMMANDS):
        case = "KS" if i % 2 == 0 else f"K{t}"
        try:
            results.append(
                ledger.execute(
                    {
                        "type": "submit_opinion",
                        "case": case,
                        "activity": "A1",
                        "supervisor": person(t),
                        "content": f"意见 {t}-{i}",
                        "occurred_at": "2023-03-04T09:00",
                        "command_id": f"t{t}-{i}",
                    }
                )
            )
            if i % 40 == 0:  # readers copy cached aggregates while writers fast-forward them
                ledger.case("KS").opinions  # noqa: B018
        except BaseException as error:
            errors.append(error)


@pytest.mark.parametrize("kind", ["sqlite-file", "postgres"])
def test_one_ledger_shared_by_eight_threads(kind: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_file_url" if kind == "sqlite-file" else "postgres_url")
    with Ledger(store=url) as ledger:
        setup(ledger)
        results: list[CommandResult] = []
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=work, args=(ledger, t, results, errors)) for t in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == []
        assert len(results) == THREADS * COMMANDS
        assert not any(r.replayed for r in results)
        # Every acknowledged command is stored once, under the key it was given.
        per_case = Counter(r.key("case") for r in results)
        assert per_case["KS"] == THREADS * COMMANDS // 2
        for t in range(THREADS):
            assert per_case[f"K{t}"] == COMMANDS // 2
        for case, count in per_case.items():
            stored = ledger.case(case).opinions
            assert len(stored) == count
            assert {r.key("opinion") for r in results if r.key("case") == case} == set(stored)
        # A result's position is that of its command's own last event: the opinion, or
        # the day's first service on the person's stream; never the command record's.
        streams = ["case:KS", *(f"case:K{t}" for t in range(THREADS))]
        streams += [f"supervisor:{person(t)}" for t in range(THREADS)]
        positions = {e.position for ref in streams for e in ledger.history(ref)}
        assert all(r.position in positions for r in results)
        assert len({r.position for r in results}) == len(results)
        # The figures equal the naive count.
        assert ledger.statistics().count("opinions.submitted") == THREADS * COMMANDS
        # A repeated command id is answered from its record, and nothing is added.
        again = ledger.execute(
            {
                "type": "submit_opinion",
                "case": "KS",
                "activity": "A1",
                "supervisor": person(0),
                "content": "意见 0-0",
                "occurred_at": "2023-03-04T09:00",
                "command_id": "t0-0",
            }
        )
        assert again.replayed
        assert len(ledger.case("KS").opinions) == THREADS * COMMANDS // 2
