"""Snowflake ids and Discord-style timestamps for the sandbox."""

from __future__ import annotations

import itertools
import secrets
import time
from datetime import UTC, datetime

__all__ = ["SnowflakeFactory", "iso", "new_token", "utcnow"]

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeFactory:
    """Issues unique, increasing snowflakes whose timestamp part is the current time."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def next(self) -> int:
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (millis << 22) | (next(self._counter) & 0xFFF)
        self._last = max(candidate, self._last + 1)
        return self._last


def new_token(prefix: str) -> str:
    return f"{prefix}.{secrets.token_urlsafe(24)}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
