"""Command handlers for procuratorate units (检察院)."""

from __future__ import annotations

from ... import commands as c
from ...domain.unit import ProcuratorateUnit
from ..results import Ids
from ..unit_of_work import UnitOfWork, handles


@handles(c.RegisterUnit)
def register_unit(uow: UnitOfWork, cmd: c.RegisterUnit) -> Ids:
    uow.require_absent(ProcuratorateUnit, cmd.unit)
    parent = uow.get(ProcuratorateUnit, cmd.parent) if cmd.parent else None
    ProcuratorateUnit.check_parent(cmd.level, parent)
    uow.add(
        ProcuratorateUnit(
            key=cmd.unit,
            name=cmd.name,
            level=cmd.level,
            parent=cmd.parent,
            occurred_at=cmd.occurred_at,
        )
    )
    return {"unit": cmd.unit}
