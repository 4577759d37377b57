"""The random draw (随机抽选) of supervisors, reproducible by an auditor.

Each eligible person is ranked by SHA-256 of ``"{seed}:{key}"`` (UTF-8) as a big-endian
integer, lowest first; the first ``count`` are drawn. The event records the seed, the
sorted pool and the drawn keys, so anyone can re-run the draw in any language and
compare — no dependence on a particular random-number generator's version.

Who picks the seed is ``Policy.draw_seed`` (:class:`SeedSource`). Under ``chain`` (the
default) a draw without a seed gets one derived from the hash chain at the moment of the
draw — the position and chain hash of the last stored event, which the caller cannot
choose — plus the draw's own fields (:func:`chain_seed`); the event records that basis
(``seed_basis``) so an auditor re-derives the seed from the export
(``tools/verify_export.py``) before re-running the draw.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from uuid import UUID

from .errors import CallerSeedRefused, NotEnoughEligible
from .policy import Policy
from .values import CaseFacts, Role, SeedSource


class Candidate(Protocol):
    """What a draw needs to know of a person (a :class:`Supervisor` is one)."""

    key: str
    speciality: str | None

    def can_serve(self, role: Role, day: date, case: CaseFacts | None, policy: Policy) -> bool: ...


#: Domain-separation tag of a chain-derived seed.
SEED_TAG = "supervision-ledger/draw-seed/v1"


@dataclass(frozen=True)
class SeedBasis:
    """The point of the hash chain a seed was derived from: the last stored event's
    position (0 and the genesis hash on an empty store) and its chain hash (hex)."""

    position: int
    chain_hash: str


def chain_seed(basis: SeedBasis, originator_id: UUID, fields: Mapping[str, object]) -> int:
    """The seed of a draw on aggregate ``originator_id`` with ``fields`` (its own recorded
    fields: event name, activity, role, speciality, count …) at ``basis``.

    SHA-256 of the tag, a line feed, and the compact JSON (keys sorted, UTF-8) of
    ``{"chain_hash", "position", "originator_id", **fields}``; the first 8 bytes as a
    big-endian integer, shifted right by one (a seed below 2**63)."""
    payload = {
        **fields,
        "chain_hash": basis.chain_hash,
        "position": basis.position,
        "originator_id": str(originator_id),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(f"{SEED_TAG}\n{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def check_seed_choice(seed: int | None, source: SeedSource, what: str) -> None:
    """Refuse a seed named by the caller when the policy derives every seed."""
    if seed is not None and source is SeedSource.CHAIN_ONLY:
        raise CallerSeedRefused(
            f"{what}: the policy derives every draw seed from the hash chain "
            "(Policy.draw_seed = chain_only); leave seed out"
        )


def draw_rank(seed: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest(), "big")


def draw(pool: Iterable[str], count: int, seed: int) -> tuple[str, ...]:
    """The ``count`` keys of ``pool`` with the lowest rank for ``seed``."""
    ranked = sorted(set(pool), key=lambda key: (draw_rank(seed, key), key))
    return tuple(ranked[:count])


def eligible_pool(
    candidates: Iterable[Candidate],
    role: Role,
    speciality: str | None,
    day: date,
    case: CaseFacts,
    policy: Policy,
    exclude: Collection[str],
) -> tuple[str, ...]:
    """Sorted keys of the candidates who may be drawn: holding ``role`` (and ``speciality``
    when one is asked for), active on ``day``, not recused from ``case``, not in ``exclude``."""
    return tuple(
        sorted(
            person.key
            for person in candidates
            if person.key not in exclude
            and (speciality is None or person.speciality == speciality)
            and person.can_serve(role, day, case, policy)
        )
    )


def draw_from(pool: tuple[str, ...], count: int, seed: int, needed_for: str) -> tuple[str, ...]:
    """Draw ``count`` keys from ``pool``; refuse when the pool is too small."""
    if len(pool) < count:
        raise NotEnoughEligible(f"{needed_for} needs {count}, only {len(pool)} are eligible")
    return draw(pool, count, seed)
