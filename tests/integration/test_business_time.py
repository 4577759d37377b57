"""Issue 8, points 1 and 4: business times outside the policy's range are refused at the
command boundary, a store that already holds such times (written before the check, or
by hand) can still be read in every way, and the same instant spelled in another offset
is the same command."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from supervision_ledger import Ledger
from supervision_ledger.application.executor import matches_record
from supervision_ledger.cli import main
from supervision_ledger.commands import parse_command
from supervision_ledger.domain import Policy, Supervisor
from supervision_ledger.domain.errors import BusinessTimeOutOfRange, CommandIdConflict
from supervision_ledger.domain.policy import add_days, add_months, local_date_of

SH = ZoneInfo("Asia/Shanghai")
UNIT = {
    "type": "register_unit",
    "unit": "QY",
    "name": "某院",
    "level": "city",
    "occurred_at": "2019-03-01T09:00",
}


def appoint(**changes: object) -> dict[str, object]:
    command: dict[str, object] = {
        "type": "appoint_supervisor",
        "supervisor": "S1",
        "unit": "QY",
        "name": "甲某",
        "roles": ["mediator"],
        "term_start": "2022-03-01",
        "occurred_at": "2022-03-01T09:00",
    }
    command.update(changes)
    return command


# -- point 1: the boundary -------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occurred_at", "0001-01-01"),
        ("occurred_at", "0001-01-01T00:00:00-12:00"),
        ("occurred_at", "9999-12-31T23:59:59Z"),
        ("occurred_at", "9999-12-31T23:59:59+14:00"),
        ("occurred_at", "1949-09-30T23:59:59"),
        ("occurred_at", "2201-01-01T00:00:00"),
        ("term_start", "9999-12-31"),
        ("term_start", "0001-01-01"),
        ("term_end", "9999-12-31"),
    ],
)
def test_out_of_range_dates_are_refused_naming_the_field(field: str, value: str) -> None:
    with Ledger(store="sqlite:///:memory:") as ledger:
        ledger.execute(UNIT)
        with pytest.raises(BusinessTimeOutOfRange) as info:
            ledger.execute(appoint(**{field: value}))
        assert info.value.field == field
        assert "1949-10-01 to 2200-12-31" in info.value.message
        with pytest.raises(Exception, match="no supervisor"):
            ledger.supervisor("S1")


def test_the_range_ends_are_local_dates_and_inclusive() -> None:
    with Ledger(store="sqlite:///:memory:") as ledger:
        ledger.execute(UNIT)
        # 1949-09-30T16:00Z is 1949-10-01 00:00 in Shanghai: inside.
        ledger.execute(appoint(occurred_at="1949-09-30T16:00:00Z", term_start="1949-10-01"))
        ledger.execute(
            appoint(supervisor="S2", occurred_at="2200-12-31T23:59:59", term_start="2200-12-31")
        )
        with pytest.raises(BusinessTimeOutOfRange):
            # 2200-12-31T16:00Z is already 2201-01-01 in Shanghai.
            ledger.execute(appoint(supervisor="S3", occurred_at="2200-12-31T16:00:00Z"))
        assert ledger.dossier("S2").supervisor == "S2"


def test_the_range_is_a_policy_setting() -> None:
    narrow = Policy(business_time_from=date(2000, 1, 1), business_time_until=date(2030, 12, 31))
    with Ledger(store="sqlite:///:memory:", policy=narrow) as ledger:
        ledger.execute(UNIT)
        with pytest.raises(BusinessTimeOutOfRange) as info:
            ledger.execute(appoint(term_end="2031-01-01"))
        assert info.value.field == "term_end" and "2000-01-01 to 2030-12-31" in str(info.value)
    with pytest.raises(ValueError, match="after"):
        Policy(business_time_from=date(2030, 1, 1), business_time_until=date(2000, 1, 1))
    with pytest.raises(ValueError, match="9998"):
        Policy(business_time_until=date(9999, 12, 31))


def test_draw_at_the_end_of_time_is_refused_not_a_traceback() -> None:
    with Ledger(store="sqlite:///:memory:") as ledger:
        ledger.execute(UNIT)
        ledger.execute(appoint(roles=["peoples_supervisor"]))
        ledger.execute(
            {
                "type": "register_case",
                "case": "K1",
                "unit": "QY",
                "kind": "other",
                "handling_prosecutor": "李检",
                "received_on": "2023-01-01",
                "occurred_at": "2023-01-02T09:00",
            }
        )
        ledger.execute(
            {
                "type": "open_activity",
                "case": "K1",
                "activity_type": "other",
                "occurred_at": "2023-01-03T09:00",
            }
        )
        with pytest.raises(BusinessTimeOutOfRange) as info:
            ledger.execute(
                {
                    "type": "draw_supervisors",
                    "case": "K1",
                    "activity": "A1",
                    "count": 1,
                    "occurred_at": "9999-12-31T23:59:59Z",
                }
            )
        assert info.value.field == "occurred_at"


def test_the_two_lines_of_the_issue_are_refused_by_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "two.jsonl"
    path.write_text(
        '{"type":"register_unit","unit":"QY","name":"某院","level":"city",'
        '"occurred_at":"2019-03-01T09:00"}\n'
        '{"type":"appoint_supervisor","supervisor":"S1","unit":"QY","name":"甲某",'
        '"roles":["mediator"],"term_start":"2022-03-01","occurred_at":"0001-01-01"}\n',
        encoding="utf-8",
    )
    store = f"sqlite:///{tmp_path / 'l.db'}"
    assert main(["apply", str(path), "--store", store]) == 1
    err = capsys.readouterr().err
    assert err.startswith("line 2: occurred_at: 0001-01-01T00:00:00")
    assert "business_time_out_of_range" in err and "Traceback" not in err
    assert main(["report", "--store", store]) == 0


# -- point 1: stores that already hold such times ------------------------------------------


EXTREMES = [
    datetime(1, 1, 1, tzinfo=SH),
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12))),
]


def legacy_store(ledger: Ledger) -> None:
    """Events at the ends of Python's range, saved as a store written before the
    boundary check may hold them (straight through the aggregates)."""
    ledger.execute(UNIT)
    unit = ledger.unit("QY")
    for n, moment in enumerate(EXTREMES, start=1):
        key = f"X{n}"
        person = Supervisor(
            key=key,
            unit="QY",
            name=f"极{n}",
            roles=(),
            industry=None,
            speciality=None,
            term_start=date.max if moment.year > 1 else date.min,
            term_end=date.max,
            occurred_at=moment,
        )
        person.record_training("培训", Decimal("1e6"), moment)
        person._pay_allowance(
            amount=Decimal(100), purpose="补贴", reference=None, occurred_at=moment
        )
        person._record_assessment(year=9999, grade="incompetent", occurred_at=moment)
        person._remove(reason="x", effective_on=date.max, occurred_at=moment)
        unit.enroll(key, moment)
        ledger.app.save(person, unit)
        unit = ledger.unit("QY")


def test_every_read_survives_events_at_the_ends_of_python_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = f"sqlite:///{tmp_path / 'legacy.db'}"
    with Ledger(store=store) as ledger:
        legacy_store(ledger)
        # A normal person beside them: the status commands that read the views work.
        ledger.execute(appoint())
        live = ledger.statistics(as_of="2024-01-01")
        assert live.count("roster.mediator") == 1
        ledger.pending_feedback(as_of="2024-01-01")
        ledger.hearings()
        for key in ["S1", "X1", "X2", "X3", "X4"]:
            assert ledger.dossier(key).supervisor == key
            assert ledger.history(f"supervisor:{key}")
        ledger.rebuild_views()
        assert ledger.statistics(as_of="2024-01-01") == live
        assert ledger.verify().ok
        ledger.execute(
            {
                "type": "record_assessment",
                "supervisor": "S1",
                "year": 2023,
                "grade": "competent",
                "occurred_at": "2024-01-10T09:00",
            }
        )
        ledger.execute(
            {
                "type": "suspend_supervisor",
                "supervisor": "S1",
                "reason": "x",
                "occurred_at": "2024-02-01T09:00",
            }
        )
        ledger.execute(
            {
                "type": "remove_supervisor",
                "supervisor": "S1",
                "reason": "x",
                "occurred_at": "2024-03-01T09:00",
            }
        )
    for argv in (
        ["report"],
        ["feedback"],
        ["hearings"],
        ["dossier", "X1"],
        ["dossier", "X3"],
        ["history", "supervisor:X3"],
        ["rebuild"],
        ["verify"],
    ):
        assert main([*argv, "--store", store]) == 0, argv
    assert "Traceback" not in capsys.readouterr().err


def test_date_arithmetic_saturates_instead_of_overflowing() -> None:
    assert add_days(date.max, 15) == date.max
    assert add_days(date.min, -1) == date.min
    assert add_days(date(2023, 1, 1), 15) == date(2023, 1, 16)
    assert add_months(date(9999, 12, 31), 3) == date.max
    assert add_months(date(1, 1, 31), -1) == date.min
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert local_date_of(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), UTC) == date.min
    assert local_date_of(datetime.max.replace(tzinfo=UTC), SH) == date.max
    assert local_date_of(datetime(2023, 12, 31, 16, tzinfo=UTC), SH) == date(2024, 1, 1)
    policy = Policy()
    assert policy.term_end(date(9998, 1, 1)) == date.max
    assert policy.feedback_due_on(datetime.max.replace(tzinfo=UTC)) == date.max
    assert policy.petition_result_due_on(date.max) == date.max
    assert policy.suggestion_reply_due_on(date.max, urgent=True) == date.max


# -- point 4: fingerprints of the normalised command ------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["2023-07-01T09:00:00", "2023-07-01T09:00:00+08:00", "2023-07-01T01:00:00Z"],
)
def test_the_same_instant_spelled_differently_replays(spelling: str) -> None:
    with Ledger(store="sqlite:///:memory:") as ledger:
        ledger.execute(UNIT)
        first = ledger.execute(appoint(occurred_at="2023-07-01T09:00:00", command_id="c-1"))
        again = ledger.execute(appoint(occurred_at=spelling, command_id="c-1"))
        assert again.replayed and again.ids == first.ids
        with pytest.raises(CommandIdConflict):
            ledger.execute(appoint(occurred_at="2023-07-01T09:00:01+08:00", command_id="c-1"))


def test_equal_amounts_spelled_differently_replay() -> None:
    with Ledger(store="sqlite:///:memory:") as ledger:
        ledger.execute(UNIT)
        ledger.execute(appoint())
        pay = {
            "type": "pay_allowance",
            "supervisor": "S1",
            "purpose": "履职补贴",
            "occurred_at": "2023-07-01T09:00",
            "command_id": "pay-1",
        }
        ledger.execute({**pay, "amount": "100"})
        assert ledger.execute({**pay, "amount": "100.00"}).replayed
        with pytest.raises(CommandIdConflict):
            ledger.execute({**pay, "amount": "100.01"})


def test_records_written_with_the_old_fingerprint_still_replay() -> None:
    """Before normalisation the record held the command as spelled (local offset)."""
    with Ledger(store="sqlite:///:memory:") as ledger:
        ledger.execute(UNIT)
        ledger.execute(appoint(command_id="c-1"))
        record = ledger.executor.command_record("c-1")
        assert record is not None
        # Records now keep a keyed digest of the fingerprint (no names in the store).
        assert record.fingerprint.startswith("hmac-sha256:")
        command = ledger.executor.localize(parse_command(appoint()))
        assert matches_record(ledger.app, command, record.fingerprint)
        legacy = command.fingerprint().replace(
            "2022-03-01T01:00:00+00:00", "2022-03-01T09:00:00+08:00"
        )
        assert legacy != command.fingerprint()
        assert command.same_as_recorded(legacy)
        assert matches_record(ledger.app, command, legacy)
        assert not command.same_as_recorded(legacy.replace("甲某", "乙某"))
