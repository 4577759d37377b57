"""Fidelity to the regulations, round 2 (issue 12): what the ledger records and counts
beyond the core lifecycle: deadlines at every step of an opinion; invitations by name
beside draws."""

from __future__ import annotations

from datetime import date

import pytest
from ledger_stories import Story, at

from supervision_ledger import Ledger
from supervision_ledger.domain import (
    Deadline,
    DrawRequired,
    FeedbackStage,
    NotEnoughEligible,
    Policy,
    Role,
    RosterScope,
)


def _opinions_at_each_stage(story: Story) -> dict[str, str]:
    """Four opinions submitted on 2023-03-01: one not received, one received and routed,
    one decided without feedback, one whose feedback drew an objection."""
    story.unit("QC")
    [person] = story.people("S", 1, "QC", ["peoples_supervisor"])
    case, act = story.activity("QC", "2023-03-01", "quality_review", attend=[person])
    keys = {}
    keys["unreceived"] = story.opinion(case, act, person, "2023-03-01", outcome=None)
    keys["undecided"] = story.opinion(case, act, person, "2023-03-01", outcome=None)
    story.do("receive_opinion", case=case, opinion=keys["undecided"], occurred_at=at("2023-03-02"))
    story.do(
        "route_opinion",
        case=case,
        opinion=keys["undecided"],
        department="第二检察部",
        occurred_at=at("2023-03-03"),
    )
    keys["unfed"] = story.opinion(
        case, act, person, "2023-03-01", outcome="not_adopted", feedback_after_days=None
    )
    keys["objected"] = story.opinion(case, act, person, "2023-03-01", outcome="not_adopted")
    story.do(
        "object_to_feedback",
        case=case,
        opinion=keys["objected"],
        reason="不同意不采纳的理由",
        occurred_at=at("2023-03-10"),
    )
    return keys


def test_nothing_waits_forever(store_url: str) -> None:
    """Each awaited step is due per policy; past it the opinion is overdue in the
    feedback view and counted, stage by stage."""
    with Ledger(store=store_url) as ledger:
        keys = _opinions_at_each_stage(Story(ledger))
        by_key = {v: k for k, v in keys.items()}
        expected = {  # stage, due date (defaults: 7 / 30 / 15 / 30 days)
            "unreceived": (FeedbackStage.AWAITING_RECEIPT, date(2023, 3, 8)),
            "undecided": (FeedbackStage.AWAITING_DECISION, date(2023, 3, 31)),
            "unfed": (FeedbackStage.AWAITING_FEEDBACK, date(2023, 3, 16)),
            "objected": (FeedbackStage.AWAITING_OBJECTION_RULING, date(2023, 4, 9)),
        }
        pending = ledger.pending_feedback(as_of=date(2023, 3, 8))
        assert {by_key[p.opinion]: (p.stage, p.due_on) for p in pending.opinions} == expected
        assert not any(p.overdue for p in pending.opinions)
        for day, overdue in [
            (date(2023, 3, 9), {"unreceived"}),
            (date(2023, 3, 17), {"unreceived", "unfed"}),
            (date(2023, 4, 1), {"unreceived", "unfed", "undecided"}),
            (date(2023, 4, 10), set(keys)),
        ]:
            listed = ledger.pending_feedback(as_of=day, overdue_only=True).opinions
            assert {by_key[p.opinion] for p in listed} == overdue
            stats = ledger.statistics(as_of=day)
            assert stats.count("feedback.receipt_overdue") == int("unreceived" in overdue)
            assert stats.count("feedback.decision_overdue") == int("undecided" in overdue)
            assert stats.count("feedback.overdue") == int("unfed" in overdue)
            assert stats.count("feedback.objection_ruling_overdue") == int("objected" in overdue)
            assert stats.count("feedback.implementation_overdue") == 0
            assert stats.count("feedback.any_overdue") == len(overdue)


def test_deadlines_are_the_policy_of_the_query(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        keys = _opinions_at_each_stage(Story(ledger))
    lax = Policy(opinion_receipt_due=None, opinion_decision_due=Deadline(days=60))
    with Ledger(store=sqlite_file_url, policy=lax) as ledger:
        pending = {p.opinion: p for p in ledger.pending_feedback(as_of=date(2023, 4, 10)).opinions}
        assert pending[keys["unreceived"]].due_on is None
        assert not pending[keys["unreceived"]].overdue
        assert pending[keys["undecided"]].due_on == date(2023, 4, 30)
        assert ledger.statistics(as_of=date(2023, 4, 10)).count("feedback.any_overdue") == 2


def test_drawn_or_hand_picked_is_counted_and_a_policy_may_refuse_names(
    sqlite_file_url: str,
) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        people = story.people("S", 4, "QC", ["peoples_supervisor"])
        officers = story.people("T", 3, "QC", ["hearing_officer"])
        # Named: S01 attends; S02 is replaced by name by S03, who attends.
        story.activity("QC", "2023-03-01", "quality_review", attend=[people[0]])
        story.activity("QC", "2023-03-02", "other", replace=[(people[1], people[2])])
        # Drawn: two people's supervisors drawn for one activity, both attend.
        case, act = story.activity("QC", "2023-03-03", "document_service")
        drawn = ledger.execute(
            {
                "type": "draw_supervisors",
                "case": case,
                "activity": act,
                "count": 2,
                "seed": 11,
                "occurred_at": at("2023-03-03", 10),
            }
        ).keys("drawn")
        for person in drawn:
            story.do(
                "record_attendance",
                case=case,
                activity=act,
                supervisor=person,
                occurred_at=at("2023-03-03", 14),
            )
        # A hearing: one officer by name, none drawn.
        story.hearing("QC", "2023-03-20", officers=[officers[0]])
        stats = ledger.statistics(as_of=date(2023, 12, 31))
        assert stats.count("participation.peoples_supervisor.person_times") == 4
        assert stats.count("participation.peoples_supervisor.hand_picked") == 2
        assert stats.count("participation.hearing_officer.hand_picked") == 1
    # The same store under a policy that has people's supervisors drawn only.
    strict = Policy(drawn_roles=frozenset({Role.PEOPLES_SUPERVISOR}))
    with Ledger(store=sqlite_file_url, policy=strict) as ledger:
        outsider = next(p for p in people if p not in drawn)
        with pytest.raises(DrawRequired, match=repr(outsider)):
            ledger.execute(
                {
                    "type": "invite_supervisor",
                    "case": case,
                    "activity": act,
                    "supervisor": outsider,
                    "occurred_at": at("2023-03-04"),
                }
            )
        # The history recorded before stays valid and counted.
        assert (
            ledger.statistics(as_of=date(2023, 12, 31)).count(
                "participation.peoples_supervisor.hand_picked"
            )
            == 2
        )


def test_mandatory_invitations_are_reported_not_refused(store_url: str) -> None:
    """Public hearings of criminal appeals, intended non-prosecution and custody review
    need a people's supervisor (2019 rules, Art. 9): those held without one are listed
    and lower the compliance rate; the history is recorded as it happened."""
    with Ledger(store=store_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        [ps, ps2] = story.people("S", 2, "QC", ["peoples_supervisor"])
        officers = story.people("T", 2, "QC", ["hearing_officer"])
        # Met: a people's supervisor observes.
        story.hearing(
            "QC", "2023-05-10", officers=officers[:1], observers=[(ps, "peoples_supervisor")]
        )
        # Met: a people's supervisor attends a case activity linked to the hearing.
        non_prosecution = story.case("QC", "2023-05-01", kind="intended_non_prosecution")
        linked = story.hearing("QC", "2023-05-20", hold=False, case=non_prosecution)
        story.activity(
            "QC", "2023-05-19", "public_hearing", attend=[ps2], case=non_prosecution, hearing=linked
        )
        story.do("hold_hearing", hearing=linked, absent=[], occurred_at=at("2023-05-20"))
        # Missing: officers only, on a criminal appeal.
        missing = story.hearing("QC", "2023-06-01", officers=officers[1:])
        # Not in scope: another kind of case; a hearing not held.
        other = story.case("QC", "2023-05-01", kind="other")
        story.hearing("QC", "2023-06-05", officers=officers[:1], case=other)
        story.hearing("QC", "2023-06-10", officers=officers[:1], hold=False)
        stats = ledger.statistics("QC", start="2023-01-01", end="2023-12-31")
        assert stats.count("hearings.held") == 4
        assert stats.count("hearings.mandatory_supervision") == 3
        assert stats.count("hearings.mandatory_supervision_met") == 2
        rate = stats.rate("hearings.mandatory_supervision_rate")
        assert (rate.numerator, rate.denominator) == (2, 3)
        [gap] = ledger.unsupervised_hearings("QC")
        assert (gap.hearing, gap.case_kind.value, gap.held_on) == (
            missing,
            "criminal_appeal",
            date(2023, 6, 1),
        )
        assert ledger.unsupervised_hearings(start="2023-06-02") == []
    # Under a policy that names no mandatory kinds there is nothing to report.
    if store_url.startswith("sqlite:///:memory:"):
        return
    with Ledger(store=store_url, policy=Policy(mandatory_supervision_kinds=frozenset())) as ledger:
        stats = ledger.statistics("QC")
        assert stats.count("hearings.mandatory_supervision") == 0
        assert ledger.unsupervised_hearings() == []


def test_counts_once_per_hearing_person_times_of_opinions_and_replacements(
    sqlite_file_url: str,
) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story = Story(ledger)
        story.unit("QC")
        [ps, deputy, member] = [
            story.people("S", 1, "QC", ["peoples_supervisor"])[0],
            story.people("N", 1, "QC", ["npc_deputy"])[0],
            story.people("C", 1, "QC", ["cppcc_member"])[0],
        ]
        officers = story.people("T", 3, "QC", ["hearing_officer"])
        roles = [(ps, "peoples_supervisor"), (deputy, "npc_deputy"), (member, "cppcc_member")]
        # Three roles at one public hearing, one role at another, none at a third; an
        # officer replaced at the last.
        story.hearing("QC", "2023-04-10", officers=officers[:1], observers=roles)
        story.hearing("QC", "2023-04-20", officers=officers[:1], observers=roles[1:2])
        story.hearing("QC", "2023-04-28", replace=[(officers[1], officers[2])])
        # Two opinions by one person on one activity: 2 pieces, 1 person-time; a
        # replacement sent on a case activity.
        case, act = story.activity("QC", "2023-05-02", "other", attend=[ps])
        story.opinion(case, act, ps, "2023-05-02")
        story.opinion(case, act, ps, "2023-05-03")
        more = story.people("P", 2, "QC", ["peoples_supervisor"])
        story.activity("QC", "2023-05-08", "court_appearance", replace=[(more[0], more[1])])
        stats = ledger.statistics("QC", start="2023-01-01", end="2023-12-31")
        assert stats.count("hearings.with_peoples_supervisor") == 1
        assert stats.count("hearings.with_npc_deputy") == 2
        assert stats.count("hearings.with_cppcc_member") == 1
        assert stats.count("hearings.with_supervisors_deputies_or_members") == 2  # not 4
        assert stats.count("hearings.public_with_supervisors_deputies_or_members") == 2
        assert stats.count("opinions.submitted") == 2
        assert stats.count("opinions.person_times") == 1
        assert stats.count("participation.replacements") == 2
        assert ledger.statistics("QC", end="2023-04-30").count("participation.replacements") == 1


def test_petitions_process_or_result_unreachable_and_leader(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        Story(ledger).unit("YL")

        def petition(key: str, day: str) -> None:
            ledger.execute(
                {
                    "type": "receive_petition",
                    "petition": key,
                    "unit": "YL",
                    "channel": "visit",
                    "subject": "申诉",
                    "occurred_at": at(day),
                }
            )
            ledger.execute(
                {
                    "type": "reply_petition_procedurally",
                    "petition": key,
                    "outcome": "accepted",
                    "content": "受理",
                    "occurred_at": at(day, 15),
                }
            )

        def step(type_: str, key: str, day: str, **fields: str) -> None:
            ledger.execute({"type": type_, "petition": key, "occurred_at": at(day), **fields})

        petition("P1", "2023-01-05")  # progress in time, result after 3 months
        step("reply_petition_progress", "P1", "2023-03-01", content="进展")
        step("reply_petition_result", "P1", "2023-05-01", content="结果")
        petition("P2", "2023-01-06")  # result in time; a leader took it on
        step("assign_petition_leader", "P2", "2023-01-07", leader="检察长 李某")
        step("reply_petition_result", "P2", "2023-02-01", content="结果")
        petition("P3", "2023-01-07")  # nothing after the procedural reply: unreachable
        step("mark_petition_unreachable", "P3", "2023-01-20", reason="空号")
        petition("P4", "2023-01-08")  # nothing at all after the procedural reply
        stats = ledger.statistics("YL", start="2023-01-01", end="2023-12-31", as_of="2023-12-31")
        assert stats.count("petitions.received") == 4
        assert stats.count("petitions.excluded_from_reply_rate") == 1
        assert stats.count("petitions.found_unreachable") == 1
        assert stats.count("petitions.leader_handled") == 1
        assert stats.count("petitions.result_on_time") == 1  # P2 only
        assert stats.count("petitions.answered_within_3_months") == 2  # P1 (progress), P2
        assert stats.count("petitions.unanswered_past_3_months") == 1  # P4; P3 excluded
        rate = stats.rate("petitions.answered_within_3_months_rate")
        assert (rate.numerator, rate.denominator) == (2, 3)
        [p3] = [
            p for p in ledger.pending_feedback(as_of="2023-12-31").petitions if p.petition == "P3"
        ]
        assert p3.excluded_from_reply_rate


def test_whose_rosters_a_draw_takes_people_from(sqlite_file_url: str) -> None:
    with Ledger(store=sqlite_file_url) as ledger:
        story = Story(ledger)
        story.unit("P", level="province")
        story.unit("C", level="city", parent="P")
        story.unit("D", parent="C")
        ps = {u: story.people(f"S{u}", 1, u, ["peoples_supervisor"])[0] for u in "PCD"}
        officers = {u: story.people(f"T{u}", 1, u, ["hearing_officer"])[0] for u in "CD"}
        case, act = story.activity("D", "2023-03-01", "quality_review")
        hearing = story.hearing("D", "2023-03-20", hold=False)

    def draw(policy: Policy, count: int) -> list[str]:
        with Ledger(store=sqlite_file_url, policy=policy) as ledger:
            result = ledger.execute(
                {
                    "type": "draw_supervisors",
                    "case": case,
                    "activity": act,
                    "count": count,
                    "seed": 1,
                    "occurred_at": at("2023-03-02"),
                }
            )
            return sorted(result.keys("drawn"))

    strict = Policy(
        roster_scopes={
            Role.PEOPLES_SUPERVISOR: RosterScope.CITY_AND_ABOVE,
            Role.HEARING_OFFICER: RosterScope.UNIT_ONLY,
        }
    )
    # The justice bureaus' rosters (city, province) only: two people, not the district's.
    with pytest.raises(NotEnoughEligible, match="only 2 are eligible"):
        draw(strict, 3)
    assert draw(strict, 2) == sorted([ps["C"], ps["P"]])
    with Ledger(store=sqlite_file_url, policy=strict) as ledger:
        drawn = ledger.execute(
            {
                "type": "draw_hearing_officers",
                "hearing": hearing,
                "count": 1,
                "seed": 3,
                "occurred_at": at("2023-03-10"),
            }
        ).keys("drawn")
        assert drawn == [officers["D"]]  # the procuratorate's own roster
    # By default the unit's roster and every roster above it.
    with Ledger(store=sqlite_file_url) as ledger:
        third = ledger.execute(
            {
                "type": "draw_supervisors",
                "case": case,
                "activity": act,
                "count": 1,
                "seed": 1,
                "occurred_at": at("2023-03-03"),
            }
        ).keys("drawn")
        assert third == [ps["D"]]
