"""docs/commands.md: every command documented, and its examples form a story that applies."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from supervision_ledger.cli import main
from supervision_ledger.commands import ALL_COMMANDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "commands.md"


def json_lines() -> list[str]:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_every_command_type_has_a_section_and_an_example() -> None:
    text = DOC.read_text(encoding="utf-8")
    exemplified = {json.loads(line)["type"] for line in json_lines()}
    for cls in ALL_COMMANDS:
        name = cls.model_fields["type"].default
        assert f"### `{name}`" in text, f"docs/commands.md has no section for {name}"
        assert name in exemplified, f"docs/commands.md has no JSON example of {name}"


def test_examples_apply_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = json_lines()
    path = tmp_path / "story.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "story.db"
    code = main(["apply", str(path), "--store", f"sqlite:///{db}"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"applied {len(lines)} command(s)" in out
    with sqlite3.connect(db) as conn:
        events = conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0]
    assert events >= len(lines)  # every command recorded at least one event
