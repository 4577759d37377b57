"""Report formats built from :class:`~supervision_ledger.projections.api.Statistics`:
CSV and XLSX spreadsheets, the self-contained HTML bulletin, and the verifiable JSON
bulletin (spec: docs/cli.md, ``report`` and ``bulletin``).

CSV needs nothing more; XLSX needs the ``xlsx`` extra (openpyxl), HTML the ``report``
extra (jinja2, pygal). A missing extra raises :class:`MissingExtra` naming the
``pip install`` to run.
"""

from .bulletin import (
    Bulletin,
    BulletinCheck,
    Difference,
    InvalidBulletin,
    check_bulletin,
    make_bulletin,
    verify_bulletin,
)
from .bundle import LogKeptMoving, ReportBundle, Scope, gather
from .extras import MissingExtra
from .html import render_html
from .registry import FigureRow, figure_rows
from .sheets import write_csv, write_xlsx

__all__ = [
    "Bulletin",
    "BulletinCheck",
    "Difference",
    "FigureRow",
    "InvalidBulletin",
    "LogKeptMoving",
    "MissingExtra",
    "ReportBundle",
    "Scope",
    "check_bulletin",
    "figure_rows",
    "gather",
    "make_bulletin",
    "render_html",
    "verify_bulletin",
    "write_csv",
    "write_xlsx",
]
