"""When snapshots are taken: every ``interval`` events, then spaced in proportion to the
aggregate's size, so that their cost per event does not grow with it and a load's tail
stays within a tenth of the history."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision_ledger.persistence.snapshots import snapshot_due, snapshot_step


def points(interval: int, events: int) -> list[int]:
    """The versions at which one event at a time, from 1 to ``events``, takes a snapshot."""
    return [v for v in range(1, events + 1) if snapshot_due(interval, v - 1, v)]


def test_small_aggregates_are_snapshotted_every_interval() -> None:
    assert points(100, 1999) == list(range(100, 2000, 100))
    assert points(3, 20) == [3, 6, 9, 12, 15, 18]


def test_from_twenty_intervals_on_the_spacing_doubles_as_the_events_double() -> None:
    assert points(100, 4400) == [
        *range(100, 2000, 100),
        *range(2000, 4000, 200),
        4000,
        4400,
    ]


@given(interval=st.integers(1, 500), version=st.integers(1, 10**7))
def test_a_load_replays_at_most_the_interval_or_a_tenth_of_the_history(
    interval: int, version: int
) -> None:
    step = snapshot_step(interval, version)
    latest = version - version % step  # the last snapshot point at or before it
    assert version - latest < max(interval, version // 10 + 1)


@pytest.mark.parametrize("events", [1_000, 10_000, 100_000])
def test_snapshots_cost_each_event_the_same_at_every_size(events: int) -> None:
    # A snapshot's cost is the size of the state it holds (~ its version). At a fixed
    # interval the sum over an aggregate's life grows with the square of its events
    # (100,000 events: 500 event-sizes per event); here it stays a constant per event.
    taken = points(100, events)
    assert sum(taken) / events <= 21
    assert len(taken) <= 19 + 10 * (events // 2_000).bit_length()


@given(
    interval=st.integers(1, 300),
    before=st.integers(0, 10**6),
    written=st.integers(1, 5_000),
)
def test_a_write_of_many_events_takes_a_snapshot_if_one_at_a_time_would_have(
    interval: int, before: int, written: int
) -> None:
    after = before + written
    one_by_one = any(snapshot_due(interval, v - 1, v) for v in range(before + 1, after + 1))
    assert snapshot_due(interval, before, after) == one_by_one
