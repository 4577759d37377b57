"""Partner units (协作单位) and the cooperation agreements signed with them.

Dalad Banner counts 16 partner units: an agreement (协作机制 / 合作协议) signed with a
named unit is in force from its first day through its last (open-ended if it has
none), unless terminated early, after which it is no longer in force from the
termination date on.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .base import LedgerAggregate, aggregate_id, not_before
from .errors import InvalidPeriod, InvalidTransition


class PartnerAgreement(LedgerAggregate):
    """A cooperation agreement between a procuratorate unit and a partner unit."""

    kind: ClassVar[str] = "partner_agreement"

    class Signed(LedgerAggregate.Created):
        key: str
        unit: str
        partner: str
        title: str | None
        in_force_from: date
        in_force_until: date | None

    class Terminated(LedgerAggregate.Event):
        effective_on: date
        reason: str

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("partner_agreement", key)

    # -- queries ---------------------------------------------------------------

    @property
    def last_day(self) -> date | None:
        """The last day in force (None: open-ended), after any early termination."""
        if self.terminated_on is not None:
            return date.fromordinal(self.terminated_on.toordinal() - 1)
        return self.in_force_until

    def in_force_on(self, day: date) -> bool:
        last = self.last_day
        return self.in_force_from <= day and (last is None or day <= last)

    # -- commands --------------------------------------------------------------

    @staticmethod
    def check_period(key: str, in_force_from: date, in_force_until: date | None) -> None:
        if in_force_until is not None and in_force_until < in_force_from:
            raise InvalidPeriod(
                f"agreement {key!r} would end {in_force_until.isoformat()}, before it comes "
                f"into force {in_force_from.isoformat()}"
            )

    @classmethod
    def sign(
        cls,
        key: str,
        unit: str,
        partner: str,
        title: str | None,
        in_force_from: date,
        in_force_until: date | None,
        occurred_at: datetime,
    ) -> PartnerAgreement:
        cls.check_period(key, in_force_from, in_force_until)
        return cls(
            key=key,
            unit=unit,
            partner=partner,
            title=title,
            in_force_from=in_force_from,
            in_force_until=in_force_until,
            occurred_at=occurred_at,
        )

    @event(Signed)
    def __init__(
        self,
        key: str,
        unit: str,
        partner: str,
        title: str | None,
        in_force_from: date,
        in_force_until: date | None,
        occurred_at: datetime,
    ) -> None:
        self.key = key
        self.unit = unit
        self.partner = partner
        self.title = title
        self.in_force_from = in_force_from
        self.in_force_until = in_force_until
        self.signed_at = occurred_at
        self.terminated_on: date | None = None
        self.termination_reason: str | None = None

    def terminate(self, effective_on: date, reason: str, occurred_at: datetime) -> None:
        """End the agreement early: from ``effective_on`` on it is no longer in force.
        The date falls after the first day and no later than the agreed last day."""
        if self.terminated_on is not None:
            raise InvalidTransition(
                f"agreement {self.key!r} was already terminated on {self.terminated_on.isoformat()}"
            )
        not_before(occurred_at, self.signed_at, f"termination of agreement {self.key!r}")
        if effective_on <= self.in_force_from or (
            self.in_force_until is not None and effective_on > self.in_force_until
        ):
            until = self.in_force_until.isoformat() if self.in_force_until else "open-ended"
            raise InvalidPeriod(
                f"agreement {self.key!r} is in force {self.in_force_from.isoformat()} – {until}; "
                f"an early termination on {effective_on.isoformat()} falls outside it"
            )
        self._terminate(effective_on=effective_on, reason=reason, occurred_at=occurred_at)

    @event(Terminated)
    def _terminate(self, effective_on: date, reason: str, occurred_at: datetime) -> None:
        self.terminated_on, self.termination_reason = effective_on, reason
