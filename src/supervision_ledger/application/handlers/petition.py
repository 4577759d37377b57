"""Command handlers for petitions (信访)."""

from __future__ import annotations

from ... import commands as c
from ...domain.case import Case
from ...domain.petition import Petition
from ...domain.unit import ProcuratorateUnit
from ..results import Ids
from ..unit_of_work import UnitOfWork, handles


@handles(c.ReceivePetition)
def receive_petition(uow: UnitOfWork, cmd: c.ReceivePetition) -> Ids:
    uow.require_absent(Petition, cmd.petition)
    uow.get(ProcuratorateUnit, cmd.unit)
    if cmd.case is not None:
        uow.get(Case, cmd.case)
    petition = Petition(
        key=cmd.petition,
        unit=cmd.unit,
        channel=cmd.channel,
        anonymous=cmd.anonymous,
        has_contact=cmd.has_contact,
        case=cmd.case,
        subject=cmd.subject,
        occurred_at=cmd.occurred_at,
    )
    uow.add(petition)
    return {
        "petition": cmd.petition,
        "procedural_reply_due": petition.procedural_reply_due(uow.policy).isoformat(),
        "result_reply_due": petition.answered_within(uow.policy).isoformat(),
    }


@handles(c.ReplyPetitionProcedurally)
def reply_petition_procedurally(uow: UnitOfWork, cmd: c.ReplyPetitionProcedurally) -> Ids:
    uow.get(Petition, cmd.petition).reply_procedurally(
        cmd.outcome, cmd.content, cmd.transferred_to, cmd.occurred_at
    )
    return {"petition": cmd.petition}


@handles(c.ReplyPetitionProgress)
def reply_petition_progress(uow: UnitOfWork, cmd: c.ReplyPetitionProgress) -> Ids:
    petition = uow.get(Petition, cmd.petition)
    petition.reply_progress(cmd.content, cmd.occurred_at)
    due = petition.next_reply_due(uow.policy)
    assert due is not None  # no result yet
    return {"petition": cmd.petition, "next_reply_due": due.isoformat()}


@handles(c.ReplyPetitionResult)
def reply_petition_result(uow: UnitOfWork, cmd: c.ReplyPetitionResult) -> Ids:
    uow.get(Petition, cmd.petition).reply_result(cmd.content, cmd.occurred_at)
    return {"petition": cmd.petition}


@handles(c.ClosePetition)
def close_petition(uow: UnitOfWork, cmd: c.ClosePetition) -> Ids:
    uow.get(Petition, cmd.petition).close(cmd.occurred_at)
    return {"petition": cmd.petition}


@handles(c.MarkPetitionUnreachable)
def mark_petition_unreachable(uow: UnitOfWork, cmd: c.MarkPetitionUnreachable) -> Ids:
    uow.get(Petition, cmd.petition).mark_unreachable(cmd.reason, cmd.occurred_at)
    return {"petition": cmd.petition}


@handles(c.AssignPetitionLeader)
def assign_petition_leader(uow: UnitOfWork, cmd: c.AssignPetitionLeader) -> Ids:
    uow.get(Petition, cmd.petition).assign_leader(cmd.leader, cmd.occurred_at)
    return {"petition": cmd.petition}
