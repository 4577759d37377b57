"""Fingerprints are spelled as they always were.

A command record keeps (a keyed digest of) its command's fingerprint, and a repeat is
recognised by computing the fingerprint again: the canonical JSON must be the very text
``json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` gave
when the record was written, though msgspec writes it now.
"""

from __future__ import annotations

import json
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from supervision_ledger import commands as c
from supervision_ledger.commands import COMMAND_TYPES, canonical_json


def reference(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


TEXT = st.text(st.characters())  # every code point, lone surrogates included
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner) | st.dictionaries(TEXT, inner),
    max_leaves=25,
)


@given(JSONISH)
def test_canonical_json_is_the_text_json_dumps_gives(data: Any) -> None:
    assert canonical_json(data) == reference(data)


def annotations_within(annotation: Any, seen: set[type]) -> list[Any]:
    """``annotation`` and every type inside it, nested models' fields included."""
    found = [annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return found
        seen.add(annotation)
        for info in annotation.model_fields.values():
            found += annotations_within(info.annotation, seen)
    for arg in typing.get_args(annotation):
        found += annotations_within(arg, seen)
    return found


def test_no_command_field_holds_a_float() -> None:
    # msgspec and json.dumps spell some floats differently (1e16, 1e+16): were a command
    # to hold one, its fingerprint would change.
    seen: set[type] = set()
    for command_type in COMMAND_TYPES.values():
        for found in annotations_within(command_type, seen):
            assert found is not float, command_type.__name__
    assert len(seen) > len(COMMAND_TYPES)  # nested models were walked too


@given(
    name=TEXT.filter(lambda s: s.strip() != "" and "\x00" not in s),
    amount=st.decimals("0.01", "99999", places=2),
    when=st.datetimes(datetime(1950, 1, 1), datetime(2199, 1, 1)),
)
def test_a_commands_fingerprint_is_the_old_canonical_json(
    name: str, amount: Decimal, when: datetime
) -> None:
    try:
        commands: list[c.Command] = [
            c.PayAllowance(
                supervisor="S1", amount=amount, purpose=name, occurred_at=when, command_id="x"
            ),
            c.RegisterCase(
                case="K1",
                unit="QC",
                kind="other",  # type: ignore[arg-type]
                handling_prosecutor=name,
                parties=[c.PartyInput(name=name, minor=True)],
                received_on=date(2024, 1, 2),
                occurred_at=when,
            ),
        ]
    except ValueError:  # a text the commands refuse (e.g. too long)
        return
    for command in commands:
        data = c._normalised(
            {k: v for k, v in command if k not in ("command_id", "actor", "unit_activity")}
        )
        assert command.fingerprint() == reference(data)
