"""Driver errors become :class:`StoreBusy` / :class:`StoreUnavailable` at the API's edge.

A host should not have to know sqlite3, psycopg or eventsourcing's exception classes to
tell "try again later" from a bug: a locked SQLite file (after the busy timeout) or a
PostgreSQL lock timeout is ``store_busy``; a lost or refused connection is
``store_unavailable``. Anything else (a programming error) passes through unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from eventsourcing import persistence as es

from ..errors import LedgerError, StoreBusy, StoreUnavailable

#: Errors that say the store is (for now) out of reach or too busy.
TRANSIENT: tuple[type[BaseException], ...] = (
    es.OperationalError,
    es.InterfaceError,
    sqlite3.OperationalError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def is_busy(error: BaseException) -> bool:
    """A lock that was not had in time, as opposed to a connection that failed."""
    chain: BaseException | None = error
    while chain is not None:
        if isinstance(chain, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
            return True
        text = str(chain).lower()
        if "database is locked" in text or "database table is locked" in text or "busy" in text:
            return True
        chain = chain.__cause__
    return False


@contextmanager
def store_errors() -> Iterator[None]:
    """Usable as ``with store_errors():`` or as a decorator."""
    try:
        yield
    except LedgerError:
        raise
    except TRANSIENT as error:
        if is_busy(error):
            raise StoreBusy(
                f"the store is locked by other writers ({error}); nothing was recorded, retry later"
            ) from error
        raise StoreUnavailable(f"the store cannot be reached ({error}); retry later") from error
