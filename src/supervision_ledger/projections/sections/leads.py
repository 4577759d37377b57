"""Leads (线索): reported, accepted or rejected, turned into cases — by source."""

from __future__ import annotations

from ...domain.lead import Lead, LeadSource
from ..engine import Tx, View, on
from .base import FigureQuery, FigureValue, Section

SECTION = Section(
    "leads",
    "线索",
    "Leads",
    "the local date the lead was reported (Reported); acceptance and cases count whenever "
    "they happened",
)
figure, define = SECTION.figure, SECTION.define


class LeadFacts(View):
    """One row per lead: unit, source, the day reported, and what became of it."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_flow_lead": "lead_id TEXT PRIMARY KEY, unit TEXT NOT NULL, source TEXT NOT NULL, "
        "reported_on TEXT NOT NULL, accepted INTEGER NOT NULL, rejected INTEGER NOT NULL, "
        "case_on TEXT",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_flow_lead_by_unit": "view_flow_lead (unit, reported_on)",
    }

    @on(Lead.Reported)
    def lead_reported(self, tx: Tx, e: Lead.Reported) -> None:
        tx.upsert(
            "view_flow_lead",
            {"lead_id": str(e.originator_id)},
            {
                "unit": e.unit,
                "source": e.source.value,
                "reported_on": tx.local_date(e.occurred_at),
                "accepted": 0,
                "rejected": 0,
            },
        )

    @on(Lead.Accepted)
    def lead_accepted(self, tx: Tx, e: Lead.Accepted) -> None:
        tx.rows("UPDATE view_flow_lead SET accepted = 1 WHERE lead_id = ?", [str(e.originator_id)])

    @on(Lead.Rejected)
    def lead_rejected(self, tx: Tx, e: Lead.Rejected) -> None:
        tx.rows("UPDATE view_flow_lead SET rejected = 1 WHERE lead_id = ?", [str(e.originator_id)])

    @on(Lead.TurnedIntoCase)
    def lead_turned_into_case(self, tx: Tx, e: Lead.TurnedIntoCase) -> None:
        tx.rows(
            "UPDATE view_flow_lead SET case_on = ? WHERE lead_id = ?",
            [tx.local_date(e.occurred_at), str(e.originator_id)],
        )


# == figures ==============================================================================


def _leads(q: FigureQuery) -> dict[str, tuple[int, int, int, int]]:
    """Per source: (reported, accepted, rejected, turned into cases)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("reported_on")
    rows = q.rows(
        "SELECT source, COUNT(*), COALESCE(SUM(accepted), 0), COALESCE(SUM(rejected), 0), "
        f"COUNT(case_on) FROM view_flow_lead WHERE 1 = 1{scope}{period} GROUP BY source",
        [*sp, *pp],
    )
    return {str(s): (int(a), int(b), int(c), int(d)) for s, a, b, c, d in rows}


def _lead_total(q: FigureQuery, index: int) -> int:
    by_source: dict[str, tuple[int, ...]] = q.shared("leads", _leads)
    return sum(counts[index] for counts in by_source.values())


@figure(
    "leads.reported",
    "收到线索（件）",
    "leads reported",
    "Reported events of leads of the units in scope, from every source.",
)
def _leads_reported(q: FigureQuery) -> FigureValue:
    return _lead_total(q, 0)


@figure(
    "leads.accepted",
    "线索受理（件）",
    "leads accepted",
    "Leads counted in leads.reported with an Accepted event (including those later turned "
    "into cases).",
)
def _leads_accepted(q: FigureQuery) -> FigureValue:
    return _lead_total(q, 1)


@figure(
    "leads.rejected",
    "线索不予受理（件）",
    "leads rejected",
    "Leads counted in leads.reported with a Rejected event.",
)
def _leads_rejected(q: FigureQuery) -> FigureValue:
    return _lead_total(q, 2)


@figure(
    "leads.turned_into_cases",
    "线索成案（件）",
    "leads turned into cases",
    "Leads counted in leads.reported with a TurnedIntoCase event (a lead becomes at most one "
    "case).",
)
def _leads_cases(q: FigureQuery) -> FigureValue:
    return _lead_total(q, 3)


def _lead_source_figures(source: LeadSource) -> None:
    def counts(q: FigureQuery) -> tuple[int, int, int, int]:
        found: tuple[int, int, int, int] = q.shared("leads", _leads).get(source.value, (0, 0, 0, 0))
        return found

    def reported(q: FigureQuery) -> FigureValue:
        return counts(q)[0]

    def accepted(q: FigureQuery) -> FigureValue:
        return counts(q)[1]

    def cases(q: FigureQuery) -> FigureValue:
        return counts(q)[3]

    en = source.en
    define(
        f"leads.{source.value}.reported",
        f"{source.zh}线索（件）",
        f"leads {en}",
        f"Leads counted in leads.reported whose source is {source.value}.",
        reported,
    )
    define(
        f"leads.{source.value}.accepted",
        f"{source.zh}线索受理（件）",
        f"leads {en}, accepted",
        f"Leads counted in leads.{source.value}.reported with an Accepted event.",
        accepted,
    )
    define(
        f"leads.{source.value}.turned_into_cases",
        f"{source.zh}线索成案（件）",
        f"leads {en}, turned into cases",
        f"Leads counted in leads.{source.value}.reported with a TurnedIntoCase event.",
        cases,
    )


for _source in LeadSource:
    _lead_source_figures(_source)
