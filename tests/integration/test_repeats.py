"""Repeats of a command id on the fast path: a first attempt does not read its command
record; the record's insert (in the command's transaction) refuses a repeat, or the
handler refuses what the earlier command did, and only then is the record read. The
documented semantics hold: a repeat adds nothing and returns the first result; the same
id for another command is refused; a command refused on its first attempt (or lost to
other writers) has not used its id up."""

from __future__ import annotations

from typing import Any

import pytest

from supervision_ledger import Ledger
from supervision_ledger.domain.errors import CommandIdConflict, ConcurrencyConflict, LedgerError

UNIT = {
    "type": "register_unit",
    "unit": "QC",
    "name": "清城区人民检察院",
    "level": "district",
    "occurred_at": "2023-01-01T09:00",
}
PERSON = {
    "type": "appoint_supervisor",
    "supervisor": "S1",
    "unit": "QC",
    "name": "张某",
    "roles": ["peoples_supervisor"],
    "term_start": "2023-01-01",
    "occurred_at": "2023-01-02T09:00",
}
# A command whose handler succeeds again when repeated: only the record's insert stops it.
TRAINING = {
    "type": "record_training",
    "supervisor": "S1",
    "topic": "人民监督员履职培训",
    "hours": "2.5",
    "occurred_at": "2023-02-01T09:00",
    "command_id": "training-1",
}


@pytest.fixture(params=["sqlite-file", "postgres"])
def shared_url(request: pytest.FixtureRequest) -> str:
    """A store two Ledger objects can open at once."""
    name = "sqlite_file_url" if request.param == "sqlite-file" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


def rows(ledger: Ledger) -> int:
    return ledger.app.recorder.max_notification_id() or 0


def setup(ledger: Ledger) -> None:
    ledger.execute(UNIT)
    ledger.execute(PERSON)


def test_a_repeat_whose_handler_succeeds_adds_nothing(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        setup(ledger)
        first = ledger.execute(TRAINING)
        top = rows(ledger)
        trainings = len(ledger.supervisor("S1").trainings)
        again = ledger.execute(TRAINING)
        assert again.replayed and not first.replayed
        assert again.ids == first.ids and again.command_type == first.command_type
        assert rows(ledger) == top
        assert len(ledger.supervisor("S1").trainings) == trainings
    # Also in another process's ledger (nothing cached), and with an hour spelled otherwise.
    with Ledger(store=store_url) as other:
        if store_url.endswith(":memory:"):
            return  # a memory store does not outlive its ledger
        again = other.execute({**TRAINING, "hours": "2.50"})
        assert again.replayed and again.ids == first.ids
        assert rows(other) == top


def test_a_repeat_whose_handler_refuses_returns_the_first_result(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        ledger.execute(UNIT)
        first = ledger.execute({**PERSON, "command_id": "appoint-1"})
        top = rows(ledger)
        # Appointing S1 again breaks a rule (it exists): the repeat is still a repeat.
        again = ledger.execute({**PERSON, "command_id": "appoint-1"})
        assert again.replayed and again.ids == first.ids
        assert rows(ledger) == top
        # Without the id it is a new command, and refused.
        with pytest.raises(LedgerError):
            ledger.execute(PERSON)


def test_another_command_under_a_used_id_is_refused(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        setup(ledger)
        ledger.execute(TRAINING)
        top = rows(ledger)
        with pytest.raises(CommandIdConflict):  # the handler succeeds, the insert refuses
            ledger.execute({**TRAINING, "topic": "另一次培训"})
        with pytest.raises(CommandIdConflict):  # the handler refuses first
            ledger.execute({**PERSON, "command_id": "training-1"})
        assert rows(ledger) == top


def test_a_command_refused_on_its_first_attempt_has_not_used_its_id(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        ledger.execute(UNIT)
        top = rows(ledger)
        # No S1 yet: refused, nothing written, the id not used up.
        with pytest.raises(LedgerError):
            ledger.execute(TRAINING)
        assert rows(ledger) == top
        ledger.execute(PERSON)
        first = ledger.execute(TRAINING)
        assert not first.replayed
        top = rows(ledger)
        again = ledger.execute(TRAINING)
        assert again.replayed and again.ids == first.ids and rows(ledger) == top


def test_a_command_lost_to_other_writers_has_not_used_its_id(
    shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger(store=shared_url, max_attempts=2) as a, Ledger(store=shared_url) as b:
        setup(a)
        original = a.app.record
        n = 0

        def beaten(*args: Any, **kwargs: Any) -> Any:
            nonlocal n
            n += 1
            b.execute({**TRAINING, "command_id": f"other-{n}", "topic": f"培训{n}"})
            return original(*args, **kwargs)

        monkeypatch.setattr(a.app, "record", beaten)
        with pytest.raises(ConcurrencyConflict):
            a.execute(TRAINING)
        monkeypatch.setattr(a.app, "record", original)
        first = a.execute(TRAINING)
        assert not first.replayed
        assert a.execute(TRAINING).replayed


def test_a_repeat_racing_its_first_run_returns_the_first_result(
    shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process records the same command id between this attempt's handler and its
    write: the write is refused, and the other's result is returned (nothing added)."""
    with Ledger(store=shared_url) as a, Ledger(store=shared_url) as b:
        setup(a)
        b.supervisor("S1")
        original = a.app.record
        theirs: list[Any] = []

        def racing(*args: Any, **kwargs: Any) -> Any:
            if not theirs:
                theirs.append(b.execute(TRAINING))
            return original(*args, **kwargs)

        monkeypatch.setattr(a.app, "record", racing)
        top_before = rows(a)
        mine = a.execute(TRAINING)
        assert mine.replayed and mine.ids == theirs[0].ids
        assert len(a.supervisor("S1").trainings) == 1
        assert rows(a) > top_before
