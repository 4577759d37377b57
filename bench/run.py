"""Benchmark driver: the figures of every ``bench/*_side.py`` module, as one JSON line.

    python bench/run.py --quick      # smaller inputs, fewer repeats
    python bench/run.py              # the full sizes

Each side module (``read_side.py``, ``write_side.py``) exposes
``run(quick: bool) -> dict[str, float]``: it prints what it measures as it goes and
returns ratios against baselines measured in the same run. The last line printed is
one JSON object merging every module's figures. Nothing here asserts a speed; targets
and results are in docs/performance.md.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmark side modules.")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer repeats")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    names = sorted(p.stem for p in HERE.glob("*_side.py"))
    print(f"python {platform.python_version()}, modules: {', '.join(names)}", flush=True)
    merged: dict[str, float] = {}
    for name in names:
        started = time.perf_counter()
        figures = importlib.import_module(name).run(args.quick)
        print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
        clash = set(figures) & set(merged)
        if clash:
            raise SystemExit(f"{name} reports figures already reported: {sorted(clash)}")
        merged.update(figures)
    print(json.dumps(merged, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
