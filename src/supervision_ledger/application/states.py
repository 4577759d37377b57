"""Every aggregate's state as a pydantic model: JSON for hosts, with a JSON Schema.

``ledger.state(kind, key)`` returns one of these (``as_of=`` / ``at_position=`` for a
past state). Each model lists every attribute its aggregate keeps, with the aggregate's
own names; the nested parts (activities, invitations, opinions, hearing participants …)
are the domain's dataclasses, so the JSON says exactly what the aggregate holds.
Business times are date-times with their UTC offset, local dates are ``YYYY-MM-DD``,
amounts are decimal strings, enumerations are their values.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from ..domain.base import LedgerAggregate
from ..domain.case import Activity, Case, Opinion
from ..domain.hearing import CollectiveOpinion, Hearing, HearingParticipant, OfficerOpinion
from ..domain.lead import Lead, LeadSource, LeadStatus
from ..domain.partner import PartnerAgreement
from ..domain.petition import Petition, PetitionChannel, PetitionStage, ProceduralOutcome
from ..domain.suggestion import (
    EscalationGround,
    ObjectionOutcome,
    Suggestion,
    SuggestionStage,
    SuggestionType,
)
from ..domain.supervisor import DeclaredRelationship, Supervisor
from ..domain.trial_committee import CommitteeOpinion, TrialCommitteeSitting
from ..domain.typical_case import NominationStatus, TypicalCaseLevel, TypicalCaseNomination
from ..domain.unit import ProcuratorateUnit
from ..domain.unit_activity import UnitActivity
from ..domain.values import (
    ApproverRole,
    AssessmentGrade,
    CaseKind,
    ClosedGround,
    HearingStatus,
    InactivePeriod,
    Party,
    RecipientType,
    Role,
    Term,
    UnitLevel,
)
from ..errors import UnknownKind


class AggregateState(BaseModel):
    """What every state carries: the kind, the key and the version it was read at."""

    model_config = ConfigDict(
        frozen=True, from_attributes=True, json_schema_serialization_defaults_required=True
    )

    #: The aggregate class the state is read from.
    aggregate: ClassVar[type[LedgerAggregate]]

    #: ``unit``, ``supervisor``, ``case``, ``unit_activity``, ``hearing``, ``suggestion``,
    #: ``petition``, ``lead``, ``typical_case``, ``partner_agreement`` or
    #: ``trial_committee_sitting``.
    kind: str
    key: str
    #: The aggregate's version (its number of events) in this state.
    version: int

    @classmethod
    def of(cls, aggregate: LedgerAggregate) -> AggregateState:
        return cls.model_validate(aggregate)


class UnitState(AggregateState):
    """A procuratorate unit (检察院)."""

    aggregate = ProcuratorateUnit
    kind: Literal["unit"] = "unit"
    name: str
    level: UnitLevel
    parent: str | None
    registered_at: datetime
    #: The people on the unit's roster (人民监督员 / 听证员库), by key.
    roster: list[str]


class Training(BaseModel):
    occurred_at: datetime
    topic: str
    hours: Decimal | None


class Allowance(BaseModel):
    occurred_at: datetime
    amount: Decimal
    purpose: str
    reference: str | None


class SupervisorState(AggregateState):
    """A person who supervises (人民监督员, 听证员 …): the file of one person."""

    aggregate = Supervisor
    kind: Literal["supervisor"] = "supervisor"
    unit: str
    name: str
    roles: list[Role]
    industry: str | None
    speciality: str | None
    appointed_at: datetime
    terms: list[Term]
    #: Suspensions and removal: periods in which the person may not serve.
    inactive: list[InactivePeriod]
    trainings: list[Training]
    #: Assessment grade by year.
    assessments: dict[int, AssessmentGrade]
    allowances: list[Allowance]
    relationships: list[DeclaredRelationship]

    @classmethod
    def of(cls, aggregate: LedgerAggregate) -> AggregateState:
        assert isinstance(aggregate, Supervisor)
        attributes = {k: v for k, v in vars(aggregate).items() if not k.startswith("_")}
        attributes["version"] = aggregate.version
        attributes["trainings"] = [
            Training(occurred_at=at, topic=topic, hours=hours)
            for at, topic, hours in aggregate.trainings
        ]
        attributes["allowances"] = [
            Allowance(occurred_at=at, amount=amount, purpose=purpose, reference=reference)
            for at, amount, purpose, reference in aggregate.allowances
        ]
        return cls.model_validate(attributes)


class CaseState(AggregateState):
    """A case under external supervision, with its activities and opinions."""

    aggregate = Case
    kind: Literal["case"] = "case"
    unit: str
    case_kind: CaseKind
    title: str | None
    handling_prosecutor: str
    parties: list[Party]
    received_on: date
    registered_at: datetime
    #: Supervision activities by key, each with its invitations and draws.
    activities: dict[str, Activity]
    #: Opinions by key, each at its stage of 件件有着落、事事有回音.
    opinions: dict[str, Opinion]
    decision: str | None
    decided_at: datetime | None
    closed_at: datetime | None
    #: The lead (线索) the case came from, if any.
    source_lead: str | None


class UnitActivityState(AggregateState):
    """An activity of a unit, not of a case (open_unit_activity): its one activity
    (``A1``) with its invitations and draws, and its opinions, as a case holds them."""

    aggregate = UnitActivity
    kind: Literal["unit_activity"] = "unit_activity"
    unit: str
    #: When it was opened (open_unit_activity).
    registered_at: datetime
    #: Its one activity, under the key ``A1``, with its type, title, invitations, draws.
    activities: dict[str, Activity]
    #: Opinions by key, each at its stage of 件件有着落、事事有回音.
    opinions: dict[str, Opinion]
    #: Kept as a case keeps them; no command records a decision on a unit activity.
    decision: str | None
    decided_at: datetime | None
    #: When it was closed (close_unit_activity), else None.
    closed_at: datetime | None


class HearingState(AggregateState):
    """A public hearing (检察听证)."""

    aggregate = Hearing
    kind: Literal["hearing"] = "hearing"
    case: str
    unit: str
    case_kind: CaseKind
    party_names: list[str]
    has_minor: bool
    reason: str | None
    status: HearingStatus
    proposed_at: datetime
    last_step_at: datetime
    approved_by: str | None
    scheduled_for: datetime | None
    noticed_at: datetime | None
    public: bool | None
    presiding_prosecutor: str | None
    presided_by_chief: bool
    location: str | None
    #: Officers and observers invited, by key.
    participants: dict[str, HearingParticipant]
    held_at: datetime | None
    attendees: list[str]
    officer_opinions: dict[str, OfficerOpinion]
    decision: str | None
    majority: str | None
    departs_from_majority: bool
    chief_approved: bool
    decision_reasons: str | None
    #: Whether each responding party accepted the hearing opinion.
    party_responses: dict[str, bool]
    concluded_at: datetime | None
    #: The party who applied for the hearing (Art. 9); None: proposed by the office.
    applied_by: str | None
    #: The case's handling prosecutor and their rank (Art. 13: chief or head presides).
    handler: str | None
    handler_rank: ApproverRole | None
    #: Why the hearing was refused (status refused).
    refusal_reasons: str | None
    #: Why a closed hearing is closed.
    closed_ground: ClosedGround | None
    #: The officers' one collective opinion through a representative (Art. 15(5)).
    collective_opinion: CollectiveOpinion | None
    #: Whether the decision is the proposed one (None: not said).
    follows_proposal: bool | None


class SuggestionState(AggregateState):
    """A procuratorial suggestion (检察建议)."""

    aggregate = Suggestion
    kind: Literal["suggestion"] = "suggestion"
    case: str
    unit: str
    suggestion_type: SuggestionType
    title: str | None
    content: str
    activities: list[str]
    stage: SuggestionStage
    drafted_at: datetime
    last_step_at: datetime
    recipient: str | None
    urgent: bool
    stated_reply_due: date | None
    served_at: datetime | None
    replied_at: datetime | None
    reply: str | None
    adoption_decided_at: datetime | None
    measures: str | None
    not_adopted_reasons: str | None
    rectified_at: datetime | None
    rectification: str | None
    verified_at: datetime | None
    verified_by: str | None
    urged_at: list[datetime]
    escalated_at: datetime | None
    #: Court, administrative or other: the reply deadline depends on it (issue 12).
    recipient_type: RecipientType = RecipientType.OTHER
    #: Every body an escalation went to, in order.
    escalated_bodies: list[str] = []
    escalated_after_reply_at: datetime | None = None
    escalation_ground_after_reply: EscalationGround | None = None
    #: When the recipient objected (Art. 23), and the reviews' outcomes in order.
    objected_at: list[datetime] = []
    objection_pending: bool = False
    objection_outcomes: list[ObjectionOutcome] = []
    withdrawn_at: datetime | None = None
    #: The stage a withdrawn suggestion had reached when it was withdrawn.
    stage_before_withdrawal: SuggestionStage | None = None
    escalated_to: str | None


class PetitionState(AggregateState):
    """A petition (信访)."""

    aggregate = Petition
    kind: Literal["petition"] = "petition"
    unit: str
    channel: PetitionChannel
    anonymous: bool
    has_contact: bool
    case: str | None
    subject: str
    stage: PetitionStage
    received_at: datetime
    last_step_at: datetime
    procedural_replied_at: datetime | None
    procedural_outcome: ProceduralOutcome | None
    transferred_to: str | None
    progress_replied_at: list[datetime]
    result_replied_at: datetime | None
    closed_at: datetime | None
    #: Why the petitioner could not be reached, if found so (out of the reply rates).
    unreachable_reason: str | None
    #: The leader who took the petition on personally (领导包案), if any.
    leader: str | None


class LeadState(AggregateState):
    """A lead (线索) reported to the procuratorate."""

    aggregate = Lead
    kind: Literal["lead"] = "lead"
    unit: str
    source: LeadSource
    reporter: str | None
    reference: str | None
    department: str | None
    summary: str
    status: LeadStatus
    reported_at: datetime
    last_step_at: datetime
    rejection_reasons: str | None
    #: The case the lead was converted into, if any.
    case: str | None


class TypicalCaseState(AggregateState):
    """The nomination of a case as a typical case (典型案例) at one level; its key is
    ``CASE@LEVEL``."""

    aggregate = TypicalCaseNomination
    kind: Literal["typical_case"] = "typical_case"
    case: str
    unit: str
    level: TypicalCaseLevel
    title: str | None
    nominated_by: str | None
    status: NominationStatus
    nominated_at: datetime
    decided_at: datetime | None
    publication: str | None
    reason: str | None


class PartnerAgreementState(AggregateState):
    """A cooperation agreement with a partner unit."""

    aggregate = PartnerAgreement
    kind: Literal["partner_agreement"] = "partner_agreement"
    unit: str
    partner: str
    title: str | None
    in_force_from: date
    in_force_until: date | None
    signed_at: datetime
    terminated_on: date | None
    termination_reason: str | None


class TrialCommitteeSittingState(AggregateState):
    """A sitting of the court's trial committee attended by the chief prosecutor."""

    aggregate = TrialCommitteeSitting
    kind: Literal["trial_committee_sitting"] = "trial_committee_sitting"
    unit: str
    court: str
    attendee: str
    #: True when a deputy attended, entrusted by the chief prosecutor.
    entrusted_deputy: bool
    attended_at: datetime
    opinions: dict[str, CommitteeOpinion]


#: The state model of each kind of aggregate, by kind.
STATES: dict[str, type[AggregateState]] = {
    cls.aggregate.kind: cls
    for cls in (
        UnitState,
        SupervisorState,
        CaseState,
        UnitActivityState,
        HearingState,
        SuggestionState,
        PetitionState,
        LeadState,
        TypicalCaseState,
        PartnerAgreementState,
        TrialCommitteeSittingState,
    )
}

#: Any state, told apart by ``kind`` (for a JSON Schema, or to read a state's JSON back).
AnyState = Annotated[
    UnitState
    | SupervisorState
    | CaseState
    | UnitActivityState
    | HearingState
    | SuggestionState
    | PetitionState
    | LeadState
    | TypicalCaseState
    | PartnerAgreementState
    | TrialCommitteeSittingState,
    Field(discriminator="kind"),
]
STATE_ADAPTER: TypeAdapter[AnyState] = TypeAdapter(AnyState)


def state_model(kind: str) -> type[AggregateState]:
    """The state model of ``kind``; an unknown kind is refused with the nearest one."""
    try:
        return STATES[kind]
    except KeyError:
        raise UnknownKind(
            f"no kind of aggregate {kind!r}{nearest(kind, STATES)}; "
            f"the kinds are {', '.join(STATES)}"
        ) from None


def nearest(word: str, known: Any) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``known``, or nothing."""
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def state_json_schema() -> dict[str, Any]:
    """The JSON Schema of every state (``show KIND KEY --json``), told apart by ``kind``."""
    return STATE_ADAPTER.json_schema(mode="serialization")
