"""The published flow figures of seeds 002, 003 and 004, reproduced exactly from command
histories with noise that must not count, on SQLite (memory, file) and PostgreSQL; and
the feedback view listing overdue suggestion and petition replies until answered."""

from __future__ import annotations

from datetime import date
from typing import Any

from scenarios import seed002, seed003, seed004

from supervision_ledger import Ledger
from supervision_ledger.domain.policy import Deadline, Policy
from supervision_ledger.projections import PetitionStage, SuggestionStage


def run(ledger: Ledger, commands: list[dict[str, Any]]) -> None:
    for command in commands:
        ledger.execute(command)


def test_seed_003_partners_grid_workers_leads_assistants(store_url: str) -> None:
    expected = seed003.SEED003_EXPECTED
    start, end = seed003.PERIOD
    as_of = date(2024, 1, 31)  # explicit everywhere: the figures must not follow the clock
    with Ledger(store=store_url) as ledger:
        run(ledger, seed003.seed003_commands())
        stats = ledger.statistics(seed003.UNIT, start=start, end=end, as_of=as_of)
        assert stats.count("partners.units_in_force") == expected["partner_units_in_force"]
        # The renewal of partner 1 is a second agreement with the same partner unit.
        assert stats.count("partners.agreements_in_force") == 16
        assert stats.count("roster.grid_worker") == expected["grid_workers"]
        assert stats.count("leads.grid_worker.reported") == expected["leads_from_grid_workers"]
        assert stats.count("leads.grid_worker.reported") > 50  # the article's "50+"
        assert stats.count("roster.invited_prosecutor_assistant") == 10
        for source, n in expected["leads_by_source"].items():
            assert stats.count(f"leads.{source}.reported") == n
        assert stats.count("leads.reported") == sum(expected["leads_by_source"].values())
        assert stats.count("leads.grid_worker.accepted") == expected["grid_leads_accepted"]
        cases = expected["grid_leads_turned_into_cases"]
        assert stats.count("leads.grid_worker.turned_into_cases") == cases
        assert stats.count("leads.turned_into_cases") == cases
        # The noise: the other banner counts on its own, and in the city's roll-up.
        other = ledger.statistics(seed003.NOISE_UNIT, start=start, end=end, as_of=as_of)
        assert other.count("leads.grid_worker.reported") == 3
        assert other.count("partners.units_in_force") == 1
        city = ledger.statistics("ORDOS", rollup=True, start=start, end=end, as_of=as_of)
        assert city.count("leads.grid_worker.reported") == 55
        assert city.count("partners.units_in_force") == 17
        # On 2022-06-30 the 17th partner was still in force and the renewal was not.
        mid_2022 = ledger.statistics(
            seed003.UNIT, start=date(2022, 1, 1), end=date(2022, 6, 30), as_of=as_of
        )
        assert mid_2022.count("partners.units_in_force") == 17
        assert mid_2022.count("partners.agreements_in_force") == 17
        # 先后与N家单位达成合作协议: partners that signed in the period, in force or not.
        since_2022 = ledger.statistics(
            seed003.UNIT, start=date(2022, 1, 1), end=date(2023, 12, 31), as_of=as_of
        )
        assert since_2022.count("partners.agreements_signed") == 18
        assert since_2022.count("partners.units_signed") == 17  # the renewal: same partner
        assert stats.count("partners.units_signed") == 1  # 2023: only the renewal


def test_seed_004_suggestions_typical_cases_transferred_leads(store_url: str) -> None:
    start, end = seed004.PERIOD
    with Ledger(store=store_url) as ledger:
        run(ledger, seed004.seed004_commands())
        stats = ledger.statistics(seed004.UNIT, start=start, end=end, as_of=seed004.AS_OF)
        for key, value in seed004.SEED004_EXPECTED.items():
            assert stats.count(key) == value, key
        adoption = stats.rate("suggestions.adoption_rate")
        assert (adoption.numerator, adoption.denominator, adoption.value) == (21, 21, 1.0)
        rectification = stats.rate("suggestions.rectification_rate")
        assert (rectification.numerator, rectification.denominator) == (21, 21)
        on_time = stats.rate("suggestions.reply_on_time_rate")
        assert (on_time.numerator, on_time.denominator) == (21, 21)
        # Nominated: 7 municipal, 7 provincial, 4 national (one still undecided).
        assert stats.count("typical_cases.municipal.nominated") == 7
        assert stats.count("typical_cases.provincial.nominated") == 7
        assert stats.count("typical_cases.national.nominated") == 4
        assert stats.count("leads.department_transfer.accepted") == 12
        assert stats.count("leads.rejected") == 3
        # Everything answered: nothing pending for the unit at the end of the period.
        pending = ledger.pending_feedback(seed004.UNIT, as_of=seed004.AS_OF)
        assert pending.suggestions == []
        # With the neighbour (a suggestion not adopted) and 2021 included, the rates move.
        both = ledger.statistics("YT", rollup=True, as_of=seed004.AS_OF)
        assert both.count("suggestions.served") == 23
        assert both.count("suggestions.recipients") == 19
        rate = both.rate("suggestions.adoption_rate")
        assert (rate.numerator, rate.denominator) == (22, 23)
        assert both.count("typical_cases.municipal.selected") == 7
        assert both.count("leads.department_transfer.turned_into_cases") == 10


def test_seed_002_petitions_replied_within_7_days(store_url: str) -> None:
    start, end = seed002.PERIOD
    with Ledger(store=store_url) as ledger:
        run(ledger, seed002.seed002_petition_commands())
        stats = ledger.statistics(seed002.UNIT, start=start, end=end, as_of=seed002.AS_OF)
        excluded = seed002.ANONYMOUS + seed002.NO_CONTACT
        assert stats.count("petitions.received") == seed002.ANSWERABLE + excluded
        assert stats.count("petitions.excluded_from_reply_rate") == excluded
        rate = stats.rate("petitions.procedural_on_time_rate")
        assert (rate.numerator, rate.denominator, rate.value) == (40, 40, 1.0)
        assert stats.count("petitions.procedural_late") == 0
        assert stats.count("petitions.procedural_overdue") == 0
        result = stats.rate("petitions.result_on_time_rate")
        assert (result.numerator, result.denominator) == (40, 40)
        assert stats.count("petitions.closed") == 40 + seed002.ANONYMOUS - 1
        # The two-level figure takes in the other unit's late reply: no longer 100%.
        both = ledger.statistics(
            seed002.UNIT, rollup=True, start=start, end=end, as_of=seed002.AS_OF
        )
        late = both.rate("petitions.procedural_on_time_rate")
        assert (late.numerator, late.denominator) == (40, 41)
        assert both.count("petitions.procedural_late") == 1


def test_petition_deadline_follows_the_policy(sqlite_file_url: str) -> None:
    """The same events judged under 7 working days instead of 7 calendar days."""
    received_friday, replied = date(2023, 3, 3), date(2023, 3, 13)  # 10 days, 6 working days
    as_of = date(2023, 12, 31)
    commands = [
        *seed002.units(),
        *seed002.petition("YL-XF-FRI", "YL", received_friday, (replied - received_friday).days),
    ]
    with Ledger(store=sqlite_file_url) as ledger:
        run(ledger, commands)
        calendar = ledger.statistics("YL", as_of=as_of).rate("petitions.procedural_on_time_rate")
    assert (calendar.numerator, calendar.denominator) == (0, 1)
    working = Policy(petition_procedural_reply=Deadline(days=7, working_days=True))
    with Ledger(store=sqlite_file_url, policy=working) as ledger:
        rate = ledger.statistics("YL", as_of=as_of).rate("petitions.procedural_on_time_rate")
    assert (rate.numerator, rate.denominator) == (1, 1)


def test_seed_002_trial_committee(store_url: str) -> None:
    start, end = seed002.PERIOD
    with Ledger(store=store_url) as ledger:
        run(ledger, seed002.seed002_committee_commands())
        stats = ledger.statistics(seed002.UNIT, start=start, end=end, as_of=seed002.AS_OF)
        assert stats.count("trial_committee.opinions_given") == 221
        assert stats.count("trial_committee.opinions_adopted") == 177
        assert stats.count("trial_committee.opinions_not_adopted") == 40
        assert stats.count("trial_committee.sittings") == seed002.SITTINGS
        assert stats.count("trial_committee.sittings_by_entrusted_deputy") == 8
        rate = stats.rate("trial_committee.adoption_rate")
        assert (rate.numerator, rate.denominator) == (177, 217)
        everything = ledger.statistics(seed002.UNIT, rollup=True, as_of=seed002.AS_OF)
        assert everything.count("trial_committee.opinions_given") == 221 + 2 + 2


def test_feedback_lists_overdue_replies_until_answered(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        run(ledger, seed002.units())
        ledger.execute(
            {
                "type": "register_case",
                "case": "YL-K1",
                "unit": "YL",
                "kind": "public_interest_litigation",
                "handling_prosecutor": "李检",
                "received_on": "2023-01-02",
                "occurred_at": "2023-01-02T09:00",
            }
        )
        run(
            ledger,
            [
                {
                    "type": "draft_suggestion",
                    "suggestion": "榆检建〔2023〕1号",
                    "case": "YL-K1",
                    "suggestion_type": "public_interest",
                    "content": "建议",
                    "occurred_at": "2023-01-09T09:00",
                },
                {
                    "type": "serve_suggestion",
                    "suggestion": "榆检建〔2023〕1号",
                    "recipient": "榆林市水务局",
                    "occurred_at": "2023-01-10T09:00",
                },
                *seed002.petition("YL-XF-1", "YL", date(2023, 1, 10), None),
            ],
        )
        # Due dates per policy: the reply to the suggestion on 10 March, the petition's
        # procedural reply on 17 January.
        on_time = ledger.pending_feedback(as_of=date(2023, 1, 17))
        [sug] = on_time.suggestions
        [pet] = on_time.petitions
        assert (sug.stage, sug.due_on, sug.overdue) == (
            SuggestionStage.AWAITING_REPLY,
            date(2023, 3, 10),
            False,
        )
        assert (pet.stage, pet.due_on, pet.overdue) == (
            PetitionStage.AWAITING_PROCEDURAL_REPLY,
            date(2023, 1, 17),
            False,
        )
        late = ledger.pending_feedback(as_of=date(2023, 3, 11), overdue_only=True)
        assert [s.suggestion for s in late.suggestions] == ["榆检建〔2023〕1号"]
        assert [p.petition for p in late.petitions] == ["YL-XF-1"]
        assert late.suggestions[0].overdue and late.petitions[0].overdue
        # Filters: by unit, by case (the petition has none), by supervisor (neither).
        assert not ledger.pending_feedback("SM", as_of=date(2023, 3, 11)).suggestions
        by_case = ledger.pending_feedback(case="YL-K1", as_of=date(2023, 3, 11))
        assert len(by_case.suggestions) == 1 and by_case.petitions == []
        assert ledger.pending_feedback(supervisor="X", as_of=date(2023, 3, 11)).all_answered

        ledger.execute(
            {
                "type": "urge_suggestion_reply",
                "suggestion": "榆检建〔2023〕1号",
                "occurred_at": "2023-03-11T09:00",
            }
        )
        ledger.execute(
            {
                "type": "reply_petition_procedurally",
                "petition": "YL-XF-1",
                "outcome": "accepted",
                "content": "已受理",
                "occurred_at": "2023-03-11T10:00",
            }
        )
        after = ledger.pending_feedback(as_of=date(2023, 3, 12))
        assert after.suggestions[0].urged == 1 and after.suggestions[0].overdue
        [pet] = after.petitions
        assert (pet.stage, pet.due_on, pet.overdue) == (
            PetitionStage.AWAITING_RESULT_REPLY,
            date(2023, 4, 10),
            False,
        )
        ledger.execute(
            {
                "type": "reply_petition_progress",
                "petition": "YL-XF-1",
                "content": "正在办理",
                "occurred_at": "2023-04-01T09:00",
            }
        )
        [pet] = ledger.pending_feedback(as_of=date(2023, 5, 2)).petitions
        assert (pet.stage, pet.due_on, pet.overdue) == (
            PetitionStage.AWAITING_MONTHLY_PROGRESS,
            date(2023, 5, 1),
            True,
        )
        run(
            ledger,
            [
                {
                    "type": "record_suggestion_reply",
                    "suggestion": "榆检建〔2023〕1号",
                    "content": "回复",
                    "occurred_at": "2023-05-02T09:00",
                },
                {
                    "type": "reply_petition_result",
                    "petition": "YL-XF-1",
                    "content": "结果",
                    "occurred_at": "2023-05-02T10:00",
                },
            ],
        )
        answered = ledger.pending_feedback(as_of=date(2023, 5, 3))
        assert answered.petitions == []
        stages = [s.stage for s in answered.suggestions]
        assert stages == [SuggestionStage.AWAITING_ADOPTION_DECISION]
        ledger.execute(
            {
                "type": "record_suggestion_adoption",
                "suggestion": "榆检建〔2023〕1号",
                "adopted": True,
                "occurred_at": "2023-05-03T09:00",
            }
        )
        stages = [s.stage for s in ledger.pending_feedback(as_of=date(2023, 5, 3)).suggestions]
        assert stages == [SuggestionStage.AWAITING_RECTIFICATION]
        ledger.execute(
            {
                "type": "complete_rectification",
                "suggestion": "榆检建〔2023〕1号",
                "content": "整改",
                "occurred_at": "2023-06-01T09:00",
            }
        )
        assert ledger.pending_feedback(as_of=date(2023, 6, 2)).all_answered
        # The figures agree: one reply late, none overdue any more.
        stats = ledger.statistics("YL", as_of=date(2023, 6, 2))
        assert stats.count("suggestions.replied_late") == 1
        assert stats.count("suggestions.overdue") == 0
        assert stats.count("suggestions.urged") == 1
        assert stats.count("petitions.procedural_late") == 1
