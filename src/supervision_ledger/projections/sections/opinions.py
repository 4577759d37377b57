"""Supervision opinions (监督意见): submitted, and how they were decided.

The cohort is the opinions submitted in the period; their decision counts whenever it
was made. The feedback section (:mod:`.feedback`) reads the same rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ...domain.case import Case
from ...domain.values import OpinionOutcome
from ..engine import Tx, View, on
from .base import FigureQuery, FigureValue, Item, ItemQuery, Rate, Section, item

SECTION = Section(
    "opinions",
    "监督意见",
    "Supervision opinions",
    "the local date the opinion was submitted (OpinionSubmitted)",
)
figure, count = SECTION.figure, SECTION.count


class OpinionFacts(View):
    """One row per opinion: its unit, submission, decision and feedback dates; a
    retracted opinion keeps its row with ``retracted_on`` set, and every figure but
    ``opinions.retracted`` leaves it out."""

    # 2: retracted_on (issue 12: corrections).
    version = 2
    tables = {  # noqa: RUF012 - class-level schema
        "view_stat_opinion": "case_id TEXT NOT NULL, opinion TEXT NOT NULL, "
        "unit TEXT NOT NULL, submitted_on TEXT NOT NULL, outcome TEXT, decided_on TEXT, "
        "feedback_on TEXT, activity TEXT NOT NULL, supervisor TEXT NOT NULL, "
        # Every step's date, for the overdue figures of each stage (:mod:`.feedback`).
        "received_on TEXT, implementation_on TEXT, objected_on TEXT, "
        "objection_pending INTEGER NOT NULL DEFAULT 0, retracted_on TEXT, "
        # The OpinionSubmitted event's position (what explains the row's figures).
        "pos BIGINT NOT NULL, PRIMARY KEY (case_id, opinion)",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_stat_opinion_by_unit": "view_stat_opinion (unit, submitted_on)",
    }

    @on(Case.OpinionSubmitted)
    def opinion_submitted(self, tx: Tx, e: Case.OpinionSubmitted) -> None:
        case_id = str(e.originator_id)
        case = tx.get("view_stat_case", case_id)
        assert case is not None
        tx.upsert(
            "view_stat_opinion",
            {"case_id": case_id, "opinion": e.opinion},
            {
                "unit": case["unit"],
                "submitted_on": tx.local_date(e.occurred_at),
                "activity": e.activity,
                "supervisor": e.supervisor,
                "pos": tx.position,
            },
        )

    @on(Case.OpinionReceived)
    def opinion_received(self, tx: Tx, e: Case.OpinionReceived) -> None:
        self._opinion_step(tx, e.originator_id, e.opinion, received_on=e.occurred_at)

    @on(Case.OpinionDecided)
    def opinion_decided(self, tx: Tx, e: Case.OpinionDecided) -> None:
        self._opinion_step(
            tx, e.originator_id, e.opinion, outcome=e.outcome.value, decided_on=e.occurred_at
        )

    @on(Case.FeedbackGiven)
    def feedback_given(self, tx: Tx, e: Case.FeedbackGiven) -> None:
        self._opinion_step(tx, e.originator_id, e.opinion, feedback_on=e.occurred_at)

    @on(Case.ImplementationReported)
    def implementation_reported(self, tx: Tx, e: Case.ImplementationReported) -> None:
        self._opinion_step(tx, e.originator_id, e.opinion, implementation_on=e.occurred_at)

    @on(Case.FeedbackObjected)
    def feedback_objected(self, tx: Tx, e: Case.FeedbackObjected) -> None:
        self._opinion_step(
            tx, e.originator_id, e.opinion, objected_on=e.occurred_at, objection_pending=1
        )

    @on(Case.ObjectionRuled)
    def objection_ruled(self, tx: Tx, e: Case.ObjectionRuled) -> None:
        self._opinion_step(tx, e.originator_id, e.opinion, objection_pending=0)

    @on(Case.OpinionRetracted)
    def opinion_retracted(self, tx: Tx, e: Case.OpinionRetracted) -> None:
        self._opinion_step(tx, e.originator_id, e.opinion, retracted_on=e.occurred_at)

    @staticmethod
    def _opinion_step(tx: Tx, case_id: object, opinion: str, **values: object) -> None:
        """Set columns of an opinion row (a datetime is stored as its local date)."""
        tx.update(
            "view_stat_opinion",
            (str(case_id), opinion),
            {k: tx.local_date(v) if isinstance(v, datetime) else v for k, v in values.items()},
        )


# == figures ==============================================================================


class OpinionRow(NamedTuple):
    """An opinion of the period's cohort, as the opinion and feedback figures read it."""

    case_id: str
    opinion: str
    outcome: str | None
    decided_on: str | None
    feedback_on: str | None
    pos: int

    @property
    def item(self) -> Item:
        return item([self.pos], case_id=self.case_id, opinion=self.opinion)


def opinion_rows(q: FigureQuery) -> list[OpinionRow]:
    scope, sp = q.scope("unit")
    period, pp = q.period("submitted_on")
    rows = q.rows(
        "SELECT case_id, opinion, outcome, decided_on, feedback_on, pos FROM view_stat_opinion "
        f"WHERE retracted_on IS NULL{scope}{period}",
        [*sp, *pp],
    )
    return [OpinionRow(str(c), str(o), out, d, f, int(p)) for c, o, out, d, f, p in rows]


def _opinions(q: FigureQuery) -> list[OpinionRow]:
    found: list[OpinionRow] = q.shared("opinions", opinion_rows)
    return found


def _with_outcome(outcome: str | None) -> ItemQuery:
    """The items of the cohort's opinions decided with ``outcome`` (None: undecided)."""

    def items(q: FigureQuery) -> list[Item]:
        return [o.item for o in _opinions(q) if o.outcome == outcome]

    return items


def submitted_items(q: FigureQuery) -> list[Item]:
    return [o.item for o in _opinions(q)]


def _decided_items(q: FigureQuery) -> list[Item]:
    return [o.item for o in _opinions(q) if o.outcome is not None]


def _person_time_items(q: FigureQuery) -> list[Item]:
    scope, sp = q.scope("unit")
    period, pp = q.period("submitted_on")
    return q.items(
        "SELECT case_id, activity, supervisor, pos FROM view_stat_opinion "
        f"WHERE retracted_on IS NULL{scope}{period}",
        [*sp, *pp],
        ("case_id", "activity", "supervisor"),
    )


count(
    "opinions.submitted",
    "提出监督意见（件）",
    "opinions submitted",
    "OpinionSubmitted events on cases of the units in scope, less those retracted "
    "(OpinionRetracted: entered by mistake; counted in opinions.retracted instead).",
    items=submitted_items,
)


@figure(
    "opinions.person_times",
    "提出监督意见（人次）",
    "opinions submitted (person-times)",
    "Distinct (case, activity, supervisor) among the opinions counted in opinions.submitted: "
    "a person who gives several opinions on one activity counts once for it (seed 000: "
    "提出监督意见18人次).",
    items=_person_time_items,
)
def _opinion_person_times(q: FigureQuery) -> FigureValue:
    scope, sp = q.scope("unit")
    period, pp = q.period("submitted_on")
    rows = q.rows(
        "SELECT COUNT(*) FROM (SELECT DISTINCT case_id, activity, supervisor "
        f"FROM view_stat_opinion WHERE retracted_on IS NULL{scope}{period}) AS taking_part",
        [*sp, *pp],
    )
    return int(rows[0][0])


def _outcome_figure(outcome: OpinionOutcome, en: str) -> None:
    items = _with_outcome(outcome.value)

    count(
        f"opinions.{outcome.value}",
        f"{outcome.zh}（件）",
        en,
        f"Opinions counted in opinions.submitted whose decision (OpinionDecided) is "
        f"{outcome.value}, whenever it was decided.",
        items=items,
    )


_outcome_figure(OpinionOutcome.ADOPTED, "opinions adopted")
_outcome_figure(OpinionOutcome.PARTLY_ADOPTED, "opinions partly adopted")
_outcome_figure(OpinionOutcome.NOT_ADOPTED, "opinions not adopted")


count(
    "opinions.pending",
    "尚未办理（件）",
    "opinions not yet decided",
    "Opinions counted in opinions.submitted without an OpinionDecided event.",
    items=_with_outcome(None),
)


def _retracted_items(q: FigureQuery) -> list[Item]:
    scope, sp = q.scope("unit")
    period, pp = q.period("submitted_on")
    return q.items(
        "SELECT case_id, opinion, pos FROM view_stat_opinion "
        f"WHERE retracted_on IS NOT NULL{scope}{period}",
        [*sp, *pp],
        ("case_id", "opinion"),
    )


count(
    "opinions.retracted",
    "撤回的误录监督意见（件）",
    "opinions retracted as entered by mistake",
    "OpinionSubmitted events on cases of the units in scope with an OpinionRetracted "
    "event (issue 12: corrections), whenever retracted; they count in no other figure.",
    items=_retracted_items,
)


@figure(
    "opinions.adoption_rate",
    "采纳率",
    "adoption rate",
    "numerator: opinions.adopted (fully adopted only); denominator: opinions counted in "
    "opinions.submitted that have been decided (adopted + partly adopted + not adopted).",
    numerator=_with_outcome(OpinionOutcome.ADOPTED.value),
    denominator=_decided_items,
)
def _adoption_rate(q: FigureQuery) -> FigureValue:
    adopted = _with_outcome(OpinionOutcome.ADOPTED.value)(q)
    return Rate.of(len(adopted), len(_decided_items(q)))
