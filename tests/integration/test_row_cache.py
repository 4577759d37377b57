"""The engine's row cache (projections/engine.py, ``RowCache``): view rows read or
written by primary key stay in memory across pages, their writes merged per row and
sent per page. It must never make the views differ from a clean replay: after a page
that failed (rolled back), when another process moved the positions, when it is full,
on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from ledger_stories import Story, seed_001

from supervision_ledger import Ledger
from supervision_ledger.projections import ProjectionEngine, default_views
from supervision_ledger.projections.dossier import DossierView
from supervision_ledger.projections.engine import (
    SCHEMAS,
    RowCache,
    TableSchema,
    Tx,
    open_views_database,
    scratch_database,
)


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


def clean_dump(ledger: Ledger) -> dict[str, list[tuple[Any, ...]]]:
    clean = engine_for(ledger, page_size=1000, scratch=True)
    try:
        clean.catch_up()
        return dump(clean)
    finally:
        clean.close()


class Boom(Exception):
    pass


def rebind(engine: ProjectionEngine) -> None:
    """Forget the handler methods the engine bound (a test patched one)."""
    engine._handlers.clear()
    for view in engine.views:
        view.__dict__.pop("_bound", None)


def test_cache_is_coherent_after_a_failed_page(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger(store=store_url) as ledger:
        seed_001(Story(ledger))
        engine = engine_for(ledger, page_size=60)
        engine.reset()
        # Warm the cache with committed rows, then fail a page after it changed some of
        # them in memory (an invitation's status: a row read and updated in place).
        engine.catch_up(until=engine.head() // 3)
        assert len(engine.cache) > 0
        original = DossierView.attended
        calls = {"n": 0}

        def failing(self: DossierView, tx: Tx, e: Any) -> None:
            original(self, tx, e)  # the cached row is changed, then the page fails
            calls["n"] += 1
            if calls["n"] == 5:
                raise Boom("injected failure")

        monkeypatch.setattr(DossierView, "attended", failing)
        rebind(engine)
        with pytest.raises(Boom):
            engine.catch_up()
        assert len(engine.cache) == 0, "a rolled-back page leaves nothing in the cache"
        stopped = engine.position
        partial = engine_for(ledger, scratch=True)
        partial.catch_up(until=stopped)
        assert dump(engine) == dump(partial)

        monkeypatch.setattr(DossierView, "attended", original)
        rebind(engine)
        assert engine.catch_up() == engine.head()
        assert dump(engine) == clean_dump(ledger)


def test_rebuild_equals_live(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        seed_001(Story(ledger))
        engine = engine_for(ledger, page_size=25)
        engine.reset()
        # Live: the views follow the log in uneven steps, the cache kept between them.
        head = engine.head()
        for until in (head // 7, head // 3, head // 3 + 1, 2 * head // 3, head):
            engine.catch_up(until=until)
        live = dump(engine)
        assert sum(len(rows) for rows in live.values()) > 100
        engine.rebuild()
        assert dump(engine) == live
        assert live == clean_dump(ledger)
        engine.close()


def test_positions_moved_by_another_process_clear_the_cache(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        seed_001(Story(ledger))
        first, second = engine_for(ledger, page_size=30), engine_for(ledger, page_size=30)
        first.reset()
        head = first.head()
        # Two "processes" take turns: each applies the next pages, changing rows the
        # other holds in its cache (hearing statuses, invitation statuses, …).
        for step, until in enumerate(range(7, head + 7, 7)):
            (first if step % 2 else second).catch_up(until=until)
        assert dump(first) == clean_dump(ledger)
        # And after another process reset and replayed part of the log: the first
        # engine's cache holds the rows as of the end of the log, which the replay of the
        # second half must not start from (a counter would count twice).
        second.reset()
        second.catch_up(until=head // 2)
        first.catch_up()
        assert dump(first) == clean_dump(ledger)
        second.reset()
        second.catch_up(until=1)
        first.catch_up()
        assert dump(first) == clean_dump(ledger)
        first.close()
        second.close()


def test_a_row_another_process_changed_is_read_again(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        seed_001(Story(ledger))
        first, second = engine_for(ledger), engine_for(ledger)
        first.reset()
        half = first.head() // 2
        first.catch_up(until=half)
        table = "view_listing"
        key = next(k for (t, k), entry in first.cache.rows.items() if t == table and entry.complete)
        where = " AND ".join(f"{k} = ?" for k in SCHEMAS[table].keys)
        # Another process applies the next notification, which changes a row the first
        # engine holds, and records its position.
        with second.db.transaction(lock=True):
            second.db.run(f"UPDATE {table} SET label = ? WHERE {where}", ["elsewhere", *key])
        second.process_page([], upto=half + 1)
        first.process_page([], upto=half + 1)  # sees the foreign position: forgets its rows
        with first.db.transaction(lock=True):
            row = Tx(first.db, first.zone, cache=first.cache).get(table, *key)
        assert row is not None and row["label"] == "elsewhere"
        first.close()
        second.close()


def test_the_cache_is_bounded(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        seed_001(Story(ledger))
        engine = engine_for(ledger, page_size=200)
        engine.cache.limit = 40  # far fewer rows than one page writes: rows are spilled
        sizes: list[int] = []
        engine.rebuild(progress=lambda position, head: sizes.append(len(engine.cache)))
        assert sizes and max(sizes) <= 40
        assert dump(engine) == clean_dump(ledger)
        engine.close()


def test_merged_writes_of_one_row() -> None:
    """Writes to one row merge in memory: an update of a row not yet known stays an
    update (no row is made up), a delete then an upsert writes the whole row again."""
    db = scratch_database()
    schema = TableSchema(
        "t_cache", "k TEXT NOT NULL, a TEXT, b INTEGER NOT NULL DEFAULT 7, PRIMARY KEY (k)"
    )
    SCHEMAS["t_cache"] = schema
    try:
        db.run(
            "CREATE TABLE t_cache (k TEXT NOT NULL, a TEXT, b INTEGER NOT NULL DEFAULT 7, "
            "PRIMARY KEY (k))"
        )
        db.run("INSERT INTO t_cache VALUES ('x', 'old', 1), ('y', 'gone', 2)")
        cache = RowCache(limit=10)
        tx = Tx(db, zone=None, cache=cache)  # type: ignore[arg-type]
        tx.update("t_cache", ("nobody",), {"a": "ignored"})
        tx.update("t_cache", ("x",), {"a": "new"})
        tx.delete("t_cache", ("y",))
        tx.upsert("t_cache", {"k": "y"}, {"a": "again"})
        tx.upsert("t_cache", {"k": "z"}, {"a": "made"}, created=True)
        assert tx.get("t_cache", "z") == {"k": "z", "a": "made", "b": 7}
        assert tx.get("t_cache", "y") == {"k": "y", "a": "again", "b": 7}
        tx.flush()
        assert sorted(db.run("SELECT * FROM t_cache")) == [
            ("x", "new", 1),
            ("y", "again", 7),
            ("z", "made", 7),
        ]
        assert tx.get("t_cache", "nobody") is None
        assert tx.get("t_cache", "x") == {"k": "x", "a": "new", "b": 1}
    finally:
        del SCHEMAS["t_cache"]
        db.close()


def test_every_view_table_has_a_primary_key() -> None:
    """The cache finds rows by primary key: every view table declares one."""
    for view in default_views():
        for table in view.tables:
            assert SCHEMAS[table].keys, table
