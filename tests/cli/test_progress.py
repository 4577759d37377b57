"""Progress bars on a terminal only (rate and ETA, on stderr), never in pipes or with
``--quiet``; a reader that goes away (``… | head``) ends the command quietly."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ledger_stories import Story, seed_000

from supervision_ledger import Ledger
from supervision_ledger.cli import main


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, keeping what was drawn on it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('progress') / 'ledger.db'}"
    with Ledger(store=url) as ledger:
        seed_000(Story(ledger))
    return url


LONG_COMMANDS = [
    ["rebuild"],
    ["verify"],
    ["export", "--output", "{tmp}/log.jsonl"],
]


@pytest.mark.parametrize("argv", LONG_COMMANDS, ids=lambda argv: argv[0])
def test_a_terminal_gets_a_bar_with_rate_and_eta(
    argv: list[str], store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    words = [w.format(tmp=tmp_path) for w in argv]
    assert main([*words, "--store", store]) == 0
    drawn = terminal.getvalue()
    assert f"{argv[0]}:" in drawn  # the bar's description
    assert "event/s" in drawn  # the rate
    assert "<" in drawn  # elapsed<remaining: the ETA


@pytest.mark.parametrize("argv", LONG_COMMANDS, ids=lambda argv: argv[0])
def test_quiet_or_no_terminal_draws_nothing(
    argv: list[str],
    store: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    words = [w.format(tmp=tmp_path) for w in argv]
    assert main([*words, "--store", store]) == 0  # stderr captured: not a terminal
    out, err = capsys.readouterr()
    assert "\r" not in out + err and "event/s" not in err
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main([*words, "--store", store, "--quiet"]) == 0
    assert "event/s" not in terminal.getvalue() and "\r" not in terminal.getvalue()


def test_apply_counts_lines_of_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = tmp_path / "commands.jsonl"
    commands.write_text(
        '{"type": "register_unit", "unit": "QC", "name": "清城区人民检察院", '
        '"level": "district", "occurred_at": "2023-07-01T09:00:00"}\n\n',
        encoding="utf-8",
    )
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["apply", str(commands), "--store", f"sqlite:///{tmp_path / 'l.db'}"]) == 0
    assert "apply:" in terminal.getvalue() and "/2" in terminal.getvalue()  # 2 lines


class GoneReader(io.StringIO):
    """A stdout whose reader has gone away, as after ``| head``."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize(
    "argv",
    [["feedback"], ["report", "--unit", "QY", "--rollup"], ["export"], ["history", "unit:QY"]],
    ids=lambda argv: argv[0],
)
def test_a_reader_going_away_ends_quietly(
    argv: list[str],
    store: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", GoneReader())
    assert main([*argv, "--store", store]) == 0
    assert capsys.readouterr().err == ""


def test_piping_into_head_ends_quietly(store: str) -> None:
    """The real thing: a process whose stdout pipe is closed after one line."""
    command = [sys.executable, "-m", "supervision_ledger", "export", "--store", store]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "0"},
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith(b'{"')
        process.stdout.close()  # `head -1` has what it wanted
        err = process.stderr.read().decode()
        code = process.wait()
    # The export may finish into the pipe's buffer before the close; either way,
    # nothing but the export's own summary line reaches stderr.
    assert code == 0, err
    assert "error" not in err and "Traceback" not in err and "BrokenPipe" not in err
