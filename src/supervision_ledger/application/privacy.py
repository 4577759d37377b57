"""Forgetting a person: record it, then destroy the subject's key (docs/privacy.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.errors import NotFound, RuleViolation
from ..domain.forgetting import SUBJECT_KINDS, Forgetting
from ..domain.petition import Petition
from ..domain.supervisor import Supervisor
from ..persistence.personal import record_subject, supervisor_subject
from ..persistence.store_meta import Keyring, snapshots_table
from .eventsourced import LedgerApplication


class InvalidForgetting(RuleViolation):
    """A request to forget that names no kind of subject the ledger knows, or gives no
    reason; nothing was recorded."""

    rule = "invalid_forgetting"


@dataclass(frozen=True)
class ForgetResult:
    """What ``forget`` did: the subject whose key was destroyed, and the position of
    the event that records it."""

    kind: str
    subject: str
    position: int

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "position": self.position}


def subject_of(app: LedgerApplication, keyring: Keyring, kind: str, person: str) -> str:
    """The data subject ``person`` names: a supervisor's key, a party's (or another
    person's) name, or a petition's key (its petitioner)."""
    if kind == "supervisor":
        if not app.existing([Supervisor.create_id(person)]):
            raise NotFound(f"person: no supervisor {person!r}")
        return supervisor_subject(person)
    if kind == "party":
        return keyring.name_subject(person)
    if kind == "petitioner":
        petition_id = Petition.create_id(person)
        if not app.existing([petition_id]):
            raise NotFound(f"person: no petition {person!r}")
        return record_subject(petition_id)
    raise InvalidForgetting(f"kind: {kind!r} is not one of {', '.join(SUBJECT_KINDS)}")


def forget(
    app: LedgerApplication,
    keyring: Keyring,
    kind: str,
    person: str,
    reason: str,
    occurred_at: datetime,
) -> ForgetResult:
    """Record that ``person`` is forgotten, then destroy their key: everything sealed
    under it (names, texts; in events, views, exports) reads as ``[forgotten]`` from now
    on, while the stored bytes and the hash chain stay as they were. Snapshots are
    dropped (they are a cache) and the store is scrubbed of deleted rows."""
    keyring.check_writable()
    if not reason.strip():
        raise InvalidForgetting("reason: give the reason for forgetting (e.g. the request)")
    subject = subject_of(app, keyring, kind, person)
    if not keyring.known(subject):
        raise NotFound(
            f"person: nothing personal of {kind} {person!r} is recorded, or it is forgotten"
        )
    record = Forgetting(kind=kind, subject=subject, reason=reason, occurred_at=occurred_at)
    recordings = app.save(record, command_id=None)
    position = max(r.notification.id for r in recordings)
    table = snapshots_table(keyring.config)

    def drop_snapshots(db: Any) -> None:
        db.run(f"DELETE FROM {table}")  # a cache; they may hold the person's values

    keyring.destroy(subject, after=drop_snapshots)
    app.empty_cache()  # aggregates in memory hold the person's values in plain
    keyring.scrub()
    return ForgetResult(kind=kind, subject=subject, position=position)
