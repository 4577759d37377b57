"""A lead (线索), mostly for public-interest litigation, and the case it may become.

reported by a grid worker (公益诉讼网格员: a Supervisor holding that role, active on
the day), converted from an NPC deputy's suggestion (人大代表建议) or a CPPCC
member's proposal (政协委员提案), transferred from another department of the
procuratorate itself (部门间移送, 检察一体化), or referred by an outside agency
(外单位移送: an administrative agency, the police, a court…) → accepted / rejected
(with reasons) → turned into a case (成案). The link runs both ways: the lead names
its case and the case records its source lead; a lead becomes at most one case and a
case has at most one source lead.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .base import LedgerAggregate, aggregate_id, not_before
from .case import Case
from .errors import AlreadyConverted, ExplanationRequired, InvalidTransition, RuleViolation
from .policy import Policy
from .supervisor import Supervisor
from .values import Role


class LeadSource(StrEnum):
    """Where a lead came from (the statistics count leads by source)."""

    GRID_WORKER = "grid_worker"
    NPC_SUGGESTION = "npc_suggestion"
    CPPCC_PROPOSAL = "cppcc_proposal"
    #: From another department of the same procuratorate (检察一体化, seed 004's 部门间移送).
    DEPARTMENT_TRANSFER = "department_transfer"
    #: Referred by a body outside the procuratorate (行政机关、公安机关、法院等移送).
    AGENCY_REFERRAL = "agency_referral"
    OTHER = "other"

    @property
    def zh(self) -> str:
        return _SOURCE_ZH[self]

    @property
    def en(self) -> str:
        """How the English figure labels say where leads came from."""
        return _SOURCE_EN[self]


_SOURCE_ZH = {
    LeadSource.GRID_WORKER: "网格员报送",
    LeadSource.NPC_SUGGESTION: "人大代表建议转化",
    LeadSource.CPPCC_PROPOSAL: "政协委员提案转化",
    LeadSource.DEPARTMENT_TRANSFER: "院内部门间移送",
    LeadSource.AGENCY_REFERRAL: "外单位移送",
    LeadSource.OTHER: "其他来源",
}
_SOURCE_EN = {
    LeadSource.GRID_WORKER: "from grid workers",
    LeadSource.NPC_SUGGESTION: "converted from NPC deputies' suggestions",
    LeadSource.CPPCC_PROPOSAL: "converted from CPPCC members' proposals",
    LeadSource.DEPARTMENT_TRANSFER: "transferred between the procuratorate's own departments",
    LeadSource.AGENCY_REFERRAL: "referred by outside agencies",
    LeadSource.OTHER: "from other sources",
}

#: The role a named reporter must hold for each source that comes from a person.
REPORTER_ROLE = {
    LeadSource.GRID_WORKER: Role.GRID_WORKER,
    LeadSource.NPC_SUGGESTION: Role.NPC_DEPUTY,
    LeadSource.CPPCC_PROPOSAL: Role.CPPCC_MEMBER,
}


class LeadStatus(StrEnum):
    REPORTED = "reported"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CASE_OPENED = "case_opened"


class Lead(LedgerAggregate):
    """One lead received by one procuratorate unit."""

    kind: ClassVar[str] = "lead"

    # -- events ----------------------------------------------------------------

    class Reported(LedgerAggregate.Created):
        key: str
        unit: str
        source: LeadSource
        reporter: str | None
        reference: str | None
        department: str | None
        summary: str

    class Accepted(LedgerAggregate.Event):
        pass

    class Rejected(LedgerAggregate.Event):
        reasons: str

    class TurnedIntoCase(LedgerAggregate.Event):
        case: str

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("lead", key)

    # -- queries ---------------------------------------------------------------

    @property
    def became_case(self) -> bool:
        return self.case is not None

    def _require(self, step: str, *statuses: LeadStatus) -> None:
        if self.status not in statuses:
            wanted = " or ".join(s.value for s in statuses)
            raise InvalidTransition(
                f"lead {self.key!r} is {self.status.value}; '{step}' needs it {wanted}"
            )

    # -- commands --------------------------------------------------------------

    @classmethod
    def report(
        cls,
        key: str,
        unit: str,
        source: LeadSource,
        reporter: Supervisor | None,
        reference: str | None,
        department: str | None,
        summary: str,
        occurred_at: datetime,
        policy: Policy,
    ) -> Lead:
        """Record a lead. A grid worker's lead names the grid worker (active that day);
        a deputy's suggestion or a member's proposal gives its number (``reference``)
        and may name the deputy or member; a transfer or a referral names the
        ``department`` (the procuratorate's own department, or the outside agency)."""
        role = REPORTER_ROLE.get(source)
        if source is LeadSource.GRID_WORKER and reporter is None:
            raise RuleViolation(f"lead {key!r} from a grid worker names the grid worker")
        if role is None and reporter is not None:
            raise RuleViolation(
                f"lead {key!r} from {source.value} has no reporter; "
                f"only leads from {', '.join(s.value for s in REPORTER_ROLE)} name one"
            )
        if reporter is not None and role is not None:
            reporter.check_can_serve(role, policy.local_date(occurred_at), None, policy)
        if source in (LeadSource.NPC_SUGGESTION, LeadSource.CPPCC_PROPOSAL) and not reference:
            raise RuleViolation(
                f"lead {key!r} converted from {source.zh} gives the suggestion's or proposal's "
                "number (reference)"
            )
        transferred = source in (LeadSource.DEPARTMENT_TRANSFER, LeadSource.AGENCY_REFERRAL)
        if transferred != (department is not None):
            raise RuleViolation(
                f"lead {key!r}: department names the transferring department or agency exactly "
                f"when the source is {LeadSource.DEPARTMENT_TRANSFER.value} or "
                f"{LeadSource.AGENCY_REFERRAL.value} (source: {source.value})"
            )
        return cls(
            key=key,
            unit=unit,
            source=source,
            reporter=reporter.key if reporter is not None else None,
            reference=reference,
            department=department,
            summary=summary,
            occurred_at=occurred_at,
        )

    @event(Reported)
    def __init__(
        self,
        key: str,
        unit: str,
        source: LeadSource,
        reporter: str | None,
        reference: str | None,
        department: str | None,
        summary: str,
        occurred_at: datetime,
    ) -> None:
        self.key = key
        self.unit = unit
        self.source = source
        self.reporter = reporter
        self.reference = reference
        self.department = department
        self.summary = summary
        self.status = LeadStatus.REPORTED
        self.reported_at = occurred_at
        self.last_step_at = occurred_at
        self.rejection_reasons: str | None = None
        self.case: str | None = None

    def accept(self, occurred_at: datetime) -> None:
        self._require("accepted", LeadStatus.REPORTED)
        not_before(occurred_at, self.last_step_at, f"acceptance of lead {self.key!r}")
        self._accept(occurred_at=occurred_at)

    @event(Accepted)
    def _accept(self, occurred_at: datetime) -> None:
        self.status, self.last_step_at = LeadStatus.ACCEPTED, occurred_at

    def reject(self, reasons: str, occurred_at: datetime) -> None:
        self._require("rejected", LeadStatus.REPORTED)
        not_before(occurred_at, self.last_step_at, f"rejection of lead {self.key!r}")
        if not reasons.strip():
            raise ExplanationRequired(f"rejecting lead {self.key!r} needs reasons")
        self._reject(reasons=reasons, occurred_at=occurred_at)

    @event(Rejected)
    def _reject(self, reasons: str, occurred_at: datetime) -> None:
        self.status, self.rejection_reasons = LeadStatus.REJECTED, reasons
        self.last_step_at = occurred_at

    def turn_into_case(self, case: Case, occurred_at: datetime) -> None:
        """成案: an accepted lead becomes ``case`` (of the same unit), which records it as
        its source. A lead becomes at most one case."""
        if self.case is not None:
            raise AlreadyConverted(f"lead {self.key!r} already became case {self.case!r}")
        self._require("turned into a case", LeadStatus.ACCEPTED)
        not_before(occurred_at, self.last_step_at, f"case from lead {self.key!r}")
        if case.unit != self.unit:
            raise RuleViolation(
                f"lead {self.key!r} of unit {self.unit!r} cannot become case {case.key!r} "
                f"of unit {case.unit!r}"
            )
        case.link_source_lead(self.key, occurred_at)
        self._turn_into_case(case=case.key, occurred_at=occurred_at)

    @event(TurnedIntoCase)
    def _turn_into_case(self, case: str, occurred_at: datetime) -> None:
        self.status, self.case = LeadStatus.CASE_OPENED, case
        self.last_step_at = occurred_at
