"""Command handlers for hearings (检察听证)."""

from __future__ import annotations

from ... import commands as c
from ...domain.case import Case
from ...domain.errors import SupervisorNotActive
from ...domain.hearing import Hearing
from ...domain.supervisor import Supervisor
from ...domain.values import Role
from ..results import Ids
from ..unit_of_work import UnitOfWork, handles
from .pool import draw_candidates


@handles(c.ProposeHearing)
def propose_hearing(uow: UnitOfWork, cmd: c.ProposeHearing) -> Ids:
    uow.require_absent(Hearing, cmd.hearing)
    case = uow.get(Case, cmd.case)
    Hearing.check_case_open(case.is_closed, case.key)
    case.check_after_registration(cmd.occurred_at, f"hearing {cmd.hearing!r} proposed")
    facts = case.facts
    Hearing.check_applicant(cmd.applied_by, facts.party_names, case.key)
    uow.add(
        Hearing(
            key=cmd.hearing,
            case=case.key,
            unit=case.unit,
            case_kind=case.case_kind,
            party_names=facts.party_names,
            has_minor=facts.has_minor,
            reason=cmd.reason,
            applied_by=cmd.applied_by,
            handler=case.handling_prosecutor,
            handler_rank=cmd.handler_rank,
            occurred_at=cmd.occurred_at,
        )
    )
    return {"hearing": cmd.hearing, "case": cmd.case}


@handles(c.RefuseHearing)
def refuse_hearing(uow: UnitOfWork, cmd: c.RefuseHearing) -> Ids:
    uow.get(Hearing, cmd.hearing).refuse(cmd.reasons, cmd.occurred_at)
    return {"hearing": cmd.hearing}


@handles(c.ApproveHearing)
def approve_hearing(uow: UnitOfWork, cmd: c.ApproveHearing) -> Ids:
    uow.get(Hearing, cmd.hearing).approve(cmd.approver.value(), cmd.occurred_at, uow.policy)
    return {"hearing": cmd.hearing}


@handles(c.ScheduleHearing)
def schedule_hearing(uow: UnitOfWork, cmd: c.ScheduleHearing) -> Ids:
    hearing = uow.get(Hearing, cmd.hearing)
    # A new date must suit everyone still expected (in term, active, not recused).
    people = {k: uow.get(Supervisor, k) for k, p in hearing.participants.items() if p.expected}
    hearing.schedule(
        cmd.scheduled_for,
        cmd.public,
        cmd.presiding_prosecutor,
        cmd.presided_by_chief,
        cmd.location,
        cmd.occurred_at,
        uow.policy,
        people,
        closed_ground=cmd.closed_ground,
    )
    return {"hearing": cmd.hearing}


@handles(c.InviteHearingOfficer)
def invite_hearing_officer(uow: UnitOfWork, cmd: c.InviteHearingOfficer) -> Ids:
    supervisor = uow.get(Supervisor, cmd.supervisor)
    uow.get(Hearing, cmd.hearing).invite_officer(supervisor, cmd.occurred_at, uow.policy)
    uow.served(supervisor, cmd.occurred_at)
    return {"hearing": cmd.hearing, "supervisor": cmd.supervisor}


@handles(c.DrawHearingOfficers)
def draw_hearing_officers(uow: UnitOfWork, cmd: c.DrawHearingOfficers) -> Ids:
    hearing = uow.get(Hearing, cmd.hearing)
    seed, basis = uow.draw_seed(
        cmd.seed,
        hearing.id,
        {"event": "Hearing.OfficersDrawn", "count": cmd.count, "speciality": cmd.speciality},
        f"draw of hearing officers for hearing {cmd.hearing!r}",
    )
    drawn = hearing.draw_officers(
        draw_candidates(uow, hearing.unit, Role.HEARING_OFFICER),
        cmd.count,
        cmd.speciality,
        seed,
        cmd.occurred_at,
        uow.policy,
        seed_basis=basis,
    )
    for key in drawn:
        uow.served(uow.get(Supervisor, key), cmd.occurred_at)
    return {"hearing": cmd.hearing, "drawn": list(drawn), "seed": str(seed)}


@handles(c.InviteObserver)
def invite_observer(uow: UnitOfWork, cmd: c.InviteObserver) -> Ids:
    supervisor = uow.get(Supervisor, cmd.supervisor)
    uow.get(Hearing, cmd.hearing).invite_observer(supervisor, cmd.role, cmd.occurred_at, uow.policy)
    uow.served(supervisor, cmd.occurred_at)
    return {"hearing": cmd.hearing, "supervisor": cmd.supervisor}


@handles(c.DeclineHearingInvitation)
def decline_hearing_invitation(uow: UnitOfWork, cmd: c.DeclineHearingInvitation) -> Ids:
    uow.get(Hearing, cmd.hearing).decline(cmd.supervisor, cmd.reason, cmd.occurred_at)
    return {"hearing": cmd.hearing, "supervisor": cmd.supervisor}


@handles(c.ReplaceHearingOfficer)
def replace_hearing_officer(uow: UnitOfWork, cmd: c.ReplaceHearingOfficer) -> Ids:
    replacement = uow.get(Supervisor, cmd.replacement)
    uow.get(Hearing, cmd.hearing).replace_officer(
        cmd.supervisor, replacement, cmd.reason, cmd.occurred_at, uow.policy
    )
    uow.served(replacement, cmd.occurred_at)
    return {"hearing": cmd.hearing, "replacement": cmd.replacement}


@handles(c.HoldHearing)
def hold_hearing(uow: UnitOfWork, cmd: c.HoldHearing) -> Ids:
    hearing = uow.get(Hearing, cmd.hearing)
    hearing.hold(tuple(cmd.absent), cmd.occurred_at, uow.policy)
    held_on = uow.policy.local_date(cmd.occurred_at)
    # Everyone recorded as attending must be able to serve that day: an officer invited
    # for it and suspended meanwhile is absent or replaced, never an attendee.
    for key in hearing.attendees:
        person = uow.get(Supervisor, key)
        if not person.is_active_on(held_on):
            raise SupervisorNotActive(
                f"hearing {cmd.hearing!r} held on {held_on.isoformat()}: {key!r} is not "
                "active that day (out of term, suspended or removed); record them as "
                "absent or replace them"
            )
        uow.served(person, cmd.occurred_at)
    return {"hearing": cmd.hearing}


@handles(c.RecordOfficerOpinion)
def record_officer_opinion(uow: UnitOfWork, cmd: c.RecordOfficerOpinion) -> Ids:
    uow.get(Hearing, cmd.hearing).record_officer_opinion(
        cmd.officer, cmd.recommendation, cmd.reasons, cmd.occurred_at, stance=cmd.stance
    )
    return {"hearing": cmd.hearing, "officer": cmd.officer}


@handles(c.RecordCollectiveOpinion)
def record_collective_opinion(uow: UnitOfWork, cmd: c.RecordCollectiveOpinion) -> Ids:
    uow.get(Hearing, cmd.hearing).record_collective_opinion(
        cmd.representative, cmd.recommendation, cmd.stance, cmd.reasons, cmd.occurred_at
    )
    return {"hearing": cmd.hearing, "representative": cmd.representative}


@handles(c.DecideHearing)
def decide_hearing(uow: UnitOfWork, cmd: c.DecideHearing) -> Ids:
    uow.get(Hearing, cmd.hearing).decide(
        cmd.decision,
        cmd.chief_approved,
        cmd.reasons,
        cmd.occurred_at,
        follows_proposal=cmd.follows_proposal,
    )
    return {"hearing": cmd.hearing}


@handles(c.RecordPartyResponse)
def record_party_response(uow: UnitOfWork, cmd: c.RecordPartyResponse) -> Ids:
    uow.get(Hearing, cmd.hearing).record_party_response(cmd.party, cmd.accepted, cmd.occurred_at)
    return {"hearing": cmd.hearing, "party": cmd.party}


@handles(c.ConcludeHearing)
def conclude_hearing(uow: UnitOfWork, cmd: c.ConcludeHearing) -> Ids:
    uow.get(Hearing, cmd.hearing).conclude(cmd.occurred_at)
    return {"hearing": cmd.hearing}
