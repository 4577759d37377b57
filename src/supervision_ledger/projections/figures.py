"""How a statistic is defined: key, Chinese and English labels, definition, computation.

Each view module defines its figures next to its handlers with :func:`figure`; the
registry :data:`FIGURES` keeps them in definition order, which is the order reports
print them. Values are counts, yuan amounts (decimal strings) or :class:`Rate` objects
— never bare percentages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from ..domain.policy import Policy
from .engine import Row, Tx


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
    compute: Callable[[FigureQuery], FigureValue]
    section: str = ""

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


#: Every figure, in report order.
FIGURES: dict[str, Figure] = {}

#: Sections of the report, with their labels and the date that decides the period.
SECTIONS: dict[str, tuple[str, str, str]] = {}


def section(key: str, zh: str, en: str, period_date: str) -> None:
    SECTIONS[key] = (zh, en, period_date)


def figure(
    key: str, zh: str, en: str, definition: str
) -> Callable[[Callable[[FigureQuery], FigureValue]], Callable[[FigureQuery], FigureValue]]:
    """Register the decorated function as the computation of figure ``key``."""

    def register(
        compute: Callable[[FigureQuery], FigureValue],
    ) -> Callable[[FigureQuery], FigureValue]:
        define(key, zh, en, definition, compute)
        return compute

    return register


def define(
    key: str, zh: str, en: str, definition: str, compute: Callable[[FigureQuery], FigureValue]
) -> None:
    if key in FIGURES:
        raise ValueError(f"figure {key!r} is defined twice")
    FIGURES[key] = Figure(key, zh, en, " ".join(definition.split()), compute, key.split(".")[0])
