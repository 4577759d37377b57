"""Issue 8, point 5: store URLs are validated up front — a clear error, nothing created,
no password echoed — by the API and by the command line."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from stores import PG_BASE, _pg_connect_kwargs, drop_schema, require_postgres

from supervision_ledger import Ledger
from supervision_ledger.cli import main
from supervision_ledger.persistence.store import (
    InvalidStoreURL,
    StoreUnavailable,
    check_schema_name,
    parse_store_url,
)

SECRET = "S3cr3t-pw"


def schema_exists(schema: str) -> bool:
    import psycopg

    with psycopg.connect(**_pg_connect_kwargs()) as conn:  # type: ignore[arg-type]
        row = conn.execute(
            "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [schema]
        ).fetchone()
    return row is not None


def with_schema(schema: str) -> str:
    sep = "&" if "?" in PG_BASE else "?"
    return f"{PG_BASE}{sep}schema={schema}"


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        ("MySchema", "lower case"),
        ("pg_x", "reserved for PostgreSQL"),
        ("a%00", "not a plain PostgreSQL identifier"),
        ("information_schema", "PostgreSQL's own"),
        ("1abc", "not starting with a digit"),
        ("a-b", "not a plain PostgreSQL identifier"),
        ("x" * 64, "only the first 63"),
        ("", "empty"),
    ],
)
def test_unusable_schema_names_are_refused_before_anything_is_created(
    schema: str, reason: str
) -> None:
    url = f"postgresql://u:{SECRET}@127.0.0.1:5432/test?schema={schema}"
    with pytest.raises(InvalidStoreURL) as info:
        Ledger(store=url)
    assert reason in info.value.message
    assert SECRET not in str(info.value) and "u:***@" in info.value.message


def test_schema_names_up_to_63_bytes_are_accepted() -> None:
    assert check_schema_name("x" * 63) is None
    assert check_schema_name("ledger_2023") is None
    assert check_schema_name("_private") is None
    # Bytes, not characters: PostgreSQL counts bytes.
    assert check_schema_name("é" * 32) is not None


def test_two_schemas_differing_after_63_characters_cannot_share_a_ledger() -> None:
    base = "l" * 63
    for name in (base + "a", base + "b"):
        with pytest.raises(InvalidStoreURL, match="63"):
            parse_store_url(f"postgresql://postgres@127.0.0.1/test?schema={name}")


@pytest.mark.parametrize(
    "url",
    [
        f"mysql://root:{SECRET}@localhost/db",
        f"postgresql://u:{SECRET}@127.0.0.1:5432/",
        f"postgresql://u:{SECRET}@127.0.0.1:5432/test?schema=a&sslmode=off",
        f"postgresql://u:{SECRET}@127.0.0.1:5432/test?schema=a&schema=b",
        f"postgresql://u:{SECRET}@127.0.0.1:99999/test",
    ],
)
def test_no_message_echoes_the_password(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InvalidStoreURL) as info:
        parse_store_url(url)
    assert SECRET not in str(info.value)
    assert main(["report", "--store", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: invalid_store_url: ") and SECRET not in err


def test_sqlite_urls_that_name_no_database_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidStoreURL, match="is not an SQLite database"):
        Ledger(store="sqlite:////proc/version")
    with pytest.raises(InvalidStoreURL, match="is not a regular file"):
        Ledger(store=f"sqlite:///{tmp_path}")
    text = tmp_path / "notes.txt"
    text.write_text("not a database", encoding="utf-8")
    with pytest.raises(InvalidStoreURL, match="is not an SQLite database"):
        Ledger(store=f"sqlite:///{text}")
    assert text.read_text(encoding="utf-8") == "not a database"
    with pytest.raises(InvalidStoreURL, match="does not exist"):
        Ledger(store=f"sqlite:///{tmp_path}/missing/ledger.db")
    assert not (tmp_path / "missing").exists()
    # An empty file is a new SQLite database.
    empty = tmp_path / "empty.db"
    empty.touch()
    with Ledger(store=f"sqlite:///{empty}") as ledger:
        assert ledger.digest().position == 0


def test_the_cli_reports_proc_version_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commands = tmp_path / "c.jsonl"
    commands.write_text("", encoding="utf-8")
    assert main(["apply", str(commands), "--store", "sqlite:////proc/version"]) == 2
    assert capsys.readouterr().err == (
        "error: invalid_store_url: 'sqlite:////proc/version': /proc/version is not an "
        "SQLite database\n"
    )


def test_a_missing_database_is_a_clear_error_and_creates_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    database = f"missing_{uuid.uuid4().hex[:8]}"
    base = PG_BASE.rsplit("/", 1)[0]
    url = f"{base}/{database}?schema={schema}"
    with pytest.raises(StoreUnavailable) as info:
        Ledger(store=url)
    assert f"database {database!r}" in info.value.message
    assert main(["report", "--store", url]) == 2
    assert capsys.readouterr().err.startswith("error: store_unavailable: ")


def test_a_refused_schema_is_not_created_and_a_good_one_is() -> None:
    require_postgres()
    good = f"t_{uuid.uuid4().hex[:16]}"
    try:
        with pytest.raises(InvalidStoreURL):
            Ledger(store=with_schema(good.upper()))
        assert not schema_exists(good.upper()) and not schema_exists(good)
        with Ledger(store=with_schema(good)) as ledger:
            ledger.execute(
                {
                    "type": "register_unit",
                    "unit": "QC",
                    "name": "清城",
                    "level": "district",
                    "occurred_at": "2023-01-01T09:00",
                }
            )
        assert schema_exists(good)
    finally:
        drop_schema(good)
