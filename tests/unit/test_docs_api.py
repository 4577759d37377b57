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


def test_the_types_a_host_meets_are_importable_from_the_package() -> None:
    """Everything the Ledger's methods return or raise can be named by a host without
    reaching into internal modules."""
    import inspect
    import typing

    import supervision_ledger
    from supervision_ledger import Ledger

    exported = {getattr(supervision_ledger, name) for name in supervision_ledger.__all__}
    for name in (
        "statistics",
        "explain",
        "pending_feedback",
        "dossier",
        "hearings",
        "unsupervised_hearings",
        "history",
        "history_page",
        "digest",
        "verify",
        "export",
        "execute",
        "state",
        "listing",
        "events_after",
        "follow",
    ):
        hints = typing.get_type_hints(getattr(Ledger, name))
        returned = hints["return"]
        inner = typing.get_args(returned) or (returned,)
        for kind in inner:
            if inspect.isclass(kind) and kind.__module__.startswith("supervision_ledger"):
                assert kind in exported, f"Ledger.{name} returns {kind.__name__}, not exported"


def test_every_public_name_has_a_running_example() -> None:
    """Each name of ``supervision_ledger.__all__`` is imported from the package (or read
    as ``supervision_ledger.NAME``) by one of the page's Python blocks, which the first
    test runs."""
    import supervision_ledger

    blocks = "\n".join(
        re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    )
    imported: set[str] = set()
    statements = re.findall(r"^from supervision_ledger import \(([^)]*)\)", blocks, re.M)
    statements += re.findall(r"^from supervision_ledger import ([^(\n]+)$", blocks, re.M)
    for names in statements:
        imported |= {n.strip().split(" as ")[0] for n in names.replace("\n", ",").split(",")}
    imported |= set(re.findall(r"\bsupervision_ledger\.(\w+)", blocks))
    missing = [name for name in supervision_ledger.__all__ if name not in imported]
    assert missing == [], f"docs/api.md has no example importing {missing}"
