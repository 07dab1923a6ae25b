"""How many blocks to ask ``eth_getLogs`` for: halve on a refusal, double while answers stay light."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AdaptiveSpan"]


@dataclass
class AdaptiveSpan:
    """``size`` blocks per query, between ``minimum`` and ``maximum``.

    A refusal halves the size and caps growth just below the refused size (a node's limit is usually
    fixed); after ``probe_after`` answers in a row the cap is lifted again, in case it was a bad moment.
    """

    size: int = 2_000
    minimum: int = 1
    maximum: int = 100_000
    target_logs: int = 5_000
    probe_after: int = 200
    ceiling: int | None = None
    _streak: int = 0

    def refused(self) -> None:
        self.ceiling = max(self.minimum, self.size // 2)
        self.size = self.ceiling
        self._streak = 0

    def answered(self, blocks: int, logs: int) -> None:
        self._streak += 1
        if self.ceiling is not None and self._streak >= self.probe_after:
            self.ceiling, self._streak = None, 0
        if logs > 2 * self.target_logs:
            self.size = max(self.minimum, self.size // 2)
        elif logs < self.target_logs // 2 and blocks >= self.size:
            limit = self.maximum if self.ceiling is None else min(self.maximum, self.ceiling)
            self.size = min(limit, self.size * 2)
