"""The full log as JSON lines, for independent verification (``tools/verify_export.py``).

The first line is a header; then one line per position that the events table or the
chain table holds, in position order — also positions where one of them is missing,
so an outside verifier reaches the same verdict as :func:`..integrity.verify`. Each
line carries the stored bytes (base64) and the chain row; a redacted line carries the
hash of its stored bytes instead of the bytes. Format: docs/audit.md.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from ..persistence.chain import ALGORITHM, ChainRow, LogRow, event_hash
from ..persistence.personal import open_all
from ..persistence.recorders import ChainedRecorder
from .history import event_fields, event_name, recorded_at
from .integrity import current_digest, merged_log
from .redact import Redactor

FORMAT = "supervision-ledger-export"
FORMAT_VERSION = 1
#: Events whose fields tell the redactor who the parties are and which cases have minors.
_LEARN_FROM = (":Case.Registered", ":Hearing.Proposed")


@dataclass(frozen=True)
class ExportSummary:
    lines: int
    redacted: int


def export_jsonl(
    mapper: Mapper[UUID],
    recorder: ChainedRecorder,
    out: IO[str],
    *,
    redact: bool | str = False,
    salt: bytes | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExportSummary:
    """Write the whole log to ``out``; with ``redact`` (``True`` or ``"auditor"``;
    ``"people"``: supervisors and officials too), personal values become pseudonyms.

    ``progress(position, last)`` is called after each line (for a progress bar)."""
    upto = recorder.last_position()
    redactor: Redactor | None = None
    if redact:
        redactor = redactor_for(mapper, redact, salt)
        mapper = sealed_reader(mapper)
        for _, event, _ in merged_log(recorder, upto):
            if event is not None and event.topic.endswith(_LEARN_FROM):
                decoded = _decode(mapper, event)
                if decoded is not None:
                    redactor.learn(decoded[0], decoded[1])
    header = {
        "type": "header",
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "algorithm": ALGORITHM,
        "redacted": bool(redact),
        "digest_at_export": current_digest(recorder).to_json(),
    }
    _write(out, header)
    lines = redacted = 0
    keys: dict[str, str] = {}  # originator id → aggregate key, for the redactor
    for position, event, link in merged_log(recorder, upto):
        line = _line(mapper, position, event, link, redactor, keys)
        redacted += bool(line.get("redacted"))
        _write(out, line)
        lines += 1
        if progress is not None:
            progress(position, upto)
    return ExportSummary(lines=lines, redacted=redacted)


def sealed_reader(mapper: Mapper[UUID]) -> Mapper[UUID]:
    """A mapper that reads personal values in their sealed form (for redacting)."""
    with_sealed = getattr(mapper, "with_sealed", None)
    return mapper if with_sealed is None else with_sealed()


def redactor_for(mapper: Mapper[UUID], redact: bool | str, salt: bytes | None) -> Redactor:
    level = "auditor" if redact is True else str(redact)
    keyring = getattr(mapper, "keyring", None)
    opener = None if keyring is None else keyring.open
    if salt is None:
        return Redactor(level=level, opener=opener)
    return Redactor(salt=salt, level=level, opener=opener)


def _line(
    mapper: Mapper[UUID],
    position: int,
    event: LogRow | None,
    link: ChainRow | None,
    redactor: Redactor | None,
    keys: dict[str, str],
) -> dict[str, Any]:
    line: dict[str, Any] = {"type": "event", "position": position, "stored": event is not None}
    line["chain"] = (
        None
        if link is None
        else {
            "originator_id": link.originator_id,
            "originator_version": link.originator_version,
            "command_id": link.command_id,
            "event_hash": link.event_hash.hex(),
            "chain_hash": link.chain_hash.hex(),
        }
    )
    if event is None:
        return line
    line.update(
        originator_id=event.originator_id,
        originator_version=event.originator_version,
        topic=event.topic,
    )
    decoded = _decode(mapper, event)
    if decoded is None:
        line.update(event=None, fields=None, occurred_at=None, recorded_at=None)
        hide = redactor is not None  # unreadable: cannot tell whether it names anyone
    else:
        name, fields, occurred_at, recorded_at = decoded
        if isinstance(fields.get("key"), str):
            keys.setdefault(event.originator_id, fields["key"])
        hide = False
        if redactor is not None:
            shown = redactor.redact(name, keys.get(event.originator_id), fields)
            # The bytes go out only when the reviewer sees everything they hold.
            hide = shown != (
                fields if redactor.opener is None else open_all(fields, redactor.opener)
            )
            fields = shown
        line.update(event=name, fields=fields, occurred_at=occurred_at, recorded_at=recorded_at)
    if hide:
        command_id = link.command_id if link is not None else None
        line["redacted"] = True
        line["state"] = None
        # A row whose version is no integer (read as -1) was tampered with; it cannot
        # match the chain's identity, which is checked before any hash.
        line["event_hash"] = (
            event_hash(
                position,
                event.originator_id,
                event.originator_version,
                event.topic,
                event.state,
                command_id,
            ).hex()
            if event.originator_version >= 0
            else None
        )
    else:
        line["state"] = base64.b64encode(event.state).decode("ascii")
    return line


def _decode(mapper: Mapper[UUID], event: LogRow) -> tuple[str, dict[str, Any], Any, Any] | None:
    """(event name, fields, occurred_at, recorded_at) — None if the bytes do not decode
    (tampered, or encrypted with a key this ledger does not have)."""
    try:
        stored = StoredEvent(
            originator_id=UUID(event.originator_id),
            originator_version=event.originator_version,
            topic=event.topic,
            state=event.state,
        )
        domain_event = mapper.to_domain_event(stored)
        fields = event_fields(domain_event)
    except Exception:  # any decoding failure is reported as "not decodable"
        return None
    occurred = getattr(domain_event, "occurred_at", None)
    return (
        event_name(domain_event),
        fields,
        occurred.isoformat() if occurred is not None else None,
        recorded_at(domain_event).isoformat(),
    )


def _write(out: IO[str], data: dict[str, Any]) -> None:
    out.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
