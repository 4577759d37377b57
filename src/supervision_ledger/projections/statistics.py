"""The statistics view: fact rows for the core figures, per unit and per period.

Handlers store *fact rows* with local business dates (policy time zone); figures are
aggregated with SQL when a report asks, so any period (a year, a half-year, "since
2021") and any unit roll-up (the unit alone, or with every unit under it: 全市 /
两级院) works without pre-aggregation. The tables, handlers and figures of each section
live in its own module under :mod:`.sections`; this view is their composition, rebuilt
as one (one version, one tracking position).
"""

from __future__ import annotations

from .sections.activities import ActivityFacts
from .sections.allowances import AllowanceFacts
from .sections.base import indexes_of, tables_of
from .sections.hearings import HearingFacts
from .sections.opinions import OpinionFacts
from .sections.participation import ParticipationFacts
from .sections.roster import RosterFacts
from .sections.scope import ScopeFacts, unit_scope

_FACTS = (
    ScopeFacts,
    ParticipationFacts,
    ActivityFacts,
    OpinionFacts,
    HearingFacts,
    AllowanceFacts,
    RosterFacts,
)


class StatisticsView(
    ScopeFacts,
    ParticipationFacts,
    ActivityFacts,
    OpinionFacts,
    HearingFacts,
    AllowanceFacts,
    RosterFacts,
):
    """Fact rows for the core sections of the report (:mod:`.figures`)."""

    name = "statistics"
    # 4: indexes by unit and date, and by the hearing a case activity supervises.
    # 5: the same tables, composed from one module per section.
    # 6: opinions carry every step's date, their activity and supervisor; invitations and
    #    attendances whether the person was drawn; replacements; hearings their number,
    #    case kind and openness.
    # 7: rows carry the position of the event that puts them in their period (``pos``),
    #    so each figure lists the events behind it (``Ledger.explain``); opinions carry
    #    ``retracted_on`` (corrections). The sections' own versions do not rebuild the
    #    view: this one does.
    # 8: activities of units, not of cases (issue 12): ``view_stat_case.kind``; their
    #    attendances and replacements carry the source ``unit_activity``.
    # 9: hearings carry the applicant, refusal, closed ground, collective opinion and
    #    departure from the majority (issue 12 point 8).
    version = 9
    tables = tables_of(*_FACTS)
    indexes = indexes_of(*_FACTS)


__all__ = ["StatisticsView", "unit_scope"]
