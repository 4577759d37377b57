"""The demo's calendar: the year, its time zone, office hours, and moments within them."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
YEAR = 2023
YEAR_START = datetime(YEAR, 1, 1, tzinfo=ZONE)
#: Nothing at or after this business time is recorded: the ledger as of 31 December.
YEAR_END = datetime(YEAR + 1, 1, 1, tzinfo=ZONE)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend (hearings and activities are on
    working days)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


#: Office hours: every business time the demo records falls within them on a working day.
OPENS, CLOSES = time(8, 30), time(18, 0)


def office_hours(t: datetime) -> datetime:
    """``t`` if it is within office hours on a working day, else a moment early on the
    next working morning (08:30–09:59, spread by ``t`` itself so that steps moved
    overnight do not all land on the same minute). Never earlier than ``t``."""
    if t.weekday() < 5 and OPENS <= t.timetz().replace(tzinfo=None) <= CLOSES:
        return t
    day = t.date() if t.timetz().replace(tzinfo=None) < OPENS else t.date() + timedelta(days=1)
    spread = (t.hour * 7 + t.minute) % 90
    return at(weekday(day), 8, 30) + timedelta(minutes=spread)


def in_office_hours(t: datetime) -> bool:
    return office_hours(t) == t


def later(now: datetime, rng: random.Random, min_minutes: int, max_minutes: int) -> datetime:
    """A moment ``min_minutes``–``max_minutes`` after ``now``, moved into office hours."""
    return office_hours(now + timedelta(minutes=rng.randint(min_minutes, max_minutes)))


def on_day(prev: datetime, day: date, rng: random.Random) -> datetime:
    """A moment of office hours on ``day`` (or the next working day), after ``prev``."""
    t = at(weekday(day), rng.randint(9, 16), rng.randint(0, 59))
    return t if t > prev else later(prev, rng, 10, 60)


def day_in(rng: random.Random, start: date, end: date) -> date:
    """A working day between ``start`` and ``end``."""
    return weekday(start + timedelta(days=rng.randint(0, (end - start).days)))
