"""Reading the projections: ``report``, ``explain``, ``feedback``, ``dossier``, ``hearings``,
``rebuild``.

``--json`` output has stable keys, sorted, with no recorded-time values, so the same
log prints the same bytes before and after ``rebuild``.
"""

from __future__ import annotations

import argparse
import io
import sys
import unicodedata
from datetime import date
from typing import Any

from ..application.explain import ExplainedItem, Explanation
from ..projections.api import Statistics
from ..projections.figures import FIGURES, SECTIONS, Rate
from ..reporting import MissingExtra, Scope, gather, render_html, write_csv, write_xlsx
from ..reporting.extras import check_format
from .audit import non_negative
from .common import add_store_option, json_text, open_ledger, print_json, write_output
from .progress import add_quiet_option, progress

#: Exit status for options that cannot work together (as argparse's usage errors).
EXIT_USAGE = 2
FORMATS = ("table", "json", "csv", "xlsx", "html")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _period_error(args: argparse.Namespace) -> str | None:
    """Why ``--from``/``--to`` do not make a period, or None (checked before the store opens)."""
    if args.start is not None and args.end is not None and args.end < args.start:
        return f"error: --to: the period ends {args.end} before it starts {args.start} (--from)"
    return None


def _owner(case: str | None, unit_activity: str | None) -> str:
    """Where an opinion or invitation was: its case, or ``unit activity <key>``."""
    return case if case is not None else f"unit activity {unit_activity}"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _show(value: Any) -> str:
    if isinstance(value, Rate):
        share = "—" if value.value is None else f"{value.value:.2%}"
        return f"{value.numerator}/{value.denominator} ({share})"
    return str(value)


def run_report(args: argparse.Namespace) -> int:
    if (problem := _period_error(args)) is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    if (problem := _format_error(args)) is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    fmt = "json" if args.json else args.format
    if fmt in ("csv", "xlsx", "html"):
        return _write_document(args, fmt)
    with open_ledger(args) as ledger:
        stats = ledger.statistics(
            args.unit,
            rollup=args.rollup,
            start=args.start,
            end=args.end,
            as_of=args.as_of,
            at_position=args.at_position,
        )
    text = json_text(stats.model_dump(mode="json")) if fmt == "json" else _table(stats, args.lang)
    _emit(args.out, text)
    return 0


def _format_error(args: argparse.Namespace) -> str | None:
    """Why the format options do not fit together, or None (checked before the store)."""
    if args.json and args.format not in ("table", "json"):
        return f"error: --json: cannot go with --format {args.format} (--json is --format json)"
    if args.format == "xlsx" and args.out is None:
        return "error: --out: --format xlsx writes a file; name it with --out FILE"
    try:
        check_format(args.format)
    except MissingExtra as error:
        return f"error: {error}"
    return None


def _write_document(args: argparse.Namespace, fmt: str) -> int:
    scope = Scope(args.unit, args.rollup, args.start, args.end, args.as_of, args.at_position)
    with open_ledger(args) as ledger, progress(args, "report", unit="report") as bar:
        bundle = gather(ledger, scope, breakdowns=fmt != "csv", progress=bar)
    if fmt == "xlsx":
        write_output("--out", args.out, lambda path: write_xlsx(bundle, path, args.lang))
    elif fmt == "html":
        _emit(args.out, render_html(bundle, args.lang))
    else:
        buffer = io.StringIO()
        write_csv(bundle, buffer)
        _emit(args.out, buffer.getvalue())
    if args.out is not None:
        print(f"wrote {args.out} ({fmt}, log position {bundle.digest.position})", file=sys.stderr)
    return 0


def _emit(out: str | None, text: str) -> None:
    """Write ``text`` to the file ``out`` (UTF-8), or to stdout."""
    if out is None:
        sys.stdout.write(text)
    else:
        write_output("--out", out, lambda path: path.write_text(text, encoding="utf-8"))


def _table(stats: Statistics, lang: str) -> str:
    zh = lang == "zh"
    scope = stats.unit or ("全部单位" if zh else "all units")
    if stats.rollup:
        scope += "（含下级院）" if zh else " (with subordinate units)"
    period = f"{stats.start or '…'} – {stats.end or '…'}"
    lines = [f"{scope}  {period}", ""]
    labels = {key: fig.label(lang) for key, fig in FIGURES.items()}
    width = max(_width(label) for label in labels.values()) + 2
    current = ""
    for key, fig in FIGURES.items():
        if fig.section != current:
            current = fig.section
            title = SECTIONS[current][0 if zh else 1]
            lines.append(f"{'' if len(lines) == 2 else chr(10)}{title}")
        lines.append(f"  {_pad(labels[key], width)}{_show(stats.figures[key])}")
    return "\n".join(lines) + "\n"


def run_explain(args: argparse.Namespace) -> int:
    if (problem := _period_error(args)) is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    with open_ledger(args) as ledger:
        found = ledger.explain(
            args.figure,
            args.unit,
            rollup=args.rollup,
            start=args.start,
            end=args.end,
            as_of=args.as_of,
        )
    if args.json:
        print_json(found.model_dump(mode="json"))
        return 0
    sys.stdout.write(_explanation(found))
    return 0


#: Fields of an event too long to print on its line (``--json`` has everything).
_MAX_FIELD = 40


def _explanation(found: Explanation) -> str:
    scope = found.unit or "all units"
    if found.rollup:
        scope += " (with subordinate units)"
    lines = [
        f"{found.figure}  {found.zh} / {found.en}",
        f"{scope}  {found.start or '…'} – {found.end or '…'}  as of {found.as_of}",
        f"value: {_show(found.value)}",
        f"definition: {found.definition}",
    ]
    parts = (
        [("items", found.items)]
        if found.items is not None
        else [("numerator", found.numerator), ("denominator", found.denominator)]
    )
    for name, items in parts:
        lines += ["", f"{name}: {len(items or [])}"]
        lines += [line for i in items or [] for line in _item_lines(i)]
    return "\n".join(lines) + "\n"


def _item_lines(item: ExplainedItem) -> list[str]:
    key = "  ".join(f"{k}={v}" for k, v in item.key.items())
    lines = [f"  {key}" + (f"  amount={item.amount}" if item.amount is not None else "")]
    for e in item.events:
        fields = "  ".join(
            f"{k}={v}"
            for k, v in e.fields.items()
            if isinstance(v, str | int | float | bool) and len(str(v)) <= _MAX_FIELD
        )
        occurred = e.occurred_at.isoformat() if e.occurred_at else "—"
        lines.append(
            f"    #{e.position}  {e.event}  {e.aggregate_kind} {e.aggregate_key or e.aggregate_id}"
            f"  occurred {occurred}  recorded {e.recorded_at.isoformat()}  {fields}".rstrip()
        )
    return lines


def _cursor_error(args: argparse.Namespace) -> str | None:
    if args.cursor is not None and args.limit is None:
        return "error: --cursor: page with --limit N (the cursor came with a page size)"
    return None


def _more(cursor: str | None) -> None:
    if cursor is not None:
        print(f"more: --cursor {cursor}")


def run_feedback(args: argparse.Namespace) -> int:
    if (problem := _cursor_error(args)) is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    with open_ledger(args) as ledger:
        pending = ledger.pending_feedback(
            args.unit,
            rollup=args.rollup,
            supervisor=args.supervisor,
            case=args.case,
            overdue_only=args.overdue,
            as_of=args.as_of,
            limit=args.limit,
            cursor=args.cursor,
        )
    if args.json:
        print_json(pending.model_dump(mode="json"))
        return 0
    if pending.all_answered:
        # With --overdue an empty list says nothing about matters awaiting an answer
        # that are not overdue yet.
        if args.overdue:
            print(f"nothing overdue (as of {pending.as_of})")
        else:
            print(f"every matter has its answer (as of {pending.as_of})")
        return 0
    for item in pending.opinions:
        print(
            f"opinion  {item.unit}  {_owner(item.case, item.unit_activity)} {item.opinion}  "
            f"{item.supervisor}  "
            f"submitted {item.submitted_on}  {item.stage.value} ({item.stage.zh})"
            f"{_due(item.due_on, item.overdue)}"
        )
    for sug in pending.suggestions:
        urged = f" urged {sug.urged}x" if sug.urged else ""
        print(
            f"suggestion  {sug.unit}  {sug.case} {sug.suggestion}  {sug.recipient}  "
            f"served {sug.served_on}  {sug.stage.value} ({sug.stage.zh})"
            f"{_due(sug.due_on, sug.overdue)}{urged}"
        )
    for pet in pending.petitions:
        excluded = "  anonymous/no contact" if pet.excluded_from_reply_rate else ""
        print(
            f"petition  {pet.unit}  {pet.petition}  received {pet.received_on}  "
            f"{pet.stage.value} ({pet.stage.zh}){_due(pet.due_on, pet.overdue)}{excluded}"
        )
    _more(pending.next_cursor)
    return 0


def _due(due_on: date | None, overdue: bool) -> str:
    return (f" due {due_on}" if due_on else "") + (" OVERDUE" if overdue else "")


def run_dossier(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        found = ledger.dossier(args.supervisor)
    if args.json:
        print_json(found.model_dump(mode="json"))
        return 0
    roles = ", ".join(f"{r.value} ({r.zh})" for r in found.roles)
    print(f"{found.supervisor}  {found.name}  {found.unit}  {roles}")
    for record in found.records:
        details = ", ".join(f"{k}={v}" for k, v in sorted(record.details.items()) if v)
        print(f"  {record.on}  {record.kind}  {details}")
    for inv in found.invitations:
        what = inv.activity_type.value if inv.activity_type else f"hearing {inv.hearing}"
        print(
            f"  {inv.invited_on}  invited  {_owner(inv.case, inv.unit_activity)}  {what}  "
            f"{inv.role.value}  {inv.status.value}"
        )
    for op in found.opinions:
        outcome = op.outcome.value if op.outcome else "pending"
        print(
            f"  {op.submitted_on}  opinion  {_owner(op.case, op.unit_activity)} {op.opinion}  "
            f"{outcome}  "
            f"feedback {op.feedback_on or '—'}"
        )
    return 0


def run_hearings(args: argparse.Namespace) -> int:
    if (problem := _period_error(args) or _cursor_error(args)) is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    with open_ledger(args) as ledger:
        register = ledger.hearings(
            args.unit,
            rollup=args.rollup,
            start=args.start,
            end=args.end,
            limit=args.limit,
            cursor=args.cursor,
        )
    if args.json:
        print_json(register.model_dump(mode="json"))
        return 0
    for h in register.hearings:
        officers = ",".join(o.supervisor for o in h.officers if o.status.value == "attended")
        accepted = {True: "accepted", False: "rejected", None: "—"}[h.parties_accepted]
        print(
            f"{h.hearing}  {h.case}  {h.case_kind.value}  {h.status.value}  "
            f"{'public' if h.public else 'closed'}  held {h.held_on or '—'}  "
            f"officers {officers or '—'}  parties {accepted}"
        )
    _more(register.next_cursor)
    return 0


def run_rebuild(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger, progress(args, "rebuild", unit="event") as bar:
        position = ledger.rebuild_views(bar)
    print(f"rebuilt the views from the start of the log to position {position}")
    return 0


def _scope_options(p: argparse.ArgumentParser) -> None:
    add_store_option(p)
    p.add_argument("--unit", metavar="U", help="only this procuratorate unit")
    p.add_argument(
        "--rollup", action="store_true", help="include every unit under --unit (全市 / 两级院)"
    )


def _page_options(p: argparse.ArgumentParser, page: str) -> None:
    from .audit import page_limit

    p.add_argument("--limit", type=page_limit, metavar="N", help=f"one page: {page} (1–1000)")
    p.add_argument("--cursor", metavar="C", help="the next page (from 'more: --cursor C')")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="the published figures for a unit and a period",
        description="Figures per unit and period of business time (local dates, inclusive). "
        "Definitions: docs/statistics.md.",
    )
    _scope_options(p)
    p.add_argument("--from", dest="start", type=_date, metavar="D", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", type=_date, metavar="D", help="last day (YYYY-MM-DD)")
    p.add_argument("--as-of", type=_date, metavar="D", help="judge overdue feedback on D")
    p.add_argument(
        "--at-position",
        type=non_negative,
        metavar="N",
        help="the figures as they stood when the log ended at position N (for auditors: "
        "the log up to N is replayed into a scratch database; the views are untouched)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default), json, csv (one row per figure), xlsx (a sheet per section; "
        "needs the xlsx extra), html (the bulletin with charts; needs the report extra)",
    )
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="labels and bulletin (default zh)"
    )
    p.add_argument("--json", action="store_true", help="stable JSON (same as --format json)")
    add_quiet_option(p)
    p.set_defaults(run=run_report)

    p = subparsers.add_parser(
        "explain",
        help="the events behind one figure (drill-down)",
        description="List what one figure counts for a unit and a period — each item with "
        "the stored events behind it (position, aggregate, event type, business and "
        "recorded time, fields); a rate lists its numerator's and its denominator's. "
        "Figure keys: docs/statistics.md.",
    )
    _scope_options(p)
    p.add_argument("figure", metavar="FIGURE_KEY", help="e.g. opinions.submitted")
    p.add_argument("--from", dest="start", type=_date, metavar="D", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", type=_date, metavar="D", help="last day (YYYY-MM-DD)")
    p.add_argument("--as-of", type=_date, metavar="D", help="judge overdue on D (default today)")
    p.add_argument("--json", action="store_true", help="JSON (schema: schema --of explanation)")
    p.set_defaults(run=run_explain)

    p = subparsers.add_parser(
        "feedback",
        help="opinions, suggestion replies and petition replies still awaiting an answer",
    )
    _scope_options(p)
    p.add_argument(
        "--supervisor",
        metavar="S",
        help="only this supervisor's opinions (no suggestions, no petitions)",
    )
    p.add_argument("--case", metavar="C", help="only this case's opinions, suggestions, petitions")
    p.add_argument("--overdue", action="store_true", help="only overdue ones")
    p.add_argument("--as-of", type=_date, metavar="D", help="judge overdue on D (default today)")
    _page_options(p, "at most N opinions, N suggestions and N petitions")
    p.add_argument("--json", action="store_true", help="stable JSON")
    p.set_defaults(run=run_feedback)

    p = subparsers.add_parser("dossier", help="one person's file (一人一档)")
    add_store_option(p)
    p.add_argument("supervisor", metavar="SUPERVISOR", help="the person's key")
    p.add_argument("--json", action="store_true", help="stable JSON")
    p.set_defaults(run=run_dossier)

    p = subparsers.add_parser("hearings", help="the hearing register")
    _scope_options(p)
    p.add_argument("--from", dest="start", type=_date, metavar="D", help="proposed on or after D")
    p.add_argument("--to", dest="end", type=_date, metavar="D", help="proposed on or before D")
    _page_options(p, "at most N hearings")
    p.add_argument("--json", action="store_true", help="stable JSON")
    p.set_defaults(run=run_hearings)

    p = subparsers.add_parser("rebuild", help="drop the views and replay the log from zero")
    add_store_option(p)
    add_quiet_option(p)
    p.set_defaults(run=run_rebuild)
