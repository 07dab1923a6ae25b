"""Shared values for the Snapshot integration tests: a settable clock and a sleep recorder."""

from __future__ import annotations

from dataclasses import dataclass

NOW = 1_763_700_000
SPACE = "daobot.eth"


@dataclass
class Clock:
    now: int = NOW

    def __call__(self) -> int:
        return self.now


@dataclass
class Sleeps:
    delays: list[float]

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
