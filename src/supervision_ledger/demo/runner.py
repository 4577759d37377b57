"""Running the year: the flows interleaved in business-time order until 31 December."""

from __future__ import annotations

import heapq
import random
from datetime import date, datetime

from .. import commands as c
from ..application import CommandResult, Ledger
from ..domain.values import ActivityType
from ..projections.engine import Progress
from .activities import activity_flow
from .clock import YEAR, YEAR_END, YEAR_START, ZONE, in_office_hours
from .hearings import hearing_flow
from .names import DRAW_SEED_LIMIT, Flow
from .neighbours import neighbouring_flows
from .plan import YearPlan, plan_year
from .roster import World, build_roster, roster_flow
from .summary import DemoSummary, summarize
from .unit_activities import unit_activity_flows


def run_demo(
    ledger: Ledger, seed: int, progress: Progress | None = None, *, breakdowns: bool = False
) -> DemoSummary:
    """Record a realistic year of 清城区人民检察院 in ``ledger``; the same ``seed`` gives the
    same commands (with the same ``command_id``), so a second run records nothing new.
    ``breakdowns`` adds the figures per unit and per month (for the HTML bulletin)."""
    rng = random.Random(seed)
    world = World(build_roster(rng))
    year = plan_year(rng)
    flows = [
        roster_flow(world, random.Random(rng.randrange(DRAW_SEED_LIMIT)), *recusals(year)),
        *(activity_flow(world, a) for a in year.activities),
        *(hearing_flow(world, h) for h in year.hearings),
    ]
    flows += neighbouring_flows(
        random.Random(rng.randrange(DRAW_SEED_LIMIT)), year, world, ledger.policy
    )
    # Drawn last from ``rng``: the flows above keep their random choices.
    flows += unit_activity_flows(random.Random(rng.randrange(DRAW_SEED_LIMIT)), world)
    executed, replayed = run_flows(ledger, seed, flows, progress)
    return summarize(ledger, seed, executed, replayed, breakdowns)


def recusals(year: YearPlan) -> tuple[str, str]:
    """A case a people's supervisor declares an interest in, and a party a hearing
    officer is related to (回避)."""
    case = next(
        a.case
        for a in year.activities
        if a.draws
        and a.day > date(YEAR, 2, 1)
        and a.activity_type is not ActivityType.PROCURATORIAL_SUGGESTION
    )
    party = next(h.parties[0] for h in year.hearings if h.day > date(YEAR, 2, 1))
    return case, party


def run_flows(
    ledger: Ledger, seed: int, flows: list[Flow], progress: Progress | None = None
) -> tuple[list[c.Command], int]:
    """Run the flows interleaved in business-time order until the end of the year.

    Returns the commands executed and how many of them were already recorded (same id).
    ``progress(day, days)`` is told the business day of the year reached.
    """
    days = (YEAR_END.date() - YEAR_START.date()).days
    heap: list[tuple[datetime, int, c.Command]] = []
    for index, flow in enumerate(flows):
        first = next(flow, None)
        if first is not None:
            heapq.heappush(heap, (first.occurred_at, index, first))
    executed: list[c.Command] = []
    replayed = 0
    while heap:
        when, index, command = heapq.heappop(heap)
        if when >= YEAR_END:
            break  # the heap is ordered: everything left is next year's
        if not in_office_hours(when):
            raise AssertionError(f"demo flow {index} works outside office hours: {command!r}")
        command = command.model_copy(update={"command_id": f"demo-{seed}-{len(executed) + 1}"})
        result = ledger.execute(command)
        if progress is not None:
            progress((when.astimezone(ZONE).date() - YEAR_START.date()).days + 1, days)
        executed.append(command)
        replayed += result.replayed
        following = next_command(flows[index], result, when, index)
        if following is not None:
            heapq.heappush(heap, (following.occurred_at, index, following))
    return executed, replayed


def next_command(flow: Flow, result: CommandResult, when: datetime, index: int) -> c.Command | None:
    """The flow's next command, sent the last one's result; None when it has ended."""
    try:
        following = flow.send(result)
    except StopIteration:
        return None
    if following.occurred_at < when:
        raise AssertionError(f"demo flow {index} went back in time: {following!r}")
    return following
