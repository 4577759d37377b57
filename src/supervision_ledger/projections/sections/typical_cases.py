"""Typical cases (典型案例): nominated, and selected, at each level."""

from __future__ import annotations

from ...domain.typical_case import TypicalCaseLevel, TypicalCaseNomination
from ..engine import Tx, View, on
from .base import FigureQuery, Item, ItemQuery, Section, item

SECTION = Section(
    "typical_cases",
    "典型案例",
    "Typical cases",
    "the local date of the nomination (Nominated) for nominations, and of the selection "
    "(Selected) for selections",
)
count = SECTION.count


class NominationFacts(View):
    """One row per nomination: unit, level, the day nominated, and the decision."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_flow_nomination": "nomination_id TEXT PRIMARY KEY, unit TEXT NOT NULL, "
        "level TEXT NOT NULL, nominated_on TEXT NOT NULL, selected INTEGER, decided_on TEXT, "
        # The positions of the Nominated event and of the decision (Selected, NotSelected).
        "pos BIGINT NOT NULL, decided_pos BIGINT",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_flow_nomination_by_unit": "view_flow_nomination (unit, nominated_on)",
    }

    @on(TypicalCaseNomination.Nominated)
    def nominated(self, tx: Tx, e: TypicalCaseNomination.Nominated) -> None:
        tx.upsert(
            "view_flow_nomination",
            {"nomination_id": str(e.originator_id)},
            {
                "unit": e.unit,
                "level": e.level.value,
                "nominated_on": tx.local_date(e.occurred_at),
                "pos": tx.position,
            },
        )

    def _nomination(self, tx: Tx, e: TypicalCaseNomination.Event, selected: bool) -> None:
        tx.rows(
            "UPDATE view_flow_nomination SET selected = ?, decided_on = ?, decided_pos = ? "
            "WHERE nomination_id = ?",
            [int(selected), tx.local_date(e.occurred_at), tx.position, str(e.originator_id)],
        )

    @on(TypicalCaseNomination.Selected)
    def selected(self, tx: Tx, e: TypicalCaseNomination.Selected) -> None:
        self._nomination(tx, e, True)

    @on(TypicalCaseNomination.NotSelected)
    def not_selected(self, tx: Tx, e: TypicalCaseNomination.NotSelected) -> None:
        self._nomination(tx, e, False)


# == figures ==============================================================================


def _nominations(q: FigureQuery) -> tuple[dict[str, list[Item]], dict[str, list[Item]]]:
    """(nominations made in the period, selections made in the period), per level: each
    an item with its Nominated and, for a selection, its Selected position."""
    scope, sp = q.scope("unit")
    nominated_in, np_ = q.period("nominated_on")
    selected_in, sp2 = q.period("decided_on")
    nominated = q.rows(
        "SELECT level, nomination_id, pos, NULL FROM view_flow_nomination "
        f"WHERE 1 = 1{scope}{nominated_in}",
        [*sp, *np_],
    )
    selected = q.rows(
        "SELECT level, nomination_id, pos, decided_pos FROM view_flow_nomination "
        f"WHERE selected = 1{scope}{selected_in}",
        [*sp, *sp2],
    )
    found: tuple[dict[str, list[Item]], dict[str, list[Item]]] = ({}, {})
    for target, rows in zip(found, (nominated, selected), strict=True):
        for level, nomination, pos, decided in sorted(rows, key=lambda r: r[3] or r[2]):
            target.setdefault(str(level), []).append(
                item([pos, decided], nomination_id=str(nomination))
            )
    return found


def _made(which: int, level: str | None) -> ItemQuery:
    """Nominations (``which`` 0) or selections (1) made in the period at ``level``
    (None: every level)."""

    def items(q: FigureQuery) -> list[Item]:
        found: dict[str, list[Item]] = q.shared("nominations", _nominations)[which]
        if level is not None:
            return found.get(level, [])
        return sorted((i for each in found.values() for i in each), key=lambda i: i.positions)

    return items


def _typical_level_figures(level: TypicalCaseLevel) -> None:
    nominated_items, selected_items = _made(0, level.value), _made(1, level.value)

    count(
        f"typical_cases.{level.value}.nominated",
        f"报送{level.zh}典型案例（件）",
        f"nominated at the {level.en} level",
        f"Nominated events at the level {level.value} for cases of the units in scope, by "
        "nomination date.",
        items=nominated_items,
    )
    count(
        f"typical_cases.{level.value}.selected",
        f"入选{level.zh}典型案例（件）",
        f"selected at the {level.en} level",
        f"Selected events of nominations at the level {level.value} for cases of the units in "
        "scope, by selection date (whenever the nomination was made).",
        items=selected_items,
    )


for _level in TypicalCaseLevel:
    _typical_level_figures(_level)


count(
    "typical_cases.selected",
    "入选典型案例合计（件次）",
    "typical-case selections, all levels",
    "Sum of the typical_cases.*.selected counts (a case selected at two levels counts twice).",
    items=_made(1, None),
)
