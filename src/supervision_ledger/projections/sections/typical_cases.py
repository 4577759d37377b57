"""Typical cases (典型案例): nominated, and selected, at each level."""

from __future__ import annotations

from collections import Counter

from ...domain.typical_case import TypicalCaseLevel, TypicalCaseNomination
from ..engine import Tx, View, on
from .base import FigureQuery, FigureValue, Section

SECTION = Section(
    "typical_cases",
    "典型案例",
    "Typical cases",
    "the local date of the nomination (Nominated) for nominations, and of the selection "
    "(Selected) for selections",
)
figure, define = SECTION.figure, SECTION.define


class NominationFacts(View):
    """One row per nomination: unit, level, the day nominated, and the decision."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_flow_nomination": "nomination_id TEXT PRIMARY KEY, unit TEXT NOT NULL, "
        "level TEXT NOT NULL, nominated_on TEXT NOT NULL, selected INTEGER, decided_on TEXT",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_flow_nomination_by_unit": "view_flow_nomination (unit, nominated_on)",
    }

    @on(TypicalCaseNomination.Nominated)
    def nominated(self, tx: Tx, e: TypicalCaseNomination.Nominated) -> None:
        tx.upsert(
            "view_flow_nomination",
            {"nomination_id": str(e.originator_id)},
            {"unit": e.unit, "level": e.level.value, "nominated_on": tx.local_date(e.occurred_at)},
        )

    def _nomination(self, tx: Tx, e: TypicalCaseNomination.Event, selected: bool) -> None:
        tx.rows(
            "UPDATE view_flow_nomination SET selected = ?, decided_on = ? WHERE nomination_id = ?",
            [int(selected), tx.local_date(e.occurred_at), str(e.originator_id)],
        )

    @on(TypicalCaseNomination.Selected)
    def selected(self, tx: Tx, e: TypicalCaseNomination.Selected) -> None:
        self._nomination(tx, e, True)

    @on(TypicalCaseNomination.NotSelected)
    def not_selected(self, tx: Tx, e: TypicalCaseNomination.NotSelected) -> None:
        self._nomination(tx, e, False)


# == figures ==============================================================================


def _nominations(q: FigureQuery) -> tuple[Counter[str], Counter[str]]:
    """(nominations made in the period, selections made in the period), per level."""
    scope, sp = q.scope("unit")
    nominated_in, np_ = q.period("nominated_on")
    selected_in, sp2 = q.period("decided_on")
    nominated = q.rows(
        f"SELECT level, COUNT(*) FROM view_flow_nomination WHERE 1 = 1{scope}{nominated_in} "
        "GROUP BY level",
        [*sp, *np_],
    )
    selected = q.rows(
        f"SELECT level, COUNT(*) FROM view_flow_nomination WHERE selected = 1{scope}"
        f"{selected_in} GROUP BY level",
        [*sp, *sp2],
    )
    return (
        Counter({str(level): int(n) for level, n in nominated}),
        Counter({str(level): int(n) for level, n in selected}),
    )


def _typical_level_figures(level: TypicalCaseLevel) -> None:
    def nominated(q: FigureQuery) -> FigureValue:
        return int(q.shared("nominations", _nominations)[0][level.value])

    def selected(q: FigureQuery) -> FigureValue:
        return int(q.shared("nominations", _nominations)[1][level.value])

    define(
        f"typical_cases.{level.value}.nominated",
        f"报送{level.zh}典型案例（件）",
        f"nominated at the {level.en} level",
        f"Nominated events at the level {level.value} for cases of the units in scope, by "
        "nomination date.",
        nominated,
    )
    define(
        f"typical_cases.{level.value}.selected",
        f"入选{level.zh}典型案例（件）",
        f"selected at the {level.en} level",
        f"Selected events of nominations at the level {level.value} for cases of the units in "
        "scope, by selection date (whenever the nomination was made).",
        selected,
    )


for _level in TypicalCaseLevel:
    _typical_level_figures(_level)


@figure(
    "typical_cases.selected",
    "入选典型案例合计（件次）",
    "typical-case selections, all levels",
    "Sum of the typical_cases.*.selected counts (a case selected at two levels counts twice).",
)
def _typical_selected(q: FigureQuery) -> FigureValue:
    return int(sum(q.shared("nominations", _nominations)[1].values()))
