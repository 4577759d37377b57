"""docs/commands.md and docs/flows.md: every command documented in exactly one of them,
to the same standard, and the examples of docs/commands.md form a story that applies.

(The examples of docs/flows.md are applied by tests/cli/test_docs_flows.py.)
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from supervision_ledger.cli import main
from supervision_ledger.commands import ALL_COMMANDS, FLOW_COMMANDS, Command
from supervision_ledger.domain.errors import LedgerError

DOCS = Path(__file__).resolve().parents[2] / "docs"
DOC = DOCS / "commands.md"
FLOWS = DOCS / "flows.md"
#: Fields every command has, described once at the top of docs/commands.md.
COMMON_FIELDS = {"type", "occurred_at", "command_id", "actor"}
TABLE_HEAD = "| field | type | | meaning |\n|---|---|---|---|\n"


def json_lines(text: str) -> list[str]:
    blocks = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def command_sections(text: str) -> dict[str, str]:
    """Command name → the text of its ``### `name``` section (up to the next heading)."""
    found: dict[str, str] = {}
    for part in re.split(r"^(?=#{2,3} )", text, flags=re.MULTILINE):
        heading = re.match(r"### `([a-z_]+)`\n", part)
        if heading:
            assert heading.group(1) not in found, f"two sections for {heading.group(1)}"
            found[heading.group(1)] = part
    return found


def name_of(cls: type[Command]) -> str:
    name: str = cls.model_fields["type"].default
    return name


def rule_names() -> set[str]:
    """Every rule a LedgerError subclass names."""
    rules, todo = set(), [LedgerError]
    while todo:
        cls = todo.pop()
        rules.add(cls.rule)
        todo.extend(cls.__subclasses__())
    return rules


def documented() -> dict[str, tuple[str, str]]:
    """Command name → (the doc that has its section, the section)."""
    found: dict[str, tuple[str, str]] = {}
    for doc in (DOC, FLOWS):
        for name, section in command_sections(doc.read_text(encoding="utf-8")).items():
            assert name not in found, (
                f"{name} has a section in both {found[name][0]} and docs/{doc.name}: "
                "document each command in one place"
            )
            found[name] = (f"docs/{doc.name}", section)
    return found


def test_every_command_type_has_a_section_and_an_example() -> None:
    """A command is documented by a ``### `name``` section, in docs/commands.md or
    docs/flows.md, with a JSON example of it in that section."""
    sections = documented()
    for cls in ALL_COMMANDS:
        name = name_of(cls)
        assert name in sections, f"neither docs/commands.md nor docs/flows.md documents {name}"
        doc, section = sections[name]
        exemplified = {json.loads(line)["type"] for line in json_lines(section)}
        assert name in exemplified, f"{doc}: the section of {name} has no JSON example of it"
    stale = set(sections) - {name_of(cls) for cls in ALL_COMMANDS}
    assert not stale, f"sections for commands that do not exist: {sorted(stale)}"


def test_flow_commands_are_in_flows_md_and_listed_in_commands_md() -> None:
    sections = documented()
    in_flows = {name for name, (doc, _) in sections.items() if doc == "docs/flows.md"}
    assert in_flows == {name_of(cls) for cls in FLOW_COMMANDS}
    pointer = DOC.read_text(encoding="utf-8").split("\n## Neighbouring flows (flows.md)\n", 1)
    assert len(pointer) == 2, "docs/commands.md has no section pointing to docs/flows.md"
    assert set(re.findall(r"`([a-z_]+)`", pointer[1])) == in_flows


@pytest.mark.parametrize("cls", ALL_COMMANDS, ids=name_of)
def test_each_section_has_its_fields_and_refusing_rules(cls: type[Command]) -> None:
    """The field table names every field of the model (and no other), required or
    optional as the model says; the refusing rules are rules the ledger raises."""
    doc, section = documented()[name_of(cls)]
    assert TABLE_HEAD in section, f"{doc}: {name_of(cls)} has no field table"
    rows = re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| (required|optional) \|", section, re.M)
    expected = {
        field: "required" if info.is_required() else "optional"
        for field, info in cls.model_fields.items()
        if field not in COMMON_FIELDS
    }
    assert dict(rows) == expected, f"{doc}: the field table of {name_of(cls)}"
    refused = re.search(r"^Refused with: (.*?)(?:\n\n|\Z)", section, re.M | re.S)
    assert refused, f"{doc}: {name_of(cls)} does not say which rules refuse it"
    # The rules are the names outside the parenthesised explanations, which may quote
    # fields and values.
    rules_text = refused.group(1)
    while re.search(r"\([^()]*\)", rules_text):
        rules_text = re.sub(r"\([^()]*\)", "", rules_text)
    named = set(re.findall(r"`([a-z_]+)`", rules_text))
    assert named, f"{doc}: {name_of(cls)} names no rule"
    assert named <= rule_names(), f"{doc}: {name_of(cls)}: unknown rules {named - rule_names()}"


def test_examples_apply_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = json_lines(DOC.read_text(encoding="utf-8"))
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
