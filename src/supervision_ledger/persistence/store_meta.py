"""What a store remembers about itself, and the keys of its data subjects.

``ledger_meta`` (name → value) records whether the store is encrypted at rest, the
fingerprint of its master key, and its pepper (a random secret, wrapped under the
master key, that names people's subjects and stands for command fingerprints without
showing them). :func:`open_keyring` checks it **before anything is written**: a store
that is encrypted is refused without its key or with another key, a plaintext store
is refused with a key (:class:`CipherKeyRequired`, :class:`WrongCipherKey`,
:class:`StoreNotEncrypted`).

``ledger_subject_keys`` holds one random key per data subject (wrapped under the
master key when there is one). Forgetting a subject deletes its key: every value
sealed under it becomes unreadable, while the stored bytes — and so the hash chain —
stay as they were.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Callable
from typing import Any

from ..domain.errors import LedgerError
from . import crypto
from .store import StoreConfig

META_TABLE = "ledger_meta"
#: Personal values remembered for sealing snapshots (forgotten all at once beyond).
_LEARNED_MAX = 200_000
KEYS_TABLE = "ledger_subject_keys"
FORMAT = "1"


class CipherKeyRequired(LedgerError):
    """The store is encrypted at rest and no cipher key was given; nothing was written."""

    rule = "cipher_key_required"


class WrongCipherKey(LedgerError):
    """The cipher key given is not the store's key; nothing was written."""

    rule = "wrong_cipher_key"


class StoreNotEncrypted(LedgerError):
    """A cipher key was given for a store that is not encrypted at rest (it would mix
    encrypted and plaintext events); nothing was written."""

    rule = "store_not_encrypted"


def events_table(config: StoreConfig) -> str:
    return "stored_events" if config.backend == "sqlite" else "supervisionledger_events"


def snapshots_table(config: StoreConfig) -> str:
    return "stored_snapshots" if config.backend == "sqlite" else "supervisionledger_snapshots"


def _connect(config: StoreConfig) -> Any:
    from ..projections.engine import open_views_database

    return open_views_database(config)


def _table_exists(db: Any, backend: str, table: str) -> bool:
    if backend == "sqlite":
        return bool(db.run("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", [table]))
    return bool(db.run("SELECT to_regclass(?) IS NOT NULL", [table])[0][0])


def _blob_type(backend: str) -> str:
    return "BLOB" if backend == "sqlite" else "BYTEA"


class Keyring:
    """The master key (if any), the store's pepper and the subjects' keys.

    Keys are created on first use, and kept in memory once read; a subject forgotten
    by this ledger is forgotten at once (another process's ledger reads it until it is
    reopened: docs/privacy.md)."""

    def __init__(
        self,
        config: StoreConfig,
        db: Any,
        master: bytes | None,
        pepper: bytes,
        locked: CipherKeyRequired | None = None,
    ) -> None:
        self.config = config
        #: Set when an encrypted store was opened without its key for auditing only
        #: (``verify``, ``digest``): nothing can be written or read but the stored bytes.
        self.locked = locked
        self.db = db
        self.master = master
        self.pepper = pepper
        self._keys: dict[str, bytes | None] = {}
        #: Personal values this process sealed or opened, with their sealed form: a
        #: snapshot (an aggregate's state, plain) is stored with them sealed again.
        self._learned: dict[str, str] = {}
        #: Sealed values this process opened, with their text (reads repeat).
        self._opened: dict[str, str] = {}
        #: (class, subject, text) → its sealed form: sealing is deterministic under a
        #: subject's key, so a value sealed again is the same token (names repeat).
        self._sealed: dict[tuple[str, str, str], str] = {}
        #: How many times the values above were forgotten all at once: a snapshot of an
        #: aggregate whose values were learned before is taken from it read afresh.
        self.generation = 0
        #: Set by a writer that stores new subjects' keys in its own transactions (the
        #: event recorders, in the events' transaction: ``pending`` then ``stored``); otherwise a
        #: new key is committed on its own before it seals anything.
        self.writer_stores_keys = False
        #: Subject → wrapped key: created here, not stored yet (see ``writer_stores_keys``).
        self._pending: dict[str, bytes] = {}
        self._lock = threading.RLock()

    @property
    def encrypted(self) -> bool:
        return self.master is not None

    def close(self) -> None:
        with self._lock:
            self.db.close()

    # -- subjects ---------------------------------------------------------------------

    def name_subject(self, name: str) -> str:
        """The subject of a person known only by name (a party, an official)."""
        return "name/" + crypto.keyed_digest(self.pepper, "name", name)[:32]

    def command_digest(self, fingerprint: str) -> str:
        """What a command record keeps of a command's fingerprint: a keyed digest."""
        return "hmac-sha256:" + crypto.keyed_digest(self.pepper, "command", fingerprint)

    def key(self, subject: str, create: bool) -> bytes | None:
        with self._lock:
            if subject in self._keys and (self._keys[subject] is not None or not create):
                return self._keys[subject]
            rows = self.db.run(f"SELECT wrapped FROM {KEYS_TABLE} WHERE subject = ?", [subject])
            if not rows and create and self.writer_stores_keys:
                # Stored with the first events sealed under it, in their transaction.
                new = os.urandom(crypto.KEY_BYTES)
                self._pending[subject] = crypto.wrap(self.master, new, subject)
                self._keys[subject] = new
                return new
            if not rows and create:
                with self.db.setup():
                    # RETURNING: the new key without reading it back; no row if another
                    # process created this subject's key first (then theirs is read).
                    rows = self.db.run(
                        f"INSERT INTO {KEYS_TABLE} (subject, wrapped) VALUES (?, ?) "
                        "ON CONFLICT (subject) DO NOTHING RETURNING wrapped",
                        [subject, crypto.wrap(self.master, os.urandom(crypto.KEY_BYTES), subject)],
                    )
                if not rows:
                    rows = self.db.run(
                        f"SELECT wrapped FROM {KEYS_TABLE} WHERE subject = ?", [subject]
                    )
            key = crypto.unwrap(self.master, bytes(rows[0][0]), subject) if rows else None
            self._keys[subject] = key
            return key

    def pending(self) -> dict[str, bytes]:
        """The new subjects' keys not stored yet (subject → wrapped key)."""
        with self._lock:
            return dict(self._pending)

    def stored(self, keys: dict[str, bytes]) -> None:
        """``keys`` (from :meth:`pending`) are committed now."""
        with self._lock:
            for subject, wrapped in keys.items():
                if self._pending.get(subject) == wrapped:
                    del self._pending[subject]

    def lost(self, subjects: list[str]) -> None:
        """Another writer stored other keys for ``subjects`` first: forget ours (and what
        was sealed under them), so that a retry seals under the stored ones."""
        with self._lock:
            for subject in subjects:
                self._pending.pop(subject, None)
                self._keys.pop(subject, None)
            self._forget_values()

    def check_writable(self) -> None:
        if self.locked is not None:
            raise self.locked

    def seal(self, cls: str, subject: str, text: str) -> str:
        self.check_writable()
        if text.startswith(crypto.SEALED_PREFIX):
            return text  # sealed already (an event re-stored as it was read)
        known = self._sealed.get((cls, subject, text))
        if known is not None and self._keys.get(subject) is not None:
            return known
        key = self.key(subject, create=True)
        assert key is not None
        token = crypto.seal(key, cls, subject, text)
        self._learn(text, token)
        self._sealed[(cls, subject, text)] = token
        return token

    def _learn(self, text: str, token: str) -> None:
        if len(self._learned) >= _LEARNED_MAX:
            self._forget_values()
        self._learned[text] = token
        self._opened[token] = text

    def _forget_values(self) -> None:
        """Forget every personal value remembered (a new :attr:`generation`)."""
        self._learned.clear()
        self._opened.clear()
        self._sealed.clear()
        self.generation += 1

    def sealed_form(self, text: str) -> str | None:
        """The sealed form of a personal value this process has seen, else None."""
        return self._learned.get(text)

    def open(self, value: str) -> str:
        """The text of a sealed value (:data:`~.crypto.FORGOTTEN` once its subject is
        forgotten); any other string as it is."""
        known = self._opened.get(value)
        if known is not None:
            return known
        parsed = crypto.parse(value)
        if parsed is None:
            return value
        cls, subject, raw = parsed
        key = self.key(subject, create=False)
        if key is None:
            return crypto.FORGOTTEN
        try:
            text = crypto.unseal(key, cls, subject, raw)
        except ValueError:
            return crypto.FORGOTTEN
        self._learn(text, value)
        return text

    def known(self, subject: str) -> bool:
        return self.key(subject, create=False) is not None

    def destroy(self, subject: str, after: Callable[[Any], None] | None = None) -> bool:
        """Delete ``subject``'s key (and run ``after(db)`` in the same transaction);
        whether there was one."""
        with self._lock:
            with self.db.setup():
                existed = bool(
                    self.db.run(f"SELECT 1 FROM {KEYS_TABLE} WHERE subject = ?", [subject])
                )
                self.db.run(f"DELETE FROM {KEYS_TABLE} WHERE subject = ?", [subject])
                if after is not None:
                    after(self.db)
            self._keys[subject] = None
            self._pending.pop(subject, None)
            crypto.forget_cached_keys()  # no copy of the destroyed key stays in memory
            self._forget_values()
            return existed

    def scrub(self) -> None:
        """Leave no copy of deleted rows in the file: SQLite rewrites it (``VACUUM``) and
        empties its write-ahead log; PostgreSQL's ``VACUUM`` frees the dead rows."""
        with self._lock:
            if self.config.backend == "sqlite":
                if not self.config.is_memory:
                    self.db.run("VACUUM")
                    self.db.run("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                self.db.run(f"VACUUM {KEYS_TABLE}")
                self.db.run(f"VACUUM {snapshots_table(self.config)}")


def _legacy_encrypted(db: Any, config: StoreConfig) -> bytes | None:
    """The first stored event's bytes of a store made before ``ledger_meta``, if any."""
    table = events_table(config)
    if not _table_exists(db, config.backend, table):
        return None
    order = "rowid" if config.backend == "sqlite" else "notification_id"
    rows = db.run(f"SELECT state FROM {table} ORDER BY {order} LIMIT 1")
    return bytes(rows[0][0]) if rows else None


def _decrypts(key: str, state: bytes) -> bool:
    from eventsourcing.cipher import AESCipher
    from eventsourcing.utils import Environment

    try:
        AESCipher(Environment(env={"CIPHER_KEY": key})).decrypt(state)
    except Exception:
        return False
    return True


def _check(config: StoreConfig, encrypted: bool, stored_print: str, master: bytes | None) -> None:
    shown = config.redacted()
    if encrypted and master is None:
        raise CipherKeyRequired(
            f"{shown!r} is encrypted at rest: give its key (SUPERVISION_LEDGER_CIPHER_KEY "
            "or Ledger(cipher_key=...)); nothing was written"
        )
    if not encrypted and master is not None:
        raise StoreNotEncrypted(
            f"{shown!r} is not encrypted at rest: open it without a cipher key (a key "
            "would mix encrypted and plaintext events); nothing was written"
        )
    if master is not None and crypto.fingerprint(master) != stored_print:
        raise WrongCipherKey(
            f"the cipher key (fingerprint {crypto.fingerprint(master)[:8]}…) is not the key "
            f"of {shown!r} (fingerprint {stored_print[:8]}…); nothing was written"
        )


def open_keyring(
    config: StoreConfig, cipher_key: str | None, *, audit_only: bool = False
) -> Keyring:
    """Check the store against ``cipher_key`` and return its keyring, recording the
    store's settings on its first opening. Raises before anything is written.

    With ``audit_only``, an encrypted store opens without its key, locked: the hash
    chain can be verified and digested over the stored bytes, but nothing written."""
    master = crypto.decode_key(cipher_key) if cipher_key else None
    db = _connect(config)
    try:
        meta = _read_meta(db, config)
        if meta is None:
            legacy = _legacy_encrypted(db, config)
            if legacy is not None:
                is_encrypted = not legacy.lstrip().startswith(b"{")
                if is_encrypted and cipher_key and not _decrypts(cipher_key, legacy):
                    raise WrongCipherKey(
                        f"the cipher key does not decrypt the events of {config.redacted()!r}; "
                        "nothing was written"
                    )
                printed = crypto.fingerprint(master) if master is not None else ""
                _check(config, is_encrypted, printed, master)
            meta = _create_meta(db, config, master)
        try:
            _check(config, meta["encrypted"] == "yes", meta.get("key_fingerprint", ""), master)
        except CipherKeyRequired as refused:
            if not audit_only:
                raise
            return Keyring(config, db, None, b"", locked=refused)
        pepper = crypto.unwrap(master, base64.b64decode(meta["pepper"]), "pepper")
    except BaseException:
        db.close()
        raise
    return Keyring(config, db, master, pepper)


def _read_meta(db: Any, config: StoreConfig) -> dict[str, str] | None:
    if not _table_exists(db, config.backend, META_TABLE):
        return None
    meta = {str(k): str(v) for k, v in db.run(f"SELECT name, value FROM {META_TABLE}")}
    return meta if "encrypted" in meta else None


def _create_meta(db: Any, config: StoreConfig, master: bytes | None) -> dict[str, str]:
    pepper = crypto.wrap(master, os.urandom(32), "pepper")
    rows = {
        "format": FORMAT,
        "encrypted": "yes" if master is not None else "no",
        "key_fingerprint": crypto.fingerprint(master) if master is not None else "",
        "pepper": base64.b64encode(pepper).decode("ascii"),
    }
    with db.setup():
        db.run(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name TEXT PRIMARY KEY, value TEXT)")
        db.run(
            f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} "
            f"(subject TEXT PRIMARY KEY, wrapped {_blob_type(config.backend)} NOT NULL)"
        )
        for name, value in rows.items():
            db.run(
                f"INSERT INTO {META_TABLE} (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO NOTHING",
                [name, value],
            )
    # Another process may have recorded the store's settings first: theirs hold.
    meta = _read_meta(db, config)
    assert meta is not None
    return meta


#: Environment variable holding the master key (``supervision-ledger keygen`` makes one).
CIPHER_KEY_ENV_VAR = "SUPERVISION_LEDGER_CIPHER_KEY"


def resolve_cipher_key(cipher_key: str | None, env: dict[str, str]) -> str | None:
    """The master key: given, else eventsourcing's ``CIPHER_KEY`` in ``env``, else
    ``$SUPERVISION_LEDGER_CIPHER_KEY``, else ``$CIPHER_KEY`` (which eventsourcing reads);
    None for a store that is not encrypted at rest."""
    for value in (
        cipher_key,
        env.get("CIPHER_KEY"),
        os.environ.get(CIPHER_KEY_ENV_VAR),
        os.environ.get("CIPHER_KEY"),
    ):
        if value:
            return value
    return None
