"""Leads (线索): reported, accepted or rejected, turned into cases — by source."""

from __future__ import annotations

from ...domain.lead import Lead, LeadSource
from ..engine import Tx, View, on
from .base import FigureQuery, Item, ItemQuery, Section, item

SECTION = Section(
    "leads",
    "线索",
    "Leads",
    "the local date the lead was reported (Reported); acceptance and cases count whenever "
    "they happened",
)
count = SECTION.count


class LeadFacts(View):
    """One row per lead: unit, source, the day reported, and what became of it."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_flow_lead": "lead_id TEXT PRIMARY KEY, unit TEXT NOT NULL, source TEXT NOT NULL, "
        "reported_on TEXT NOT NULL, accepted INTEGER NOT NULL, rejected INTEGER NOT NULL, "
        "case_on TEXT, pos BIGINT NOT NULL",
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
                "pos": tx.position,
            },
        )

    @on(Lead.Accepted)
    def lead_accepted(self, tx: Tx, e: Lead.Accepted) -> None:
        tx.update("view_flow_lead", (str(e.originator_id),), {"accepted": 1})

    @on(Lead.Rejected)
    def lead_rejected(self, tx: Tx, e: Lead.Rejected) -> None:
        tx.update("view_flow_lead", (str(e.originator_id),), {"rejected": 1})

    @on(Lead.TurnedIntoCase)
    def lead_turned_into_case(self, tx: Tx, e: Lead.TurnedIntoCase) -> None:
        tx.update(
            "view_flow_lead", (str(e.originator_id),), {"case_on": tx.local_date(e.occurred_at)}
        )


# == figures ==============================================================================


#: What became of a lead, as the figures count it.
_OUTCOMES = ("reported", "accepted", "rejected", "turned_into_cases")


def _leads(q: FigureQuery) -> dict[tuple[str | None, str], list[Item]]:
    """(source or None for every source, outcome) → the leads reported in the period
    (their Reported position) with that outcome."""
    scope, sp = q.scope("unit")
    period, pp = q.period("reported_on")
    rows = q.rows(
        "SELECT lead_id, source, accepted, rejected, case_on, pos FROM view_flow_lead "
        f"WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )
    found: dict[tuple[str | None, str], list[Item]] = {}
    for lead_id, source, accepted, rejected, case_on, pos in sorted(rows, key=lambda r: r[5]):
        one = item([pos], lead_id=str(lead_id))
        outcomes = (True, bool(accepted), bool(rejected), case_on is not None)
        for outcome, present in zip(_OUTCOMES, outcomes, strict=True):
            if present:
                found.setdefault((None, outcome), []).append(one)
                found.setdefault((str(source), outcome), []).append(one)
    return found


def _leads_with(source: str | None, outcome: str) -> ItemQuery:
    def items(q: FigureQuery) -> list[Item]:
        found: list[Item] = q.shared("leads", _leads).get((source, outcome), [])
        return found

    return items


count(
    "leads.reported",
    "收到线索（件）",
    "leads reported",
    "Reported events of leads of the units in scope, from every source.",
    items=_leads_with(None, "reported"),
)


count(
    "leads.accepted",
    "线索受理（件）",
    "leads accepted",
    "Leads counted in leads.reported with an Accepted event (including those later turned "
    "into cases).",
    items=_leads_with(None, "accepted"),
)


count(
    "leads.rejected",
    "线索不予受理（件）",
    "leads rejected",
    "Leads counted in leads.reported with a Rejected event.",
    items=_leads_with(None, "rejected"),
)


count(
    "leads.turned_into_cases",
    "线索成案（件）",
    "leads turned into cases",
    "Leads counted in leads.reported with a TurnedIntoCase event (a lead becomes at most one "
    "case).",
    items=_leads_with(None, "turned_into_cases"),
)


def _lead_source_figures(source: LeadSource) -> None:
    reported_items = _leads_with(source.value, "reported")
    accepted_items = _leads_with(source.value, "accepted")
    case_items = _leads_with(source.value, "turned_into_cases")

    en = source.en
    count(
        f"leads.{source.value}.reported",
        f"{source.zh}线索（件）",
        f"leads {en}",
        f"Leads counted in leads.reported whose source is {source.value}.",
        items=reported_items,
    )
    count(
        f"leads.{source.value}.accepted",
        f"{source.zh}线索受理（件）",
        f"leads {en}, accepted",
        f"Leads counted in leads.{source.value}.reported with an Accepted event.",
        items=accepted_items,
    )
    count(
        f"leads.{source.value}.turned_into_cases",
        f"{source.zh}线索成案（件）",
        f"leads {en}, turned into cases",
        f"Leads counted in leads.{source.value}.reported with a TurnedIntoCase event.",
        items=case_items,
    )


for _source in LeadSource:
    _lead_source_figures(_source)
