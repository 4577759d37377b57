"""New data subjects' keys on SQLite are stored in the transaction of the first events
sealed under them (no commit of their own), and a key another writer stored first wins:
the write sealed under ours is refused and retried under theirs."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from supervision_ledger import Ledger
from supervision_ledger.persistence import crypto
from supervision_ledger.persistence.store_meta import KEYS_TABLE

UNIT = {
    "type": "register_unit",
    "unit": "QC",
    "name": "清城区人民检察院",
    "level": "district",
    "occurred_at": "2023-01-01T09:00",
}
PERSON = {
    "type": "appoint_supervisor",
    "supervisor": "S1",
    "unit": "QC",
    "name": "周监督",
    "roles": ["peoples_supervisor"],
    "term_start": "2023-01-01",
    "occurred_at": "2023-01-02T09:00",
}


def keys(db: Path) -> dict[str, bytes]:
    with sqlite3.connect(db) as conn:
        return {str(s): bytes(w) for s, w in conn.execute(f"SELECT * FROM {KEYS_TABLE}")}


def test_a_new_subjects_key_is_stored_with_its_events(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    with Ledger(store=f"sqlite:///{db}") as ledger:
        ledger.execute(UNIT)
        before = keys(db)
        ledger.execute(PERSON)
        assert ledger.app.keyring is not None and ledger.app.keyring.pending() == {}
        new = set(keys(db)) - set(before)
        assert new, "the person's subject key is stored"
    with Ledger(store=f"sqlite:///{db}") as reopened:
        assert reopened.supervisor("S1").name == "周监督"


def test_a_key_stored_first_by_another_writer_wins(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    with Ledger(store=f"sqlite:///{db}") as ledger:
        ledger.execute(UNIT)
        keyring = ledger.app.keyring
        assert keyring is not None
        original = keyring.pending
        raced: dict[str, bytes] = {}

        def racing() -> dict[str, bytes]:
            ours = original()
            if ours and not raced:  # another process stores other keys for them first
                raced.update({s: crypto.wrap(None, os.urandom(crypto.KEY_BYTES), s) for s in ours})
                with sqlite3.connect(db) as conn:
                    conn.executemany(f"INSERT INTO {KEYS_TABLE} VALUES (?, ?)", raced.items())
            return ours

        keyring.pending = racing  # type: ignore[method-assign]
        result = ledger.execute(PERSON)
        assert raced and not result.replayed
        stored = keys(db)
        assert all(stored[s] == w for s, w in raced.items())
        assert ledger.supervisor("S1").name == "周监督"
    with Ledger(store=f"sqlite:///{db}") as reopened:  # sealed under the stored keys
        assert reopened.supervisor("S1").name == "周监督"
        assert reopened.dossier("S1").name == "周监督"
