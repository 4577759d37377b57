"""Roster (在册人员): who is appointed, in which roles, active on the roster date."""

from __future__ import annotations

from ...domain.supervisor import Supervisor
from ...domain.values import Role
from ..engine import Tx, View, on
from .base import FigureQuery, Item, ItemQuery, Section, item

SECTION = Section(
    "roster",
    "在册人员",
    "Roster",
    "the roster date: the period's end, or as_of when the period is open-ended",
)
count = SECTION.count


class RosterFacts(View):
    """Persons (unit, roles), their terms, and their suspensions and removal."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_stat_person": "person_id TEXT PRIMARY KEY, supervisor TEXT NOT NULL, "
        "unit TEXT NOT NULL, roles TEXT NOT NULL, pos BIGINT NOT NULL",
        "view_stat_term": "person_id TEXT NOT NULL, start_on TEXT NOT NULL, "
        "end_on TEXT NOT NULL, PRIMARY KEY (person_id, start_on)",
        "view_stat_inactive": "person_id TEXT NOT NULL, position BIGINT NOT NULL, "
        "start_on TEXT NOT NULL, end_on TEXT, PRIMARY KEY (person_id, position)",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_stat_person_by_unit": "view_stat_person (unit)",
    }

    @on(Supervisor.Appointed)
    def appointed(self, tx: Tx, e: Supervisor.Appointed) -> None:
        roles = "," + ",".join(r.value for r in e.roles) + ","
        pid = str(e.originator_id)
        tx.upsert(
            "view_stat_person",
            {"person_id": pid},
            {"supervisor": e.key, "unit": e.unit, "roles": roles, "pos": tx.position},
        )
        tx.upsert(
            "view_stat_term",
            {"person_id": pid, "start_on": e.term_start.isoformat()},
            {"end_on": e.term_end.isoformat()},
        )

    @on(Supervisor.Suspended)
    def suspended(self, tx: Tx, e: Supervisor.Suspended) -> None:
        tx.upsert(
            "view_stat_inactive",
            {"person_id": str(e.originator_id), "position": tx.position},
            {"start_on": e.effective_on.isoformat(), "end_on": None},
        )

    @on(Supervisor.Reinstated)
    def reinstated(self, tx: Tx, e: Supervisor.Reinstated) -> None:
        self._close_inactive(tx, str(e.originator_id), e.effective_on.isoformat())

    @on(Supervisor.Removed)
    def removed(self, tx: Tx, e: Supervisor.Removed) -> None:
        pid = str(e.originator_id)
        self._close_inactive(tx, pid, e.effective_on.isoformat())  # removal ends a suspension
        tx.upsert(
            "view_stat_inactive",
            {"person_id": pid, "position": tx.position},
            {"start_on": e.effective_on.isoformat(), "end_on": None},
        )

    @staticmethod
    def _close_inactive(tx: Tx, person_id: str, end_on: str) -> None:
        tx.rows(
            "UPDATE view_stat_inactive SET end_on = ? WHERE person_id = ? AND end_on IS NULL",
            [end_on, person_id],
        )

    @on(Supervisor.TermRenewed)
    def term_renewed(self, tx: Tx, e: Supervisor.TermRenewed) -> None:
        tx.upsert(
            "view_stat_term",
            {"person_id": str(e.originator_id), "start_on": e.term_start.isoformat()},
            {"end_on": e.term_end.isoformat()},
        )


# == figures ==============================================================================


def _roster(q: FigureQuery) -> dict[str, list[Item]]:
    """Per role: the persons active on the roster date (their Appointed position)."""
    day = (q.end or q.as_of).isoformat()
    scope, sp = q.scope("p.unit")
    rows = q.rows(
        "SELECT p.roles, p.supervisor, p.pos FROM view_stat_person p "
        "WHERE EXISTS (SELECT 1 FROM view_stat_term t "
        "WHERE t.person_id = p.person_id AND t.start_on <= ? AND ? <= t.end_on) "
        "AND NOT EXISTS (SELECT 1 FROM view_stat_inactive i WHERE i.person_id = p.person_id "
        f"AND i.start_on <= ? AND (i.end_on IS NULL OR ? < i.end_on)){scope}",
        [day, day, day, day, *sp],
    )
    found: dict[str, list[Item]] = {}
    for roles, supervisor, pos in sorted(rows, key=lambda r: int(r[2])):
        for role in (r for r in str(roles).split(",") if r):
            found.setdefault(role, []).append(item([pos], supervisor=str(supervisor)))
    return found


def _on_roster(role: Role) -> ItemQuery:
    def items(q: FigureQuery) -> list[Item]:
        found: list[Item] = q.shared("roster", _roster).get(role.value, [])
        return found

    return items


def _roster_figure(role: Role) -> None:
    items = _on_roster(role)

    count(
        f"roster.{role.value}",
        f"在册{role.zh}（人）",
        f"{role.en} on the roster",
        f"Persons appointed (Appointed) to the units in scope holding the role {role.value} "
        "and active on the roster date: within a term (Appointed or TermRenewed) and neither "
        "suspended nor removed on that date.",
        items=items,
    )


for _role in Role:
    _roster_figure(_role)
