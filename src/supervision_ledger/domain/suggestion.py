"""A procuratorial suggestion (检察建议) made on a case, and how it was followed up.

drafted (with its type; optionally linked to the case's activity of type 4, where
people's supervisors took part in drafting or follow-up) → served on a recipient unit
→ written reply due 2 months after service, or earlier when urgent (policy, or a
date the suggestion states) → replied → adopted / not adopted (with reasons) → for
an adopted one, rectification completed → rectification verified. A reply still
missing after its due date is overdue: only then may it be urged (催办), and only an
urged suggestion may be escalated (e.g. to the recipient's superior or the people's
congress), with the chief prosecutor's approval [C].

The reply is due by the recipient's type (issue 12): a court 3 months (+ 1 month's
extension), an administrative or other recipient 2 months; urgent, a date the
suggestion states (``Policy.suggestion_reply_due_on``). After the reply, a recipient
that does not rectify (``not_rectified``) or rectifies inadequately (``inadequate``)
may be escalated too, once, to one or more bodies. Art. 23: the recipient may object
(异议) with reasons; the procuratorate reviews the objection with the chief
prosecutor's approval and upholds the suggestion, amends it or withdraws it; a
withdrawn suggestion awaits nothing more.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .approval import check_chief_approval
from .base import LedgerAggregate, aggregate_id, not_before
from .case import Case
from .errors import (
    AlreadyExists,
    EscalationNeedsApproval,
    ExplanationRequired,
    InvalidDeadline,
    InvalidTransition,
    NotOverdue,
    RuleViolation,
)
from .policy import Policy
from .values import ActivityType, Approver, RecipientType, ReplyTiming, reply_timing


class SuggestionType(StrEnum):
    """The kinds of procuratorial suggestion (2019 SPP rules on procuratorial suggestions)."""

    RETRIAL = "retrial"
    CORRECTION = "correction"
    PUBLIC_INTEREST = "public_interest"
    SOCIAL_GOVERNANCE = "social_governance"
    OTHER = "other"

    @property
    def zh(self) -> str:
        return _TYPE_ZH[self]


_TYPE_ZH = {
    SuggestionType.RETRIAL: "再审检察建议",
    SuggestionType.CORRECTION: "纠正违法检察建议",
    SuggestionType.PUBLIC_INTEREST: "公益诉讼检察建议",
    SuggestionType.SOCIAL_GOVERNANCE: "社会治理检察建议",
    SuggestionType.OTHER: "其他检察建议",
}


class SuggestionStage(StrEnum):
    """Where a suggestion is: 制发 → 送达 → 回复 → 采纳/不采纳 → 整改 → 核实."""

    DRAFTED = "drafted"
    SERVED = "served"
    REPLIED = "replied"
    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"
    RECTIFIED = "rectified"
    VERIFIED = "verified"
    #: Withdrawn after the recipient's objection (Art. 23): it awaits nothing more.
    WITHDRAWN = "withdrawn"


class EscalationGround(StrEnum):
    """Why a suggestion is escalated (报请督促)."""

    NO_REPLY = "no_reply"  # 逾期不回复 (after urging)
    NOT_RECTIFIED = "not_rectified"  # 回复后不整改
    INADEQUATE = "inadequate"  # 整改不到位


class ObjectionOutcome(StrEnum):
    """The review of a recipient's objection (Art. 23 复核)."""

    UPHELD = "upheld"  # 异议不成立: the suggestion stands
    AMENDED = "amended"  # 修改
    WITHDRAWN = "withdrawn"  # 撤回


#: Stages at which the suggestion has been adopted (采纳), whatever came after.
ADOPTED_STAGES = frozenset(
    {SuggestionStage.ADOPTED, SuggestionStage.RECTIFIED, SuggestionStage.VERIFIED}
)


class Suggestion(LedgerAggregate):
    """One procuratorial suggestion, from drafting to verified rectification."""

    kind: ClassVar[str] = "suggestion"

    # -- events ----------------------------------------------------------------

    class Drafted(LedgerAggregate.Created):
        key: str
        case: str
        unit: str
        suggestion_type: SuggestionType
        title: str | None
        content: str
        activity: str | None

    class ActivityLinked(LedgerAggregate.Event):
        activity: str

    class Served(LedgerAggregate.Event):
        recipient: str
        urgent: bool
        reply_due_on: date | None
        #: Court, administrative or other (issue 12): the reply deadline depends on it.
        recipient_type: RecipientType

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            # Before issue 12 every recipient had 2 months: read as "other".
            state["recipient_type"] = RecipientType.OTHER.value

    class Replied(LedgerAggregate.Event):
        content: str

    class Adopted(LedgerAggregate.Event):
        measures: str | None

    class NotAdopted(LedgerAggregate.Event):
        reasons: str

    class RectificationCompleted(LedgerAggregate.Event):
        content: str

    class RectificationVerified(LedgerAggregate.Event):
        verified_by: str
        content: str

    class Urged(LedgerAggregate.Event):
        note: str | None

    class Escalated(LedgerAggregate.Event):
        escalated_to: str
        chief_approved: bool
        reasons: str
        #: Why: no reply (after urging), or after the reply not rectified / inadequately.
        ground: EscalationGround
        #: Further bodies it goes to beside ``escalated_to``.
        also_to: tuple[str, ...]
        #: Who approved (an office ``Policy.chief_approval_roles`` names); None when not
        #: recorded (``chief_approved`` alone, and escalations recorded before issue 12).
        approver: Approver | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["ground"] = EscalationGround.NO_REPLY.value
            state["also_to"] = []
            state["approver"] = None

    class ObjectionRaised(LedgerAggregate.Event):
        """The recipient objects to the suggestion (异议, Art. 23), with reasons."""

        reasons: str

    class ObjectionReviewed(LedgerAggregate.Event):
        """The objection reviewed (复核): upheld, amended (with the new text) or withdrawn."""

        outcome: ObjectionOutcome
        reasons: str
        content: str | None
        approver: Approver | None

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("suggestion", key)

    # -- queries ---------------------------------------------------------------

    @property
    def adopted(self) -> bool:
        return self.stage in ADOPTED_STAGES

    @property
    def replied(self) -> bool:
        return self.replied_at is not None

    def served_on(self, policy: Policy) -> date | None:
        return None if self.served_at is None else policy.local_date(self.served_at)

    def reply_due(self, policy: Policy) -> date | None:
        """Last day for the written reply: the suggestion's own date if it states one,
        else the policy's (2 months, or the urgent deadline); None before service."""
        served = self.served_on(policy)
        if served is None:
            return None
        if self.stated_reply_due is not None:
            return self.stated_reply_due
        return policy.suggestion_reply_due_on(served, self.urgent, self.recipient_type)

    @property
    def withdrawn(self) -> bool:
        return self.stage is SuggestionStage.WITHDRAWN

    def reply_timing(self, today: date, policy: Policy) -> ReplyTiming | None:
        """On time, late, pending or overdue as seen on ``today``; None before service,
        and for a suggestion withdrawn before any reply (it awaits none)."""
        due = self.reply_due(policy)
        if due is None or (self.withdrawn and self.replied_at is None):
            return None
        replied_on = None if self.replied_at is None else policy.local_date(self.replied_at)
        return reply_timing(due, replied_on, today)

    def is_overdue(self, today: date, policy: Policy) -> bool:
        return self.reply_timing(today, policy) is ReplyTiming.OVERDUE

    def _require(self, step: str, *stages: SuggestionStage) -> None:
        if self.stage not in stages:
            wanted = " or ".join(s.value for s in stages)
            raise InvalidTransition(
                f"suggestion {self.key!r} is {self.stage.value}; '{step}' needs it {wanted}"
            )

    @staticmethod
    def _check_activity(case: Case, activity: str, suggestion: str) -> None:
        act = case.activity(activity)
        if act.type is not ActivityType.PROCURATORIAL_SUGGESTION:
            raise RuleViolation(
                f"suggestion {suggestion!r} can only be linked to an activity of type "
                f"{ActivityType.PROCURATORIAL_SUGGESTION.value} "
                f"({ActivityType.PROCURATORIAL_SUGGESTION.zh}); activity {activity!r} of case "
                f"{case.key!r} is {act.type.value}"
            )

    # -- commands --------------------------------------------------------------

    @classmethod
    def draft(
        cls,
        key: str,
        case: Case,
        suggestion_type: SuggestionType,
        title: str | None,
        content: str,
        activity: str | None,
        occurred_at: datetime,
    ) -> Suggestion:
        """Draft a suggestion on ``case``; ``activity``, if given, is the case's activity
        of type 4 in which people's supervisors took part."""
        if activity is not None:
            cls._check_activity(case, activity, key)
        not_before(occurred_at, case.registered_at, f"suggestion {key!r}")
        return cls(
            key=key,
            case=case.key,
            unit=case.unit,
            suggestion_type=suggestion_type,
            title=title,
            content=content,
            activity=activity,
            occurred_at=occurred_at,
        )

    @event(Drafted)
    def __init__(
        self,
        key: str,
        case: str,
        unit: str,
        suggestion_type: SuggestionType,
        title: str | None,
        content: str,
        activity: str | None,
        occurred_at: datetime,
    ) -> None:
        self.key = key
        self.case = case
        self.unit = unit
        self.suggestion_type = suggestion_type
        self.title = title
        self.content = content
        self.activities: list[str] = [activity] if activity is not None else []
        self.stage = SuggestionStage.DRAFTED
        self.drafted_at = occurred_at
        self.last_step_at = occurred_at
        self.recipient: str | None = None
        self.urgent = False
        self.stated_reply_due: date | None = None
        self.served_at: datetime | None = None
        self.replied_at: datetime | None = None
        self.reply: str | None = None
        self.adoption_decided_at: datetime | None = None
        self.measures: str | None = None
        self.not_adopted_reasons: str | None = None
        self.rectified_at: datetime | None = None
        self.rectification: str | None = None
        self.verified_at: datetime | None = None
        self.verified_by: str | None = None
        self.urged_at: list[datetime] = []
        self.escalated_at: datetime | None = None
        self.escalated_to: str | None = None
        self.recipient_type = RecipientType.OTHER
        #: Every body any escalation went to, in order.
        self.escalated_bodies: list[str] = []
        self.escalated_after_reply_at: datetime | None = None
        self.escalation_ground_after_reply: EscalationGround | None = None
        self.objected_at: list[datetime] = []
        self.objection_pending = False
        self.objection_outcomes: list[ObjectionOutcome] = []
        self.withdrawn_at: datetime | None = None
        #: The stage before withdrawal (what the suggestion had reached).
        self.stage_before_withdrawal: SuggestionStage | None = None

    def link_activity(self, case: Case, activity: str, occurred_at: datetime) -> None:
        """Link a further activity of type 4 (e.g. supervisors invited to the follow-up)."""
        if case.key != self.case:
            raise RuleViolation(f"suggestion {self.key!r} was made on case {self.case!r}")
        self._check_activity(case, activity, self.key)
        if activity in self.activities:
            raise AlreadyExists(f"suggestion {self.key!r} is already linked to {activity!r}")
        not_before(occurred_at, self.drafted_at, f"link of suggestion {self.key!r}")
        self._link_activity(activity=activity, occurred_at=occurred_at)

    @event(ActivityLinked)
    def _link_activity(self, activity: str, occurred_at: datetime) -> None:
        self.activities.append(activity)

    def serve(
        self,
        recipient: str,
        urgent: bool,
        reply_due_on: date | None,
        occurred_at: datetime,
        policy: Policy,
        recipient_type: RecipientType = RecipientType.OTHER,
    ) -> None:
        """送达: serve on the recipient unit. A stated ``reply_due_on`` is only for an
        urgent suggestion, after service and earlier than the regular due date (2
        months; a court's 3 + 1 months)."""
        self._require("served", SuggestionStage.DRAFTED)
        not_before(occurred_at, self.last_step_at, f"service of suggestion {self.key!r}")
        if reply_due_on is not None:
            served = policy.local_date(occurred_at)
            regular = policy.suggestion_reply_due_on(served, False, recipient_type)
            if not urgent:
                raise InvalidDeadline(
                    f"suggestion {self.key!r}: only an urgent suggestion states its own due "
                    f"date; a regular one is due {regular.isoformat()}"
                )
            if not served < reply_due_on < regular:
                raise InvalidDeadline(
                    f"suggestion {self.key!r}: an urgent due date must fall after service "
                    f"({served.isoformat()}) and before the regular due date "
                    f"({regular.isoformat()}), not {reply_due_on.isoformat()}"
                )
        self._serve(
            recipient=recipient,
            urgent=urgent,
            reply_due_on=reply_due_on,
            recipient_type=RecipientType(recipient_type),
            occurred_at=occurred_at,
        )

    @event(Served)
    def _serve(
        self,
        recipient: str,
        urgent: bool,
        reply_due_on: date | None,
        recipient_type: RecipientType,
        occurred_at: datetime,
    ) -> None:
        self.stage = SuggestionStage.SERVED
        self.recipient, self.urgent, self.stated_reply_due = recipient, urgent, reply_due_on
        self.recipient_type = RecipientType(recipient_type)
        self.served_at = self.last_step_at = occurred_at

    def record_reply(self, content: str, occurred_at: datetime) -> None:
        """The recipient's written reply (书面回复); a late reply is still recorded, and
        stays late in :meth:`reply_timing`."""
        self._require("replied", SuggestionStage.SERVED)
        not_before(occurred_at, self.last_step_at, f"reply to suggestion {self.key!r}")
        self._reply(content=content, occurred_at=occurred_at)

    @event(Replied)
    def _reply(self, content: str, occurred_at: datetime) -> None:
        self.stage = SuggestionStage.REPLIED
        self.reply, self.replied_at = content, occurred_at
        self.last_step_at = occurred_at

    def record_adoption(
        self, adopted: bool, explanation: str | None, occurred_at: datetime
    ) -> None:
        """采纳 / 不采纳, only after the written reply and not while an objection awaits
        review; not adopting needs the reasons."""
        self._require("adoption", SuggestionStage.REPLIED)
        not_before(occurred_at, self.last_step_at, f"adoption of suggestion {self.key!r}")
        if self.objection_pending:
            # The review may amend or withdraw the suggestion: decide on what stands.
            raise InvalidTransition(
                f"suggestion {self.key!r} has an objection awaiting review; review it "
                "before the adoption decision"
            )
        if adopted:
            self._adopt(measures=explanation, occurred_at=occurred_at)
            return
        if not (explanation or "").strip():
            raise ExplanationRequired(
                f"suggestion {self.key!r} was not adopted: the reasons are required"
            )
        self._not_adopt(reasons=explanation or "", occurred_at=occurred_at)

    @event(Adopted)
    def _adopt(self, measures: str | None, occurred_at: datetime) -> None:
        self.stage = SuggestionStage.ADOPTED
        self.measures, self.adoption_decided_at = measures, occurred_at
        self.last_step_at = occurred_at

    @event(NotAdopted)
    def _not_adopt(self, reasons: str, occurred_at: datetime) -> None:
        self.stage = SuggestionStage.NOT_ADOPTED
        self.not_adopted_reasons, self.adoption_decided_at = reasons, occurred_at
        self.last_step_at = occurred_at

    def complete_rectification(self, content: str, occurred_at: datetime) -> None:
        """整改完成: the recipient reports the rectification of an adopted suggestion."""
        self._require("rectification completed", SuggestionStage.ADOPTED)
        not_before(occurred_at, self.last_step_at, f"rectification of suggestion {self.key!r}")
        self._rectify(content=content, occurred_at=occurred_at)

    @event(RectificationCompleted)
    def _rectify(self, content: str, occurred_at: datetime) -> None:
        self.stage = SuggestionStage.RECTIFIED
        self.rectification, self.rectified_at = content, occurred_at
        self.last_step_at = occurred_at

    def verify_rectification(self, verified_by: str, content: str, occurred_at: datetime) -> None:
        """核实: the procuratorate checks the rectification on the ground."""
        self._require("rectification verified", SuggestionStage.RECTIFIED)
        not_before(occurred_at, self.last_step_at, f"verification of suggestion {self.key!r}")
        self._verify(verified_by=verified_by, content=content, occurred_at=occurred_at)

    @event(RectificationVerified)
    def _verify(self, verified_by: str, content: str, occurred_at: datetime) -> None:
        self.stage = SuggestionStage.VERIFIED
        self.verified_by, self.verified_at = verified_by, occurred_at
        self.last_step_at = occurred_at

    def _check_overdue(self, step: str, occurred_at: datetime, policy: Policy) -> None:
        self._require(step, SuggestionStage.SERVED)
        not_before(occurred_at, self.last_step_at, f"'{step}' of suggestion {self.key!r}")
        today = policy.local_date(occurred_at)
        if not self.is_overdue(today, policy):
            due = self.reply_due(policy)
            assert due is not None  # served
            raise NotOverdue(
                f"suggestion {self.key!r}: the reply is due {due.isoformat()}; on "
                f"{today.isoformat()} it is not overdue, so it cannot be {step}"
            )

    def urge(self, note: str | None, occurred_at: datetime, policy: Policy) -> None:
        """催办: only a reply that is overdue may be urged; it may be urged again."""
        self._check_overdue("urged", occurred_at, policy)
        self._urge(note=note, occurred_at=occurred_at)

    @event(Urged)
    def _urge(self, note: str | None, occurred_at: datetime) -> None:
        self.urged_at.append(occurred_at)
        self.last_step_at = occurred_at

    def escalate(
        self,
        escalated_to: str,
        chief_approved: bool,
        reasons: str,
        occurred_at: datetime,
        policy: Policy,
        ground: EscalationGround = EscalationGround.NO_REPLY,
        also_to: tuple[str, ...] = (),
        approver: Approver | None = None,
    ) -> None:
        """Escalate, with the chief prosecutor's approval (检察长批准: ``chief_approved``
        or an ``approver`` whose office ``Policy.chief_approval_roles`` names) and
        reasons, to ``escalated_to`` and any bodies ``also_to``: on ground ``no_reply``
        a reply still overdue after urging, once; after the reply, once, on ground
        ``not_rectified`` (replied, adopted or not adopted, no rectification reported)
        or ``inadequate`` (a rectification reported but not verified)."""
        ground = EscalationGround(ground)
        what = f"escalating suggestion {self.key!r}"
        if ground is EscalationGround.NO_REPLY:
            self._check_overdue("escalated", occurred_at, policy)
            if not self.urged_at:
                raise InvalidTransition(
                    f"suggestion {self.key!r} has not been urged; urge it before escalating"
                )
            if self.escalated_at is not None:
                raise InvalidTransition(f"suggestion {self.key!r} was already escalated")
        else:
            stages = (
                (SuggestionStage.REPLIED, SuggestionStage.ADOPTED, SuggestionStage.NOT_ADOPTED)
                if ground is EscalationGround.NOT_RECTIFIED
                else (SuggestionStage.RECTIFIED,)
            )
            self._require(f"escalated as {ground.value}", *stages)
            not_before(occurred_at, self.last_step_at, what)
            if self.escalated_after_reply_at is not None:
                raise InvalidTransition(
                    f"suggestion {self.key!r} was already escalated after its reply"
                )
        bodies = [escalated_to, *also_to]
        if len(set(bodies)) != len(bodies):
            raise RuleViolation(f"{what}: each body is named once, not {bodies!r}")
        if not (chief_approved or approver is not None):
            raise EscalationNeedsApproval(f"{what} needs the chief prosecutor's approval")
        check_chief_approval(approver, policy, what)
        if not reasons.strip():
            raise ExplanationRequired(f"{what} needs reasons")
        self._escalate(
            escalated_to=escalated_to,
            chief_approved=chief_approved,
            reasons=reasons,
            ground=ground,
            also_to=tuple(also_to),
            approver=approver,
            occurred_at=occurred_at,
        )

    @event(Escalated)
    def _escalate(
        self,
        escalated_to: str,
        chief_approved: bool,
        reasons: str,
        ground: EscalationGround,
        also_to: tuple[str, ...],
        approver: Approver | None,
        occurred_at: datetime,
    ) -> None:
        if EscalationGround(ground) is EscalationGround.NO_REPLY:
            self.escalated_to, self.escalated_at = escalated_to, occurred_at
        else:
            self.escalated_after_reply_at = occurred_at
            self.escalation_ground_after_reply = EscalationGround(ground)
        self.escalated_bodies.extend([escalated_to, *also_to])
        self.last_step_at = occurred_at

    def raise_objection(self, reasons: str, occurred_at: datetime) -> None:
        """异议 (Art. 23): the recipient objects, with reasons, to a served suggestion
        (before or after its reply, before the adoption decision); one objection at a
        time."""
        self._require("objected to", SuggestionStage.SERVED, SuggestionStage.REPLIED)
        not_before(occurred_at, self.last_step_at, f"objection to suggestion {self.key!r}")
        if self.objection_pending:
            raise InvalidTransition(
                f"suggestion {self.key!r} has an objection awaiting review already"
            )
        if not reasons.strip():
            raise ExplanationRequired(f"an objection to suggestion {self.key!r} needs reasons")
        self._object(reasons=reasons, occurred_at=occurred_at)

    @event(ObjectionRaised)
    def _object(self, reasons: str, occurred_at: datetime) -> None:
        self.objected_at.append(occurred_at)
        self.objection_pending = True
        self.last_step_at = occurred_at

    def review_objection(
        self,
        outcome: ObjectionOutcome,
        reasons: str,
        content: str | None,
        approver: Approver | None,
        occurred_at: datetime,
        policy: Policy,
    ) -> None:
        """复核 (Art. 23): upheld (the suggestion stands, the reasons go to the recipient),
        amended (``content``: the amended text; the reply stays due as before) or
        withdrawn (it awaits no reply, decision or rectification any more)."""
        outcome = ObjectionOutcome(outcome)
        what = f"review of the objection to suggestion {self.key!r}"
        if not self.objection_pending:
            raise InvalidTransition(f"suggestion {self.key!r} has no objection to review")
        not_before(occurred_at, self.last_step_at, what)
        if not reasons.strip():
            raise ExplanationRequired(f"{what} needs reasons")
        if outcome is ObjectionOutcome.AMENDED and not (content or "").strip():
            raise ExplanationRequired(f"{what}: an amendment needs the amended text")
        if outcome is not ObjectionOutcome.AMENDED and content is not None:
            raise RuleViolation(f"{what}: only an amendment states a new text")
        check_chief_approval(approver, policy, what)
        self._review_objection(
            outcome=outcome,
            reasons=reasons,
            content=content,
            approver=approver,
            occurred_at=occurred_at,
        )

    @event(ObjectionReviewed)
    def _review_objection(
        self,
        outcome: ObjectionOutcome,
        reasons: str,
        content: str | None,
        approver: Approver | None,
        occurred_at: datetime,
    ) -> None:
        outcome = ObjectionOutcome(outcome)
        self.objection_pending = False
        self.objection_outcomes.append(outcome)
        if outcome is ObjectionOutcome.AMENDED and content is not None:
            self.content = content
        if outcome is ObjectionOutcome.WITHDRAWN:
            self.stage_before_withdrawal = self.stage
            self.stage = SuggestionStage.WITHDRAWN
            self.withdrawn_at = occurred_at
        self.last_step_at = occurred_at
