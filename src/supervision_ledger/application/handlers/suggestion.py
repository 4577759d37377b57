"""Command handlers for procuratorial suggestions (检察建议)."""

from __future__ import annotations

from ... import commands as c
from ...domain.case import Case
from ...domain.suggestion import Suggestion
from ..results import Ids
from ..unit_of_work import UnitOfWork, handles


@handles(c.DraftSuggestion)
def draft_suggestion(uow: UnitOfWork, cmd: c.DraftSuggestion) -> Ids:
    uow.require_absent(Suggestion, cmd.suggestion)
    case = uow.get(Case, cmd.case)
    uow.add(
        Suggestion.draft(
            cmd.suggestion,
            case,
            cmd.suggestion_type,
            cmd.title,
            cmd.content,
            cmd.activity,
            cmd.occurred_at,
        )
    )
    return {"suggestion": cmd.suggestion, "case": cmd.case}


@handles(c.LinkSuggestionActivity)
def link_suggestion_activity(uow: UnitOfWork, cmd: c.LinkSuggestionActivity) -> Ids:
    suggestion = uow.get(Suggestion, cmd.suggestion)
    suggestion.link_activity(uow.get(Case, suggestion.case), cmd.activity, cmd.occurred_at)
    return {"suggestion": cmd.suggestion, "activity": cmd.activity}


@handles(c.ServeSuggestion)
def serve_suggestion(uow: UnitOfWork, cmd: c.ServeSuggestion) -> Ids:
    suggestion = uow.get(Suggestion, cmd.suggestion)
    suggestion.serve(
        cmd.recipient,
        cmd.urgent,
        cmd.reply_due_on,
        cmd.occurred_at,
        uow.policy,
        recipient_type=cmd.recipient_type,
    )
    due = suggestion.reply_due(uow.policy)
    assert due is not None  # just served
    return {"suggestion": cmd.suggestion, "reply_due": due.isoformat()}


@handles(c.RecordSuggestionReply)
def record_suggestion_reply(uow: UnitOfWork, cmd: c.RecordSuggestionReply) -> Ids:
    uow.get(Suggestion, cmd.suggestion).record_reply(cmd.content, cmd.occurred_at)
    return {"suggestion": cmd.suggestion}


@handles(c.RecordSuggestionAdoption)
def record_suggestion_adoption(uow: UnitOfWork, cmd: c.RecordSuggestionAdoption) -> Ids:
    uow.get(Suggestion, cmd.suggestion).record_adoption(
        cmd.adopted, cmd.explanation, cmd.occurred_at
    )
    return {"suggestion": cmd.suggestion}


@handles(c.CompleteRectification)
def complete_rectification(uow: UnitOfWork, cmd: c.CompleteRectification) -> Ids:
    uow.get(Suggestion, cmd.suggestion).complete_rectification(cmd.content, cmd.occurred_at)
    return {"suggestion": cmd.suggestion}


@handles(c.VerifyRectification)
def verify_rectification(uow: UnitOfWork, cmd: c.VerifyRectification) -> Ids:
    uow.get(Suggestion, cmd.suggestion).verify_rectification(
        cmd.verified_by, cmd.content, cmd.occurred_at
    )
    return {"suggestion": cmd.suggestion}


@handles(c.UrgeSuggestionReply)
def urge_suggestion_reply(uow: UnitOfWork, cmd: c.UrgeSuggestionReply) -> Ids:
    uow.get(Suggestion, cmd.suggestion).urge(cmd.note, cmd.occurred_at, uow.policy)
    return {"suggestion": cmd.suggestion}


@handles(c.EscalateSuggestion)
def escalate_suggestion(uow: UnitOfWork, cmd: c.EscalateSuggestion) -> Ids:
    uow.get(Suggestion, cmd.suggestion).escalate(
        cmd.escalated_to,
        cmd.chief_approved,
        cmd.reasons,
        cmd.occurred_at,
        uow.policy,
        ground=cmd.ground,
        also_to=tuple(cmd.also_to),
        approver=None if cmd.approver is None else cmd.approver.value(),
    )
    return {"suggestion": cmd.suggestion}


@handles(c.ObjectToSuggestion)
def object_to_suggestion(uow: UnitOfWork, cmd: c.ObjectToSuggestion) -> Ids:
    uow.get(Suggestion, cmd.suggestion).raise_objection(cmd.reasons, cmd.occurred_at)
    return {"suggestion": cmd.suggestion}


@handles(c.ReviewSuggestionObjection)
def review_suggestion_objection(uow: UnitOfWork, cmd: c.ReviewSuggestionObjection) -> Ids:
    uow.get(Suggestion, cmd.suggestion).review_objection(
        cmd.outcome,
        cmd.reasons,
        cmd.content,
        None if cmd.approver is None else cmd.approver.value(),
        cmd.occurred_at,
        uow.policy,
    )
    return {"suggestion": cmd.suggestion}
