"""Lifecycles and invitation rules written in one place, for the aggregates and the
views alike.

What an opinion still waits for is asked by the ``Case`` aggregate (may the case
close?) and by the feedback view (what is pending, what is overdue?). Both call
:func:`opinion_waits_for` with what they know, so a new step or rule lands here once.

The invitation lifecycle (invite / draw / accept / decline / replace / attend / absent)
is :class:`Invitation`: one table of allowed steps, used by ``Case`` activities and
by ``Hearing`` (whose ``HearingParticipant`` is an ``Invitation``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .errors import DrawRequired, InvalidTransition
from .policy import Policy
from .values import FeedbackStage, InvitationStatus, OpinionOutcome, Role


def opinion_waits_for(
    *,
    received: bool,
    decided: bool,
    outcome: OpinionOutcome | None,
    feedback: bool,
    implementation: bool,
    objection_pending: bool,
) -> FeedbackStage | None:
    """The step an opinion waits for; None once it is fully answered.

    Fully answered: received, decided, feedback given, no objection awaiting the chief
    prosecutor's ruling and — when adopted or partly adopted — the implementation
    reported back. (Routing is part of "awaiting decision": a routed opinion still waits
    for its decision.)
    """
    if not received:
        return FeedbackStage.AWAITING_RECEIPT
    if not decided:
        return FeedbackStage.AWAITING_DECISION
    if not feedback:
        return FeedbackStage.AWAITING_FEEDBACK
    if objection_pending:
        return FeedbackStage.AWAITING_OBJECTION_RULING
    if outcome is not OpinionOutcome.NOT_ADOPTED and not implementation:
        return FeedbackStage.AWAITING_IMPLEMENTATION_REPORT
    return None


#: Stages after which a case may close: the implementation often outlasts the case.
CLOSABLE = frozenset({None, FeedbackStage.AWAITING_IMPLEMENTATION_REPORT})


def check_may_pick_by_name(role: Role, policy: Policy, what: str) -> None:
    """Refuse an invitation (or a replacement) by name in a role the policy draws."""
    if role in policy.drawn_roles:
        raise DrawRequired(
            f"{what}: {role.value} are drawn at random under this policy, not picked by name"
        )


#: The steps of an invitation (invite / draw → accept → decline / replace / attend /
#: absent): for each step, the statuses it may be taken from and the status it leads to.
#: Written once for the invitations of a case's activities and of hearings alike.
INVITATION_STEPS: Mapping[str, tuple[frozenset[InvitationStatus], InvitationStatus]] = {
    "accept": (frozenset({InvitationStatus.INVITED}), InvitationStatus.ACCEPTED),
    "decline": (
        frozenset({InvitationStatus.INVITED, InvitationStatus.ACCEPTED}),
        InvitationStatus.DECLINED,
    ),
    "replace": (
        frozenset({InvitationStatus.INVITED, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED}),
        InvitationStatus.REPLACED,
    ),
    "attend": (
        frozenset({InvitationStatus.INVITED, InvitationStatus.ACCEPTED}),
        InvitationStatus.ATTENDED,
    ),
    "absent": (
        frozenset({InvitationStatus.INVITED, InvitationStatus.ACCEPTED}),
        InvitationStatus.ABSENT,
    ),
}

#: Statuses in which the person is still expected to take part.
EXPECTED = frozenset({InvitationStatus.INVITED, InvitationStatus.ACCEPTED})


@dataclass
class Invitation:
    """One person's invitation to one activity or hearing, and its lifecycle.

    ``check`` refuses a step the status does not allow (rule ``invalid_transition``);
    ``take`` records it. The aggregates add their own checks (dates, eligibility) and
    word the refusal for their own setting.
    """

    supervisor: str
    role: Role
    invited_at: datetime
    status: InvitationStatus = InvitationStatus.INVITED
    drawn: bool = False
    replaces: str | None = None
    replaced_by: str | None = None
    changed_at: datetime | None = None
    reason: str | None = None

    @property
    def expected(self) -> bool:
        """Still expected to take part (not declined, not replaced, not yet recorded)."""
        return self.status in EXPECTED

    @property
    def last_changed_at(self) -> datetime:
        return self.changed_at or self.invited_at

    def allows(self, step: str) -> bool:
        return self.status in INVITATION_STEPS[step][0]

    def check(self, step: str, refusal: Callable[[str], str]) -> None:
        """Refuse ``step`` unless the status allows it, with the message ``refusal``
        words for the current status (a function, not a format string: keys may hold
        braces)."""
        if not self.allows(step):
            raise InvalidTransition(refusal(self.status.value))

    def take(
        self,
        step: str,
        occurred_at: datetime,
        *,
        reason: str | None = None,
        replaced_by: str | None = None,
    ) -> None:
        """Record ``step`` (already checked): the new status, when, and why."""
        self.status = INVITATION_STEPS[step][1]
        self.changed_at = occurred_at
        if step in ("decline", "replace"):
            self.reason = reason
        if replaced_by is not None:
            self.replaced_by = replaced_by
