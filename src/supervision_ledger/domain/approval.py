"""Who approved: a structured approver (an office and its holder) where the rules need
an approval, checked against the offices the policy lets give it."""

from __future__ import annotations

from .errors import ApproverNotEntitled
from .policy import Policy
from .values import Approver


def check_chief_approval(approver: Approver | None, policy: Policy, what: str) -> None:
    """Refuse an approver whose office may not give the chief prosecutor's approval
    (``Policy.chief_approval_roles``)."""
    if approver is not None and approver.role not in policy.chief_approval_roles:
        allowed = ", ".join(sorted(r.value for r in policy.chief_approval_roles))
        raise ApproverNotEntitled(
            f"{what}: approver.role {approver.role.value!r} may not approve it "
            f"(Policy.chief_approval_roles: {allowed})"
        )
