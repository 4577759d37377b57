"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..application import Ledger
from ..persistence.store import STORE_ENV_VAR


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="URL",
        default=None,
        help=f"where the ledger is: sqlite:///FILE, sqlite:///:memory: or postgresql://… "
        f"(default: ${STORE_ENV_VAR}, else sqlite:///supervision-ledger.db)",
    )


def open_ledger(args: argparse.Namespace) -> Ledger:
    return Ledger(store=args.store)


def print_json(data: Any) -> None:
    """Stable JSON: sorted keys, UTF-8 (Chinese stays readable), one trailing newline."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
