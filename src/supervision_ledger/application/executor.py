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
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, Recording

from .. import commands as c
from ..domain.errors import CommandIdConflict, ConcurrencyConflict
from ..domain.policy import Policy
from ..domain.values import SeedSource
from ..idempotency import CommandRecord, attributed
from .eventsourced import LedgerApplication
from .handlers import HANDLERS
from .locks import AggregateLocks, LockHolder, RestartWithLocks
from .results import CommandResult
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
        if command.command_id is not None and submitted.command_id is not None:
            previous = self.command_record(command.command_id)
            if previous is not None:
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
        uow = UnitOfWork(self.app, self.policy, locks=holder, checkout=True, fresh=fresh)
        ids = handler(uow, command)
        changed = uow.changed()
        to_save: list[Any] = list(changed)
        if command.command_id is not None:
            to_save.append(
                CommandRecord(
                    command_id=command.command_id,
                    command_type=command_type,
                    fingerprint=fingerprint,
                    ids=ids,
                    occurred_at=command.occurred_at,
                    actor=command.actor,
                )
            )
        # The recorder writes the command id into the hash chain beside the events.
        recordings: list[Recording[UUID]] = self.app.save(
            *to_save,
            command_id=command.command_id,
            read_versions=uow.read_versions(),
        )
        uow.checkin()  # while the locks are held: the cache gets the stored state
        domain = {agg.id for agg in changed}
        position = max(
            (r.notification.id for r in recordings if r.domain_event.originator_id in domain),
            default=None,
        )
        return CommandResult(command_type=command_type, ids=ids, position=position)

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


def matches_record(app: Any, submitted: c.Command, recorded: str) -> bool:
    """Whether a command record's fingerprint is of ``submitted``: stored records keep a
    keyed digest of it (no names in the store), older ones the fingerprint itself."""
    keyring = getattr(app, "keyring", None)
    if keyring is not None and recorded.startswith("hmac-sha256:"):
        return bool(keyring.command_digest(submitted.fingerprint()) == recorded)
    return submitted.same_as_recorded(recorded)
