"""The hearing register shows why a hearing was refused (Art. 9: the applicant is told
the reasons), read back from the sealed text the view keeps."""

from __future__ import annotations

from typing import Any

from supervision_ledger import Ledger
from supervision_ledger.persistence.crypto import SEALED_PREFIX

REASONS = "赔偿问题已在第5号听证中一并听取意见，不再另行召开听证"


def story(ledger: Ledger) -> None:
    for command in [
        {
            "type": "register_unit",
            "unit": "QC",
            "name": "清城区人民检察院",
            "level": "district",
            "occurred_at": "2023-01-01T09:00",
        },
        {
            "type": "register_case",
            "case": "K1",
            "unit": "QC",
            "kind": "intended_non_prosecution",
            "handling_prosecutor": "李某",
            "parties": [{"name": "孙某"}],
            "received_on": "2023-04-01",
            "occurred_at": "2023-04-01T09:00",
        },
        {
            "type": "propose_hearing",
            "hearing": "H5",
            "case": "K1",
            "reason": "案件事实认定存在争议",
            "occurred_at": "2023-04-20T11:00",
        },
        {
            "type": "propose_hearing",
            "hearing": "H6",
            "case": "K1",
            "reason": "当事人申请就赔偿问题听证",
            "applied_by": "孙某",
            "occurred_at": "2023-04-20T11:30",
        },
        {
            "type": "refuse_hearing",
            "hearing": "H6",
            "reasons": REASONS,
            "occurred_at": "2023-04-21T09:00",
        },
    ]:
        ledger.execute(command)


def test_the_register_lists_a_refusals_reasons(store_url: str) -> None:
    with Ledger(store=store_url) as ledger:
        story(ledger)
        entries = {h.hearing: h for h in ledger.hearings("QC").hearings}
        assert entries["H6"].status.value == "refused"
        assert entries["H6"].applied_by == "孙某"
        assert entries["H6"].refusal_reasons == REASONS
        assert entries["H5"].refusal_reasons is None
        # The view keeps the reasons sealed, as the event does.
        with ledger.views.reading() as tx:
            stored: Any = tx.rows(
                "SELECT refusal_reasons FROM view_hearing WHERE hearing = ?", ["H6"]
            )
        assert stored[0][0] == REASONS  # read through the views' opener
        raw = ledger.views.db.run(
            "SELECT refusal_reasons FROM view_hearing WHERE hearing = ?", ["H6"]
        )
        assert str(raw[0][0]).startswith(SEALED_PREFIX)
