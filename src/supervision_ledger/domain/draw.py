"""The random draw (随机抽选) of supervisors, reproducible by an auditor.

Each eligible person is ranked by SHA-256 of ``"{seed}:{key}"`` (UTF-8) as a big-endian
integer, lowest first; the first ``count`` are drawn. The event records the seed, the
sorted pool and the drawn keys, so anyone can re-run the draw in any language and
compare — no dependence on a particular random-number generator's version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from datetime import date
from typing import Protocol

from .errors import NotEnoughEligible
from .policy import Policy
from .values import CaseFacts, Role


class Candidate(Protocol):
    """What a draw needs to know of a person (a :class:`Supervisor` is one)."""

    key: str
    speciality: str | None

    def can_serve(self, role: Role, day: date, case: CaseFacts | None, policy: Policy) -> bool: ...


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
