"""The verifiable bulletin: ``bulletin`` writes one, ``verify-bulletin`` checks one
against a store or an export file (spec: docs/cli.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..application import Ledger
from ..audit.exported_log import ExportedLog, InvalidExport
from ..reporting.bulletin import (
    Bulletin,
    InvalidBulletin,
    check_bulletin,
    make_bulletin,
    verify_bulletin,
)
from .audit import non_negative
from .common import add_store_option, json_text, open_ledger, print_json, write_output
from .progress import add_quiet_option, progress
from .reports import EXIT_USAGE, _date, _period_error

EXIT_DIFFERENT = 1


def run_bulletin(args: argparse.Namespace) -> int:
    if (problem := _period_error(args)) is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    with open_ledger(args) as ledger:
        bulletin = make_bulletin(
            ledger,
            args.unit,
            rollup=args.rollup,
            start=args.start,
            end=args.end,
            as_of=args.as_of,
            at_position=args.at_position,
        )
    text = json_text(bulletin.to_json())
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_output("--out", args.out, lambda path: path.write_text(text, encoding="utf-8"))
        print(
            f"wrote {args.out}: {len(bulletin.figures)} figures at log position "
            f"{bulletin.log.position}, chain hash {bulletin.log.chain_hash}",
            file=sys.stderr,
        )
    return 0


def run_verify_bulletin(args: argparse.Namespace) -> int:
    try:
        bulletin = Bulletin.read(Path(args.bulletin))
        exported = None if args.export is None else ExportedLog.read(Path(args.export))
    except (InvalidBulletin, InvalidExport) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    with progress(args, "verify-bulletin", unit="event") as bar:
        if exported is not None:
            # Only the mapper (how stored bytes decode) comes from a ledger: an empty one.
            with Ledger(store="sqlite:///:memory:") as scratch:
                check = verify_bulletin(bulletin, exported, scratch.app.mapper, bar)
        else:
            with open_ledger(args) as ledger:
                check = check_bulletin(ledger, bulletin, bar)
    if args.json:
        print_json(check.to_json())
    else:
        print(check.render())
    return 0 if check.ok else EXIT_DIFFERENT


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "bulletin",
        help="write the figures as a bulletin that anyone can verify against the log",
        description="Write the figures of a unit and period as JSON with the scope, the "
        "as-of date, the policy, a hash of the figure definitions, and the log position "
        "and chain hash they were computed at. Check it with verify-bulletin.",
    )
    add_store_option(p)
    p.add_argument("--unit", metavar="U", help="only this procuratorate unit")
    p.add_argument(
        "--rollup", action="store_true", help="include every unit under --unit (全市 / 两级院)"
    )
    p.add_argument("--from", dest="start", type=_date, metavar="D", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", type=_date, metavar="D", help="last day (YYYY-MM-DD)")
    p.add_argument("--as-of", type=_date, metavar="D", help="judge overdue on D (default today)")
    p.add_argument(
        "--at-position",
        type=non_negative,
        metavar="N",
        help="the figures as they stood when the log ended at position N",
    )
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    add_quiet_option(p)
    p.set_defaults(run=run_bulletin)

    p = subparsers.add_parser(
        "verify-bulletin",
        help="recompute a bulletin's figures from the log and list every difference",
        description="Check the hash chain against the bulletin's log position and chain "
        "hash, replay the log up to that position (from --store, or from an --export "
        "file), recompute every figure under the bulletin's policy and list each one that "
        "differs. Exit 0 only when the chain is intact and every figure matches.",
    )
    p.add_argument("bulletin", metavar="BULLETIN", help="the bulletin JSON file")
    add_store_option(p)
    p.add_argument(
        "--export",
        metavar="FILE",
        help="check against this export file (supervision-ledger export) instead of a store",
    )
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    add_quiet_option(p)
    p.set_defaults(run=run_verify_bulletin)
