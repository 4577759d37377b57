"""For random valid command histories: views maintained command by command equal views
rebuilt from zero, and the figures equal a naive recomputation written here, from the
full event list, independently of the views.

Creating actions carry their own follow-ups (an activity with its invitations, an opinion
and its lifecycle; a hearing with its officers, observers, party responses and a linked
case activity), so that the histories reach opinions, late feedback, officers at hearings
and party responses; the test asserts at its end that they did."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ledger_stories import Story
from stores import drop_schema, new_postgres_url, require_postgres

from supervision_ledger import Ledger, LedgerError
from supervision_ledger.domain import Case, Hearing, Supervisor
from supervision_ledger.domain.values import ActivityType, ClosedGround, Role
from supervision_ledger.projections import (
    FIGURES,
    ProjectionEngine,
    compute_statistics,
    default_views,
)
from supervision_ledger.projections.dossier import dossier
from supervision_ledger.projections.engine import scratch_database
from supervision_ledger.projections.feedback import pending_feedback
from supervision_ledger.projections.hearings import hearing_register
from supervision_ledger.projections.statistics import unit_scope

AS_OF = date(2024, 6, 30)
FLOW_SECTIONS = {
    "suggestions",
    "petitions",
    "leads",
    "typical_cases",
    "partners",
    "trial_committee",
}
PEOPLE = ["P1", "P2", "P3", "P4", "O1", "O2", "O3", "N1"]
CASES = ["K1", "K2", "K3"]
TYPES = list(ActivityType)
#: What the runs of a test reached (from the naive recomputation), read at its end.
REACHED: Counter[str] = Counter()
RATES = {
    "opinions.adoption_rate",
    "feedback.on_time_rate",
    "hearings.acceptance_rate",
    "hearings.mandatory_supervision_rate",
}
OFFICERS = ["O1", "O2", "O3", "P3"]
OBSERVERS = [("P1", "peoples_supervisor"), ("P2", "peoples_supervisor"), ("N1", "npc_deputy")]
#: Days from a decision to its feedback: on time, late (the policy allows 15), or none.
FEEDBACK_DELAYS = [2, 20, None]

op = st.one_of(
    st.tuples(
        st.sampled_from(["invite", "attend", "opinion"]),
        st.integers(0, 2),
        st.integers(0, 3),
        st.integers(0, 7),
    ),
    st.tuples(st.just("open"), st.integers(0, 2), st.integers(0, len(TYPES) - 1)),
    st.tuples(
        st.sampled_from(["invite", "decline", "attend", "opinion"]),
        st.integers(0, 2),
        st.integers(0, 3),
        st.integers(0, 3),
    ),
    st.tuples(
        st.just("replace"),
        st.integers(0, 2),
        st.integers(0, 3),
        st.integers(0, 3),
        st.integers(0, 3),
    ),
    st.tuples(st.just("step"), st.integers(0, 2), st.integers(0, 4), st.integers(0, 2)),
    st.tuples(st.just("hearing"), st.integers(0, 2)),
    st.tuples(
        st.sampled_from(["h_officer", "h_observer", "h_decline"]),
        st.integers(0, 3),
        st.integers(0, 7),
    ),
    st.tuples(st.sampled_from(["h_hold", "h_respond"]), st.integers(0, 3), st.booleans()),
    st.tuples(st.sampled_from(["allowance", "suspend", "reinstate"]), st.integers(0, 7)),
    # An activity with its invitations settled (attended / declined / replaced / open) and
    # an opinion carried some steps (0: none … 6: implementation reported; 7: submitted,
    # then retracted as entered by mistake).
    st.tuples(
        st.just("activity"),
        st.integers(0, 2),
        st.integers(0, len(TYPES) - 1),
        st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=3),
        st.integers(0, 7),
        st.integers(0, 2),
        st.integers(0, len(FEEDBACK_DELAYS) - 1),
    ),
    # A hearing with officers (attend / decline / replaced / absent), observers, whether it
    # is held, its party responses, and a case activity linked to it.
    st.tuples(
        st.just("full_hearing"),
        st.integers(0, 2),
        st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=4),
        st.lists(st.tuples(st.integers(0, 2), st.booleans()), max_size=2),
        st.booleans(),
        st.lists(st.booleans(), max_size=2),
        st.tuples(st.booleans(), st.integers(0, 3), st.booleans()),
    ),
)
history = st.lists(st.tuples(op, st.integers(0, 300)), min_size=5, max_size=40)


def setup(story: Story) -> None:
    story.unit("C", level="city")
    story.unit("D1", parent="C")
    story.unit("D2", parent="C")
    for key, unit, roles in [
        ("P1", "D1", ["peoples_supervisor"]),
        ("P2", "D1", ["peoples_supervisor"]),
        ("P3", "D2", ["peoples_supervisor", "hearing_officer"]),
        ("P4", "C", ["peoples_supervisor"]),
        ("O1", "D1", ["hearing_officer"]),
        ("O2", "D1", ["hearing_officer"]),
        ("O3", "C", ["hearing_officer"]),
        ("N1", "C", ["npc_deputy"]),
    ]:
        story.do(
            "appoint_supervisor",
            supervisor=key,
            unit=unit,
            name=key,
            roles=roles,
            term_start="2022-06-01",
            occurred_at="2022-06-01T09:00",
        )
    for key, unit in zip(CASES, ["D1", "D2", "C"], strict=True):
        story.do(
            "register_case",
            case=key,
            unit=unit,
            kind="criminal_appeal",
            handling_prosecutor="李",
            received_on="2022-12-01",
            parties=[{"name": "甲"}, {"name": "乙"}],
            occurred_at="2022-12-01T09:00",
        )


STEPS = [
    "receive_opinion",
    "route_opinion",
    "decide_opinion",
    "give_feedback",
    "report_implementation",
]


def command(ledger: Ledger, action: tuple[Any, ...], when: datetime) -> dict[str, Any] | None:
    """The command an action stands for, given what the ledger holds (None: nothing to do)."""
    t = when.isoformat()
    kind = action[0]
    if kind == "open":
        case, activity_type = CASES[action[1]], TYPES[action[2]]
        initiator = "P1" if activity_type is ActivityType.SUPERVISOR_INITIATED else None
        return {
            "type": "open_activity",
            "case": case,
            "activity_type": activity_type.value,
            "initiated_by": initiator,
            "occurred_at": t,
        }
    if kind in ("invite", "decline", "attend", "opinion", "replace"):
        # Indices pick among what exists, so that most actions are valid steps.
        case = CASES[action[1]]
        activities = sorted(ledger.case(case).activities)
        if not activities:
            return {
                "type": "open_activity",
                "case": case,
                "occurred_at": t,
                "activity_type": TYPES[action[2] % 9].value,
            }
        act = activities[action[2] % len(activities)]
        invitations = ledger.case(case).activities[act].invitations
        if kind == "invite":
            person = PEOPLE[action[3] % 5]
        elif invitations:
            person = sorted(invitations)[action[3] % len(invitations)]
        else:
            return None
        base = {"case": case, "activity": act, "supervisor": person, "occurred_at": t}
        if kind == "invite":
            return {"type": "invite_supervisor", **base}
        if kind == "decline":
            return {"type": "decline_invitation", **base}
        if kind == "attend":
            return {"type": "record_attendance", **base}
        if kind == "replace":
            return {"type": "replace_supervisor", **base, "replacement": PEOPLE[action[4]]}
        return {"type": "submit_opinion", **base, "content": "意见"}
    if kind == "step":
        case = CASES[action[1]]
        opinions = ledger.case(case).opinions
        if not opinions:
            return None
        key = sorted(opinions)[action[2] % len(opinions)]
        if opinions[key].retracted:
            return None
        stage = list(opinions[key].stage.__class__).index(opinions[key].stage)
        # Fully answered, or one step in five: retract it (entered by mistake).
        if stage >= len(STEPS) or action[2] == 4:
            return {
                "type": "retract_opinion",
                "case": case,
                "opinion": key,
                "reason": "误录",
                "occurred_at": t,
            }
        step = STEPS[stage]
        extra: dict[str, Any] = {
            "route_opinion": {"department": "一部"},
            "decide_opinion": {
                "outcome": ["adopted", "partly_adopted", "not_adopted"][action[3]],
                "explanation": "说明",
            },
            "give_feedback": {"content": "反馈"},
            "report_implementation": {"content": "落实"},
        }.get(step, {})
        return {"type": step, "case": case, "opinion": key, "occurred_at": t, **extra}
    if kind == "hearing":
        return {
            "type": "propose_hearing",
            "hearing": f"H{when.timestamp():.0f}",
            "case": CASES[action[1]],
            "occurred_at": t,
        }
    if kind.startswith("h_"):
        hearings = ledger.views_hearing_keys  # type: ignore[attr-defined]
        if not hearings:
            return None
        hearing = hearings[action[1] % len(hearings)]
        if kind == "h_hold":
            return {"type": "hold_hearing", "hearing": hearing, "occurred_at": t}
        if kind == "h_respond":
            return {
                "type": "record_party_response",
                "hearing": hearing,
                "party": "甲",
                "accepted": action[2],
                "occurred_at": t,
            }
        person = PEOPLE[action[2]]
        if kind == "h_decline":
            invited = sorted(ledger.hearing(hearing).participants)
            if not invited:
                return None
            person = invited[action[2] % len(invited)]
        if kind == "h_officer":
            return {
                "type": "invite_hearing_officer",
                "hearing": hearing,
                "supervisor": person,
                "occurred_at": t,
            }
        if kind == "h_observer":
            role = "npc_deputy" if person == "N1" else "peoples_supervisor"
            return {
                "type": "invite_observer",
                "hearing": hearing,
                "supervisor": person,
                "role": role,
                "occurred_at": t,
            }
        return {
            "type": "decline_hearing_invitation",
            "hearing": hearing,
            "supervisor": person,
            "occurred_at": t,
        }
    person = PEOPLE[action[1]]
    if kind == "allowance":
        return {
            "type": "pay_allowance",
            "supervisor": person,
            "amount": f"{action[1] * 100 + 50}.50",
            "purpose": "补贴",
            "occurred_at": t,
        }
    return {"type": f"{kind}_supervisor", "supervisor": person, "reason": "因故", "occurred_at": t}


def follow_up(
    ledger: Ledger, action: tuple[Any, ...], cmd: dict[str, Any], when: datetime
) -> list[dict[str, Any]]:
    """A proposed hearing is approved, scheduled a week ahead and decided once held; an
    invitation is settled by the action's last number: attended, declined, replaced
    (the replacement attends), or left open."""
    t = when.isoformat()
    if cmd["type"] == "invite_supervisor":
        key = {k: cmd[k] for k in ("case", "activity", "supervisor")}
        mode = action[3] % 4
        if mode == 0:
            return [{"type": "record_attendance", **key, "occurred_at": t}]
        if mode == 1:
            return [{"type": "decline_invitation", **key, "occurred_at": t}]
        if mode == 2:
            new = PEOPLE[(action[3] + 1) % 4]
            return [
                {"type": "replace_supervisor", **key, "replacement": new, "occurred_at": t},
                {"type": "record_attendance", **key, "supervisor": new, "occurred_at": t},
            ]
        return []
    if cmd["type"] == "propose_hearing":
        h = cmd["hearing"]
        ledger.views_hearing_keys.append(h)  # type: ignore[attr-defined]
        return [
            {
                "type": "approve_hearing",
                "hearing": h,
                "approved_by": "检察长",
                "occurred_at": when.isoformat(),
            },
            {
                "type": "schedule_hearing",
                "hearing": h,
                "presiding_prosecutor": "检察长",
                "presided_by_chief": when.day % 2 == 0,
                "scheduled_for": (when + timedelta(days=7)).isoformat(),
                "occurred_at": when.isoformat(),
            },
        ]
    if cmd["type"] == "hold_hearing":
        return [
            {
                "type": "decide_hearing",
                "hearing": cmd["hearing"],
                "decision": "结论",
                "occurred_at": when.isoformat(),
            }
        ]
    return []


def story_of(
    ledger: Ledger, action: tuple[Any, ...], when: datetime
) -> list[tuple[dict[str, Any], datetime]]:
    """The commands of a creating action with its follow-ups, each with its moment."""
    steps: list[tuple[dict[str, Any], datetime]] = []

    def do(moment: datetime, type_: str, **fields: Any) -> None:
        steps.append(({"type": type_, "occurred_at": moment.isoformat(), **fields}, moment))

    if action[0] == "activity":
        _, case_i, type_i, invites, opinion_steps, outcome, delay = action
        case, activity_type = CASES[case_i], TYPES[type_i]
        key = f"A{len(ledger.case(case).activities) + 1}"
        chosen = list(dict.fromkeys(PEOPLE[p] for p, _ in invites))  # P1–P4, no repeats
        initiator = None
        if activity_type is ActivityType.SUPERVISOR_INITIATED:
            initiator = chosen.pop(0)
        do(
            when,
            "open_activity",
            case=case,
            activity=key,
            activity_type=activity_type.value,
            initiated_by=initiator,
        )
        base = {"case": case, "activity": key}
        came: list[str] = []
        spare = [p for p in PEOPLE[:4] if p not in chosen and p != initiator]
        for person, (_, mode) in zip(chosen, invites, strict=False):
            do(when, "invite_supervisor", **base, supervisor=person)
            later = when + timedelta(hours=1)
            if mode == 0:
                do(later, "record_attendance", **base, supervisor=person)
                came.append(person)
            elif mode == 1:
                do(later, "decline_invitation", **base, supervisor=person)
            elif mode == 2 and spare:
                new = spare.pop(0)
                do(later, "replace_supervisor", **base, supervisor=person, replacement=new)
                do(later, "record_attendance", **base, supervisor=new)
                came.append(new)
        if not came or opinion_steps == 0:
            return steps
        opinion = f"O{len(ledger.case(case).opinions) + 1}"
        at = when + timedelta(days=1)
        do(at, "submit_opinion", **base, supervisor=came[0], opinion=opinion, content="意见")
        ref = {"case": case, "opinion": opinion}
        if opinion_steps == 7:
            do(at + timedelta(days=2), "retract_opinion", **ref, reason="误录")
            return steps
        lifecycle: list[tuple[int, str, dict[str, Any]]] = [
            (1, "receive_opinion", {}),
            (1, "route_opinion", {"department": "一部"}),
            (
                1,
                "decide_opinion",
                {
                    "outcome": ["adopted", "partly_adopted", "not_adopted"][outcome],
                    "explanation": "说明",
                },
            ),
            (FEEDBACK_DELAYS[delay] or 0, "give_feedback", {"content": "反馈"}),
            (1, "report_implementation", {"content": "落实"}),
        ]
        for days, type_, extra in lifecycle[: opinion_steps - 1]:
            if type_ == "give_feedback" and FEEDBACK_DELAYS[delay] is None:
                break  # feedback never given: overdue once due
            at += timedelta(days=days)
            do(at, type_, **ref, **extra)
        return steps

    _, case_i, officers, observers, held, responses, (linked, linked_p, linked_came) = action
    case = CASES[case_i]
    keys = ledger.views_hearing_keys  # type: ignore[attr-defined]
    hearing = f"HF{len(keys) + 1}"
    keys.append(hearing)
    ref = {"hearing": hearing}
    # Issue 12 point 8: some hearings are applied for by a party, some held closed on a
    # ground, some given a collective opinion a decision departs from.
    applied = {"applied_by": "甲"} if len(observers) % 2 == 1 else {}
    do(when, "propose_hearing", **ref, case=case, **applied)
    do(when, "approve_hearing", **ref, approved_by="检察长")
    day = when + timedelta(days=7)
    do(
        when,
        "schedule_hearing",
        **ref,
        presiding_prosecutor="检察长",
        presided_by_chief=len(officers) % 2 == 1,
        scheduled_for=day.isoformat(),
        **({"public": False, "closed_ground": "privacy"} if len(officers) % 3 == 2 else {}),
    )
    absent: list[str] = []
    invited = list(dict.fromkeys(OFFICERS[o] for o, _ in officers))
    spare = [o for o in OFFICERS if o not in invited]
    for person, (_, mode) in zip(invited, officers, strict=False):
        do(when, "invite_hearing_officer", **ref, supervisor=person)
        if mode == 1:
            do(when, "decline_hearing_invitation", **ref, supervisor=person)
        elif mode == 2 and spare:
            do(when, "replace_hearing_officer", **ref, supervisor=person, replacement=spare.pop())
        elif mode == 3:
            absent.append(person)
    if not invited:  # no officer by name: one is drawn at random (not hand-picked)
        do(when, "draw_hearing_officers", **ref, count=1, seed=len(keys))
    for person, role in dict(OBSERVERS[o] for o, _ in observers).items():
        do(when, "invite_observer", **ref, supervisor=person, role=role)
        if not {OBSERVERS[o][0]: came for o, came in observers}[person]:
            absent.append(person)
    if linked:
        activity = f"A{len(ledger.case(case).activities) + 1}"
        base = {"case": case, "activity": activity, "supervisor": PEOPLE[linked_p]}
        do(
            when,
            "open_activity",
            case=case,
            activity=activity,
            activity_type="public_hearing",
            hearing=hearing,
        )
        do(when, "invite_supervisor", **base)
        do(day, "record_attendance" if linked_came else "decline_invitation", **base)
    if not held:
        return steps
    do(day, "hold_hearing", **ref, absent=absent)
    came = [p for p, (_, mode) in zip(invited, officers, strict=False) if mode == 0]
    if came:
        stance = "disagree" if linked else "agree"
        do(day, "record_collective_opinion", **ref, representative=came[0],
           recommendation="集体意见", stance=stance)  # fmt: skip
        do(day, "decide_hearing", **ref, decision="结论", follows_proposal=True,
           chief_approved=True, reasons="检察长决定")  # fmt: skip
    else:
        do(day, "decide_hearing", **ref, decision="结论")
    for party, accepted in zip(["甲", "乙"], responses, strict=False):
        do(day + timedelta(days=1), "record_party_response", **ref, party=party, accepted=accepted)
    return steps


# -- the naive recomputation ------------------------------------------------------------


OBSERVER_ROLE_NAMES = ("peoples_supervisor", "npc_deputy", "cppcc_member")


def naive(ledger: Ledger, units: set[str] | None, start: date, end: date) -> dict[str, Any]:
    zone = ledger.policy.zone
    policy = ledger.policy
    events = [
        ledger.app.mapper.to_domain_event(n)
        for n in ledger.app.recorder.select_notifications(start=1, limit=10**6)
    ]
    day = lambda e: e.occurred_at.astimezone(zone).date()  # noqa: E731
    inside = lambda d, u: start <= d <= end and (units is None or u in units)  # noqa: E731
    case_unit: dict[Any, str] = {}
    person_unit: dict[Any, str] = {}
    roles: dict[tuple[Any, ...], str] = {}
    drawn: set[tuple[Any, ...]] = set()  # (case or hearing id, [activity,] person) drawn
    replacements: list[tuple[str, date]] = []  # (unit, local date) of each 补派
    acts: dict[tuple[Any, str], dict[str, Any]] = {}
    attendances: list[tuple[str, str, str, date]] = []
    kinds: list[str] = []  # the activity type of each attendance, in step with it
    named: list[bool] = []  # whether each attendance was on an invitation by name
    opinions: dict[tuple[Any, str], dict[str, Any]] = {}
    hearings: dict[Any, dict[str, Any]] = {}
    allowances: list[tuple[str, date, Decimal]] = []
    for e in events:
        oid = e.originator_id
        if isinstance(e, Supervisor.Appointed):
            person_unit[oid] = e.unit
        elif isinstance(e, Supervisor.AllowancePaid):
            allowances.append((person_unit[oid], day(e), e.amount))
        elif isinstance(e, Case.Registered):
            case_unit[oid] = e.unit
        elif isinstance(e, Case.ActivityOpened):
            acts[(oid, e.activity)] = {
                "type": e.activity_type.value,
                "on": day(e),
                "held": e.activity_type is ActivityType.SUPERVISOR_INITIATED,
                "hearing": e.hearing,  # a hearing supervised through this activity
                "roles": set(),  # the roles of those who took part
            }
            if e.initiated_by is not None:  # the initiator takes part in it
                named.append(False)
                attendances.append(("peoples_supervisor", e.initiated_by, case_unit[oid], day(e)))
                kinds.append(e.activity_type.value)
                acts[(oid, e.activity)]["roles"].add("peoples_supervisor")
        elif isinstance(e, Case.SupervisorInvited):
            roles[(oid, e.activity, e.supervisor)] = e.role.value
        elif isinstance(e, Case.SupervisorReplaced):
            roles[(oid, e.activity, e.replacement)] = roles[(oid, e.activity, e.supervisor)]
            if e.seed is not None:
                drawn.add((oid, e.activity, e.replacement))
            replacements.append((case_unit[oid], day(e)))
        elif isinstance(e, Case.AttendanceRecorded):
            attendances.append(
                (roles[(oid, e.activity, e.supervisor)], e.supervisor, case_unit[oid], day(e))
            )
            named.append((oid, e.activity, e.supervisor) not in drawn)
            kinds.append(acts[(oid, e.activity)]["type"])
            acts[(oid, e.activity)]["held"] = True
            acts[(oid, e.activity)]["roles"].add(roles[(oid, e.activity, e.supervisor)])
        elif isinstance(e, Case.OpinionSubmitted):
            opinions[(oid, e.opinion)] = {
                "by": (oid, e.activity, e.supervisor),
                "on": day(e),
                "unit": case_unit[oid],
                "outcome": None,
                "decided": None,
                "feedback": None,
                "received": None,
                "implemented": None,
                "objected": None,
                "ruled": None,
                "retracted": False,
            }
        elif isinstance(e, Case.OpinionRetracted):
            opinions[(oid, e.opinion)]["retracted"] = True
        elif isinstance(e, Case.OpinionReceived):
            opinions[(oid, e.opinion)]["received"] = day(e)
        elif isinstance(e, Case.OpinionDecided):
            opinions[(oid, e.opinion)].update(outcome=e.outcome.value, decided=day(e))
        elif isinstance(e, Case.FeedbackGiven):
            opinions[(oid, e.opinion)]["feedback"] = day(e)
        elif isinstance(e, Case.ImplementationReported):
            opinions[(oid, e.opinion)]["implemented"] = day(e)
        elif isinstance(e, Case.FeedbackObjected):
            opinions[(oid, e.opinion)]["objected"] = day(e)
        elif isinstance(e, Case.ObjectionRuled):
            opinions[(oid, e.opinion)]["ruled"] = day(e)
        elif isinstance(e, Hearing.Proposed):
            hearings[oid] = {
                "key": e.key,
                "case": e.case,
                "unit": e.unit,
                "chief": False,
                "held": None,
                "roles": {},
                "attendees": (),
                "responses": [],
                "kind": e.case_kind,
                "public": None,
                # Issue 12 point 8: the day of a party's application, of a refusal; the
                # closed ground, a collective opinion, a departure from the majority.
                "applied": day(e) if e.applied_by is not None else None,
                "refused": None,
                "ground": None,
                "collective": False,
                "departs": False,
            }
        elif isinstance(e, Hearing.Refused):
            hearings[oid]["refused"] = day(e)
        elif isinstance(e, Hearing.CollectiveOpinionRecorded):
            hearings[oid]["collective"] = True
        elif isinstance(e, Hearing.Decided):
            hearings[oid]["departs"] = e.departs_from_majority
        elif isinstance(e, Hearing.Scheduled):
            hearings[oid].update(chief=e.presided_by_chief, public=e.public, ground=e.closed_ground)
        elif isinstance(e, Hearing.OfficerInvited):
            hearings[oid]["roles"][e.supervisor] = "hearing_officer"
        elif isinstance(e, Hearing.ObserverInvited):
            hearings[oid]["roles"][e.supervisor] = e.role.value
        elif isinstance(e, Hearing.OfficerReplaced):
            hearings[oid]["roles"][e.replacement] = "hearing_officer"
            replacements.append((hearings[oid]["unit"], day(e)))
        elif isinstance(e, Hearing.OfficersDrawn):
            hearings[oid]["roles"].update(dict.fromkeys(e.drawn, "hearing_officer"))
            drawn.update((oid, p) for p in e.drawn)
        elif isinstance(e, Hearing.Held):
            hearings[oid].update(held=day(e), attendees=e.attendees)
            for p in e.attendees:
                attendances.append(
                    (
                        hearings[oid]["roles"][p],
                        p,
                        hearings[oid]["unit"],
                        day(e),
                    )
                )
                kinds.append("public_hearing")  # a hearing attended is a public review
                named.append((oid, p) not in drawn)
        elif isinstance(e, Hearing.PartyResponded):
            hearings[oid]["responses"].append(e.accepted)
    f: dict[str, Any] = {}
    for role in Role:
        mine = [(p, d) for r, p, u, d in attendances if r == role.value and inside(d, u)]
        f[f"participation.{role.value}.person_times"] = len(mine)
        f[f"participation.{role.value}.people"] = len({p for p, _ in mine})
        f[f"participation.{role.value}.hand_picked"] = sum(
            by_name
            for (r, _, u, d), by_name in zip(attendances, named, strict=True)
            if r == role.value and inside(d, u)
        )
    ps_by_type = Counter(
        kind
        for (r, _, u, d), kind in zip(attendances, kinds, strict=True)
        if r == "peoples_supervisor" and inside(d, u)
    )
    for t in ActivityType:
        f[f"participation.peoples_supervisor.by_type.{t.value}"] = ps_by_type[t.value]
    by_type = Counter(
        a["type"] for (cid, _), a in acts.items() if a["held"] and inside(a["on"], case_unit[cid])
    )
    for t in ActivityType:
        f[f"activities.{t.value}"] = by_type[t.value]
    f["activities.total"] = sum(by_type.values())
    # A retracted opinion counts in no figure but opinions.retracted.
    f["opinions.retracted"] = sum(
        o["retracted"] for o in opinions.values() if inside(o["on"], o["unit"])
    )
    cohort = [o for o in opinions.values() if inside(o["on"], o["unit"]) and not o["retracted"]]
    f["opinions.submitted"] = len(cohort)
    f["opinions.person_times"] = len({o["by"] for o in cohort})
    f["participation.replacements"] = sum(inside(d, u) for u, d in replacements)
    for outcome in ("adopted", "partly_adopted", "not_adopted"):
        f[f"opinions.{outcome}"] = sum(o["outcome"] == outcome for o in cohort)
    f["opinions.pending"] = sum(o["outcome"] is None for o in cohort)
    given = on_time = late = overdue = 0
    for o in cohort:
        if o["decided"] is None:
            continue
        due = o["decided"] + timedelta(days=policy.feedback_due.days)
        if o["feedback"] is not None:
            given += 1
            on_time += o["feedback"] <= due
            late += o["feedback"] > due
        else:
            overdue += due < AS_OF
    f.update(
        {
            "feedback.given": given,
            "feedback.on_time": on_time,
            "feedback.late": late,
            "feedback.overdue": overdue,
        }
    )
    # Every step's deadline, counted from scratch (default policy: 7 / 30 / 30 days).
    late_steps: Counter[str] = Counter()
    for o in cohort:
        if o["received"] is None:
            late_steps["receipt"] += o["on"] + timedelta(days=7) < AS_OF
        elif o["decided"] is None:
            late_steps["decision"] += o["on"] + timedelta(days=30) < AS_OF
        elif o["objected"] is not None and o["ruled"] is None and o["feedback"] is not None:
            late_steps["objection_ruling"] += o["objected"] + timedelta(days=30) < AS_OF
    for step in ("receipt", "decision", "objection_ruling"):
        f[f"feedback.{step}_overdue"] = late_steps[step]
    f["feedback.implementation_overdue"] = 0
    f["feedback.any_overdue"] = sum(late_steps.values()) + overdue
    held = [h for h in hearings.values() if h["held"] and inside(h["held"], h["unit"])]
    f["hearings.held"] = len(held)
    f["hearings.cases"] = len({h["case"] for h in held})
    f["hearings.presided_by_chief"] = sum(h["chief"] for h in held)
    officers = [(h, p) for h in held for p in h["attendees"] if h["roles"][p] == "hearing_officer"]
    f["hearings.officer_person_times"] = len(officers)
    f["hearings.officers"] = len({p for _, p in officers})
    f["hearings.held_with_officers"] = len({id(h) for h, _ in officers})
    f["hearings.with_officers"] = len({h["case"] for h, _ in officers})
    for role in ("peoples_supervisor", "npc_deputy", "cppcc_member"):
        # Present as an attending observer, or through a case activity linked to it.
        f[f"hearings.with_{role}"] = sum(
            any(h["roles"][p] == role for p in h["attendees"])
            or any(a["hearing"] == h["key"] and role in a["roles"] for a in acts.values())
            for h in held
        )

    def present(h: dict[str, Any], role: str) -> bool:
        return any(h["roles"][p] == role for p in h["attendees"]) or any(
            a["hearing"] == h["key"] and role in a["roles"] for a in acts.values()
        )

    observed = [h for h in held if any(present(h, r) for r in OBSERVER_ROLE_NAMES)]
    f["hearings.with_supervisors_deputies_or_members"] = len(observed)
    f["hearings.public_with_supervisors_deputies_or_members"] = sum(
        bool(h["public"]) for h in observed
    )
    mandatory = [h for h in held if h["public"] and h["kind"] in policy.mandatory_supervision_kinds]
    f["hearings.mandatory_supervision"] = len(mandatory)
    f["hearings.mandatory_supervision_met"] = sum(
        any(h["roles"][p] == "peoples_supervisor" for p in h["attendees"])
        or any(
            a["hearing"] == h["key"] and "peoples_supervisor" in a["roles"] for a in acts.values()
        )
        for h in mandatory
    )
    f["hearings.mandatory_supervision_rate"] = (
        f["hearings.mandatory_supervision_met"],
        f["hearings.mandatory_supervision"],
    )
    f["hearings.parties_accepted"] = sum(bool(h["responses"]) and all(h["responses"]) for h in held)
    f["hearings.applied_for"] = sum(
        h["applied"] is not None and inside(h["applied"], h["unit"]) for h in hearings.values()
    )
    f["hearings.refused"] = sum(
        h["refused"] is not None and inside(h["refused"], h["unit"]) for h in hearings.values()
    )
    f["hearings.closed"] = sum(h["public"] is False for h in held)
    for ground in ClosedGround:
        f[f"hearings.closed_{ground.value}"] = sum(
            h["public"] is False and h["ground"] is ground for h in held
        )
    f["hearings.collective_opinions"] = sum(h["collective"] for h in held)
    f["hearings.departed_from_majority"] = sum(h["departs"] for h in held)
    # The three core rates, as (numerator, denominator).
    decided = sum(o["outcome"] is not None for o in cohort)
    f["opinions.adoption_rate"] = (f["opinions.adopted"], decided)
    f["feedback.on_time_rate"] = (on_time, given + overdue)
    responded = sum(bool(h["responses"]) for h in held)
    f["hearings.acceptance_rate"] = (f["hearings.parties_accepted"], responded)
    paid = [a for u, d, a in allowances if inside(d, u)]
    f["allowances.amount"] = str(sum(paid, Decimal("0.00")).quantize(Decimal("0.01")))
    f["allowances.payments"] = len(paid)
    for role in Role:
        f[f"roster.{role.value}"] = sum(
            role in s.roles and s.is_active_on(end) and (units is None or s.unit in units)
            for s in (ledger.supervisor(k) for k in PEOPLE)
        )
    return f


def unanswered(ledger: Ledger) -> set[tuple[str, str]]:
    return {
        (case, key)
        for case in CASES
        for key, o in ledger.case(case).opinions.items()
        if not o.retracted
        and (
            not o.answered
            or (
                o.outcome is not None
                and o.outcome.value != "not_adopted"
                and o.implementation_at is None
            )
        )
    }


def check(url: str, actions: list[tuple[tuple[Any, ...], int]]) -> None:
    with Ledger(store=url) as ledger:
        ledger.views_hearing_keys = []  # type: ignore[attr-defined]
        story = Story(ledger)
        setup(story)
        when = datetime(2023, 1, 2, 9, 0)
        for action, hours in actions:
            when += timedelta(hours=hours)
            if action[0] in ("activity", "full_hearing"):
                timed = story_of(ledger, action, when)
            else:
                cmd = command(ledger, action, when)
                if cmd is None:
                    continue
                timed = [(c, when) for c in [cmd, *follow_up(ledger, action, cmd, when)]]
            for step, moment in timed:
                try:
                    ledger.execute(step)
                except LedgerError:
                    break  # refused by a rule: nothing was recorded
                ledger.catch_up()  # incremental: the views follow command by command
                when = max(when, moment)  # the next action comes after its follow-ups
        scratch = ProjectionEngine(
            ledger.app.recorder,
            ledger.app.mapper,
            scratch_database(),
            default_views(),
            ledger.policy.timezone,
            page_size=7,
        )
        scratch.catch_up()
        scopes = [
            (None, False, None),
            ("C", True, None),
            ("D1", False, {"D1"}),
            ("C", False, {"C"}),
        ]
        periods = [(date(2023, 1, 1), date(2023, 12, 31)), (date(2023, 2, 1), date(2023, 5, 31))]
        for unit, rollup, units in scopes:
            for start, end in periods:
                incremental = ledger.statistics(
                    unit, rollup=rollup, start=start, end=end, as_of=AS_OF
                )
                with scratch.reading() as tx:
                    rebuilt = compute_statistics(tx, ledger.policy, unit, rollup, start, end, AS_OF)
                assert incremental == rebuilt
                expected = naive(ledger, units, start, end)
                got = {k: v for k, v in incremental.figures.items() if k in expected}
                for key in RATES:
                    rate = incremental.rate(key)
                    got[key] = (rate.numerator, rate.denominator)
                assert got == expected
                if (units, start) == (None, date(2023, 1, 1)):
                    reached(expected)
        # The flows' figures have their own property test (test_flow_views_properties).
        core = {k for k, fig in FIGURES.items() if fig.section not in FLOW_SECTIONS}
        assert core == set(expected)
        pending = ledger.pending_feedback(as_of=AS_OF)
        assert {(p.case, p.opinion) for p in pending.opinions} == unanswered(ledger)
        # No opinion stays unanswered past its deadline without being listed as overdue.
        assert {(p.case, p.opinion) for p in pending.opinions if p.overdue} == {
            (case, key)
            for case in CASES
            for key, o in ledger.case(case).opinions.items()
            if o.overdue_on(AS_OF, ledger.policy)
        }
        # The other views, live against rebuilt from zero.
        with scratch.reading() as tx:
            for unit, rollup, _ in scopes:
                scope = unit_scope(tx, unit, rollup)
                assert ledger.pending_feedback(unit, rollup=rollup, as_of=AS_OF) == (
                    pending_feedback(tx, ledger.policy, AS_OF, scope, None, None, False)
                )
            for person in PEOPLE:
                live = ledger.dossier(person)
                assert live.supervisor == person
                assert live.model_dump() == dossier(tx, person).model_dump()
                mine = ledger.pending_feedback(supervisor=person, as_of=AS_OF)
                assert mine == pending_feedback(tx, ledger.policy, AS_OF, None, person, None, False)
            for start, end in [(None, None), *periods]:
                assert ledger.hearings(start=start, end=end).model_dump() == (
                    hearing_register(tx, None, start, end).model_dump()
                )
            assert ledger.hearings("D1").model_dump() == (
                hearing_register(tx, ["D1"], None, None).model_dump()
            )
        scratch.close()


def reached(figures: dict[str, Any]) -> None:
    """Count what a history reached, by the naive recomputation of the year 2023."""
    REACHED["opinions"] += figures["opinions.submitted"]
    REACHED["retracted opinions"] += figures["opinions.retracted"]
    REACHED["late feedback"] += figures["feedback.late"]
    REACHED["on-time feedback"] += figures["feedback.on_time"]
    REACHED["overdue feedback"] += figures["feedback.overdue"]
    REACHED["overdue receipt or decision"] += (
        figures["feedback.receipt_overdue"] + figures["feedback.decision_overdue"]
    )
    REACHED["officer attendances"] += figures["hearings.officer_person_times"]
    REACHED["hearings applied for"] += figures["hearings.applied_for"]
    REACHED["closed hearings"] += figures["hearings.closed_privacy"]
    REACHED["collective opinions"] += figures["hearings.collective_opinions"]
    REACHED["departures from the majority"] += figures["hearings.departed_from_majority"]
    REACHED["party responses"] += figures["hearings.acceptance_rate"][1]
    REACHED["hearings with a people's supervisor"] += figures["hearings.with_peoples_supervisor"]
    REACHED["hearings with an NPC deputy"] += figures["hearings.with_npc_deputy"]
    REACHED["supervisor-initiated"] += figures["activities.supervisor_initiated"]
    REACHED["officers drawn"] += (
        figures["hearings.officer_person_times"]
        - figures["participation.hearing_officer.hand_picked"]
    )
    REACHED["officers by name"] += figures["participation.hearing_officer.hand_picked"]
    REACHED["mandatory hearing with a people's supervisor"] += figures[
        "hearings.mandatory_supervision_met"
    ]
    REACHED["mandatory hearing without"] += (
        figures["hearings.mandatory_supervision"] - figures["hearings.mandatory_supervision_met"]
    )


SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


#: A history that surely reaches the rarer paths: an opinion adopted with late feedback
#: and its implementation, one not adopted with feedback on time, one never answered; a
#: supervisor-initiated activity; a hearing with an officer who attends, one who declines,
#: one replaced, one absent, a people's supervisor and an NPC deputy observing, a linked
#: activity attended, and two parties responding (one refusing); a hearing not held; a
#: hearing whose officer was drawn; an opinion retracted as entered by mistake.
RARE_PATHS: list[tuple[tuple[Any, ...], int]] = [
    (("activity", 0, 5, [(0, 0), (1, 1), (2, 2)], 6, 0, 1), 0),
    (("activity", 1, 5, [(0, 0)], 7, 0, 0), 24),  # an opinion retracted
    (("activity", 1, 2, [(1, 0)], 5, 2, 0), 48),
    (("activity", 2, 8, [(3, 0)], 4, 1, 2), 48),
    (("activity", 0, 9, [(3, 0), (0, 0)], 1, 0, 0), 48),
    (
        (
            "full_hearing",
            1,
            [(0, 0), (1, 1), (2, 2), (3, 3)],
            [(0, True), (2, True)],
            True,
            [True, False],
            (True, 1, True),
        ),
        48,
    ),
    (("full_hearing", 2, [(2, 0)], [(1, False)], False, [], (True, 0, False)), 48),
    (("full_hearing", 0, [(1, 0), (0, 0)], [], True, [True], (False, 0, False)), 48),
    (("full_hearing", 1, [], [], True, [True], (False, 0, False)), 48),  # an officer drawn
]


def run_and_check_reach(run: Callable[[], None]) -> None:
    REACHED.clear()
    run()
    for state in [
        "opinions",
        "retracted opinions",
        "late feedback",
        "on-time feedback",
        "overdue feedback",
        "overdue receipt or decision",
        "officer attendances",
        "party responses",
        "hearings with a people's supervisor",
        "hearings with an NPC deputy",
        "supervisor-initiated",
        "officers drawn",
        "officers by name",
        "mandatory hearing with a people's supervisor",
        "mandatory hearing without",
        "hearings applied for",
        "closed hearings",
        "collective opinions",
        "departures from the majority",
    ]:
        assert REACHED[state] > 0, f"no history reached {state}: {dict(REACHED)}"


@SETTINGS
@given(actions=history)
@example(actions=RARE_PATHS)
def sqlite_histories(actions: Any) -> None:
    check("sqlite:///:memory:", actions)


def test_incremental_equals_rebuilt_equals_naive_sqlite() -> None:
    run_and_check_reach(sqlite_histories)


@pytest.mark.postgres
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=history)
@example(actions=RARE_PATHS)
def postgres_histories(actions: Any) -> None:
    url, schema = new_postgres_url()
    try:
        check(url, actions)
    finally:
        drop_schema(schema)


def test_incremental_equals_rebuilt_equals_naive_postgres() -> None:
    require_postgres()
    run_and_check_reach(postgres_histories)
