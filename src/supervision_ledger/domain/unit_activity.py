"""A supervision activity of a unit, not of a case (issue 12, point 4).

Circuit inspections (巡回检察), judicial-conduct inspections (司法规范化检查), briefings
on procuratorial work (检察工作情况通报), open days (检察开放日) and visits of NPC deputies
and CPPCC members belong to a procuratorate unit, not to a case. A ``UnitActivity`` is
one such activity (one 件次), named by its own key, with the same invitations, draws,
attendance and opinions — and the same answers owed to every opinion — as an activity
of a case.

It *is* a :class:`~.case.Case` holding exactly one activity (:data:`ACTIVITY`): every
rule of invitations, draws and opinions is the case's, written once there, and the
events after the opening are the case's events (``Case.SupervisorsDrawn``,
``Case.OpinionSubmitted``, …), so the export check and the views read them alike. Only
the opening is its own (``UnitActivity.Opened``: the key and the unit), and refusals
name the unit activity, not a case. It closes as a case does (``Case.Closed``, by
``close_unit_activity``); a step after that is refused as ``unit_activity_closed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .base import LedgerAggregate, aggregate_id
from .case import Case
from .errors import RuleViolation, UnitActivityClosed
from .policy import Policy
from .supervisor import Supervisor
from .values import ActivityType, CaseFacts, CaseKind

#: The key of the one activity a unit activity holds.
ACTIVITY = "A1"


class UnitActivity(Case):
    """One supervision activity of a procuratorate unit, with its invitations and opinions."""

    kind: ClassVar[str] = "unit_activity"

    class Opened(LedgerAggregate.Created):
        key: str
        unit: str

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("unit_activity", key)

    @event(Opened)
    def __init__(self, key: str, unit: str, occurred_at: datetime) -> None:
        self.key = key
        self.unit = unit
        self._start(occurred_at)

    @classmethod
    def open(
        cls,
        key: str,
        unit: str,
        activity_type: ActivityType,
        title: str | None,
        initiated_by: Supervisor | None,
        occurred_at: datetime,
        policy: Policy,
    ) -> UnitActivity:
        """Open a unit activity: ``Opened``, then its one activity (``Case.ActivityOpened``)."""
        if activity_type is ActivityType.PUBLIC_HEARING:
            raise RuleViolation(
                f"unit activity {key!r} cannot be a {activity_type.value}: a hearing is "
                "held on a case (open_activity on the case)"
            )
        opened = cls(key=key, unit=unit, occurred_at=occurred_at)
        opened.open_activity(
            ACTIVITY, activity_type, title, initiated_by, None, occurred_at, policy
        )
        return opened

    def _check_open(self) -> None:
        if self.closed_at is not None:
            raise UnitActivityClosed(f"{self.label} is closed")

    @property
    def label(self) -> str:
        return f"unit activity {self.key!r}"

    @property
    def facts(self) -> CaseFacts:
        # No parties and no case: a relationship declared for a case never matches it.
        return CaseFacts(
            key=self.key, unit=self.unit, kind=CaseKind.OTHER, party_names=(), has_minor=False
        )
