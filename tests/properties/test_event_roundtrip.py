"""Every event of every aggregate survives the msgspec encoding with its declared types.

Event classes are found by walking the aggregates in ``supervision_ledger.domain.AGGREGATES``,
and strategies are derived from each field's type hint, so a new event (or a new field)
is covered without touching this file — and a field of a type nobody taught this file
fails loudly in ``strategy_for``.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.compressor import ZlibCompressor
from eventsourcing.utils import Environment
from hypothesis import given
from hypothesis import strategies as st

from supervision_ledger.domain import AGGREGATES, Case, Hearing, LedgerAggregate, Party, Supervisor
from supervision_ledger.domain.draw import SeedBasis
from supervision_ledger.domain.values import Approver, ApproverRole
from supervision_ledger.persistence.mapper import MsgspecMapper


def event_classes() -> list[type[Any]]:
    found: list[type[Any]] = []
    for aggregate in AGGREGATES:
        for value in vars(aggregate).values():
            if isinstance(value, type) and issubclass(value, LedgerAggregate.Event):
                found.append(value)
    return found


EVENT_CLASSES = event_classes()

CHINESE = "人民监督员听证检察院朱王李张某刑事申诉拟不起诉羁押必要性审查〔〕号，。、"
TEXT = st.one_of(st.text(max_size=30), st.text(alphabet=CHINESE, min_size=1, max_size=30))
ZONES = st.sampled_from(
    [
        UTC,
        ZoneInfo("Asia/Shanghai"),
        ZoneInfo("America/New_York"),
        timezone(timedelta(hours=5, minutes=45)),
        timezone(timedelta(hours=-3, minutes=-30)),
    ]
)
DATETIMES = st.datetimes(
    min_value=datetime(1950, 1, 1), max_value=datetime(2100, 12, 31), timezones=ZONES
)
DECIMALS = st.decimals(
    allow_nan=False, allow_infinity=False, places=2, max_value=10**12, min_value=-(10**12)
) | st.decimals(allow_nan=False, allow_infinity=False)
PARTIES = st.builds(Party, name=TEXT, role=TEXT, minor=st.booleans())
APPROVERS = st.builds(Approver, role=st.sampled_from(ApproverRole), name=TEXT)
SEED_BASES = st.builds(
    SeedBasis,
    position=st.integers(0, 2**62),
    chain_hash=st.binary(min_size=32, max_size=32).map(bytes.hex),
)


def strategy_for(tp: Any) -> st.SearchStrategy[Any]:
    """A strategy for values of the type hint ``tp``."""
    origin = typing.get_origin(tp)
    if isinstance(tp, TypeVar) or tp is UUID:  # originator_id
        return st.uuids()
    if origin in (types.UnionType, typing.Union):
        return st.one_of([strategy_for(arg) for arg in typing.get_args(tp)])
    if tp is type(None):
        return st.none()
    if origin is tuple:
        item, ellipsis = typing.get_args(tp)
        assert ellipsis is Ellipsis, f"only homogeneous tuples are supported: {tp}"
        return st.lists(strategy_for(item), max_size=4).map(tuple)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: TEXT,
        bool: st.booleans(),
        int: st.integers(min_value=-(2**63), max_value=2**63 - 1),
        datetime: DATETIMES,
        date: st.dates(),
        Decimal: DECIMALS,
        Party: PARTIES,
        SeedBasis: SEED_BASES,
        Approver: APPROVERS,
    }
    if tp in simple:
        return simple[tp]
    raise AssertionError(f"no strategy for field type {tp!r}: teach strategy_for about it")


def event_strategy(cls: type[Any]) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    fields = {f.name: strategy_for(hints[f.name]) for f in dataclasses.fields(cls)}
    if "originator_topic" in fields:  # a Created event names its aggregate's class
        owner = next(a for a in AGGREGATES if cls in vars(a).values())
        topic = f"{owner.__module__}:{owner.__qualname__}"
        fields["originator_topic"] = st.just(topic)
    fields["originator_version"] = st.integers(min_value=1, max_value=2**31)
    return st.fixed_dictionaries(fields).map(lambda kwargs: cls(**kwargs))


def assert_same(decoded: Any, original: Any, where: str) -> None:
    """Equal, of the same type, and — for times and amounts — with the same form."""
    assert type(decoded) is type(original), f"{where}: {type(decoded)} != {type(original)}"
    if isinstance(original, tuple):
        assert len(decoded) == len(original), where
        for i, (d, o) in enumerate(zip(decoded, original, strict=True)):
            assert_same(d, o, f"{where}[{i}]")
        return
    if dataclasses.is_dataclass(original):
        for f in dataclasses.fields(original):
            assert_same(getattr(decoded, f.name), getattr(original, f.name), f"{where}.{f.name}")
        return
    if isinstance(original, datetime):
        # Compared as instants in UTC: Python's == between two zones is False for a time in
        # a DST fold or gap. The local wall-clock time and the offset survive too.
        assert decoded.astimezone(UTC) == original.astimezone(UTC), f"{where}: {decoded!r}"
        assert decoded.replace(tzinfo=None) == original.replace(tzinfo=None), where
        assert decoded.utcoffset() == original.utcoffset(), where
        return
    assert decoded == original, f"{where}: {decoded!r} != {original!r}"
    if isinstance(original, Decimal):
        assert str(decoded) == str(original), where  # 3.50 stays 3.50


def encrypted_mapper() -> MsgspecMapper:
    env = Environment(env={"CIPHER_KEY": AESCipher.create_key(16)})
    return MsgspecMapper(cipher=AESCipher(env), compressor=ZlibCompressor())


MAPPERS = {"plain": MsgspecMapper(), "encrypted": encrypted_mapper()}


def test_every_documented_event_is_enumerated() -> None:
    names = {cls.__qualname__ for cls in EVENT_CLASSES}
    assert {
        "ProcuratorateUnit.Registered",
        "Supervisor.Appointed",
        "Supervisor.TermRenewed",
        "Case.SupervisorsDrawn",
        "Case.OpinionSubmitted",
        "Case.ObjectionRuled",
        "Case.Closed",
        "Hearing.OfficersDrawn",
        "Hearing.Concluded",
    } <= names
    # Every event class an aggregate method can trigger is a nested class we enumerate.
    for aggregate in (Supervisor, Case, Hearing):
        assert len([c for c in EVENT_CLASSES if c.__qualname__.startswith(aggregate.__name__)]) > 8


@pytest.mark.parametrize("mapper_name", MAPPERS)
@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__qualname__)
@given(data=st.data())
def test_event_round_trips_through_the_msgspec_mapper(
    cls: type[Any], mapper_name: str, data: st.DataObject
) -> None:
    mapper = MAPPERS[mapper_name]
    original = data.draw(event_strategy(cls))
    stored = mapper.to_stored_event(original)
    assert stored.topic.endswith(cls.__qualname__)
    decoded = mapper.to_domain_event(stored)
    assert_same(decoded, original, cls.__qualname__)
