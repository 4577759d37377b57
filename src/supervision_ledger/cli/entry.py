"""Recording: ``apply`` a JSON-lines file of commands, print the command ``schema``,
and generate a ``demo`` year."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from ..application import Ledger
from ..commands import COMMAND_TYPES, parse_command
from ..domain.errors import AlreadyExists, BusinessTimeOutOfRange, LedgerError
from ..schemas import OUTPUTS, output_json_schema
from .common import add_store_option, open_ledger, print_json


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
        command = parse_command(data)
    except ValidationError as error:
        raise LineError(number, *describe_validation_error(error)) from error
    try:
        result = ledger.execute(command)
    except BusinessTimeOutOfRange as error:
        raise LineError(number, error.field, f"{error.reason} ({error.rule})") from error
    except LedgerError as error:
        raise LineError(number, error.rule, error.message) from error
    return not result.replayed


def run_apply(args: argparse.Namespace) -> int:
    path: str = args.file
    try:
        stream: IO[bytes] = sys.stdin.buffer if path == "-" else Path(path).open("rb")  # noqa: SIM115
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror}", file=sys.stderr)
        return 2
    applied = skipped = 0
    with stream, open_ledger(args, create=True) as ledger:
        try:
            for number, line in read_lines(stream):
                try:
                    recorded = apply_line(ledger, number, line)
                except LineError:
                    raise
                except (ValueError, OverflowError, RecursionError, TypeError) as error:
                    # Nothing a file holds should get here; if it does, it is still one
                    # refused line, named, and not a traceback.
                    raise LineError(number, "error", f"{type(error).__name__}: {error}") from error
                if recorded:
                    applied += 1
                else:
                    skipped += 1
        except LineError as error:
            print(str(error), file=sys.stderr)
            print(
                f"stopped: {applied} command(s) applied before the bad line, "
                f"{skipped} already recorded",
                file=sys.stderr,
            )
            return 1
    print(f"applied {applied} command(s); {skipped} already recorded (same command_id)")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    print_json(output_json_schema(args.of))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from ..demo import run_demo as demo

    with open_ledger(args, create=True) as ledger:
        try:
            summary = demo(ledger, seed=args.seed)
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
    p.set_defaults(run=run_demo)
