# ruff: noqa: E501 - the Markdown tables are long lines by nature
"""Render ``docs/statistics.md`` from the figure registry, so the definitions published
and the definitions computed are the same text (``python -m
supervision_ledger.projections.docs > docs/statistics.md``)."""

from __future__ import annotations

import sys

from .figures import FIGURES, SECTIONS

HEADER = """\
# Statistics: every figure of `report --json`

Generated from the figure registry (`src/supervision_ledger/projections/sections/`, one
module per section, where each figure is defined beside its tables and handlers; the
order of the sections is declared in `projections/figures.py`) by
`python -m supervision_ledger.projections.docs`; a test keeps this file in step.

## The report object

| JSON key | 中文 | English | definition |
|---|---|---|---|
| `unit` | 单位 | unit | The unit asked for (`--unit`); `null`: every unit in the ledger. |
| `rollup` | 含下级院 | roll-up | `true` when every unit under `unit` is included (全市 / 两级院). |
| `units` | 统计范围 | units covered | The unit keys the figures cover, sorted; `null`: all units. |
| `start` | 起始日期 | period start | First local date of the period (inclusive); `null`: from the beginning. |
| `end` | 截止日期 | period end | Last local date of the period (inclusive); `null`: no end. |
| `as_of` | 统计基准日 | as of | The local date overdue feedback and overdue replies (suggestions, petitions) are judged on (default: today), and the roster and partner-agreement date when `end` is `null`. |
| `figures` | 统计数据 | figures | Figure key → value, as listed below. |

Periods are inclusive ranges of **local dates** in the policy's time zone (default
Asia/Shanghai) of **business time** (`occurred_at`), never of recorded time: an event
at 2023-12-31 23:30 in Shanghai belongs to 2023. A figure belongs to the units in
scope through its case's or hearing's unit (for allowances and the roster: the unit
the person was appointed to).

A rate is an object, never a bare percentage:

| JSON key | 中文 | English | definition |
|---|---|---|---|
| `numerator` | 分子 | numerator | The count named in the rate's definition. |
| `denominator` | 分母 | denominator | The count named in the rate's definition. |
| `value` | 比值 | value | numerator / denominator rounded to 4 places; `null` when the denominator is 0. |

Amounts (`allowances.amount`) are decimal strings in yuan with two places.

Deadlines (feedback, suggestion replies, petition replies) are never stored in the
views: due dates are computed from the events' local dates under the ledger's
`Policy` when the report is made, so "on time", "late" and "overdue" follow the policy
in force (calendar or working days, the number of days or months). "Overdue" means
still unanswered with a due date before `as_of`.
"""


def render() -> str:
    parts = [HEADER]
    current = ""
    for key, fig in FIGURES.items():
        if fig.section != current:
            current = fig.section
            zh, en, period_date = SECTIONS[current]
            parts.append(
                f"\n## {en} · {zh}\n\nThe period is decided by {period_date}.\n\n"
                "| JSON key | 中文 | English | definition |\n|---|---|---|---|\n"
            )
        parts.append(f"| `{key}` | {fig.zh} | {fig.en} | {fig.definition} |\n")
    return "".join(parts)


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(render())
