"""A procuratorial hearing (检察听证) on a case, under the 2020 SPP hearing rules.

proposed → approved by the chief prosecutor → scheduled (at least N days' notice)
→ officers and observers invited → held → each officer's opinion → the
procuratorate's decision (departing from the officers' majority only with the chief
prosecutor's approval and written reasons) → the parties accept or reject the
hearing opinion → concluded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import event

from .approval import check_chief_approval
from .base import LedgerAggregate, aggregate_id, not_before
from .draw import SeedBasis, draw_from, eligible_pool
from .errors import (
    AlreadyExists,
    AlreadyInvited,
    CaseClosed,
    ClosedGroundRequired,
    ClosedHearingRequired,
    DepartureNeedsApproval,
    ExplanationRequired,
    HandlerMustPreside,
    InvalidTransition,
    NotAParty,
    NotAttended,
    NoticeTooShort,
    NotInvited,
    RuleViolation,
    TooManyOfficers,
)
from .lifecycle import Invitation, check_may_pick_by_name
from .policy import Policy, add_days
from .supervisor import Supervisor
from .values import (
    CLOSED_BY_DEFAULT_KINDS,
    HEARING_STATUS_ORDER,
    Approver,
    ApproverRole,
    CaseFacts,
    CaseKind,
    ClosedGround,
    HearingStatus,
    InvitationStatus,
    Role,
    Stance,
)

#: Roles that may observe a hearing (人民监督员、人大代表、政协委员).
OBSERVER_ROLES = frozenset({Role.PEOPLES_SUPERVISOR, Role.NPC_DEPUTY, Role.CPPCC_MEMBER})


@dataclass
class HearingParticipant(Invitation):
    """An invited hearing officer (听证员) or observer: an :class:`Invitation` (its
    lifecycle is written once, in ``lifecycle``) that knows whether it is an officer."""

    officer: bool = field(default=False, kw_only=True)


@dataclass(frozen=True)
class OfficerOpinion:
    officer: str
    recommendation: str
    reasons: str | None
    occurred_at: datetime
    #: Agree or disagree with the proposed decision; None: recorded without a stance.
    stance: Stance | None = None


@dataclass(frozen=True)
class CollectiveOpinion:
    """The officers' one collective opinion, given through a representative (Art. 15(5))."""

    representative: str
    recommendation: str
    stance: Stance | None
    reasons: str | None
    occurred_at: datetime


class Hearing(LedgerAggregate):
    """One hearing held on one case."""

    kind: ClassVar[str] = "hearing"
    status: HearingStatus
    # State added by issue 12 point 8, with the defaults a snapshot taken before it
    # (persistence/snapshots.py, SNAPSHOT_OPTIONAL) leaves in place.
    applied_by: str | None = None
    handler: str | None = None
    handler_rank: ApproverRole | None = None
    refusal_reasons: str | None = None
    closed_ground: ClosedGround | None = None
    collective_opinion: CollectiveOpinion | None = None
    follows_proposal: bool | None = None

    # -- events ----------------------------------------------------------------

    class Proposed(LedgerAggregate.Created):
        key: str
        case: str
        unit: str
        case_kind: CaseKind
        party_names: tuple[str, ...]
        has_minor: bool
        reason: str | None
        #: The party who applied for the hearing (Art. 9); None: proposed by the office.
        applied_by: str | None
        #: The case's handling prosecutor and their rank (None: an ordinary prosecutor).
        handler: str | None
        handler_rank: ApproverRole | None

        #: Version 2 records the applicant and the handler's rank (issue 12 point 8).
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["applied_by"] = None
            state["handler"] = None
            state["handler_rank"] = None

    class Refused(LedgerAggregate.Event):
        reasons: str

    class Approved(LedgerAggregate.Event):
        #: The office and person that approved holding the hearing (issue 12: was the
        #: free text ``approved_by``, read back as the chief prosecutor's approval).
        approver: Approver

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["approver"] = {"role": "chief_prosecutor", "name": state.pop("approved_by")}

    class Scheduled(LedgerAggregate.Event):
        scheduled_for: datetime
        public: bool
        presiding_prosecutor: str
        presided_by_chief: bool
        location: str | None
        #: Why a closed hearing is closed; None when public.
        closed_ground: ClosedGround | None

        #: Version 2 records the ground of a closed hearing (issue 12 point 8).
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["closed_ground"] = None  # recorded before grounds were

    class OfficersDrawn(LedgerAggregate.Event):
        count: int
        speciality: str | None
        seed: int
        pool: tuple[str, ...]
        drawn: tuple[str, ...]
        #: The hash-chain point the seed was derived from (None: named or random).
        seed_basis: SeedBasis | None

        #: Version 2 records the chain point a derived seed came from (issue 12).
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["seed_basis"] = None  # recorded before seeds were derived from the chain

    class OfficerInvited(LedgerAggregate.Event):
        supervisor: str

    class ObserverInvited(LedgerAggregate.Event):
        supervisor: str
        role: Role

    class InvitationDeclined(LedgerAggregate.Event):
        supervisor: str
        reason: str | None

    class OfficerReplaced(LedgerAggregate.Event):
        supervisor: str
        replacement: str
        reason: str | None

    class Held(LedgerAggregate.Event):
        attendees: tuple[str, ...]
        absent: tuple[str, ...]

    class OfficerOpinionRecorded(LedgerAggregate.Event):
        officer: str
        recommendation: str
        reasons: str | None
        stance: Stance | None

        #: Version 2 records the stance on the proposed decision (issue 12 point 8).
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["stance"] = None

    class CollectiveOpinionRecorded(LedgerAggregate.Event):
        representative: str
        recommendation: str
        stance: Stance | None
        reasons: str | None

    class Decided(LedgerAggregate.Event):
        decision: str
        majority: str | None
        departs_from_majority: bool
        chief_approved: bool
        reasons: str | None
        #: Whether the decision is the one proposed (None: not said); the majority's
        #: stance it was judged against (None: judged on recommendation texts).
        follows_proposal: bool | None
        majority_stance: Stance | None

        #: Version 2 judges departure on the officers' stances (issue 12 point 8).
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["follows_proposal"] = None
            state["majority_stance"] = None

    class PartyResponded(LedgerAggregate.Event):
        party: str
        accepted: bool

    class Concluded(LedgerAggregate.Event):
        pass

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return aggregate_id("hearing", key)

    # -- queries ---------------------------------------------------------------

    @property
    def facts(self) -> CaseFacts:
        return CaseFacts(self.case, self.unit, self.case_kind, self.party_names, self.has_minor)

    @property
    def officers(self) -> dict[str, HearingParticipant]:
        return {k: p for k, p in self.participants.items() if p.officer}

    @property
    def observers(self) -> dict[str, HearingParticipant]:
        return {k: p for k, p in self.participants.items() if not p.officer}

    def majority_recommendation(self) -> str | None:
        """The recommendation more than half of the recorded officer opinions share; the
        collective opinion's, when the officers gave one."""
        if self.collective_opinion is not None:
            return self.collective_opinion.recommendation
        counts = Counter(o.recommendation for o in self.officer_opinions.values())
        if not counts:
            return None
        recommendation, n = counts.most_common(1)[0]
        return recommendation if n * 2 > sum(counts.values()) else None

    def majority_stance(self) -> Stance | None:
        """The stance more than half of the officers' opinions take on the proposed
        decision (the collective opinion's, when given); None without a majority."""
        if self.collective_opinion is not None:
            return self.collective_opinion.stance
        counts = Counter(o.stance for o in self.officer_opinions.values())
        for stance in Stance:
            if counts[stance] * 2 > sum(counts.values()):
                return stance
        return None

    @property
    def parties_accepted(self) -> bool | None:
        """True when every party that responded accepted the hearing opinion."""
        if not self.party_responses:
            return None
        return all(self.party_responses.values())

    def _require(self, *statuses: HearingStatus, step: str) -> None:
        if self.status not in statuses:
            wanted = " or ".join(s.value for s in statuses)
            raise InvalidTransition(
                f"hearing {self.key!r} is {self.status.value}; '{step}' needs it {wanted}"
            )

    def _advance(self, status: HearingStatus, occurred_at: datetime) -> None:
        if HEARING_STATUS_ORDER.index(status) > HEARING_STATUS_ORDER.index(self.status):
            self.status = status
        self.last_step_at = occurred_at

    # -- commands --------------------------------------------------------------

    @staticmethod
    def check_case_open(case_closed: bool, case: str) -> None:
        if case_closed:
            raise CaseClosed(f"case {case!r} is closed: no hearing can be proposed")

    @staticmethod
    def check_applicant(applied_by: str | None, party_names: tuple[str, ...], case: str) -> None:
        """Only a party of the case may apply for a hearing (Art. 9)."""
        if applied_by is not None and applied_by not in party_names:
            raise NotAParty(f"{applied_by!r} is not a party of case {case!r}")

    def refuse(self, reasons: str, occurred_at: datetime) -> None:
        """Decide not to hold the proposed (or applied-for) hearing; the reasons are
        required, to be told to the applicant (Art. 9)."""
        self._require(HearingStatus.PROPOSED, step="refuse")
        not_before(occurred_at, self.last_step_at, f"refusal of hearing {self.key!r}")
        if not reasons.strip():
            raise ExplanationRequired(f"the refusal of hearing {self.key!r} needs reasons")
        self._refuse(reasons=reasons, occurred_at=occurred_at)

    @event(Refused)
    def _refuse(self, reasons: str, occurred_at: datetime) -> None:
        self.refusal_reasons = reasons
        self.status = HearingStatus.REFUSED
        self.last_step_at = occurred_at

    @event(Proposed)
    def __init__(
        self,
        key: str,
        case: str,
        unit: str,
        case_kind: CaseKind,
        party_names: tuple[str, ...],
        has_minor: bool,
        reason: str | None,
        occurred_at: datetime,
        applied_by: str | None = None,
        handler: str | None = None,
        handler_rank: ApproverRole | None = None,
    ) -> None:
        self.key = key
        self.case = case
        self.unit = unit
        self.case_kind = case_kind
        self.party_names = party_names
        self.has_minor = has_minor
        self.reason = reason
        self.applied_by = applied_by
        self.handler = handler
        self.handler_rank = handler_rank
        self.refusal_reasons = None
        self.closed_ground = None
        self.collective_opinion = None
        self.follows_proposal = None
        self.proposed_at = occurred_at
        self.status = HearingStatus.PROPOSED
        self.last_step_at = occurred_at
        self.approved_by: str | None = None
        self.scheduled_for: datetime | None = None
        self.noticed_at: datetime | None = None
        self.public: bool | None = None
        self.presiding_prosecutor: str | None = None
        self.presided_by_chief = False
        self.location: str | None = None
        self.participants: dict[str, HearingParticipant] = {}
        self.held_at: datetime | None = None
        self.attendees: tuple[str, ...] = ()
        self.officer_opinions: dict[str, OfficerOpinion] = {}
        self.decision: str | None = None
        self.majority: str | None = None
        self.departs_from_majority = False
        self.chief_approved = False
        self.decision_reasons: str | None = None
        self.party_responses: dict[str, bool] = {}
        self.concluded_at: datetime | None = None

    def approve(self, approver: Approver, occurred_at: datetime, policy: Policy) -> None:
        """The chief prosecutor (or an office ``Policy.chief_approval_roles`` names)
        approves holding the hearing [C]."""
        self._require(HearingStatus.PROPOSED, step="approve")
        not_before(occurred_at, self.last_step_at, f"approval of hearing {self.key!r}")
        check_chief_approval(approver, policy, f"approval of hearing {self.key!r}")
        self._approve(approver=approver, occurred_at=occurred_at)

    @event(Approved)
    def _approve(self, approver: Approver, occurred_at: datetime) -> None:
        self.approved_by = approver.name
        self._advance(HearingStatus.APPROVED, occurred_at)

    def default_public(self) -> bool:
        """Public unless custody review, arrest review or a minor party [C]."""
        return not (self.case_kind in CLOSED_BY_DEFAULT_KINDS or self.has_minor)

    def default_closed_ground(self) -> ClosedGround | None:
        """The ground a hearing closed by default is closed on: a minor party, or a
        review of custody or arrest."""
        if self.has_minor:
            return ClosedGround.MINOR_PARTY
        if self.case_kind in CLOSED_BY_DEFAULT_KINDS:
            return ClosedGround.CUSTODY_REVIEW
        return None

    def schedule(
        self,
        scheduled_for: datetime,
        public: bool | None,
        presiding_prosecutor: str,
        presided_by_chief: bool,
        location: str | None,
        occurred_at: datetime,
        policy: Policy,
        people: Mapping[str, Supervisor] | None = None,
        closed_ground: ClosedGround | None = None,
    ) -> None:
        """Give notice of the hearing: at least ``policy.hearing_notice_days`` ahead.

        Rescheduling moves the day every invited officer and observer serves on, so each
        one still expected (``people``: their Supervisor aggregates by key) must be able
        to serve on the new date — in term, active, not recused.
        """
        self._require(HearingStatus.APPROVED, HearingStatus.SCHEDULED, step="schedule")
        not_before(occurred_at, self.last_step_at, f"scheduling of hearing {self.key!r}")
        earliest = add_days(policy.local_date(occurred_at), policy.hearing_notice_days)
        if policy.local_date(scheduled_for) < earliest:
            raise NoticeTooShort(
                f"hearing {self.key!r} noticed on {policy.local_date(occurred_at).isoformat()} "
                f"can be held on {earliest.isoformat()} at the earliest, not "
                f"{policy.local_date(scheduled_for).isoformat()}"
            )
        if public and self.has_minor and policy.minor_hearings_closed:
            raise ClosedHearingRequired(
                f"hearing {self.key!r} concerns a minor party of case {self.case!r} "
                "and must be closed"
            )
        is_public = self.default_public() if public is None else public
        if is_public and closed_ground is not None:
            raise RuleViolation(
                f"hearing {self.key!r} is public: it has no ground to be closed "
                f"({closed_ground.value})"
            )
        ground = None if is_public else closed_ground or self.default_closed_ground()
        if not is_public and ground is None:
            raise ClosedGroundRequired(
                f"hearing {self.key!r} is closed: record its ground (minor_party, "
                "state_secret, trade_secret, privacy, …)"
            )
        if (
            self.handler_rank is not None
            and self.handler_rank in policy.handler_must_preside
            and presiding_prosecutor != self.handler
        ):
            raise HandlerMustPreside(
                f"case {self.case!r} is handled by the {self.handler_rank.value} "
                f"{self.handler!r}, who must preside over hearing {self.key!r}, "
                f"not {presiding_prosecutor!r}"
            )
        expected = [p for p in self.participants.values() if p.expected]
        if expected:
            if people is None:
                raise TypeError("schedule(): pass the invited people to check them on the new date")
            day = policy.local_date(scheduled_for)
            for participant in expected:
                people[participant.supervisor].check_can_serve(
                    participant.role, day, self.facts, policy
                )
        self._schedule(
            scheduled_for=scheduled_for,
            public=is_public,
            presiding_prosecutor=presiding_prosecutor,
            presided_by_chief=presided_by_chief,
            location=location,
            closed_ground=ground,
            occurred_at=occurred_at,
        )

    @event(Scheduled)
    def _schedule(
        self,
        scheduled_for: datetime,
        public: bool,
        presiding_prosecutor: str,
        presided_by_chief: bool,
        location: str | None,
        closed_ground: ClosedGround | None,
        occurred_at: datetime,
    ) -> None:
        self.scheduled_for, self.noticed_at, self.public = scheduled_for, occurred_at, public
        self.closed_ground = closed_ground
        self.presiding_prosecutor, self.presided_by_chief = presiding_prosecutor, presided_by_chief
        self.location = location
        self._advance(HearingStatus.SCHEDULED, occurred_at)

    def _service_day(self, occurred_at: datetime) -> datetime:
        """The day an invited person serves: the hearing date once scheduled."""
        return self.scheduled_for or occurred_at

    def _check_can_invite(
        self, supervisor: Supervisor, role: Role, occurred_at: datetime, policy: Policy
    ) -> None:
        self._require(HearingStatus.APPROVED, HearingStatus.SCHEDULED, step="invite")
        not_before(occurred_at, self.proposed_at, f"invitation to hearing {self.key!r}")
        if supervisor.key in self.participants:
            raise AlreadyInvited(f"{supervisor.key!r} is already invited to hearing {self.key!r}")
        day = policy.local_date(self._service_day(occurred_at))
        supervisor.check_can_serve(role, day, self.facts, policy)
        # Every invitation here is by name: drawn officers come through draw_officers.
        check_may_pick_by_name(
            role, policy, f"inviting {supervisor.key!r} by name to hearing {self.key!r}"
        )

    def _check_officer_room(self, adding: int, policy: Policy) -> None:
        expected = sum(1 for p in self.officers.values() if p.expected)
        limit = policy.hearing_officers_max
        if limit is not None and expected + adding > limit:
            raise TooManyOfficers(
                f"hearing {self.key!r} would have {expected + adding} hearing officers; "
                f"the policy allows {limit}"
            )

    def invite_officer(self, supervisor: Supervisor, occurred_at: datetime, policy: Policy) -> None:
        """Invite a hearing officer (听证员): active, not recused, not invited twice."""
        self._check_can_invite(supervisor, Role.HEARING_OFFICER, occurred_at, policy)
        self._check_officer_room(1, policy)
        self._invite_officer(supervisor=supervisor.key, occurred_at=occurred_at)

    @event(OfficerInvited)
    def _invite_officer(self, supervisor: str, occurred_at: datetime) -> None:
        self.participants[supervisor] = HearingParticipant(
            supervisor, Role.HEARING_OFFICER, occurred_at, officer=True
        )

    def draw_officers(
        self,
        candidates: Iterable[Supervisor],
        count: int,
        speciality: str | None,
        seed: int,
        occurred_at: datetime,
        policy: Policy,
        seed_basis: SeedBasis | None = None,
    ) -> tuple[str, ...]:
        """Draw hearing officers at random from the eligible pool."""
        self._require(HearingStatus.APPROVED, HearingStatus.SCHEDULED, step="draw officers")
        if count < 1:
            raise RuleViolation(f"a draw for hearing {self.key!r} needs a count of at least 1")
        self._check_officer_room(count, policy)
        pool = eligible_pool(
            candidates,
            Role.HEARING_OFFICER,
            speciality,
            policy.local_date(self._service_day(occurred_at)),
            self.facts,
            policy,
            exclude=self.participants,
        )
        drawn = draw_from(pool, count, seed, f"hearing {self.key!r} (eligible hearing officers)")
        self._draw_officers(
            count=count,
            speciality=speciality,
            seed=seed,
            pool=pool,
            drawn=drawn,
            seed_basis=seed_basis,
            occurred_at=occurred_at,
        )
        return drawn

    @event(OfficersDrawn)
    def _draw_officers(
        self,
        count: int,
        speciality: str | None,
        seed: int,
        pool: tuple[str, ...],
        drawn: tuple[str, ...],
        seed_basis: SeedBasis | None,
        occurred_at: datetime,
    ) -> None:
        for key in drawn:
            self.participants[key] = HearingParticipant(
                key, Role.HEARING_OFFICER, occurred_at, drawn=True, officer=True
            )

    def invite_observer(
        self, supervisor: Supervisor, role: Role, occurred_at: datetime, policy: Policy
    ) -> None:
        """Invite a people's supervisor, NPC deputy or CPPCC member to observe."""
        if role not in OBSERVER_ROLES:
            raise RuleViolation(
                f"hearing observers are people's supervisors, NPC deputies or CPPCC members, "
                f"not {role.value}"
            )
        self._check_can_invite(supervisor, role, occurred_at, policy)
        self._invite_observer(supervisor=supervisor.key, role=role, occurred_at=occurred_at)

    @event(ObserverInvited)
    def _invite_observer(self, supervisor: str, role: Role, occurred_at: datetime) -> None:
        self.participants[supervisor] = HearingParticipant(supervisor, role, occurred_at)

    def _participant(self, supervisor: str) -> HearingParticipant:
        try:
            return self.participants[supervisor]
        except KeyError:
            raise NotInvited(f"{supervisor!r} was not invited to hearing {self.key!r}") from None

    def decline(self, supervisor: str, reason: str | None, occurred_at: datetime) -> None:
        self._require(HearingStatus.APPROVED, HearingStatus.SCHEDULED, step="decline")
        p = self._participant(supervisor)
        p.check(
            "decline",
            lambda status: f"{supervisor!r}'s invitation to hearing {self.key!r} is {status}",
        )
        not_before(occurred_at, p.invited_at, f"{supervisor!r} declining")
        self._decline(supervisor=supervisor, reason=reason, occurred_at=occurred_at)

    @event(InvitationDeclined)
    def _decline(self, supervisor: str, reason: str | None, occurred_at: datetime) -> None:
        self.participants[supervisor].take("decline", occurred_at, reason=reason)

    def replace_officer(
        self,
        supervisor: str,
        replacement: Supervisor,
        reason: str | None,
        occurred_at: datetime,
        policy: Policy,
    ) -> None:
        """补派: another hearing officer takes the place of one who cannot attend."""
        p = self._participant(supervisor)
        if not p.officer:
            raise InvalidTransition(f"{supervisor!r} is an observer of hearing {self.key!r}")
        p.check(
            "replace",
            lambda status: f"{supervisor!r}'s invitation to hearing {self.key!r} is {status}",
        )
        self._check_can_invite(replacement, Role.HEARING_OFFICER, occurred_at, policy)
        self._replace_officer(
            supervisor=supervisor,
            replacement=replacement.key,
            reason=reason,
            occurred_at=occurred_at,
        )

    @event(OfficerReplaced)
    def _replace_officer(
        self, supervisor: str, replacement: str, reason: str | None, occurred_at: datetime
    ) -> None:
        old = self.participants[supervisor]
        old.take("replace", occurred_at, reason=reason, replaced_by=replacement)
        self.participants[replacement] = HearingParticipant(
            replacement, Role.HEARING_OFFICER, occurred_at, replaces=supervisor, officer=True
        )

    def hold(self, absent: tuple[str, ...], occurred_at: datetime, policy: Policy) -> None:
        """The hearing takes place; everyone expected and not ``absent`` attended."""
        self._require(HearingStatus.SCHEDULED, step="hold")
        not_before(occurred_at, self.last_step_at, f"hearing {self.key!r}")
        assert self.scheduled_for is not None
        if policy.local_date(occurred_at) < policy.local_date(self.scheduled_for):
            raise InvalidTransition(
                f"hearing {self.key!r} is scheduled for "
                f"{policy.local_date(self.scheduled_for).isoformat()} and cannot be held before"
            )
        for key in absent:
            self._check_may_be_absent(key)
        attendees = tuple(k for k, p in self.participants.items() if p.expected and k not in absent)
        self._hold(attendees=attendees, absent=tuple(absent), occurred_at=occurred_at)

    def _check_may_be_absent(self, key: str) -> None:
        self._participant(key).check(
            "absent",
            lambda status: f"{key!r} is {status} for hearing {self.key!r}, so cannot be absent",
        )

    @event(Held)
    def _hold(
        self, attendees: tuple[str, ...], absent: tuple[str, ...], occurred_at: datetime
    ) -> None:
        self.held_at, self.attendees = occurred_at, attendees
        for key in attendees:
            self.participants[key].take("attend", occurred_at)
        for key in absent:
            self.participants[key].take("absent", occurred_at)
        self._advance(HearingStatus.HELD, occurred_at)

    def record_officer_opinion(
        self,
        officer: str,
        recommendation: str,
        reasons: str | None,
        occurred_at: datetime,
        stance: Stance | None = None,
    ) -> None:
        """An attending hearing officer's opinion (听证员意见)."""
        self._require(HearingStatus.HELD, step="record an officer's opinion")
        p = self._participant(officer)
        if not p.officer or p.status is not InvitationStatus.ATTENDED:
            raise NotAttended(
                f"{officer!r} did not attend hearing {self.key!r} as a hearing officer"
            )
        if officer in self.officer_opinions:
            raise AlreadyExists(f"hearing officer {officer!r} already gave an opinion")
        not_before(occurred_at, self.held_at, f"opinion of {officer!r}")
        self._record_officer_opinion(
            officer=officer,
            recommendation=recommendation,
            reasons=reasons,
            stance=stance,
            occurred_at=occurred_at,
        )

    @event(OfficerOpinionRecorded)
    def _record_officer_opinion(
        self,
        officer: str,
        recommendation: str,
        reasons: str | None,
        stance: Stance | None,
        occurred_at: datetime,
    ) -> None:
        self.officer_opinions[officer] = OfficerOpinion(
            officer, recommendation, reasons, occurred_at, stance
        )
        self.last_step_at = max(self.last_step_at, occurred_at)

    def record_collective_opinion(
        self,
        representative: str,
        recommendation: str,
        stance: Stance | None,
        reasons: str | None,
        occurred_at: datetime,
    ) -> None:
        """The hearing officers' one collective opinion, given through a representative
        who attended as a hearing officer (Art. 15(5)); it stands for the majority."""
        self._require(HearingStatus.HELD, step="record the officers' collective opinion")
        p = self._participant(representative)
        if not p.officer or p.status is not InvitationStatus.ATTENDED:
            raise NotAttended(
                f"{representative!r} did not attend hearing {self.key!r} as a hearing officer"
            )
        if self.collective_opinion is not None:
            raise AlreadyExists(
                f"the officers of hearing {self.key!r} already gave a collective opinion"
            )
        not_before(occurred_at, self.held_at, f"collective opinion on hearing {self.key!r}")
        self._record_collective_opinion(
            representative=representative,
            recommendation=recommendation,
            stance=stance,
            reasons=reasons,
            occurred_at=occurred_at,
        )

    @event(CollectiveOpinionRecorded)
    def _record_collective_opinion(
        self,
        representative: str,
        recommendation: str,
        stance: Stance | None,
        reasons: str | None,
        occurred_at: datetime,
    ) -> None:
        self.collective_opinion = CollectiveOpinion(
            representative, recommendation, stance, reasons, occurred_at
        )
        self.last_step_at = max(self.last_step_at, occurred_at)

    def departs(self, decision: str, follows_proposal: bool | None) -> bool:
        """Whether ``decision`` departs from the officers' majority: judged on their
        stances when the decision says whether it follows the proposal and the officers
        took a majority stance; else on equal recommendation texts (as before)."""
        stance = self.majority_stance()
        if follows_proposal is not None and stance is not None:
            return follows_proposal != (stance is Stance.AGREE)
        majority = self.majority_recommendation()
        return majority is not None and decision != majority

    def decide(
        self,
        decision: str,
        chief_approved: bool,
        reasons: str | None,
        occurred_at: datetime,
        follows_proposal: bool | None = None,
    ) -> None:
        """The procuratorate decides; departing from the officers' majority needs the chief
        prosecutor's approval and written reasons [U]."""
        self._require(HearingStatus.HELD, step="decide")
        not_before(occurred_at, self.last_step_at, f"decision on hearing {self.key!r}")
        majority = self.majority_recommendation()
        stance = self.majority_stance() if follows_proposal is not None else None
        departs = self.departs(decision, follows_proposal)
        if departs and not (chief_approved and (reasons or "").strip()):
            against = f"stance {stance.value!r}" if stance is not None else repr(majority)
            raise DepartureNeedsApproval(
                f"decision {decision!r} on hearing {self.key!r} departs from the officers' "
                f"majority {against}: it needs the chief prosecutor's approval and reasons"
            )
        self._decide(
            decision=decision,
            majority=majority,
            departs_from_majority=departs,
            chief_approved=chief_approved,
            reasons=reasons,
            follows_proposal=follows_proposal,
            majority_stance=stance,
            occurred_at=occurred_at,
        )

    @event(Decided)
    def _decide(
        self,
        decision: str,
        majority: str | None,
        departs_from_majority: bool,
        chief_approved: bool,
        reasons: str | None,
        follows_proposal: bool | None,
        majority_stance: Stance | None,
        occurred_at: datetime,
    ) -> None:
        self.decision, self.majority = decision, majority
        self.follows_proposal = follows_proposal
        self.departs_from_majority, self.chief_approved = departs_from_majority, chief_approved
        self.decision_reasons = reasons
        self._advance(HearingStatus.DECIDED, occurred_at)

    def record_party_response(self, party: str, accepted: bool, occurred_at: datetime) -> None:
        """A party accepts (认可) or rejects the hearing opinion."""
        self._require(HearingStatus.DECIDED, step="record a party's response")
        if party not in self.party_names:
            raise NotInvited(f"{party!r} is not a party to case {self.case!r}")
        if party in self.party_responses:
            raise AlreadyExists(f"party {party!r} already responded to hearing {self.key!r}")
        not_before(occurred_at, self.last_step_at, f"response of {party!r}")
        self._respond(party=party, accepted=accepted, occurred_at=occurred_at)

    @event(PartyResponded)
    def _respond(self, party: str, accepted: bool, occurred_at: datetime) -> None:
        self.party_responses[party] = accepted
        self.last_step_at = occurred_at

    def conclude(self, occurred_at: datetime) -> None:
        self._require(HearingStatus.DECIDED, step="conclude")
        not_before(occurred_at, self.last_step_at, f"conclusion of hearing {self.key!r}")
        self._conclude(occurred_at=occurred_at)

    @event(Concluded)
    def _conclude(self, occurred_at: datetime) -> None:
        self.concluded_at = occurred_at
        self._advance(HearingStatus.CONCLUDED, occurred_at)
