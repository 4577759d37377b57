"""``Ledger.execute_many``: many commands, one transaction, the semantics of one at a time."""

from __future__ import annotations

from typing import Any

import pytest

from supervision_ledger import BatchStopped, Ledger, NotFound
from supervision_ledger.application.batch import BatchExecutor
from supervision_ledger.domain.errors import SupervisorNotActive


def cmd(type_: str, **fields: Any) -> dict[str, Any]:
    return {"type": type_, **fields}


def setup(n_people: int = 3) -> list[dict[str, Any]]:
    """A unit, people, a case and an activity — each command needing the ones before."""
    commands = [
        cmd(
            "register_unit",
            unit="QC",
            name="清城区人民检察院",
            level="district",
            occurred_at="2023-01-02T09:00:00",
            command_id="b-unit",
        )
    ]
    commands += [
        cmd(
            "appoint_supervisor",
            supervisor=f"S{i}",
            unit="QC",
            name=f"张某{i}",
            roles=["peoples_supervisor"],
            term_start="2023-01-01",
            occurred_at="2023-01-02T10:00:00",
            command_id=f"b-appoint-{i}",
        )
        for i in range(1, n_people + 1)
    ]
    commands += [
        cmd(
            "register_case",
            case="K1",
            unit="QC",
            kind="other",
            handling_prosecutor="李检",
            received_on="2023-01-03",
            occurred_at="2023-01-03T09:00:00",
            command_id="b-case",
        ),
        cmd(
            "open_activity",
            case="K1",
            activity_type="public_hearing",
            occurred_at="2023-01-04T09:00:00",
            command_id="b-activity",
        ),
    ]
    return commands


def invite(person: str, command_id: str) -> dict[str, Any]:
    return cmd(
        "invite_supervisor",
        case="K1",
        activity="A1",
        supervisor=person,
        occurred_at="2023-01-05T09:00:00",
        command_id=command_id,
    )


def test_a_batch_records_what_one_at_a_time_records(store_url: str) -> None:
    commands = [*setup(), invite("S1", "b-i1"), invite("S2", "b-i2")]
    with Ledger(store_url) as ledger:
        results = ledger.execute_many(commands)
        assert [r.replayed for r in results] == [False] * len(commands)
        assert ledger.case("K1").activities["A1"].invitations.keys() == {"S1", "S2"}
        assert ledger.unit("QC").roster == ["S1", "S2", "S3"]
        # Each result carries the position of its own last domain event, in order.
        positions = [r.position for r in results]
        assert all(p is not None for p in positions)
        assert positions == sorted(positions)
        assert ledger.verify().ok
        # Each event is chained with the command id of the command that recorded it.
        chained = {e.command_id for e in ledger.history("case:K1")}
        assert chained == {"b-case", "b-activity", "b-i1", "b-i2"}
        batched = ledger.digest().count
    with Ledger("sqlite:///:memory:") as single:
        for command in commands:
            single.execute(command)
        assert single.digest().count == batched
        assert {e.command_id for e in single.history("case:K1")} == chained


def test_a_refused_command_keeps_the_ones_before_it(store_url: str) -> None:
    good = setup()
    commands = [*good, invite("S1", "b-i1"), invite("S9", "b-bad"), invite("S2", "b-after")]
    with Ledger(store_url) as ledger:
        with pytest.raises(BatchStopped) as stopped:
            ledger.execute_many(commands)
        assert stopped.value.index == len(good) + 1
        assert isinstance(stopped.value.error, NotFound)
        assert isinstance(stopped.value.__cause__, NotFound)
        assert len(stopped.value.results) == len(good) + 1
        # The ones before it are stored, nothing of it or after it.
        assert ledger.case("K1").activities["A1"].invitations.keys() == {"S1"}
        count = ledger.digest().count
        # Running the whole batch again replays the stored ones and stops at the same one.
        with pytest.raises(BatchStopped) as again:
            ledger.execute_many(commands)
        assert again.value.index == len(good) + 1
        assert all(r.replayed for r in again.value.results)
        assert ledger.digest().count == count
        assert ledger.verify().ok


def test_invalid_input_in_a_batch_is_named_and_keeps_the_ones_before(store_url: str) -> None:
    commands = [*setup(1), cmd("register_unit", unit="X", level="nowhere")]
    with Ledger(store_url) as ledger:
        with pytest.raises(BatchStopped) as stopped:
            ledger.execute_many(commands)
        assert stopped.value.index == len(commands) - 1
        assert "level" in str(stopped.value.error)
        assert ledger.unit("QC").roster == ["S1"]


def test_a_command_id_twice_in_one_batch_is_recorded_once() -> None:
    commands = [*setup(1), invite("S1", "b-twice"), invite("S1", "b-twice")]
    with Ledger("sqlite:///:memory:") as ledger:
        results = ledger.execute_many(commands)
        assert results[-1].replayed and not results[-2].replayed
        assert results[-1].ids == results[-2].ids
        assert len(ledger.case("K1").activities["A1"].invitations) == 1


def test_a_refused_command_does_not_leave_its_changes_in_the_cache() -> None:
    """The refused command's half-changed aggregates are never reused by later ones."""
    with Ledger("sqlite:///:memory:") as ledger:
        ledger.execute_many(setup(2))
        first = invite("S1", "b-i1")
        bad = {**invite("S1", "b-again"), "occurred_at": "2023-01-06T09:00:00"}  # twice
        with pytest.raises(BatchStopped):
            ledger.execute_many([first, bad])
        # The next command sees exactly the stored state.
        ledger.execute(invite("S2", "b-i2"))
        case = ledger.case("K1")
        assert case.activities["A1"].invitations.keys() == {"S1", "S2"}
        assert ledger.app.load(case.id).version == case.version


def test_a_writer_between_staging_and_commit_makes_the_batch_run_again(
    sqlite_file_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The versions of what a batch only read are checked when it commits: another
    writer suspending a person the batch invites makes the batch re-run on fresh state,
    where the invitation is refused and the commands before it are kept."""
    with Ledger(sqlite_file_url) as ledger, Ledger(sqlite_file_url) as other:
        ledger.execute_many(setup(2))
        commit = BatchExecutor._commit
        interfered: list[bool] = []

        def interfering_commit(self: BatchExecutor, batch: Any) -> Any:
            if not interfered:
                interfered.append(True)
                other.execute(
                    cmd(
                        "suspend_supervisor",
                        supervisor="S2",
                        reason="调查",
                        occurred_at="2023-01-04T12:00:00",
                    )
                )
            return commit(self, batch)

        monkeypatch.setattr(BatchExecutor, "_commit", interfering_commit)
        with pytest.raises(BatchStopped) as stopped:
            ledger.execute_many([invite("S1", "b-i1"), invite("S2", "b-i2")])
        assert interfered == [True]
        assert stopped.value.index == 1
        assert isinstance(stopped.value.error, SupervisorNotActive)
        assert ledger.case("K1").activities["A1"].invitations.keys() == {"S1"}
        assert ledger.verify().ok


def test_a_status_change_after_service_in_the_same_batch_sees_the_service() -> None:
    """Suspension may not precede recorded service: the service recorded by an earlier
    command of the same batch counts."""
    suspend = cmd(
        "suspend_supervisor",
        supervisor="S1",
        reason="调查",
        occurred_at="2023-01-05T08:00:00",
    )
    with Ledger("sqlite:///:memory:") as ledger:
        with pytest.raises(BatchStopped) as stopped:
            ledger.execute_many([*setup(1), invite("S1", "b-i1"), suspend])
        assert stopped.value.index == len(setup(1)) + 1
        assert stopped.value.error.rule == "service_after_status_change"  # type: ignore[attr-defined]
        assert ledger.case("K1").activities["A1"].invitations.keys() == {"S1"}
