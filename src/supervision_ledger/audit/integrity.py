"""Digests and verification of the hash chain over the whole stored log.

A :class:`Digest` (position, chain hash, count) handed to an auditor at time T lets
them detect any later modification, deletion, insertion, reordering or truncation of
the events recorded up to T. :func:`verify` recomputes every event hash from the
stored bytes (no decryption key needed), checks each link of the chain, then the
digest, and names the first position that fails and why.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..domain.errors import LedgerError
from ..persistence.chain import (
    ALGORITHM,
    GENESIS,
    ChainRow,
    LogRow,
    chain_hash,
    event_hash,
)
from ..persistence.recorders import ChainedRecorder

#: Rows read per query while walking the log.
PAGE_SIZE = 2000


class InvalidDigest(LedgerError):
    """A digest given to ``verify`` is not a digest (names the field and the reason)."""

    rule = "invalid_digest"


class Problem(StrEnum):
    """Why a position fails verification."""

    #: The stored event (topic or state bytes) or its command id is not what was chained.
    MODIFIED = "modified"
    #: A different event (originator id / version) sits at this position (swap, reorder).
    SUBSTITUTED = "substituted"
    #: The chain records an event here, but the events table has none (deleted row).
    MISSING = "missing"
    #: An event is stored here that was never chained (forged or inserted row).
    UNCHAINED = "unchained"
    #: The chain hash does not follow from the previous one (chain row edited, or an
    #: event and its chain row were removed before this position).
    BROKEN_LINK = "broken_link"
    #: The log ends before the digest's position.
    TRUNCATED = "truncated"
    #: The chain at the digest's position is not the digest's (the log up to there was
    #: rewritten and re-chained consistently).
    DIGEST_MISMATCH = "digest_mismatch"


@dataclass(frozen=True)
class Digest:
    """A commitment to the whole log up to ``position``."""

    position: int
    chain_hash: str
    count: int
    algorithm: str = ALGORITHM

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "chain_hash": self.chain_hash,
            "count": self.count,
            "position": self.position,
        }

    @classmethod
    def parse(cls, data: str | dict[str, Any]) -> Digest:
        """A digest from its JSON (text, dict, or the path of a JSON file)."""
        if isinstance(data, str):
            text = data
            if not data.lstrip().startswith("{"):
                try:
                    text = Path(data).read_text(encoding="utf-8")
                except OSError as error:
                    raise InvalidDigest(f"digest: cannot read {data}: {error.strerror}") from error
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise InvalidDigest(f"digest: not JSON ({error.msg})") from error
        if not isinstance(data, dict):
            raise InvalidDigest("digest: must be a JSON object")
        algorithm = data.get("algorithm", ALGORITHM)
        if algorithm != ALGORITHM:
            raise InvalidDigest(f"algorithm: {algorithm!r} is not {ALGORITHM!r}")
        position, count, hash_hex = data.get("position"), data.get("count"), data.get("chain_hash")
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            raise InvalidDigest("position: must be a non-negative integer")
        if count is None:
            count = -1  # unknown: not checked
        elif not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise InvalidDigest("count: must be a non-negative integer")
        if not isinstance(hash_hex, str) or len(hash_hex) != 64:
            raise InvalidDigest("chain_hash: must be 64 hexadecimal digits")
        try:
            bytes.fromhex(hash_hex)
        except ValueError:
            raise InvalidDigest("chain_hash: must be 64 hexadecimal digits") from None
        return cls(position=position, chain_hash=hash_hex.lower(), count=count)


@dataclass(frozen=True)
class Finding:
    """The first position that fails, and why."""

    position: int
    problem: Problem
    detail: str


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify`."""

    finding: Finding | None
    #: Events whose hash and link were checked before the walk ended.
    checked: int
    #: The last position walked.
    last_position: int
    digest: Digest | None

    @property
    def ok(self) -> bool:
        return self.finding is None

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "ok": self.ok,
            "checked": self.checked,
            "last_position": self.last_position,
            "digest": self.digest.to_json() if self.digest else None,
        }
        if self.finding is not None:
            result.update(
                position=self.finding.position,
                problem=str(self.finding.problem),
                detail=self.finding.detail,
            )
        return result

    def render(self) -> str:
        if self.finding is None:
            against = (
                f"; matches the digest at position {self.digest.position}" if self.digest else ""
            )
            return f"intact: {self.checked} event(s) up to position {self.last_position}{against}"
        f = self.finding
        return f"TAMPERED at position {f.position}: {f.problem}: {f.detail}"


def current_digest(recorder: ChainedRecorder) -> Digest:
    """The digest of the chain's tail (the genesis digest for an empty log).

    This reads the chain as stored; run :func:`verify` before publishing a digest
    that should vouch for the log's integrity so far."""
    tail = recorder.chain_tail()
    if tail is None:
        return Digest(position=0, chain_hash=GENESIS.hex(), count=0)
    row, count = tail
    return Digest(position=row.position, chain_hash=row.chain_hash.hex(), count=count)


def digest_at(recorder: ChainedRecorder, position: int) -> Digest:
    """The digest of the chain as stored up to ``position``: its last link at or before
    ``position`` and the number of links up to there (the genesis digest before any)."""
    last: ChainRow | None = None
    count = 0
    for row in _paged(lambda after: recorder.chain_page(after, position, PAGE_SIZE)):
        last, count = row, count + 1
    if last is None:
        return Digest(position=0, chain_hash=GENESIS.hex(), count=0)
    return Digest(position=last.position, chain_hash=last.chain_hash.hex(), count=count)


def merged_log(
    recorder: ChainedRecorder, upto: int | None = None
) -> Iterator[tuple[int, LogRow | None, ChainRow | None]]:
    """(position, event row, chain row) for every position either table has, in order."""
    stop = recorder.last_position() if upto is None else upto
    events = _paged(lambda after: recorder.events_page(after, stop, PAGE_SIZE))
    chain = _paged(lambda after: recorder.chain_page(after, stop, PAGE_SIZE))
    event, link = next(events, None), next(chain, None)
    while event is not None or link is not None:
        position = min(r.position for r in (event, link) if r is not None)
        this_event = event if event is not None and event.position == position else None
        this_link = link if link is not None and link.position == position else None
        yield position, this_event, this_link
        if this_event is not None:
            event = next(events, None)
        if this_link is not None:
            link = next(chain, None)


def _paged(fetch: Any) -> Iterator[Any]:
    after = 0
    while True:
        page = fetch(after)
        yield from page
        if len(page) < PAGE_SIZE:
            return
        after = page[-1].position


def verify(
    recorder: ChainedRecorder,
    digest: Digest | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Walk the whole log; report the first position that fails, or that it is intact.

    ``progress(position, last)`` is called after each position (for a progress bar)."""
    walker = ChainWalker(digest)
    last = recorder.last_position()
    for position, event, link in merged_log(recorder, last):
        if progress is not None:
            progress(position, last)
        if event is None:
            this_hash = None
        elif link is None or (event.originator_id, event.originator_version) != (
            link.originator_id,
            link.originator_version,
        ):
            # Unchained or substituted: the walker says so before it needs a hash, and a
            # tampered key (no UUID at all) could not be hashed anyway.
            this_hash = b""
        else:
            command_id = link.command_id
            this_hash = event_hash(
                position,
                event.originator_id,
                event.originator_version,
                event.topic,
                event.state,
                command_id,
            )
        found = walker.step(
            position,
            None if event is None else (event.originator_id, event.originator_version),
            this_hash,
            link,
        )
        if found is not None:
            return walker.report(found)
    return walker.report(walker.finish())


class ChainWalker:
    """The checks of one walk, position by position (also documented in docs/audit.md)."""

    def __init__(self, digest: Digest | None) -> None:
        self.digest = digest
        self.previous = GENESIS
        self.checked = 0
        self.last_position = 0
        self.digest_seen = digest is None
        if digest is not None and digest.position == 0:
            self.digest_seen = True
            self.pending_genesis = digest.chain_hash != GENESIS.hex()
        else:
            self.pending_genesis = False

    def step(
        self,
        position: int,
        identity: tuple[str, int] | None,
        stored_hash: bytes | None,
        link: ChainRow | None,
    ) -> Finding | None:
        if self.pending_genesis:
            return Finding(0, Problem.DIGEST_MISMATCH, "the digest's hash is not the genesis")
        digest = self.digest
        if digest is not None and not self.digest_seen and position > digest.position:
            return Finding(
                digest.position,
                Problem.MISSING,
                "the digest covers this position but neither an event nor a chain row is "
                "stored there",
            )
        self.last_position = position
        if link is None:
            return Finding(position, Problem.UNCHAINED, "a stored event that was never chained")
        if identity is None or stored_hash is None:
            return Finding(
                position,
                Problem.MISSING,
                f"event {link.originator_id} v{link.originator_version} was chained here "
                "but is not stored",
            )
        if identity != (link.originator_id, link.originator_version):
            return Finding(
                position,
                Problem.SUBSTITUTED,
                f"stored here: {identity[0]} v{identity[1]}; chained here: "
                f"{link.originator_id} v{link.originator_version}",
            )
        if stored_hash != link.event_hash:
            return Finding(
                position,
                Problem.MODIFIED,
                "the stored topic or state bytes (or the command id) differ from what was chained",
            )
        if chain_hash(self.previous, link.event_hash) != link.chain_hash:
            return Finding(
                position,
                Problem.BROKEN_LINK,
                "the chain hash does not follow from the previous position's",
            )
        self.previous = link.chain_hash
        self.checked += 1
        if digest is not None and position == digest.position:
            self.digest_seen = True
            if link.chain_hash.hex() != digest.chain_hash:
                return Finding(
                    position,
                    Problem.DIGEST_MISMATCH,
                    "the log up to this position is not the one the digest commits to",
                )
            if digest.count >= 0 and self.checked != digest.count:
                return Finding(
                    position,
                    Problem.DIGEST_MISMATCH,
                    f"{self.checked} event(s) up to here; the digest counted {digest.count}",
                )
        return None

    def finish(self) -> Finding | None:
        if self.pending_genesis:
            return Finding(0, Problem.DIGEST_MISMATCH, "the digest's hash is not the genesis")
        if self.digest is not None and not self.digest_seen:
            return Finding(
                self.digest.position,
                Problem.TRUNCATED,
                f"the log ends at position {self.last_position}, before the digest's "
                f"position {self.digest.position}",
            )
        return None

    def report(self, finding: Finding | None) -> VerifyReport:
        return VerifyReport(
            finding=finding,
            checked=self.checked,
            last_position=self.last_position,
            digest=self.digest,
        )
