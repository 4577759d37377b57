"""Auditing: ``history``, ``digest``, ``verify`` and ``export`` (spec: docs/audit.md)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from ..application import Ledger
from ..audit import Digest, InvalidDigest, aggregate_state, resolve_reference
from ..audit.history import HistoryEntry, InvalidReference
from ..domain.base import LedgerAggregate
from ..projections.listing import MAX_LIMIT
from .common import add_store_option, open_ledger, print_json
from .progress import add_quiet_option, progress

#: Exit status of ``verify`` when the log fails (0: intact; 2: unusable input).
EXIT_TAMPERED = 1
EXIT_BAD_INPUT = 2


def parse_moment(text: str) -> date | datetime:
    """``2023-06-30`` (the whole local day) or ``2023-06-30T18:00[+08:00]``."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date (2023-06-30) or date-time (2023-06-30T18:00)"
        ) from None


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a non-negative integer")
    return value


def _state_as_of(
    ledger: Ledger, ref: str, when: date | datetime | None, position: int | None
) -> LedgerAggregate:
    kind, _, key = ref.partition(":")
    readers = {
        "case": ledger.case_as_of,
        "hearing": ledger.hearing_as_of,
        "supervisor": ledger.supervisor_as_of,
        "unit": ledger.unit_as_of,
    }
    if kind not in readers or not key:
        raise InvalidReference(
            f"{ref!r}: --as-of/--at-position need KIND:KEY with KIND one of {', '.join(readers)}"
        )
    state: LedgerAggregate = readers[kind](key, when, at_position=position)
    return state


def page_limit(text: str) -> int:
    """A page size from 1 to :data:`MAX_LIMIT`."""
    value = non_negative(text)
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a page size from 1 to {MAX_LIMIT}")
    return value


def run_history(args: argparse.Namespace) -> int:
    resolve_reference(args.aggregate)  # a clear error before opening the store
    if args.cursor is not None and args.limit is None:
        print(
            "error: --cursor: page with --limit N (the cursor came with a page size)",
            file=sys.stderr,
        )
        return 2
    if args.limit is not None:
        if args.as_of is not None or args.at_position is not None:
            print(
                "error: --limit: pages the whole history; not with --as-of or --at-position",
                file=sys.stderr,
            )
            return 2
        return _history_page(args)
    with open_ledger(args) as ledger:
        entries = ledger.history(args.aggregate, redact=args.redact or False)
        state: dict[str, Any] | None = None
        if args.as_of is not None or args.at_position is not None:
            aggregate = _state_as_of(ledger, args.aggregate, args.as_of, args.at_position)
            state = aggregate_state(aggregate)
            entries = [e for e in entries if e.version <= aggregate.version]
            if args.as_of is not None:
                cutoff = _cutoff(ledger, args.as_of)
                entries = [e for e in entries if e.occurred_at is None or e.occurred_at <= cutoff]
            if args.redact:
                state = None  # the state is not redacted field by field; the events are
    if args.json:
        print_json({"events": [e.to_json() for e in entries], "state": state})
        return 0
    _print_entries(entries)
    if state is not None:
        print("state:")
        for name, value in state.items():
            print(f"    {name}: {value}")
    return 0


def _print_entries(entries: list[HistoryEntry]) -> None:
    for e in entries:
        occurred = e.occurred_at.isoformat() if e.occurred_at else "-"
        print(
            f"#{e.position} v{e.version} {e.event}  occurred {occurred}  "
            f"recorded {e.recorded_at.isoformat()}  command {e.command_id or '-'}  "
            f"actor {e.actor or '-'}"
        )
        if e.approver is not None:
            print(f"    approved by {e.approver.get('name')} ({e.approver.get('role')})")
        for name, value in e.fields.items():
            print(f"    {name}: {value}")


def _history_page(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        page = ledger.history_page(
            args.aggregate, limit=args.limit, cursor=args.cursor, redact=args.redact or False
        )
    if args.json:
        events = [e.to_json() for e in page.entries]
        print_json({"events": events, "state": None, "next_cursor": page.next_cursor})
        return 0
    _print_entries(page.entries)
    if page.next_cursor is not None:
        print(f"more: --cursor {page.next_cursor}")
    return 0


def _cutoff(ledger: Ledger, moment: date | datetime) -> datetime:
    from ..audit.history import business_cutoff

    return business_cutoff(moment, ledger.policy.zone)


def run_digest(args: argparse.Namespace) -> int:
    with open_ledger(args, audit_only=True) as ledger:
        print_json(ledger.digest().to_json())
    return 0


def run_verify(args: argparse.Namespace) -> int:
    digest: Digest | None = None
    if args.digest is not None:
        try:
            digest = Digest.parse(args.digest)
        except InvalidDigest as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
    with (
        open_ledger(args, audit_only=True) as ledger,
        progress(args, "verify", unit="event") as bar,
    ):
        report = ledger.verify(digest, progress=bar)
    if args.json:
        print_json(report.to_json())
    else:
        print(report.render())
    return 0 if report.ok else EXIT_TAMPERED


def run_export(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger, progress(args, "export", unit="event") as bar:
        if args.output == "-":
            summary = ledger.export(sys.stdout, redact=args.redact or False, progress=bar)
        else:
            out: IO[str]
            with Path(args.output).open("w", encoding="utf-8") as out:
                summary = ledger.export(out, redact=args.redact or False, progress=bar)
    print(
        f"exported {summary.lines} position(s), {summary.redacted} redacted",
        file=sys.stderr,
    )
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "history",
        help="every event of a case, hearing, supervisor or unit, with both times",
        description="Print the events of KIND:KEY (case:K-2023-12, hearing:H1, "
        "supervisor:S1, unit:QC) or an aggregate UUID: position, business time "
        "(occurred), recorded time, command id and fields. With --as-of or "
        "--at-position, only the events up to then, and the state as it was.",
    )
    p.add_argument("aggregate", metavar="ID", help="KIND:KEY or an aggregate UUID")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--as-of", type=parse_moment, metavar="DATE", help="a business date/time")
    when.add_argument("--at-position", type=non_negative, metavar="N", help="a log position")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--redact",
        nargs="?",
        const="auditor",
        choices=["auditor", "people"],
        help="personal values become pseudonyms; 'people': supervisors' and prosecutors' names too",
    )
    p.add_argument(
        "--limit", type=page_limit, metavar="N", help="one page of at most N events (1–1000)"
    )
    p.add_argument("--cursor", metavar="C", help="the next page (from 'more: --cursor C')")
    add_store_option(p)
    p.set_defaults(run=run_history)

    p = subparsers.add_parser(
        "digest", help="print the current digest (position and chain hash) as JSON"
    )
    add_store_option(p)
    p.set_defaults(run=run_digest)

    p = subparsers.add_parser(
        "verify",
        help="check the hash chain over the whole log (exit 0 intact, 1 tampered)",
        description="Recompute every event's hash from the stored bytes and every link of "
        "the chain; with --digest, also check that the log still holds what the digest "
        "committed to. Names the first position that fails and why.",
    )
    p.add_argument("--digest", metavar="FILE_OR_JSON", help="a digest file or JSON text")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    add_store_option(p)
    add_quiet_option(p)
    p.set_defaults(run=run_verify)

    p = subparsers.add_parser(
        "export",
        help="write the whole log as JSON lines for independent verification",
        description="Write the log (stored bytes as base64 and the hash chain) as JSON lines; "
        "check it with tools/verify_export.py. --redact replaces personal values (party "
        "and petitioner names, free texts, every text of cases with a minor party; with "
        "'people' also supervisors' and prosecutors' names) by pseudonyms and carries "
        "hashes instead of those events' bytes.",
    )
    p.add_argument("--format", choices=["jsonl"], default="jsonl", help="only jsonl")
    p.add_argument(
        "--redact",
        nargs="?",
        const="auditor",
        choices=["auditor", "people"],
        help="pseudonymise personal values (names of parties and petitioners, free texts); "
        "'people': supervisors' and prosecutors' names too",
    )
    p.add_argument("--output", "-o", default="-", metavar="FILE", help="default: stdout")
    add_store_option(p)
    add_quiet_option(p)
    p.set_defaults(run=run_export)
