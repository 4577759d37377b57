"""Privacy: ``keygen`` makes a master key; ``forget`` forgets a person (docs/privacy.md)."""

from __future__ import annotations

import argparse
from typing import Any

from ..domain.forgetting import SUBJECT_KINDS
from ..persistence.crypto import new_key
from .common import add_store_option, open_ledger, print_json


def run_keygen(args: argparse.Namespace) -> int:
    print(new_key())
    return 0


def run_forget(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        result = ledger.forget(args.person, reason=args.reason, kind=args.kind)
    print_json(result.to_json())
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "keygen",
        help="print a new cipher key for encryption at rest",
        description="Print a new random master key (32 bytes, base64). Keep it outside "
        "the store; give it as SUPERVISION_LEDGER_CIPHER_KEY to create and open an "
        "encrypted store (docs/privacy.md).",
    )
    p.set_defaults(run=run_keygen)

    p = subparsers.add_parser(
        "forget",
        help="forget a person: destroy the key of their name and personal texts",
        description="Record that PERSON is forgotten, then destroy their key: their name "
        "and personal texts read as [forgotten] in events, views, histories and exports "
        "from then on, while the hash chain and every figure stay as they were "
        "(docs/privacy.md). PERSON is a supervisor's key, a party's name (--kind party) "
        "or a petition's key (--kind petitioner).",
    )
    p.add_argument("person", metavar="PERSON", help="a supervisor key, party name or petition")
    p.add_argument("--reason", required=True, help="why (e.g. the deletion request's number)")
    p.add_argument(
        "--kind", choices=SUBJECT_KINDS, default="supervisor", help="default: %(default)s"
    )
    add_store_option(p)
    p.set_defaults(run=run_forget)
