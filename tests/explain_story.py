"""A small history recording what the demo year and the flow scenarios leave at zero,
so that explaining every figure lists something for (nearly) each of them: people in
the rarer roles taking part, opinions answered late or not at all, an objection never
ruled on, suggestions of every type left unanswered and escalated, petitions never
answered, found unreachable or handled by a leader, leads from deputies and members
turned into cases, a sitting attended by an entrusted deputy. Unit ``XS``, 2023."""

from __future__ import annotations

from typing import Any

from supervision_ledger import Ledger

UNIT = "XS"


def t(day: str, hour: int = 9) -> str:
    return f"{day}T{hour:02d}:00:00"


def record(ledger: Ledger) -> None:
    def do(type_: str, **fields: Any) -> None:
        ledger.execute({"type": type_, **fields})

    do("register_unit", unit=UNIT, name="西山区人民检察院", level="district",
       occurred_at=t("2020-01-01"))  # fmt: skip
    roles = {"G": "grid_worker", "A": "invited_prosecutor_assistant", "M": "mediator",
             "P": "peoples_supervisor"}  # fmt: skip
    for prefix, role in roles.items():
        do("appoint_supervisor", supervisor=f"XS-{prefix}", unit=UNIT, name=f"{prefix}某",
           roles=[role], term_start="2021-01-01", occurred_at=t("2021-01-01"))  # fmt: skip
    # Opinions: n=1 never received; 2 answered late; 3 objected to, never ruled on.
    for n in range(1, 4):
        case = f"XS-K{n}"
        do("register_case", case=case, unit=UNIT, kind="other", handling_prosecutor="李检",
           received_on="2023-03-01", parties=[], occurred_at=t("2023-03-01"))  # fmt: skip
        do("open_activity", case=case, activity="A1", activity_type="document_service",
           occurred_at=t("2023-03-02"))  # fmt: skip
        people = ["XS-P"] if n > 1 else [f"XS-{p}" for p in ("G", "A", "M", "P")]
        for person in people:
            role = roles[person[-1]]
            do("invite_supervisor", case=case, activity="A1", supervisor=person, role=role,
               occurred_at=t("2023-03-02", 10))  # fmt: skip
            do("record_attendance", case=case, activity="A1", supervisor=person,
               occurred_at=t("2023-03-03"))  # fmt: skip
        do("submit_opinion", case=case, activity="A1", supervisor="XS-P", opinion="O1",
           content="意见。", occurred_at=t("2023-03-03", 11))  # fmt: skip
        if n == 1:
            # An opinion entered by mistake and retracted (opinions.retracted).
            do("submit_opinion", case=case, activity="A1", supervisor="XS-P", opinion="O2",
               content="误录。", occurred_at=t("2023-03-03", 12))  # fmt: skip
            do("retract_opinion", case=case, opinion="O2", reason="误录。",
               occurred_at=t("2023-03-03", 13))  # fmt: skip
            continue
        do("receive_opinion", case=case, opinion="O1", occurred_at=t("2023-03-04"))
        do("route_opinion", case=case, opinion="O1", department="第一检察部",
           occurred_at=t("2023-03-05"))  # fmt: skip
        do("decide_opinion", case=case, opinion="O1", outcome="not_adopted",
           explanation="不予采纳。", occurred_at=t("2023-03-10"))  # fmt: skip
        do("give_feedback", case=case, opinion="O1", content="已反馈。",
           occurred_at=t("2023-05-20" if n == 2 else "2023-03-12"))  # fmt: skip
        if n == 3:
            do("object_to_feedback", case=case, opinion="O1", reason="不同意。",
               occurred_at=t("2023-03-15"))  # fmt: skip
    # Suggestions of every type, served and never answered; one escalated.
    # Served on each type of recipient; two objected to (one amended, one withdrawn), one
    # escalated after its reply as not rectified.
    for n, (kind, recipient_type) in enumerate(
        (("retrial", "court"), ("correction", "administrative"), ("other", "other"),
         ("other", "administrative"), ("other", "other")),
        start=1,
    ):  # fmt: skip
        key = f"西检建〔2023〕{n}号"
        do("draft_suggestion", suggestion=key, case="XS-K1", suggestion_type=kind,
           content="建议。", occurred_at=t("2023-04-01"))  # fmt: skip
        do("serve_suggestion", suggestion=key, recipient="区某局",
           recipient_type=recipient_type, occurred_at=t("2023-04-02"))  # fmt: skip
    do("urge_suggestion_reply", suggestion="西检建〔2023〕3号", occurred_at=t("2023-06-15"))
    do("escalate_suggestion", suggestion="西检建〔2023〕3号", escalated_to="市某局",
       chief_approved=True, reasons="逾期未回复。", occurred_at=t("2023-07-01"))  # fmt: skip
    do("record_suggestion_reply", suggestion="西检建〔2023〕2号", content="收到。",
       occurred_at=t("2023-05-01"))  # fmt: skip
    do("escalate_suggestion", suggestion="西检建〔2023〕2号", ground="not_rectified",
       escalated_to="区人民政府", also_to=["区人大常委会"],
       approver={"role": "chief_prosecutor", "name": "检察长 张某"}, reasons="回复后未整改。",
       occurred_at=t("2023-07-05"))  # fmt: skip
    for n, outcome in ((4, "amended"), (5, "withdrawn")):
        key = f"西检建〔2023〕{n}号"
        do("object_to_suggestion", suggestion=key, reasons="认为事实有误。",
           occurred_at=t("2023-04-10"))  # fmt: skip
        do("review_suggestion_objection", suggestion=key, outcome=outcome, reasons="经复核。",
           content="修改后的建议。" if outcome == "amended" else None,
           approver={"role": "chief_prosecutor", "name": "检察长 张某"},
           occurred_at=t("2023-04-20"))  # fmt: skip
    # Petitions: one never answered, one found unreachable, one handled by a leader.
    for n in range(1, 4):
        do("receive_petition", petition=f"西检信〔2023〕{n}号", unit=UNIT, channel="letter",
           subject="信访事项。", occurred_at=t("2023-05-01"))  # fmt: skip
    do("mark_petition_unreachable", petition="西检信〔2023〕2号", reason="电话空号。",
       occurred_at=t("2023-05-03"))  # fmt: skip
    do("assign_petition_leader", petition="西检信〔2023〕3号", leader="检察长 张某",
       occurred_at=t("2023-05-02"))  # fmt: skip
    # Leads from an NPC deputy's suggestion and a CPPCC member's proposal become cases.
    for n, source in enumerate(("npc_suggestion", "cppcc_proposal"), start=1):
        lead = f"西线〔2023〕{n}号"
        do("report_lead", lead=lead, unit=UNIT, source=source, summary="线索。",
           reference=f"建议第{n}号", occurred_at=t("2023-06-01"))  # fmt: skip
        do("accept_lead", lead=lead, occurred_at=t("2023-06-02"))
        do("register_case", case=f"XS-L{n}", unit=UNIT, kind="other", handling_prosecutor="李检",
           received_on="2023-06-09", parties=[], occurred_at=t("2023-06-09"))  # fmt: skip
        do("turn_lead_into_case", lead=lead, case=f"XS-L{n}", occurred_at=t("2023-06-10"))
    do("record_trial_committee_sitting", sitting="西法审委〔2023〕1号", unit=UNIT,
       court="西山区人民法院", attendee="副检察长 王某", entrusted_deputy=True,
       occurred_at=t("2023-07-01"))  # fmt: skip
    # Hearings (issue 12 point 8): one applied for by a party and refused with reasons;
    # one held closed on each ground; an officer's stance the decision departs from; the
    # officers' collective opinion through a representative.
    do("appoint_supervisor", supervisor="XS-H", unit=UNIT, name="H某", roles=["hearing_officer"],
       term_start="2021-01-01", occurred_at=t("2021-01-01"))  # fmt: skip
    grounds = ("minor_party", "state_secret", "trade_secret", "privacy", "custody_review",
               "other_by_law")  # fmt: skip
    for n, ground in enumerate(grounds):
        case, hearing = f"XS-H{n}", f"西检听〔2023〕{n + 1}号"
        party = {"name": f"钱{n}某", "minor": ground == "minor_party"}
        kind = "custody_review" if ground == "custody_review" else "other"
        do("register_case", case=case, unit=UNIT, kind=kind, handling_prosecutor="李检",
           received_on="2023-08-01", parties=[party], occurred_at=t("2023-08-01"))  # fmt: skip
        do("propose_hearing", hearing=hearing, case=case, applied_by=party["name"],
           occurred_at=t("2023-08-02"))  # fmt: skip
        do("approve_hearing", hearing=hearing,
           approver={"role": "chief_prosecutor", "name": "张某"},
           occurred_at=t("2023-08-03"))  # fmt: skip
        # A minor party and a custody review close the hearing by default, on their ground.
        implied = ground in ("minor_party", "custody_review")
        closed = {} if implied else {"public": False, "closed_ground": ground}
        do("schedule_hearing", hearing=hearing, scheduled_for=t("2023-08-10"),
           presiding_prosecutor="李检", occurred_at=t("2023-08-04"), **closed)  # fmt: skip
        if n < 2:
            do("invite_hearing_officer", hearing=hearing, supervisor="XS-H",
               occurred_at=t("2023-08-04", 10))  # fmt: skip
        do("hold_hearing", hearing=hearing, occurred_at=t("2023-08-10"))
        if n == 0:
            do("record_officer_opinion", hearing=hearing, officer="XS-H",
               recommendation="建议起诉", stance="disagree",
               occurred_at=t("2023-08-10", 11))  # fmt: skip
            do("decide_hearing", hearing=hearing, decision="不起诉", follows_proposal=True,
               chief_approved=True, reasons="经检察长决定。",
               occurred_at=t("2023-08-11"))  # fmt: skip
        if n == 1:
            do(
                "record_collective_opinion",
                hearing=hearing,
                representative="XS-H",
                recommendation="同意",
                stance="agree",
                occurred_at=t("2023-08-10", 11),
            )
    do("register_case", case="XS-HR", unit=UNIT, kind="other", handling_prosecutor="李检",
       received_on="2023-08-01", parties=[{"name": "赵某"}],
       occurred_at=t("2023-08-01"))  # fmt: skip
    do("propose_hearing", hearing="西检听〔2023〕9号", case="XS-HR", applied_by="赵某",
       occurred_at=t("2023-08-02"))  # fmt: skip
    do("refuse_hearing", hearing="西检听〔2023〕9号", reasons="不符合听证条件。",
       occurred_at=t("2023-08-03"))  # fmt: skip
