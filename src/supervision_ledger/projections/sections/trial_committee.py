"""The chief prosecutor at the court's trial committee (检察长列席审判委员会): sittings
attended, opinions given, and whether the court adopted them."""

from __future__ import annotations

from ...domain.trial_committee import TrialCommitteeSitting
from ..engine import Tx, View, on
from .base import FigureQuery, FigureValue, Rate, Section

SECTION = Section(
    "trial_committee",
    "检察长列席审判委员会",
    "Chief prosecutor at the trial committee",
    "the local date of the sitting (Attended) for sittings, and of the opinion "
    "(OpinionGiven) for opinions; adoption counts whenever recorded",
)
figure, define = SECTION.figure, SECTION.define


class SittingFacts(View):
    """One row per sitting attended, and one per opinion given there."""

    tables = {  # noqa: RUF012 - class-level schema
        "view_flow_sitting": "sitting_id TEXT PRIMARY KEY, unit TEXT NOT NULL, "
        "attended_on TEXT NOT NULL, entrusted_deputy INTEGER NOT NULL",
        "view_flow_committee_opinion": "sitting_id TEXT NOT NULL, opinion TEXT NOT NULL, "
        "unit TEXT NOT NULL, given_on TEXT NOT NULL, adopted INTEGER, "
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
            {"unit": sitting[0], "given_on": tx.local_date(e.occurred_at)},
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


def _sittings(q: FigureQuery) -> tuple[int, int]:
    scope, sp = q.scope("unit")
    period, pp = q.period("attended_on")
    row = q.rows(
        "SELECT COUNT(*), COALESCE(SUM(entrusted_deputy), 0) FROM view_flow_sitting "
        f"WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )[0]
    return int(row[0]), int(row[1])


def _committee_opinions(q: FigureQuery) -> tuple[int, int, int]:
    """(opinions given, adopted, not adopted)."""
    scope, sp = q.scope("unit")
    period, pp = q.period("given_on")
    row = q.rows(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN adopted = 1 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN adopted = 0 THEN 1 ELSE 0 END), 0) "
        f"FROM view_flow_committee_opinion WHERE 1 = 1{scope}{period}",
        [*sp, *pp],
    )[0]
    return int(row[0]), int(row[1]), int(row[2])


@figure(
    "trial_committee.sittings",
    "列席审判委员会（次）",
    "trial-committee sittings attended",
    "Attended events of the units in scope: sittings of a court's trial committee attended by "
    "the chief prosecutor or a deputy he entrusted.",
)
def _sittings_attended(q: FigureQuery) -> FigureValue:
    return int(q.shared("sittings", _sittings)[0])


@figure(
    "trial_committee.sittings_by_entrusted_deputy",
    "其中受委托副检察长列席（次）",
    "of which attended by an entrusted deputy",
    "Sittings counted in trial_committee.sittings whose Attended event says entrusted_deputy.",
)
def _sittings_by_deputy(q: FigureQuery) -> FigureValue:
    return int(q.shared("sittings", _sittings)[1])


@figure(
    "trial_committee.opinions_given",
    "发表意见（件）",
    "opinions given",
    "OpinionGiven events at sittings of the units in scope.",
)
def _committee_given(q: FigureQuery) -> FigureValue:
    return int(q.shared("committee_opinions", _committee_opinions)[0])


@figure(
    "trial_committee.opinions_adopted",
    "意见被采纳（件）",
    "opinions adopted",
    "Opinions counted in trial_committee.opinions_given with an OpinionAdopted event.",
)
def _committee_adopted(q: FigureQuery) -> FigureValue:
    return int(q.shared("committee_opinions", _committee_opinions)[1])


@figure(
    "trial_committee.opinions_not_adopted",
    "意见未被采纳（件）",
    "opinions not adopted",
    "Opinions counted in trial_committee.opinions_given with an OpinionNotAdopted event.",
)
def _committee_not_adopted(q: FigureQuery) -> FigureValue:
    return int(q.shared("committee_opinions", _committee_opinions)[2])


@figure(
    "trial_committee.adoption_rate",
    "意见采纳率",
    "adoption rate of the opinions",
    "numerator: trial_committee.opinions_adopted; denominator: "
    "trial_committee.opinions_adopted + trial_committee.opinions_not_adopted.",
)
def _committee_rate(q: FigureQuery) -> FigureValue:
    _, adopted, not_adopted = q.shared("committee_opinions", _committee_opinions)
    return Rate.of(adopted, adopted + not_adopted)
