"""Write side: recording, bulk import, large cases, snapshots — ratios against baselines
measured in the same run, on the same machine.

    python bench/run.py --quick          # all side modules, one JSON line last
    python bench/write_side.py --quick   # this module alone

Figures (each the ratio of medians over the repeats; the min/median seconds are printed):

* ``ingest_vs_stock`` — events/s of ``Ledger.execute``, one command at a time, on the
  demo year's commands (a realistic mix) ÷ events/s of stock eventsourcing saving one
  event per transaction, events of the same sizes, SQLite file.
* ``import_vs_raw`` — events/s of ``supervision-ledger apply`` (default batch size) of a
  ≥10k-command file ÷ events/s of raw sqlite3 ``executemany`` of the same rows in one
  transaction.
* ``large_case_command_growth`` — ms per command on a 2,000-event case ÷ on a 20-event case
  (200 commands a case each repeat: a whole snapshot step at that size, so the snapshots
  the commands take are in the figure).
* ``load_large_case_vs_raw`` — loading a 2,000-event case (snapshot + tail, cold cache)
  ÷ reading and decoding its rows.
* ``pg_import_vs_stock`` — events/s of ``apply`` on PostgreSQL ÷ events/s of stock
  eventsourcing, one event per transaction, on PostgreSQL (only when a server is
  reachable; stock's rate is taken on the first 2,000 / 5,000 event sizes).
* ``import_batch_<N>_vs_raw`` — ``import_vs_raw`` at other batch sizes (the default is
  chosen from these).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from supervision_ledger import Ledger
from supervision_ledger import commands as c
from supervision_ledger.cli import main as cli
from supervision_ledger.cli.entry import DEFAULT_BATCH_SIZE
from supervision_ledger.demo import run_demo
from supervision_ledger.domain.case import Case

PG_BASE = os.environ.get(
    "SUPERVISION_LEDGER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


def timed(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def summary(name: str, seconds: list[float]) -> float:
    """Print min/median of the repeats; return the median."""
    median = statistics.median(seconds)
    print(f"  {name}: min {min(seconds):.4f} s, median {median:.4f} s ({len(seconds)} runs)")
    return median


# -- inputs --------------------------------------------------------------------------------


class Recording:
    """A ledger stand-in that records the commands the demo executes."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.policy = ledger.policy
        self.commands: list[c.Command] = []

    def execute(self, command: c.Command) -> Any:
        self.commands.append(command)
        return self.ledger.execute(command)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ledger, name)


def demo_commands() -> list[c.Command]:
    """The demo year's commands (each with a command id), recorded in memory."""
    with Ledger("sqlite:///:memory:") as ledger:
        recording = Recording(ledger)
        run_demo(recording, seed=2023)  # type: ignore[arg-type]
        return recording.commands


def office_minutes(start: date) -> Iterator[datetime]:
    """Every minute of office hours on working days from ``start``."""
    day = start
    while True:
        if day.weekday() < 5:
            for minute in range(9 * 60, 17 * 60):
                yield datetime(day.year, day.month, day.day, minute // 60, minute % 60)
        day += timedelta(days=1)


def import_file(commands: list[c.Command], total: int, path: Path) -> int:
    """The demo year, then allowances and trainings of its people in the next year, up to
    ``total`` commands, as an ``apply`` file with command ids. Returns the line count."""
    people = [x.supervisor for x in commands if isinstance(x, c.AppointSupervisor)]
    lines = [x.model_dump_json(exclude_none=True) for x in commands]
    moments = office_minutes(date(2024, 1, 2))
    n = 0
    while len(lines) < total:
        n += 1
        when, person = next(moments), people[n % len(people)]
        extra: c.Command
        if n % 3:
            extra = c.PayAllowance(
                supervisor=person,
                amount="120.00",  # type: ignore[arg-type]
                purpose="参加听证补贴",
                reference=f"PAY-{n}",
                occurred_at=when,
                command_id=f"bulk-{n}",
            )
        else:
            extra = c.RecordTraining(
                supervisor=person,
                topic="人民监督员履职培训",
                hours="2.5",  # type: ignore[arg-type]
                occurred_at=when,
                command_id=f"bulk-{n}",
            )
        lines.append(extra.model_dump_json(exclude_none=True))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


# -- stock eventsourcing baseline ---------------------------------------------------------


class Blob(Aggregate):
    """A stock eventsourcing aggregate whose events carry ``data`` of a given size."""

    @event("Created")
    def __init__(self, data: str) -> None:
        self.size = len(data)

    @event("Noted")
    def note(self, data: str) -> None:
        self.size = len(data)


def stored_sizes(db: Path) -> list[tuple[str, int]]:
    """(originator, state size) of every stored event, in order."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT originator_id, length(state) FROM stored_events ORDER BY rowid")
        return [(str(r[0]), int(r[1])) for r in rows]


def stock_save(env: dict[str, str], sizes: list[tuple[str, int]]) -> float:
    """Seconds stock eventsourcing takes to save these events, one per transaction."""
    app: Application[Any] = Application(env=env)
    try:
        blobs: dict[str, Blob] = {}
        start = time.perf_counter()
        for originator, size in sizes:
            data = "x" * max(size - 80, 1)  # the JSON envelope of stock events is ~80 bytes
            blob = blobs.get(originator)
            if blob is None:
                blob = blobs[originator] = Blob(data)
            else:
                blob.note(data)
            app.save(blob)
        return time.perf_counter() - start
    finally:
        app.close()


def sqlite_env(db: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db)}


# -- the measures ---------------------------------------------------------------------------


def ingest(commands: list[c.Command], repeat: int, tmp: Path) -> float:
    print(f"ingest: Ledger.execute of {len(commands)} demo commands, one at a time")
    ours: list[float] = []
    stock: list[float] = []
    events = 0
    for i in range(repeat):
        db = tmp / f"ingest-{i}.db"
        with Ledger(f"sqlite:///{db}") as ledger:
            ours.append(timed(lambda: [ledger.execute(x) for x in commands]))
        sizes = stored_sizes(db)
        events = len(sizes)
        stock.append(stock_save(sqlite_env(tmp / f"stock-{i}.db"), sizes))
    ours_s, stock_s = summary("ours", ours), summary("stock", stock)
    print(f"  {events} events: {events / ours_s:.0f} ev/s ours, {events / stock_s:.0f} stock")
    return stock_s / ours_s  # (events/s ours) / (events/s stock), same events


def raw_executemany(db: Path, rows: list[tuple[Any, ...]]) -> float:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, "
        "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO stored_events VALUES (?,?,?,?)", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def apply_file(path: Path, store: str, batch_size: int) -> float:
    with contextlib.redirect_stdout(io.StringIO()):
        start = time.perf_counter()
        status = cli(["apply", str(path), "--store", store, "--batch-size", str(batch_size)])
        seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"apply failed with status {status}")
    return seconds


def bulk_import(path: Path, repeat: int, tmp: Path, batch_sizes: list[int]) -> dict[str, float]:
    print(f"import: supervision-ledger apply {path.name} vs raw sqlite3 executemany")
    figures: dict[str, float] = {}
    for batch_size in batch_sizes:
        ours: list[float] = []
        raw: list[float] = []
        events = 0
        for i in range(repeat):
            db = tmp / f"import-{batch_size}-{i}.db"
            ours.append(apply_file(path, f"sqlite:///{db}", batch_size))
            with sqlite3.connect(db) as conn:
                rows = conn.execute(
                    "SELECT originator_id, originator_version, topic, state FROM stored_events"
                ).fetchall()
            events = len(rows)
            raw.append(raw_executemany(tmp / f"raw-{batch_size}-{i}.db", rows))
        print(f" --batch-size {batch_size}:")
        ours_s, raw_s = summary("apply", ours), summary("raw", raw)
        print(f"  {events} events: {events / ours_s:.0f} ev/s apply, {events / raw_s:.0f} raw")
        ratio = raw_s / ours_s
        figures[f"import_batch_{batch_size}_vs_raw"] = ratio
        if batch_size == DEFAULT_BATCH_SIZE:
            figures["import_vs_raw"] = ratio
    return figures


def open_activity(case: str, when: datetime, n: int) -> c.OpenActivity:
    return c.OpenActivity(
        case=case,
        activity_type="public_hearing",  # type: ignore[arg-type]
        title=f"第{n}次公开听证",
        occurred_at=when,
    )


def grow_case(ledger: Ledger, key: str, events: int, moments: Iterator[datetime]) -> None:
    """Register case ``key`` and record activities, invitations, attendance and opinions
    on it until it holds ``events`` events."""
    ledger.execute(
        c.RegisterCase(
            case=key,
            unit="QC",
            kind="intended_non_prosecution",  # type: ignore[arg-type]
            title="朱某某涉嫌掩饰、隐瞒犯罪所得案",
            handling_prosecutor="李某",
            parties=[c.PartyInput(name="朱某某")],
            received_on=date(2024, 1, 2),
            occurred_at=next(moments),
        )
    )
    n = 0
    while ledger.case(key).version < events:
        n += 1
        batch: list[c.Command] = [open_activity(key, next(moments), n)]
        activity = f"A{n}"
        person = f"P{n % 10}"
        batch.append(
            c.InviteSupervisor(
                case=key, activity=activity, supervisor=person, occurred_at=next(moments)
            )
        )
        batch.append(
            c.RecordAttendance(
                case=key, activity=activity, supervisor=person, occurred_at=next(moments)
            )
        )
        batch.append(
            c.SubmitOpinion(
                case=key,
                activity=activity,
                supervisor=person,
                content="建议规范告知程序",
                occurred_at=next(moments),
            )
        )
        ledger.execute_many(batch)


def large_case(repeat: int, commands: int, tmp: Path) -> dict[str, float]:
    print(f"large case: {commands} commands on a 2,000-event case vs on a 20-event case")
    db = tmp / "large.db"
    moments = office_minutes(date(2024, 1, 2))
    with Ledger(f"sqlite:///{db}") as ledger:
        setup: list[c.Command] = [
            c.RegisterUnit(
                unit="QC",
                name="清城区人民检察院",
                level="district",  # type: ignore[arg-type]
                occurred_at=next(moments),
            )
        ]
        setup += [
            c.AppointSupervisor(
                supervisor=f"P{i}",
                unit="QC",
                name=f"张某{i}",
                roles=["peoples_supervisor"],  # type: ignore[list-item]
                term_start=date(2024, 1, 1),
                occurred_at=next(moments),
            )
            for i in range(10)
        ]
        ledger.execute_many(setup)
        grow_case(ledger, "BIG", 2000, moments)
        large_events = ledger.case("BIG").version
        big: list[float] = []
        small: list[float] = []
        for i in range(repeat):
            grow_case(ledger, f"SMALL-{i}", 20, moments)
            start = 10_000 * (i + 1)
            for key, into in (("BIG", big), (f"SMALL-{i}", small)):
                todo = [open_activity(key, next(moments), start + n) for n in range(commands)]
                into.append(timed(lambda todo=todo: [ledger.execute(x) for x in todo]) / commands)
    print(f" a case of {large_events} events vs one of ~20 (seconds per command):")
    big_s, small_s = summary("large case", big), summary("small case", small)
    growth = big_s / small_s
    # Loading the large case in a fresh ledger (cold cache): snapshot + tail, vs reading
    # and decoding every one of its rows.
    loads: list[float] = []
    raws: list[float] = []
    case_id = Case.id_for("BIG")
    for _ in range(repeat):
        with Ledger(f"sqlite:///{db}") as fresh:
            loads.append(timed(lambda fresh=fresh: fresh.app.load(case_id)))
        with Ledger(f"sqlite:///{db}") as fresh:
            recorder, mapper = fresh.app.recorder, fresh.app.mapper
            raws.append(
                timed(
                    lambda recorder=recorder, mapper=mapper: [
                        mapper.to_domain_event(s) for s in recorder.select_events(case_id)
                    ]
                )
            )
    print(f" loading the case of {large_events} events:")
    load_s, raw_s = summary("load (snapshot + tail)", loads), summary("read + decode", raws)
    return {"large_case_command_growth": growth, "load_large_case_vs_raw": load_s / raw_s}


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_BASE, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False


@contextlib.contextmanager
def pg_schema() -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh schema: (store URL, stock eventsourcing env) in it; dropped afterwards."""
    from urllib.parse import urlsplit

    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(PG_BASE)
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres",
        "POSTGRES_PASSWORD": parts.password or "",
        "POSTGRES_SCHEMA": schema,
    }
    try:
        yield f"{PG_BASE}?schema={schema}", env
    finally:
        with psycopg.connect(PG_BASE, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def pg_import(path: Path, repeat: int, sample: int) -> float:
    import psycopg

    print(f"postgres: supervision-ledger apply {path.name} vs stock, one event per transaction")
    ours: list[float] = []
    stock: list[float] = []
    events = 0
    for _ in range(repeat):
        with pg_schema() as (url, _env):
            ours.append(apply_file(path, url, DEFAULT_BATCH_SIZE))
            schema = url.rsplit("=", 1)[1]
            with psycopg.connect(PG_BASE) as conn:
                sizes = [
                    (str(r[0]), int(r[1]))
                    for r in conn.execute(
                        f"SELECT originator_id, length(state) FROM {schema}."
                        "supervisionledger_events ORDER BY notification_id"
                    )
                ]
        events = len(sizes)
        # Stock at one event per transaction is slow: its rate is taken on a sample.
        with pg_schema() as (_url, env):
            stock.append(stock_save(env, sizes[:sample]))
    ours_s, stock_s = summary("apply", ours), summary(f"stock ({sample} events)", stock)
    ours_rate, stock_rate = events / ours_s, min(sample, events) / stock_s
    print(f"  {events} events: {ours_rate:.0f} ev/s apply, {stock_rate:.0f} stock")
    return ours_rate / stock_rate


def run(quick: bool) -> dict[str, float]:
    repeat = 3 if quick else 5
    with tempfile.TemporaryDirectory(prefix="write-side-") as tmpdir:
        tmp = Path(tmpdir)
        print("write side: generating the demo year's commands", flush=True)
        commands = demo_commands()
        figures: dict[str, float] = {}
        mix = commands[:1200] if quick else commands
        figures["ingest_vs_stock"] = ingest(mix, repeat, tmp)
        path = tmp / "import.jsonl"
        lines = import_file(commands, 10_000 if quick else 20_000, path)
        print(f"import file: {lines} commands")
        sizes = [DEFAULT_BATCH_SIZE] if quick else sorted({50, 200, 500, 2000, DEFAULT_BATCH_SIZE})
        figures.update(bulk_import(path, repeat, tmp, sizes))
        # 200 commands: a whole snapshot step of the 2,000-event case (snapshot_step),
        # so each window pays its share of the snapshots it takes, no more, no less.
        figures.update(large_case(repeat, 200, tmp))
        if postgres_reachable():
            pg_path = tmp / "pg-import.jsonl"
            import_file(commands, 5_000 if quick else 10_000, pg_path)
            figures["pg_import_vs_stock"] = pg_import(
                pg_path, 2 if quick else 3, 2_000 if quick else 5_000
            )
        else:
            print(f"postgres: no server at {PG_BASE}; pg_import_vs_stock not measured")
    for name, value in sorted(figures.items()):
        print(f"  {name} = {value:.3f}")
    return figures


def spread(runs: int) -> dict[str, dict[str, float]]:
    """``ingest_vs_stock`` and ``import_vs_raw`` (the --quick sizes) measured ``runs``
    times over, each run as in :func:`run`: their min, median and max (a shared machine's
    load moves them run to run)."""
    figures: dict[str, list[float]] = {"ingest_vs_stock": [], "import_vs_raw": []}
    commands = demo_commands()
    for n in range(runs):
        with tempfile.TemporaryDirectory(prefix="write-side-") as tmpdir:
            tmp = Path(tmpdir)
            figures["ingest_vs_stock"].append(ingest(commands[:1200], 3, tmp))
            path = tmp / "import.jsonl"
            import_file(commands, 10_000, path)
            ratio = bulk_import(path, 3, tmp, [DEFAULT_BATCH_SIZE])["import_vs_raw"]
            figures["import_vs_raw"].append(ratio)
        print(f"run {n + 1}/{runs}: " + ", ".join(f"{k} {v[-1]:.3f}" for k, v in figures.items()))
    return {
        name: {
            "min": min(values),
            "median": statistics.median(values),
            "max": max(values),
            "runs": len(values),
        }
        for name, values in figures.items()
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write-side benchmarks.")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--spread",
        type=int,
        metavar="RUNS",
        help="only ingest_vs_stock and import_vs_raw, RUNS times: min/median/max",
    )
    args = parser.parse_args()
    if args.spread:
        print(json.dumps(spread(args.spread), sort_keys=True))
    else:
        print(json.dumps(run(args.quick), sort_keys=True))
    sys.exit(0)
