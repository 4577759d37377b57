"""Command records: what makes a ``command_id`` idempotent, also across restarts.

A command that carries a ``command_id`` is saved in one transaction with a
``CommandRecord`` aggregate whose id derives from the command id. Running the same
command id again finds the record and returns its result without recording anything;
a different command under the same id is refused.

The record is also where a command's ``actor`` (who entered it) is kept: every event the
command recorded carries its command id in the hash chain, so the record names the actor
of each of them (``Ledger.history``, the export's ``CommandRecord.Recorded`` lines). A
command with an actor but no command id is given one (``auto:<uuid>``) for that.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from .commands import Command
from .domain.base import aggregate_id

C = TypeVar("C", bound=Command)


class CommandRecord(Aggregate):
    """The first result of one command id."""

    class Recorded(Aggregate.Created):
        command_id: str
        command_type: str
        fingerprint: str
        ids: dict[str, str | list[str]]
        occurred_at: datetime
        #: Who entered the command (``clerk:<id>`` / ``system:<id>``), if it said.
        actor: str | None

        #: Version 2 records the actor (issue 12); older records read back without one.
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["actor"] = None

    @staticmethod
    def create_id(command_id: str, **_: object) -> UUID:
        return aggregate_id("command", command_id)

    @event(Recorded)
    def __init__(
        self,
        command_id: str,
        command_type: str,
        fingerprint: str,
        ids: dict[str, str | list[str]],
        occurred_at: datetime,
        actor: str | None = None,
    ) -> None:
        self.command_id = command_id
        self.actor = actor
        self.command_type = command_type
        self.fingerprint = fingerprint
        self.ids = ids
        self.occurred_at = occurred_at


#: The prefix of a command id the ledger gives a command that names an actor but no id.
AUTO_PREFIX = "auto:"


def attributed(command: C) -> C:
    """``command``, given a fresh ``auto:<uuid>`` command id when it names an actor but
    no id: the actor is kept in the command record, found through the command id."""
    if command.actor is not None and command.command_id is None:
        return command.model_copy(update={"command_id": f"{AUTO_PREFIX}{uuid4().hex}"})
    return command
