#!/usr/bin/env python3
"""Verify a supervision-ledger export against a digest, with the standard library only.

    python tools/verify_export.py EXPORT.jsonl [--digest FILE_OR_JSON] [--json]

Exit status: 0 intact, 1 tampered (the first failing position and why are printed),
2 unusable input. This is an independent re-implementation of the algorithm in
docs/audit.md ("sha256-chain-v1"); it must not import supervision_ledger or
eventsourcing, so that an auditor can read all of it.

It also re-runs every recorded random draw (Case.SupervisorsDrawn, Hearing.OfficersDrawn,
and a Case.SupervisorReplaced drawn with a seed) from the seed and pool the event
records — each person ranked by SHA-256 of "{seed}:{key}", lowest first — and reports
a draw whose recorded result does not follow (``draw_mismatch``, exit 1). Draws whose
bytes it cannot read (a redacted line, an encrypted or compressed store) are counted
as not re-run.

A draw whose seed was derived from the hash chain (``Policy.draw_seed``, the event's
``seed_basis``: the position and chain hash of the last event stored before it) has its
seed re-derived too: the basis must lie before the draw and hold that chain hash in this
export, and SHA-256 of "supervision-ledger/draw-seed/v1", a line feed and the compact
sorted-key JSON of the draw's own fields, the basis and the originator id must give the
recorded seed (first 8 bytes, big-endian, shifted right by one). A seed that does not
follow is reported (``seed_mismatch``, exit 1). A basis further back than the last
100,000 events is looked up in a second reading of the file (standard input cannot be
read twice: such a seed is counted as not re-derived).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any

ALGORITHM = "sha256-chain-v1"
EVENT_TAG = b"supervision-ledger/event/v1"
GENESIS = bytes(32)


class BadInput(Exception):
    pass


def field(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def canonical(originator_id: str) -> str:
    """The lowercase hyphenated UUID text; a value that is no UUID stays as it is (it
    was tampered with, and will not match the chain)."""
    try:
        return str(uuid.UUID(originator_id))
    except ValueError:
        return originator_id


def event_hash(
    position: int,
    originator_id: str,
    version: int,
    topic: str,
    state: bytes,
    command_id: str | None,
) -> bytes:
    command = b"\x00" if command_id is None else b"\x01" + command_id.encode("utf-8")
    parts = [
        field(EVENT_TAG),
        field(position.to_bytes(8, "big")),
        field(canonical(originator_id).encode("utf-8")),
        field(version.to_bytes(8, "big")),
        field(topic.encode("utf-8")),
        field(state),
        field(command),
    ]
    return hashlib.sha256(b"".join(parts)).digest()


def load_digest(text: str) -> dict[str, Any]:
    if not text.lstrip().startswith("{"):
        try:
            with open(text, encoding="utf-8") as f:
                text = f.read()
        except OSError as error:
            raise BadInput(f"digest: cannot read {text}: {error.strerror}") from None
    try:
        digest = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(f"digest: not JSON ({error.msg})") from None
    if not isinstance(digest, dict):
        raise BadInput("digest: must be a JSON object")
    if digest.get("algorithm", ALGORITHM) != ALGORITHM:
        raise BadInput(f"digest algorithm {digest.get('algorithm')!r} is not {ALGORITHM}")
    position, chain = digest.get("position"), digest.get("chain_hash")
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise BadInput("digest position: must be a non-negative integer")
    if not isinstance(chain, str) or len(chain) != 64:
        raise BadInput("digest chain_hash: must be 64 hexadecimal digits")
    count = digest.get("count")
    return {"position": position, "chain_hash": chain.lower(), "count": count}


Finding = tuple[int, str, str]


def verify(
    lines: Iterable[dict[str, Any]], digest: dict[str, Any] | None
) -> tuple[Finding | None, int, int]:
    """(verdict, checked, last_position): verdict is None or (position, problem, detail)."""
    previous = GENESIS
    checked = 0
    last = 0
    seen = digest is None
    if digest is not None and digest["position"] == 0:
        seen = True
        if digest["chain_hash"] != GENESIS.hex():
            return (0, "digest_mismatch", "the digest's hash is not the genesis"), 0, 0
    for line in lines:
        position = line["position"]
        if digest is not None and not seen and position > digest["position"]:
            return (
                (digest["position"], "missing", "the digest covers this position; nothing there"),
                checked,
                last,
            )
        last = position
        link = line.get("chain")
        if link is None:
            return (position, "unchained", "a stored event that was never chained"), checked, last
        if not line.get("stored"):
            return (position, "missing", "chained but not stored"), checked, last
        identity = (canonical(line["originator_id"]), line["originator_version"])
        if identity != (canonical(link["originator_id"]), link["originator_version"]):
            return (position, "substituted", "a different event sits here"), checked, last
        if line.get("state") is not None:
            stored_hash = event_hash(
                position,
                line["originator_id"],
                line["originator_version"],
                line["topic"],
                base64.b64decode(line["state"], validate=True),
                link.get("command_id"),
            )
        else:
            stored_hash = bytes.fromhex(line["event_hash"])  # a redacted line
        chained_event = bytes.fromhex(link["event_hash"])
        chained = bytes.fromhex(link["chain_hash"])
        if stored_hash != chained_event:
            return (position, "modified", "stored bytes differ from the chain"), checked, last
        if hashlib.sha256(previous + chained_event).digest() != chained:
            return (position, "broken_link", "the chain hash does not follow"), checked, last
        previous = chained
        checked += 1
        if digest is not None and position == digest["position"]:
            seen = True
            if chained.hex() != digest["chain_hash"]:
                return (position, "digest_mismatch", "not the digest's log"), checked, last
            if isinstance(digest["count"], int) and digest["count"] != checked:
                return (position, "digest_mismatch", "event count differs"), checked, last
    if digest is not None and not seen:
        return (
            (digest["position"], "truncated", f"the export ends at position {last}"),
            checked,
            last,
        )
    return None, checked, last


#: The events that record a draw, by the class name at the end of their topic.
DRAW_EVENTS = ("Case.SupervisorsDrawn", "Hearing.OfficersDrawn", "Case.SupervisorReplaced")


def draw_rank(seed: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest(), "big")


def rerun_draw(pool: list[str], count: int, seed: int) -> list[str]:
    """The ``count`` keys of ``pool`` with the lowest rank for ``seed`` (ties by key)."""
    return sorted(set(pool), key=lambda key: (draw_rank(seed, key), key))[:count]


SEED_TAG = "supervision-ledger/draw-seed/v1"
#: How many recent chain hashes are kept for seed bases (older ones: a second reading).
WINDOW = 100_000


def seed_fields(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The draw's own fields a chain-derived seed covers, by event."""
    if name == "Case.SupervisorsDrawn":
        keys = ("activity", "role", "speciality", "count")
    elif name == "Case.SupervisorReplaced":
        keys = ("activity", "supervisor")
    else:  # Hearing.OfficersDrawn
        keys = ("count", "speciality")
    return {"event": name, **{key: data[key] for key in keys}}


def derive_seed(chain_hash: str, position: int, originator_id: str, fields: dict[str, Any]) -> int:
    payload = {
        **fields,
        "chain_hash": chain_hash,
        "position": position,
        "originator_id": canonical(originator_id),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(f"{SEED_TAG}\n{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


class DrawCheck:
    """Re-runs the draws of the lines passing through :meth:`watch`, and re-derives the
    seeds derived from the hash chain."""

    def __init__(self) -> None:
        self.checked = 0
        self.unreadable = 0
        self.seeds_checked = 0
        self.seeds_not_rederived = 0
        self.mismatch: Finding | None = None
        #: Recent positions → chain hash (hex).
        self.recent: OrderedDict[int, str] = OrderedDict()
        #: Bases older than the window: position → [(draw position, claimed hash, detail)].
        self.pending: dict[int, list[tuple[int, str, str]]] = {}

    def watch(self, lines: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for line in lines:
            self.check(line)
            link = line.get("chain")
            if isinstance(link, dict) and isinstance(link.get("chain_hash"), str):
                self.recent[line["position"]] = link["chain_hash"].lower()
                while len(self.recent) > WINDOW:
                    self.recent.popitem(last=False)
            yield line

    def resolve(self, lines: Iterable[dict[str, Any]]) -> None:
        """A second reading: check the bases that had left the window."""
        for line in lines:
            claims = self.pending.pop(line["position"], None)
            link = line.get("chain") or {}
            for position, claimed, detail in claims or ():
                self.basis_found(position, claimed, str(link.get("chain_hash", "")).lower(), detail)
            if not self.pending:
                return

    def unresolved(self) -> None:
        """Bases never found: counted as not re-derived."""
        self.seeds_not_rederived += sum(len(claims) for claims in self.pending.values())
        self.seeds_checked -= sum(len(claims) for claims in self.pending.values())
        self.pending.clear()

    def basis_found(self, position: int, claimed: str, actual: str, detail: str) -> None:
        if claimed != actual:
            self.seed_mismatch(position, f"{detail}: the chain hash there is not {claimed}")

    def seed_mismatch(self, position: int, detail: str) -> None:
        self.found((position, "seed_mismatch", detail))

    def found(self, finding: Finding) -> None:
        """Keep the earliest finding (a basis resolved late may be the earliest)."""
        if self.mismatch is None or finding[0] < self.mismatch[0]:
            self.mismatch = finding

    def check_seed(self, line: dict[str, Any], name: str, data: dict[str, Any]) -> None:
        basis = data.get("seed_basis")
        if basis is None:
            return  # a seed named by the caller, or picked at random
        self.seeds_checked += 1
        position = line["position"]
        base, claimed = int(basis["position"]), str(basis["chain_hash"]).lower()
        detail = f"{name} at position {position} derives its seed from position {base}"
        if not 0 <= base < position:
            self.seed_mismatch(position, f"{detail}, which is not before it")
            return
        expected = derive_seed(claimed, base, line["originator_id"], seed_fields(name, data))
        if expected != data["seed"]:
            self.seed_mismatch(
                position, f"{detail}: the seed derived there is {expected}, not {data['seed']}"
            )
            return
        if base == 0:  # drawn on an empty log: the genesis hash
            self.basis_found(position, claimed, GENESIS.hex(), detail)
        elif base in self.recent:
            self.basis_found(position, claimed, self.recent[base], detail)
        else:
            self.pending.setdefault(base, []).append((position, claimed, detail))

    def check(self, line: dict[str, Any]) -> None:
        name = str(line.get("topic") or "").rsplit(":", 1)[-1]
        if name not in DRAW_EVENTS:
            return
        try:
            data = json.loads(base64.b64decode(line["state"], validate=True))
        except (KeyError, TypeError, ValueError):  # redacted, encrypted or compressed
            self.unreadable += 1
            return
        if name == "Case.SupervisorReplaced":
            if data.get("seed") is None:
                return  # a replacement named by hand: no draw to re-run
            recorded, count = [data["replacement"]], 1
        else:
            recorded, count = list(data["drawn"]), data["count"]
        self.check_seed(line, name, data)
        seed, pool = data["seed"], list(data["pool"])
        self.checked += 1
        expected = rerun_draw(pool, count, seed)
        if recorded != expected:
            self.found(
                (
                    line["position"],
                    "draw_mismatch",
                    f"{name} with seed {seed} over {len(pool)} eligible gives {expected}, "
                    f"the event records {recorded}",
                )
            )


def read_export(path: str) -> Iterator[dict[str, Any]]:
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror}") from None
    with stream:
        header = None
        for number, text in enumerate(stream, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise BadInput(f"line {number}: not JSON ({error.msg})") from None
            if header is None:
                if data.get("type") != "header" or data.get("algorithm") != ALGORITHM:
                    raise BadInput(f"line {number}: not a {ALGORITHM} export header")
                header = data
                continue
            if data.get("type") != "event" or not isinstance(data.get("position"), int):
                raise BadInput(f"line {number}: not an event line")
            yield data
        if header is None:
            raise BadInput("empty export: no header line")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", help="the .jsonl export, or - for standard input")
    parser.add_argument("--digest", metavar="FILE_OR_JSON", help="a digest file or JSON text")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    args = parser.parse_args(argv)
    try:
        digest = load_digest(args.digest) if args.digest is not None else None
        draws = DrawCheck()
        finding, checked, last = verify(draws.watch(read_export(args.export)), digest)
        if draws.pending and args.export != "-":
            draws.resolve(read_export(args.export))
        draws.unresolved()
    except (BadInput, KeyError, TypeError, ValueError) as error:
        print(f"error: unusable input: {error}", file=sys.stderr)
        return 2
    # The chain first: a draw in a tampered log proves nothing either way.
    if finding is None:
        finding = draws.mismatch
    if args.json:
        result: dict[str, Any] = {
            "ok": finding is None,
            "checked": checked,
            "last_position": last,
            "draws_checked": draws.checked,
            "draws_not_rerun": draws.unreadable,
            "seeds_rederived": draws.seeds_checked,
            "seeds_not_rederived": draws.seeds_not_rederived,
        }
        if finding is not None:
            result.update(position=finding[0], problem=finding[1], detail=finding[2])
        print(json.dumps(result, sort_keys=True))
    elif finding is None:
        matched = "" if digest is None else f"; matches the digest at position {digest['position']}"
        print(f"intact: {checked} event(s) up to position {last}{matched}")
        if draws.checked or draws.unreadable:
            unread = f"; {draws.unreadable} not readable here" if draws.unreadable else ""
            print(f"draws: {draws.checked} re-run from their seed and pool, all follow{unread}")
        if draws.seeds_checked or draws.seeds_not_rederived:
            unread = (
                f"; {draws.seeds_not_rederived} not re-derived (basis out of reach)"
                if draws.seeds_not_rederived
                else ""
            )
            print(f"seeds: {draws.seeds_checked} derived from the hash chain, all follow{unread}")
    elif finding[1] == "draw_mismatch":
        print(f"DRAW MISMATCH at position {finding[0]}: {finding[2]}")
    elif finding[1] == "seed_mismatch":
        print(f"SEED MISMATCH at position {finding[0]}: {finding[2]}")
    else:
        print(f"TAMPERED at position {finding[0]}: {finding[1]}: {finding[2]}")
    return 0 if finding is None else 1


if __name__ == "__main__":
    sys.exit(main())
