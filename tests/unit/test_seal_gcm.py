"""Sealing's fast AES-GCM gives exactly the bytes of pycryptodome's AES-GCM (so every
value sealed before opens as before, and the other way round)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supervision_ledger.persistence import crypto

#: A key, a nonce, a header and a text, as AES-GCM takes them.
GCM_INPUTS = {
    "key": st.binary(min_size=32, max_size=32),
    "nonce": st.binary(min_size=12, max_size=12),
    "header": st.binary(max_size=80),
    "data": st.binary(max_size=600),
}


def test_the_fast_path_is_in_use() -> None:
    assert crypto._gcm_encrypt is crypto._gcm_encrypt_fast


@settings(max_examples=300, deadline=None)
@given(**GCM_INPUTS)
def test_fast_gcm_equals_pycryptodome(key: bytes, nonce: bytes, header: bytes, data: bytes) -> None:
    assert crypto._gcm_encrypt_fast(key, nonce, header, data) == (
        crypto._gcm_encrypt_reference(key, nonce, header, data)
    )


@settings(max_examples=100, deadline=None)
@given(key=st.binary(min_size=32, max_size=32), text=st.text(max_size=200))
def test_a_sealed_value_opens(key: bytes, text: str) -> None:
    token = crypto.seal(key, crypto.PERSON, "sup/x", text)
    parsed = crypto.parse(token)
    assert parsed is not None
    cls, subject, raw = parsed
    assert crypto.unseal(key, cls, subject, raw) == text


def test_forgetting_drops_the_cached_ciphers() -> None:
    crypto.seal(bytes(32), crypto.PERSON, "sup/x", "张某")
    assert crypto._gcm_key.cache_info().currsize > 0
    assert crypto._nonce_key.cache_info().currsize > 0
    crypto.forget_cached_keys()
    assert crypto._gcm_key.cache_info().currsize == 0
    assert crypto._nonce_key.cache_info().currsize == 0


@given(key=st.binary(min_size=32, max_size=32), text=st.text(max_size=100))
def test_a_seal_is_the_same_bytes_as_ever(key: bytes, text: str) -> None:
    # The synthetic nonce: HMAC under HMAC(key, label) of the header and the text, then
    # AES-GCM under the key; spelled out here as sealing always computed it.
    data, header = text.encode(), b"P:sup/x"
    nonce_key = hmac.new(key, b"supervision-ledger seal nonce", hashlib.sha256).digest()
    nonce = hmac.new(nonce_key, header + b"\x00" + data, hashlib.sha256).digest()[:12]
    body, tag = crypto._gcm_encrypt_reference(key, nonce, header, data)
    blob = base64.urlsafe_b64encode(nonce + tag + body).decode().rstrip("=")
    assert crypto.seal(key, crypto.PERSON, "sup/x", text) == f"{crypto.SEALED_PREFIX}P:sup/x:{blob}"


def test_the_fast_decryption_is_in_use() -> None:
    assert crypto._gcm_decrypt is crypto._gcm_decrypt_fast


@settings(max_examples=300, deadline=None)
@given(**GCM_INPUTS, flip=st.integers(0, 10_000))
def test_fast_decryption_equals_pycryptodome(
    key: bytes, nonce: bytes, header: bytes, data: bytes, flip: int
) -> None:
    body, tag = crypto._gcm_encrypt_reference(key, nonce, header, data)
    assert crypto._gcm_decrypt_fast(key, nonce, header, body, tag) == data
    # Any one bit changed in the header, the ciphertext or the tag: both refuse.
    sealed = bytearray(header + body + tag)
    sealed[flip % len(sealed)] ^= 1 << (flip % 8)
    h, b, t = (
        bytes(sealed[: len(header)]),
        bytes(sealed[len(header) : len(header) + len(body)]),
        bytes(sealed[len(header) + len(body) :]),
    )
    for decrypt in (crypto._gcm_decrypt_fast, crypto._gcm_decrypt_reference):
        with pytest.raises(ValueError):
            decrypt(key, nonce, h, b, t)
