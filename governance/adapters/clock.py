"""Clocks: the system's, and a fake one for tests and accelerated demos."""

from __future__ import annotations

import time

__all__ = ["FakeClock", "SystemClock"]


class SystemClock:
    def now(self) -> int:
        return int(time.time())


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: int = 1_700_000_000) -> None:
        self._now = start

    def now(self) -> int:
        return self._now

    def advance(self, seconds: int) -> None:
        if seconds < 0:
            raise ValueError("time does not go backwards")
        self._now += seconds
