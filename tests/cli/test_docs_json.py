"""The JSON of ``feedback --json`` and ``hearings --json`` is documented field by field in
docs/cli.md: every field of their models is named in the command's section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from supervision_ledger.projections.feedback import (
    PendingFeedback,
    PendingOpinion,
    PendingPetition,
    PendingSuggestion,
)
from supervision_ledger.projections.hearings import (
    HearingEntry,
    HearingParticipantEntry,
    OfficerOpinionEntry,
    PartyResponseEntry,
)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")


def section(name: str) -> str:
    found = re.search(rf"^### `{name}`\n(.*?)(?=^### )", DOC, re.DOTALL | re.MULTILINE)
    assert found is not None, name
    return found.group(1)


@pytest.mark.parametrize(
    ("command", "models"),
    [
        ("feedback", [PendingFeedback, PendingOpinion, PendingSuggestion, PendingPetition]),
        (
            "hearings",
            [HearingEntry, HearingParticipantEntry, OfficerOpinionEntry, PartyResponseEntry],
        ),
    ],
)
def test_every_json_field_is_documented(command: str, models: list[type[BaseModel]]) -> None:
    text = section(command)
    assert f"schema --of {command}" in text
    for model in models:
        for field in model.model_fields:
            assert f"`{field}`" in text or f"`{field}[]`" in text, f"{command}: {field}"
