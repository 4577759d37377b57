"""One typed method per command, each a thin call of :meth:`execute`.

A host may call ``ledger.execute(command)`` for any command (or a dict); these methods
exist so that an editor and a type checker know every command the ledger takes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from .. import commands as c
from .results import CommandResult


class CommandMethods(ABC):
    """Mixed into :class:`~supervision_ledger.Ledger`: one method per command."""

    @abstractmethod
    def execute(self, command: c.Command | dict[str, Any]) -> CommandResult:
        """Validate (if given a dict), check the rules, and record one command."""

    def register_unit(self, command: c.RegisterUnit) -> CommandResult:
        """Register a procuratorate (检察院) with its level and parent."""
        return self.execute(command)

    def appoint_supervisor(self, command: c.AppointSupervisor) -> CommandResult:
        """Appoint a person with one or more roles (人民监督员、听证员…) for a term."""
        return self.execute(command)

    def record_training(self, command: c.RecordTraining) -> CommandResult:
        """Record a ``record_training`` command."""
        return self.execute(command)

    def record_assessment(self, command: c.RecordAssessment) -> CommandResult:
        """Annual assessment (年度考核); a failing grade removes the person."""
        return self.execute(command)

    def pay_allowance(self, command: c.PayAllowance) -> CommandResult:
        """An allowance paid (履职补贴), in yuan."""
        return self.execute(command)

    def declare_relationship(self, command: c.DeclareRelationship) -> CommandResult:
        """A relationship that requires recusal (回避) from a party's or a case's matters."""
        return self.execute(command)

    def suspend_supervisor(self, command: c.SuspendSupervisor) -> CommandResult:
        """Record a ``suspend_supervisor`` command."""
        return self.execute(command)

    def reinstate_supervisor(self, command: c.ReinstateSupervisor) -> CommandResult:
        """Record a ``reinstate_supervisor`` command."""
        return self.execute(command)

    def remove_supervisor(self, command: c.RemoveSupervisor) -> CommandResult:
        """Record a ``remove_supervisor`` command."""
        return self.execute(command)

    def renew_term(self, command: c.RenewTerm) -> CommandResult:
        """Record a ``renew_term`` command."""
        return self.execute(command)

    def register_case(self, command: c.RegisterCase) -> CommandResult:
        """Record a ``register_case`` command."""
        return self.execute(command)

    def open_activity(self, command: c.OpenActivity) -> CommandResult:
        """Open a supervision activity (one 件次) of one of the nine types."""
        return self.execute(command)

    def open_unit_activity(self, command: c.OpenUnitActivity) -> CommandResult:
        """Open an activity of a unit, not of a case (circuit inspection, open day, …)."""
        return self.execute(command)

    def draw_supervisors(self, command: c.DrawSupervisors) -> CommandResult:
        """Draw supervisors at random from the eligible pool and invite them (随机抽选)."""
        return self.execute(command)

    def invite_supervisor(self, command: c.InviteSupervisor) -> CommandResult:
        """Record a ``invite_supervisor`` command."""
        return self.execute(command)

    def accept_invitation(self, command: c.AcceptInvitation) -> CommandResult:
        """Record a ``accept_invitation`` command."""
        return self.execute(command)

    def decline_invitation(self, command: c.DeclineInvitation) -> CommandResult:
        """Record a ``decline_invitation`` command."""
        return self.execute(command)

    def replace_supervisor(self, command: c.ReplaceSupervisor) -> CommandResult:
        """补派: a replacement for someone who cannot attend; drawn if not named."""
        return self.execute(command)

    def record_attendance(self, command: c.RecordAttendance) -> CommandResult:
        """Record a ``record_attendance`` command."""
        return self.execute(command)

    def submit_opinion(self, command: c.SubmitOpinion) -> CommandResult:
        """Record a ``submit_opinion`` command."""
        return self.execute(command)

    def receive_opinion(self, command: c.ReceiveOpinion) -> CommandResult:
        """Record a ``receive_opinion`` command."""
        return self.execute(command)

    def route_opinion(self, command: c.RouteOpinion) -> CommandResult:
        """Record a ``route_opinion`` command."""
        return self.execute(command)

    def decide_opinion(self, command: c.DecideOpinion) -> CommandResult:
        """Record a ``decide_opinion`` command."""
        return self.execute(command)

    def give_feedback(self, command: c.GiveFeedback) -> CommandResult:
        """Record a ``give_feedback`` command."""
        return self.execute(command)

    def report_implementation(self, command: c.ReportImplementation) -> CommandResult:
        """Record a ``report_implementation`` command."""
        return self.execute(command)

    def object_to_feedback(self, command: c.ObjectToFeedback) -> CommandResult:
        """Record a ``object_to_feedback`` command."""
        return self.execute(command)

    def rule_on_objection(self, command: c.RuleOnObjection) -> CommandResult:
        """Record a ``rule_on_objection`` command."""
        return self.execute(command)

    def retract_opinion(self, command: c.RetractOpinion) -> CommandResult:
        """Retract an opinion entered by mistake, with a reason (it then counts nowhere)."""
        return self.execute(command)

    def correct_opinion(self, command: c.CorrectOpinion) -> CommandResult:
        """Correct the recorded text of an opinion, with a reason."""
        return self.execute(command)

    def record_case_decision(self, command: c.RecordCaseDecision) -> CommandResult:
        """Record a ``record_case_decision`` command."""
        return self.execute(command)

    def close_case(self, command: c.CloseCase) -> CommandResult:
        """Record a ``close_case`` command."""
        return self.execute(command)

    def close_unit_activity(self, command: c.CloseUnitActivity) -> CommandResult:
        """Close a unit activity (办结); refused while an opinion waits for its answer."""
        return self.execute(command)

    def propose_hearing(self, command: c.ProposeHearing) -> CommandResult:
        """Record a ``propose_hearing`` command."""
        return self.execute(command)

    def approve_hearing(self, command: c.ApproveHearing) -> CommandResult:
        """Record a ``approve_hearing`` command."""
        return self.execute(command)

    def refuse_hearing(self, command: c.RefuseHearing) -> CommandResult:
        """Refuse a proposed or applied-for hearing, with reasons (Art. 9)."""
        return self.execute(command)

    def schedule_hearing(self, command: c.ScheduleHearing) -> CommandResult:
        """Record a ``schedule_hearing`` command."""
        return self.execute(command)

    def invite_hearing_officer(self, command: c.InviteHearingOfficer) -> CommandResult:
        """Record a ``invite_hearing_officer`` command."""
        return self.execute(command)

    def draw_hearing_officers(self, command: c.DrawHearingOfficers) -> CommandResult:
        """Record a ``draw_hearing_officers`` command."""
        return self.execute(command)

    def invite_observer(self, command: c.InviteObserver) -> CommandResult:
        """Record a ``invite_observer`` command."""
        return self.execute(command)

    def decline_hearing_invitation(self, command: c.DeclineHearingInvitation) -> CommandResult:
        """Record a ``decline_hearing_invitation`` command."""
        return self.execute(command)

    def replace_hearing_officer(self, command: c.ReplaceHearingOfficer) -> CommandResult:
        """Record a ``replace_hearing_officer`` command."""
        return self.execute(command)

    def hold_hearing(self, command: c.HoldHearing) -> CommandResult:
        """Record a ``hold_hearing`` command."""
        return self.execute(command)

    def record_officer_opinion(self, command: c.RecordOfficerOpinion) -> CommandResult:
        """Record a ``record_officer_opinion`` command."""
        return self.execute(command)

    def record_collective_opinion(self, command: c.RecordCollectiveOpinion) -> CommandResult:
        """The hearing officers' collective opinion through a representative (Art. 15(5))."""
        return self.execute(command)

    def decide_hearing(self, command: c.DecideHearing) -> CommandResult:
        """Record a ``decide_hearing`` command."""
        return self.execute(command)

    def record_party_response(self, command: c.RecordPartyResponse) -> CommandResult:
        """Record a ``record_party_response`` command."""
        return self.execute(command)

    def conclude_hearing(self, command: c.ConcludeHearing) -> CommandResult:
        """Record a ``conclude_hearing`` command."""
        return self.execute(command)

    def draft_suggestion(self, command: c.DraftSuggestion) -> CommandResult:
        """Draft a procuratorial suggestion (检察建议) on a case."""
        return self.execute(command)

    def link_suggestion_activity(self, command: c.LinkSuggestionActivity) -> CommandResult:
        """Link an activity of type 4 (supervisors at drafting or follow-up)."""
        return self.execute(command)

    def serve_suggestion(self, command: c.ServeSuggestion) -> CommandResult:
        """送达: serve a suggestion; its reply is due per policy (2 months, or urgent)."""
        return self.execute(command)

    def record_suggestion_reply(self, command: c.RecordSuggestionReply) -> CommandResult:
        """The recipient's written reply to a suggestion."""
        return self.execute(command)

    def record_suggestion_adoption(self, command: c.RecordSuggestionAdoption) -> CommandResult:
        """采纳 / 不采纳 of a replied suggestion."""
        return self.execute(command)

    def complete_rectification(self, command: c.CompleteRectification) -> CommandResult:
        """整改完成 of an adopted suggestion."""
        return self.execute(command)

    def verify_rectification(self, command: c.VerifyRectification) -> CommandResult:
        """核实: the procuratorate verifies the rectification."""
        return self.execute(command)

    def urge_suggestion_reply(self, command: c.UrgeSuggestionReply) -> CommandResult:
        """催办 an overdue suggestion reply."""
        return self.execute(command)

    def escalate_suggestion(self, command: c.EscalateSuggestion) -> CommandResult:
        """Escalate a suggestion with the chief prosecutor's approval: overdue after
        urging, or after the reply not rectified or rectified inadequately."""
        return self.execute(command)

    def object_to_suggestion(self, command: c.ObjectToSuggestion) -> CommandResult:
        """异议 (Art. 23): the recipient objects to a suggestion, with reasons."""
        return self.execute(command)

    def review_suggestion_objection(self, command: c.ReviewSuggestionObjection) -> CommandResult:
        """复核 (Art. 23): uphold, amend or withdraw a suggestion objected to."""
        return self.execute(command)

    def receive_petition(self, command: c.ReceivePetition) -> CommandResult:
        """Receive a petition (信访)."""
        return self.execute(command)

    def reply_petition_procedurally(self, command: c.ReplyPetitionProcedurally) -> CommandResult:
        """程序性回复 to a petition (due in 7 days, policy)."""
        return self.execute(command)

    def reply_petition_progress(self, command: c.ReplyPetitionProgress) -> CommandResult:
        """进展答复 to a petition."""
        return self.execute(command)

    def reply_petition_result(self, command: c.ReplyPetitionResult) -> CommandResult:
        """结果答复 to a petition (due in 3 months)."""
        return self.execute(command)

    def close_petition(self, command: c.ClosePetition) -> CommandResult:
        """办结 a petition that has both replies."""
        return self.execute(command)

    def mark_petition_unreachable(self, command: c.MarkPetitionUnreachable) -> CommandResult:
        """A petitioner found unreachable: left out of the reply rates, with the reason."""
        return self.execute(command)

    def assign_petition_leader(self, command: c.AssignPetitionLeader) -> CommandResult:
        """领导包案: a leader takes a petition on personally."""
        return self.execute(command)

    def report_lead(self, command: c.ReportLead) -> CommandResult:
        """Record a lead (线索) with its source."""
        return self.execute(command)

    def accept_lead(self, command: c.AcceptLead) -> CommandResult:
        """Accept a lead."""
        return self.execute(command)

    def reject_lead(self, command: c.RejectLead) -> CommandResult:
        """Reject a lead, with reasons."""
        return self.execute(command)

    def turn_lead_into_case(self, command: c.TurnLeadIntoCase) -> CommandResult:
        """成案: an accepted lead becomes a case (linked both ways, once)."""
        return self.execute(command)

    def nominate_typical_case(self, command: c.NominateTypicalCase) -> CommandResult:
        """Nominate a case as a typical case (典型案例) at a level."""
        return self.execute(command)

    def decide_typical_case(self, command: c.DecideTypicalCase) -> CommandResult:
        """Record whether a nominated typical case was selected."""
        return self.execute(command)

    def sign_partner_agreement(self, command: c.SignPartnerAgreement) -> CommandResult:
        """A cooperation agreement with a partner unit (协作单位)."""
        return self.execute(command)

    def terminate_partner_agreement(self, command: c.TerminatePartnerAgreement) -> CommandResult:
        """End a cooperation agreement early."""
        return self.execute(command)

    def record_trial_committee_sitting(
        self, command: c.RecordTrialCommitteeSitting
    ) -> CommandResult:
        """检察长列席审委会: a sitting attended."""
        return self.execute(command)

    def give_trial_committee_opinion(self, command: c.GiveTrialCommitteeOpinion) -> CommandResult:
        """An opinion given at a trial-committee sitting."""
        return self.execute(command)

    def record_trial_committee_adoption(
        self, command: c.RecordTrialCommitteeAdoption
    ) -> CommandResult:
        """Whether the trial committee adopted an opinion."""
        return self.execute(command)
