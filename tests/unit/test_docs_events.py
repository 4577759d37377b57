"""docs/events.md names every event of every aggregate, with its fields and their types."""

from __future__ import annotations

import importlib.util
import inspect
import typing
from pathlib import Path
from types import ModuleType

from eventsourcing.domain import Aggregate

from supervision_ledger.domain import AGGREGATES

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "events.md"
COMMON = {"originator_id", "originator_version", "timestamp", "originator_topic", "occurred_at"}


def event_classes() -> list[tuple[str, type[Aggregate.Event]]]:
    found = []
    for aggregate in AGGREGATES:
        # A UnitActivity records Case's events: eventsourcing redefines them on it, unused.
        inherited = {name for base in aggregate.__mro__[1:] for name in vars(base)}
        for name, member in vars(aggregate).items():
            if (
                inspect.isclass(member)
                and issubclass(member, Aggregate.Event)
                and name not in ("Event", "Created")
                and name not in inherited
            ):
                found.append((f"{aggregate.__name__}.{name}", member))
    return found


def generator() -> ModuleType:
    """tools/gen_event_docs.py, which renders (and checks) the field tables."""
    spec = importlib.util.spec_from_file_location(
        "gen_event_docs", ROOT / "tools" / "gen_event_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_aggregates_have_events() -> None:
    assert len(event_classes()) >= len(AGGREGATES) * 2


def test_every_event_and_its_fields_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for qualified, cls in event_classes():
        assert f"### `{qualified}`" in text, f"docs/events.md does not document {qualified}"
        section = text.split(f"### `{qualified}`", 1)[1].split("\n### ", 1)[0]
        # Class variables (originator_id_type) are not stored; every other field is.
        fields = {
            k
            for k, hint in typing.get_type_hints(cls).items()
            if k not in COMMON and typing.get_origin(hint) is not typing.ClassVar
        }
        for field in fields:
            assert f"`{field}`" in section, f"{qualified}.{field} is not in docs/events.md"


def test_documented_field_types_match_the_event_classes() -> None:
    problems = generator().check(DOC.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_the_type_check_catches_a_retyped_field() -> None:
    """A doc that says a boolean field is a string is reported, naming the event."""
    text = DOC.read_text(encoding="utf-8")
    row = "| `urgent` | boolean |"
    assert text.count(row) == 1
    problems = generator().check(text.replace(row, "| `urgent` | string |"))
    assert len(problems) == 1
    assert problems[0].startswith("Suggestion.Served:")
