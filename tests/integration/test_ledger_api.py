"""The Ledger API on real stores: idempotent command ids, retried version conflicts,
atomic refusals, store URLs and encryption at rest.

Tests taking ``store_url`` run on SQLite in memory, an SQLite file and PostgreSQL;
tests taking ``shared_url`` need a store two ``Ledger`` objects can share (SQLite file,
PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.cipher import AESCipher
from psycopg import sql
from pydantic import ValidationError

from supervision_ledger import Ledger
from supervision_ledger import commands as c
from supervision_ledger.domain import (
    AlreadyExists,
    CommandIdConflict,
    ConcurrencyConflict,
    ExplanationRequired,
    InvalidUnit,
    NotFound,
    OpinionStage,
    RuleViolation,
    ServiceAfterStatusChange,
    SupervisorNotActive,
)
from supervision_ledger.persistence.store import InvalidStoreURL, parse_store_url
from supervision_ledger.persistence.store_meta import CipherKeyRequired


@pytest.fixture(params=["sqlite-file", "postgres"])
def shared_url(request: pytest.FixtureRequest) -> str:
    """A store two Ledger objects can open at once."""
    name = "sqlite_file_url" if request.param == "sqlite-file" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def ledger(store_url: str) -> Iterator[Ledger]:
    with Ledger(store=store_url) as opened:
        yield opened


def stored_rows(ledger: Ledger) -> list[tuple[Any, ...]]:
    """Every row of the ledger's stored-events table, read with plain SQL."""
    recorder: Any = ledger.app.recorder
    table = recorder.events_table_name
    with recorder.datastore.transaction(commit=False) as cursor:
        if ledger.store.backend == "postgres":
            cursor.execute(
                sql.SQL("SELECT originator_id, originator_version, state FROM {}.{}").format(
                    sql.Identifier(recorder.datastore.schema), sql.Identifier(table)
                )
            )
            return [tuple(row.values()) for row in cursor.fetchall()]
        cursor.execute(f"SELECT originator_id, originator_version, state FROM {table}")
        return [tuple(row) for row in cursor.fetchall()]


def story(ledger: Ledger) -> None:
    """A unit, three supervisors, a case with an activity S1 attended, and opinion O1 routed."""
    run(
        ledger,
        {
            "type": "register_unit",
            "unit": "QC",
            "name": "清城区人民检察院",
            "level": "district",
            "occurred_at": "2023-01-01T09:00",
        },
    )
    for key in ("S1", "S2", "S3"):
        run(
            ledger,
            {
                "type": "appoint_supervisor",
                "supervisor": key,
                "unit": "QC",
                "name": f"朱某{key}",
                "roles": ["peoples_supervisor"],
                "term_start": "2022-01-01",
                "occurred_at": "2022-01-01T09:00",
            },
        )
    run(
        ledger,
        {
            "type": "register_case",
            "case": "K1",
            "unit": "QC",
            "kind": "other",
            "handling_prosecutor": "赵某",
            "parties": [{"name": "王某某"}],
            "received_on": "2023-03-01",
            "occurred_at": "2023-03-01T09:00",
        },
    )
    run(
        ledger,
        {
            "type": "open_activity",
            "case": "K1",
            "activity": "A1",
            "activity_type": "quality_review",
            "occurred_at": "2023-03-02T09:00",
        },
    )
    run(
        ledger,
        {
            "type": "invite_supervisor",
            "case": "K1",
            "activity": "A1",
            "supervisor": "S1",
            "occurred_at": "2023-03-02T10:00",
        },
    )
    run(
        ledger,
        {
            "type": "record_attendance",
            "case": "K1",
            "activity": "A1",
            "supervisor": "S1",
            "occurred_at": "2023-03-03T10:00",
        },
    )
    run(
        ledger,
        {
            "type": "submit_opinion",
            "case": "K1",
            "activity": "A1",
            "supervisor": "S1",
            "opinion": "O1",
            "content": "建议补充证据",
            "occurred_at": "2023-03-04T09:00",
        },
    )
    run(
        ledger,
        {
            "type": "receive_opinion",
            "case": "K1",
            "opinion": "O1",
            "occurred_at": "2023-03-05T09:00",
        },
    )
    run(
        ledger,
        {
            "type": "route_opinion",
            "case": "K1",
            "opinion": "O1",
            "department": "第一检察部",
            "occurred_at": "2023-03-06T09:00",
        },
    )


def run(ledger: Ledger, command: dict[str, Any]) -> Any:
    return ledger.execute(command)


OPEN_A2 = {
    "type": "open_activity",
    "case": "K1",
    "activity_type": "document_service",
    "occurred_at": "2023-03-07T09:00",
}


# -- command ids ---------------------------------------------------------------------------


def test_same_command_id_returns_the_first_result_and_writes_nothing(ledger: Ledger) -> None:
    story(ledger)
    first = ledger.execute({**OPEN_A2, "command_id": "cmd-1"})
    assert first.ids == {"case": "K1", "activity": "A2"} and not first.replayed
    rows, top = len(stored_rows(ledger)), ledger.app.recorder.max_notification_id()
    again = ledger.execute({**OPEN_A2, "command_id": "cmd-1"})
    assert again.replayed and again.ids == first.ids
    assert again.command_type == first.command_type == "open_activity"
    assert len(stored_rows(ledger)) == rows
    assert ledger.app.recorder.max_notification_id() == top
    assert set(ledger.case("K1").activities) == {"A1", "A2"}
    # Without an id the same command is a new activity (件次).
    assert ledger.execute(OPEN_A2).ids["activity"] == "A3"


def test_a_naive_and_an_aware_time_for_the_same_moment_are_the_same_command(
    ledger: Ledger,
) -> None:
    story(ledger)
    first = ledger.execute({**OPEN_A2, "command_id": "cmd-1"})
    again = ledger.execute(
        {**OPEN_A2, "occurred_at": "2023-03-07T09:00:00+08:00", "command_id": "cmd-1"}
    )
    assert again.replayed and again.ids == first.ids


def test_command_id_survives_a_restart(shared_url: str) -> None:
    with Ledger(store=shared_url) as ledger:
        story(ledger)
        first = ledger.execute({**OPEN_A2, "command_id": "cmd-restart"})
        rows = len(stored_rows(ledger))
    with Ledger(store=shared_url) as reopened:
        again = reopened.execute({**OPEN_A2, "command_id": "cmd-restart"})
        assert again.replayed and again.ids == first.ids == {"case": "K1", "activity": "A2"}
        assert len(stored_rows(reopened)) == rows
        with pytest.raises(CommandIdConflict):
            reopened.execute({**OPEN_A2, "title": "另一个", "command_id": "cmd-restart"})


def test_a_different_command_under_a_used_id_is_refused(ledger: Ledger) -> None:
    story(ledger)
    ledger.execute({**OPEN_A2, "command_id": "cmd-1"})
    rows = len(stored_rows(ledger))
    with pytest.raises(CommandIdConflict) as info:
        ledger.execute({**OPEN_A2, "occurred_at": "2023-03-08T09:00", "command_id": "cmd-1"})
    assert "cmd-1" in info.value.message and "open_activity" in info.value.message
    with pytest.raises(CommandIdConflict):
        ledger.execute(
            {
                "type": "close_case",
                "case": "K1",
                "occurred_at": "2023-04-01T09:00",
                "command_id": "cmd-1",
            }
        )
    assert len(stored_rows(ledger)) == rows
    assert set(ledger.case("K1").activities) == {"A1", "A2"}


def test_a_refused_command_does_not_use_up_its_id(ledger: Ledger) -> None:
    story(ledger)
    decide = {
        "type": "decide_opinion",
        "case": "K1",
        "opinion": "O1",
        "outcome": "not_adopted",
        "occurred_at": "2023-03-08T09:00",
        "command_id": "cmd-d",
    }
    with pytest.raises(ExplanationRequired):
        ledger.execute(decide)
    result = ledger.execute({**decide, "explanation": "证据已经充分"})
    assert not result.replayed
    assert ledger.case("K1").opinion("O1").stage is OpinionStage.DECIDED


# -- concurrent writers ----------------------------------------------------------------------


def test_a_version_conflict_is_retried_on_fresh_state(
    shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger(store=shared_url) as a, Ledger(store=shared_url) as b:
        story(a)
        a.case("K1")  # A now holds K1 in its cache at the current version
        original = a.app.record
        calls = 0

        def racing_save(*objects: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 1:  # another writer gets in between A's load and A's save
                b.execute({**OPEN_A2, "activity": "A2", "title": "B的活动"})
            return original(*objects, **kwargs)

        monkeypatch.setattr(a.app, "record", racing_save)
        result = a.execute({**OPEN_A2, "command_id": "cmd-race"})
        assert calls == 2
        # The retry re-read the case, saw B's A2, and numbered its own activity A3.
        assert result.ids["activity"] == "A3"
        for ledger in (a, b):
            activities = ledger.case("K1").activities
            assert list(activities) == ["A1", "A2", "A3"]
            assert activities["A2"].title == "B的活动"
        monkeypatch.setattr(a.app, "record", original)
        assert a.execute({**OPEN_A2, "command_id": "cmd-race"}).ids == result.ids


def test_a_rule_is_rechecked_on_retry(shared_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Ledger(store=shared_url) as a, Ledger(store=shared_url) as b:
        story(a)
        a.supervisor("S2")
        original = a.app.record

        def racing_save(*objects: Any, **kwargs: Any) -> Any:
            # B suspends S2 and touches the case A is writing, so A's save conflicts.
            b.execute(
                {
                    "type": "suspend_supervisor",
                    "supervisor": "S2",
                    "reason": "调查",
                    "occurred_at": "2023-03-01T09:00",
                }
            )
            b.execute(
                {
                    "type": "record_case_decision",
                    "case": "K1",
                    "decision": "待定",
                    "occurred_at": "2023-03-02T09:00",
                }
            )
            return original(*objects, **kwargs)

        monkeypatch.setattr(a.app, "record", racing_save)
        rows = len(stored_rows(a))
        # A's first attempt passed the rules; after B's suspension the retry must refuse.
        with pytest.raises(SupervisorNotActive, match="S2"):
            a.execute(
                {
                    "type": "invite_supervisor",
                    "case": "K1",
                    "activity": "A1",
                    "supervisor": "S2",
                    "occurred_at": "2023-03-02T10:00",
                }
            )
        assert len(stored_rows(a)) == rows + 2  # only B's two events
        assert "S2" not in b.case("K1").activity("A1").invitations


def test_a_change_to_an_aggregate_only_read_is_caught(
    shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B suspends S2 but leaves the case alone: A's invitation conflicts all the same,
    because the rule it checked (S2 is active) read S2, and S2 moved on."""
    with Ledger(store=shared_url) as a, Ledger(store=shared_url) as b:
        story(a)
        a.supervisor("S2")
        original = a.app.record
        calls = 0

        def racing_save(*objects: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 1:
                b.execute(
                    {
                        "type": "suspend_supervisor",
                        "supervisor": "S2",
                        "reason": "调查",
                        "occurred_at": "2023-03-01T09:00",
                    }
                )
            return original(*objects, **kwargs)

        monkeypatch.setattr(a.app, "record", racing_save)
        rows = len(stored_rows(a))
        with pytest.raises(SupervisorNotActive, match="S2"):
            a.execute(
                {
                    "type": "invite_supervisor",
                    "case": "K1",
                    "activity": "A1",
                    "supervisor": "S2",
                    "occurred_at": "2023-03-02T10:00",
                }
            )
        # The store refused the stale first save; the retry's rule check refused the
        # command before any second save.
        assert calls == 1
        assert len(stored_rows(a)) == rows + 1  # only B's suspension
        assert "S2" not in b.case("K1").activity("A1").invitations


def test_retries_are_bounded(shared_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Ledger(store=shared_url, max_attempts=3) as a, Ledger(store=shared_url) as b:
        story(a)
        original = a.app.record
        calls = 0

        def always_beaten(*objects: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            b.execute(
                {
                    "type": "record_case_decision",
                    "case": "K1",
                    "decision": f"第{calls}稿",
                    "occurred_at": "2023-03-08T09:00",
                }
            )
            return original(*objects, **kwargs)

        monkeypatch.setattr(a.app, "record", always_beaten)
        rows = len(stored_rows(a))
        with pytest.raises(ConcurrencyConflict) as info:
            a.execute({**OPEN_A2, "command_id": "cmd-lost"})
        assert calls == 3
        assert "open_activity" in info.value.message and "3 times" in info.value.message
        assert len(stored_rows(a)) == rows + 3  # B's three decisions, nothing of A's
        case = b.case("K1")
        assert set(case.activities) == {"A1"} and case.decision == "第3稿"
        monkeypatch.setattr(a.app, "record", original)
        # The id was not used up by the failed command.
        assert not a.execute({**OPEN_A2, "command_id": "cmd-lost"}).replayed


# -- refusals write nothing -------------------------------------------------------------------


REFUSED: dict[str, tuple[dict[str, Any], type[Exception], list[str]]] = {
    "rule": (
        {
            "type": "decide_opinion",
            "case": "K1",
            "opinion": "O1",
            "outcome": "partly_adopted",
            "occurred_at": "2023-03-08T09:00",
        },
        ExplanationRequired,
        ["O1", "K1"],
    ),
    "unknown_case": (
        {
            "type": "receive_opinion",
            "case": "K9",
            "opinion": "O1",
            "occurred_at": "2023-03-08T09:00",
        },
        NotFound,
        ["K9"],
    ),
    "unknown_supervisor": (
        {
            "type": "invite_supervisor",
            "case": "K1",
            "activity": "A1",
            "supervisor": "S9",
            "occurred_at": "2023-03-08T09:00",
        },
        NotFound,
        ["S9"],
    ),
    "schema": (
        {
            "type": "pay_allowance",
            "supervisor": "S1",
            "amount": "-3",
            "purpose": "x",
            "occurred_at": "2023-03-08T09:00",
        },
        ValidationError,
        ["amount"],
    ),
    "missing_field": (
        {
            "type": "register_case",
            "case": "K2",
            "unit": "QC",
            "kind": "other",
            "received_on": "2023-03-01",
            "occurred_at": "2023-03-08T09:00",
        },
        ValidationError,
        ["handling_prosecutor"],
    ),
    "unknown_type": (
        {"type": "burn_the_archive", "occurred_at": "2023-03-08T09:00"},
        ValidationError,
        ["burn_the_archive"],
    ),
    "unit_under_unit": (
        {
            "type": "register_unit",
            "unit": "QC2",
            "name": "x",
            "level": "city",
            "parent": "QC",
            "occurred_at": "2023-03-08T09:00",
        },
        InvalidUnit,
        ["QC", "district"],
    ),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_bad_command_writes_nothing(ledger: Ledger, name: str) -> None:
    story(ledger)
    before = stored_rows(ledger)
    command, error, named = REFUSED[name]
    with pytest.raises(error) as info:
        ledger.execute({**command, "command_id": f"bad-{name}"})
    for word in named:
        assert word in str(info.value)
    assert stored_rows(ledger) == before
    assert ledger.case("K1").opinion("O1").stage is OpinionStage.ROUTED


@pytest.mark.parametrize(
    "command",
    [
        {"type": "register_unit", "unit": "QC", "name": "again", "level": "district"},
        {
            "type": "appoint_supervisor",
            "supervisor": "S1",
            "unit": "QC",
            "name": "again",
            "roles": ["hearing_officer"],
            "term_start": "2023-01-01",
        },
        {
            "type": "register_case",
            "case": "K1",
            "unit": "QC",
            "kind": "other",
            "handling_prosecutor": "x",
            "received_on": "2023-03-01",
        },
        {"type": "open_activity", "case": "K1", "activity": "A1", "activity_type": "other"},
        {
            "type": "submit_opinion",
            "case": "K1",
            "activity": "A1",
            "supervisor": "S1",
            "opinion": "O1",
            "content": "again",
        },
    ],
    ids=lambda command: command["type"],
)
def test_creating_an_existing_key_is_refused(ledger: Ledger, command: dict[str, Any]) -> None:
    story(ledger)
    before = stored_rows(ledger)
    with pytest.raises(AlreadyExists) as info:
        ledger.execute({**command, "occurred_at": "2023-03-09T09:00"})
    key = next(
        v for k, v in command.items() if k in ("opinion", "activity", "case", "supervisor", "unit")
    )
    assert repr(key) in info.value.message
    assert stored_rows(ledger) == before


def test_an_existing_hearing_is_refused(ledger: Ledger) -> None:
    story(ledger)
    propose = {
        "type": "propose_hearing",
        "hearing": "H1",
        "case": "K1",
        "occurred_at": "2023-03-09T09:00",
    }
    ledger.execute(propose)
    before = stored_rows(ledger)
    with pytest.raises(AlreadyExists, match="H1"):
        ledger.execute(propose)
    assert stored_rows(ledger) == before


# -- store URLs ----------------------------------------------------------------------------------


def test_store_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.db'}"
    monkeypatch.setenv("SUPERVISION_LEDGER_STORE", url)
    with Ledger() as ledger:
        assert ledger.store.url == url
        run(
            ledger,
            {
                "type": "register_unit",
                "unit": "QC",
                "name": "清城",
                "level": "district",
                "occurred_at": "2023-01-01T09:00",
            },
        )
    assert (tmp_path / "from-env.db").exists()
    monkeypatch.delenv("SUPERVISION_LEDGER_STORE")
    with Ledger(store=url) as reopened:
        assert reopened.unit("QC").name == "清城"


def test_default_store_is_a_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUPERVISION_LEDGER_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    with Ledger() as ledger:
        run(
            ledger,
            {
                "type": "register_unit",
                "unit": "QC",
                "name": "清城",
                "level": "district",
                "occurred_at": "2023-01-01T09:00",
            },
        )
    assert (tmp_path / "supervision-ledger.db").stat().st_size > 0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://root@localhost/db", "must start with"),
        ("sqlite://host/ledger.db", "three slashes"),
        ("sqlite:///", "names no file"),
        ("postgresql://postgres@127.0.0.1:5432/", "names no database"),
        ("postgresql://postgres@127.0.0.1/test?schema=a&sslmode=off", "sslmode"),
        ("ledger.db", "must start with"),
    ],
)
def test_invalid_store_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(InvalidStoreURL) as info:
        Ledger(store=url)
    assert url in info.value.message and reason in info.value.message


def test_store_url_password_is_redacted() -> None:
    config = parse_store_url("postgresql://u:s3cret@db:5432/x?schema=s")
    assert "s3cret" not in config.redacted() and "***" in config.redacted()
    assert config.env["POSTGRES_SCHEMA"] == "s" and config.env["POSTGRES_PASSWORD"] == "s3cret"


# -- encryption at rest ---------------------------------------------------------------------------


def test_encrypted_store_is_unreadable_without_the_key(shared_url: str) -> None:
    key = AESCipher.create_key(16)
    with Ledger(store=shared_url, env={"CIPHER_KEY": key}) as ledger:
        story(ledger)
        rows = stored_rows(ledger)
        assert rows
        for _, _, state in rows:
            data = bytes(state)
            assert "朱某".encode() not in data and "建议补充证据".encode() not in data
            with pytest.raises(ValueError):
                json.loads(data)
    with Ledger(store=shared_url, env={"CIPHER_KEY": key}) as reopened:
        assert reopened.supervisor("S1").name == "朱某S1"
        assert reopened.case("K1").opinion("O1").content == "建议补充证据"
    # Opening it without the key is refused before anything is written.
    with pytest.raises(CipherKeyRequired):
        Ledger(store=shared_url)


def test_unencrypted_store_holds_readable_json(ledger: Ledger) -> None:
    # The contrast that makes the encryption test meaningful: JSON, where only people's
    # names and free texts are sealed per person (docs/privacy.md).
    story(ledger)
    names = {json.loads(bytes(state)).get("name") for _, _, state in stored_rows(ledger)}
    assert "清城区人民检察院" in names
    assert not {"朱某S1", "朱某S2"} & names
    assert any(isinstance(n, str) and n.startswith("sealed:v1:S:") for n in names)
    assert ledger.supervisor("S1").name == "朱某S1"


def test_typed_commands_and_dicts_are_the_same_command(ledger: Ledger) -> None:
    story(ledger)
    typed = ledger.open_activity(c.OpenActivity.model_validate({**OPEN_A2, "command_id": "cmd-t"}))
    assert ledger.execute({**OPEN_A2, "command_id": "cmd-t"}).replayed
    assert typed.ids == {"case": "K1", "activity": "A2"}


def test_a_case_listing_a_party_twice_is_refused(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        story(ledger)
        rows = len(stored_rows(ledger))
        with pytest.raises(RuleViolation, match="'孙某' twice") as refused:
            ledger.execute(
                {
                    "type": "register_case",
                    "case": "K-dup",
                    "unit": "QC",
                    "kind": "other",
                    "handling_prosecutor": "李某",
                    "parties": [{"name": "孙某"}, {"name": "孙某", "minor": True}],
                    "received_on": "2023-05-01",
                    "occurred_at": "2023-05-01T09:00",
                }
            )
        assert refused.value.rule == "rule_violation"
        assert len(stored_rows(ledger)) == rows


@pytest.mark.parametrize("kind", ["remove_supervisor", "suspend_supervisor", "failing_grade"])
def test_a_back_dated_status_change_cannot_undercut_recorded_service(
    store_url: str, kind: str
) -> None:
    """S1 was invited on 2023-03-02, attended and gave an opinion: making S1 inactive from
    an earlier date would make that service an inactive person's."""
    with Ledger(store=store_url) as ledger:
        story(ledger)
        last = max(o.submitted_at for o in ledger.case("K1").opinions.values())
        rows = len(stored_rows(ledger))

        def change(day: str) -> dict[str, Any]:
            if kind == "failing_grade":
                return {
                    "type": "record_assessment",
                    "supervisor": "S1",
                    "year": 2022,
                    "grade": "incompetent",
                    "occurred_at": f"{day}T09:00",
                }
            return {
                "type": kind,
                "supervisor": "S1",
                "reason": "补录",
                "occurred_at": f"{day}T09:00",
            }

        with pytest.raises(ServiceAfterStatusChange, match="S1"):
            ledger.execute(change("2023-03-01"))
        assert len(stored_rows(ledger)) == rows
        assert ledger.supervisor("S1").is_active_on(last.date())
        with pytest.raises(ServiceAfterStatusChange):  # the very day of the last service
            ledger.execute(change(last.date().isoformat()))
        ledger.execute(change("2023-12-01"))
        assert not ledger.supervisor("S1").is_active_on(date(2023, 12, 1))
        assert ledger.supervisor("S1").is_active_on(last.date())


def test_drawn_keys_come_back_as_a_list_even_when_a_key_holds_a_comma(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        ledger.execute(
            {
                "type": "register_unit",
                "unit": "QC",
                "name": "清城区人民检察院",
                "level": "district",
                "occurred_at": "2023-01-01T09:00",
            }
        )
        for key in ("A,B", "C"):
            ledger.execute(
                {
                    "type": "appoint_supervisor",
                    "supervisor": key,
                    "unit": "QC",
                    "name": "某某",
                    "roles": ["peoples_supervisor"],
                    "term_start": "2022-01-01",
                    "occurred_at": "2022-01-01T09:00",
                }
            )
        ledger.execute(
            {
                "type": "register_case",
                "case": "K1",
                "unit": "QC",
                "kind": "other",
                "handling_prosecutor": "李某",
                "received_on": "2023-02-01",
                "occurred_at": "2023-02-01T09:00",
            }
        )
        opened = ledger.execute(
            {
                "type": "open_activity",
                "case": "K1",
                "activity_type": "quality_review",
                "occurred_at": "2023-02-02T09:00",
            }
        )
        assert opened.key("activity") == "A1" and opened.keys("activity") == ["A1"]
        result = ledger.execute(
            {
                "type": "draw_supervisors",
                "case": "K1",
                "activity": "A1",
                "count": 2,
                "occurred_at": "2023-02-02T10:00",
                "command_id": "draw",
            }
        )
        assert sorted(result.keys("drawn")) == ["A,B", "C"]
        with pytest.raises(TypeError, match="keys"):
            result.key("drawn")
        again = ledger.execute(
            {
                "type": "draw_supervisors",
                "case": "K1",
                "activity": "A1",
                "count": 2,
                "occurred_at": "2023-02-02T10:00",
                "command_id": "draw",
            }
        )
        assert again.replayed and again.keys("drawn") == result.keys("drawn")
