"""The ``supervision-ledger`` command line, for operators and auditors.

Each group of subcommands lives in its own module with a ``register(subparsers)``
function; :func:`main` wires them together. Every subcommand takes ``--store URL``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from eventsourcing.persistence import PersistenceError

from ..domain.errors import LedgerError
from ..errors import InvalidArgument, InvalidPeriod, InvalidStoreURL, StoreBusy, StoreUnavailable
from . import audit, entry, reads, reports
from .common import NoLedgerThere

EPILOG = """examples:
  supervision-ledger demo --store sqlite:///demo.db          record a demo year
  supervision-ledger apply commands.jsonl --store sqlite:///ledger.db
  supervision-ledger schema > commands.schema.json

Run 'supervision-ledger COMMAND --help' for the options of one command."""

#: Modules that add subcommands, in the order ``--help`` lists them.
MODULES = (entry, reports, reads, audit)


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
    except (NoLedgerThere, InvalidArgument, InvalidPeriod, InvalidStoreURL) as error:
        # Usage errors: not a verdict on any ledger (nothing was created).
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (StoreBusy, StoreUnavailable) as error:  # about the store, not the ledger
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
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
