"""Shared fixtures: store URLs for SQLite (memory, file) and PostgreSQL.

PostgreSQL tests need a server at $SUPERVISION_LEDGER_TEST_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/test). Without one they skip — unless
SUPERVISION_LEDGER_REQUIRE_POSTGRES=1 (set by .ci/run), where a missing server fails.
Each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("EVENTSOURCING_DISABLE_REDEFINITION_CHECK", "y")

from stores import drop_schema, new_postgres_url, require_postgres


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL store URL with a schema of its own."""
    require_postgres()
    url, schema = new_postgres_url()
    try:
        yield url
    finally:
        drop_schema(schema)


@pytest.fixture
def sqlite_file_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture(params=["sqlite-memory", "sqlite-file", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every kind of store, one test run each."""
    if request.param == "sqlite-memory":
        yield "sqlite:///:memory:"
    elif request.param == "sqlite-file":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        require_postgres()
        url, schema = new_postgres_url()
        try:
            yield url
        finally:
            drop_schema(schema)


@pytest.fixture(scope="session")
def demo_year() -> Iterator[tuple[Any, Any]]:
    """The demo year (seed 2023) in memory, shared by the tests that only read it:
    ``(Ledger, DemoSummary)``."""
    from supervision_ledger import Ledger
    from supervision_ledger.demo import run_demo

    with Ledger(store="sqlite:///:memory:") as ledger:
        yield ledger, run_demo(ledger, 2023)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "postgres" in getattr(item, "fixturenames", ()) or "postgres_url" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.postgres)
