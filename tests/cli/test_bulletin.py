"""``bulletin`` and ``verify-bulletin``: a bulletin verifies against the untouched log
(from the store or from an export); an altered stored event fails the chain and names
the figures it changed; a tampered view row is caught when the bulletin was computed
from it (the check recomputes from events), and cannot matter after it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ledger_stories import Story, seed_000

from supervision_ledger import Ledger
from supervision_ledger.cli import main
from supervision_ledger.domain.policy import Deadline, Policy, WeekdayCalendar
from supervision_ledger.domain.values import (
    ApproverRole,
    CaseKind,
    Relationship,
    Role,
    RosterScope,
    SeedSource,
)
from supervision_ledger.reporting.bulletin import (
    Bulletin,
    InvalidBulletin,
    make_bulletin,
    policy_from_json,
    policy_to_json,
)

SCOPE = ["--unit", "QY", "--rollup", "--from", "2023-01-01", "--to", "2023-12-31"]
AS_OF = ["--as-of", "2023-12-31"]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bulletin") / "ledger.db"
    with Ledger(store=f"sqlite:///{path}") as ledger:
        seed_000(Story(ledger))
    return path


@pytest.fixture
def db(pristine: Path, tmp_path: Path) -> Path:
    """A copy of the seed-000 store, for this test to tamper with."""
    path = tmp_path / "ledger.db"
    shutil.copy(pristine, path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_bulletin(capsys: pytest.CaptureFixture[str], db: Path, out: Path) -> dict[str, Any]:
    code, _, err = run(
        capsys, "bulletin", "--store", f"sqlite:///{db}", *SCOPE, *AS_OF, "--out", str(out)
    )
    assert code == 0, err
    assert f"wrote {out}" in err
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def export(capsys: pytest.CaptureFixture[str], db: Path, out: Path) -> Path:
    assert run(capsys, "export", "--store", f"sqlite:///{db}", "--output", str(out))[0] == 0
    return out


def test_an_untouched_log_verifies_from_the_store_and_from_an_export(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bulletin = write_bulletin(capsys, db, tmp_path / "b.json")
    code, out, _ = run(capsys, "report", "--store", f"sqlite:///{db}", *SCOPE, *AS_OF, "--json")
    assert bulletin["figures"] == json.loads(out)["figures"]
    with Ledger(store=f"sqlite:///{db}") as ledger:
        assert bulletin["log"] == ledger.digest().to_json()
        assert bulletin["policy"] == policy_to_json(ledger.policy)
    assert bulletin["scope"] == {
        "unit": "QY",
        "rollup": True,
        "units": ["QC", "QY", "YD"],
        "start": "2023-01-01",
        "end": "2023-12-31",
    }
    assert bulletin["as_of"] == "2023-12-31" and len(bulletin["definitions_hash"]) == 64
    code, out, _ = run(
        capsys, "verify-bulletin", str(tmp_path / "b.json"), "--store", f"sqlite:///{db}"
    )
    assert code == 0, out
    assert "bulletin verified" in out and "DIFFERENT" not in out
    log = export(capsys, db, tmp_path / "log.jsonl")
    code, out, _ = run(
        capsys, "verify-bulletin", str(tmp_path / "b.json"), "--export", str(log), "--json"
    )
    assert code == 0, out
    result = json.loads(out)
    assert result["ok"] is True and result["differences"] == []
    assert result["figures_checked"] == len(bulletin["figures"])


def decide_otherwise(db: Path) -> int:
    """Rewrite one stored OpinionDecided event: adopted → not adopted. Its position."""
    with sqlite3.connect(db) as con:
        position, state = con.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE '%OpinionDecided' "
            'AND CAST(state AS TEXT) LIKE \'%"outcome":"adopted"%\' ORDER BY rowid LIMIT 1'
        ).fetchone()
        altered = bytes(state).replace(b'"outcome":"adopted"', b'"outcome":"not_adopted"')
        con.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (altered, position))
    return int(position)


def test_an_altered_stored_event_fails_the_chain_and_names_the_figures(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    adopted = write_bulletin(capsys, db, tmp_path / "b.json")["figures"]["opinions.adopted"]
    position = decide_otherwise(db)
    code, out, _ = run(
        capsys, "verify-bulletin", str(tmp_path / "b.json"), "--store", f"sqlite:///{db}"
    )
    assert code == 1
    assert f"TAMPERED at position {position}: modified" in out
    assert f"opinions.adopted: published {adopted}, recomputed {adopted - 1}" in out
    assert "opinions.not_adopted: published 0, recomputed 1" in out
    assert "bulletin NOT verified" in out
    # The same verdict from an export of the altered store.
    log = export(capsys, db, tmp_path / "log.jsonl")
    code, out, _ = run(
        capsys, "verify-bulletin", str(tmp_path / "b.json"), "--export", str(log), "--json"
    )
    result = json.loads(out)
    assert code == 1 and result["chain"]["problem"] == "modified"
    changed = {d["what"] for d in result["differences"]}
    assert {"opinions.adopted", "opinions.not_adopted", "opinions.adoption_rate"} <= changed


def tamper_view(db: Path) -> None:
    """Turn one adopted opinion into a not-adopted one in the statistics view only."""
    with sqlite3.connect(db) as con:
        (rowid,) = con.execute(
            "SELECT rowid FROM view_stat_opinion WHERE outcome = 'adopted' "
            "AND submitted_on >= '2023-01-01' ORDER BY rowid LIMIT 1"
        ).fetchone()
        con.execute(
            "UPDATE view_stat_opinion SET outcome = 'not_adopted' WHERE rowid = ?", (rowid,)
        )


def test_a_view_row_tampered_before_the_bulletin_is_caught(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bulletin was computed from the tampered view; the check recomputes from the
    events, so the chain is intact and the figures the row changed are named."""
    _, out, _ = run(capsys, "report", "--store", f"sqlite:///{db}", *SCOPE, *AS_OF, "--json")
    adopted = json.loads(out)["figures"]["opinions.adopted"]  # the views are up to date
    tamper_view(db)
    bulletin = write_bulletin(capsys, db, tmp_path / "b.json")
    assert bulletin["figures"]["opinions.adopted"] == adopted - 1  # the tampered view's
    code, out, _ = run(
        capsys, "verify-bulletin", str(tmp_path / "b.json"), "--store", f"sqlite:///{db}"
    )
    assert code == 1
    assert "chain: intact" in out
    assert f"opinions.adopted: published {adopted - 1}, recomputed {adopted}" in out


def test_a_view_row_tampered_after_the_bulletin_does_not_matter(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Verification never reads the views: the bulletin still verifies, while the live
    report shows the tampering (which ``rebuild`` repairs)."""
    bulletin = write_bulletin(capsys, db, tmp_path / "b.json")
    tamper_view(db)
    code, out, _ = run(
        capsys, "verify-bulletin", str(tmp_path / "b.json"), "--store", f"sqlite:///{db}"
    )
    assert code == 0, out
    code, out, _ = run(capsys, "report", "--store", f"sqlite:///{db}", *SCOPE, *AS_OF, "--json")
    assert json.loads(out)["figures"]["opinions.adopted"] != bulletin["figures"]["opinions.adopted"]


def test_changed_definitions_or_figures_are_differences(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "b.json"
    bulletin = write_bulletin(capsys, db, path)
    bulletin["definitions_hash"] = "0" * 64
    bulletin["figures"]["hearings.held"] += 1
    path.write_text(json.dumps(bulletin), encoding="utf-8")
    code, out, _ = run(capsys, "verify-bulletin", str(path), "--store", f"sqlite:///{db}", "--json")
    assert code == 1
    found = {d["what"]: d for d in json.loads(out)["differences"]}
    assert set(found) == {"definitions", "hearings.held"}
    assert found["hearings.held"]["recomputed"] == bulletin["figures"]["hearings.held"] - 1


def test_the_bulletins_own_policy_is_recomputed_under(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bulletin made under a 1-day feedback deadline verifies (the check uses the
    policy written in it); claiming the default policy instead changes the figures."""
    strict = Policy(feedback_due=Deadline(days=1))
    with Ledger(store=f"sqlite:///{db}", policy=strict) as ledger:
        bulletin = make_bulletin(
            ledger, "QY", rollup=True, end=date(2023, 12, 31), as_of=date(2023, 12, 31)
        )
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bulletin.to_json()), encoding="utf-8")
    assert run(capsys, "verify-bulletin", str(path), "--store", f"sqlite:///{db}")[0] == 0
    claimed = bulletin.to_json()
    claimed["policy"] = policy_to_json(Policy())
    path.write_text(json.dumps(claimed), encoding="utf-8")
    code, out, _ = run(capsys, "verify-bulletin", str(path), "--store", f"sqlite:///{db}")
    assert code == 1 and "feedback.on_time:" in out


def test_the_policy_reads_back_as_it_was() -> None:
    policy = Policy(
        timezone="Asia/Urumqi",
        feedback_due=Deadline(days=10, working_days=True),
        hearing_officers_max=None,
        recusal_relationships=frozenset({Relationship.PARTY}),
        calendar=WeekdayCalendar(
            holidays=frozenset({date(2023, 10, 2)}),
            extra_working_days=frozenset({date(2023, 10, 7)}),
        ),
        petition_procedural_reply=Deadline(days=7, working_days=True),
        business_time_from=date(2000, 1, 1),
        implementation_report_due=Deadline(days=60),
        opinion_receipt_due=None,
        drawn_roles=frozenset({Role.PEOPLES_SUPERVISOR}),
        mandatory_supervision_kinds=frozenset({CaseKind.CRIMINAL_APPEAL}),
        roster_scopes={Role.PEOPLES_SUPERVISOR: RosterScope.CITY_AND_ABOVE},
        draw_seed=SeedSource.CHAIN_ONLY,
        chief_approval_roles=frozenset({ApproverRole.CHIEF_PROSECUTOR}),
    )
    assert policy_to_json(policy)["draw_seed"] == "chain_only"
    assert policy_from_json(json.loads(json.dumps(policy_to_json(policy)))) == policy


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.pop("format"), "format: not a supervision-ledger-bulletin file"),
        (lambda b: b["log"].update(chain_hash="xyz"), "log.chain_hash: must be 64 hexadecimal"),
        (
            lambda b: b["scope"].update(start="2023-13-01"),
            "scope.start: '2023-13-01' is not a date",
        ),
        (lambda b: b["policy"].update(feedback_due=5), "policy.feedback_due:"),
        (lambda b: b["policy"].update(speed=1), "policy.speed: not a setting"),
    ],
)
def test_a_bad_bulletin_is_refused_naming_the_field(
    change: Any,
    message: str,
    db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "b.json"
    bulletin = write_bulletin(capsys, db, path)
    change(bulletin)
    path.write_text(json.dumps(bulletin), encoding="utf-8")
    code, _, err = run(capsys, "verify-bulletin", str(path), "--store", f"sqlite:///{db}")
    assert code == 2 and message in err, err
    with pytest.raises(InvalidBulletin):
        Bulletin.parse(bulletin)


def test_a_redacted_export_cannot_recompute(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_bulletin(capsys, db, tmp_path / "b.json")
    log = tmp_path / "redacted.jsonl"
    assert (
        run(capsys, "export", "--store", f"sqlite:///{db}", "--redact", "--output", str(log))[0]
        == 0
    )
    code, _, err = run(capsys, "verify-bulletin", str(tmp_path / "b.json"), "--export", str(log))
    assert code == 2 and "export without --redact" in err


def test_a_bulletin_at_a_past_position_verifies_and_names_that_position(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Ledger(store=f"sqlite:///{db}") as ledger:
        last = ledger.digest()
        earlier = ledger.digest(at_position=last.position // 2)
        assert ledger.digest(at_position=last.position) == last
        assert ledger.verify(earlier).ok
        assert 0 < earlier.count < last.count and earlier.position <= last.position // 2
    path = tmp_path / "b.json"
    argv = ["bulletin", "--store", f"sqlite:///{db}", *SCOPE, *AS_OF]
    code, _, _ = run(capsys, *argv, "--at-position", str(earlier.position), "--out", str(path))
    assert code == 0
    bulletin = json.loads(path.read_text(encoding="utf-8"))
    assert bulletin["log"] == earlier.to_json()
    _, out, _ = run(
        capsys,
        "report",
        "--store",
        f"sqlite:///{db}",
        *SCOPE,
        *AS_OF,
        "--json",
        "--at-position",
        str(earlier.position),
    )
    assert bulletin["figures"] == json.loads(out)["figures"]
    code, out, _ = run(capsys, "verify-bulletin", str(path), "--store", f"sqlite:///{db}")
    assert code == 0, out
    assert f"up to position {earlier.position} match the bulletin" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("not json\n", "export line 1: not JSON"),
        ('{"type": "header", "format": "other"}\n', "not a supervision-ledger-export header"),
        (
            '{"type": "header", "format": "supervision-ledger-export"}\n{"type": "event"}\n',
            "export line 2: KeyError",
        ),
    ],
)
def test_an_unreadable_export_is_refused_naming_the_line(
    content: str,
    message: str,
    db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_bulletin(capsys, db, tmp_path / "b.json")
    log = tmp_path / "log.jsonl"
    log.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "verify-bulletin", str(tmp_path / "b.json"), "--export", str(log))
    assert code == 2 and message in err, err
