"""Exactly once: a failure in the middle of a page leaves nothing of that page behind,
a restart gives views equal to a clean rebuild, and a page applied twice changes nothing.
Statistics as of a past log position equal those computed when the log ended there."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from ledger_stories import YEAR, Story, seed_000, seed_001

from supervision_ledger import Ledger
from supervision_ledger.projections import ProjectionEngine, StatisticsView, default_views
from supervision_ledger.projections.engine import open_views_database, scratch_database


def engine_for(ledger: Ledger, page_size: int = 40, scratch: bool = False) -> ProjectionEngine:
    db = scratch_database() if scratch else open_views_database(ledger.store)
    return ProjectionEngine(
        ledger.app.recorder,
        ledger.app.mapper,
        db,
        default_views(),
        ledger.policy.timezone,
        page_size=page_size,
    )


def dump(engine: ProjectionEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view table, sorted: the whole state of the views."""
    with engine.reading() as tx:
        return {
            table: sorted(tx.rows(f"SELECT * FROM {table}"), key=repr)
            for view in engine.views
            for table in view.tables
        }


class Boom(Exception):
    pass


def test_failure_mid_page_then_restart_equals_rebuild(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger(store=store_url) as ledger:
        seed_001(Story(ledger))
        engine = engine_for(ledger)
        original = StatisticsView.case_attendance
        calls = {"n": 0}

        def failing(self: StatisticsView, tx: Any, e: Any) -> None:
            calls["n"] += 1
            original(self, tx, e)  # the row is written, then the page fails
            if calls["n"] == 30:
                raise Boom("injected failure")

        monkeypatch.setattr(StatisticsView, "case_attendance", failing)
        # Some commands (a removal asks for the person's last service) already caught the
        # views up: start them from nothing, so the replay below passes the failing event.
        engine.reset()
        with pytest.raises(Boom):
            engine.catch_up()
        stopped = engine.position
        assert 0 < stopped < engine.head()
        # Nothing of the failed page is in the views: they equal a replay up to `stopped`.
        partial = engine_for(ledger, scratch=True)
        partial.catch_up(until=stopped)
        assert dump(engine) == dump(partial)

        monkeypatch.setattr(StatisticsView, "case_attendance", original)
        assert engine.catch_up() == engine.head()
        clean = engine_for(ledger, page_size=1000, scratch=True)
        clean.catch_up()
        assert dump(engine) == dump(clean)
        assert sum(len(rows) for rows in dump(clean).values()) > 100


def test_a_page_applied_twice_changes_nothing(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        seed_001(Story(ledger))
        engine = engine_for(ledger)
        engine.catch_up()
        before = dump(engine)
        page = ledger.app.recorder.select_notifications(start=engine.head() - 60, limit=60)
        assert len(page) == 60
        engine.process_page(page)
        engine.process_page(ledger.app.recorder.select_notifications(start=1, limit=40))
        assert dump(engine) == before
        assert engine.position == engine.head()


def test_statistics_at_a_past_position(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        story = Story(ledger)
        seed_000(story)
        mid = ledger.app.recorder.max_notification_id()
        assert mid is not None
        then = ledger.statistics(None, **YEAR)  # type: ignore[arg-type]
        # Later events, in the same period: the figures move on …
        case, act = story.activity("QC", "2023-10-10", "other", attend=["PS01"])
        story.opinion(case, act, "PS01", "2023-10-10", outcome="not_adopted")
        now = ledger.statistics(None, **YEAR)  # type: ignore[arg-type]
        assert now.count("opinions.submitted") == then.count("opinions.submitted") + 1
        # … but as of the old position they are what they were.
        assert ledger.statistics(None, at_position=mid, **YEAR) == then  # type: ignore[arg-type]
        assert ledger.statistics(None, at_position=0, **YEAR).count("hearings.held") == 0  # type: ignore[arg-type]


def test_rebuild_gives_the_same_answers(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        seed_000(Story(ledger))
        as_of = date(2024, 3, 1)
        before = (
            ledger.statistics("QY", rollup=True, as_of=as_of),
            ledger.pending_feedback(as_of=as_of),
            ledger.dossier("PS01"),
            ledger.hearings("QC"),
        )
        assert ledger.rebuild_views() == ledger.views.head()
        after = (
            ledger.statistics("QY", rollup=True, as_of=as_of),
            ledger.pending_feedback(as_of=as_of),
            ledger.dossier("PS01"),
            ledger.hearings("QC"),
        )
        assert after == before
        assert len(before[3].hearings) == 79


def test_catching_up_past_the_end_stops_at_the_end(sqlite_file_url: str) -> None:
    """Only some topics are read, and a page records the position it scanned to — but
    never beyond the log's end, or what is recorded next would be skipped."""
    with Ledger(store=sqlite_file_url) as ledger:
        story = Story(ledger)
        seed_000(story)
        engine = engine_for(ledger, scratch=True)
        head = engine.head()
        assert engine.catch_up(until=head + 1000) == head
        assert engine.position == head
        case, act = story.activity("QC", "2023-10-10", "other", attend=["PS01"])
        story.opinion(case, act, "PS01", "2023-10-10", outcome="not_adopted")
        assert engine.head() > head
        assert engine.catch_up() == engine.head()
        clean = engine_for(ledger, page_size=1000, scratch=True)
        clean.catch_up()
        assert dump(engine) == dump(clean)
