"""Report formats built from :class:`~supervision_ledger.projections.api.Statistics`:
CSV and XLSX spreadsheets, the self-contained HTML bulletin, and the verifiable JSON
bulletin (spec: docs/cli.md, ``report`` and ``bulletin``).

CSV needs nothing more; XLSX needs the ``xlsx`` extra (openpyxl), HTML the ``report``
extra (jinja2, pygal). A missing extra raises :class:`MissingExtra` naming the
``pip install`` to run.
"""

from .bundle import LogKeptMoving, ReportBundle, Scope, gather
from .extras import MissingExtra
from .html import render_html
from .registry import FigureRow, figure_rows
from .sheets import write_csv, write_xlsx

__all__ = [
    "FigureRow",
    "LogKeptMoving",
    "MissingExtra",
    "ReportBundle",
    "Scope",
    "figure_rows",
    "gather",
    "render_html",
    "write_csv",
    "write_xlsx",
]
