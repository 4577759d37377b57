"""The ```python blocks of docs/api.md run, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_api_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 5
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"docs/api.md block {number}", "exec"), namespace)
    out = capsys.readouterr().out
    # The error example printed the rule and the ids.
    assert "not_enough_eligible: activity 'A1'" in out
    # The audit example verified the log against a digest taken before its last command.
    assert re.search(r"^intact: (\d+) event\(s\) up to position \1; matches the digest", out, re.M)
