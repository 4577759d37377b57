"""The same short story on every store: units, a case, a draw, reload equals live."""

from __future__ import annotations

from supervision_ledger import Ledger
from supervision_ledger import commands as c


def test_story_on_every_store(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        ledger.register_unit(
            c.RegisterUnit(
                unit="QY", name="清远市人民检察院", level="city", occurred_at="2023-01-01T09:00"
            )  # type: ignore[arg-type]
        )
        for i in range(4):
            ledger.appoint_supervisor(
                c.AppointSupervisor(
                    supervisor=f"S{i}",
                    unit="QY",
                    name=f"张某{i}",
                    roles=["peoples_supervisor"],  # type: ignore[list-item]
                    term_start="2022-01-01",  # type: ignore[arg-type]
                    occurred_at="2022-01-01T10:00",  # type: ignore[arg-type]
                )
            )
        ledger.execute(
            {
                "type": "register_case",
                "case": "K1",
                "unit": "QY",
                "kind": "other",
                "handling_prosecutor": "李某",
                "received_on": "2023-05-01",
                "occurred_at": "2023-05-01T09:00",
            }
        )
        ledger.execute(
            {
                "type": "open_activity",
                "case": "K1",
                "activity_type": "quality_review",
                "occurred_at": "2023-05-02T09:00",
            }
        )
        result = ledger.execute(
            {
                "type": "draw_supervisors",
                "case": "K1",
                "activity": "A1",
                "count": 2,
                "seed": 7,
                "occurred_at": "2023-05-02T10:00",
            }
        )
        drawn = result.keys("drawn")
        assert len(drawn) == 2 and set(drawn) <= {"S0", "S1", "S2", "S3"}
        assert set(ledger.case("K1").activities["A1"].invitations) == set(drawn)
