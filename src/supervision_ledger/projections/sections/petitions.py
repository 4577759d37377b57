"""Petitions (信访): received, and answered within the procedural and result deadlines.

The cohort is the petitions received in the period; replies count whenever given. The
rows are the shared petition facts (:mod:`..facts`), which the feedback view keeps too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ...domain.values import ReplyTiming, reply_timing
from ..facts import PETITION_COLUMNS, PetitionFacts
from .base import FigureQuery, FigureValue, Rate, Section

SECTION = Section(
    "petitions",
    "信访",
    "Petitions",
    "the local date the petition was received (Received); replies count whenever given",
)
figure, define = SECTION.figure, SECTION.define


class PetitionSectionFacts(PetitionFacts):
    """The petition fact rows, in the flow statistics' own table."""

    petition_table = "view_flow_petition"
    tables = {petition_table: PETITION_COLUMNS}  # noqa: RUF012 - class-level schema
    indexes = {  # noqa: RUF012 - class-level schema
        f"{petition_table}_by_unit": f"{petition_table} (unit, received_on)",
    }


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
        f"unreachable_on, leader FROM {PetitionSectionFacts.petition_table} "
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
