"""Petitions (信访): received, and answered within the procedural and result deadlines.

The cohort is the petitions received in the period; replies count whenever given. The
rows are the shared petition facts (:mod:`..facts`), which the feedback view keeps too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ...domain.values import ReplyTiming, reply_timing
from ..facts import PETITION_COLUMNS, PetitionFacts
from .base import FigureQuery, FigureValue, Item, ItemQuery, Rate, Section, item
from .replies import REPLY_DUE, cohort_rows, listed, timed, timings

SECTION = Section(
    "petitions",
    "信访",
    "Petitions",
    "the local date the petition was received (Received); replies count whenever given",
)
figure, count = SECTION.figure, SECTION.count


class PetitionSectionFacts(PetitionFacts):
    """The petition fact rows, in the flow statistics' own table."""

    petition_table = "view_flow_petition"
    tables = {petition_table: PETITION_COLUMNS}  # noqa: RUF012 - class-level schema
    indexes = {  # noqa: RUF012 - class-level schema
        f"{petition_table}_by_unit": f"{petition_table} (unit, received_on)",
    }


@dataclass
class _Petitions:
    """The petitions received in the period, sorted into the lists the figures count:
    each an :class:`Item` (the petition, its Received position)."""

    received: list[Item] = field(default_factory=list)
    excluded: list[Item] = field(default_factory=list)
    procedural: dict[ReplyTiming, list[Item]] = field(default_factory=timings)
    result: dict[ReplyTiming, list[Item]] = field(default_factory=timings)
    closed: list[Item] = field(default_factory=list)
    #: Timing of the first progress-or-result reply against the 3-month date.
    answered: dict[ReplyTiming, list[Item]] = field(default_factory=timings)
    unreachable: list[Item] = field(default_factory=list)
    leader: list[Item] = field(default_factory=list)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _petitions(q: FigureQuery) -> _Petitions:
    rows = cohort_rows(
        q,
        PetitionSectionFacts.petition_table,
        "received_on, excluded, procedural_on, result_on, closed_on, first_progress_on, "
        "unreachable_on, leader, petition, pos",
        "received_on",
    )
    found = _Petitions()
    for row in rows:
        received_on, excluded, procedural_on, result_on, closed_on, first_progress_on = row[:6]
        unreachable_on, leader, key, pos = row[6:]
        one = item([pos], petition=str(key))
        found.received.append(one)
        for present, target in (
            (bool(excluded), found.excluded),
            (closed_on is not None, found.closed),
            (unreachable_on is not None, found.unreachable),
            (leader is not None, found.leader),
        ):
            if present:
                target.append(one)
        if excluded:
            continue
        received = date.fromisoformat(received_on)
        substantive = [d for d in (result_on, first_progress_on) if d is not None]
        result_due = q.policy.petition_result_due_on(received)
        first = _day(min(substantive)) if substantive else None
        found.answered[reply_timing(result_due, first, q.as_of)].append(one)
        procedural_due = q.policy.petition_procedural_due_on(received)
        found.procedural[reply_timing(procedural_due, _day(procedural_on), q.as_of)].append(one)
        found.result[reply_timing(result_due, _day(result_on), q.as_of)].append(one)
    return found


def _pc(q: FigureQuery) -> _Petitions:
    found: _Petitions = q.shared("petitions", _petitions)
    return found


def _listed(name: str) -> ItemQuery:
    """The items of one list of :class:`_Petitions` (``received``, ``closed``, …)."""
    return listed(_pc, name)


_REPLY_DUE = REPLY_DUE


def _timed(reply: str, *wanted: ReplyTiming) -> ItemQuery:
    """The petitions whose ``reply`` (procedural, result, answered) timing is one of
    ``wanted``."""

    def found(q: FigureQuery) -> dict[ReplyTiming, list[Item]]:
        by_timing: dict[ReplyTiming, list[Item]] = getattr(_pc(q), reply)
        return by_timing

    return timed(found, *wanted)


count(
    "petitions.received",
    "受理信访（件）",
    "petitions received",
    "Received events of petitions to the units in scope, anonymous ones included.",
    items=_listed("received"),
)


count(
    "petitions.excluded_from_reply_rate",
    "匿名、联系方式不详或无法联系、不计入答复率（件）",
    "anonymous, without contact or unreachable, left out of the reply rates",
    "Petitions counted in petitions.received flagged anonymous or without contact details "
    "(has_contact false) on Received, or later found unreachable (FoundUnreachable); every "
    "petitions.procedural_*, petitions.result_* and petitions.answered_* figure leaves them "
    "out.",
    items=_listed("excluded"),
)


count(
    "petitions.found_unreachable",
    "事后无法联系（件）",
    "petitioners found unreachable later",
    "Of petitions.excluded_from_reply_rate, those excluded by a FoundUnreachable event (with "
    "its reason), whenever it was recorded.",
    items=_listed("unreachable"),
)


count(
    "petitions.leader_handled",
    "领导包案（件）",
    "petitions handled by a leader personally",
    "Petitions counted in petitions.received with a LeaderAssigned event (领导包案; seed 002 "
    "publishes 97), whenever it was recorded.",
    items=_listed("leader"),
)


count(
    "petitions.procedural_on_time",
    "7日内程序性回复（件）",
    "procedural reply within 7 days",
    "Petitions counted in petitions.received, not excluded, whose ProceduralReplied local date "
    "is on or before the receipt date plus the policy's petition_procedural_reply (default 7 "
    "calendar days; 7 working days when the policy counts working days).",
    items=_timed("procedural", ReplyTiming.ON_TIME),
)


count(
    "petitions.procedural_late",
    "超期程序性回复（件）",
    "procedural reply late",
    "Petitions counted in petitions.received, not excluded, whose ProceduralReplied local date "
    "is after that due date.",
    items=_timed("procedural", ReplyTiming.LATE),
)


count(
    "petitions.procedural_overdue",
    "程序性回复逾期未复（件）",
    "procedural reply overdue",
    "Petitions counted in petitions.received, not excluded, without a ProceduralReplied event "
    "whose due date is before as_of.",
    items=_timed("procedural", ReplyTiming.OVERDUE),
)


@figure(
    "petitions.procedural_on_time_rate",
    "7日内程序性回复率",
    "7-day procedural reply rate",
    "numerator: petitions.procedural_on_time; denominator: petitions.procedural_on_time + "
    "petitions.procedural_late + petitions.procedural_overdue — the petitions received in the "
    "period minus petitions.excluded_from_reply_rate, minus those whose reply is not yet due.",
    numerator=_timed("procedural", ReplyTiming.ON_TIME),
    denominator=_timed("procedural", *_REPLY_DUE),
)
def _procedural_rate(q: FigureQuery) -> FigureValue:
    on_time = _timed("procedural", ReplyTiming.ON_TIME)(q)
    return Rate.of(len(on_time), len(_timed("procedural", *_REPLY_DUE)(q)))


count(
    "petitions.result_on_time",
    "3个月内答复办理结果（件）",
    "result answered within 3 months",
    "Petitions counted in petitions.received, not excluded, whose ResultReplied local date is "
    "on or before the receipt date plus the policy's petition_result_months (default 3 "
    "months); a progress reply does not count as the result.",
    items=_timed("result", ReplyTiming.ON_TIME),
)


count(
    "petitions.result_late",
    "超过3个月答复结果（件）",
    "result answered after 3 months",
    "Petitions counted in petitions.received, not excluded, whose ResultReplied local date is "
    "after that date.",
    items=_timed("result", ReplyTiming.LATE),
)


count(
    "petitions.result_pending_past_3_months",
    "3个月未答复结果（件）",
    "no result after 3 months",
    "Petitions counted in petitions.received, not excluded, without a ResultReplied event "
    "whose 3-month date is before as_of (progress replies may have been given).",
    items=_timed("result", ReplyTiming.OVERDUE),
)


@figure(
    "petitions.result_on_time_rate",
    "3个月内答复结果率",
    "share answered within 3 months",
    "numerator: petitions.result_on_time; denominator: petitions.result_on_time + "
    "petitions.result_late + petitions.result_pending_past_3_months.",
    numerator=_timed("result", ReplyTiming.ON_TIME),
    denominator=_timed("result", *_REPLY_DUE),
)
def _result_rate(q: FigureQuery) -> FigureValue:
    on_time = _timed("result", ReplyTiming.ON_TIME)(q)
    return Rate.of(len(on_time), len(_timed("result", *_REPLY_DUE)(q)))


count(
    "petitions.answered_within_3_months",
    "3个月内答复办理过程或结果（件）",
    "process or result answered within 3 months",
    "Petitions counted in petitions.received, not excluded, whose first ProgressReplied or "
    "ResultReplied local date — whichever came first — is on or before the receipt date plus "
    "the policy's petition_result_months (the figure the SPP publishes; "
    "petitions.result_on_time is the result-only figure beside it).",
    items=_timed("answered", ReplyTiming.ON_TIME),
)


count(
    "petitions.answered_after_3_months",
    "超过3个月答复过程或结果（件）",
    "process or result first answered after 3 months",
    "Petitions counted in petitions.received, not excluded, whose first progress-or-result "
    "reply came after that date.",
    items=_timed("answered", ReplyTiming.LATE),
)


count(
    "petitions.unanswered_past_3_months",
    "3个月未答复过程或结果（件）",
    "neither process nor result after 3 months",
    "Petitions counted in petitions.received, not excluded, with neither a ProgressReplied "
    "nor a ResultReplied event whose 3-month date is before as_of.",
    items=_timed("answered", ReplyTiming.OVERDUE),
)


@figure(
    "petitions.answered_within_3_months_rate",
    "3个月内答复办理过程或结果率",
    "share answered (process or result) within 3 months",
    "numerator: petitions.answered_within_3_months; denominator: "
    "petitions.answered_within_3_months + petitions.answered_after_3_months + "
    "petitions.unanswered_past_3_months.",
    numerator=_timed("answered", ReplyTiming.ON_TIME),
    denominator=_timed("answered", *_REPLY_DUE),
)
def _answered_rate(q: FigureQuery) -> FigureValue:
    on_time = _timed("answered", ReplyTiming.ON_TIME)(q)
    return Rate.of(len(on_time), len(_timed("answered", *_REPLY_DUE)(q)))


count(
    "petitions.closed",
    "办结（件）",
    "closed",
    "Petitions counted in petitions.received with a Closed event.",
    items=_listed("closed"),
)
