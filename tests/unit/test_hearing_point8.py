"""Issue 12 point 8 on the Hearing aggregate: applications and refusals (Art. 9), the
handler presiding (Art. 13), closed grounds, collective opinions (Art. 15(5)) and
departure from the majority judged on stances; and the invitation lifecycle written once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import CHIEF, POLICY, at, fresh, held_hearing, officers, only_event, refused

from supervision_ledger.domain import (
    AlreadyExists,
    CaseKind,
    ClosedGroundRequired,
    ClosedHearingRequired,
    DepartureNeedsApproval,
    ExplanationRequired,
    HandlerMustPreside,
    Hearing,
    HearingStatus,
    InvalidTransition,
    Invitation,
    InvitationStatus,
    NotAParty,
    NotAttended,
    Role,
    RuleViolation,
)
from supervision_ledger.domain.hearing import HearingParticipant
from supervision_ledger.domain.lifecycle import INVITATION_STEPS
from supervision_ledger.domain.values import ApproverRole, ClosedGround, Stance


def proposed(**kwargs: object) -> Hearing:
    fields: dict[str, object] = {
        "key": "H1",
        "case": "K1",
        "unit": "QC",
        "case_kind": CaseKind.CRIMINAL_APPEAL,
        "party_names": ("王某某",),
        "has_minor": False,
        "reason": None,
        "occurred_at": at(2023, 4, 1),
        **kwargs,
    }
    return fresh(Hearing(**fields))


def approved(**kwargs: object) -> Hearing:
    h = proposed(**kwargs)
    h.approve(CHIEF, at(2023, 4, 2), POLICY)
    return fresh(h)


def schedule(h: Hearing, presiding: str = "赵检", **kwargs: object) -> None:
    args: dict[str, object] = {"public": None, **kwargs}
    public = args.pop("public")
    h.schedule(
        at(2023, 4, 10), public, presiding, False, None, at(2023, 4, 3), args.pop("policy", POLICY),
        **args,
    )  # fmt: skip


# -- (a) applications and refusals -------------------------------------------------------


def test_a_party_applies_and_a_non_party_is_refused() -> None:
    h = proposed(applied_by="王某某")
    assert h.applied_by == "王某某"
    Hearing.check_applicant("王某某", ("王某某",), "K1")
    with refused(NotAParty, names=["张某", "K1"]):
        Hearing.check_applicant("张某", ("王某某",), "K1")


def test_a_refusal_needs_reasons_and_ends_the_hearing() -> None:
    h = proposed(applied_by="王某某")
    with refused(ExplanationRequired, h, names=["H1"]):
        h.refuse("  ", at(2023, 4, 2))
    h.refuse("不符合听证条件", at(2023, 4, 2))
    assert only_event(h, Hearing.Refused).reasons == "不符合听证条件"
    assert (h.status, h.refusal_reasons) == (HearingStatus.REFUSED, "不符合听证条件")
    with refused(InvalidTransition, h):
        h.approve(CHIEF, at(2023, 4, 3), POLICY)
    with refused(InvalidTransition, h):
        h.refuse("再次", at(2023, 4, 3))


def test_an_approved_hearing_cannot_be_refused() -> None:
    h = approved()
    with refused(InvalidTransition, h):
        h.refuse("理由", at(2023, 4, 3))


# -- (b) the handler presides ------------------------------------------------------------


@pytest.mark.parametrize("rank", [ApproverRole.CHIEF_PROSECUTOR, ApproverRole.DEPARTMENT_HEAD])
def test_a_chief_or_department_head_handling_the_case_presides(rank: ApproverRole) -> None:
    h = approved(handler="林检", handler_rank=rank)
    with refused(HandlerMustPreside, h, names=["林检", "赵检", rank.value]):
        schedule(h, "赵检")
    schedule(h, "林检")
    assert h.presiding_prosecutor == "林检"


def test_the_ranks_that_must_preside_are_policy() -> None:
    h = approved(handler="林检", handler_rank=ApproverRole.DEPUTY_CHIEF)
    schedule(h, "赵检")  # a deputy is not in the default ranks
    h = approved(handler="林检", handler_rank=ApproverRole.CHIEF_PROSECUTOR)
    schedule(h, "赵检", policy=replace(POLICY, handler_must_preside=frozenset()))


# -- (c) closed grounds ------------------------------------------------------------------


def test_a_closed_hearing_needs_a_ground() -> None:
    h = approved()
    with refused(ClosedGroundRequired, h, names=["H1"]):
        schedule(h, public=False)
    with refused(RuleViolation, h):
        schedule(h, public=True, closed_ground=ClosedGround.PRIVACY)
    schedule(h, public=False, closed_ground=ClosedGround.STATE_SECRET)
    event = only_event(h, Hearing.Scheduled)
    assert (event.public, event.closed_ground) == (False, ClosedGround.STATE_SECRET)


def test_default_grounds() -> None:
    h = approved(has_minor=True)
    schedule(h)
    assert (h.public, h.closed_ground) == (False, ClosedGround.MINOR_PARTY)
    h = approved(case_kind=CaseKind.CUSTODY_REVIEW)
    schedule(h)
    assert (h.public, h.closed_ground) == (False, ClosedGround.CUSTODY_REVIEW)
    h = approved()
    schedule(h)
    assert (h.public, h.closed_ground) == (True, None)


def test_a_minor_closes_a_hearing_always_or_by_default_as_the_policy_says() -> None:
    h = approved(has_minor=True)
    with refused(ClosedHearingRequired, h):
        schedule(h, public=True, policy=replace(POLICY, minor_hearings_closed=True))
    schedule(h, policy=POLICY)
    assert (h.public, h.closed_ground) == (False, ClosedGround.MINOR_PARTY)
    schedule(h, public=True, policy=POLICY)
    assert (h.public, h.closed_ground) == (True, None)


# -- (d) collective opinion, (e) stances -------------------------------------------------


def test_a_collective_opinion_through_an_attending_officer() -> None:
    team = officers(3)
    h = held_hearing(team, absent=("T3",))
    with refused(NotAttended, h, names=["T3"]):
        h.record_collective_opinion("T3", "同意", Stance.AGREE, None, at(2023, 4, 10, 16))
    h.record_collective_opinion("T1", "同意", Stance.AGREE, "合议", at(2023, 4, 10, 16))
    event = only_event(h, Hearing.CollectiveOpinionRecorded)
    assert (event.representative, event.stance) == ("T1", Stance.AGREE)
    with refused(AlreadyExists, h):
        h.record_collective_opinion("T2", "同意", Stance.AGREE, None, at(2023, 4, 10, 17))
    # It stands for the majority: not following the proposal departs from it.
    with refused(DepartureNeedsApproval, h):
        h.decide("起诉", False, None, at(2023, 4, 11), follows_proposal=False)
    h.decide("不起诉", False, None, at(2023, 4, 11), follows_proposal=True)
    assert h.departs_from_majority is False


def test_departure_is_judged_on_stances_not_texts() -> None:
    h = held_hearing(officers(3))
    texts = ["同意不起诉", "同意作出不起诉决定", "建议起诉"]
    stances = [Stance.AGREE, Stance.AGREE, Stance.DISAGREE]
    for n, (text, stance) in enumerate(zip(texts, stances, strict=True), start=1):
        h.record_officer_opinion(f"T{n}", text, None, at(2023, 4, 10, 16), stance=stance)
    fresh(h)
    assert h.majority_recommendation() is None  # no text shared by a majority
    assert h.majority_stance() is Stance.AGREE
    with refused(DepartureNeedsApproval, h, names=["agree"]):
        h.decide("起诉", False, None, at(2023, 4, 11), follows_proposal=False)
    h.decide("不起诉", False, None, at(2023, 4, 11), follows_proposal=True)
    event = only_event(h, Hearing.Decided)
    assert (event.departs_from_majority, event.majority_stance) == (False, Stance.AGREE)
    assert event.follows_proposal is True


def test_without_follows_proposal_texts_decide_as_before() -> None:
    h = held_hearing(officers(3))
    for n in (1, 2, 3):
        h.record_officer_opinion(f"T{n}", "不起诉", None, at(2023, 4, 10, 16), Stance.AGREE)
    with refused(DepartureNeedsApproval, h):
        h.decide("起诉", False, None, at(2023, 4, 11))
    h.decide("起诉", True, "检察长决定", at(2023, 4, 11))
    assert h.departs_from_majority is True


# -- the invitation lifecycle, written once ----------------------------------------------


def test_hearing_participants_are_invitations_with_one_table_of_steps() -> None:
    assert issubclass(HearingParticipant, Invitation)
    p = HearingParticipant("T1", Role.HEARING_OFFICER, at(2023, 4, 4), officer=True)
    for step, (allowed, to) in INVITATION_STEPS.items():
        assert p.allows(step) is (InvitationStatus.INVITED in allowed), step
        assert isinstance(to, InvitationStatus)
    p.take("decline", at(2023, 4, 5), reason="出差")
    assert (p.status, p.reason, p.changed_at, p.expected) == (
        InvitationStatus.DECLINED,
        "出差",
        at(2023, 4, 5),
        False,
    )
    with pytest.raises(InvalidTransition, match="T1 is declined"):
        p.check("attend", lambda status: f"T1 is {status}")
    p.check("replace", lambda status: f"unused {status}")


def test_a_refused_step_names_a_key_with_braces_as_it_is() -> None:
    # Keys may hold braces: the refusal is worded by a function, never by str.format.
    p = HearingParticipant("T{1}", Role.HEARING_OFFICER, at(2023, 4, 4), officer=True)
    p.take("decline", at(2023, 4, 5))
    with pytest.raises(InvalidTransition, match=r"'T\{1\}' is declined"):
        p.check("attend", lambda status: f"{p.supervisor!r} is {status}")
