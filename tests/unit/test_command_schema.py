"""Schema consumers (OpenAPI generators, clients) see every command's ``type`` as
required, while Python code and ``parse_command`` work as before."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from supervision_ledger import command_json_schema, parse_command
from supervision_ledger import commands as c


@pytest.mark.parametrize("command", c.ALL_COMMANDS, ids=lambda cls: cls.__name__)
def test_type_is_required_in_every_command_schema(command: type[c.Command]) -> None:
    for schema in (
        command.model_json_schema(),
        command.model_json_schema(mode="serialization"),
        command_json_schema()["$defs"][command.__name__],
    ):
        assert schema["required"].count("type") == 1
        assert schema["properties"]["type"]["const"] == command.model_fields["type"].default


def test_commands_still_fill_in_their_type_and_parse() -> None:
    unit = c.RegisterUnit(unit="QY", name="清远市人民检察院", level="city",
                          occurred_at="2019-03-01T09:00")  # fmt: skip
    assert unit.type == "register_unit"
    assert parse_command(unit.model_dump(mode="json")) == unit
    with pytest.raises(ValidationError):
        parse_command({k: v for k, v in unit.model_dump().items() if k != "type"})
