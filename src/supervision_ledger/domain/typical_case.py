"""Typical cases (典型案例): a case nominated at a level, selected or not.

A case may be nominated at the municipal, provincial and national (最高检) level; each
nomination is its own aggregate, keyed by case and level, so a case is nominated at
most once per level and each nomination is decided once. Yantai-Zhifu counts 1
national, 6 provincial and 5 municipal typical cases since 2022.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .base import LedgerAggregate, aggregate_id, not_before
from .case import Case
from .errors import InvalidTransition


class TypicalCaseLevel(StrEnum):
    """The level a typical case is selected at."""

    MUNICIPAL = "municipal"
    PROVINCIAL = "provincial"
    NATIONAL = "national"

    @property
    def zh(self) -> str:
        return {"municipal": "市级", "provincial": "省级", "national": "全国（最高检）"}[self.value]

    @property
    def en(self) -> str:
        return {"municipal": "municipal", "provincial": "provincial", "national": "national (SPP)"}[
            self.value
        ]


class NominationStatus(StrEnum):
    NOMINATED = "nominated"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"


class TypicalCaseNomination(LedgerAggregate):
    """One case nominated as a typical case at one level."""

    kind: ClassVar[str] = "typical_case"

    class Nominated(LedgerAggregate.Created):
        key: str
        case: str
        unit: str
        level: TypicalCaseLevel
        title: str | None
        nominated_by: str | None

    class Selected(LedgerAggregate.Event):
        publication: str | None

    class NotSelected(LedgerAggregate.Event):
        reason: str | None

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("typical_case", key)

    @staticmethod
    def key_for(case: str, level: TypicalCaseLevel) -> str:
        """The natural key of a nomination: the case and the level."""
        return f"{case}@{level.value}"

    # -- commands --------------------------------------------------------------

    @classmethod
    def nominate(
        cls,
        case: Case,
        level: TypicalCaseLevel,
        title: str | None,
        nominated_by: str | None,
        occurred_at: datetime,
    ) -> TypicalCaseNomination:
        """Nominate ``case`` at ``level`` (the caller checks it is not nominated there yet)."""
        not_before(occurred_at, case.registered_at, f"nomination of case {case.key!r}")
        return cls(
            key=cls.key_for(case.key, level),
            case=case.key,
            unit=case.unit,
            level=level,
            title=title,
            nominated_by=nominated_by,
            occurred_at=occurred_at,
        )

    @event(Nominated)
    def __init__(
        self,
        key: str,
        case: str,
        unit: str,
        level: TypicalCaseLevel,
        title: str | None,
        nominated_by: str | None,
        occurred_at: datetime,
    ) -> None:
        self.key = key
        self.case = case
        self.unit = unit
        self.level = level
        self.title = title
        self.nominated_by = nominated_by
        self.status = NominationStatus.NOMINATED
        self.nominated_at = occurred_at
        self.decided_at: datetime | None = None
        self.publication: str | None = None
        self.reason: str | None = None

    def decide(self, selected: bool, note: str | None, occurred_at: datetime) -> None:
        """Selected (with where it was published) or not (with a reason), once."""
        if self.status is not NominationStatus.NOMINATED:
            raise InvalidTransition(
                f"typical-case nomination {self.key!r} was already decided: {self.status.value}"
            )
        not_before(occurred_at, self.nominated_at, f"decision on nomination {self.key!r}")
        if selected:
            self._select(publication=note, occurred_at=occurred_at)
        else:
            self._not_select(reason=note, occurred_at=occurred_at)

    @event(Selected)
    def _select(self, publication: str | None, occurred_at: datetime) -> None:
        self.status, self.publication, self.decided_at = (
            NominationStatus.SELECTED,
            publication,
            occurred_at,
        )

    @event(NotSelected)
    def _not_select(self, reason: str | None, occurred_at: datetime) -> None:
        self.status, self.reason, self.decided_at = (
            NominationStatus.NOT_SELECTED,
            reason,
            occurred_at,
        )
