"""Events stored through msgspec.

``MsgspecTranscoder`` turns an event's state (a dict) into compact JSON bytes and back
into plain values. ``MsgspecMapper`` then gives those values their declared types
(datetime, date, Decimal, UUID, enums, tuples of dataclasses) with one typed
``msgspec.convert`` per event class, after eventsourcing has decrypted, decompressed
and upcast the state — so ``class_version``/``upcast_vN_vN+1`` work as usual.
Snapshots (``snapshots.py``) pass through the same mapper; their aggregate state is
typed by the snapshotted class's declared state.
"""

from __future__ import annotations

import dataclasses
import typing
from functools import cache
from typing import Any

import msgspec
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import resolve_topic

from .snapshots import LedgerSnapshot, typed_state

#: Fields the mapper sets itself from the stored record, not from the state.
_RECORD_FIELDS = frozenset({"originator_id", "originator_version"})


class MsgspecTranscoder(Transcoder):
    """JSON via msgspec: UUIDs, datetimes, dates and Decimals become strings."""

    def __init__(self) -> None:
        self._encoder = msgspec.json.Encoder(decimal_format="string")
        self._decoder = msgspec.json.Decoder()

    def encode(self, obj: Any) -> bytes:
        return self._encoder.encode(obj)

    def decode(self, data: bytes) -> Any:
        return self._decoder.decode(data)


@cache
def state_type(event_class: type[Any]) -> type[msgspec.Struct]:
    """A msgspec Struct with the typed fields of ``event_class``'s stored state."""
    hints = typing.get_type_hints(event_class)
    fields = [
        (f.name, hints[f.name])
        for f in dataclasses.fields(event_class)
        if f.name not in _RECORD_FIELDS
    ]
    return msgspec.defstruct(f"{event_class.__qualname__}State", fields)


class MsgspecMapper(Mapper[Any]):
    """A mapper whose decoded events carry their declared field types."""

    def __init__(
        self,
        transcoder: Transcoder | None = None,
        compressor: Any = None,
        cipher: Any = None,
    ) -> None:
        super().__init__(
            transcoder=transcoder or MsgspecTranscoder(), compressor=compressor, cipher=cipher
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        domain_event = super().to_domain_event(stored_event)
        state = domain_event.__dict__
        struct_type = state_type(type(domain_event))
        plain = {k: v for k, v in state.items() if k not in _RECORD_FIELDS}
        try:
            typed = msgspec.convert(plain, type=struct_type, strict=False)
        except msgspec.ValidationError as e:
            msg = (
                f"stored event {stored_event.originator_id} v{stored_event.originator_version} "
                f"({stored_event.topic}) does not match its class: {e}"
            )
            raise ValueError(msg) from e
        state.update(msgspec.structs.asdict(typed))
        if isinstance(domain_event, LedgerSnapshot):
            try:
                state["state"] = typed_state(domain_event.topic, state["state"])
            except msgspec.ValidationError as e:
                msg = (
                    f"stored snapshot of {stored_event.originator_id} "
                    f"v{stored_event.originator_version} does not match the state of "
                    f"{domain_event.topic}: {e}"
                )
                raise ValueError(msg) from e
        return domain_event


def event_class(topic: str) -> type[Any]:
    cls: type[Any] = resolve_topic(topic)
    return cls
