"""The scope of every report: units and their hierarchy, and the unit of each case.

A unit activity (issue 12: an activity of a unit, not of a case) has a row beside the
cases (``kind`` ``unit_activity``, its key as ``case_key``): its activity, attendances and
opinions are recorded by the case events and so are counted by the same rows.

Every statistics section places its matters in a unit through these rows (a case's
unit; a hearing's and a person's are their own columns), and :func:`unit_scope` turns
"this unit, alone or rolled up" into the list of units a report covers.
"""

from __future__ import annotations

from ...domain.case import Case
from ...domain.errors import NotFound
from ...domain.unit import ProcuratorateUnit
from ...domain.unit_activity import UnitActivity
from ..engine import Tx, View, on


class ScopeFacts(View):
    """Units (with their parent) and cases (with their unit)."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_stat_unit": "unit TEXT PRIMARY KEY, parent TEXT, name TEXT NOT NULL",
        "view_stat_case": "case_id TEXT PRIMARY KEY, case_key TEXT NOT NULL, unit TEXT NOT NULL, "
        # 'case' or 'unit_activity'
        "kind TEXT NOT NULL",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_stat_unit_by_parent": "view_stat_unit (parent)",
        "view_stat_case_by_unit": "view_stat_case (unit)",
    }

    @on(ProcuratorateUnit.Registered)
    def unit_registered(self, tx: Tx, e: ProcuratorateUnit.Registered) -> None:
        tx.upsert("view_stat_unit", {"unit": e.key}, {"parent": e.parent, "name": e.name})

    @on(Case.Registered)
    def case_registered(self, tx: Tx, e: Case.Registered) -> None:
        tx.upsert(
            "view_stat_case",
            {"case_id": str(e.originator_id)},
            {"case_key": e.key, "unit": e.unit, "kind": "case"},
        )

    @on(UnitActivity.Opened)
    def unit_activity_opened(self, tx: Tx, e: UnitActivity.Opened) -> None:
        tx.upsert(
            "view_stat_case",
            {"case_id": str(e.originator_id)},
            {"case_key": e.key, "unit": e.unit, "kind": "unit_activity"},
        )


def unit_scope(tx: Tx, unit: str | None, rollup: bool) -> list[str] | None:
    """The units a report covers: ``unit`` alone, or with every unit under it.

    Walks down the hierarchy through the index on ``parent``, so the cost follows the
    units in scope, not the number of units in the ledger."""
    if unit is None:
        return None
    if tx.one("SELECT unit FROM view_stat_unit WHERE unit = ?", [unit]) is None:
        raise NotFound(f"unit: no procuratorate unit {unit!r} in the ledger")
    if not rollup:
        return [unit]
    rows = tx.rows(
        "WITH RECURSIVE scope (unit) AS (SELECT CAST(? AS TEXT) UNION "
        "SELECT u.unit FROM view_stat_unit u JOIN scope s ON u.parent = s.unit) "
        "SELECT unit FROM scope",
        [unit],
    )
    return sorted({str(u) for (u,) in rows})
