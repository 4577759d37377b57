"""People who supervise: people's supervisors, hearing officers and the other roles.

The Supervisor aggregate is the person's file (一人一档): appointment and terms,
trainings, assessments, allowances, declared relationships, suspension and removal.
Its queries answer the question every invitation asks: may this person serve, in
this role, on this date, on this case?
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .base import LedgerAggregate, aggregate_id
from .errors import (
    AllowanceBeforeTerm,
    BeforeAppointment,
    InvalidTerm,
    InvalidTransition,
    RuleViolation,
    ServiceAfterStatusChange,
    SupervisorLacksRole,
    SupervisorNotActive,
    SupervisorRecused,
    TermLimitExceeded,
)
from .policy import Policy
from .values import (
    AssessmentGrade,
    CaseFacts,
    InactivePeriod,
    Relationship,
    Role,
    SupervisorStatus,
    Term,
)


@dataclass(frozen=True)
class DeclaredRelationship:
    relationship: Relationship
    party: str | None
    case: str | None
    declared_at: datetime


class Supervisor(LedgerAggregate):
    """A person who takes part in external supervision, with one or more roles."""

    kind: ClassVar[str] = "supervisor"

    class Appointed(LedgerAggregate.Created):
        key: str
        unit: str
        name: str
        roles: tuple[Role, ...]
        industry: str | None
        speciality: str | None
        term_start: date
        term_end: date

    class TrainingRecorded(LedgerAggregate.Event):
        topic: str
        hours: Decimal | None

    class AssessmentRecorded(LedgerAggregate.Event):
        year: int
        grade: AssessmentGrade

    class AllowancePaid(LedgerAggregate.Event):
        amount: Decimal
        purpose: str
        reference: str | None

    class RelationshipDeclared(LedgerAggregate.Event):
        relationship: Relationship
        party: str | None
        case: str | None

    class Suspended(LedgerAggregate.Event):
        reason: str
        effective_on: date

    class Reinstated(LedgerAggregate.Event):
        reason: str
        effective_on: date

    class Removed(LedgerAggregate.Event):
        reason: str
        effective_on: date

    class TermRenewed(LedgerAggregate.Event):
        term_start: date
        term_end: date

    class ServiceRecorded(LedgerAggregate.Event):
        """The latest local date the person served (was invited, attended or gave an
        opinion) moved on; saved with the service, so a suspension or removal racing it
        fails its version check instead of reading stale views."""

        served_on: date

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("supervisor", key)

    # -- queries ---------------------------------------------------------------

    @property
    def status(self) -> SupervisorStatus:
        if not self.inactive:
            return SupervisorStatus.ACTIVE
        last = self.inactive[-1]
        return SupervisorStatus.ACTIVE if last.end is not None else last.status

    @property
    def last_served_on(self) -> date | None:
        """The latest local date this person is recorded as serving (None: never, or a
        store written before 0.2 and not yet back-filled — docs/api.md)."""
        served: date | None = self.__dict__.get("_served_on")
        return served

    def in_term(self, day: date) -> bool:
        return any(term.covers(day) for term in self.terms)

    def is_active_on(self, day: date) -> bool:
        """In term and neither suspended nor removed on ``day``."""
        return self.in_term(day) and not any(p.covers(day) for p in self.inactive)

    def recusal_reason(self, case: CaseFacts, policy: Policy) -> DeclaredRelationship | None:
        for rel in self.relationships:
            if rel.relationship not in policy.recusal_relationships:
                continue
            if rel.case == case.key or (rel.party is not None and rel.party in case.party_names):
                return rel
        return None

    def check_can_serve(
        self, role: Role, day: date, case: CaseFacts | None, policy: Policy
    ) -> None:
        """Raise unless this person holds ``role``, is active on ``day``, was appointed by
        then (unless ``policy.service_before_appointment``) and is not recused."""
        if role not in self.roles:
            raise SupervisorLacksRole(
                f"supervisor {self.key!r} does not hold the role {role.value} ({role.zh})"
            )
        if not self.is_active_on(day):
            raise SupervisorNotActive(
                f"supervisor {self.key!r} is not active on {day.isoformat()} "
                f"(out of term, suspended or removed)"
            )
        self.check_appointed_by(day, "serve", policy)
        if case is not None:
            rel = self.recusal_reason(case, policy)
            if rel is not None:
                what = f"case {rel.case!r}" if rel.case == case.key else f"party {rel.party!r}"
                raise SupervisorRecused(
                    f"supervisor {self.key!r} declared a {rel.relationship.value} relationship "
                    f"with {what} of case {case.key!r} and must stand aside"
                )

    def check_appointed_by(self, day: date, what: str, policy: Policy) -> None:
        """Raise :class:`BeforeAppointment` if ``day`` precedes the local date of the
        appointment and the policy does not allow service before it."""
        if policy.service_before_appointment:
            return
        appointed = policy.local_date(self.appointed_at)
        if day < appointed:
            raise BeforeAppointment(
                f"supervisor {self.key!r} cannot {what} on {day.isoformat()}: appointed on "
                f"{appointed.isoformat()} (Policy.service_before_appointment is off)"
            )

    def can_serve(self, role: Role, day: date, case: CaseFacts | None, policy: Policy) -> bool:
        try:
            self.check_can_serve(role, day, case, policy)
        except RuleViolation:
            return False
        return True

    # -- commands --------------------------------------------------------------

    @event(Appointed)
    def __init__(
        self,
        key: str,
        unit: str,
        name: str,
        roles: tuple[Role, ...],
        industry: str | None,
        speciality: str | None,
        term_start: date,
        term_end: date,
        occurred_at: datetime,
    ) -> None:
        self.key = key
        self.unit = unit
        self.name = name
        self.roles = roles
        self.industry = industry
        self.speciality = speciality
        self.appointed_at = occurred_at
        self.terms: list[Term] = [Term(term_start, term_end)]
        self.inactive: list[InactivePeriod] = []
        self.trainings: list[tuple[datetime, str, Decimal | None]] = []
        self.assessments: dict[int, AssessmentGrade] = {}
        self.allowances: list[tuple[datetime, Decimal, str, str | None]] = []
        self.relationships: list[DeclaredRelationship] = []

    @staticmethod
    def check_appointment(roles: tuple[Role, ...], term_start: date, term_end: date) -> None:
        if not roles:
            raise InvalidTerm("a person is appointed with at least one role")
        if term_end < term_start:
            raise InvalidTerm(
                f"term ends {term_end.isoformat()} before it starts {term_start.isoformat()}"
            )

    def record_training(self, topic: str, hours: Decimal | None, occurred_at: datetime) -> None:
        self._record_training(topic=topic, hours=hours, occurred_at=occurred_at)

    @event(TrainingRecorded)
    def _record_training(self, topic: str, hours: Decimal | None, occurred_at: datetime) -> None:
        self.trainings.append((occurred_at, topic, hours))

    def record_assessment(
        self,
        year: int,
        grade: AssessmentGrade,
        occurred_at: datetime,
        policy: Policy,
        last_service_on: date | None = None,
    ) -> None:
        """Record the annual grade; a failing grade removes the person from that date [C]
        (so, like any removal, it cannot precede the last status change or service)."""
        if year in self.assessments:
            raise InvalidTransition(f"supervisor {self.key!r} already has an assessment for {year}")
        removes = grade in policy.failing_grades and self.status is not SupervisorStatus.REMOVED
        if removes:
            self._check_after_last_change(occurred_at, policy)
            self._check_no_later_service(occurred_at, policy, last_service_on)
        self._record_assessment(year=year, grade=grade, occurred_at=occurred_at)
        if removes:
            self._remove(
                reason=f"failed the {year} annual assessment ({grade.value})",
                effective_on=policy.local_date(occurred_at),
                occurred_at=occurred_at,
            )

    @event(AssessmentRecorded)
    def _record_assessment(self, year: int, grade: AssessmentGrade, occurred_at: datetime) -> None:
        self.assessments[year] = grade

    def pay_allowance(
        self,
        amount: Decimal,
        purpose: str,
        reference: str | None,
        occurred_at: datetime,
        policy: Policy,
    ) -> None:
        """Pay an allowance for service: not before the first term started, nor (unless
        the policy allows service before it) before the appointment."""
        if amount <= 0:
            raise RuleViolation(f"allowance to {self.key!r} must be positive, not {amount}")
        day = policy.local_date(occurred_at)
        first_start = self.terms[0].start
        if day < first_start:
            raise AllowanceBeforeTerm(
                f"allowance to {self.key!r} paid on {day.isoformat()}, before the first term "
                f"started on {first_start.isoformat()}"
            )
        self.check_appointed_by(day, "be paid an allowance", policy)
        self._pay_allowance(
            amount=amount, purpose=purpose, reference=reference, occurred_at=occurred_at
        )

    @event(AllowancePaid)
    def _pay_allowance(
        self, amount: Decimal, purpose: str, reference: str | None, occurred_at: datetime
    ) -> None:
        self.allowances.append((occurred_at, amount, purpose, reference))

    def declare_relationship(
        self,
        relationship: Relationship,
        party: str | None,
        case: str | None,
        occurred_at: datetime,
    ) -> None:
        if party is None and case is None:
            raise RuleViolation(f"a relationship declared by {self.key!r} names a party or a case")
        self._declare_relationship(
            relationship=relationship, party=party, case=case, occurred_at=occurred_at
        )

    @event(RelationshipDeclared)
    def _declare_relationship(
        self,
        relationship: Relationship,
        party: str | None,
        case: str | None,
        occurred_at: datetime,
    ) -> None:
        self.relationships.append(DeclaredRelationship(relationship, party, case, occurred_at))

    def suspend(
        self,
        reason: str,
        occurred_at: datetime,
        policy: Policy,
        last_service_on: date | None = None,
    ) -> None:
        """Suspend from the local date of ``occurred_at``, which may not precede the latest
        date the person was invited, served or submitted an opinion (it would make
        recorded service that of an inactive person): :attr:`last_served_on`, or
        ``last_service_on`` if that is later."""
        if self.status is not SupervisorStatus.ACTIVE:
            raise InvalidTransition(f"supervisor {self.key!r} is {self.status.value}")
        self._check_after_last_change(occurred_at, policy)
        self._check_no_later_service(occurred_at, policy, last_service_on)
        self._suspend(
            reason=reason, effective_on=policy.local_date(occurred_at), occurred_at=occurred_at
        )

    @event(Suspended)
    def _suspend(self, reason: str, effective_on: date, occurred_at: datetime) -> None:
        self.inactive.append(InactivePeriod(effective_on, None, SupervisorStatus.SUSPENDED, reason))

    def reinstate(self, reason: str, occurred_at: datetime, policy: Policy) -> None:
        if self.status is not SupervisorStatus.SUSPENDED:
            raise InvalidTransition(
                f"supervisor {self.key!r} is {self.status.value}, not suspended"
            )
        self._check_after_last_change(occurred_at, policy)
        self._reinstate(
            reason=reason, effective_on=policy.local_date(occurred_at), occurred_at=occurred_at
        )

    @event(Reinstated)
    def _reinstate(self, reason: str, effective_on: date, occurred_at: datetime) -> None:
        last = self.inactive[-1]
        self.inactive[-1] = InactivePeriod(last.start, effective_on, last.status, last.reason)

    def remove(
        self,
        reason: str,
        occurred_at: datetime,
        policy: Policy,
        last_service_on: date | None = None,
    ) -> None:
        """Remove from the local date of ``occurred_at``; not before ``last_service_on``
        (see :meth:`suspend`)."""
        if self.status is SupervisorStatus.REMOVED:
            raise InvalidTransition(f"supervisor {self.key!r} is already removed")
        self._check_after_last_change(occurred_at, policy)
        self._check_no_later_service(occurred_at, policy, last_service_on)
        self._remove(
            reason=reason, effective_on=policy.local_date(occurred_at), occurred_at=occurred_at
        )

    @event(Removed)
    def _remove(self, reason: str, effective_on: date, occurred_at: datetime) -> None:
        if self.inactive and self.inactive[-1].end is None:  # removal ends a suspension
            last = self.inactive[-1]
            self.inactive[-1] = InactivePeriod(last.start, effective_on, last.status, last.reason)
        self.inactive.append(InactivePeriod(effective_on, None, SupervisorStatus.REMOVED, reason))

    def renew_term(
        self, term_start: date, term_end: date, occurred_at: datetime, policy: Policy
    ) -> None:
        """Start a new term; at most ``policy.max_consecutive_terms`` in a row [P]."""
        if self.status is SupervisorStatus.REMOVED:
            raise InvalidTransition(f"supervisor {self.key!r} was removed and cannot be renewed")
        self.check_appointment(self.roles, term_start, term_end)
        last = self.terms[-1]
        if term_start <= last.end:
            raise InvalidTerm(
                f"new term of {self.key!r} starts {term_start.isoformat()}, before the current "
                f"term ends {last.end.isoformat()}"
            )
        # Terms separated by a gap shorter than the policy's count as consecutive: a day's
        # break (a term ending 28 February of a leap year) does not reset the limit.
        consecutive = 1
        previous_start = term_start
        for term in reversed(self.terms):
            gap_days = (previous_start - term.end).days - 1
            if gap_days >= policy.consecutive_term_gap_days:
                break
            consecutive += 1
            previous_start = term.start
        if consecutive > policy.max_consecutive_terms:
            raise TermLimitExceeded(
                f"supervisor {self.key!r} would serve {consecutive} consecutive terms; "
                f"at most {policy.max_consecutive_terms} are allowed (terms less than "
                f"{policy.consecutive_term_gap_days} days apart count as consecutive)"
            )
        self._renew_term(term_start=term_start, term_end=term_end, occurred_at=occurred_at)

    @event(TermRenewed)
    def _renew_term(self, term_start: date, term_end: date, occurred_at: datetime) -> None:
        self.terms.append(Term(term_start, term_end))

    def record_service(self, day: date, occurred_at: datetime) -> None:
        """Note that the person serves on ``day`` (an invitation, an attendance, an
        opinion); an event only when it is later than every service recorded so far."""
        if self.last_served_on is None or day > self.last_served_on:
            self._record_service(served_on=day, occurred_at=occurred_at)

    @event(ServiceRecorded)
    def _record_service(self, served_on: date, occurred_at: datetime) -> None:
        self._served_on = served_on

    def _check_after_last_change(self, occurred_at: datetime, policy: Policy) -> None:
        if self.inactive:
            last = self.inactive[-1]
            latest = last.end or last.start
            if policy.local_date(occurred_at) < latest:
                raise InvalidTransition(
                    f"supervisor {self.key!r}: a status change on "
                    f"{policy.local_date(occurred_at).isoformat()} precedes the last one "
                    f"on {latest.isoformat()}"
                )

    def _check_no_later_service(
        self, occurred_at: datetime, policy: Policy, last_service_on: date | None
    ) -> None:
        effective = policy.local_date(occurred_at)
        known = [d for d in (last_service_on, self.last_served_on) if d is not None]
        last_service_on = max(known, default=None)
        if last_service_on is not None and effective <= last_service_on:
            raise ServiceAfterStatusChange(
                f"supervisor {self.key!r} cannot become inactive from {effective.isoformat()}: "
                f"service is recorded on {last_service_on.isoformat()}"
            )
