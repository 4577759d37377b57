"""`apply` in batches: the documented line-by-line semantics, on SQLite and PostgreSQL,
and a process killed in the middle of a batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from supervision_ledger import Ledger
from supervision_ledger.cli import main


def line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


UNIT = line(
    type="register_unit",
    unit="QY",
    name="清远市人民检察院",
    level="city",
    occurred_at="2019-03-01T09:00",
    command_id="unit-QY",
)


def appoint(n: int) -> str:
    return line(
        type="appoint_supervisor",
        supervisor=f"S{n:03d}",
        unit="QY",
        name=f"朱某{n}",
        roles=["peoples_supervisor"],
        term_start="2022-01-01",
        occurred_at="2022-01-01T09:00",
        command_id=f"appoint-{n}",
    )


def lines(n: int) -> list[str]:
    return [UNIT, *(appoint(i) for i in range(1, n))]


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


def apply(tmp_path: Path, content: list[str], store: str, *extra: str) -> int:
    path = tmp_path / "commands.jsonl"
    path.write_text("".join(x + "\n" for x in content), encoding="utf-8")
    return main(["apply", str(path), "--store", store, *extra])


def roster(store: str) -> list[str]:
    with Ledger(store) as ledger:
        return list(ledger.unit("QY").roster)


@pytest.mark.parametrize(
    "bad",
    [
        '{"type": "appoint_supervisor", ',  # not JSON
        line(
            type="record_training", supervisor="NOBODY", topic="x", occurred_at="2022-02-01T09:00"
        ),
    ],
    ids=["invalid-line", "rule"],
)
def test_bad_line_in_the_middle_of_a_batch(
    tmp_path: Path, store: str, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    content = [*lines(5), bad, *(appoint(i) for i in range(5, 9))]
    assert apply(tmp_path, content, store, "--batch-size", "4") == 1
    err = capsys.readouterr().err
    assert err.startswith("line 6: ")
    assert "stopped: 5 command(s) applied before the bad line, 0 already recorded" in err
    # Lines 1-5 (a whole batch and part of the next) are stored, nothing from line 6 on.
    assert roster(store) == [f"S{i:03d}" for i in range(1, 5)]
    with Ledger(store) as ledger:
        assert ledger.verify().ok


def test_rerunning_a_file_adds_nothing(
    tmp_path: Path, store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    content = lines(12)
    assert apply(tmp_path, content, store, "--batch-size", "5") == 0
    with Ledger(store) as ledger:
        count = ledger.digest().count
    assert apply(tmp_path, content, store, "--batch-size", "7") == 0
    assert "applied 0 command(s); 12 already recorded" in capsys.readouterr().out
    with Ledger(store) as ledger:
        assert ledger.digest().count == count


def test_batch_size_must_be_positive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        apply(tmp_path, lines(2), f"sqlite:///{tmp_path / 'x.db'}", "--batch-size", "0")
    assert exited.value.code == 2
    assert "--batch-size: 0 is not a positive number of commands" in capsys.readouterr().err


def wait_for(condition: object, what: str) -> None:
    """Poll until ``condition()`` holds (the child process works at its own pace)."""
    deadline = time.monotonic() + 120
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_kill_9_in_the_middle_of_a_batch_then_rerun(tmp_path: Path, store: str) -> None:
    """The child reads standard input: the first batch (3 lines) is committed, two more
    lines are staged in the next batch when the child is killed. The store holds the
    first batch only; applying the whole file again completes it."""
    content = lines(8)
    argv = ["apply", "-", "--store", store, "--batch-size", "3"]
    child = subprocess.Popen(
        [sys.executable, "-m", "supervision_ledger", *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdin is not None
    try:
        child.stdin.write("".join(x + "\n" for x in content[:5]).encode())
        child.stdin.flush()

        def first_batch_stored() -> bool:
            try:
                return len(roster(store)) == 2
            except Exception:  # the store or the unit may not exist yet
                return False

        wait_for(first_batch_stored, "the first batch")
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert roster(store) == ["S001", "S002"]
    with Ledger(store) as ledger:
        assert ledger.verify().ok
        assert ledger.digest().count == 1 + 2 * 2 + 3  # unit, 2 people, 3 records
    assert apply(tmp_path, content, store, "--batch-size", "3") == 0
    assert roster(store) == [f"S{i:03d}" for i in range(1, 8)]
    with Ledger(store) as ledger:
        assert ledger.verify().ok
        assert ledger.digest().count == 1 + 7 * 2 + 8
