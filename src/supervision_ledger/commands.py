"""Commands: the input boundary, validated by pydantic.

Each command is one JSON object with a ``type`` (the command name) and its fields;
``AnyCommand`` is the discriminated union the ``apply`` file format and the JSON
Schema use. Every command carries ``occurred_at`` (business time; a naive value is
read in the policy's time zone) and an optional ``command_id`` that makes it
idempotent: the same id again returns the first result and records nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

from .domain.values import (
    ActivityType,
    AssessmentGrade,
    CaseKind,
    ObjectionRuling,
    OpinionOutcome,
    Relationship,
    Role,
    UnitLevel,
)

Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Command(BaseModel):
    """Base of every command."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    occurred_at: datetime = Field(
        description="Business time: when it happened (naive values are local time)."
    )
    command_id: Key | None = Field(
        default=None,
        description="Idempotency key: the same id again returns the first result.",
    )

    def fingerprint(self) -> str:
        """A canonical JSON of the command without its ``command_id``."""
        data = self.model_dump(mode="json", exclude={"command_id"})
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# -- units ---------------------------------------------------------------------


class RegisterUnit(Command):
    """Register a procuratorate (检察院) with its level and parent."""

    type: Literal["register_unit"] = "register_unit"
    unit: Key = Field(description="Code of the unit, e.g. 'QY-QC' (清远市清城区人民检察院).")
    name: Name
    level: UnitLevel
    parent: Key | None = Field(default=None, description="Code of the unit above it.")


# -- supervisors -----------------------------------------------------------------


class AppointSupervisor(Command):
    """Appoint a person with one or more roles (人民监督员、听证员…) for a term."""

    type: Literal["appoint_supervisor"] = "appoint_supervisor"
    supervisor: Key = Field(description="The person's code, e.g. a certificate number.")
    unit: Key
    name: Name
    roles: list[Role] = Field(min_length=1)
    industry: Name | None = None
    speciality: Name | None = None
    term_start: date
    term_end: date | None = Field(
        default=None, description="Last day of the term; default: the policy's term length."
    )


class RecordTraining(Command):
    type: Literal["record_training"] = "record_training"
    supervisor: Key
    topic: Text
    hours: Decimal | None = Field(default=None, gt=0)


class RecordAssessment(Command):
    """Annual assessment (年度考核); a failing grade removes the person."""

    type: Literal["record_assessment"] = "record_assessment"
    supervisor: Key
    year: int = Field(ge=1949, le=2200)
    grade: AssessmentGrade


class PayAllowance(Command):
    """An allowance paid (履职补贴), in yuan."""

    type: Literal["pay_allowance"] = "pay_allowance"
    supervisor: Key
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    purpose: Text
    reference: Key | None = Field(
        default=None, description="The activity or hearing paid for, e.g. 'case-no/A1'."
    )


class DeclareRelationship(Command):
    """A relationship that requires recusal (回避) from a party's or a case's matters."""

    type: Literal["declare_relationship"] = "declare_relationship"
    supervisor: Key
    relationship: Relationship
    party: Name | None = None
    case: Key | None = None


class SuspendSupervisor(Command):
    type: Literal["suspend_supervisor"] = "suspend_supervisor"
    supervisor: Key
    reason: Text


class ReinstateSupervisor(Command):
    type: Literal["reinstate_supervisor"] = "reinstate_supervisor"
    supervisor: Key
    reason: Text


class RemoveSupervisor(Command):
    type: Literal["remove_supervisor"] = "remove_supervisor"
    supervisor: Key
    reason: Text


class RenewTerm(Command):
    type: Literal["renew_term"] = "renew_term"
    supervisor: Key
    term_start: date
    term_end: date | None = None


# -- cases -----------------------------------------------------------------------


class PartyInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    role: Name = "party"
    minor: bool = False


class RegisterCase(Command):
    type: Literal["register_case"] = "register_case"
    case: Key = Field(description="The case number, e.g. '清城检刑不诉〔2023〕12号'.")
    unit: Key
    kind: CaseKind
    title: Text | None = None
    handling_prosecutor: Name
    parties: list[PartyInput] = Field(default_factory=list)
    received_on: date


class OpenActivity(Command):
    """Open a supervision activity (one 件次) of one of the nine types."""

    type: Literal["open_activity"] = "open_activity"
    case: Key
    activity: Key | None = Field(default=None, description="Default: A1, A2, … per case.")
    activity_type: ActivityType
    title: Text | None = None
    initiated_by: Key | None = Field(
        default=None, description="The supervisor, for a supervisor-initiated activity."
    )
    hearing: Key | None = None


class DrawSupervisors(Command):
    """Draw supervisors at random from the eligible pool and invite them (随机抽选)."""

    type: Literal["draw_supervisors"] = "draw_supervisors"
    case: Key
    activity: Key
    role: Role = Role.PEOPLES_SUPERVISOR
    count: int = Field(ge=1, le=50)
    speciality: Name | None = None
    seed: int | None = Field(
        default=None, ge=0, lt=2**63, description="Default: a fresh random seed, recorded."
    )


class InviteSupervisor(Command):
    type: Literal["invite_supervisor"] = "invite_supervisor"
    case: Key
    activity: Key
    supervisor: Key
    role: Role = Role.PEOPLES_SUPERVISOR


class AcceptInvitation(Command):
    type: Literal["accept_invitation"] = "accept_invitation"
    case: Key
    activity: Key
    supervisor: Key


class DeclineInvitation(Command):
    type: Literal["decline_invitation"] = "decline_invitation"
    case: Key
    activity: Key
    supervisor: Key
    reason: Text | None = None


class ReplaceSupervisor(Command):
    """补派: a replacement for someone who cannot attend; drawn if not named."""

    type: Literal["replace_supervisor"] = "replace_supervisor"
    case: Key
    activity: Key
    supervisor: Key
    replacement: Key | None = None
    reason: Text | None = None
    seed: int | None = Field(default=None, ge=0, lt=2**63)


class RecordAttendance(Command):
    type: Literal["record_attendance"] = "record_attendance"
    case: Key
    activity: Key
    supervisor: Key


class SubmitOpinion(Command):
    type: Literal["submit_opinion"] = "submit_opinion"
    case: Key
    activity: Key
    supervisor: Key
    opinion: Key | None = Field(default=None, description="Default: O1, O2, … per case.")
    content: Text


class ReceiveOpinion(Command):
    type: Literal["receive_opinion"] = "receive_opinion"
    case: Key
    opinion: Key


class RouteOpinion(Command):
    type: Literal["route_opinion"] = "route_opinion"
    case: Key
    opinion: Key
    department: Name


class DecideOpinion(Command):
    type: Literal["decide_opinion"] = "decide_opinion"
    case: Key
    opinion: Key
    outcome: OpinionOutcome
    explanation: Text | None = None


class GiveFeedback(Command):
    type: Literal["give_feedback"] = "give_feedback"
    case: Key
    opinion: Key
    content: Text


class ReportImplementation(Command):
    type: Literal["report_implementation"] = "report_implementation"
    case: Key
    opinion: Key
    content: Text


class ObjectToFeedback(Command):
    type: Literal["object_to_feedback"] = "object_to_feedback"
    case: Key
    opinion: Key
    reason: Text


class RuleOnObjection(Command):
    type: Literal["rule_on_objection"] = "rule_on_objection"
    case: Key
    opinion: Key
    ruling: ObjectionRuling
    reasons: Text


class RecordCaseDecision(Command):
    type: Literal["record_case_decision"] = "record_case_decision"
    case: Key
    decision: Text


class CloseCase(Command):
    type: Literal["close_case"] = "close_case"
    case: Key


# -- hearings --------------------------------------------------------------------


class ProposeHearing(Command):
    type: Literal["propose_hearing"] = "propose_hearing"
    hearing: Key = Field(description="The hearing's number, unique in the ledger.")
    case: Key
    reason: Text | None = None


class ApproveHearing(Command):
    type: Literal["approve_hearing"] = "approve_hearing"
    hearing: Key
    approved_by: Name


class ScheduleHearing(Command):
    type: Literal["schedule_hearing"] = "schedule_hearing"
    hearing: Key
    scheduled_for: datetime
    public: bool | None = Field(
        default=None, description="Default: public unless custody/arrest review or a minor."
    )
    presiding_prosecutor: Name
    presided_by_chief: bool = False
    location: Text | None = None


class InviteHearingOfficer(Command):
    type: Literal["invite_hearing_officer"] = "invite_hearing_officer"
    hearing: Key
    supervisor: Key


class DrawHearingOfficers(Command):
    type: Literal["draw_hearing_officers"] = "draw_hearing_officers"
    hearing: Key
    count: int = Field(ge=1, le=50)
    speciality: Name | None = None
    seed: int | None = Field(default=None, ge=0, lt=2**63)


class InviteObserver(Command):
    type: Literal["invite_observer"] = "invite_observer"
    hearing: Key
    supervisor: Key
    role: Role


class DeclineHearingInvitation(Command):
    type: Literal["decline_hearing_invitation"] = "decline_hearing_invitation"
    hearing: Key
    supervisor: Key
    reason: Text | None = None


class ReplaceHearingOfficer(Command):
    type: Literal["replace_hearing_officer"] = "replace_hearing_officer"
    hearing: Key
    supervisor: Key
    replacement: Key
    reason: Text | None = None


class HoldHearing(Command):
    type: Literal["hold_hearing"] = "hold_hearing"
    hearing: Key
    absent: list[Key] = Field(default_factory=list)


class RecordOfficerOpinion(Command):
    type: Literal["record_officer_opinion"] = "record_officer_opinion"
    hearing: Key
    officer: Key
    recommendation: Name
    reasons: Text | None = None


class DecideHearing(Command):
    type: Literal["decide_hearing"] = "decide_hearing"
    hearing: Key
    decision: Name
    chief_approved: bool = False
    reasons: Text | None = None


class RecordPartyResponse(Command):
    type: Literal["record_party_response"] = "record_party_response"
    hearing: Key
    party: Name
    accepted: bool


class ConcludeHearing(Command):
    type: Literal["conclude_hearing"] = "conclude_hearing"
    hearing: Key


CORE_COMMANDS: tuple[type[Command], ...] = (
    RegisterUnit,
    AppointSupervisor,
    RecordTraining,
    RecordAssessment,
    PayAllowance,
    DeclareRelationship,
    SuspendSupervisor,
    ReinstateSupervisor,
    RemoveSupervisor,
    RenewTerm,
    RegisterCase,
    OpenActivity,
    DrawSupervisors,
    InviteSupervisor,
    AcceptInvitation,
    DeclineInvitation,
    ReplaceSupervisor,
    RecordAttendance,
    SubmitOpinion,
    ReceiveOpinion,
    RouteOpinion,
    DecideOpinion,
    GiveFeedback,
    ReportImplementation,
    ObjectToFeedback,
    RuleOnObjection,
    RecordCaseDecision,
    CloseCase,
    ProposeHearing,
    ApproveHearing,
    ScheduleHearing,
    InviteHearingOfficer,
    DrawHearingOfficers,
    InviteObserver,
    DeclineHearingInvitation,
    ReplaceHearingOfficer,
    HoldHearing,
    RecordOfficerOpinion,
    DecideHearing,
    RecordPartyResponse,
    ConcludeHearing,
)

#: The discriminated union of every command, built from ``ALL_COMMANDS`` so that the
#: list of commands is written once.
ALL_COMMANDS: tuple[type[Command], ...] = CORE_COMMANDS
AnyCommand: Any = Annotated[Union[ALL_COMMANDS], Field(discriminator="type")]  # noqa: UP007

COMMAND_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyCommand)

#: Command type name → command class.
COMMAND_TYPES: dict[str, type[Command]] = {
    cls.model_fields["type"].default: cls for cls in ALL_COMMANDS
}


def parse_command(data: Any) -> Command:
    """Validate one command given as a dict (or JSON text); raises pydantic's ValidationError."""
    if isinstance(data, str | bytes):
        command: Command = COMMAND_ADAPTER.validate_json(data)
    else:
        command = COMMAND_ADAPTER.validate_python(data)
    return command


def command_json_schema() -> dict[str, Any]:
    """The JSON Schema of the command union (what ``supervision-ledger schema`` prints)."""
    schema: dict[str, Any] = COMMAND_ADAPTER.json_schema()
    schema["title"] = "supervision_ledger command"
    return schema
