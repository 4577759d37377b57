"""A PostgreSQL connection lost between a command's reads and its write: the write is
retried on a fresh connection and the command is recorded once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from stores import _pg_connect_kwargs

from supervision_ledger import Ledger


def test_the_write_survives_a_terminated_connection(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger(store=postgres_url) as ledger:
        ledger.execute(
            {
                "type": "register_unit",
                "unit": "QC",
                "name": "清城区人民检察院",
                "level": "district",
                "occurred_at": "2023-01-01T09:00",
            }
        )
        datastore: Any = ledger.app.recorder.datastore  # type: ignore[attr-defined]
        pids: set[int] = set()
        original_get = datastore.get_connection

        @contextmanager
        def recording(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with original_get(*args, **kwargs) as conn:
                pids.add(conn.info.backend_pid)  # only this ledger's own connections
                yield conn

        monkeypatch.setattr(datastore, "get_connection", recording)
        ledger.app.chain_head()  # a read: the pooled connection the write will use
        assert pids
        original_save = ledger.app.record
        terminated: list[int] = []

        def save_after_losing_connections(*objects: Any, **kwargs: Any) -> Any:
            if not terminated:
                with psycopg.connect(**_pg_connect_kwargs()) as admin:  # type: ignore[arg-type]
                    for pid in sorted(pids):
                        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                        terminated.append(pid)
            return original_save(*objects, **kwargs)

        monkeypatch.setattr(ledger.app, "record", save_after_losing_connections)
        result = ledger.execute(
            {
                "type": "register_case",
                "case": "K1",
                "unit": "QC",
                "kind": "other",
                "handling_prosecutor": "赵某",
                "received_on": "2023-03-01",
                "occurred_at": "2023-03-01T09:00",
                "command_id": "c-1",
            }
        )
        assert terminated  # the connections the command read with were cut
        assert ledger.case("K1").key == "K1"
        history = ledger.history("case:K1")
        assert len(history) == 1  # recorded once, not twice
        assert result.position == history[0].position
        assert ledger.verify().ok
