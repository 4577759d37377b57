"""What the query side returns and computes: the :class:`Statistics` of a report, the
views every ledger maintains, and the checks of a reporting period.

The query facade itself (the engine of one ledger and its queries) is
:class:`supervision_ledger.application.queries.LedgerQueries`; nothing here imports it.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..domain.policy import Policy
from ..errors import InvalidArgument, InvalidPeriod, UnknownFigure, WrongFigureKind
from .dossier import DossierView
from .engine import Tx, View
from .feedback import FeedbackView
from .figure_keys import FigureKey
from .figures import FIGURES, FigureQuery, FigureValue, Rate
from .flows import FlowStatisticsView
from .hearings import HearingRegisterView
from .listing import ListingView
from .sections.base import Figure, Item
from .statistics import StatisticsView, unit_scope


def statistics_views() -> list[View]:
    """The views every figure of :data:`FIGURES` is computed from."""
    return [StatisticsView(), FlowStatisticsView()]


def default_views() -> list[View]:
    """The views every ledger maintains."""
    return [
        *statistics_views(),
        FeedbackView(),
        DossierView(),
        HearingRegisterView(),
        ListingView(),
    ]


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
        """The figure ``key``, whatever its type (a count, an amount, a rate).

        An unknown key raises :class:`UnknownFigure`, naming the nearest key."""
        try:
            return self.figures[key]
        except KeyError:
            raise UnknownFigure(
                f"no figure {key!r}{_nearest(key)}; every figure: docs/statistics.md"
            ) from None

    def count(self, key: FigureKey) -> int:
        """The count ``key``; :class:`WrongFigureKind` if it is a rate or an amount."""
        found = self.value(key)
        if isinstance(found, bool) or not isinstance(found, int):
            raise WrongFigureKind(_mismatch(key, found, "a count"))
        return found

    def rate(self, key: FigureKey) -> Rate:
        """The rate ``key``; :class:`WrongFigureKind` if it is a count or an amount."""
        found = self.value(key)
        if not isinstance(found, Rate):
            raise WrongFigureKind(_mismatch(key, found, "a rate"))
        return found

    def amount(self, key: FigureKey) -> Decimal:
        """The yuan amount ``key`` (e.g. ``allowances.amount``) as a ``Decimal``."""
        found = self.value(key)
        if not isinstance(found, str):
            raise WrongFigureKind(_mismatch(key, found, "an amount"))
        return Decimal(found)


def _nearest(key: str) -> str:
    close = difflib.get_close_matches(key, list(FIGURES), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _mismatch(key: str, found: FigureValue, wanted: str) -> str:
    if isinstance(found, Rate):
        actual, reader = "a rate", "rate"
    elif isinstance(found, str):
        actual, reader = "an amount", "amount"
    else:
        actual, reader = "a count", "count"
    return f"figure {key!r} is {actual}, not {wanted}: read it with {reader}({key!r})"


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


def figure_of(key: str) -> Figure:
    """The figure ``key``; :class:`UnknownFigure` (naming the nearest key) if there is none."""
    found = FIGURES.get(key) if isinstance(key, str) else None
    if found is None:
        raise UnknownFigure(
            f"no figure {key!r}{_nearest(str(key))}; every figure: docs/statistics.md"
        )
    return found


def explain_figure(
    tx: Tx,
    policy: Policy,
    key: str,
    unit: str | None,
    rollup: bool,
    start: date | None,
    end: date | None,
    as_of: date,
) -> tuple[list[str] | None, FigureValue, dict[str, list[Item]]]:
    """(units in scope, the figure's value, its items) for this scope and period, read in
    one transaction: ``{"items": …}`` for a count or an amount, ``{"numerator": …,
    "denominator": …}`` for a rate — what the figure's section declared beside it."""
    figure = figure_of(key)
    check_period(start, end)
    units = unit_scope(tx, unit, rollup)
    query = FigureQuery(tx=tx, policy=policy, units=units, start=start, end=end, as_of=as_of)
    explainer = figure.explainer
    if explainer is None:  # pragma: no cover - every figure declares one (tests/…/test_explain)
        raise UnknownFigure(f"figure {key!r} has no explanation declared")
    # Items in log order (of their first event), whatever order the database read them in.
    parts = {
        name: sorted(found(query), key=lambda i: i.positions)
        for name, found in (
            ("items", explainer.items),
            ("numerator", explainer.numerator),
            ("denominator", explainer.denominator),
        )
        if found is not None
    }
    return units, figure.compute(query), parts


__all__: list[Any] = [
    "FigureKey",
    "Statistics",
    "UnknownFigure",
    "as_date",
    "check_period",
    "compute_statistics",
    "default_views",
    "explain_figure",
    "figure_of",
    "statistics_views",
]
