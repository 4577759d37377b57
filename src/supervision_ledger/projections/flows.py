"""The statistics of the neighbouring flows: suggestions, petitions, leads, typical
cases, partner units and the chief prosecutor at the court's trial committee.

Same conventions as :mod:`.statistics`: handlers (in event order, flow by flow) store
fact rows with local business dates in the policy's time zone; figures aggregate them
per unit (alone or rolled up) and per period when a report asks. Deadlines are never
stored: the due dates come from the :class:`~supervision_ledger.domain.policy.Policy`
the report is computed under, so the same events under another policy give that
policy's figures. Each figure is defined once below, with its Chinese label.

A flow's figures follow a *cohort*: the matters that entered the flow in the period
(suggestions served, petitions received, leads reported, nominations made, opinions
given), with what later happened to them counted whenever it happened — as the opinion
figures do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ..domain.lead import Lead, LeadSource
from ..domain.partner import PartnerAgreement
from ..domain.suggestion import SuggestionType
from ..domain.trial_committee import TrialCommitteeSitting
from ..domain.typical_case import TypicalCaseLevel, TypicalCaseNomination
from ..domain.values import ReplyTiming, reply_timing
from . import statistics as _statistics  # noqa: F401 - the core figures come first in a report
from .engine import Tx, View, on
from .facts import (
    PETITION_COLUMNS,
    SUGGESTION_COLUMNS,
    PetitionFacts,
    SuggestionFacts,
    suggestion_reply_due,
)
from .figures import FigureQuery, FigureValue, Rate, define, figure, section

LEAD_SOURCE_EN = {
    LeadSource.GRID_WORKER: "from grid workers",
    LeadSource.NPC_SUGGESTION: "converted from NPC deputies' suggestions",
    LeadSource.CPPCC_PROPOSAL: "converted from CPPCC members' proposals",
    LeadSource.DEPARTMENT_TRANSFER: "transferred between the procuratorate's own departments",
    LeadSource.AGENCY_REFERRAL: "referred by outside agencies",
    LeadSource.OTHER: "from other sources",
}

LEVEL_EN = {
    TypicalCaseLevel.MUNICIPAL: "municipal",
    TypicalCaseLevel.PROVINCIAL: "provincial",
    TypicalCaseLevel.NATIONAL: "national (SPP)",
}


class FlowStatisticsView(SuggestionFacts, PetitionFacts, View):
    """Fact rows for the flow figures (sections ``suggestions`` … ``trial_committee``).

    Suggestion and petition rows come from the shared fact handlers (:mod:`.facts`).
    """

    name = "flow_statistics"
    # 2: suggestion and petition rows written by the shared fact handlers (:mod:`.facts`).
    # 3: the suggestion fact rows carry the suggestion's type (suggestions.by_type.*);
    #    petition rows the first progress reply, an unreachable petitioner, a leader.
    version = 3
    suggestion_table = "view_flow_suggestion"
    petition_table = "view_flow_petition"
    tables = {  # noqa: RUF012 - class-level schema
        suggestion_table: SUGGESTION_COLUMNS,
        petition_table: PETITION_COLUMNS,
        "view_flow_lead": "lead_id TEXT PRIMARY KEY, unit TEXT NOT NULL, source TEXT NOT NULL, "
        "reported_on TEXT NOT NULL, accepted INTEGER NOT NULL, rejected INTEGER NOT NULL, "
        "case_on TEXT",
        "view_flow_nomination": "nomination_id TEXT PRIMARY KEY, unit TEXT NOT NULL, "
        "level TEXT NOT NULL, nominated_on TEXT NOT NULL, selected INTEGER, decided_on TEXT",
        "view_flow_agreement": "agreement_id TEXT PRIMARY KEY, unit TEXT NOT NULL, "
        "partner TEXT NOT NULL, signed_on TEXT NOT NULL, in_force_from TEXT NOT NULL, "
        "last_day TEXT",
        "view_flow_sitting": "sitting_id TEXT PRIMARY KEY, unit TEXT NOT NULL, "
        "attended_on TEXT NOT NULL, entrusted_deputy INTEGER NOT NULL",
        "view_flow_committee_opinion": "sitting_id TEXT NOT NULL, opinion TEXT NOT NULL, "
        "unit TEXT NOT NULL, given_on TEXT NOT NULL, adopted INTEGER, "
        "PRIMARY KEY (sitting_id, opinion)",
    }

    # -- leads --------------------------------------------------------------------------

    @on(Lead.Reported)
    def lead_reported(self, tx: Tx, e: Lead.Reported) -> None:
        tx.upsert(
            "view_flow_lead",
            {"lead_id": str(e.originator_id)},
            {
                "unit": e.unit,
                "source": e.source.value,
                "reported_on": tx.local_date(e.occurred_at),
                "accepted": 0,
                "rejected": 0,
            },
        )

    @on(Lead.Accepted)
    def lead_accepted(self, tx: Tx, e: Lead.Accepted) -> None:
        tx.rows("UPDATE view_flow_lead SET accepted = 1 WHERE lead_id = ?", [str(e.originator_id)])

    @on(Lead.Rejected)
    def lead_rejected(self, tx: Tx, e: Lead.Rejected) -> None:
        tx.rows("UPDATE view_flow_lead SET rejected = 1 WHERE lead_id = ?", [str(e.originator_id)])

    @on(Lead.TurnedIntoCase)
    def lead_turned_into_case(self, tx: Tx, e: Lead.TurnedIntoCase) -> None:
        tx.rows(
            "UPDATE view_flow_lead SET case_on = ? WHERE lead_id = ?",
            [tx.local_date(e.occurred_at), str(e.originator_id)],
        )

    # -- typical cases ------------------------------------------------------------------

    @on(TypicalCaseNomination.Nominated)
    def nominated(self, tx: Tx, e: TypicalCaseNomination.Nominated) -> None:
        tx.upsert(
            "view_flow_nomination",
            {"nomination_id": str(e.originator_id)},
            {"unit": e.unit, "level": e.level.value, "nominated_on": tx.local_date(e.occurred_at)},
        )

    def _nomination(self, tx: Tx, e: TypicalCaseNomination.Event, selected: bool) -> None:
        tx.rows(
            "UPDATE view_flow_nomination SET selected = ?, decided_on = ? WHERE nomination_id = ?",
            [int(selected), tx.local_date(e.occurred_at), str(e.originator_id)],
        )

    @on(TypicalCaseNomination.Selected)
    def selected(self, tx: Tx, e: TypicalCaseNomination.Selected) -> None:
        self._nomination(tx, e, True)

    @on(TypicalCaseNomination.NotSelected)
    def not_selected(self, tx: Tx, e: TypicalCaseNomination.NotSelected) -> None:
        self._nomination(tx, e, False)

    # -- partner units --------------------------------------------------------------------

    @on(PartnerAgreement.Signed)
    def agreement_signed(self, tx: Tx, e: PartnerAgreement.Signed) -> None:
        tx.upsert(
            "view_flow_agreement",
            {"agreement_id": str(e.originator_id)},
            {
                "unit": e.unit,
                "partner": e.partner,
                "signed_on": tx.local_date(e.occurred_at),
                "in_force_from": e.in_force_from.isoformat(),
                "last_day": None if e.in_force_until is None else e.in_force_until.isoformat(),
            },
        )

    @on(PartnerAgreement.Terminated)
    def agreement_terminated(self, tx: Tx, e: PartnerAgreement.Terminated) -> None:
        # No longer in force from the termination date on: the day before is the last.
        last = date.fromordinal(e.effective_on.toordinal() - 1)
        tx.rows(
            "UPDATE view_flow_agreement SET last_day = ? WHERE agreement_id = ?",
            [last.isoformat(), str(e.originator_id)],
        )

    # -- the chief prosecutor at the trial committee ----------------------------------------

    @on(TrialCommitteeSitting.Attended)
    def sitting_attended(self, tx: Tx, e: TrialCommitteeSitting.Attended) -> None:
        tx.upsert(
            "view_flow_sitting",
            {"sitting_id": str(e.originator_id)},
            {
                "unit": e.unit,
                "attended_on": tx.local_date(e.occurred_at),
                "entrusted_deputy": int(e.entrusted_deputy),
            },
        )

    @on(TrialCommitteeSitting.OpinionGiven)
    def committee_opinion_given(self, tx: Tx, e: TrialCommitteeSitting.OpinionGiven) -> None:
        sitting = tx.one(
            "SELECT unit FROM view_flow_sitting WHERE sitting_id = ?", [str(e.originator_id)]
        )
        assert sitting is not None, "an opinion follows its sitting"
        tx.upsert(
            "view_flow_committee_opinion",
            {"sitting_id": str(e.originator_id), "opinion": e.opinion},
            {"unit": sitting[0], "given_on": tx.local_date(e.occurred_at)},
        )

    def _committee_adoption(self, tx: Tx, e: TrialCommitteeSitting.Event, opinion: str) -> None:
        adopted = isinstance(e, TrialCommitteeSitting.OpinionAdopted)
        tx.rows(
            "UPDATE view_flow_committee_opinion SET adopted = ? "
            "WHERE sitting_id = ? AND opinion = ?",
            [int(adopted), str(e.originator_id), opinion],
        )

    @on(TrialCommitteeSitting.OpinionAdopted)
    def committee_opinion_adopted(self, tx: Tx, e: TrialCommitteeSitting.OpinionAdopted) -> None:
        self._committee_adoption(tx, e, e.opinion)

    @on(TrialCommitteeSitting.OpinionNotAdopted)
    def committee_opinion_not_adopted(
        self, tx: Tx, e: TrialCommitteeSitting.OpinionNotAdopted
    ) -> None:
        self._committee_adoption(tx, e, e.opinion)


# == figures ==============================================================================

section(
    "suggestions",
    "检察建议",
    "Procuratorial suggestions",
    "the local date the suggestion was served (Served); what followed counts whenever it happened",
)


@dataclass(frozen=True)
class _SuggestionCounts:
    served: int
    recipients: int
    timing: Counter[ReplyTiming]
    adopted: int
    not_adopted: int
    rectified: int
    verified: int
    urged: int
    escalated: int


def _suggestions(q: FigureQuery) -> _SuggestionCounts:
    scope, sp = q.scope("unit")
    period, pp = q.period("served_on")
    rows = q.rows(
        "SELECT recipient, served_on, urgent, stated_due, replied_on, adopted, rectified_on, "
        f"verified_on, urged, escalated_on FROM {FlowStatisticsView.suggestion_table} "
        f"WHERE served_on IS NOT NULL{scope}{period}",
        [*sp, *pp],
    )
    timing: Counter[ReplyTiming] = Counter()
    for _, served_on, urgent, stated_due, replied_on, *_rest in rows:
        due = suggestion_reply_due(q.policy, served_on, bool(urgent), stated_due)
        replied = None if replied_on is None else date.fromisoformat(replied_on)
        timing[reply_timing(due, replied, q.as_of)] += 1
    return _SuggestionCounts(
        served=len(rows),
        recipients=len({r[0] for r in rows}),
        timing=timing,
        adopted=sum(1 for r in rows if r[5] == 1),
        not_adopted=sum(1 for r in rows if r[5] == 0),
        rectified=sum(1 for r in rows if r[6] is not None),
        verified=sum(1 for r in rows if r[7] is not None),
        urged=sum(1 for r in rows if int(r[8]) > 0),
        escalated=sum(1 for r in rows if r[9] is not None),
    )


def _sc(q: FigureQuery) -> _SuggestionCounts:
    counts: _SuggestionCounts = q.shared("suggestions", _suggestions)
    return counts


@figure(
    "suggestions.served",
    "制发送达检察建议（件）",
    "suggestions served",
    "Served events of suggestions (Drafted on a case of the units in scope).",
)
def _suggestions_served(q: FigureQuery) -> FigureValue:
    return _sc(q).served


def _suggestions_by_type(q: FigureQuery) -> Counter[str]:
    scope, sp = q.scope("unit")
    period, pp = q.period("served_on")
    rows = q.rows(
        f"SELECT suggestion_type, COUNT(*) FROM {FlowStatisticsView.suggestion_table} "
        f"WHERE served_on IS NOT NULL{scope}{period} GROUP BY suggestion_type",
        [*sp, *pp],
    )
    return Counter({str(t): int(n) for t, n in rows})


def _suggestion_type_figure(kind: SuggestionType, en: str) -> None:
    def count(q: FigureQuery) -> FigureValue:
        return int(q.shared("suggestions_by_type", _suggestions_by_type)[kind.value])

    define(
        f"suggestions.by_type.{kind.value}",
        f"制发{kind.zh}（件）",
        f"{en} served",
        f"Suggestions counted in suggestions.served whose Drafted suggestion_type is "
        f"{kind.value}; the by_type figures add up to suggestions.served (seed 004's 21 are "
        "social-governance suggestions).",
        count,
    )


for _kind, _en in (
    (SuggestionType.RETRIAL, "retrial suggestions"),
    (SuggestionType.CORRECTION, "suggestions to correct violations"),
    (SuggestionType.PUBLIC_INTEREST, "public-interest suggestions"),
    (SuggestionType.SOCIAL_GOVERNANCE, "social-governance suggestions"),
    (SuggestionType.OTHER, "other suggestions"),
):
    _suggestion_type_figure(_kind, _en)


@figure(
    "suggestions.recipients",
    "被建议单位（个）",
    "recipient units",
    "Distinct recipient names among the suggestions counted in suggestions.served.",
)
def _suggestion_recipients(q: FigureQuery) -> FigureValue:
    return _sc(q).recipients


@figure(
    "suggestions.replied_on_time",
    "按期书面回复（件）",
    "replied on time",
    "Suggestions counted in suggestions.served whose Replied local date is on or before the "
    "reply due date: the reply_due_on the Served event states (urgent ones only), else the "
    "service date plus the policy's suggestion_reply_months (default 2 months), or plus "
    "urgent_suggestion_reply (default 15 calendar days) when urgent.",
)
def _suggestions_on_time(q: FigureQuery) -> FigureValue:
    return _sc(q).timing[ReplyTiming.ON_TIME]


@figure(
    "suggestions.replied_late",
    "逾期回复（件）",
    "replied late",
    "Suggestions counted in suggestions.served replied (Replied) after the reply due date.",
)
def _suggestions_late(q: FigureQuery) -> FigureValue:
    return _sc(q).timing[ReplyTiming.LATE]


@figure(
    "suggestions.overdue",
    "逾期未回复（件）",
    "reply overdue",
    "Suggestions counted in suggestions.served without a Replied event whose reply due date "
    "is before as_of.",
)
def _suggestions_overdue(q: FigureQuery) -> FigureValue:
    return _sc(q).timing[ReplyTiming.OVERDUE]


@figure(
    "suggestions.reply_on_time_rate",
    "按期回复率",
    "on-time reply rate",
    "numerator: suggestions.replied_on_time; denominator: suggestions.replied_on_time + "
    "suggestions.replied_late + suggestions.overdue (replies given, or due before as_of; a "
    "reply not yet due is left out).",
)
def _suggestions_reply_rate(q: FigureQuery) -> FigureValue:
    timing = _sc(q).timing
    due = timing[ReplyTiming.ON_TIME] + timing[ReplyTiming.LATE] + timing[ReplyTiming.OVERDUE]
    return Rate.of(timing[ReplyTiming.ON_TIME], due)


@figure(
    "suggestions.adopted",
    "采纳（件）",
    "adopted",
    "Suggestions counted in suggestions.served with an Adopted event.",
)
def _suggestions_adopted(q: FigureQuery) -> FigureValue:
    return _sc(q).adopted


@figure(
    "suggestions.not_adopted",
    "未采纳（件）",
    "not adopted",
    "Suggestions counted in suggestions.served with a NotAdopted event.",
)
def _suggestions_not_adopted(q: FigureQuery) -> FigureValue:
    return _sc(q).not_adopted


@figure(
    "suggestions.adoption_rate",
    "采纳率",
    "adoption rate",
    "numerator: suggestions.adopted; denominator: suggestions.adopted + "
    "suggestions.not_adopted (those whose adoption has been decided).",
)
def _suggestions_adoption_rate(q: FigureQuery) -> FigureValue:
    counts = _sc(q)
    return Rate.of(counts.adopted, counts.adopted + counts.not_adopted)


@figure(
    "suggestions.rectified",
    "整改完成（件）",
    "rectified",
    "Suggestions counted in suggestions.served with a RectificationCompleted event.",
)
def _suggestions_rectified(q: FigureQuery) -> FigureValue:
    return _sc(q).rectified


@figure(
    "suggestions.rectification_rate",
    "整改率",
    "rectification rate",
    "numerator: suggestions.rectified; denominator: suggestions.adopted.",
)
def _suggestions_rectification_rate(q: FigureQuery) -> FigureValue:
    counts = _sc(q)
    return Rate.of(counts.rectified, counts.adopted)


@figure(
    "suggestions.rectification_verified",
    "整改经核实（件）",
    "rectification verified",
    "Suggestions counted in suggestions.served with a RectificationVerified event.",
)
def _suggestions_verified(q: FigureQuery) -> FigureValue:
    return _sc(q).verified


@figure(
    "suggestions.urged",
    "催办（件）",
    "urged",
    "Suggestions counted in suggestions.served urged (Urged) at least once.",
)
def _suggestions_urged(q: FigureQuery) -> FigureValue:
    return _sc(q).urged


@figure(
    "suggestions.escalated",
    "逾期报请上级督促（件）",
    "escalated",
    "Suggestions counted in suggestions.served with an Escalated event (chief prosecutor's "
    "approval recorded).",
)
def _suggestions_escalated(q: FigureQuery) -> FigureValue:
    return _sc(q).escalated


section(
    "petitions",
    "信访",
    "Petitions",
    "the local date the petition was received (Received); replies count whenever given",
)


@dataclass(frozen=True)
class _PetitionCounts:
    received: int
    excluded: int
    procedural: Counter[ReplyTiming]
    result: Counter[ReplyTiming]
    closed: int
    #: Timing of the first progress-or-result reply against the 3-month date.
    answered: Counter[ReplyTiming]
    unreachable: int
    leader: int


def _petitions(q: FigureQuery) -> _PetitionCounts:
    scope, sp = q.scope("unit")
    period, pp = q.period("received_on")
    rows = q.rows(
        "SELECT received_on, excluded, procedural_on, result_on, closed_on, first_progress_on, "
        f"unreachable_on, leader FROM {FlowStatisticsView.petition_table} "
        f"WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )
    procedural: Counter[ReplyTiming] = Counter()
    result: Counter[ReplyTiming] = Counter()
    answered: Counter[ReplyTiming] = Counter()
    for received_on, excluded, procedural_on, result_on, _, first_progress_on, *_ in rows:
        if excluded:
            continue
        substantive = [d for d in (result_on, first_progress_on) if d is not None]
        answered[
            reply_timing(
                q.policy.petition_result_due_on(date.fromisoformat(received_on)),
                date.fromisoformat(min(substantive)) if substantive else None,
                q.as_of,
            )
        ] += 1
        received = date.fromisoformat(received_on)
        procedural[
            reply_timing(
                q.policy.petition_procedural_due_on(received),
                None if procedural_on is None else date.fromisoformat(procedural_on),
                q.as_of,
            )
        ] += 1
        result[
            reply_timing(
                q.policy.petition_result_due_on(received),
                None if result_on is None else date.fromisoformat(result_on),
                q.as_of,
            )
        ] += 1
    return _PetitionCounts(
        received=len(rows),
        excluded=sum(1 for r in rows if r[1]),
        procedural=procedural,
        result=result,
        closed=sum(1 for r in rows if r[4] is not None),
        answered=answered,
        unreachable=sum(1 for r in rows if r[6] is not None),
        leader=sum(1 for r in rows if r[7] is not None),
    )


def _pc(q: FigureQuery) -> _PetitionCounts:
    counts: _PetitionCounts = q.shared("petitions", _petitions)
    return counts


@figure(
    "petitions.received",
    "受理信访（件）",
    "petitions received",
    "Received events of petitions to the units in scope, anonymous ones included.",
)
def _petitions_received(q: FigureQuery) -> FigureValue:
    return _pc(q).received


@figure(
    "petitions.excluded_from_reply_rate",
    "匿名、联系方式不详或无法联系、不计入答复率（件）",
    "anonymous, without contact or unreachable, left out of the reply rates",
    "Petitions counted in petitions.received flagged anonymous or without contact details "
    "(has_contact false) on Received, or later found unreachable (FoundUnreachable); every "
    "petitions.procedural_*, petitions.result_* and petitions.answered_* figure leaves them "
    "out.",
)
def _petitions_excluded(q: FigureQuery) -> FigureValue:
    return _pc(q).excluded


@figure(
    "petitions.found_unreachable",
    "事后无法联系（件）",
    "petitioners found unreachable later",
    "Of petitions.excluded_from_reply_rate, those excluded by a FoundUnreachable event (with "
    "its reason), whenever it was recorded.",
)
def _petitions_unreachable(q: FigureQuery) -> FigureValue:
    return _pc(q).unreachable


@figure(
    "petitions.leader_handled",
    "领导包案（件）",
    "petitions handled by a leader personally",
    "Petitions counted in petitions.received with a LeaderAssigned event (领导包案; seed 002 "
    "publishes 97), whenever it was recorded.",
)
def _petitions_leader(q: FigureQuery) -> FigureValue:
    return _pc(q).leader


@figure(
    "petitions.procedural_on_time",
    "7日内程序性回复（件）",
    "procedural reply within 7 days",
    "Petitions counted in petitions.received, not excluded, whose ProceduralReplied local date "
    "is on or before the receipt date plus the policy's petition_procedural_reply (default 7 "
    "calendar days; 7 working days when the policy counts working days).",
)
def _procedural_on_time(q: FigureQuery) -> FigureValue:
    return _pc(q).procedural[ReplyTiming.ON_TIME]


@figure(
    "petitions.procedural_late",
    "超期程序性回复（件）",
    "procedural reply late",
    "Petitions counted in petitions.received, not excluded, whose ProceduralReplied local date "
    "is after that due date.",
)
def _procedural_late(q: FigureQuery) -> FigureValue:
    return _pc(q).procedural[ReplyTiming.LATE]


@figure(
    "petitions.procedural_overdue",
    "程序性回复逾期未复（件）",
    "procedural reply overdue",
    "Petitions counted in petitions.received, not excluded, without a ProceduralReplied event "
    "whose due date is before as_of.",
)
def _procedural_overdue(q: FigureQuery) -> FigureValue:
    return _pc(q).procedural[ReplyTiming.OVERDUE]


@figure(
    "petitions.procedural_on_time_rate",
    "7日内程序性回复率",
    "7-day procedural reply rate",
    "numerator: petitions.procedural_on_time; denominator: petitions.procedural_on_time + "
    "petitions.procedural_late + petitions.procedural_overdue — the petitions received in the "
    "period minus petitions.excluded_from_reply_rate, minus those whose reply is not yet due.",
)
def _procedural_rate(q: FigureQuery) -> FigureValue:
    timing = _pc(q).procedural
    due = timing[ReplyTiming.ON_TIME] + timing[ReplyTiming.LATE] + timing[ReplyTiming.OVERDUE]
    return Rate.of(timing[ReplyTiming.ON_TIME], due)


@figure(
    "petitions.result_on_time",
    "3个月内答复办理结果（件）",
    "result answered within 3 months",
    "Petitions counted in petitions.received, not excluded, whose ResultReplied local date is "
    "on or before the receipt date plus the policy's petition_result_months (default 3 "
    "months); a progress reply does not count as the result.",
)
def _result_on_time(q: FigureQuery) -> FigureValue:
    return _pc(q).result[ReplyTiming.ON_TIME]


@figure(
    "petitions.result_late",
    "超过3个月答复结果（件）",
    "result answered after 3 months",
    "Petitions counted in petitions.received, not excluded, whose ResultReplied local date is "
    "after that date.",
)
def _result_late(q: FigureQuery) -> FigureValue:
    return _pc(q).result[ReplyTiming.LATE]


@figure(
    "petitions.result_pending_past_3_months",
    "3个月未答复结果（件）",
    "no result after 3 months",
    "Petitions counted in petitions.received, not excluded, without a ResultReplied event "
    "whose 3-month date is before as_of (progress replies may have been given).",
)
def _result_overdue(q: FigureQuery) -> FigureValue:
    return _pc(q).result[ReplyTiming.OVERDUE]


@figure(
    "petitions.result_on_time_rate",
    "3个月内答复结果率",
    "share answered within 3 months",
    "numerator: petitions.result_on_time; denominator: petitions.result_on_time + "
    "petitions.result_late + petitions.result_pending_past_3_months.",
)
def _result_rate(q: FigureQuery) -> FigureValue:
    timing = _pc(q).result
    due = timing[ReplyTiming.ON_TIME] + timing[ReplyTiming.LATE] + timing[ReplyTiming.OVERDUE]
    return Rate.of(timing[ReplyTiming.ON_TIME], due)


@figure(
    "petitions.answered_within_3_months",
    "3个月内答复办理过程或结果（件）",
    "process or result answered within 3 months",
    "Petitions counted in petitions.received, not excluded, whose first ProgressReplied or "
    "ResultReplied local date — whichever came first — is on or before the receipt date plus "
    "the policy's petition_result_months (the figure the SPP publishes; "
    "petitions.result_on_time is the result-only figure beside it).",
)
def _answered_on_time(q: FigureQuery) -> FigureValue:
    return _pc(q).answered[ReplyTiming.ON_TIME]


@figure(
    "petitions.answered_after_3_months",
    "超过3个月答复过程或结果（件）",
    "process or result first answered after 3 months",
    "Petitions counted in petitions.received, not excluded, whose first progress-or-result "
    "reply came after that date.",
)
def _answered_late(q: FigureQuery) -> FigureValue:
    return _pc(q).answered[ReplyTiming.LATE]


@figure(
    "petitions.unanswered_past_3_months",
    "3个月未答复过程或结果（件）",
    "neither process nor result after 3 months",
    "Petitions counted in petitions.received, not excluded, with neither a ProgressReplied "
    "nor a ResultReplied event whose 3-month date is before as_of.",
)
def _answered_overdue(q: FigureQuery) -> FigureValue:
    return _pc(q).answered[ReplyTiming.OVERDUE]


@figure(
    "petitions.answered_within_3_months_rate",
    "3个月内答复办理过程或结果率",
    "share answered (process or result) within 3 months",
    "numerator: petitions.answered_within_3_months; denominator: "
    "petitions.answered_within_3_months + petitions.answered_after_3_months + "
    "petitions.unanswered_past_3_months.",
)
def _answered_rate(q: FigureQuery) -> FigureValue:
    timing = _pc(q).answered
    due = timing[ReplyTiming.ON_TIME] + timing[ReplyTiming.LATE] + timing[ReplyTiming.OVERDUE]
    return Rate.of(timing[ReplyTiming.ON_TIME], due)


@figure(
    "petitions.closed",
    "办结（件）",
    "closed",
    "Petitions counted in petitions.received with a Closed event.",
)
def _petitions_closed(q: FigureQuery) -> FigureValue:
    return _pc(q).closed


section(
    "leads",
    "线索",
    "Leads",
    "the local date the lead was reported (Reported); acceptance and cases count whenever "
    "they happened",
)


def _leads(q: FigureQuery) -> dict[str, tuple[int, int, int, int]]:
    """Per source: (reported, accepted, rejected, turned into cases)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("reported_on")
    rows = q.rows(
        "SELECT source, COUNT(*), COALESCE(SUM(accepted), 0), COALESCE(SUM(rejected), 0), "
        f"COUNT(case_on) FROM view_flow_lead WHERE 1 = 1{scope}{period} GROUP BY source",
        [*sp, *pp],
    )
    return {str(s): (int(a), int(b), int(c), int(d)) for s, a, b, c, d in rows}


def _lead_total(q: FigureQuery, index: int) -> int:
    by_source: dict[str, tuple[int, ...]] = q.shared("leads", _leads)
    return sum(counts[index] for counts in by_source.values())


@figure(
    "leads.reported",
    "收到线索（件）",
    "leads reported",
    "Reported events of leads of the units in scope, from every source.",
)
def _leads_reported(q: FigureQuery) -> FigureValue:
    return _lead_total(q, 0)


@figure(
    "leads.accepted",
    "线索受理（件）",
    "leads accepted",
    "Leads counted in leads.reported with an Accepted event (including those later turned "
    "into cases).",
)
def _leads_accepted(q: FigureQuery) -> FigureValue:
    return _lead_total(q, 1)


@figure(
    "leads.rejected",
    "线索不予受理（件）",
    "leads rejected",
    "Leads counted in leads.reported with a Rejected event.",
)
def _leads_rejected(q: FigureQuery) -> FigureValue:
    return _lead_total(q, 2)


@figure(
    "leads.turned_into_cases",
    "线索成案（件）",
    "leads turned into cases",
    "Leads counted in leads.reported with a TurnedIntoCase event (a lead becomes at most one "
    "case).",
)
def _leads_cases(q: FigureQuery) -> FigureValue:
    return _lead_total(q, 3)


def _lead_source_figures(source: LeadSource) -> None:
    def counts(q: FigureQuery) -> tuple[int, int, int, int]:
        found: tuple[int, int, int, int] = q.shared("leads", _leads).get(source.value, (0, 0, 0, 0))
        return found

    def reported(q: FigureQuery) -> FigureValue:
        return counts(q)[0]

    def accepted(q: FigureQuery) -> FigureValue:
        return counts(q)[1]

    def cases(q: FigureQuery) -> FigureValue:
        return counts(q)[3]

    en = LEAD_SOURCE_EN[source]
    define(
        f"leads.{source.value}.reported",
        f"{source.zh}线索（件）",
        f"leads {en}",
        f"Leads counted in leads.reported whose source is {source.value}.",
        reported,
    )
    define(
        f"leads.{source.value}.accepted",
        f"{source.zh}线索受理（件）",
        f"leads {en}, accepted",
        f"Leads counted in leads.{source.value}.reported with an Accepted event.",
        accepted,
    )
    define(
        f"leads.{source.value}.turned_into_cases",
        f"{source.zh}线索成案（件）",
        f"leads {en}, turned into cases",
        f"Leads counted in leads.{source.value}.reported with a TurnedIntoCase event.",
        cases,
    )


for _source in LeadSource:
    _lead_source_figures(_source)


section(
    "typical_cases",
    "典型案例",
    "Typical cases",
    "the local date of the nomination (Nominated) for nominations, and of the selection "
    "(Selected) for selections",
)


def _nominations(q: FigureQuery) -> tuple[Counter[str], Counter[str]]:
    """(nominations made in the period, selections made in the period), per level."""
    scope, sp = q.scope("unit")
    nominated_in, np_ = q.period("nominated_on")
    selected_in, sp2 = q.period("decided_on")
    nominated = q.rows(
        f"SELECT level, COUNT(*) FROM view_flow_nomination WHERE 1 = 1{scope}{nominated_in} "
        "GROUP BY level",
        [*sp, *np_],
    )
    selected = q.rows(
        f"SELECT level, COUNT(*) FROM view_flow_nomination WHERE selected = 1{scope}"
        f"{selected_in} GROUP BY level",
        [*sp, *sp2],
    )
    return (
        Counter({str(level): int(n) for level, n in nominated}),
        Counter({str(level): int(n) for level, n in selected}),
    )


def _typical_level_figures(level: TypicalCaseLevel) -> None:
    def nominated(q: FigureQuery) -> FigureValue:
        return int(q.shared("nominations", _nominations)[0][level.value])

    def selected(q: FigureQuery) -> FigureValue:
        return int(q.shared("nominations", _nominations)[1][level.value])

    define(
        f"typical_cases.{level.value}.nominated",
        f"报送{level.zh}典型案例（件）",
        f"nominated at the {LEVEL_EN[level]} level",
        f"Nominated events at the level {level.value} for cases of the units in scope, by "
        "nomination date.",
        nominated,
    )
    define(
        f"typical_cases.{level.value}.selected",
        f"入选{level.zh}典型案例（件）",
        f"selected at the {LEVEL_EN[level]} level",
        f"Selected events of nominations at the level {level.value} for cases of the units in "
        "scope, by selection date (whenever the nomination was made).",
        selected,
    )


for _level in TypicalCaseLevel:
    _typical_level_figures(_level)


@figure(
    "typical_cases.selected",
    "入选典型案例合计（件次）",
    "typical-case selections, all levels",
    "Sum of the typical_cases.*.selected counts (a case selected at two levels counts twice).",
)
def _typical_selected(q: FigureQuery) -> FigureValue:
    return int(sum(q.shared("nominations", _nominations)[1].values()))


section(
    "partners",
    "协作单位",
    "Partner units",
    "the day agreements are judged in force on: the period's end, or as_of when the period "
    "is open-ended (partners.agreements_signed: the local date of signing)",
)


def _in_force(q: FigureQuery) -> tuple[int, int]:
    """(distinct partner units, agreements) in force on the period end."""
    day = (q.end or q.as_of).isoformat()
    scope, sp = q.scope("unit")
    row = q.rows(
        "SELECT COUNT(DISTINCT partner), COUNT(*) FROM view_flow_agreement "
        f"WHERE in_force_from <= ? AND (last_day IS NULL OR ? <= last_day){scope}",
        [day, day, *sp],
    )[0]
    return int(row[0]), int(row[1])


@figure(
    "partners.units_in_force",
    "协作单位（个）",
    "partner units",
    "Distinct partner names with an agreement (Signed) of the units in scope in force on the "
    "period's end: on or after in_force_from, and on or before in_force_until (if any) and "
    "before the effective date of a Terminated event (if any). A renewed agreement with the "
    "same partner counts the partner once.",
)
def _partner_units(q: FigureQuery) -> FigureValue:
    return int(q.shared("in_force", _in_force)[0])


@figure(
    "partners.agreements_in_force",
    "有效协作协议（份）",
    "agreements in force",
    "Agreements of the units in scope in force on the period's end, as in partners.units_in_force.",
)
def _agreements_in_force(q: FigureQuery) -> FigureValue:
    return int(q.shared("in_force", _in_force)[1])


@figure(
    "partners.agreements_signed",
    "签订协作协议（份）",
    "agreements signed",
    "Signed events of the units in scope whose local date (occurred_at) is in the period.",
)
def _agreements_signed(q: FigureQuery) -> FigureValue:
    return int(q.shared("signed", _signed)[0])


def _signed(q: FigureQuery) -> tuple[int, int]:
    """(agreements signed in the period, distinct partners they were signed with)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("signed_on")
    row = q.rows(
        "SELECT COUNT(*), COUNT(DISTINCT partner) FROM view_flow_agreement "
        f"WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )[0]
    return int(row[0]), int(row[1])


@figure(
    "partners.units_signed",
    "达成合作协议的单位（个）",
    "partner units that signed",
    "Distinct partner names among the agreements counted in partners.agreements_signed "
    "(seed 003: 先后与16家单位达成合作协议 — whether or not still in force; "
    "partners.units_in_force is the roster on the period's end).",
)
def _units_signed(q: FigureQuery) -> FigureValue:
    return int(q.shared("signed", _signed)[1])


section(
    "trial_committee",
    "检察长列席审判委员会",
    "Chief prosecutor at the trial committee",
    "the local date of the sitting (Attended) for sittings, and of the opinion "
    "(OpinionGiven) for opinions; adoption counts whenever recorded",
)


def _sittings(q: FigureQuery) -> tuple[int, int]:
    scope, sp = q.scope("unit")
    period, pp = q.period("attended_on")
    row = q.rows(
        "SELECT COUNT(*), COALESCE(SUM(entrusted_deputy), 0) FROM view_flow_sitting "
        f"WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )[0]
    return int(row[0]), int(row[1])


def _committee_opinions(q: FigureQuery) -> tuple[int, int, int]:
    """(opinions given, adopted, not adopted)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("given_on")
    row = q.rows(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN adopted = 1 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN adopted = 0 THEN 1 ELSE 0 END), 0) "
        f"FROM view_flow_committee_opinion WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )[0]
    return int(row[0]), int(row[1]), int(row[2])


@figure(
    "trial_committee.sittings",
    "列席审判委员会（次）",
    "trial-committee sittings attended",
    "Attended events of the units in scope: sittings of a court's trial committee attended by "
    "the chief prosecutor or a deputy he entrusted.",
)
def _sittings_attended(q: FigureQuery) -> FigureValue:
    return int(q.shared("sittings", _sittings)[0])


@figure(
    "trial_committee.sittings_by_entrusted_deputy",
    "其中受委托副检察长列席（次）",
    "of which attended by an entrusted deputy",
    "Sittings counted in trial_committee.sittings whose Attended event says entrusted_deputy.",
)
def _sittings_by_deputy(q: FigureQuery) -> FigureValue:
    return int(q.shared("sittings", _sittings)[1])


@figure(
    "trial_committee.opinions_given",
    "发表意见（件）",
    "opinions given",
    "OpinionGiven events at sittings of the units in scope.",
)
def _committee_given(q: FigureQuery) -> FigureValue:
    return int(q.shared("committee_opinions", _committee_opinions)[0])


@figure(
    "trial_committee.opinions_adopted",
    "意见被采纳（件）",
    "opinions adopted",
    "Opinions counted in trial_committee.opinions_given with an OpinionAdopted event.",
)
def _committee_adopted(q: FigureQuery) -> FigureValue:
    return int(q.shared("committee_opinions", _committee_opinions)[1])


@figure(
    "trial_committee.opinions_not_adopted",
    "意见未被采纳（件）",
    "opinions not adopted",
    "Opinions counted in trial_committee.opinions_given with an OpinionNotAdopted event.",
)
def _committee_not_adopted(q: FigureQuery) -> FigureValue:
    return int(q.shared("committee_opinions", _committee_opinions)[2])


@figure(
    "trial_committee.adoption_rate",
    "意见采纳率",
    "adoption rate of the opinions",
    "numerator: trial_committee.opinions_adopted; denominator: "
    "trial_committee.opinions_adopted + trial_committee.opinions_not_adopted.",
)
def _committee_rate(q: FigureQuery) -> FigureValue:
    _, adopted, not_adopted = q.shared("committee_opinions", _committee_opinions)
    return Rate.of(adopted, adopted + not_adopted)
