"""Leads (线索): sources, acceptance, and the two-way link to the case they become."""

from __future__ import annotations

from datetime import date

import pytest
from flow_fixtures import at, event_names, new_case, new_person

from supervision_ledger.domain import (
    DEFAULT_POLICY,
    AlreadyConverted,
    CaseClosed,
    ExplanationRequired,
    InvalidTransition,
    Lead,
    LeadSource,
    LeadStatus,
    Role,
    RuleViolation,
    Supervisor,
    SupervisorLacksRole,
    SupervisorNotActive,
)

P = DEFAULT_POLICY
GRID = new_person("GW1", Role.GRID_WORKER)


def report(
    key: str = "L1",
    source: LeadSource = LeadSource.GRID_WORKER,
    reporter: Supervisor | None = GRID,
    reference: str | None = None,
    department: str | None = None,
    when: str = "2023-04-01 09:00",
) -> Lead:
    return Lead.report(key, "DLT", source, reporter, reference, department, "河岸垃圾", at(when), P)


def accepted(key: str = "L1") -> Lead:
    lead = report(key)
    lead.accept(at("2023-04-02 09:00"))
    return lead


def test_a_grid_workers_lead_accepted_and_turned_into_a_case() -> None:
    lead = report()
    assert (lead.source, lead.reporter) == (LeadSource.GRID_WORKER, "GW1")
    lead.accept(at("2023-04-02 09:00"))
    case = new_case("K1")
    lead.turn_into_case(case, at("2023-04-03 09:00"))
    assert event_names(lead) == ["Reported", "Accepted", "TurnedIntoCase"]
    assert event_names(case)[-1] == "SourceLeadLinked"
    assert lead.status is LeadStatus.CASE_OPENED and lead.case == "K1" and lead.became_case
    assert case.source_lead == "L1"


def test_a_grid_workers_lead_names_an_active_grid_worker() -> None:
    with pytest.raises(RuleViolation, match="names the grid worker"):
        report(reporter=None)
    with pytest.raises(SupervisorLacksRole, match="grid_worker"):
        report(reporter=new_person("PS1", Role.PEOPLES_SUPERVISOR))
    future = new_person("GW2", Role.GRID_WORKER, term_start=date(2024, 1, 1))
    with pytest.raises(SupervisorNotActive, match="'GW2'"):
        report(reporter=future)


def test_npc_and_cppcc_leads_give_their_reference_and_a_reporter_of_that_role() -> None:
    lead = report(source=LeadSource.NPC_SUGGESTION, reporter=None, reference="建议12号")
    assert lead.reference == "建议12号"
    with pytest.raises(RuleViolation, match="reference"):
        report(source=LeadSource.CPPCC_PROPOSAL, reporter=None)
    with pytest.raises(SupervisorLacksRole, match="cppcc_member"):
        report(source=LeadSource.CPPCC_PROPOSAL, reporter=GRID, reference="提案3号")
    member = new_person("CP1", Role.CPPCC_MEMBER)
    assert report(source=LeadSource.CPPCC_PROPOSAL, reporter=member, reference="提案3号").reporter


def test_a_transfer_names_the_department_and_no_reporter() -> None:
    lead = report(source=LeadSource.DEPARTMENT_TRANSFER, reporter=None, department="林草局")
    assert lead.department == "林草局"
    with pytest.raises(RuleViolation, match="department"):
        report(source=LeadSource.DEPARTMENT_TRANSFER, reporter=None)
    with pytest.raises(RuleViolation, match="department"):
        report(department="林草局")
    with pytest.raises(RuleViolation, match="has no reporter"):
        report(source=LeadSource.DEPARTMENT_TRANSFER, department="林草局")
    with pytest.raises(RuleViolation, match="has no reporter"):
        report(source=LeadSource.OTHER)


@pytest.mark.parametrize("source", [LeadSource.DEPARTMENT_TRANSFER, LeadSource.AGENCY_REFERRAL])
def test_a_transfer_within_and_a_referral_from_outside_are_told_apart(source: LeadSource) -> None:
    lead = report(source=source, reporter=None, department="第八检察部")
    assert lead.source is source and lead.department == "第八检察部"
    with pytest.raises(RuleViolation, match="agency_referral"):
        report(source=source, reporter=None)
    assert LeadSource.DEPARTMENT_TRANSFER.zh != LeadSource.AGENCY_REFERRAL.zh


def test_accept_or_reject_once_and_rejecting_needs_reasons() -> None:
    lead = report()
    with pytest.raises(ExplanationRequired):
        lead.reject(" ", at("2023-04-02 09:00"))
    lead.reject("不属于公益诉讼范围", at("2023-04-02 09:00"))
    assert event_names(lead)[-1] == "Rejected" and lead.status is LeadStatus.REJECTED
    with pytest.raises(InvalidTransition, match="rejected"):
        lead.accept(at("2023-04-03 09:00"))
    with pytest.raises(InvalidTransition, match="needs it accepted"):
        lead.turn_into_case(new_case(), at("2023-04-03 09:00"))
    twice = accepted()
    with pytest.raises(InvalidTransition):
        twice.accept(at("2023-04-03 09:00"))


def test_only_an_accepted_lead_becomes_a_case() -> None:
    lead = report()
    case = new_case()
    with pytest.raises(InvalidTransition, match="reported"):
        lead.turn_into_case(case, at("2023-04-03 09:00"))
    assert case.source_lead is None and event_names(case) == ["Registered"]


def test_a_lead_becomes_at_most_one_case_and_a_case_has_one_source_lead() -> None:
    lead, case = accepted("L1"), new_case("K1")
    lead.turn_into_case(case, at("2023-04-03 09:00"))
    with pytest.raises(AlreadyConverted, match="already became case 'K1'"):
        lead.turn_into_case(new_case("K2"), at("2023-04-04 09:00"))
    other = accepted("L2")
    event_names(other)
    with pytest.raises(AlreadyConverted, match="already made from lead 'L1'"):
        other.turn_into_case(case, at("2023-04-04 09:00"))
    assert other.case is None and event_names(other) == []
    assert case.source_lead == "L1"


def test_lead_and_case_share_the_unit_and_the_case_is_open() -> None:
    with pytest.raises(RuleViolation, match="of unit 'OTHER'"):
        accepted().turn_into_case(new_case(unit="OTHER"), at("2023-04-03 09:00"))
    closed = new_case()
    closed.close(at("2023-03-01 09:00"))
    lead = accepted()
    with pytest.raises(CaseClosed):
        lead.turn_into_case(closed, at("2023-04-03 09:00"))
    assert lead.status is LeadStatus.ACCEPTED
