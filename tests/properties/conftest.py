"""Hypothesis profiles: deterministic runs (derandomize), no deadline, no example database.

``default`` keeps the suite fast on a laptop; ``ci`` (selected when ``CI=true``) tries a
few more examples. ``HYPOTHESIS_PROFILE`` picks one explicitly.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

COMMON = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}

settings.register_profile("default", max_examples=25, **COMMON)  # type: ignore[arg-type]
settings.register_profile("ci", max_examples=40, **COMMON)  # type: ignore[arg-type]

_profile = os.environ.get("HYPOTHESIS_PROFILE") or (
    "ci" if os.environ.get("CI", "").lower() == "true" else "default"
)
settings.load_profile(_profile)
