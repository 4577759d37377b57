"""What a host or an operator reads: ``show`` one aggregate's state, ``events`` of the log.

``--json`` output is the pydantic models' JSON (schemas: ``supervision-ledger schema
--of NAME``), with sorted keys.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..application.following import MAX_PAGE
from ..application.states import STATES
from ..projections.listing import MAX_LIMIT, PLURALS
from .audit import non_negative, parse_moment
from .common import add_store_option, open_ledger, print_json


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "—" if value is None else str(value)


def run_show(args: argparse.Namespace) -> int:
    if args.as_of is not None and args.at_position is not None:
        print("error: --as-of, --at-position: give one of them, not both", file=sys.stderr)
        return 2
    with open_ledger(args) as ledger:
        state = ledger.state(args.kind, args.key, as_of=args.as_of, at_position=args.at_position)
    data = state.model_dump(mode="json")
    if args.json:
        print_json(data)
        return 0
    width = max(len(name) for name in data)
    for name, value in data.items():
        print(f"{name.ljust(width)}  {_text(value)}")
    return 0


def page_size(text: str) -> int:
    value = non_negative(text)
    if not 1 <= value <= MAX_PAGE:
        raise argparse.ArgumentTypeError(f"{text!r} is not a page size from 1 to {MAX_PAGE}")
    return value


def run_events(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        page = ledger.events_after(args.after, limit=args.limit)
    for item in page:
        line = json.dumps(item.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
        sys.stdout.write(line + "\n")
    return 0


def list_limit(text: str) -> int:
    value = non_negative(text)
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a page size from 1 to {MAX_LIMIT}")
    return value


def run_list(args: argparse.Namespace) -> int:
    from .reports import _period_error

    if (problem := _period_error(args)) is not None:
        print(problem, file=sys.stderr)
        return 2
    with open_ledger(args) as ledger:
        page = ledger.listing(
            PLURALS[args.what],
            unit=args.unit,
            rollup=args.rollup,
            type=args.type,
            role=args.role,
            status=args.status,
            start=args.start,
            end=args.end,
            case=args.case,
            limit=args.limit,
            cursor=args.cursor,
            newest_first=args.newest_first,
        )
    if args.json:
        print_json(page.model_dump(mode="json"))
        return 0
    if not page.items:
        print(f"no {args.what} match")
    for item in page.items:
        what = ",".join(item.roles) if item.roles else item.type
        where = f"{item.case} " if item.case else ""
        print(
            f"{item.on}  {where}{item.key}  {item.unit}  {what or '—'}  "
            f"{item.status or '—'}  {item.label or ''}".rstrip()
        )
    if page.next_cursor is not None:
        print(f"more: --cursor {page.next_cursor}")
    return 0


def register(subparsers: Any) -> None:
    from .reports import _date

    p = subparsers.add_parser(
        "list",
        help="list cases, people, hearings, activities, suggestions, petitions, leads, "
        "typical cases, partner agreements or trial-committee sittings",
        description="One page of the things recorded, oldest first by the local date they "
        "were recorded on, filtered; 'more: --cursor C' ends a page that has a next one.",
    )
    add_store_option(p)
    p.add_argument("what", metavar="WHAT", choices=list(PLURALS), help=", ".join(PLURALS))
    p.add_argument("--unit", metavar="U", help="only this procuratorate unit")
    p.add_argument("--rollup", action="store_true", help="include every unit under --unit")
    p.add_argument(
        "--type",
        metavar="T",
        help="case kind, activity type, suggestion type, petition channel, lead source, "
        "typical-case level, sitting attendee (chief_prosecutor, entrusted_deputy)",
    )
    p.add_argument("--role", metavar="R", help="people: only those with this role")
    p.add_argument("--status", metavar="S", help="only this status (as last recorded)")
    p.add_argument("--from", dest="start", type=_date, metavar="D", help="recorded on or after D")
    p.add_argument("--to", dest="end", type=_date, metavar="D", help="recorded on or before D")
    p.add_argument("--case", metavar="C", help="only those of this case")
    p.add_argument(
        "--limit", type=list_limit, default=50, metavar="N", help="page size (default 50)"
    )
    p.add_argument("--cursor", metavar="C", help="the next page of a listing (same filters)")
    p.add_argument("--newest-first", action="store_true", help="newest first")
    p.add_argument("--json", action="store_true", help="JSON (schema: schema --of list)")
    p.set_defaults(run=run_list)

    p = subparsers.add_parser(
        "show",
        help="one aggregate's state (now, or as of a date or a log position)",
        description="Print the state of one aggregate: every attribute the ledger keeps, "
        "as it is now, as of a business date/time, or at a log position.",
    )
    add_store_option(p)
    p.add_argument("kind", metavar="KIND", help=f"one of {', '.join(STATES)}")
    p.add_argument("key", metavar="KEY", help="its key (a typical case: CASE@LEVEL)")
    p.add_argument(
        "--as-of",
        type=parse_moment,
        metavar="MOMENT",
        help="as it was on a date (its whole local day) or at a date-time",
    )
    p.add_argument("--at-position", type=non_negative, metavar="N", help="as at log position N")
    p.add_argument("--json", action="store_true", help="JSON (schema: schema --of state)")
    p.set_defaults(run=run_show)

    p = subparsers.add_parser(
        "events",
        help="stored events after a log position, one JSON object per line",
        description="Print at most --limit stored events after log position --after, in "
        "log order, one JSON object per line (the next page starts after the last "
        "position printed; nothing printed: nothing new).",
    )
    add_store_option(p)
    p.add_argument(
        "--after", type=non_negative, default=0, metavar="N", help="log position (default 0)"
    )
    p.add_argument(
        "--limit", type=page_size, default=100, metavar="N", help="page size (default 100)"
    )
    p.set_defaults(run=run_events)
