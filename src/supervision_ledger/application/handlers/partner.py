"""Command handlers for cooperation agreements with partner units."""

from __future__ import annotations

from ... import commands as c
from ...domain.partner import PartnerAgreement
from ...domain.unit import ProcuratorateUnit
from ..results import Ids
from ..unit_of_work import UnitOfWork, handles


@handles(c.SignPartnerAgreement)
def sign_partner_agreement(uow: UnitOfWork, cmd: c.SignPartnerAgreement) -> Ids:
    uow.require_absent(PartnerAgreement, cmd.agreement)
    uow.get(ProcuratorateUnit, cmd.unit)
    uow.add(
        PartnerAgreement.sign(
            cmd.agreement,
            cmd.unit,
            cmd.partner,
            cmd.title,
            cmd.in_force_from,
            cmd.in_force_until,
            cmd.occurred_at,
        )
    )
    return {"agreement": cmd.agreement}


@handles(c.TerminatePartnerAgreement)
def terminate_partner_agreement(uow: UnitOfWork, cmd: c.TerminatePartnerAgreement) -> Ids:
    effective_on = cmd.effective_on or uow.policy.local_date(cmd.occurred_at)
    uow.get(PartnerAgreement, cmd.agreement).terminate(effective_on, cmd.reason, cmd.occurred_at)
    return {"agreement": cmd.agreement, "effective_on": effective_on.isoformat()}
