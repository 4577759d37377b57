"""AES-GCM primitives for encryption at rest and per-person sealing (docs/privacy.md).

* The **master key** is eventsourcing's ``CIPHER_KEY`` (16, 24 or 32 random bytes in
  base64): eventsourcing's ``AESCipher`` encrypts every stored event and snapshot with
  it, and this module wraps the per-person keys and the store's pepper with it.
* A **sealed value** is a personal name or text encrypted under the key of its data
  subject, written as the string ``sealed:v1:<class>:<subject>:<base64url>`` where it
  stood. Sealing is deterministic per subject (the nonce is an HMAC of the text under
  a key derived from the subject's key, as in SIV modes): equal values of one subject
  seal equal, so views can group and count by a sealed value without reading it.
  Destroying the subject's key leaves the value unreadable for good.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from functools import lru_cache
from typing import Any

from Crypto.Cipher import AES

from ..domain.errors import LedgerError

#: The prefix of every sealed value.
SEALED_PREFIX = "sealed:v1:"
#: What a sealed value reads as once its subject's key is destroyed.
FORGOTTEN = "[forgotten]"
#: Classes of sealed values: a supervisor's name, an official's (prosecutor's) name,
#: another person's name (a party, a petitioner), a free text.
SUPERVISOR, OFFICIAL, PERSON, TEXT = "S", "O", "P", "T"
CLASSES = frozenset({SUPERVISOR, OFFICIAL, PERSON, TEXT})
KEY_BYTES = 32
_NONCE = 12
_TAG = 16


class InvalidCipherKey(LedgerError):
    """A cipher key that is not 16, 24 or 32 bytes in base64."""

    rule = "invalid_cipher_key"


def new_key() -> str:
    """A fresh master key (32 random bytes, base64), as ``supervision-ledger keygen``
    prints it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def decode_key(key: str) -> bytes:
    """The bytes of a base64 master key; raises :class:`InvalidCipherKey`."""
    try:
        raw = base64.b64decode(key.strip().encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise InvalidCipherKey(
            "the cipher key is not base64; make one with `supervision-ledger keygen`"
        ) from None
    if len(raw) not in (16, 24, 32):
        raise InvalidCipherKey(
            f"the cipher key has {len(raw)} bytes, not 16, 24 or 32; "
            "make one with `supervision-ledger keygen`"
        )
    return raw


def fingerprint(master: bytes) -> str:
    """A short public fingerprint of a master key (it does not reveal the key)."""
    return hmac.new(master, b"supervision-ledger key fingerprint", hashlib.sha256).hexdigest()[:32]


def wrap(master: bytes | None, secret: bytes, label: str) -> bytes:
    """``secret`` encrypted under ``master`` (bound to ``label``); as is without one."""
    if master is None:
        return secret
    nonce = os.urandom(_NONCE)
    cipher = AES.new(master, AES.MODE_GCM, nonce=nonce)
    cipher.update(label.encode())
    body, tag = cipher.encrypt_and_digest(secret)
    return nonce + tag + body


def unwrap(master: bytes | None, wrapped: bytes, label: str) -> bytes:
    """The secret :func:`wrap` wrapped; raises ``ValueError`` if the key does not fit."""
    if master is None:
        return wrapped
    nonce, tag, body = wrapped[:_NONCE], wrapped[_NONCE : _NONCE + _TAG], wrapped[_NONCE + _TAG :]
    cipher = AES.new(master, AES.MODE_GCM, nonce=nonce)
    cipher.update(label.encode())
    return cipher.decrypt_and_verify(body, tag)


def seal(key: bytes, cls: str, subject: str, text: str) -> str:
    """``text`` sealed under the subject's ``key`` (deterministic, authenticated)."""
    data = text.encode("utf-8")
    header = f"{cls}:{subject}".encode()
    # The synthetic nonce is a MAC under a key derived from the subject's key, not the
    # AES key itself, over the header and the text: one key, one purpose.
    nonce = hmac.new(_nonce_key(key), header + b"\x00" + data, hashlib.sha256).digest()[:_NONCE]
    body, tag = _gcm_encrypt(key, nonce, header, data)
    blob = base64.urlsafe_b64encode(nonce + tag + body).decode("ascii").rstrip("=")
    return f"{SEALED_PREFIX}{cls}:{subject}:{blob}"


def _gcm_encrypt_reference(
    key: bytes, nonce: bytes, header: bytes, data: bytes
) -> tuple[bytes, bytes]:
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    cipher.update(header)
    body, tag = cipher.encrypt_and_digest(data)
    return body, tag


@lru_cache(maxsize=4096)
def _gcm_key(key: bytes) -> tuple[Any, bytes]:
    """A subject key's AES block cipher and GCM hash subkey H = E(K, 0^128): the parts
    of AES-GCM that depend on the key only, made once per key instead of per value."""
    ecb = AES.new(key, AES.MODE_ECB)
    return ecb, ecb.encrypt(bytes(16))


@lru_cache(maxsize=4096)
def _nonce_key(key: bytes) -> bytes:
    """The key of a subject's synthetic nonces, derived from the subject's key."""
    return hmac.new(key, b"supervision-ledger seal nonce", hashlib.sha256).digest()


def forget_cached_keys() -> None:
    """Drop what was derived from subject keys (a forgotten key leaves no copy)."""
    _gcm_key.cache_clear()
    _nonce_key.cache_clear()


def _pad16(data: bytes) -> bytes:
    return data + bytes(-len(data) % 16)


def _gcm_stream(key: bytes, nonce: bytes, size: int) -> tuple[bytes, bytes, bytes]:
    """(E(K, J0), the key stream for ``size`` bytes, the hash subkey H) of AES-GCM with a
    96-bit nonce: the counter blocks encrypted in one call of the cached block cipher."""
    ecb, h = _gcm_key(key)
    blocks = (size + 15) // 16
    counters = b"".join([nonce + (i & 0xFFFFFFFF).to_bytes(4, "big") for i in range(1, blocks + 2)])
    stream = ecb.encrypt(counters)  # E(J0), then the key stream from inc32(J0)
    return stream[:16], stream[16 : 16 + size], h


def _xor(data: bytes, stream: bytes) -> bytes:
    size = len(data)
    if not size:
        return b""
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(size, "big")


def _gcm_tag(h: bytes, first: bytes, header: bytes, body: bytes) -> bytes:
    """GHASH (pycryptodome's own implementation) of the header and the ciphertext,
    masked with E(K, J0)."""
    lengths = (8 * len(header)).to_bytes(8, "big") + (8 * len(body)).to_bytes(8, "big")
    s = _GHASH(h, _GHASH_C).update(_pad16(header) + _pad16(body) + lengths).digest()
    return _xor(s, first)


def _gcm_encrypt_fast(key: bytes, nonce: bytes, header: bytes, data: bytes) -> tuple[bytes, bytes]:
    """AES-GCM (NIST SP 800-38D) with a 96-bit nonce and a 128-bit tag, the same bytes as
    ``AES.new(key, MODE_GCM, nonce=nonce)`` gives."""
    first, stream, h = _gcm_stream(key, nonce, len(data))
    body = _xor(data, stream)
    return body, _gcm_tag(h, first, header, body)


def _gcm_decrypt_fast(key: bytes, nonce: bytes, header: bytes, body: bytes, tag: bytes) -> bytes:
    """What ``AES.new(key, MODE_GCM, nonce=nonce)`` gives for ``decrypt_and_verify``:
    the plaintext, or ``ValueError`` if the tag does not fit (checked in constant time,
    before anything is decrypted)."""
    first, stream, h = _gcm_stream(key, nonce, len(body))
    if not hmac.compare_digest(_gcm_tag(h, first, header, body), tag):
        raise ValueError("MAC check failed")
    return _xor(body, stream)


def _gcm_decrypt_reference(
    key: bytes, nonce: bytes, header: bytes, body: bytes, tag: bytes
) -> bytes:
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    cipher.update(header)
    plain: bytes = cipher.decrypt_and_verify(body, tag)
    return plain


def _fast_gcm_works() -> bool:
    """Whether the fast path gives pycryptodome's bytes here (checked once, at import:
    it uses a private part of pycryptodome, which another version may lack or change)."""
    if _GHASH is None:
        return False
    samples = [(b"", b""), (b"P:sup/x", "张某".encode()), (b"T:rec/y", bytes(range(256)) * 3)]
    key, nonce = bytes(range(32)), bytes(range(12))
    try:
        for h, d in samples:
            body, tag = _gcm_encrypt_reference(key, nonce, h, d)
            if _gcm_encrypt_fast(key, nonce, h, d) != (body, tag):
                return False
            if _gcm_decrypt_fast(key, nonce, h, body, tag) != d:
                return False
            try:
                _gcm_decrypt_fast(key, nonce, h, body, bytes(16))
            except ValueError:
                continue
            return False  # a wrong tag was accepted
        return True
    except Exception:  # pragma: no cover - another pycryptodome
        return False


try:  # pycryptodome's GHASH, as its AES-GCM uses it
    from Crypto.Cipher import _mode_gcm

    _GHASH: Any = _mode_gcm._GHASH
    _GHASH_C: Any = _mode_gcm._ghash_clmul or _mode_gcm._ghash_portable
except (ImportError, AttributeError):  # pragma: no cover - another pycryptodome
    _GHASH = None
    _GHASH_C = None

_FAST = _fast_gcm_works()
_gcm_encrypt = _gcm_encrypt_fast if _FAST else _gcm_encrypt_reference
_gcm_decrypt = _gcm_decrypt_fast if _FAST else _gcm_decrypt_reference


def parse(token: str) -> tuple[str, str, bytes] | None:
    """(class, subject, sealed bytes) of a sealed value; None for any other string."""
    if not token.startswith(SEALED_PREFIX):
        return None
    parts = token[len(SEALED_PREFIX) :].split(":")
    if len(parts) != 3 or parts[0] not in CLASSES:
        return None
    blob = parts[2]
    try:
        raw = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) < _NONCE + _TAG:
        return None
    return parts[0], parts[1], raw


def unseal(key: bytes, cls: str, subject: str, raw: bytes) -> str:
    """The text of a sealed value; raises ``ValueError`` if ``key`` is not its key."""
    nonce, tag, body = raw[:_NONCE], raw[_NONCE : _NONCE + _TAG], raw[_NONCE + _TAG :]
    return _gcm_decrypt(key, nonce, f"{cls}:{subject}".encode(), body, tag).decode("utf-8")


def keyed_digest(pepper: bytes, label: str, text: str) -> str:
    """An HMAC of ``text`` under the store's pepper, as hex (names a subject, or stands
    for a command's fingerprint, without showing it)."""
    return hmac.new(pepper, f"{label}\x00{text}".encode(), hashlib.sha256).hexdigest()
