"""Snapshots: state from the latest snapshot plus the tail == state from every event.

The ledger snapshots units, supervisors, cases and hearings every ``SNAPSHOT_INTERVAL``
events. Whatever the interval and whatever happened to them, loading an aggregate
(snapshot + tail) gives exactly the state that replaying all its events gives — the
same values *of the same types* (compared by ``repr``, which tells an enum from its
string, a tuple from a list, a Decimal from a str).
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.cipher import AESCipher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_stories import Story, at, day_of

from supervision_ledger import Ledger
from supervision_ledger.persistence.snapshots import SNAPSHOT_STATES


def replayed(ledger: Ledger, aggregate_id: UUID) -> Any:
    """The aggregate from every one of its events, no snapshot."""
    agg: Any = None
    for event in ledger.app.events.get(aggregate_id):
        agg = event.mutate(agg)
    return agg


def snapshotted_ids(ledger: Ledger) -> list[UUID]:
    assert ledger.app.snapshots is not None
    return sorted(
        {
            n.originator_id
            for n in ledger.app.recorder.select_notifications(start=1, limit=1_000_000)
            if n.originator_version == 1
        }
    )


def assert_snapshot_plus_tail_is_replay(ledger: Ledger) -> int:
    """Compare every aggregate; returns how many were loaded from a snapshot."""
    from_snapshots = 0
    assert ledger.app.snapshots is not None
    for aggregate_id in snapshotted_ids(ledger):
        full = replayed(ledger, aggregate_id)
        if type(full) not in SNAPSHOT_STATES:
            continue
        latest = list(ledger.app.snapshots.get(aggregate_id, desc=True, limit=1))
        from_snapshots += bool(latest)
        # Every snapshot that was due was taken (none refused for an undeclared attribute).
        if full.version >= ledger.app.snapshot_interval:
            assert latest, f"no snapshot of {type(full).__name__} v{full.version}"
        loaded = ledger.app.load(aggregate_id)
        assert loaded.version == full.version
        assert repr(sorted(vars(loaded).items())) == repr(sorted(vars(full).items()))
    return from_snapshots


person_step = st.tuples(
    st.sampled_from(["training", "allowance", "relationship", "suspend", "reinstate"]),
    st.integers(0, 3),
    st.one_of(st.none(), st.decimals("0.5", "99.5", places=1)),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    interval=st.integers(1, 6),
    steps=st.lists(person_step, max_size=12),
    activities=st.integers(0, 3),
    hearings=st.integers(0, 2),
)
def test_snapshot_plus_tail_equals_replay_of_every_event(
    interval: int,
    steps: list[tuple[str, int, Decimal | None]],
    activities: int,
    hearings: int,
) -> None:
    with Ledger("sqlite:///:memory:", env={"SNAPSHOT_INTERVAL": str(interval)}) as ledger:
        story = Story(ledger)
        story.unit("QY", level="city")
        story.unit("QC", parent="QY")
        people = story.people("PS", 4, "QC", ["peoples_supervisor", "hearing_officer"])
        for i in range(activities):
            case, act = story.activity(
                "QC",
                day_of(20 + i),
                "public_hearing",
                attend=[people[i % 4]],
                decline=[people[(i + 1) % 4]],
            )
            story.opinion(case, act, people[i % 4], day_of(20 + i))
        for i in range(hearings):
            story.hearing("QC", day_of(30 + i), officers=people[:3], accepted=True)
        # Then the people's own files (after their service: some steps are refused).
        for n, (kind, who, amount) in enumerate(steps):
            person, when = people[who], at(day_of(40 + n), 9)
            try:
                if kind == "training":
                    story.do(
                        "record_training",
                        supervisor=person,
                        topic="培训",
                        hours=amount,
                        occurred_at=when,
                    )
                elif kind == "allowance":
                    story.do(
                        "pay_allowance",
                        supervisor=person,
                        amount=amount or Decimal("80"),
                        purpose="听证",
                        occurred_at=when,
                    )
                elif kind == "relationship":
                    story.do(
                        "declare_relationship",
                        supervisor=person,
                        relationship="relative",
                        party=f"王某{n}",
                        occurred_at=when,
                    )
                else:
                    story.do(
                        f"{kind}_supervisor", supervisor=person, reason="事由", occurred_at=when
                    )
            except Exception:  # a refused step (e.g. reinstating an active person)
                continue
        used = assert_snapshot_plus_tail_is_replay(ledger)
        # With an interval of 1 or 2, the units (two events at least) have snapshots.
        if interval <= 2:
            assert used > 0


def test_snapshots_are_encrypted_with_the_cipher_and_outside_the_chain(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    key = AESCipher.create_key(16)
    env = {
        "CIPHER_TOPIC": "eventsourcing.cipher:AESCipher",
        "CIPHER_KEY": key,
        "SNAPSHOT_INTERVAL": "2",
    }
    with Ledger(f"sqlite:///{db}", env=env) as ledger:
        story = Story(ledger)
        story.unit("QC")
        people = story.people("PS", 3, "QC", ["peoples_supervisor"])
        case, act = story.activity("QC", "2023-03-01", "public_hearing", attend=people[:2])
        assert assert_snapshot_plus_tail_is_replay(ledger) > 0
        digest = ledger.digest()
        events = digest.count
    raw = sqlite3.connect(db)
    snapshots = [bytes(r[0]) for r in raw.execute("SELECT state FROM stored_snapshots")]
    assert snapshots
    assert not any("PS某".encode() in s or b'"roster"' in s for s in snapshots)
    # The chain covers the events only: deleting every snapshot changes no digest, and
    # the aggregates load the same from their events.
    raw.execute("DELETE FROM stored_snapshots")
    raw.commit()
    with Ledger(f"sqlite:///{db}", env=env) as ledger:
        assert ledger.verify(digest).ok
        assert ledger.digest().count == events
        assert ledger.case(case).activities[act].invitations.keys() == set(people[:2])
