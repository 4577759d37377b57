"""Issue 8, point 2: whatever a file holds, ``apply`` names the line, stores nothing of it,
keeps the lines before it, and never ends in a traceback.

The corpus below puts one hostile line after two good ones; each case is one class the
issue lists (bad JSON, wrong types, missing and unknown fields, megabyte strings, deep
nesting, NaN/Infinity, huge numbers, dates at the edges, control characters, bad
encodings, a BOM in the wrong place, a JSON array or bare value as a line).
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from supervision_ledger.cli import main

UNIT = (
    b'{"type":"register_unit","unit":"QY","name":"\xe6\x9f\x90\xe9\x99\xa2","level":"city",'
    b'"occurred_at":"2019-03-01T09:00"}'
)
APPOINT = (
    b'{"type":"appoint_supervisor","supervisor":"S1","unit":"QY","name":"A",'
    b'"roles":["peoples_supervisor"],"term_start":"2022-03-01","occurred_at":"2022-03-01T09:00"}'
)
#: Events the two good lines store: the unit, the appointment and the enrolment.
GOOD_EVENTS = 3


def command(**fields: object) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode()


def training(**changes: object) -> bytes:
    fields: dict[str, object] = {
        "type": "record_training",
        "supervisor": "S1",
        "topic": "培训",
        "occurred_at": "2023-01-01T09:00",
    }
    fields.update(changes)
    return command(**fields)


def appoint(**changes: object) -> bytes:
    fields: dict[str, object] = {
        "type": "appoint_supervisor",
        "supervisor": "S2",
        "unit": "QY",
        "name": "乙",
        "roles": ["peoples_supervisor"],
        "term_start": "2022-03-01",
        "occurred_at": "2022-03-01T09:00",
    }
    fields.update(changes)
    return command(**fields)


def raw_training(value: bytes, field: bytes = b"hours") -> bytes:
    """A training line whose ``field`` is the literal JSON ``value`` (not via json.dumps)."""
    return (
        b'{"type":"record_training","supervisor":"S1","topic":"t","occurred_at":"2023-01-01",'
        b'"' + field + b'":' + value + b"}"
    )


MEGABYTE = "某" * (1 << 20)

#: (id, the hostile line, the word(s) stderr must name after "line 3: ").
CORPUS: list[tuple[str, bytes, str]] = [
    # -- bad JSON
    ("unclosed-object", b'{"type":"register_unit"', "json"),
    ("single-quotes", b"{'type': 'register_unit'}", "json"),
    ("two-objects", UNIT + b" " + UNIT, "json"),
    ("trailing-garbage", UNIT + b" x", "json"),
    ("trailing-comma", b'{"type":"close_case","case":"K1",}', "json"),
    ("raw-control-char-in-string", b'{"type":"close_case","case":"K\x011"}', "json"),
    ("utf16-line", '{"type":"close_case"}'.encode("utf-16-le"), "json"),
    ("bom-not-at-start", b"\xef\xbb\xbf" + UNIT, "json"),
    # -- not an object
    ("array", b"[" + UNIT + b"]", "json: each line is one JSON object"),
    ("bare-string", b'"register_unit"', "json: each line is one JSON object"),
    ("bare-number", b"42", "json: each line is one JSON object"),
    ("null", b"null", "json: each line is one JSON object"),
    # -- missing, unknown and wrongly typed fields
    ("missing-type", b'{"unit":"QY"}', "type: missing"),
    ("type-not-a-string", b'{"type":["register_unit"]}', "type: unknown command type"),
    ("unknown-type", b'{"type":"drop_table"}', "type: unknown command type 'drop_table'"),
    ("huge-unknown-type", command(type="x" * 2_000_000), "type: unknown command type"),
    ("missing-field", command(type="close_case", occurred_at="2023-01-01"), "case"),
    ("unknown-field", training(secret="x"), "secret"),
    ("roles-not-a-list", appoint(roles="peoples_supervisor"), "roles"),
    ("unit-a-number", appoint(unit=5), "unit"),
    (
        "count-fractional",
        command(
            type="draw_supervisors", case="K", activity="A1", count=3.5, occurred_at="2023-01-01"
        ),
        "count",
    ),
    ("enum-wrong", appoint(roles=["judge"]), "roles.0"),
    ("occurred-at-number", training(occurred_at=20230101), "occurred_at"),
    # -- megabyte strings
    ("megabyte-name", appoint(name=MEGABYTE), "name"),
    ("megabyte-topic", training(topic=MEGABYTE), "topic"),
    ("megabyte-field-name", training(**{"x" * (1 << 20): 1}), "xxx…: Extra inputs"),
    # -- deep nesting
    ("deep-array", b"[" * 1000 + b"]" * 1000, "json: nested more than"),
    ("deep-object", b'{"a":' * 1000 + b"1" + b"}" * 1000, "json: nested more than"),
    ("deep-in-a-field", training(topic=json.loads("[" * 40 + "]" * 40)), "json: nested more than"),
    # -- NaN, Infinity and huge numbers
    ("nan", raw_training(b"NaN"), "json: NaN"),
    ("infinity", raw_training(b"Infinity"), "json: Infinity"),
    ("minus-infinity", raw_training(b"-Infinity"), "json: -Infinity"),
    ("float-overflow", raw_training(b"1e999999"), "json"),
    ("hours-huge-string", training(hours="1e999999"), "hours"),
    ("hours-too-precise", training(hours="1.23456789"), "hours"),
    ("int-over-4300-digits", raw_training(b"9" * 5000, b"year"), "json"),
    (
        "year-huge",
        command(
            type="record_assessment",
            supervisor="S1",
            year=10**30,
            grade="competent",
            occurred_at="2023-01-01",
        ),
        "year",
    ),
    (
        "seed-over-63-bits",
        command(
            type="draw_supervisors",
            case="K",
            activity="A1",
            count=1,
            seed=2**64,
            occurred_at="2023-01-01",
        ),
        "seed",
    ),
    (
        "amount-huge",
        command(
            type="pay_allowance",
            supervisor="S1",
            amount=1e300,
            purpose="p",
            occurred_at="2023-01-01",
        ),
        "amount",
    ),
    (
        "amount-negative",
        command(
            type="pay_allowance", supervisor="S1", amount=-1, purpose="p", occurred_at="2023-01-01"
        ),
        "amount",
    ),
    # -- dates at the edges
    ("year-1", training(occurred_at="0001-01-01"), "occurred_at: 0001-01-01"),
    ("year-1-minus-12", training(occurred_at="0001-01-01T00:00:00-12:00"), "occurred_at"),
    ("year-9999-utc", training(occurred_at="9999-12-31T23:59:59Z"), "occurred_at"),
    ("year-9999-plus-14", training(occurred_at="9999-12-31T23:59:59+14:00"), "occurred_at"),
    ("year-10000", training(occurred_at="10000-01-01T00:00:00"), "occurred_at"),
    ("february-30", training(occurred_at="2023-02-30T09:00"), "occurred_at"),
    ("offset-out-of-range", training(occurred_at="2023-01-01T09:00+25:00"), "occurred_at"),
    ("before-1949-10-01", training(occurred_at="1949-09-30T23:59"), "occurred_at"),
    ("term-start-9999", appoint(term_start="9999-12-31"), "term_start"),
    ("term-end-9999", appoint(term_end="9999-12-31"), "term_end"),
    (
        "received-on-year-1",
        command(
            type="register_case",
            case="K",
            unit="QY",
            kind="other",
            handling_prosecutor="李",
            received_on="0001-01-01",
            occurred_at="2023-01-01",
        ),
        "received_on",
    ),
    (
        "draw-at-9999",
        command(
            type="draw_supervisors",
            case="K",
            activity="A1",
            count=1,
            occurred_at="9999-12-31T23:59:59Z",
        ),
        "occurred_at",
    ),
    (
        "scheduled-for-9999",
        command(
            type="schedule_hearing",
            hearing="H",
            scheduled_for="9999-12-31T23:59:59Z",
            presiding_prosecutor="张",
            occurred_at="2023-01-01",
        ),
        "scheduled_for",
    ),
    # -- control characters and unpaired surrogates
    (
        "nul-in-name",
        appoint(name="乙\x00某"),
        "name: Value error, contains the control character U+0000",
    ),
    ("escape-in-key", appoint(supervisor="S\x1b[31m2"), "supervisor"),
    ("delete-in-topic", training(topic="a\x7fb"), "topic"),
    (
        "surrogate-in-name",
        b'{"type":"appoint_supervisor","supervisor":"S2","unit":"QY","name":"\\ud800","roles":["mediator"],"term_start":"2022-03-01","occurred_at":"2022-03-01"}',
        "name",
    ),
    # -- invalid UTF-8
    ("invalid-utf8", b'{"type":"close_case","case":"\xff"}', "encoding: not UTF-8: byte 0xff"),
    ("truncated-utf8", b'{"type":"close_case","case":"\xe6\x9f"}', "encoding"),
    ("utf16-bom", "\ufeff{}".encode("utf-16"), "encoding"),
    # -- a rule after validation: still the line and the rule
    (
        "not-found",
        command(type="record_training", supervisor="S9", topic="t", occurred_at="2023-01-01"),
        "not_found",
    ),
]


def stored_events(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        count: int = conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0]
    return count


@pytest.mark.parametrize(
    ("bad", "named"), [(c[1], c[2]) for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_a_hostile_line_is_named_and_nothing_of_it_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: bytes, named: str
) -> None:
    path = tmp_path / "hostile.jsonl"
    after = training(topic="never applied")
    path.write_bytes(UNIT + b"\n" + APPOINT + b"\n" + bad + b"\n" + after + b"\n")
    db = tmp_path / "ledger.db"
    assert main(["apply", str(path), "--store", f"sqlite:///{db}"]) == 1
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith("line 3: "), err[:300]
    assert named in first, first[:300]
    assert len(first) < 2000, "the message does not echo a megabyte of input"
    assert "stopped: 2 command(s) applied before the bad line" in err
    assert stored_events(db) == GOOD_EVENTS


def test_invalid_utf8_on_line_3_keeps_lines_1_and_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reproducer of the issue: the docs promise earlier lines stay applied."""
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        UNIT + b"\n" + APPOINT + b"\n" + '{"type":"x","name":"é"}'.encode("latin-1") + b"\n"
    )
    db = tmp_path / "ledger.db"
    assert main(["apply", str(path), "--store", f"sqlite:///{db}"]) == 1
    assert capsys.readouterr().err.startswith("line 3: encoding: not UTF-8: byte 0xe9 at column 21")
    assert stored_events(db) == GOOD_EVENTS


def test_a_utf16_file_is_refused_on_line_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "utf16.jsonl"
    path.write_bytes((UNIT.decode() + "\n").encode("utf-16"))
    db = tmp_path / "ledger.db"
    assert main(["apply", str(path), "--store", f"sqlite:///{db}"]) == 1
    assert capsys.readouterr().err.startswith("line 1: encoding: not UTF-8")


def test_a_bom_at_the_start_and_crlf_line_ends_are_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What Windows editors write: a UTF-8 BOM first and CRLF line ends; a blank CRLF
    line is skipped as a blank line."""
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + UNIT + b"\r\n\r\n" + APPOINT + b"\r\n")
    db = tmp_path / "ledger.db"
    assert main(["apply", str(path), "--store", f"sqlite:///{db}"]) == 0
    assert "applied 2 command(s)" in capsys.readouterr().out
    assert stored_events(db) == GOOD_EVENTS


def test_no_traceback_from_a_real_process(tmp_path: Path) -> None:
    """The in-process tests above would fail on any exception; this one checks the
    installed entry point's stderr for the worst lines in one process each."""
    for n, bad in enumerate((b"[" * 100_000, raw_training(b"9" * 5000, b"year"), b'{"a":"\xff"}')):
        path = tmp_path / f"bad{n}.jsonl"
        path.write_bytes(UNIT + b"\n" + bad + b"\n")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "supervision_ledger",
                "apply",
                str(path),
                "--store",
                f"sqlite:///{tmp_path / f'l{n}.db'}",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1
        assert done.stderr.startswith("line 2: ") and "Traceback" not in done.stderr


def test_standard_input_is_read_line_by_line_as_bytes_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(UNIT + b"\n" + b"\xff\n")))
    db = tmp_path / "ledger.db"
    assert main(["apply", "-", "--store", f"sqlite:///{db}"]) == 1
    assert capsys.readouterr().err.startswith("line 2: encoding: not UTF-8: byte 0xff")
    assert stored_events(db) == 1
