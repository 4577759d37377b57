"""What the query side returns and computes: the :class:`Statistics` of a report, the
views every ledger maintains, and the checks of a reporting period.

The query facade itself (the engine of one ledger and its queries) is
:class:`supervision_ledger.application.queries.LedgerQueries`; nothing here imports it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from ..domain.policy import Policy
from ..errors import InvalidArgument, InvalidPeriod, UnknownFigure, WrongFigureKind
from .dossier import DossierView
from .engine import Tx, View
from .feedback import FeedbackView
from .figures import FIGURES, FigureQuery, FigureValue, Rate
from .flows import FlowStatisticsView
from .hearings import HearingRegisterView
from .statistics import StatisticsView, unit_scope


def statistics_views() -> list[View]:
    """The views every figure of :data:`FIGURES` is computed from."""
    return [StatisticsView(), FlowStatisticsView()]


def default_views() -> list[View]:
    """The views every ledger maintains."""
    return [*statistics_views(), FeedbackView(), DossierView(), HearingRegisterView()]


class Statistics(BaseModel):
    """The figures of one report: a unit (alone or rolled up) over a period."""

    #: The unit asked for; None: every unit in the ledger.
    unit: str | None
    #: True when subordinate units are included (全市 / 两级院).
    rollup: bool
    #: The units the figures cover (None: all).
    units: list[str] | None
    #: First and last local date of the period (inclusive); None: open-ended.
    start: date | None
    end: date | None
    #: The day overdue feedback and replies are judged on (and the roster and partner
    #: agreements, for an open period).
    as_of: date
    #: Figure key → count, yuan amount (decimal string) or rate.
    figures: dict[str, FigureValue]

    def value(self, key: str) -> FigureValue:
        """The figure ``key``; raises :class:`UnknownFigure` for a key no figure has."""
        try:
            return self.figures[key]
        except KeyError:
            raise UnknownFigure(f"no figure {key!r} (see docs/statistics.md)") from None

    def count(self, key: str) -> int:
        """A count; raises :class:`WrongFigureKind` for a rate or an amount."""
        found = self.value(key)
        if not isinstance(found, int):
            raise WrongFigureKind(f"{key!r} is a {_kind(found)}, not a count")
        return found

    def rate(self, key: str) -> Rate:
        """A rate; raises :class:`WrongFigureKind` for a count or an amount."""
        found = self.value(key)
        if not isinstance(found, Rate):
            raise WrongFigureKind(f"{key!r} is a {_kind(found)}, not a rate")
        return found


def _kind(value: FigureValue) -> str:
    if isinstance(value, Rate):
        return "rate"
    return "count" if isinstance(value, int) else "yuan amount"


def as_date(value: date | str | None, name: str) -> date | None:
    """A local date given as a ``date`` or an ISO ``YYYY-MM-DD`` string (as commands take
    them); anything else is refused naming the parameter."""
    if value is None:
        return None
    if isinstance(value, datetime):
        raise InvalidArgument(f"{name}: give a date (YYYY-MM-DD), not a date and time: {value}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidArgument(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None
    raise InvalidArgument(f"{name}: expected a date or 'YYYY-MM-DD', not {type(value).__name__}")


def check_period(start: date | None, end: date | None) -> None:
    """A period is an inclusive range of local dates; one that ends before it starts is
    a mistake, not an empty answer."""
    if start is not None and end is not None and end < start:
        raise InvalidPeriod(f"end: the period ends {end} before it starts {start}")


def compute_statistics(
    tx: Tx,
    policy: Policy,
    unit: str | None,
    rollup: bool,
    start: date | None,
    end: date | None,
    as_of: date,
) -> Statistics:
    """Every registered figure for this scope and period, from the statistics view."""
    check_period(start, end)
    units = unit_scope(tx, unit, rollup)
    query = FigureQuery(tx=tx, policy=policy, units=units, start=start, end=end, as_of=as_of)
    figures = {key: fig.compute(query) for key, fig in FIGURES.items()}
    return Statistics(
        unit=unit, rollup=rollup, units=units, start=start, end=end, as_of=as_of, figures=figures
    )


__all__: list[Any] = [
    "Statistics",
    "as_date",
    "check_period",
    "compute_statistics",
    "default_views",
    "statistics_views",
]
