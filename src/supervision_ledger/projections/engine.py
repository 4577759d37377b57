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
inside the same transaction (under a write lock) before anything is applied. The
engine keeps the view rows its handlers looked up or wrote in a bounded row cache
(:class:`RowCache`) across pages; it is emptied whenever it may differ from the
database: a page that failed, a reset or rebuild, or positions this engine did not
write (another process applied pages).

Positions are notification ids, not counts: PostgreSQL sequences leave gaps when a
transaction rolls back, so "how many events were processed" is not a position.

A view is a :class:`View` subclass: a name, a version, its tables (DDL), and handler
methods marked ``@on(EventClass)``. Adding a figure means adding a handler (and a
table or column), never touching this module. A view whose version or time zone
differs from what its tracking row records is dropped and rebuilt on open, so local
dates in view rows always follow the policy's time zone.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any, ClassVar, Protocol, TypeVar
from zoneinfo import ZoneInfo

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification
from eventsourcing.utils import _topic_cache, get_topic, resolve_topic

from ..domain.policy import local_date_of
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
    """One open transaction on the views' database, as a handler or a query sees it.

    Writes (``INSERT`` / ``UPDATE`` / ``DELETE``, and :meth:`upsert`) are queued per
    table and sent in batches — runs of the same statement through one
    ``executemany`` — when a read needs that table and at the end of the page. Rows of
    different tables never depend on each other, so a handler still reads what the
    previous ones wrote, in order, while a page costs a few round trips instead of one
    per row. Nothing is committed until the engine commits the page with its positions.

    Rows by primary key go through the engine's :class:`RowCache`: :meth:`get`,
    :meth:`update`, :meth:`delete` and :meth:`upsert` (and, in the engine's writing
    transactions, plain ``SELECT cols FROM t WHERE <primary key>`` / ``UPDATE t SET
    c = ? … WHERE <primary key>`` statements) read a row once and then keep it in
    memory, across pages; a row's writes are merged and sent once per page, one batch
    statement per table and kind of write (``unnest`` arrays on PostgreSQL). Any other
    statement that writes a table first queues the table's merged writes and makes the
    cache forget its rows.
    """

    def __init__(
        self,
        db: ViewsDatabase,
        zone: ZoneInfo,
        opener: Callable[[str], str] | None = None,
        cache: RowCache | None = None,
    ) -> None:
        self.db = db
        self.zone = zone
        #: Opens sealed values in what a query reads (None while views are written: they
        #: keep the sealed values of the events, docs/privacy.md).
        self.opener = opener
        #: The notification id being applied (a stable, rebuild-proof tiebreak).
        self.position = 0
        self._pending: dict[str, list[tuple[str, Sequence[Any]]]] = {}
        self._dates: dict[datetime, str] = {}
        #: View rows read or written through :meth:`get` / :meth:`update` /
        #: :meth:`delete` / :meth:`upsert` (the engine's, kept across pages).
        self.cache = cache if cache is not None else RowCache()
        #: Whether plain statements by primary key go through the cache too (the
        #: engine's writing transactions; a query's reads stay as written).
        self.by_key = cache is not None
        self.cache.spill = self._spill

    def _spill(self, table: str, key: tuple[Any, ...], entry: _Entry) -> None:
        """A row owing a write pushed out of the cache: its write is queued now."""
        write = _entry_write(self.cache.schema(table), key, entry)
        if write is not None:
            self._pending.setdefault(table, []).append(write)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run ``sql`` (``?`` placeholders) and return its rows, if any (sealed values
        opened, when reading for a query).

        A write is queued (and returns no rows); a read first sends the writes queued
        for the tables it reads.
        """
        found = self._rows(sql, params)
        if self.opener is None or not found:
            return found
        return [_opened(row, self.opener) for row in found]

    def _rows(self, sql: str, params: Sequence[Any]) -> list[Row]:
        kind = _kind(sql)
        cache = self.cache
        by_key = _by_key(sql) if self.by_key else None
        if by_key is not None:
            # A row by its primary key: through the cache (:meth:`get` / :meth:`update`).
            table, columns, where = by_key
            schema = cache.schemas.get(table)
            if schema is not None and schema.keyset == frozenset(where):
                given = dict(zip(where, params[len(params) - len(where) :], strict=True))
                key = tuple(given[k] for k in schema.keys)
                if kind == "write":
                    self.update(table, key, dict(zip(columns, params, strict=False)))
                    return []
                found = self.get(table, *key)
                return [] if found is None else [tuple(found[c] for c in columns)]
        if kind == "write":
            table = _written_table(sql)
            if cache.tables.get(table):
                # A statement may change any cached row of its table: the rows merged
                # so far go first, and the table's cached rows are forgotten.
                self._emit(table)
                cache.forget(table)
            self._pending.setdefault(table, []).append((sql, params))
            return []
        if kind == "read":
            tables = _read_tables(sql)
            for table in tables:
                if cache.dirty.get(table):
                    self._emit(table)
        else:  # anything else may touch anything: everything goes first, nothing is kept
            for table in list(cache.dirty):
                self._emit(table)
            cache.clear()
        if self._pending:
            if kind == "read":
                before = [
                    write
                    for table in list(self._pending)
                    if table in tables
                    for write in self._pending.pop(table)
                ]
            else:
                before = [write for writes in self._pending.values() for write in writes]
                self._pending = {}
            if before:
                return self.db.run_after(before, sql, params)
        return self.db.run(sql, params)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    # -- rows by primary key, through the row cache --------------------------------------

    def get(self, table: str, *key: Any) -> dict[str, Any] | None:
        """The row of ``table`` whose primary key is ``key`` (column → value; do not
        change it), or None. Rows read or written before, in this page or an earlier
        one, come from memory; a row not known is read with what is queued for its
        table sent first."""
        cache = self.cache
        entry = cache.entry(table, key)
        if entry is not None:
            if entry.row is None:
                return None
            if entry.complete:
                return entry.row
            self._emit_entry(table, key, entry)  # partly known: written, then read back
        schema = cache.schema(table)
        writes = self._pending.pop(table, [])
        sql, params = schema.select, list(key)
        found = self.db.run_after(writes, sql, params) if writes else self.db.run(sql, params)
        row = dict(zip(schema.columns, found[0], strict=True)) if found else None
        cache.put(table, key, _Entry(row, True, None))
        return row

    def update(
        self, table: str, key: Sequence[Any] | dict[str, Any], values: dict[str, Any]
    ) -> None:
        """``UPDATE table SET values WHERE primary key = key`` (nothing if there is no
        such row), merged in memory with the row's other writes of the page. ``key``:
        the primary key's values in order, or by column."""
        cache = self.cache
        key = self._key(table, key)
        entry = cache.entry(table, key)
        if entry is None:
            schema = cache.schema(table)
            row = dict(zip(schema.keys, key, strict=True))
            row.update(values)
            cache.put(table, key, _Entry(row, False, _UPDATE), dirty=True)
            return
        if entry.row is None:
            return
        entry.row.update(values)
        if entry.dirty is None:
            entry.dirty = _WRITE
            cache.mark(table, key, entry)

    def delete(self, table: str, key: Sequence[Any] | dict[str, Any]) -> None:
        """``DELETE FROM table WHERE primary key = key``, merged in memory."""
        self.cache.put(table, self._key(table, key), _Entry(None, True, _DELETE), dirty=True)

    def _key(self, table: str, key: Sequence[Any] | dict[str, Any]) -> tuple[Any, ...]:
        if isinstance(key, dict):
            return tuple(key[k] for k in self.cache.schema(table).keys)
        return tuple(key)

    def upsert(
        self, table: str, keys: dict[str, Any], values: dict[str, Any], *, created: bool = False
    ) -> None:
        """Insert a row, or update ``values`` of the row with these ``keys`` (the table's
        primary key; no ``values``: insert it if it is absent), merged in memory with
        the row's other writes and sent with the page.

        ``created``: the event creates this row (there is none before it), so the
        columns not given hold their defaults — the whole row is known, and a later
        :meth:`get` of it needs no read.

        ``INSERT … ON CONFLICT … DO UPDATE`` reads the same in SQLite (≥ 3.24) and
        PostgreSQL, so views need no per-dialect SQL.
        """
        cache = self.cache
        schema = cache.schemas.get(table)
        if schema is None or schema.keyset != keys.keys():
            # Not keyed by its primary key: a plain statement (forgets the table's rows).
            self._rows(
                _upsert_sql(table, tuple(keys), tuple(values)), [*keys.values(), *values.values()]
            )
            return
        key = tuple(keys[k] for k in schema.keys)
        entry = cache.entry(table, key)
        if entry is not None and entry.dirty == _UPDATE:
            self._emit_entry(table, key, entry)
            entry = None
        if entry is None and not created:
            row = dict(keys)
            row.update(values)
            complete = len(row) == len(schema.columns)
            cache.put(table, key, _Entry(row, complete, _WRITE), dirty=True)
        elif entry is None or entry.row is None:
            row = dict(schema.defaults)
            row.update(keys)
            row.update(values)
            cache.put(table, key, _Entry(row, True, _WRITE), dirty=True)
        elif values:
            entry.row.update(values)
            if entry.dirty is None:
                entry.dirty = _WRITE
                cache.mark(table, key, entry)

    def _emit_entry(self, table: str, key: tuple[Any, ...], entry: _Entry) -> None:
        """Queue one cached row's write now (before what comes next for its table) and
        forget the row."""
        self.cache.drop(table, key)
        if entry.dirty is not None:
            self._spill(table, key, entry)

    def _emit(self, table: str) -> None:
        """Queue the merged writes of ``table``'s cached rows (a few batch statements)."""
        cache = self.cache
        dirty = cache.dirty.pop(table, None)
        if not dirty:
            return
        schema = cache.schema(table)
        writes = self._pending.setdefault(table, [])
        writes.extend(self.db.merged_writes(schema, dirty))
        for key, entry in dirty.items():
            if entry.dirty == _UPDATE:
                cache.drop(table, key)  # whether the row exists is still not known
            entry.dirty = None

    def flush(self) -> None:
        """Send every queued write, in one batch."""
        for table in list(self.cache.dirty):
            self._emit(table)
        pending, self._pending = self._pending, {}
        if pending:
            self._send([write for writes in pending.values() for write in writes])

    def _send(self, writes: list[tuple[str, Sequence[Any]]]) -> None:
        self.db.run_batch(writes)

    def local_date(self, moment: datetime) -> str:
        """The ISO local date (policy time zone) of a business time; any datetime a
        stored event can hold gives a date (see :func:`local_date_of`)."""
        found = self._dates.get(moment)
        if found is None:
            found = self._dates[moment] = local_date_of(moment, self.zone).isoformat()
        return found


#: What a cached row's write is: insert or update the columns it knows (the row
#: exists once it is sent), update them only (whether the row exists is not known), or
#: delete it.
_WRITE, _UPDATE, _DELETE = "write", "update", "delete"


class _Entry:
    """A cached view row: its columns (None: there is no such row), whether every
    column is known, and the write it still owes the database (None: none)."""

    __slots__ = ("complete", "dirty", "row")

    def __init__(self, row: dict[str, Any] | None, complete: bool, dirty: str | None) -> None:
        self.row = row
        self.complete = complete
        self.dirty = dirty


class TableSchema:
    """A view table's columns, primary key, column types and defaults (from its DDL)."""

    def __init__(self, table: str, ddl: str) -> None:
        self.table = table
        columns: list[str] = []
        types: dict[str, str] = {}
        defaults: dict[str, Any] = {}
        keys: list[str] = []
        for part in _split_columns(ddl):
            words = part.split()
            if words[0].upper() == "PRIMARY":
                keys = [k.strip() for k in part[part.index("(") + 1 : part.rindex(")")].split(",")]
                continue
            if words[0].upper() in ("UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT"):
                continue
            name = words[0]
            columns.append(name)
            types[name] = words[1].lower()
            upper = [w.upper() for w in words]
            if "PRIMARY" in upper:
                keys = [name]
            defaults[name] = None
            if "DEFAULT" in upper:
                literal = words[upper.index("DEFAULT") + 1]
                defaults[name] = (
                    None
                    if literal.upper() == "NULL"
                    else literal.strip("'")
                    if literal.startswith("'")
                    else int(literal)
                )
        self.columns = tuple(columns)
        self.keys = tuple(keys)
        self.keyset = frozenset(keys)
        self.types = types
        self.defaults = defaults
        #: ``k1 = ? AND …`` over the primary key, for a row's select, update and delete.
        self.where = " AND ".join(f"{k} = ?" for k in keys)
        self.select = f"SELECT {', '.join(columns)} FROM {table} WHERE {self.where}"


def _split_columns(ddl: str) -> list[str]:
    """The comma-separated parts of a column list, commas inside parentheses kept."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(ddl):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(ddl[start:i].strip())
            start = i + 1
    parts.append(ddl[start:].strip())
    return [p for p in parts if p]


#: Every view table's schema, registered when its view class is defined.
SCHEMAS: dict[str, TableSchema] = {}


class RowCache:
    """A bounded LRU of view rows by primary key, with the writes they still owe.

    The engine keeps one across pages, so a row a handler looked up or wrote is not
    read again; it is cleared whenever what it holds may no longer be what the database
    holds: a page that failed (rolled back), a reset or rebuild, positions another
    process moved, or a statement it cannot follow. Written rows are merged in memory
    (one write per row and page, sent in batches when the page ends or a query reads
    their table); the page's rows and its positions still commit in one transaction.
    """

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self.schemas = SCHEMAS
        self.rows: OrderedDict[tuple[str, tuple[Any, ...]], _Entry] = OrderedDict()
        #: The keys cached per table, and the ones owing a write (in order of writing).
        self.tables: dict[str, set[tuple[Any, ...]]] = {}
        self.dirty: dict[str, dict[tuple[Any, ...], _Entry]] = {}
        #: Facts a view derives from its rows and that never change once written (e.g.
        #: which primary key an aggregate's row has), cleared with the rows.
        self.memo: dict[tuple[Any, ...], Any] = {}
        #: Where a row owing a write goes when it is pushed out (set by the open Tx).
        self.spill: Callable[[str, tuple[Any, ...], _Entry], None] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def schema(self, table: str) -> TableSchema:
        return self.schemas[table]

    def entry(self, table: str, key: tuple[Any, ...]) -> _Entry | None:
        found = self.rows.get((table, key))
        if found is not None:
            self.rows.move_to_end((table, key))
        return found

    def put(self, table: str, key: tuple[Any, ...], entry: _Entry, dirty: bool = False) -> None:
        self.rows[(table, key)] = entry
        self.rows.move_to_end((table, key))
        self.tables.setdefault(table, set()).add(key)
        if dirty:
            self.mark(table, key, entry)
        else:
            found = self.dirty.get(table)
            if found:
                found.pop(key, None)
        while len(self.rows) > self.limit:
            (old_table, old_key), old = self.rows.popitem(last=False)
            self.tables[old_table].discard(old_key)
            owed = self.dirty.get(old_table)
            if owed and owed.pop(old_key, None) is not None and self.spill is not None:
                self.spill(old_table, old_key, old)

    def mark(self, table: str, key: tuple[Any, ...], entry: _Entry) -> None:
        found = self.dirty.setdefault(table, {})
        found.pop(key, None)  # merged writes go in the order of their last change
        found[key] = entry

    def drop(self, table: str, key: tuple[Any, ...]) -> None:
        self.rows.pop((table, key), None)
        self.tables.get(table, set()).discard(key)
        found = self.dirty.get(table)
        if found:
            found.pop(key, None)

    def forget(self, table: str) -> None:
        """Forget ``table``'s rows (their writes must have been queued before)."""
        for key in self.tables.pop(table, ()):
            self.rows.pop((table, key), None)
        self.dirty.pop(table, None)

    def clear(self) -> None:
        self.rows.clear()
        self.tables.clear()
        self.dirty.clear()
        self.memo.clear()

    def remember(self, key: tuple[Any, ...], value: Any) -> None:
        """Keep a fact in :attr:`memo` (bounded like the rows: full, it starts over)."""
        if len(self.memo) >= self.limit:
            self.memo.clear()
        self.memo[key] = value


def _entry_write(
    schema: TableSchema, key: tuple[Any, ...], entry: _Entry
) -> tuple[str, list[Any]] | None:
    """One cached row's write as one statement (``?`` placeholders)."""
    where = schema.where
    if entry.row is None:
        return f"DELETE FROM {schema.table} WHERE {where}", list(key)
    values = [c for c in schema.columns if c in entry.row and c not in schema.keyset]
    if entry.dirty == _UPDATE:
        if not values:
            return None
        sets = ", ".join(f"{c} = ?" for c in values)
        return (
            f"UPDATE {schema.table} SET {sets} WHERE {where}",
            [*(entry.row[c] for c in values), *key],
        )
    return (
        _upsert_sql(schema.table, schema.keys, tuple(values)),
        [*key, *(entry.row[c] for c in values)],
    )


def _sqlite_merged(
    schema: TableSchema, dirty: dict[tuple[Any, ...], _Entry]
) -> list[tuple[str, Sequence[Any]]]:
    """Merged rows' writes for SQLite: one statement per row, grouped by statement so
    that each group goes through one ``executemany``."""
    groups: dict[str, list[Sequence[Any]]] = {}
    for key, entry in dirty.items():
        write = _entry_write(schema, key, entry)
        if write is not None:
            groups.setdefault(write[0], []).append(write[1])
    return [(sql, params) for sql, rows in groups.items() for params in rows]


def _pg_merged(
    schema: TableSchema, dirty: dict[tuple[Any, ...], _Entry]
) -> list[tuple[str, Sequence[Any]]]:
    """Merged rows' writes for PostgreSQL: one statement per kind of write and set of
    columns, its rows passed as arrays (``unnest``): the server plans it once, whatever
    the number of rows."""
    table, keys, types = schema.table, schema.keys, schema.types
    deletes: list[tuple[Any, ...]] = []
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for key, entry in dirty.items():
        if entry.row is None:
            deletes.append(key)
            continue
        columns = tuple(c for c in schema.columns if c in entry.row)
        kind = _UPDATE if entry.dirty == _UPDATE else _WRITE
        groups.setdefault((kind, columns), []).append(entry.row)
    out: list[tuple[str, Sequence[Any]]] = []

    def arrays(columns: Sequence[str]) -> str:
        return ", ".join(f"%s::{types[c]}[]" for c in columns)

    if deletes:
        out.append(
            (
                f"DELETE FROM {table} WHERE ({', '.join(keys)}) IN "
                f"(SELECT * FROM unnest({arrays(keys)}))",
                [[k[i] for k in deletes] for i in range(len(keys))],
            )
        )
    for (kind, columns), rows in groups.items():
        params = [[row[c] for row in rows] for c in columns]
        values = [c for c in columns if c not in schema.keyset]
        if kind == _UPDATE:
            if not values:
                continue
            out.append(
                (
                    f"UPDATE {table} AS t SET {', '.join(f'{c} = u.{c}' for c in values)} "
                    f"FROM unnest({arrays(columns)}) AS u({', '.join(columns)}) WHERE "
                    + " AND ".join(f"t.{k} = u.{k}" for k in keys),
                    params,
                )
            )
            continue
        update = (
            "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in values)
            if values
            else "DO NOTHING"
        )
        out.append(
            (
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM "
                f"unnest({arrays(columns)}) ON CONFLICT ({', '.join(keys)}) {update}",
                params,
            )
        )
    return out


_SEALED = re.compile(r"sealed:v1:[SOPT]:[A-Za-z0-9/_-]+:[A-Za-z0-9_-]+")


def _opened(row: Row, opener: Callable[[str], str]) -> Row:
    if not any(isinstance(v, str) and "sealed:v1:" in v for v in row):
        return row
    return tuple(
        _open_text(v, opener) if isinstance(v, str) and "sealed:v1:" in v else v for v in row
    )


def _open_text(text: str, opener: Callable[[str], str]) -> str:
    """``text`` with its sealed values opened (a whole cell, or inside a JSON cell)."""
    if _SEALED.fullmatch(text):
        return opener(text)
    return _SEALED.sub(lambda m: opener(m.group(0)), text)


@lru_cache(maxsize=1024)
def _kind(sql: str) -> str:
    """ "write" (INSERT / UPDATE / DELETE: queued), "read" (SELECT) or "other" (which
    may write too, e.g. a WITH clause: everything queued is sent before it)."""
    first = sql.lstrip()[:6].upper()
    if first in ("INSERT", "UPDATE", "DELETE"):
        return "write"
    return "read" if first == "SELECT" else "other"


_UPDATE_BY_KEY = re.compile(
    r"UPDATE (\w+) SET (\w+ = \?(?:, \w+ = \?)*) WHERE (\w+ = \?(?: AND \w+ = \?)*)"
)
_SELECT_BY_KEY = re.compile(r"SELECT (\w+(?:, \w+)*) FROM (\w+) WHERE (\w+ = \?(?: AND \w+ = \?)*)")


@lru_cache(maxsize=1024)
def _by_key(sql: str) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """For ``UPDATE t SET a = ?, … WHERE k = ? AND …`` or ``SELECT a, … FROM t WHERE
    k = ? AND …`` (nothing else): (table, the columns set or read, the columns of the
    WHERE clause); None for any other statement. When the WHERE columns are the table's
    primary key, the statement goes through the row cache."""
    text = " ".join(sql.split())
    found = _UPDATE_BY_KEY.fullmatch(text)
    if found is not None:
        table, sets, where = found.groups()
        columns = tuple(part.split(" = ")[0] for part in sets.split(", "))
    else:
        found = _SELECT_BY_KEY.fullmatch(text)
        if found is None:
            return None
        names, table, where = found.groups()
        columns = tuple(names.split(", "))
        schema = SCHEMAS.get(table)
        if schema is None or not set(columns) <= set(schema.columns):
            return None
    keys = tuple(part.split(" = ")[0] for part in where.split(" AND "))
    return table, columns, keys


@lru_cache(maxsize=1024)
def _read_tables(sql: str) -> frozenset[str]:
    """Every table a query names after FROM or JOIN (a superset is harmless)."""
    return frozenset(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", sql, flags=re.IGNORECASE))


@lru_cache(maxsize=1024)
def _written_table(sql: str) -> str:
    """The table an ``INSERT INTO t`` / ``UPDATE t`` / ``DELETE FROM t`` writes."""
    words = sql.split(None, 3)
    return words[2] if words[0].upper() in ("INSERT", "DELETE") else words[1]


@cache
def _upsert_sql(table: str, keys: tuple[str, ...], values: tuple[str, ...]) -> str:
    """The upsert statement (one string object per shape, so batches group by identity)."""
    cols = [*keys, *values]
    update = (
        "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in values)
        if values
        else "DO NOTHING"
    )
    return sys.intern(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
        f"ON CONFLICT ({', '.join(keys)}) {update}"
    )


class ViewsDatabase(Protocol):
    """Where views live: an SQLite file or memory database, or a PostgreSQL schema."""

    backend: str

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def run_many(self, sql: str, params: Sequence[Sequence[Any]]) -> None: ...

    def run_batch(self, writes: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Run ``writes`` (statements with their parameters) in order, returning nothing."""
        ...

    def run_after(
        self, writes: Sequence[tuple[str, Sequence[Any]]], sql: str, params: Sequence[Any]
    ) -> list[Row]:
        """Run ``writes``, then the query ``sql`` (one round trip where it matters)."""
        ...

    def empty(self, tables: Sequence[str]) -> None:
        """Delete every row of ``tables``."""
        ...

    def merged_writes(
        self, schema: TableSchema, dirty: dict[tuple[Any, ...], _Entry]
    ) -> list[tuple[str, Sequence[Any]]]:
        """The statements that write cached rows' merged changes."""
        ...

    def transaction(self, lock: bool) -> Any: ...

    def setup(self) -> Any: ...

    def close(self) -> None: ...


class SQLiteViews:
    """Views in SQLite: the ledger's own file (or shared-cache memory database) by default."""

    backend = "sqlite"

    def __init__(self, database: str) -> None:
        # Autocommit mode: transactions are opened explicitly (BEGIN IMMEDIATE takes the
        # write lock first, so two processes catching up never apply the same page).
        # Every view statement stays prepared (the default cache of 128 is smaller than
        # the views' distinct statements, and re-preparing dominates small writes).
        self.conn = sqlite3.connect(
            database,
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            timeout=30,
            cached_statements=1024,
        )
        # A larger page cache than the 2 MiB default: a rebuild touches every view
        # table's B-trees on each page.
        self.conn.execute("PRAGMA cache_size = -32768")
        # In WAL mode a commit need not wait for the disk: after a crash the database
        # is intact and at most the last pages are gone — rows and positions together,
        # so they are applied again, exactly once. (Not in rollback-journal mode, where
        # NORMAL could leave a corrupt file after a power loss.)
        (mode,) = self.conn.execute("PRAGMA journal_mode").fetchone()
        if str(mode).lower() == "wal":
            self.conn.execute("PRAGMA synchronous = NORMAL")

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    def run_many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, params)

    def run_batch(self, writes: Sequence[tuple[str, Sequence[Any]]]) -> None:
        # Each run of one statement through executemany: one call into SQLite per run.
        start = 0
        while start < len(writes):
            sql = writes[start][0]
            end = start + 1
            while end < len(writes) and writes[end][0] == sql:
                end += 1
            if end - start == 1:
                self.conn.execute(sql, tuple(writes[start][1]))
            else:
                self.conn.executemany(sql, [params for _, params in writes[start:end]])
            start = end

    def run_after(
        self, writes: Sequence[tuple[str, Sequence[Any]]], sql: str, params: Sequence[Any]
    ) -> list[Row]:
        self.run_batch(writes)
        return self.run(sql, params)

    def merged_writes(
        self, schema: TableSchema, dirty: dict[tuple[Any, ...], _Entry]
    ) -> list[tuple[str, Sequence[Any]]]:
        return _sqlite_merged(schema, dirty)

    def empty(self, tables: Sequence[str]) -> None:
        for table in tables:  # SQLite truncates a table deleted without WHERE
            self.conn.execute(f"DELETE FROM {table}")

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
        cur = self.conn.execute(_pg(sql), tuple(params))
        if cur.description is None:
            return []
        return [tuple(r) for r in cur.fetchall()]

    def _reconnect_if_lost(self) -> None:
        """A connection the server dropped (restart, ``pg_terminate_backend``) is
        replaced before the next transaction; the one that met the loss failed."""
        if self.conn.broken or self.conn.closed:
            self.conn = self._connect()

    def run_many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        # psycopg sends the batch in pipeline mode: one round trip, not one per row.
        with self.conn.cursor() as cur:
            cur.executemany(_pg(sql), params)

    def run_batch(self, writes: Sequence[tuple[str, Sequence[Any]]]) -> None:
        with self.conn.pipeline(), self.conn.cursor() as cur:
            self._send(cur, writes)

    def run_after(
        self, writes: Sequence[tuple[str, Sequence[Any]]], sql: str, params: Sequence[Any]
    ) -> list[Row]:
        with self.conn.pipeline(), self.conn.cursor() as cur, self.conn.cursor() as query:
            self._send(cur, writes)
            query.execute(_pg(sql), tuple(params))
            return [tuple(r) for r in query.fetchall()]

    def merged_writes(
        self, schema: TableSchema, dirty: dict[tuple[Any, ...], _Entry]
    ) -> list[tuple[str, Sequence[Any]]]:
        return _pg_merged(schema, dirty)

    def empty(self, tables: Sequence[str]) -> None:
        if tables:
            self.run(f"TRUNCATE {', '.join(tables)}")

    @staticmethod
    def _send(cur: Any, writes: Sequence[tuple[str, Sequence[Any]]]) -> None:
        # Every statement in the caller's pipeline: one round trip for the whole batch;
        # a run of one upsert becomes multi-row statements, which the server plans once.
        start = 0
        while start < len(writes):
            sql = writes[start][0]
            end = start + 1
            while end < len(writes) and writes[end][0] == sql:
                end += 1
            shape = _upsert_shape(sql) if end - start >= _MULTI_ROW_FROM else None
            if shape is None:
                for _, params in writes[start:end]:
                    cur.execute(_pg(sql), tuple(params))
            else:
                rows = _last_per_key([p for _, p in writes[start:end]], *shape)
                for chunk in range(0, len(rows), _MULTI_ROW):
                    part = rows[chunk : chunk + _MULTI_ROW]
                    cur.execute(_multi_row(sql, len(part)), [v for row in part for v in row])
            start = end

    @contextmanager
    def transaction(self, lock: bool) -> Iterator[None]:
        self._reconnect_if_lost()
        with self.conn.transaction():
            if lock:
                # Serialise writers of the views: the second waits, then sees the new
                # positions and skips what the first applied.
                self.run(f"SELECT view FROM {TRACKING_TABLE} FOR UPDATE")
                # A page's commit need not wait for the disk: after a crash the server
                # is consistent and at most the last pages are gone — rows and positions
                # together, so they are applied again, exactly once.
                self.run("SET LOCAL synchronous_commit TO OFF")
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


@lru_cache(maxsize=1024)
def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


#: Rows per multi-row upsert sent to PostgreSQL, and the run from which one pays: a
#: shorter run goes row by row through a statement the server has prepared, where a
#: multi-row statement of a new length would be parsed and planned afresh.
_MULTI_ROW = 500
_MULTI_ROW_FROM = 50


@lru_cache(maxsize=1024)
def _upsert_shape(sql: str) -> tuple[int, bool] | None:
    """For an upsert made by :func:`_upsert_sql`: (number of key columns, whether a
    later row replaces an earlier one of the same key); None for other statements."""
    found = re.fullmatch(r"INSERT INTO \w+ \(.*\) VALUES \(.*\) ON CONFLICT \((.*)\) (.*)", sql)
    if found is None:
        return None
    return len(found.group(1).split(",")), found.group(2).startswith("DO UPDATE")


def _last_per_key(rows: list[Sequence[Any]], keys: int, later_wins: bool) -> list[Sequence[Any]]:
    """One row per key, as applying ``rows`` one by one would leave it: the last of
    each key when a conflict updates, the first when it does nothing. (One statement
    may not touch a row twice.)"""
    chosen: dict[tuple[Any, ...], Sequence[Any]] = {}
    for row in rows:
        key = tuple(row[:keys])
        if later_wins or key not in chosen:
            chosen.pop(key, None)  # keep the order of last writes
            chosen[key] = row
    return list(chosen.values())


@lru_cache(maxsize=1024)
def _multi_row(sql: str, count: int) -> str:
    """The upsert ``sql`` with ``count`` rows of values, in PostgreSQL's placeholders."""
    head, rest = sql.split(" VALUES ", 1)
    one, tail = rest.split(") ON CONFLICT ", 1)
    row = one.replace("?", "%s") + ")"
    return f"{head} VALUES {', '.join([row] * count)} ON CONFLICT {tail}"


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

    Subclasses set ``name``, ``version`` (bump it when tables, indexes or handlers
    change: the view is then rebuilt on open), ``tables`` (``{table: "column
    definitions"}``, portable SQL) and ``indexes`` (``{index: "table (columns)"}``: what
    the queries of a report or a handler look rows up by, so that their cost follows
    the rows they need, not the size of the table), and mark handler methods with
    :func:`on`.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    tables: ClassVar[dict[str, str]] = {}
    indexes: ClassVar[dict[str, str]] = {}
    handlers: ClassVar[dict[type[Any], list[str]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[type[Any], list[str]] = {}
        owners: dict[str, type[Any]] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                handles = getattr(value, "_handles", ())
                if not handles:
                    continue
                owner = owners.get(attr)
                if owner is not None and not issubclass(klass, owner):
                    # Two mixins' handlers of one name: only one would ever run.
                    raise TypeError(
                        f"{cls.__name__}: handler {attr!r} of {klass.__name__} hides the one "
                        f"of {owner.__name__}; name them apart"
                    )
                owners[attr] = klass
                for event_class in handles:
                    names = handlers.setdefault(event_class, [])
                    if attr not in names:
                        names.append(attr)
        cls.handlers = handlers
        for table, ddl in cls.tables.items():
            if table not in SCHEMAS:
                SCHEMAS[table] = TableSchema(table, ddl)

    def apply(self, tx: Tx, event: Any) -> None:
        for method in self.bound_handlers(type(event)):
            method(tx, event)

    def bound_handlers(self, event_class: type[Any]) -> list[Callable[[Tx, Any], None]]:
        """This view's handler methods for ``event_class``, in declaration order."""
        bound: dict[type[Any], list[Callable[[Tx, Any], None]]] = self.__dict__.setdefault(
            "_bound", {}
        )
        found = bound.get(event_class)
        if found is None:
            found = bound[event_class] = [
                getattr(self, attr) for attr in self.handlers.get(event_class, ())
            ]
        return found


@cache
def _topic_class(topic: str) -> type[Any]:
    cls: type[Any] = resolve_topic(topic)
    return cls


def handled_topics(classes: Iterable[type[Any]]) -> list[str]:
    """The stored topics of ``classes``: their own, and any older name registered for
    them with eventsourcing's ``register_topic`` (so renamed events are still read)."""
    wanted = set(classes)
    topics = {get_topic(cls) for cls in wanted}
    topics.update(
        topic
        for topic, obj in list(_topic_cache.items())
        if isinstance(obj, type) and obj in wanted
    )
    return sorted(topics)


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
        page_size: int = 2000,
    ) -> None:
        self.recorder = recorder
        # Views keep the sealed values of the events and open them when a query reads.
        keyring = getattr(mapper, "keyring", None)
        self.opener: Callable[[str], str] | None = None
        if keyring is not None and hasattr(mapper, "with_sealed"):
            mapper = mapper.with_sealed()
            self.opener = keyring.open
        self.mapper = mapper
        self.db = db
        self.views = list(views)
        self.timezone = timezone
        self.zone = ZoneInfo(timezone)
        self.page_size = page_size
        self._lock = threading.RLock()
        self._handled: set[type[Any]] = {cls for v in self.views for cls in v.handlers}
        self._topics = handled_topics(self._handled)
        self._handlers: dict[type[Any], list[Callable[[Tx, Any], None]]] = {}
        #: View rows kept across pages (see :class:`RowCache`), valid while the
        #: positions are those this engine last committed (``_committed``).
        self.cache = RowCache()
        self._committed: dict[str, int] | None = None
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
        for index, target in view.indexes.items():
            self.db.run(f"CREATE INDEX IF NOT EXISTS {index} ON {target}")
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
        Only notifications of topics some view handles are read and decoded; the others
        are passed over by the position each page records.
        """
        with self._lock:
            # Never beyond the log's end: a position past it would skip what comes next.
            head = self.head() if until is None else min(until, self.head())
            position = self.position
            while position < head:
                page = self.recorder.select_notifications(
                    start=position,
                    limit=self.page_size,
                    stop=head,
                    topics=self._topics,
                    inclusive_of_start=False,
                )
                # A short page is the last one: everything up to the head has been seen.
                reached = page[-1].id if len(page) == self.page_size else head
                self.process_page(page, upto=reached)
                position = reached
                if progress is not None:
                    progress(position, head)
            return position

    def _dispatch(self, event_class: type[Any]) -> list[Callable[[Tx, Any], None]]:
        """Every view's handlers of ``event_class``, views in order."""
        found = self._handlers.get(event_class)
        if found is None:
            found = self._handlers[event_class] = [
                method for view in self.views for method in view.bound_handlers(event_class)
            ]
        return found

    def process_page(self, page: Sequence[Notification], upto: int | None = None) -> None:
        """Apply one page and record ``upto`` (default: its last id) as every view's
        position, atomically.

        Notifications a view has already applied (id ≤ its position, read inside the
        transaction) are skipped, so applying a page twice changes nothing. ``upto`` may
        lie beyond the page when the notifications in between concern no view.
        """
        last = upto if upto is not None else (page[-1].id if page else 0)
        if not last:
            return
        with self._lock:
            try:
                self._process_page(page, last)
            except BaseException:
                # Rolled back: what the cache holds may be what was never committed.
                self.cache.clear()
                self._committed = None
                raise

    def _process_page(self, page: Sequence[Notification], last: int) -> None:
        with self.db.transaction(lock=True):
            tracked = {
                str(name): int(pos)
                for name, pos in self.db.run(f"SELECT view, position FROM {TRACKING_TABLE}")
            }
            if tracked != self._committed:
                # Another process (or a reset) moved the positions: it may have written
                # rows this cache holds.
                self.cache.clear()
            behind_all = max((tracked.get(v.name, 0) for v in self.views), default=0)
            tx = Tx(self.db, self.zone, cache=self.cache)
            to_domain_event = self.mapper.to_domain_event
            for notification in page:
                if notification.id <= behind_all:
                    behind = [v for v in self.views if tracked.get(v.name, 0) < notification.id]
                    if not behind:
                        continue
                else:
                    behind = None  # all of them
                cls = _topic_class(notification.topic)
                if cls not in self._handled:
                    continue
                event = to_domain_event(notification)
                tx.position = notification.id
                if behind is None:
                    for method in self._dispatch(cls):
                        method(tx, event)
                else:
                    for view in behind:
                        for method in view.bound_handlers(cls):
                            method(tx, event)
            tx.flush()
            for view in self.views:
                if tracked.get(view.name, 0) < last:
                    self.db.run(
                        f"UPDATE {TRACKING_TABLE} SET position = ? WHERE view = ?",
                        [last, view.name],
                    )
                    tracked[view.name] = last
        self._committed = tracked

    def reset(self) -> None:
        """Drop every view's rows and positions, in one transaction, without replaying.

        The tables are emptied, not re-created: opening the engine already brought
        their definitions up to the views' versions, and emptying is much cheaper than
        schema changes (PostgreSQL's catalog) on a busy server."""
        with self._lock, self.db.setup():
            self.cache.clear()
            self._committed = None
            self.db.empty([table for view in self.views for table in view.tables])
            for view in self.views:
                self.db.run(f"UPDATE {TRACKING_TABLE} SET position = 0 WHERE view = ?", [view.name])

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
            yield Tx(self.db, self.zone, self.opener)


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
