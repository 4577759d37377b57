"""The write path reads no views: a rule a command checks is in the aggregates it loads,
and the recorder's version checks close the race with any other writer.

Each race is made deterministic by running the other writer (a second Ledger on the
same store, as another process would) between the command's reads and its save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from supervision_ledger import Ledger
from supervision_ledger.domain.errors import ServiceAfterStatusChange, SupervisorNotActive
from supervision_ledger.domain.values import SupervisorStatus


@pytest.fixture(params=["sqlite-file", "postgres"])
def shared_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(
        "sqlite_file_url" if request.param == "sqlite-file" else "postgres_url"
    )
    return url


def do(ledger: Ledger, type_: str, **fields: Any) -> Any:
    return ledger.execute({"type": type_, **fields})


def setup(ledger: Ledger) -> None:
    do(
        ledger,
        "register_unit",
        unit="QC",
        name="清城区人民检察院",
        level="district",
        occurred_at="2023-01-01T09:00",
    )
    for key in ("S1", "S2"):
        do(
            ledger,
            "appoint_supervisor",
            supervisor=key,
            unit="QC",
            name=f"朱某{key}",
            roles=["peoples_supervisor", "hearing_officer"],
            term_start="2022-01-01",
            occurred_at="2022-01-01T09:00",
        )
    do(
        ledger,
        "register_case",
        case="K1",
        unit="QC",
        kind="criminal_appeal",
        handling_prosecutor="赵某",
        parties=[{"name": "王某"}],
        received_on="2023-04-01",
        occurred_at="2023-04-01T09:00",
    )
    do(
        ledger,
        "open_activity",
        case="K1",
        activity="A1",
        activity_type="quality_review",
        occurred_at="2023-04-02T09:00",
    )


@contextmanager
def race(first: Ledger, before_save: Callable[[], None]) -> Iterator[None]:
    """Make ``first``'s next save run ``before_save`` (once) just before it writes."""
    original = first.app.record
    fired = False

    def racing_save(*objects: Any, **kwargs: Any) -> Any:
        nonlocal fired
        if not fired:
            fired = True
            before_save()
        return original(*objects, **kwargs)

    first.app.record = racing_save  # type: ignore[method-assign]
    try:
        yield
    finally:
        first.app.record = original  # type: ignore[method-assign]


def invite_s1(ledger: Ledger) -> None:
    do(
        ledger,
        "invite_supervisor",
        case="K1",
        activity="A1",
        supervisor="S1",
        occurred_at="2023-05-10T10:00",
    )


def suspend_s1(ledger: Ledger) -> None:
    do(
        ledger,
        "suspend_supervisor",
        supervisor="S1",
        reason="涉嫌违纪",
        occurred_at="2023-05-10T09:00",
    )


def test_an_invitation_committed_between_a_suspensions_read_and_write(shared_url: str) -> None:
    with Ledger(store=shared_url) as a, Ledger(store=shared_url) as b:
        setup(a)
        with race(a, lambda: invite_s1(b)), pytest.raises(ServiceAfterStatusChange, match="S1"):
            suspend_s1(a)
        # Never both: the invitation stands, the suspension was refused on its retry.
        assert "S1" in b.case("K1").activity("A1").invitations
        assert b.supervisor("S1").status is SupervisorStatus.ACTIVE
        assert b.supervisor("S1").last_served_on is not None


def test_a_suspension_committed_between_an_invitations_read_and_write(shared_url: str) -> None:
    with Ledger(store=shared_url) as a, Ledger(store=shared_url) as b:
        setup(a)
        with race(a, lambda: suspend_s1(b)), pytest.raises(SupervisorNotActive, match="S1"):
            invite_s1(a)
        assert "S1" not in b.case("K1").activity("A1").invitations
        assert b.supervisor("S1").status is SupervisorStatus.SUSPENDED


def test_a_suspension_may_not_precede_service_recorded_on_the_persons_stream(
    sqlite_file_url: str,
) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        setup(ledger)
        invite_s1(ledger)
        assert ledger.supervisor("S1").last_served_on is not None
        with pytest.raises(ServiceAfterStatusChange, match="2023-05-10"):
            suspend_s1(ledger)
        do(
            ledger,
            "suspend_supervisor",
            supervisor="S1",
            reason="涉嫌违纪",
            occurred_at="2023-05-11T09:00",
        )
        assert ledger.supervisor("S1").status is SupervisorStatus.SUSPENDED


def hearing_for_the_28th(ledger: Ledger) -> None:
    do(ledger, "propose_hearing", hearing="H1", case="K1", occurred_at="2023-04-20T08:00")
    do(
        ledger,
        "approve_hearing",
        hearing="H1",
        approved_by="检察长",
        occurred_at="2023-04-20T09:00",
    )
    do(
        ledger,
        "schedule_hearing",
        hearing="H1",
        scheduled_for="2023-04-28T09:00",
        public=True,
        presiding_prosecutor="张检",
        presided_by_chief=False,
        occurred_at="2023-04-20T10:00",
    )
    for key in ("S1", "S2"):
        do(
            ledger,
            "invite_hearing_officer",
            hearing="H1",
            supervisor=key,
            occurred_at="2023-04-20T11:00",
        )


def test_a_hearing_is_not_held_with_an_attendee_suspended_meanwhile(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        setup(ledger)
        hearing_for_the_28th(ledger)
        do(
            ledger,
            "suspend_supervisor",
            supervisor="S1",
            reason="涉嫌违纪",
            occurred_at="2023-04-25T09:00",
        )
        with pytest.raises(SupervisorNotActive, match="'S1' is not active"):
            do(ledger, "hold_hearing", hearing="H1", absent=[], occurred_at="2023-04-28T09:00")
        assert ledger.hearing("H1").held_at is None
        do(ledger, "hold_hearing", hearing="H1", absent=["S1"], occurred_at="2023-04-28T09:00")
        assert ledger.hearing("H1").attendees == ("S2",)
        assert ledger.supervisor("S2").last_served_on is not None
        assert ledger.supervisor("S2").last_served_on.isoformat() == "2023-04-28"


def test_a_store_written_before_service_dates_is_back_filled_once(
    sqlite_file_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from supervision_ledger.domain.supervisor import Supervisor

    with Ledger(store=sqlite_file_url) as ledger:
        setup(ledger)
        with monkeypatch.context() as old_code:  # services recorded as before 0.2
            old_code.setattr(Supervisor, "record_service", lambda *args, **kwargs: None)
            invite_s1(ledger)
            do(
                ledger,
                "record_attendance",
                case="K1",
                activity="A1",
                supervisor="S1",
                occurred_at="2023-05-12T10:00",
            )
        assert ledger.supervisor("S1").last_served_on is None

        assert ledger.backfill_service_dates() == ["S1"]
        assert ledger.supervisor("S1").last_served_on == date(2023, 5, 12)
        assert ledger.backfill_service_dates() == []  # idempotent
        with pytest.raises(ServiceAfterStatusChange, match="2023-05-12"):
            do(
                ledger,
                "suspend_supervisor",
                supervisor="S1",
                reason="涉嫌违纪",
                occurred_at="2023-05-12T18:00",
            )


def test_the_store_checks_the_versions_of_what_a_command_only_read(sqlite_file_url: str) -> None:
    # An aggregate the command changed is checked by its own new versions' insert; a
    # version check of it would be redundant (and read the whole aggregate's index range).
    with Ledger(store=sqlite_file_url) as ledger:
        setup(ledger)
        checked: list[dict[Any, int]] = []
        original = ledger.app.record

        def recording(*args: Any, **kwargs: Any) -> Any:
            checked.append(dict(kwargs["read_versions"]))
            return original(*args, **kwargs)

        ledger.app.record = recording  # type: ignore[method-assign]
        do(
            ledger,
            "open_activity",
            case="K1",
            activity="A2",
            activity_type="quality_review",
            occurred_at="2023-04-03T09:00",
        )
        assert ledger.case("K1").id not in checked[0]
        invite_s1(ledger)  # the invitation reads the case, writes it and the person
        assert ledger.case("K1").id not in checked[1]
        assert ledger.supervisor("S1").id not in checked[1]
