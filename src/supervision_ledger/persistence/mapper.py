"""Events stored through msgspec.

``MsgspecTranscoder`` turns an event's state (a dict) into compact JSON bytes and back
into plain values. ``MsgspecMapper`` then gives those values their declared types
(datetime, date, Decimal, UUID, enums, tuples of dataclasses) with one typed
``msgspec.convert`` per event class, after eventsourcing has decrypted, decompressed
and upcast the state — so ``class_version``/``upcast_vN_vN+1`` work as usual.
Snapshots (``snapshots.py``) pass through the same mapper; their aggregate state is
typed by the snapshotted class's declared state.

With a :class:`~.store_meta.Keyring`, the mapper seals every personal field on the way
in (``personal.py``) and keeps only a keyed digest of a command record's fingerprint;
on the way out it opens the sealed values (``open_sealed=True``, for the aggregates,
histories and exports) or leaves them sealed (for the views, which open them when read).
"""

from __future__ import annotations

import copy
import dataclasses
import typing
from functools import cache
from typing import Any

import msgspec
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from .crypto import PERSON
from .personal import PERSON_IDS, Sealer, open_all, reseal
from .snapshots import LedgerSnapshot, typed_state
from .store_meta import Keyring

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
        keyring: Keyring | None = None,
        open_sealed: bool = True,
    ) -> None:
        super().__init__(
            transcoder=transcoder or MsgspecTranscoder(), compressor=compressor, cipher=cipher
        )
        self.keyring = keyring
        self.open_sealed = open_sealed
        self.sealer = None if keyring is None else Sealer(keyring.seal, keyring.name_subject)

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        """eventsourcing's ``Mapper.to_stored_event`` (the event's attributes, its class
        version when above 1, encoded, compressed, encrypted), its personal fields
        sealed on the way without copying the event."""
        event_class = type(domain_event)
        state = dict(vars(domain_event))
        if self.sealer is not None and self.keyring is not None:
            self.keyring.check_writable()
            state.update(self.sealer.sealed_fields(domain_event))
            if event_class.__qualname__ == "CommandRecord.Recorded":
                state.update(self._sealed_record(state))
            elif isinstance(domain_event, LedgerSnapshot):
                state["state"] = reseal(state["state"], self.keyring.sealed_form)
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(event_class, "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        stored_state = self.transcoder.encode(state)
        if self.compressor:
            stored_state = self.compressor.compress(stored_state)
        if self.cipher:
            stored_state = self.cipher.encrypt(stored_state)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(event_class),
            state=stored_state,
        )

    def _sealed_record(self, state: dict[str, Any]) -> dict[str, Any]:
        """A command record keeps a keyed digest of its command's fingerprint (which
        holds the command's names and texts), and its ids' person names sealed."""
        assert self.keyring is not None
        out: dict[str, Any] = {}
        printed = state["fingerprint"]
        if not printed.startswith("hmac-sha256:"):
            out["fingerprint"] = self.keyring.command_digest(printed)
        ids = state["ids"]
        if any(k in PERSON_IDS for k in ids):
            out["ids"] = {
                k: self.keyring.seal(PERSON, self.keyring.name_subject(v), v)
                if k in PERSON_IDS and isinstance(v, str)
                else v
                for k, v in ids.items()
            }
        return out

    def with_sealed(self) -> MsgspecMapper:
        """This mapper, reading sealed values as they are stored (for the views)."""
        other = copy.copy(self)
        other.open_sealed = False
        return other

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        domain_event = super().to_domain_event(stored_event)
        state = domain_event.__dict__
        struct_type = state_type(type(domain_event))
        plain = {k: v for k, v in state.items() if k not in _RECORD_FIELDS}
        if self.open_sealed and self.keyring is not None:
            plain = open_all(plain, self.keyring.open)
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
