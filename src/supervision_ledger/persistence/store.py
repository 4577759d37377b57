"""Store URLs: where the ledger keeps its events.

* ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` — an SQLite file
  (the embedded default is ``sqlite:///supervision-ledger.db`` in the working directory);
* ``sqlite:///:memory:`` — an in-memory database private to one ``Ledger``;
* ``postgresql://user:password@host:5432/dbname?schema=name`` — PostgreSQL (the
  optional ``schema`` keeps several ledgers in one database; it is a plain lower-case
  identifier of at most 63 bytes, not ``pg_…`` nor ``information_schema``).

The environment variable ``SUPERVISION_LEDGER_STORE`` supplies the URL when none is
given.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
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
        return redact(self.url)


def resolve_store(url: str | None) -> str:
    return url or os.environ.get(STORE_ENV_VAR) or DEFAULT_STORE


def redact(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``, for messages."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if password:
        netloc = parts.netloc.replace(f":{password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


#: The header of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN - 1), so two
#: longer schema names differing only after it would name one schema.
POSTGRES_IDENTIFIER_BYTES = 63
#: Unquoted PostgreSQL identifiers, as eventsourcing writes the schema into its SQL.
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def check_schema_name(schema: str) -> str | None:
    """Why ``schema`` cannot name a ledger's PostgreSQL schema, or None if it can."""
    if not schema:
        return "the schema name is empty"
    if not _SCHEMA_NAME.fullmatch(schema):
        hint = (
            " (PostgreSQL folds unquoted names to lower case)" if schema.lower() != schema else ""
        )
        return (
            f"schema {schema!r} is not a plain PostgreSQL identifier: use lower-case letters, "
            f"digits and '_', not starting with a digit{hint}"
        )
    if len(schema.encode()) > POSTGRES_IDENTIFIER_BYTES:
        return (
            f"schema name has {len(schema.encode())} bytes; PostgreSQL keeps only the first "
            f"{POSTGRES_IDENTIFIER_BYTES}, so another name could share this ledger"
        )
    if schema.startswith("pg_"):
        return f"schema {schema!r}: names starting with 'pg_' are reserved for PostgreSQL"
    if schema == "information_schema":
        return "schema 'information_schema' is PostgreSQL's own"
    return None


def _check_sqlite_file(shown: str, path: str) -> None:
    """An SQLite store is a file that is an SQLite database, or a new file in an existing
    directory: anything else is refused before anything is created."""
    file = Path(path)
    if file.exists():
        if not file.is_file():
            raise InvalidStoreURL(f"{shown!r}: {path} is not a regular file")
        try:
            with file.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as error:
            raise InvalidStoreURL(f"{shown!r}: cannot read {path}: {error.strerror}") from None
        if header and header != SQLITE_HEADER:
            raise InvalidStoreURL(f"{shown!r}: {path} is not an SQLite database")
    elif not file.parent.is_dir():
        raise InvalidStoreURL(f"{shown!r}: the directory {file.parent} does not exist")


def parse_store_url(url: str | None) -> StoreConfig:
    """Turn a store URL into eventsourcing settings; raise :class:`InvalidStoreURL`.

    Everything that can be judged without a server is judged here, before anything is
    created: the scheme, an SQLite file that is not a database (``sqlite:////proc/version``)
    or in a missing directory, a PostgreSQL schema name PostgreSQL would change or
    reserves. Messages never show the password.
    """
    url = resolve_store(url)
    shown = redact(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError as error:
        raise InvalidStoreURL(f"{shown!r}: {error}") from None
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        if parts.netloc:
            raise InvalidStoreURL(
                f"{shown!r}: an SQLite URL has three slashes, e.g. sqlite:///ledger.db"
            )
        path = unquote(parts.path)[1:] if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise InvalidStoreURL(f"{shown!r}: the SQLite URL names no file")
        if "\x00" in path:
            raise InvalidStoreURL(f"{shown!r}: the file name contains a NUL character")
        if path == ":memory:":
            # One private shared-cache database, so the pool's connections all see it.
            db = f"file:supervision-ledger-{uuid.uuid4().hex}?mode=memory&cache=shared"
        else:
            _check_sqlite_file(shown, path)
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
            raise InvalidStoreURL(f"{shown!r}: the PostgreSQL URL names no database")
        if "\x00" in dbname or "\x00" in unquote(parts.netloc):
            raise InvalidStoreURL(f"{shown!r}: the URL contains a NUL character")
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = set(query) - {"schema"}
        if unknown:
            raise InvalidStoreURL(
                f"{shown!r}: unknown URL parameter(s) {', '.join(sorted(unknown))}; "
                "only 'schema' is understood"
            )
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
            if len(query["schema"]) > 1:
                raise InvalidStoreURL(f"{shown!r}: the URL names more than one schema")
            schema = query["schema"][0]
            problem = check_schema_name(schema)
            if problem is not None:
                raise InvalidStoreURL(f"{shown!r}: {problem}")
            env["POSTGRES_SCHEMA"] = schema
        return StoreConfig(url=url, backend="postgres", env=env)
    raise InvalidStoreURL(f"{shown!r}: the store URL must start with sqlite:/// or postgresql://")


class StoreUnavailable(LedgerError):
    """The store could not be reached (its database cannot be used, or the connection
    was lost and reconnecting failed). Nothing was recorded unless the command's result
    says so; retry later (with the same ``command_id``, a retry never records a command
    twice)."""

    rule = "store_unavailable"


def ensure_postgres_schema(config: StoreConfig) -> None:
    """Check that the URL's PostgreSQL database can be reached, and create its schema if
    it does not exist (eventsourcing does not). Raises :class:`StoreUnavailable`, whose
    message names the database but never the password."""
    if config.backend != "postgres":
        return
    import psycopg
    from psycopg import sql

    schema = config.env.get("POSTGRES_SCHEMA")
    password = config.env["POSTGRES_PASSWORD"]
    try:
        with (
            psycopg.connect(
                dbname=config.env["POSTGRES_DBNAME"],
                host=config.env["POSTGRES_HOST"],
                port=int(config.env["POSTGRES_PORT"]),
                user=config.env["POSTGRES_USER"],
                password=password or None,
                autocommit=True,
                connect_timeout=10,
            ) as conn,
            conn.transaction(),
        ):
            if schema:
                # Concurrent CREATE SCHEMA IF NOT EXISTS can fail; one process at a time.
                conn.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))",
                    (f"supervision_ledger:{schema}",),
                )
                conn.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
                )
    except psycopg.Error as error:
        reason = " ".join(str(error).split())
        if password:
            reason = reason.replace(password, "***")
        raise StoreUnavailable(
            f"{config.redacted()!r}: cannot use database {config.env['POSTGRES_DBNAME']!r}: "
            f"{reason}"
        ) from None
