"""History, as-of replay, redaction, encryption at rest and concurrent writers."""

from __future__ import annotations

import io
import json
import sqlite3
import threading
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.cipher import AESCipher

from supervision_ledger import Ledger
from supervision_ledger.audit import Digest, InvalidDigest, InvalidReference
from supervision_ledger.domain.errors import NotFound
from supervision_ledger.persistence.recorders import ChainConflict


def story(ledger: Ledger, minor: bool = False) -> None:
    ledger.execute(
        {
            "type": "register_unit",
            "unit": "QY",
            "name": "清远市人民检察院",
            "level": "city",
            "occurred_at": "2023-01-01T09:00",
        }
    )
    ledger.execute(
        {
            "type": "appoint_supervisor",
            "supervisor": "S1",
            "unit": "QY",
            "name": "周监督",
            "roles": ["peoples_supervisor"],
            "term_start": "2022-01-01",
            "occurred_at": "2022-12-30T10:00",
            "command_id": "appoint-S1",
        }
    )
    ledger.execute(
        {
            "type": "register_case",
            "case": "K1",
            "unit": "QY",
            "kind": "other",
            "handling_prosecutor": "检察官甲",
            "received_on": "2023-05-01",
            "parties": [{"name": "王小明", "minor": minor}, {"name": "李华"}],
            "title": "王小明盗窃案",
            "occurred_at": "2023-05-01T09:00",
            "command_id": "case-K1",
        }
    )
    ledger.execute(
        {
            "type": "open_activity",
            "case": "K1",
            "activity": "A1",
            "activity_type": "quality_review",
            "occurred_at": "2023-05-03T09:00",
            "command_id": "open-A1",
        }
    )
    ledger.execute(
        {
            "type": "invite_supervisor",
            "case": "K1",
            "activity": "A1",
            "supervisor": "S1",
            "occurred_at": "2023-05-04T09:00",
        }
    )


def test_history_shows_both_times_positions_and_command_ids(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story(ledger)
        entries = ledger.history("case:K1")
        assert [e.event for e in entries] == [
            "Case.Registered",
            "Case.ActivityOpened",
            "Case.SupervisorInvited",
        ]
        assert [e.command_id for e in entries] == ["case-K1", "open-A1", None]
        positions = [e.position for e in entries]
        assert positions == sorted(positions) and len(set(positions)) == 3
        assert entries[0].occurred_at == datetime.fromisoformat("2023-05-01T09:00+08:00")
        # Recorded time is when the ledger stored it, not the business time.
        assert entries[0].recorded_at.year >= 2024
        assert entries[1].fields["activity_type"] == "quality_review"
        assert ledger.history("supervisor:S1")[0].command_id == "appoint-S1"
        with pytest.raises(NotFound):
            ledger.history("case:nope")
        with pytest.raises(InvalidReference, match="KIND:KEY"):
            ledger.history("K1")


def test_history_finds_command_ids_without_a_chain_index(store_url: str) -> None:
    # An aggregate's chain rows are found through its events' positions; the chain has
    # no index by aggregate (a write would pay for it), and older stores' is dropped.
    with Ledger(store=store_url) as ledger:
        story(ledger)
        assert [e.command_id for e in ledger.history("case:K1")] == ["case-K1", "open-A1", None]
        assert ledger.history("supervisor:S1")[0].command_id == "appoint-S1"
        assert "ledger_chain_originator" not in chain_indexes(ledger)


def chain_indexes(ledger: Ledger) -> set[str]:
    datastore: Any = ledger.app.recorder.datastore  # type: ignore[attr-defined]
    if hasattr(datastore, "schema"):  # PostgreSQL
        with datastore.transaction(commit=False) as curs:
            curs.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = %s",
                (datastore.schema, "ledger_chain"),
            )
            return {r["indexname"] for r in curs.fetchall()}
    with datastore.transaction(commit=False) as c:
        c.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_chain'"
        )
        return {r[0] for r in c.fetchall()}


def test_an_older_stores_chain_index_is_dropped_on_open(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story(ledger)
    raw = sqlite3.connect(sqlite_file_url.removeprefix("sqlite:///"))
    raw.execute("CREATE INDEX ledger_chain_originator ON ledger_chain (originator_id)")
    raw.commit()
    raw.close()
    with Ledger(store=sqlite_file_url) as ledger:
        assert "ledger_chain_originator" not in chain_indexes(ledger)
        assert ledger.history("case:K1")[1].command_id == "open-A1"


def test_case_as_of_a_business_date(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story(ledger)
        with pytest.raises(NotFound):
            ledger.case_as_of("K1", date(2023, 4, 30))
        on_first = ledger.case_as_of("K1", date(2023, 5, 1))
        assert on_first.activities == {}
        # A date is its whole local day; a date-time is an instant.
        assert ledger.case_as_of("K1", date(2023, 5, 3)).activities["A1"].invitations == {}
        assert "A1" not in ledger.case_as_of("K1", datetime(2023, 5, 3, 8, 59)).activities
        full = ledger.case_as_of("K1", datetime(2023, 5, 4, 9, 0))
        assert set(full.activities["A1"].invitations) == {"S1"}
        # Back-filled: an allowance recorded last but paid in March counts as of April.
        ledger.execute(
            {
                "type": "record_training",
                "supervisor": "S1",
                "topic": "培训",
                "occurred_at": "2023-06-01T09:00",
            }
        )
        ledger.execute(
            {
                "type": "pay_allowance",
                "supervisor": "S1",
                "amount": "300.00",
                "purpose": "履职补贴",
                "occurred_at": "2023-03-01T09:00",
            }
        )
        april = ledger.supervisor_as_of("S1", date(2023, 4, 1))
        assert [a[1] for a in april.allowances] == [Decimal("300.00")]
        assert april.trainings == []
        assert len(ledger.supervisor_as_of("S1", date(2023, 6, 1)).trainings) == 1
        with pytest.raises(NotFound):
            ledger.supervisor_as_of("S1", date(2022, 12, 29))


def test_redaction_of_a_case_with_a_minor_party(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story(ledger, minor=True)
        out = io.StringIO()
        summary = ledger.export(out, redact=True)
        text = out.getvalue()
        assert "王小明" not in text and "李华" not in text and "检察官甲" not in text
        lines = [json.loads(line) for line in text.splitlines()[1:]]
        case_lines = [line for line in lines if (line.get("event") or "").startswith("Case.")]
        assert case_lines and all(line["redacted"] and line["state"] is None for line in case_lines)
        assert summary.redacted >= len(case_lines)
        # The supervisor's appointment names no party: its bytes stay in the export.
        appointed = next(line for line in lines if line.get("event") == "Supervisor.Appointed")
        assert appointed["state"] is not None and appointed["fields"]["name"] == "周监督"
        history = ledger.history("case:K1", redact=True)
        assert "王小明" not in json.dumps([e.to_json() for e in history], ensure_ascii=False)


def test_a_redacted_export_does_not_link_a_person_to_a_minor_case(
    sqlite_file_url: str,
) -> None:
    """An allowance referencing the minor case by number, and the command that recorded
    it, must not carry that number in clear beside the supervisor's name."""
    with Ledger(store=sqlite_file_url) as ledger:
        story(ledger, minor=True)
        ledger.execute(
            {
                "type": "pay_allowance",
                "supervisor": "S1",
                "amount": "200.00",
                "purpose": "参加案件监督",
                "reference": "K1/A1",
                "occurred_at": "2023-06-01T09:00",
                "command_id": "pay-K1-A1",
            }
        )
        out = io.StringIO()
        ledger.export(out, redact=True)
        lines = [json.loads(line) for line in out.getvalue().splitlines()[1:]]
        for line in lines:
            assert "K1/A1" not in json.dumps(line, ensure_ascii=False)
        paid = next(line for line in lines if line.get("event") == "Supervisor.AllowancePaid")
        assert paid["redacted"] and paid["state"] is None


def test_pseudonyms_are_stable_within_an_export(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story(ledger, minor=False)
        out = io.StringIO()
        ledger.export(out, redact=True, salt=b"fixed")
        lines = [json.loads(line) for line in out.getvalue().splitlines()[1:]]
        registered = next(line for line in lines if line.get("event") == "Case.Registered")
        name = registered["fields"]["parties"][0]["name"]
        # Free text is a pseudonym as a whole (it may name anyone: docs/privacy.md).
        title = registered["fields"]["title"]
        assert name.startswith("P-") and title.startswith("P-") and title != name
        # The prosecutor's name is kept for the auditor when the case has no minor party.
        assert registered["fields"]["handling_prosecutor"] == "检察官甲"
        again_fixed = io.StringIO()
        ledger.export(again_fixed, redact=True, salt=b"fixed")
        assert name in again_fixed.getvalue()  # the same salt: the same pseudonyms
        again = io.StringIO()
        ledger.export(again, redact=True)  # a fresh salt: different pseudonyms
        assert name not in again.getvalue()


def test_verify_needs_no_key_with_encryption_at_rest(sqlite_file_url: str) -> None:
    key = AESCipher.create_key(16)
    env = {"CIPHER_TOPIC": "eventsourcing.cipher:AESCipher", "CIPHER_KEY": key}
    with Ledger(store=sqlite_file_url, env=env) as ledger:
        story(ledger)
        digest = ledger.digest()
        assert ledger.history("case:K1")[0].fields["parties"][0]["name"] == "王小明"
    raw = sqlite3.connect(sqlite_file_url.removeprefix("sqlite:///"))
    # Markers long enough that random ciphertext cannot contain them by chance.
    markers = ("王小明".encode(), b'"occurred_at"')
    states = [bytes(r[0]) for r in raw.execute("SELECT state FROM stored_events")]
    assert states and not any(m in state for m in markers for state in states)
    with Ledger(store=sqlite_file_url, audit_only=True) as keyless:  # no CIPHER_KEY
        assert keyless.verify(digest).ok
        raw.execute("UPDATE stored_events SET state = state || x'00' WHERE rowid = 2")
        raw.commit()
        report = keyless.verify(digest)
        assert (report.finding.position, report.finding.problem) == (2, "modified")  # type: ignore[union-attr]
    raw.close()


def concurrent_writers(url: str) -> None:
    with Ledger(store=url) as ledger:
        ledger.execute(
            {
                "type": "register_unit",
                "unit": "QY",
                "name": "清远",
                "level": "city",
                "occurred_at": "2023-01-01T09:00",
            }
        )
    errors: list[BaseException] = []
    # Opened one after the other: creating the tables concurrently is not what is tested.
    ledgers = [Ledger(store=url) for _ in range(3)]

    def write(worker: int) -> None:
        try:
            with ledgers[worker] as ledger:
                for i in range(8):
                    ledger.execute(
                        {
                            "type": "register_case",
                            "case": f"W{worker}-{i}",
                            "unit": "QY",
                            "kind": "other",
                            "handling_prosecutor": "甲",
                            "received_on": "2023-05-01",
                            "occurred_at": "2023-05-01T09:00",
                            "command_id": f"w{worker}-{i}",
                        }
                    )
        except BaseException as error:  # surfaced in the main thread below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with Ledger(store=url) as ledger:
        report = ledger.verify()
        assert report.ok, report.render()
        assert report.checked == 1 + 3 * 8 * 2  # each case plus its command record


def test_concurrent_writers_on_sqlite(sqlite_file_url: str) -> None:
    concurrent_writers(sqlite_file_url)


def test_concurrent_writers_on_postgres(postgres_url: str) -> None:
    concurrent_writers(postgres_url)


def test_a_reused_position_is_refused_not_chained(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story(ledger)
        last = ledger.digest().position
    raw = sqlite3.connect(sqlite_file_url.removeprefix("sqlite:///"))
    raw.execute("DELETE FROM stored_events WHERE rowid = ?", (last,))
    raw.commit()
    raw.close()
    with Ledger(store=sqlite_file_url) as ledger:
        # SQLite hands the deleted last row's position to the next event; the chain
        # already covers it, so the write is refused and nothing is stored.
        with pytest.raises(ChainConflict, match=f"position {last}"):
            ledger.execute(
                {
                    "type": "register_case",
                    "case": "K2",
                    "unit": "QY",
                    "kind": "other",
                    "handling_prosecutor": "甲",
                    "received_on": "2023-05-01",
                    "occurred_at": "2023-05-04T09:00",
                }
            )
        with pytest.raises(NotFound):
            ledger.case("K2")


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ("not json", "digest"),
        ('{"position": -1, "chain_hash": "' + "0" * 64 + '"}', "position"),
        ('{"position": 3, "chain_hash": "abc"}', "chain_hash"),
        ('{"position": 3, "chain_hash": "' + "z" * 64 + '"}', "chain_hash"),
        ('{"position": 3, "chain_hash": "' + "0" * 64 + '", "count": "x"}', "count"),
        ('{"position": 3, "chain_hash": "' + "0" * 64 + '", "algorithm": "md5"}', "algorithm"),
    ],
)
def test_bad_digests_name_the_field(given: str, field: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidDigest, match=f"^invalid_digest: {field}"):
        Digest.parse(given if given != "not json" else str(tmp_path / "missing.json"))


def test_empty_store_digest_is_the_genesis(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        digest = ledger.digest()
        assert (digest.position, digest.count, digest.chain_hash) == (0, 0, "0" * 64)
        assert ledger.verify(digest).ok
        story(ledger)
        report: Any = ledger.verify(Digest(position=0, chain_hash="1" * 64, count=0))
        assert (report.finding.position, report.finding.problem) == (0, "digest_mismatch")
