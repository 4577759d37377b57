"""One-off upgrades of stores written by earlier versions.

``backfill_service_dates``: before ``Supervisor.ServiceRecorded`` existed, the latest
date a person served was only in the views (invitations, attendances, opinions). A
suspension, removal or failing assessment now checks the person's own stream, so a
store written before needs that date copied there once. The back-fill is idempotent:
it writes only where the views know of a later service than the stream records.
"""

from __future__ import annotations

from datetime import datetime

from eventsourcing.persistence import IntegrityError

from ..domain.errors import ConcurrencyConflict
from ..domain.policy import Policy
from ..domain.supervisor import Supervisor
from .eventsourced import LedgerApplication
from .locks import AggregateLocks, stripe
from .queries import LedgerQueries
from .unit_of_work import UnitOfWork


def backfill_service_dates(
    app: LedgerApplication,
    policy: Policy,
    queries: LedgerQueries,
    locks: AggregateLocks,
    max_attempts: int = 5,
) -> list[str]:
    """Record on each supervisor's stream the latest service date the views know of, where
    the stream has none or an earlier one; returns the keys of the people updated."""
    engine = queries.views
    engine.catch_up()
    with engine.reading() as tx:
        keys = [str(r[0]) for r in tx.rows("SELECT supervisor FROM view_dossier_person")]
    updated: list[str] = []
    for key in sorted(keys):
        served = queries.last_service_on(key)
        if served is None:
            continue
        for attempt in range(1, max_attempts + 1):
            with locks.holder(frozenset({stripe(Supervisor.id_for(key))})).holding():
                person = UnitOfWork(app, policy).get(Supervisor, key)
                if person.last_served_on is not None and person.last_served_on >= served:
                    break
                person.record_service(served, datetime.now(policy.zone))
                try:
                    app.save(person, read_versions={})
                except IntegrityError as error:
                    if attempt == max_attempts:
                        raise ConcurrencyConflict(
                            f"back-filling the service date of {key!r}: other writers kept "
                            "changing the person; run it again"
                        ) from error
                    continue
                updated.append(key)
                break
    return updated
