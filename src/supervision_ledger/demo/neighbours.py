"""The flows around supervision (docs/flows.md) — partner units, leads, procuratorial
suggestions, petitions, typical cases, the trial committee — planned on the year's cases
and roster, in a fixed order of random choices."""

from __future__ import annotations

import random

from ..domain import Policy
from .leads import convert, lead_flow, plan_leads
from .names import DRAW_SEED_LIMIT, Flow
from .partners import partners_flow
from .petitions import petition_flow, plan_petitions
from .plan import YearPlan
from .roster import World
from .suggestions import plan_suggestions, suggestion_flow
from .trial_committee import trial_committee_flows
from .typical_cases import typical_case_flows


def neighbouring_flows(
    rng: random.Random, year: YearPlan, world: World, policy: Policy
) -> list[Flow]:
    """The flows around supervision, at a district's scale."""

    def seeded() -> random.Random:
        return random.Random(rng.randrange(DRAW_SEED_LIMIT))

    prosecutors = sorted({p.prosecutor for p in year.activities})
    flows: list[Flow] = [partners_flow(seeded())]
    leads = plan_leads(rng, seeded, world, prosecutors)
    converted = convert(rng, leads, year)
    flows += [lead_flow(lead) for lead in leads]
    suggestions = plan_suggestions(rng, seeded, year, converted, prosecutors)
    flows += [suggestion_flow(s, policy) for s in suggestions]
    petitions = plan_petitions(rng, seeded, [*year.activities, *year.hearings])
    flows += [petition_flow(p, policy) for p in petitions]
    flows += typical_case_flows(rng, seeded, year)
    flows += trial_committee_flows(rng, seeded)
    return flows
