"""The hash chain that binds every stored event, in position order (spec: docs/audit.md).

Kept free of any database code so the recorders, ``verify`` and the documentation
share one definition; ``tools/verify_export.py`` re-implements it with the standard
library only, on purpose.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

#: Name of the algorithm, carried in every digest and export header.
ALGORITHM = "sha256-chain-v1"
#: Domain-separation tag, the first field of every event hash.
EVENT_TAG = b"supervision-ledger/event/v1"
#: The chain hash "before" the first event.
GENESIS = bytes(32)
#: Name of the chain table, beside eventsourcing's events table.
CHAIN_TABLE = "ledger_chain"
#: An index of the chain by aggregate that older stores have (dropped when a store opens).
CHAIN_ORIGINATOR_INDEX = f"{CHAIN_TABLE}_originator"


def _uint(value: int) -> bytes:
    return value.to_bytes(8, "big")


def canonical_originator(originator_id: UUID | str) -> str:
    """An originator id as hashed: the lowercase hyphenated UUID text (a stored value
    that is no UUID — only a tampered row holds one — is hashed as it is)."""
    if isinstance(originator_id, UUID):
        return str(originator_id)
    try:
        return str(UUID(originator_id))
    except ValueError:
        return originator_id


def event_hash(
    position: int,
    originator_id: UUID | str,
    originator_version: int,
    topic: str,
    state: bytes,
    command_id: str | None,
) -> bytes:
    """SHA-256 over the length-prefixed (tag, position, originator, version, topic,
    stored state bytes, command id) of one stored event."""
    command = b"\x00" if command_id is None else b"\x01" + command_id.encode("utf-8")
    fields = (
        EVENT_TAG,
        _uint(position),
        canonical_originator(originator_id).encode("utf-8"),
        _uint(originator_version),
        topic.encode("utf-8"),
        state,
        command,
    )
    # Each field length-prefixed (8-byte big-endian length, then the bytes), in one pass.
    data = b"".join([part for f in fields for part in (len(f).to_bytes(8, "big"), f)])
    return hashlib.sha256(data).digest()


def chain_hash(previous: bytes, this_event_hash: bytes) -> bytes:
    """SHA-256(previous chain hash ‖ event hash)."""
    return hashlib.sha256(previous + this_event_hash).digest()


@dataclass(frozen=True)
class LogRow:
    """One row of the events table, as stored (``state`` possibly encrypted)."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


@dataclass(frozen=True)
class ChainRow:
    """One row of the chain table."""

    position: int
    originator_id: str
    originator_version: int
    command_id: str | None
    event_hash: bytes
    chain_hash: bytes
