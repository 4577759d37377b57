"""The base of every aggregate: events carry business time beside recorded time."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from .errors import OutOfOrder

#: Aggregate ids are derived from the natural key a host gives (unit code, case number,
#: supervisor code, hearing number), so the same key always names the same aggregate.
LEDGER_NAMESPACE = uuid5(NAMESPACE_URL, "https://supervision-ledger/ids")


@lru_cache(maxsize=65536)  # every command derives several; uuid5 is not free
def aggregate_id(kind: str, key: str) -> UUID:
    """The UUID of the ``kind`` aggregate named ``key``, e.g. ``("case", "K-2023-12")``."""
    return uuid5(LEDGER_NAMESPACE, f"{kind}:{key}")


class LedgerAggregate(Aggregate):
    """An aggregate whose every event records when it happened (``occurred_at``).

    ``timestamp`` (set by eventsourcing when the event is created) is the recorded
    time; ``occurred_at`` is the business time, given by the command, because ledgers
    are often back-filled. Neither is derived from the other.
    """

    kind: ClassVar[str] = "aggregate"

    class Event(Aggregate.Event):
        occurred_at: datetime

    class Created(Event, Aggregate.Created):
        pass

    key: str

    @classmethod
    def id_for(cls, key: str) -> UUID:
        return aggregate_id(cls.kind, key)


def not_before(moment: datetime, previous: datetime | None, what: str) -> None:
    """Refuse a step whose business time precedes the step it follows."""
    if previous is not None and moment < previous:
        raise OutOfOrder(
            f"{what} at {moment.isoformat()} is before the step it follows ({previous.isoformat()})"
        )
