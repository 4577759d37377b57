"""Pseudonyms for exports and histories handed to outside reviewers.

不泄露个人隐私和未成年人犯罪信息: every personal value — a party's or petitioner's name,
every free text, the names a command record keeps — becomes a stable pseudonym (the
same value gets the same pseudonym throughout one export, via HMAC-SHA-256 with a
per-export salt); party names inside legacy free text are replaced too, and every text
field of an event that concerns a case with a minor party is replaced by a pseudonym.
Supervisors' and officials' (prosecutors') names stay readable for the auditor
(level ``"auditor"``) and become pseudonyms too at level ``"people"``, for exports
that go further. Values are recognised by their sealed form (``persistence/personal``)
and, in events stored before sealing, by the fields that hold them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..persistence import crypto
from ..persistence.personal import PERSON_IDS, PERSONAL_FIELDS

#: Redaction levels: ``auditor`` keeps supervisors' and officials' names; ``people``
#: pseudonymises them too.
LEVELS = ("auditor", "people")
_NAMED = frozenset({crypto.SUPERVISOR, crypto.OFFICIAL})

#: Fields that hold a party name, per event name.
PARTY_FIELDS: dict[str, tuple[str, ...]] = {
    "Hearing.Proposed": ("party_names", "applied_by"),
    "Hearing.PartyResponded": ("party",),
    "Supervisor.RelationshipDeclared": ("party",),
}


@dataclass
class Redactor:
    """Replaces names by pseudonyms; one instance per export (one salt)."""

    salt: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    #: Every party name known to the export, to catch them in free text.
    party_names: set[str] = field(default_factory=set)
    #: Cases and hearings (keys) that concern a minor party.
    minor_cases: set[str] = field(default_factory=set)
    minor_hearings: set[str] = field(default_factory=set)
    #: ``auditor`` or ``people`` (see the module's doc).
    level: str = "auditor"
    #: Opens a sealed value (supervisors' and officials' names at level ``auditor``).
    opener: Callable[[str], str] | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"redact: {self.level!r} is not one of {', '.join(LEVELS)}")

    def pseudonym(self, text: str) -> str:
        mac = hmac.new(self.salt, text.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"P-{mac[:12]}"

    def learn(self, name: str, fields: dict[str, Any]) -> None:
        """Take note of parties and minors from a case's or hearing's first event."""
        if name == "Case.Registered":
            parties = fields.get("parties") or []
            self.party_names.update(p["name"] for p in parties)
            if any(p.get("minor") for p in parties):
                self.minor_cases.add(fields["key"])
        elif name == "Hearing.Proposed":
            self.party_names.update(fields.get("party_names") or [])
            if fields.get("has_minor"):
                self.minor_cases.add(fields["case"])
                self.minor_hearings.add(fields["key"])

    def concerns_minor(self, name: str, aggregate_key: str | None, fields: dict[str, Any]) -> bool:
        kind = name.split(".", 1)[0]
        if kind == "Case" and aggregate_key in self.minor_cases:
            return True
        if kind == "Hearing" and aggregate_key in self.minor_hearings:
            return True
        # A supervisor's relationship to, or a command record about, such a case.
        ids = fields.get("ids")
        refs: dict[str, Any] = ids if isinstance(ids, dict) else fields
        case, hearing = refs.get("case"), refs.get("hearing")
        if (isinstance(case, str) and case in self.minor_cases) or (
            isinstance(hearing, str) and hearing in self.minor_hearings
        ):
            return True
        # Anything else that names such a case or hearing in its text (an allowance's
        # reference "…号/A1", a command record's fingerprint) links a person to it.
        keys = self.minor_cases | self.minor_hearings
        return bool(keys) and any(key in text for text in _strings(fields) for key in keys)

    def redact(self, name: str, aggregate_key: str | None, fields: dict[str, Any]) -> Any:
        """The event's decoded fields as an outside reviewer may see them."""
        fields = self._personal(name, fields)
        if self.concerns_minor(name, aggregate_key, fields):
            return self._all_text(fields)
        out = dict(fields)
        if name == "Case.Registered":
            out["parties"] = [
                {**p, "name": self.pseudonym(p["name"])} for p in fields.get("parties") or []
            ]
        for key in PARTY_FIELDS.get(name, ()):
            value = out.get(key)
            if isinstance(value, str):
                out[key] = self.pseudonym(value)
            elif isinstance(value, list):
                out[key] = [self.pseudonym(v) if isinstance(v, str) else v for v in value]
        return self._free_text(out)

    def _personal(self, name: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Personal values replaced: sealed ones by their class, plain ones (events
        stored before sealing) by the class of the field that holds them."""
        spec = {f: cls for f, (cls, _) in PERSONAL_FIELDS.get(name, {}).items()}
        if name == "CommandRecord.Recorded":
            spec["fingerprint"] = crypto.TEXT  # a legacy record's command, names and all
        out: dict[str, Any] = {}
        for key, value in fields.items():
            if key == "ids" and isinstance(value, dict):
                out[key] = {
                    k: self._walk(v, crypto.PERSON if k in PERSON_IDS else None)
                    for k, v in value.items()
                }
            elif key == "parties" and isinstance(value, list):
                out[key] = [
                    {**p, "name": self._one(p.get("name"), crypto.PERSON)}
                    if isinstance(p, dict)
                    else p
                    for p in value
                ]
            else:
                out[key] = self._walk(value, spec.get(key))
        return out

    def _walk(self, value: Any, cls: str | None) -> Any:
        if isinstance(value, str):
            return self._one(value, cls)
        if isinstance(value, list):
            return [self._walk(v, cls) for v in value]
        if isinstance(value, dict):
            return {k: self._walk(v, None) for k, v in value.items()}
        return value

    def _one(self, value: Any, cls: str | None) -> Any:
        if not isinstance(value, str) or value.startswith("hmac-sha256:"):
            return value
        parsed = crypto.parse(value)
        kind = parsed[0] if parsed is not None else cls
        if kind is None:
            return value
        if kind in _NAMED and self.level == "auditor":
            if parsed is not None and self.opener is not None:
                return self.opener(value)
            return value
        return self.pseudonym(value)

    def _all_text(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.pseudonym(value)
        if isinstance(value, dict):
            return {k: self._all_text(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._all_text(v) for v in value]
        return value

    def _free_text(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._replace_names(value)
        if isinstance(value, dict):
            return {k: self._free_text(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._free_text(v) for v in value]
        return value

    def _replace_names(self, text: str) -> str:
        # Longest names first, so "张三丰" is not half-replaced as "张三".
        for name in sorted(self.party_names, key=len, reverse=True):
            if name and name in text:
                text = text.replace(name, self.pseudonym(name))
        return text

    def learn_all(self, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
        for name, fields in items:
            self.learn(name, fields)


def _strings(value: Any) -> Iterable[str]:
    """Every string inside a decoded event's fields (dict keys excluded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
