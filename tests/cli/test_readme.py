"""The README's embedding example runs and prints what it says; its commands match CI."""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_embedding_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    (block,) = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
    assert len(block.splitlines()) <= 20
    exec(compile(block, "README.md", "exec"), {})
    refused, drawn = capsys.readouterr().out.splitlines()
    assert refused == "refused: not_found"
    match = re.fullmatch(r"drawn: (\[.*\]) replayed: True invited: (\[.*\])", drawn)
    assert match is not None, drawn
    people = ast.literal_eval(match.group(1))  # a printed list of keys
    # The README promises the same two every time: recompute the draw here, from its
    # published definition (lowest SHA-256 of "seed:key" as a big-endian integer), over the
    # three supervisors the example appoints, all eligible.
    ranked = sorted(
        ["S1", "S2", "S3"],
        key=lambda key: int.from_bytes(hashlib.sha256(f"7:{key}".encode()).digest(), "big"),
    )
    assert people == sorted(ranked[:2])
    assert match.group(1) == match.group(2)  # the drawn are the invited, nobody twice


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    setup = next(cmd for cmd in commands if "pip install -e" in cmd).strip()
    test_command = setup.split("&& ")[-1]  # .venv/bin/python -m pytest …
    arguments = test_command.split("python", 1)[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f'"$VENV/python"{arguments} ||' in ci, f"{test_command!r} is not what .ci/run runs"
    assert "demo --store sqlite:///demo.db" in commands[0]
