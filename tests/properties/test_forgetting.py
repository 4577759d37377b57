"""Forgetting people changes no figure and keeps the chain (issue 13, docs/privacy.md):
for random histories and a random set of forgotten supervisors and parties, the figures
before equal the figures after, and the log verifies against the digest taken before."""

from __future__ import annotations

import random
import shutil
import tempfile

import pytest
from audit_story import NAMES, random_history
from hypothesis import given, settings
from hypothesis import strategies as st
from stores import drop_schema, new_postgres_url, require_postgres

from supervision_ledger import Ledger
from supervision_ledger.errors import NotFound
from supervision_ledger.persistence.crypto import FORGOTTEN


def figures(ledger: Ledger) -> object:
    return [
        ledger.statistics(
            "QY", start="2023-01-01", end="2023-12-31", as_of="2024-06-30"
        ).model_dump(mode="json"),
        ledger.pending_feedback("QY", as_of="2024-06-30").model_dump(mode="json"),
    ]


HISTORIES = {
    "seed": st.integers(0, 2**32),
    "steps": st.integers(2, 24),
    "supervisors": st.sets(st.integers(0, 6), max_size=4),
    "parties": st.sets(st.sampled_from(NAMES), max_size=3),
}


@given(**HISTORIES)
def test_forgetting_keeps_every_figure_and_the_chain(
    seed: int, steps: int, supervisors: set[int], parties: set[str]
) -> None:
    check(tempfile.mkdtemp(), seed, steps, supervisors, parties)


@pytest.mark.postgres
@settings(max_examples=8)
@given(**HISTORIES)
def test_forgetting_keeps_every_figure_and_the_chain_on_postgres(
    seed: int, steps: int, supervisors: set[int], parties: set[str]
) -> None:
    require_postgres()
    url, schema = new_postgres_url()
    try:
        check(url, seed, steps, supervisors, parties)
    finally:
        drop_schema(schema)


def check(where: str, seed: int, steps: int, supervisors: set[int], parties: set[str]) -> None:
    """``where``: a PostgreSQL URL, or a directory for an SQLite file (scrubbed as a
    file is: VACUUM and a WAL checkpoint)."""
    url = where if where.startswith("postgresql") else f"sqlite:///{where}/ledger.db"
    with Ledger(store=url) as ledger:
        random_history(ledger, random.Random(seed), steps)
        digest = ledger.digest()
        before = figures(ledger)
        forgotten = []
        for number in sorted(supervisors):
            try:
                ledger.forget(f"S{number}", reason="删除申请")
            except NotFound:
                continue  # no such supervisor in this history
            forgotten.append(f"S{number}")
        for name in sorted(parties):
            try:
                ledger.forget(name, kind="party", reason="删除申请")
            except NotFound:
                continue  # no such party in this history
        assert figures(ledger) == before
        assert ledger.verify(digest).ok
        for key in forgotten:
            assert ledger.supervisor(key).name == FORGOTTEN
            assert ledger.dossier(key).name == FORGOTTEN
    if not where.startswith("postgresql"):
        shutil.rmtree(where)
