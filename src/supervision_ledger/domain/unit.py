"""Procuratorate units (检察院): province → city → district/county.

Figures are reported for one procuratorate or for a city with all its subordinate
ones (全市 / 两级院), so each unit knows its parent. A unit also keeps the roster of
people enrolled with it, which is the pool supervisors are drawn from.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .base import LedgerAggregate, aggregate_id
from .errors import InvalidUnit
from .values import UNIT_LEVEL_RANK, UnitLevel


class ProcuratorateUnit(LedgerAggregate):
    """A procuratorate: the unit cases, hearings and supervisors belong to."""

    kind: ClassVar[str] = "unit"

    class Registered(LedgerAggregate.Created):
        key: str
        name: str
        level: UnitLevel
        parent: str | None

    class PersonEnrolled(LedgerAggregate.Event):
        supervisor: str

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("unit", key)

    # -- queries ---------------------------------------------------------------

    @staticmethod
    def check_parent(level: UnitLevel, parent: ProcuratorateUnit | None) -> None:
        """A unit sits under a unit of a strictly higher level (a district under a city)."""
        if parent is not None and UNIT_LEVEL_RANK[parent.level] >= UNIT_LEVEL_RANK[level]:
            raise InvalidUnit(
                f"a {level.value} unit cannot sit under {parent.key!r}, "
                f"which is a {parent.level.value} unit"
            )

    # -- commands --------------------------------------------------------------

    @event(Registered)
    def __init__(
        self, key: str, name: str, level: UnitLevel, parent: str | None, occurred_at: datetime
    ) -> None:
        self.key = key
        self.name = name
        self.level = level
        self.parent = parent
        self.registered_at = occurred_at
        self.roster: list[str] = []

    def enroll(self, supervisor: str, occurred_at: datetime) -> None:
        """Add a person to this unit's roster (the pool for random draws)."""
        if supervisor not in self.roster:
            self._enroll(supervisor=supervisor, occurred_at=occurred_at)

    @event(PersonEnrolled)
    def _enroll(self, supervisor: str, occurred_at: datetime) -> None:
        self.roster.append(supervisor)
