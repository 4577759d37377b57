"""Policies: the rules and deadlines that the regulations leave open.

DOMAIN.md tags such rules [P] or [U]. They are objects with documented defaults,
passed to the ledger, so that a procuratorate (or a test) can set its own without
touching the aggregates. Nothing here is stored in events: the same events replayed
under another policy give the same aggregates, while deadline figures in projections
follow the policy they are computed under.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from .values import (
    UNIT_LEVEL_RANK,
    ApproverRole,
    AssessmentGrade,
    CaseKind,
    FeedbackStage,
    RecipientType,
    Relationship,
    Role,
    RosterScope,
    SeedSource,
    UnitLevel,
)


class WorkingDayCalendar(Protocol):
    """The hook that says which dates are working days (工作日)."""

    def is_working_day(self, day: date) -> bool: ...


@dataclass(frozen=True)
class WeekdayCalendar:
    """Monday to Friday, minus ``holidays``, plus ``extra_working_days``.

    China moves weekends around public holidays (调休): pass the State Council's
    list of holidays and of make-up working Saturdays/Sundays for the years you need.
    """

    holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


@dataclass(frozen=True)
class Deadline:
    """ "Within N days of day D": on time through ``due(D)``.

    Calendar days by default: due(D) = D + N. With ``working_days`` the N days are
    counted on the calendar's working days after D.
    """

    days: int
    working_days: bool = False

    def due(self, start: date, calendar: WorkingDayCalendar) -> date:
        if not self.working_days:
            return add_days(start, self.days)
        day, left = start, self.days
        while left > 0:
            if day == date.max:  # nothing is due after the last representable day
                return day
            day += timedelta(days=1)
            if calendar.is_working_day(day):
                left -= 1
        return day


# -- date arithmetic that cannot overflow ---------------------------------------------
#
# The ledger refuses business times outside ``Policy.business_time_from`` …
# ``business_time_until``, but a store written before that check (or under a wider
# policy) may hold any date Python can represent. Reading such a store must still work,
# so every date computed from a stored one saturates at ``date.min`` / ``date.max``
# instead of raising OverflowError or ValueError.


def add_days(day: date, days: int) -> date:
    """``day + days``, saturating at ``date.min`` / ``date.max``."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb);
    saturating at ``date.min`` / ``date.max``."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def local_date_of(moment: datetime, zone: tzinfo) -> date:
    """The calendar date of ``moment`` in ``zone``, for any aware datetime Python holds.

    Converting a moment on the first or last day Python represents into another zone
    can leave that range (0001-01-01T00:00+08:00 is 0000-12-31 in UTC); such a moment
    falls on ``date.min`` / ``date.max``.
    """
    try:
        return moment.astimezone(zone).date()
    except (OverflowError, ValueError):
        return date.max if moment.year > date.max.year // 2 else date.min


ALL_RELATIONSHIPS = frozenset(Relationship)


class RosterScopes(Mapping[Role, RosterScope]):
    """``Policy.roster_scopes`` as an immutable, hashable mapping."""

    def __init__(self, scopes: Mapping[Role, RosterScope]) -> None:
        self._scopes = {Role(role): RosterScope(scope) for role, scope in scopes.items()}

    def __getitem__(self, role: Role) -> RosterScope:
        return self._scopes[role]

    def __iter__(self) -> Iterator[Role]:
        return iter(self._scopes)

    def __len__(self) -> int:
        return len(self._scopes)

    def __hash__(self) -> int:
        return hash(frozenset(self._scopes.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __repr__(self) -> str:
        return f"RosterScopes({self._scopes!r})"


@dataclass(frozen=True)
class Policy:
    """Configurable rules. Defaults follow DOMAIN.md; each says where it comes from."""

    #: Local time zone of the procuratorate: business dates and periods are local dates.
    timezone: str = "Asia/Shanghai"
    #: Feedback to the supervisor is due this long after the decision on the opinion
    #: (the rule says "及时", no day count [C]; 15 calendar days is our default).
    feedback_due: Deadline = Deadline(days=15)
    #: An opinion is received and recorded in the case file (受理) within this after it
    #: was submitted [U: the rules name no day count; 件件有着落 — 7 calendar days is our
    #: default]. None: no deadline, the opinion is never overdue at this stage.
    opinion_receipt_due: Deadline | None = Deadline(days=7)
    #: A decision on the opinion (办理: adopted / partly / not adopted) within this after it
    #: was submitted [U: no day count in the rules; 30 calendar days is our default].
    opinion_decision_due: Deadline | None = Deadline(days=30)
    #: The chief prosecutor rules on a supervisor's objection within this after the
    #: objection [U: 30 calendar days is our default].
    objection_ruling_due: Deadline | None = Deadline(days=30)
    #: The implementation of an adopted (or partly adopted) opinion is reported back
    #: within this after the decision [U: rectification takes as long as it takes, so no
    #: deadline by default — the opinion is listed as pending, never overdue].
    implementation_report_due: Deadline | None = None
    #: Roles whose people must be drawn at random (随机抽选), never invited or sent as a
    #: replacement by name: ``invite_supervisor``, a named ``replace_supervisor``,
    #: ``invite_hearing_officer``, ``invite_observer`` and ``replace_hearing_officer`` are
    #: refused for them (``draw_required``). [C for people's supervisors: the justice
    #: bureau draws them; hearing officers may be chosen by the procuratorate.] Empty by
    #: default, so that ledgers that record named invitations — as the articles' offices
    #: do — keep working; set ``frozenset({Role.PEOPLES_SUPERVISOR})`` to enforce the
    #: draw. Invitations by name are counted either way (``participation.*.hand_picked``).
    drawn_roles: frozenset[Role] = frozenset()
    #: Kinds of case whose public review or public hearing must invite people's
    #: supervisors [C: 2019 SPP rules, Art. 9 — criminal appeals (刑事申诉), intended
    #: non-prosecution (拟不起诉), custody-necessity review (羁押必要性审查)]. Hearings held
    #: without one are reported (``hearings.mandatory_supervision_*``,
    #: ``Ledger.unsupervised_hearings``), never refused: the history stands as it happened.
    #: Where the seed of a draw (``draw_supervisors``, ``draw_hearing_officers``, a drawn
    #: ``replace_supervisor``) comes from when the command names none: ``chain`` — derived
    #: from the hash chain at the moment of the draw plus the draw's own fields, recorded
    #: as the event's ``seed_basis`` and re-derived by ``tools/verify_export.py`` (issue
    #: 12: a seed nobody can try until it suits); ``random`` — a fresh random seed, as
    #: before; ``chain_only`` — as ``chain``, and a seed named by the caller is refused
    #: (``caller_seed_refused``). [U: the rules say 随机抽选 and nothing of seeds;
    #: ``chain`` by default, so every new store draws verifiably.]
    draw_seed: SeedSource = SeedSource.CHAIN
    #: Offices whose approval stands where the rules need the chief prosecutor's: holding
    #: a hearing (``approve_hearing``) and ruling on a supervisor's objection
    #: (``rule_on_objection``); another office is refused (``approver_not_entitled``).
    #: [P: the rules say 检察长; a deputy approves on the chief's delegation in practice.]
    chief_approval_roles: frozenset[ApproverRole] = frozenset(
        {ApproverRole.CHIEF_PROSECUTOR, ApproverRole.DEPUTY_CHIEF}
    )
    mandatory_supervision_kinds: frozenset[CaseKind] = frozenset(
        {CaseKind.CRIMINAL_APPEAL, CaseKind.INTENDED_NON_PROSECUTION, CaseKind.CUSTODY_REVIEW}
    )
    #: Whose rosters a draw (and a drawn replacement) takes people of each role from; a
    #: role not named uses ``RosterScope.UNIT_AND_ABOVE`` (the unit's roster and those of
    #: the units above it). [P: people's supervisors are kept by the justice bureaus of
    #: cities and provinces and serve the city and its districts — ``CITY_AND_ABOVE``;
    #: hearing officers are kept by each procuratorate — ``UNIT_ONLY``. Empty by default,
    #: so that ledgers enrolling people with their district keep drawing them.]
    roster_scopes: Mapping[Role, RosterScope] = field(default_factory=lambda: RosterScopes({}))
    #: A hearing noticed on day D may be held on day D + N at the earliest [C: 3 days].
    hearing_notice_days: int = 3
    #: Most hearing officers on one hearing (typical 3–7 [P]); None for no limit.
    hearing_officers_max: int | None = 7
    #: Ranks of a case's handler (``propose_hearing``'s ``handler_rank``) who must preside
    #: over its hearing themselves: ``schedule_hearing`` names them as the presiding
    #: prosecutor or is refused (``handler_must_preside``). [C: 2020 SPP hearing rules
    #: Art. 13 — 检察长或者业务部门负责人承办案件的，应当担任主持人.] Empty: never checked.
    handler_must_preside: frozenset[ApproverRole] = frozenset(
        {ApproverRole.CHIEF_PROSECUTOR, ApproverRole.DEPARTMENT_HEAD}
    )
    #: True: a hearing on a case with a minor party is always closed (a public one is
    #: refused, ``closed_hearing_required``); False: a minor party only makes it closed
    #: *by default* (ground ``minor_party``), and ``public: true`` may still open it.
    #: [U: the rules close hearings of 未成年人犯罪 cases; a minor victim or witness may
    #: allow a public one. False by default: a minor party closes a hearing *by default*,
    #: not always (issue 12); True is the stricter reading.]
    minor_hearings_closed: bool = False
    #: Length of a supervisor's term in years [P: 5].
    term_years: int = 5
    #: Most consecutive terms [P: 2].
    max_consecutive_terms: int = 2
    #: Relationships that require recusal [U: all of them by default].
    recusal_relationships: frozenset[Relationship] = ALL_RELATIONSHIPS
    #: Assessment grades that remove a supervisor [C: failing the annual assessment].
    failing_grades: frozenset[AssessmentGrade] = frozenset({AssessmentGrade.INCOMPETENT})
    #: Which days are working days, for deadlines counted in working days.
    calendar: WorkingDayCalendar = field(default_factory=WeekdayCalendar)
    #: The recipient's written reply to a procuratorial suggestion (检察建议) is due this
    #: many months after service, for an administrative or other recipient [C: 2 months].
    suggestion_reply_months: int = 2
    #: A court (``recipient_type: court``) replies within this many months after service
    #: [C: 3 months] …
    court_suggestion_reply_months: int = 3
    #: … plus this extension [C: one month more where the court extends with its
    #: president's approval; the procuratorate does not see whether it did, so the
    #: default counts the extension in — a court is late only after 3 + 1 months. Set 0
    #: to hold courts to 3 months].
    court_suggestion_reply_extension_months: int = 1
    #: An urgent suggestion that states no due date of its own is answered within this
    #: [C: "shorter if urgent", no day count; 15 calendar days is our default].
    urgent_suggestion_reply: Deadline = Deadline(days=15)
    #: Procedural reply to a petition (信访程序性回复: accepted / needs material /
    #: transferred) [C: 7 days; some provinces count 7 working days —
    #: ``Deadline(7, working_days=True)`` with ``calendar`` supplying the holidays].
    petition_procedural_reply: Deadline = Deadline(days=7)
    #: Result (or, failing that, progress) reply to a petition [C: within 3 months].
    petition_result_months: int = 3
    #: While the petition stays open after that, a progress reply is due this often
    #: after the previous one [C: monthly].
    petition_progress_months: int = 1
    #: The business-time range the ledger accepts, as local dates, both inclusive: every
    #: date and datetime field of a command (``occurred_at``, ``term_start``,
    #: ``scheduled_for``, …) must fall within it, else the command is refused with
    #: ``business_time_out_of_range``. The default runs from the founding of the
    #: People's Republic (1949-10-01) to 2200-12-31: wide enough for any back-filled
    #: record, far from the limits of date arithmetic.
    business_time_from: date = date(1949, 10, 1)
    business_time_until: date = date(2200, 12, 31)
    #: Terms separated by a gap of fewer days than this count as consecutive for
    #: ``max_consecutive_terms`` [U: a break of a day or a month does not reset the
    #: limit; 365 days is our default].
    consecutive_term_gap_days: int = 365
    #: Whether a person may be recorded as serving — invited, drawn, attending,
    #: submitting an opinion, paid an allowance — before the business time of their
    #: appointment (a term may be back-dated to start before the appointment was made)
    #: [U: no by default; rule ``before_appointment``].
    service_before_appointment: bool = False

    def __post_init__(self) -> None:
        if self.business_time_from > self.business_time_until:
            raise ValueError(
                f"Policy.business_time_from {self.business_time_from.isoformat()} is after "
                f"business_time_until {self.business_time_until.isoformat()}"
            )
        if self.business_time_from.year < 2 or self.business_time_until.year > 9998:
            raise ValueError(
                "Policy business-time range: keep it within the years 2–9998, so that every "
                "local date and deadline of an accepted command can be computed"
            )
        if self.consecutive_term_gap_days < 1:
            raise ValueError("Policy.consecutive_term_gap_days must be at least 1")
        # An immutable, hashable copy: a policy is a value (it may key a cache or a set).
        object.__setattr__(self, "roster_scopes", RosterScopes(self.roster_scopes))
        ZoneInfo(self.timezone)  # an unknown zone fails here, not on the first command

    def roster_units(self, role: Role, chain: list[tuple[str, UnitLevel]]) -> set[str]:
        """The units whose rosters a draw for ``role`` uses, given the drawing unit and
        the units above it as (key, level), the drawing unit first."""
        scope = self.roster_scopes.get(role, RosterScope.UNIT_AND_ABOVE)
        if scope is RosterScope.UNIT_ONLY:
            return {chain[0][0]} if chain else set()
        if scope is RosterScope.CITY_AND_ABOVE:
            city = UNIT_LEVEL_RANK[UnitLevel.CITY]
            return {key for key, level in chain if UNIT_LEVEL_RANK[level] <= city}
        return {key for key, _ in chain}

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_date(self, moment: datetime) -> date:
        """The local calendar date of a business time (an aware datetime); never raises
        for a datetime Python can hold (see :func:`local_date_of`)."""
        return local_date_of(moment, self.zone)

    def business_time_problem(self, day: date) -> str | None:
        """Why the local date ``day`` is outside the accepted business-time range, or None."""
        if self.business_time_from <= day <= self.business_time_until:
            return None
        return (
            f"{day.isoformat()} is outside the business-time range "
            f"{self.business_time_from.isoformat()} to {self.business_time_until.isoformat()}"
        )

    def term_end(self, start: date) -> date:
        """Last day of a term that starts on ``start`` (saturating at ``date.max``)."""
        year = start.year + self.term_years
        if year > date.max.year:
            return date.max
        try:
            end = start.replace(year=year)
        except ValueError:  # 29 February: the anniversary falls on 1 March
            end = start.replace(year=year, month=3, day=1)
        return add_days(end, -1)

    def feedback_due_on(self, decided: datetime) -> date:
        return self.feedback_due.due(self.local_date(decided), self.calendar)

    def opinion_due_on(
        self,
        stage: FeedbackStage,
        submitted: date,
        decided: date | None = None,
        objected: date | None = None,
    ) -> date | None:
        """Last day for the step an opinion waits for (local dates); None when the policy
        sets no deadline for that stage.

        Receipt and decision count from submission, feedback and the implementation
        report from the decision, the ruling on an objection from the objection.
        """
        deadline, start = {
            FeedbackStage.AWAITING_RECEIPT: (self.opinion_receipt_due, submitted),
            FeedbackStage.AWAITING_DECISION: (self.opinion_decision_due, submitted),
            FeedbackStage.AWAITING_FEEDBACK: (self.feedback_due, decided),
            FeedbackStage.AWAITING_OBJECTION_RULING: (self.objection_ruling_due, objected),
            FeedbackStage.AWAITING_IMPLEMENTATION_REPORT: (
                self.implementation_report_due,
                decided,
            ),
        }[stage]
        if deadline is None:
            return None
        if start is None:
            raise ValueError(f"the due date of stage {stage.value} needs its start date")
        return deadline.due(start, self.calendar)

    def suggestion_reply_due_on(
        self, served: date, urgent: bool, recipient_type: RecipientType = RecipientType.OTHER
    ) -> date:
        """Last day for the written reply to a suggestion served on ``served``: urgent,
        ``urgent_suggestion_reply``; on a court, ``court_suggestion_reply_months`` plus
        ``court_suggestion_reply_extension_months``; else ``suggestion_reply_months``."""
        if urgent:
            return self.urgent_suggestion_reply.due(served, self.calendar)
        if RecipientType(recipient_type) is RecipientType.COURT:
            months = self.court_suggestion_reply_months
            return add_months(served, months + self.court_suggestion_reply_extension_months)
        return add_months(served, self.suggestion_reply_months)

    def petition_procedural_due_on(self, received: date) -> date:
        """Last day for the procedural reply to a petition received on ``received``."""
        return self.petition_procedural_reply.due(received, self.calendar)

    def petition_result_due_on(self, received: date) -> date:
        """Last day for the result (or a first progress) reply to a petition."""
        return add_months(received, self.petition_result_months)

    def petition_progress_due_on(self, last_reply: date) -> date:
        """Last day for the next progress reply after a progress reply on ``last_reply``."""
        return add_months(last_reply, self.petition_progress_months)


DEFAULT_POLICY = Policy()
