"""Storage adapters: the msgspec event encoding and store URLs."""

from .mapper import MsgspecMapper, MsgspecTranscoder
from .store import DEFAULT_STORE, STORE_ENV_VAR, StoreConfig, parse_store_url

__all__ = [
    "DEFAULT_STORE",
    "STORE_ENV_VAR",
    "MsgspecMapper",
    "MsgspecTranscoder",
    "StoreConfig",
    "parse_store_url",
]
