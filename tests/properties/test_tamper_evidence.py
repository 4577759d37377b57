"""Any single mutation of the stored tables is reported against a digest taken before it,
on SQLite and PostgreSQL; an untouched store verifies; the stdlib verifier agrees, and
the writer's event hash is the one it computes."""

from __future__ import annotations

import importlib.util
import io
import json
import random
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

import pytest
from audit_story import MUTATIONS, RawStore, random_history
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stores import drop_schema, new_postgres_url, require_postgres

from supervision_ledger import Ledger
from supervision_ledger.persistence.chain import (
    canonical_event_hash,
    canonical_originator,
    event_hash,
)

ROOT = Path(__file__).resolve().parents[2]


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_export", ROOT / "tools/verify_export.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()


def tool_verdict(ledger: Ledger, digest: dict[str, Any], redact: bool) -> tuple[int, str] | None:
    buf = io.StringIO()
    ledger.export(buf, redact=redact)
    lines = [json.loads(line) for line in buf.getvalue().splitlines()][1:]
    finding, _, _ = TOOL.verify(lines, TOOL.load_digest(json.dumps(digest)))
    return None if finding is None else (finding[0], finding[1])


def check_one(url: str, seed: int, steps: int, mutation: str | None) -> None:
    rnd = random.Random(seed)
    with Ledger(store=url) as ledger:
        random_history(ledger, rnd, steps)
        digest = ledger.digest()
        assert ledger.verify(digest).ok
    raw = RawStore(url)
    try:
        positions = raw.positions()
        expected = (
            None if mutation is None else MUTATIONS[mutation](raw, rnd, positions, digest.position)
        )
    finally:
        raw.close()
    with Ledger(store=url) as ledger:
        report = ledger.verify(digest)
        got = None if report.finding is None else (report.finding.position, report.finding.problem)
        assert got == expected, report.render()
        for redact in (False, True):
            assert tool_verdict(ledger, digest.to_json(), redact) == expected


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MUTATION = st.sampled_from([None, *MUTATIONS])


@SETTINGS
@given(seed=st.integers(0, 2**32), steps=st.integers(2, 14), mutation=MUTATION)
def test_sqlite_mutations_are_detected(seed: int, steps: int, mutation: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        check_one(f"sqlite:///{tmp}/ledger.db", seed, steps, mutation)


@pytest.mark.postgres
@settings(SETTINGS, max_examples=12)
@given(seed=st.integers(0, 2**32), steps=st.integers(2, 10), mutation=MUTATION)
def test_postgres_mutations_are_detected(seed: int, steps: int, mutation: str | None) -> None:
    require_postgres()
    url, schema = new_postgres_url()
    try:
        check_one(url, seed, steps, mutation)
    finally:
        drop_schema(schema)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_every_mutation_kind_on_sqlite(mutation: str, tmp_path: Path) -> None:
    """Each kind at least once, whatever hypothesis draws."""
    check_one(f"sqlite:///{tmp_path}/ledger.db", 7, 10, mutation)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_every_mutation_kind_on_postgres(mutation: str, postgres_url: str) -> None:
    check_one(postgres_url, 11, 8, mutation)


@given(
    position=st.integers(0, 2**63 - 1),
    originator=st.uuids(),
    version=st.integers(0, 2**63 - 1),
    topic=st.text(),
    state=st.binary(max_size=300),
    command_id=st.none() | st.text(),
)
def test_the_writers_event_hash_is_the_specified_one(
    position: int,
    originator: UUID,
    version: int,
    topic: str,
    state: bytes,
    command_id: str | None,
) -> None:
    expected = TOOL.event_hash(position, str(originator), version, topic, state, command_id)
    assert event_hash(position, originator, version, topic, state, command_id) == expected
    text = canonical_originator(originator)
    assert canonical_event_hash(position, text, version, topic, state, command_id) == expected
