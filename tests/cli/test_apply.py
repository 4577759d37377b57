"""`supervision-ledger apply` and `schema`, through the in-process entry point."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from supervision_ledger import Ledger
from supervision_ledger.cli import main
from supervision_ledger.commands import ALL_COMMANDS

UNIT = {"type": "register_unit", "unit": "QY", "name": "清远市人民检察院", "level": "city"}


def line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def appoint(key: str, n: int) -> str:
    return line(
        type="appoint_supervisor",
        supervisor=key,
        unit="QY",
        name=f"朱某{n}",
        roles=["peoples_supervisor"],
        term_start="2022-01-01",
        occurred_at="2022-01-01T09:00",
        command_id=f"appoint-{key}",
    )


GOOD = [
    line(**UNIT, occurred_at="2019-03-01T09:00", command_id="unit-QY"),
    appoint("S1", 1),
    appoint("S2", 2),
]


def stored_events(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        count: int = conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0]
    return count


def run_apply(tmp_path: Path, lines: list[str], db: Path) -> int:
    path = tmp_path / "commands.jsonl"
    path.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    return main(["apply", str(path), "--store", f"sqlite:///{db}"])


def test_good_file_applies_every_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ledger.db"
    assert run_apply(tmp_path, GOOD, db) == 0
    assert "applied 3 command(s)" in capsys.readouterr().out
    # unit registered + 2 × (appointed + enrolled) + 3 command records
    assert stored_events(db) == 1 + 2 * 2 + 3


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ('{"type": "register_unit", ', "line 3: json: "),
        ("[1, 2]", "line 3: json: each line is one JSON object"),
        (
            line(type="appoint_supervisors", occurred_at="2023-01-01T09:00"),
            "line 3: type: unknown command type 'appoint_supervisors' "
            "(see 'supervision-ledger schema')",
        ),
        (line(occurred_at="2023-01-01T09:00"), "line 3: type: missing"),
        (
            line(
                type="register_unit",
                unit="QC",
                name="清城区院",
                level="town",
                occurred_at="2023-01-01T09:00",
            ),
            "line 3: level: ",
        ),
        (
            line(type="register_unit", unit="QC", level="district", occurred_at="2023-01-01"),
            "line 3: name: Field required",
        ),
        (
            line(
                type="record_assessment",
                supervisor="NOBODY",
                year=2022,
                grade="competent",
                occurred_at="2023-01-16T09:00",
            ),
            "line 3: not_found: no supervisor 'NOBODY'",
        ),
        (
            line(
                type="register_unit",
                unit="QC",
                name="清城区院",
                level="city",
                parent="QY",
                occurred_at="2023-01-01T09:00",
            ),
            "line 3: invalid_unit: ",
        ),
    ],
    ids=[
        "bad-json",
        "not-an-object",
        "unknown-type",
        "no-type",
        "bad-enum",
        "missing-field",
        "unknown-key",
        "domain-rule",
    ],
)
def test_bad_line_stops_keeping_earlier_lines_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str, expected: str
) -> None:
    db = tmp_path / "ledger.db"
    lines = [GOOD[0], GOOD[1], bad, GOOD[2]]
    assert run_apply(tmp_path, lines, db) == 1
    err = capsys.readouterr().err
    assert err.startswith(expected), err
    assert "stopped: 2 command(s) applied before the bad line" in err
    # Lines 1–2 only: the unit, S1 (appointed + enrolled), two command records.
    assert stored_events(db) == 1 + 2 + 2


def test_unknown_type_message_is_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ledger.db"
    assert run_apply(tmp_path, [line(type="nope", occurred_at="2023-01-01")], db) == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first == "line 1: type: unknown command type 'nope' (see 'supervision-ledger schema')"


def test_empty_file_applies_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ledger.db"
    assert run_apply(tmp_path, ["", "   "], db) == 0
    assert "applied 0 command(s)" in capsys.readouterr().out
    assert stored_events(db) == 0


def test_reapplying_with_command_ids_adds_no_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ledger.db"
    assert run_apply(tmp_path, GOOD, db) == 0
    before = stored_events(db)
    assert run_apply(tmp_path, GOOD, db) == 0
    assert "applied 0 command(s); 3 already recorded" in capsys.readouterr().out
    assert stored_events(db) == before


def test_schema_lists_every_command_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    mapping = schema["discriminator"]["mapping"]
    assert schema["discriminator"]["propertyName"] == "type"
    assert set(mapping) == {cls.model_fields["type"].default for cls in ALL_COMMANDS}
    for ref in mapping.values():  # every tag points at a definition that exists
        assert ref.removeprefix("#/$defs/") in schema["$defs"]


def test_reapplying_a_seedless_draw_with_a_command_id_records_nothing(tmp_path: Path) -> None:
    """The ledger picks the seed of a seedless draw; a repeat must still be recognised."""
    store = f"sqlite:///{tmp_path / 'draw.db'}"
    lines = [
        {
            "type": "register_unit",
            "unit": "QC",
            "name": "清城区人民检察院",
            "level": "district",
            "occurred_at": "2023-01-01T09:00",
            "command_id": "u",
        },
        *[
            {
                "type": "appoint_supervisor",
                "supervisor": f"S{i}",
                "unit": "QC",
                "name": f"张某{i}",
                "roles": ["peoples_supervisor"],
                "term_start": "2022-01-01",
                "occurred_at": "2022-01-01T09:00",
                "command_id": f"s{i}",
            }
            for i in range(4)
        ],
        {
            "type": "register_case",
            "case": "K1",
            "unit": "QC",
            "kind": "other",
            "handling_prosecutor": "李某",
            "received_on": "2023-04-01",
            "occurred_at": "2023-04-01T09:00",
            "command_id": "k",
        },
        {
            "type": "open_activity",
            "case": "K1",
            "activity_type": "quality_review",
            "occurred_at": "2023-04-02T09:00",
            "command_id": "a",
        },
        {
            "type": "draw_supervisors",
            "case": "K1",
            "activity": "A1",
            "count": 2,
            "occurred_at": "2023-04-02T10:00",
            "command_id": "d",
        },
    ]
    path = tmp_path / "draw.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n")
    assert main(["apply", str(path), "--store", store]) == 0
    with Ledger(store=store) as ledger:
        drawn = sorted(ledger.case("K1").activities["A1"].invitations)
        events = ledger.app.recorder.max_notification_id()
    assert main(["apply", str(path), "--store", store]) == 0
    with Ledger(store=store) as ledger:
        assert sorted(ledger.case("K1").activities["A1"].invitations) == drawn
        assert ledger.app.recorder.max_notification_id() == events
