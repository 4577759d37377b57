"""The published figures of seeds 000 and 001, reproduced exactly from command histories
that also contain noise which must not count: declined invitations, replaced people,
absent officers, events outside the period, another unit's cases, hearings never held."""

from __future__ import annotations

from datetime import date

import pytest
from ledger_stories import Story

from supervision_ledger import Ledger

YEAR = {"start": date(2023, 1, 1), "end": date(2023, 12, 31), "as_of": date(2024, 3, 1)}
NINE_TYPES = [
    "public_hearing",
    "court_appearance",
    "circuit_inspection",
    "procuratorial_suggestion",
    "document_service",
    "quality_review",
    "conduct_inspection",
    "work_briefing",
    "other",
]


def day_of(i: int) -> str:
    """A 2023 working-ish day for the i-th item, spread over the year."""
    return date.fromordinal(date(2023, 1, 9).toordinal() + (i * 3) % 350).isoformat()


def seed_000(story: Story) -> None:
    story.unit("QY", level="city")
    story.unit("QC", parent="QY")
    story.unit("YD", parent="QY")
    ps = story.people("PS", 6, "QC", ["peoples_supervisor"])
    yd_ps = story.people("YP", 2, "YD", ["peoples_supervisor"])
    ho = story.people("HO", 10, "QC", ["hearing_officer"])
    yd_ho = story.people("YH", 3, "YD", ["hearing_officer"])

    # 18 supervised activities, each with one people's supervisor who came and one
    # opinion, adopted, answered and implemented.
    for i in range(18):
        day, kind = day_of(i), NINE_TYPES[i % 9]
        if i in (3, 7):  # the invited person could not come: a replacement (补派) came
            case, act = story.activity("QC", day, kind, replace=[(ps[0], ps[i % 6])])
            person = ps[i % 6]
        elif i in (1, 5, 9):  # a second person declined
            person = ps[i % 6]
            case, act = story.activity("QC", day, kind, attend=[person], decline=[ps[(i + 1) % 6]])
        else:
            person = ps[i % 6]
            case, act = story.activity("QC", day, kind, attend=[person])
        story.opinion(case, act, person, day)
    # Noise: everyone declined (no activity took place), last year, the neighbour unit.
    story.activity("QC", "2023-06-01", "other", decline=[ps[1], ps[2]])
    case, act = story.activity("QC", "2022-11-20", "quality_review", attend=[ps[2]])
    story.opinion(case, act, ps[2], "2022-11-20", outcome="not_adopted")
    case, act = story.activity("YD", "2023-05-05", "document_service", attend=[yd_ps[0]])
    story.opinion(case, act, yd_ps[0], "2023-05-05")

    # 77 hearings held: 19 with three hearing officers each (57 person-times).
    for i in range(77):
        day = day_of(i + 1)
        if i >= 19:
            story.hearing("QC", day, chief=i % 10 == 0, accepted=True)
            continue
        trio = [ho[i % 10], ho[(i + 1) % 10], ho[(i + 2) % 10]]
        spare = ho[(i + 5) % 10]
        if i == 0:  # one officer declined; the three who came count
            story.hearing("QC", day, officers=trio, decline=[spare], accepted=True)
        elif i == 1:  # one officer replaced: counts once, for the replacement
            story.hearing("QC", day, officers=trio[:2], replace=[(spare, trio[2])])
        elif i == 2:  # one invited officer absent on the day
            story.hearing("QC", day, officers=trio, absent=[spare], accepted=False)
        else:
            story.hearing("QC", day, officers=trio, accepted=True)
    # Noise: a hearing never held, one last year, one in the neighbour unit.
    story.hearing("QC", "2023-08-08", officers=ho[:3], hold=False)
    story.hearing("QC", "2022-12-20", officers=ho[:3])
    story.hearing("YD", "2023-04-04", officers=yd_ho)


def test_seed_000_figures(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        seed_000(Story(ledger))
        stats = ledger.statistics("QC", **YEAR)  # type: ignore[arg-type]
        assert stats.count("participation.peoples_supervisor.person_times") == 18
        assert stats.count("opinions.submitted") == 18
        assert stats.count("opinions.adopted") == 18
        rate = stats.rate("opinions.adoption_rate")
        assert (rate.numerator, rate.denominator, rate.value) == (18, 18, 1.0)
        assert stats.count("activities.total") == 18
        assert [stats.count(f"activities.{t}") for t in NINE_TYPES] == [2] * 9
        assert stats.count("participation.hearing_officer.person_times") == 57
        assert stats.count("hearings.officer_person_times") == 57
        assert stats.count("hearings.cases") == 77
        assert stats.count("hearings.held") == 77
        assert stats.count("hearings.with_officers") == 19
        assert stats.count("hearings.presided_by_chief") == 6  # i = 20, 30, …, 70
        # One hearing had no party response, one a rejection.
        acceptance = stats.rate("hearings.acceptance_rate")
        assert (acceptance.numerator, acceptance.denominator) == (75, 76)
        assert stats.count("feedback.on_time") == 18
        assert stats.count("feedback.overdue") == 0
        # 全市: the city rolled up with both districts adds the neighbour's figures.
        city = ledger.statistics("QY", rollup=True, **YEAR)  # type: ignore[arg-type]
        assert city.count("hearings.held") == 78
        assert city.count("opinions.submitted") == 19
        assert city.count("participation.hearing_officer.person_times") == 60
        # The city alone has no cases of its own.
        assert ledger.statistics("QY", **YEAR).count("hearings.held") == 0  # type: ignore[arg-type]
        assert ledger.pending_feedback("QC").opinions == []


def seed_001(story: Story) -> None:
    story.unit("WH", level="city")
    story.unit("HB", parent="WH")
    ps = story.people("PS", 23, "WH", ["peoples_supervisor"])
    gone = story.people("PX", 1, "WH", ["peoples_supervisor"])[0]
    other = story.people("HP", 2, "HB", ["peoples_supervisor"])
    counts = dict(zip(NINE_TYPES, [52, 6, 5, 3, 12, 3, 4, 1, 8], strict=True))
    i = 0
    for kind, n in counts.items():
        for _ in range(n):
            day = day_of(i)
            if i % 17 == 4:  # the first invited could not come; a replacement came
                story.activity("WH", day, kind, replace=[(ps[(i + 1) % 23], ps[i % 23])])
            elif i % 11 == 2:  # a second person declined
                story.activity("WH", day, kind, attend=[ps[i % 23]], decline=[ps[(i + 3) % 23]])
            else:
                story.activity("WH", day, kind, attend=[ps[i % 23]])
            i += 1
    for j in range(4):
        story.activity("WH", day_of(200 + j), "supervisor_initiated", initiated_by=ps[j])
    # Noise: nobody came; last year (by the one later removed); the subordinate unit.
    story.activity("WH", "2023-03-03", "court_appearance", decline=[ps[0]])
    story.activity("WH", "2022-12-30", "public_hearing", attend=[gone])
    story.activity("HB", "2023-03-03", "public_hearing", attend=[other[0]])
    story.do(
        "remove_supervisor", supervisor=gone, reason="本人辞职", occurred_at="2023-02-01T09:00"
    )
    for k, person in enumerate(ps):
        story.do(
            "pay_allowance",
            supervisor=person,
            amount="1750.00",
            purpose="2023年履职补贴",
            occurred_at=f"2023-12-{10 + k % 10:02d}T10:00",
        )
    story.do(
        "pay_allowance",
        supervisor=ps[0],
        amount="900.00",
        purpose="2022年履职补贴",
        occurred_at="2022-12-20T10:00",
    )
    story.do(
        "pay_allowance",
        supervisor=other[0],
        amount="800.00",
        purpose="补贴",
        occurred_at="2023-06-20T10:00",
    )


def test_seed_001_figures(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        seed_001(Story(ledger))
        stats = ledger.statistics("WH", **YEAR)  # type: ignore[arg-type]
        assert stats.count("roster.peoples_supervisor") == 23
        assert stats.count("participation.peoples_supervisor.people") == 23
        by_type = [stats.count(f"activities.{t}") for t in NINE_TYPES]
        assert by_type == [52, 6, 5, 3, 12, 3, 4, 1, 8]
        assert stats.count("activities.supervisor_initiated") == 4
        assert stats.count("activities.total") == 98
        assert stats.count("participation.peoples_supervisor.person_times") == 94
        assert stats.value("allowances.amount") == "40250.00"
        assert stats.count("allowances.payments") == 23
        # Two levels (两级院): the subordinate unit's activity joins in.
        both = ledger.statistics("WH", rollup=True, **YEAR)  # type: ignore[arg-type]
        assert both.count("activities.total") == 99
        assert both.value("allowances.amount") == "41050.00"


@pytest.mark.parametrize("seed", [seed_000, seed_001])
def test_views_elsewhere_give_the_same_figures(
    seed: object, sqlite_file_url: str, tmp_path: object
) -> None:
    """Views pointed at another database hold the same figures as views beside the events."""
    other = f"sqlite:///{tmp_path}/views.db"
    with Ledger(store=sqlite_file_url) as ledger:
        seed(Story(ledger))  # type: ignore[operator]
        here = ledger.statistics(None, **YEAR)  # type: ignore[arg-type]
    with Ledger(store=sqlite_file_url, views=other) as ledger:
        elsewhere = ledger.statistics(None, **YEAR)  # type: ignore[arg-type]
    assert elsewhere == here
    assert here.count("activities.total") > 0
