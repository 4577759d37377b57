"""The one place the report formats read the figure registry from.

Every format is built from a public :class:`~supervision_ledger.projections.api.Statistics`
and the labels of the registry; :func:`figure_rows` turns the two into plain rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from ..projections.api import Statistics
from ..projections.figures import FIGURES, SECTIONS, Rate

#: A figure's value as the formats print it: a count, a yuan amount (decimal string),
#: a ratio (None when its denominator is 0).
Value = int | str | float | None


@dataclass(frozen=True)
class FigureRow:
    """One figure of one report, flattened."""

    key: str
    section: str
    zh: str
    en: str
    value: Value
    #: A rate's parts (None for counts and amounts).
    numerator: int | None
    denominator: int | None

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def figure_rows(stats: Statistics) -> list[FigureRow]:
    """Every figure of ``stats``, in report order, with its labels."""
    rows = []
    for key, fig in FIGURES.items():
        value = stats.figures[key]
        if isinstance(value, Rate):
            row = FigureRow(
                key, fig.section, fig.zh, fig.en, value.value, value.numerator, value.denominator
            )
        else:
            row = FigureRow(key, fig.section, fig.zh, fig.en, value, None, None)
        rows.append(row)
    return rows


def section_title(section: str, lang: str) -> str:
    zh, en, _ = SECTIONS[section]
    return zh if lang == "zh" else en


def sections() -> list[str]:
    """Section keys in report order."""
    return list(SECTIONS)


def label(key: str, lang: str) -> str:
    return FIGURES[key].label(lang)


def period_text(start: date | None, end: date | None) -> str:
    """An ISO 8601 interval of local dates, ``..`` for an open end."""
    return f"{start.isoformat() if start else '..'}/{end.isoformat() if end else '..'}"


def definitions_hash() -> str:
    """SHA-256 (hex) of every figure's key, labels, section and definition, in report
    order: two bulletins with the same hash were computed under the same definitions."""
    data = [[fig.key, fig.section, fig.zh, fig.en, fig.definition] for fig in FIGURES.values()]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
