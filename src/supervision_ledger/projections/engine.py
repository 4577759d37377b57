"""The catch-up projection engine: notification pages in, view rows out, exactly once.

eventsourcing's ``ProjectionRunner`` needs a recorder with ``subscribe()``, which the
SQLite recorder lacks, so the engine pulls instead: it reads the application
sequence page by page after the lowest tracked position
(``recorder.select_notifications(start, limit, inclusive_of_start=False)``), decodes
each notification with the application's mapper, hands the event to every view that
has a handler for its class and has not yet seen that notification, and then writes
the new tracking positions — the whole page and its positions in **one transaction**
on the views' database. A failure anywhere in a page rolls all of it back; a page
seen twice is skipped notification by notification, because positions are read
inside the same transaction (under a write lock) before anything is applied.

Positions are notification ids, not counts: PostgreSQL sequences leave gaps when a
transaction rolls back, so "how many events were processed" is not a position.

A view is a :class:`View` subclass: a name, a version, its tables (DDL), and handler
methods marked ``@on(EventClass)``. Adding a figure means adding a handler (and a
table or column), never touching this module. A view whose version or time zone
differs from what its tracking row records is dropped and rebuilt on open, so local
dates in view rows always follow the policy's time zone.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from typing import Any, ClassVar, Protocol, TypeVar
from zoneinfo import ZoneInfo

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification
from eventsourcing.utils import resolve_topic

from ..persistence.store import StoreConfig

TRACKING_TABLE = "view_tracking"

#: Rows as plain tuples, whichever driver read them.
Row = tuple[Any, ...]

F = TypeVar("F", bound=Callable[..., None])


def on(*event_classes: type[Any]) -> Callable[[F], F]:
    """Mark a :class:`View` method as the handler of ``event_classes``."""

    def mark(method: F) -> F:
        method.__dict__.setdefault("_handles", []).extend(event_classes)
        return method

    return mark


class Tx:
    """One open transaction on the views' database, as a handler or a query sees it."""

    def __init__(self, db: ViewsDatabase, zone: ZoneInfo) -> None:
        self.db = db
        self.zone = zone
        #: The notification id being applied (a stable, rebuild-proof tiebreak).
        self.position = 0

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run ``sql`` (``?`` placeholders) and return its rows, if any."""
        return self.db.run(sql, params)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def upsert(self, table: str, keys: dict[str, Any], values: dict[str, Any]) -> None:
        """Insert a row, or update ``values`` of the row with these ``keys``.

        ``INSERT … ON CONFLICT … DO UPDATE`` reads the same in SQLite (≥ 3.24) and
        PostgreSQL, so views need no per-dialect SQL.
        """
        cols = [*keys, *values]
        update = (
            "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in values)
            if values
            else "DO NOTHING"
        )
        self.rows(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
            f"ON CONFLICT ({', '.join(keys)}) {update}",
            [*keys.values(), *values.values()],
        )

    def local_date(self, moment: datetime) -> str:
        """The ISO local date (policy time zone) of a business time."""
        return moment.astimezone(self.zone).date().isoformat()


class ViewsDatabase(Protocol):
    """Where views live: an SQLite file or memory database, or a PostgreSQL schema."""

    backend: str

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def transaction(self, lock: bool) -> Any: ...

    def setup(self) -> Any: ...

    def close(self) -> None: ...


class SQLiteViews:
    """Views in SQLite: the ledger's own file (or shared-cache memory database) by default."""

    backend = "sqlite"

    def __init__(self, database: str) -> None:
        # Autocommit mode: transactions are opened explicitly (BEGIN IMMEDIATE takes the
        # write lock first, so two processes catching up never apply the same page).
        self.conn = sqlite3.connect(
            database, uri=True, isolation_level=None, check_same_thread=False, timeout=30
        )

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    @contextmanager
    def transaction(self, lock: bool) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE" if lock else "BEGIN")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def setup(self) -> Any:
        """The transaction that creates or drops tables: the write lock first."""
        return self.transaction(lock=True)

    def close(self) -> None:
        self.conn.close()


class PostgresViews:
    """Views in PostgreSQL: the ledger's schema by default."""

    backend = "postgres"

    def __init__(self, env: dict[str, str]) -> None:
        schema = env.get("POSTGRES_SCHEMA")
        self.schema = schema
        self.env = env
        self.conn = self._connect()

    def _connect(self) -> Any:
        import psycopg

        env, schema = self.env, self.schema
        return psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=int(env["POSTGRES_PORT"]),
            user=env["POSTGRES_USER"],
            password=env.get("POSTGRES_PASSWORD") or None,
            autocommit=True,
            options=f"-c search_path={schema}" if schema else "",
        )

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cur = self.conn.execute(sql.replace("?", "%s"), tuple(params))
        if cur.description is None:
            return []
        return [tuple(r) for r in cur.fetchall()]

    def _reconnect_if_lost(self) -> None:
        """A connection the server dropped (restart, ``pg_terminate_backend``) is
        replaced before the next transaction; the one that met the loss failed."""
        if self.conn.broken or self.conn.closed:
            self.conn = self._connect()

    @contextmanager
    def transaction(self, lock: bool) -> Iterator[None]:
        self._reconnect_if_lost()
        with self.conn.transaction():
            if lock:
                # Serialise writers of the views: the second waits, then sees the new
                # positions and skips what the first applied.
                self.run(f"SELECT view FROM {TRACKING_TABLE} FOR UPDATE")
            yield

    @contextmanager
    def setup(self) -> Iterator[None]:
        """The transaction that creates or drops tables, under the schema's advisory
        lock: concurrent ``CREATE TABLE IF NOT EXISTS`` fails in PostgreSQL."""
        self._reconnect_if_lost()
        with self.conn.transaction():
            self.run(
                "SELECT pg_advisory_xact_lock(hashtext(?))",
                [f"supervision_ledger:{self.schema or 'public'}"],
            )
            yield

    def close(self) -> None:
        self.conn.close()


def open_views_database(config: StoreConfig) -> ViewsDatabase:
    """Connect to the database ``config`` names (a parsed store URL)."""
    if config.backend == "postgres":
        return PostgresViews(config.env)
    return SQLiteViews(config.env["SQLITE_DBNAME"])


def scratch_database() -> ViewsDatabase:
    """A private in-memory SQLite database, for throw-away replays."""
    return SQLiteViews(":memory:")


class View:
    """A projection: tables, and handlers that turn events into rows.

    Subclasses set ``name``, ``version`` (bump it when tables or handlers change: the
    view is then rebuilt on open) and ``tables`` (``{table: "column definitions"}``,
    portable SQL), and mark handler methods with :func:`on`.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    tables: ClassVar[dict[str, str]] = {}
    handlers: ClassVar[dict[type[Any], list[str]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[type[Any], list[str]] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                for event_class in getattr(value, "_handles", ()):
                    names = handlers.setdefault(event_class, [])
                    if attr not in names:
                        names.append(attr)
        cls.handlers = handlers

    def apply(self, tx: Tx, event: Any) -> None:
        for attr in self.handlers.get(type(event), ()):
            getattr(self, attr)(tx, event)


@cache
def _topic_class(topic: str) -> type[Any]:
    cls: type[Any] = resolve_topic(topic)
    return cls


#: Called after each committed page with (position reached, head position).
Progress = Callable[[int, int], None]


class ProjectionEngine:
    """Keeps ``views`` in ``db`` up to date with the application's notification log."""

    def __init__(
        self,
        recorder: ApplicationRecorder,
        mapper: Mapper[Any],
        db: ViewsDatabase,
        views: Iterable[View],
        timezone: str,
        page_size: int = 500,
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.db = db
        self.views = list(views)
        self.timezone = timezone
        self.zone = ZoneInfo(timezone)
        self.page_size = page_size
        self._lock = threading.RLock()
        self._handled: set[type[Any]] = {cls for v in self.views for cls in v.handlers}
        self._open()

    # -- set-up ------------------------------------------------------------------

    def _open(self) -> None:
        with self._lock, self.db.setup():
            self.db.run(
                f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (view TEXT PRIMARY KEY, "
                "position BIGINT NOT NULL, version INTEGER NOT NULL, timezone TEXT NOT NULL)"
            )
            for view in self.views:
                found = self.db.run(
                    f"SELECT version, timezone FROM {TRACKING_TABLE} WHERE view = ?", [view.name]
                )
                if found and tuple(found[0]) != (view.version, self.timezone):
                    self._drop(view)
                self._create(view)

    def _create(self, view: View) -> None:
        for table, columns in view.tables.items():
            self.db.run(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
        self.db.run(
            f"INSERT INTO {TRACKING_TABLE} (view, position, version, timezone) "
            "VALUES (?, 0, ?, ?) ON CONFLICT (view) DO NOTHING",
            [view.name, view.version, self.timezone],
        )

    def _drop(self, view: View) -> None:
        for table in view.tables:
            self.db.run(f"DROP TABLE IF EXISTS {table}")
        self.db.run(f"DELETE FROM {TRACKING_TABLE} WHERE view = ?", [view.name])

    def close(self) -> None:
        self.db.close()

    # -- positions -----------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        """The last notification id each view has applied (0: none yet)."""
        with self._lock:
            rows = self.db.run(f"SELECT view, position FROM {TRACKING_TABLE}")
        names = {v.name for v in self.views}
        return {str(name): int(pos) for name, pos in rows if name in names}

    @property
    def position(self) -> int:
        """The position every view has reached."""
        return min(self.positions().values(), default=0)

    def head(self) -> int:
        """The last notification id in the application's log (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    # -- processing ------------------------------------------------------------------

    def catch_up(self, until: int | None = None, progress: Progress | None = None) -> int:
        """Apply every notification after the views' positions (up to ``until``, inclusive).

        Returns the position reached. Cheap when nothing is new: one query on each side.
        """
        with self._lock:
            head = self.head() if until is None else until
            position = self.position
            while position < head:
                page = self.recorder.select_notifications(
                    start=position,
                    limit=self.page_size,
                    stop=head,
                    inclusive_of_start=False,
                )
                if not page:
                    break
                self.process_page(page)
                position = page[-1].id
                if progress is not None:
                    progress(position, head)
            return position

    def process_page(self, page: Sequence[Notification]) -> None:
        """Apply one page and record its last id as every view's position, atomically.

        Notifications a view has already applied (id ≤ its position, read inside the
        transaction) are skipped, so applying a page twice changes nothing.
        """
        if not page:
            return
        with self._lock, self.db.transaction(lock=True):
            tracked = {
                str(name): int(pos)
                for name, pos in self.db.run(f"SELECT view, position FROM {TRACKING_TABLE}")
            }
            tx = Tx(self.db, self.zone)
            for notification in page:
                behind = [v for v in self.views if tracked.get(v.name, 0) < notification.id]
                if not behind or _topic_class(notification.topic) not in self._handled:
                    continue
                event = self.mapper.to_domain_event(notification)
                tx.position = notification.id
                for view in behind:
                    view.apply(tx, event)
            last = page[-1].id
            for view in self.views:
                if tracked.get(view.name, 0) < last:
                    self.db.run(
                        f"UPDATE {TRACKING_TABLE} SET position = ? WHERE view = ?",
                        [last, view.name],
                    )

    def reset(self) -> None:
        """Drop every view's rows and positions, in one transaction, without replaying."""
        with self._lock, self.db.setup():
            for view in self.views:
                self._drop(view)
                self._create(view)

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drop every view's rows and replay the whole log; returns the position reached."""
        with self._lock:
            self.reset()
            return self.catch_up(progress=progress)

    # -- reading -----------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        """A read transaction over the views: every query sees one consistent state."""
        with self._lock, self.db.transaction(lock=False):
            yield Tx(self.db, self.zone)


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
