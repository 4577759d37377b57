"""The reproducible random draw (随机抽选) and the policy's calendar arithmetic."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from builders import (
    POLICY,
    at,
    case_with_activity,
    emitted,
    officers,
    refused,
    scheduled_hearing,
    supervisor,
)

from supervision_ledger.domain import (
    Case,
    Deadline,
    DrawRequired,
    Policy,
    Role,
    RosterScope,
    UnitLevel,
    WeekdayCalendar,
    draw,
    draw_rank,
)
from supervision_ledger.domain.policy import add_months

POOL = tuple(f"S{i:02d}" for i in range(20))

# -- the draw --------------------------------------------------------------------------


def test_rank_is_sha256_of_seed_and_key() -> None:
    # What an auditor re-implements in another language.
    expected = int.from_bytes(hashlib.sha256("7:朱某某".encode()).digest(), "big")
    assert draw_rank(7, "朱某某") == expected


def test_same_seed_and_pool_give_the_same_draw_whatever_the_order() -> None:
    first = draw(POOL, 5, 12345)
    assert draw(tuple(reversed(POOL)), 5, 12345) == first
    assert draw([*POOL, *POOL], 5, 12345) == first  # duplicates do not weigh more
    assert len(set(first)) == 5 and set(first) <= set(POOL)
    assert first == tuple(sorted(POOL, key=lambda k: draw_rank(12345, k))[:5])


def test_different_seeds_give_different_draws() -> None:
    draws = {draw(POOL, 3, seed) for seed in range(20)}
    assert len(draws) > 10


def test_draw_of_everyone_is_the_whole_pool() -> None:
    assert sorted(draw(POOL, len(POOL), 1)) == sorted(POOL)
    assert draw(POOL, 0, 1) == ()


def test_recorded_draw_reruns_to_the_recorded_result() -> None:
    k = case_with_activity()
    people = [supervisor(key) for key in POOL]
    people[3].suspend("x", at(2023, 1, 1), POLICY)
    k.draw_supervisors(
        "A1", people, Role.PEOPLES_SUPERVISOR, 4, None, 987654321, at(2023, 3, 3), POLICY
    )
    (event,) = emitted(k)
    assert isinstance(event, Case.SupervisorsDrawn)
    assert "S03" not in event.pool and len(event.pool) == 19
    assert draw(event.pool, event.count, event.seed) == event.drawn
    # The same draw on another case with the same eligible pool picks the same people.
    other = case_with_activity(key="K2")
    other.draw_supervisors(
        "A1", people, Role.PEOPLES_SUPERVISOR, 4, None, 987654321, at(2023, 3, 3), POLICY
    )
    assert emitted(other)[0].drawn == event.drawn


# -- deadlines ---------------------------------------------------------------------------


def test_calendar_day_deadline() -> None:
    # "within 7 days" of receipt on day D: on time through D + 7.
    assert Deadline(7).due(date(2023, 12, 28), WeekdayCalendar()) == date(2024, 1, 4)
    assert Deadline(15).due(date(2024, 2, 20), WeekdayCalendar()) == date(2024, 3, 6)


def test_working_day_deadline_skips_weekends() -> None:
    # Friday 2023-06-02 + 7 working days: Mon 5 … Fri 9 (5), Mon 12, Tue 13.
    assert Deadline(7, working_days=True).due(date(2023, 6, 2), WeekdayCalendar()) == date(
        2023, 6, 13
    )


def test_working_day_deadline_with_holidays_and_make_up_days() -> None:
    # National Day 2023: 29 Sep – 6 Oct off; Saturday 7 and Sunday 8 October are
    # make-up working days (调休).
    holidays = frozenset(date(2023, 9, 29) + timedelta(days=i) for i in range(8))
    make_up = frozenset({date(2023, 10, 7), date(2023, 10, 8)})
    cal = WeekdayCalendar(holidays=holidays, extra_working_days=make_up)
    assert not cal.is_working_day(date(2023, 10, 2))  # a Monday, but a holiday
    assert cal.is_working_day(date(2023, 10, 7))  # a Saturday, but a working day
    # Thursday 28 Sep + 3 working days: Sat 7 Oct, Sun 8 Oct, Mon 9 Oct.
    assert Deadline(3, working_days=True).due(date(2023, 9, 28), cal) == date(2023, 10, 9)
    # Without the make-up days it would be Wed 11 Oct.
    plain = WeekdayCalendar(holidays=holidays)
    assert Deadline(3, working_days=True).due(date(2023, 9, 28), plain) == date(2023, 10, 11)


def test_feedback_due_follows_the_policy_and_local_date() -> None:
    # Decided at 23:30 local on 31 Dec (15:30 UTC): counted from 31 Dec.
    decided = datetime(2023, 12, 31, 15, 30, tzinfo=ZoneInfo("UTC"))
    assert POLICY.feedback_due_on(decided) == date(2024, 1, 15)
    working = Policy(feedback_due=Deadline(2, working_days=True))
    assert working.feedback_due_on(decided) == date(2024, 1, 2)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 3, 15), 2, date(2023, 5, 15)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2023, 12, 31), 12, date(2024, 12, 31)),
        (date(2023, 5, 31), -1, date(2023, 4, 30)),
        (date(2023, 1, 15), 0, date(2023, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# -- local dates and terms -----------------------------------------------------------------


def test_late_evening_on_new_years_eve_belongs_to_that_year() -> None:
    moment = datetime(2023, 12, 31, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert moment.astimezone(ZoneInfo("UTC")).hour == 15
    assert POLICY.local_date(moment) == date(2023, 12, 31)
    assert POLICY.local_date(moment.astimezone(ZoneInfo("UTC"))) == date(2023, 12, 31)
    # 16:30 UTC is already 1 January in Shanghai.
    assert POLICY.local_date(datetime(2023, 12, 31, 16, 30, tzinfo=ZoneInfo("UTC"))) == date(
        2024, 1, 1
    )


def test_local_date_follows_the_policy_time_zone() -> None:
    moment = datetime(2023, 12, 31, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert Policy(timezone="Europe/London").local_date(moment) == date(2023, 12, 31)
    assert Policy(timezone="Pacific/Auckland").local_date(moment) == date(2024, 1, 1)


def test_term_end_is_the_day_before_the_anniversary() -> None:
    assert POLICY.term_end(date(2023, 1, 1)) == date(2027, 12, 31)
    # A term from 29 Feb loses no day in a year without one: it ends on 28 Feb.
    assert POLICY.term_end(date(2024, 2, 29)) == date(2029, 2, 28)
    assert POLICY.term_end(date(2024, 3, 1)) == date(2029, 2, 28)
    assert Policy(term_years=3).term_end(date(2023, 7, 1)) == date(2026, 6, 30)


# -- drawn or hand-picked (Policy.drawn_roles) --------------------------------------------

DRAWN_ONLY = Policy(drawn_roles=frozenset({Role.PEOPLES_SUPERVISOR}))


def test_by_default_a_peoples_supervisor_may_be_invited_by_name() -> None:
    k = case_with_activity()
    k.invite("A1", supervisor(), Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), POLICY)
    assert not k.invitation("A1", "S1").drawn


def test_a_drawn_role_is_refused_by_name_and_drawn_instead() -> None:
    k = case_with_activity()
    people = [supervisor(f"S{i}") for i in range(1, 4)]
    with refused(DrawRequired, k, names=["'S1'", "peoples_supervisor", "'A1'"]):
        k.invite("A1", people[0], Role.PEOPLES_SUPERVISOR, at(2023, 3, 3), DRAWN_ONLY)
    # Other roles may still be chosen.
    officer = supervisor("T1", roles=(Role.HEARING_OFFICER,))
    k.invite("A1", officer, Role.HEARING_OFFICER, at(2023, 3, 3), DRAWN_ONLY)
    (first,) = k.draw_supervisors(
        "A1", people, Role.PEOPLES_SUPERVISOR, 1, None, 7, at(2023, 3, 3), DRAWN_ONLY
    )
    assert k.invitation("A1", first).drawn
    # A replacement is drawn too, never named.
    named = next(p for p in people if p.key != first)
    with refused(DrawRequired, k, names=[repr(named.key)]):
        k.replace_supervisor("A1", first, named, people, 1, "生病", at(2023, 3, 4), DRAWN_ONLY)
    new = k.replace_supervisor("A1", first, None, people, 1, "生病", at(2023, 3, 4), DRAWN_ONLY)
    assert k.invitation("A1", new).drawn and k.invitation("A1", new).replaces == first


def test_a_hearing_refuses_named_people_of_a_drawn_role() -> None:
    policy = Policy(drawn_roles=frozenset({Role.PEOPLES_SUPERVISOR, Role.HEARING_OFFICER}))
    h = scheduled_hearing()
    (officer,) = officers(1)
    observer = supervisor()
    with refused(DrawRequired, h, names=["'T1'", "hearing_officer", "'H1'"]):
        h.invite_officer(officer, at(2023, 4, 4), policy)
    with refused(DrawRequired, h, names=["'S1'"]):
        h.invite_observer(observer, Role.PEOPLES_SUPERVISOR, at(2023, 4, 4), policy)
    deputy = supervisor("D1", roles=(Role.NPC_DEPUTY,))
    h.invite_observer(deputy, Role.NPC_DEPUTY, at(2023, 4, 4), policy)  # not a drawn role
    (drawn,) = h.draw_officers([officer], 1, None, 3, at(2023, 4, 4), policy)
    with refused(DrawRequired, h, names=["'T2'"]):
        h.replace_officer(drawn, officers(2)[1], "生病", at(2023, 4, 5), policy)


def test_roster_scopes_name_the_units_whose_rosters_a_draw_uses() -> None:
    chain = [("D", UnitLevel.DISTRICT), ("C", UnitLevel.CITY), ("P", UnitLevel.PROVINCE)]
    scoped = Policy(
        roster_scopes={
            Role.PEOPLES_SUPERVISOR: RosterScope.CITY_AND_ABOVE,
            Role.HEARING_OFFICER: RosterScope.UNIT_ONLY,
        }
    )
    assert scoped.roster_units(Role.PEOPLES_SUPERVISOR, chain) == {"C", "P"}
    assert scoped.roster_units(Role.HEARING_OFFICER, chain) == {"D"}
    assert scoped.roster_units(Role.MEDIATOR, chain) == {"D", "C", "P"}  # not named
    assert POLICY.roster_units(Role.PEOPLES_SUPERVISOR, chain) == {"D", "C", "P"}
    # A policy stays a hashable value, equal to one given the same scopes.
    again = Policy(roster_scopes=dict(scoped.roster_scopes))
    assert again == scoped and hash(again) == hash(scoped)
    # A city draws from its own roster and the province's.
    assert scoped.roster_units(Role.PEOPLES_SUPERVISOR, chain[1:]) == {"C", "P"}
