"""Published JSON Schemas: of the commands, and of every JSON the ledger gives out.

``supervision-ledger schema --of NAME`` prints one; :func:`output_json_schema` returns
it. Each ``--json`` output of the command line, and the ``model_dump(mode="json")`` of
each result a host gets from :class:`~supervision_ledger.Ledger`, validates against
the schema of its name (the test suite checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NotRequired

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from .application.explain import Explanation
from .application.following import LoggedEvent
from .application.states import state_json_schema
from .audit.history import HistoryEntry
from .commands import command_json_schema
from .errors import UnknownSchema
from .projections.api import Statistics
from .projections.dossier import Dossier
from .projections.feedback import PendingFeedback
from .projections.hearings import HearingRegister
from .projections.listing import Listing


class DigestJSON(TypedDict):
    """``digest`` (and ``Digest.to_json()``): a commitment to the log up to ``position``."""

    #: ``sha256-chain-v1``.
    algorithm: str
    #: The chain hash at ``position``, 64 hexadecimal digits.
    chain_hash: str
    #: How many events the log holds up to ``position``.
    count: int
    position: int


class VerifyJSON(TypedDict, total=False):
    """``verify --json`` (and ``VerifyReport.to_json()``); ``position``, ``problem`` and
    ``detail`` are present only when the log failed."""

    ok: bool
    #: Events whose hash and link were checked.
    checked: int
    #: The last position walked.
    last_position: int
    #: The digest verified against, if any.
    digest: DigestJSON | None
    #: The first position that fails.
    position: int
    #: ``modified``, ``inserted``, ``missing``, ``broken_link``, ``truncated``,
    #: ``digest_mismatch`` … (docs/audit.md).
    problem: str
    detail: str


class HistoryJSON(TypedDict):
    """``history --json``: the events of one aggregate, and its state (None with
    ``--redact``) as of the moment asked for (now by default); with ``--limit``, one
    page of the events and the cursor of the next (None: the last page)."""

    events: list[HistoryEntry]
    state: dict[str, Any] | None
    next_cursor: NotRequired[str | None]


def _of(kind: Any, title: str) -> Callable[[], dict[str, Any]]:
    def schema() -> dict[str, Any]:
        found: dict[str, Any] = TypeAdapter(kind).json_schema(mode="serialization")
        found["title"] = title
        return found

    return schema


#: Name → the schema's builder, for ``schema --of NAME``.
OUTPUTS: dict[str, Callable[[], dict[str, Any]]] = {
    "commands": command_json_schema,
    "state": state_json_schema,
    "event": _of(LoggedEvent, "LoggedEvent (events, follow, events_after)"),
    "report": _of(Statistics, "Statistics (report --json)"),
    "explanation": _of(Explanation, "Explanation (explain --json, Ledger.explain)"),
    "feedback": _of(PendingFeedback, "PendingFeedback (feedback --json)"),
    "dossier": _of(Dossier, "Dossier (dossier --json)"),
    "hearings": _of(HearingRegister, "HearingRegister (hearings --json)"),
    "list": _of(Listing, "Listing (list --json)"),
    "history": _of(HistoryJSON, "history --json"),
    "digest": _of(DigestJSON, "Digest (digest)"),
    "verify": _of(VerifyJSON, "VerifyReport (verify --json)"),
}


def output_json_schema(name: str) -> dict[str, Any]:
    """The published JSON Schema called ``name`` (one of :data:`OUTPUTS`)."""
    from .application.states import nearest

    try:
        build = OUTPUTS[name]
    except KeyError:
        raise UnknownSchema(
            f"no schema {name!r}{nearest(name, OUTPUTS)}; the schemas are {', '.join(OUTPUTS)}"
        ) from None
    return build()
