"""The feedback view: every matter not yet fully answered (件件有着落、事事有回音).

* An **opinion** is fully answered when it is decided, feedback has been given, no
  objection awaits the chief prosecutor's ruling, and — if it was adopted or partly
  adopted — the implementation has been reported back (the same derivation as the
  ``Case`` aggregate's: :func:`~supervision_ledger.domain.lifecycle.opinion_waits_for`).
  Nothing waits forever: receipt and decision are due after submission, feedback after
  the decision, a ruling after an objection (``Policy.opinion_due_on``).
* A **procuratorial suggestion**, once served, is answered when the recipient has
  replied in writing, its adoption has been recorded and — if adopted — the
  rectification has been completed. (Drafted, not yet served: nobody owes an answer.)
* A **petition** is answered when it has its procedural reply and its result reply (or
  is closed, which needs both); while the result is not ready, a progress reply is due
  3 months after receipt and then monthly after the previous one.

The lists are empty exactly when every matter in scope is answered. Due dates follow
the ledger's policy at query time; "overdue" means the due date is before ``as_of``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from ..domain.case import Case
from ..domain.lifecycle import opinion_waits_for
from ..domain.policy import Policy
from ..domain.unit_activity import UnitActivity
from ..domain.values import FeedbackStage, OpinionOutcome
from ..errors import InvalidCursor
from .engine import Row, Tx, View, on
from .facts import (
    PETITION_COLUMNS,
    SUGGESTION_COLUMNS,
    PetitionFacts,
    SuggestionFacts,
    fact_indexes,
    suggestion_reply_due,
)
from .listing import decode_place, encode_place


class PendingOpinion(BaseModel):
    """One opinion that still needs an answer."""

    unit: str
    #: The case the opinion was given on; None for an opinion on a unit activity.
    case: str | None
    opinion: str
    activity: str
    supervisor: str
    submitted_on: date
    stage: FeedbackStage
    outcome: OpinionOutcome | None
    decided_on: date | None
    #: When the awaited step is due (``Policy.opinion_due_on``: receipt and decision
    #: after submission, feedback after the decision, a ruling after the objection);
    #: None when the policy sets no deadline for the stage.
    due_on: date | None
    overdue: bool
    #: The unit activity the opinion was given on (issue 12), instead of a case.
    unit_activity: str | None = None


class SuggestionStage(StrEnum):
    """What a served suggestion waits for."""

    AWAITING_REPLY = "awaiting_reply"
    AWAITING_ADOPTION_DECISION = "awaiting_adoption_decision"
    AWAITING_RECTIFICATION = "awaiting_rectification"

    @property
    def zh(self) -> str:
        return {
            "awaiting_reply": "待书面回复",
            "awaiting_adoption_decision": "待明确是否采纳",
            "awaiting_rectification": "待整改完成",
        }[self.value]


class PendingSuggestion(BaseModel):
    """One served suggestion whose answer is not complete."""

    unit: str
    case: str
    suggestion: str
    recipient: str
    served_on: date
    stage: SuggestionStage
    #: The reply's due date (stated, or per policy); None for the later stages, which
    #: have no deadline in the rules.
    due_on: date | None
    overdue: bool
    #: How often the overdue reply was urged (催办), and when it was escalated.
    urged: int
    escalated_on: date | None


class PetitionStage(StrEnum):
    """Which reply a petition waits for."""

    AWAITING_PROCEDURAL_REPLY = "awaiting_procedural_reply"
    AWAITING_RESULT_REPLY = "awaiting_result_reply"
    AWAITING_MONTHLY_PROGRESS = "awaiting_monthly_progress"

    @property
    def zh(self) -> str:
        return {
            "awaiting_procedural_reply": "待程序性回复",
            "awaiting_result_reply": "待答复办理结果",
            "awaiting_monthly_progress": "待按月答复进展",
        }[self.value]


class PendingPetition(BaseModel):
    """One petition that still owes its petitioner a reply."""

    unit: str
    petition: str
    case: str | None
    received_on: date
    #: Anonymous or without contact details: left out of the reply rates.
    excluded_from_reply_rate: bool
    stage: PetitionStage
    due_on: date
    overdue: bool
    #: The last progress reply, if any (the next is due a month after it).
    last_progress_on: date | None


class PendingFeedback(BaseModel):
    """Everything still awaiting an answer, as of one day, oldest first; with ``limit``,
    one page: at most ``limit`` opinions, suggestions and petitions each."""

    as_of: date
    opinions: list[PendingOpinion]
    suggestions: list[PendingSuggestion] = []
    petitions: list[PendingPetition] = []
    #: Pass it as ``cursor`` (with the same arguments) for the next page; None: nothing
    #: follows in any of the three lists (always None without ``limit``).
    next_cursor: str | None = None

    @property
    def all_answered(self) -> bool:
        """True exactly when no opinion, suggestion or petition awaits an answer."""
        return not (self.opinions or self.suggestions or self.petitions)


class FeedbackView(SuggestionFacts, PetitionFacts, View):
    """One row per opinion, suggestion and petition with the dates of its lifecycle.

    The suggestion and petition rows come from the shared fact handlers
    (:mod:`.facts`); only the opinion rows are this view's own.
    """

    name = "feedback"
    # 3: suggestion and petition rows written by the shared fact handlers (:mod:`.facts`).
    # 4: indexes by unit and by supervisor.
    # 5: objected_on, for the deadline of the chief prosecutor's ruling; the suggestion
    #    fact rows carry the suggestion's type, petition rows the first progress reply,
    #    an unreachable petitioner and a leader (领导包案).
    # 6: suggestion and petition rows carry the position of the event that dates them.
    # 7: a retracted opinion (issue 12) leaves the view.
    # 8: opinions on unit activities (issue 12): view_feedback_case.kind.
    version = 8
    suggestion_table = "view_feedback_suggestion"
    petition_table = "view_feedback_petition"
    tables = {  # noqa: RUF012 - class-level schema
        # kind: 'case', or 'unit_activity' (case_key is then the unit activity's key).
        "view_feedback_case": "case_id TEXT PRIMARY KEY, case_key TEXT NOT NULL, "
        "unit TEXT NOT NULL, kind TEXT NOT NULL",
        "view_feedback_opinion": "case_id TEXT NOT NULL, opinion TEXT NOT NULL, "
        "activity TEXT NOT NULL, supervisor TEXT NOT NULL, submitted_on TEXT NOT NULL, "
        "received_on TEXT, decided_on TEXT, outcome TEXT, feedback_on TEXT, "
        "implementation_on TEXT, objection_pending INTEGER NOT NULL, objected_on TEXT, "
        "PRIMARY KEY (case_id, opinion)",
        suggestion_table: SUGGESTION_COLUMNS,
        petition_table: PETITION_COLUMNS,
    }
    indexes = {  # noqa: RUF012 - class-level schema
        **fact_indexes(suggestion_table, "served_on", petition_table, "received_on"),
        "view_feedback_case_by_unit": "view_feedback_case (unit)",
        "view_feedback_case_by_key": "view_feedback_case (case_key)",
        "view_feedback_opinion_by_supervisor": "view_feedback_opinion (supervisor)",
    }

    @on(Case.Registered)
    def case_registered(self, tx: Tx, e: Case.Registered) -> None:
        tx.upsert(
            "view_feedback_case",
            {"case_id": str(e.originator_id)},
            {"case_key": e.key, "unit": e.unit, "kind": "case"},
        )

    @on(UnitActivity.Opened)
    def unit_activity_opened(self, tx: Tx, e: UnitActivity.Opened) -> None:
        tx.upsert(
            "view_feedback_case",
            {"case_id": str(e.originator_id)},
            {"case_key": e.key, "unit": e.unit, "kind": "unit_activity"},
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
        self._set(tx, e, e.opinion, objection_pending=1, objected_on=tx.local_date(e.occurred_at))

    @on(Case.ObjectionRuled)
    def ruled(self, tx: Tx, e: Case.ObjectionRuled) -> None:
        self._set(tx, e, e.opinion, objection_pending=0)

    @on(Case.OpinionRetracted)
    def retracted(self, tx: Tx, e: Case.OpinionRetracted) -> None:
        """A retracted opinion waits for nothing: it leaves the view."""
        tx.rows(
            "DELETE FROM view_feedback_opinion WHERE case_id = ? AND opinion = ?",
            [str(e.originator_id), e.opinion],
        )


def stage_of(
    received_on: str | None,
    decided_on: str | None,
    outcome: str | None,
    feedback_on: str | None,
    implementation_on: str | None,
    objection_pending: bool,
) -> FeedbackStage | None:
    """What the opinion row waits for (:func:`~..domain.lifecycle.opinion_waits_for`)."""
    return opinion_waits_for(
        received=received_on is not None,
        decided=decided_on is not None,
        outcome=OpinionOutcome(outcome) if outcome else None,
        feedback=feedback_on is not None,
        implementation=implementation_on is not None,
        objection_pending=objection_pending,
    )


#: SQL for "not fully answered" (``stage_of`` is not None), so that a unit's long
#: history of answered opinions is not read only to be dropped.
_OPEN_OPINION = (
    "(o.received_on IS NULL OR o.decided_on IS NULL OR o.feedback_on IS NULL "
    "OR o.objection_pending <> 0 OR (o.implementation_on IS NULL "
    f"AND (o.outcome IS NULL OR o.outcome <> '{OpinionOutcome.NOT_ADOPTED.value}')))"
)


def _in(column: str, values: list[str] | None) -> tuple[str, list[object]]:
    if values is None:
        return "", []
    return f" AND {column} IN ({', '.join('?' for _ in values)})", list(values)


def _fact_rows(
    tx: Tx, columns: str, table: str, where: str, units: list[str] | None, case: str | None
) -> list[Row]:
    """The ``columns`` of the rows of a suggestion or petition fact table that match
    ``where`` and lie in scope: one of ``units`` (all when None), on ``case`` if given."""
    scope, params = _in("unit", units)
    sql = f"SELECT {columns} FROM {table} WHERE {where}{scope}"
    if case is not None:
        sql += " AND case_key = ?"
        params.append(case)
    return tx.rows(sql, params)


def pending_opinions(
    tx: Tx,
    policy: Policy,
    as_of: date,
    units: list[str] | None,
    supervisor: str | None,
    case: str | None,
    overdue_only: bool,
) -> list[PendingOpinion]:
    """The unanswered opinions, filtered, sorted by submission date, case and opinion."""
    scope, params = _in("c.unit", units)
    sql = (
        "SELECT c.unit, c.kind, c.case_key, o.opinion, o.activity, o.supervisor, o.submitted_on, "
        "o.received_on, o.decided_on, o.outcome, o.feedback_on, o.implementation_on, "
        "o.objection_pending, o.objected_on FROM view_feedback_opinion o "
        f"JOIN view_feedback_case c ON c.case_id = o.case_id WHERE {_OPEN_OPINION}{scope}"
    )
    if supervisor is not None:
        sql += " AND o.supervisor = ?"
        params.append(supervisor)
    if case is not None:
        sql += " AND c.case_key = ? AND c.kind = 'case'"
        params.append(case)
    items: list[PendingOpinion] = []
    for row in tx.rows(sql, params):
        unit, kind, case_key, opinion, activity, person, submitted = row[:7]
        received, decided, outcome, feedback, implementation, objection, objected = row[7:]
        stage = stage_of(received, decided, outcome, feedback, implementation, bool(objection))
        if stage is None:
            continue
        due = policy.opinion_due_on(
            stage,
            date.fromisoformat(submitted),
            date.fromisoformat(decided) if decided else None,
            date.fromisoformat(objected) if objected else None,
        )
        overdue = due is not None and due < as_of
        if overdue_only and not overdue:
            continue
        items.append(
            PendingOpinion(
                unit=unit,
                case=case_key if kind == "case" else None,
                unit_activity=case_key if kind == "unit_activity" else None,
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
    items.sort(key=_opinion_place)
    return items


def suggestion_stage(
    replied_on: str | None, adopted: int | None, rectified_on: str | None
) -> SuggestionStage | None:
    """What a served suggestion waits for; None when it is fully answered."""
    if replied_on is None:
        return SuggestionStage.AWAITING_REPLY
    if adopted is None:
        return SuggestionStage.AWAITING_ADOPTION_DECISION
    if adopted and rectified_on is None:
        return SuggestionStage.AWAITING_RECTIFICATION
    return None


def pending_suggestions(
    tx: Tx,
    policy: Policy,
    as_of: date,
    units: list[str] | None,
    case: str | None,
    overdue_only: bool,
) -> list[PendingSuggestion]:
    """Served suggestions not fully answered, sorted by service date, unit and number."""
    rows = _fact_rows(
        tx,
        "unit, case_key, suggestion, recipient, served_on, urgent, stated_due, "
        "replied_on, adopted, rectified_on, urged, escalated_on",
        FeedbackView.suggestion_table,
        "served_on IS NOT NULL",
        units,
        case,
    )
    items: list[PendingSuggestion] = []
    for row in rows:
        unit, case_key, key, recipient, served_on, urgent, stated_due = row[:7]
        replied_on, adopted, rectified_on, urged, escalated_on = row[7:]
        stage = suggestion_stage(replied_on, adopted, rectified_on)
        if stage is None:
            continue
        due = None
        if stage is SuggestionStage.AWAITING_REPLY:
            due = suggestion_reply_due(policy, served_on, bool(urgent), stated_due)
        overdue = due is not None and due < as_of
        if overdue_only and not overdue:
            continue
        items.append(
            PendingSuggestion(
                unit=unit,
                case=case_key,
                suggestion=key,
                recipient=recipient,
                served_on=date.fromisoformat(served_on),
                stage=stage,
                due_on=due,
                overdue=overdue,
                urged=int(urged),
                escalated_on=date.fromisoformat(escalated_on) if escalated_on else None,
            )
        )
    items.sort(key=lambda i: (i.served_on, i.unit, i.suggestion))
    return items


def petition_stage(
    policy: Policy,
    received_on: date,
    procedural_on: str | None,
    last_progress_on: str | None,
    result_on: str | None,
    closed_on: str | None,
) -> tuple[PetitionStage, date] | None:
    """The reply a petition waits for and its due date — as ``Petition.next_reply_due``;
    None once it has both its procedural and its result reply (or is closed)."""
    if closed_on is not None or (procedural_on is not None and result_on is not None):
        return None
    if procedural_on is None:
        return (
            PetitionStage.AWAITING_PROCEDURAL_REPLY,
            policy.petition_procedural_due_on(received_on),
        )
    if last_progress_on is None:
        return PetitionStage.AWAITING_RESULT_REPLY, policy.petition_result_due_on(received_on)
    return (
        PetitionStage.AWAITING_MONTHLY_PROGRESS,
        policy.petition_progress_due_on(date.fromisoformat(last_progress_on)),
    )


def pending_petitions(
    tx: Tx,
    policy: Policy,
    as_of: date,
    units: list[str] | None,
    case: str | None,
    overdue_only: bool,
) -> list[PendingPetition]:
    """Petitions still owed a reply, sorted by receipt date, unit and number."""
    rows = _fact_rows(
        tx,
        "unit, petition, case_key, received_on, excluded, procedural_on, "
        "last_progress_on, result_on, closed_on",
        FeedbackView.petition_table,
        "1 = 1",
        units,
        case,
    )
    items: list[PendingPetition] = []
    for row in rows:
        unit, key, case_key, received_text, excluded = row[:5]
        procedural_on, last_progress_on, result_on, closed_on = row[5:]
        received = date.fromisoformat(received_text)
        found = petition_stage(
            policy, received, procedural_on, last_progress_on, result_on, closed_on
        )
        if found is None:
            continue
        stage, due = found
        if overdue_only and not due < as_of:
            continue
        items.append(
            PendingPetition(
                unit=unit,
                petition=key,
                case=case_key,
                received_on=received,
                excluded_from_reply_rate=bool(excluded),
                stage=stage,
                due_on=due,
                overdue=due < as_of,
                last_progress_on=(
                    date.fromisoformat(last_progress_on) if last_progress_on else None
                ),
            )
        )
    items.sort(key=lambda i: (i.received_on, i.unit, i.petition))
    return items


def pending_feedback(
    tx: Tx,
    policy: Policy,
    as_of: date,
    units: list[str] | None = None,
    supervisor: str | None = None,
    case: str | None = None,
    overdue_only: bool = False,
) -> PendingFeedback:
    """Every matter awaiting an answer, filtered by unit, supervisor, case and overdue.

    Suggestions and petitions are nobody's supervision opinion: a ``supervisor`` filter
    keeps only that person's opinions and lists no suggestion or petition.
    """
    opinions = pending_opinions(tx, policy, as_of, units, supervisor, case, overdue_only)
    if supervisor is not None:
        return PendingFeedback(as_of=as_of, opinions=opinions)
    return PendingFeedback(
        as_of=as_of,
        opinions=opinions,
        suggestions=pending_suggestions(tx, policy, as_of, units, case, overdue_only),
        petitions=pending_petitions(tx, policy, as_of, units, case, overdue_only),
    )


def _opinion_place(i: PendingOpinion) -> list[str]:
    return [i.submitted_on.isoformat(), i.unit, i.case or "", i.unit_activity or "", i.opinion]


def _suggestion_place(i: PendingSuggestion) -> list[str]:
    return [i.served_on.isoformat(), i.unit, i.suggestion]


def _petition_place(i: PendingPetition) -> list[str]:
    return [i.received_on.isoformat(), i.unit, i.petition]


#: A list's place in a cursor once it has nothing more to give.
_DONE: list[str] = []


def page_feedback(
    found: PendingFeedback, limit: int, cursor: str | None, filters: dict[str, Any]
) -> PendingFeedback:
    """One page of ``found``: the next ``limit`` items of each list after the cursor's
    place in it. A place is the sort key of the last item handed out (not an offset), so
    a matter answered or recorded between pages makes a client neither skip nor repeat
    one; the cursor is the listings' (:func:`~.listing.encode_place`)."""
    places: list[Any] = [None, None, None]
    if cursor is not None:
        places = decode_place(cursor, filters)
        if len(places) != 3 or not all(p is None or isinstance(p, list) for p in places):
            raise InvalidCursor(f"cursor: {cursor!r} is not a pending-feedback cursor")
    lists: tuple[tuple[list[Any], Callable[[Any], list[str]]], ...] = (
        (found.opinions, _opinion_place),
        (found.suggestions, _suggestion_place),
        (found.petitions, _petition_place),
    )
    pages: list[list[Any]] = []
    after: list[Any] = []
    for (items, place_of), place in zip(lists, places, strict=True):
        if place == _DONE:
            rest: list[Any] = []
        else:
            rest = [i for i in items if place is None or place_of(i) > place]
        pages.append(rest[:limit])
        after.append(place_of(rest[limit - 1]) if len(rest) > limit else _DONE)
    more = any(place != _DONE for place in after)
    return PendingFeedback(
        as_of=found.as_of,
        opinions=pages[0],
        suggestions=pages[1],
        petitions=pages[2],
        next_cursor=encode_place(after, filters) if more else None,
    )
