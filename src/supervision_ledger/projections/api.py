"""The query side of the :class:`~supervision_ledger.Ledger`.

Read-your-writes: every query first catches the views up with the log (one cheap
``max(notification id)`` query when nothing is new), so after a command returns, a
query on the same ``Ledger`` sees its effect. Views written by another process are
caught up the same way: whoever asks first applies the new pages, exactly once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..domain.policy import Policy
from ..persistence.store import StoreConfig, parse_store_url
from .dossier import Dossier, DossierView, dossier
from .engine import Progress, ProjectionEngine, Tx, View, open_views_database, scratch_database
from .feedback import FeedbackView, PendingFeedback, pending_feedback
from .figures import FIGURES, FigureQuery, FigureValue, Rate
from .flows import FlowStatisticsView
from .hearings import HearingRegister, HearingRegisterView, hearing_register
from .statistics import StatisticsView, unit_scope

if TYPE_CHECKING:
    from ..application import LedgerApplication


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
        return self.figures[key]

    def count(self, key: str) -> int:
        found = self.figures[key]
        assert isinstance(found, int), f"{key} is not a count"
        return found

    def rate(self, key: str) -> Rate:
        found = self.figures[key]
        assert isinstance(found, Rate), f"{key} is not a rate"
        return found


def as_date(value: date | str | None, name: str) -> date | None:
    """A local date given as a ``date`` or an ISO ``YYYY-MM-DD`` string (as commands take
    them); anything else is refused naming the parameter."""
    if value is None:
        return None
    if isinstance(value, datetime):
        raise ValueError(f"{name}: give a date (YYYY-MM-DD), not a date and time: {value}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None
    raise TypeError(f"{name}: expected a date or 'YYYY-MM-DD', not {type(value).__name__}")


def check_period(start: date | None, end: date | None) -> None:
    """A period is an inclusive range of local dates; one that ends before it starts is
    a mistake, not an empty answer."""
    if start is not None and end is not None and end < start:
        raise ValueError(f"end: the period ends {end} before it starts {start}")


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


class LedgerQueries:
    """Mixed into :class:`~supervision_ledger.Ledger`: projections and their queries."""

    app: LedgerApplication
    store: StoreConfig
    policy: Policy
    views_url: str | None
    _views: ProjectionEngine | None

    # -- the engine ------------------------------------------------------------------

    @property
    def views(self) -> ProjectionEngine:
        """The projection engine (opened on first use, in ``views_url`` or the store)."""
        if self._views is None:
            config = self.store if self.views_url is None else parse_store_url(self.views_url)
            self._views = ProjectionEngine(
                self.app.recorder,
                self.app.mapper,
                open_views_database(config),
                default_views(),
                self.policy.timezone,
            )
        return self._views

    def close_views(self) -> None:
        if self._views is not None:
            self._views.close()
            self._views = None

    def catch_up(self) -> int:
        """Bring every view up to the end of the log; returns the position reached."""
        return self.views.catch_up()

    def last_service_on(self, supervisor: str) -> date | None:
        """The latest local date ``supervisor`` was invited (to an activity or a hearing),
        attended, or submitted an opinion — what a suspension or removal may not precede.
        """
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            row = tx.one(
                "SELECT MAX(d) FROM ("
                "SELECT MAX(invited_on) AS d FROM view_dossier_invitation WHERE supervisor = ? "
                "UNION ALL SELECT MAX(submitted_on) FROM view_dossier_opinion WHERE supervisor = ? "
                "UNION ALL SELECT MAX(attended_on) FROM view_stat_participation "
                "WHERE supervisor = ?) AS service",
                [supervisor, supervisor, supervisor],
            )
        return None if row is None or row[0] is None else date.fromisoformat(str(row[0]))

    def rebuild_views(self, progress: Progress | None = None) -> int:
        """Drop every view and replay the log from the start."""
        return self.views.rebuild(progress)

    def _today(self) -> date:
        return datetime.now(self.policy.zone).date()

    # -- queries -----------------------------------------------------------------------

    def statistics(
        self,
        unit: str | None = None,
        *,
        rollup: bool = False,
        start: date | str | None = None,
        end: date | str | None = None,
        as_of: date | str | None = None,
        at_position: int | None = None,
    ) -> Statistics:
        """The published figures for ``unit`` (with its subordinate units if ``rollup``)
        over the local dates ``start``–``end`` (inclusive; None: open-ended).

        ``as_of`` (default: today, local) is the day overdue feedback is judged on.
        ``at_position`` gives the figures as they stood when the log ended at that
        notification id: the log up to it is replayed into a scratch database.
        """
        first, last = as_date(start, "start"), as_date(end, "end")
        judged = as_date(as_of, "as_of") or self._today()
        if at_position is not None:
            return self._statistics_at(at_position, unit, rollup, first, last, judged)
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            return compute_statistics(tx, self.policy, unit, rollup, first, last, judged)

    def _statistics_at(
        self,
        position: int,
        unit: str | None,
        rollup: bool,
        start: date | None,
        end: date | None,
        as_of: date,
    ) -> Statistics:
        if position < 0:
            raise ValueError(f"at_position: {position} is not a log position")
        scratch = ProjectionEngine(
            self.app.recorder,
            self.app.mapper,
            scratch_database(),
            statistics_views(),
            self.policy.timezone,
        )
        try:
            scratch.catch_up(until=position)
            with scratch.reading() as tx:
                return compute_statistics(tx, self.policy, unit, rollup, start, end, as_of)
        finally:
            scratch.close()

    def pending_feedback(
        self,
        unit: str | None = None,
        *,
        rollup: bool = False,
        supervisor: str | None = None,
        case: str | None = None,
        overdue_only: bool = False,
        as_of: date | str | None = None,
    ) -> PendingFeedback:
        """Every matter not yet fully answered (件件有着落、事事有回音), oldest first:
        opinions, served procuratorial suggestions and petitions, each with its stage,
        due date (per policy) and overdue flag as of ``as_of`` (default today).

        ``supervisor`` keeps only that person's opinions (suggestions and petitions are
        not a supervisor's); ``case`` keeps the matters of that case."""
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            units = unit_scope(tx, unit, rollup)
            judged = as_date(as_of, "as_of") or self._today()
            return pending_feedback(tx, self.policy, judged, units, supervisor, case, overdue_only)

    def dossier(self, supervisor: str) -> Dossier:
        """一人一档: the file of one person, by their key."""
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            return dossier(tx, supervisor)

    def hearings(
        self,
        unit: str | None = None,
        *,
        rollup: bool = False,
        start: date | str | None = None,
        end: date | str | None = None,
    ) -> HearingRegister:
        """The hearing register: hearings proposed in the period, oldest first."""
        first, last = as_date(start, "start"), as_date(end, "end")
        check_period(first, last)
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            return hearing_register(tx, unit_scope(tx, unit, rollup), first, last)


__all__: list[Any] = [
    "LedgerQueries",
    "Statistics",
    "compute_statistics",
    "default_views",
    "statistics_views",
]
