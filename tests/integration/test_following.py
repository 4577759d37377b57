"""Following the log: ``events_after`` pages and ``follow`` feeds, on SQLite (memory and
file: polling) and PostgreSQL (LISTEN/NOTIFY through eventsourcing's subscription)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from ledger_stories import Story, at

from supervision_ledger import EventFeed, Ledger, LoggedEvent
from supervision_ledger import commands as c


@pytest.fixture
def ledger(store_url: str) -> Iterator[Ledger]:
    with Ledger(store=store_url) as opened:
        story = Story(opened)
        story.unit("QY", level="city")
        story.unit("QC", parent="QY")
        story.people("PS", 2, "QC", ["peoples_supervisor"])
        story.case("QC", "2023-04-03", parties=("孙某",))
        yield opened


def record_unit(ledger: Ledger, key: str) -> int:
    result = ledger.register_unit(
        c.RegisterUnit(unit=key, name=f"{key}院", level="district", parent="QY",
                       occurred_at=at("2023-05-01"), command_id=f"unit-{key}")
    )  # fmt: skip
    assert result.position is not None
    return result.position


def test_pages_after_a_position_cover_the_log_once_in_order(ledger: Ledger) -> None:
    whole = ledger.events_after(0, limit=1000)
    assert len(whole) == ledger.digest().count and whole[-1].position == ledger.last_position()
    pages: list[LoggedEvent] = []
    position = 0
    while page := ledger.events_after(position, limit=2):
        assert len(page) <= 2
        pages.extend(page)
        position = page[-1].position
    assert pages == whole
    assert [e.position for e in whole] == sorted({e.position for e in whole})
    assert ledger.events_after(ledger.last_position()) == []


def test_each_item_names_its_aggregate_times_command_and_json_fields(ledger: Ledger) -> None:
    position = record_unit(ledger, "YD")
    item, record = ledger.events_after(0, limit=1000)[-2:]
    # The result's position is the domain event's; the command record follows it.
    assert item.position == position < record.position and record.aggregate_kind == "command"
    assert (item.aggregate_kind, item.aggregate_key) == ("unit", "YD")
    assert (item.event, item.version, item.command_id) == ("ProcuratorateUnit.Registered", 1,
                                                           "unit-YD")  # fmt: skip
    assert item.occurred_at is not None and item.occurred_at.isoformat().startswith("2023-05-01")
    assert item.recorded_at > item.occurred_at
    assert item.fields["parent"] == "QY" and "originator_topic" not in item.fields
    # The command record that makes the command id idempotent is in the log too.
    assert (record.aggregate_key, record.command_id) == ("unit-YD", "unit-YD")
    # Plain JSON, and back.
    assert LoggedEvent.model_validate_json(item.model_dump_json()) == item
    case = next(e for e in ledger.events_after(0) if e.aggregate_kind == "case")
    assert json.loads(json.dumps(case.fields))["parties"][0]["name"] == "孙某"


def test_a_later_event_of_an_aggregate_carries_its_key(ledger: Ledger) -> None:
    result = ledger.suspend_supervisor(
        c.SuspendSupervisor(supervisor="PS01", reason="出国", occurred_at=at("2023-06-01"))
    )
    assert result.position is not None
    ledger.log._keys.clear()  # as after a restart: the creating event is not in the page
    (item,) = ledger.events_after(result.position - 1, limit=1)
    assert (item.aggregate_kind, item.aggregate_key, item.version) == ("supervisor", "PS01", 2)


def test_bad_positions_and_page_sizes_are_refused_by_name(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="limit: 0"):
        ledger.events_after(0, limit=0)
    with pytest.raises(ValueError, match="limit: 1001"):
        ledger.events_after(0, limit=1001)
    with pytest.raises(ValueError, match="position: -1"):
        ledger.events_after(-1)
    with pytest.raises(ValueError, match="idle_timeout"):
        ledger.follow(0, idle_timeout=0)


def test_a_feed_yields_what_is_stored_then_waits_for_new_events(ledger: Ledger) -> None:
    stored = ledger.events_after(0)
    received: list[LoggedEvent] = []
    caught_up = threading.Event()

    def consume(feed: EventFeed) -> None:
        for item in feed:
            received.append(item)
            if len(received) == len(stored):
                caught_up.set()
            if item.aggregate_kind == "command" and item.aggregate_key == "unit-YD":
                return

    with ledger.follow(0, poll_interval=0.05, idle_timeout=60) as feed:
        consumer = threading.Thread(target=consume, args=(feed,))
        consumer.start()
        assert caught_up.wait(60)
        # The consumer is now waiting for something new; record it.
        position = record_unit(ledger, "YD")
        consumer.join(60)
        assert not consumer.is_alive()
    assert received[: len(stored)] == stored
    assert received[-2].position == position and received[-2].aggregate_key == "YD"
    assert received[-1].position == feed.position == ledger.last_position()
    assert [e.position for e in received] == sorted({e.position for e in received})


def test_stop_ends_a_waiting_feed_and_idle_timeout_ends_a_quiet_one(ledger: Ledger) -> None:
    head = ledger.last_position()
    feed = ledger.follow(head, poll_interval=0.05)
    outcome: list[object] = []
    waiting = threading.Thread(target=lambda: outcome.append(list(feed)))
    waiting.start()
    feed.stop()
    waiting.join(60)
    assert outcome == [[]] and feed.position == head
    feed.close()

    with ledger.follow(head, poll_interval=0.05, idle_timeout=0.2) as quiet:
        assert list(quiet) == []


def test_a_host_read_model_keeps_its_own_position_exactly_once(ledger: Ledger) -> None:
    """The documented pattern: rows and position committed together; a restart resumes
    after the stored position, so nothing is counted twice or missed."""
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE units (key TEXT PRIMARY KEY)")
    db.execute("CREATE TABLE tracking (position INTEGER NOT NULL)")
    db.execute("INSERT INTO tracking VALUES (0)")

    def run_once() -> None:
        (position,) = db.execute("SELECT position FROM tracking").fetchone()
        while page := ledger.events_after(position, limit=2):
            with db:  # one transaction: the rows and the position
                for item in page:
                    if item.event == "ProcuratorateUnit.Registered":
                        db.execute("INSERT INTO units VALUES (?)", [item.aggregate_key])
                position = page[-1].position
                db.execute("UPDATE tracking SET position = ?", [position])

    run_once()
    record_unit(ledger, "YD")
    run_once()
    run_once()
    assert [r[0] for r in db.execute("SELECT key FROM units ORDER BY key")] == ["QC", "QY", "YD"]
