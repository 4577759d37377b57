"""docs/cli.md documents every subcommand and option of the parser, and its examples run
against a demo store with the exit status the page states."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from supervision_ledger.cli import build_parser, main
from supervision_ledger.persistence.store import STORE_ENV_VAR

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
DOC = DOC_PATH.read_text(encoding="utf-8")
EXIT_COMMENT = re.compile(r"#\s*exit (\d+)\s*$")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    choices: dict[str, argparse.ArgumentParser] = action.choices
    return choices


def sections() -> dict[str, str]:
    """Subcommand → the text of its ``### `name``` section."""
    found: dict[str, str] = {}
    for part in re.split(r"^(?=#{2,3} )", DOC, flags=re.MULTILINE):
        heading = re.match(r"### `([a-z-]+)`\n", part)
        if heading:
            found[heading.group(1)] = part
    return found


def metavar(action: argparse.Action) -> str | None:
    """What ``--help`` shows after the option string (None for flags)."""
    if action.nargs == 0:
        return None
    if action.metavar is not None:
        return str(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(str(choice) for choice in action.choices) + "}"
    return action.dest.upper()


def example_lines() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", DOC, re.DOTALL)
    return [
        line
        for block in blocks
        for line in block.splitlines()
        if line.startswith("supervision-ledger")
    ]


def test_every_subcommand_and_option_is_documented() -> None:
    documented = sections()
    examples = example_lines()
    parsers = subcommands()
    assert set(documented) == set(parsers), "docs/cli.md sections ≠ the parser's subcommands"
    for name, parser in parsers.items():
        section = documented[name]
        assert "Exit status" in section, f"{name}: no exit status"
        assert any(line.split()[1] == name for line in examples), f"{name}: no example"
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue  # -h/--help: described once at the top
            shown = metavar(action)
            if not action.option_strings:  # a positional: its metavar in the table
                assert f"| `{shown}` |" in section, f"{name}: positional {shown} undocumented"
                continue
            for option in action.option_strings:
                expected = f"`{option}`" if shown is None else f"`{option} {shown}`"
                assert expected in section, f"{name}: {expected} is not in its section"
    assert "`--help`" in DOC and "`-h`" in DOC


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding ``demo.db``, filled by ``supervision-ledger demo`` (once)."""
    directory = tmp_path_factory.mktemp("cli-doc")
    assert main(["demo", "--store", f"sqlite:///{directory / 'demo.db'}"]) == 0
    return directory


def test_examples_exit_as_documented(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(demo_dir)
    # A line without --store must not reach a store outside the test directory.
    monkeypatch.setenv(STORE_ENV_VAR, "sqlite:///demo.db")
    for name, content in re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", DOC, re.DOTALL):
        (demo_dir / name).write_text(content, encoding="utf-8")
    lines = example_lines()
    assert len(lines) >= len(subcommands())
    capsys.readouterr()
    for line in lines:
        found = EXIT_COMMENT.search(line)
        expected = int(found.group(1)) if found else 0
        words = shlex.split(line, comments=True)[1:]
        target = None
        if ">" in words:  # `... > FILE`: keep stdout, as the shell would
            at = words.index(">")
            words, target = words[:at], words[at + 1]
        try:
            code = main(words)
        except SystemExit as exit_:  # argparse usage errors
            code = exit_.code if isinstance(exit_.code, int) else 1
        out, err = capsys.readouterr()
        if target is not None:
            (demo_dir / target).write_text(out, encoding="utf-8")
        assert code == expected, f"{line}\nexited {code}, documented {expected}\n{err}"
        if expected == 0:
            assert out or err, f"{line}: printed nothing"
        else:
            assert err.strip(), f"{line}: failed without saying why"
    # The digest example's file is one the verify example accepted.
    assert '"chain_hash"' in (demo_dir / "digest.json").read_text(encoding="utf-8")
