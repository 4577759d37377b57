"""A case under external supervision: its activities, invitations and opinions.

Every opinion a supervisor submits must land somewhere and get an answer
(件件有着落、事事有回音): submitted → received (受理) → routed (流转) → decided (办理:
adopted / partly adopted / not adopted, the latter two with a written explanation)
→ feedback to the supervisor (反馈) → for adopted ones, the implementation reported
back. A supervisor who disagrees with the feedback may object, and the chief
prosecutor rules. A case cannot close while any opinion is unanswered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .approval import check_chief_approval
from .base import LedgerAggregate, aggregate_id, not_before
from .draw import SeedBasis, draw_from, eligible_pool
from .errors import (
    AlreadyConverted,
    AlreadyExists,
    AlreadyInvited,
    BeforeCaseRegistered,
    CaseClosed,
    ClosedBeforeLastStep,
    ExplanationRequired,
    InvalidTransition,
    NotAttended,
    NotFound,
    NotInvited,
    OpinionsUnanswered,
    RegisteredBeforeReceived,
    RuleViolation,
)
from .lifecycle import CLOSABLE, Invitation, check_may_pick_by_name, opinion_waits_for
from .policy import Policy
from .supervisor import Supervisor
from .values import (
    ActivityType,
    Approver,
    CaseFacts,
    CaseKind,
    FeedbackStage,
    InvitationStatus,
    ObjectionRuling,
    OpinionOutcome,
    OpinionStage,
    Party,
    Role,
)


@dataclass(frozen=True)
class Draw:
    """A recorded random draw: enough for an auditor to re-run it."""

    role: Role
    speciality: str | None
    count: int
    seed: int
    pool: tuple[str, ...]
    drawn: tuple[str, ...]
    occurred_at: datetime


@dataclass
class Activity:
    """One supervision activity (件次) of one of the nine types, or supervisor-initiated."""

    key: str
    type: ActivityType
    title: str | None
    opened_at: datetime
    initiated_by: str | None
    hearing: str | None
    invitations: dict[str, Invitation] = field(default_factory=dict)
    draws: list[Draw] = field(default_factory=list)


@dataclass
class Opinion:
    """A supervision opinion (监督意见) and every answer it has had."""

    key: str
    activity: str
    supervisor: str
    content: str
    submitted_at: datetime
    stage: OpinionStage = OpinionStage.SUBMITTED
    received_at: datetime | None = None
    routed_at: datetime | None = None
    department: str | None = None
    decided_at: datetime | None = None
    outcome: OpinionOutcome | None = None
    explanation: str | None = None
    feedback_at: datetime | None = None
    feedback: str | None = None
    implementation_at: datetime | None = None
    implementation: str | None = None
    objected_at: datetime | None = None
    objection: str | None = None
    objection_ruled_at: datetime | None = None
    objection_ruling: ObjectionRuling | None = None
    objection_reasons: str | None = None
    #: Retracted as entered by mistake (issue 12): it waits for nothing and counts nowhere.
    retracted_at: datetime | None = None
    retraction_reason: str | None = None
    #: When its content was last corrected (the corrections are in the history).
    corrected_at: datetime | None = None

    @property
    def retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def objection_pending(self) -> bool:
        return self.objected_at is not None and self.objection_ruled_at is None

    @property
    def waits_for(self) -> FeedbackStage | None:
        """The step this opinion waits for; None once fully answered (or retracted)."""
        if self.retracted:
            return None
        return opinion_waits_for(
            received=self.received_at is not None,
            decided=self.decided_at is not None,
            outcome=self.outcome,
            feedback=self.feedback_at is not None,
            implementation=self.implementation_at is not None,
            objection_pending=self.objection_pending,
        )

    @property
    def answered(self) -> bool:
        """Decided, feedback given, and no objection waiting for the chief prosecutor
        (the implementation report may still be due: it often outlasts the case)."""
        return self.waits_for in CLOSABLE

    def due_on(self, policy: Policy) -> date | None:
        """Last local day for the step the opinion waits for (None: no deadline)."""
        stage = self.waits_for
        if stage is None:
            return None
        local = policy.local_date
        return policy.opinion_due_on(
            stage,
            local(self.submitted_at),
            local(self.decided_at) if self.decided_at else None,
            local(self.objected_at) if self.objected_at else None,
        )

    def overdue_on(self, day: date, policy: Policy) -> bool:
        """Whether the step it waits for was due before ``day``."""
        due = self.due_on(policy)
        return due is not None and due < day

    @property
    def last_step_at(self) -> datetime:
        steps = [
            self.submitted_at,
            self.received_at,
            self.routed_at,
            self.decided_at,
            self.feedback_at,
            self.implementation_at,
            self.objected_at,
            self.objection_ruled_at,
            self.corrected_at,
            self.retracted_at,
        ]
        return max(s for s in steps if s is not None)


class Case(LedgerAggregate):
    """A case of one procuratorate unit, with the supervision it received."""

    kind: ClassVar[str] = "case"

    # -- events ----------------------------------------------------------------

    class Registered(LedgerAggregate.Created):
        key: str
        unit: str
        case_kind: CaseKind
        title: str | None
        handling_prosecutor: str
        parties: tuple[Party, ...]
        received_on: date

    class ActivityOpened(LedgerAggregate.Event):
        activity: str
        activity_type: ActivityType
        title: str | None
        initiated_by: str | None
        hearing: str | None

    class SupervisorsDrawn(LedgerAggregate.Event):
        activity: str
        role: Role
        speciality: str | None
        count: int
        seed: int
        pool: tuple[str, ...]
        drawn: tuple[str, ...]
        #: The hash-chain point the seed was derived from (None: a seed the caller named
        #: or, under ``Policy.draw_seed = random``, the ledger picked at random).
        seed_basis: SeedBasis | None

        #: Version 2 records the chain point a derived seed came from (issue 12).
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["seed_basis"] = None  # recorded before seeds were derived from the chain

    class SupervisorInvited(LedgerAggregate.Event):
        activity: str
        supervisor: str
        role: Role

    class InvitationAccepted(LedgerAggregate.Event):
        activity: str
        supervisor: str

    class InvitationDeclined(LedgerAggregate.Event):
        activity: str
        supervisor: str
        reason: str | None

    class SupervisorReplaced(LedgerAggregate.Event):
        activity: str
        supervisor: str
        replacement: str
        reason: str | None
        seed: int | None
        pool: tuple[str, ...]
        #: The hash-chain point a drawn replacement's seed was derived from, if it was.
        seed_basis: SeedBasis | None

        #: Version 2 records the chain point a derived seed came from (issue 12).
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["seed_basis"] = None  # recorded before seeds were derived from the chain

    class AttendanceRecorded(LedgerAggregate.Event):
        activity: str
        supervisor: str

    class OpinionSubmitted(LedgerAggregate.Event):
        opinion: str
        activity: str
        supervisor: str
        content: str

    class OpinionReceived(LedgerAggregate.Event):
        opinion: str

    class OpinionRouted(LedgerAggregate.Event):
        opinion: str
        department: str

    class OpinionDecided(LedgerAggregate.Event):
        opinion: str
        outcome: OpinionOutcome
        explanation: str | None

    class FeedbackGiven(LedgerAggregate.Event):
        opinion: str
        content: str

    class ImplementationReported(LedgerAggregate.Event):
        opinion: str
        content: str

    class FeedbackObjected(LedgerAggregate.Event):
        opinion: str
        reason: str

    class ObjectionRuled(LedgerAggregate.Event):
        opinion: str
        ruling: ObjectionRuling
        reasons: str
        #: Who ruled (the chief prosecutor, or an office ``Policy.chief_approval_roles``
        #: names); None when not recorded (and in rulings recorded before issue 12).
        approver: Approver | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["approver"] = None

    class OpinionRetracted(LedgerAggregate.Event):
        """An opinion entered by mistake, retracted with a reason (issue 12)."""

        opinion: str
        reason: str

    class OpinionCorrected(LedgerAggregate.Event):
        """An opinion's content corrected (a typo, a wrong text), with a reason."""

        opinion: str
        content: str
        reason: str

    class DecisionRecorded(LedgerAggregate.Event):
        decision: str

    class Closed(LedgerAggregate.Event):
        pass

    class SourceLeadLinked(LedgerAggregate.Event):
        lead: str

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("case", key)

    # -- queries ---------------------------------------------------------------

    @property
    def facts(self) -> CaseFacts:
        return CaseFacts(
            key=self.key,
            unit=self.unit,
            kind=self.case_kind,
            party_names=tuple(p.name for p in self.parties),
            has_minor=any(p.minor for p in self.parties),
        )

    @property
    def label(self) -> str:
        """How refusals name this record: ``case 'K-1'`` (a unit activity says its own)."""
        return f"case {self.key!r}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def activity(self, key: str) -> Activity:
        try:
            return self.activities[key]
        except KeyError:
            raise NotFound(f"{self.label} has no activity {key!r}") from None

    def opinion(self, key: str) -> Opinion:
        try:
            return self.opinions[key]
        except KeyError:
            raise NotFound(f"{self.label} has no opinion {key!r}") from None

    def invitation(self, activity: str, supervisor: str) -> Invitation:
        try:
            return self.activity(activity).invitations[supervisor]
        except KeyError:
            raise NotInvited(
                f"supervisor {supervisor!r} was not invited to activity {activity!r} "
                f"of {self.label}"
            ) from None

    def unanswered_opinions(self) -> list[Opinion]:
        return [o for o in self.opinions.values() if not o.answered]

    def overdue_opinions(self, day: date, policy: Policy) -> list[Opinion]:
        """Opinions whose awaited step was due before ``day`` under ``policy``."""
        return [o for o in self.opinions.values() if o.overdue_on(day, policy)]

    def next_activity_key(self) -> str:
        return f"A{len(self.activities) + 1}"

    def next_opinion_key(self) -> str:
        return f"O{len(self.opinions) + 1}"

    def _check_open(self) -> None:
        if self.closed_at is not None:
            raise CaseClosed(f"{self.label} is closed")

    @staticmethod
    def check_registration(
        case: str, received_on: date, occurred_at: datetime, policy: Policy
    ) -> None:
        """A case is registered on or after the day it was received, never before."""
        registered = policy.local_date(occurred_at)
        if registered < received_on:
            raise RegisteredBeforeReceived(
                f"case {case!r} registered on {registered.isoformat()}, before it was "
                f"received on {received_on.isoformat()}"
            )

    def check_after_registration(self, occurred_at: datetime, what: str) -> None:
        """Refuse a step of this case (or of a record that depends on it) dated before the
        case was registered: back-filling is fine, inverting the order is not."""
        if occurred_at < self.registered_at:
            raise BeforeCaseRegistered(
                f"{what} at {occurred_at.isoformat()} is before {self.label} was "
                f"registered ({self.registered_at.isoformat()})"
            )

    @property
    def last_step_at(self) -> datetime:
        """The business time of the latest step recorded on the case, which closing it may
        not precede. An opinion's implementation report is left out: it may come after the
        case closed (implementation often outlasts the case)."""
        steps = [self.registered_at]
        if self.decided_at is not None:
            steps.append(self.decided_at)
        for act in self.activities.values():
            steps.append(act.opened_at)
            steps.extend(d.occurred_at for d in act.draws)
            for inv in act.invitations.values():
                steps.append(inv.invited_at)
                if inv.changed_at is not None:
                    steps.append(inv.changed_at)
        for op in self.opinions.values():
            steps.extend(
                moment
                for moment in (
                    op.submitted_at,
                    op.received_at,
                    op.routed_at,
                    op.decided_at,
                    op.feedback_at,
                    op.objected_at,
                    op.objection_ruled_at,
                )
                if moment is not None
            )
        return max(steps)

    # -- registration and activities --------------------------------------------

    @event(Registered)
    def __init__(
        self,
        key: str,
        unit: str,
        case_kind: CaseKind,
        title: str | None,
        handling_prosecutor: str,
        parties: tuple[Party, ...],
        received_on: date,
        occurred_at: datetime,
    ) -> None:
        self.key = key
        self.unit = unit
        self.case_kind = case_kind
        self.title = title
        self.handling_prosecutor = handling_prosecutor
        self.parties = parties
        self.received_on = received_on
        self._start(occurred_at)
        self.source_lead: str | None = None

    def _start(self, occurred_at: datetime) -> None:
        """The state a case and a unit activity (its subclass) start with: registered
        at ``occurred_at``, no activities, opinions or decision, open."""
        self.registered_at = occurred_at
        self.activities: dict[str, Activity] = {}
        self.opinions: dict[str, Opinion] = {}
        self.decision: str | None = None
        self.decided_at: datetime | None = None
        self.closed_at: datetime | None = None

    def open_activity(
        self,
        activity: str,
        activity_type: ActivityType,
        title: str | None,
        initiated_by: Supervisor | None,
        hearing: str | None,
        occurred_at: datetime,
        policy: Policy,
    ) -> None:
        """Open a supervision activity; a supervisor-initiated one names its initiator."""
        self._check_open()
        self.check_after_registration(occurred_at, f"activity {activity!r}")
        if activity in self.activities:
            raise AlreadyExists(f"{self.label} already has an activity {activity!r}")
        if activity_type is ActivityType.SUPERVISOR_INITIATED:
            if initiated_by is None:
                raise RuleViolation(
                    f"supervisor-initiated activity {activity!r} of {self.label} "
                    "names the supervisor who initiated it"
                )
            initiated_by.check_can_serve(
                Role.PEOPLES_SUPERVISOR, policy.local_date(occurred_at), self.facts, policy
            )
        elif initiated_by is not None:
            raise RuleViolation(
                f"only a supervisor-initiated activity has an initiator; activity {activity!r} "
                f"is {activity_type.value}"
            )
        self._open_activity(
            activity=activity,
            activity_type=activity_type,
            title=title,
            initiated_by=initiated_by.key if initiated_by else None,
            hearing=hearing,
            occurred_at=occurred_at,
        )

    @event(ActivityOpened)
    def _open_activity(
        self,
        activity: str,
        activity_type: ActivityType,
        title: str | None,
        initiated_by: str | None,
        hearing: str | None,
        occurred_at: datetime,
    ) -> None:
        self.activities[activity] = Activity(
            key=activity,
            type=activity_type,
            title=title,
            opened_at=occurred_at,
            initiated_by=initiated_by,
            hearing=hearing,
        )

    # -- invitations -------------------------------------------------------------

    def eligible_pool(
        self,
        activity: str,
        candidates: Iterable[Supervisor],
        role: Role,
        speciality: str | None,
        occurred_at: datetime,
        policy: Policy,
    ) -> tuple[str, ...]:
        """Keys of candidates who may be drawn: role, speciality, active, not recused,
        not already invited to the activity."""
        return eligible_pool(
            candidates,
            role,
            speciality,
            policy.local_date(occurred_at),
            self.facts,
            policy,
            exclude=self.activity(activity).invitations,
        )

    def draw_supervisors(
        self,
        activity: str,
        candidates: Iterable[Supervisor],
        role: Role,
        count: int,
        speciality: str | None,
        seed: int,
        occurred_at: datetime,
        policy: Policy,
        seed_basis: SeedBasis | None = None,
    ) -> tuple[str, ...]:
        """Draw ``count`` supervisors at random (随机抽选) and invite them [C]; with
        ``seed_basis``, ``seed`` was derived from the hash chain there."""
        self._check_open()
        act = self.activity(activity)
        not_before(occurred_at, act.opened_at, f"draw for activity {activity!r}")
        if count < 1:
            raise RuleViolation(f"a draw for activity {activity!r} needs a count of at least 1")
        pool = self.eligible_pool(activity, candidates, role, speciality, occurred_at, policy)
        what = f"{role.value}" + (f" with speciality {speciality!r}" if speciality else "")
        drawn = draw_from(
            pool, count, seed, f"activity {activity!r} of {self.label} (eligible {what})"
        )
        self._draw(
            activity=activity,
            role=role,
            speciality=speciality,
            count=count,
            seed=seed,
            pool=pool,
            drawn=drawn,
            seed_basis=seed_basis,
            occurred_at=occurred_at,
        )
        return drawn

    @event(SupervisorsDrawn)
    def _draw(
        self,
        activity: str,
        role: Role,
        speciality: str | None,
        count: int,
        seed: int,
        pool: tuple[str, ...],
        drawn: tuple[str, ...],
        seed_basis: SeedBasis | None,
        occurred_at: datetime,
    ) -> None:
        act = self.activities[activity]
        act.draws.append(Draw(role, speciality, count, seed, pool, drawn, occurred_at))
        for key in drawn:
            act.invitations[key] = Invitation(key, role, occurred_at, drawn=True)

    def invite(
        self,
        activity: str,
        supervisor: Supervisor,
        role: Role,
        occurred_at: datetime,
        policy: Policy,
    ) -> None:
        """Invite a named person to an activity."""
        self._check_open()
        act = self.activity(activity)
        not_before(occurred_at, act.opened_at, f"invitation to activity {activity!r}")
        if supervisor.key in act.invitations:
            raise AlreadyInvited(
                f"supervisor {supervisor.key!r} is already invited to activity {activity!r} "
                f"of {self.label}"
            )
        supervisor.check_can_serve(role, policy.local_date(occurred_at), self.facts, policy)
        check_may_pick_by_name(
            role,
            policy,
            f"inviting {supervisor.key!r} to activity {activity!r} of {self.label}",
        )
        self._invite(
            activity=activity, supervisor=supervisor.key, role=role, occurred_at=occurred_at
        )

    @event(SupervisorInvited)
    def _invite(self, activity: str, supervisor: str, role: Role, occurred_at: datetime) -> None:
        self.activities[activity].invitations[supervisor] = Invitation(
            supervisor, role, occurred_at
        )

    def _check_invitation_step(
        self,
        activity: str,
        supervisor: str,
        step: str,
        said: str,
        occurred_at: datetime,
    ) -> Invitation:
        """The invitation, once its lifecycle (``lifecycle.Invitation``) allows ``step``."""
        self._check_open()
        inv = self.invitation(activity, supervisor)
        inv.check(
            step,
            lambda status: (
                f"cannot record that {supervisor!r} {said} activity {activity!r} of "
                f"{self.label}: the invitation is {status}"
            ),
        )
        not_before(occurred_at, inv.last_changed_at, f"{supervisor!r} {said}")
        return inv

    def accept_invitation(self, activity: str, supervisor: str, occurred_at: datetime) -> None:
        self._check_invitation_step(activity, supervisor, "accept", "accepted", occurred_at)
        self._accept(activity=activity, supervisor=supervisor, occurred_at=occurred_at)

    @event(InvitationAccepted)
    def _accept(self, activity: str, supervisor: str, occurred_at: datetime) -> None:
        self.activities[activity].invitations[supervisor].take("accept", occurred_at)

    def decline_invitation(
        self, activity: str, supervisor: str, reason: str | None, occurred_at: datetime
    ) -> None:
        self._check_invitation_step(activity, supervisor, "decline", "declined", occurred_at)
        self._decline(
            activity=activity, supervisor=supervisor, reason=reason, occurred_at=occurred_at
        )

    @event(InvitationDeclined)
    def _decline(
        self, activity: str, supervisor: str, reason: str | None, occurred_at: datetime
    ) -> None:
        inv = self.activities[activity].invitations[supervisor]
        inv.take("decline", occurred_at, reason=reason)

    def replace_supervisor(
        self,
        activity: str,
        supervisor: str,
        replacement: Supervisor | None,
        candidates: Iterable[Supervisor],
        seed: int,
        reason: str | None,
        occurred_at: datetime,
        policy: Policy,
        seed_basis: SeedBasis | None = None,
    ) -> str:
        """Send a replacement (补派) for someone who cannot attend.

        With ``replacement`` the person is named; without, one is drawn from the
        eligible ``candidates`` with ``seed``, as the original draw was.
        """
        inv = self._check_invitation_step(
            activity, supervisor, "replace", "was replaced in", occurred_at
        )
        act = self.activities[activity]
        pool: tuple[str, ...] = ()
        drawn_seed: int | None = None
        if replacement is None:
            pool = self.eligible_pool(activity, candidates, inv.role, None, occurred_at, policy)
            new_key = draw_from(
                pool,
                1,
                seed,
                f"replacing {supervisor!r} in activity {activity!r} of {self.label} "
                f"(eligible {inv.role.value})",
            )[0]
            drawn_seed = seed
        else:
            if replacement.key in act.invitations:
                raise AlreadyInvited(
                    f"replacement {replacement.key!r} is already invited to activity "
                    f"{activity!r} of {self.label}"
                )
            replacement.check_can_serve(
                inv.role, policy.local_date(occurred_at), self.facts, policy
            )
            check_may_pick_by_name(
                inv.role,
                policy,
                f"sending {replacement.key!r} to activity {activity!r} of {self.label}",
            )
            new_key = replacement.key
        self._replace(
            activity=activity,
            supervisor=supervisor,
            replacement=new_key,
            reason=reason,
            seed=drawn_seed,
            pool=pool,
            seed_basis=seed_basis if drawn_seed is not None else None,
            occurred_at=occurred_at,
        )
        return new_key

    @event(SupervisorReplaced)
    def _replace(
        self,
        activity: str,
        supervisor: str,
        replacement: str,
        reason: str | None,
        seed: int | None,
        pool: tuple[str, ...],
        seed_basis: SeedBasis | None,
        occurred_at: datetime,
    ) -> None:
        act = self.activities[activity]
        old = act.invitations[supervisor]
        old.take("replace", occurred_at, reason=reason, replaced_by=replacement)
        act.invitations[replacement] = Invitation(
            replacement, old.role, occurred_at, drawn=seed is not None, replaces=supervisor
        )

    def record_attendance(self, activity: str, supervisor: str, occurred_at: datetime) -> None:
        self._check_invitation_step(activity, supervisor, "attend", "attended", occurred_at)
        self._attend(activity=activity, supervisor=supervisor, occurred_at=occurred_at)

    @event(AttendanceRecorded)
    def _attend(self, activity: str, supervisor: str, occurred_at: datetime) -> None:
        self.activities[activity].invitations[supervisor].take("attend", occurred_at)

    # -- opinions ----------------------------------------------------------------

    def submit_opinion(
        self,
        opinion: str,
        activity: str,
        supervisor: Supervisor,
        content: str,
        occurred_at: datetime,
        policy: Policy,
    ) -> None:
        """Record a supervision opinion: from a supervisor who attended the activity,
        or from the initiator of a supervisor-initiated one, active on that date."""
        self._check_open()
        if opinion in self.opinions:
            raise AlreadyExists(f"{self.label} already has an opinion {opinion!r}")
        act = self.activity(activity)
        if act.type is ActivityType.SUPERVISOR_INITIATED and act.initiated_by == supervisor.key:
            role, since = Role.PEOPLES_SUPERVISOR, act.opened_at
        else:
            inv = act.invitations.get(supervisor.key)
            if inv is None or inv.status is not InvitationStatus.ATTENDED:
                state = "was not invited" if inv is None else f"invitation is {inv.status.value}"
                raise NotAttended(
                    f"supervisor {supervisor.key!r} cannot submit an opinion on activity "
                    f"{activity!r} of {self.label}: {state}, not attended"
                )
            role, since = inv.role, inv.last_changed_at
        not_before(occurred_at, since, f"opinion {opinion!r}")
        # The case's facts, so that a relationship declared for the case or one of its
        # parties stops an opinion as it stops an invitation.
        supervisor.check_can_serve(role, policy.local_date(occurred_at), self.facts, policy)
        self._submit(
            opinion=opinion,
            activity=activity,
            supervisor=supervisor.key,
            content=content,
            occurred_at=occurred_at,
        )

    @event(OpinionSubmitted)
    def _submit(
        self, opinion: str, activity: str, supervisor: str, content: str, occurred_at: datetime
    ) -> None:
        self.opinions[opinion] = Opinion(opinion, activity, supervisor, content, occurred_at)

    def _live_opinion(self, opinion: str, step: str) -> Opinion:
        """The opinion, unless it was retracted (a retracted opinion takes no step)."""
        op = self.opinion(opinion)
        if op.retracted:
            raise InvalidTransition(
                f"cannot record '{step}' for opinion {opinion!r} of {self.label}: it was retracted"
            )
        return op

    def _opinion_step(
        self, opinion: str, allowed: set[OpinionStage], step: str, occurred_at: datetime
    ) -> Opinion:
        op = self._live_opinion(opinion, step)
        if op.stage not in allowed:
            raise InvalidTransition(
                f"cannot record '{step}' for opinion {opinion!r} of {self.label}: "
                f"it is at stage {op.stage.value}"
            )
        if op.objection_pending:
            raise InvalidTransition(
                f"opinion {opinion!r} of {self.label} has an objection awaiting the "
                "chief prosecutor's ruling"
            )
        not_before(occurred_at, op.last_step_at, f"'{step}' of opinion {opinion!r}")
        return op

    def receive_opinion(self, opinion: str, occurred_at: datetime) -> None:
        """受理: the opinion is received and recorded in the case file."""
        self._check_open()
        self._opinion_step(opinion, {OpinionStage.SUBMITTED}, "received", occurred_at)
        self._receive(opinion=opinion, occurred_at=occurred_at)

    @event(OpinionReceived)
    def _receive(self, opinion: str, occurred_at: datetime) -> None:
        op = self.opinions[opinion]
        op.stage, op.received_at = OpinionStage.RECEIVED, occurred_at

    def route_opinion(self, opinion: str, department: str, occurred_at: datetime) -> None:
        """流转: the opinion goes to the department that handles it."""
        self._check_open()
        self._opinion_step(opinion, {OpinionStage.RECEIVED}, "routed", occurred_at)
        self._route(opinion=opinion, department=department, occurred_at=occurred_at)

    @event(OpinionRouted)
    def _route(self, opinion: str, department: str, occurred_at: datetime) -> None:
        op = self.opinions[opinion]
        op.stage, op.routed_at, op.department = OpinionStage.ROUTED, occurred_at, department

    def decide_opinion(
        self,
        opinion: str,
        outcome: OpinionOutcome,
        explanation: str | None,
        occurred_at: datetime,
    ) -> None:
        """办理: adopt, partly adopt or not adopt; the last two need an explanation [C]."""
        self._check_open()
        self._opinion_step(opinion, {OpinionStage.ROUTED}, "decided", occurred_at)
        if outcome is not OpinionOutcome.ADOPTED and not (explanation or "").strip():
            raise ExplanationRequired(
                f"opinion {opinion!r} of {self.label} is {outcome.value}: "
                "a written explanation is required"
            )
        self._decide(
            opinion=opinion, outcome=outcome, explanation=explanation, occurred_at=occurred_at
        )

    @event(OpinionDecided)
    def _decide(
        self, opinion: str, outcome: OpinionOutcome, explanation: str | None, occurred_at: datetime
    ) -> None:
        op = self.opinions[opinion]
        op.stage, op.decided_at = OpinionStage.DECIDED, occurred_at
        op.outcome, op.explanation = outcome, explanation

    def give_feedback(self, opinion: str, content: str, occurred_at: datetime) -> None:
        """反馈: tell the supervisor how the opinion was decided."""
        self._check_open()
        self._opinion_step(opinion, {OpinionStage.DECIDED}, "feedback", occurred_at)
        self._give_feedback(opinion=opinion, content=content, occurred_at=occurred_at)

    @event(FeedbackGiven)
    def _give_feedback(self, opinion: str, content: str, occurred_at: datetime) -> None:
        op = self.opinions[opinion]
        op.stage, op.feedback_at, op.feedback = OpinionStage.FEEDBACK_GIVEN, occurred_at, content

    def report_implementation(self, opinion: str, content: str, occurred_at: datetime) -> None:
        """落实反馈: for an adopted (or partly adopted) opinion, report what was done.

        Allowed after the case closed: implementation often outlasts the case.
        """
        op = self._opinion_step(
            opinion, {OpinionStage.FEEDBACK_GIVEN}, "implementation reported", occurred_at
        )
        if op.outcome is OpinionOutcome.NOT_ADOPTED:
            raise InvalidTransition(
                f"opinion {opinion!r} of {self.label} was not adopted: "
                "there is no implementation to report"
            )
        self._report_implementation(opinion=opinion, content=content, occurred_at=occurred_at)

    @event(ImplementationReported)
    def _report_implementation(self, opinion: str, content: str, occurred_at: datetime) -> None:
        op = self.opinions[opinion]
        op.stage = OpinionStage.IMPLEMENTATION_REPORTED
        op.implementation_at, op.implementation = occurred_at, content

    def object_to_feedback(self, opinion: str, reason: str, occurred_at: datetime) -> None:
        """The supervisor disagrees with the feedback; the chief prosecutor must rule [U]."""
        self._check_open()
        op = self._opinion_step(
            opinion,
            {OpinionStage.FEEDBACK_GIVEN, OpinionStage.IMPLEMENTATION_REPORTED},
            "objection",
            occurred_at,
        )
        if op.objected_at is not None:
            raise InvalidTransition(f"opinion {opinion!r} of {self.label} already had an objection")
        self._object(opinion=opinion, reason=reason, occurred_at=occurred_at)

    @event(FeedbackObjected)
    def _object(self, opinion: str, reason: str, occurred_at: datetime) -> None:
        op = self.opinions[opinion]
        op.objected_at, op.objection = occurred_at, reason

    def rule_on_objection(
        self,
        opinion: str,
        ruling: ObjectionRuling,
        reasons: str,
        occurred_at: datetime,
        approver: Approver | None = None,
        policy: Policy | None = None,
    ) -> None:
        """检察长 decides on the supervisor's objection, with reasons; ``approver`` names
        who ruled (an office of ``Policy.chief_approval_roles``)."""
        self._check_open()
        op = self._live_opinion(opinion, "ruling")
        if not op.objection_pending:
            raise InvalidTransition(
                f"opinion {opinion!r} of {self.label} has no objection awaiting a ruling"
            )
        not_before(occurred_at, op.last_step_at, f"ruling on opinion {opinion!r}")
        if not reasons.strip():
            raise ExplanationRequired(
                f"the ruling on the objection to opinion {opinion!r} needs reasons"
            )
        if policy is not None:
            check_chief_approval(approver, policy, f"ruling on opinion {opinion!r}")
        self._rule(
            opinion=opinion,
            ruling=ruling,
            reasons=reasons,
            approver=approver,
            occurred_at=occurred_at,
        )

    @event(ObjectionRuled)
    def _rule(
        self,
        opinion: str,
        ruling: ObjectionRuling,
        reasons: str,
        approver: Approver | None,
        occurred_at: datetime,
    ) -> None:
        op = self.opinions[opinion]
        op.objection_ruled_at, op.objection_ruling, op.objection_reasons = (
            occurred_at,
            ruling,
            reasons,
        )

    # -- corrections (issue 12) ---------------------------------------------------

    def retract_opinion(self, opinion: str, reason: str, occurred_at: datetime) -> None:
        """Retract an opinion entered by mistake (a wrong case, a duplicate, a person who
        gave none): it then waits for nothing and counts in no figure; its events stay.
        Allowed after the case closed — a mistake may be found late."""
        op = self._live_opinion(opinion, "retraction")
        not_before(occurred_at, op.submitted_at, f"retraction of opinion {opinion!r}")
        if not reason.strip():
            raise ExplanationRequired(f"the retraction of opinion {opinion!r} needs a reason")
        self._retract(opinion=opinion, reason=reason, occurred_at=occurred_at)

    @event(OpinionRetracted)
    def _retract(self, opinion: str, reason: str, occurred_at: datetime) -> None:
        op = self.opinions[opinion]
        op.retracted_at, op.retraction_reason = occurred_at, reason

    def correct_opinion(
        self, opinion: str, content: str, reason: str, occurred_at: datetime
    ) -> None:
        """Correct the recorded text of an opinion (a typo, the wrong text entered);
        the first text stays in the history beside the correction."""
        op = self._live_opinion(opinion, "correction")
        not_before(occurred_at, op.submitted_at, f"correction of opinion {opinion!r}")
        if not reason.strip():
            raise ExplanationRequired(f"the correction of opinion {opinion!r} needs a reason")
        if content == op.content:
            raise RuleViolation(
                f"the correction of opinion {opinion!r} of {self.label} changes nothing"
            )
        self._correct(opinion=opinion, content=content, reason=reason, occurred_at=occurred_at)

    @event(OpinionCorrected)
    def _correct(self, opinion: str, content: str, reason: str, occurred_at: datetime) -> None:
        op = self.opinions[opinion]
        op.content, op.corrected_at = content, occurred_at

    # -- decision and closing ----------------------------------------------------

    def record_decision(self, decision: str, occurred_at: datetime) -> None:
        self._check_open()
        self.check_after_registration(occurred_at, f"the decision on {self.label}")
        self._record_decision(decision=decision, occurred_at=occurred_at)

    @event(DecisionRecorded)
    def _record_decision(self, decision: str, occurred_at: datetime) -> None:
        self.decision, self.decided_at = decision, occurred_at

    def close(self, occurred_at: datetime) -> None:
        """Close the case — refused while any opinion lacks a decision or feedback."""
        self._check_open()
        unanswered = self.unanswered_opinions()
        if unanswered:
            keys = ", ".join(repr(o.key) for o in unanswered)
            raise OpinionsUnanswered(
                f"{self.label} cannot close: opinions {keys} lack a decision, "
                "feedback or a ruling on an objection"
            )
        last = self.last_step_at
        if occurred_at < last:
            raise ClosedBeforeLastStep(
                f"{self.label} closed at {occurred_at.isoformat()}, before its last "
                f"recorded step at {last.isoformat()}"
            )
        self._close(occurred_at=occurred_at)

    @event(Closed)
    def _close(self, occurred_at: datetime) -> None:
        self.closed_at = occurred_at

    # -- source lead (成案) ------------------------------------------------------

    def link_source_lead(self, lead: str, occurred_at: datetime) -> None:
        """Record the lead this case was made from; a case has at most one source lead.
        Called by :meth:`Lead.turn_into_case`, which checks the lead's side."""
        self._check_open()
        if self.source_lead is not None:
            raise AlreadyConverted(f"{self.label} was already made from lead {self.source_lead!r}")
        not_before(occurred_at, self.registered_at, f"source lead of {self.label}")
        self._link_source_lead(lead=lead, occurred_at=occurred_at)

    @event(SourceLeadLinked)
    def _link_source_lead(self, lead: str, occurred_at: datetime) -> None:
        self.source_lead = lead
