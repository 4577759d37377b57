"""Every JSON the ledger gives out validates against the schema it publishes
(``supervision-ledger schema --of NAME``), on the demo year."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import jsonschema
import pytest

from supervision_ledger import Ledger, UnknownKind, output_json_schema
from supervision_ledger.audit import aggregate_state
from supervision_ledger.cli import main
from supervision_ledger.demo import DemoSummary
from supervision_ledger.errors import UnknownSchema
from supervision_ledger.schemas import OUTPUTS


def check(name: str, data: Any) -> None:
    schema = output_json_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_every_output_validates_against_its_schema(demo_year: tuple[Ledger, DemoSummary]) -> None:
    ledger, year = demo_year
    day = date(2023, 12, 31)
    case = year.keys["cases"][0]
    outputs: dict[str, Any] = {
        "report": ledger.statistics("QY", rollup=True, as_of=day).model_dump(mode="json"),
        "explanation": ledger.explain(
            "opinions.adoption_rate", "QY", rollup=True, end=date(2023, 3, 31), as_of=day
        ).model_dump(mode="json"),
        "feedback": ledger.pending_feedback(as_of=day).model_dump(mode="json"),
        "dossier": ledger.dossier(year.keys["supervisors"][0]).model_dump(mode="json"),
        "hearings": ledger.hearings().model_dump(mode="json"),
        "list": ledger.listing("supervisor", limit=3).model_dump(mode="json"),
        "state": ledger.state("case", case).model_dump(mode="json"),
        "history": {
            "events": [e.to_json() for e in ledger.history(f"case:{case}")],
            "state": aggregate_state(ledger.case(case)),
        },
        "digest": ledger.digest().to_json(),
        "verify": ledger.verify(ledger.digest()).to_json(),
        "commands": {"type": "close_case", "case": case, "occurred_at": "2024-01-01T09:00"},
    }
    for item in ledger.events_after(0, limit=1000):
        check("event", item.model_dump(mode="json"))
    assert set(outputs) | {"event"} >= set(OUTPUTS)
    for name, data in outputs.items():
        check(name, data)
    # A schema that says something: a wrong type is refused.
    broken = json.loads(json.dumps(outputs["feedback"]))
    broken["opinions"][0]["overdue"] = "no"
    with pytest.raises(jsonschema.ValidationError):
        check("feedback", broken)


def test_the_command_line_prints_schemas_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--of", "hearings"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$defs"]["HearingEntry"]["properties"]["observers"]["type"] == "array"
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "supervision_ledger command"
    with pytest.raises(UnknownSchema, match="did you mean 'hearings'"):
        output_json_schema("hearing")
    assert not issubclass(UnknownSchema, UnknownKind)
