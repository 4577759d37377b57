"""The auditor's path through the command line, and the stdlib verifier in a subprocess:
digest, tamper with the sqlite3 module, verify names the position; the exports agree."""

from __future__ import annotations

import ast
import importlib.util
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from supervision_ledger import Ledger
from supervision_ledger.domain import ActivityType, Case, Role, draw_rank
from supervision_ledger.domain.draw import SeedBasis, chain_seed
from supervision_ledger.domain.values import SeedSource

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "verify_export.py"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "supervision_ledger", *args],
        capture_output=True,
        text=True,
        env={**os.environ},
        check=False,
    )


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    # Run without PYTHONPATH: the tool must not need the package at all.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, env=env, check=False
    )


def build(url: str) -> None:
    with Ledger(store=url) as ledger:
        ledger.execute(
            {
                "type": "register_unit",
                "unit": "QY",
                "name": "清远市人民检察院",
                "level": "city",
                "occurred_at": "2023-01-01T09:00",
            }
        )
        for i in range(3):
            ledger.execute(
                {
                    "type": "appoint_supervisor",
                    "supervisor": f"S{i}",
                    "unit": "QY",
                    "name": f"监督员{i}",
                    "roles": ["peoples_supervisor"],
                    "term_start": "2022-01-01",
                    "occurred_at": "2022-12-01T09:00",
                    "command_id": f"appoint-{i}",
                }
            )
        ledger.execute(
            {
                "type": "register_case",
                "case": "K1",
                "unit": "QY",
                "kind": "other",
                "handling_prosecutor": "检察官甲",
                "received_on": "2023-05-01",
                "parties": [{"name": "王小明", "minor": True}],
                "occurred_at": "2023-05-01T09:00",
            }
        )
        ledger.execute(
            {
                "type": "open_activity",
                "case": "K1",
                "activity": "A1",
                "activity_type": "quality_review",
                "occurred_at": "2023-05-02T09:00",
            }
        )


def verdicts(url: str, digest_file: Path, tmp: Path) -> list[tuple[int, str]]:
    """`verify` and the stdlib tool on a plain and a redacted export, as (exit, problem)."""
    found = cli("verify", "--store", url, "--digest", str(digest_file), "--json")
    report = json.loads(found.stdout)
    results = [(found.returncode, report.get("problem", "ok"), report.get("position"))]
    for extra in ([], ["--redact"]):
        export = tmp / f"export{len(extra)}.jsonl"
        done = cli("export", "--store", url, "--format", "jsonl", "-o", str(export), *extra)
        assert done.returncode == 0, done.stderr
        checked = tool(str(export), "--digest", str(digest_file), "--json")
        verdict = json.loads(checked.stdout)
        results.append((checked.returncode, verdict.get("problem", "ok"), verdict.get("position")))
    return results


def test_digest_tamper_verify_by_hand(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    url = f"sqlite:///{db}"
    build(url)
    digest = cli("digest", "--store", url)
    assert digest.returncode == 0, digest.stderr
    digest_file = tmp_path / "d.json"
    digest_file.write_text(digest.stdout, encoding="utf-8")
    position = json.loads(digest.stdout)["position"]

    assert verdicts(url, digest_file, tmp_path) == [(0, "ok", None)] * 3
    intact = cli("verify", "--store", url, "--digest", str(digest_file))
    assert intact.returncode == 0 and intact.stdout.startswith("intact")

    # Flip one byte of one stored event, as someone with write access to the file would.
    raw = sqlite3.connect(db)
    state = bytearray(raw.execute("SELECT state FROM stored_events WHERE rowid = 3").fetchone()[0])
    state[10] ^= 0xFF
    raw.execute("UPDATE stored_events SET state = ? WHERE rowid = 3", (bytes(state),))
    raw.commit()
    assert verdicts(url, digest_file, tmp_path) == [(1, "modified", 3)] * 3
    named = cli("verify", "--store", url, "--digest", str(digest_file))
    assert named.returncode == 1 and "position 3" in named.stdout

    # Put it back, then delete one row.
    state[10] ^= 0xFF
    raw.execute("UPDATE stored_events SET state = ? WHERE rowid = 3", (bytes(state),))
    raw.execute("DELETE FROM stored_events WHERE rowid = ?", (position - 1,))
    raw.commit()
    raw.close()
    assert verdicts(url, digest_file, tmp_path) == [(1, "missing", position - 1)] * 3


@pytest.mark.parametrize(
    ("column", "value"), [("originator_id", "not-a-uuid"), ("originator_version", "two")]
)
def test_a_row_whose_key_is_not_even_well_formed_is_named(
    tmp_path: Path, column: str, value: str
) -> None:
    """Someone with write access stores garbage in a key column: verify and the exports
    still name the position instead of crashing."""
    db = tmp_path / "ledger.db"
    url = f"sqlite:///{db}"
    build(url)
    digest = cli("digest", "--store", url)
    digest_file = tmp_path / "d.json"
    digest_file.write_text(digest.stdout, encoding="utf-8")
    raw = sqlite3.connect(db)
    raw.execute(f"UPDATE stored_events SET {column} = ? WHERE rowid = 4", (value,))
    raw.commit()
    raw.close()
    assert verdicts(url, digest_file, tmp_path) == [(1, "substituted", 4)] * 3


def test_history_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    build(url)
    shown = cli("history", "case:K1", "--store", url, "--json")
    assert shown.returncode == 0, shown.stderr
    events = json.loads(shown.stdout)["events"]
    assert [e["event"] for e in events] == ["Case.Registered", "Case.ActivityOpened"]
    as_of = cli("history", "case:K1", "--store", url, "--json", "--as-of", "2023-05-01")
    data = json.loads(as_of.stdout)
    assert [e["event"] for e in data["events"]] == ["Case.Registered"]
    assert data["state"]["activities"] == {}
    at = cli(
        "history", "case:K1", "--store", url, "--json", "--at-position", str(events[1]["position"])
    )
    assert json.loads(at.stdout)["state"]["activities"]["A1"]["type"] == "quality_review"
    redacted = cli("history", "case:K1", "--store", url, "--redact")
    assert redacted.returncode == 0 and "王小明" not in redacted.stdout
    assert "P-" in redacted.stdout
    bad = cli("history", "K1", "--store", url)
    assert bad.returncode == 1 and "KIND:KEY" in bad.stderr
    bad_digest = cli("verify", "--store", url, "--digest", '{"position": "x"}')
    assert bad_digest.returncode == 2 and "position" in bad_digest.stderr


@pytest.mark.parametrize("garbage", ["", "{}\n", '{"type": "header", "algorithm": "x"}\n'])
def test_tool_refuses_unusable_exports(garbage: str, tmp_path: Path) -> None:
    export = tmp_path / "bad.jsonl"
    export.write_text(garbage, encoding="utf-8")
    assert tool(str(export)).returncode == 2


def test_tool_imports_only_the_standard_library() -> None:
    tree = ast.parse(TOOL.read_text(encoding="utf-8"))
    imported = {
        (node.module or "").split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    imported = {name.split(".")[0] for name in imported}
    assert imported and imported <= set(sys.stdlib_module_names) | {"__future__"}


def test_the_stdlib_tool_reruns_every_recorded_draw(tmp_path: Path) -> None:
    """Every draw in an export re-runs from its seed and pool; a draw whose recorded result
    does not follow — written with a consistent chain, as a rigged writer would — is named
    with its position (draw_mismatch), although the chain itself is intact."""
    url = f"sqlite:///{tmp_path / 'draws.db'}"
    build(url)
    with Ledger(store=url) as ledger:
        for n, (count, seed) in enumerate([(1, 5), (1, 11)]):
            ledger.execute(
                {
                    "type": "open_activity",
                    "case": "K1",
                    "activity": f"D{n}",
                    "activity_type": "other",
                    "occurred_at": "2023-05-03T09:00",
                }
            )
            ledger.execute(
                {
                    "type": "draw_supervisors",
                    "case": "K1",
                    "activity": f"D{n}",
                    "count": count,
                    "seed": seed,
                    "occurred_at": "2023-05-03T10:00",
                }
            )
    export = tmp_path / "fair.jsonl"
    assert cli("export", "--store", url, "-o", str(export)).returncode == 0
    fair = tool(str(export), "--json")
    verdict = json.loads(fair.stdout)
    assert fair.returncode == 0 and verdict["ok"] and verdict["draws_checked"] == 2
    assert "draws: 2 re-run from their seed and pool, all follow" in tool(str(export)).stdout
    # A rigged draw: the event says S0 was drawn with seed 5 over all three, whatever the
    # ranks say — recorded through the aggregate's event method, so the chain is intact.
    with Ledger(store=url) as ledger:
        pool = ("S0", "S1", "S2")
        honest = sorted(pool, key=lambda k: draw_rank(5, k))[0]
        rigged = next(k for k in pool if k != honest)
        case = ledger.case("K1")
        case._open_activity(
            activity="R1",
            activity_type=ActivityType.OTHER,
            title=None,
            initiated_by=None,
            hearing=None,
            occurred_at=case.registered_at,
        )
        case._draw(
            activity="R1",
            role=Role.PEOPLES_SUPERVISOR,
            speciality=None,
            count=1,
            seed=5,
            pool=pool,
            drawn=(rigged,),
            seed_basis=None,
            occurred_at=case.registered_at,
        )
        ledger.app.save(case)
        assert ledger.verify().ok
    export = tmp_path / "rigged.jsonl"
    assert cli("export", "--store", url, "-o", str(export)).returncode == 0
    found = tool(str(export), "--json")
    verdict = json.loads(found.stdout)
    assert found.returncode == 1 and verdict["problem"] == "draw_mismatch"
    assert rigged in verdict["detail"] and honest in verdict["detail"]
    text = tool(str(export))
    assert text.stdout.startswith(f"DRAW MISMATCH at position {verdict['position']}")
    # A redacted export withholds the bytes of this case (a minor party): its draws are
    # counted as not re-run, and said so, rather than passed as following.
    redacted = tmp_path / "redacted.jsonl"
    assert cli("export", "--store", url, "--redact", "-o", str(redacted)).returncode == 0
    verdict = json.loads(tool(str(redacted), "--json").stdout)
    assert verdict["ok"] and (verdict["draws_checked"], verdict["draws_not_rerun"]) == (0, 3)
    assert "0 re-run from their seed and pool, all follow; 3 not readable here" in (
        tool(str(redacted)).stdout
    )


def test_the_stdlib_tool_rederives_every_chain_seed(tmp_path: Path) -> None:
    """Under the default policy a draw without a seed takes one derived from the hash chain
    at the moment of the draw plus its own fields, recorded as ``seed_basis``: the tool
    re-derives it from the export (draws, a drawn replacement). A draw whose seed was
    chosen but dressed up with a basis, or whose basis names another chain hash, is
    named (seed_mismatch) although its draw re-runs and the chain is intact."""
    url = f"sqlite:///{tmp_path / 'chain.db'}"
    build(url)
    with Ledger(store=url) as ledger:
        assert ledger.policy.draw_seed is SeedSource.CHAIN
        ledger.execute(
            {
                "type": "open_activity",
                "case": "K1",
                "activity": "C1",
                "activity_type": "other",
                "occurred_at": "2023-05-03T09:00",
            }
        )
        before = ledger.app.chain_head()
        result = ledger.execute(
            {
                "type": "draw_supervisors",
                "case": "K1",
                "activity": "C1",
                "count": 2,
                "occurred_at": "2023-05-03T10:00",
            }
        )
        drawn = ledger.case("K1").activities["C1"].draws[-1]
        event = list(ledger.app.events.get(ledger.case("K1").id))[-1]
        assert isinstance(event, Case.SupervisorsDrawn)
        basis = SeedBasis(before[0], before[1].hex())
        assert event.seed_basis == basis
        fields = {
            "event": "Case.SupervisorsDrawn",
            "activity": "C1",
            "role": "peoples_supervisor",
            "speciality": None,
            "count": 2,
        }
        assert event.seed == drawn.seed == int(result.ids["seed"])
        assert event.seed == chain_seed(basis, ledger.case("K1").id, fields)
        ledger.execute(
            {
                "type": "replace_supervisor",
                "case": "K1",
                "activity": "C1",
                "supervisor": event.drawn[0],
                "occurred_at": "2023-05-03T11:00",
            }
        )
    export = tmp_path / "fair.jsonl"
    assert cli("export", "--store", url, "-o", str(export)).returncode == 0
    fair = tool(str(export), "--json")
    verdict = json.loads(fair.stdout)
    assert fair.returncode == 0 and verdict["ok"], fair.stdout
    assert (verdict["seeds_rederived"], verdict["seeds_not_rederived"]) == (2, 0)
    assert "seeds: 2 derived from the hash chain, all follow" in tool(str(export)).stdout
    # A seed tried until it suited, recorded with a real basis: the draw itself re-runs.
    with Ledger(store=url) as ledger:
        case = ledger.case("K1")
        position, head = ledger.app.chain_head()
        case._open_activity(
            activity="R1",
            activity_type=ActivityType.OTHER,
            title=None,
            initiated_by=None,
            hearing=None,
            occurred_at=case.registered_at,
        )
        pool = ("S0", "S1", "S2")
        case._draw(
            activity="R1",
            role=Role.PEOPLES_SUPERVISOR,
            speciality=None,
            count=1,
            seed=5,
            pool=pool,
            drawn=(sorted(pool, key=lambda k: draw_rank(5, k))[0],),
            seed_basis=SeedBasis(position, head.hex()),
            occurred_at=case.registered_at,
        )
        ledger.app.save(case)
        assert ledger.verify().ok
    rigged = tmp_path / "rigged.jsonl"
    assert cli("export", "--store", url, "-o", str(rigged)).returncode == 0
    found = tool(str(rigged), "--json")
    verdict = json.loads(found.stdout)
    assert found.returncode == 1 and verdict["problem"] == "seed_mismatch", found.stdout
    assert "not 5" in verdict["detail"]
    assert tool(str(rigged)).stdout.startswith(f"SEED MISMATCH at position {verdict['position']}")


def test_a_basis_naming_another_chain_hash_is_found(tmp_path: Path) -> None:
    """The seed derives from the basis it names, but the chain there holds another hash."""
    url = f"sqlite:///{tmp_path / 'basis.db'}"
    build(url)
    with Ledger(store=url) as ledger:
        case = ledger.case("K1")
        fake = SeedBasis(1, "ab" * 32)
        fields = {
            "event": "Case.SupervisorsDrawn",
            "activity": "R1",
            "role": "peoples_supervisor",
            "speciality": None,
            "count": 1,
        }
        seed = chain_seed(fake, case.id, fields)
        case._open_activity(
            activity="R1",
            activity_type=ActivityType.OTHER,
            title=None,
            initiated_by=None,
            hearing=None,
            occurred_at=case.registered_at,
        )
        pool = ("S0", "S1", "S2")
        case._draw(
            activity="R1",
            role=Role.PEOPLES_SUPERVISOR,
            speciality=None,
            count=1,
            seed=seed,
            pool=pool,
            drawn=(sorted(pool, key=lambda k: draw_rank(seed, k))[0],),
            seed_basis=fake,
            occurred_at=case.registered_at,
        )
        ledger.app.save(case)
    export = tmp_path / "basis.jsonl"
    assert cli("export", "--store", url, "-o", str(export)).returncode == 0
    verdict = json.loads(tool(str(export), "--json").stdout)
    assert verdict["problem"] == "seed_mismatch"
    assert f"the chain hash there is not {'ab' * 32}" in verdict["detail"]


def test_a_basis_out_of_the_window_is_found_in_a_second_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no window kept, every basis lies out of it: a file is read a second time to
    check them; standard input cannot be, so they are counted as not re-derived."""
    url = f"sqlite:///{tmp_path / 'window.db'}"
    build(url)
    with Ledger(store=url) as ledger:
        for activity in ("W1", "W2"):
            ledger.execute(
                {
                    "type": "open_activity",
                    "case": "K1",
                    "activity": activity,
                    "activity_type": "other",
                    "occurred_at": "2023-05-03T09:00",
                }
            )
        for activity in ("W1", "W2"):
            ledger.execute(
                {
                    "type": "draw_supervisors",
                    "case": "K1",
                    "activity": activity,
                    "count": 1,
                    "occurred_at": "2023-05-03T10:00",
                }
            )
    export = tmp_path / "window.jsonl"
    assert cli("export", "--store", url, "-o", str(export)).returncode == 0
    spec = importlib.util.spec_from_file_location("verify_export_window", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "WINDOW", 0)
    assert module.main([str(export), "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert (verdict["seeds_rederived"], verdict["seeds_not_rederived"]) == (2, 0)
    monkeypatch.setattr("sys.stdin", io.StringIO(export.read_text(encoding="utf-8")))
    assert module.main(["-", "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["ok"] and (verdict["seeds_rederived"], verdict["seeds_not_rederived"]) == (0, 2)
