"""Store URLs: where the ledger keeps its events.

* ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` — an SQLite file
  (the embedded default is ``sqlite:///supervision-ledger.db`` in the working directory);
* ``sqlite:///:memory:`` — an in-memory database private to one ``Ledger``;
* ``postgresql://user:password@host:5432/dbname?schema=name`` — PostgreSQL (the
  optional ``schema`` keeps several ledgers in one database).

The environment variable ``SUPERVISION_LEDGER_STORE`` supplies the URL when none is
given.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from ..domain.errors import LedgerError

STORE_ENV_VAR = "SUPERVISION_LEDGER_STORE"
DEFAULT_STORE = "sqlite:///supervision-ledger.db"
#: Recorders that write the hash chain in the events' transaction (see ``recorders.py``).
SQLITE_RECORDER_TOPIC = "supervision_ledger.persistence.recorders:ChainedSQLiteRecorder"
POSTGRES_RECORDER_TOPIC = "supervision_ledger.persistence.recorders:ChainedPostgresRecorder"


class InvalidStoreURL(LedgerError):
    rule = "invalid_store_url"


@dataclass(frozen=True)
class StoreConfig:
    """A parsed store URL, as eventsourcing environment settings."""

    url: str
    backend: str  # "sqlite" or "postgres"
    env: dict[str, str]

    @property
    def is_memory(self) -> bool:
        return self.backend == "sqlite" and "mode=memory" in self.env["SQLITE_DBNAME"]

    def redacted(self) -> str:
        """The URL without its password, for messages."""
        parts = urlsplit(self.url)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
            return parts._replace(netloc=netloc).geturl()
        return self.url


def resolve_store(url: str | None) -> str:
    return url or os.environ.get(STORE_ENV_VAR) or DEFAULT_STORE


def parse_store_url(url: str | None) -> StoreConfig:
    """Turn a store URL into eventsourcing settings; raise :class:`InvalidStoreURL`."""
    url = resolve_store(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        if parts.netloc:
            raise InvalidStoreURL(
                f"{url!r}: an SQLite URL has three slashes, e.g. sqlite:///ledger.db"
            )
        path = unquote(parts.path)[1:] if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise InvalidStoreURL(f"{url!r}: the SQLite URL names no file")
        if path == ":memory:":
            # One private shared-cache database, so the pool's connections all see it.
            db = f"file:supervision-ledger-{uuid.uuid4().hex}?mode=memory&cache=shared"
        else:
            db = path
        return StoreConfig(
            url=url,
            backend="sqlite",
            env={
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": db,
                "APPLICATION_RECORDER_TOPIC": SQLITE_RECORDER_TOPIC,
            },
        )
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        dbname = unquote(parts.path.lstrip("/"))
        if not dbname:
            raise InvalidStoreURL(f"{url!r}: the PostgreSQL URL names no database")
        query = parse_qs(parts.query)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "APPLICATION_RECORDER_TOPIC": POSTGRES_RECORDER_TOPIC,
            # The database-function insert path bypasses the hash chain.
            "POSTGRES_ENABLE_DB_FUNCTIONS": "no",
        }
        if "schema" in query:
            env["POSTGRES_SCHEMA"] = query["schema"][0]
        unknown = set(query) - {"schema"}
        if unknown:
            raise InvalidStoreURL(
                f"{url!r}: unknown URL parameter(s) {', '.join(sorted(unknown))}; "
                "only 'schema' is understood"
            )
        return StoreConfig(url=url, backend="postgres", env=env)
    raise InvalidStoreURL(f"{url!r}: the store URL must start with sqlite:/// or postgresql://")


def ensure_postgres_schema(config: StoreConfig) -> None:
    """Create the URL's PostgreSQL schema if it does not exist (eventsourcing does not)."""
    schema = config.env.get("POSTGRES_SCHEMA")
    if config.backend != "postgres" or not schema:
        return
    import psycopg
    from psycopg import sql

    with (
        psycopg.connect(
            dbname=config.env["POSTGRES_DBNAME"],
            host=config.env["POSTGRES_HOST"],
            port=int(config.env["POSTGRES_PORT"]),
            user=config.env["POSTGRES_USER"],
            password=config.env["POSTGRES_PASSWORD"] or None,
            autocommit=True,
        ) as conn,
        conn.transaction(),
    ):
        # Concurrent CREATE SCHEMA IF NOT EXISTS can fail; one process at a time.
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"supervision_ledger:{schema}",)
        )
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
