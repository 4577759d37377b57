"""Command handlers for leads (线索)."""

from __future__ import annotations

from ... import commands as c
from ...domain.case import Case
from ...domain.lead import Lead
from ...domain.supervisor import Supervisor
from ...domain.unit import ProcuratorateUnit
from ..results import Ids
from ..unit_of_work import UnitOfWork, handles


@handles(c.ReportLead)
def report_lead(uow: UnitOfWork, cmd: c.ReportLead) -> Ids:
    uow.require_absent(Lead, cmd.lead)
    uow.get(ProcuratorateUnit, cmd.unit)
    reporter = uow.get(Supervisor, cmd.reporter) if cmd.reporter is not None else None
    uow.add(
        Lead.report(
            cmd.lead,
            cmd.unit,
            cmd.source,
            reporter,
            cmd.reference,
            cmd.department,
            cmd.summary,
            cmd.occurred_at,
            uow.policy,
        )
    )
    return {"lead": cmd.lead}


@handles(c.AcceptLead)
def accept_lead(uow: UnitOfWork, cmd: c.AcceptLead) -> Ids:
    uow.get(Lead, cmd.lead).accept(cmd.occurred_at)
    return {"lead": cmd.lead}


@handles(c.RejectLead)
def reject_lead(uow: UnitOfWork, cmd: c.RejectLead) -> Ids:
    uow.get(Lead, cmd.lead).reject(cmd.reasons, cmd.occurred_at)
    return {"lead": cmd.lead}


@handles(c.TurnLeadIntoCase)
def turn_lead_into_case(uow: UnitOfWork, cmd: c.TurnLeadIntoCase) -> Ids:
    uow.get(Lead, cmd.lead).turn_into_case(uow.get(Case, cmd.case), cmd.occurred_at)
    return {"lead": cmd.lead, "case": cmd.case}
