"""An export file (``supervision-ledger export``) read back as a log: the same reading
interface the audit walk and the projection engine use on a store, so a bulletin can be
checked against an export without the store it came from."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import Notification

from ..domain.errors import LedgerError
from ..persistence.chain import ChainRow, LogRow
from .export import FORMAT

R = TypeVar("R")


class InvalidExport(LedgerError):
    """The export file cannot be read as a log (names the line and the reason)."""

    rule = "invalid_export"


class ExportedLog:
    """The positions of an export file, in memory."""

    def __init__(self, events: list[LogRow], chain: list[ChainRow]) -> None:
        self.events = sorted(events, key=lambda r: r.position)
        self.chain = sorted(chain, key=lambda r: r.position)
        self._event_positions = [r.position for r in self.events]
        self._chain_positions = [r.position for r in self.chain]

    @classmethod
    def read(cls, path: Path) -> ExportedLog:
        try:
            with path.open(encoding="utf-8") as lines:
                return cls.parse(lines)
        except OSError as error:
            raise InvalidExport(f"export: cannot read {path}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise InvalidExport(f"export: {path} is not UTF-8 text") from error

    @classmethod
    def parse(cls, lines: Iterable[str]) -> ExportedLog:
        events: list[LogRow] = []
        chain: list[ChainRow] = []
        header = False
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                line = json.loads(text)
            except json.JSONDecodeError as error:
                raise InvalidExport(f"export line {number}: not JSON ({error.msg})") from error
            if not isinstance(line, dict):
                raise InvalidExport(f"export line {number}: not a JSON object")
            if not header:
                if line.get("type") != "header" or line.get("format") != FORMAT:
                    raise InvalidExport(f"export line {number}: not a {FORMAT} header")
                if line.get("redacted"):
                    raise InvalidExport(
                        "export: a redacted export lacks the bytes of some events, so the "
                        "figures cannot be recomputed from it; export without --redact"
                    )
                header = True
                continue
            try:
                _add(line, events, chain)
            except (KeyError, TypeError, ValueError, binascii.Error) as error:
                raise InvalidExport(
                    f"export line {number}: {type(error).__name__}: {error}"
                ) from error
        if not header:
            raise InvalidExport("export: empty file (no header line)")
        return cls(events, chain)

    # -- what the audit walk reads (persistence.recorders.ChainedRecorder) -----------------

    def events_page(self, after: int, upto: int, limit: int) -> list[LogRow]:
        return _page(self.events, self._event_positions, after, upto, limit)

    def chain_page(self, after: int, upto: int, limit: int) -> list[ChainRow]:
        return _page(self.chain, self._chain_positions, after, upto, limit)

    def chain_tail(self) -> tuple[ChainRow, int] | None:
        return (self.chain[-1], len(self.chain)) if self.chain else None

    def last_position(self) -> int:
        last_event = self.events[-1].position if self.events else 0
        return max(last_event, self.chain[-1].position if self.chain else 0)

    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        key = str(originator_id)
        return {r.originator_version: r.position for r in self.events if r.originator_id == key}

    def chain_of(self, originator_id: UUID) -> dict[int, ChainRow]:
        key = str(originator_id)
        return {r.originator_version: r for r in self.chain if r.originator_id == key}

    # -- what the projection engine reads (eventsourcing's ApplicationRecorder) ------------

    def max_notification_id(self) -> int | None:
        return self.events[-1].position if self.events else None

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> list[Notification]:
        after = (start or 0) - (1 if inclusive_of_start else 0)
        upto = self._event_positions[-1] if stop is None and self.events else (stop or 0)
        rows = _page(self.events, self._event_positions, after, upto, len(self.events))
        return [
            Notification(
                id=r.position,
                originator_id=UUID(r.originator_id),
                originator_version=r.originator_version,
                topic=r.topic,
                state=r.state,
            )
            for r in rows
            if not topics or r.topic in topics
        ][:limit]


def _page(rows: list[R], positions: list[int], after: int, upto: int, limit: int) -> list[R]:
    """The rows with ``after < position <= upto``, at most ``limit`` of them."""
    first = bisect.bisect_right(positions, after)
    last = bisect.bisect_right(positions, upto)
    return rows[first : min(last, first + limit)]


def _add(line: dict[str, Any], events: list[LogRow], chain: list[ChainRow]) -> None:
    position = int(line["position"])
    link = line["chain"]
    if link is not None:
        chain.append(
            ChainRow(
                position,
                str(link["originator_id"]),
                int(link["originator_version"]),
                link["command_id"],
                bytes.fromhex(link["event_hash"]),
                bytes.fromhex(link["chain_hash"]),
            )
        )
    if line["stored"]:
        events.append(
            LogRow(
                position,
                str(line["originator_id"]),
                int(line["originator_version"]),
                str(line["topic"]),
                base64.b64decode(line["state"], validate=True),
            )
        )
