"""Command handlers for cases: activities, invitations, draws, opinions and their feedback."""

from __future__ import annotations

from ... import commands as c
from ...domain.case import Case
from ...domain.errors import NotFound, RuleViolation
from ...domain.hearing import Hearing
from ...domain.supervisor import Supervisor
from ...domain.unit import ProcuratorateUnit
from ...domain.unit_activity import ACTIVITY, UnitActivity
from ...domain.values import Party
from ..results import Ids
from ..unit_of_work import UnitOfWork, handles
from .pool import draw_candidates


@handles(c.RegisterCase)
def register_case(uow: UnitOfWork, cmd: c.RegisterCase) -> Ids:
    uow.require_absent(Case, cmd.case)
    uow.get(ProcuratorateUnit, cmd.unit)
    Case.check_registration(cmd.case, cmd.received_on, cmd.occurred_at, uow.policy)
    names = [p.name for p in cmd.parties]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise RuleViolation(
            f"case {cmd.case!r} lists the party {', '.join(map(repr, twice))} twice"
        )
    uow.add(
        Case(
            key=cmd.case,
            unit=cmd.unit,
            case_kind=cmd.kind,
            title=cmd.title,
            handling_prosecutor=cmd.handling_prosecutor,
            parties=tuple(Party(p.name, p.role, p.minor) for p in cmd.parties),
            received_on=cmd.received_on,
            occurred_at=cmd.occurred_at,
        )
    )
    return {"case": cmd.case}


def _owner(uow: UnitOfWork, cmd: c.OnActivity) -> tuple[Case, Ids]:
    """The case or the unit activity a step is on, and the ids that name it."""
    kind, key = cmd.owner  # the command checked it names exactly one
    return uow.get(UnitActivity if kind == "unit_activity" else Case, key), {kind: key}


def _activity(cmd: c.OnActivityStep) -> str:
    """The activity a step is on: a case's named one, or a unit activity's only one."""
    return ACTIVITY if cmd.activity is None else cmd.activity


@handles(c.OpenUnitActivity)
def open_unit_activity(uow: UnitOfWork, cmd: c.OpenUnitActivity) -> Ids:
    uow.require_absent(UnitActivity, cmd.unit_activity)
    uow.get(ProcuratorateUnit, cmd.unit)
    initiator = uow.get(Supervisor, cmd.initiated_by) if cmd.initiated_by else None
    uow.add(
        UnitActivity.open(
            cmd.unit_activity,
            cmd.unit,
            cmd.activity_type,
            cmd.title,
            initiator,
            cmd.occurred_at,
            uow.policy,
        )
    )
    if initiator is not None:  # the initiator serves on the activity it opens
        uow.served(initiator, cmd.occurred_at)
    return {"unit_activity": cmd.unit_activity}


@handles(c.OpenActivity)
def open_activity(uow: UnitOfWork, cmd: c.OpenActivity) -> Ids:
    case = uow.get(Case, cmd.case)
    initiator = uow.get(Supervisor, cmd.initiated_by) if cmd.initiated_by else None
    if cmd.hearing is not None:
        hearing = uow.get(Hearing, cmd.hearing)
        if hearing.case != case.key:
            raise NotFound(f"hearing {cmd.hearing!r} is not a hearing of case {case.key!r}")
    key = cmd.activity or case.next_activity_key()
    case.open_activity(
        key, cmd.activity_type, cmd.title, initiator, cmd.hearing, cmd.occurred_at, uow.policy
    )
    if initiator is not None:  # the initiator serves on the activity it opens
        uow.served(initiator, cmd.occurred_at)
    return {"case": cmd.case, "activity": key}


@handles(c.DrawSupervisors)
def draw_supervisors(uow: UnitOfWork, cmd: c.DrawSupervisors) -> Ids:
    case, ids = _owner(uow, cmd)
    activity = _activity(cmd)
    seed, basis = uow.draw_seed(
        cmd.seed,
        case.id,
        {
            "event": "Case.SupervisorsDrawn",
            "activity": activity,
            "role": cmd.role.value,
            "speciality": cmd.speciality,
            "count": cmd.count,
        },
        f"draw for activity {activity!r} of {case.label}",
    )
    drawn = case.draw_supervisors(
        activity,
        draw_candidates(uow, case.unit, cmd.role),
        cmd.role,
        cmd.count,
        cmd.speciality,
        seed,
        cmd.occurred_at,
        uow.policy,
        seed_basis=basis,
    )
    for key in drawn:
        uow.served(uow.get(Supervisor, key), cmd.occurred_at)
    return {
        **ids,
        "activity": activity,
        "drawn": list(drawn),
        "seed": str(seed),
    }


@handles(c.InviteSupervisor)
def invite_supervisor(uow: UnitOfWork, cmd: c.InviteSupervisor) -> Ids:
    case, ids = _owner(uow, cmd)
    activity = _activity(cmd)
    supervisor = uow.get(Supervisor, cmd.supervisor)
    case.invite(activity, supervisor, cmd.role, cmd.occurred_at, uow.policy)
    uow.served(supervisor, cmd.occurred_at)
    return {**ids, "activity": activity, "supervisor": cmd.supervisor}


@handles(c.AcceptInvitation)
def accept_invitation(uow: UnitOfWork, cmd: c.AcceptInvitation) -> Ids:
    owner, ids = _owner(uow, cmd)
    activity = _activity(cmd)
    owner.accept_invitation(activity, cmd.supervisor, cmd.occurred_at)
    return {**ids, "activity": activity, "supervisor": cmd.supervisor}


@handles(c.DeclineInvitation)
def decline_invitation(uow: UnitOfWork, cmd: c.DeclineInvitation) -> Ids:
    owner, ids = _owner(uow, cmd)
    activity = _activity(cmd)
    owner.decline_invitation(activity, cmd.supervisor, cmd.reason, cmd.occurred_at)
    return {**ids, "activity": activity, "supervisor": cmd.supervisor}


@handles(c.ReplaceSupervisor)
def replace_supervisor(uow: UnitOfWork, cmd: c.ReplaceSupervisor) -> Ids:
    case, ids = _owner(uow, cmd)
    activity = _activity(cmd)
    replacement = uow.get(Supervisor, cmd.replacement) if cmd.replacement else None
    # A drawn replacement comes from the rosters of the replaced person's role; an unknown
    # activity or invitation is left for the aggregate to refuse, in its order of checks.
    act = case.activities.get(activity)
    invited = act.invitations.get(cmd.supervisor) if act is not None else None
    candidates = (
        draw_candidates(uow, case.unit, invited.role)
        if replacement is None and invited is not None
        else []
    )
    seed, basis = cmd.seed or 0, None
    if replacement is None:  # drawn: the seed as for a draw
        seed, basis = uow.draw_seed(
            cmd.seed,
            case.id,
            {
                "event": "Case.SupervisorReplaced",
                "activity": activity,
                "supervisor": cmd.supervisor,
            },
            f"drawn replacement of {cmd.supervisor!r} in activity {activity!r} of {case.label}",
        )
    new_key = case.replace_supervisor(
        activity,
        cmd.supervisor,
        replacement,
        candidates,
        seed,
        cmd.reason,
        cmd.occurred_at,
        uow.policy,
        seed_basis=basis,
    )
    uow.served(uow.get(Supervisor, new_key), cmd.occurred_at)
    return {**ids, "activity": activity, "replacement": new_key}


@handles(c.RecordAttendance)
def record_attendance(uow: UnitOfWork, cmd: c.RecordAttendance) -> Ids:
    owner, ids = _owner(uow, cmd)
    activity = _activity(cmd)
    owner.record_attendance(activity, cmd.supervisor, cmd.occurred_at)
    uow.served(uow.get(Supervisor, cmd.supervisor), cmd.occurred_at)
    return {**ids, "activity": activity, "supervisor": cmd.supervisor}


@handles(c.SubmitOpinion)
def submit_opinion(uow: UnitOfWork, cmd: c.SubmitOpinion) -> Ids:
    case, ids = _owner(uow, cmd)
    activity = _activity(cmd)
    key = cmd.opinion or case.next_opinion_key()
    supervisor = uow.get(Supervisor, cmd.supervisor)
    case.submit_opinion(
        key,
        activity,
        supervisor,
        cmd.content,
        cmd.occurred_at,
        uow.policy,
    )
    uow.served(supervisor, cmd.occurred_at)
    return {**ids, "opinion": key}


@handles(c.ReceiveOpinion)
def receive_opinion(uow: UnitOfWork, cmd: c.ReceiveOpinion) -> Ids:
    owner, ids = _owner(uow, cmd)
    owner.receive_opinion(cmd.opinion, cmd.occurred_at)
    return {**ids, "opinion": cmd.opinion}


@handles(c.RouteOpinion)
def route_opinion(uow: UnitOfWork, cmd: c.RouteOpinion) -> Ids:
    owner, ids = _owner(uow, cmd)
    owner.route_opinion(cmd.opinion, cmd.department, cmd.occurred_at)
    return {**ids, "opinion": cmd.opinion}


@handles(c.DecideOpinion)
def decide_opinion(uow: UnitOfWork, cmd: c.DecideOpinion) -> Ids:
    owner, ids = _owner(uow, cmd)
    owner.decide_opinion(cmd.opinion, cmd.outcome, cmd.explanation, cmd.occurred_at)
    return {**ids, "opinion": cmd.opinion}


@handles(c.GiveFeedback)
def give_feedback(uow: UnitOfWork, cmd: c.GiveFeedback) -> Ids:
    owner, ids = _owner(uow, cmd)
    owner.give_feedback(cmd.opinion, cmd.content, cmd.occurred_at)
    return {**ids, "opinion": cmd.opinion}


@handles(c.ReportImplementation)
def report_implementation(uow: UnitOfWork, cmd: c.ReportImplementation) -> Ids:
    owner, ids = _owner(uow, cmd)
    owner.report_implementation(cmd.opinion, cmd.content, cmd.occurred_at)
    return {**ids, "opinion": cmd.opinion}


@handles(c.ObjectToFeedback)
def object_to_feedback(uow: UnitOfWork, cmd: c.ObjectToFeedback) -> Ids:
    owner, ids = _owner(uow, cmd)
    owner.object_to_feedback(cmd.opinion, cmd.reason, cmd.occurred_at)
    return {**ids, "opinion": cmd.opinion}


@handles(c.RuleOnObjection)
def rule_on_objection(uow: UnitOfWork, cmd: c.RuleOnObjection) -> Ids:
    owner, ids = _owner(uow, cmd)
    owner.rule_on_objection(
        cmd.opinion,
        cmd.ruling,
        cmd.reasons,
        cmd.occurred_at,
        approver=cmd.approver.value() if cmd.approver is not None else None,
        policy=uow.policy,
    )
    return {**ids, "opinion": cmd.opinion}


@handles(c.RetractOpinion)
def retract_opinion(uow: UnitOfWork, cmd: c.RetractOpinion) -> Ids:
    owner, ids = _owner(uow, cmd)
    owner.retract_opinion(cmd.opinion, cmd.reason, cmd.occurred_at)
    return {**ids, "opinion": cmd.opinion}


@handles(c.CorrectOpinion)
def correct_opinion(uow: UnitOfWork, cmd: c.CorrectOpinion) -> Ids:
    owner, ids = _owner(uow, cmd)
    owner.correct_opinion(cmd.opinion, cmd.content, cmd.reason, cmd.occurred_at)
    return {**ids, "opinion": cmd.opinion}


@handles(c.RecordCaseDecision)
def record_case_decision(uow: UnitOfWork, cmd: c.RecordCaseDecision) -> Ids:
    uow.get(Case, cmd.case).record_decision(cmd.decision, cmd.occurred_at)
    return {"case": cmd.case}


@handles(c.CloseCase)
def close_case(uow: UnitOfWork, cmd: c.CloseCase) -> Ids:
    uow.get(Case, cmd.case).close(cmd.occurred_at)
    return {"case": cmd.case}


@handles(c.CloseUnitActivity)
def close_unit_activity(uow: UnitOfWork, cmd: c.CloseUnitActivity) -> Ids:
    # Case.close: the same rules (opinions_unanswered, closed_before_last_step); once
    # closed, UnitActivity refuses every step as unit_activity_closed.
    uow.get(UnitActivity, cmd.unit_activity).close(cmd.occurred_at)
    return {"unit_activity": cmd.unit_activity}
