"""Personal data (issue 13, docs/privacy.md): encryption at rest that covers the views,
refusals of a key that does not fit, redacted exports that leak nothing, forgetting a
person without breaking the chain or changing a figure."""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import re
import sqlite3
import typing
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from stores import _pg_connect_kwargs, drop_schema, new_postgres_url, require_postgres

from supervision_ledger import Ledger
from supervision_ledger import commands as c
from supervision_ledger.cli import main
from supervision_ledger.demo.runner import run_demo
from supervision_ledger.errors import (
    CipherKeyRequired,
    InvalidCipherKey,
    NotFound,
    StoreNotEncrypted,
    WrongCipherKey,
)
from supervision_ledger.persistence.crypto import FORGOTTEN, new_key

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_export", ROOT / "tools/verify_export.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()
#: Fields of commands that name a person (beside every free text, and parties' names).
PERSON_FIELDS = frozenset(
    {
        "handling_prosecutor",
        "party",
        "presiding_prosecutor",
        "approved_by",
        "leader",
        "attendee",
        "verified_by",
        "nominated_by",
    }
)


def _is_text(annotation: Any) -> bool:
    return c.Text in (annotation, *typing.get_args(annotation))


def personal_strings(commands: Iterable[c.Command]) -> set[str]:
    """Every person's name and every free text the commands hold (organisations' names,
    e.g. units, are not personal data)."""
    found: set[str] = set()
    units: set[str] = set()
    for command in commands:
        if isinstance(command, c.RegisterUnit):
            units.add(command.name)
            continue
        for name, info in type(command).model_fields.items():
            value = getattr(command, name)
            if value is None:
                continue
            if name == "parties":
                found.update(p.name for p in value)
            elif _is_text(info.annotation) or name in PERSON_FIELDS or name == "name":
                found.update([value] if isinstance(value, str) else value)
    return {s for s in found - units if len(s) >= 2}


def officials(commands: Iterable[c.Command]) -> set[str]:
    """Names of supervisors and of prosecutors and other officials."""
    found: set[str] = set()
    for command in commands:
        for field in ("handling_prosecutor", "presiding_prosecutor", *OFFICIAL_FIELDS):
            value = getattr(command, field, None)
            if isinstance(value, str):
                found.add(value)
        if isinstance(command, c.AppointSupervisor):
            found.add(command.name)
    return found


OFFICIAL_FIELDS = ("approved_by", "leader", "attendee", "verified_by", "nominated_by")


class Recording:
    """Runs commands through a ledger and keeps them."""

    def __init__(self, ledger: Ledger) -> None:
        self.commands: list[c.Command] = []
        execute = ledger.execute

        def run(command: c.Command | dict[str, Any]) -> Any:
            parsed = c.parse_command(command) if isinstance(command, dict) else command
            self.commands.append(parsed)
            return execute(parsed)

        ledger.execute = run  # type: ignore[method-assign]


@pytest.fixture(params=["sqlite-file", "postgres"])
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store on disk: an SQLite file or a PostgreSQL schema of its own."""
    if request.param == "sqlite-file":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        require_postgres()
        url, schema = new_postgres_url()
        try:
            yield url
        finally:
            drop_schema(schema)


def raw_store(url: str) -> bytes:
    """Everything the store holds, as bytes: the SQLite file after a WAL checkpoint, or
    every text and bytea column of every table of the PostgreSQL schema."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return Path(path).read_bytes()
    import psycopg
    from psycopg import sql

    schema = re.search(r"schema=([a-z0-9_]+)", url)
    assert schema is not None
    chunks: list[bytes] = []
    with psycopg.connect(**_pg_connect_kwargs()) as conn:  # type: ignore[arg-type]
        columns = conn.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s ORDER BY table_name, column_name",
            (schema.group(1),),
        ).fetchall()
        for table, column, data_type in columns:
            if data_type not in ("text", "bytea", "character varying", "json", "jsonb"):
                continue
            query = sql.SQL("SELECT {} FROM {}.{}").format(
                sql.Identifier(column), sql.Identifier(schema.group(1)), sql.Identifier(table)
            )
            values = [
                bytes(value) if data_type == "bytea" else str(value).encode()
                for (value,) in conn.execute(query)
                if value is not None
            ]
            chunks.extend(sorted(values))  # the same state reads the same, whatever the order
    return b"\n".join(chunks)


def leaked(strings: Iterable[str], data: bytes) -> list[str]:
    return sorted(s for s in strings if s.encode() in data)


# -- encryption at rest -------------------------------------------------------------------


def test_with_a_key_no_name_or_free_text_of_a_demo_year_is_in_the_store(
    durable_url: str,
) -> None:
    key = new_key()
    with Ledger(store=durable_url, cipher_key=key) as ledger:
        recording = Recording(ledger)
        run_demo(ledger, 2023)
        ledger.catch_up()
        assert ledger.dossier("QC-TZ-01").name not in ("", FORGOTTEN)
    strings = personal_strings(recording.commands)
    assert len(strings) > 100  # names of people and texts of every kind
    data = raw_store(durable_url)
    # The views hold what they show, sealed: the people's names are in there somewhere.
    assert data.count(b"sealed:v1:S:") > 50
    assert leaked(strings, data) == []


def test_the_views_read_the_names_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(store=url, cipher_key=new_key()) as ledger:
        story(ledger)
        assert ledger.dossier("S1").name == "周监督"
        labels = [item.label for item in ledger.listing("case").items]
        assert labels == ["王小明盗窃案"]


def story(ledger: Ledger) -> None:
    ledger.execute(
        {
            "type": "register_unit",
            "unit": "QY",
            "name": "清远市人民检察院",
            "level": "city",
            "occurred_at": "2023-01-02T09:00",
        }
    )
    ledger.execute(
        {
            "type": "appoint_supervisor",
            "supervisor": "S1",
            "unit": "QY",
            "name": "周监督",
            "roles": ["peoples_supervisor"],
            "term_start": "2022-01-01",
            "occurred_at": "2023-01-02T10:00",
        }
    )
    ledger.execute(
        {
            "type": "register_case",
            "case": "K1",
            "unit": "QY",
            "kind": "other",
            "title": "王小明盗窃案",
            "handling_prosecutor": "检察官甲",
            "parties": [{"name": "王小明", "minor": True}, {"name": "李华"}],
            "received_on": "2023-01-02",
            "occurred_at": "2023-01-02T11:00",
            "command_id": "register-K1",
        }
    )
    ledger.execute(
        {
            "type": "declare_relationship",
            "supervisor": "S1",
            "relationship": "close_relative",
            "party": "李华",
            "occurred_at": "2023-01-02T12:00",
            "command_id": "relationship-S1",
        }
    )


def _state(url: str) -> bytes:
    return raw_store(url)


def test_an_encrypted_store_is_refused_without_its_key(durable_url: str) -> None:
    with Ledger(store=durable_url, cipher_key=new_key()) as ledger:
        story(ledger)
    before = _state(durable_url)
    with pytest.raises(CipherKeyRequired, match="encrypted at rest"):
        Ledger(store=durable_url)
    assert _state(durable_url) == before


def test_an_encrypted_store_is_refused_with_another_key(durable_url: str) -> None:
    with Ledger(store=durable_url, cipher_key=new_key()) as ledger:
        story(ledger)
    before = _state(durable_url)
    with pytest.raises(WrongCipherKey, match="is not the key"):
        Ledger(store=durable_url, cipher_key=new_key())
    assert _state(durable_url) == before


def test_a_plaintext_store_is_refused_with_a_key(durable_url: str) -> None:
    with Ledger(store=durable_url) as ledger:
        story(ledger)
    before = _state(durable_url)
    with pytest.raises(StoreNotEncrypted, match="not encrypted at rest"):
        Ledger(store=durable_url, cipher_key=new_key())
    assert _state(durable_url) == before


def test_a_key_that_is_no_key_is_refused(sqlite_file_url: str) -> None:
    with pytest.raises(InvalidCipherKey, match="keygen"):
        Ledger(store=sqlite_file_url, cipher_key="not a key")
    with pytest.raises(InvalidCipherKey, match="8 bytes"):
        Ledger(store=sqlite_file_url, cipher_key="c2hvcnRrZXk=")


def test_a_store_encrypted_before_it_remembered_it_is_refused_without_its_key(
    sqlite_file_url: str,
) -> None:
    """Stores written with eventsourcing's CIPHER_KEY before ``ledger_meta`` existed:
    the first event tells whether the store is encrypted."""
    key = new_key()
    with Ledger(store=sqlite_file_url, env={"CIPHER_KEY": key}) as ledger:
        story(ledger)
    path = sqlite_file_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE ledger_meta")
    with pytest.raises(CipherKeyRequired):
        Ledger(store=sqlite_file_url)
    with pytest.raises(WrongCipherKey):
        Ledger(store=sqlite_file_url, cipher_key=new_key())
    with Ledger(store=sqlite_file_url, cipher_key=key) as reopened:
        assert reopened.supervisor("S1").name == "周监督"


def test_the_cli_refuses_with_exit_2_and_names_the_rule(
    sqlite_file_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["keygen"]) == 0
    key = capsys.readouterr().out.strip()
    monkeypatch.setenv("SUPERVISION_LEDGER_CIPHER_KEY", key)
    with Ledger(store=sqlite_file_url) as ledger:  # the key from the environment
        story(ledger)
    assert main(["report", "--json", "--store", sqlite_file_url]) == 0
    capsys.readouterr()
    monkeypatch.delenv("SUPERVISION_LEDGER_CIPHER_KEY")
    assert main(["report", "--json", "--store", sqlite_file_url]) == 2
    assert capsys.readouterr().err.startswith("error: cipher_key_required: ")
    monkeypatch.setenv("SUPERVISION_LEDGER_CIPHER_KEY", new_key())
    assert main(["report", "--json", "--store", sqlite_file_url]) == 2
    assert capsys.readouterr().err.startswith("error: wrong_cipher_key: ")
    # An auditor verifies and digests an encrypted store without its key.
    monkeypatch.delenv("SUPERVISION_LEDGER_CIPHER_KEY")
    assert main(["verify", "--store", sqlite_file_url]) == 0


# -- redacted exports -----------------------------------------------------------------------


def doc_commands(doc: str) -> list[dict[str, Any]]:
    text = (DOCS / doc).read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    if doc == "flows.md":
        return [json.loads(block) for block in blocks]
    return [json.loads(line) for block in blocks for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("level", ["auditor", "people"])
def test_a_redacted_export_of_every_command_type_leaks_no_name_or_text(
    tmp_path: Path, level: str
) -> None:
    seen: set[str] = set()
    for doc in ("commands.md", "flows.md"):
        with Ledger(store=f"sqlite:///{tmp_path / doc}.db") as ledger:
            recording = Recording(ledger)
            for command in doc_commands(doc):
                ledger.execute(command)
            out = io.StringIO()
            ledger.export(out, redact=level)
            seen |= {command.type for command in recording.commands}
            strings = personal_strings(recording.commands)
            if level == "auditor":  # supervisors and prosecutors stay readable to the auditor
                kept = officials(recording.commands)
                # (a party 孙某 is found inside a kept supervisor's name 孙某某)
                strings = {s for s in strings if not any(s in name for name in kept)}
            assert strings
            text = out.getvalue()
            assert leaked(strings, text.encode()) == []
            # ... in the fields, nor in the stored bytes (base64) the export carries.
            for line in text.splitlines()[1:]:
                state = json.loads(line).get("state")
                if state:
                    assert leaked(strings, base64.b64decode(state)) == []
            # Redacted exports still verify against the digest (tools/verify_export.py).
            lines = [json.loads(line) for line in text.splitlines()[1:]]
            digest = json.dumps(ledger.digest().to_json())
            finding, checked, _ = TOOL.verify(lines, TOOL.load_digest(digest))
            assert finding is None and checked == len(lines)
    assert seen == set(c.COMMAND_TYPES)


# -- forgetting ---------------------------------------------------------------------------


def minor_party(ledger: Ledger) -> tuple[str, str]:
    """(case, name) of the first minor party of the ledger's cases."""
    cursor = None
    while True:
        page = ledger.listing("case", limit=200, cursor=cursor)
        for item in page.items:
            for party in ledger.case(item.key).parties:
                if party.minor:
                    return item.key, party.name
        cursor = page.next_cursor
        assert cursor is not None, "the demo year has a case with a minor party"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def field_values(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from field_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from field_values(item)


def test_forgetting_a_supervisor_and_a_minor_party_after_a_demo_year(
    durable_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with Ledger(store=durable_url) as ledger:
        run_demo(ledger, 2023)
        supervisor = "QC-TZ-01"
        name = ledger.supervisor(supervisor).name
        case, party = minor_party(ledger)
        assert name and party
    store = ("--store", durable_url)
    digest = tmp_path / "digest.json"
    digest.write_text(run_cli(capsys, "digest", *store), encoding="utf-8")
    report = run_cli(capsys, "report", "--json", *store)
    forgotten = json.loads(
        run_cli(capsys, "forget", supervisor, "--reason", "删除申请 2024-001", *store)
    )
    assert forgotten["kind"] == "supervisor" and supervisor not in forgotten["subject"]
    run_cli(capsys, "forget", party, "--kind", "party", "--reason", "删除申请 2024-002", *store)

    # Nothing readable is left, in the store or through the ledger.
    data = raw_store(durable_url)
    assert name.encode() not in data and party.encode() not in data
    with Ledger(store=durable_url) as ledger:
        full = io.StringIO()
        ledger.export(full)
        values = {
            v for line in full.getvalue().splitlines() for v in field_values(json.loads(line))
        }
        assert name not in values and party not in values
        assert ledger.supervisor(supervisor).name == FORGOTTEN
        assert ledger.dossier(supervisor).name == FORGOTTEN
        assert party not in [p.name for p in ledger.case(case).parties]
        with pytest.raises(NotFound, match="forgotten"):  # once is enough
            ledger.forget(supervisor, reason="again")
    # The chain still holds what the digest taken before committed to; no figure moved.
    assert "intact" in run_cli(capsys, "verify", "--digest", str(digest), *store)
    assert run_cli(capsys, "report", "--json", *store) == report
    history = run_cli(capsys, "history", f"supervisor:{supervisor}", *store)
    assert f"name: {FORGOTTEN}" in history and name not in history
    assert FORGOTTEN in run_cli(capsys, "history", f"case:{case}", *store)


def test_forgetting_a_petitioner(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    commands = doc_commands("flows.md")
    with Ledger(store=url) as ledger:
        for command in commands:
            ledger.execute(command)
        subject = ledger.petition("XF-2023-001").subject
        assert subject != FORGOTTEN
        before = ledger.statistics().model_dump(mode="json")
        result = ledger.forget("XF-2023-001", kind="petitioner", reason="删除申请")
        assert result.kind == "petitioner"
        assert ledger.petition("XF-2023-001").subject == FORGOTTEN
        assert ledger.statistics().model_dump(mode="json") == before
        with pytest.raises(NotFound):
            ledger.forget("XF-2099-999", kind="petitioner", reason="删除申请")
    assert subject.encode() not in Path(url.removeprefix("sqlite:///")).read_bytes()


def unit_and_people(ledger: Ledger, people: dict[str, str]) -> None:
    """A unit QC and these people (key → name) appointed to it."""
    ledger.execute(
        c.RegisterUnit(
            unit="QC",
            name="清城区人民检察院",
            level="district",  # type: ignore[arg-type]
            occurred_at="2023-01-01T09:00",  # type: ignore[arg-type]
        )
    )
    for n, (key, name) in enumerate(people.items()):
        ledger.execute(
            c.AppointSupervisor(
                supervisor=key,
                unit="QC",
                name=name,
                roles=["peoples_supervisor"],  # type: ignore[list-item]
                term_start="2023-01-01",  # type: ignore[arg-type]
                occurred_at=f"2023-01-02T09:{n:02d}",  # type: ignore[arg-type]
            )
        )


def test_forgetting_empties_the_aggregates_in_memory(tmp_path: Path) -> None:
    # The ledger that forgets keeps no aggregate holding the name: a command on the
    # person right after (which would take it from the cache) and the snapshot it takes
    # (every event here) hold the forgotten marker, never the name.
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(store=url, env={"SNAPSHOT_INTERVAL": "1"}) as ledger:
        unit_and_people(ledger, {"S1": "周监督"})
        ledger.forget("S1", reason="删除申请")
        cache: Any = ledger.app.repository.cache
        assert not cache.cache  # the mapping itself, not only the recency list
        ledger.execute(
            c.RecordTraining(
                supervisor="S1",
                topic="履职培训",
                hours="2",  # type: ignore[arg-type]
                occurred_at="2023-02-01T09:00",  # type: ignore[arg-type]
            )
        )
        assert ledger.supervisor("S1").name == FORGOTTEN
    assert "周监督".encode() not in raw_store(url)


def test_a_snapshot_seals_values_the_process_no_longer_remembers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A long-running process remembers a bounded number of personal values (to seal
    # snapshots again); past it, it forgets them all. A snapshot taken after that of an
    # aggregate loaded before must still hold every name sealed, never in plain.
    from supervision_ledger.persistence import store_meta

    monkeypatch.setattr(store_meta, "_LEARNED_MAX", 4)
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(store=url, env={"SNAPSHOT_INTERVAL": "3"}) as ledger:
        names = ["周监督", "吴某甲", "郑某乙", "王某丙", "冯某丁", "陈某戊"]
        unit_and_people(ledger, {f"S{n}": name for n, name in enumerate(names)})
        for day in range(2, 8):  # S0's own file grows past its snapshot points
            ledger.execute(
                c.RecordTraining(
                    supervisor="S0",
                    topic=f"第{day}次履职培训",
                    hours="2",  # type: ignore[arg-type]
                    occurred_at=f"2023-02-0{day}T09:00",  # type: ignore[arg-type]
                )
            )
        assert ledger.app.snapshots is not None
        assert list(ledger.app.snapshots.get(ledger.supervisor("S0").id))
        assert ledger.supervisor("S0").name == "周监督"
    assert "周监督".encode() not in raw_store(url)
