"""Several writers on one SQLite store, in any order: the hash chain stays whole.

Each SQLite recorder remembers where its own last write ended the chain and links the
next write from there without reading the tail when nothing was written in between
(``ChainedSQLiteRecorder._tail``). A state machine makes three ledgers on one file
write in random turns — single commands, batches, writes that read another aggregate,
refused commands and repeats — and after every step checks that the chain verifies,
that every ledger reports the same digest, and that every case and activity any writer
recorded is there.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from supervision_ledger import Ledger
from supervision_ledger.domain import LedgerError

START = datetime(2023, 1, 5, 9, 0)
WRITER = st.integers(min_value=0, max_value=2)


class WritersMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(self.dir.name) / 'ledger.db'}"
        self.ledgers = [Ledger(url) for _ in range(3)]
        self.minutes = 0
        self.cases: list[str] = []
        self.activities: dict[str, int] = {}
        #: Commands with a command id, as first executed (a repeat is replayed).
        self.registered: list[dict[str, Any]] = []
        self.do(
            0,
            {
                "type": "register_unit",
                "unit": "QC",
                "name": "清城区人民检察院",
                "level": "district",
            },
        )
        self.do(
            0,
            {
                "type": "appoint_supervisor",
                "supervisor": "S1",
                "unit": "QC",
                "name": "周监督",
                "roles": ["peoples_supervisor"],
                "term_start": "2022-01-01",
            },
        )

    def now(self) -> str:
        self.minutes += 1
        return (START + timedelta(minutes=self.minutes)).isoformat()

    def do(self, writer: int, command: dict[str, Any]) -> bool:
        try:
            self.ledgers[writer].execute({**command, "occurred_at": self.now()})
        except LedgerError:
            return False
        return True

    @rule(writer=WRITER)
    def register_case(self, writer: int) -> None:
        case = f"K{len(self.cases) + 1}"
        command = {
            "type": "register_case",
            "case": case,
            "unit": "QC",
            "kind": "other",
            "handling_prosecutor": "李某",
            "received_on": "2023-01-01",
            "command_id": f"reg-{case}",
            "occurred_at": self.now(),
        }
        self.ledgers[writer].execute(command)
        self.registered.append(command)
        self.cases.append(case)

    @rule(writer=WRITER, pick=st.integers(0, 50))
    def open_activity(self, writer: int, pick: int) -> None:
        if not self.cases:
            return
        case = self.cases[pick % len(self.cases)]
        n = self.activities.get(case, 0) + 1
        assert self.do(
            writer,
            {
                "type": "open_activity",
                "case": case,
                "activity": f"A{n}",
                "activity_type": "quality_review",
            },
        )
        self.activities[case] = n

    @rule(writer=WRITER, pick=st.integers(0, 50))
    def invite(self, writer: int, pick: int) -> None:
        # Writes the case and (on a new day of service) the person; refused when the
        # person was invited to that activity already.
        if not self.activities:
            return
        case = sorted(self.activities)[pick % len(self.activities)]
        activity = f"A{self.activities[case]}"
        self.do(
            writer,
            {"type": "invite_supervisor", "case": case, "activity": activity, "supervisor": "S1"},
        )

    @rule(writer=WRITER, size=st.integers(1, 4))
    def batch(self, writer: int, size: int) -> None:
        first = len(self.cases) + 1
        cases = [f"K{first + i}" for i in range(size)]
        self.ledgers[writer].execute_many(
            [
                {
                    "type": "register_case",
                    "case": c,
                    "unit": "QC",
                    "kind": "other",
                    "handling_prosecutor": "李某",
                    "received_on": "2023-01-01",
                    "occurred_at": self.now(),
                }
                for c in cases
            ]
        )
        self.cases += cases

    @rule(writer=WRITER, pick=st.integers(0, 50))
    def refused_or_repeated(self, writer: int, pick: int) -> None:
        # A refused command and a repeated one store nothing.
        assert not self.do(
            writer,
            {
                "type": "open_activity",
                "case": "NO-SUCH-CASE",
                "activity": "A1",
                "activity_type": "quality_review",
            },
        )
        if self.registered:
            first = self.registered[pick % len(self.registered)]
            assert self.ledgers[writer].execute(first).replayed

    @invariant()
    def the_chain_is_whole_and_the_same_for_everyone(self) -> None:
        digests = {ledger.digest() for ledger in self.ledgers}
        assert len(digests) == 1
        reader = self.ledgers[self.minutes % 3]
        assert reader.verify().ok
        # Nothing lost: every case and activity recorded by any writer is there.
        for case in self.cases:
            assert len(reader.case(case).activities) == self.activities.get(case, 0)

    def teardown(self) -> None:
        for ledger in self.ledgers:
            ledger.close()
        self.dir.cleanup()


def test_writers_taking_random_turns_keep_one_whole_chain() -> None:
    run_state_machine_as_test(
        WritersMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
