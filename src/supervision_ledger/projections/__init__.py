"""Projections: a catch-up engine and one view per file, rebuildable from the events.

* :mod:`.engine` — pages of notifications applied with their tracking position in one
  transaction (exactly once), on SQLite and PostgreSQL;
* :mod:`.statistics` — the published figures, per unit and period (:data:`FIGURES`);
* :mod:`.feedback` — opinions still awaiting an answer;
* :mod:`.dossier` — one file per person (一人一档);
* :mod:`.hearings` — the hearing register.
"""

from .api import LedgerQueries, Statistics, compute_statistics, default_views
from .dossier import Dossier, DossierView
from .engine import ProjectionEngine, Tx, View, on
from .feedback import FeedbackStage, FeedbackView, PendingFeedback, PendingOpinion
from .figures import FIGURES, SECTIONS, Figure, Rate
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
    "HearingRegister",
    "HearingRegisterView",
    "LedgerQueries",
    "PendingFeedback",
    "PendingOpinion",
    "ProjectionEngine",
    "Rate",
    "Statistics",
    "StatisticsView",
    "Tx",
    "View",
    "compute_statistics",
    "default_views",
    "on",
]
