"""The random draw (随机抽选) of supervisors, reproducible by an auditor.

Each eligible person is ranked by SHA-256 of ``"{seed}:{key}"`` (UTF-8) as a big-endian
integer, lowest first; the first ``count`` are drawn. The event records the seed, the
sorted pool and the drawn keys, so anyone can re-run the draw in any language and
compare — no dependence on a particular random-number generator's version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def draw_rank(seed: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest(), "big")


def draw(pool: Iterable[str], count: int, seed: int) -> tuple[str, ...]:
    """The ``count`` keys of ``pool`` with the lowest rank for ``seed``."""
    ranked = sorted(set(pool), key=lambda key: (draw_rank(seed, key), key))
    return tuple(ranked[:count])
