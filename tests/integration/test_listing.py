"""Listings: every case, person, hearing, activity, suggestion, petition and lead,
filtered and paged with a stable cursor — against the aggregates on the demo year, and
on every store (SQLite memory and file, PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ledger_stories import Story

from supervision_ledger import InvalidCursor, Ledger, LedgerError, NotFound, UnknownKind
from supervision_ledger.cli import main
from supervision_ledger.demo import DemoSummary
from supervision_ledger.errors import InvalidPeriod
from supervision_ledger.projections.listing import (
    LIST_KINDS,
    ListItem,
)


def everything(ledger: Ledger, kind: str, limit: int = 7, **filters: Any) -> list[ListItem]:
    """Every item of a listing, page by page."""
    items: list[ListItem] = []
    cursor = None
    while True:
        page = ledger.listing(kind, limit=limit, cursor=cursor, **filters)
        assert len(page.items) <= limit
        items.extend(page.items)
        if page.next_cursor is None:
            return items
        cursor = page.next_cursor


def ordered(items: list[ListItem]) -> bool:
    return [i.on for i in items] == sorted(i.on for i in items)


def test_each_listing_agrees_with_the_aggregates(demo_year: tuple[Ledger, DemoSummary]) -> None:
    ledger, year = demo_year
    cases = everything(ledger, "case", limit=50)
    assert {i.key for i in cases} >= set(year.keys["cases"]) and ordered(cases)
    for item in cases[::7]:
        case = ledger.case(item.key)
        assert (item.unit, item.type, item.label) == (case.unit, case.case_kind, case.title)
        assert item.status == ("closed" if case.is_closed else "open")
    people = everything(ledger, "supervisor", limit=50)
    assert {i.key for i in people} == set(year.keys["supervisors"])
    for item in people:
        person = ledger.supervisor(item.key)
        assert (item.label, item.roles, item.unit) == (person.name, list(person.roles), person.unit)
    for kind, read, status in (
        ("hearing", ledger.hearing, "status"),
        ("suggestion", ledger.suggestion, "stage"),
        ("petition", ledger.petition, "stage"),
        ("lead", ledger.lead, "status"),
    ):
        items = everything(ledger, kind, limit=40)
        assert items and ordered(items), kind
        for item in items[::5]:
            assert item.status == getattr(read(item.key), status), (kind, item.key)
    activities = everything(ledger, "activity", limit=100)
    assert len(activities) == sum(len(ledger.case(i.key).activities) for i in cases)
    one = activities[0]
    assert one.case is not None
    assert ledger.case(one.case).activities[one.key].type == one.type


def test_filters_narrow_the_listing_and_paging_never_skips(
    demo_year: tuple[Ledger, DemoSummary],
) -> None:
    ledger, _ = demo_year
    every_case = everything(ledger, "case", limit=1000)
    # Units: QY alone holds no case of the district; with rollup every case is in.
    assert everything(ledger, "case", unit="QY", rollup=True, limit=1000) == every_case
    assert all(i.unit == "QY" for i in everything(ledger, "case", unit="QY"))
    # Type, status, period, case: each the subset the items say.
    kind = every_case[0].type
    assert everything(ledger, "case", type=kind) == [i for i in every_case if i.type == kind]
    assert everything(ledger, "case", status="open") == [
        i for i in every_case if i.status == "open"
    ]
    june = everything(ledger, "case", start="2023-06-01", end="2023-06-30")
    assert june == [i for i in every_case if date(2023, 6, 1) <= i.on <= date(2023, 6, 30)]
    assert june
    officers = everything(ledger, "supervisor", role="hearing_officer")
    assert officers and all("hearing_officer" in i.roles for i in officers)
    case = next(i.case for i in everything(ledger, "hearing", limit=100) if i.case)
    assert {i.case for i in everything(ledger, "hearing", case=case)} == {case}
    # Newest first is the same list reversed; any page size gives the same items.
    assert everything(ledger, "case", newest_first=True, limit=13) == every_case[::-1]
    assert everything(ledger, "case", limit=1) == every_case


def test_bad_listing_arguments_are_refused_by_name(demo_year: tuple[Ledger, DemoSummary]) -> None:
    ledger, _ = demo_year
    with pytest.raises(UnknownKind, match="did you mean 'case'") as raised:
        ledger.listing("cases")
    assert isinstance(raised.value, LedgerError) and raised.value.rule == "unknown_kind"
    with pytest.raises(ValueError, match="limit: 0"):
        ledger.listing("case", limit=0)
    with pytest.raises(ValueError, match="role: only people"):
        ledger.listing("case", role="hearing_officer")
    with pytest.raises(InvalidPeriod, match="end: the period ends"):
        ledger.listing("case", start="2023-06-02", end="2023-06-01")
    with pytest.raises(NotFound, match="unit"):
        ledger.listing("case", unit="NOWHERE")
    cursor = ledger.listing("case", limit=1).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidCursor, match="other filters"):
        ledger.listing("case", limit=1, cursor=cursor, status="open")
    with pytest.raises(InvalidCursor, match="not a cursor"):
        ledger.listing("case", cursor="garbage!")


@pytest.fixture
def small(store_url: str) -> Iterator[tuple[Ledger, Story]]:
    with Ledger(store=store_url) as ledger:
        story = Story(ledger)
        story.unit("QY", level="city")
        story.unit("QC", parent="QY")
        story.unit("YD", parent="QY")
        for day in ("2023-03-01", "2023-03-01", "2023-03-02", "2023-04-01"):
            story.case("QC", day)
        story.case("YD", "2023-03-15")
        yield ledger, story


def test_a_cursor_survives_new_records_on_every_store(small: tuple[Ledger, Story]) -> None:
    ledger, story = small
    first = ledger.listing("case", unit="QY", rollup=True, limit=2)
    assert [i.on for i in first.items] == [date(2023, 3, 1)] * 2
    # Recorded while the client pages: one dated before the cursor, one after.
    early = story.case("QC", "2023-02-01")
    late = story.case("YD", "2023-05-01")
    rest = everything(ledger, "case", unit="QY", rollup=True, limit=2)
    assert rest[0].key == early  # a fresh listing sees it first …
    cursor, seen = first.next_cursor, [i.key for i in first.items]
    while cursor is not None:  # … a client already past it does not, and repeats nothing
        page = ledger.listing("case", unit="QY", rollup=True, limit=2, cursor=cursor)
        seen.extend(i.key for i in page.items)
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 6 and seen[-1] == late and early not in seen
    assert [i.key for i in everything(ledger, "case", unit="YD")] == [
        k for k in (i.key for i in rest) if k.startswith("YD")
    ]
    assert ledger.rebuild_views() > 0  # rebuilt views list the same
    assert everything(ledger, "case", unit="QY", rollup=True, limit=2) == rest


def test_list_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(store=store) as ledger:
        story = Story(ledger)
        story.unit("QC")
        keys = [story.case("QC", day) for day in ("2023-03-01", "2023-03-02", "2023-03-03")]
    assert main(["list", "cases", "--limit", "2", "--json", "--store", store]) == 0
    page = json.loads(capsys.readouterr().out)
    assert [i["key"] for i in page["items"]] == keys[:2] and page["next_cursor"]
    assert main(["list", "cases", "--cursor", page["next_cursor"], "--limit", "2",
                 "--store", store]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert keys[2] in out and keys[0] not in out
    with pytest.raises(SystemExit) as refused:  # argparse: a usage error
        main(["list", "casse", "--store", store])
    assert refused.value.code == 2 and "invalid choice: 'casse'" in capsys.readouterr().err
    assert set(LIST_KINDS) == {"case", "supervisor", "hearing", "activity", "suggestion",
                               "petition", "lead", "typical_case", "partner_agreement",
                               "trial_committee_sitting", "unit_activity"}  # fmt: skip


@pytest.mark.parametrize(
    ("where", "params"),
    [
        ("kind = ? AND unit IN (?)", ["case", "QY-QC"]),
        ("kind = ?", ["petition"]),
        ("kind = ? AND case_key = ?", ["hearing", "K"]),
        ("kind = ? AND (on_date, ref) > (?, ?)", ["lead", "2023-01-01", "K"]),
        ("kind = ? AND unit IN (?)", ["typical_case", "QY-QC"]),
        ("kind = ?", ["trial_committee_sitting"]),
        ("kind = ? AND (on_date, ref) > (?, ?)", ["partner_agreement", "2023-01-01", "K"]),
    ],
)
def test_pages_are_read_in_index_order_without_sorting(
    demo_year: tuple[Ledger, DemoSummary], where: str, params: list[str]
) -> None:
    """What keeps a page cheap at a million events: SQLite walks an index in the listing's
    order (no temporary sort of every matching row)."""
    ledger, _ = demo_year
    ledger.catch_up()
    plan = ledger.views.db.run(
        f"EXPLAIN QUERY PLAN SELECT key FROM view_listing WHERE {where} "
        "ORDER BY on_date, ref LIMIT 51",
        params,
    )
    details = " ".join(str(row[-1]) for row in plan)
    assert "USING INDEX" in details and "TEMP B-TREE" not in details, details
