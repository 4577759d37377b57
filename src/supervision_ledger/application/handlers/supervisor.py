"""Command handlers for supervisors: appointment, training, status."""

from __future__ import annotations

from ... import commands as c
from ...domain.supervisor import Supervisor
from ...domain.unit import ProcuratorateUnit
from ..results import Ids
from ..unit_of_work import UnitOfWork, handles


@handles(c.AppointSupervisor)
def appoint_supervisor(uow: UnitOfWork, cmd: c.AppointSupervisor) -> Ids:
    uow.require_absent(Supervisor, cmd.supervisor)
    unit = uow.get(ProcuratorateUnit, cmd.unit)
    roles = tuple(dict.fromkeys(cmd.roles))
    term_end = cmd.term_end or uow.policy.term_end(cmd.term_start)
    Supervisor.check_appointment(roles, cmd.term_start, term_end)
    uow.add(
        Supervisor(
            key=cmd.supervisor,
            unit=cmd.unit,
            name=cmd.name,
            roles=roles,
            industry=cmd.industry,
            speciality=cmd.speciality,
            term_start=cmd.term_start,
            term_end=term_end,
            occurred_at=cmd.occurred_at,
        )
    )
    unit.enroll(cmd.supervisor, cmd.occurred_at)
    return {"supervisor": cmd.supervisor}


@handles(c.RecordTraining)
def record_training(uow: UnitOfWork, cmd: c.RecordTraining) -> Ids:
    uow.get(Supervisor, cmd.supervisor).record_training(cmd.topic, cmd.hours, cmd.occurred_at)
    return {"supervisor": cmd.supervisor}


@handles(c.RecordAssessment)
def record_assessment(uow: UnitOfWork, cmd: c.RecordAssessment) -> Ids:
    uow.get(Supervisor, cmd.supervisor).record_assessment(
        cmd.year, cmd.grade, cmd.occurred_at, uow.policy
    )
    return {"supervisor": cmd.supervisor}


@handles(c.PayAllowance)
def pay_allowance(uow: UnitOfWork, cmd: c.PayAllowance) -> Ids:
    uow.get(Supervisor, cmd.supervisor).pay_allowance(
        cmd.amount, cmd.purpose, cmd.reference, cmd.occurred_at, uow.policy
    )
    return {"supervisor": cmd.supervisor}


@handles(c.DeclareRelationship)
def declare_relationship(uow: UnitOfWork, cmd: c.DeclareRelationship) -> Ids:
    uow.get(Supervisor, cmd.supervisor).declare_relationship(
        cmd.relationship, cmd.party, cmd.case, cmd.occurred_at
    )
    return {"supervisor": cmd.supervisor}


@handles(c.SuspendSupervisor)
def suspend_supervisor(uow: UnitOfWork, cmd: c.SuspendSupervisor) -> Ids:
    uow.get(Supervisor, cmd.supervisor).suspend(cmd.reason, cmd.occurred_at, uow.policy)
    return {"supervisor": cmd.supervisor}


@handles(c.ReinstateSupervisor)
def reinstate_supervisor(uow: UnitOfWork, cmd: c.ReinstateSupervisor) -> Ids:
    uow.get(Supervisor, cmd.supervisor).reinstate(cmd.reason, cmd.occurred_at, uow.policy)
    return {"supervisor": cmd.supervisor}


@handles(c.RemoveSupervisor)
def remove_supervisor(uow: UnitOfWork, cmd: c.RemoveSupervisor) -> Ids:
    uow.get(Supervisor, cmd.supervisor).remove(cmd.reason, cmd.occurred_at, uow.policy)
    return {"supervisor": cmd.supervisor}


@handles(c.RenewTerm)
def renew_term(uow: UnitOfWork, cmd: c.RenewTerm) -> Ids:
    term_end = cmd.term_end or uow.policy.term_end(cmd.term_start)
    uow.get(Supervisor, cmd.supervisor).renew_term(
        cmd.term_start, term_end, cmd.occurred_at, uow.policy
    )
    return {"supervisor": cmd.supervisor}
