"""The verifiable bulletin: figures with everything needed to recompute them — scope,
as-of date, policy, a hash of the figure definitions, and the log position and chain
hash they were computed at — and the check that recomputes them from the log
(spec: docs/cli.md, ``bulletin`` and ``verify-bulletin``)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from eventsourcing.persistence import ApplicationRecorder, Mapper

from ..audit import Digest, InvalidDigest, VerifyReport, integrity
from ..domain.errors import LedgerError
from ..domain.policy import Deadline, Policy, RosterScopes, WeekdayCalendar
from ..domain.values import (
    ApproverRole,
    AssessmentGrade,
    CaseKind,
    Relationship,
    Role,
    RosterScope,
)
from ..persistence.recorders import ChainedRecorder
from ..projections.api import Statistics, compute_statistics, statistics_views
from ..projections.engine import Progress, ProjectionEngine, scratch_database
from .bundle import Scope, gather
from .registry import definitions_hash

if TYPE_CHECKING:
    from ..application import Ledger

FORMAT = "supervision-ledger-bulletin"
FORMAT_VERSION = 1


class InvalidBulletin(LedgerError):
    """A bulletin file that is not one (names the field and the reason)."""

    rule = "invalid_bulletin"


# -- the policy, written out and read back ------------------------------------------------


def policy_to_json(policy: Policy) -> dict[str, Any]:
    """Every setting of ``policy`` as JSON; the working-day calendar must be a
    :class:`WeekdayCalendar` (a custom hook cannot be written down)."""
    if not isinstance(policy.calendar, WeekdayCalendar):
        raise InvalidBulletin(
            f"policy.calendar: a {type(policy.calendar).__name__} cannot be written into a "
            "bulletin; use WeekdayCalendar (holidays and extra working days)"
        )
    found: dict[str, Any] = {}
    for item in dataclasses.fields(policy):
        value = getattr(policy, item.name)
        if isinstance(value, Deadline):
            value = {"days": value.days, "working_days": value.working_days}
        elif isinstance(value, WeekdayCalendar):
            value = {
                "holidays": sorted(d.isoformat() for d in value.holidays),
                "extra_working_days": sorted(d.isoformat() for d in value.extra_working_days),
            }
        elif isinstance(value, frozenset):
            value = sorted(str(v) for v in value)
        elif isinstance(value, RosterScopes):
            value = {str(role): str(scope) for role, scope in sorted(value.items())}
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Enum):  # e.g. draw_seed
            value = str(value.value)
        found[item.name] = value
    return found


def policy_from_json(data: Any) -> Policy:
    """The :class:`Policy` a bulletin was computed under."""
    if not isinstance(data, dict):
        raise InvalidBulletin("policy: must be a JSON object")
    known = {item.name: item for item in dataclasses.fields(Policy)}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known:
            raise InvalidBulletin(f"policy.{name}: not a setting of this library's Policy")
        if value is None and "None" in str(known[name].type):  # an optional setting, unset
            values[name] = None
            continue
        if isinstance(value, dict) and "Deadline" in str(known[name].type):
            # An optional deadline whose default is unset (e.g. implementation_report_due).
            try:
                values[name] = Deadline(
                    days=int(value["days"]), working_days=bool(value["working_days"])
                )
            except (TypeError, ValueError, KeyError) as error:
                raise InvalidBulletin(f"policy.{name}: {error}") from error
            continue
        try:
            values[name] = _setting(name, getattr(Policy(), name), value)
        except (TypeError, ValueError, KeyError) as error:
            raise InvalidBulletin(f"policy.{name}: {error}") from error
    return Policy(**values)


#: The settings that are sets of a domain enumeration, with that enumeration.
_ENUM_SETS: dict[str, Any] = {
    "recusal_relationships": Relationship,
    "failing_grades": AssessmentGrade,
    "drawn_roles": Role,
    "mandatory_supervision_kinds": CaseKind,
    "chief_approval_roles": ApproverRole,
    "handler_must_preside": ApproverRole,
}


def _setting(name: str, default: Any, value: Any) -> Any:
    if isinstance(default, Deadline):
        return Deadline(days=int(value["days"]), working_days=bool(value["working_days"]))
    if isinstance(default, WeekdayCalendar):
        return WeekdayCalendar(
            holidays=frozenset(date.fromisoformat(d) for d in value["holidays"]),
            extra_working_days=frozenset(
                date.fromisoformat(d) for d in value["extra_working_days"]
            ),
        )
    if isinstance(default, date):
        return date.fromisoformat(value)
    if isinstance(default, Enum):  # e.g. draw_seed: one of the enumeration's values
        return type(default)(value)
    if name in _ENUM_SETS:
        return frozenset(_ENUM_SETS[name](v) for v in value)
    if isinstance(default, RosterScopes):
        return RosterScopes({Role(role): RosterScope(scope) for role, scope in value.items()})
    if default is not None and not isinstance(value, type(default)):
        raise TypeError(f"expected {type(default).__name__}, got {type(value).__name__}")
    return value


# -- the bulletin -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bulletin:
    """Published figures with what is needed to recompute and check them."""

    unit: str | None
    rollup: bool
    start: date | None
    end: date | None
    as_of: date
    policy: dict[str, Any]
    definitions_hash: str
    #: The log the figures were computed at (position, chain hash, count).
    log: Digest
    #: Figure key → value, as in ``report --json``.
    figures: dict[str, Any]
    units: list[str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "scope": {
                "unit": self.unit,
                "rollup": self.rollup,
                "units": self.units,
                "start": _iso(self.start),
                "end": _iso(self.end),
            },
            "as_of": self.as_of.isoformat(),
            "policy": self.policy,
            "definitions_hash": self.definitions_hash,
            "log": self.log.to_json(),
            "figures": self.figures,
        }

    @classmethod
    def parse(cls, data: Any) -> Bulletin:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InvalidBulletin(f"format: not a {FORMAT} file")
        if data.get("format_version") != FORMAT_VERSION:
            raise InvalidBulletin(
                f"format_version: {data.get('format_version')!r} (this library reads "
                f"{FORMAT_VERSION})"
            )
        scope = _object(data, "scope")
        figures = _object(data, "figures")
        try:
            log = Digest.parse(_object(data, "log"))
        except InvalidDigest as error:
            raise InvalidBulletin(f"log.{error.message}") from error
        unit = scope.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise InvalidBulletin("scope.unit: must be a unit key or null")
        if not isinstance(scope.get("rollup"), bool):
            raise InvalidBulletin("scope.rollup: must be true or false")
        as_of = _date(data.get("as_of"), "as_of")
        if as_of is None:
            raise InvalidBulletin("as_of: missing")
        hash_ = data.get("definitions_hash")
        if not isinstance(hash_, str):
            raise InvalidBulletin("definitions_hash: missing")
        policy_from_json(data.get("policy"))  # readable, or a clear error now
        return cls(
            unit=unit,
            rollup=scope["rollup"],
            start=_date(scope.get("start"), "scope.start"),
            end=_date(scope.get("end"), "scope.end"),
            as_of=as_of,
            policy=data["policy"],
            definitions_hash=hash_,
            log=log,
            figures=figures,
            units=scope.get("units"),
        )

    @classmethod
    def read(cls, path: Path) -> Bulletin:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise InvalidBulletin(f"bulletin: cannot read {path}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise InvalidBulletin(f"bulletin: {path} is not UTF-8 text") from error
        try:
            return cls.parse(json.loads(text))
        except json.JSONDecodeError as error:
            raise InvalidBulletin(f"bulletin: not JSON ({error.msg})") from error


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _object(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict):
        raise InvalidBulletin(f"{name}: must be a JSON object")
    return value


def _date(value: Any, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidBulletin(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def make_bulletin(
    ledger: Ledger,
    unit: str | None = None,
    *,
    rollup: bool = False,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
    at_position: int | None = None,
) -> Bulletin:
    """The figures of ``unit`` over the period, pinned to one log position."""
    bundle = gather(ledger, Scope(unit, rollup, start, end, as_of, at_position))
    stats = bundle.statistics
    return Bulletin(
        unit=stats.unit,
        rollup=stats.rollup,
        start=stats.start,
        end=stats.end,
        as_of=stats.as_of,
        policy=policy_to_json(ledger.policy),
        definitions_hash=definitions_hash(),
        log=bundle.digest,
        figures=stats.model_dump(mode="json")["figures"],
        units=stats.units,
    )


# -- the check ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One thing the recomputation does not confirm."""

    #: A figure key, or ``definitions`` / ``replay`` / ``figures``.
    what: str
    published: Any
    recomputed: Any

    def render(self) -> str:
        return (
            f"{self.what}: published {_text(self.published)}, recomputed {_text(self.recomputed)}"
        )


def _text(value: Any) -> str:
    if isinstance(value, dict) and "numerator" in value:
        return f"{value['numerator']}/{value['denominator']}"
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class BulletinCheck:
    """The outcome of :func:`verify_bulletin`."""

    bulletin: Bulletin
    chain: VerifyReport
    differences: list[Difference] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.differences

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "position": self.bulletin.log.position,
            "chain": self.chain.to_json(),
            "figures_checked": self.checked,
            "differences": [
                {"what": d.what, "published": d.published, "recomputed": d.recomputed}
                for d in self.differences
            ],
        }

    def render(self) -> str:
        position = self.bulletin.log.position
        lines = [f"chain: {self.chain.render()}"]
        if self.differences:
            lines.append(f"DIFFERENT: {len(self.differences)} of the bulletin's figures:")
            lines += [f"  {d.render()}" for d in self.differences]
        else:
            lines.append(
                f"figures: all {self.checked} recomputed from the log up to position "
                f"{position} match the bulletin"
            )
        lines.append("bulletin verified" if self.ok else "bulletin NOT verified")
        return "\n".join(lines)


def recompute(
    recorder: Any,
    mapper: Mapper[Any],
    bulletin: Bulletin,
    progress: Progress | None = None,
) -> Statistics:
    """The bulletin's figures, replayed from ``recorder``'s log up to its position into a
    scratch database, under the bulletin's own policy."""
    policy = policy_from_json(bulletin.policy)
    engine = ProjectionEngine(
        cast(ApplicationRecorder, recorder),
        mapper,
        scratch_database(),
        statistics_views(),
        policy.timezone,
    )
    try:
        engine.catch_up(until=bulletin.log.position, progress=progress)
        with engine.reading() as tx:
            return compute_statistics(
                tx,
                policy,
                bulletin.unit,
                bulletin.rollup,
                bulletin.start,
                bulletin.end,
                bulletin.as_of,
            )
    finally:
        engine.close()


def verify_bulletin(
    bulletin: Bulletin,
    recorder: ChainedRecorder,
    mapper: Mapper[Any],
    progress: Progress | None = None,
) -> BulletinCheck:
    """Check the chain against the bulletin's log position and hash, replay the log up to
    that position, recompute every figure and list each one that differs."""
    chain = integrity.verify(recorder, bulletin.log, progress)
    differences: list[Difference] = []
    if bulletin.definitions_hash != definitions_hash():
        differences.append(Difference("definitions", bulletin.definitions_hash, definitions_hash()))
    try:
        stats = recompute(recorder, mapper, bulletin, progress)
    except Exception as error:  # a tampered event may not even decode: say so, do not crash
        differences.append(Difference("replay", "the log up to the position", repr(error)))
        return BulletinCheck(bulletin, chain, differences)
    recomputed = stats.model_dump(mode="json")["figures"]
    for key in [*bulletin.figures, *(k for k in recomputed if k not in bulletin.figures)]:
        published, again = bulletin.figures.get(key), recomputed.get(key)
        if published != again:
            differences.append(Difference(key, published, again))
    return BulletinCheck(bulletin, chain, differences, checked=len(recomputed))


def check_bulletin(
    ledger: Ledger, bulletin: Bulletin, progress: Progress | None = None
) -> BulletinCheck:
    """:func:`verify_bulletin` against ``ledger``'s own log."""
    return verify_bulletin(bulletin, ledger.audit.recorder, ledger.app.mapper, progress)
