"""New data subjects' keys are stored in the transaction of the first events sealed
under them (no commit of their own), on SQLite and PostgreSQL, and a key another writer
stored first wins: the write sealed under ours is refused and retried under theirs."""

from __future__ import annotations

import os
import sqlite3
from typing import Any

import pytest
from stores import _pg_connect_kwargs

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


@pytest.fixture(params=["sqlite-file", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    found: str = request.getfixturevalue(
        "sqlite_file_url" if request.param == "sqlite-file" else "postgres_url"
    )
    return found


def _run(url: str, sql: str, rows: list[tuple[Any, ...]] | None = None) -> list[Any]:
    """Run ``sql`` (with ``?`` placeholders) on the store's own tables, outside any ledger."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            if rows is not None:
                conn.executemany(sql, rows)
                return []
            return conn.execute(sql).fetchall()
    import psycopg

    schema = url.rsplit("schema=", 1)[1]
    with psycopg.connect(**_pg_connect_kwargs()) as conn:  # type: ignore[arg-type]
        conn.execute(f"SET search_path TO {schema}")
        with conn.cursor() as curs:
            if rows is not None:
                curs.executemany(sql.replace("?", "%s"), rows)
                return []
            return curs.execute(sql).fetchall()


def keys(url: str) -> dict[str, bytes]:
    return {str(s): bytes(w) for s, w in _run(url, f"SELECT * FROM {KEYS_TABLE}")}


def test_a_new_subjects_key_is_stored_with_its_events(url: str) -> None:
    with Ledger(store=url) as ledger:
        ledger.execute(UNIT)
        before = keys(url)
        ledger.execute(PERSON)
        assert ledger.app.keyring is not None and ledger.app.keyring.pending() == {}
        new = set(keys(url)) - set(before)
        assert new, "the person's subject key is stored"
    with Ledger(store=url) as reopened:
        assert reopened.supervisor("S1").name == "周监督"


def test_a_key_stored_first_by_another_writer_wins(url: str) -> None:
    with Ledger(store=url) as ledger:
        ledger.execute(UNIT)
        keyring = ledger.app.keyring
        assert keyring is not None
        original = keyring.pending
        raced: dict[str, bytes] = {}

        def racing() -> dict[str, bytes]:
            ours = original()
            if ours and not raced:  # another process stores other keys for them first
                raced.update({s: crypto.wrap(None, os.urandom(crypto.KEY_BYTES), s) for s in ours})
                _run(url, f"INSERT INTO {KEYS_TABLE} VALUES (?, ?)", list(raced.items()))
            return ours

        keyring.pending = racing  # type: ignore[method-assign]
        result = ledger.execute(PERSON)
        assert raced and not result.replayed
        stored = keys(url)
        assert all(stored[s] == w for s, w in raced.items())
        assert ledger.supervisor("S1").name == "周监督"
    with Ledger(store=url) as reopened:  # sealed under the stored keys
        assert reopened.supervisor("S1").name == "周监督"
        assert reopened.dossier("S1").name == "周监督"
