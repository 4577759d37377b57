"""The write path: validate → unit of work → handler → save, with retries and idempotency.

One straight path: a pydantic command → its handler loads the aggregates it needs →
an aggregate method checks the rules and triggers events → ``app.save`` stores every
changed aggregate (and the command record) in one transaction, through the msgspec
mapper, in SQLite or PostgreSQL.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from .. import commands as c
from ..domain.errors import CommandIdConflict, ConcurrencyConflict
from ..domain.policy import Policy
from ..domain.values import SeedSource
from ..idempotency import CommandRecord, attributed
from .eventsourced import LedgerApplication
from .handlers import HANDLERS
from .locks import AggregateLocks, LockHolder, RestartWithLocks
from .results import CommandResult, Ids
from .store_errors import store_errors
from .unit_of_work import Handler, UnitOfWork

C = TypeVar("C", bound=c.Command)


@cache
def datetime_fields(command_type: type[c.Command]) -> tuple[str, ...]:
    """The fields of a command type that may hold a datetime (checked per command)."""
    return tuple(
        name
        for name, info in command_type.model_fields.items()
        if "datetime.datetime" in str(info.annotation)
    )


def fresh_seed() -> int:
    return secrets.randbelow(2**63)


class CommandExecutor:
    """Runs commands against one :class:`LedgerApplication`."""

    def __init__(
        self,
        app: LedgerApplication,
        policy: Policy,
        max_attempts: int,
    ) -> None:
        self.app = app
        self.policy = policy
        self.max_attempts = max_attempts
        #: Commands in this process on the same aggregate queue here (see ``locks``).
        self.locks = AggregateLocks()

    @store_errors()
    def execute(self, command: c.Command | dict[str, Any]) -> CommandResult:
        """Validate (if given a dict), check the rules, and record one command."""
        if isinstance(command, dict):
            command = c.parse_command(command)
        command = self.localize(command)
        # Every date and datetime within the policy's business-time range (issue 8).
        command.check_business_time(self.policy)
        handler = HANDLERS.get(type(command))
        if handler is None:
            raise TypeError(f"no handler for command {type(command).__name__}")
        # The fingerprint is of the command as submitted (normalised): a seed the ledger
        # picks for a seedless draw must not make a repeat of the same command look
        # different.
        submitted, fingerprint = command, command.fingerprint()
        command = attributed(self.with_seed(command))
        command_type = str(getattr(command, "type", type(command).__name__))
        record_id = (
            None if command.command_id is None else CommandRecord.create_id(command.command_id)
        )
        first: frozenset[int] = frozenset()
        attempt = 0
        while True:
            holder = self.locks.holder(first)
            try:
                with holder.holding():
                    if record_id is not None:
                        holder.take(record_id)  # a repeat of one command id waits for it
                    result = self._attempt(
                        submitted,
                        command,
                        handler,
                        fingerprint,
                        command_type,
                        holder,
                        fresh=attempt > 0,
                    )
            except RestartWithLocks as restart:
                first = restart.stripes  # not a conflict: nothing was written
                continue
            except IntegrityError as error:
                attempt += 1
                if attempt >= self.max_attempts:
                    raise ConcurrencyConflict(
                        f"{command_type}: other writers changed the same records "
                        f"{self.max_attempts} times in a row; nothing was recorded"
                    ) from error
                first = frozenset(holder.taken)  # retry holding what this attempt needed
                continue
            return result

    def _attempt(
        self,
        submitted: c.Command,
        command: c.Command,
        handler: Handler,
        fingerprint: str,
        command_type: str,
        holder: LockHolder,
        *,
        fresh: bool,
    ) -> CommandResult:
        """One attempt: the idempotency check, the handler, the save (one transaction).

        The aggregates come out of the cache unless ``fresh`` (a retry after a version
        conflict: the cache may be behind the store), and go back in once saved."""
        # A command id the ledger gave (a command with an actor and no id) is new.
        repeatable = command.command_id is not None and submitted.command_id is not None
        # A retry reads the command record first. A first attempt does not: the insert of
        # the record, in the command's transaction, fails if the id was used already
        # (or the handler refuses what the earlier command did); only then is the record
        # read and its result returned (``_repeat``).
        if repeatable and fresh:
            repeated = self._repeat(submitted, command)
            if repeated is not None:
                return repeated
        uow = UnitOfWork(self.app, self.policy, locks=holder, checkout=True, fresh=fresh)
        try:
            ids = handler(uow, command)
        except Exception:
            repeated = self._repeat(submitted, command) if repeatable and not fresh else None
            if repeated is not None:
                return repeated
            uow.check_unasked()  # a taken key is the refusal named first
            raise
        changed = uow.changed()
        # Before the events are collected: an aggregate with pending events is written,
        # not only read (once collected, it would look unchanged and be checked twice).
        read_versions = uow.read_versions()
        events: list[Any] = []
        for agg in changed:
            events.extend(agg.collect_events())
        if command.command_id is not None:
            events.append(
                record_event(
                    command.command_id,
                    command_type,
                    fingerprint,
                    ids,
                    command.occurred_at,
                    command.actor,
                )
            )
        # The recorder writes the command id into the hash chain beside the events.
        try:
            positions = self.app.record(
                events,
                changed,
                command_ids=[command.command_id] * len(events),
                read_versions=read_versions,
            )
        except IntegrityError:
            repeated = self._repeat(submitted, command) if repeatable and not fresh else None
            if repeated is not None:
                return repeated
            raise
        uow.checkin()  # while the locks are held: the cache gets the stored state
        domain = {agg.id for agg in changed}
        position = max(
            (p for p, e in zip(positions, events, strict=True) if e.originator_id in domain),
            default=None,
        )
        return CommandResult(command_type=command_type, ids=ids, position=position)

    def _repeat(self, submitted: c.Command, command: c.Command) -> CommandResult | None:
        """The earlier result of ``command``'s command id, if it has one (a repeat);
        raises :class:`CommandIdConflict` if it was used for a different command."""
        assert command.command_id is not None
        previous = self.command_record(command.command_id)
        if previous is None:
            return None
        if not matches_record(self.app, submitted, previous.fingerprint):
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

    def command_record(self, command_id: str) -> CommandRecord | None:
        """The record of an earlier command with this id, if any."""
        try:
            record = self.app.load(CommandRecord.create_id(command_id))
        except AggregateNotFoundError:
            return None
        assert isinstance(record, CommandRecord)
        return record

    def localize(self, command: C) -> C:
        """Read naive datetimes in the policy's time zone."""
        updates = {}
        for name in datetime_fields(type(command)):
            value = getattr(command, name)
            if isinstance(value, datetime) and value.tzinfo is None:
                updates[name] = value.replace(tzinfo=self.policy.zone)
        return command.model_copy(update=updates) if updates else command

    def with_seed(self, command: C) -> C:
        """Under ``Policy.draw_seed = random``, give a draw without a seed a fresh one,
        fixed before any retry. Under ``chain`` (the default) and ``chain_only`` the
        handler derives it from the hash chain instead (``UnitOfWork.draw_seed``)."""
        if self.policy.draw_seed is not SeedSource.RANDOM:
            return command
        if "seed" in type(command).model_fields and getattr(command, "seed", 0) is None:
            needs = not (
                isinstance(command, c.ReplaceSupervisor) and command.replacement is not None
            )
            if needs:
                return command.model_copy(update={"seed": fresh_seed()})
        return command


#: The topic of the command record aggregate, as its creation event carries it.
_RECORD_TOPIC = get_topic(CommandRecord)


def record_event(
    command_id: str,
    command_type: str,
    fingerprint: str,
    ids: Ids,
    occurred_at: datetime,
    actor: str | None,
) -> CommandRecord.Recorded:
    """The creation event of a command's :class:`CommandRecord` — the event only: the
    write path never needs the record aggregate itself."""
    return CommandRecord.Recorded(  # type: ignore[call-arg]
        originator_id=CommandRecord.create_id(command_id),
        originator_version=1,
        timestamp=CommandRecord.Recorded.create_timestamp(),
        originator_topic=_RECORD_TOPIC,
        command_id=command_id,
        command_type=command_type,
        fingerprint=fingerprint,
        ids=ids,
        occurred_at=occurred_at,
        actor=actor,
    )


def matches_record(app: Any, submitted: c.Command, recorded: str) -> bool:
    """Whether a command record's fingerprint is of ``submitted``: stored records keep a
    keyed digest of it (no names in the store), older ones the fingerprint itself."""
    keyring = getattr(app, "keyring", None)
    if keyring is not None and recorded.startswith("hmac-sha256:"):
        return bool(keyring.command_digest(submitted.fingerprint()) == recorded)
    return submitted.same_as_recorded(recorded)
