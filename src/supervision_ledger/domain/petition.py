"""A petition (信访) to a procuratorate, and the replies it is owed.

received (channel; anonymous or without contact details flagged, because those are
left out of the reply rate [C]; optionally about a case) → procedural reply
(程序性回复: accepted / needs material / transferred) due within 7 days — calendar or
working days, per policy → result reply (结果答复) due within 3 months of receipt; a
progress reply (进展答复) meets that deadline instead, and then the next progress reply
is due a month later, for as long as the petition stays open → closed, which needs
both the procedural reply and the result reply ("事事有回音").

A petitioner who turns out to be unreachable (wrong number, no answer) is left out of
the reply rates from then on, with the reason recorded; a petition a leader takes on
personally (领导包案) records who.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .base import LedgerAggregate, aggregate_id, not_before
from .errors import ExplanationRequired, InvalidTransition, RepliesMissing, RuleViolation
from .policy import Policy
from .values import ReplyTiming, reply_timing


class PetitionChannel(StrEnum):
    """How the petition came in."""

    VISIT = "visit"
    LETTER = "letter"
    ONLINE = "online"
    PHONE = "phone"
    HOTLINE_12309 = "hotline_12309"
    OTHER = "other"

    @property
    def zh(self) -> str:
        return _CHANNEL_ZH[self]


_CHANNEL_ZH = {
    PetitionChannel.VISIT: "来访",
    PetitionChannel.LETTER: "来信",
    PetitionChannel.ONLINE: "网上信访",
    PetitionChannel.PHONE: "来电",
    PetitionChannel.HOTLINE_12309: "12309检察服务热线",
    PetitionChannel.OTHER: "其他",
}


class ProceduralOutcome(StrEnum):
    """What the procedural reply tells the petitioner."""

    ACCEPTED = "accepted"
    NEEDS_MATERIAL = "needs_material"
    TRANSFERRED = "transferred"

    @property
    def zh(self) -> str:
        return {"accepted": "受理", "needs_material": "告知补充材料", "transferred": "移送/转办"}[
            self.value
        ]


class PetitionStage(StrEnum):
    RECEIVED = "received"
    PROCEDURAL_REPLIED = "procedural_replied"
    RESULT_REPLIED = "result_replied"
    CLOSED = "closed"


class Petition(LedgerAggregate):
    """One petition received by one procuratorate unit."""

    kind: ClassVar[str] = "petition"

    # -- events ----------------------------------------------------------------

    class Received(LedgerAggregate.Created):
        key: str
        unit: str
        channel: PetitionChannel
        anonymous: bool
        has_contact: bool
        case: str | None
        subject: str

    class ProceduralReplied(LedgerAggregate.Event):
        outcome: ProceduralOutcome
        content: str
        transferred_to: str | None

    class ProgressReplied(LedgerAggregate.Event):
        content: str

    class ResultReplied(LedgerAggregate.Event):
        content: str

    class Closed(LedgerAggregate.Event):
        pass

    class FoundUnreachable(LedgerAggregate.Event):
        reason: str

    class LeaderAssigned(LedgerAggregate.Event):
        leader: str

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("petition", key)

    # -- queries ---------------------------------------------------------------

    @property
    def excluded_from_reply_rate(self) -> bool:
        """Anonymous petitions, those without contact details and those whose petitioner
        was found unreachable cannot be answered, so the reply rates leave them out [C]
        (and say how many)."""
        return self.anonymous or not self.has_contact or self.unreachable_reason is not None

    @property
    def is_closed(self) -> bool:
        return self.stage is PetitionStage.CLOSED

    def received_on(self, policy: Policy) -> date:
        return policy.local_date(self.received_at)

    def procedural_reply_due(self, policy: Policy) -> date:
        return policy.petition_procedural_due_on(self.received_on(policy))

    def procedural_reply_timing(self, today: date, policy: Policy) -> ReplyTiming:
        replied = (
            None
            if self.procedural_replied_at is None
            else policy.local_date(self.procedural_replied_at)
        )
        return reply_timing(self.procedural_reply_due(policy), replied, today)

    def answered_within(self, policy: Policy) -> date:
        """Last day for the result or first progress reply (3 months after receipt)."""
        return policy.petition_result_due_on(self.received_on(policy))

    def first_substantive_reply_on(self, policy: Policy) -> date | None:
        """The day of the first result or progress reply, whichever came first."""
        moments = [m for m in (self.result_replied_at, *self.progress_replied_at) if m]
        return policy.local_date(min(moments)) if moments else None

    def next_reply_due(self, policy: Policy) -> date | None:
        """When the next result-or-progress reply is due; None once the result is given."""
        if self.result_replied_at is not None:
            return None
        if self.progress_replied_at:
            return policy.petition_progress_due_on(policy.local_date(self.progress_replied_at[-1]))
        return self.answered_within(policy)

    def overdue_replies(self, today: date, policy: Policy) -> list[str]:
        """Which replies are past due and missing on ``today``: 'procedural', 'result'."""
        late: list[str] = []
        if self.is_closed:
            return late
        if self.procedural_reply_timing(today, policy) is ReplyTiming.OVERDUE:
            late.append("procedural")
        due = self.next_reply_due(policy)
        if due is not None and today > due:
            late.append("result")
        return late

    def _check_open(self, step: str, occurred_at: datetime) -> None:
        if self.is_closed:
            raise InvalidTransition(f"petition {self.key!r} is closed; cannot record '{step}'")
        not_before(occurred_at, self.last_step_at, f"'{step}' of petition {self.key!r}")

    def _check_procedural_given(self, step: str) -> None:
        if self.procedural_replied_at is None:
            raise InvalidTransition(
                f"petition {self.key!r} has no procedural reply yet; '{step}' comes after it"
            )

    # -- commands --------------------------------------------------------------

    @event(Received)
    def __init__(
        self,
        key: str,
        unit: str,
        channel: PetitionChannel,
        anonymous: bool,
        has_contact: bool,
        case: str | None,
        subject: str,
        occurred_at: datetime,
    ) -> None:
        self.key = key
        self.unit = unit
        self.channel = channel
        self.anonymous = anonymous
        self.has_contact = has_contact
        self.case = case
        self.subject = subject
        self.stage = PetitionStage.RECEIVED
        self.received_at = occurred_at
        self.last_step_at = occurred_at
        self.procedural_replied_at: datetime | None = None
        self.procedural_outcome: ProceduralOutcome | None = None
        self.transferred_to: str | None = None
        self.progress_replied_at: list[datetime] = []
        self.result_replied_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.unreachable_reason: str | None = None
        self.leader: str | None = None

    def reply_procedurally(
        self,
        outcome: ProceduralOutcome,
        content: str,
        transferred_to: str | None,
        occurred_at: datetime,
    ) -> None:
        """The procedural reply, once; a transfer names where the petition went."""
        self._check_open("procedural reply", occurred_at)
        if self.procedural_replied_at is not None:
            raise InvalidTransition(f"petition {self.key!r} already has its procedural reply")
        if (outcome is ProceduralOutcome.TRANSFERRED) != (transferred_to is not None):
            raise RuleViolation(
                f"petition {self.key!r}: transferred_to names the receiving body exactly when "
                f"the outcome is {ProceduralOutcome.TRANSFERRED.value} (outcome: {outcome.value})"
            )
        self._reply_procedurally(
            outcome=outcome, content=content, transferred_to=transferred_to, occurred_at=occurred_at
        )

    @event(ProceduralReplied)
    def _reply_procedurally(
        self,
        outcome: ProceduralOutcome,
        content: str,
        transferred_to: str | None,
        occurred_at: datetime,
    ) -> None:
        self.stage = PetitionStage.PROCEDURAL_REPLIED
        self.procedural_outcome, self.transferred_to = outcome, transferred_to
        self.procedural_replied_at = self.last_step_at = occurred_at

    def reply_progress(self, content: str, occurred_at: datetime) -> None:
        """A progress reply while the result is not ready (the next is due a month later)."""
        self._check_open("progress reply", occurred_at)
        self._check_procedural_given("progress reply")
        if self.result_replied_at is not None:
            raise InvalidTransition(
                f"petition {self.key!r} already has its result reply; no progress is owed"
            )
        self._reply_progress(content=content, occurred_at=occurred_at)

    @event(ProgressReplied)
    def _reply_progress(self, content: str, occurred_at: datetime) -> None:
        self.progress_replied_at.append(occurred_at)
        self.last_step_at = occurred_at

    def reply_result(self, content: str, occurred_at: datetime) -> None:
        """The result reply (结果答复), once, after the procedural reply."""
        self._check_open("result reply", occurred_at)
        self._check_procedural_given("result reply")
        if self.result_replied_at is not None:
            raise InvalidTransition(f"petition {self.key!r} already has its result reply")
        self._reply_result(content=content, occurred_at=occurred_at)

    @event(ResultReplied)
    def _reply_result(self, content: str, occurred_at: datetime) -> None:
        self.stage = PetitionStage.RESULT_REPLIED
        self.result_replied_at = self.last_step_at = occurred_at

    def close(self, occurred_at: datetime) -> None:
        """Close (办结) — refused without both the procedural and the result reply."""
        self._check_open("closed", occurred_at)
        missing = [
            name
            for name, at in (
                ("procedural reply", self.procedural_replied_at),
                ("result reply", self.result_replied_at),
            )
            if at is None
        ]
        if missing:
            raise RepliesMissing(
                f"petition {self.key!r} cannot close: it lacks its {' and '.join(missing)}"
            )
        self._close(occurred_at=occurred_at)

    @event(Closed)
    def _close(self, occurred_at: datetime) -> None:
        self.stage = PetitionStage.CLOSED
        self.closed_at = self.last_step_at = occurred_at

    def mark_unreachable(self, reason: str, occurred_at: datetime) -> None:
        """联系方式不详 / 无法联系 found later: the petition leaves the reply rates [C]."""
        self._check_open("found unreachable", occurred_at)
        if self.excluded_from_reply_rate:
            why = "anonymous" if self.anonymous else "without contact details"
            if self.unreachable_reason is not None:
                why = f"found unreachable ({self.unreachable_reason})"
            raise InvalidTransition(
                f"petition {self.key!r} is already left out of the reply rates: {why}"
            )
        if not reason.strip():
            raise ExplanationRequired(
                f"petition {self.key!r}: say why the petitioner cannot be reached"
            )
        self._mark_unreachable(reason=reason, occurred_at=occurred_at)

    @event(FoundUnreachable)
    def _mark_unreachable(self, reason: str, occurred_at: datetime) -> None:
        self.unreachable_reason = reason
        self.last_step_at = occurred_at

    def assign_leader(self, leader: str, occurred_at: datetime) -> None:
        """领导包案: a leader of the procuratorate takes the petition on personally, once."""
        self._check_open("leader assigned", occurred_at)
        if self.leader is not None:
            raise InvalidTransition(
                f"petition {self.key!r} is already handled by {self.leader!r} (领导包案)"
            )
        self._assign_leader(leader=leader, occurred_at=occurred_at)

    @event(LeaderAssigned)
    def _assign_leader(self, leader: str, occurred_at: datetime) -> None:
        self.leader = leader
        self.last_step_at = occurred_at
