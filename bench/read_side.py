"""Read-side benchmark: rebuild, reports and pending feedback on stores of growing size.

``run(quick)`` builds (or reuses, see :mod:`stores`) SQLite stores of a province whose
cities and districts each hold a generated unit-year, and measures at each size:

* **raw** — reading the whole log page by page and decoding every event with the
  ledger's msgspec mapper: the floor any projection has to stand on;
* **rebuild** — ``Ledger.rebuild_views()``: every view dropped and replayed;
* **report (unit)** — ``Ledger.statistics`` of one district over 2023;
* **report (city)** — the same for one city rolled up (the city and its district);
* **report (province)** — the province rolled up: every unit of the store;
* **feedback** — ``Ledger.pending_feedback`` of one city rolled up.

and, once, the **stock** pattern (one transaction per event, each with its tracking
row, every event decoded) over the smallest store, and the peak RSS of a rebuild of the
largest store in a fresh process. When PostgreSQL answers (``--postgres URL`` or
``SUPERVISION_LEDGER_BENCH_POSTGRES``, default the local test server), the same raw and
rebuild measures run on a PostgreSQL store.

Times are the minimum of ``repeat`` runs (the medians are printed too): the machine is
shared, and the minimum is the run least disturbed by neighbours. Every published
figure is a ratio of two times measured in the same run.

    python bench/read_side.py [--quick]        # or through bench/run.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stores

from supervision_ledger import Ledger
from supervision_ledger.projections import default_views
from supervision_ledger.projections.engine import (
    TRACKING_TABLE,
    SQLiteViews,
    Tx,
)

QUICK_SIZES = (2, 6, 16)  # unit-years: about 14k, 41k and 110k events
FULL_SIZES = (2, 16, 48, 150)  # up to about 1M events
PAGE = 2000
START, END, AS_OF = date(2023, 1, 1), date(2023, 12, 31), date(2024, 1, 1)
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test?schema=bench_read_side_v1"

Log = Callable[[str], None]


def timed(repeat: int, func: Callable[[], Any]) -> tuple[float, float]:
    """(minimum, median) seconds of ``repeat`` runs."""
    return interleaved(repeat, func)[0]


def interleaved(repeat: int, *funcs: Callable[[], Any]) -> list[tuple[float, float]]:
    """(minimum, median) seconds of ``repeat`` runs of each of ``funcs``, run in turn
    (a, b, a, b, …) so that a ratio of two compares runs that shared the machine's load."""
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for func, spent in zip(funcs, times, strict=True):
            start = time.perf_counter()
            func()
            spent.append(time.perf_counter() - start)
    return [(min(t), statistics.median(t)) for t in times]


def raw_read(ledger: Ledger) -> int:
    """Read and decode every event of the log, page by page; returns how many."""
    recorder, decode = ledger.app.recorder, ledger.app.mapper.to_domain_event
    count, start = 0, 0
    while True:
        page = recorder.select_notifications(start, PAGE, inclusive_of_start=False)
        if not page:
            return count
        for notification in page:
            decode(notification)
        count += len(page)
        start = page[-1].id


def stock_replay(ledger: Ledger, path: Path, limit: int) -> int:
    """The stock pattern: each of the first ``limit`` events decoded and applied to the
    same views in its own transaction, with its tracking row (as an eventsourcing
    process application does); returns how many events."""
    db = SQLiteViews(str(path))
    db.conn.execute("PRAGMA journal_mode = WAL")
    views = default_views()
    for view in views:
        for table, columns in view.tables.items():
            db.run(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
        for index, target in view.indexes.items():
            db.run(f"CREATE INDEX IF NOT EXISTS {index} ON {target}")
    db.run(f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (view TEXT PRIMARY KEY, position BIGINT)")
    for view in views:
        db.run(f"INSERT INTO {TRACKING_TABLE} VALUES (?, 0)", [view.name])
    recorder, decode = ledger.app.recorder, ledger.app.mapper.to_domain_event
    count, start = 0, 0
    try:
        while count < limit:
            page = recorder.select_notifications(
                start, min(PAGE, limit - count), inclusive_of_start=False
            )
            if not page:
                break
            for notification in page:
                event = decode(notification)
                with db.transaction(lock=True):
                    tx = Tx(db, ledger.policy.zone)
                    tx.position = notification.id
                    for view in views:
                        view.apply(tx, event)
                        tx.flush()
                        db.run(
                            f"UPDATE {TRACKING_TABLE} SET position = ? WHERE view = ?",
                            [notification.id, view.name],
                        )
            count += len(page)
            start = page[-1].id
    finally:
        db.close()
    return count


def rebuild_rss_mb(store: str) -> float:
    """Peak RSS (MB) of a fresh process opening ``store`` and rebuilding its views.

    The child reads its own high-water mark (``VmHWM`` in /proc/self/status) where Linux
    has it: ``getrusage``'s ``ru_maxrss`` survives ``exec``, so a child started by this
    (large) benchmark process would report this process's peak whenever it is higher.
    """
    code = (
        "import resource, sys\n"
        "from supervision_ledger import Ledger\n"
        "ledger = Ledger(store=sys.argv[1])\n"
        "ledger.rebuild_views()\n"
        "ledger.close()\n"
        "try:\n"
        "    with open('/proc/self/status') as status:\n"
        "        hwm = [l for l in status if l.startswith('VmHWM:')][0].split()[1]\n"
        "except OSError:\n"
        "    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(hwm)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, store], check=True, capture_output=True, text=True
    )
    return int(out.stdout.split()[-1]) / 1024  # Linux reports KiB


def measure_size(copies: int, repeat: int, log: Log) -> dict[str, Any]:
    path = stores.sqlite_store(copies, log)
    ledger = Ledger(store=f"sqlite:///{path}")
    try:
        ledger.catch_up()  # views of an older version are rebuilt here, outside the timings
        events = raw_read(ledger)
        district, city = stores.district_of(0), stores.city_of(0)
        raw, rebuild = interleaved(repeat, lambda: raw_read(ledger), ledger.rebuild_views)

        def report(unit: str, rollup: bool) -> Callable[[], Any]:
            return lambda: ledger.statistics(unit, rollup=rollup, start=START, end=END, as_of=AS_OF)

        unit = timed(repeat * 3, report(district, False))
        city_report = timed(repeat * 3, report(city, True))
        province = timed(repeat, report(stores.PROVINCE, True))
        feedback = timed(
            repeat * 3, lambda: ledger.pending_feedback(city, rollup=True, as_of=AS_OF)
        )
        units = len(ledger.statistics(stores.PROVINCE, rollup=True, as_of=AS_OF).units or [])
    finally:
        ledger.close()
    row = {
        "copies": copies,
        "units": units,
        "events": events,
        "raw": raw,
        "rebuild": rebuild,
        "report_unit": unit,
        "report_city": city_report,
        "report_province": province,
        "feedback_city": feedback,
        "store": f"sqlite:///{path}",
    }
    log(
        f"  {events:>9,} events, {units} units: raw {raw[0]:.2f} s, rebuild {rebuild[0]:.2f} s "
        f"(×{raw[0] / rebuild[0]:.2f}), unit {unit[0] * 1000:.1f} ms, city "
        f"{city_report[0] * 1000:.1f} ms, province {province[0] * 1000:.0f} ms, feedback "
        f"{feedback[0] * 1000:.1f} ms"
    )
    return row


def measure_postgres(url: str, copies: int, repeat: int, log: Log) -> dict[str, float] | None:
    ledger = stores.postgres_store(url, copies, log)
    if ledger is None:
        return None
    try:
        ledger.catch_up()
        events = raw_read(ledger)
        raw, rebuild = interleaved(repeat, lambda: raw_read(ledger), ledger.rebuild_views)
    finally:
        ledger.close()
    log(
        f"  PostgreSQL, {events:,} events: raw {raw[0]:.2f} s, rebuild {rebuild[0]:.2f} s "
        f"(×{raw[0] / rebuild[0]:.2f})"
    )
    return {"events": events, "raw": raw[0], "rebuild": rebuild[0]}


def table(rows: list[dict[str, Any]]) -> str:
    """The scaling table (Markdown), minimum (median) of the runs."""

    def ms(pair: tuple[float, float]) -> str:
        return f"{pair[0] * 1000:.1f} ({pair[1] * 1000:.1f})"

    def s(pair: tuple[float, float]) -> str:
        return f"{pair[0]:.2f} ({pair[1]:.2f})"

    lines = [
        "| events | units | raw read + decode, s | rebuild, s | rebuild ÷ raw speed "
        "| report: district, ms | report: city roll-up, ms | report: province roll-up, ms "
        "| pending feedback: city, ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['events']:,} | {r['units']} | {s(r['raw'])} | {s(r['rebuild'])} "
            f"| {r['raw'][0] / r['rebuild'][0]:.2f} | {ms(r['report_unit'])} "
            f"| {ms(r['report_city'])} | {ms(r['report_province'])} | {ms(r['feedback_city'])} |"
        )
    return "\n".join(lines)


def run(
    quick: bool,
    *,
    log: Log = print,
    repeat: int | None = None,
    sizes: tuple[int, ...] | None = None,
    postgres: str | None = None,
) -> dict[str, float]:
    """Measure the read side; returns the figures of the benchmark's JSON line."""
    sizes = sizes or (QUICK_SIZES if quick else FULL_SIZES)
    repeat = repeat or 3
    log(f"read side: stores of {', '.join(map(str, sizes))} unit-years, best of {repeat}")
    rows = [measure_size(n, repeat, log) for n in sizes]
    small, large = rows[0], rows[-1]

    log("  stock pattern (a transaction per event, with its tracking row) …")
    ledger = Ledger(store=small["store"])
    try:
        with tempfile.TemporaryDirectory() as tmp:
            limit = min(small["events"], 8000)
            stock_time = time.perf_counter()
            stocked = stock_replay(ledger, Path(tmp) / "stock.db", limit)
            stock_time = time.perf_counter() - stock_time
    finally:
        ledger.close()
    stock_rate = stocked / stock_time
    rebuild_rate = small["events"] / small["rebuild"][0]
    log(f"  stock: {stock_rate:,.0f} events/s; rebuild: {rebuild_rate:,.0f} events/s")

    # The ratios across sizes, measured again side by side so that they share the load.
    first, last = Ledger(store=small["store"]), Ledger(store=large["store"])
    try:
        district = stores.district_of(0)

        def unit_report(ledger: Ledger) -> Callable[[], Any]:
            return lambda: ledger.statistics(district, start=START, end=END, as_of=AS_OF)

        unit_small, unit_large = interleaved(repeat * 15, unit_report(first), unit_report(last))
        province, scan = interleaved(
            repeat,
            lambda: last.statistics(
                stores.PROVINCE, rollup=True, start=START, end=END, as_of=AS_OF
            ),
            lambda: raw_read(last),
        )
    finally:
        first.close()
        last.close()
    log(
        f"  side by side: district report {unit_small[0] * 1000:.1f} ms at {small['events']:,} "
        f"events, {unit_large[0] * 1000:.1f} ms at {large['events']:,}; province report "
        f"{province[0]:.3f} s vs reading the store {scan[0]:.3f} s"
    )

    rss = rebuild_rss_mb(large["store"])
    log(f"  peak RSS of a rebuild of {large['events']:,} events: {rss:.0f} MB")

    log("\n" + table(rows) + "\n")
    result = {
        "rebuild_vs_raw": round(large["raw"][0] / large["rebuild"][0], 3),
        "rebuild_vs_stock": round(rebuild_rate / stock_rate, 1),
        "rebuild_peak_rss_mb": round(rss, 1),
        "report_rollup_vs_scan": round(province[0] / scan[0], 3),
        "report_unit_growth": round(unit_large[0] / unit_small[0], 2),
        "read_side_events": float(large["events"]),
    }
    url = postgres or os.environ.get("SUPERVISION_LEDGER_BENCH_POSTGRES", DEFAULT_POSTGRES)
    if url != "none":
        pg = measure_postgres(url, sizes[0], repeat, log)
        if pg is not None:
            result["pg_rebuild_vs_raw"] = round(pg["raw"] / pg["rebuild"], 3)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="stores up to ~110k events")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--sizes", default=None, help="unit-years per store, e.g. 2,8,32")
    parser.add_argument("--postgres", default=None, help="store URL, or 'none' to skip")
    args = parser.parse_args(argv)
    sizes = tuple(int(n) for n in args.sizes.split(",")) if args.sizes else None
    result = run(args.quick, repeat=args.repeat, sizes=sizes, postgres=args.postgres)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
