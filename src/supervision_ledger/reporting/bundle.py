"""What a rendered report needs besides its figures: the log position and chain hash
they were computed at, the units' names, and for the charts the same figures per unit
(under a rolled-up unit) and per month of the period."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..audit import Digest
from ..domain.errors import LedgerError
from ..projections.api import Statistics

if TYPE_CHECKING:
    from ..application import Ledger

#: Told (statistics computed, statistics to compute) as a report is gathered.
Progress = Callable[[int, int], None]
#: Attempts at reading the figures while nothing new is recorded, on a busy ledger.
ATTEMPTS = 3


class LogKeptMoving(LedgerError):
    """New events kept arriving while a report was computed: no single log position
    can be named for it. Retry, or use ``at_position``."""

    rule = "log_kept_moving"


@dataclass(frozen=True)
class Scope:
    """What a report is asked for (the arguments of :meth:`Ledger.statistics`)."""

    unit: str | None = None
    rollup: bool = False
    start: date | None = None
    end: date | None = None
    as_of: date | None = None
    at_position: int | None = None


@dataclass(frozen=True)
class ReportBundle:
    statistics: Statistics
    #: The log (position, chain hash, count) the figures were computed at.
    digest: Digest
    #: Unit key → name, for every unit the report names.
    unit_names: dict[str, str] = field(default_factory=dict)
    #: Under a rolled-up unit: each unit in scope, alone (its own cases and people).
    units: dict[str, Statistics] = field(default_factory=dict)
    #: ``YYYY-MM`` → the figures of that month (clipped to the period); only for a
    #: period with both ends.
    months: dict[str, Statistics] = field(default_factory=dict)

    def unit_label(self, key: str | None) -> str:
        if key is None:
            return ""
        name = self.unit_names.get(key)
        return f"{name} ({key})" if name else key


def months_of(start: date, end: date) -> list[tuple[str, date, date]]:
    """(``YYYY-MM``, first day, last day) of every month the period touches, clipped."""
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = date(year, month, calendar.monthrange(year, month)[1])
        found.append((f"{year:04d}-{month:02d}", max(start, date(year, month, 1)), min(end, last)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def gather(
    ledger: Ledger,
    scope: Scope,
    *,
    breakdowns: bool = False,
    progress: Progress | None = None,
) -> ReportBundle:
    """The figures of ``scope`` with the digest of the log they were computed at; with
    ``breakdowns``, also per unit (for a roll-up) and per month (for a bounded period).

    Without ``at_position`` the figures come from the views; if the log grows while
    they are read, they are read again (:class:`LogKeptMoving` after a few tries)."""
    for _ in range(ATTEMPTS):
        before = ledger.digest(at_position=scope.at_position)
        bundle = _compute(ledger, scope, before, breakdowns, progress)
        if scope.at_position is not None or ledger.digest() == before:
            return bundle
    raise LogKeptMoving(
        f"new events arrived while the report was computed ({ATTEMPTS} tries); "
        "retry, or give a log position (--at-position)"
    )


def _compute(
    ledger: Ledger,
    scope: Scope,
    digest: Digest,
    breakdowns: bool,
    progress: Progress | None,
) -> ReportBundle:
    def figures(unit: str | None, rollup: bool, start: date | None, end: date | None) -> Statistics:
        return ledger.statistics(
            unit,
            rollup=rollup,
            start=start,
            end=end,
            as_of=scope.as_of,
            at_position=scope.at_position,
        )

    stats = figures(scope.unit, scope.rollup, scope.start, scope.end)
    months = months_of(scope.start, scope.end) if scope.start and scope.end else []
    units = stats.units if scope.rollup and stats.units else []
    jobs: list[tuple[str, str | None, bool, date | None, date | None]] = []
    if breakdowns:
        jobs += [("unit", key, False, scope.start, scope.end) for key in units]
        jobs += [(name, scope.unit, scope.rollup, first, last) for name, first, last in months]
    total = 1 + len(jobs)
    if progress is not None:
        progress(1, total)
    per_unit: dict[str, Statistics] = {}
    per_month: dict[str, Statistics] = {}
    for done, (kind, unit, rollup, first, last) in enumerate(jobs, start=2):
        result = figures(unit, rollup, first, last)
        if kind == "unit":
            assert unit is not None
            per_unit[unit] = result
        else:
            per_month[kind] = result
        if progress is not None:
            progress(done, total)
    names = {key: ledger.unit(key).name for key in sorted({*(stats.units or []), *units})}
    if scope.unit is not None:
        names[scope.unit] = ledger.unit(scope.unit).name
    return ReportBundle(stats, digest, names, per_unit, per_month)
