"""How a view collects its handlers from the mixins it is composed of."""

from __future__ import annotations

from typing import Any

import pytest

from supervision_ledger.domain.case import Case
from supervision_ledger.projections.engine import Tx, View, on


class Counts(View):
    @on(Case.Registered)
    def registered(self, tx: Tx, e: Any) -> None: ...


class Lists(View):
    @on(Case.Registered)
    def listed(self, tx: Tx, e: Any) -> None: ...


def test_handlers_of_every_mixin_run_in_order() -> None:
    class Both(Counts, Lists):
        name = "both"

    assert Both.handlers[Case.Registered] == ["listed", "registered"]


def test_two_mixins_handlers_of_one_name_are_refused() -> None:
    class Other(View):
        @on(Case.Registered)
        def registered(self, tx: Tx, e: Any) -> None: ...

    with pytest.raises(TypeError, match="handler 'registered' of Counts hides the one of Other"):

        class Clash(Counts, Other):
            name = "clash"


def test_a_subclass_may_override_a_handler() -> None:
    class Override(Counts):
        name = "override"

        @on(Case.Registered)
        def registered(self, tx: Tx, e: Any) -> None: ...

    assert Override.handlers[Case.Registered] == ["registered"]
