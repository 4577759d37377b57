"""Recording: ``apply`` a JSON-lines file of commands, print the command ``schema``,
and generate a ``demo`` year."""

from __future__ import annotations

import argparse
import gc
import json
import math
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from ..application import BatchStopped, CommandResult, Ledger
from ..commands import COMMAND_TYPES, Command, parse_command
from ..domain.errors import AlreadyExists, BusinessTimeOutOfRange, LedgerError
from ..reporting import MissingExtra, render_html
from ..reporting.extras import check_format
from ..schemas import OUTPUTS, output_json_schema
from .common import add_store_option, open_ledger, print_json, write_output
from .progress import add_quiet_option, progress, wanted


class LineError(Exception):
    """One line of an ``apply`` file was refused; nothing of it was written."""

    def __init__(self, number: int, where: str, reason: str) -> None:
        super().__init__(f"line {number}: {_clip(where, 100)}: {_clip(reason, 1000)}")


def _clip(text: str, limit: int) -> str:
    """A message part short enough to read: a line may hold a megabyte-long field name."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_validation_error(error: ValidationError) -> tuple[str, str]:
    """(field, reason) of the first problem, with the others counted."""
    problems = error.errors()
    first = problems[0]
    # The first element of loc is the union tag (the command type); drop it.
    loc = [str(part) for part in first["loc"]]
    if len(loc) > 1:
        loc = loc[1:]
    where = ".".join(loc) or "type"
    reason = first["msg"]
    if first["type"] == "union_tag_invalid":
        where = "type"
    if len(problems) > 1:
        others = ", ".join(
            ".".join(str(p) for p in problem["loc"][1:]) or "type" for problem in problems[1:]
        )
        reason += f" (and {len(problems) - 1} more: {others})"
    return where, reason


#: Deepest JSON nesting an apply line may have (a command needs 3: object, list, object).
MAX_NESTING = 32
#: Longest number literal an apply line may hold (digits, sign, point and exponent).
MAX_NUMBER_LENGTH = 50
#: A UTF-8 byte order mark, which some editors put at the start of a file.
BOM = b"\xef\xbb\xbf"

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def read_lines(stream: IO[bytes]) -> Iterator[tuple[int, str]]:
    """Number and text of each non-blank line, decoded one line at a time.

    A line that is not UTF-8 stops the reading with a :class:`LineError` naming it, so
    the lines before it have been applied and nothing after it is read. A byte order
    mark at the very start of the file is skipped; CRLF line ends are accepted.
    """
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise LineError(
                number,
                "encoding",
                f"not UTF-8: byte 0x{raw[error.start]:02x} at column {error.start + 1} "
                "(save the file as UTF-8)",
            ) from error
        if line.strip():
            yield number, line


def _check_nesting(number: int, line: str) -> None:
    if line.count("[") + line.count("{") <= MAX_NESTING:
        return  # fewer brackets than the limit, in strings or not: it cannot be deeper
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub("", line)):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            raise LineError(
                number, "json", f"nested more than {MAX_NESTING} levels deep (a command needs 3)"
            )


def _number(kind: str) -> Any:
    def parse(text: str) -> Any:
        if len(text) > MAX_NUMBER_LENGTH:
            raise ValueError(
                f"the number {text[:20]}… has {len(text)} characters; at most "
                f"{MAX_NUMBER_LENGTH} are accepted"
            )
        value = int(text) if kind == "int" else float(text)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"the number {text} is out of range")
        return value

    return parse


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_line(number: int, line: str) -> Any:
    """The JSON value of one line, or a :class:`LineError` saying why there is none."""
    _check_nesting(number, line)
    try:
        return json.loads(
            line,
            parse_int=_number("int"),
            parse_float=_number("float"),
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as error:
        raise LineError(number, "json", error.msg + f" at column {error.colno}") from error
    except (ValueError, RecursionError) as error:
        raise LineError(number, "json", str(error) or type(error).__name__) from error


def apply_line(ledger: Ledger, number: int, line: str) -> bool:
    """Apply one line; True if it recorded something, False if its command id was seen."""
    command = command_of_line(number, line)
    try:
        result = ledger.execute(command)
    except LedgerError as error:
        raise line_error(number, error) from error
    return not result.replayed


def line_error(number: int, error: LedgerError) -> LineError:
    """The :class:`LineError` of a line whose command the ledger refused."""
    if isinstance(error, BusinessTimeOutOfRange):
        return LineError(number, error.field, f"{error.reason} ({error.rule})")
    return LineError(number, error.rule, error.message)


def command_of_line(number: int, line: str) -> Command:
    """The validated command of one line, or a :class:`LineError` saying what is wrong."""
    data: Any = parse_line(number, line)
    if not isinstance(data, dict):
        raise LineError(number, "json", "each line is one JSON object")
    if "type" not in data:
        raise LineError(number, "type", "missing: every line names its command type")
    if not isinstance(data["type"], str) or data["type"] not in COMMAND_TYPES:
        # pydantic would list all the tags; the schema command lists them better.
        shown = repr(data["type"]) if isinstance(data["type"], str) else "of that JSON type"
        if len(shown) > 60:
            shown = shown[:57] + "…'"
        raise LineError(
            number, "type", f"unknown command type {shown} (see 'supervision-ledger schema')"
        )
    try:
        return parse_command(data)
    except ValidationError as error:
        raise LineError(number, *describe_validation_error(error)) from error


#: Commands per transaction unless ``--batch-size`` says otherwise (docs/performance.md).
DEFAULT_BATCH_SIZE = 2000


class BatchedApply:
    """Collects validated lines and records them ``batch_size`` commands per transaction
    (``Ledger.execute_many``), keeping the line-by-line contract: at a refused line, the
    lines before it are recorded and nothing of it."""

    def __init__(self, ledger: Ledger, batch_size: int) -> None:
        self.ledger = ledger
        self.batch_size = batch_size
        self.pending: list[tuple[int, Command]] = []
        self.applied = 0
        self.skipped = 0

    def add(self, number: int, command: Command) -> None:
        self.pending.append((number, command))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Record the pending lines; at a refused one, keep those before it and raise
        :class:`LineError` for it."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        try:
            results = self.ledger.execute_many([command for _, command in pending])
        except BatchStopped as stop:
            self._count(stop.results)
            number, error = pending[stop.index][0], stop.error
            if isinstance(error, LedgerError):
                raise line_error(number, error) from error
            # Nothing a file holds should get here; if it does, it is still one refused
            # line, named, and not a traceback.
            raise LineError(number, "error", f"{type(error).__name__}: {error}") from error
        except LedgerError as error:  # the batch's write itself failed: none of it stored
            raise LineError(
                pending[0][0],
                error.rule,
                f"{error.message} (lines {pending[0][0]}-{pending[-1][0]} were not recorded)",
            ) from error
        self._count(results)

    def _count(self, results: list[CommandResult]) -> None:
        for result in results:
            if result.replayed:
                self.skipped += 1
            else:
                self.applied += 1


#: The cyclic garbage collector's first threshold while ``apply`` runs (Python's default
#: is 700): an import allocates many objects that live on (events, aggregates in the
#: cache), and every full collection walks all of them — about 15% of an import's CPU
#: time at the default (docs/performance.md). Garbage is still collected, less often.
APPLY_GC_THRESHOLD = 10_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while the block runs (the CLI owns its
    process); the thresholds are restored afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], APPLY_GC_THRESHOLD), before[1], max(before[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*before)


def run_apply(args: argparse.Namespace) -> int:
    path: str = args.file
    try:
        stream: IO[bytes] = sys.stdin.buffer if path == "-" else Path(path).open("rb")  # noqa: SIM115
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror}", file=sys.stderr)
        return 2
    total = None if path == "-" or not wanted(args) else _count_lines(Path(path))
    with (
        stream,
        fewer_collections(),
        open_ledger(args, create=True) as ledger,
        progress(args, "apply", total, unit="line") as bar,
    ):
        batches = BatchedApply(ledger, args.batch_size)
        try:
            try:
                for number, line in read_lines(stream):
                    try:
                        command = command_of_line(number, line)
                    except LineError:
                        raise
                    except (ValueError, OverflowError, RecursionError, TypeError) as error:
                        # Nothing a file holds should get here; if it does, it is still
                        # one refused line, named, and not a traceback.
                        raise LineError(
                            number, "error", f"{type(error).__name__}: {error}"
                        ) from error
                    batches.add(number, command)
                    bar.update(number)
            except LineError:
                batches.flush()  # the lines before a bad one are recorded
                raise
            batches.flush()
        except LineError as error:
            print(str(error), file=sys.stderr)
            print(
                f"stopped: {batches.applied} command(s) applied before the bad line, "
                f"{batches.skipped} already recorded",
                file=sys.stderr,
            )
            return 1
    print(
        f"applied {batches.applied} command(s); {batches.skipped} already recorded "
        "(same command_id)"
    )
    return 0


def _count_lines(path: Path) -> int | None:
    """The number of lines of ``path`` (for the bar's total), None if unreadable."""
    try:
        with path.open("rb") as file:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
    except OSError:
        return None


def batch_size(text: str) -> int:
    """argparse type of ``--batch-size``: a positive integer."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number of commands")
    return value


def run_schema(args: argparse.Namespace) -> int:
    print_json(output_json_schema(args.of))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from ..demo import run_demo as demo

    if args.html is not None:
        try:
            check_format("html")
        except MissingExtra as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    with (
        open_ledger(args, create=True) as ledger,
        progress(args, "demo", unit="day") as bar,
    ):
        try:
            summary = demo(ledger, seed=args.seed, progress=bar, breakdowns=args.html is not None)
        except AlreadyExists as error:
            # Same seed: every command id is known and nothing is recorded twice. Another
            # seed on the same store would invent the same case numbers a second time.
            print(
                f"error: {error}\nthis store already holds a demo year recorded with another "
                "seed; use a fresh store (or the same seed)",
                file=sys.stderr,
            )
            return 1
    sys.stdout.write(summary.render())
    if args.html is not None:
        page = render_html(summary.bundle)
        write_output("--html", args.html, lambda path: path.write_text(page, encoding="utf-8"))
        print(f"wrote {args.html} (the year's bulletin)", file=sys.stderr)
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "apply",
        help="apply a JSON-lines file of commands, stopping at the first bad line",
        description='Apply one command per line ({"type": …, …}). At the first invalid '
        "line, print 'line N: field-or-rule: reason' and exit 1; earlier lines stay "
        "applied, nothing of the bad line is written. Lines with a command_id are never "
        "applied twice.",
    )
    p.add_argument("file", help="the .jsonl file, or - for standard input")
    add_store_option(p)
    add_quiet_option(p)
    p.add_argument(
        "--batch-size",
        type=batch_size,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help=f"commands recorded per transaction (default: {DEFAULT_BATCH_SIZE}); 1 "
        "commits every line on its own",
    )
    p.set_defaults(run=run_apply)

    p = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of the commands, or of a JSON output",
        description="Print the JSON Schema of one apply line: the union of every command, "
        "discriminated by 'type' — or, with --of, of a JSON output.",
    )
    p.add_argument(
        "--of",
        choices=list(OUTPUTS),
        default="commands",
        help="commands (default), state (show --json), event (events), report, feedback, "
        "dossier, hearings, list, history, digest, verify (their --json output)",
    )
    p.set_defaults(run=run_schema)

    p = subparsers.add_parser(
        "demo",
        help="record a realistic year of one district procuratorate",
        description="Record 2023 at 清城区人民检察院 (under 清远市人民检察院) through the "
        "public API: about 30 people, 100 supervision activities of every type, 70 "
        "hearings, opinions with every outcome, some answers still pending at year end; "
        "then print what was recorded. The same seed gives the same commands with the same "
        "command ids, so running it again on the same store records nothing new.",
    )
    add_store_option(p)
    p.add_argument(
        "--seed", type=int, default=2023, metavar="N", help="random seed (default: 2023)"
    )
    p.add_argument(
        "--html",
        metavar="FILE",
        help="also write the year's HTML bulletin to FILE (needs the report extra)",
    )
    add_quiet_option(p)
    p.set_defaults(run=run_demo)
