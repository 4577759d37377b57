"""docs/flows.md is executable: its JSON blocks, applied in order through the CLI,
record the history the text describes, and every flow command is documented."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from supervision_ledger import Ledger
from supervision_ledger.commands import FLOW_COMMANDS
from supervision_ledger.domain import (
    EscalationGround,
    LeadStatus,
    ObjectionOutcome,
    PetitionStage,
    RecipientType,
    SuggestionStage,
    TypicalCaseLevel,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "flows.md"
BLOCK = re.compile(r"```json\n(.*?)```", re.S)


def doc_commands() -> list[dict[str, object]]:
    return [json.loads(block) for block in BLOCK.findall(DOC.read_text(encoding="utf-8"))]


def test_every_flow_command_is_documented() -> None:
    documented = {cmd["type"] for cmd in doc_commands()}
    missing = {cls.model_fields["type"].default for cls in FLOW_COMMANDS} - documented
    assert not missing, f"flow commands without an example in docs/flows.md: {sorted(missing)}"


def test_doc_blocks_apply_in_order(tmp_path: Path) -> None:
    commands = doc_commands()
    jsonl = tmp_path / "flows.jsonl"
    jsonl.write_text(
        "".join(json.dumps(cmd, ensure_ascii=False) + "\n" for cmd in commands), encoding="utf-8"
    )
    store = f"sqlite:///{tmp_path / 'docs.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "supervision_ledger", "apply", str(jsonl), "--store", store],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"applied {len(commands)} command(s)" in done.stdout

    with Ledger(store=store) as ledger:
        suggestion = ledger.suggestion("达检建〔2023〕1号")
        assert suggestion.stage is SuggestionStage.VERIFIED
        assert suggestion.activities == ["A1", "A2"]
        assert suggestion.escalated_to == "达拉特旗人民政府"
        court = ledger.suggestion("达检建〔2023〕2号")
        assert court.recipient_type is RecipientType.COURT
        assert court.reply_due(ledger.policy) == date(2023, 7, 15)  # 3 + 1 months
        assert court.content == "建议对本案依法再审（修改稿）。"
        assert court.objection_outcomes == [ObjectionOutcome.AMENDED]
        assert court.escalation_ground_after_reply is EscalationGround.NOT_RECTIFIED
        assert court.escalated_bodies == ["鄂尔多斯市中级人民法院", "达拉特旗人大常委会"]
        withdrawn = ledger.suggestion("达检建〔2023〕3号")
        assert withdrawn.stage is SuggestionStage.WITHDRAWN
        assert withdrawn.reply_timing(date(2024, 1, 1), ledger.policy) is None
        assert ledger.petition("XF-2023-001").stage is PetitionStage.CLOSED
        assert ledger.petition("XF-2023-002").excluded_from_reply_rate
        unreachable = ledger.petition("XF-2023-003")
        assert unreachable.excluded_from_reply_rate and unreachable.unreachable_reason
        assert unreachable.leader == "检察长 李某"
        assert ledger.lead("XS-2023-001").status is LeadStatus.CASE_OPENED
        assert ledger.case("DLT-GY-2023-02").source_lead == "XS-2023-001"
        assert ledger.lead("XS-2023-002").status is LeadStatus.REJECTED
        nomination = ledger.typical_case_nomination("DLT-GY-2023-01", TypicalCaseLevel.PROVINCIAL)
        assert nomination.publication == "内蒙古检察机关公益诉讼典型案例"
        assert ledger.partner_agreement("XZ-2023-01").in_force_on(date(2024, 6, 1))
        assert not ledger.partner_agreement("XZ-2023-02").in_force_on(date(2023, 9, 1))
        assert ledger.trial_committee_sitting("SWH-2023-05").adopted_count == 1


def test_a_bad_block_names_the_rule_and_writes_nothing(tmp_path: Path) -> None:
    """Closing a petition straight after receipt is refused by the CLI with its rule."""
    commands = [cmd for cmd in doc_commands() if cmd["type"] in ("register_unit",)]
    commands.append(
        {
            "type": "receive_petition",
            "petition": "P1",
            "unit": "DLT",
            "channel": "letter",
            "subject": "s",
            "occurred_at": "2023-03-01T09:00:00",
        }
    )
    commands.append({"type": "close_petition", "petition": "P1", "occurred_at": "2023-03-02"})
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in commands))
    store = f"sqlite:///{tmp_path / 'bad.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "supervision_ledger", "apply", str(jsonl), "--store", store],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "line 3: replies_missing: petition 'P1' cannot close" in done.stderr
    with Ledger(store=store) as ledger:
        assert ledger.petition("P1").stage is PetitionStage.RECEIVED
