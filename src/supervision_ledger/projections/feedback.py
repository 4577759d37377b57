"""The feedback view: every opinion not yet fully answered (件件有着落、事事有回音).

An opinion is fully answered when it is decided, feedback has been given, no objection
awaits the chief prosecutor's ruling, and — if it was adopted or partly adopted — the
implementation has been reported back. The list is empty exactly when every opinion
in scope is fully answered. Due dates follow the ledger's policy at query time.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from ..domain.case import Case
from ..domain.policy import Policy
from ..domain.values import OpinionOutcome
from .engine import Tx, View, on


class FeedbackStage(StrEnum):
    """What an unanswered opinion waits for."""

    AWAITING_RECEIPT = "awaiting_receipt"
    AWAITING_DECISION = "awaiting_decision"
    AWAITING_FEEDBACK = "awaiting_feedback"
    AWAITING_OBJECTION_RULING = "awaiting_objection_ruling"
    AWAITING_IMPLEMENTATION_REPORT = "awaiting_implementation_report"

    @property
    def zh(self) -> str:
        return _STAGE_ZH[self]


_STAGE_ZH = {
    FeedbackStage.AWAITING_RECEIPT: "待受理",
    FeedbackStage.AWAITING_DECISION: "待办理",
    FeedbackStage.AWAITING_FEEDBACK: "待反馈",
    FeedbackStage.AWAITING_OBJECTION_RULING: "异议待检察长决定",
    FeedbackStage.AWAITING_IMPLEMENTATION_REPORT: "待反馈落实情况",
}


class PendingOpinion(BaseModel):
    """One opinion that still needs an answer."""

    unit: str
    case: str
    opinion: str
    activity: str
    supervisor: str
    submitted_on: date
    stage: FeedbackStage
    outcome: OpinionOutcome | None
    decided_on: date | None
    #: When feedback is due (policy ``feedback_due`` after the decision); None when the
    #: policy sets no deadline for the stage.
    due_on: date | None
    overdue: bool


class PendingFeedback(BaseModel):
    """The opinions still awaiting an answer, as of one day, oldest first."""

    as_of: date
    opinions: list[PendingOpinion]


class FeedbackView(View):
    """One row per opinion with the dates of its lifecycle."""

    name = "feedback"
    version = 1
    tables = {  # noqa: RUF012 - class-level schema
        "view_feedback_case": "case_id TEXT PRIMARY KEY, case_key TEXT NOT NULL, "
        "unit TEXT NOT NULL",
        "view_feedback_opinion": "case_id TEXT NOT NULL, opinion TEXT NOT NULL, "
        "activity TEXT NOT NULL, supervisor TEXT NOT NULL, submitted_on TEXT NOT NULL, "
        "received_on TEXT, decided_on TEXT, outcome TEXT, feedback_on TEXT, "
        "implementation_on TEXT, objection_pending INTEGER NOT NULL, "
        "PRIMARY KEY (case_id, opinion)",
    }

    @on(Case.Registered)
    def case_registered(self, tx: Tx, e: Case.Registered) -> None:
        tx.upsert(
            "view_feedback_case",
            {"case_id": str(e.originator_id)},
            {"case_key": e.key, "unit": e.unit},
        )

    @on(Case.OpinionSubmitted)
    def submitted(self, tx: Tx, e: Case.OpinionSubmitted) -> None:
        tx.upsert(
            "view_feedback_opinion",
            {"case_id": str(e.originator_id), "opinion": e.opinion},
            {
                "activity": e.activity,
                "supervisor": e.supervisor,
                "submitted_on": tx.local_date(e.occurred_at),
                "objection_pending": 0,
            },
        )

    def _set(self, tx: Tx, e: Case.Event, opinion: str, **values: object) -> None:
        assignments = ", ".join(f"{k} = ?" for k in values)
        tx.rows(
            f"UPDATE view_feedback_opinion SET {assignments} WHERE case_id = ? AND opinion = ?",
            [*values.values(), str(e.originator_id), opinion],
        )

    @on(Case.OpinionReceived)
    def received(self, tx: Tx, e: Case.OpinionReceived) -> None:
        self._set(tx, e, e.opinion, received_on=tx.local_date(e.occurred_at))

    @on(Case.OpinionDecided)
    def decided(self, tx: Tx, e: Case.OpinionDecided) -> None:
        self._set(
            tx, e, e.opinion, decided_on=tx.local_date(e.occurred_at), outcome=e.outcome.value
        )

    @on(Case.FeedbackGiven)
    def feedback_given(self, tx: Tx, e: Case.FeedbackGiven) -> None:
        self._set(tx, e, e.opinion, feedback_on=tx.local_date(e.occurred_at))

    @on(Case.ImplementationReported)
    def implementation_reported(self, tx: Tx, e: Case.ImplementationReported) -> None:
        self._set(tx, e, e.opinion, implementation_on=tx.local_date(e.occurred_at))

    @on(Case.FeedbackObjected)
    def objected(self, tx: Tx, e: Case.FeedbackObjected) -> None:
        self._set(tx, e, e.opinion, objection_pending=1)

    @on(Case.ObjectionRuled)
    def ruled(self, tx: Tx, e: Case.ObjectionRuled) -> None:
        self._set(tx, e, e.opinion, objection_pending=0)


def stage_of(
    received_on: str | None,
    decided_on: str | None,
    outcome: str | None,
    feedback_on: str | None,
    implementation_on: str | None,
    objection_pending: bool,
) -> FeedbackStage | None:
    """What the opinion waits for; None when it is fully answered."""
    if received_on is None:
        return FeedbackStage.AWAITING_RECEIPT
    if decided_on is None:
        return FeedbackStage.AWAITING_DECISION
    if feedback_on is None:
        return FeedbackStage.AWAITING_FEEDBACK
    if objection_pending:
        return FeedbackStage.AWAITING_OBJECTION_RULING
    if outcome != OpinionOutcome.NOT_ADOPTED.value and implementation_on is None:
        return FeedbackStage.AWAITING_IMPLEMENTATION_REPORT
    return None


def pending_feedback(
    tx: Tx,
    policy: Policy,
    as_of: date,
    units: list[str] | None = None,
    supervisor: str | None = None,
    case: str | None = None,
    overdue_only: bool = False,
) -> PendingFeedback:
    """The unanswered opinions, filtered, sorted by submission date, case and opinion."""
    sql = (
        "SELECT c.unit, c.case_key, o.opinion, o.activity, o.supervisor, o.submitted_on, "
        "o.received_on, o.decided_on, o.outcome, o.feedback_on, o.implementation_on, "
        "o.objection_pending FROM view_feedback_opinion o "
        "JOIN view_feedback_case c ON c.case_id = o.case_id WHERE 1 = 1"
    )
    params: list[object] = []
    if units is not None:
        sql += f" AND c.unit IN ({', '.join('?' for _ in units)})"
        params.extend(units)
    if supervisor is not None:
        sql += " AND o.supervisor = ?"
        params.append(supervisor)
    if case is not None:
        sql += " AND c.case_key = ?"
        params.append(case)
    items: list[PendingOpinion] = []
    for row in tx.rows(sql, params):
        unit, case_key, opinion, activity, person, submitted = row[:6]
        received, decided, outcome, feedback, implementation, objection = row[6:]
        stage = stage_of(received, decided, outcome, feedback, implementation, bool(objection))
        if stage is None:
            continue
        due = None
        if stage is FeedbackStage.AWAITING_FEEDBACK:
            due = policy.feedback_due.due(date.fromisoformat(decided), policy.calendar)
        overdue = due is not None and due < as_of
        if overdue_only and not overdue:
            continue
        items.append(
            PendingOpinion(
                unit=unit,
                case=case_key,
                opinion=opinion,
                activity=activity,
                supervisor=person,
                submitted_on=date.fromisoformat(submitted),
                stage=stage,
                outcome=OpinionOutcome(outcome) if outcome else None,
                decided_on=date.fromisoformat(decided) if decided else None,
                due_on=due,
                overdue=overdue,
            )
        )
    items.sort(key=lambda i: (i.submitted_on, i.unit, i.case, i.opinion))
    return PendingFeedback(as_of=as_of, opinions=items)
