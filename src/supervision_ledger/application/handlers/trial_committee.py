"""Command handlers for trial-committee sittings (检察长列席审委会)."""

from __future__ import annotations

from ... import commands as c
from ...domain.trial_committee import TrialCommitteeSitting
from ...domain.unit import ProcuratorateUnit
from ..results import Ids
from ..unit_of_work import UnitOfWork, handles


@handles(c.RecordTrialCommitteeSitting)
def record_trial_committee_sitting(uow: UnitOfWork, cmd: c.RecordTrialCommitteeSitting) -> Ids:
    uow.require_absent(TrialCommitteeSitting, cmd.sitting)
    uow.get(ProcuratorateUnit, cmd.unit)
    uow.add(
        TrialCommitteeSitting(
            key=cmd.sitting,
            unit=cmd.unit,
            court=cmd.court,
            attendee=cmd.attendee,
            entrusted_deputy=cmd.entrusted_deputy,
            occurred_at=cmd.occurred_at,
        )
    )
    return {"sitting": cmd.sitting}


@handles(c.GiveTrialCommitteeOpinion)
def give_trial_committee_opinion(uow: UnitOfWork, cmd: c.GiveTrialCommitteeOpinion) -> Ids:
    sitting = uow.get(TrialCommitteeSitting, cmd.sitting)
    key = cmd.opinion or sitting.next_opinion_key()
    sitting.give_opinion(key, cmd.matter, cmd.content, cmd.occurred_at)
    return {"sitting": cmd.sitting, "opinion": key}


@handles(c.RecordTrialCommitteeAdoption)
def record_trial_committee_adoption(uow: UnitOfWork, cmd: c.RecordTrialCommitteeAdoption) -> Ids:
    uow.get(TrialCommitteeSitting, cmd.sitting).record_adoption(
        cmd.opinion, cmd.adopted, cmd.occurred_at
    )
    return {"sitting": cmd.sitting, "opinion": cmd.opinion}
