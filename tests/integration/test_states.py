"""``ledger.state(kind, key)``: every aggregate's state as a pydantic model with a JSON
Schema, now and as of a past moment; ``show KIND KEY --json`` prints it."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from supervision_ledger import Ledger, LedgerError, NotFound, UnknownKind
from supervision_ledger.application.states import (
    STATE_ADAPTER,
    STATES,
    CaseState,
    SupervisorState,
    UnitActivityState,
    state_json_schema,
)
from supervision_ledger.cli import main
from supervision_ledger.demo import DemoSummary


def keys_by_kind(ledger: Ledger) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    position = 0
    while page := ledger.events_after(position, limit=1000):
        for item in page:
            if item.version == 1 and item.aggregate_key is not None:
                found[item.aggregate_kind].append(item.aggregate_key)
        position = page[-1].position
    return found


def test_every_kind_of_aggregate_has_a_complete_state(
    demo_year: tuple[Ledger, DemoSummary],
) -> None:
    ledger, _ = demo_year
    found = keys_by_kind(ledger)
    assert set(STATES) <= set(found)
    for kind, model in STATES.items():
        for key in found[kind][:5]:
            state = ledger.state(kind, key)
            assert isinstance(state, model) and (state.kind, state.key) == (kind, key)
            live = vars(ledger._read(model.aggregate, key))
            kept = {name for name in live if not name.startswith("_")}
            # Every attribute the aggregate keeps is in the state, and nothing else.
            assert kept | {"version", "kind"} == set(model.model_fields), kind
            # JSON, and back through the union told apart by kind.
            assert STATE_ADAPTER.validate_json(state.model_dump_json()) == state


def test_a_case_state_holds_its_activities_and_opinions(
    demo_year: tuple[Ledger, DemoSummary],
) -> None:
    ledger, _ = demo_year
    key = next(k for k in keys_by_kind(ledger)["case"] if ledger.case(k).opinions)
    case = ledger.case(key)
    state = ledger.state("case", key)
    assert isinstance(state, CaseState)
    assert state.version == case.version and state.unit == case.unit
    assert set(state.activities) == set(case.activities)
    opinion = next(iter(case.opinions.values()))
    data = state.model_dump(mode="json")
    assert data["opinions"][opinion.key]["stage"] == opinion.stage.value
    assert data["opinions"][opinion.key]["submitted_at"] == opinion.submitted_at.isoformat()


def test_past_states_by_date_and_position(demo_year: tuple[Ledger, DemoSummary]) -> None:
    ledger, _ = demo_year
    key = keys_by_kind(ledger)["supervisor"][0]
    now = ledger.state("supervisor", key)
    assert isinstance(now, SupervisorState)
    first = ledger.state(
        "supervisor", key, at_position=ledger.history(f"supervisor:{key}")[0].position
    )
    assert first.version == 1 and first.name == now.name
    assert first.trainings == [] and first.allowances == []
    with pytest.raises(NotFound):
        ledger.state("supervisor", key, as_of=date(2000, 1, 1))
    with pytest.raises(ValueError, match="not both"):
        ledger.state("supervisor", key, as_of="2023-01-01", at_position=1)


def test_unknown_kinds_and_keys_are_refused_by_name(demo_year: tuple[Ledger, DemoSummary]) -> None:
    ledger, _ = demo_year
    with pytest.raises(UnknownKind, match="'cases' \\(did you mean 'case'\\?\\)") as raised:
        ledger.state("cases", "X")
    assert isinstance(raised.value, LedgerError) and raised.value.rule == "unknown_kind"
    with pytest.raises(NotFound, match="nobody"):
        ledger.state("supervisor", "nobody")


def test_the_schema_requires_kind_and_tells_states_apart() -> None:
    schema = state_json_schema()
    assert set(schema["discriminator"]["mapping"]) == set(STATES)
    case = schema["$defs"]["CaseState"]
    assert {"kind", "key", "version", "activities", "opinions"} <= set(case["required"])
    assert case["properties"]["kind"]["const"] == "case"


def test_show_prints_the_state_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ledger.db"
    with Ledger(store=f"sqlite:///{db}") as ledger:
        ledger.execute({"type": "register_unit", "unit": "QY", "name": "清远市人民检察院",
                        "level": "city", "occurred_at": "2019-03-01T09:00"})  # fmt: skip
    assert main(["show", "unit", "QY", "--json", "--store", f"sqlite:///{db}"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == {"kind": "unit", "key": "QY", "version": 1, "name": "清远市人民检察院",
                     "level": "city", "parent": None, "roster": [],
                     "registered_at": "2019-03-01T09:00:00+08:00"}  # fmt: skip
    assert main(["show", "unit", "QY", "--store", f"sqlite:///{db}"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["kind", "unit"] and ["name", "清远市人民检察院"] in [
        line.split() for line in lines
    ]
    assert main(["show", "units", "QY", "--store", f"sqlite:///{db}"]) == 2  # a usage error
    assert "did you mean 'unit'" in capsys.readouterr().err


def test_a_unit_activity_state_holds_its_one_activity_and_closing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(store=store) as ledger:
        for command in (
            {"type": "register_unit", "unit": "QC", "name": "清城区人民检察院",
             "level": "district", "occurred_at": "2023-01-01T09:00"},
            {"type": "open_unit_activity", "unit_activity": "QC-OD-1", "unit": "QC",
             "activity_type": "other", "title": "检察开放日", "occurred_at": "2023-05-16T09:00"},
            {"type": "close_unit_activity", "unit_activity": "QC-OD-1",
             "occurred_at": "2023-05-17T09:00"},
        ):  # fmt: skip
            ledger.execute(command)
        state = ledger.state("unit_activity", "QC-OD-1")
        assert isinstance(state, UnitActivityState)
        assert (state.kind, state.key, state.unit, state.version) == (
            "unit_activity", "QC-OD-1", "QC", 3,
        )  # fmt: skip
        assert list(state.activities) == ["A1"] and state.activities["A1"].title == "检察开放日"
        assert state.closed_at is not None and state.opinions == {}
        opened = ledger.state("unit_activity", "QC-OD-1", at_position=3)
        assert opened.version == 2 and opened.closed_at is None
        assert STATE_ADAPTER.validate_json(state.model_dump_json()) == state
    assert main(["show", "unit_activity", "QC-OD-1", "--json", "--store", store]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["kind"] == "unit_activity" and shown["closed_at"] == "2023-05-17T09:00:00+08:00"
    assert shown["activities"]["A1"]["type"] == "other"
    schema = state_json_schema()
    assert schema["discriminator"]["mapping"]["unit_activity"].endswith("/UnitActivityState")
    assert "closed_at" in schema["$defs"]["UnitActivityState"]["required"]
