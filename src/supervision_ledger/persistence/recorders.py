"""eventsourcing application recorders that chain every event in the same transaction.

Each insert of stored events also inserts one row per event into the chain table
(``ledger_chain``), computed from the chain row of the previous position, inside the
transaction that inserted the events. Concurrent writers are serialized by the
database before the chain tail is read (SQLite: the write lock taken by the INSERT;
PostgreSQL: eventsourcing's EXCLUSIVE lock on the events table), so the hash at
position N always depends on the event actually stored before it.

Both recorders also offer the paged raw reads that ``verify``, ``export`` and
``history`` need; they read the stored bytes and never decrypt anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
)
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteTransaction,
)
from eventsourcing.utils import retry
from psycopg import Cursor, errors
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from ..domain.errors import LedgerError
from .chain import (
    CHAIN_ORIGINATOR_INDEX,
    CHAIN_TABLE,
    GENESIS,
    ChainRow,
    LogRow,
    canonical_event_hash,
    chain_hash,
)
from .store_meta import KEYS_TABLE


class ChainConflict(LedgerError):
    """A new event would land at or before the chain's tail: the log was altered
    (e.g. SQLite reused the position of a deleted last event). Nothing was written."""

    rule = "chain_conflict"


class ChainedRecorder(Protocol):
    """What the audit functions need from a chained recorder."""

    def events_page(self, after: int, upto: int, limit: int) -> list[LogRow]: ...

    def chain_page(self, after: int, upto: int, limit: int) -> list[ChainRow]: ...

    def chain_tail(self) -> tuple[ChainRow, int] | None: ...

    def last_position(self) -> int: ...

    def positions_of(self, originator_id: UUID) -> dict[int, int]: ...

    def chain_of(self, originator_id: UUID) -> dict[int, ChainRow]: ...


def link(
    tail: tuple[int, bytes] | None,
    stored_events: Sequence[StoredEvent],
    positions: Sequence[int],
    command_ids: Sequence[str | None],
) -> list[ChainRow]:
    """Chain rows for freshly inserted events, continuing from ``tail``; ``command_ids``
    holds the id of the command that recorded each event (a batch holds several)."""
    previous_position, previous_hash = tail if tail is not None else (0, GENESIS)
    rows: list[ChainRow] = []
    triples = list(zip(positions, stored_events, command_ids, strict=True))
    if any(a >= b for a, b in pairwise(positions)):
        triples.sort(key=_first)  # inserted out of position order (not as SQLite does)
    for position, stored, command_id in triples:
        if position <= previous_position:
            raise ChainConflict(
                f"position {position} is not after the chain's last position "
                f"{previous_position}: the stored log was altered; run `verify`"
            )
        uid = stored.originator_id
        if not isinstance(uid, UUID):
            uid = UUID(str(uid))
        originator = str(uid)
        this = canonical_event_hash(
            position,
            originator,
            stored.originator_version,
            stored.topic,
            stored.state,
            command_id,
        )
        previous_hash = chain_hash(previous_hash, this)
        previous_position = position
        rows.append(
            ChainRow(
                position, originator, stored.originator_version, command_id, this, previous_hash
            )
        )
    return rows


def _first(triple: tuple[int, StoredEvent, str | None]) -> int:
    return triple[0]


def _read_versions(kwargs: dict[str, Any]) -> dict[UUID, int]:
    versions: dict[UUID, int] = kwargs.get("read_versions") or {}
    return versions


def check_read_versions(expected: dict[UUID, int], found: dict[UUID, int]) -> None:
    """Refuse the write when an aggregate the command only read has moved on.

    Raised as eventsourcing's ``IntegrityError`` (like a version conflict on a written
    aggregate), so the ledger reloads, re-checks its rules and retries.
    """
    for originator_id, version in expected.items():
        current = found.get(originator_id, 0)
        if current != version:
            raise IntegrityError(
                f"aggregate {originator_id} was read at version {version} but is now at "
                f"version {current}: the rules checked against it are stale"
            )


def _command_ids(kwargs: dict[str, Any], count: int) -> list[str | None]:
    """The command id of each of ``count`` events: ``command_ids`` (one per event, as a
    batch of commands passes them) or one ``command_id`` for all of them."""
    if "command_ids" in kwargs:
        ids = [None if i is None else str(i) for i in kwargs["command_ids"]]
        if len(ids) != count:
            raise ValueError(f"{len(ids)} command ids for {count} events")
        return ids
    value = kwargs.get("command_id")
    return [None if value is None else str(value)] * count


def with_subject_keys(
    keyring: Any,
    write: Callable[..., Sequence[int]],
    stored_events: Sequence[StoredEvent],
    **kwargs: Any,
) -> Sequence[int]:
    """``write`` the events, with the keys of the data subjects first sealed in them
    (``keyring.pending()``, passed as ``subject_keys``) stored in the same transaction;
    the keyring hears they are stored once the write has committed."""
    pending = keyring.pending() if keyring is not None else {}
    if not pending:
        return write(stored_events, **kwargs)
    positions = write(stored_events, subject_keys=pending, **kwargs)
    keyring.stored(pending)  # committed with the events
    return positions


def check_stored_keys(
    keyring: Any, keys: dict[str, bytes], stored: Sequence[tuple[Any, Any]]
) -> None:
    """Refuse the write if another writer stored a key for one of the new ``keys``'
    subjects first (``stored``: the (subject, wrapped key) rows now in the table): the
    events just sealed under ours would be unreadable. The keyring forgets ours and the
    retry seals under theirs."""
    lost = [str(subject) for subject, wrapped in stored if bytes(wrapped) != keys[str(subject)]]
    if lost:
        keyring.lost(lost)
        raise IntegrityError(
            f"{len(lost)} data subject key(s) were created by another writer meanwhile"
        )


# -- SQLite ---------------------------------------------------------------------------

#: The chain's last row (its id column NULL) and the rowid of the last event inserted
#: (its id column ``#``), as rows of the read-version query.
_TAIL_SQL = (
    f"SELECT * FROM (SELECT NULL, position, chain_hash FROM {CHAIN_TABLE} "
    "ORDER BY position DESC LIMIT 1) UNION ALL SELECT '#', last_insert_rowid(), NULL"
)
#: Up to this many events (a command's), each is inserted on its own and its rowid read
#: as inserted; more (a batch's) are inserted in one statement.
_ONE_BY_ONE = 8


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    """SQLite events table (position = rowid) plus the chain table."""

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        #: The store's keyring (``store_meta.Keyring``), when new subjects' keys are to
        #: be stored in the transaction of the events first sealed under them.
        self.keyring: Any = None
        #: (position, chain hash) of the chain's end as this recorder's last committed
        #: write left it (None: unknown; read it from the store).
        self._tail: tuple[int, bytes] | None = None

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        return with_subject_keys(self.keyring, self._write, stored_events, **kwargs)

    def _write(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        """eventsourcing's ``insert_events`` — one transaction on the writer connection,
        its errors raised as eventsourcing's (``SQLiteTransaction``) — without the three
        generator context managers it wraps that in, which every command paid for.
        Remembers where it left the chain (``_tail``) once committed; forgets on any
        failure."""
        pool = self.datastore.pool
        conn = pool.get_connection(is_writer=True)
        try:
            with SQLiteTransaction(conn, commit=True) as curs, curs:
                positions, rows = self._insert(curs, stored_events, **kwargs)
        except BaseException:
            self._tail = None
            raise
        finally:
            pool.put_connection(conn)
        if rows:
            self._tail = (rows[-1].position, rows[-1].chain_hash)
        return positions

    def _insert_subject_keys(self, c: SQLiteCursor, keys: dict[str, bytes]) -> None:
        """Store new subjects' keys in the events' transaction (no commit of their own).
        If another writer stored a key for one of them first, the events just sealed
        under ours would be unreadable: the write is refused and retried."""
        c.executemany(
            f"INSERT INTO {KEYS_TABLE} (subject, wrapped) VALUES (?, ?) "
            "ON CONFLICT (subject) DO NOTHING",
            list(keys.items()),
        )
        subjects = list(keys)
        stored: list[tuple[Any, Any]] = []
        for start in range(0, len(subjects), 500):  # SQLite's bound-parameter limit
            chunk = subjects[start : start + 500]
            c.execute(
                f"SELECT subject, wrapped FROM {KEYS_TABLE} "
                f"WHERE subject IN ({','.join('?' for _ in chunk)})",
                chunk,
            )
            stored += c.fetchall()
        check_stored_keys(self.keyring, keys, stored)

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} ("
            "position INTEGER PRIMARY KEY, "
            "originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, "
            "command_id TEXT, "
            "event_hash BLOB NOT NULL, "
            "chain_hash BLOB NOT NULL)",
            # An aggregate's chain rows are found through its events' positions (the
            # events table's own index): an index of the chain by aggregate cost every
            # write a page or two more to flush, for the history query alone.
            f"DROP INDEX IF EXISTS {CHAIN_ORIGINATOR_INDEX}",
        ]

    def create_table(self) -> None:
        """Create the tables in one ``BEGIN IMMEDIATE`` transaction: it takes the write
        lock first (waiting up to the busy timeout), so processes opening a fresh file
        at once queue here instead of failing with "database is locked" when a deferred
        transaction that has read the schema tries to write it."""
        create_immediately(self)

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        return self._insert(c, stored_events, **kwargs)[0]

    def _insert(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> tuple[list[int], list[ChainRow]]:
        """Insert the events and their chain rows (in the caller's transaction); their
        positions and chain rows."""
        # The INSERT takes SQLite's write lock: the chain's tail cannot move until we
        # commit. SQLite numbers the events one after another from the largest rowid.
        params = [
            (
                s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
                s.originator_version,
                s.topic,
                s.state,
            )
            for s in stored_events
        ]
        expected = _read_versions(kwargs)
        # Rows name ids in hex: map them back without parsing a UUID per row.
        by_hex = {i.hex: i for i in expected}
        tail: tuple[int, bytes] | None = None
        positions: list[int] = []
        if 0 < len(params) <= _ONE_BY_ONE:
            for row in params:  # a command's few events: each one's rowid as inserted
                c.execute(self.insert_events_statement, row)
                positions.append(c.lastrowid)
            known = self._tail
            if not by_hex and known is not None and positions[0] == known[0] + 1:
                # Right after the position where this recorder's last write ended the
                # chain: no one has written since (their events would lie in between),
                # so the chain ends where it left it, and nothing need be read.
                tail = known
        else:
            c.executemany(self.insert_events_statement, params)
        if tail is None:
            tail, last = self._read_tail(c, expected, by_hex)
            if not positions:
                # Past the largest rowid SQLite would number rows at random, below the
                # chain's end there: ``link`` refuses positions that do not follow it.
                positions = list(range(last - len(params) + 1, last + 1))
        keys = kwargs.get("subject_keys")
        if keys:
            self._insert_subject_keys(c, keys)
        rows = link(tail, stored_events, positions, _command_ids(kwargs, len(stored_events)))
        c.executemany(
            f"INSERT INTO {CHAIN_TABLE} VALUES (?,?,?,?,?,?)",
            [
                (
                    r.position,
                    r.originator_id,
                    r.originator_version,
                    r.command_id,
                    r.event_hash,
                    r.chain_hash,
                )
                for r in rows
            ],
        )
        return positions, rows

    def _read_tail(
        self, c: SQLiteCursor, expected: dict[UUID, int], by_hex: dict[str, UUID]
    ) -> tuple[tuple[int, bytes] | None, int]:
        """One statement: the chain's tail, the last event's rowid and, when the command
        read aggregates it did not write, their current versions (refused if moved on)."""
        if by_hex:
            # One MAX per id, each an index lookup of the last version (a MAX grouped
            # over an IN list would read every version of each aggregate).
            c.execute(
                f"WITH ids(id) AS (VALUES {','.join('(?)' for _ in by_hex)}) "
                f"SELECT id, (SELECT MAX(originator_version) FROM {self.events_table_name} "
                f"WHERE originator_id = ids.id), NULL FROM ids UNION ALL {_TAIL_SQL}",
                list(by_hex),
            )
        else:
            c.execute(_TAIL_SQL)
        tail = None
        last = 0
        found: dict[UUID, int] = {}
        for originator_id, value, digest in c.fetchall():
            if originator_id is None:
                tail = (int(value), bytes(digest))
            elif originator_id == "#":
                last = int(value)
            elif value is not None:
                found[by_hex[originator_id]] = int(value)
        if by_hex:
            check_read_versions(expected, found)
        return tail, last

    def events_page(self, after: int, upto: int, limit: int) -> list[LogRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                # CAST: a tampered row may hold TEXT where a BLOB belongs; read its bytes.
                "SELECT rowid, originator_id, originator_version, CAST(topic AS BLOB), "
                f"CAST(state AS BLOB) FROM {self.events_table_name} WHERE rowid > ? AND rowid <= ? "
                "ORDER BY rowid LIMIT ?",
                (after, upto, limit),
            )
            return [
                LogRow(
                    int(r[0]),
                    _canonical_id(r[1]),
                    _version(r[2]),
                    bytes(r[3]).decode("utf-8", "replace"),
                    bytes(r[4]),
                )
                for r in c.fetchall()
            ]

    def chain_page(self, after: int, upto: int, limit: int) -> list[ChainRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT * FROM {CHAIN_TABLE} WHERE position > ? AND position <= ? "
                "ORDER BY position LIMIT ?",
                (after, upto, limit),
            )
            return [_chain_row(r) for r in c.fetchall()]

    def chain_tail(self) -> tuple[ChainRow, int] | None:
        with self.datastore.transaction(commit=False) as c:
            # One statement, so the count belongs to the tail it is reported with.
            c.execute(
                f"SELECT *, (SELECT COUNT(*) FROM {CHAIN_TABLE} WHERE position <= t.position) "
                f"FROM {CHAIN_TABLE} AS t ORDER BY position DESC LIMIT 1"
            )
            row = c.fetchone()
            return None if row is None else (_chain_row(row), int(row[6]))

    def chain_head(self) -> tuple[int, bytes]:
        """(position, chain hash) of the last chained event; (0, genesis) when empty.
        One indexed lookup: a draw derives its seed from it (``Policy.draw_seed``)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT position, chain_hash FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1"
            )
            row = c.fetchone()
            return (0, GENESIS) if row is None else (int(row[0]), bytes(row[1]))

    def last_position(self) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT MAX(p) FROM (SELECT MAX(rowid) AS p FROM {self.events_table_name} "
                f"UNION ALL SELECT MAX(position) FROM {CHAIN_TABLE})"
            )
            row = c.fetchone()
            return int(row[0] or 0)

    def existing(self, originator_ids: Sequence[UUID]) -> set[UUID]:
        """Which of ``originator_ids`` have stored events (one query; a batch asks it
        for the command records of all its commands at once)."""
        found: set[UUID] = set()
        ids = list(originator_ids)
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
                chunk = ids[start : start + 500]
                c.execute(
                    f"SELECT DISTINCT originator_id FROM {self.events_table_name} "
                    f"WHERE originator_id IN ({','.join('?' for _ in chunk)})",
                    [i.hex for i in chunk],
                )
                found.update(UUID(r[0]) for r in c.fetchall())
        return found

    def events_of(
        self, originator_ids: Sequence[UUID], table: str | None = None
    ) -> dict[UUID, list[StoredEvent]]:
        """The stored events of several aggregates in one query each 500 (``table``: the
        events table, or another of this store's, e.g. the snapshots')."""
        found: dict[UUID, list[StoredEvent]] = {}
        ids = list(originator_ids)
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
                chunk = ids[start : start + 500]
                c.execute(
                    "SELECT originator_id, originator_version, topic, state "
                    f"FROM {table or self.events_table_name} "
                    f"WHERE originator_id IN ({','.join('?' for _ in chunk)}) "
                    "ORDER BY originator_id, originator_version",
                    [i.hex for i in chunk],
                )
                for r in c.fetchall():
                    uid = UUID(r[0])
                    found.setdefault(uid, []).append(StoredEvent(uid, int(r[1]), r[2], r[3]))
        return found

    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT originator_version, rowid FROM {self.events_table_name} "
                "WHERE originator_id = ?",
                (originator_id.hex,),
            )
            return {int(r[0]): int(r[1]) for r in c.fetchall()}

    def chain_of(self, originator_id: UUID) -> dict[int, ChainRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT ch.* FROM {self.events_table_name} AS e "
                f"JOIN {CHAIN_TABLE} AS ch ON ch.position = e.rowid WHERE e.originator_id = ?",
                (originator_id.hex,),
            )
            return {int(r[2]): _chain_row(r) for r in c.fetchall()}


def create_immediately(recorder: SQLiteAggregateRecorder) -> None:
    """``recorder``'s tables, created under ``BEGIN IMMEDIATE`` (see above)."""
    with recorder.datastore.get_connection(commit=True) as conn:
        cursor = conn.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            recorder._create_table(cursor)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


class SnapshotSQLiteRecorder(SQLiteAggregateRecorder):
    """eventsourcing's snapshots table, created as race-free as the events table."""

    def create_table(self) -> None:
        create_immediately(self)


def _canonical_id(stored: Any) -> str:
    """The originator id as the chain writes it; a value that is no UUID (a tampered or
    forged row) is kept as it is, so verification names its position instead of crashing."""
    try:
        return str(UUID(str(stored)))
    except ValueError:
        return str(stored)


def _version(stored: Any) -> int:
    """An originator version; one that is no integer (tampered) becomes -1, which no
    chain row holds, so verification reports the row as modified."""
    try:
        return int(stored)
    except (TypeError, ValueError):
        return -1


def _chain_row(r: Any) -> ChainRow:
    return ChainRow(
        position=int(r[0]),
        originator_id=str(r[1]),
        originator_version=int(r[2]),
        command_id=None if r[3] is None else str(r[3]),
        event_hash=bytes(r[4]),
        chain_hash=bytes(r[5]),
    )


# -- PostgreSQL -----------------------------------------------------------------------


def setup_lock_key(schema: str | None) -> str:
    """The text whose ``hashtext`` is the advisory lock around creating a schema's
    tables and views (eventsourcing's, the chain's, the views')."""
    return f"supervision_ledger:{schema or 'public'}"


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    """PostgreSQL events table (position = notification_id) plus the chain table.

    ``insert_events`` is replaced as a whole: eventsourcing's version swallows
    exceptions raised after the INSERT inside its pipeline (and would commit the events
    without their chain rows), and its ``POSTGRES_ENABLE_DB_FUNCTIONS`` path inserts
    through a database function that knows nothing of the chain.
    """

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        #: The store's keyring (``store_meta.Keyring``), when new subjects' keys are to
        #: be stored in the transaction of the events first sealed under them.
        self.keyring: Any = None
        schema = Identifier(self.datastore.schema)
        self.chain_table = SQL("{}.{}").format(schema, Identifier(CHAIN_TABLE))
        self.keys_table = SQL("{}.{}").format(schema, Identifier(KEYS_TABLE))
        self.events_table = SQL("{}.{}").format(schema, Identifier(self.events_table_name))
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                "position bigint PRIMARY KEY, "
                "originator_id uuid NOT NULL, "
                "originator_version bigint NOT NULL, "
                "command_id text, "
                "event_hash bytea NOT NULL, "
                "chain_hash bytea NOT NULL)"
            ).format(self.chain_table)
        )
        # As on SQLite: no index of the chain by aggregate (see chain_of).
        self.sql_create_statements.append(
            SQL("DROP INDEX IF EXISTS {}.{}").format(schema, Identifier(CHAIN_ORIGINATOR_INDEX))
        )

    def create_table(self) -> None:
        """eventsourcing's table creation, one process at a time: concurrent ``CREATE
        TABLE IF NOT EXISTS`` on a fresh schema fails in PostgreSQL (``UniqueViolation``
        on the catalog, ``tuple concurrently updated``), so it runs under the schema's
        advisory lock, held on a connection of its own."""
        create_locked(self.datastore, super().create_table)

    #: Attempts at one write when the connection is lost (each lost connection leaves the
    #: pool), and the pause between them: as eventsourcing's own ``insert_events``.
    write_attempts = 10
    write_retry_wait = 0.2

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert events and their chain rows in one transaction, retrying when the
        connection is lost (as eventsourcing's own ``insert_events`` does).

        One write takes two round trips: the lock, the insert, the version check and the
        chain tail travel in one pipeline; the chain rows and the commit in a second.

        A connection can be lost after the server committed but before the client heard
        so; before retrying, the events are looked up, and if they are there with the
        very bytes written, their positions are returned instead of inserting twice.
        """
        if not stored_events:
            return []
        return with_subject_keys(self.keyring, self._write, stored_events, **kwargs)

    def _write(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        for attempt in range(1, self.write_attempts + 1):
            try:
                return self._insert_once(stored_events, **kwargs)
            except (InterfaceError, OperationalError) as error:
                if _lock_timeout(error) or attempt == self.write_attempts:
                    raise
                time.sleep(self.write_retry_wait)
                try:
                    committed = self._committed(stored_events)
                except (InterfaceError, OperationalError):
                    continue  # still unreachable: try the write again
                if committed is not None:
                    return committed
        raise AssertionError("unreachable")  # pragma: no cover

    def _committed(self, stored_events: Sequence[StoredEvent]) -> list[int] | None:
        """The positions of ``stored_events`` if a transaction stored exactly them."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT originator_id, originator_version, state, notification_id FROM {} "
                    "WHERE originator_id = ANY(%s)"
                ).format(self.events_table),
                (list({e.originator_id for e in stored_events}),),
            )
            found = {
                (str(r["originator_id"]), int(r["originator_version"])): (
                    bytes(r["state"]),
                    int(r["notification_id"]),
                )
                for r in curs.fetchall()
            }
        positions: list[int] = []
        for e in stored_events:
            row = found.get((str(e.originator_id), e.originator_version))
            if row is None or row[0] != bytes(e.state):
                return None
            positions.append(row[1])
        return positions

    def _insert_once(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        pg_events = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        command_ids = _command_ids(kwargs, len(stored_events))
        expected = _read_versions(kwargs)
        with (
            self.datastore.get_connection() as conn,
            conn.pipeline() as pipeline,
            conn.transaction(),
            conn.cursor() as inserted,
            conn.cursor() as versions,
            conn.cursor() as tail,
            conn.cursor() as key_rows,
            conn.cursor() as stored_keys,
        ):
            self._lock_table(inserted)  # EXCLUSIVE: writers queue here, readers do not
            self._notify_channel(inserted)
            inserted.execute(self.insert_events_statement, (pg_events,))
            if expected:
                versions.execute(
                    # One MAX per id, each an index lookup of the last version.
                    SQL(
                        "SELECT i.id AS originator_id, (SELECT MAX(originator_version) "
                        "FROM {} WHERE originator_id = i.id) AS version "
                        "FROM unnest(%s::uuid[]) AS i(id)"
                    ).format(self.events_table),
                    (list(expected),),
                )
            tail.execute(
                SQL("SELECT position, chain_hash FROM {} ORDER BY position DESC LIMIT 1").format(
                    self.chain_table
                )
            )
            keys: dict[str, bytes] = kwargs.get("subject_keys") or {}
            if keys:
                # New subjects' keys: stored with the first events sealed under them.
                key_rows.executemany(
                    SQL(
                        "INSERT INTO {} (subject, wrapped) VALUES (%s, %s) "
                        "ON CONFLICT (subject) DO NOTHING"
                    ).format(self.keys_table),
                    list(keys.items()),
                )
                stored_keys.execute(
                    SQL("SELECT subject, wrapped FROM {} WHERE subject = ANY(%s)").format(
                        self.keys_table
                    ),
                    (list(keys),),
                )
            pipeline.sync()  # round trip one; a duplicate aggregate version raises here
            if keys:
                check_stored_keys(
                    self.keyring, keys, [(r["subject"], r["wrapped"]) for r in stored_keys]
                )
            positions = [int(row["notification_id"]) for row in inserted.fetchall()]
            if expected:
                check_read_versions(
                    expected,
                    {
                        UUID(str(r["originator_id"])): int(r["version"])
                        for r in versions
                        if r["version"] is not None
                    },
                )
            row = tail.fetchone()
            last = None if row is None else (int(row["position"]), bytes(row["chain_hash"]))
            self._insert_chain(inserted, link(last, stored_events, positions, command_ids))
            # Leaving the transaction queues the COMMIT; leaving the pipeline sends the
            # chain rows and the commit together: round trip two.
        return positions

    def _insert_chain(self, curs: Cursor[DictRow], rows: Sequence[ChainRow]) -> None:
        curs.executemany(
            SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s, %s)").format(self.chain_table),
            [
                (
                    r.position,
                    UUID(r.originator_id),
                    r.originator_version,
                    r.command_id,
                    r.event_hash,
                    r.chain_hash,
                )
                for r in rows
            ],
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def events_page(self, after: int, upto: int, limit: int) -> list[LogRow]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT notification_id, originator_id, originator_version, topic, state "
                    "FROM {} WHERE notification_id > %s AND notification_id <= %s "
                    "ORDER BY notification_id LIMIT %s"
                ).format(self.events_table),
                (after, upto, limit),
            )
            return [
                LogRow(
                    int(r["notification_id"]),
                    str(UUID(str(r["originator_id"]))),
                    int(r["originator_version"]),
                    str(r["topic"]),
                    bytes(r["state"]),
                )
                for r in curs.fetchall()
            ]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def chain_page(self, after: int, upto: int, limit: int) -> list[ChainRow]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT position, originator_id, originator_version, command_id, "
                    "event_hash, chain_hash FROM {} WHERE position > %s AND position <= %s "
                    "ORDER BY position LIMIT %s"
                ).format(self.chain_table),
                (after, upto, limit),
            )
            return [_pg_chain_row(r) for r in curs.fetchall()]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def chain_tail(self) -> tuple[ChainRow, int] | None:
        with self.datastore.transaction(commit=False) as curs:
            # One statement, so the count belongs to the tail it is reported with.
            curs.execute(
                SQL(
                    "SELECT position, originator_id, originator_version, command_id, "
                    "event_hash, chain_hash, "
                    "(SELECT COUNT(*) FROM {0} WHERE position <= t.position) AS n "
                    "FROM {0} AS t ORDER BY position DESC LIMIT 1"
                ).format(self.chain_table)
            )
            row = curs.fetchone()
            return None if row is None else (_pg_chain_row(row), int(row["n"]))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def chain_head(self) -> tuple[int, bytes]:
        """(position, chain hash) of the last chained event; (0, genesis) when empty."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT position, chain_hash FROM {} ORDER BY position DESC LIMIT 1").format(
                    self.chain_table
                )
            )
            row = curs.fetchone()
            if row is None:
                return (0, GENESIS)
            return (int(row["position"]), bytes(row["chain_hash"]))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def last_position(self) -> int:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT GREATEST((SELECT MAX(notification_id) FROM {}), "
                    "(SELECT MAX(position) FROM {})) AS p"
                ).format(self.events_table, self.chain_table)
            )
            row = curs.fetchone()
            return int(row["p"] or 0) if row is not None else 0

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def existing(self, originator_ids: Sequence[UUID]) -> set[UUID]:
        """Which of ``originator_ids`` have stored events (one query)."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT DISTINCT originator_id FROM {} WHERE originator_id = ANY(%s)").format(
                    self.events_table
                ),
                (list(originator_ids),),
            )
            return {UUID(str(r["originator_id"])) for r in curs}

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def events_of(
        self, originator_ids: Sequence[UUID], table: str | None = None
    ) -> dict[UUID, list[StoredEvent]]:
        """The stored events of several aggregates in one query (``table``: the events
        table, or another of this schema's, e.g. the snapshots')."""
        source = (
            self.events_table
            if table is None
            else SQL("{}.{}").format(Identifier(self.datastore.schema), Identifier(table))
        )
        found: dict[UUID, list[StoredEvent]] = {}
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT originator_id, originator_version, topic, state FROM {} "
                    "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
                ).format(source),
                (list(originator_ids),),
            )
            for r in curs.fetchall():
                uid = UUID(str(r["originator_id"]))
                found.setdefault(uid, []).append(
                    StoredEvent(uid, int(r["originator_version"]), r["topic"], bytes(r["state"]))
                )
        return found

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT originator_version, notification_id FROM {} WHERE originator_id = %s"
                ).format(self.events_table),
                (originator_id,),
            )
            return {int(r["originator_version"]): int(r["notification_id"]) for r in curs}

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def chain_of(self, originator_id: UUID) -> dict[int, ChainRow]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT ch.position, ch.originator_id, ch.originator_version, "
                    "ch.command_id, ch.event_hash, ch.chain_hash FROM {} AS e JOIN {} AS ch "
                    "ON ch.position = e.notification_id WHERE e.originator_id = %s"
                ).format(self.events_table, self.chain_table),
                (originator_id,),
            )
            rows = [_pg_chain_row(r) for r in curs.fetchall()]
            return {r.originator_version: r for r in rows}


def _lock_timeout(error: BaseException) -> bool:
    """A lock not had in time is the store being busy, not the connection being lost."""
    return isinstance(error.__cause__, errors.LockNotAvailable | errors.QueryCanceled)


def _pg_chain_row(r: DictRow) -> ChainRow:
    return ChainRow(
        position=int(r["position"]),
        originator_id=str(UUID(str(r["originator_id"]))),
        originator_version=int(r["originator_version"]),
        command_id=r["command_id"],
        event_hash=bytes(r["event_hash"]),
        chain_hash=bytes(r["chain_hash"]),
    )


def create_locked(datastore: PostgresDatastore, create: Callable[[], None]) -> None:
    """Run ``create`` under the schema's advisory lock (see ``create_table`` above)."""
    with datastore.get_connection() as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (setup_lock_key(datastore.schema),))
        try:
            create()
        finally:
            conn.execute(
                "SELECT pg_advisory_unlock(hashtext(%s))", (setup_lock_key(datastore.schema),)
            )


class SnapshotPostgresRecorder(PostgresAggregateRecorder):
    """eventsourcing's snapshots table, created under the schema's advisory lock."""

    def create_table(self) -> None:
        create_locked(self.datastore, super().create_table)
