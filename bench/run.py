"""The benchmark driver: every ``bench/*_side.py`` module's figures, as one JSON line.

    python bench/run.py --quick        # a few minutes on 2 cores (stores up to ~110k events)
    python bench/run.py                # stores up to ~1M events (generating them takes long
                                       # the first time; they are cached in bench/.cache/)

Each side module (``read_side.py``, ``write_side.py``, …) exposes
``run(quick: bool, ...) -> dict[str, float]``: it prints what it measures as it goes and
returns its figures — ratios against baselines measured in the same run. This driver
runs them in name order and prints, as its **last line**, one JSON object merging their
figures. Nothing here asserts a speed; the targets and the results are in
docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def side_modules() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*_side.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller stores: a few minutes")
    parser.add_argument(
        "--only", action="append", default=None, help="run only this side module (repeatable)"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    names = side_modules()
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            parser.error(f"--only: no bench module {', '.join(unknown)} (have {', '.join(names)})")
        names = [n for n in names if n in args.only]
    print(
        f"python {platform.python_version()} on {platform.machine()}, modules: {', '.join(names)}"
    )
    merged: dict[str, float] = {}
    for name in names:
        module = importlib.import_module(name)
        started = time.perf_counter()
        figures = module.run(args.quick)
        print(f"{name}: {time.perf_counter() - started:.0f} s")
        clash = set(figures) & set(merged)
        if clash:
            raise SystemExit(f"{name} reports figures another module reported: {sorted(clash)}")
        merged.update(figures)
    print(json.dumps(merged, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
