"""`apply` collects cyclic garbage less often while it runs, and gives the process its
collector thresholds back afterwards — also when a line is refused."""

from __future__ import annotations

import gc
import json
from pathlib import Path

from supervision_ledger.cli import main
from supervision_ledger.cli.entry import APPLY_GC_THRESHOLD, fewer_collections

UNIT = {
    "type": "register_unit",
    "unit": "QY",
    "name": "清远市人民检察院",
    "level": "city",
    "occurred_at": "2019-03-01T09:00",
}


def test_thresholds_are_raised_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] >= APPLY_GC_THRESHOLD
    assert gc.get_threshold() == before


def test_apply_restores_the_thresholds(tmp_path: Path) -> None:
    before = gc.get_threshold()
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(UNIT, ensure_ascii=False) + "\n", encoding="utf-8")
    store = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert main(["apply", str(good), "--store", store, "--quiet"]) == 0
    assert gc.get_threshold() == before
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**UNIT, "level": "nowhere"}) + "\n", encoding="utf-8")
    assert main(["apply", str(bad), "--store", store, "--quiet"]) != 0
    assert gc.get_threshold() == before
