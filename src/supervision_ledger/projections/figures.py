"""The statistics report: its sections, in the order it prints them, declared once.

Every figure is defined in its section's module (:mod:`.sections`); this module only
puts the sections in order and indexes their figures: :data:`FIGURES` (key →
:class:`Figure`, in report order) and :data:`SECTIONS` (key → Chinese title, English
title, the date that decides the period).
"""

from __future__ import annotations

from .sections import (
    activities,
    allowances,
    feedback,
    hearings,
    leads,
    opinions,
    participation,
    partners,
    petitions,
    roster,
    suggestions,
    trial_committee,
    typical_cases,
)
from .sections.base import Figure, FigureQuery, FigureValue, Rate, Section

#: The report, section by section.
REPORT: tuple[Section, ...] = (
    participation.SECTION,
    activities.SECTION,
    opinions.SECTION,
    feedback.SECTION,
    hearings.SECTION,
    allowances.SECTION,
    roster.SECTION,
    suggestions.SECTION,
    petitions.SECTION,
    leads.SECTION,
    typical_cases.SECTION,
    partners.SECTION,
    trial_committee.SECTION,
)

#: Every figure, in report order.
FIGURES: dict[str, Figure] = {f.key: f for s in REPORT for f in s.figures}

#: Sections of the report: key → (中文, English, the date that decides the period).
SECTIONS: dict[str, tuple[str, str, str]] = {s.key: (s.zh, s.en, s.period_date) for s in REPORT}

if len(FIGURES) != sum(len(s.figures) for s in REPORT):
    raise ValueError("a figure key is defined in two sections")

__all__ = ["FIGURES", "REPORT", "SECTIONS", "Figure", "FigureQuery", "FigureValue", "Rate"]
