"""Forgetting people changes no figure and keeps the chain (issue 13, docs/privacy.md):
for random histories and a random set of forgotten supervisors and parties, the figures
before equal the figures after, and the log verifies against the digest taken before."""

from __future__ import annotations

import random

from audit_story import NAMES, random_history
from hypothesis import given
from hypothesis import strategies as st

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


@given(
    seed=st.integers(0, 2**32),
    steps=st.integers(2, 24),
    supervisors=st.sets(st.integers(0, 6), max_size=4),
    parties=st.sets(st.sampled_from(NAMES), max_size=3),
)
def test_forgetting_keeps_every_figure_and_the_chain(
    seed: int, steps: int, supervisors: set[int], parties: set[str]
) -> None:
    with Ledger(store="sqlite:///:memory:") as ledger:
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
