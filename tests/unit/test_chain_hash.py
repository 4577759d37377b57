"""The writer's event hash is the one the chain's specification defines, as the
stand-alone verifier (``tools/verify_export.py``, standard library only) computes it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from supervision_ledger.persistence.chain import (
    canonical_event_hash,
    canonical_originator,
    event_hash,
)

ROOT = Path(__file__).resolve().parents[2]


def verifier() -> Any:
    spec = importlib.util.spec_from_file_location("verify_export", ROOT / "tools/verify_export.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VERIFY = verifier()


@given(
    position=st.integers(0, 2**63 - 1),
    originator=st.uuids(),
    version=st.integers(0, 2**63 - 1),
    topic=st.text(),
    state=st.binary(max_size=300),
    command_id=st.none() | st.text(),
)
def test_the_event_hash_is_the_specified_one(
    position: int,
    originator: UUID,
    version: int,
    topic: str,
    state: bytes,
    command_id: str | None,
) -> None:
    expected = VERIFY.event_hash(position, str(originator), version, topic, state, command_id)
    assert event_hash(position, originator, version, topic, state, command_id) == expected
    text = canonical_originator(originator)
    assert canonical_event_hash(position, text, version, topic, state, command_id) == expected
