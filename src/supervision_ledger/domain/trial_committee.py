"""The chief prosecutor attending the court's trial committee (检察长列席审判委员会).

A sitting of the people's court's adjudication committee that the chief prosecutor
(or a deputy entrusted by him) attended; each opinion given there is recorded, and
whether the committee adopted it. Yulin (seed 002) counts 221 opinions given and 177
adopted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .base import LedgerAggregate, aggregate_id, not_before
from .errors import AlreadyExists, InvalidTransition, NotFound


@dataclass
class CommitteeOpinion:
    """One opinion the attending prosecutor gave at a sitting."""

    key: str
    matter: str | None
    content: str
    given_at: datetime
    adopted: bool | None = None
    decided_at: datetime | None = None


class TrialCommitteeSitting(LedgerAggregate):
    """One sitting of a court's trial committee attended by the procuratorate."""

    kind: ClassVar[str] = "trial_committee_sitting"

    class Attended(LedgerAggregate.Created):
        key: str
        unit: str
        court: str
        attendee: str
        entrusted_deputy: bool

    class OpinionGiven(LedgerAggregate.Event):
        opinion: str
        matter: str | None
        content: str

    class OpinionAdopted(LedgerAggregate.Event):
        opinion: str

    class OpinionNotAdopted(LedgerAggregate.Event):
        opinion: str

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("trial_committee_sitting", key)

    # -- queries ---------------------------------------------------------------

    def opinion(self, key: str) -> CommitteeOpinion:
        try:
            return self.opinions[key]
        except KeyError:
            raise NotFound(f"sitting {self.key!r} has no opinion {key!r}") from None

    def next_opinion_key(self) -> str:
        return f"P{len(self.opinions) + 1}"

    @property
    def adopted_count(self) -> int:
        return sum(1 for o in self.opinions.values() if o.adopted)

    # -- commands --------------------------------------------------------------

    @event(Attended)
    def __init__(
        self,
        key: str,
        unit: str,
        court: str,
        attendee: str,
        entrusted_deputy: bool,
        occurred_at: datetime,
    ) -> None:
        self.key = key
        self.unit = unit
        self.court = court
        self.attendee = attendee
        self.entrusted_deputy = entrusted_deputy
        self.attended_at = occurred_at
        self.opinions: dict[str, CommitteeOpinion] = {}

    def give_opinion(
        self, opinion: str, matter: str | None, content: str, occurred_at: datetime
    ) -> None:
        """An opinion given at the sitting (on a matter, e.g. the court's case number)."""
        if opinion in self.opinions:
            raise AlreadyExists(f"sitting {self.key!r} already has an opinion {opinion!r}")
        not_before(occurred_at, self.attended_at, f"opinion {opinion!r} at sitting {self.key!r}")
        self._give_opinion(opinion=opinion, matter=matter, content=content, occurred_at=occurred_at)

    @event(OpinionGiven)
    def _give_opinion(
        self, opinion: str, matter: str | None, content: str, occurred_at: datetime
    ) -> None:
        self.opinions[opinion] = CommitteeOpinion(opinion, matter, content, occurred_at)

    def record_adoption(self, opinion: str, adopted: bool, occurred_at: datetime) -> None:
        """Whether the committee adopted the opinion; recorded once per opinion."""
        op = self.opinion(opinion)
        if op.adopted is not None:
            state = "adopted" if op.adopted else "not adopted"
            raise InvalidTransition(
                f"opinion {opinion!r} at sitting {self.key!r} is already recorded as {state}"
            )
        not_before(occurred_at, op.given_at, f"adoption of opinion {opinion!r}")
        if adopted:
            self._adopt(opinion=opinion, occurred_at=occurred_at)
        else:
            self._not_adopt(opinion=opinion, occurred_at=occurred_at)

    @event(OpinionAdopted)
    def _adopt(self, opinion: str, occurred_at: datetime) -> None:
        op = self.opinions[opinion]
        op.adopted, op.decided_at = True, occurred_at

    @event(OpinionNotAdopted)
    def _not_adopt(self, opinion: str, occurred_at: datetime) -> None:
        op = self.opinions[opinion]
        op.adopted, op.decided_at = False, occurred_at
