"""Progress of long commands on the terminal (tqdm: count, rate and ETA on stderr).

A bar is drawn only when stderr is a terminal and ``--quiet`` was not given, so
pipes, logs and CI output never carry bar lines; stdout never does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress bar (there is none anyway when stderr is not a terminal)",
    )


def wanted(args: argparse.Namespace) -> bool:
    """True when a bar should be drawn for this invocation."""
    return not getattr(args, "quiet", False) and sys.stderr.isatty()


@dataclass
class Progress:
    """One bar; ``update`` takes the absolute amount done (and the total, when it grows)."""

    bar: tqdm[Any] | None

    def update(self, done: int, total: int | None = None) -> None:
        if self.bar is None:
            return
        self.bar.update(done - self.bar.n)
        if total is not None and total != self.bar.total:
            self.bar.total = total
            self.bar.refresh()  # show the new total (and so the ETA) at once

    def __call__(self, done: int, total: int) -> None:
        """The ``(position, head)`` callback the engine and the audit walks take."""
        self.update(done, total)


@contextmanager
def progress(
    args: argparse.Namespace, description: str, total: int | None = None, unit: str = "it"
) -> Iterator[Progress]:
    """A bar for the duration of the block, or a silent stand-in."""
    if not wanted(args):
        yield Progress(None)
        return
    bar: tqdm[Any] = tqdm(
        total=total,
        desc=description,
        unit=unit,
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
        unit_scale=True,
    )
    try:
        yield Progress(bar)
    finally:
        bar.close()
