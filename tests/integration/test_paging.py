"""Paging with a stable cursor beyond the listings — an aggregate's history, pending
feedback, the hearing register — and the listings of typical-case nominations, partner
agreements and trial-committee sittings, on every store (SQLite memory and file,
PostgreSQL); checked against the unpaged answers and the aggregates."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from scenarios import seed002, seed003, seed004

from supervision_ledger import (
    AlreadyExists,
    HistoryPage,
    InvalidArgument,
    InvalidCursor,
    Ledger,
    ListItem,
)
from supervision_ledger.cli import main
from supervision_ledger.demo import DemoSummary
from supervision_ledger.domain.trial_committee import TrialCommitteeSitting


def pages(read: Callable[[str | None], Any]) -> Iterator[Any]:
    """Every page of a paged read, following ``next_cursor``."""
    cursor = None
    while True:
        page = read(cursor)
        yield page
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def every_item(ledger: Ledger, kind: str, limit: int = 7, **filters: Any) -> list[ListItem]:
    return [
        item
        for page in pages(lambda c: ledger.listing(kind, limit=limit, cursor=c, **filters))
        for item in page.items
    ]


@pytest.fixture
def flows(store_url: str) -> Iterator[Ledger]:
    with Ledger(store=store_url) as ledger:
        for commands in (
            seed002.seed002_petition_commands(),
            seed002.seed002_committee_commands(),
            seed003.seed003_commands(),
            seed004.seed004_commands(),
        ):
            for command in commands:
                try:
                    ledger.execute(command)
                except AlreadyExists:  # the units seed 002's two histories share
                    assert command["type"] == "register_unit"
        yield ledger


def test_new_listings_agree_with_the_aggregates(flows: Ledger) -> None:
    sittings = every_item(flows, "trial_committee_sitting", limit=10, unit=seed002.UNIT)
    assert len(sittings) == flows.statistics(seed002.UNIT).count("trial_committee.sittings")
    assert [i.on for i in sittings] == sorted(i.on for i in sittings)
    for item in sittings[::9]:
        state = flows.state("trial_committee_sitting", item.key)
        assert (item.unit, item.label, item.status) == (state.unit, state.court, "attended")  # type: ignore[attr-defined]
        assert item.type == ("entrusted_deputy" if state.entrusted_deputy else "chief_prosecutor")  # type: ignore[attr-defined]
    partners = every_item(flows, "partner_agreement", limit=4)
    assert len(partners) == 19 and {i.status for i in partners} == {"signed", "terminated"}
    for item in partners:
        agreement = flows.state("partner_agreement", item.key)
        assert item.label == agreement.partner  # type: ignore[attr-defined]
        ended = agreement.terminated_on is not None  # type: ignore[attr-defined]
        assert item.status == ("terminated" if ended else "signed")
    nominations = every_item(flows, "typical_case", limit=3)
    assert len(nominations) == 20
    for item in nominations:
        nomination = flows.state("typical_case", item.key)
        assert (item.case, item.type, item.status) == (
            nomination.case,  # type: ignore[attr-defined]
            nomination.level.value,  # type: ignore[attr-defined]
            nomination.status.value,  # type: ignore[attr-defined]
        )
    selected = every_item(flows, "typical_case", status="selected")
    assert selected and all(i.status == "selected" for i in selected)
    assert (
        flows.listing("typical_case", type="national").items
        == [i for i in nominations if i.type == "national"][:50]
    )


def test_history_pages_cover_the_history_once_and_new_events_follow(flows: Ledger) -> None:
    sitting = every_item(flows, "trial_committee_sitting")[0].key
    ref = TrialCommitteeSitting.id_for(sitting)
    whole = flows.history(ref)
    assert len(whole) > 3
    read = [
        e
        for page in pages(lambda c: flows.history_page(ref, limit=2, cursor=c))
        for e in page.entries
    ]
    assert read == whole
    first = flows.history_page(ref, limit=len(whole) - 1)
    assert isinstance(first, HistoryPage) and first.next_cursor is not None
    # An event recorded between pages follows on the next one, nothing repeated.
    flows.execute(
        {
            "type": "give_trial_committee_opinion",
            "sitting": sitting,
            "opinion": "extra",
            "content": "补充意见。",
            "occurred_at": "2024-06-01T09:00:00",
        }
    )
    rest = flows.history_page(ref, limit=5, cursor=first.next_cursor)
    assert [e.version for e in rest.entries] == [len(whole), len(whole) + 1]
    assert rest.next_cursor is None and rest.entries[-1].fields["opinion"] == "extra"
    with pytest.raises(InvalidCursor, match="other arguments"):
        flows.history_page(ref, limit=2, cursor=first.next_cursor, redact=True)
    with pytest.raises(InvalidArgument, match="limit"):
        flows.history_page(ref, limit=0)


def test_pending_feedback_pages_are_the_unpaged_lists(
    demo_year: tuple[Ledger, DemoSummary],
) -> None:
    ledger, _ = demo_year
    asked: dict[str, Any] = {"unit": "QY", "rollup": True, "as_of": date(2023, 12, 31)}
    whole = ledger.pending_feedback(**asked)
    assert whole.next_cursor is None and whole.opinions and whole.petitions
    seen: dict[str, list[Any]] = {"opinions": [], "suggestions": [], "petitions": []}
    for page in pages(lambda c: ledger.pending_feedback(limit=3, cursor=c, **asked)):
        for name, items in seen.items():
            found = getattr(page, name)
            assert len(found) <= 3
            items.extend(found)
    assert seen == {
        "opinions": whole.opinions,
        "suggestions": whole.suggestions,
        "petitions": whole.petitions,
    }
    page = ledger.pending_feedback(limit=1, **asked)
    with pytest.raises(InvalidCursor):
        ledger.pending_feedback(limit=1, cursor=page.next_cursor, overdue_only=True, **asked)
    with pytest.raises(InvalidArgument, match="cursor"):
        ledger.pending_feedback(cursor=page.next_cursor, **asked)
    with pytest.raises(InvalidCursor):
        ledger.pending_feedback(limit=1, cursor="garbage", **asked)


def test_pending_feedback_pages_on_every_store(flows: Ledger) -> None:
    asked: dict[str, Any] = {"as_of": date(2030, 1, 1)}
    whole = flows.pending_feedback(**asked)
    assert len(whole.petitions) > 2
    read: dict[str, list[Any]] = {"opinions": [], "suggestions": [], "petitions": []}
    for page in pages(lambda c: flows.pending_feedback(limit=2, cursor=c, **asked)):
        for name, items in read.items():
            items.extend(getattr(page, name))
    assert read == {name: getattr(whole, name) for name in read}


def test_hearing_register_pages_on_every_store(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        from ledger_stories import Story, seed_000

        seed_000(Story(ledger))
        whole = ledger.hearings("QY", rollup=True)
        assert len(whole.hearings) > 10 and whole.next_cursor is None
        read = [
            h
            for page in pages(lambda c: ledger.hearings("QY", rollup=True, limit=4, cursor=c))
            for h in page.hearings
        ]
        assert read == whole.hearings
        first = ledger.hearings("QY", rollup=True, limit=4)
        with pytest.raises(InvalidCursor):
            ledger.hearings("QC", limit=4, cursor=first.next_cursor)
        with pytest.raises(InvalidCursor):  # a listing's cursor is not a register's
            ledger.hearings(
                "QY", rollup=True, limit=4, cursor=ledger.listing("case", limit=1).next_cursor
            )


def test_paging_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(store=store) as ledger:
        for command in seed003.seed003_commands():
            ledger.execute(command)
        whole = ledger.history(f"unit:{seed003.UNIT}")
    assert main(["list", "partners", "--limit", "10", "--store", store]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 11 and out[-1].startswith("more: --cursor ")
    cursor = out[-1].split()[-1]
    assert main(["list", "partners", "--limit", "10", "--cursor", cursor, "--store", store]) == 0
    rest = capsys.readouterr().out.splitlines()
    assert len(rest) == 9 and not rest[-1].startswith("more")
    assert (
        main(["history", f"unit:{seed003.UNIT}", "--limit", "1", "--json", "--store", store]) == 0
    )
    page = json.loads(capsys.readouterr().out)
    assert [e["version"] for e in page["events"]] == [1] and page["state"] is None
    assert (page["next_cursor"] is None) == (len(whole) == 1)
    assert main(["history", "unit:X", "--cursor", "c", "--store", store]) == 2
    assert (
        main(["history", "unit:X", "--limit", "2", "--as-of", "2023-01-01", "--store", store]) == 2
    )
    assert main(["hearings", "--cursor", "c", "--store", store]) == 2
    assert main(["feedback", "--limit", "1", "--as-of", "2023-12-31", "--store", store]) == 0
    capsys.readouterr()
    assert main(["feedback", "--limit", "1", "--cursor", "bad", "--store", store]) == 2
    assert "cursor" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("where", "params"),
    [
        ("unit IN (?) AND (proposed_on, hearing) > (?, ?)", ["QY-QC", "2023-06-01", "K"]),
        ("(proposed_on, hearing) > (?, ?)", ["2023-06-01", "K"]),
    ],
)
def test_register_pages_are_read_in_index_order_without_sorting(
    demo_year: tuple[Ledger, DemoSummary], where: str, params: list[str]
) -> None:
    ledger, _ = demo_year
    ledger.catch_up()
    plan = ledger.views.db.run(
        f"EXPLAIN QUERY PLAN SELECT hearing FROM view_hearing WHERE {where} "
        "ORDER BY proposed_on, hearing LIMIT 51",
        params,
    )
    details = " ".join(str(row[-1]) for row in plan)
    assert re.search(r"USING (COVERING )?INDEX view_hearing_by", details), details
    assert "TEMP B-TREE" not in details, details
