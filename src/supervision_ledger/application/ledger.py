"""The Ledger: the embedding API a host application constructs and calls.

It owns one :class:`LedgerApplication` (the event store) and composes the parts that
work on it: the :class:`CommandExecutor` (the write path), the :class:`LedgerQueries`
(projections and their queries) and the :class:`LedgerAudit` (replay and tamper
evidence). Its methods are the public API; each hands the call to one of the parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any, Literal, TypeVar, overload
from uuid import UUID

from .. import commands as c
from ..audit import Digest, ExportSummary, HistoryEntry, HistoryPage, VerifyReport
from ..domain.base import LedgerAggregate
from ..domain.case import Case
from ..domain.hearing import Hearing
from ..domain.lead import Lead
from ..domain.partner import PartnerAgreement
from ..domain.petition import Petition
from ..domain.policy import DEFAULT_POLICY, Policy
from ..domain.suggestion import Suggestion
from ..domain.supervisor import Supervisor
from ..domain.trial_committee import TrialCommitteeSitting
from ..domain.typical_case import TypicalCaseLevel, TypicalCaseNomination
from ..domain.unit import ProcuratorateUnit
from ..domain.unit_activity import UnitActivity
from ..errors import InvalidArgument
from ..persistence.store import StoreConfig, ensure_postgres_schema, parse_store_url
from ..persistence.store_meta import open_keyring, resolve_cipher_key
from ..projections.api import Statistics, as_date, figure_of
from ..projections.dossier import Dossier
from ..projections.engine import Progress, ProjectionEngine
from ..projections.feedback import PendingFeedback
from ..projections.hearings import HearingRegister
from ..projections.listing import Listing
from ..projections.sections.hearings import UnsupervisedHearing
from .audit import LedgerAudit
from .batch import BatchExecutor
from .command_methods import CommandMethods
from .eventsourced import LedgerApplication
from .executor import CommandExecutor
from .explain import Explanation, explained
from .following import EventFeed, LedgerLog, LoggedEvent
from .migrations import backfill_service_dates
from .privacy import ForgetResult, forget
from .queries import LedgerQueries
from .results import CommandResult
from .states import (
    AggregateState,
    CaseState,
    HearingState,
    LeadState,
    PartnerAgreementState,
    PetitionState,
    SuggestionState,
    SupervisorState,
    TrialCommitteeSittingState,
    TypicalCaseState,
    UnitActivityState,
    UnitState,
    state_model,
)
from .store_errors import store_errors
from .unit_of_work import UnitOfWork

A = TypeVar("A", bound=LedgerAggregate)


class Ledger(CommandMethods):
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
        cipher_key: str | None = None,
        audit_only: bool = False,
    ) -> None:
        """Open the ledger at ``store`` (a URL; default ``$SUPERVISION_LEDGER_STORE`` or
        ``sqlite:///supervision-ledger.db``). ``env`` adds eventsourcing settings such
        as ``CIPHER_KEY``; ``max_attempts`` bounds retries after version conflicts.
        ``views`` is where projections live (a store URL; default: the store itself).

        ``cipher_key`` (default ``$SUPERVISION_LEDGER_CIPHER_KEY``; ``supervision-ledger
        keygen`` makes one) encrypts the store at rest; a store remembers whether it is
        encrypted, and is refused without its key, with another key, or with a key when
        it is not encrypted, before anything is written. ``audit_only`` opens an
        encrypted store without its key for ``verify`` and ``digest`` only
        (docs/privacy.md)."""
        self.store: StoreConfig = parse_store_url(store)
        self.policy = policy
        self.max_attempts = max_attempts
        env = dict(env or {})
        key = resolve_cipher_key(cipher_key, env)
        with store_errors():
            ensure_postgres_schema(self.store)
            # Refuses a store opened without its key, with another key, or a plaintext
            # store opened with a key, before anything is written (docs/privacy.md).
            self.keyring = open_keyring(self.store, key, audit_only=audit_only)
            if key:
                env["CIPHER_KEY"] = key
            else:
                env.pop("CIPHER_KEY", None)
            try:
                self.app = LedgerApplication(env={**self.store.env, **env}, keyring=self.keyring)
            except BaseException:
                self.keyring.close()
                raise
        self.queries = LedgerQueries(self.app, self.store, policy, views)
        self.audit = LedgerAudit(self.app, policy)
        self.log = LedgerLog(self.app)
        self.executor = CommandExecutor(self.app, policy, max_attempts)
        self.batches = BatchExecutor(self.executor)

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        self.queries.close()
        self.app.close()
        self.keyring.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- commands (one typed method per command: CommandMethods) ------------------

    def execute(self, command: c.Command | dict[str, Any]) -> CommandResult:
        """Validate (if given a dict), check the rules, and record one command."""
        return self.executor.execute(command)

    @store_errors()
    def execute_many(self, commands: Iterable[c.Command | dict[str, Any]]) -> list[CommandResult]:
        """Record ``commands`` in order in one transaction; returns one result each.

        Every command runs as :meth:`execute` runs it (validation, rules, ``command_id``,
        its own command id in the hash chain) and sees what the commands before it did.
        The first command refused raises :class:`BatchStopped`: the commands before it
        are recorded, nothing of it or after it. See docs/api.md, "Batches"."""
        return self.batches.execute_many(commands)

    @store_errors()
    def backfill_service_dates(self) -> list[str]:
        """Once, after upgrading a store written before ``Supervisor.ServiceRecorded``
        existed: copy each person's latest service date from the views to their own
        stream (which suspensions and removals check). Idempotent; returns the keys of
        the people updated. See docs/api.md, "Upgrading a store"."""
        return backfill_service_dates(self.app, self.policy, self.queries, self.executor.locks)

    # -- reading aggregates --------------------------------------------------------

    @store_errors()
    def _read(self, cls: type[A], key: str) -> A:
        return UnitOfWork(self.app, self.policy).get(cls, key)

    def unit(self, key: str) -> ProcuratorateUnit:
        """The procuratorate unit ``key`` as it is now; raises :class:`NotFound`."""
        return self._read(ProcuratorateUnit, key)

    def supervisor(self, key: str) -> Supervisor:
        return self._read(Supervisor, key)

    def case(self, key: str) -> Case:
        return self._read(Case, key)

    def unit_activity(self, key: str) -> UnitActivity:
        """The unit activity ``key`` (an activity of a unit, not a case); raises
        :class:`NotFound`."""
        return self._read(UnitActivity, key)

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

    @overload
    def state(
        self,
        kind: Literal["unit"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> UnitState: ...

    @overload
    def state(
        self,
        kind: Literal["supervisor"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> SupervisorState: ...

    @overload
    def state(
        self,
        kind: Literal["case"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> CaseState: ...

    @overload
    def state(
        self,
        kind: Literal["unit_activity"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> UnitActivityState: ...

    @overload
    def state(
        self,
        kind: Literal["hearing"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> HearingState: ...

    @overload
    def state(
        self,
        kind: Literal["suggestion"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> SuggestionState: ...

    @overload
    def state(
        self,
        kind: Literal["petition"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> PetitionState: ...

    @overload
    def state(
        self,
        kind: Literal["lead"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> LeadState: ...

    @overload
    def state(
        self,
        kind: Literal["typical_case"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> TypicalCaseState: ...

    @overload
    def state(
        self,
        kind: Literal["partner_agreement"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> PartnerAgreementState: ...

    @overload
    def state(
        self,
        kind: Literal["trial_committee_sitting"],
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> TrialCommitteeSittingState: ...

    @overload
    def state(
        self,
        kind: str,
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> AggregateState: ...

    def state(
        self,
        kind: str,
        key: str,
        *,
        as_of: datetime | date | str | None = None,
        at_position: int | None = None,
    ) -> AggregateState:
        """The state of the ``kind`` aggregate ``key`` as a pydantic model (JSON with
        ``model_dump(mode="json")``; schema: :func:`state_json_schema`): as it is now, as
        it was at a business date/time (``as_of``; a date means its whole local day), or
        at a log position (``at_position``). Raises :class:`NotFound` if it did not
        exist then, ``UnknownKind`` (a :class:`LedgerError`) for an unknown ``kind``."""
        model = state_model(kind)
        if as_of is None and at_position is None:
            aggregate = self._read(model.aggregate, key)
        else:
            if as_of is not None and at_position is not None:
                raise InvalidArgument("as_of, at_position: give one of them, not both")
            aggregate = self.audit.as_of(model.aggregate, key, as_of, at_position)
        return model.of(aggregate)

    def events(self, aggregate: LedgerAggregate) -> Iterator[Any]:
        """The stored events of an aggregate, in order."""
        return self.app.events.get(aggregate.id)

    # -- following the log (LedgerLog) ---------------------------------------------------

    def last_position(self) -> int:
        """The position of the last stored event (0 when the log is empty)."""
        return self.log.head()

    def events_after(self, position: int = 0, *, limit: int = 100) -> list[LoggedEvent]:
        """At most ``limit`` (1–1000) stored events after log ``position``, in log order,
        as :class:`LoggedEvent` values; the next page starts after the last one's position.
        """
        return self.log.events_after(position, limit=limit)

    def follow(
        self,
        after: int = 0,
        *,
        idle_timeout: float | None = None,
        poll_interval: float = 1.0,
        page_size: int = 100,
    ) -> EventFeed:
        """An :class:`EventFeed` of the events after position ``after``, then of each new
        one as it is stored (PostgreSQL: woken by NOTIFY; SQLite: polled every
        ``poll_interval`` seconds). It ends on ``stop()``, at the end of its ``with``
        block, or after ``idle_timeout`` seconds with nothing new."""
        return self.log.follow(
            after, idle_timeout=idle_timeout, poll_interval=poll_interval, page_size=page_size
        )

    # -- queries (projections: LedgerQueries) ------------------------------------------

    @property
    def views(self) -> ProjectionEngine:
        """The projection engine (opened on first use, in ``views`` or the store)."""
        return self.queries.views

    def close_views(self) -> None:
        self.queries.close()

    def catch_up(self) -> int:
        """Bring every view up to the end of the log; returns the position reached."""
        return self.queries.catch_up()

    def last_service_on(self, supervisor: str) -> date | None:
        """The latest local date ``supervisor`` was invited (to an activity or a hearing),
        attended, or submitted an opinion — what a suspension or removal may not precede.
        """
        return self.queries.last_service_on(supervisor)

    def rebuild_views(self, progress: Progress | None = None) -> int:
        """Drop every view and replay the log from the start."""
        return self.queries.rebuild_views(progress)

    def statistics(
        self,
        unit: str | None = None,
        *,
        rollup: bool = False,
        start: date | str | None = None,
        end: date | str | None = None,
        as_of: date | str | None = None,
        at_position: int | None = None,
    ) -> Statistics:
        """The published figures for ``unit`` (with its subordinate units if ``rollup``)
        over the local dates ``start``–``end`` (inclusive; None: open-ended).

        ``as_of`` (default: today, local) is the day overdue feedback is judged on.
        ``at_position`` gives the figures as they stood when the log ended at that
        notification id: the log up to it is replayed into a scratch database.
        """
        return self.queries.statistics(
            unit, rollup=rollup, start=start, end=end, as_of=as_of, at_position=at_position
        )

    def explain(
        self,
        figure: str,
        unit: str | None = None,
        *,
        rollup: bool = False,
        start: date | str | None = None,
        end: date | str | None = None,
        as_of: date | str | None = None,
    ) -> Explanation:
        """The events behind figure ``figure`` for ``unit`` (``rollup``: with every unit
        under it) over ``start``–``end``, judged on ``as_of`` — the same scope as
        :meth:`statistics`. A count lists its items (``len(items) == value``), a rate its
        numerator's and its denominator's; each item names what was counted and carries
        the stored events behind it. An unknown key raises :class:`UnknownFigure`,
        naming the nearest key."""
        found = figure_of(figure)
        units, judged, value, parts = self.queries.explain(
            figure, unit, rollup=rollup, start=start, end=end, as_of=as_of
        )
        return Explanation(
            figure=found.key,
            zh=found.zh,
            en=found.en,
            definition=found.definition,
            unit=unit,
            rollup=rollup,
            units=units,
            start=as_date(start, "start"),
            end=as_date(end, "end"),
            as_of=judged,
            value=value,
            **explained(self.log, parts),
        )

    def pending_feedback(
        self,
        unit: str | None = None,
        *,
        rollup: bool = False,
        supervisor: str | None = None,
        case: str | None = None,
        overdue_only: bool = False,
        as_of: date | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> PendingFeedback:
        """Every matter not yet fully answered (件件有着落、事事有回音), oldest first:
        opinions, served procuratorial suggestions and petitions, each with its stage,
        due date (per policy) and overdue flag as of ``as_of`` (default today).

        ``supervisor`` keeps only that person's opinions (suggestions and petitions are
        not a supervisor's); ``case`` keeps the matters of that case. With ``limit``
        (1–1000), one page: at most ``limit`` opinions, suggestions and petitions each,
        and a ``next_cursor`` to pass as ``cursor`` (with the same arguments)."""
        return self.queries.pending_feedback(
            unit,
            rollup=rollup,
            supervisor=supervisor,
            case=case,
            overdue_only=overdue_only,
            as_of=as_of,
            limit=limit,
            cursor=cursor,
        )

    def dossier(self, supervisor: str) -> Dossier:
        """一人一档: the file of one person, by their key."""
        return self.queries.dossier(supervisor)

    def hearings(
        self,
        unit: str | None = None,
        *,
        rollup: bool = False,
        start: date | str | None = None,
        end: date | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> HearingRegister:
        """The hearing register: hearings proposed in the period, oldest first. With
        ``limit`` (1–1000), one page and a ``next_cursor`` to pass as ``cursor`` (with
        the same unit and period) for the next."""
        return self.queries.hearings(
            unit, rollup=rollup, start=start, end=end, limit=limit, cursor=cursor
        )

    def unsupervised_hearings(
        self,
        unit: str | None = None,
        *,
        rollup: bool = False,
        start: date | str | None = None,
        end: date | str | None = None,
    ) -> list[UnsupervisedHearing]:
        """Public hearings held in the period on a case of a kind whose review must invite
        people's supervisors (``Policy.mandatory_supervision_kinds``; 2019 SPP rules,
        Art. 9) at which none was present — the list behind
        ``hearings.mandatory_supervision_met``, oldest first."""
        return self.queries.unsupervised_hearings(unit, rollup=rollup, start=start, end=end)

    def listing(
        self,
        kind: str,
        *,
        unit: str | None = None,
        rollup: bool = False,
        type: str | None = None,
        role: str | None = None,
        status: str | None = None,
        start: date | str | None = None,
        end: date | str | None = None,
        case: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        newest_first: bool = False,
    ) -> Listing:
        """One page of the ``kind`` things recorded — ``case``, ``supervisor``,
        ``hearing``, ``activity``, ``suggestion``, ``petition``, ``lead``,
        ``typical_case``, ``partner_agreement`` or ``trial_committee_sitting`` — oldest first
        (``newest_first``: the reverse) by the local date they were recorded on.

        Filters: ``unit`` (with every unit under it if ``rollup``), ``type`` (case kind,
        activity type, suggestion type, petition channel, lead source; a hearing's case
        kind; a nomination's level; who attended a sitting), ``role`` (people),
        ``status`` (as last recorded), ``start``/``end`` (local dates, inclusive) and
        ``case``. ``limit`` items (1–1000) per page; pass the
        page's ``next_cursor`` as ``cursor`` for the next one, with the same filters.
        """
        return self.queries.listing(
            kind,
            unit=unit,
            rollup=rollup,
            type=type,
            role=role,
            status=status,
            start=start,
            end=end,
            case=case,
            limit=limit,
            cursor=cursor,
            newest_first=newest_first,
        )

    # -- audit: replay and tamper evidence (LedgerAudit, docs/audit.md) ----------------

    def history(
        self, aggregate: str | UUID, *, redact: bool | str = False, salt: bytes | None = None
    ) -> list[HistoryEntry]:
        """Every event of an aggregate (``case:KEY``, ``hearing:KEY``, ``supervisor:KEY``,
        ``unit:KEY`` or a UUID) in order, with business time, recorded time, position
        and command id; ``redact`` replaces personal values by pseudonyms (``"people"``:
        supervisors' and officials' names too; docs/privacy.md)."""
        return self.audit.history(aggregate, redact=redact, salt=salt)

    def history_page(
        self,
        aggregate: str | UUID,
        *,
        limit: int = 100,
        cursor: str | None = None,
        redact: bool | str = False,
        salt: bytes | None = None,
    ) -> HistoryPage:
        """One page of :meth:`history`: at most ``limit`` (1–1000) events, in order, and
        a ``next_cursor`` to pass as ``cursor`` (with the same aggregate and ``redact``)
        for the next page. The cursor names the last version handed out, so events
        recorded between pages follow on the next one, never skipped or repeated."""
        return self.audit.history_page(
            aggregate, limit=limit, cursor=cursor, redact=redact, salt=salt
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
        return self.audit.as_of(Case, key, when, at_position)

    def hearing_as_of(
        self,
        key: str,
        when: datetime | date | str | None = None,
        *,
        at_position: int | None = None,
    ) -> Hearing:
        """The hearing as it was at a business date/time or at a log position."""
        return self.audit.as_of(Hearing, key, when, at_position)

    def supervisor_as_of(
        self,
        key: str,
        when: datetime | date | str | None = None,
        *,
        at_position: int | None = None,
    ) -> Supervisor:
        """The supervisor as they were at a business date/time or at a log position."""
        return self.audit.as_of(Supervisor, key, when, at_position)

    def unit_as_of(
        self,
        key: str,
        when: datetime | date | str | None = None,
        *,
        at_position: int | None = None,
    ) -> ProcuratorateUnit:
        """The procuratorate unit as it was at a business date/time or a log position."""
        return self.audit.as_of(ProcuratorateUnit, key, when, at_position)

    def digest(self, at_position: int | None = None) -> Digest:
        """The current digest (position, chain hash, count) of the whole log; with
        ``at_position``, of the log as it stood when it ended at that position."""
        return self.audit.digest(at_position)

    def verify(
        self,
        digest: Digest | str | dict[str, Any] | None = None,
        *,
        progress: Progress | None = None,
    ) -> VerifyReport:
        """Recompute the hash chain from the stored events; against ``digest`` (a
        :class:`Digest`, its JSON, or a JSON file path) if given. ``progress(position,
        last)`` is called as the walk goes."""
        return self.audit.verify(digest, progress=progress)

    def forget(
        self,
        person: str,
        *,
        reason: str,
        kind: str = "supervisor",
        occurred_at: datetime | None = None,
    ) -> ForgetResult:
        """Forget a person (crypto-shredding): ``person`` is a supervisor's key
        (``kind="supervisor"``), a party's name (``"party"``, in every case and hearing)
        or a petition's key (``"petitioner"``). Records that it happened (with
        ``reason``), then destroys the person's key: their name and personal texts read
        as ``[forgotten]`` everywhere from then on; the hash chain and every figure stay
        as they were (docs/privacy.md). Raises :class:`NotFound` if nothing personal of
        them is recorded (or they are forgotten already)."""
        when = occurred_at or datetime.now(self.policy.zone)
        with store_errors():
            return forget(self.app, self.keyring, kind, person, reason, when)

    def export(
        self,
        out: IO[str],
        *,
        redact: bool | str = False,
        salt: bytes | None = None,
        progress: Progress | None = None,
    ) -> ExportSummary:
        """Write the whole log as JSON lines (format: docs/audit.md); ``redact`` (True or
        ``"auditor"``, or ``"people"``) replaces personal values by pseudonyms."""
        return self.audit.export(out, redact=redact, salt=salt, progress=progress)
