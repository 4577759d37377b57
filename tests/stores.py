"""PostgreSQL test support, importable from any test module as ``stores``.

(A module of its own, because ``from conftest import …`` picks whichever conftest.py
is nearest on sys.path.)
"""

from __future__ import annotations

import os
import uuid

import pytest

PG_BASE = os.environ.get(
    "SUPERVISION_LEDGER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("SUPERVISION_LEDGER_REQUIRE_POSTGRES", "") not in ("", "0")


def _pg_connect_kwargs() -> dict[str, object]:
    from urllib.parse import urlsplit

    parts = urlsplit(PG_BASE)
    return {
        "dbname": parts.path.lstrip("/"),
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or None,
        "connect_timeout": 5,
        "autocommit": True,
    }


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(**_pg_connect_kwargs()) as conn:  # type: ignore[arg-type]
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False


def require_postgres() -> None:
    """Skip (or, when required, fail) a test that needs PostgreSQL."""
    if postgres_available():
        return
    message = f"no PostgreSQL server at {PG_BASE}"
    if REQUIRE_PG:
        pytest.fail(message + " (SUPERVISION_LEDGER_REQUIRE_POSTGRES is set)")
    pytest.skip(message)


def drop_schema(schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(**_pg_connect_kwargs()) as conn:  # type: ignore[arg-type]
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def new_postgres_url() -> tuple[str, str]:
    """A fresh schema's store URL, and the schema name (for dropping it)."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    sep = "&" if "?" in PG_BASE else "?"
    return f"{PG_BASE}{sep}schema={schema}", schema
