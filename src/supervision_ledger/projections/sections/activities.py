"""Supervision activities (监督活动): case activities in which supervision took place.

An activity counts when at least one invited person's attendance was recorded on it;
a supervisor-initiated activity counts from its opening. Activities of units, not of
cases (``UnitActivity``, issue 12) count alike: their one activity is opened by the same
event; an item names it ``unit_activity`` instead of ``case``.
"""

from __future__ import annotations

from collections import Counter

from ...domain.case import Case
from ...domain.hearing import Hearing
from ...domain.values import ActivityType
from ..engine import Tx, View, on
from .base import FigureQuery, FigureValue, Item, ItemQuery, Section

SECTION = Section(
    "activities",
    "监督活动",
    "Supervision activities",
    "the local date the activity was opened (ActivityOpened)",
)
figure, define = SECTION.figure, SECTION.define


class ActivityFacts(View):
    """One row per case activity: its type, opening date, whether it was supervised,
    and the hearing it supervises, if any."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_stat_activity": "case_id TEXT NOT NULL, activity TEXT NOT NULL, "
        "type TEXT NOT NULL, opened_on TEXT NOT NULL, supervised INTEGER NOT NULL, "
        "hearing_id TEXT, "
        # The position of the ActivityOpened event (what explains the activity's figures).
        "pos BIGINT NOT NULL, "
        "PRIMARY KEY (case_id, activity)",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_stat_activity_by_hearing": "view_stat_activity (hearing_id)",
    }

    @on(Case.ActivityOpened)
    def activity_opened(self, tx: Tx, e: Case.ActivityOpened) -> None:
        # A supervisor-initiated activity is supervision by its very opening.
        initiated = e.activity_type is ActivityType.SUPERVISOR_INITIATED
        tx.upsert(
            "view_stat_activity",
            {"case_id": str(e.originator_id), "activity": e.activity},
            {
                "type": e.activity_type.value,
                "opened_on": tx.local_date(e.occurred_at),
                "supervised": int(initiated),
                # Supervising a hearing through a case activity linked to it.
                "hearing_id": None if e.hearing is None else str(Hearing.id_for(e.hearing)),
                "pos": tx.position,
            },
        )

    @on(Case.AttendanceRecorded)
    def activity_supervised(self, tx: Tx, e: Case.AttendanceRecorded) -> None:
        tx.update("view_stat_activity", (str(e.originator_id), e.activity), {"supervised": 1})


# == figures ==============================================================================


def _supervised(q: FigureQuery) -> tuple[str, list[object]]:
    """FROM and WHERE of the supervised activities opened in the period in scope — one
    definition for the counts and for the items that explain them."""
    scope, sp = q.scope("c.unit")
    period, pp = q.period("a.opened_on")
    return (
        "FROM view_stat_case c CROSS JOIN view_stat_activity a "
        f"WHERE a.case_id = c.case_id AND a.supervised = 1{scope}{period}",
        [*sp, *pp],
    )


def _activities(q: FigureQuery) -> Counter[str]:
    where, params = _supervised(q)
    rows = q.rows(f"SELECT a.type, COUNT(*) {where} GROUP BY a.type", params)
    return Counter({str(t): int(n) for t, n in rows})


def _activity_items(activity_type: ActivityType | None) -> ItemQuery:
    """The supervised activities of ``activity_type`` (None: every type)."""

    def items(q: FigureQuery) -> list[Item]:
        where, params = _supervised(q)
        if activity_type is not None:
            where, params = f"{where} AND a.type = ?", [*params, activity_type.value]
        return q.owned_items(f"SELECT c.kind, c.case_key, a.activity, a.pos {where}", params)

    return items


def _activity_figure(activity_type: ActivityType) -> None:
    def count(q: FigureQuery) -> FigureValue:
        return int(q.shared("activities", _activities)[activity_type.value])

    define(
        f"activities.{activity_type.value}",
        f"{activity_type.zh}（件次）",
        f"{activity_type.en} (activities)",
        f"Activities of type {activity_type.value} (ActivityOpened) of cases and unit "
        "activities (open_unit_activity) of the units in scope in which at least one invited "
        "person's attendance was recorded; a supervisor-initiated activity counts from its "
        "opening.",
        count,
        items=_activity_items(activity_type),
    )


for _type in ActivityType:
    _activity_figure(_type)


@figure(
    "activities.total",
    "监督活动合计（件次）",
    "supervision activities, total",
    f"Sum of the {len(ActivityType)} activities.* counts above (one per activity type).",
    items=_activity_items(None),
)
def _activities_total(q: FigureQuery) -> FigureValue:
    return int(sum(q.shared("activities", _activities).values()))
