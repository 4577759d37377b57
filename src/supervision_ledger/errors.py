"""Every error the public API raises on purpose, in one place.

Each is a :class:`LedgerError` with a stable ``rule`` a host can branch on (and map to
an HTTP status: docs/api.md, "Errors"). The business-rule errors live with the domain
(:mod:`supervision_ledger.domain.errors`) and are re-exported here; the errors of the
store and of query arguments are defined here.
"""

from __future__ import annotations

from .application.privacy import InvalidForgetting
from .domain.errors import *  # noqa: F403
from .domain.errors import (
    AlreadyExists,
    CommandIdConflict,
    ConcurrencyConflict,
    LedgerError,
    NotFound,
    RuleViolation,
)
from .domain.errors import __all__ as _domain_errors
from .persistence.crypto import InvalidCipherKey
from .persistence.recorders import ChainConflict
from .persistence.store import InvalidStoreURL, StoreUnavailable
from .persistence.store_meta import CipherKeyRequired, StoreNotEncrypted, WrongCipherKey


class StoreBusy(LedgerError):
    """The store stayed locked by other writers longer than the busy timeout (SQLite),
    or a lock could not be had in time. Nothing was recorded; retry later."""

    rule = "store_busy"


class InvalidArgument(LedgerError, ValueError):
    """A query argument is malformed (e.g. a date that is no ``YYYY-MM-DD``, a negative
    log position). Also a ``ValueError``, as it was before it had a rule."""

    rule = "invalid_argument"


class UnknownFigure(LedgerError, KeyError):
    """No figure of the report has this key (see docs/statistics.md)."""

    rule = "unknown_figure"


class WrongFigureKind(LedgerError, TypeError):
    """The figure exists but is of another kind (e.g. ``count()`` of a rate)."""

    rule = "wrong_figure_kind"


class UnknownKind(InvalidArgument):
    """A kind of aggregate (``state``) or of listing (``listing``) the ledger does not
    have; the message names the nearest one."""

    rule = "unknown_kind"


class InvalidCursor(InvalidArgument):
    """A listing cursor this ledger did not hand out, or one of a listing with other
    filters."""

    rule = "invalid_cursor"


class UnknownSchema(InvalidArgument):
    """No published JSON Schema has that name (``output_json_schema``)."""

    rule = "unknown_schema"


def http_status(error: LedgerError) -> int:
    """The suggested HTTP status for ``error``: 400 a malformed query, 404 nothing under
    that key, 409 a conflict with what is recorded (retry may help for
    ``concurrency_conflict``), 422 a business rule refused the command, 503 the store is
    busy or unreachable (retry later), 500 anything about the installation."""
    if isinstance(error, StoreBusy | StoreUnavailable):
        return 503
    if isinstance(error, InvalidArgument | UnknownFigure | WrongFigureKind):
        return 400
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, AlreadyExists | CommandIdConflict | ConcurrencyConflict):
        return 409
    if isinstance(error, RuleViolation):
        return 422
    if isinstance(error, CipherKeyRequired | WrongCipherKey | StoreNotEncrypted):
        return 500  # the installation's key does not fit its store
    return 500  # InvalidStoreURL, ChainConflict: the installation or the store needs a person


__all__ = [
    *_domain_errors,
    "ChainConflict",
    "CipherKeyRequired",
    "InvalidCipherKey",
    "InvalidForgetting",
    "InvalidArgument",
    "InvalidCursor",
    "InvalidStoreURL",
    "StoreBusy",
    "StoreNotEncrypted",
    "StoreUnavailable",
    "UnknownFigure",
    "UnknownKind",
    "UnknownSchema",
    "WrongCipherKey",
    "WrongFigureKind",
    "http_status",
]
