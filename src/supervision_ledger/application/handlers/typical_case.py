"""Command handlers for typical-case nominations."""

from __future__ import annotations

from ... import commands as c
from ...domain.case import Case
from ...domain.typical_case import TypicalCaseNomination
from ..results import Ids
from ..unit_of_work import UnitOfWork, handles


@handles(c.NominateTypicalCase)
def nominate_typical_case(uow: UnitOfWork, cmd: c.NominateTypicalCase) -> Ids:
    key = TypicalCaseNomination.key_for(cmd.case, cmd.level)
    uow.require_absent(TypicalCaseNomination, key)
    uow.add(
        TypicalCaseNomination.nominate(
            uow.get(Case, cmd.case), cmd.level, cmd.title, cmd.nominated_by, cmd.occurred_at
        )
    )
    return {"nomination": key, "case": cmd.case}


@handles(c.DecideTypicalCase)
def decide_typical_case(uow: UnitOfWork, cmd: c.DecideTypicalCase) -> Ids:
    key = TypicalCaseNomination.key_for(cmd.case, cmd.level)
    uow.get(TypicalCaseNomination, key).decide(cmd.selected, cmd.note, cmd.occurred_at)
    return {"nomination": key, "case": cmd.case}
