"""Random but valid histories for the audit tests, and raw tampering of the stores."""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from supervision_ledger import Ledger, LedgerError

NAMES = ("王小明", "李华", "张三丰", "赵敏", "陈一")
START = datetime(2023, 1, 2, 9, 0)


@dataclass
class Step:
    """One recorded command: where the log was after it."""

    command: dict[str, Any]
    position: int | None


def random_history(ledger: Ledger, rnd: random.Random, steps: int) -> list[Step]:
    """Register a unit, then ``steps`` random commands; refused ones are skipped."""
    done: list[Step] = []
    clock = START
    supervisors: list[str] = []
    cases: list[str] = []
    activities: list[tuple[str, str]] = []
    invited: list[tuple[str, str, str]] = []

    def run(cmd: dict[str, Any]) -> bool:
        nonlocal clock
        clock += timedelta(hours=rnd.randint(1, 30))
        cmd.setdefault("occurred_at", clock.isoformat())
        if rnd.random() < 0.5:
            cmd["command_id"] = f"cmd-{len(done)}-{rnd.randrange(10**6)}"
        try:
            result = ledger.execute(cmd)
        except LedgerError:
            return False
        done.append(Step(cmd, result.position))
        return True

    run({"type": "register_unit", "unit": "QY", "name": "清远市人民检察院", "level": "city"})
    for _ in range(steps):
        choice = rnd.choice(("appoint", "case", "activity", "invite", "opinion", "pay"))
        if choice == "appoint" or not supervisors:
            key = f"S{len(supervisors)}"
            if run(
                {
                    "type": "appoint_supervisor",
                    "supervisor": key,
                    "unit": "QY",
                    "name": f"监督员{key}",
                    "roles": ["peoples_supervisor"],
                    "term_start": "2022-01-01",
                }
            ):
                supervisors.append(key)
        elif choice == "case" or not cases:
            key = f"K{len(cases)}"
            parties = [
                {"name": rnd.choice(NAMES), "minor": rnd.random() < 0.3}
                for _ in range(rnd.randint(0, 2))
            ]
            if run(
                {
                    "type": "register_case",
                    "case": key,
                    "unit": "QY",
                    "kind": "other",
                    "handling_prosecutor": "检察官甲",
                    "received_on": clock.date().isoformat(),
                    "parties": parties,
                    "title": f"{parties[0]['name']}案" if parties else None,
                }
            ):
                cases.append(key)
        elif choice == "activity" or not activities:
            case = rnd.choice(cases)
            activity = f"A{sum(1 for c, _ in activities if c == case) + 1}"
            if run(
                {
                    "type": "open_activity",
                    "case": case,
                    "activity": activity,
                    "activity_type": rnd.choice(("quality_review", "public_hearing", "other")),
                }
            ):
                activities.append((case, activity))
        elif choice == "invite":
            case, activity = rnd.choice(activities)
            who = rnd.choice(supervisors)
            if run(
                {
                    "type": "invite_supervisor",
                    "case": case,
                    "activity": activity,
                    "supervisor": who,
                }
            ):
                invited.append((case, activity, who))
        elif choice == "opinion" and invited:
            case, activity, who = rnd.choice(invited)
            where = {"case": case, "activity": activity, "supervisor": who}
            run({"type": "accept_invitation", **where})
            run({"type": "record_attendance", **where})
            run(
                {
                    "type": "submit_opinion",
                    "case": case,
                    "activity": activity,
                    "supervisor": who,
                    "content": f"意见：{rnd.choice(NAMES)}的材料需补充",
                }
            )
        else:
            run(
                {
                    "type": "pay_allowance",
                    "supervisor": rnd.choice(supervisors),
                    "amount": "200.00",
                    "purpose": "履职补贴",
                }
            )
    return done


# -- raw access to the stored tables, as an attacker with write access has it ---------------


class RawStore:
    """SQL on the events and chain tables, bypassing the ledger."""

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlsplit(url)
        if parts.scheme == "sqlite":
            self.backend = "sqlite"
            self.events, self.pos = "stored_events", "rowid"
            self._sqlite = sqlite3.connect(parts.path[1:], isolation_level=None)
        else:
            import psycopg

            self.backend = "postgres"
            schema = parse_qs(parts.query)["schema"][0]
            self.events = f'"{schema}".supervisionledger_events'
            self.chain = f'"{schema}".ledger_chain'
            self.pos = "notification_id"
            self._pg = psycopg.connect(
                dbname=parts.path.lstrip("/"),
                host=parts.hostname,
                port=parts.port or 5432,
                user=parts.username or "postgres",
                autocommit=True,
            )
        if self.backend == "sqlite":
            self.chain = "ledger_chain"

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.backend == "sqlite":
            return self._sqlite.execute(statement, params).fetchall()
        cur = self._pg.execute(statement.replace("?", "%s"), params)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []

    def close(self) -> None:
        if self.backend == "sqlite":
            self._sqlite.close()
        else:
            self._pg.close()

    def positions(self) -> list[int]:
        return [int(r[0]) for r in self.sql(f"SELECT {self.pos} FROM {self.events} ORDER BY 1")]

    def row(self, position: int) -> tuple[Any, ...]:
        return self.sql(
            f"SELECT originator_id, originator_version, topic, state FROM {self.events} "
            f"WHERE {self.pos} = ?",
            (position,),
        )[0]

    def new_id(self) -> Any:
        fresh = uuid.uuid4()
        return fresh.hex if self.backend == "sqlite" else fresh

    # Each mutation returns (position, problem) that verify must report.

    def flip_byte(self, position: int, index: int) -> tuple[int, str]:
        state = bytearray(self.row(position)[3])
        state[index % len(state)] ^= 0x01
        self.set_state(position, bytes(state))
        return position, "modified"

    def set_state(self, position: int, state: bytes) -> None:
        self.sql(f"UPDATE {self.events} SET state = ? WHERE {self.pos} = ?", (state, position))

    def change_topic(self, position: int) -> tuple[int, str]:
        topic = self.row(position)[2]
        self.sql(
            f"UPDATE {self.events} SET topic = ? WHERE {self.pos} = ?", (topic + "X", position)
        )
        return position, "modified"

    def delete_row(self, position: int) -> tuple[int, str]:
        self.sql(f"DELETE FROM {self.events} WHERE {self.pos} = ?", (position,))
        return position, "missing"

    def truncate_tail(self, position: int) -> tuple[int, str]:
        self.sql(f"DELETE FROM {self.events} WHERE {self.pos} >= ?", (position,))
        return position, "missing"

    def insert_forged(self, like: int) -> tuple[int, str]:
        _, _, topic, state = self.row(like)
        self.sql(
            f"INSERT INTO {self.events} (originator_id, originator_version, topic, state) "
            "VALUES (?, 1, ?, ?)",
            (self.new_id(), topic, state),
        )
        return max(self.positions()), "unchained"

    def swap(self, first: int, second: int) -> tuple[int, str]:
        a, b = self.row(first), self.row(second)
        # Park both rows under fresh ids so the primary key never collides.
        for position in (first, second):
            self.sql(
                f"UPDATE {self.events} SET originator_id = ? WHERE {self.pos} = ?",
                (self.new_id(), position),
            )
        set_row = (
            f"UPDATE {self.events} SET originator_id = ?, originator_version = ?, topic = ?, "
            f"state = ? WHERE {self.pos} = ?"
        )
        self.sql(set_row, (*b, first))
        self.sql(set_row, (*a, second))
        return min(first, second), "substituted"

    def truncate_with_chain(self, position: int, digest_position: int) -> tuple[int, str]:
        """An attacker who also deletes the chain rows: only the digest tells."""
        self.sql(f"DELETE FROM {self.events} WHERE {self.pos} >= ?", (position,))
        self.sql(f"DELETE FROM {self.chain} WHERE position >= ?", (position,))
        return digest_position, "truncated"

    def rewrite_and_rechain(self, position: int, digest_position: int) -> tuple[int, str]:
        """An attacker who edits an event and recomputes the whole chain consistently."""
        from supervision_ledger.persistence.chain import GENESIS, chain_hash, event_hash

        state = bytearray(self.row(position)[3])
        state[0] ^= 0x01
        self.set_state(position, bytes(state))
        previous = GENESIS
        chain = self.sql(f"SELECT position, command_id FROM {self.chain} ORDER BY position")
        for pos, command_id in chain:
            oid, version, topic, stored = self.row(pos)
            this = event_hash(pos, str(oid), version, topic, bytes(stored), command_id)
            previous = chain_hash(previous, this)
            self.sql(
                f"UPDATE {self.chain} SET event_hash = ?, chain_hash = ? WHERE position = ?",
                (this, previous, pos),
            )
        return digest_position, "digest_mismatch"


Mutation = Callable[[RawStore, random.Random, list[int], int], tuple[int, str]]

MUTATIONS: dict[str, Mutation] = {
    "flip_byte": lambda s, r, ps, d: s.flip_byte(r.choice(ps), r.randrange(10**6)),
    "change_topic": lambda s, r, ps, d: s.change_topic(r.choice(ps)),
    "delete_row": lambda s, r, ps, d: s.delete_row(r.choice(ps)),
    "truncate_tail": lambda s, r, ps, d: s.truncate_tail(r.choice(ps)),
    "insert_forged": lambda s, r, ps, d: s.insert_forged(r.choice(ps)),
    "swap": lambda s, r, ps, d: s.swap(*r.sample(ps, 2)),
    "truncate_with_chain": lambda s, r, ps, d: s.truncate_with_chain(r.choice(ps), d),
    "rewrite_and_rechain": lambda s, r, ps, d: s.rewrite_and_rechain(r.choice(ps), d),
}
