"""Drill-down: the events behind a published figure (``Ledger.explain``).

Each figure's section declares, beside its computation, what explains it (an
:class:`~supervision_ledger.projections.sections.base.Explainer`): the query listing the
things it counts, each with the log positions of the events behind it. This module
turns those positions into :class:`LoggedEvent` values read from the log, so an auditor
sees, for "18 opinions", the 18 opinions and the event that put each in the period.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, JsonValue

from ..projections.figures import FigureValue
from ..projections.sections.base import Item
from .following import LedgerLog, LoggedEvent


class ExplainedItem(BaseModel):
    """One thing a figure counts (an opinion, an attendance, a person, a hearing …)."""

    model_config = ConfigDict(frozen=True)

    #: The fields that name it in the views (e.g. ``{"case": "QC-1", "activity": "A1"}``,
    #: ``{"supervisor": "S3"}``, ``{"hearing": "H-7"}``); ids are the aggregates' UUIDs.
    key: dict[str, JsonValue]
    #: The yuan amount it adds, for an amount figure (``allowances.amount``); else None.
    amount: str | None = None
    #: The events behind it, in log order: the event that put it in the period (an
    #: attendance, a submission, a hearing held …) — several for a person or a case
    #: counted once across many events.
    events: list[LoggedEvent]


class Explanation(BaseModel):
    """A figure for one scope and period, with the items it counts.

    For a count, ``len(items) == value``; for an amount, the items' amounts add up to
    ``value``; for a rate, ``len(numerator) == value.numerator`` and ``len(denominator)
    == value.denominator`` (``items`` is then None)."""

    figure: str
    zh: str
    en: str
    #: The figure's exact definition (as docs/statistics.md prints it).
    definition: str
    unit: str | None
    rollup: bool
    units: list[str] | None
    start: date | None
    end: date | None
    as_of: date
    #: The figure's value, as ``Ledger.statistics`` gives it.
    value: FigureValue
    items: list[ExplainedItem] | None = None
    numerator: list[ExplainedItem] | None = None
    denominator: list[ExplainedItem] | None = None


def explained(log: LedgerLog, parts: dict[str, list[Item]]) -> dict[str, list[ExplainedItem]]:
    """The items of each part with their events read from the log (one read per run of
    nearby positions, for every part at once)."""
    events = log.events_at(p for items in parts.values() for i in items for p in i.positions)
    return {
        name: [
            ExplainedItem(key=dict(i.key), amount=i.amount, events=[events[p] for p in i.positions])
            for i in items
        ]
        for name, items in parts.items()
    }


__all__ = ["ExplainedItem", "Explanation", "explained"]
