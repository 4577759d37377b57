"""Lifecycles and invitation rules written in one place, for the aggregates and the
views alike.

What an opinion still waits for is asked by the ``Case`` aggregate (may the case
close?) and by the feedback view (what is pending, what is overdue?). Both call
:func:`opinion_waits_for` with what they know, so a new step or rule lands here once.
"""

from __future__ import annotations

from .errors import DrawRequired
from .policy import Policy
from .values import FeedbackStage, OpinionOutcome, Role


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
