"""What the reply-timing sections share: the cohort query on a fact table and the
figures' item lists by reply timing.

Suggestions (:mod:`.suggestions`) and petitions (:mod:`.petitions`) both take the rows
of their fact table in scope whose cohort date lies in the period, in the order of the
event that dates them (``pos``, the last column), and sort them into lists by
:class:`ReplyTiming` against a due date the policy gives.
"""

from __future__ import annotations

from collections.abc import Callable

from ...domain.values import ReplyTiming
from ..engine import Row
from .base import FigureQuery, Item, ItemQuery

#: The timings of replies that were due before ``as_of`` (a rate's denominator).
REPLY_DUE = (ReplyTiming.ON_TIME, ReplyTiming.LATE, ReplyTiming.OVERDUE)


def timings() -> dict[ReplyTiming, list[Item]]:
    """An empty list of items per reply timing."""
    return {timing: [] for timing in ReplyTiming}


def cohort_rows(
    q: FigureQuery, table: str, columns: str, cohort_date: str, where: str = "1 = 1"
) -> list[Row]:
    """The ``columns`` (the last of them ``pos``) of the rows of ``table`` in the query's
    scope (by ``unit``) whose ``cohort_date`` lies in its period, also matching
    ``where``; in the order of their positions."""
    scope, sp = q.scope("unit")
    period, pp = q.period(cohort_date)
    rows = q.rows(f"SELECT {columns} FROM {table} WHERE {where}{scope}{period}", [*sp, *pp])
    return sorted(rows, key=lambda r: int(r[-1] or 0))


def timed(
    found: Callable[[FigureQuery], dict[ReplyTiming, list[Item]]], *wanted: ReplyTiming
) -> ItemQuery:
    """The items whose timing in ``found(q)`` is one of ``wanted``, by position."""

    def items(q: FigureQuery) -> list[Item]:
        by_timing = found(q)
        return sorted((i for t in wanted for i in by_timing[t]), key=lambda i: i.positions)

    return items


def listed(found: Callable[[FigureQuery], object], name: str) -> ItemQuery:
    """The items of the list ``name`` of the object ``found(q)`` gives."""

    def items(q: FigureQuery) -> list[Item]:
        chosen: list[Item] = getattr(found(q), name)
        return chosen

    return items
