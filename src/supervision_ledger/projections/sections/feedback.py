"""Feedback to supervisors (意见反馈): whether decided opinions were answered on time.

No table of its own: the opinion rows of :mod:`.opinions` carry the dates, and the due
date comes from the policy the report is computed under.
"""

from __future__ import annotations

from datetime import date

from .base import FigureQuery, FigureValue, Rate, Section
from .opinions import opinion_rows

SECTION = Section(
    "feedback",
    "意见反馈",
    "Feedback to supervisors",
    "the local date the opinion was submitted (OpinionSubmitted)",
)
figure, define = SECTION.figure, SECTION.define


def _feedback(q: FigureQuery) -> tuple[int, int, int, int]:
    """(given, on time, given late, unanswered past due) among the decided opinions of
    the period's cohort."""
    given = on_time = late = overdue = 0
    for _, decided_on, feedback_on in q.shared("opinions", opinion_rows):
        if decided_on is None:
            continue
        due = q.policy.feedback_due.due(date.fromisoformat(decided_on), q.policy.calendar)
        if feedback_on is not None:
            given += 1
            if date.fromisoformat(feedback_on) <= due:
                on_time += 1
            else:
                late += 1
        elif due < q.as_of:
            overdue += 1
    return given, on_time, late, overdue


@figure(
    "feedback.given",
    "已反馈（件）",
    "feedback given",
    "Opinions counted in opinions.submitted with a FeedbackGiven event.",
)
def _feedback_given(q: FigureQuery) -> FigureValue:
    return int(q.shared("feedback", _feedback)[0])


@figure(
    "feedback.on_time",
    "按期反馈（件）",
    "feedback on time",
    "Of feedback.given, those whose FeedbackGiven local date is on or before the due date: "
    "the OpinionDecided local date plus the policy's feedback_due (default 15 calendar "
    "days; working days when the policy says so).",
)
def _feedback_on_time(q: FigureQuery) -> FigureValue:
    return int(q.shared("feedback", _feedback)[1])


@figure(
    "feedback.late",
    "超期反馈（件）",
    "feedback given late",
    "Of feedback.given, those whose FeedbackGiven local date is after the due date.",
)
def _feedback_late(q: FigureQuery) -> FigureValue:
    return int(q.shared("feedback", _feedback)[2])


@figure(
    "feedback.overdue",
    "超期未反馈（件）",
    "feedback overdue",
    "Decided opinions counted in opinions.submitted with no FeedbackGiven yet and a due "
    "date before as_of.",
)
def _feedback_overdue(q: FigureQuery) -> FigureValue:
    return int(q.shared("feedback", _feedback)[3])


@figure(
    "feedback.on_time_rate",
    "按期反馈率",
    "on-time feedback rate",
    "numerator: feedback.on_time; denominator: every decided opinion whose feedback is "
    "due by as_of or was given: feedback.given + feedback.overdue (so overdue matters "
    "lower the rate; feedback not yet due is left out, as for suggestions and petitions).",
)
def _feedback_rate(q: FigureQuery) -> FigureValue:
    given, on_time, _, overdue = q.shared("feedback", _feedback)
    return Rate.of(on_time, given + overdue)
