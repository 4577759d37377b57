"""Reports cost what their scope holds, not what the store holds.

Every view table is filled with rows for a unit in scope and, in a second database, the
same rows plus those of many other units (a province: a few thousand rows per table,
joined the way real rows are: a hearing's id is its participations' owner, a case's
id its activities'). Then every statement the reports run is checked:

* SQLite: ``EXPLAIN QUERY PLAN`` shows no full scan of a view table, and the number of
  virtual-machine steps each statement takes (counted with ``set_progress_handler``) is
  the same whether or not the other units are there — a scan through an index that
  does not restrict to the scope would count their rows;
* PostgreSQL (statistics gathered by ``ANALYZE``): ``EXPLAIN`` shows no sequential scan
  of a view table for a one-unit report.

Deterministic: nothing is timed.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest

from supervision_ledger import Ledger
from supervision_ledger.domain import DEFAULT_POLICY
from supervision_ledger.projections import default_views
from supervision_ledger.projections.api import compute_statistics
from supervision_ledger.projections.engine import Row, Tx, ViewsDatabase
from supervision_ledger.projections.feedback import pending_feedback
from supervision_ledger.projections.hearings import hearing_register
from supervision_ledger.projections.listing import encode_cursor, encode_place, list_items
from supervision_ledger.projections.statistics import unit_scope

ROWS_PER_UNIT = 24
OTHER_CITIES = 30  # each with a district: 61 units besides the one in scope
UNIT, CITY = "U-000-D", "U-000"
ROLES = ("peoples_supervisor", "hearing_officer", "npc_deputy", "cppcc_member")


def value(table: str, column: str, kind: str, required: bool, unit: str, i: int) -> Any:
    """A plausible value for ``column``: ids shared across tables so that joins match,
    enumerations valid, optional columns mostly empty."""
    if kind in ("INTEGER", "BIGINT"):
        if column in ("position", "seq", "pos"):
            return i
        if column in ("supervised", "accepted", "excluded", "urgent"):
            return i % 2
        return 0 if required else None
    if column == "unit":
        return unit
    if column in ("case_id", "hearing_id", "owner_id", "person_id", "sitting_id"):
        return f"{unit}-{i}"
    if column == "source":
        return (("case", "hearing") if table == "view_stat_participation" else ("other",))[
            i % (2 if table == "view_stat_participation" else 1)
        ]
    if column == "role":
        return ROLES[i // 2 % len(ROLES)]
    if column == "roles":
        return f",{ROLES[i // 2 % len(ROLES)]},"
    if column in ("supervisor", "partner", "recipient", "officer"):
        return f"{unit}-P{i % 7}"
    if column == "end_on" and table == "view_stat_term":
        return "2027-12-31"
    if column in (
        "submitted_on",
        "served_on",
        "received_on",
        "held_on",
        "attended_on",
        "on_date",
        "proposed_on",
    ):
        return f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}"
    if column.endswith("_on") and required:
        return f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}"
    if column == "amount":
        return "200.00"
    if column == "type":
        return ("public_hearing", "quality_review")[i % 2]
    if column == "status":
        return "attended" if "participant" in table or "invitation" in table else "held"
    if column == "case_kind":
        return "other"
    if column == "kind" and table == "view_listing":
        return ("typical_case", "partner_agreement", "trial_committee_sitting", "case")[i % 4]
    if column == "level":
        return "municipal"
    if column == "details":
        return "{}"
    if not required and column != "recipient":
        return None
    return f"{unit}:{column}:{i}"


def columns_of(ddl: str) -> list[tuple[str, str, bool]]:
    """(column, type, NOT NULL or key) of a table's column definitions."""
    parts = [p.strip() for p in re.split(r",\s*(?![^()]*\))", ddl)]
    keys = {
        k.strip()
        for p in parts
        if p.upper().startswith("PRIMARY KEY")
        for k in p[p.index("(") + 1 : p.index(")")].split(",")
    }
    return [
        (
            p.split()[0],
            p.split()[1],
            "NOT NULL" in p or "PRIMARY KEY" in p or p.split()[0] in keys,
        )
        for p in parts
        if not p.upper().startswith("PRIMARY KEY")
    ]


def fill(db: ViewsDatabase, units: Sequence[tuple[str, str | None]]) -> None:
    """Rows for each (unit, parent): the unit itself and ROWS_PER_UNIT of every table."""
    with db.transaction(lock=False):
        for view in default_views():
            for table, ddl in view.tables.items():
                described = columns_of(ddl)
                cols = [c for c, _, _ in described]
                sql = (
                    f"INSERT INTO {table} ({', '.join(cols)}) "
                    f"VALUES ({', '.join('?' for _ in cols)}) ON CONFLICT DO NOTHING"
                )
                if table == "view_stat_unit":
                    rows = [[u, p, u] for u, p in units]
                else:
                    rows = [
                        [value(table, c, kind, req, u, i) for c, kind, req in described]
                        for u, _ in units
                        for i in range(ROWS_PER_UNIT)
                    ]
                db.run_many(sql, rows)


def province(cities: int) -> list[tuple[str, str | None]]:
    units: list[tuple[str, str | None]] = [("P", None)]
    for c in range(cities + 1):
        units += [(f"U-{c:03d}", "P"), (f"U-{c:03d}-D", f"U-{c:03d}")]
    return units


class Recording:
    """A views database that notes every statement run through it."""

    def __init__(self, db: ViewsDatabase) -> None:
        self.db = db
        self.backend = db.backend
        self.statements: list[tuple[str, list[Any]]] = []

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.statements.append((sql, list(params)))
        return self.db.run(sql, params)

    def run_many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        self.db.run_many(sql, params)

    def transaction(self, lock: bool) -> Any:
        return self.db.transaction(lock)

    def close(self) -> None:
        self.db.close()


REPORTS: dict[str, Callable[[Tx], object]] = {
    "statistics of one unit": lambda tx: compute_statistics(
        tx, DEFAULT_POLICY, UNIT, False, date(2023, 1, 1), date(2023, 12, 31), date(2024, 1, 1)
    ),
    "statistics of a city, rolled up": lambda tx: compute_statistics(
        tx, DEFAULT_POLICY, CITY, True, None, None, date(2024, 1, 1)
    ),
    "pending feedback of a city": lambda tx: pending_feedback(
        tx, DEFAULT_POLICY, date(2024, 1, 1), unit_scope(tx, CITY, True), None, None, False
    ),
    "hearing register of one unit": lambda tx: hearing_register(
        tx, [UNIT], date(2023, 1, 1), date(2023, 12, 31)
    ),
    "hearing register of one unit, a page after a cursor": lambda tx: hearing_register(
        tx, [UNIT], limit=5, cursor=encode_place(["2023-03-01", f"{UNIT}:hearing:3"], {})
    ),
    **{
        f"{kind} listing of one unit, a page after a cursor": (
            lambda tx, kind=kind: list_items(
                tx,
                kind,
                [UNIT],
                {},
                type_=None,
                role=None,
                status=None,
                start=date(2023, 1, 1),
                end=None,
                case=None,
                limit=10,
                cursor=encode_cursor("2023-02-01", f"{UNIT}:ref:1", {}),
                newest_first=False,
            )
        )
        for kind in ("typical_case", "partner_agreement", "trial_committee_sitting")
    },
}


def statements(ledger: Ledger, report: Callable[[Tx], object]) -> list[tuple[str, list[Any]]]:
    engine = ledger.views
    with engine.reading() as tx:
        recording = Recording(engine.db)
        report(Tx(recording, tx.zone))
    return recording.statements


@contextmanager
def filled_ledger(url: str, units: Sequence[tuple[str, str | None]]) -> Iterator[Ledger]:
    ledger = Ledger(store=url)
    try:
        fill(ledger.views.db, units)
        yield ledger
    finally:
        ledger.close()


def steps(conn: sqlite3.Connection, sql: str, params: list[Any]) -> int:
    """Virtual-machine steps (in units of 10) SQLite takes to run ``sql``."""
    count = 0

    def tick() -> int:
        nonlocal count
        count += 1
        return 0

    conn.set_progress_handler(tick, 10)
    try:
        conn.execute(sql, params).fetchall()
    finally:
        conn.set_progress_handler(None, 10)
    return count


@pytest.mark.parametrize("report", list(REPORTS))
def test_sqlite_report_cost_follows_its_scope(report: str) -> None:
    with (
        filled_ledger("sqlite:///:memory:", province(1)) as small,
        filled_ledger("sqlite:///:memory:", province(OTHER_CITIES)) as large,
    ):
        ran = statements(small, REPORTS[report])
        assert ran == statements(large, REPORTS[report])
        assert any(sql.lstrip().upper().startswith("SELECT") for sql, _ in ran)
        small_conn = small.views.db.conn  # type: ignore[attr-defined]
        large_conn = large.views.db.conn  # type: ignore[attr-defined]
        for sql, params in ran:
            plan = [str(r[3]) for r in large_conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
            scans = [line for line in plan if re.match(r"SCAN view_", line)]
            assert not scans, f"full scan in {sql!r}: {plan}"
            # A statement that touched the other units' rows would take more steps.
            assert steps(large_conn, sql, params) == steps(small_conn, sql, params), (
                f"{sql!r} costs more when other units have rows: {plan}"
            )


def test_filler_rows_reach_the_figures() -> None:
    """The filled rows join as real ones do, so the checks above see working queries."""
    with filled_ledger("sqlite:///:memory:", province(2)) as ledger:
        with ledger.views.reading() as tx:
            stats = compute_statistics(
                tx, DEFAULT_POLICY, UNIT, False, None, None, date(2024, 1, 1)
            )
        assert stats.count("participation.peoples_supervisor.person_times") > 0
        assert stats.count("hearings.held") == ROWS_PER_UNIT
        assert stats.count("hearings.with_peoples_supervisor") > 0
        assert stats.count("activities.total") > 0
        assert stats.count("opinions.submitted") == ROWS_PER_UNIT
        with ledger.views.reading() as tx:
            for name, report in REPORTS.items():
                if "after a cursor" in name:
                    found = report(tx)
                    listed = getattr(found, "items", None) or getattr(found, "hearings", None)
                    assert listed, f"{name}: the filler rows list nothing"


def test_postgres_one_unit_report_uses_indexes(postgres_url: str) -> None:
    """With scans and hash or merge joins priced out, PostgreSQL shows whether an
    index-driven plan exists: every view table reached through an index condition.
    (At these sizes it would rightly prefer hashing a whole small table; at a
    province's sizes the indexed plan is the one it picks.)"""
    with filled_ledger(postgres_url, province(OTHER_CITIES)) as ledger:
        db = ledger.views.db
        for view in default_views():
            for table in view.tables:
                db.run(f"ANALYZE {table}")
        for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
            db.run(f"SET {setting} = off")
        for report in (
            "statistics of one unit",
            "hearing register of one unit",
            "hearing register of one unit, a page after a cursor",
            "typical_case listing of one unit, a page after a cursor",
            "partner_agreement listing of one unit, a page after a cursor",
            "trial_committee_sitting listing of one unit, a page after a cursor",
        ):
            for sql, params in statements(ledger, REPORTS[report]):
                plan = [str(r[0]) for r in db.run("EXPLAIN " + sql, params)]
                scans = [line for line in plan if "Seq Scan on view_" in line]
                assert not scans, f"sequential scan in {sql!r}: {plan}"
                for i, line in enumerate(plan):
                    if re.search(r"Index (Only )?Scan using \S+ on view_", line):
                        detail = " ".join(plan[i + 1 : i + 3])
                        assert "Index Cond" in detail, f"full index scan in {sql!r}: {plan}"
