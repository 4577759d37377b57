"""Generated multi-unit stores for the benchmarks: a province with many cities and districts.

One unit-year is the demo's year of 清城区 (about 6,400 events: a city, a district, their
people, cases, activities, hearings and the neighbouring flows), recorded once through
``Ledger.execute`` by :func:`supervision_ledger.demo.run_demo`. Its commands are kept and
replayed, renamed, for each further copy: copy *k* becomes city ``GD-Ckkk`` and district
``GD-Ckkk-D`` under the province ``GD``, every person, case, hearing, suggestion,
petition, lead, agreement and sitting key gets the prefix ``Ckkk:``. Renaming keeps the
relative order of every draw pool, so each copy's seeded draws pick the corresponding
people and the copy is as valid as the original — every event goes through the public
command API, with its validation, rules and hash chain.

Stores grow by copies and are cached under ``bench/.cache/`` (gitignored): the store of
*n* copies is the store of the previous size plus the missing copies, so a second run
reuses them. Delete the directory to regenerate.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from supervision_ledger import Ledger

CACHE = Path(__file__).resolve().parent / ".cache"
#: Bump when the generated histories change (the cached stores are then rebuilt).
GENERATOR_VERSION = 1
PROVINCE = "GD"
PROVINCE_NAME = "广东省人民检察院"
DEMO_CITY, DEMO_DISTRICT = "QY", "QY-QC"
SEED = 2023

#: Command fields that hold the key of something a copy must own alone.
KEY_FIELDS = {
    "supervisor",
    "case",
    "unit_activity",
    "hearing",
    "suggestion",
    "petition",
    "lead",
    "agreement",
    "sitting",
    "replacement",
    "initiated_by",
    "officer",
    "representative",
    "absent",
    "reporter",
    "reference",
    "command_id",
}
UNIT_FIELDS = {"unit", "parent"}
#: The fields that name where an activity step happens: a case's activity or a unit activity.
OWNER_FIELDS = ("case", "activity", "unit_activity")


def city_of(copy: int) -> str:
    return f"{PROVINCE}-C{copy:03d}"


def district_of(copy: int) -> str:
    return f"{city_of(copy)}-D"


def template_commands(log: Any = print) -> list[dict[str, Any]]:
    """The demo year's commands, as JSON-ready dicts (recorded once, then cached)."""
    path = CACHE / f"template-v{GENERATOR_VERSION}.jsonl"
    if path.exists():
        return [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    from supervision_ledger import demo

    CACHE.mkdir(exist_ok=True)
    log("recording the template unit-year (the demo) …")
    ledger = Ledger(store="sqlite:///:memory:")
    rows: list[dict[str, Any]] = []
    execute = ledger.execute

    def recording(command: Any) -> Any:
        result = execute(command)
        rows.extend(without_draws(command.model_dump(mode="json", exclude_none=True), result))
        return result

    ledger.execute = recording  # type: ignore[method-assign]
    try:
        demo.run_demo(ledger, SEED)
    finally:
        ledger.close()
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    tmp.replace(path)
    return rows


def without_draws(command: dict[str, Any], result: Any) -> list[dict[str, Any]]:
    """The command with its random choices written out: a draw becomes the invitations
    of the people it drew, a random replacement names the replacement. (A draw ranks
    people by a hash of their key, so a renamed copy would draw other people.)"""
    kind = command["type"]
    if kind in ("draw_supervisors", "draw_hearing_officers"):
        invitations = []
        for i, key in enumerate(result.keys("drawn")):
            invitation = {
                "occurred_at": command["occurred_at"],
                "command_id": f"{command['command_id']}-{i}",
                "supervisor": key,
            }
            if kind == "draw_supervisors":
                # A step names its case and activity, or its unit activity (issue 12).
                owner = {
                    k: command[k] for k in ("case", "activity", "unit_activity") if k in command
                }
                invitation.update(type="invite_supervisor", role=command["role"], **owner)
            else:
                invitation.update(type="invite_hearing_officer", hearing=command["hearing"])
            invitations.append(invitation)
        return invitations
    if kind == "replace_supervisor" and "replacement" not in command:
        command = {k: v for k, v in command.items() if k != "seed"}
        command["replacement"] = result.key("replacement")
    return [command]


def renamed(command: dict[str, Any], copy: int) -> dict[str, Any]:
    """``command`` as copy ``copy`` records it."""
    units = {DEMO_CITY: city_of(copy), DEMO_DISTRICT: district_of(copy)}
    prefix = f"C{copy:03d}:"
    out: dict[str, Any] = {}
    for name, value in command.items():
        if name in UNIT_FIELDS and isinstance(value, str):
            out[name] = units.get(value, value)
        elif name in KEY_FIELDS and isinstance(value, str):
            out[name] = prefix + value
        elif name in KEY_FIELDS and isinstance(value, list):
            out[name] = [prefix + v for v in value]
        else:
            out[name] = value
    if command["type"] == "register_unit":
        out["name"] = f"{command['name']}（{copy:03d}）"
        if command["unit"] == DEMO_CITY:
            out["parent"] = PROVINCE
    return out


def store_path(copies: int) -> Path:
    return CACHE / f"province-v{GENERATOR_VERSION}-{copies:04d}.db"


def copies_in(path: Path) -> int:
    """How many copies a cached store holds (its cities), 0 if none or unreadable."""
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            (n,) = conn.execute(
                "SELECT COUNT(*) FROM stored_events "
                "WHERE topic LIKE '%ProcuratorateUnit.Registered'"
            ).fetchone()
    except sqlite3.Error:
        return 0
    return max(0, (int(n) - 1) // 2)


def record_copies(ledger: Ledger, first: int, last: int, log: Any = print) -> None:
    """Record copies ``first`` … ``last - 1`` of the template into ``ledger``."""
    template = template_commands(log)
    for copy in range(first, last):
        start = time.perf_counter()
        # One batch per unit-year (one transaction, each command with its own rules,
        # command record and chain entries): the same store as one command at a time.
        ledger.execute_many([renamed(command, copy) for command in template])
        elapsed = time.perf_counter() - start
        log(f"  copy {copy + 1}/{last}: {len(template)} commands in {elapsed:.1f} s")


def register_province(ledger: Ledger) -> None:
    ledger.execute(
        {
            "type": "register_unit",
            "unit": PROVINCE,
            "name": PROVINCE_NAME,
            "level": "province",
            "occurred_at": "2018-01-02T09:00",
            "command_id": "bench-province",
        }
    )


def sqlite_store(copies: int, log: Any = print) -> Path:
    """The cached SQLite store of ``copies`` unit-years (generated as needed)."""
    CACHE.mkdir(exist_ok=True)
    path = store_path(copies)
    if copies_in(path) == copies:
        return path
    # Grow from the largest smaller cached store.
    smaller = sorted(
        (p for p in CACHE.glob(f"province-v{GENERATOR_VERSION}-*.db") if p != path),
        key=lambda p: int(p.stem.rsplit("-", 1)[1]),
    )
    base = 0
    work = path.with_suffix(".tmp")
    for leftover in (Path(f"{work}-wal"), Path(f"{work}-shm")):
        leftover.unlink(missing_ok=True)  # of an interrupted run
    for candidate in reversed(smaller):
        have = copies_in(candidate)
        if 0 < have < copies:
            shutil.copyfile(candidate, work)
            base = have
            break
    else:
        work.unlink(missing_ok=True)
    log(f"generating a store of {copies} unit-years (from {base}) …")
    ledger = Ledger(store=f"sqlite:///{work}")
    try:
        if base == 0:
            register_province(ledger)
        record_copies(ledger, base, copies, log)
    finally:
        ledger.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    work.replace(path)
    return path


def postgres_store(url: str, copies: int, log: Any = print) -> Ledger | None:
    """A Ledger on a PostgreSQL store of ``copies`` unit-years, kept in its own schema
    between runs; None when no server answers."""
    try:
        ledger = Ledger(store=url)
    except Exception as exc:
        log(f"PostgreSQL not reachable ({type(exc).__name__}); skipping its measures")
        return None
    try:
        ledger.unit(city_of(copies - 1))
        return ledger
    except Exception:
        pass
    have = 0
    while have < copies:
        try:
            ledger.unit(city_of(have))
        except Exception:
            break
        have += 1
    log(f"generating a PostgreSQL store of {copies} unit-years (from {have}) …")
    if have == 0:
        register_province(ledger)
    record_copies(ledger, have, copies, log)
    return ledger


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    print(sqlite_store(n))
