"""The demo's closing summary: the year's published figures, as the statistics compute
them (one definition of each figure: docs/statistics.md), with what was recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import commands as c
from ..application import Ledger
from ..projections.api import Statistics
from ..reporting import ReportBundle, Scope, figure_rows, gather
from ..reporting.registry import FigureRow, section_title, sections
from .clock import YEAR
from .names import CITY, DISTRICT_NAME

#: The report the summary prints: everything the demo recorded, over its year.
SCOPE = Scope(CITY, True, date(YEAR, 1, 1), date(YEAR, 12, 31), date(YEAR, 12, 31))
#: The keys the summary lists, by kind, from the commands that created them.
KEYED = {
    "units": (c.RegisterUnit, "unit"),
    "supervisors": (c.AppointSupervisor, "supervisor"),
    "cases": (c.RegisterCase, "case"),
    "hearings": (c.ProposeHearing, "hearing"),
}


@dataclass
class DemoSummary:
    """What the demo recorded: the commands, the keys, and the year's figures."""

    seed: int
    commands: int
    replayed: int
    #: The keys recorded, by kind ("units", "supervisors", "cases", "hearings").
    keys: dict[str, list[str]]
    #: The year's figures for the city and the district under it (with the log position
    #: they were computed at, and per unit and month when asked for).
    bundle: ReportBundle

    @property
    def statistics(self) -> Statistics:
        return self.bundle.statistics

    def render(self) -> str:
        """The counts of what was recorded, then every figure (English with Chinese)."""
        stats = self.statistics
        units = ", ".join(self.bundle.unit_label(u) for u in self.keys["units"])
        lines = [
            f"supervision-ledger demo: {DISTRICT_NAME}, {YEAR} (seed {self.seed})",
            f"commands: {self.commands} issued, {self.commands - self.replayed} recorded now, "
            f"{self.replayed} already recorded (same command_id)",
            f"units (检察院): {units}",
            f"people appointed (人员): {len(self.keys['supervisors'])}; cases (案件): "
            f"{len(self.keys['cases'])}; hearings proposed (听证): {len(self.keys['hearings'])}",
            f"figures of {stats.unit} with the units under it, {stats.start} – {stats.end}, "
            f"as of {stats.as_of}, at log position {self.bundle.digest.position}:",
        ]
        rows = figure_rows(stats)
        for section in sections():
            lines.append(f"{section_title(section, 'en')} ({section_title(section, 'zh')})")
            lines += [f"  {show(row)}" for row in rows if row.section == section]
        return "\n".join(lines) + "\n"


def show(row: FigureRow) -> str:
    if row.is_rate:
        share = "—" if row.value is None else f"{row.value:.2%}"
        value = f"{row.numerator}/{row.denominator} ({share})"
    else:
        value = str(row.value)
    return f"{row.en} ({row.zh}): {value}"


def summarize(
    ledger: Ledger,
    seed: int,
    executed: list[c.Command],
    replayed: int,
    breakdowns: bool = False,
) -> DemoSummary:
    """The summary of a run: the keys its commands named, the figures of its year."""
    keys = {
        kind: [str(getattr(cmd, attribute)) for cmd in executed if isinstance(cmd, command)]
        for kind, (command, attribute) in KEYED.items()
    }
    bundle = gather(ledger, SCOPE, breakdowns=breakdowns)
    return DemoSummary(seed, len(executed), replayed, keys, bundle)
