"""Which stored fields are personal data, and whose (docs/privacy.md).

Every event field below is **sealed** when the event is stored: encrypted under the
key of its data subject (``crypto.seal``), in place, so the stored event is still
JSON of the same shape. The subjects are

* ``sup/<id>`` — a supervisor (by the supervisor aggregate's id): their name, and the
  texts about them or by them (training, allowance purposes, reasons of suspension,
  their opinions, their reasons to decline);
* ``name/<keyed digest>`` — a person known by name only: a party of a case or a
  hearing, a prosecutor or another official; the digest is keyed by the store's
  pepper, so the subject does not show the name;
* ``rec/<id>`` — the free texts of one case, hearing, petition (its petitioner's
  texts), suggestion, lead, … (by the aggregate's id).

Reading an event opens its sealed values again, or shows :data:`crypto.FORGOTTEN`
once the subject was forgotten. Views keep the sealed values as they are and open
them when they are read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from . import crypto

#: How a field names its subject: ``("sup", field)`` the supervisor whose key is in
#: ``field`` (None: the event's own supervisor aggregate), ``("name",)`` the person the
#: value names, ``("rec",)`` the event's own aggregate.
Rule = tuple[str, ...]

_SUP_SELF: Rule = ("sup", "")
_NAME: Rule = ("name",)
_REC: Rule = ("rec",)


def _sup(field: str) -> Rule:
    return ("sup", field)


#: (event class qualname) → field → (class of value, subject rule). A field holding a
#: tuple is sealed element by element; ``parties`` holds parties whose names are sealed.
PERSONAL_FIELDS: dict[str, dict[str, tuple[str, Rule]]] = {
    "Supervisor.Appointed": {"name": (crypto.SUPERVISOR, _SUP_SELF)},
    "Supervisor.TrainingRecorded": {"topic": (crypto.TEXT, _SUP_SELF)},
    "Supervisor.AllowancePaid": {"purpose": (crypto.TEXT, _SUP_SELF)},
    "Supervisor.RelationshipDeclared": {"party": (crypto.PERSON, _NAME)},
    "Supervisor.Suspended": {"reason": (crypto.TEXT, _SUP_SELF)},
    "Supervisor.Reinstated": {"reason": (crypto.TEXT, _SUP_SELF)},
    "Supervisor.Removed": {"reason": (crypto.TEXT, _SUP_SELF)},
    "Case.Registered": {
        "title": (crypto.TEXT, _REC),
        "handling_prosecutor": (crypto.OFFICIAL, _NAME),
        "parties": (crypto.PERSON, _NAME),
    },
    "Case.ActivityOpened": {"title": (crypto.TEXT, _REC)},
    "Case.InvitationDeclined": {"reason": (crypto.TEXT, _sup("supervisor"))},
    "Case.SupervisorReplaced": {"reason": (crypto.TEXT, _sup("supervisor"))},
    "Case.OpinionSubmitted": {"content": (crypto.TEXT, _sup("supervisor"))},
    "Case.OpinionDecided": {"explanation": (crypto.TEXT, _REC)},
    "Case.FeedbackGiven": {"content": (crypto.TEXT, _REC)},
    "Case.ImplementationReported": {"content": (crypto.TEXT, _REC)},
    "Case.FeedbackObjected": {"reason": (crypto.TEXT, _REC)},
    "Case.ObjectionRuled": {
        "reasons": (crypto.TEXT, _REC),
        "approver": (crypto.OFFICIAL, _NAME),
    },
    "Case.OpinionRetracted": {"reason": (crypto.TEXT, _REC)},
    "Case.OpinionCorrected": {"content": (crypto.TEXT, _REC), "reason": (crypto.TEXT, _REC)},
    "Case.DecisionRecorded": {"decision": (crypto.TEXT, _REC)},
    "Hearing.Proposed": {
        "party_names": (crypto.PERSON, _NAME),
        "reason": (crypto.TEXT, _REC),
        "applied_by": (crypto.PERSON, _NAME),
        "handler": (crypto.OFFICIAL, _NAME),
    },
    "Hearing.Refused": {"reasons": (crypto.TEXT, _REC)},
    # ``approved_by``: the free text of events stored before the structured approver.
    "Hearing.Approved": {
        "approved_by": (crypto.OFFICIAL, _NAME),
        "approver": (crypto.OFFICIAL, _NAME),
    },
    "Hearing.Scheduled": {
        "presiding_prosecutor": (crypto.OFFICIAL, _NAME),
        "location": (crypto.TEXT, _REC),
    },
    "Hearing.InvitationDeclined": {"reason": (crypto.TEXT, _sup("supervisor"))},
    "Hearing.OfficerReplaced": {"reason": (crypto.TEXT, _sup("supervisor"))},
    "Hearing.OfficerOpinionRecorded": {"reasons": (crypto.TEXT, _sup("officer"))},
    # The representative is a supervisor's key (not a name), the recommendation a short
    # name as in OfficerOpinionRecorded; the reasons are the officers' free text.
    "Hearing.CollectiveOpinionRecorded": {"reasons": (crypto.TEXT, _REC)},
    "Hearing.Decided": {"reasons": (crypto.TEXT, _REC)},
    "Hearing.PartyResponded": {"party": (crypto.PERSON, _NAME)},
    "Lead.Reported": {"summary": (crypto.TEXT, _REC)},
    "Lead.Rejected": {"reasons": (crypto.TEXT, _REC)},
    "PartnerAgreement.Signed": {"title": (crypto.TEXT, _REC)},
    "PartnerAgreement.Terminated": {"reason": (crypto.TEXT, _REC)},
    "Petition.Received": {"subject": (crypto.TEXT, _REC)},
    "Petition.ProceduralReplied": {"content": (crypto.TEXT, _REC)},
    "Petition.ProgressReplied": {"content": (crypto.TEXT, _REC)},
    "Petition.ResultReplied": {"content": (crypto.TEXT, _REC)},
    "Petition.FoundUnreachable": {"reason": (crypto.TEXT, _REC)},
    "Petition.LeaderAssigned": {"leader": (crypto.OFFICIAL, _NAME)},
    "Suggestion.Drafted": {"title": (crypto.TEXT, _REC), "content": (crypto.TEXT, _REC)},
    "Suggestion.Replied": {"content": (crypto.TEXT, _REC)},
    "Suggestion.Adopted": {"measures": (crypto.TEXT, _REC)},
    "Suggestion.NotAdopted": {"reasons": (crypto.TEXT, _REC)},
    "Suggestion.RectificationCompleted": {"content": (crypto.TEXT, _REC)},
    "Suggestion.RectificationVerified": {
        "verified_by": (crypto.OFFICIAL, _NAME),
        "content": (crypto.TEXT, _REC),
    },
    "Suggestion.Urged": {"note": (crypto.TEXT, _REC)},
    "Suggestion.Escalated": {
        "reasons": (crypto.TEXT, _REC),
        "approver": (crypto.OFFICIAL, _NAME),
    },
    "Suggestion.ObjectionRaised": {"reasons": (crypto.TEXT, _REC)},
    "Suggestion.ObjectionReviewed": {
        "reasons": (crypto.TEXT, _REC),
        "content": (crypto.TEXT, _REC),
        "approver": (crypto.OFFICIAL, _NAME),
    },
    "TrialCommitteeSitting.Attended": {"attendee": (crypto.OFFICIAL, _NAME)},
    "TrialCommitteeSitting.OpinionGiven": {
        "matter": (crypto.TEXT, _REC),
        "content": (crypto.TEXT, _REC),
    },
    "TypicalCaseNomination.Nominated": {
        "title": (crypto.TEXT, _REC),
        "nominated_by": (crypto.OFFICIAL, _NAME),
    },
    "TypicalCaseNomination.Selected": {"publication": (crypto.TEXT, _REC)},
    "TypicalCaseNomination.NotSelected": {"reason": (crypto.TEXT, _REC)},
    "Forgetting.Recorded": {"reason": (crypto.TEXT, _REC)},
}


#: Ids of a command's result (kept in its command record) that name a person.
PERSON_IDS = frozenset({"party"})


def supervisor_subject(supervisor_key: str) -> str:
    from ..domain.supervisor import Supervisor

    return f"sup/{Supervisor.create_id(supervisor_key)}"


def record_subject(aggregate_id: UUID) -> str:
    return f"rec/{aggregate_id}"


class Sealer:
    """Seals the personal fields of events (``Keyring.seal`` does the cryptography)."""

    def __init__(self, seal: Callable[[str, str, str], str], name_subject: Callable[[str], str]):
        self._seal = seal
        self._name_subject = name_subject

    def sealed_fields(self, event: Any) -> dict[str, Any]:
        """The values of ``event``'s personal fields, sealed (empty if it has none)."""
        spec = PERSONAL_FIELDS.get(type(event).__qualname__)
        if not spec:
            return {}
        state = vars(event)
        out: dict[str, Any] = {}
        for field, (cls, rule) in spec.items():
            value = state.get(field)
            if value is None:
                continue
            out[field] = self._value(cls, rule, value, state)
        return out

    def _subject(self, rule: Rule, text: str, state: dict[str, Any]) -> str:
        if rule[0] == "name":
            return self._name_subject(text)
        if rule[0] == "rec":
            return record_subject(state["originator_id"])
        if rule[1]:
            return supervisor_subject(str(state[rule[1]]))
        return f"sup/{state['originator_id']}"

    def _value(self, cls: str, rule: Rule, value: Any, state: dict[str, Any]) -> Any:
        if isinstance(value, str):
            return self._seal(cls, self._subject(rule, value, state), value)
        if isinstance(value, tuple | list):
            return type(value)(self._value(cls, rule, v, state) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            name = getattr(value, "name", None)
            if isinstance(name, str):
                return dataclasses.replace(value, name=self._value(cls, rule, name, state))
        return value


def open_all(value: Any, open_one: Callable[[str], str]) -> Any:
    """``value`` (decoded JSON: dicts, lists, strings…) with every sealed string opened."""
    if isinstance(value, str):
        return open_one(value) if value.startswith(crypto.SEALED_PREFIX) else value
    if isinstance(value, dict):
        return {k: open_all(v, open_one) for k, v in value.items()}
    if isinstance(value, list):
        return [open_all(v, open_one) for v in value]
    if isinstance(value, tuple):
        return tuple(open_all(v, open_one) for v in value)
    return value


def sealed_values(value: Any) -> list[str]:
    """Every sealed string inside ``value`` (decoded JSON)."""
    if isinstance(value, str):
        return [value] if value.startswith(crypto.SEALED_PREFIX) else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in sealed_values(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in sealed_values(v)]
    return []


def reseal(value: Any, sealed: Callable[[str], str | None]) -> Any:
    """``value`` (an aggregate's state, for a snapshot) with every string that
    ``sealed`` knows as a personal value replaced by its sealed form.

    A large aggregate's state holds tens of thousands of values and a snapshot walks
    them all, so the walk dispatches on the exact type and keeps each dataclass's field
    names (values that hold no string are returned as they are).
    """
    kind = type(value)
    if kind is str:
        found = sealed(value)
        return value if found is None else found
    if kind in _ATOMS or isinstance(value, Enum):
        return value
    if kind is dict:
        return {k: reseal(v, sealed) for k, v in value.items()}
    if kind is list:
        return [reseal(v, sealed) for v in value]
    if kind is tuple:
        return tuple(reseal(v, sealed) for v in value)
    names = _DATACLASS_FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return reseal_other(value, sealed)
        names = _DATACLASS_FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    changes = {}
    for name in names:
        old = getattr(value, name)
        new = reseal(old, sealed)
        if new is not old:
            changes[name] = new
    return dataclasses.replace(value, **changes) if changes else value


def reseal_other(value: Any, sealed: Callable[[str], str | None]) -> Any:
    """:func:`reseal` of a value of no exact type it knows (subclasses of str, dict,
    list, tuple; anything else is returned as it is)."""
    if isinstance(value, str):
        found = sealed(value)
        return value if found is None else found
    if isinstance(value, dict):
        return {k: reseal(v, sealed) for k, v in value.items()}
    if isinstance(value, list):
        return [reseal(v, sealed) for v in value]
    if isinstance(value, tuple):
        return tuple(reseal(v, sealed) for v in value)
    return value


#: Types whose values never hold a string to seal.
_ATOMS: frozenset[type] = frozenset({type(None), bool, int, float, Decimal, date, datetime, UUID})
#: Field names of the dataclasses in aggregate state, per class.
_DATACLASS_FIELDS: dict[type, tuple[str, ...]] = {}
