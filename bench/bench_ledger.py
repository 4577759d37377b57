"""Benchmarks: each figure is a ratio against a baseline measured in the same run.

    python bench/bench_ledger.py [--events N] [--commands N] [--store URL]

1. Event encoding: the msgspec mapper vs eventsourcing's default JSON mapper (with its
   UUID/Decimal/datetime transcodings), encoding and decoding the same Case events.
2. Recording commands: ``Ledger.execute`` (pydantic validation, rules, idempotency record,
   msgspec, SQLite) vs a bare eventsourcing application saving the same events.
3. Reloading a case with many events from the store.
4. Over the demo year (~5,000 events): rebuilding every view from zero, and verifying the
   hash chain, each against the baseline of reading and decoding the whole log.

Nothing here asserts a speed; the results go to docs/performance.md with this command.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)

from supervision_ledger import Ledger
from supervision_ledger.domain import Case, CaseKind, OpinionOutcome, Party, Policy, Role
from supervision_ledger.domain.values import ActivityType
from supervision_ledger.persistence.mapper import MsgspecMapper

T0 = datetime.fromisoformat("2023-01-02T09:00:00+08:00")


def best_of(repeat: int, func: Callable[[], Any]) -> float:
    """Median seconds of ``repeat`` runs (the median resists a noisy neighbour)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sample_case(n_opinions: int) -> list[Any]:
    """Events of one case with an activity and ``n_opinions`` fully answered opinions."""
    case = Case(
        key="K-bench",
        unit="QC",
        case_kind=CaseKind.INTENDED_NON_PROSECUTION,
        title="朱某某涉嫌掩饰、隐瞒犯罪所得案",
        handling_prosecutor="李某",
        parties=(Party("朱某某"), Party("陈某某", minor=True)),
        received_on=T0.date(),
        occurred_at=T0,
    )
    case._open_activity(
        activity="A1",
        activity_type=ActivityType.PUBLIC_HEARING,
        title="公开听证",
        initiated_by=None,
        hearing=None,
        occurred_at=T0,
    )
    case._invite(activity="A1", supervisor="S1", role=Role.PEOPLES_SUPERVISOR, occurred_at=T0)
    case._attend(activity="A1", supervisor="S1", occurred_at=T0)
    t = T0
    for i in range(n_opinions):
        key = f"O{i + 1}"
        t += timedelta(minutes=1)
        case._submit(
            opinion=key,
            activity="A1",
            supervisor="S1",
            content="建议畅通行刑双向衔接机制",
            occurred_at=t,
        )
        case._receive(opinion=key, occurred_at=t)
        case._route(opinion=key, department="第二检察部", occurred_at=t)
        case._decide(opinion=key, outcome=OpinionOutcome.ADOPTED, explanation=None, occurred_at=t)
        case._give_feedback(opinion=key, content="已采纳", occurred_at=t)
    return list(case.collect_events())


class PartyAsDict(Transcoding):
    type = Party
    name = "party"

    def encode(self, obj: Party) -> dict[str, Any]:
        return {"name": obj.name, "role": obj.role, "minor": obj.minor}

    def decode(self, data: dict[str, Any]) -> Party:
        return Party(**data)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def json_mapper() -> Mapper[UUID]:
    """eventsourcing's default mapper, taught the value types our events use."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), PartyAsDict(), DateAsISO()):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)


def bench_encoding(n_events: int, repeat: int) -> list[tuple[str, float, float]]:
    events = sample_case(max(1, (n_events - 4) // 5))
    msgspec_mapper, baseline = MsgspecMapper(), json_mapper()
    stored_m = [msgspec_mapper.to_stored_event(e) for e in events]
    stored_j = [baseline.to_stored_event(e) for e in events]
    enc_base = best_of(repeat, lambda: [baseline.to_stored_event(e) for e in events])
    enc_ours = best_of(repeat, lambda: [msgspec_mapper.to_stored_event(e) for e in events])
    dec_base = best_of(repeat, lambda: [baseline.to_domain_event(s) for s in stored_j])
    dec_ours = best_of(repeat, lambda: [msgspec_mapper.to_domain_event(s) for s in stored_m])
    size_base = sum(len(s.state) for s in stored_j)
    size_ours = sum(len(s.state) for s in stored_m)
    return [
        (f"encode {len(events)} events", enc_base, enc_ours),
        (f"decode {len(events)} events", dec_base, dec_ours),
        ("stored bytes (size, not time)", float(size_base), float(size_ours)),
    ]


def story(n_units: int) -> list[dict[str, Any]]:
    """Commands: a unit, people, cases with one activity each, an invitation and attendance."""
    cmds: list[dict[str, Any]] = [
        {
            "type": "register_unit",
            "unit": "QC",
            "name": "清城区人民检察院",
            "level": "district",
            "occurred_at": "2023-01-01T09:00",
        },
        {
            "type": "appoint_supervisor",
            "supervisor": "S1",
            "unit": "QC",
            "name": "王某",
            "roles": ["peoples_supervisor"],
            "term_start": "2022-01-01",
            "occurred_at": "2022-01-01T09:00",
        },
    ]
    for i in range(n_units):
        case = f"K{i}"
        cmds += [
            {
                "type": "register_case",
                "case": case,
                "unit": "QC",
                "kind": "other",
                "handling_prosecutor": "李某",
                "received_on": "2023-02-01",
                "occurred_at": "2023-02-01T09:00",
                "command_id": f"b-{i}-1",
            },
            {
                "type": "open_activity",
                "case": case,
                "activity_type": "quality_review",
                "occurred_at": "2023-02-02T09:00",
                "command_id": f"b-{i}-2",
            },
            {
                "type": "invite_supervisor",
                "case": case,
                "activity": "A1",
                "supervisor": "S1",
                "occurred_at": "2023-02-02T10:00",
                "command_id": f"b-{i}-3",
            },
            {
                "type": "record_attendance",
                "case": case,
                "activity": "A1",
                "supervisor": "S1",
                "occurred_at": "2023-02-03T10:00",
                "command_id": f"b-{i}-4",
            },
        ]
    return cmds


class BareApp(Application[UUID]):
    """Baseline: eventsourcing with its default JSON mapper, no validation, no rules."""


def bench_commands(n_cases: int, store: str | None) -> list[tuple[str, float, float]]:
    cmds = story(n_cases)
    with tempfile.TemporaryDirectory() as tmp:
        url = store or f"sqlite:///{Path(tmp) / 'bench.db'}"
        ledger = Ledger(store=url)
        start = time.perf_counter()
        for cmd in cmds:
            ledger.execute(cmd)
        ours = time.perf_counter() - start
        # Baseline: the same domain events (taken from the ledger's aggregates) saved by a
        # bare application into a separate SQLite file, one save per command as above.
        events_by_case = [list(ledger.events(ledger.case(f"K{i}"))) for i in range(n_cases)]
        ledger.close()
        bare = BareApp(
            env={
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(Path(tmp) / "bare.db"),
            }
        )
        bare_mapper = json_mapper()
        start = time.perf_counter()
        for events in events_by_case:
            for event in events:
                bare.recorder.insert_events([bare_mapper.to_stored_event(event)])
        base = time.perf_counter() - start
        bare.close()
    n = len(cmds) - 2
    return [(f"record {n} commands ({n_cases} cases)", base, ours)]


def bench_reload(n_opinions: int, repeat: int) -> list[tuple[str, float, float]]:
    events = sample_case(n_opinions)
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(store=f"sqlite:///{Path(tmp) / 'reload.db'}")
        ledger.app.events.put(events)
        case_id = events[0].originator_id
        base = best_of(repeat, lambda: list(ledger.app.recorder.select_events(case_id)))
        ours = best_of(
            repeat,
            lambda: ledger.app.repository.get(
                case_id, deepcopy_from_cache=False, version=len(events)
            ),
        )
        ledger.close()
    return [(f"reload a case of {len(events)} events (vs reading its rows)", base, ours)]


def bench_demo_log() -> list[tuple[str, float, float]]:
    from supervision_ledger.demo import run_demo

    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(store=f"sqlite:///{Path(tmp) / 'demo.db'}")
        run_demo(ledger, seed=2023)
        recorder, mapper = ledger.app.recorder, ledger.app.mapper

        def read_and_decode() -> int:
            count, start = 0, 0
            while True:
                page = recorder.select_notifications(start, 500, inclusive_of_start=False)
                if not page:
                    return count
                for notification in page:
                    mapper.to_domain_event(notification)
                count += len(page)
                start = page[-1].id

        events = read_and_decode()
        base = best_of(3, read_and_decode)
        rebuild = best_of(3, ledger.rebuild_views)
        verify = best_of(3, ledger.verify)
        ledger.close()
    return [
        (f"rebuild all views, {events} events (vs read+decode)", base, rebuild),
        (f"verify the hash chain, {events} events (vs read+decode)", base, verify),
    ]


def memory_of(func: Callable[[], Any]) -> int:
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", default=None, help="store URL for the command benchmark")
    args = parser.parse_args(argv)
    Policy()  # import-time work out of the timings
    rows = [
        *bench_encoding(args.events, args.repeat),
        *bench_commands(args.cases, args.store),
        *bench_reload(args.events // 5, args.repeat),
        *bench_demo_log(),
    ]
    mem_base = memory_of(lambda: [json_mapper().to_stored_event(e) for e in sample_case(400)])
    mem_ours = memory_of(lambda: [MsgspecMapper().to_stored_event(e) for e in sample_case(400)])
    rows.append(("peak memory encoding 2,004 events (bytes)", float(mem_base), float(mem_ours)))
    print(f"python {sys.version.split()[0]}")
    print(f"{'measure':<58} {'baseline':>12} {'ours':>12} {'ours/base':>10}")
    for name, base, ours in rows:
        print(f"{name:<58} {base:>12.4f} {ours:>12.4f} {ours / base:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
