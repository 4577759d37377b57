"""Value types of the supervision domain: roles, activity types, case kinds, outcomes.

Every enumeration carries its Chinese label (``.zh``) beside the English value, because
the published figures are read in Chinese and the code is read in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Role(StrEnum):
    """A role a person holds towards the procuratorate (a person may hold several)."""

    PEOPLES_SUPERVISOR = "peoples_supervisor"
    HEARING_OFFICER = "hearing_officer"
    INVITED_PROSECUTOR_ASSISTANT = "invited_prosecutor_assistant"
    GRID_WORKER = "grid_worker"
    NPC_DEPUTY = "npc_deputy"
    CPPCC_MEMBER = "cppcc_member"
    MEDIATOR = "mediator"

    @property
    def zh(self) -> str:
        return _ROLE_ZH[self]

    @property
    def en(self) -> str:
        """The English label, plural (as figures read: "people's supervisors")."""
        return _ROLE_EN[self]


_ROLE_ZH = {
    Role.PEOPLES_SUPERVISOR: "人民监督员",
    Role.HEARING_OFFICER: "听证员",
    Role.INVITED_PROSECUTOR_ASSISTANT: "特邀检察官助理",
    Role.GRID_WORKER: "公益诉讼网格员",
    Role.NPC_DEPUTY: "人大代表",
    Role.CPPCC_MEMBER: "政协委员",
    Role.MEDIATOR: "特约调解员",
}
_ROLE_EN = {
    Role.PEOPLES_SUPERVISOR: "people's supervisors",
    Role.HEARING_OFFICER: "hearing officers",
    Role.INVITED_PROSECUTOR_ASSISTANT: "invited prosecutor assistants",
    Role.GRID_WORKER: "public-interest grid workers",
    Role.NPC_DEPUTY: "NPC deputies",
    Role.CPPCC_MEMBER: "CPPCC members",
    Role.MEDIATOR: "mediators",
}


class ActivityType(StrEnum):
    """The nine supervised activity types of the 2019 SPP rules (Art. 8), plus
    supervision the supervisor initiates (人民监督员主动提出监督), and two activities of a
    unit rather than a case (issue 12): open days (检察开放日) and visits of NPC deputies
    and CPPCC members (人大代表、政协委员视察)."""

    PUBLIC_HEARING = "public_hearing"
    COURT_APPEARANCE = "court_appearance"
    CIRCUIT_INSPECTION = "circuit_inspection"
    PROCURATORIAL_SUGGESTION = "procuratorial_suggestion"
    DOCUMENT_SERVICE = "document_service"
    QUALITY_REVIEW = "quality_review"
    CONDUCT_INSPECTION = "conduct_inspection"
    WORK_BRIEFING = "work_briefing"
    OTHER = "other"
    SUPERVISOR_INITIATED = "supervisor_initiated"
    OPEN_DAY = "open_day"
    NPC_CPPCC_VISIT = "npc_cppcc_visit"

    @property
    def zh(self) -> str:
        return _ACTIVITY_ZH[self]

    @property
    def en(self) -> str:
        return _ACTIVITY_EN[self]


_ACTIVITY_ZH = {
    ActivityType.PUBLIC_HEARING: "案件公开审查、公开听证",
    ActivityType.COURT_APPEARANCE: "检察官出庭支持公诉",
    ActivityType.CIRCUIT_INSPECTION: "巡回检察",
    ActivityType.PROCURATORIAL_SUGGESTION: "检察建议的研究提出、督促落实",
    ActivityType.DOCUMENT_SERVICE: "法律文书宣告送达",
    ActivityType.QUALITY_REVIEW: "案件质量评查",
    ActivityType.CONDUCT_INSPECTION: "司法规范化检查",
    ActivityType.WORK_BRIEFING: "检察工作情况通报",
    ActivityType.OTHER: "其他相关司法办案工作",
    ActivityType.SUPERVISOR_INITIATED: "人民监督员主动提出监督",
    ActivityType.OPEN_DAY: "检察开放日",
    ActivityType.NPC_CPPCC_VISIT: "人大代表、政协委员视察",
}
_ACTIVITY_EN = {
    ActivityType.PUBLIC_HEARING: "public review / public hearing",
    ActivityType.COURT_APPEARANCE: "prosecutor in court",
    ActivityType.CIRCUIT_INSPECTION: "circuit inspection",
    ActivityType.PROCURATORIAL_SUGGESTION: "procuratorial suggestions",
    ActivityType.DOCUMENT_SERVICE: "public service of legal documents",
    ActivityType.QUALITY_REVIEW: "case-quality review",
    ActivityType.CONDUCT_INSPECTION: "judicial-conduct inspection",
    ActivityType.WORK_BRIEFING: "briefing on procuratorial work",
    ActivityType.OTHER: "other case-handling work",
    ActivityType.SUPERVISOR_INITIATED: "supervisor-initiated supervision",
    ActivityType.OPEN_DAY: "procuratorate open day",
    ActivityType.NPC_CPPCC_VISIT: "visit by NPC deputies and CPPCC members",
}


class CaseKind(StrEnum):
    """What kind of matter a case is; some kinds make a hearing closed by default."""

    CRIMINAL_APPEAL = "criminal_appeal"
    INTENDED_NON_PROSECUTION = "intended_non_prosecution"
    CUSTODY_REVIEW = "custody_review"
    PUBLIC_INTEREST_LITIGATION = "public_interest_litigation"
    CIVIL_ADMINISTRATIVE_SUPERVISION = "civil_administrative_supervision"
    ARREST_REVIEW = "arrest_review"
    OTHER = "other"

    @property
    def zh(self) -> str:
        return _KIND_ZH[self]


_KIND_ZH = {
    CaseKind.CRIMINAL_APPEAL: "刑事申诉",
    CaseKind.INTENDED_NON_PROSECUTION: "拟不起诉",
    CaseKind.CUSTODY_REVIEW: "羁押必要性审查",
    CaseKind.PUBLIC_INTEREST_LITIGATION: "公益诉讼",
    CaseKind.CIVIL_ADMINISTRATIVE_SUPERVISION: "民事行政诉讼监督",
    CaseKind.ARREST_REVIEW: "审查逮捕",
    CaseKind.OTHER: "其他",
}

#: Kinds whose hearings are closed (不公开) unless decided otherwise [C].
CLOSED_BY_DEFAULT_KINDS = frozenset({CaseKind.CUSTODY_REVIEW, CaseKind.ARREST_REVIEW})


class UnitLevel(StrEnum):
    """Level of a procuratorate in the hierarchy (最高检 → 省 → 市 → 区县)."""

    SUPREME = "supreme"
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"


class RosterScope(StrEnum):
    """Whose rosters a unit draws people of one role from (``Policy.roster_scopes``)."""

    #: The unit's own roster and those of every unit above it.
    UNIT_AND_ABOVE = "unit_and_above"
    #: The unit's own roster only (hearing officers: each procuratorate keeps its own).
    UNIT_ONLY = "unit_only"
    #: The rosters kept at city level and above, for the unit and the units under them
    #: (people's supervisors: the city's and province's justice bureaus keep them and they
    #: serve the city and its districts).
    CITY_AND_ABOVE = "city_and_above"

    @property
    def zh(self) -> str:
        return {
            "unit_and_above": "本院及上级院名册",
            "unit_only": "本院名册",
            "city_and_above": "市级及以上名册",
        }[self.value]


#: A unit may only sit directly under a unit of a higher level.
UNIT_LEVEL_RANK = {
    UnitLevel.SUPREME: 0,
    UnitLevel.PROVINCE: 1,
    UnitLevel.CITY: 2,
    UnitLevel.DISTRICT: 3,
}


class OpinionOutcome(StrEnum):
    """How the procuratorate decided on a supervision opinion (办理结果)."""

    ADOPTED = "adopted"
    PARTLY_ADOPTED = "partly_adopted"
    NOT_ADOPTED = "not_adopted"

    @property
    def zh(self) -> str:
        return {"adopted": "采纳", "partly_adopted": "部分采纳", "not_adopted": "不采纳"}[
            self.value
        ]


class OpinionStage(StrEnum):
    """Where an opinion is in its lifecycle (受理 → 流转 → 办理 → 反馈 → 落实)."""

    SUBMITTED = "submitted"
    RECEIVED = "received"
    ROUTED = "routed"
    DECIDED = "decided"
    FEEDBACK_GIVEN = "feedback_given"
    IMPLEMENTATION_REPORTED = "implementation_reported"


class FeedbackStage(StrEnum):
    """What an opinion not yet fully answered waits for (件件有着落、事事有回音)."""

    AWAITING_RECEIPT = "awaiting_receipt"
    AWAITING_DECISION = "awaiting_decision"
    AWAITING_FEEDBACK = "awaiting_feedback"
    AWAITING_OBJECTION_RULING = "awaiting_objection_ruling"
    AWAITING_IMPLEMENTATION_REPORT = "awaiting_implementation_report"

    @property
    def zh(self) -> str:
        return _FEEDBACK_STAGE_ZH[self]


_FEEDBACK_STAGE_ZH = {
    FeedbackStage.AWAITING_RECEIPT: "待受理",
    FeedbackStage.AWAITING_DECISION: "待办理",
    FeedbackStage.AWAITING_FEEDBACK: "待反馈",
    FeedbackStage.AWAITING_OBJECTION_RULING: "异议待检察长决定",
    FeedbackStage.AWAITING_IMPLEMENTATION_REPORT: "待反馈落实情况",
}


class ObjectionRuling(StrEnum):
    """The chief prosecutor's ruling on a supervisor's objection to the feedback."""

    UPHELD = "upheld"
    REJECTED = "rejected"


class InvitationStatus(StrEnum):
    """State of one person's invitation to one activity or hearing."""

    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REPLACED = "replaced"
    ATTENDED = "attended"
    ABSENT = "absent"


class AssessmentGrade(StrEnum):
    """Annual assessment grade (年度考核)."""

    EXCELLENT = "excellent"
    COMPETENT = "competent"
    BASICALLY_COMPETENT = "basically_competent"
    INCOMPETENT = "incompetent"


class Relationship(StrEnum):
    """A declared relationship that can require recusal (回避)."""

    PARTY = "party"
    CLOSE_RELATIVE = "close_relative"
    INTEREST = "interest"
    WITNESS = "witness"
    DEFENDER = "defender"
    AGENT = "agent"
    OTHER = "other"


class SupervisorStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REMOVED = "removed"


class HearingStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    HELD = "held"
    DECIDED = "decided"
    CONCLUDED = "concluded"
    #: Not held: refused with reasons (a party's application, Art. 9), from proposed.
    REFUSED = "refused"


HEARING_STATUS_ORDER = list(HearingStatus)


class ClosedGround(StrEnum):
    """Why a hearing is held closed (不公开听证, 2020 SPP hearing rules Art. 4)."""

    MINOR_PARTY = "minor_party"  # 未成年人
    STATE_SECRET = "state_secret"  # 国家秘密
    TRADE_SECRET = "trade_secret"  # 商业秘密
    PRIVACY = "privacy"  # 个人隐私
    #: Review of custody or arrest (CLOSED_BY_DEFAULT_KINDS): closed unless decided public.
    CUSTODY_REVIEW = "custody_review"
    OTHER_BY_LAW = "other_by_law"  # 其他依法不公开


class Stance(StrEnum):
    """A hearing officer's stance on the decision the procuratorate proposes (拟处理意见)."""

    AGREE = "agree"
    DISAGREE = "disagree"


@dataclass(frozen=True)
class Party:
    """A party to a case (当事人). ``minor`` marks a minor, which closes hearings."""

    name: str
    role: str = "party"
    minor: bool = False


@dataclass(frozen=True)
class CaseFacts:
    """What other aggregates need to know about a case: for recusal and closed hearings."""

    key: str
    unit: str
    kind: CaseKind
    party_names: tuple[str, ...]
    has_minor: bool


@dataclass(frozen=True)
class Term:
    """A term of office, both dates inclusive."""

    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class InactivePeriod:
    """From ``start`` (inclusive) to ``end`` (exclusive; None: for good) a person may not serve."""

    start: date
    end: date | None
    status: SupervisorStatus
    reason: str

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


class ReplyTiming(StrEnum):
    """Where a reply stands against its due date (on time through the due date itself)."""

    PENDING = "pending"
    OVERDUE = "overdue"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def zh(self) -> str:
        return _TIMING_ZH[self.value]


_TIMING_ZH = {"pending": "未到期", "overdue": "逾期未复", "on_time": "按期答复", "late": "逾期答复"}


def reply_timing(due: date, replied_on: date | None, today: date) -> ReplyTiming:
    """The timing of a reply due on ``due``, replied on ``replied_on`` (None: not yet),
    seen on ``today``."""
    if replied_on is not None:
        return ReplyTiming.ON_TIME if replied_on <= due else ReplyTiming.LATE
    return ReplyTiming.OVERDUE if today > due else ReplyTiming.PENDING


class SeedSource(StrEnum):
    """Where the seed of a draw without one comes from (``Policy.draw_seed``)."""

    #: A fresh random seed the ledger picks (``secrets``), recorded in the event. Nobody
    #: can check afterwards that it was not tried until it gave the wanted people.
    RANDOM = "random"
    #: Derived from the hash chain at the moment of the draw plus the draw's own fields
    #: (:func:`chain_seed`); a seed the caller names is still accepted and recorded.
    CHAIN = "chain"
    #: As ``CHAIN``, and a seed named by the caller is refused (``caller_seed_refused``).
    CHAIN_ONLY = "chain_only"


class ApproverRole(StrEnum):
    """Who may approve where the rules need an approval (审批)."""

    CHIEF_PROSECUTOR = "chief_prosecutor"  # 检察长
    DEPUTY_CHIEF = "deputy_chief"  # 副检察长
    DEPARTMENT_HEAD = "department_head"  # 部门负责人


@dataclass(frozen=True)
class Approver:
    """A structured approver: the office that approved and the person holding it."""

    role: ApproverRole
    name: str


class RecipientType(StrEnum):
    """Who a procuratorial suggestion is served on: the reply deadline depends on it
    (``Policy.suggestion_reply_due_on``)."""

    COURT = "court"  # 人民法院
    ADMINISTRATIVE = "administrative"  # 行政机关
    OTHER = "other"  # 其他单位

    @property
    def zh(self) -> str:
        return {"court": "人民法院", "administrative": "行政机关", "other": "其他单位"}[self.value]
