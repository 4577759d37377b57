"""The flow statistics view: fact rows for the figures of the neighbouring flows —
suggestions, petitions, leads, typical cases, partner units and the chief prosecutor at
the court's trial committee.

Each flow's tables, handlers and figures live in its own module under
:mod:`.sections`; this view is their composition. Deadlines are never stored: the due
dates come from the :class:`~supervision_ledger.domain.policy.Policy` the report is
computed under. A flow's figures follow a *cohort*: the matters that entered the flow
in the period, with what later happened to them counted whenever it happened.
"""

from __future__ import annotations

from .sections.base import indexes_of, tables_of
from .sections.leads import LeadFacts
from .sections.partners import AgreementFacts
from .sections.petitions import PetitionSectionFacts
from .sections.suggestions import SuggestionSectionFacts
from .sections.trial_committee import SittingFacts
from .sections.typical_cases import NominationFacts

_FACTS = (
    SuggestionSectionFacts,
    PetitionSectionFacts,
    LeadFacts,
    NominationFacts,
    AgreementFacts,
    SittingFacts,
)


class FlowStatisticsView(
    SuggestionSectionFacts,
    PetitionSectionFacts,
    LeadFacts,
    NominationFacts,
    AgreementFacts,
    SittingFacts,
):
    """Fact rows for the flow sections (``suggestions`` … ``trial_committee``)."""

    name = "flow_statistics"
    # 2: suggestion and petition rows written by the shared fact handlers (:mod:`.facts`).
    # 3: indexes by unit and date.
    # 4: the same tables, composed from one module per section.
    # 5: suggestion rows carry their type; petition rows the first progress reply, an
    #    unreachable petitioner and a leader (领导包案).
    # 6: every row carries the position of the event that puts it in its period
    #    (``pos``), so each figure lists the events behind it (``Ledger.explain``).
    # 7: suggestion rows carry the recipient's type, escalation after the reply and the
    #    objection (Art. 23: amended, withdrawn).
    version = 7
    suggestion_table = SuggestionSectionFacts.suggestion_table
    petition_table = PetitionSectionFacts.petition_table
    tables = tables_of(*_FACTS)
    indexes = indexes_of(*_FACTS)


__all__ = ["FlowStatisticsView"]
