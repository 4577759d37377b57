"""The pool a draw takes people from: the rosters ``Policy.roster_scopes`` names."""

from __future__ import annotations

from ...domain.supervisor import Supervisor
from ...domain.unit import ProcuratorateUnit
from ...domain.values import Role, UnitLevel
from ..unit_of_work import UnitOfWork


def draw_candidates(uow: UnitOfWork, unit_key: str, role: Role) -> list[Supervisor]:
    """Everyone enrolled with the units whose rosters a draw for ``role`` by ``unit_key``
    uses (the unit of work gives the unit's roster and those above it)."""
    chain: list[tuple[str, UnitLevel]] = []
    key: str | None = unit_key
    while key is not None and all(key != k for k, _ in chain):
        unit = uow.get(ProcuratorateUnit, key)
        chain.append((unit.key, unit.level))
        key = unit.parent
    allowed = uow.policy.roster_units(role, chain)
    return [s for s in uow.candidates(unit_key) if s.unit in allowed]
