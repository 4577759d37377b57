"""The chief prosecutor at the court's trial committee (检察长列席审判委员会): sittings
attended, opinions given, and whether the court adopted them."""

from __future__ import annotations

from ...domain.trial_committee import TrialCommitteeSitting
from ..engine import Tx, View, on
from .base import FigureQuery, FigureValue, Item, ItemQuery, Rate, Section, item

SECTION = Section(
    "trial_committee",
    "检察长列席审判委员会",
    "Chief prosecutor at the trial committee",
    "the local date of the sitting (Attended) for sittings, and of the opinion "
    "(OpinionGiven) for opinions; adoption counts whenever recorded",
)
figure, count = SECTION.figure, SECTION.count


class SittingFacts(View):
    """One row per sitting attended, and one per opinion given there."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_flow_sitting": "sitting_id TEXT PRIMARY KEY, unit TEXT NOT NULL, "
        "attended_on TEXT NOT NULL, entrusted_deputy INTEGER NOT NULL, pos BIGINT NOT NULL",
        "view_flow_committee_opinion": "sitting_id TEXT NOT NULL, opinion TEXT NOT NULL, "
        "unit TEXT NOT NULL, given_on TEXT NOT NULL, adopted INTEGER, pos BIGINT NOT NULL, "
        "PRIMARY KEY (sitting_id, opinion)",
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "view_flow_sitting_by_unit": "view_flow_sitting (unit, attended_on)",
        "view_flow_committee_opinion_by_unit": "view_flow_committee_opinion (unit, given_on)",
    }

    @on(TrialCommitteeSitting.Attended)
    def sitting_attended(self, tx: Tx, e: TrialCommitteeSitting.Attended) -> None:
        tx.upsert(
            "view_flow_sitting",
            {"sitting_id": str(e.originator_id)},
            {
                "unit": e.unit,
                "attended_on": tx.local_date(e.occurred_at),
                "entrusted_deputy": int(e.entrusted_deputy),
                "pos": tx.position,
            },
        )

    @on(TrialCommitteeSitting.OpinionGiven)
    def committee_opinion_given(self, tx: Tx, e: TrialCommitteeSitting.OpinionGiven) -> None:
        sitting = tx.one(
            "SELECT unit FROM view_flow_sitting WHERE sitting_id = ?", [str(e.originator_id)]
        )
        assert sitting is not None, "an opinion follows its sitting"
        tx.upsert(
            "view_flow_committee_opinion",
            {"sitting_id": str(e.originator_id), "opinion": e.opinion},
            {"unit": sitting[0], "given_on": tx.local_date(e.occurred_at), "pos": tx.position},
        )

    def _committee_adoption(self, tx: Tx, e: TrialCommitteeSitting.Event, opinion: str) -> None:
        adopted = isinstance(e, TrialCommitteeSitting.OpinionAdopted)
        tx.rows(
            "UPDATE view_flow_committee_opinion SET adopted = ? "
            "WHERE sitting_id = ? AND opinion = ?",
            [int(adopted), str(e.originator_id), opinion],
        )

    @on(TrialCommitteeSitting.OpinionAdopted)
    def committee_opinion_adopted(self, tx: Tx, e: TrialCommitteeSitting.OpinionAdopted) -> None:
        self._committee_adoption(tx, e, e.opinion)

    @on(TrialCommitteeSitting.OpinionNotAdopted)
    def committee_opinion_not_adopted(
        self, tx: Tx, e: TrialCommitteeSitting.OpinionNotAdopted
    ) -> None:
        self._committee_adoption(tx, e, e.opinion)


# == figures ==============================================================================


def _sittings(q: FigureQuery) -> tuple[list[Item], list[Item]]:
    """(sittings attended in the period, those attended by an entrusted deputy)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("attended_on")
    rows = q.rows(
        "SELECT sitting_id, entrusted_deputy, pos FROM view_flow_sitting "
        f"WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )
    every = [(item([pos], sitting_id=str(s)), bool(d)) for s, d, pos in rows]
    every.sort(key=lambda pair: pair[0].positions)
    return [i for i, _ in every], [i for i, deputy in every if deputy]


def _committee_opinions(q: FigureQuery) -> dict[int | None, list[Item]]:
    """The opinions given in the period, by adoption (1, 0, None: not yet decided)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("given_on")
    rows = q.rows(
        "SELECT sitting_id, opinion, adopted, pos FROM view_flow_committee_opinion "
        f"WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )
    found: dict[int | None, list[Item]] = {1: [], 0: [], None: []}
    for sitting, opinion, adopted, pos in sorted(rows, key=lambda r: int(r[3])):
        one = item([pos], sitting_id=str(sitting), opinion=str(opinion))
        found[None if adopted is None else int(adopted)].append(one)
    return found


def _sittings_of(which: int) -> ItemQuery:
    def items(q: FigureQuery) -> list[Item]:
        found: list[Item] = q.shared("sittings", _sittings)[which]
        return found

    return items


def _opinions_with(*adoptions: int | None) -> ItemQuery:
    """The committee opinions given in the period whose adoption is one of ``adoptions``."""

    def items(q: FigureQuery) -> list[Item]:
        found: dict[int | None, list[Item]] = q.shared("committee_opinions", _committee_opinions)
        return sorted((i for a in adoptions for i in found[a]), key=lambda i: i.positions)

    return items


count(
    "trial_committee.sittings",
    "列席审判委员会（次）",
    "trial-committee sittings attended",
    "Attended events of the units in scope: sittings of a court's trial committee attended by "
    "the chief prosecutor or a deputy he entrusted.",
    items=_sittings_of(0),
)


count(
    "trial_committee.sittings_by_entrusted_deputy",
    "其中受委托副检察长列席（次）",
    "of which attended by an entrusted deputy",
    "Sittings counted in trial_committee.sittings whose Attended event says entrusted_deputy.",
    items=_sittings_of(1),
)


count(
    "trial_committee.opinions_given",
    "发表意见（件）",
    "opinions given",
    "OpinionGiven events at sittings of the units in scope.",
    items=_opinions_with(1, 0, None),
)


count(
    "trial_committee.opinions_adopted",
    "意见被采纳（件）",
    "opinions adopted",
    "Opinions counted in trial_committee.opinions_given with an OpinionAdopted event.",
    items=_opinions_with(1),
)


count(
    "trial_committee.opinions_not_adopted",
    "意见未被采纳（件）",
    "opinions not adopted",
    "Opinions counted in trial_committee.opinions_given with an OpinionNotAdopted event.",
    items=_opinions_with(0),
)


@figure(
    "trial_committee.adoption_rate",
    "意见采纳率",
    "adoption rate of the opinions",
    "numerator: trial_committee.opinions_adopted; denominator: "
    "trial_committee.opinions_adopted + trial_committee.opinions_not_adopted.",
    numerator=_opinions_with(1),
    denominator=_opinions_with(1, 0),
)
def _committee_rate(q: FigureQuery) -> FigureValue:
    return Rate.of(len(_opinions_with(1)(q)), len(_opinions_with(1, 0)(q)))
