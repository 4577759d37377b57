"""What a statistic is, and what a section of the report holds.

A :class:`Section` module (one per section of the report, in this package) holds, in
this order: the fact tables it fills and their indexes, its handlers (a :class:`View`
mixin, handlers in the order of the events' lifecycle) and its figures — each
:class:`Figure` with its key, Chinese and English labels, exact definition and
computation. The report's order of sections is declared once, in
:mod:`..figures`. Values are counts, yuan amounts (decimal strings) or :class:`Rate`
objects — never bare percentages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from ...domain.policy import Policy
from ..engine import Row, Tx, View


class Rate(BaseModel):
    """A ratio with its parts; ``value`` is numerator / denominator (None when 0/0)."""

    numerator: int
    denominator: int
    value: float | None

    @classmethod
    def of(cls, numerator: int, denominator: int) -> Rate:
        value = round(numerator / denominator, 4) if denominator else None
        return cls(numerator=numerator, denominator=denominator, value=value)


FigureValue = int | str | Rate
Compute = Callable[["FigureQuery"], FigureValue]


@dataclass(frozen=True)
class Item:
    """One thing a figure counts, as its explanation lists it: the key fields that name
    it (e.g. ``case_id`` and ``opinion``) and the log positions of the events behind it
    (each view row carries the position of the event that put it in its period)."""

    key: tuple[tuple[str, Any], ...]
    positions: tuple[int, ...]
    #: A yuan amount the item adds (``allowances.amount``), else None.
    amount: str | None = None


#: What a figure lists when it is explained: its items, one per thing it counts.
ItemQuery = Callable[["FigureQuery"], list[Item]]


@dataclass(frozen=True)
class Explainer:
    """How a figure is explained: ``items`` for a count (or an amount: its payments),
    ``numerator`` and ``denominator`` for a rate. Declared beside the figure's
    computation (``Section.define(…, items=…)``), so each definition and its explanation
    stay together."""

    items: ItemQuery | None = None
    numerator: ItemQuery | None = None
    denominator: ItemQuery | None = None


def item(positions: Sequence[int | None], **key: Any) -> Item:
    """An :class:`Item` named by ``key`` with these event positions (None left out)."""
    found = sorted({int(p) for p in positions if p is not None})
    return Item(tuple(key.items()), tuple(found))


@dataclass
class FigureQuery:
    """What one report asks: which units, which period of local business dates."""

    tx: Tx
    policy: Policy
    #: Units in scope (None: every unit).
    units: list[str] | None
    start: date | None
    end: date | None
    #: The day "overdue" and "active" are judged on.
    as_of: date
    _cache: dict[str, Any] = field(default_factory=dict)

    def scope(self, column: str) -> tuple[str, list[Any]]:
        """SQL (``AND …``) restricting ``column`` to the units in scope."""
        if self.units is None:
            return "", []
        return f" AND {column} IN ({', '.join('?' for _ in self.units)})", list(self.units)

    def period(self, column: str) -> tuple[str, list[Any]]:
        """SQL (``AND …``) restricting the ISO local date ``column`` to the period."""
        sql, params = "", []
        if self.start is not None:
            sql += f" AND {column} >= ?"
            params.append(self.start.isoformat())
        if self.end is not None:
            sql += f" AND {column} <= ?"
            params.append(self.end.isoformat())
        return sql, params

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.tx.rows(sql, params)

    def items(self, sql: str, params: Sequence[Any], key: Sequence[str]) -> list[Item]:
        """The items of the rows of ``sql``: each row holds the ``key`` columns, then one
        event position; rows with the same key are one item, with every position. Items
        come in the order of their first position."""
        grouped: dict[tuple[Any, ...], list[int]] = {}
        for row in self.rows(sql, params):
            *values, position = row
            found = grouped.setdefault(tuple(values), [])
            if position is not None:
                found.append(int(position))
        items = [item(p, **dict(zip(key, values, strict=True))) for values, p in grouped.items()]
        items.sort(key=lambda i: (i.positions[:1], [str(v) for _, v in i.key]))
        return items

    def owned_items(self, sql: str, params: Sequence[Any]) -> list[Item]:
        """Items of activities: each row of ``sql`` holds the owner's kind (``case`` or
        ``unit_activity``), its key, the activity and one event position; an item is
        named ``(kind, key), ("activity", activity)``."""
        grouped: dict[tuple[Any, ...], list[int]] = {}
        for kind, owner, activity, position in self.rows(sql, params):
            found = grouped.setdefault((str(kind), owner, activity), [])
            if position is not None:
                found.append(int(position))
        items = [
            Item(((kind, owner), ("activity", activity)), tuple(sorted(set(p))))
            for (kind, owner, activity), p in grouped.items()
        ]
        items.sort(key=lambda i: (i.positions[:1], [str(v) for _, v in i.key]))
        return items

    def shared(self, name: str, compute: Callable[[FigureQuery], Any]) -> Any:
        """One query result shared by several figures of the same report."""
        if name not in self._cache:
            self._cache[name] = compute(self)
        return self._cache[name]


@dataclass(frozen=True)
class Figure:
    """One published statistic."""

    key: str
    zh: str
    en: str
    #: Exact definition: which events count, numerator/denominator, which date decides.
    definition: str
    compute: Compute
    section: str = ""
    #: How the figure is explained (None: not yet; a test requires one for each figure).
    explainer: Explainer | None = None

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Section:
    """One section of the report: its labels, the date that decides its period, and
    its figures in report order (the order its module defines them)."""

    key: str
    zh: str
    en: str
    #: Which local date puts a matter in the report's period.
    period_date: str
    figures: list[Figure] = field(default_factory=list)

    def define(
        self,
        key: str,
        zh: str,
        en: str,
        definition: str,
        compute: Compute,
        *,
        items: ItemQuery | None = None,
        numerator: ItemQuery | None = None,
        denominator: ItemQuery | None = None,
    ) -> None:
        """Add figure ``key`` (which must start with this section's key), with what
        explains it: ``items`` for a count or an amount, ``numerator`` and
        ``denominator`` for a rate."""
        if key.split(".")[0] != self.key:
            raise ValueError(f"figure {key!r} does not belong to section {self.key!r}")
        if any(f.key == key for f in self.figures):
            raise ValueError(f"figure {key!r} is defined twice")
        if items is not None and (numerator is not None or denominator is not None):
            raise ValueError(f"figure {key!r}: items explain a count, not a rate")
        if (numerator is None) != (denominator is None):
            raise ValueError(f"figure {key!r}: a rate is explained by both of its parts")
        explainer = (
            Explainer(items, numerator, denominator)
            if items is not None or numerator is not None
            else None
        )
        self.figures.append(
            Figure(key, zh, en, " ".join(definition.split()), compute, self.key, explainer)
        )

    def count(self, key: str, zh: str, en: str, definition: str, *, items: ItemQuery) -> None:
        """Add figure ``key``: how many ``items`` there are (a count is its items, so
        it is declared once, with what explains it)."""
        self.define(key, zh, en, definition, lambda q: len(items(q)), items=items)

    def figure(
        self,
        key: str,
        zh: str,
        en: str,
        definition: str,
        *,
        items: ItemQuery | None = None,
        numerator: ItemQuery | None = None,
        denominator: ItemQuery | None = None,
    ) -> Callable[[Compute], Compute]:
        """Decorator: the decorated function computes figure ``key``; ``items`` (or
        ``numerator`` and ``denominator``) explain it."""

        def register(compute: Compute) -> Compute:
            self.define(
                key,
                zh,
                en,
                definition,
                compute,
                items=items,
                numerator=numerator,
                denominator=denominator,
            )
            return compute

        return register


def tables_of(*facts: type[View]) -> dict[str, str]:
    """The tables of the fact mixins a view is composed of (each table defined once)."""
    tables: dict[str, str] = {}
    for part in facts:
        for table, columns in part.tables.items():
            if tables.setdefault(table, columns) != columns:
                raise TypeError(f"table {table!r} is defined twice, differently")
    return tables


def indexes_of(*facts: type[View]) -> dict[str, str]:
    """The indexes of the fact mixins a view is composed of."""
    return {name: target for part in facts for name, target in part.indexes.items()}
