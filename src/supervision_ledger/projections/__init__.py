"""Projections: a catch-up engine and one view per file, rebuildable from the events.

* :mod:`.engine` — pages of notifications applied with their tracking position in one
  transaction (exactly once), on SQLite and PostgreSQL;
* :mod:`.sections` — one module per section of the statistics report: its tables, its
  handlers and its figures (key, 中文, English, definition, computation);
* :mod:`.figures` — the report's sections in order, declared once (:data:`FIGURES`);
* :mod:`.statistics` — the view keeping the core sections' fact rows, per unit and
  period; :mod:`.flows` — the view keeping the neighbouring flows' (suggestions,
  petitions, leads, typical cases, partner units, the trial committee);
* :mod:`.feedback` — opinions, suggestion replies and petition replies still awaited;
* :mod:`.dossier` — one file per person (一人一档);
* :mod:`.hearings` — the hearing register.
"""

from ..domain.values import FeedbackStage
from .api import Statistics, compute_statistics, default_views
from .dossier import Dossier, DossierView
from .engine import ProjectionEngine, Tx, View, on
from .feedback import (
    FeedbackView,
    PendingFeedback,
    PendingOpinion,
    PendingPetition,
    PendingSuggestion,
    PetitionStage,
    SuggestionStage,
)
from .figures import FIGURES, SECTIONS, Figure, Rate
from .flows import FlowStatisticsView
from .hearings import HearingRegister, HearingRegisterView
from .statistics import StatisticsView

__all__ = [
    "FIGURES",
    "SECTIONS",
    "Dossier",
    "DossierView",
    "FeedbackStage",
    "FeedbackView",
    "Figure",
    "FlowStatisticsView",
    "HearingRegister",
    "HearingRegisterView",
    "PendingFeedback",
    "PendingOpinion",
    "PendingPetition",
    "PendingSuggestion",
    "PetitionStage",
    "ProjectionEngine",
    "Rate",
    "Statistics",
    "StatisticsView",
    "SuggestionStage",
    "Tx",
    "View",
    "compute_statistics",
    "default_views",
    "on",
]
