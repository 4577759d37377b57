"""Feedback to supervisors (意见反馈): whether decided opinions were answered on time.

No table of its own: the opinion rows of :mod:`.opinions` carry the dates, and the due
date comes from the policy the report is computed under. Beside feedback, every other
step an opinion waits for has its deadline too (``Policy.opinion_due_on``): the
``feedback.*_overdue`` figures count the opinions past it, stage by stage, as the
feedback view lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ...domain.lifecycle import opinion_waits_for
from ...domain.values import FeedbackStage, OpinionOutcome
from .base import FigureQuery, FigureValue, Item, ItemQuery, Rate, Section, item
from .opinions import OpinionRow, opinion_rows

SECTION = Section(
    "feedback",
    "意见反馈",
    "Feedback to supervisors",
    "the local date the opinion was submitted (OpinionSubmitted)",
)
figure, count = SECTION.figure, SECTION.count


@dataclass
class _Feedback:
    """The decided opinions of the period's cohort, by how their feedback stands."""

    given: list[Item] = field(default_factory=list)
    on_time: list[Item] = field(default_factory=list)
    late: list[Item] = field(default_factory=list)
    overdue: list[Item] = field(default_factory=list)


def _classify(q: FigureQuery) -> _Feedback:
    found = _Feedback()
    opinions: list[OpinionRow] = q.shared("opinions", opinion_rows)
    for opinion in opinions:
        if opinion.decided_on is None:
            continue
        due = q.policy.feedback_due.due(date.fromisoformat(opinion.decided_on), q.policy.calendar)
        if opinion.feedback_on is not None:
            found.given.append(opinion.item)
            if date.fromisoformat(opinion.feedback_on) <= due:
                found.on_time.append(opinion.item)
            else:
                found.late.append(opinion.item)
        elif due < q.as_of:
            found.overdue.append(opinion.item)
    return found


def _feedback(name: str) -> ItemQuery:
    """The items of one list of :class:`_Feedback` (``given``, ``on_time``, …)."""

    def items(q: FigureQuery) -> list[Item]:
        found: list[Item] = getattr(q.shared("feedback", _classify), name)
        return found

    return items


def _feedback_due(q: FigureQuery) -> list[Item]:
    return [*_feedback("given")(q), *_feedback("overdue")(q)]


count(
    "feedback.given",
    "已反馈（件）",
    "feedback given",
    "Opinions counted in opinions.submitted with a FeedbackGiven event.",
    items=_feedback("given"),
)


count(
    "feedback.on_time",
    "按期反馈（件）",
    "feedback on time",
    "Of feedback.given, those whose FeedbackGiven local date is on or before the due date: "
    "the OpinionDecided local date plus the policy's feedback_due (default 15 calendar "
    "days; working days when the policy says so).",
    items=_feedback("on_time"),
)


count(
    "feedback.late",
    "超期反馈（件）",
    "feedback given late",
    "Of feedback.given, those whose FeedbackGiven local date is after the due date.",
    items=_feedback("late"),
)


count(
    "feedback.overdue",
    "超期未反馈（件）",
    "feedback overdue",
    "Decided opinions counted in opinions.submitted with no FeedbackGiven yet and a due "
    "date before as_of.",
    items=_feedback("overdue"),
)


@figure(
    "feedback.on_time_rate",
    "按期反馈率",
    "on-time feedback rate",
    "numerator: feedback.on_time; denominator: every decided opinion whose feedback is "
    "due by as_of or was given: feedback.given + feedback.overdue (so overdue matters "
    "lower the rate; feedback not yet due is left out, as for suggestions and petitions).",
    numerator=_feedback("on_time"),
    denominator=_feedback_due,
)
def _feedback_rate(q: FigureQuery) -> FigureValue:
    return Rate.of(len(_feedback("on_time")(q)), len(_feedback_due(q)))


# -- nothing waits forever: every awaited step past its deadline ---------------------


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _opinion_waits(q: FigureQuery) -> dict[FeedbackStage, list[Item]]:
    """Opinions of the period's cohort whose awaited step was due before as_of, by the
    stage they wait at (the same derivation as the Case aggregate and the feedback view)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("submitted_on")
    rows = q.rows(
        "SELECT submitted_on, received_on, decided_on, outcome, feedback_on, "
        "implementation_on, objection_pending, objected_on, case_id, opinion, pos "
        "FROM view_stat_opinion "
        f"WHERE retracted_on IS NULL{scope}{period}",
        [*sp, *pp],
    )
    overdue: dict[FeedbackStage, list[Item]] = {stage: [] for stage in FeedbackStage}
    for row in rows:
        submitted, received, decided, outcome, feedback, implementation, pending, objected = row[:8]
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
            overdue[stage].append(item([row[10]], case_id=str(row[8]), opinion=str(row[9])))
    return overdue


def _waiting(stage: FeedbackStage) -> ItemQuery:
    def items(q: FigureQuery) -> list[Item]:
        found: list[Item] = q.shared("opinion_waits", _opinion_waits)[stage]
        return found

    return items


def _any_overdue_items(q: FigureQuery) -> list[Item]:
    waits: dict[FeedbackStage, list[Item]] = q.shared("opinion_waits", _opinion_waits)
    return sorted((i for items in waits.values() for i in items), key=lambda i: i.positions)


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

    items = _waiting(stage)

    count(
        f"feedback.{name}",
        zh,
        en,
        f"Opinions counted in opinions.submitted that wait for the step of stage "
        f"{stage.value} (as the feedback view lists them) and whose due date — the policy's "
        f"{due} — is before as_of.",
        items=items,
    )


for _stage in _STAGE_FIGURES:
    _stage_overdue_figure(_stage)


count(
    "feedback.any_overdue",
    "超期未办结的监督意见（件）",
    "opinions overdue at any step",
    "Opinions counted in opinions.submitted whose awaited step (receipt, decision, "
    "feedback, ruling on an objection, implementation report) was due before as_of: "
    "feedback.receipt_overdue + feedback.decision_overdue + feedback.overdue + "
    "feedback.objection_ruling_overdue + feedback.implementation_overdue. Nothing waits "
    "forever: each of these opinions is listed as overdue by the feedback view.",
    items=_any_overdue_items,
)
