"""The benchmark driver: every ``bench/*_side.py`` module's figures, as one JSON line.

    python bench/run.py --quick        # a few minutes on 2 cores (stores up to ~110k events)
    python bench/run.py                # stores up to ~1M events (generating them takes long
                                       # the first time; they are cached in bench/.cache/)

Each side module (``read_side.py``, ``write_side.py``, …) exposes
``run(quick: bool, ...) -> dict[str, float]``: it prints what it measures as it goes and
returns its figures — ratios against baselines measured in the same run. This driver
runs them in name order, each in a process of its own (one side's large heaps and caches
must not tax the next side's timings), and prints, as its **last line**, one JSON object
merging their figures. Nothing here asserts a speed; the targets and the results are in
docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import subprocess
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
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
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
        if args.in_process:
            started = time.perf_counter()
            figures = importlib.import_module(name).run(args.quick)
            print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
        else:
            figures = in_child(name, args.quick)  # the child prints its time
        clash = set(figures) & set(merged)
        if clash:
            raise SystemExit(f"{name} reports figures another module reported: {sorted(clash)}")
        merged.update(figures)
    print(json.dumps(merged, sort_keys=True))
    return 0


def in_child(name: str, quick: bool) -> dict[str, float]:
    """Run one side module in a fresh interpreter, passing its output through; its
    figures are the JSON object on its last line."""
    command = [sys.executable, str(HERE / "run.py"), "--only", name, "--in-process"]
    with subprocess.Popen(
        [*command, *(["--quick"] if quick else [])], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        last = ""
        for line in child.stdout:
            if last:
                print(last, end="", flush=True)
            last = line
    if child.returncode != 0:
        raise SystemExit(f"{name} failed with status {child.returncode}")
    figures: dict[str, float] = json.loads(last)
    return figures


if __name__ == "__main__":
    sys.exit(main())
