"""The Ledger: the embedding API a host application constructs and calls.

One straight path: a pydantic command → its handler loads the aggregates it needs →
an aggregate method checks the rules and triggers events → ``app.save`` stores every
changed aggregate (and the command record) in one transaction, through the msgspec
mapper, in SQLite or PostgreSQL.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, Mapper, Recording
from pydantic import BaseModel

from . import commands as c
from .audit import (
    Digest,
    ExportSummary,
    HistoryEntry,
    Redactor,
    VerifyReport,
    export_jsonl,
    integrity,
)
from .audit import history as audit_history
from .audit.history import resolve_reference
from .domain.base import LedgerAggregate
from .domain.case import Case
from .domain.errors import (
    AlreadyExists,
    CommandIdConflict,
    ConcurrencyConflict,
    NotFound,
    RuleViolation,
)
from .domain.hearing import Hearing
from .domain.lead import Lead
from .domain.partner import PartnerAgreement
from .domain.petition import Petition
from .domain.policy import DEFAULT_POLICY, Policy
from .domain.suggestion import Suggestion
from .domain.supervisor import Supervisor
from .domain.trial_committee import TrialCommitteeSitting
from .domain.typical_case import TypicalCaseLevel, TypicalCaseNomination
from .domain.unit import ProcuratorateUnit
from .domain.values import Party
from .idempotency import CommandRecord
from .persistence.mapper import MsgspecMapper, MsgspecTranscoder
from .persistence.recorders import (
    ChainedPostgresRecorder,
    ChainedRecorder,
    ChainedSQLiteRecorder,
)
from .persistence.store import StoreConfig, ensure_postgres_schema, parse_store_url
from .projections.api import LedgerQueries
from .projections.engine import Progress

A = TypeVar("A", bound=LedgerAggregate)
C = TypeVar("C", bound=c.Command)


class LedgerApplication(Application[UUID]):
    """The eventsourcing application behind a :class:`Ledger` (msgspec-encoded events)."""

    name = "SupervisionLedger"
    env = {"AGGREGATE_CACHE_MAXSIZE": "2000"}  # noqa: RUF012 - eventsourcing's class setting

    def construct_recorder(self) -> ApplicationRecorder:
        recorder = super().construct_recorder()
        # Without the chained recorder, events would be stored outside the hash chain.
        if not isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder):
            raise TypeError(
                f"{type(recorder).__name__} does not chain events; set "
                "APPLICATION_RECORDER_TOPIC as supervision_ledger.persistence.store does"
            )
        return recorder

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper(
            transcoder=MsgspecTranscoder(),
            cipher=self.factory.cipher(),
            compressor=self.factory.compressor(),
        )


#: The keys a command created or touched, by name (``{"case": "K1", "activity": "A2"}``);
#: a draw lists the people drawn (``{"drawn": ["S2", "S3"], ...}``).
Ids = dict[str, str | list[str]]


class CommandResult(BaseModel):
    """What a command did: the keys it created or touched, and where it was stored."""

    command_type: str
    ids: Ids
    #: Position (notification id) of the last event written; None if nothing was written.
    position: int | None
    #: True when the ``command_id`` had been seen and nothing new was recorded.
    replayed: bool = False

    def key(self, name: str) -> str:
        """The one key named ``name`` (e.g. ``result.key("activity")``)."""
        value = self.ids[name]
        if not isinstance(value, str):
            raise TypeError(f"{name!r} holds several keys; use keys({name!r})")
        return value

    def keys(self, name: str) -> list[str]:
        """The keys named ``name`` (e.g. ``result.keys("drawn")``)."""
        value = self.ids[name]
        return [value] if isinstance(value, str) else list(value)


@dataclass
class Session:
    """One attempt at one command: the aggregates it loaded and the ones it changed."""

    app: LedgerApplication
    policy: Policy
    #: The latest date a supervisor is recorded as serving (from the views, caught up);
    #: status changes may not precede it.
    last_service_on: Callable[[str], date | None] = lambda supervisor: None
    loaded: dict[UUID, LedgerAggregate] = field(default_factory=dict)
    created: list[LedgerAggregate] = field(default_factory=list)

    def find(self, cls: type[A], key: str) -> A | None:
        agg_id = cls.id_for(key)
        if agg_id in self.loaded:
            found = self.loaded[agg_id]
            assert isinstance(found, cls)
            return found
        try:
            agg: LedgerAggregate = self.app.repository.get(agg_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(agg, cls):  # pragma: no cover - ids are namespaced by kind
            return None
        self.loaded[agg_id] = agg
        return agg

    def get(self, cls: type[A], key: str) -> A:
        agg = self.find(cls, key)
        if agg is None:
            raise NotFound(f"no {cls.kind} {key!r} in the ledger")
        return agg

    def require_absent(self, cls: type[LedgerAggregate], key: str) -> None:
        if self.find(cls, key) is not None:
            raise AlreadyExists(f"{cls.kind} {key!r} already exists")

    def add(self, agg: LedgerAggregate) -> None:
        self.created.append(agg)
        self.loaded[agg.id] = agg

    def read_versions(self) -> dict[UUID, int]:
        """Versions of the aggregates this command read but did not change.

        The rules a command checked may depend on them (an invitation depends on the
        supervisor being active); the recorder refuses the write if any of them moved
        on meanwhile, and the command is retried on fresh state.
        """
        # Created aggregates always have pending events, so they are never listed here.
        return {agg.id: agg.version for agg in self.loaded.values() if not agg.pending_events}

    def changed(self) -> list[LedgerAggregate]:
        seen: dict[UUID, LedgerAggregate] = {}
        for agg in [*self.created, *self.loaded.values()]:
            if agg.pending_events:  # only aggregates with new events are saved
                seen.setdefault(agg.id, agg)
        return list(seen.values())

    def candidates(self, unit_key: str) -> list[Supervisor]:
        """Everyone enrolled with ``unit_key`` or any unit above it (the draw pool)."""
        people: list[Supervisor] = []
        seen: set[str] = set()
        key: str | None = unit_key
        while key is not None and key not in seen:
            seen.add(key)
            unit = self.get(ProcuratorateUnit, key)
            people.extend(self.get(Supervisor, s) for s in unit.roster)
            key = unit.parent
        return people


Handler = Callable[[Session, Any], Ids]
HANDLERS: dict[type[c.Command], Handler] = {}


def handles(command_type: type[C]) -> Callable[[Callable[[Session, C], Ids]], Handler]:
    def register(func: Callable[[Session, C], Ids]) -> Handler:
        HANDLERS[command_type] = func
        return func

    return register


def fresh_seed() -> int:
    return secrets.randbelow(2**63)


class Ledger(LedgerQueries):
    """An event-sourced ledger of external supervision, embedded in a host application.

    >>> from supervision_ledger import Ledger, commands as c
    >>> ledger = Ledger(store="sqlite:///:memory:")
    >>> ledger.register_unit(c.RegisterUnit(unit="QC", name="清城区人民检察院",
    ...     level="district", occurred_at="2023-07-01T09:00:00")).ids
    {'unit': 'QC'}
    """

    def __init__(
        self,
        store: str | None = None,
        *,
        policy: Policy = DEFAULT_POLICY,
        env: dict[str, str] | None = None,
        max_attempts: int = 5,
        views: str | None = None,
    ) -> None:
        """Open the ledger at ``store`` (a URL; default ``$SUPERVISION_LEDGER_STORE`` or
        ``sqlite:///supervision-ledger.db``). ``env`` adds eventsourcing settings such
        as ``CIPHER_KEY``; ``max_attempts`` bounds retries after version conflicts.
        ``views`` is where projections live (a store URL; default: the store itself)."""
        self.store: StoreConfig = parse_store_url(store)
        self.policy = policy
        self.max_attempts = max_attempts
        ensure_postgres_schema(self.store)
        self.app = LedgerApplication(env={**self.store.env, **(env or {})})
        self.views_url = views
        self._views = None

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        self.close_views()
        self.app.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- commands ----------------------------------------------------------------

    def execute(self, command: c.Command | dict[str, Any]) -> CommandResult:
        """Validate (if given a dict), check the rules, and record one command."""
        if isinstance(command, dict):
            command = c.parse_command(command)
        command = self._localize(command)
        handler = HANDLERS.get(type(command))
        if handler is None:
            raise TypeError(f"no handler for command {type(command).__name__}")
        # The fingerprint is of the command as submitted: a seed the ledger picks for a
        # seedless draw must not make a repeat of the same command look different.
        fingerprint = command.fingerprint()
        command = self._with_seed(command)
        command_type = str(getattr(command, "type", type(command).__name__))
        for attempt in range(1, self.max_attempts + 1):
            if command.command_id is not None:
                previous = self._command_record(command.command_id)
                if previous is not None:
                    if previous.fingerprint != fingerprint:
                        raise CommandIdConflict(
                            f"command id {command.command_id!r} was used for a different "
                            f"{previous.command_type} command"
                        )
                    return CommandResult(
                        command_type=previous.command_type,
                        ids=dict(previous.ids),
                        position=None,
                        replayed=True,
                    )
            session = Session(self.app, self.policy, self.last_service_on)
            ids = handler(session, command)
            to_save: list[Any] = session.changed()
            if command.command_id is not None:
                to_save.append(
                    CommandRecord(
                        command_id=command.command_id,
                        command_type=command_type,
                        fingerprint=fingerprint,
                        ids=ids,
                        occurred_at=command.occurred_at,
                    )
                )
            try:
                # The recorder writes the command id into the hash chain beside the events.
                recordings: list[Recording[UUID]] = self.app.save(
                    *to_save,
                    command_id=command.command_id,
                    read_versions=session.read_versions(),
                )
            except IntegrityError as error:
                if attempt == self.max_attempts:
                    raise ConcurrencyConflict(
                        f"{command_type}: other writers changed the same records "
                        f"{self.max_attempts} times in a row; nothing was recorded"
                    ) from error
                continue
            position = max((r.notification.id for r in recordings), default=None)
            return CommandResult(command_type=command_type, ids=ids, position=position)
        raise AssertionError("unreachable")  # pragma: no cover

    def _command_record(self, command_id: str) -> CommandRecord | None:
        try:
            record: CommandRecord = self.app.repository.get(CommandRecord.create_id(command_id))
        except AggregateNotFoundError:
            return None
        assert isinstance(record, CommandRecord)
        return record

    def _localize(self, command: C) -> C:
        """Read naive datetimes in the policy's time zone."""
        updates = {
            name: value.replace(tzinfo=self.policy.zone)
            for name, value in command
            if isinstance(value, datetime) and value.tzinfo is None
        }
        return command.model_copy(update=updates) if updates else command

    @staticmethod
    def _with_seed(command: C) -> C:
        """Give a draw without a seed a fresh one, fixed before any retry."""
        if "seed" in type(command).model_fields and getattr(command, "seed", 0) is None:
            needs = not (
                isinstance(command, c.ReplaceSupervisor) and command.replacement is not None
            )
            if needs:
                return command.model_copy(update={"seed": fresh_seed()})
        return command

    # -- reading aggregates --------------------------------------------------------

    def _read(self, cls: type[A], key: str) -> A:
        return Session(self.app, self.policy).get(cls, key)

    def unit(self, key: str) -> ProcuratorateUnit:
        """The procuratorate unit ``key`` as it is now; raises :class:`NotFound`."""
        return self._read(ProcuratorateUnit, key)

    def supervisor(self, key: str) -> Supervisor:
        return self._read(Supervisor, key)

    def case(self, key: str) -> Case:
        return self._read(Case, key)

    def hearing(self, key: str) -> Hearing:
        return self._read(Hearing, key)

    def suggestion(self, key: str) -> Suggestion:
        """The procuratorial suggestion ``key`` (检察建议); raises :class:`NotFound`."""
        return self._read(Suggestion, key)

    def petition(self, key: str) -> Petition:
        """The petition ``key`` (信访); raises :class:`NotFound`."""
        return self._read(Petition, key)

    def lead(self, key: str) -> Lead:
        """The lead ``key`` (线索); raises :class:`NotFound`."""
        return self._read(Lead, key)

    def typical_case_nomination(self, case: str, level: TypicalCaseLevel) -> TypicalCaseNomination:
        """The nomination of ``case`` as a typical case at ``level``."""
        return self._read(TypicalCaseNomination, TypicalCaseNomination.key_for(case, level))

    def partner_agreement(self, key: str) -> PartnerAgreement:
        """The cooperation agreement ``key`` with a partner unit."""
        return self._read(PartnerAgreement, key)

    def trial_committee_sitting(self, key: str) -> TrialCommitteeSitting:
        """The trial-committee sitting ``key`` attended by the chief prosecutor."""
        return self._read(TrialCommitteeSitting, key)

    def events(self, aggregate: LedgerAggregate) -> Iterator[Any]:
        """The stored events of an aggregate, in order."""
        return self.app.events.get(aggregate.id)

    # -- audit: replay and tamper evidence (docs/audit.md) ---------------------------

    @property
    def _recorder(self) -> ChainedRecorder:
        recorder = self.app.recorder
        assert isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder)
        return recorder

    def history(
        self, aggregate: str | UUID, *, redact: bool = False, salt: bytes | None = None
    ) -> list[HistoryEntry]:
        """Every event of an aggregate (``case:KEY``, ``hearing:KEY``, ``supervisor:KEY``,
        ``unit:KEY`` or a UUID) in order, with business time, recorded time, position
        and command id; ``redact`` replaces party names by pseudonyms."""
        originator_id = resolve_reference(aggregate)
        redactor = None
        if redact:
            redactor = Redactor() if salt is None else Redactor(salt=salt)
            self._teach_redactor(redactor, originator_id)
        entries = audit_history.history(
            self.app.mapper, self._recorder, originator_id, redactor=redactor
        )
        if not entries:
            raise NotFound(f"no aggregate {aggregate!s} in the ledger")
        return entries

    def _teach_redactor(self, redactor: Redactor, originator_id: UUID) -> None:
        """Tell the redactor the parties (and minors) of every case the aggregate names."""
        cases: set[str] = set()
        for event in audit_history.decoded_events(self.app.mapper, self._recorder, originator_id):
            fields = audit_history.event_fields(event)
            for name in ("case", "key"):
                if isinstance(fields.get(name), str):
                    cases.add(fields[name])
        for key in cases:
            for event in audit_history.decoded_events(
                self.app.mapper, self._recorder, Case.id_for(key)
            )[:1]:
                redactor.learn(audit_history.event_name(event), audit_history.event_fields(event))

    def _as_of(
        self,
        cls: type[A],
        key: str,
        when: datetime | date | str | None,
        at_position: int | None,
    ) -> A:
        if isinstance(when, str):  # ISO text, as commands take it: a date or a date-time
            text = when
            try:
                when = date.fromisoformat(text)
            except ValueError:
                try:
                    when = datetime.fromisoformat(text)
                except ValueError:
                    raise ValueError(f"when: {text!r} is not an ISO date or date-time") from None
        return audit_history.state_as_of(
            self.app.mapper,
            self._recorder,
            cls,
            key,
            when=when,
            at_position=at_position,
            zone=self.policy.zone,
        )

    def case_as_of(
        self,
        key: str,
        when: datetime | date | str | None = None,
        *,
        at_position: int | None = None,
    ) -> Case:
        """The case as it was at a business date/time (a date means its whole local day)
        or at a log position; raises :class:`NotFound` if it did not exist then."""
        return self._as_of(Case, key, when, at_position)

    def hearing_as_of(
        self,
        key: str,
        when: datetime | date | str | None = None,
        *,
        at_position: int | None = None,
    ) -> Hearing:
        """The hearing as it was at a business date/time or at a log position."""
        return self._as_of(Hearing, key, when, at_position)

    def supervisor_as_of(
        self,
        key: str,
        when: datetime | date | str | None = None,
        *,
        at_position: int | None = None,
    ) -> Supervisor:
        """The supervisor as they were at a business date/time or at a log position."""
        return self._as_of(Supervisor, key, when, at_position)

    def unit_as_of(
        self,
        key: str,
        when: datetime | date | str | None = None,
        *,
        at_position: int | None = None,
    ) -> ProcuratorateUnit:
        """The procuratorate unit as it was at a business date/time or a log position."""
        return self._as_of(ProcuratorateUnit, key, when, at_position)

    def digest(self, at_position: int | None = None) -> Digest:
        """The current digest (position, chain hash, count) of the whole log; with
        ``at_position``, of the log as it stood when it ended at that position."""
        if at_position is not None:
            return integrity.digest_at(self._recorder, at_position)
        return integrity.current_digest(self._recorder)

    def verify(
        self,
        digest: Digest | str | dict[str, Any] | None = None,
        *,
        progress: Progress | None = None,
    ) -> VerifyReport:
        """Recompute the hash chain from the stored events; against ``digest`` (a
        :class:`Digest`, its JSON, or a JSON file path) if given. ``progress(position,
        last)`` is called as the walk goes."""
        if digest is not None and not isinstance(digest, Digest):
            digest = Digest.parse(digest)
        return integrity.verify(self._recorder, digest, progress)

    def export(
        self,
        out: IO[str],
        *,
        redact: bool = False,
        salt: bytes | None = None,
        progress: Progress | None = None,
    ) -> ExportSummary:
        """Write the whole log as JSON lines (format: docs/audit.md)."""
        return export_jsonl(
            self.app.mapper, self._recorder, out, redact=redact, salt=salt, progress=progress
        )

    # -- one method per command ------------------------------------------------------

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

    def record_case_decision(self, command: c.RecordCaseDecision) -> CommandResult:
        """Record a ``record_case_decision`` command."""
        return self.execute(command)

    def close_case(self, command: c.CloseCase) -> CommandResult:
        """Record a ``close_case`` command."""
        return self.execute(command)

    def propose_hearing(self, command: c.ProposeHearing) -> CommandResult:
        """Record a ``propose_hearing`` command."""
        return self.execute(command)

    def approve_hearing(self, command: c.ApproveHearing) -> CommandResult:
        """Record a ``approve_hearing`` command."""
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
        """Escalate an urged, overdue suggestion with the chief prosecutor's approval."""
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


# -- handlers ---------------------------------------------------------------------


@handles(c.RegisterUnit)
def _register_unit(s: Session, cmd: c.RegisterUnit) -> Ids:
    s.require_absent(ProcuratorateUnit, cmd.unit)
    parent = s.get(ProcuratorateUnit, cmd.parent) if cmd.parent else None
    ProcuratorateUnit.check_parent(cmd.level, parent)
    s.add(
        ProcuratorateUnit(
            key=cmd.unit,
            name=cmd.name,
            level=cmd.level,
            parent=cmd.parent,
            occurred_at=cmd.occurred_at,
        )
    )
    return {"unit": cmd.unit}


@handles(c.AppointSupervisor)
def _appoint(s: Session, cmd: c.AppointSupervisor) -> Ids:
    s.require_absent(Supervisor, cmd.supervisor)
    unit = s.get(ProcuratorateUnit, cmd.unit)
    roles = tuple(dict.fromkeys(cmd.roles))
    term_end = cmd.term_end or s.policy.term_end(cmd.term_start)
    Supervisor.check_appointment(roles, cmd.term_start, term_end)
    s.add(
        Supervisor(
            key=cmd.supervisor,
            unit=cmd.unit,
            name=cmd.name,
            roles=roles,
            industry=cmd.industry,
            speciality=cmd.speciality,
            term_start=cmd.term_start,
            term_end=term_end,
            occurred_at=cmd.occurred_at,
        )
    )
    unit.enroll(cmd.supervisor, cmd.occurred_at)
    return {"supervisor": cmd.supervisor}


@handles(c.RecordTraining)
def _training(s: Session, cmd: c.RecordTraining) -> Ids:
    s.get(Supervisor, cmd.supervisor).record_training(cmd.topic, cmd.hours, cmd.occurred_at)
    return {"supervisor": cmd.supervisor}


@handles(c.RecordAssessment)
def _assessment(s: Session, cmd: c.RecordAssessment) -> Ids:
    s.get(Supervisor, cmd.supervisor).record_assessment(
        cmd.year, cmd.grade, cmd.occurred_at, s.policy, s.last_service_on(cmd.supervisor)
    )
    return {"supervisor": cmd.supervisor}


@handles(c.PayAllowance)
def _allowance(s: Session, cmd: c.PayAllowance) -> Ids:
    s.get(Supervisor, cmd.supervisor).pay_allowance(
        cmd.amount, cmd.purpose, cmd.reference, cmd.occurred_at
    )
    return {"supervisor": cmd.supervisor}


@handles(c.DeclareRelationship)
def _relationship(s: Session, cmd: c.DeclareRelationship) -> Ids:
    s.get(Supervisor, cmd.supervisor).declare_relationship(
        cmd.relationship, cmd.party, cmd.case, cmd.occurred_at
    )
    return {"supervisor": cmd.supervisor}


@handles(c.SuspendSupervisor)
def _suspend(s: Session, cmd: c.SuspendSupervisor) -> Ids:
    s.get(Supervisor, cmd.supervisor).suspend(
        cmd.reason, cmd.occurred_at, s.policy, s.last_service_on(cmd.supervisor)
    )
    return {"supervisor": cmd.supervisor}


@handles(c.ReinstateSupervisor)
def _reinstate(s: Session, cmd: c.ReinstateSupervisor) -> Ids:
    s.get(Supervisor, cmd.supervisor).reinstate(cmd.reason, cmd.occurred_at, s.policy)
    return {"supervisor": cmd.supervisor}


@handles(c.RemoveSupervisor)
def _remove(s: Session, cmd: c.RemoveSupervisor) -> Ids:
    s.get(Supervisor, cmd.supervisor).remove(
        cmd.reason, cmd.occurred_at, s.policy, s.last_service_on(cmd.supervisor)
    )
    return {"supervisor": cmd.supervisor}


@handles(c.RenewTerm)
def _renew(s: Session, cmd: c.RenewTerm) -> Ids:
    term_end = cmd.term_end or s.policy.term_end(cmd.term_start)
    s.get(Supervisor, cmd.supervisor).renew_term(
        cmd.term_start, term_end, cmd.occurred_at, s.policy
    )
    return {"supervisor": cmd.supervisor}


@handles(c.RegisterCase)
def _register_case(s: Session, cmd: c.RegisterCase) -> Ids:
    s.require_absent(Case, cmd.case)
    s.get(ProcuratorateUnit, cmd.unit)
    names = [p.name for p in cmd.parties]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise RuleViolation(
            f"case {cmd.case!r} lists the party {', '.join(map(repr, twice))} twice"
        )
    s.add(
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


@handles(c.OpenActivity)
def _open_activity(s: Session, cmd: c.OpenActivity) -> Ids:
    case = s.get(Case, cmd.case)
    initiator = s.get(Supervisor, cmd.initiated_by) if cmd.initiated_by else None
    if cmd.hearing is not None:
        hearing = s.get(Hearing, cmd.hearing)
        if hearing.case != case.key:
            raise NotFound(f"hearing {cmd.hearing!r} is not a hearing of case {case.key!r}")
    key = cmd.activity or case.next_activity_key()
    case.open_activity(
        key, cmd.activity_type, cmd.title, initiator, cmd.hearing, cmd.occurred_at, s.policy
    )
    return {"case": cmd.case, "activity": key}


@handles(c.DrawSupervisors)
def _draw(s: Session, cmd: c.DrawSupervisors) -> Ids:
    case = s.get(Case, cmd.case)
    assert cmd.seed is not None
    drawn = case.draw_supervisors(
        cmd.activity,
        s.candidates(case.unit),
        cmd.role,
        cmd.count,
        cmd.speciality,
        cmd.seed,
        cmd.occurred_at,
        s.policy,
    )
    return {
        "case": cmd.case,
        "activity": cmd.activity,
        "drawn": list(drawn),
        "seed": str(cmd.seed),
    }


@handles(c.InviteSupervisor)
def _invite(s: Session, cmd: c.InviteSupervisor) -> Ids:
    case = s.get(Case, cmd.case)
    case.invite(
        cmd.activity, s.get(Supervisor, cmd.supervisor), cmd.role, cmd.occurred_at, s.policy
    )
    return {"case": cmd.case, "activity": cmd.activity, "supervisor": cmd.supervisor}


@handles(c.AcceptInvitation)
def _accept(s: Session, cmd: c.AcceptInvitation) -> Ids:
    s.get(Case, cmd.case).accept_invitation(cmd.activity, cmd.supervisor, cmd.occurred_at)
    return {"case": cmd.case, "activity": cmd.activity, "supervisor": cmd.supervisor}


@handles(c.DeclineInvitation)
def _decline(s: Session, cmd: c.DeclineInvitation) -> Ids:
    s.get(Case, cmd.case).decline_invitation(
        cmd.activity, cmd.supervisor, cmd.reason, cmd.occurred_at
    )
    return {"case": cmd.case, "activity": cmd.activity, "supervisor": cmd.supervisor}


@handles(c.ReplaceSupervisor)
def _replace(s: Session, cmd: c.ReplaceSupervisor) -> Ids:
    case = s.get(Case, cmd.case)
    replacement = s.get(Supervisor, cmd.replacement) if cmd.replacement else None
    candidates = s.candidates(case.unit) if replacement is None else []
    new_key = case.replace_supervisor(
        cmd.activity,
        cmd.supervisor,
        replacement,
        candidates,
        cmd.seed or 0,
        cmd.reason,
        cmd.occurred_at,
        s.policy,
    )
    return {"case": cmd.case, "activity": cmd.activity, "replacement": new_key}


@handles(c.RecordAttendance)
def _attend(s: Session, cmd: c.RecordAttendance) -> Ids:
    s.get(Case, cmd.case).record_attendance(cmd.activity, cmd.supervisor, cmd.occurred_at)
    return {"case": cmd.case, "activity": cmd.activity, "supervisor": cmd.supervisor}


@handles(c.SubmitOpinion)
def _submit(s: Session, cmd: c.SubmitOpinion) -> Ids:
    case = s.get(Case, cmd.case)
    key = cmd.opinion or case.next_opinion_key()
    case.submit_opinion(
        key,
        cmd.activity,
        s.get(Supervisor, cmd.supervisor),
        cmd.content,
        cmd.occurred_at,
        s.policy,
    )
    return {"case": cmd.case, "opinion": key}


@handles(c.ReceiveOpinion)
def _receive(s: Session, cmd: c.ReceiveOpinion) -> Ids:
    s.get(Case, cmd.case).receive_opinion(cmd.opinion, cmd.occurred_at)
    return {"case": cmd.case, "opinion": cmd.opinion}


@handles(c.RouteOpinion)
def _route(s: Session, cmd: c.RouteOpinion) -> Ids:
    s.get(Case, cmd.case).route_opinion(cmd.opinion, cmd.department, cmd.occurred_at)
    return {"case": cmd.case, "opinion": cmd.opinion}


@handles(c.DecideOpinion)
def _decide(s: Session, cmd: c.DecideOpinion) -> Ids:
    s.get(Case, cmd.case).decide_opinion(cmd.opinion, cmd.outcome, cmd.explanation, cmd.occurred_at)
    return {"case": cmd.case, "opinion": cmd.opinion}


@handles(c.GiveFeedback)
def _feedback(s: Session, cmd: c.GiveFeedback) -> Ids:
    s.get(Case, cmd.case).give_feedback(cmd.opinion, cmd.content, cmd.occurred_at)
    return {"case": cmd.case, "opinion": cmd.opinion}


@handles(c.ReportImplementation)
def _implementation(s: Session, cmd: c.ReportImplementation) -> Ids:
    s.get(Case, cmd.case).report_implementation(cmd.opinion, cmd.content, cmd.occurred_at)
    return {"case": cmd.case, "opinion": cmd.opinion}


@handles(c.ObjectToFeedback)
def _object(s: Session, cmd: c.ObjectToFeedback) -> Ids:
    s.get(Case, cmd.case).object_to_feedback(cmd.opinion, cmd.reason, cmd.occurred_at)
    return {"case": cmd.case, "opinion": cmd.opinion}


@handles(c.RuleOnObjection)
def _rule(s: Session, cmd: c.RuleOnObjection) -> Ids:
    s.get(Case, cmd.case).rule_on_objection(cmd.opinion, cmd.ruling, cmd.reasons, cmd.occurred_at)
    return {"case": cmd.case, "opinion": cmd.opinion}


@handles(c.RecordCaseDecision)
def _case_decision(s: Session, cmd: c.RecordCaseDecision) -> Ids:
    s.get(Case, cmd.case).record_decision(cmd.decision, cmd.occurred_at)
    return {"case": cmd.case}


@handles(c.CloseCase)
def _close(s: Session, cmd: c.CloseCase) -> Ids:
    s.get(Case, cmd.case).close(cmd.occurred_at)
    return {"case": cmd.case}


@handles(c.ProposeHearing)
def _propose(s: Session, cmd: c.ProposeHearing) -> Ids:
    s.require_absent(Hearing, cmd.hearing)
    case = s.get(Case, cmd.case)
    Hearing.check_case_open(case.is_closed, case.key)
    facts = case.facts
    s.add(
        Hearing(
            key=cmd.hearing,
            case=case.key,
            unit=case.unit,
            case_kind=case.case_kind,
            party_names=facts.party_names,
            has_minor=facts.has_minor,
            reason=cmd.reason,
            occurred_at=cmd.occurred_at,
        )
    )
    return {"hearing": cmd.hearing, "case": cmd.case}


@handles(c.ApproveHearing)
def _approve(s: Session, cmd: c.ApproveHearing) -> Ids:
    s.get(Hearing, cmd.hearing).approve(cmd.approved_by, cmd.occurred_at)
    return {"hearing": cmd.hearing}


@handles(c.ScheduleHearing)
def _schedule(s: Session, cmd: c.ScheduleHearing) -> Ids:
    s.get(Hearing, cmd.hearing).schedule(
        cmd.scheduled_for,
        cmd.public,
        cmd.presiding_prosecutor,
        cmd.presided_by_chief,
        cmd.location,
        cmd.occurred_at,
        s.policy,
    )
    return {"hearing": cmd.hearing}


@handles(c.InviteHearingOfficer)
def _invite_officer(s: Session, cmd: c.InviteHearingOfficer) -> Ids:
    s.get(Hearing, cmd.hearing).invite_officer(
        s.get(Supervisor, cmd.supervisor), cmd.occurred_at, s.policy
    )
    return {"hearing": cmd.hearing, "supervisor": cmd.supervisor}


@handles(c.DrawHearingOfficers)
def _draw_officers(s: Session, cmd: c.DrawHearingOfficers) -> Ids:
    hearing = s.get(Hearing, cmd.hearing)
    assert cmd.seed is not None
    drawn = hearing.draw_officers(
        s.candidates(hearing.unit),
        cmd.count,
        cmd.speciality,
        cmd.seed,
        cmd.occurred_at,
        s.policy,
    )
    return {"hearing": cmd.hearing, "drawn": list(drawn), "seed": str(cmd.seed)}


@handles(c.InviteObserver)
def _invite_observer(s: Session, cmd: c.InviteObserver) -> Ids:
    s.get(Hearing, cmd.hearing).invite_observer(
        s.get(Supervisor, cmd.supervisor), cmd.role, cmd.occurred_at, s.policy
    )
    return {"hearing": cmd.hearing, "supervisor": cmd.supervisor}


@handles(c.DeclineHearingInvitation)
def _decline_hearing(s: Session, cmd: c.DeclineHearingInvitation) -> Ids:
    s.get(Hearing, cmd.hearing).decline(cmd.supervisor, cmd.reason, cmd.occurred_at)
    return {"hearing": cmd.hearing, "supervisor": cmd.supervisor}


@handles(c.ReplaceHearingOfficer)
def _replace_officer(s: Session, cmd: c.ReplaceHearingOfficer) -> Ids:
    s.get(Hearing, cmd.hearing).replace_officer(
        cmd.supervisor,
        s.get(Supervisor, cmd.replacement),
        cmd.reason,
        cmd.occurred_at,
        s.policy,
    )
    return {"hearing": cmd.hearing, "replacement": cmd.replacement}


@handles(c.HoldHearing)
def _hold(s: Session, cmd: c.HoldHearing) -> Ids:
    s.get(Hearing, cmd.hearing).hold(tuple(cmd.absent), cmd.occurred_at, s.policy)
    return {"hearing": cmd.hearing}


@handles(c.RecordOfficerOpinion)
def _officer_opinion(s: Session, cmd: c.RecordOfficerOpinion) -> Ids:
    s.get(Hearing, cmd.hearing).record_officer_opinion(
        cmd.officer, cmd.recommendation, cmd.reasons, cmd.occurred_at
    )
    return {"hearing": cmd.hearing, "officer": cmd.officer}


@handles(c.DecideHearing)
def _decide_hearing(s: Session, cmd: c.DecideHearing) -> Ids:
    s.get(Hearing, cmd.hearing).decide(
        cmd.decision, cmd.chief_approved, cmd.reasons, cmd.occurred_at
    )
    return {"hearing": cmd.hearing}


@handles(c.RecordPartyResponse)
def _party_response(s: Session, cmd: c.RecordPartyResponse) -> Ids:
    s.get(Hearing, cmd.hearing).record_party_response(cmd.party, cmd.accepted, cmd.occurred_at)
    return {"hearing": cmd.hearing, "party": cmd.party}


@handles(c.ConcludeHearing)
def _conclude(s: Session, cmd: c.ConcludeHearing) -> Ids:
    s.get(Hearing, cmd.hearing).conclude(cmd.occurred_at)
    return {"hearing": cmd.hearing}


# -- procuratorial suggestions ------------------------------------------------------


@handles(c.DraftSuggestion)
def _draft_suggestion(s: Session, cmd: c.DraftSuggestion) -> Ids:
    s.require_absent(Suggestion, cmd.suggestion)
    case = s.get(Case, cmd.case)
    s.add(
        Suggestion.draft(
            cmd.suggestion,
            case,
            cmd.suggestion_type,
            cmd.title,
            cmd.content,
            cmd.activity,
            cmd.occurred_at,
        )
    )
    return {"suggestion": cmd.suggestion, "case": cmd.case}


@handles(c.LinkSuggestionActivity)
def _link_suggestion_activity(s: Session, cmd: c.LinkSuggestionActivity) -> Ids:
    suggestion = s.get(Suggestion, cmd.suggestion)
    suggestion.link_activity(s.get(Case, suggestion.case), cmd.activity, cmd.occurred_at)
    return {"suggestion": cmd.suggestion, "activity": cmd.activity}


@handles(c.ServeSuggestion)
def _serve_suggestion(s: Session, cmd: c.ServeSuggestion) -> Ids:
    suggestion = s.get(Suggestion, cmd.suggestion)
    suggestion.serve(cmd.recipient, cmd.urgent, cmd.reply_due_on, cmd.occurred_at, s.policy)
    due = suggestion.reply_due(s.policy)
    assert due is not None  # just served
    return {"suggestion": cmd.suggestion, "reply_due": due.isoformat()}


@handles(c.RecordSuggestionReply)
def _suggestion_reply(s: Session, cmd: c.RecordSuggestionReply) -> Ids:
    s.get(Suggestion, cmd.suggestion).record_reply(cmd.content, cmd.occurred_at)
    return {"suggestion": cmd.suggestion}


@handles(c.RecordSuggestionAdoption)
def _suggestion_adoption(s: Session, cmd: c.RecordSuggestionAdoption) -> Ids:
    s.get(Suggestion, cmd.suggestion).record_adoption(cmd.adopted, cmd.explanation, cmd.occurred_at)
    return {"suggestion": cmd.suggestion}


@handles(c.CompleteRectification)
def _rectification(s: Session, cmd: c.CompleteRectification) -> Ids:
    s.get(Suggestion, cmd.suggestion).complete_rectification(cmd.content, cmd.occurred_at)
    return {"suggestion": cmd.suggestion}


@handles(c.VerifyRectification)
def _verify_rectification(s: Session, cmd: c.VerifyRectification) -> Ids:
    s.get(Suggestion, cmd.suggestion).verify_rectification(
        cmd.verified_by, cmd.content, cmd.occurred_at
    )
    return {"suggestion": cmd.suggestion}


@handles(c.UrgeSuggestionReply)
def _urge_suggestion(s: Session, cmd: c.UrgeSuggestionReply) -> Ids:
    s.get(Suggestion, cmd.suggestion).urge(cmd.note, cmd.occurred_at, s.policy)
    return {"suggestion": cmd.suggestion}


@handles(c.EscalateSuggestion)
def _escalate_suggestion(s: Session, cmd: c.EscalateSuggestion) -> Ids:
    s.get(Suggestion, cmd.suggestion).escalate(
        cmd.escalated_to, cmd.chief_approved, cmd.reasons, cmd.occurred_at, s.policy
    )
    return {"suggestion": cmd.suggestion}


# -- petitions ------------------------------------------------------------------------


@handles(c.ReceivePetition)
def _receive_petition(s: Session, cmd: c.ReceivePetition) -> Ids:
    s.require_absent(Petition, cmd.petition)
    s.get(ProcuratorateUnit, cmd.unit)
    if cmd.case is not None:
        s.get(Case, cmd.case)
    petition = Petition(
        key=cmd.petition,
        unit=cmd.unit,
        channel=cmd.channel,
        anonymous=cmd.anonymous,
        has_contact=cmd.has_contact,
        case=cmd.case,
        subject=cmd.subject,
        occurred_at=cmd.occurred_at,
    )
    s.add(petition)
    return {
        "petition": cmd.petition,
        "procedural_reply_due": petition.procedural_reply_due(s.policy).isoformat(),
        "result_reply_due": petition.answered_within(s.policy).isoformat(),
    }


@handles(c.ReplyPetitionProcedurally)
def _petition_procedural(s: Session, cmd: c.ReplyPetitionProcedurally) -> Ids:
    s.get(Petition, cmd.petition).reply_procedurally(
        cmd.outcome, cmd.content, cmd.transferred_to, cmd.occurred_at
    )
    return {"petition": cmd.petition}


@handles(c.ReplyPetitionProgress)
def _petition_progress(s: Session, cmd: c.ReplyPetitionProgress) -> Ids:
    petition = s.get(Petition, cmd.petition)
    petition.reply_progress(cmd.content, cmd.occurred_at)
    due = petition.next_reply_due(s.policy)
    assert due is not None  # no result yet
    return {"petition": cmd.petition, "next_reply_due": due.isoformat()}


@handles(c.ReplyPetitionResult)
def _petition_result(s: Session, cmd: c.ReplyPetitionResult) -> Ids:
    s.get(Petition, cmd.petition).reply_result(cmd.content, cmd.occurred_at)
    return {"petition": cmd.petition}


@handles(c.ClosePetition)
def _close_petition(s: Session, cmd: c.ClosePetition) -> Ids:
    s.get(Petition, cmd.petition).close(cmd.occurred_at)
    return {"petition": cmd.petition}


# -- leads ----------------------------------------------------------------------------


@handles(c.ReportLead)
def _report_lead(s: Session, cmd: c.ReportLead) -> Ids:
    s.require_absent(Lead, cmd.lead)
    s.get(ProcuratorateUnit, cmd.unit)
    reporter = s.get(Supervisor, cmd.reporter) if cmd.reporter is not None else None
    s.add(
        Lead.report(
            cmd.lead,
            cmd.unit,
            cmd.source,
            reporter,
            cmd.reference,
            cmd.department,
            cmd.summary,
            cmd.occurred_at,
            s.policy,
        )
    )
    return {"lead": cmd.lead}


@handles(c.AcceptLead)
def _accept_lead(s: Session, cmd: c.AcceptLead) -> Ids:
    s.get(Lead, cmd.lead).accept(cmd.occurred_at)
    return {"lead": cmd.lead}


@handles(c.RejectLead)
def _reject_lead(s: Session, cmd: c.RejectLead) -> Ids:
    s.get(Lead, cmd.lead).reject(cmd.reasons, cmd.occurred_at)
    return {"lead": cmd.lead}


@handles(c.TurnLeadIntoCase)
def _lead_to_case(s: Session, cmd: c.TurnLeadIntoCase) -> Ids:
    s.get(Lead, cmd.lead).turn_into_case(s.get(Case, cmd.case), cmd.occurred_at)
    return {"lead": cmd.lead, "case": cmd.case}


# -- typical cases --------------------------------------------------------------------


@handles(c.NominateTypicalCase)
def _nominate(s: Session, cmd: c.NominateTypicalCase) -> Ids:
    key = TypicalCaseNomination.key_for(cmd.case, cmd.level)
    s.require_absent(TypicalCaseNomination, key)
    s.add(
        TypicalCaseNomination.nominate(
            s.get(Case, cmd.case), cmd.level, cmd.title, cmd.nominated_by, cmd.occurred_at
        )
    )
    return {"nomination": key, "case": cmd.case}


@handles(c.DecideTypicalCase)
def _decide_typical(s: Session, cmd: c.DecideTypicalCase) -> Ids:
    key = TypicalCaseNomination.key_for(cmd.case, cmd.level)
    s.get(TypicalCaseNomination, key).decide(cmd.selected, cmd.note, cmd.occurred_at)
    return {"nomination": key, "case": cmd.case}


# -- partner agreements ---------------------------------------------------------------


@handles(c.SignPartnerAgreement)
def _sign_agreement(s: Session, cmd: c.SignPartnerAgreement) -> Ids:
    s.require_absent(PartnerAgreement, cmd.agreement)
    s.get(ProcuratorateUnit, cmd.unit)
    s.add(
        PartnerAgreement.sign(
            cmd.agreement,
            cmd.unit,
            cmd.partner,
            cmd.title,
            cmd.in_force_from,
            cmd.in_force_until,
            cmd.occurred_at,
        )
    )
    return {"agreement": cmd.agreement}


@handles(c.TerminatePartnerAgreement)
def _terminate_agreement(s: Session, cmd: c.TerminatePartnerAgreement) -> Ids:
    effective_on = cmd.effective_on or s.policy.local_date(cmd.occurred_at)
    s.get(PartnerAgreement, cmd.agreement).terminate(effective_on, cmd.reason, cmd.occurred_at)
    return {"agreement": cmd.agreement, "effective_on": effective_on.isoformat()}


# -- trial committee ------------------------------------------------------------------


@handles(c.RecordTrialCommitteeSitting)
def _sitting(s: Session, cmd: c.RecordTrialCommitteeSitting) -> Ids:
    s.require_absent(TrialCommitteeSitting, cmd.sitting)
    s.get(ProcuratorateUnit, cmd.unit)
    s.add(
        TrialCommitteeSitting(
            key=cmd.sitting,
            unit=cmd.unit,
            court=cmd.court,
            attendee=cmd.attendee,
            entrusted_deputy=cmd.entrusted_deputy,
            occurred_at=cmd.occurred_at,
        )
    )
    return {"sitting": cmd.sitting}


@handles(c.GiveTrialCommitteeOpinion)
def _committee_opinion(s: Session, cmd: c.GiveTrialCommitteeOpinion) -> Ids:
    sitting = s.get(TrialCommitteeSitting, cmd.sitting)
    key = cmd.opinion or sitting.next_opinion_key()
    sitting.give_opinion(key, cmd.matter, cmd.content, cmd.occurred_at)
    return {"sitting": cmd.sitting, "opinion": key}


@handles(c.RecordTrialCommitteeAdoption)
def _committee_adoption(s: Session, cmd: c.RecordTrialCommitteeAdoption) -> Ids:
    s.get(TrialCommitteeSitting, cmd.sitting).record_adoption(
        cmd.opinion, cmd.adopted, cmd.occurred_at
    )
    return {"sitting": cmd.sitting, "opinion": cmd.opinion}
