"""The query side of the :class:`~supervision_ledger.Ledger`: projections and their queries.

Read-your-writes: every query first catches the views up with the log (one cheap
``max(notification id)`` query when nothing is new), so after a command returns, a
query on the same ``Ledger`` sees its effect. Views written by another process are
caught up the same way: whoever asks first applies the new pages, exactly once.
"""

from __future__ import annotations

import threading
from datetime import date, datetime

from ..domain.policy import Policy
from ..errors import InvalidArgument
from ..persistence.store import StoreConfig, parse_store_url
from ..projections.api import (
    Statistics,
    as_date,
    check_period,
    compute_statistics,
    default_views,
    explain_figure,
    statistics_views,
)
from ..projections.dossier import Dossier, dossier
from ..projections.engine import (
    Progress,
    ProjectionEngine,
    open_views_database,
    scratch_database,
)
from ..projections.feedback import PendingFeedback, page_feedback, pending_feedback
from ..projections.figures import FigureValue
from ..projections.hearings import HearingRegister, hearing_register
from ..projections.listing import MAX_LIMIT, Listing, check_kind, list_items
from ..projections.sections.base import Item
from ..projections.sections.hearings import UnsupervisedHearing, mandatory_supervision
from ..projections.statistics import unit_scope
from .eventsourced import LedgerApplication
from .store_errors import store_errors


def check_limit(limit: int | None, cursor: str | None) -> None:
    """A page size (1–:data:`MAX_LIMIT`), or None for everything (then no cursor)."""
    if limit is None:
        if cursor is not None:
            raise InvalidArgument("cursor: page with limit= (the cursor came with a page size)")
        return
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidArgument(f"limit: {limit!r} is not a page size from 1 to {MAX_LIMIT}")


class LedgerQueries:
    """The projection engine of one ledger (opened on first use) and the queries on it."""

    def __init__(
        self,
        app: LedgerApplication,
        store: StoreConfig,
        policy: Policy,
        views_url: str | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.policy = policy
        self.views_url = views_url
        self._views: ProjectionEngine | None = None
        self._opening = threading.Lock()  # threads asking first open one engine, not two

    # -- the engine ------------------------------------------------------------------

    @property
    def views(self) -> ProjectionEngine:
        """The projection engine (opened on first use, in ``views_url`` or the store)."""
        engine = self._views
        if engine is None:
            with self._opening, store_errors():
                if self._views is None:
                    config = (
                        self.store if self.views_url is None else parse_store_url(self.views_url)
                    )
                    self._views = ProjectionEngine(
                        self.app.recorder,
                        self.app.mapper,
                        open_views_database(config),
                        default_views(),
                        self.policy.timezone,
                    )
                engine = self._views
        return engine

    def close(self) -> None:
        with self._opening:
            if self._views is not None:
                self._views.close()
                self._views = None

    @store_errors()
    def catch_up(self) -> int:
        """Bring every view up to the end of the log; returns the position reached."""
        return self.views.catch_up()

    @store_errors()
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

    @store_errors()
    def rebuild_views(self, progress: Progress | None = None) -> int:
        """Drop every view and replay the log from the start."""
        return self.views.rebuild(progress)

    def today(self) -> date:
        return datetime.now(self.policy.zone).date()

    # -- queries -----------------------------------------------------------------------

    @store_errors()
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
        """The published figures; see :meth:`Ledger.statistics`."""
        first, last = as_date(start, "start"), as_date(end, "end")
        judged = as_date(as_of, "as_of") or self.today()
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
            raise InvalidArgument(f"at_position: {position} is not a log position")
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

    @store_errors()
    def explain(
        self,
        key: str,
        unit: str | None,
        *,
        rollup: bool,
        start: date | str | None,
        end: date | str | None,
        as_of: date | str | None,
    ) -> tuple[list[str] | None, date, FigureValue, dict[str, list[Item]]]:
        """(units, as_of, value, items) of one figure; see :meth:`Ledger.explain`."""
        first, last = as_date(start, "start"), as_date(end, "end")
        judged = as_date(as_of, "as_of") or self.today()
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            units, value, parts = explain_figure(
                tx, self.policy, key, unit, rollup, first, last, judged
            )
        return units, judged, value, parts

    @store_errors()
    def pending_feedback(
        self,
        unit: str | None = None,
        *,
        rollup: bool = False,
        supervisor: str | None = None,
        case: str | None = None,
        overdue_only: bool = False,
        as_of: date | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> PendingFeedback:
        """Every matter not yet fully answered; see :meth:`Ledger.pending_feedback`."""
        check_limit(limit, cursor)
        judged = as_date(as_of, "as_of") or self.today()
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            units = unit_scope(tx, unit, rollup)
            found = pending_feedback(tx, self.policy, judged, units, supervisor, case, overdue_only)
        if limit is None:
            return found
        filters = {
            "of": "pending_feedback",
            "unit": unit,
            "rollup": rollup,
            "supervisor": supervisor,
            "case": case,
            "overdue_only": overdue_only,
            "as_of": judged,
        }
        return page_feedback(found, limit, cursor, filters)

    @store_errors()
    def dossier(self, supervisor: str) -> Dossier:
        """一人一档: the file of one person, by their key."""
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            return dossier(tx, supervisor)

    @store_errors()
    def hearings(
        self,
        unit: str | None = None,
        *,
        rollup: bool = False,
        start: date | str | None = None,
        end: date | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> HearingRegister:
        """The hearing register: hearings proposed in the period, oldest first."""
        check_limit(limit, cursor)
        first, last = as_date(start, "start"), as_date(end, "end")
        check_period(first, last)
        filters = {"of": "hearings", "unit": unit, "rollup": rollup, "start": first, "end": last}
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            units = unit_scope(tx, unit, rollup)
            return hearing_register(
                tx, units, first, last, limit=limit, cursor=cursor, filters=filters
            )

    @store_errors()
    def unsupervised_hearings(
        self,
        unit: str | None = None,
        *,
        rollup: bool = False,
        start: date | str | None = None,
        end: date | str | None = None,
    ) -> list[UnsupervisedHearing]:
        """Public hearings of the policy's mandatory kinds held without a people's
        supervisor; see :meth:`Ledger.unsupervised_hearings`."""
        first, last = as_date(start, "start"), as_date(end, "end")
        check_period(first, last)
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            units = unit_scope(tx, unit, rollup)
            return mandatory_supervision(tx, self.policy, units, first, last)[1]

    @store_errors()
    def listing(
        self,
        kind: str,
        *,
        unit: str | None = None,
        rollup: bool = False,
        type: str | None = None,
        role: str | None = None,
        status: str | None = None,
        start: date | str | None = None,
        end: date | str | None = None,
        case: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        newest_first: bool = False,
    ) -> Listing:
        """One page of a listing; see :meth:`Ledger.listing`."""
        check_kind(kind)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise InvalidArgument(f"limit: {limit!r} is not a page size from 1 to {MAX_LIMIT}")
        if role is not None and kind != "supervisor":
            raise InvalidArgument(f"role: only people (kind 'supervisor') have roles, not {kind!r}")
        first, last = as_date(start, "start"), as_date(end, "end")
        check_period(first, last)
        filters = {
            "kind": kind,
            "unit": unit,
            "rollup": rollup,
            "type": type,
            "role": role,
            "status": status,
            "start": first,
            "end": last,
            "case": case,
            "newest_first": newest_first,
        }
        engine = self.views
        engine.catch_up()
        with engine.reading() as tx:
            return list_items(
                tx,
                kind,
                unit_scope(tx, unit, rollup),
                filters,
                type_=type,
                role=role,
                status=status,
                start=first,
                end=last,
                case=case,
                limit=limit,
                cursor=cursor,
                newest_first=newest_first,
            )
