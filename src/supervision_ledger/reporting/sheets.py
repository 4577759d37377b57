"""Spreadsheet formats: CSV (one row per figure) and XLSX (a sheet per section, a sheet
per unit for a rolled-up report; needs the ``xlsx`` extra)."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from .bundle import ReportBundle
from .extras import require
from .registry import FigureRow, figure_rows, period_text, section_title, sections

CSV_COLUMNS = (
    "key",
    "label_zh",
    "label_en",
    "value",
    "numerator",
    "denominator",
    "unit",
    "rollup",
    "period",
)
SHEET_COLUMNS = {
    "zh": ("键", "指标", "Figure", "数值", "分子", "分母"),
    "en": ("key", "指标", "figure", "value", "numerator", "denominator"),
}
SUMMARY_TITLE = {"zh": "概要", "en": "Summary"}


def write_csv(bundle: ReportBundle, out: IO[str]) -> None:
    """One row per figure: key, labels, value (a rate's ratio; empty when 0/0), a rate's
    numerator and denominator, the unit, whether rolled up, the period."""
    stats = bundle.statistics
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    unit = stats.unit or ""
    period = period_text(stats.start, stats.end)
    for row in figure_rows(stats):
        writer.writerow(
            (
                row.key,
                row.zh,
                row.en,
                "" if row.value is None else row.value,
                "" if row.numerator is None else row.numerator,
                "" if row.denominator is None else row.denominator,
                unit,
                "true" if stats.rollup else "false",
                period,
            )
        )


def summary_lines(bundle: ReportBundle, lang: str) -> list[tuple[str, str]]:
    """(label, text) lines saying what a report covers and what it was computed at."""
    stats, zh = bundle.statistics, lang == "zh"
    scope = bundle.unit_label(stats.unit) or ("全部单位" if zh else "all units")
    return [
        ("单位" if zh else "unit", scope),
        ("含下级院" if zh else "roll-up", ("是" if zh else "yes") if stats.rollup else "—"),
        ("统计范围" if zh else "units covered", ", ".join(stats.units or []) or "—"),
        ("统计期间" if zh else "period", period_text(stats.start, stats.end)),
        ("统计基准日" if zh else "as of", stats.as_of.isoformat()),
        ("日志位置" if zh else "log position", str(bundle.digest.position)),
        ("链哈希" if zh else "chain hash", bundle.digest.chain_hash),
    ]


def _cell_value(row: FigureRow) -> Any:
    if isinstance(row.value, str):
        return Decimal(row.value)  # a yuan amount: a number a spreadsheet can add up
    return row.value


def _sheet_name(text: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    name = re.sub(r"[\[\]:*?/\\]", " ", text)[:31].strip() or "sheet"
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def write_xlsx(bundle: ReportBundle, path: Path, lang: str = "zh") -> None:
    """A summary sheet, a sheet per section, and under a rolled-up unit a sheet per unit."""
    openpyxl = require("openpyxl", "xlsx", "--format xlsx")
    book = openpyxl.Workbook()
    taken: set[str] = set()
    summary = book.active
    summary.title = _sheet_name(SUMMARY_TITLE[lang], taken)
    for line in summary_lines(bundle, lang):
        summary.append(line)
    summary.column_dimensions["A"].width = 14
    summary.column_dimensions["B"].width = 70
    rows = figure_rows(bundle.statistics)
    for section in sections():
        sheet = book.create_sheet(_sheet_name(section_title(section, lang), taken))
        _fill(sheet, [row for row in rows if row.section == section], lang)
    for unit, stats in bundle.units.items():
        sheet = book.create_sheet(_sheet_name(unit, taken))
        _fill(sheet, figure_rows(stats), lang)
    book.save(path)


def _fill(sheet: Any, rows: list[FigureRow], lang: str) -> None:
    sheet.append(SHEET_COLUMNS[lang])
    for row in rows:
        sheet.append((row.key, row.zh, row.en, _cell_value(row), row.numerator, row.denominator))
        cell = sheet.cell(row=sheet.max_row, column=4)
        if row.is_rate:
            cell.number_format = "0.00%"
        elif isinstance(row.value, str):
            cell.number_format = "#,##0.00"
    for column, width in zip("ABCDEF", (48, 40, 56, 12, 10, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
