"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..application import Ledger
from ..domain.errors import LedgerError
from ..persistence.store import STORE_ENV_VAR, parse_store_url


class NoLedgerThere(LedgerError):
    """A reading command named an SQLite file that does not exist."""

    rule = "no_ledger"


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="URL",
        default=None,
        help=f"where the ledger is: sqlite:///FILE, sqlite:///:memory: or postgresql://… "
        f"(default: ${STORE_ENV_VAR}, else sqlite:///supervision-ledger.db)",
    )


def open_ledger(
    args: argparse.Namespace, *, create: bool = False, audit_only: bool = False
) -> Ledger:
    """Open the ``--store`` ledger. Only commands that record (``apply``, ``demo``) may
    ``create`` one: a mistyped path must not give an auditor an empty, "intact" ledger."""
    config = parse_store_url(args.store)
    if config.backend == "sqlite" and not config.is_memory and not create:
        path = Path(config.env["SQLITE_DBNAME"])
        if not path.exists():
            raise NoLedgerThere(
                f"no ledger at {path} (check --store; 'apply' or 'demo' create one)"
            )
    return Ledger(store=args.store, audit_only=audit_only)


def write_output(option: str, path: str, write: Callable[[Path], object]) -> None:
    """Run ``write(Path(path))``; a file that cannot be written is a usage error naming
    the option (not a store error): ``ValueError``, which ``main`` reports with exit 2."""
    try:
        write(Path(path))
    except OSError as error:
        raise ValueError(f"{option}: cannot write {path}: {error.strerror or error}") from error


def json_text(data: Any) -> str:
    """Stable JSON: sorted keys, UTF-8 (Chinese stays readable), one trailing newline."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def print_json(data: Any) -> None:
    sys.stdout.write(json_text(data))
