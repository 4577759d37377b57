"""Partner units (协作单位): agreements signed, and in force on the report's day."""

from __future__ import annotations

from datetime import date

from ...domain.partner import PartnerAgreement
from ..engine import Tx, View, on
from .base import FigureQuery, Item, Section, item

SECTION = Section(
    "partners",
    "协作单位",
    "Partner units",
    "the day agreements are judged in force on: the period's end, or as_of when the period "
    "is open-ended (partners.agreements_signed: the local date of signing)",
)
count = SECTION.count


class AgreementFacts(View):
    """One row per agreement: unit, partner, signed, in force from, last day."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_flow_agreement": "agreement_id TEXT PRIMARY KEY, unit TEXT NOT NULL, "
        "partner TEXT NOT NULL, signed_on TEXT NOT NULL, in_force_from TEXT NOT NULL, "
        "last_day TEXT, pos BIGINT NOT NULL",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_flow_agreement_by_unit": "view_flow_agreement (unit)",
    }

    @on(PartnerAgreement.Signed)
    def agreement_signed(self, tx: Tx, e: PartnerAgreement.Signed) -> None:
        tx.upsert(
            "view_flow_agreement",
            {"agreement_id": str(e.originator_id)},
            {
                "unit": e.unit,
                "partner": e.partner,
                "signed_on": tx.local_date(e.occurred_at),
                "in_force_from": e.in_force_from.isoformat(),
                "last_day": None if e.in_force_until is None else e.in_force_until.isoformat(),
                "pos": tx.position,
            },
        )

    @on(PartnerAgreement.Terminated)
    def agreement_terminated(self, tx: Tx, e: PartnerAgreement.Terminated) -> None:
        # No longer in force from the termination date on: the day before is the last.
        last = date.fromordinal(e.effective_on.toordinal() - 1)
        tx.rows(
            "UPDATE view_flow_agreement SET last_day = ? WHERE agreement_id = ?",
            [last.isoformat(), str(e.originator_id)],
        )


# == figures ==============================================================================


def _in_force(q: FigureQuery) -> list[tuple[str, str, int]]:
    """(agreement, partner, Signed position) of the agreements in force on the period end."""
    day = (q.end or q.as_of).isoformat()
    scope, sp = q.scope("unit")
    rows = q.rows(
        "SELECT agreement_id, partner, pos FROM view_flow_agreement "
        f"WHERE in_force_from <= ? AND (last_day IS NULL OR ? <= last_day){scope}",
        [day, day, *sp],
    )
    return sorted(((str(a), str(p), int(pos)) for a, p, pos in rows), key=lambda r: r[2])


def _signed(q: FigureQuery) -> list[tuple[str, str, int]]:
    """(agreement, partner, Signed position) of the agreements signed in the period."""
    scope, sp = q.scope("unit")
    period, pp = q.period("signed_on")
    rows = q.rows(
        f"SELECT agreement_id, partner, pos FROM view_flow_agreement WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )
    return sorted(((str(a), str(p), int(pos)) for a, p, pos in rows), key=lambda r: r[2])


def _agreements(rows: list[tuple[str, str, int]]) -> list[Item]:
    return [item([pos], agreement_id=a, partner=p) for a, p, pos in rows]


def _partners(rows: list[tuple[str, str, int]]) -> list[Item]:
    """One item per distinct partner, with the positions of its agreements."""
    by_partner: dict[str, list[int]] = {}
    for _, partner, pos in rows:
        by_partner.setdefault(partner, []).append(pos)
    return [item(p, partner=partner) for partner, p in by_partner.items()]


def _units_in_force_items(q: FigureQuery) -> list[Item]:
    return _partners(q.shared("in_force", _in_force))


def _agreements_in_force_items(q: FigureQuery) -> list[Item]:
    return _agreements(q.shared("in_force", _in_force))


def _agreements_signed_items(q: FigureQuery) -> list[Item]:
    return _agreements(q.shared("signed", _signed))


def _units_signed_items(q: FigureQuery) -> list[Item]:
    return _partners(q.shared("signed", _signed))


count(
    "partners.units_in_force",
    "协作单位（个）",
    "partner units",
    "Distinct partner names with an agreement (Signed) of the units in scope in force on the "
    "period's end: on or after in_force_from, and on or before in_force_until (if any) and "
    "before the effective date of a Terminated event (if any). A renewed agreement with the "
    "same partner counts the partner once.",
    items=_units_in_force_items,
)


count(
    "partners.agreements_in_force",
    "有效协作协议（份）",
    "agreements in force",
    "Agreements of the units in scope in force on the period's end, as in partners.units_in_force.",
    items=_agreements_in_force_items,
)


count(
    "partners.agreements_signed",
    "签订协作协议（份）",
    "agreements signed",
    "Signed events of the units in scope whose local date (occurred_at) is in the period.",
    items=_agreements_signed_items,
)


count(
    "partners.units_signed",
    "达成合作协议的单位（个）",
    "partner units that signed",
    "Distinct partner names among the agreements counted in partners.agreements_signed "
    "(seed 003: 先后与16家单位达成合作协议 — whether or not still in force; "
    "partners.units_in_force is the roster on the period's end).",
    items=_units_signed_items,
)
