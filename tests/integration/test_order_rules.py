"""Issue 8, point 3: business-time order. A ledger is often filled in after the fact, so
back-filling is accepted; but an event cannot precede what it depends on. One test per
reproducer of the issue, each through the public API, each asserting the rule's name and
that nothing was recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from supervision_ledger import Ledger
from supervision_ledger.domain import Policy
from supervision_ledger.domain.errors import LedgerError


class Book:
    """A ledger with a unit, two people and a case registered on 2023-03-01 09:00."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def do(self, type_: str, **fields: Any) -> dict[str, Any]:
        return dict(self.ledger.execute({"type": type_, **fields}).ids)

    def refused(self, rule: str, type_: str, **fields: Any) -> LedgerError:
        head = self.ledger.app.recorder.max_notification_id()
        with pytest.raises(LedgerError) as info:
            self.do(type_, **fields)
        assert info.value.rule == rule, str(info.value)
        assert self.ledger.app.recorder.max_notification_id() == head
        return info.value


def open_book(policy: Policy | None = None) -> Iterator[Book]:
    with Ledger(store="sqlite:///:memory:", policy=policy or Policy()) as ledger:
        book = Book(ledger)
        book.do(
            "register_unit",
            unit="QC",
            name="清城",
            level="district",
            occurred_at="2020-01-01T09:00",
        )
        for key, roles, appointed in (
            ("S1", ["peoples_supervisor"], "2022-03-01T09:00"),
            ("H1", ["hearing_officer"], "2022-03-01T09:00"),
            # Appointed on 2023-06-01 to a term back-dated to 2023-01-01.
            ("L1", ["peoples_supervisor"], "2023-06-01T09:00"),
        ):
            book.do(
                "appoint_supervisor",
                supervisor=key,
                unit="QC",
                name=f"{key}某",
                roles=roles,
                term_start="2023-01-01" if key == "L1" else "2022-03-01",
                occurred_at=appointed,
            )
        book.do(
            "register_case",
            case="K1",
            unit="QC",
            kind="criminal_appeal",
            handling_prosecutor="李检",
            parties=[{"name": "王某"}],
            received_on="2023-02-20",
            occurred_at="2023-03-01T09:00",
        )
        yield book


@pytest.fixture
def book() -> Iterator[Book]:
    yield from open_book()


def activity_with_opinion(book: Book, day: str = "2023-03-10") -> None:
    book.do("open_activity", case="K1", activity_type="other", occurred_at=f"{day}T09:00")
    book.do(
        "invite_supervisor", case="K1", activity="A1", supervisor="S1", occurred_at=f"{day}T10:00"
    )
    book.do(
        "record_attendance", case="K1", activity="A1", supervisor="S1", occurred_at=f"{day}T11:00"
    )
    book.do(
        "submit_opinion",
        case="K1",
        activity="A1",
        supervisor="S1",
        content="意见",
        occurred_at=f"{day}T12:00",
    )


# -- a case and what depends on it ---------------------------------------------------------


def test_an_activity_cannot_precede_its_case(book: Book) -> None:
    error = book.refused(
        "before_case_registered",
        "open_activity",
        case="K1",
        activity_type="other",
        occurred_at="2023-02-28T09:00",
    )
    assert "K1" in error.message


def test_a_case_cannot_be_registered_before_it_was_received(book: Book) -> None:
    error = book.refused(
        "registered_before_received",
        "register_case",
        case="K2",
        unit="QC",
        kind="other",
        handling_prosecutor="李检",
        received_on="2023-03-02",
        occurred_at="2023-03-01T23:00",
    )
    assert "2023-03-02" in error.message
    # The same day is fine: a case is often registered on the day it arrives.
    book.do(
        "register_case",
        case="K2",
        unit="QC",
        kind="other",
        handling_prosecutor="李检",
        received_on="2023-03-02",
        occurred_at="2023-03-02T08:00",
    )


def test_a_case_decision_cannot_precede_the_case(book: Book) -> None:
    book.refused(
        "before_case_registered",
        "record_case_decision",
        case="K1",
        decision="不起诉",
        occurred_at="2023-02-01T09:00",
    )


def test_a_hearing_cannot_be_proposed_before_its_case(book: Book) -> None:
    book.refused(
        "before_case_registered",
        "propose_hearing",
        hearing="H-1",
        case="K1",
        occurred_at="2023-02-27T09:00",
    )


def test_a_case_cannot_close_before_its_opinions_were_answered(book: Book) -> None:
    activity_with_opinion(book)
    for step, hour, extra in (
        ("receive_opinion", 13, {}),
        ("route_opinion", 14, {"department": "第一检察部"}),
        ("decide_opinion", 15, {"outcome": "adopted"}),
    ):
        book.do(step, case="K1", opinion="O1", occurred_at=f"2023-03-10T{hour}:00", **extra)
    book.do(
        "give_feedback", case="K1", opinion="O1", content="已采纳", occurred_at="2023-03-20T09:00"
    )
    error = book.refused(
        "closed_before_last_step", "close_case", case="K1", occurred_at="2023-03-15T09:00"
    )
    assert "2023-03-20" in error.message
    book.do("close_case", case="K1", occurred_at="2023-03-20T10:00")
    # The implementation report may still come after the case closed.
    book.do(
        "report_implementation",
        case="K1",
        opinion="O1",
        content="已落实",
        occurred_at="2023-04-01T09:00",
    )


# -- a person and their service ---------------------------------------------------------------


def test_an_invitation_cannot_precede_the_appointment(book: Book) -> None:
    book.do("open_activity", case="K1", activity_type="other", occurred_at="2023-03-10T09:00")
    error = book.refused(
        "before_appointment",
        "invite_supervisor",
        case="K1",
        activity="A1",
        supervisor="L1",
        occurred_at="2023-03-10T10:00",
    )
    assert "2023-06-01" in error.message
    # A draw on that day does not pick them either.
    drawn = book.do(
        "draw_supervisors",
        case="K1",
        activity="A1",
        count=1,
        seed=7,
        occurred_at="2023-03-10T10:00",
    )
    assert drawn["drawn"] == ["S1"]


def test_a_supervisor_initiated_opinion_cannot_precede_the_appointment(book: Book) -> None:
    book.refused(
        "before_appointment",
        "open_activity",
        case="K1",
        activity_type="supervisor_initiated",
        initiated_by="L1",
        occurred_at="2023-05-01T09:00",
    )


def test_service_before_the_appointment_is_a_policy_choice() -> None:
    for book in open_book(Policy(service_before_appointment=True)):
        book.do("open_activity", case="K1", activity_type="other", occurred_at="2023-03-10T09:00")
        book.do(
            "invite_supervisor",
            case="K1",
            activity="A1",
            supervisor="L1",
            occurred_at="2023-03-10T10:00",
        )
        assert "L1" in book.ledger.case("K1").activities["A1"].invitations


def test_an_allowance_cannot_precede_the_term_or_the_appointment(book: Book) -> None:
    pay = {"amount": "100", "purpose": "履职补贴"}
    error = book.refused(
        "allowance_before_term",
        "pay_allowance",
        supervisor="S1",
        occurred_at="2022-02-28T09:00",
        **pay,
    )
    assert "2022-03-01" in error.message
    book.refused(
        "before_appointment",
        "pay_allowance",
        supervisor="L1",
        occurred_at="2023-05-31T09:00",
        **pay,
    )
    book.do("pay_allowance", supervisor="L1", occurred_at="2023-06-01T09:00", **pay)


def test_an_opinion_after_a_declared_recusal_is_refused(book: Book) -> None:
    book.do("open_activity", case="K1", activity_type="other", occurred_at="2023-03-10T09:00")
    book.do(
        "invite_supervisor",
        case="K1",
        activity="A1",
        supervisor="S1",
        occurred_at="2023-03-10T10:00",
    )
    book.do(
        "record_attendance",
        case="K1",
        activity="A1",
        supervisor="S1",
        occurred_at="2023-03-10T11:00",
    )
    book.do(
        "declare_relationship",
        supervisor="S1",
        relationship="close_relative",
        party="王某",
        occurred_at="2023-03-10T11:30",
    )
    book.refused(
        "supervisor_recused",
        "submit_opinion",
        case="K1",
        activity="A1",
        supervisor="S1",
        content="意见",
        occurred_at="2023-03-10T12:00",
    )


def test_a_hearing_cannot_move_past_an_invited_officers_term(book: Book) -> None:
    book.do(
        "appoint_supervisor",
        supervisor="H2",
        unit="QC",
        name="H2某",
        roles=["hearing_officer"],
        term_start="2019-04-01",
        term_end="2023-04-30",
        occurred_at="2019-04-01T09:00",
    )
    book.do("propose_hearing", hearing="H-1", case="K1", occurred_at="2023-03-02T09:00")
    book.do("approve_hearing", hearing="H-1", approved_by="检察长", occurred_at="2023-03-02T10:00")
    schedule = {"presiding_prosecutor": "张检", "hearing": "H-1"}
    book.do(
        "schedule_hearing",
        scheduled_for="2023-04-20T09:00",
        occurred_at="2023-03-03T09:00",
        **schedule,
    )
    book.do(
        "invite_hearing_officer", hearing="H-1", supervisor="H2", occurred_at="2023-03-04T09:00"
    )
    error = book.refused(
        "supervisor_not_active",
        "schedule_hearing",
        scheduled_for="2023-05-10T09:00",
        occurred_at="2023-03-05T09:00",
        **schedule,
    )
    assert "H2" in error.message and "2023-05-10" in error.message
    # Once the officer is replaced, the hearing can move.
    book.do(
        "replace_hearing_officer",
        hearing="H-1",
        supervisor="H2",
        replacement="H1",
        occurred_at="2023-03-06T09:00",
    )
    book.do(
        "schedule_hearing",
        scheduled_for="2023-05-10T09:00",
        occurred_at="2023-03-07T09:00",
        **schedule,
    )


def test_a_one_day_gap_does_not_reset_the_term_limit(book: Book) -> None:
    book.do(
        "appoint_supervisor",
        supervisor="T1",
        unit="QC",
        name="T1某",
        roles=["peoples_supervisor"],
        term_start="2014-03-01",
        term_end="2019-02-28",
        occurred_at="2014-03-01T09:00",
    )
    book.do(
        "renew_term",
        supervisor="T1",
        term_start="2019-03-01",
        term_end="2024-02-28",
        occurred_at="2019-02-01T09:00",
    )
    # 29 February 2024 is the one day between the second and a third term.
    book.refused(
        "term_limit_exceeded",
        "renew_term",
        supervisor="T1",
        term_start="2024-03-01",
        occurred_at="2024-02-01T09:00",
    )


# -- back-filling is legitimate ---------------------------------------------------------------


def test_back_filled_history_in_business_order_is_accepted(book: Book) -> None:
    """Recorded after the fact and out of recorded order, but each event after what it
    depends on: all accepted."""
    book.do(
        "register_case",
        case="K0",
        unit="QC",
        kind="other",
        handling_prosecutor="李检",
        received_on="2022-05-01",
        occurred_at="2022-05-02T09:00",
    )
    book.do("open_activity", case="K0", activity_type="other", occurred_at="2022-05-03T09:00")
    book.do(
        "invite_supervisor",
        case="K0",
        activity="A1",
        supervisor="S1",
        occurred_at="2022-05-03T10:00",
    )
    book.do(
        "pay_allowance",
        supervisor="S1",
        amount="50",
        purpose="补贴",
        occurred_at="2022-05-04T09:00",
    )
    assert book.ledger.dossier("S1").supervisor == "S1"
