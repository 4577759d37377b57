"""Feedback to supervisors (意见反馈): whether decided opinions were answered on time.

No table of its own: the opinion rows of :mod:`.opinions` carry the dates, and the due
date comes from the policy the report is computed under. Beside feedback, every other
step an opinion waits for has its deadline too (``Policy.opinion_due_on``): the
``feedback.*_overdue`` figures count the opinions past it, stage by stage, as the
feedback view lists them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from ...domain.lifecycle import opinion_waits_for
from ...domain.values import FeedbackStage, OpinionOutcome
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


# -- nothing waits forever: every awaited step past its deadline ---------------------


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _opinion_waits(q: FigureQuery) -> Counter[FeedbackStage]:
    """Opinions of the period's cohort whose awaited step was due before as_of, by the
    stage they wait at (the same derivation as the Case aggregate and the feedback view)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("submitted_on")
    rows = q.rows(
        "SELECT submitted_on, received_on, decided_on, outcome, feedback_on, "
        "implementation_on, objection_pending, objected_on FROM view_stat_opinion "
        f"WHERE retracted_on IS NULL{scope}{period}",
        [*sp, *pp],
    )
    overdue: Counter[FeedbackStage] = Counter()
    for submitted, received, decided, outcome, feedback, implementation, pending, objected in rows:
        stage = opinion_waits_for(
            received=received is not None,
            decided=decided is not None,
            outcome=OpinionOutcome(outcome) if outcome else None,
            feedback=feedback is not None,
            implementation=implementation is not None,
            objection_pending=bool(pending),
        )
        if stage is None:
            continue
        due = q.policy.opinion_due_on(
            stage, date.fromisoformat(submitted), _day(decided), _day(objected)
        )
        if due is not None and due < q.as_of:
            overdue[stage] += 1
    return overdue


_STAGE_FIGURES = {
    FeedbackStage.AWAITING_RECEIPT: (
        "receipt_overdue",
        "超期未受理（件）",
        "opinions not received in time",
        "opinion_receipt_due after the OpinionSubmitted local date (default 7 calendar days)",
    ),
    FeedbackStage.AWAITING_DECISION: (
        "decision_overdue",
        "超期未办理（件）",
        "opinions not decided in time",
        "opinion_decision_due after the OpinionSubmitted local date (default 30 calendar "
        "days); a received or routed opinion still waits for its decision",
    ),
    FeedbackStage.AWAITING_OBJECTION_RULING: (
        "objection_ruling_overdue",
        "异议超期未决定（件）",
        "objections not ruled on in time",
        "objection_ruling_due after the FeedbackObjected local date (default 30 calendar days)",
    ),
    FeedbackStage.AWAITING_IMPLEMENTATION_REPORT: (
        "implementation_overdue",
        "超期未反馈落实情况（件）",
        "implementation reports overdue",
        "implementation_report_due after the OpinionDecided local date (no deadline by "
        "default, so 0 unless the policy sets one)",
    ),
}


def _stage_overdue_figure(stage: FeedbackStage) -> None:
    name, zh, en, due = _STAGE_FIGURES[stage]

    def count(q: FigureQuery) -> FigureValue:
        return int(q.shared("opinion_waits", _opinion_waits)[stage])

    define(
        f"feedback.{name}",
        zh,
        en,
        f"Opinions counted in opinions.submitted that wait for the step of stage "
        f"{stage.value} (as the feedback view lists them) and whose due date — the policy's "
        f"{due} — is before as_of.",
        count,
    )


for _stage in _STAGE_FIGURES:
    _stage_overdue_figure(_stage)


@figure(
    "feedback.any_overdue",
    "超期未办结的监督意见（件）",
    "opinions overdue at any step",
    "Opinions counted in opinions.submitted whose awaited step (receipt, decision, "
    "feedback, ruling on an objection, implementation report) was due before as_of: "
    "feedback.receipt_overdue + feedback.decision_overdue + feedback.overdue + "
    "feedback.objection_ruling_overdue + feedback.implementation_overdue. Nothing waits "
    "forever: each of these opinions is listed as overdue by the feedback view.",
)
def _any_overdue(q: FigureQuery) -> FigureValue:
    return int(sum(q.shared("opinion_waits", _opinion_waits).values()))
