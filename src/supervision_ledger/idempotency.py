"""Command records: what makes a ``command_id`` idempotent, also across restarts.

A command that carries a ``command_id`` is saved in one transaction with a
``CommandRecord`` aggregate whose id derives from the command id. Running the same
command id again finds the record and returns its result without recording anything;
a different command under the same id is refused.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .domain.base import aggregate_id


class CommandRecord(Aggregate):
    """The first result of one command id."""

    class Recorded(Aggregate.Created):
        command_id: str
        command_type: str
        fingerprint: str
        ids: dict[str, str | list[str]]
        occurred_at: datetime

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
    ) -> None:
        self.command_id = command_id
        self.command_type = command_type
        self.fingerprint = fingerprint
        self.ids = ids
        self.occurred_at = occurred_at
