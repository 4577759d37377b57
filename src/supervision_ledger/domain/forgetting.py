"""Forgetting a person (crypto-shredding): the record that a subject's key was destroyed.

The event names the data subject by its id (``sup/<id>``, ``name/<keyed digest>``,
``rec/<id>``: ``persistence/personal.py``), never by name; its reason is sealed under
the record's own key. The ledger destroys the subject's key right after storing it
(docs/privacy.md).
"""

from __future__ import annotations

from datetime import datetime

from eventsourcing.domain import Aggregate, event

#: Kinds of data subject that can be forgotten.
SUBJECT_KINDS = ("supervisor", "party", "petitioner")


class Forgetting(Aggregate):
    """One subject forgotten: who asked it of the ledger is the host's to record."""

    class Recorded(Aggregate.Created):
        kind: str
        subject: str
        reason: str
        occurred_at: datetime

    @event(Recorded)
    def __init__(self, kind: str, subject: str, reason: str, occurred_at: datetime) -> None:
        self.kind = kind
        self.subject = subject
        self.reason = reason
        self.occurred_at = occurred_at
