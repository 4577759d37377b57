"""Following the log: stored events after a position, in pages, and a feed of new ones.

A host keeps its own read models or sends notifications from the ledger's log. It
remembers the last position it handled and asks for what came after:
:meth:`LedgerLog.events_after` reads one page, :meth:`LedgerLog.follow` opens an
:class:`EventFeed` that yields stored events and then waits for new ones — through
eventsourcing's subscription (PostgreSQL ``LISTEN``/``NOTIFY``) where the store has
one, by polling on SQLite.

Every item is a :class:`LoggedEvent`: position, aggregate (kind, key, id), event type,
business and recorded time, the command id and the decoded fields as JSON values.
Positions are notification ids: increasing, but not consecutive (PostgreSQL leaves gaps
after a rolled-back insert), so a host stores the last position it handled, never a count.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.utils import resolve_topic
from pydantic import BaseModel, ConfigDict, JsonValue

from ..audit.history import event_fields, event_name, recorded_at
from ..errors import InvalidArgument
from ..persistence.recorders import (
    ChainedPostgresRecorder,
    ChainedSQLiteRecorder,
)
from .eventsourced import LedgerApplication
from .store_errors import store_errors

#: The largest page :meth:`LedgerLog.events_after` returns.
MAX_PAGE = 1000
#: Positions at most this far apart are read as one run by :meth:`LedgerLog.events_at`.
_GAP = 32
#: Aggregate keys remembered by id (ids and keys never change; this bounds the memory).
_KEYS_REMEMBERED = 100_000


class LoggedEvent(BaseModel):
    """One stored event as a host reads it from the log.

    ``aggregate_kind`` is ``unit``, ``supervisor``, ``case``, ``hearing``,
    ``suggestion``, ``petition``, ``lead``, ``typical_case``, ``partner_agreement``,
    ``trial_committee_sitting`` or ``command`` (the record that makes a ``command_id``
    idempotent); ``aggregate_key`` is the key the commands name it by.
    """

    model_config = ConfigDict(frozen=True)

    #: Where the event stands in the log (a notification id; increasing, with gaps).
    position: int
    aggregate_kind: str
    aggregate_key: str | None
    #: The aggregate's UUID (as ``history`` accepts it).
    aggregate_id: UUID
    #: The aggregate's version after this event (1 for the event that created it).
    version: int
    #: The event type as the aggregate names it, e.g. ``Case.OpinionSubmitted``
    #: (every type and its fields: docs/events.md).
    event: str
    #: Business time, given by the command (None for events without one).
    occurred_at: datetime | None
    #: When the ledger stored the event.
    recorded_at: datetime
    #: The ``command_id`` of the command that recorded it (None: the command had none).
    command_id: str | None
    #: The event's own fields as JSON values (dates, decimals and enums as text).
    fields: dict[str, JsonValue]


@cache
def aggregate_class(topic: str) -> type[Any]:
    """The aggregate class of an event topic (``module:Case.Registered`` → ``Case``)."""
    module, _, qualname = topic.partition(":")
    outer = qualname.rsplit(".", 1)[0]
    cls: type[Any] = resolve_topic(f"{module}:{outer}")
    return cls


def aggregate_kind(topic: str) -> str:
    from ..idempotency import CommandRecord

    cls = aggregate_class(topic)
    if issubclass(cls, CommandRecord):
        return "command"
    kind = getattr(cls, "kind", None)
    return kind if isinstance(kind, str) else cls.__name__


def _key_of(fields: dict[str, Any]) -> str | None:
    """The key a creating event gives its aggregate (a command record: its command id)."""
    for name in ("key", "command_id"):
        value = fields.get(name)
        if isinstance(value, str):
            return value
    return None


class LedgerLog:
    """Reads the log of one :class:`LedgerApplication` for hosts that follow it."""

    def __init__(self, app: LedgerApplication) -> None:
        self.app = app
        #: Per aggregate: its key and kind, from the event that created it (a unit
        #: activity records case events after its own ``Opened``: its kind is its own).
        self._keys: dict[UUID, tuple[str | None, str | None]] = {}
        self._keys_lock = threading.Lock()

    @property
    def recorder(self) -> ChainedSQLiteRecorder | ChainedPostgresRecorder:
        recorder = self.app.recorder
        assert isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder)
        return recorder

    @store_errors()
    def head(self) -> int:
        """The position of the last stored event (0: the log is empty)."""
        return self.recorder.max_notification_id() or 0

    @store_errors()
    def events_after(self, position: int = 0, *, limit: int = 100) -> list[LoggedEvent]:
        """At most ``limit`` stored events after ``position``, in log order."""
        check_position(position)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise InvalidArgument(f"limit: {limit!r} is not a page size from 1 to {MAX_PAGE}")
        page = self.recorder.select_notifications(
            start=position, limit=limit, inclusive_of_start=False
        )
        return self.decode(page)

    @store_errors()
    def events_at(self, positions: Iterable[int]) -> dict[int, LoggedEvent]:
        """The stored events at these log positions (as an explanation lists them).

        Positions close together (at most :data:`_GAP` apart, within one page) are read
        as one run, so the events behind a figure cost a few reads, not one each."""
        wanted = sorted(set(positions))
        found: dict[int, LoggedEvent] = {}
        i = 0
        while i < len(wanted):
            j = i
            while (
                j + 1 < len(wanted)
                and wanted[j + 1] - wanted[j] <= _GAP
                and wanted[j + 1] - wanted[i] < MAX_PAGE
            ):
                j += 1
            first, last = wanted[i], wanted[j]
            page = self.recorder.select_notifications(
                start=first, limit=last - first + 1, stop=last, inclusive_of_start=True
            )
            keep = set(wanted[i : j + 1])
            found.update((e.position, e) for e in self.decode(page) if e.position in keep)
            i = j + 1
        return found

    def decode(self, page: Sequence[Notification]) -> list[LoggedEvent]:
        """The :class:`LoggedEvent` of each notification (one chain read for the page)."""
        if not page:
            return []
        chain = {
            row.position: row.command_id
            for row in self.recorder.chain_page(page[0].id - 1, page[-1].id, len(page))
        }
        items: list[LoggedEvent] = []
        for notification in page:
            domain_event = self.app.mapper.to_domain_event(notification)
            fields = event_fields(domain_event)
            originator_id = UUID(str(notification.originator_id))
            if notification.originator_version == 1:
                self._remember(originator_id, _key_of(fields), aggregate_kind(notification.topic))
            key, kind = self._identity(originator_id)
            items.append(
                LoggedEvent(
                    position=notification.id,
                    aggregate_kind=kind or aggregate_kind(notification.topic),
                    aggregate_key=key,
                    aggregate_id=originator_id,
                    version=notification.originator_version,
                    event=event_name(domain_event),
                    occurred_at=getattr(domain_event, "occurred_at", None),
                    recorded_at=recorded_at(domain_event),
                    command_id=chain.get(notification.id),
                    fields=fields,
                )
            )
        return items

    def key_of(self, originator_id: UUID) -> str | None:
        """The key of an aggregate, from the event that created it (remembered)."""
        return self._identity(originator_id)[0]

    def _identity(self, originator_id: UUID) -> tuple[str | None, str | None]:
        """The key and kind of an aggregate, from the event that created it (remembered)."""
        with self._keys_lock:
            if originator_id in self._keys:
                return self._keys[originator_id]
        first: Sequence[StoredEvent] = self.recorder.select_events(originator_id, limit=1)
        if not first:
            self._remember(originator_id, None, None)
            return None, None
        key = _key_of(event_fields(self.app.mapper.to_domain_event(first[0])))
        kind = aggregate_kind(first[0].topic)
        self._remember(originator_id, key, kind)
        return key, kind

    def _remember(self, originator_id: UUID, key: str | None, kind: str | None) -> None:
        with self._keys_lock:
            if len(self._keys) >= _KEYS_REMEMBERED:
                self._keys.clear()
            self._keys[originator_id] = (key, kind)

    def follow(
        self,
        after: int = 0,
        *,
        idle_timeout: float | None = None,
        poll_interval: float = 1.0,
        page_size: int = 100,
    ) -> EventFeed:
        """A feed of the events after ``after``, then of new ones as they are stored."""
        return EventFeed(
            self,
            after,
            idle_timeout=idle_timeout,
            poll_interval=poll_interval,
            page_size=page_size,
        )


def check_position(position: int) -> None:
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise InvalidArgument(f"position: {position!r} is not a log position (an integer ≥ 0)")


class _End:
    """Put on the queue to wake a waiting reader when the feed stops."""


class EventFeed(Iterator[LoggedEvent]):
    """Stored events after a position, then new ones as they are stored; in log order.

    Iterating blocks while nothing is new. It ends when :meth:`stop` is called (from
    any thread), when the ``with`` block exits, or — with ``idle_timeout`` — when
    nothing new arrived for that many seconds. A failure while reading the store is
    raised by the iteration. :attr:`position` is the position of the last event
    yielded: the one to store, and to start the next feed after.

    On PostgreSQL the feed is woken by ``NOTIFY`` (eventsourcing's subscription); on
    SQLite it reads the log every ``poll_interval`` seconds while nothing is new.
    """

    def __init__(
        self,
        log: LedgerLog,
        after: int,
        *,
        idle_timeout: float | None,
        poll_interval: float,
        page_size: int,
    ) -> None:
        check_position(after)
        if idle_timeout is not None and idle_timeout <= 0:
            raise InvalidArgument(f"idle_timeout: {idle_timeout!r} is not a number of seconds > 0")
        if poll_interval <= 0:
            raise InvalidArgument(
                f"poll_interval: {poll_interval!r} is not a number of seconds > 0"
            )
        if not 1 <= page_size <= MAX_PAGE:
            raise InvalidArgument(
                f"page_size: {page_size!r} is not a page size from 1 to {MAX_PAGE}"
            )
        self._log = log
        self.position = after
        self._idle_timeout = idle_timeout
        self._poll_interval = poll_interval
        self._page_size = page_size
        self._stopped = threading.Event()
        self._queue: queue.Queue[LoggedEvent | BaseException | _End] = queue.Queue(
            maxsize=2 * page_size
        )
        self._subscription: Any = None
        self._subscription_lock = threading.Lock()
        self._reader = threading.Thread(
            target=self._read, name="supervision-ledger-follow", daemon=True
        )
        self._reader.start()

    # -- the reader thread -------------------------------------------------------------

    def _read(self) -> None:
        try:
            with store_errors():
                if isinstance(self._log.recorder, ChainedPostgresRecorder):
                    self._listen()
                else:
                    self._poll()
        except BaseException as error:  # handed to the iterating thread
            self._put(error)

    def _poll(self) -> None:
        position = self.position
        while not self._stopped.is_set():
            position, full = self._catch_up(position)
            if not full:
                self._stopped.wait(self._poll_interval)

    def _catch_up(self, position: int) -> tuple[int, bool]:
        """Queue one page after ``position``: (the position reached, whether it was full)."""
        page = self._log.events_after(position, limit=self._page_size)
        for item in page:
            if not self._put(item):
                break
            position = item.position
        return position, len(page) == self._page_size

    def _listen(self) -> None:
        # What is stored already is read in pages; then eventsourcing's subscription
        # (LISTEN/NOTIFY) hands over each event stored after that.
        position, full = self.position, True
        while full and not self._stopped.is_set():
            position, full = self._catch_up(position)
        with self._subscription_lock:
            if self._stopped.is_set():
                return
            self._subscription = self._log.recorder.subscribe(gt=position)
        with self._subscription as subscription:
            for notification in subscription:
                for item in self._log.decode([notification]):
                    if not self._put(item):
                        return

    def _put(self, item: LoggedEvent | BaseException | _End) -> bool:
        """Queue one item for the iterating thread; False once the feed has stopped."""
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.2)
            except queue.Full:
                continue
            return True
        return False

    # -- the iterating thread -----------------------------------------------------------

    def __iter__(self) -> EventFeed:
        return self

    def __next__(self) -> LoggedEvent:
        if self._stopped.is_set():
            raise StopIteration
        try:
            item = self._queue.get(timeout=self._idle_timeout)
        except queue.Empty:
            self.stop()
            raise StopIteration from None
        if isinstance(item, _End):
            raise StopIteration
        if isinstance(item, BaseException):
            self.stop()
            raise item
        self.position = item.position
        return item

    def stop(self) -> None:
        """End the feed: a waiting iteration returns, the reader thread finishes."""
        self._stopped.set()
        with self._subscription_lock:
            if self._subscription is not None:
                self._subscription.stop()
        # When the queue is full nobody waits on it: the reader sees the stop next time.
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(_End())

    def close(self) -> None:
        """Stop, and wait for the reader thread to finish."""
        self.stop()
        if self._reader is not threading.current_thread():
            self._reader.join()

    def __enter__(self) -> EventFeed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
