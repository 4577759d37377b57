"""The hash chain that binds every stored event, in position order (spec: docs/audit.md).

Kept free of any database code so the recorders, ``verify`` and the documentation
share one definition; ``tools/verify_export.py`` re-implements it with the standard
library only, on purpose.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
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
    return canonical_event_hash(
        position,
        canonical_originator(originator_id),
        originator_version,
        topic,
        state,
        command_id,
    )


#: The first field of every event hash, length-prefixed.
_TAG_FIELD = len(EVENT_TAG).to_bytes(8, "big") + EVENT_TAG
#: The length prefix of an 8-byte field.
_EIGHT = (8).to_bytes(8, "big")


@lru_cache(maxsize=1024)
def _text_field(text: str) -> bytes:
    """A topic as hashed: its UTF-8 bytes, length-prefixed (topics repeat)."""
    data = text.encode("utf-8")
    return len(data).to_bytes(8, "big") + data


def canonical_event_hash(
    position: int,
    originator: str,
    originator_version: int,
    topic: str,
    state: bytes,
    command_id: str | None,
) -> bytes:
    """:func:`event_hash` of an event whose originator is given as hashed already
    (``canonical_originator``): the writer's path, which has that text at hand."""
    command = b"\x00" if command_id is None else b"\x01" + command_id.encode("utf-8")
    origin = originator.encode("utf-8")
    # Each field length-prefixed (8-byte big-endian length, then the bytes), in one pass.
    return hashlib.sha256(
        b"".join(
            (
                _TAG_FIELD,
                _EIGHT,
                position.to_bytes(8, "big"),
                len(origin).to_bytes(8, "big"),
                origin,
                _EIGHT,
                originator_version.to_bytes(8, "big"),
                _text_field(topic),
                len(state).to_bytes(8, "big"),
                state,
                len(command).to_bytes(8, "big"),
                command,
            )
        )
    ).digest()


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
