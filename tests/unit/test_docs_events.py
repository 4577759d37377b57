"""docs/events.md names every event of every aggregate, with its fields."""

from __future__ import annotations

import inspect
import typing
from pathlib import Path

from eventsourcing.domain import Aggregate

from supervision_ledger.domain import AGGREGATES

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"
COMMON = {"originator_id", "originator_version", "timestamp", "originator_topic", "occurred_at"}


def event_classes() -> list[tuple[str, type[Aggregate.Event]]]:
    found = []
    for aggregate in AGGREGATES:
        for name, member in vars(aggregate).items():
            if (
                inspect.isclass(member)
                and issubclass(member, Aggregate.Event)
                and name not in ("Event", "Created")
            ):
                found.append((f"{aggregate.__name__}.{name}", member))
    return found


def test_aggregates_have_events() -> None:
    assert len(event_classes()) >= len(AGGREGATES) * 2


def test_every_event_and_its_fields_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for qualified, cls in event_classes():
        assert f"### `{qualified}`" in text, f"docs/events.md does not document {qualified}"
        section = text.split(f"### `{qualified}`", 1)[1].split("\n### ", 1)[0]
        fields = {
            k for k in typing.get_type_hints(cls) if k not in COMMON and not k.endswith("_type")
        }
        for field in fields:
            assert f"`{field}`" in section, f"{qualified}.{field} is not in docs/events.md"
