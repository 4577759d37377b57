"""``case_as_of`` at every position equals the case as it was read live when the store
was at that position (not a re-run of the same replay code)."""

from __future__ import annotations

import random
import tempfile
from typing import Any

import pytest
from audit_story import random_history
from hypothesis import given, settings
from hypothesis import strategies as st

from supervision_ledger import CommandResult, Ledger
from supervision_ledger.audit import aggregate_state
from supervision_ledger.domain import Case
from supervision_ledger.domain.errors import NotFound


class SnapshottingLedger(Ledger):
    """Reads every case live after each recorded command, keyed by log position."""

    snapshots: dict[int, dict[str, Any]]

    def execute(self, command: Any) -> CommandResult:
        result = super().execute(command)
        if result.position is not None:
            cases = {}
            for key in (f"K{i}" for i in range(30)):
                try:
                    cases[key] = aggregate_state(self.case(key))
                except NotFound:
                    break
            self.snapshots[result.position] = cases
        return result


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32), steps=st.integers(3, 16))
def test_case_as_of_every_position_equals_the_live_state(seed: int, steps: int) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        SnapshottingLedger(store=f"sqlite:///{tmp}/l.db") as ledger,
    ):
        ledger.snapshots = {}
        random_history(ledger, random.Random(seed), steps)
        assert ledger.snapshots, "the history recorded something"
        last = ledger.digest().position
        # At the end of each transaction: what was read live then.
        for position, cases in ledger.snapshots.items():
            for key, state in cases.items():
                assert aggregate_state(ledger.case_as_of(key, at_position=position)) == state
        # At every position: eventsourcing's own reconstruction at the version the
        # case had reached by that position.
        for key in ledger.snapshots[max(ledger.snapshots)]:
            positions = [e.position for e in ledger.history(f"case:{key}")]
            for position in range(1, last + 1):
                version = sum(1 for p in positions if p is not None and p <= position)
                if version == 0:
                    with pytest.raises(NotFound):
                        ledger.case_as_of(key, at_position=position)
                    continue
                expected = ledger.app.repository.get(Case.id_for(key), version=version)
                as_of = ledger.case_as_of(key, at_position=position)
                assert aggregate_state(as_of) == aggregate_state(expected), (key, position)
