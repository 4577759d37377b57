"""Allowances (履职补贴): what was paid to the persons appointed to the units in scope."""

from __future__ import annotations

from decimal import Decimal

from ...domain.supervisor import Supervisor
from ..engine import Tx, View, on
from .base import FigureQuery, FigureValue, Item, Section, item

SECTION = Section(
    "allowances",
    "履职补贴",
    "Allowances",
    "the local date the allowance was paid (AllowancePaid)",
)
figure, count = SECTION.figure, SECTION.count


class AllowanceFacts(View):
    """One row per payment (the person's unit is on the roster rows)."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_stat_allowance": "person_id TEXT NOT NULL, position BIGINT NOT NULL, "
        "paid_on TEXT NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (person_id, position)",
    }

    @on(Supervisor.AllowancePaid)
    def allowance_paid(self, tx: Tx, e: Supervisor.AllowancePaid) -> None:
        tx.upsert(
            "view_stat_allowance",
            {"person_id": str(e.originator_id), "position": tx.position},
            {"paid_on": tx.local_date(e.occurred_at), "amount": str(e.amount)},
        )


# == figures ==============================================================================


def _payments(q: FigureQuery) -> list[Item]:
    """One item per payment (its AllowancePaid position), with its amount."""
    scope, sp = q.scope("p.unit")
    period, pp = q.period("a.paid_on")
    rows = q.rows(
        "SELECT p.supervisor, a.paid_on, a.position, a.amount FROM view_stat_person p "
        "CROSS JOIN view_stat_allowance a "
        f"WHERE a.person_id = p.person_id{scope}{period} ORDER BY a.position",
        [*sp, *pp],
    )
    return [
        Item(
            item([position], supervisor=str(s), paid_on=str(paid_on), position=int(position)).key,
            (int(position),),
            str(amount),
        )
        for s, paid_on, position, amount in rows
    ]


def _allowances(q: FigureQuery) -> list[Item]:
    found: list[Item] = q.shared("allowances", _payments)
    return found


@figure(
    "allowances.amount",
    "支付履职补贴（元）",
    "allowances paid (yuan)",
    "Sum of AllowancePaid amounts to persons appointed to the units in scope, as a decimal "
    "string with two places.",
    items=_allowances,
)
def _allowance_amount(q: FigureQuery) -> FigureValue:
    # Decimal sums in Python: exact, and the same on both databases.
    amount = sum((Decimal(str(i.amount)) for i in _allowances(q)), Decimal("0.00"))
    return str(amount.quantize(Decimal("0.01")))


count(
    "allowances.payments",
    "补贴发放（笔）",
    "allowance payments",
    "AllowancePaid events counted in allowances.amount.",
    items=_allowances,
)
