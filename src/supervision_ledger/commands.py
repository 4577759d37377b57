"""Commands: the input boundary, validated by pydantic.

Each command is one JSON object with a ``type`` (the command name) and its fields;
``AnyCommand`` is the discriminated union the ``apply`` file format and the JSON
Schema use. Every command carries ``occurred_at`` (business time; a naive value is
read in the policy's time zone) and an optional ``command_id`` that makes it
idempotent: the same id again returns the first result and records nothing.

What pydantic cannot judge alone is checked here too, on the command, so that every
way into the ledger (``apply``, ``Ledger.execute``, the typed methods) checks the same:
:meth:`Command.check_business_time` holds every date and datetime field to the
policy's business-time range, and :meth:`Command.fingerprint` is of the *normalised*
command (the same instant spelled in another offset is the same command).
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, Self, Union, get_args

import msgspec
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from .domain.errors import BusinessTimeOutOfRange
from .domain.lead import LeadSource
from .domain.petition import PetitionChannel, ProceduralOutcome
from .domain.policy import Policy, local_date_of
from .domain.suggestion import EscalationGround, ObjectionOutcome, SuggestionType
from .domain.typical_case import TypicalCaseLevel
from .domain.values import (
    ActivityType,
    Approver,
    ApproverRole,
    AssessmentGrade,
    CaseKind,
    ClosedGround,
    ObjectionRuling,
    OpinionOutcome,
    RecipientType,
    Relationship,
    Role,
    Stance,
    UnitLevel,
)

#: Line breaks and tabs a free text may hold; no other control character is accepted.
TEXT_WHITESPACE = frozenset("\t\n\r")


def _printable(allowed: frozenset[str]) -> Any:
    """A check that refuses control characters (other than ``allowed``) and lone
    surrogates: they cannot be stored as text in PostgreSQL (NUL), encoded as UTF-8
    (surrogates), or printed in a report without garbling it."""

    # Category Cc is exactly U+0000-U+001F and U+007F-U+009F, Cs U+D800-U+DFFF: one
    # search finds whether a value holds any (most hold none); the loop names the first.
    ranges = "\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff"
    suspect = re.compile(f"[{ranges}]")

    def check(value: str) -> str:
        if suspect.search(value) is None:
            return value
        for position, char in enumerate(value):
            if char in allowed:
                continue
            category = unicodedata.category(char)
            if category == "Cc":
                raise ValueError(
                    f"contains the control character U+{ord(char):04X} at position {position}"
                )
            if category == "Cs":
                raise ValueError(
                    f"contains the unpaired surrogate U+{ord(char):04X} at position {position}"
                )
        return value

    return AfterValidator(check)


Key = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    _printable(frozenset()),
]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20000),
    _printable(TEXT_WHITESPACE),
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    _printable(frozenset()),
]


#: Who entered a command: ``clerk:<id>`` (a person at a keyboard) or ``system:<id>`` (an
#: import, an integration account); the id is 1–64 letters, digits, ``.``, ``_``, ``-``.
ACTOR_PATTERN = r"^(clerk|system):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
Actor = Annotated[str, StringConstraints(strip_whitespace=True, pattern=ACTOR_PATTERN)]


class ApproverInput(BaseModel):
    """A structured approver: the office (``chief_prosecutor``, ``deputy_chief``,
    ``department_head``) and the person holding it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: ApproverRole
    name: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        _printable(frozenset()),
    ]

    def value(self) -> Approver:
        return Approver(role=self.role, name=self.name)


def _not_a_number(value: Any) -> Any:
    """Dates and times are ISO 8601 strings: a number (which pydantic would read as a Unix
    timestamp) is almost certainly a mistake, e.g. 20230101 for 2023-01-01."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("write dates and times as ISO 8601 strings, e.g. '2023-07-01T09:00'")
    return value


#: A datetime field: an ISO 8601 string (naive: local time in the policy's zone).
BusinessTime = Annotated[datetime, BeforeValidator(_not_a_number)]
#: A date field: an ISO 8601 date string.
Day = Annotated[date, BeforeValidator(_not_a_number)]


#: Values ``_normalised`` leaves as they are (most of a command's fields): a type check.
_PLAIN = frozenset({str, int, bool, float, type(None)})


def _normalised(value: Any) -> Any:
    """A JSON-able value in which equal values are spelled the same: instants in UTC,
    amounts without trailing zeros."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            # At the ends of Python's range the instant stays as spelled.
            with contextlib.suppress(OverflowError):
                value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        normal = value.normalize()
        # normalize() writes 100 as 1E+2; quantize back to a plain integer.
        return str(normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal)
    if isinstance(value, dict):
        return {str(k): _normalised(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalised(v) for v in value]
    if isinstance(value, BaseModel):
        return _normalised(dict(value))
    if isinstance(value, Enum):
        return value.value
    return value


#: Sorted keys, no spaces, no escaping beyond JSON's own: the text
#: ``json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` gives.
_CANONICAL = msgspec.json.Encoder(order="sorted")


def canonical_json(data: Any) -> str:
    """``data`` (a normalised command: strings, ints, bools, None, lists and dicts) as
    the canonical JSON fingerprints are spelled in, the same text as ``json.dumps(data,
    sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` — which recorded
    fingerprints were made with — at a fraction of its cost. (The two spell floats
    differently, but no command field holds a float.) A string with a lone surrogate,
    which UTF-8 cannot hold, is written as ``json.dumps`` writes it."""
    try:
        return _CANONICAL.encode(data).decode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _may_hold_time(annotation: Any) -> bool:
    """Whether a field of this type may hold a date, a datetime or a model (with some)."""
    if annotation is Any or annotation is object:
        return True
    if isinstance(annotation, type):
        try:
            if issubclass(annotation, date | BaseModel):
                return True
        except TypeError:  # pragma: no cover - a generic alias on some Pythons
            pass
    return any(_may_hold_time(arg) for arg in get_args(annotation))


@cache
def _temporal_names(model_type: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model type that may hold dates or datetimes, in field order (the
    others need no look: most of a command's fields are keys and texts)."""
    return tuple(
        name for name, info in model_type.model_fields.items() if _may_hold_time(info.annotation)
    )


def _temporal_fields(model: BaseModel, prefix: str = "") -> list[tuple[str, date | datetime]]:
    """(field path, value) of every date and datetime in ``model``, nested ones included."""
    found: list[tuple[str, date | datetime]] = []
    for name in _temporal_names(type(model)):
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, date):  # datetime is a date too
            found.append((path, value))
        elif isinstance(value, BaseModel):
            found.extend(_temporal_fields(value, f"{path}."))
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found.extend(_temporal_fields(item, f"{path}.{index}."))
    return found


def _type_is_required(schema: dict[str, Any]) -> None:
    """Show ``type`` as required in every command's JSON Schema (and so in an OpenAPI
    document built from the models): in JSON a command must name its type. In Python
    the class names it already, so the field keeps its default."""
    if "type" in schema.get("properties", {}):
        required: list[str] = schema.setdefault("required", [])
        if "type" not in required:
            required.insert(0, "type")


class Command(BaseModel):
    """Base of every command."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_type_is_required)

    occurred_at: BusinessTime = Field(
        description="Business time: when it happened (naive values are local time)."
    )
    command_id: Key | None = Field(
        default=None,
        description="Idempotency key: the same id again returns the first result.",
    )
    actor: Actor | None = Field(
        default=None,
        description=(
            "Who entered the command: 'clerk:<id>' or 'system:<id>' (stored in its command "
            "record, shown by history, exported)."
        ),
    )

    def fingerprint(self) -> str:
        """A canonical JSON of the normalised command without its ``command_id``.

        Equal commands have equal fingerprints however they were spelled: an aware
        datetime is written in UTC (``2023-07-01T09:00:00+08:00`` and
        ``2023-07-01T01:00:00Z`` are one instant), an amount without trailing zeros
        (``40`` and ``40.00``). A naive datetime is written as it is: the ledger reads
        it in the policy's time zone before fingerprinting it.
        """
        # Who entered it is not what happened: a repeat by another clerk is the same command.
        data = _normalised(
            {
                k: v
                for k, v in self
                if k not in ("command_id", "actor")
                # A command on a case is fingerprinted as before unit activities existed.
                and not (k == "unit_activity" and v is None)
            }
        )
        return canonical_json(data)

    def same_as_recorded(self, recorded_fingerprint: str) -> bool:
        """Whether a command record's fingerprint is of this command.

        Records written before fingerprints were normalised hold the command as it was
        spelled; such a fingerprint is read back as a command and normalised too.
        """
        if recorded_fingerprint == self.fingerprint():
            return True
        try:
            recorded = parse_command(recorded_fingerprint)
        except (ValidationError, ValueError):
            return False
        return recorded.fingerprint() == self.fingerprint()

    def check_business_time(self, policy: Policy) -> None:
        """Refuse the command if any of its dates or datetimes falls outside the
        policy's business-time range (compared as local dates in the policy's zone).

        Raises :class:`~supervision_ledger.domain.errors.BusinessTimeOutOfRange`, whose
        ``field`` names the first field out of range.
        """
        for path, value in _temporal_fields(self):
            if isinstance(value, datetime):
                day = value.date() if value.tzinfo is None else local_date_of(value, policy.zone)
            else:
                day = value
            problem = policy.business_time_problem(day)
            if problem is not None:
                if value.isoformat() != day.isoformat():
                    problem = f"{value.isoformat()} (local date {problem})"
                raise BusinessTimeOutOfRange(path, problem)


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
    term_start: Day
    term_end: Day | None = Field(
        default=None, description="Last day of the term; default: the policy's term length."
    )


class RecordTraining(Command):
    type: Literal["record_training"] = "record_training"
    supervisor: Key
    topic: Text
    hours: Decimal | None = Field(
        default=None, gt=0, max_digits=8, decimal_places=2, allow_inf_nan=False
    )


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
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2, allow_inf_nan=False)
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
    term_start: Day
    term_end: Day | None = None


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
    received_on: Day


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


class OnActivity(Command):
    """A step on an activity or an opinion: of a ``case`` or of a ``unit_activity``
    (issue 12: circuit inspections, briefings, open days… belong to a unit), exactly one.
    On a unit activity, ``activity`` is left out: a unit activity is one activity."""

    case: Key | None = Field(default=None, description="The case (or give unit_activity).")
    unit_activity: Key | None = Field(
        default=None, description="The unit activity (open_unit_activity), instead of a case."
    )

    #: Whether the command names an activity of a case (``activity``).
    _names_activity: ClassVar[bool] = False

    @model_validator(mode="after")
    def _one_owner(self) -> Self:
        if (self.case is None) == (self.unit_activity is None):
            raise ValueError("give exactly one of 'case' and 'unit_activity'")
        if self._names_activity:
            activity = getattr(self, "activity", None)
            if self.case is not None and activity is None:
                raise ValueError("'activity' is required with 'case'")
            if self.unit_activity is not None and activity is not None:
                raise ValueError(
                    "'activity' is not given with 'unit_activity': a unit activity is one activity"
                )
        return self

    @property
    def owner(self) -> tuple[str, str]:
        """``("case", key)`` or ``("unit_activity", key)``."""
        if self.case is not None:
            return "case", self.case
        assert self.unit_activity is not None
        return "unit_activity", self.unit_activity


class OnActivityStep(OnActivity):
    """A step on one activity: of a case (``case`` and ``activity``) or a unit activity."""

    _names_activity: ClassVar[bool] = True
    activity: Key | None = Field(default=None, description="The case's activity.")


class OpenUnitActivity(Command):
    """Open an activity of a unit, not of a case (issue 12): a circuit inspection, a
    judicial-conduct inspection, a briefing, an open day, an NPC/CPPCC visit."""

    type: Literal["open_unit_activity"] = "open_unit_activity"
    unit_activity: Key = Field(description="Its key, e.g. '清城检开放日〔2023〕1号'.")
    unit: Key
    activity_type: ActivityType
    title: Text | None = None
    initiated_by: Key | None = Field(
        default=None, description="The supervisor, for a supervisor-initiated activity."
    )


class DrawSupervisors(OnActivityStep):
    """Draw supervisors at random from the eligible pool and invite them (随机抽选)."""

    type: Literal["draw_supervisors"] = "draw_supervisors"
    role: Role = Role.PEOPLES_SUPERVISOR
    count: int = Field(ge=1, le=50)
    speciality: Name | None = None
    seed: int | None = Field(
        default=None,
        ge=0,
        lt=2**63,
        description="Default: derived from the hash chain (Policy.draw_seed), recorded.",
    )


class InviteSupervisor(OnActivityStep):
    type: Literal["invite_supervisor"] = "invite_supervisor"
    supervisor: Key
    role: Role = Role.PEOPLES_SUPERVISOR


class AcceptInvitation(OnActivityStep):
    type: Literal["accept_invitation"] = "accept_invitation"
    supervisor: Key


class DeclineInvitation(OnActivityStep):
    type: Literal["decline_invitation"] = "decline_invitation"
    supervisor: Key
    reason: Text | None = None


class ReplaceSupervisor(OnActivityStep):
    """补派: a replacement for someone who cannot attend; drawn if not named."""

    type: Literal["replace_supervisor"] = "replace_supervisor"
    supervisor: Key
    replacement: Key | None = None
    reason: Text | None = None
    seed: int | None = Field(default=None, ge=0, lt=2**63)


class RecordAttendance(OnActivityStep):
    type: Literal["record_attendance"] = "record_attendance"
    supervisor: Key


class SubmitOpinion(OnActivityStep):
    type: Literal["submit_opinion"] = "submit_opinion"
    supervisor: Key
    opinion: Key | None = Field(default=None, description="Default: O1, O2, … per case.")
    content: Text


class ReceiveOpinion(OnActivity):
    type: Literal["receive_opinion"] = "receive_opinion"
    opinion: Key


class RouteOpinion(OnActivity):
    type: Literal["route_opinion"] = "route_opinion"
    opinion: Key
    department: Name


class DecideOpinion(OnActivity):
    type: Literal["decide_opinion"] = "decide_opinion"
    opinion: Key
    outcome: OpinionOutcome
    explanation: Text | None = None


class GiveFeedback(OnActivity):
    type: Literal["give_feedback"] = "give_feedback"
    opinion: Key
    content: Text


class ReportImplementation(OnActivity):
    type: Literal["report_implementation"] = "report_implementation"
    opinion: Key
    content: Text


class ObjectToFeedback(OnActivity):
    type: Literal["object_to_feedback"] = "object_to_feedback"
    opinion: Key
    reason: Text


class RuleOnObjection(OnActivity):
    type: Literal["rule_on_objection"] = "rule_on_objection"
    opinion: Key
    ruling: ObjectionRuling
    reasons: Text
    approver: ApproverInput | None = Field(
        default=None, description="Who ruled: the chief prosecutor (or a deputy), by name."
    )


class RetractOpinion(OnActivity):
    """Retract an opinion entered by mistake (issue 12: corrections); it then counts in no
    figure and waits for nothing. The entry and its retraction both stay in the history."""

    type: Literal["retract_opinion"] = "retract_opinion"
    opinion: Key
    reason: Text = Field(description="Why it is retracted, e.g. 'entered on the wrong case'.")


class CorrectOpinion(OnActivity):
    """Correct the recorded text of an opinion (a typo, the wrong text entered)."""

    type: Literal["correct_opinion"] = "correct_opinion"
    opinion: Key
    content: Text = Field(description="The corrected text of the opinion.")
    reason: Text = Field(description="Why it is corrected.")


class RecordCaseDecision(Command):
    type: Literal["record_case_decision"] = "record_case_decision"
    case: Key
    decision: Text


class CloseCase(Command):
    type: Literal["close_case"] = "close_case"
    case: Key


class CloseUnitActivity(Command):
    """Close a unit activity (办结), under the rules of closing a case: refused while an
    opinion waits for its answer; a closed unit activity takes no further step."""

    type: Literal["close_unit_activity"] = "close_unit_activity"
    unit_activity: Key = Field(description="The unit activity (open_unit_activity).")


# -- hearings --------------------------------------------------------------------


class ProposeHearing(Command):
    type: Literal["propose_hearing"] = "propose_hearing"
    hearing: Key = Field(description="The hearing's number, unique in the ledger.")
    case: Key
    reason: Text | None = None
    applied_by: Name | None = Field(
        default=None,
        description="The party of the case who applied for the hearing (Art. 9); "
        "omit when the office proposes it.",
    )
    handler_rank: ApproverRole | None = Field(
        default=None,
        description="The rank of the case's handling prosecutor when they are the chief "
        "prosecutor, a deputy or a department head (Art. 13: they must preside).",
    )


class RefuseHearing(Command):
    """Decide not to hold a proposed (or applied-for) hearing, with reasons (Art. 9)."""

    type: Literal["refuse_hearing"] = "refuse_hearing"
    hearing: Key
    reasons: Text


class ApproveHearing(Command):
    type: Literal["approve_hearing"] = "approve_hearing"
    hearing: Key
    approver: ApproverInput = Field(
        description="Who approved: {role: chief_prosecutor|deputy_chief|department_head, name}."
    )

    @model_validator(mode="before")
    @classmethod
    def _approved_by(cls, data: Any) -> Any:
        """Command files written before issue 12 name the approver as free text
        (``approved_by``): read it as the chief prosecutor's approval."""
        if isinstance(data, dict) and "approved_by" in data and "approver" not in data:
            data = dict(data)
            data["approver"] = {"role": "chief_prosecutor", "name": data.pop("approved_by")}
        return data


class ScheduleHearing(Command):
    type: Literal["schedule_hearing"] = "schedule_hearing"
    hearing: Key
    scheduled_for: BusinessTime
    public: bool | None = Field(
        default=None, description="Default: public unless custody/arrest review or a minor."
    )
    presiding_prosecutor: Name
    presided_by_chief: bool = False
    location: Text | None = None
    closed_ground: ClosedGround | None = Field(
        default=None,
        description="Why a closed hearing is closed; default for a minor party "
        "(minor_party) or a custody/arrest review (custody_review).",
    )


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
    stance: Stance | None = Field(
        default=None, description="agree or disagree with the proposed decision."
    )


class RecordCollectiveOpinion(Command):
    """The hearing officers' one collective opinion through a representative (Art. 15(5))."""

    type: Literal["record_collective_opinion"] = "record_collective_opinion"
    hearing: Key
    representative: Key = Field(description="The attending hearing officer who gives it.")
    recommendation: Name
    stance: Stance | None = None
    reasons: Text | None = None


class DecideHearing(Command):
    type: Literal["decide_hearing"] = "decide_hearing"
    hearing: Key
    decision: Name
    chief_approved: bool = False
    reasons: Text | None = None
    follows_proposal: bool | None = Field(
        default=None,
        description="Whether the decision is the proposed one: departure from the majority "
        "is then judged on the officers' stances.",
    )


class RecordPartyResponse(Command):
    type: Literal["record_party_response"] = "record_party_response"
    hearing: Key
    party: Name
    accepted: bool


class ConcludeHearing(Command):
    type: Literal["conclude_hearing"] = "conclude_hearing"
    hearing: Key


# -- procuratorial suggestions (检察建议) -------------------------------------------


class DraftSuggestion(Command):
    """Draft a procuratorial suggestion (检察建议) on a case."""

    type: Literal["draft_suggestion"] = "draft_suggestion"
    suggestion: Key = Field(description="The suggestion's number, e.g. '清城检建〔2023〕3号'.")
    case: Key
    suggestion_type: SuggestionType
    title: Text | None = None
    content: Text
    activity: Key | None = Field(
        default=None,
        description="The case's activity of type procuratorial_suggestion in which people's "
        "supervisors took part in the drafting.",
    )


class LinkSuggestionActivity(Command):
    """Link a further activity of type 4 (e.g. supervisors at the follow-up) to a suggestion."""

    type: Literal["link_suggestion_activity"] = "link_suggestion_activity"
    suggestion: Key
    activity: Key


class ServeSuggestion(Command):
    """送达: serve the suggestion on the recipient unit; the reply is due 2 months later
    (policy), or earlier when urgent."""

    type: Literal["serve_suggestion"] = "serve_suggestion"
    suggestion: Key
    recipient: Name = Field(description="The recipient unit, e.g. '区市场监督管理局'.")
    recipient_type: RecipientType = Field(
        default=RecipientType.OTHER,
        description="court, administrative or other (default): a court replies within 3 "
        "months + 1 month's extension, others within 2 months (policy).",
    )
    urgent: bool = False
    reply_due_on: Day | None = Field(
        default=None,
        description="Only for an urgent suggestion: its own due date, earlier than the regular "
        "one; default: the policy's urgent deadline.",
    )


class RecordSuggestionReply(Command):
    """The recipient's written reply (书面回复)."""

    type: Literal["record_suggestion_reply"] = "record_suggestion_reply"
    suggestion: Key
    content: Text


class RecordSuggestionAdoption(Command):
    """采纳 / 不采纳 after the reply; not adopting needs the reasons."""

    type: Literal["record_suggestion_adoption"] = "record_suggestion_adoption"
    suggestion: Key
    adopted: bool
    explanation: Text | None = Field(
        default=None, description="Measures promised if adopted; reasons (required) if not."
    )


class CompleteRectification(Command):
    """整改完成: the recipient reports the rectification of an adopted suggestion."""

    type: Literal["complete_rectification"] = "complete_rectification"
    suggestion: Key
    content: Text


class VerifyRectification(Command):
    """核实: the procuratorate verifies the rectification."""

    type: Literal["verify_rectification"] = "verify_rectification"
    suggestion: Key
    verified_by: Name
    content: Text


class UrgeSuggestionReply(Command):
    """催办: urge a reply that is overdue (refused before the due date has passed)."""

    type: Literal["urge_suggestion_reply"] = "urge_suggestion_reply"
    suggestion: Key
    note: Text | None = None


class EscalateSuggestion(Command):
    """Escalate, with the chief prosecutor's approval: an urged, still overdue suggestion
    (``no_reply``), or after the reply one not rectified or rectified inadequately."""

    type: Literal["escalate_suggestion"] = "escalate_suggestion"
    suggestion: Key
    ground: EscalationGround = Field(
        default=EscalationGround.NO_REPLY,
        description="no_reply (default; overdue after urging), not_rectified or inadequate "
        "(after the reply).",
    )
    escalated_to: Name = Field(description="Where it goes, e.g. the recipient's superior.")
    also_to: list[Name] = Field(
        default_factory=list, description="Further bodies it goes to, e.g. the people's congress."
    )
    chief_approved: bool = False
    approver: ApproverInput | None = Field(
        default=None,
        description="Who approved (chief prosecutor or deputy), by name; stands for "
        "chief_approved.",
    )
    reasons: Text


class ObjectToSuggestion(Command):
    """异议 (Art. 23): the recipient objects to a served suggestion, with reasons."""

    type: Literal["object_to_suggestion"] = "object_to_suggestion"
    suggestion: Key
    reasons: Text


class ReviewSuggestionObjection(Command):
    """复核 (Art. 23): the objection reviewed — upheld, amended (with the new text) or
    withdrawn."""

    type: Literal["review_suggestion_objection"] = "review_suggestion_objection"
    suggestion: Key
    outcome: ObjectionOutcome
    reasons: Text
    content: Text | None = Field(
        default=None, description="The amended text of the suggestion (only when amended)."
    )
    approver: ApproverInput | None = Field(
        default=None, description="Who approved the outcome (chief prosecutor or deputy)."
    )


# -- petitions (信访) ---------------------------------------------------------------


class ReceivePetition(Command):
    """Receive a petition (信访); anonymous or contactless ones are flagged."""

    type: Literal["receive_petition"] = "receive_petition"
    petition: Key = Field(description="The petition's number, unique in the ledger.")
    unit: Key
    channel: PetitionChannel
    anonymous: bool = False
    has_contact: bool = Field(
        default=True, description="False when the petitioner left no way to reply."
    )
    case: Key | None = Field(default=None, description="The case the petition is about.")
    subject: Text


class ReplyPetitionProcedurally(Command):
    """程序性回复: accepted / needs material / transferred (due within 7 days, policy)."""

    type: Literal["reply_petition_procedurally"] = "reply_petition_procedurally"
    petition: Key
    outcome: ProceduralOutcome
    content: Text
    transferred_to: Name | None = Field(
        default=None, description="Required exactly when the outcome is transferred."
    )


class ReplyPetitionProgress(Command):
    """进展答复: progress while the result is not ready (the next is due a month later)."""

    type: Literal["reply_petition_progress"] = "reply_petition_progress"
    petition: Key
    content: Text


class ReplyPetitionResult(Command):
    """结果答复: the result (due within 3 months of receipt unless progress was given)."""

    type: Literal["reply_petition_result"] = "reply_petition_result"
    petition: Key
    content: Text


class ClosePetition(Command):
    """办结: refused without both the procedural and the result reply."""

    type: Literal["close_petition"] = "close_petition"
    petition: Key


class MarkPetitionUnreachable(Command):
    """无法联系: the petitioner cannot be reached after all; left out of the reply rates."""

    type: Literal["mark_petition_unreachable"] = "mark_petition_unreachable"
    petition: Key
    reason: Text = Field(description="Why: wrong number, no answer, letters returned…")


class AssignPetitionLeader(Command):
    """领导包案: a leader of the procuratorate takes the petition on personally."""

    type: Literal["assign_petition_leader"] = "assign_petition_leader"
    petition: Key
    leader: Name = Field(description="The leader, as the office writes it (e.g. 检察长 张某).")


# -- leads (线索) -------------------------------------------------------------------


class ReportLead(Command):
    """Record a lead (线索) with its source."""

    type: Literal["report_lead"] = "report_lead"
    lead: Key = Field(description="The lead's number, unique in the ledger.")
    unit: Key
    source: LeadSource
    reporter: Key | None = Field(
        default=None,
        description="The grid worker (required for grid_worker), or the NPC deputy / CPPCC "
        "member, as a supervisor code.",
    )
    reference: Key | None = Field(
        default=None, description="Number of the NPC suggestion or CPPCC proposal (required)."
    )
    department: Name | None = Field(
        default=None,
        description="The transferring department of the procuratorate (department_transfer) "
        "or the referring outside agency (agency_referral).",
    )
    summary: Text


class AcceptLead(Command):
    type: Literal["accept_lead"] = "accept_lead"
    lead: Key


class RejectLead(Command):
    type: Literal["reject_lead"] = "reject_lead"
    lead: Key
    reasons: Text


class TurnLeadIntoCase(Command):
    """成案: an accepted lead becomes a registered case of the same unit (once)."""

    type: Literal["turn_lead_into_case"] = "turn_lead_into_case"
    lead: Key
    case: Key


# -- typical cases (典型案例) -------------------------------------------------------


class NominateTypicalCase(Command):
    """Nominate a case as a typical case at a level (once per level)."""

    type: Literal["nominate_typical_case"] = "nominate_typical_case"
    case: Key
    level: TypicalCaseLevel
    title: Text | None = None
    nominated_by: Name | None = None


class DecideTypicalCase(Command):
    """Selected or not at that level."""

    type: Literal["decide_typical_case"] = "decide_typical_case"
    case: Key
    level: TypicalCaseLevel
    selected: bool
    note: Text | None = Field(
        default=None, description="Where it was published, or why it was not selected."
    )


# -- partner units (协作单位) -------------------------------------------------------


class SignPartnerAgreement(Command):
    """A cooperation agreement with a partner unit, in force between two dates."""

    type: Literal["sign_partner_agreement"] = "sign_partner_agreement"
    agreement: Key
    unit: Key
    partner: Name = Field(description="The partner unit, e.g. '旗自然资源局'.")
    title: Text | None = None
    in_force_from: Day
    in_force_until: Day | None = Field(default=None, description="Last day; None: open-ended.")


class TerminatePartnerAgreement(Command):
    """End an agreement early; it is no longer in force from ``effective_on``."""

    type: Literal["terminate_partner_agreement"] = "terminate_partner_agreement"
    agreement: Key
    effective_on: Day | None = Field(
        default=None, description="Default: the local date of occurred_at."
    )
    reason: Text


# -- chief prosecutor at the trial committee (检察长列席审委会) -------------------------


class RecordTrialCommitteeSitting(Command):
    """A sitting of the court's trial committee attended by the chief prosecutor."""

    type: Literal["record_trial_committee_sitting"] = "record_trial_committee_sitting"
    sitting: Key
    unit: Key
    court: Name
    attendee: Name
    entrusted_deputy: bool = Field(
        default=False, description="True when a deputy attended on the chief's behalf."
    )


class GiveTrialCommitteeOpinion(Command):
    type: Literal["give_trial_committee_opinion"] = "give_trial_committee_opinion"
    sitting: Key
    opinion: Key | None = Field(default=None, description="Default: P1, P2, … per sitting.")
    matter: Key | None = Field(default=None, description="The court's case number.")
    content: Text


class RecordTrialCommitteeAdoption(Command):
    type: Literal["record_trial_committee_adoption"] = "record_trial_committee_adoption"
    sitting: Key
    opinion: Key
    adopted: bool


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
    OpenUnitActivity,
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
    RetractOpinion,
    CorrectOpinion,
    RecordCaseDecision,
    CloseCase,
    CloseUnitActivity,
    ProposeHearing,
    RefuseHearing,
    ApproveHearing,
    ScheduleHearing,
    InviteHearingOfficer,
    DrawHearingOfficers,
    InviteObserver,
    DeclineHearingInvitation,
    ReplaceHearingOfficer,
    HoldHearing,
    RecordOfficerOpinion,
    RecordCollectiveOpinion,
    DecideHearing,
    RecordPartyResponse,
    ConcludeHearing,
)

#: Commands of the neighbouring flows (issue 5): suggestions, petitions, leads, typical
#: cases, partner agreements and the trial committee.
FLOW_COMMANDS: tuple[type[Command], ...] = (
    DraftSuggestion,
    LinkSuggestionActivity,
    ServeSuggestion,
    RecordSuggestionReply,
    RecordSuggestionAdoption,
    CompleteRectification,
    VerifyRectification,
    UrgeSuggestionReply,
    EscalateSuggestion,
    ObjectToSuggestion,
    ReviewSuggestionObjection,
    ReceivePetition,
    ReplyPetitionProcedurally,
    ReplyPetitionProgress,
    ReplyPetitionResult,
    ClosePetition,
    MarkPetitionUnreachable,
    AssignPetitionLeader,
    ReportLead,
    AcceptLead,
    RejectLead,
    TurnLeadIntoCase,
    NominateTypicalCase,
    DecideTypicalCase,
    SignPartnerAgreement,
    TerminatePartnerAgreement,
    RecordTrialCommitteeSitting,
    GiveTrialCommitteeOpinion,
    RecordTrialCommitteeAdoption,
)

#: The discriminated union of every command, built from ``ALL_COMMANDS`` so that the
#: list of commands is written once.
ALL_COMMANDS: tuple[type[Command], ...] = (*CORE_COMMANDS, *FLOW_COMMANDS)
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
