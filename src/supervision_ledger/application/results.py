"""What a command returns to its caller."""

from __future__ import annotations

from pydantic import BaseModel

#: The keys a command created or touched, by name (``{"case": "K1", "activity": "A2"}``);
#: a draw lists the people drawn (``{"drawn": ["S2", "S3"], ...}``).
Ids = dict[str, str | list[str]]


class CommandResult(BaseModel):
    """What a command did: the keys it created or touched, and where it was stored."""

    command_type: str
    ids: Ids
    #: Position (notification id) of the last event written; None if nothing was written.
    position: int | None
    #: True when the ``command_id`` had been seen and nothing new was recorded.
    replayed: bool = False

    def key(self, name: str) -> str:
        """The one key named ``name`` (e.g. ``result.key("activity")``)."""
        value = self.ids[name]
        if not isinstance(value, str):
            raise TypeError(f"{name!r} holds several keys; use keys({name!r})")
        return value

    def keys(self, name: str) -> list[str]:
        """The keys named ``name`` (e.g. ``result.keys("drawn")``)."""
        value = self.ids[name]
        return [value] if isinstance(value, str) else list(value)
