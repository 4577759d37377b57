"""Fact rows of procuratorial suggestions and petitions, shared by several views.

The feedback view (what still awaits an answer) and the flow statistics (how many were
answered on time) read the same lifecycle dates of the same two flows. Their handlers
live here once, as mixins: a view inherits :class:`SuggestionFacts` and/or
:class:`PetitionFacts`, names its own table in ``suggestion_table`` /
``petition_table`` and lists it in ``tables`` with :data:`SUGGESTION_COLUMNS` /
:data:`PETITION_COLUMNS`. Each view keeps its own table, so each can still be dropped
and rebuilt on its own (the engine rebuilds per view, never per table).

The columns are the union of what the views read; a view ignores the ones it does not
need (the feedback view never reads ``verified_on``, the statistics never read
``last_progress_on``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from ..domain.petition import Petition
from ..domain.policy import Policy
from ..domain.suggestion import EscalationGround, ObjectionOutcome, Suggestion
from ..domain.values import RecipientType
from .engine import Tx, View, on

#: The suggestion fact table: drafted, then (once served) the dates of its answer.
SUGGESTION_COLUMNS = (
    "suggestion_id TEXT PRIMARY KEY, suggestion TEXT NOT NULL, unit TEXT NOT NULL, "
    "case_key TEXT NOT NULL, recipient TEXT, served_on TEXT, urgent INTEGER NOT NULL, "
    "stated_due TEXT, replied_on TEXT, adopted INTEGER, rectified_on TEXT, verified_on TEXT, "
    "urged INTEGER NOT NULL, escalated_on TEXT, suggestion_type TEXT NOT NULL, "
    # The position of the Served event (what explains the suggestion's figures).
    "pos BIGINT, "
    # Issue 12: the recipient's type (its reply deadline), escalation after the reply, and
    # the recipient's objection (Art. 23): first objected, last amended, withdrawn.
    "recipient_type TEXT, escalated_after_reply_on TEXT, objected_on TEXT, amended_on TEXT, "
    "withdrawn_on TEXT"
)

#: The petition fact table: receipt, and the dates of each kind of reply.
PETITION_COLUMNS = (
    "petition_id TEXT PRIMARY KEY, petition TEXT NOT NULL, unit TEXT NOT NULL, "
    "case_key TEXT, received_on TEXT NOT NULL, excluded INTEGER NOT NULL, "
    "procedural_on TEXT, last_progress_on TEXT, result_on TEXT, closed_on TEXT, "
    "first_progress_on TEXT, unreachable_on TEXT, leader TEXT, "
    # The position of the Received event (what explains the petition's figures).
    "pos BIGINT NOT NULL"
)


def fact_indexes(
    suggestion_table: str, suggestion_date: str, petition_table: str, petition_date: str
) -> dict[str, str]:
    """Indexes of a view's two fact tables: by unit, then the date its queries range
    over (a report's period, or nothing)."""
    return {
        f"{suggestion_table}_by_unit": f"{suggestion_table} (unit, {suggestion_date})",
        f"{petition_table}_by_unit": f"{petition_table} (unit, {petition_date})",
    }


def _check_table(cls: type[View], attr: str, columns: str) -> None:
    """A view using a fact mixin must name its table and create it with these columns:
    a mismatch would only show up as an SQL error on the first event."""
    table = getattr(cls, attr, None)
    if table is None:
        raise TypeError(f"{cls.__name__} must set {attr}")
    if cls.tables.get(table) != columns:
        raise TypeError(f"{cls.__name__}.tables must define {table!r} with the shared columns")


class SuggestionFacts(View):
    """Mixin: one row per procuratorial suggestion in the table ``suggestion_table``."""

    suggestion_table: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _check_table(cls, "suggestion_table", SUGGESTION_COLUMNS)

    def _suggestion(self, tx: Tx, e: Suggestion.Event, **values: object) -> None:
        tx.update(self.suggestion_table, (str(e.originator_id),), values)

    @on(Suggestion.Drafted)
    def suggestion_drafted(self, tx: Tx, e: Suggestion.Drafted) -> None:
        tx.upsert(
            self.suggestion_table,
            {"suggestion_id": str(e.originator_id)},
            {
                "suggestion": e.key,
                "unit": e.unit,
                "case_key": e.case,
                "urgent": 0,
                "urged": 0,
                "suggestion_type": e.suggestion_type.value,
            },
            created=True,
        )

    @on(Suggestion.Served)
    def suggestion_served(self, tx: Tx, e: Suggestion.Served) -> None:
        self._suggestion(
            tx,
            e,
            recipient=e.recipient,
            recipient_type=RecipientType(e.recipient_type).value,
            served_on=tx.local_date(e.occurred_at),
            urgent=int(e.urgent),
            stated_due=None if e.reply_due_on is None else e.reply_due_on.isoformat(),
            pos=tx.position,
        )

    @on(Suggestion.Replied)
    def suggestion_replied(self, tx: Tx, e: Suggestion.Replied) -> None:
        self._suggestion(tx, e, replied_on=tx.local_date(e.occurred_at))

    @on(Suggestion.Adopted)
    def suggestion_adopted(self, tx: Tx, e: Suggestion.Adopted) -> None:
        self._suggestion(tx, e, adopted=1)

    @on(Suggestion.NotAdopted)
    def suggestion_not_adopted(self, tx: Tx, e: Suggestion.NotAdopted) -> None:
        self._suggestion(tx, e, adopted=0)

    @on(Suggestion.RectificationCompleted)
    def rectification_completed(self, tx: Tx, e: Suggestion.RectificationCompleted) -> None:
        self._suggestion(tx, e, rectified_on=tx.local_date(e.occurred_at))

    @on(Suggestion.RectificationVerified)
    def rectification_verified(self, tx: Tx, e: Suggestion.RectificationVerified) -> None:
        self._suggestion(tx, e, verified_on=tx.local_date(e.occurred_at))

    @on(Suggestion.Urged)
    def suggestion_urged(self, tx: Tx, e: Suggestion.Urged) -> None:
        row = tx.get(self.suggestion_table, str(e.originator_id))
        if row is not None:
            tx.update(self.suggestion_table, (str(e.originator_id),), {"urged": row["urged"] + 1})

    @on(Suggestion.Escalated)
    def suggestion_escalated(self, tx: Tx, e: Suggestion.Escalated) -> None:
        day = tx.local_date(e.occurred_at)
        if EscalationGround(e.ground) is EscalationGround.NO_REPLY:
            self._suggestion(tx, e, escalated_on=day)
        else:
            self._suggestion(tx, e, escalated_after_reply_on=day)

    @on(Suggestion.ObjectionRaised)
    def suggestion_objected(self, tx: Tx, e: Suggestion.ObjectionRaised) -> None:
        tx.rows(
            f"UPDATE {self.suggestion_table} SET objected_on = ? "
            "WHERE suggestion_id = ? AND objected_on IS NULL",
            [tx.local_date(e.occurred_at), str(e.originator_id)],
        )

    @on(Suggestion.ObjectionReviewed)
    def suggestion_objection_reviewed(self, tx: Tx, e: Suggestion.ObjectionReviewed) -> None:
        outcome = ObjectionOutcome(e.outcome)
        if outcome is ObjectionOutcome.AMENDED:
            self._suggestion(tx, e, amended_on=tx.local_date(e.occurred_at))
        elif outcome is ObjectionOutcome.WITHDRAWN:
            self._suggestion(tx, e, withdrawn_on=tx.local_date(e.occurred_at))


class PetitionFacts(View):
    """Mixin: one row per petition in the table ``petition_table``."""

    petition_table: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _check_table(cls, "petition_table", PETITION_COLUMNS)

    @on(Petition.Received)
    def petition_received(self, tx: Tx, e: Petition.Received) -> None:
        tx.upsert(
            self.petition_table,
            {"petition_id": str(e.originator_id)},
            {
                "petition": e.key,
                "unit": e.unit,
                "case_key": e.case,
                "received_on": tx.local_date(e.occurred_at),
                # Nobody to reply to: left out of the reply rates [C], and counted apart.
                "excluded": int(e.anonymous or not e.has_contact),
                "pos": tx.position,
            },
            created=True,
        )

    def _petition(self, tx: Tx, e: Petition.Event, column: str) -> None:
        tx.update(
            self.petition_table, (str(e.originator_id),), {column: tx.local_date(e.occurred_at)}
        )

    @on(Petition.ProceduralReplied)
    def petition_procedural_replied(self, tx: Tx, e: Petition.ProceduralReplied) -> None:
        self._petition(tx, e, "procedural_on")

    @on(Petition.ProgressReplied)
    def petition_progress_replied(self, tx: Tx, e: Petition.ProgressReplied) -> None:
        self._petition(tx, e, "last_progress_on")
        row = tx.get(self.petition_table, str(e.originator_id))
        if row is not None and row["first_progress_on"] is None:
            tx.update(
                self.petition_table,
                (str(e.originator_id),),
                {"first_progress_on": row["last_progress_on"]},
            )

    @on(Petition.ResultReplied)
    def petition_result_replied(self, tx: Tx, e: Petition.ResultReplied) -> None:
        self._petition(tx, e, "result_on")

    @on(Petition.Closed)
    def petition_closed(self, tx: Tx, e: Petition.Closed) -> None:
        self._petition(tx, e, "closed_on")

    @on(Petition.FoundUnreachable)
    def petition_found_unreachable(self, tx: Tx, e: Petition.FoundUnreachable) -> None:
        # Nobody to reply to after all: out of the reply rates from now on.
        self._petition(tx, e, "unreachable_on")
        tx.update(self.petition_table, (str(e.originator_id),), {"excluded": 1})

    @on(Petition.LeaderAssigned)
    def petition_leader_assigned(self, tx: Tx, e: Petition.LeaderAssigned) -> None:
        tx.update(self.petition_table, (str(e.originator_id),), {"leader": e.leader})


def suggestion_reply_due(
    policy: Policy,
    served_on: str,
    urgent: bool,
    stated_due: str | None,
    recipient_type: str | None = None,
) -> date:
    """The last day for a suggestion's written reply: its own stated date if it has one,
    else the policy's (by the recipient's type: a court 3 + 1 months, others 2; or the
    urgent deadline) — as ``Suggestion.reply_due``."""
    if stated_due is not None:
        return date.fromisoformat(stated_due)
    kind = RecipientType(recipient_type or RecipientType.OTHER.value)
    return policy.suggestion_reply_due_on(date.fromisoformat(served_on), urgent, kind)
