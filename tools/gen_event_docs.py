#!/usr/bin/env python3
"""Print the field tables of docs/events.md from the event classes, or check them.

    PYTHONPATH=src python tools/gen_event_docs.py [AGGREGATE ...]   # print sections
    PYTHONPATH=src python tools/gen_event_docs.py --check           # compare with the doc

Printing gives, for each event of the named aggregates (default: all of them and
``CommandRecord``), its ``### `Aggregate.Event``` heading and its ``| field | type |``
table; the one-line meaning of each event is written by hand in the doc, so paste the
tables and keep the prose. ``--check`` compares every table in docs/events.md with the
one the classes give and exits 1, naming the event, when they differ (a field added,
renamed or retyped without the doc following).
"""

from __future__ import annotations

import argparse
import inspect
import sys
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path

from eventsourcing.domain import Aggregate

from supervision_ledger.domain import AGGREGATES
from supervision_ledger.domain.forgetting import Forgetting
from supervision_ledger.idempotency import CommandRecord

DOC = Path(__file__).resolve().parents[1] / "docs" / "events.md"

#: Fields every event has; docs/events.md describes them once, at the top.
COMMON = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "occurred_at"}
)

_SCALARS: dict[object, str] = {
    str: "string",
    int: "integer",
    bool: "boolean",
    date: "date",
    datetime: "datetime",
    Decimal: "decimal",
}


def all_aggregates() -> tuple[type[Aggregate], ...]:
    """The domain aggregates, then the idempotency record and the record of forgetting
    a person (also stored as events)."""
    return (*AGGREGATES, CommandRecord, Forgetting)


def event_classes(aggregate: type[Aggregate]) -> list[tuple[str, type[Aggregate.Event]]]:
    """The aggregate's own event classes in declaration order, as ``Aggregate.Event``.

    Events an aggregate inherits (a ``UnitActivity`` records the ``Case`` events after its
    own opening) are the base's: eventsourcing redefines them on the subclass, unused."""
    found = []
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


def fields(event: type[Aggregate.Event]) -> dict[str, object]:
    """The event's own fields (not the common ones, not class variables such as
    ``originator_id_type``), in declaration order."""
    return {
        name: hint
        for name, hint in typing.get_type_hints(event).items()
        if name not in COMMON and typing.get_origin(hint) is not typing.ClassVar
    }


def render_type(hint: object) -> str:
    """The type as docs/events.md writes it (``string or null``, ``list of Party``…)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        rendered = " or ".join(render_type(a) for a in present)
        return f"{rendered} or null" if len(present) < len(args) else rendered
    if origin in (list, tuple):
        return f"list of {render_type(args[0])}"
    if origin is dict:
        return "object"
    if isinstance(hint, type) and issubclass(hint, Enum):
        values = ", ".join(str(member.value) for member in hint)
        return f"`{hint.__name__}` ({values})"
    if hint in _SCALARS:
        return _SCALARS[hint]
    if isinstance(hint, type):
        return hint.__name__
    raise TypeError(f"no documented rendering for the type {hint!r}")


def table(event: type[Aggregate.Event]) -> str:
    """The field table of one event, or the sentence the doc uses when it has none."""
    own = fields(event)
    if not own:
        return "No fields besides the common ones."
    rows = [f"| `{name}` | {render_type(hint)} |" for name, hint in own.items()]
    return "\n".join(["| field | type |", "|---|---|", *rows])


def section(qualified: str, event: type[Aggregate.Event]) -> str:
    lead = "Creates the aggregate.\n\n" if issubclass(event, Aggregate.Created) else ""
    return f"### `{qualified}`\n\n{lead}{table(event)}\n"


def documented_table(text: str, qualified: str) -> str | None:
    """The table (or no-fields sentence) of ``qualified`` in the doc; None if absent."""
    heading = f"### `{qualified}`"
    if heading not in text:
        return None
    body = text.split(heading, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    lines = body.strip().splitlines()
    rows = [line for line in lines if line.startswith("|")]
    if rows:
        return "\n".join(rows)
    if "No fields besides the common ones." in body:
        return "No fields besides the common ones."
    return ""


def check(text: str) -> list[str]:
    """Every difference between the doc's tables and the classes, one message each."""
    problems = []
    for aggregate in all_aggregates():
        for qualified, event in event_classes(aggregate):
            found = documented_table(text, qualified)
            if found is None:
                problems.append(f"{qualified}: no section in docs/events.md")
            elif found != table(event):
                problems.append(
                    f"{qualified}: the doc has\n{found}\nbut the class gives\n{table(event)}"
                )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("aggregates", nargs="*", help="aggregate class names; default: all")
    parser.add_argument("--check", action="store_true", help="compare with docs/events.md")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(DOC.read_text(encoding="utf-8"))
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    by_name = {aggregate.__name__: aggregate for aggregate in all_aggregates()}
    unknown = [name for name in args.aggregates if name not in by_name]
    if unknown:
        parser.error(f"unknown aggregate(s): {', '.join(unknown)}; known: {', '.join(by_name)}")
    for name in args.aggregates or list(by_name):
        print(f"## {name}\n")
        for qualified, event in event_classes(by_name[name]):
            print(section(qualified, event))
    return 0


if __name__ == "__main__":
    sys.exit(main())
