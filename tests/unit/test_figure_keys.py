"""Figure keys are a documented type (``FigureKey``); a wrong key or a wrong reader is a
``LedgerError`` that says what to do instead."""

from __future__ import annotations

import importlib.util
import typing
from decimal import Decimal
from pathlib import Path

import pytest

from supervision_ledger import FigureKey, Ledger, LedgerError, UnknownFigure, WrongFigureKind
from supervision_ledger import commands as c
from supervision_ledger.projections.figures import FIGURES

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_key_type_lists_every_figure_in_report_order() -> None:
    spec = importlib.util.spec_from_file_location("gen", ROOT / "tools" / "gen_figure_keys.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.TARGET.read_text(encoding="utf-8") == generator.render(), (
        "run: python tools/gen_figure_keys.py"
    )
    assert typing.get_args(FigureKey) == tuple(FIGURES)


@pytest.fixture(scope="module")
def ledger() -> typing.Iterator[Ledger]:
    with Ledger(store="sqlite:///:memory:") as opened:
        opened.register_unit(c.RegisterUnit(unit="QY", name="清远市人民检察院", level="city",
                                            occurred_at="2023-01-01T09:00"))  # fmt: skip
        yield opened


def test_a_typo_names_the_key_and_the_nearest_one(ledger: Ledger) -> None:
    stats = ledger.statistics("QY", as_of="2023-12-31")
    with pytest.raises(UnknownFigure) as raised:
        stats.count("opinions.submited")  # type: ignore[arg-type]
    assert isinstance(raised.value, LedgerError) and raised.value.rule == "unknown_figure"
    assert "'opinions.submited'" in str(raised.value)
    assert "did you mean 'opinions.submitted'?" in str(raised.value)
    with pytest.raises(UnknownFigure, match=r"no figure 'zzz'; every figure: docs/statistics\.md"):
        stats.value("zzz")


def test_each_reader_refuses_a_figure_of_another_type(ledger: Ledger) -> None:
    stats = ledger.statistics("QY", as_of="2023-12-31")
    with pytest.raises(WrongFigureKind, match=r"is a rate, not a count: read it with rate\("):
        stats.count("opinions.adoption_rate")
    with pytest.raises(WrongFigureKind, match=r"is a count, not a rate: read it with count\("):
        stats.rate("opinions.submitted")
    with pytest.raises(WrongFigureKind, match=r"is an amount, not a count"):
        stats.count("allowances.amount")
    assert stats.amount("allowances.amount") == Decimal("0.00")
    assert stats.count("opinions.submitted") == 0
    assert stats.rate("opinions.adoption_rate").value is None
