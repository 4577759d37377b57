"""Batches: many commands recorded in one transaction (``Ledger.execute_many``, ``apply``).

Each command of a batch runs exactly as :meth:`CommandExecutor.execute` runs it — the
same validation, handler and rules, its own ``command_id`` record, its own command id in
the hash chain — against the state the commands before it in the batch left (an
*overlay* of the aggregates they loaded, created or changed). Their events are then
written in one transaction, so a batch costs one commit instead of one per command.

* A command that is refused (bad input or a broken rule) ends the batch: the commands
  before it are committed and :class:`BatchStopped` names it; nothing of it is written,
  nor of the commands after it.
* The versions of everything the batch read but did not write are checked in the same
  transaction (as for one command); on a conflict the whole batch is re-run on fresh
  state, and the commands whose ``command_id`` meanwhile got recorded are replayed.
* In one process, a batch holds every aggregate lock (``locks.py``) until it commits:
  commands of other threads wait for it rather than conflict with it.
* The transaction is all or nothing: a process killed in the middle of a batch leaves
  the store as if the batch had not started, and re-running it records it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from .. import commands as c
from ..domain.errors import CommandIdConflict, ConcurrencyConflict, LedgerError
from ..idempotency import CommandRecord, attributed
from .executor import CommandExecutor, matches_record, record_event
from .handlers import HANDLERS
from .locks import STRIPES, LockHolder
from .results import CommandResult, Ids
from .unit_of_work import Handler, UnitOfWork


class BatchStopped(LedgerError):
    """Command ``index`` (0-based) of a batch was refused: the commands before it are
    recorded (their results in ``results``), nothing of it or of the ones after it.
    ``error`` is what refused it (a :class:`LedgerError` or a pydantic
    ``ValidationError``); it is also this exception's ``__cause__``."""

    rule = "batch_stopped"

    def __init__(self, index: int, error: Exception, results: list[CommandResult]) -> None:
        super().__init__(f"command {index + 1} of the batch was refused: {error}")
        self.index = index
        self.error = error
        self.results = results


class _Record(NamedTuple):
    """What a command record tells a repeat of its command id."""

    command_type: str
    fingerprint: str
    ids: Ids


def _record_event(command: c.Command, item: _Prepared, ids: Ids) -> CommandRecord.Recorded:
    """The creation event of the command's :class:`CommandRecord` (the event only)."""
    assert command.command_id is not None
    return record_event(
        command.command_id,
        item.command_type,
        item.fingerprint,
        ids,
        command.occurred_at,
        command.actor,
    )


@dataclass
class _Prepared:
    """A command made ready once, before any attempt (a seedless draw keeps its seed)."""

    submitted: c.Command
    command: c.Command
    handler: Handler
    fingerprint: str
    command_type: str


@dataclass
class _Batch:
    """What the commands of one attempt at a batch loaded, changed and will write."""

    #: The in-process locks the batch holds (all of them).
    locks: LockHolder
    #: The command records of the batch's commands, by command id.
    records: dict[str, _Record] = field(default_factory=dict)
    #: Ids of the command records stored when the batch began (None: not looked up).
    known_records: set[UUID] | None = None
    #: Every aggregate the batch has seen, in its latest in-batch state.
    overlay: dict[UUID, Aggregate] = field(default_factory=dict)
    #: The stored version of each aggregate when the batch first loaded it.
    read_from_store: dict[UUID, int] = field(default_factory=dict)
    events: list[Any] = field(default_factory=list)
    command_ids: list[str | None] = field(default_factory=list)
    #: Aggregates a refused command loaded (maybe half-changed): never cached.
    tainted: set[UUID] = field(default_factory=set)
    #: Per staged command: its result (position still unknown) and its events' slice.
    staged: list[tuple[CommandResult, int, int, frozenset[UUID]]] = field(default_factory=list)


#: Every in-process lock stripe: a batch takes them all.
ALL_STRIPES = frozenset(range(STRIPES))


class BatchExecutor:
    """Runs a sequence of commands in as few transactions as the rules allow."""

    def __init__(self, executor: CommandExecutor) -> None:
        self.executor = executor
        self.app = executor.app

    def execute_many(self, commands: Iterable[c.Command | dict[str, Any]]) -> list[CommandResult]:
        """Record ``commands`` in order, in one transaction (see the module docstring)."""
        todo: list[c.Command | dict[str, Any]] = list(commands)
        results, failure = self._run(todo)
        if failure is not None:
            raise BatchStopped(len(results), failure, results) from failure
        return results

    # -- one batch, with retries ---------------------------------------------------------

    def _run(
        self, todo: Sequence[c.Command | dict[str, Any]]
    ) -> tuple[list[CommandResult], Exception | None]:
        """Stage ``todo`` until one is refused, and commit the staged ones.

        A batch holds every in-process aggregate lock (taken in order, so no deadlock
        with single commands): single commands of other threads wait for it to commit.
        """
        prepared: list[_Prepared | None] = [None] * len(todo)
        max_attempts = self.executor.max_attempts
        for attempt in range(1, max_attempts + 1):
            with self.executor.locks.holder(ALL_STRIPES).holding() as holder:
                batch = _Batch(locks=holder, known_records=self._known_records(todo))
                failure: Exception | None = None
                for index, command in enumerate(todo):
                    try:
                        item = prepared[index]
                        if item is None:
                            item = prepared[index] = self._prepare(command)
                        self._stage(batch, item, first_attempt=attempt == 1)
                    except (LedgerError, ValueError) as error:
                        # Refused (a broken rule, or bad input: pydantic's ValidationError
                        # is a ValueError): the batch ends before it. Anything else is a
                        # fault, and nothing of the batch is written.
                        failure = error
                        break
                try:
                    return self._commit(batch), failure
                except IntegrityError as error:
                    # The batch's aggregates stay out of the cache; the retry reads afresh.
                    if attempt == max_attempts:
                        raise ConcurrencyConflict(
                            f"a batch of {len(todo)} command(s): other writers changed the "
                            f"same records {max_attempts} times in a row; nothing of the "
                            "batch was recorded"
                        ) from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _known_records(self, todo: Sequence[c.Command | dict[str, Any]]) -> set[UUID] | None:
        """The command records already stored for the batch's command ids (one query
        instead of one per command); None if the batch names none."""
        ids = []
        for command in todo:
            command_id = (
                command.get("command_id") if isinstance(command, dict) else command.command_id
            )
            if isinstance(command_id, str):
                ids.append(CommandRecord.create_id(command_id))
        return self.app.existing(ids) if ids else None

    def _prepare(self, command: c.Command | dict[str, Any]) -> _Prepared:
        if isinstance(command, dict):
            command = c.parse_command(command)
        command = self.executor.localize(command)
        command.check_business_time(self.executor.policy)
        handler = HANDLERS.get(type(command))
        if handler is None:
            raise TypeError(f"no handler for command {type(command).__name__}")
        # The fingerprint is of the command as submitted (see CommandExecutor.execute).
        submitted, fingerprint = command, command.fingerprint()
        command = attributed(self.executor.with_seed(command))
        command_type = str(getattr(command, "type", type(command).__name__))
        return _Prepared(submitted, command, handler, fingerprint, command_type)

    def _stage(self, batch: _Batch, item: _Prepared, *, first_attempt: bool) -> None:
        """Run one command against the batch's state and add its events to the batch."""
        command = item.command
        # A command id the ledger gave (a command with an actor and no id) is new.
        if command.command_id is not None and item.submitted.command_id is not None:
            previous = self._command_record(batch, command.command_id)
            if previous is not None:
                if not matches_record(self.executor.app, item.submitted, previous.fingerprint):
                    raise CommandIdConflict(
                        f"command id {command.command_id!r} was used for a different "
                        f"{previous.command_type} command"
                    )
                replayed = CommandResult(
                    command_type=previous.command_type,
                    ids=dict(previous.ids),
                    position=None,
                    replayed=True,
                )
                batch.staged.append((replayed, 0, 0, frozenset()))
                return
        uow = UnitOfWork(
            self.app,
            self.executor.policy,
            locks=batch.locks,
            checkout=True,
            fresh=not first_attempt,  # a retry reads the store, not the cache
            overlay=batch.overlay,
        )
        try:
            ids = item.handler(uow, command)
        except BaseException:
            # A refused command may have changed what it loaded before it was refused.
            batch.tainted.update(uow.loaded)
            raise
        changed: list[Aggregate] = list(uow.changed())
        domain = frozenset(agg.id for agg in changed)
        # Staged: from here on this command belongs to the batch.
        first = len(batch.events)
        for agg in changed:
            events = agg.collect_events()
            batch.events.extend(events)
            batch.command_ids.extend([command.command_id] * len(events))
        if command.command_id is not None:
            batch.events.append(_record_event(command, item, ids))
            batch.command_ids.append(command.command_id)
            batch.records[command.command_id] = _Record(item.command_type, item.fingerprint, ids)
        for agg_id, version in uow.versions_from_store.items():
            batch.read_from_store.setdefault(agg_id, version)
        for agg in [*uow.loaded.values(), *changed]:
            batch.overlay[agg.id] = agg
        result = CommandResult(command_type=item.command_type, ids=ids, position=None)
        batch.staged.append((result, first, len(batch.events), domain))

    def _command_record(self, batch: _Batch, command_id: str) -> _Record | None:
        if command_id in batch.records:
            return batch.records[command_id]
        record_id = CommandRecord.create_id(command_id)
        if batch.known_records is not None and record_id not in batch.known_records:
            return None  # not stored when the batch began (a newer one fails the write)
        try:
            record = self.app.load(record_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(record, CommandRecord)
        return _Record(record.command_type, record.fingerprint, record.ids)

    def _commit(self, batch: _Batch) -> list[CommandResult]:
        clean = [agg for agg_id, agg in batch.overlay.items() if agg_id not in batch.tainted]
        if not batch.events:
            self.app.checkin(clean)
            return [result for result, *_ in batch.staged]
        written = {event.originator_id for event in batch.events}
        read_versions = {
            agg_id: version
            for agg_id, version in batch.read_from_store.items()
            if agg_id not in written
        }
        positions = self.app.record(
            batch.events,
            [agg for agg in clean if agg.id in written],
            command_ids=batch.command_ids,
            read_versions=read_versions,
        )
        # Stored: the batch's aggregates go back to the cache (not the ones a refused
        # command may have half-changed; they are loaded from the store next time).
        self.app.checkin(clean)
        results: list[CommandResult] = []
        for result, first, end, domain in batch.staged:
            mine = [
                positions[i] for i in range(first, end) if batch.events[i].originator_id in domain
            ]
            results.append(result.model_copy(update={"position": max(mine, default=None)}))
        return results
