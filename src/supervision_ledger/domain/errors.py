"""Domain exceptions. Every rule that refuses a command raises a subclass of
:class:`LedgerError` whose ``rule`` names the rule and whose message names the ids."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every error the ledger raises on purpose."""

    rule: str = "ledger_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


class NotFound(LedgerError):
    rule = "not_found"


class AlreadyExists(LedgerError):
    rule = "already_exists"


class RuleViolation(LedgerError):
    """A command would break a business rule; nothing was recorded."""

    rule = "rule_violation"


class InvalidTransition(RuleViolation):
    """The step is not allowed from the current stage (e.g. feedback before a decision)."""

    rule = "invalid_transition"


class OutOfOrder(RuleViolation):
    """The business time of a step precedes the step it follows."""

    rule = "out_of_order"


class BeforeCaseRegistered(OutOfOrder):
    """A step of a case (an activity, a decision, a hearing proposed on it) dated before
    the case was registered."""

    rule = "before_case_registered"


class RegisteredBeforeReceived(OutOfOrder):
    """A case registered (occurred_at) on a local date before its ``received_on``."""

    rule = "registered_before_received"


class ClosedBeforeLastStep(OutOfOrder):
    """A case closed before its last recorded step (an activity, an invitation, an
    opinion's answer, the case decision)."""

    rule = "closed_before_last_step"


class BeforeAppointment(OutOfOrder):
    """Service (an invitation, a draw, an opinion, an allowance) dated before the person's
    appointment, unless ``Policy.service_before_appointment``."""

    rule = "before_appointment"


class AllowanceBeforeTerm(OutOfOrder):
    """An allowance paid on a local date before the person's first term started."""

    rule = "allowance_before_term"


class SupervisorNotActive(RuleViolation):
    """Out of term, suspended or removed on the date in question."""

    rule = "supervisor_not_active"


class ServiceAfterStatusChange(RuleViolation):
    """A suspension or removal may not take effect on or before a date the person is
    recorded as invited, attending or submitting an opinion."""

    rule = "service_after_status_change"


class SupervisorLacksRole(RuleViolation):
    rule = "supervisor_lacks_role"


class SupervisorRecused(RuleViolation):
    """A declared relationship requires the supervisor to stand aside (回避)."""

    rule = "supervisor_recused"


class TermLimitExceeded(RuleViolation):
    rule = "term_limit_exceeded"


class InvalidTerm(RuleViolation):
    rule = "invalid_term"


class CaseClosed(RuleViolation):
    rule = "case_closed"


class UnitActivityClosed(CaseClosed):
    """A step on a unit activity after close_unit_activity (a ``CaseClosed`` by its rule,
    which names the unit activity)."""

    rule = "unit_activity_closed"


class OpinionsUnanswered(RuleViolation):
    """A case cannot close while an opinion lacks a decision or feedback (件件有着落)."""

    rule = "opinions_unanswered"


class NotInvited(RuleViolation):
    rule = "not_invited"


class AlreadyInvited(RuleViolation):
    rule = "already_invited"


class NotAttended(RuleViolation):
    """Only an invited supervisor who attended may submit an opinion."""

    rule = "not_attended"


class ExplanationRequired(RuleViolation):
    """Not adopting (or partly adopting) an opinion requires a written explanation."""

    rule = "explanation_required"


class NotEnoughEligible(RuleViolation):
    rule = "not_enough_eligible"


class NoticeTooShort(RuleViolation):
    rule = "notice_too_short"


class ClosedHearingRequired(RuleViolation):
    rule = "closed_hearing_required"


class NotAParty(RuleViolation):
    """Only a party of the case may apply for a hearing on it (Art. 9)."""

    rule = "not_a_party"


class ClosedGroundRequired(RuleViolation):
    """A closed hearing records why it is closed (minor party, state secret, privacy, …)."""

    rule = "closed_ground_required"


class HandlerMustPreside(RuleViolation):
    """When the chief prosecutor or a department head handles the case, they preside
    over its hearing (Art. 13; the ranks are ``Policy.handler_must_preside``)."""

    rule = "handler_must_preside"


class DepartureNeedsApproval(RuleViolation):
    """Departing from the hearing officers' majority needs the chief prosecutor and reasons."""

    rule = "departure_needs_approval"


class TooManyOfficers(RuleViolation):
    rule = "too_many_officers"


class InvalidUnit(RuleViolation):
    rule = "invalid_unit"


class NotOverdue(RuleViolation):
    """Urging (催办) is for a reply that is past its due date and still missing."""

    rule = "not_overdue"


class EscalationNeedsApproval(RuleViolation):
    """Escalating an unanswered procuratorial suggestion needs the chief prosecutor."""

    rule = "escalation_needs_approval"


class InvalidDeadline(RuleViolation):
    """A stated due date that is not after service, or not earlier than the regular one."""

    rule = "invalid_deadline"


class RepliesMissing(RuleViolation):
    """A petition closes only after its procedural reply and its result reply."""

    rule = "replies_missing"


class AlreadyConverted(RuleViolation):
    """A lead becomes at most one case, and a case has at most one source lead."""

    rule = "already_converted"


class InvalidPeriod(RuleViolation):
    """A period (of an agreement in force) that ends before it starts, or a step outside it."""

    rule = "invalid_period"


class DrawRequired(RuleViolation):
    """The policy says people in this role are drawn at random (随机抽选), never picked
    by name (``Policy.drawn_roles``)."""

    rule = "draw_required"


class ApproverNotEntitled(RuleViolation):
    """An approval by an office the policy does not let approve it
    (``Policy.chief_approval_roles``)."""

    rule = "approver_not_entitled"


class CallerSeedRefused(RuleViolation):
    """A draw names its own seed while ``Policy.draw_seed`` is ``chain_only``: every seed
    is derived from the hash chain, so that none can be tried until it suits."""

    rule = "caller_seed_refused"


class BusinessTimeOutOfRange(LedgerError):
    """A date or datetime field of a command is outside ``Policy.business_time_from`` …
    ``business_time_until``. ``field`` names the field (``occurred_at``, ``term_start``…)."""

    rule = "business_time_out_of_range"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class CommandIdConflict(LedgerError):
    """A ``command_id`` was reused for a different command."""

    rule = "command_id_conflict"


class ConcurrencyConflict(LedgerError):
    """Concurrent writers kept changing the same aggregate; retries were exhausted."""

    rule = "concurrency_conflict"


__all__ = [
    "AllowanceBeforeTerm",
    "AlreadyConverted",
    "AlreadyExists",
    "AlreadyInvited",
    "BeforeAppointment",
    "BeforeCaseRegistered",
    "BusinessTimeOutOfRange",
    "CaseClosed",
    "ClosedBeforeLastStep",
    "ClosedGroundRequired",
    "ClosedHearingRequired",
    "CommandIdConflict",
    "ConcurrencyConflict",
    "DepartureNeedsApproval",
    "DrawRequired",
    "EscalationNeedsApproval",
    "ExplanationRequired",
    "HandlerMustPreside",
    "InvalidDeadline",
    "InvalidPeriod",
    "InvalidTerm",
    "InvalidTransition",
    "InvalidUnit",
    "LedgerError",
    "NotAParty",
    "NotAttended",
    "NotEnoughEligible",
    "NotFound",
    "NotInvited",
    "NotOverdue",
    "NoticeTooShort",
    "OpinionsUnanswered",
    "OutOfOrder",
    "RegisteredBeforeReceived",
    "RepliesMissing",
    "RuleViolation",
    "ServiceAfterStatusChange",
    "SupervisorLacksRole",
    "SupervisorNotActive",
    "SupervisorRecused",
    "TermLimitExceeded",
    "TooManyOfficers",
    "UnitActivityClosed",
]
