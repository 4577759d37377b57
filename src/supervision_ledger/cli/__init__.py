"""The ``supervision-ledger`` command line, for operators and auditors.

Each group of subcommands lives in its own module with a ``register(subparsers)``
function; :func:`main` wires them together. Every subcommand takes ``--store URL``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from eventsourcing.persistence import PersistenceError

from ..domain.errors import LedgerError
from ..errors import (
    CipherKeyRequired,
    InvalidArgument,
    InvalidCipherKey,
    InvalidPeriod,
    InvalidStoreURL,
    StoreBusy,
    StoreNotEncrypted,
    StoreUnavailable,
    WrongCipherKey,
)
from . import audit, bulletins, entry, privacy, reads, reports
from .common import NoLedgerThere

EPILOG = """examples:
  supervision-ledger demo --store sqlite:///demo.db          record a demo year
  supervision-ledger apply commands.jsonl --store sqlite:///ledger.db
  supervision-ledger schema > commands.schema.json

Run 'supervision-ledger COMMAND --help' for the options of one command."""

#: Modules that add subcommands, in the order ``--help`` lists them.
MODULES = (entry, reports, reads, audit, bulletins, privacy)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="supervision-ledger",
        description="Event-sourced ledger of the external supervision of procuratorial "
        "case handling (人民监督员、听证员监督台账).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except BrokenPipeError:  # the reader went away (`… | head`): end quietly
        _silence_stdout()
        return 0
    except (
        # Usage errors, and the store being busy or unreachable: not a verdict on any
        # ledger (nothing was recorded), so exit 2 rather than 1.
        NoLedgerThere,
        InvalidArgument,
        InvalidPeriod,
        InvalidStoreURL,
        StoreBusy,
        StoreUnavailable,
        # The store's key does not fit (docs/privacy.md): nothing was written.
        CipherKeyRequired,
        WrongCipherKey,
        StoreNotEncrypted,
        InvalidCipherKey,
    ) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except LedgerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # a value argparse could not judge alone, e.g. --from > --to
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (PersistenceError, OSError) as error:
        print(f"error: store: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush of what is still
    buffered does not raise ``BrokenPipeError`` again (and print a traceback) at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file descriptor (e.g. captured)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
