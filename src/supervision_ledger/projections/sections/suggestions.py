"""Procuratorial suggestions (检察建议): served, answered on time, adopted, rectified.

The cohort is the suggestions served in the period; what followed counts whenever it
happened. The rows are the shared suggestion facts (:mod:`..facts`), which the
feedback view keeps too. Reply deadlines are never stored: they come from the policy
the report is computed under.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ...domain.suggestion import SuggestionType
from ...domain.values import ReplyTiming, reply_timing
from ..facts import SUGGESTION_COLUMNS, SuggestionFacts, suggestion_reply_due
from .base import FigureQuery, FigureValue, Rate, Section

SECTION = Section(
    "suggestions",
    "检察建议",
    "Procuratorial suggestions",
    "the local date the suggestion was served (Served); what followed counts whenever it happened",
)
figure, define = SECTION.figure, SECTION.define


class SuggestionSectionFacts(SuggestionFacts):
    """The suggestion fact rows, in the flow statistics' own table."""

    suggestion_table = "view_flow_suggestion"
    tables = {suggestion_table: SUGGESTION_COLUMNS}  # noqa: RUF012 - class-level schema
    indexes = {  # noqa: RUF012 - class-level schema
        f"{suggestion_table}_by_unit": f"{suggestion_table} (unit, served_on)",
    }


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
        f"verified_on, urged, escalated_on FROM {SuggestionSectionFacts.suggestion_table} "
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
        f"SELECT suggestion_type, COUNT(*) FROM {SuggestionSectionFacts.suggestion_table} "
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
